//! Logging: `tracing` with JSON lines in production. Request spans come from `tracing-actix-web`; they
//! record method, route and status, never headers or bodies, so no token or password reaches a log.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage, HttpRequest};
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; `format` is `json` or `pretty`. `RUST_LOG` filters (default `info`).
pub fn init(format: &str) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = if format == "pretty" {
        builder.try_init()
    } else {
        builder.json().try_init()
    };
    // A second call (tests start several servers in one process) keeps the first subscriber.
    drop(result);
}

/// The route pattern that matched a request (`/api/v1/sessions/{id}`), never its path; `None` when no
/// route did. Matching patterns is a walk over every route, so it is done once per request and kept in the
/// request's extensions for the log span and the metrics alike.
pub fn route_of(req: &HttpRequest) -> Option<String> {
    if let Some(RoutePattern(known)) = req.extensions().get::<RoutePattern>() {
        return known.clone();
    }
    let pattern = req.match_pattern();
    req.extensions_mut().insert(RoutePattern(pattern.clone()));
    pattern
}

#[derive(Clone)]
struct RoutePattern(Option<String>);

/// The span of each request: its method, request id, and once answered its route pattern and status —
/// never the path, headers or body. The route is looked up only when the span is recorded at all.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let id = request.extensions().get::<RequestId>().copied();
        tracing::info_span!(
            "request",
            http.method = %request.method(),
            http.route = tracing::field::Empty,
            http.status_code = tracing::field::Empty,
            request_id = id.map(tracing::field::display),
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        if span.is_disabled() {
            return;
        }
        let status = match outcome {
            Ok(res) => {
                if let Some(route) = route_of(res.request()) {
                    span.record("http.route", route);
                }
                res.status()
            }
            Err(e) => e.as_response_error().status_code(),
        };
        span.record("http.status_code", status.as_u16());
    }
}
