//! Supervising sittings (proctor, admin; operators read): the roster, proctor actions, a session's
//! timeline, and the review of held results (admin decides; proctors read).

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::{Admins, Authorized, Proctors, Supervisors};
use crate::error::{ApiError, Problem};
use crate::services::AppState;
use crate::services::forensics::ForensicsRun;
use crate::services::reviews::{self, DecisionRequest, ReviewList, ReviewView};
use crate::services::supervision::{self, ActionOutcome, ActionRequest, Roster, Timeline};
use crate::store::status::ReviewState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(roster)
        .service(act)
        .service(timeline)
        .service(list_reviews)
        .service(decide)
        .service(forensics);
}

/// A sitting's live roster: a row per registration.
#[utoipa::path(get, path = "/api/v1/sittings/{id}/roster", tag = "proctoring", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the sitting")),
    responses((status = 200, body = Roster), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
#[get("/api/v1/sittings/{id}/roster")]
async fn roster(
    state: web::Data<AppState>,
    _auth: Authorized<Supervisors>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(supervision::roster(&state, path.into_inner()).await?))
}

/// A proctor's action on a session, with its reason.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/proctor-actions", tag = "proctoring",
    security(("bearer" = [])), request_body = ActionRequest,
    params(("id" = Uuid, Path, description = "the session")),
    responses((status = 200, body = ActionOutcome), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/sessions/{id}/proctor-actions")]
async fn act(
    state: web::Data<AppState>,
    auth: Authorized<Proctors>,
    path: web::Path<Uuid>,
    body: web::Json<ActionRequest>,
) -> Result<HttpResponse, ApiError> {
    let outcome = supervision::act(
        &state,
        &auth.principal,
        path.into_inner(),
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(outcome))
}

/// Every integrity event, flag, proctor action and save time of a session, oldest first.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/timeline", tag = "proctoring", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the session")),
    responses((status = 200, body = Timeline), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
#[get("/api/v1/sessions/{id}/timeline")]
async fn timeline(
    state: web::Data<AppState>,
    auth: Authorized<Supervisors>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .json(supervision::timeline(&state, &auth.principal, path.into_inner()).await?))
}

#[derive(Deserialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReviewQuery {
    /// `open` (the default) or `closed`.
    status: Option<ReviewState>,
}

/// Held sessions with their flags and forensic statistics.
#[utoipa::path(get, path = "/api/v1/reviews", tag = "proctoring", security(("bearer" = [])),
    params(ReviewQuery),
    responses((status = 200, body = ReviewList), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
#[get("/api/v1/reviews")]
async fn list_reviews(
    state: web::Data<AppState>,
    _auth: Authorized<Proctors>,
    query: web::Query<ReviewQuery>,
) -> Result<HttpResponse, ApiError> {
    let status = query.status.unwrap_or(ReviewState::Open);
    Ok(HttpResponse::Ok().json(reviews::list(&state, status).await?))
}

/// Decides a held session: `release` certifies it, `void` records a voided result (a certified one is
/// revoked in the feed), `ban` bars the candidate from registering for `ban_days`.
#[utoipa::path(post, path = "/api/v1/reviews/{session_id}", tag = "proctoring", security(("bearer" = [])),
    request_body = DecisionRequest,
    params(("session_id" = Uuid, Path, description = "the held session")),
    responses((status = 200, body = ReviewView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/reviews/{session_id}")]
async fn decide(
    state: web::Data<AppState>,
    auth: Authorized<Admins>,
    path: web::Path<Uuid>,
    body: web::Json<DecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(
        reviews::decide(
            &state,
            &auth.principal,
            path.into_inner(),
            body.into_inner(),
        )
        .await?,
    ))
}

/// Runs the post-test forensics of a sitting now (the sweeper runs them once the window has closed and
/// every session has ended): person fit and answer copying; flagged candidates get a review.
#[utoipa::path(post, path = "/api/v1/sittings/{id}/forensics", tag = "proctoring", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the sitting")),
    responses((status = 200, body = ForensicsRun), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
#[post("/api/v1/sittings/{id}/forensics")]
async fn forensics(
    state: web::Data<AppState>,
    _auth: Authorized<Proctors>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .json(crate::services::forensics::run_sitting(&state, path.into_inner()).await?))
}
