//! Results for the pre-selection system (results-reader) and revocation (admin).

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::{Admins, Authorized, ResultsReaders};
use crate::domain::Reason;
use crate::error::{ApiError, Problem};
use crate::services::AppState;
use crate::services::certification::{self, FeedPage};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(feed).service(revoke);
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FeedQuery {
    /// A cursor from an earlier page (`next_cursor`); from the beginning when absent.
    #[param(pattern = "^[0-9]{1,18}$")]
    after: Option<String>,
    /// 1 to 1000; 100 when absent.
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u64>,
}

/// Certified and revoked events, oldest first, by cursor.
#[utoipa::path(get, path = "/api/v1/results/feed", tag = "results", params(FeedQuery), security(("bearer" = [])),
    responses((status = 200, body = FeedPage), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[get("/api/v1/results/feed")]
async fn feed(
    state: web::Data<AppState>,
    _auth: Authorized<ResultsReaders>,
    query: web::Query<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .json(certification::feed(&state, query.after.as_deref(), query.limit).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    #[schema(value_type = Reason)]
    reason: String,
}

/// Revokes a certificate; the feed carries the revocation.
#[utoipa::path(post, path = "/api/v1/certificates/{certificate_id}/revoke", tag = "results",
    params(("certificate_id" = Uuid, Path, description = "the certificate")),
    request_body = RevokeRequest, security(("bearer" = [])),
    responses((status = 200, body = certification::CertificateView), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/api/v1/certificates/{certificate_id}/revoke")]
async fn revoke(
    state: web::Data<AppState>,
    _auth: Authorized<Admins>,
    path: web::Path<Uuid>,
    body: web::Json<RevokeRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let reason = Reason::parse(&body.reason)?;
    certification::revoke(&state, id, &reason).await?;
    Ok(HttpResponse::Ok().json(certification::status(&state, id).await?))
}
