//! Blueprints (author, admin).

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{Authorized, Authors};
use crate::domain::text::{self, Lines};
use crate::error::{ApiError, Problem};
use crate::lang::Lang;
use crate::services::authoring::blueprints::{self, DEFAULT_SIMULATED_FORMS, FeasibilityView};
use crate::services::{AppState, authoring, calibration};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(get_one)
        .service(save)
        .service(feasibility)
        .service(simulation)
        .service(list_runs)
        .service(start_run)
        .service(get_run)
        .service(apply_run)
        .service(run_picture);
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

/// Whether the live bank can carry the blueprint (its latest version, or `version`): every unmet
/// constraint, and each section's needs against the live items of its section.
#[utoipa::path(get, path = "/api/v1/blueprints/{id}/feasibility", tag = "authoring",
    params(("id" = String, Path, description = "The blueprint's id"), VersionQuery), security(("bearer" = [])),
    responses((status = 200, body = FeasibilityView), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/api/v1/blueprints/{id}/feasibility")]
async fn feasibility(
    state: web::Data<AppState>,
    _auth: Authorized<Authors>,
    path: web::Path<String>,
    query: web::Query<VersionQuery>,
) -> Result<HttpResponse, ApiError> {
    text::check("id", &path, Lines::One)?;
    Ok(HttpResponse::Ok().json(blueprints::feasibility(&state, &path, query.version).await?))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct SimulationQuery {
    /// Forms to draw, 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    forms: Option<usize>,
    /// The simulation's seed (default 1): the same seed draws the same forms from the same bank.
    #[param(minimum = 0)]
    seed: Option<i64>,
    /// The language of the picture's words: `kk` (default), `ru` or `en`.
    #[param(inline)]
    lang: Option<Lang>,
}

/// The picture (SVG) of a simulation of the blueprint's forms drawn from the live bank as the service
/// draws them: each section's test characteristic curves per form against the target, and exposure.
#[utoipa::path(get, path = "/api/v1/blueprints/{id}/simulation", tag = "authoring",
    params(("id" = String, Path, description = "The blueprint's id"), SimulationQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "image/svg+xml"), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/api/v1/blueprints/{id}/simulation")]
async fn simulation(
    state: web::Data<AppState>,
    _auth: Authorized<Authors>,
    path: web::Path<String>,
    query: web::Query<SimulationQuery>,
) -> Result<HttpResponse, ApiError> {
    text::check("id", &path, Lines::One)?;
    let forms = query.forms.unwrap_or(DEFAULT_SIMULATED_FORMS);
    let svg = blueprints::simulation_picture(
        &state,
        &path,
        forms,
        query
            .seed
            .map_or(Ok(1), u64::try_from)
            .map_err(|_| ApiError::Validation("seed is a whole number from 0".into()))?,
        query.lang.unwrap_or_default(),
    )
    .await?;
    Ok(super::files::picture(
        "image/svg+xml".into(),
        svg.into_bytes(),
    ))
}

/// The latest 100 calibration runs, newest first, without their estimates.
#[utoipa::path(get, path = "/api/v1/calibration-runs", tag = "authoring", security(("bearer" = [])),
    responses((status = 200, body = Vec<calibration::RunSummary>), (status = 401, body = Problem),
        (status = 403, body = Problem)))]
#[get("/api/v1/calibration-runs")]
async fn list_runs(
    state: web::Data<AppState>,
    _auth: Authorized<Authors>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(calibration::list_runs(&state).await?))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PictureQuery {
    /// The language of the picture's words: `kk` (default), `ru` or `en`.
    #[param(inline)]
    lang: Option<Lang>,
}

/// The picture (SVG) of a run: each estimated item's difficulty and discrimination before the run
/// against the run's estimates.
#[utoipa::path(get, path = "/api/v1/calibration-runs/{id}/picture", tag = "authoring",
    params(("id" = uuid::Uuid, Path, description = "The run's id"), PictureQuery), security(("bearer" = [])),
    responses((status = 200, description = "image/svg+xml"), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/api/v1/calibration-runs/{id}/picture")]
async fn run_picture(
    state: web::Data<AppState>,
    _auth: Authorized<Authors>,
    path: web::Path<uuid::Uuid>,
    query: web::Query<PictureQuery>,
) -> Result<HttpResponse, ApiError> {
    let lang = query.lang.unwrap_or_default();
    let svg = calibration::picture(&state, path.into_inner(), lang).await?;
    Ok(super::files::picture(
        "image/svg+xml".into(),
        svg.into_bytes(),
    ))
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
