//! Blueprints (author, admin).

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{Authorized, Authors};
use crate::domain::text::{self, Lines};
use crate::error::{ApiError, Problem};
use crate::services::{AppState, authoring, calibration};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(get_one)
        .service(save)
        .service(start_run)
        .service(get_run)
        .service(apply_run);
}

/// The latest version of every blueprint.
#[utoipa::path(get, path = "/api/v1/blueprints", tag = "authoring", security(("bearer" = [])),
    responses((status = 200, description = "blueprints", body = Vec<Object>)))]
#[get("/api/v1/blueprints")]
async fn list(
    state: web::Data<AppState>,
    _auth: Authorized<Authors>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(authoring::list(&state).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct VersionQuery {
    /// A specific version; the latest when absent.
    version: Option<i32>,
}

/// One blueprint.
#[utoipa::path(get, path = "/api/v1/blueprints/{id}", tag = "authoring",
    params(("id" = crate::domain::schema::OneLine, Path, description = "the blueprint"), VersionQuery),
    security(("bearer" = [])), responses((status = 200, body = Object), (status = 404, body = Problem)))]
#[get("/api/v1/blueprints/{id}")]
async fn get_one(
    state: web::Data<AppState>,
    _auth: Authorized<Authors>,
    path: web::Path<String>,
    query: web::Query<VersionQuery>,
) -> Result<HttpResponse, ApiError> {
    text::check("id", &path, Lines::One)?;
    Ok(HttpResponse::Ok().json(authoring::get(&state, &path, query.version).await?))
}

/// Saves a new blueprint (version 1) or the next version of one.
#[utoipa::path(post, path = "/api/v1/blueprints", tag = "authoring", request_body = Object,
    security(("bearer" = [])),
    responses((status = 201, body = Object), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/blueprints")]
async fn save(
    state: web::Data<AppState>,
    auth: Authorized<Authors>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    text::check_json("blueprint", &body)?;
    let bp = serde_json::from_value(body.into_inner())
        .map_err(|e| ApiError::Validation(e.to_string()))?;
    Ok(HttpResponse::Created().json(authoring::save(&state, &auth.principal, bp).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRun {
    /// `rasch`, `1pl`, `2pl` (default) or `3pl`.
    #[serde(default = "default_model")]
    #[schema(value_type = String, pattern = "^(rasch|1pl|2pl|3pl)$")]
    model: item_bank::irt::CalibrationModel,
    /// Item versions with fewer responses are left out. Default 200.
    #[serde(
        default = "default_min_responses",
        deserialize_with = "crate::domain::whole_number::u32"
    )]
    #[schema(maximum = 4_294_967_295_u32)]
    min_responses: u32,
}

fn default_model() -> item_bank::irt::CalibrationModel {
    item_bank::irt::CalibrationModel::TwoPl
}

fn default_min_responses() -> u32 {
    200
}

/// Calibrates the bank's items from the responses of finished sessions; the run is stored, not applied.
#[utoipa::path(post, path = "/api/v1/calibration-runs", tag = "authoring", request_body = NewRun,
    security(("bearer" = [])),
    responses((status = 201, body = calibration::RunView), (status = 409, body = Problem)))]
#[post("/api/v1/calibration-runs")]
async fn start_run(
    state: web::Data<AppState>,
    _auth: Authorized<Authors>,
    body: web::Json<NewRun>,
) -> Result<HttpResponse, ApiError> {
    if matches!(
        body.model,
        item_bank::irt::CalibrationModel::Gpcm | item_bank::irt::CalibrationModel::Grm
    ) {
        return Err(ApiError::Validation(
            "the bank's items are dichotomous: rasch, 1pl, 2pl or 3pl".into(),
        ));
    }
    let run =
        calibration::start_run(&state, body.model, body.min_responses.max(1) as usize).await?;
    Ok(HttpResponse::Created().json(run))
}

/// A calibration run with its estimates.
#[utoipa::path(get, path = "/api/v1/calibration-runs/{id}", tag = "authoring", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "the run")),
    responses((status = 200, body = calibration::RunView), (status = 404, body = Problem)))]
#[get("/api/v1/calibration-runs/{id}")]
async fn get_run(
    state: web::Data<AppState>,
    _auth: Authorized<Authors>,
    path: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(calibration::get_run(&state, path.into_inner()).await?))
}

/// Applies a run to the bank: its items become `calibrated`, with the run as their provenance.
#[utoipa::path(post, path = "/api/v1/calibration-runs/{id}/apply", tag = "authoring", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "the run")),
    responses((status = 200, body = calibration::RunView), (status = 409, body = Problem)))]
#[post("/api/v1/calibration-runs/{id}/apply")]
async fn apply_run(
    state: web::Data<AppState>,
    auth: Authorized<Authors>,
    path: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let run = calibration::apply(&state, &auth.principal, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(run))
}
