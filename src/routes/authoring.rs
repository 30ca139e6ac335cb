//! Blueprints (author, admin).

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{Authorized, Authors};
use crate::error::{ApiError, Problem};
use crate::services::{AppState, authoring};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(get_one).service(save);
}

/// The latest version of every blueprint.
#[utoipa::path(get, path = "/api/v1/blueprints", tag = "authoring", security(("bearer" = [])),
    responses((status = 200, description = "blueprints", body = Object)))]
#[get("/api/v1/blueprints")]
async fn list(
    state: web::Data<AppState>,
    _auth: Authorized<Authors>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(authoring::list(&state).await?))
}

#[derive(Deserialize, IntoParams)]
struct VersionQuery {
    /// A specific version; the latest when absent.
    version: Option<i32>,
}

/// One blueprint.
#[utoipa::path(get, path = "/api/v1/blueprints/{id}", tag = "authoring", params(VersionQuery),
    security(("bearer" = [])), responses((status = 200, body = Object), (status = 404, body = Problem)))]
#[get("/api/v1/blueprints/{id}")]
async fn get_one(
    state: web::Data<AppState>,
    _auth: Authorized<Authors>,
    path: web::Path<String>,
    query: web::Query<VersionQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(authoring::get(&state, &path, query.version).await?))
}

/// Saves a new blueprint (version 1) or the next version of one.
#[utoipa::path(post, path = "/api/v1/blueprints", tag = "authoring", request_body = Object,
    security(("bearer" = [])),
    responses((status = 201, body = Object), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/blueprints")]
async fn save(
    state: web::Data<AppState>,
    _auth: Authorized<Authors>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let bp = serde_json::from_value(body.into_inner())
        .map_err(|e| ApiError::Validation(e.to_string()))?;
    Ok(HttpResponse::Created().json(authoring::save(&state, bp).await?))
}
