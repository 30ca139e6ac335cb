//! The last line of the problem+json contract: an error response that did not come from [`ApiError`] —
//! a body over the payload limit, a header or body actix refused before any handler ran — is replaced by a
//! problem document with the code its status stands for. Error pages for people (HTML, such as the
//! verify page's "not found") are answers of their own and pass through.

use actix_web::ResponseError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;

use super::{ApiError, ErrorCode};

/// Passes every response through, rewriting error responses that are not problem documents.
pub async fn problems(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // Handlers and extractors answer errors as responses; only a middleware could fail the call itself,
    // and none runs inside this one.
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    let is_answer = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| {
        let v = v.as_bytes();
        v.starts_with(b"application/problem+json") || v.starts_with(b"text/html")
    });
    if is_answer || !(status.is_client_error() || status.is_server_error()) {
        return Ok(res);
    }
    let (request, _) = res.into_parts();
    let problem = ApiError::Status(code_for(status)).error_response();
    Ok(ServiceResponse::new(request, problem))
}

/// The code a bare error status stands for.
fn code_for(status: StatusCode) -> ErrorCode {
    match status {
        StatusCode::UNAUTHORIZED => ErrorCode::Unauthorized,
        StatusCode::FORBIDDEN => ErrorCode::Forbidden,
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::TOO_MANY_REQUESTS => ErrorCode::RateLimited,
        StatusCode::SERVICE_UNAVAILABLE => ErrorCode::Busy,
        s if s.is_client_error() => ErrorCode::ValidationFailed,
        _ => ErrorCode::Internal,
    }
}

#[cfg(test)]
mod tests {
    use actix_web::{App, HttpResponse, test, web};

    use super::*;

    #[actix_web::test]
    async fn bare_errors_become_problems_and_problems_stay() {
        let app = test::init_service(
            App::new()
                .wrap(actix_web::middleware::from_fn(problems))
                .app_data(web::PayloadConfig::new(16))
                .route("/bytes", web::post().to(|_: web::Bytes| async { "ok" }))
                .route(
                    "/teapot",
                    web::get().to(|| async { HttpResponse::ImATeapot().body("short and stout") }),
                )
                .route(
                    "/page",
                    web::get().to(|| async {
                        HttpResponse::NotFound()
                            .content_type("text/html; charset=utf-8")
                            .body("<h1>Not found</h1>")
                    }),
                )
                .route(
                    "/own",
                    web::get().to(|| async { Err::<HttpResponse, _>(ApiError::Forbidden) }),
                ),
        )
        .await;
        let big = test::TestRequest::post()
            .uri("/bytes")
            .set_payload(vec![b'x'; 64])
            .to_request();
        let res = test::call_service(&app, big).await;
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            res.headers().get("content-type").unwrap(),
            "application/problem+json"
        );
        let body: serde_json::Value = test::read_body_json(res).await;
        assert_eq!(body["code"], "payload_too_large");
        let res =
            test::call_service(&app, test::TestRequest::get().uri("/teapot").to_request()).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: serde_json::Value = test::read_body_json(res).await;
        assert_eq!(body["code"], "validation_failed");
        assert_eq!(body["status"], 422);
        let res =
            test::call_service(&app, test::TestRequest::get().uri("/page").to_request()).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            test::read_body(res).await,
            "<h1>Not found</h1>",
            "a page for people stays as it is"
        );
        let res = test::call_service(&app, test::TestRequest::get().uri("/own").to_request()).await;
        let body: serde_json::Value = test::read_body_json(res).await;
        assert_eq!(body["code"], "forbidden");
    }
}
