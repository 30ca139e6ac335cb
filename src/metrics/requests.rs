//! What each request took, by method, route pattern and status.
//!
//! The route is the pattern that matched (`/api/v1/sessions/{id}/responses/{position}`), never the path
//! itself: ids stay out of the metrics and the number of series stays bounded (routes × methods ×
//! statuses). A path no route serves is `unmatched`; a method the service does not use is `other`.

use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;

use super::Metrics;

/// The labels of one request's series.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(super) struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

pub(super) type Requests = Family<RequestLabels, Histogram, fn() -> Histogram>;

/// The route label of a request whose path no route serves.
const UNMATCHED: &str = "unmatched";

impl Metrics {
    /// Records one request: its method, the route pattern that matched (`None`: no route did), the
    /// status of its answer and the time it took.
    pub fn observe_request(
        &self,
        method: &Method,
        route: Option<String>,
        status: StatusCode,
        took: Duration,
    ) {
        let labels = RequestLabels {
            method: method_label(method),
            route: route.unwrap_or_else(|| UNMATCHED.to_owned()),
            status: status.as_u16(),
        };
        self.requests
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
    }
}

/// The method's label: one of the methods HTTP defines, else `other` (a client may send any token).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The middleware that records every request in the [`Metrics`] registered as app data (a
/// `web::Data<Metrics>`); without them it only passes requests on. Wrap it outermost, so that the time
/// and the status are those the client sees.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let Some(metrics) = req.app_data::<web::Data<Metrics>>().cloned() else {
        return next.call(req).await;
    };
    let method = req.method().clone();
    let result = next.call(req).await;
    match &result {
        Ok(res) => metrics.observe_request(
            &method,
            crate::telemetry::route_of(res.request()),
            res.status(),
            started.elapsed(),
        ),
        Err(e) => metrics.observe_request(
            &method,
            None,
            e.as_response_error().status_code(),
            started.elapsed(),
        ),
    }
    result
}

#[cfg(test)]
mod tests {
    use actix_web::middleware::from_fn;
    use actix_web::{App, HttpResponse, test};

    use super::*;

    #[actix_web::test]
    async fn a_request_is_counted_under_its_pattern_never_its_path() {
        let metrics = web::Data::new(Metrics::default());
        let app = test::init_service(
            App::new()
                .wrap(from_fn(record))
                .app_data(metrics.clone())
                .route(
                    "/api/v1/sessions/{id}/responses/{position}",
                    web::put().to(HttpResponse::Ok),
                )
                .service(
                    web::scope("/sit").route("/{page}", web::get().to(HttpResponse::NotFound)),
                ),
        )
        .await;
        for path in [
            "/api/v1/sessions/0190-secret-id/responses/1",
            "/api/v1/sessions/0190-other-id/responses/2",
        ] {
            let res =
                test::call_service(&app, test::TestRequest::put().uri(path).to_request()).await;
            assert_eq!(res.status(), StatusCode::OK);
        }
        test::call_service(&app, test::TestRequest::get().uri("/sit/x").to_request()).await;
        test::call_service(
            &app,
            test::TestRequest::get().uri("/nowhere/1234").to_request(),
        )
        .await;
        let custom = Method::from_bytes(b"BREW").unwrap();
        test::call_service(
            &app,
            test::TestRequest::default()
                .method(custom)
                .uri("/x")
                .to_request(),
        )
        .await;

        let mut out = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut out, &metrics.registry).unwrap();
        let count = |labels: &str| {
            out.lines()
                .find_map(|l| {
                    l.strip_prefix(&format!(
                        "synaq_http_request_duration_seconds_count{{{labels}}} "
                    ))
                })
                .unwrap_or_else(|| panic!("no series {labels} in {out}"))
                .to_owned()
        };
        assert_eq!(
            count(
                r#"method="PUT",route="/api/v1/sessions/{id}/responses/{position}",status="200""#
            ),
            "2"
        );
        assert_eq!(
            count(r#"method="GET",route="/sit/{page}",status="404""#),
            "1"
        );
        assert_eq!(count(r#"method="GET",route="unmatched",status="404""#), "1");
        assert_eq!(
            count(r#"method="other",route="unmatched",status="404""#),
            "1"
        );
        assert!(!out.contains("secret"), "no id reaches the metrics: {out}");
    }
}
