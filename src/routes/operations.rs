//! Routes for whoever runs the service: readiness for balancers and orchestrators, metrics for
//! Prometheus. On the main address `/metrics` needs an admin's token; the `metrics_bind` address serves
//! `/metrics` alone, without one (keep that address on a network only the monitoring reaches).

use actix_web::{HttpResponse, get, web};

use crate::auth::{Admins, Authorized};
use crate::error::{ApiError, Problem};
use crate::metrics::scrape;
use crate::services::{AppState, health};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(readyz).service(metrics);
}

/// The only route of the `metrics_bind` listener.
pub fn configure_metrics_listener(cfg: &mut web::ServiceConfig) {
    cfg.service(open_metrics);
}

/// Ready for requests: both database pools answer, the save queue runs and the server is not stopping.
/// `/healthz` stays the liveness check.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, description = "ready"),
        (status = 503, description = "not ready (stopping, or the database or the save queue does not answer): busy, with Retry-After", body = Problem)))]
#[get("/readyz")]
async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    health::ready(&state).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"status": "ready"})))
}

/// Every metric in the Prometheus text format (version 0.0.4); README, "Metrics", lists them.
#[utoipa::path(get, path = "/metrics", tag = "operations", security(("bearer" = [])),
    responses((status = 200, description = "the metrics", content_type = "text/plain; version=0.0.4", body = String),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 503, description = "the database did not answer in time: busy, with Retry-After", body = Problem)))]
#[get("/metrics")]
async fn metrics(
    state: web::Data<AppState>,
    _auth: Authorized<Admins>,
) -> Result<HttpResponse, ApiError> {
    render(&state).await
}

#[get("/metrics")]
async fn open_metrics(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    render(&state).await
}

async fn render(state: &AppState) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .content_type(scrape::CONTENT_TYPE)
        .insert_header(("Cache-Control", "no-store"))
        .body(scrape::render(state).await?))
}
