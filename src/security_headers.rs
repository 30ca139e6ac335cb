//! The headers every response carries, whatever produced it (a handler, an extractor's error, the
//! fallback for unknown paths):
//!
//! - `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer` everywhere;
//! - `Cache-Control: no-store` on every `/api/v1` answer that does not say otherwise (answers carry
//!   tokens, access codes, personal data and session state; the media routes say `private, no-store`;
//!   the JWKS, outside `/api/v1`, may be cached);
//! - a `Content-Security-Policy` when the handler set none: [`PAGE_POLICY`] for HTML, [`API_POLICY`] for
//!   everything else.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

/// The policy of API answers: nothing may load from them, and nothing may frame them.
pub const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// The policy of HTML pages: their own scripts, styles, images and sounds, and the `blob:` URLs the
/// candidate's page makes from media it fetched with its token; requests and forms to the same origin
/// only; nothing inline, no plugins, no framing.
pub const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' blob:; media-src 'self' blob:; connect-src 'self'; form-action 'self'; \
    base-uri 'none'; frame-ancestors 'none'";

/// The policy of the API description's page (`/api/docs`): the pages' policy, with the `data:` images
/// (icons) that Swagger UI's stylesheet carries. Scripts stay the page's own files, nothing inline.
pub const DOCS_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' blob: data:; media-src 'self' blob:; connect-src 'self'; form-action 'self'; \
    base-uri 'none'; frame-ancestors 'none'";

/// Adds the headers to the response of `req` (see the module documentation).
pub async fn apply(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let api = req.path().starts_with("/api/v1/");
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if api && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let html = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(if html { PAGE_POLICY } else { API_POLICY }),
        );
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use actix_web::{App, HttpResponse, test, web};

    use super::*;

    #[actix_web::test]
    async fn html_gets_the_page_policy_and_a_handlers_own_headers_stand() {
        let app = test::init_service(
            App::new()
                .wrap(actix_web::middleware::from_fn(apply))
                .route(
                    "/page",
                    web::get().to(|| async {
                        HttpResponse::Ok()
                            .content_type("text/html; charset=utf-8")
                            .body("<p>")
                    }),
                )
                .route(
                    "/api/v1/own",
                    web::get().to(|| async {
                        HttpResponse::Ok()
                            .insert_header(("Cache-Control", "private, no-store"))
                            .insert_header(("Content-Security-Policy", "sandbox"))
                            .finish()
                    }),
                ),
        )
        .await;
        let page =
            test::call_service(&app, test::TestRequest::get().uri("/page").to_request()).await;
        assert_eq!(
            page.headers().get("content-security-policy").unwrap(),
            PAGE_POLICY
        );
        assert_eq!(
            page.headers().get("x-content-type-options").unwrap(),
            "nosniff"
        );
        assert!(!page.headers().contains_key("cache-control"));
        let own = test::call_service(
            &app,
            test::TestRequest::get().uri("/api/v1/own").to_request(),
        )
        .await;
        assert_eq!(
            own.headers().get("cache-control").unwrap(),
            "private, no-store"
        );
        assert_eq!(
            own.headers().get("content-security-policy").unwrap(),
            "sandbox"
        );
    }
}
