//! The item bank for authors (author, admin): items, versions, the lifecycle, previews and the audit log.

use actix_web::{HttpResponse, get, post, put, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{Authorized, Authors};
use crate::domain::text::{self, Lines};
use crate::error::{ApiError, Problem};
use crate::lang::Lang;
use crate::services::AppState;
use crate::services::authoring::audit::{self, AuditQuery, AuditView};
use crate::services::authoring::items::{self, ItemDetail, ItemFilter, ItemPage};
use crate::services::authoring::lifecycle::{self, TransitionRequest};
use crate::services::authoring::media::{self, MediaView};
use crate::services::authoring::qti::{self as qti_bank, ImportReportView};
use crate::services::delivery::ItemView;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get_one)
        .service(edit_draft)
        .service(new_version)
        .service(transition)
        .service(preview)
        .service(preview_media)
        .service(preview_image)
        .service(curves)
        .service(audit_log)
        .service(qti_export)
        .service(
            web::resource("/api/v1/media")
                .app_data(web::PayloadConfig::new(media::MAX_AUDIO_BYTES))
                .route(web::post().to(upload_media))
                .default_service(web::to(super::unrouted)),
        )
        .service(
            web::resource("/api/v1/qti/import")
                .app_data(web::PayloadConfig::new(
                    qti::limits::MAX_PACKAGE_BYTES as usize,
                ))
                .route(web::post().to(qti_import))
                .default_service(web::to(super::unrouted)),
        );
}

/// An item id as paths carry it: 1–64 characters of `a-z`, `0-9` and `-`; anything else names no item.
fn item_id(path: &str) -> Result<&str, ApiError> {
    if item_bank::bank::is_valid_id(path) {
        Ok(path)
    } else {
        Err(ApiError::NotFound("item"))
    }
}

/// The latest version of each item that passes the filters, a page at a time (by id).
#[utoipa::path(get, path = "/api/v1/items", tag = "items", params(ItemFilter), security(("bearer" = [])),
    responses((status = 200, body = ItemPage), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
#[get("/api/v1/items")]
async fn list(
    state: web::Data<AppState>,
    _auth: Authorized<Authors>,
    filter: web::Query<ItemFilter>,
) -> Result<HttpResponse, ApiError> {
    if let Some(q) = &filter.q {
        text::check("q", q, Lines::One)?;
    }
    Ok(HttpResponse::Ok().json(items::list(&state, filter.into_inner()).await?))
}

/// Creates an item (version 1, a draft): the items-file fields as JSON; `irt` is optional.
#[utoipa::path(post, path = "/api/v1/items", tag = "items", request_body = Object, security(("bearer" = [])),
    responses((status = 201, body = ItemDetail), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/items")]
async fn create(
    state: web::Data<AppState>,
    auth: Authorized<Authors>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let item = items::create(&state, &auth.principal, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(item))
}

/// One item: every version (keys included), its status history, parameters and statistics.
#[utoipa::path(get, path = "/api/v1/items/{id}", tag = "items", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = ItemDetail), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
#[get("/api/v1/items/{id}")]
async fn get_one(
    state: web::Data<AppState>,
    _auth: Authorized<Authors>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(items::detail(&state, item_id(&path)?).await?))
}

/// Replaces the content of the item's draft version.
#[utoipa::path(put, path = "/api/v1/items/{id}/draft", tag = "items", params(("id" = String, Path)),
    request_body = Object, security(("bearer" = [])),
    responses((status = 200, body = ItemDetail), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[put("/api/v1/items/{id}/draft")]
async fn edit_draft(
    state: web::Data<AppState>,
    auth: Authorized<Authors>,
    path: web::Path<String>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let id = item_id(&path)?;
    Ok(HttpResponse::Ok()
        .json(items::edit_draft(&state, &auth.principal, id, body.into_inner()).await?))
}

/// Opens a new draft version, a copy of the latest (a used version never changes).
#[utoipa::path(post, path = "/api/v1/items/{id}/versions", tag = "items", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 201, body = ItemDetail), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/api/v1/items/{id}/versions")]
async fn new_version(
    state: web::Data<AppState>,
    auth: Authorized<Authors>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = item_id(&path)?;
    Ok(HttpResponse::Created().json(items::new_version(&state, &auth.principal, id).await?))
}

/// Moves the latest version along the lifecycle, with a comment.
#[utoipa::path(post, path = "/api/v1/items/{id}/transitions", tag = "items", params(("id" = String, Path)),
    request_body = TransitionRequest, security(("bearer" = [])),
    responses((status = 200, body = ItemDetail), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/items/{id}/transitions")]
async fn transition(
    state: web::Data<AppState>,
    auth: Authorized<Authors>,
    path: web::Path<String>,
    body: web::Json<TransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = item_id(&path)?;
    let detail = lifecycle::transition(&state, &auth.principal, id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(detail))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PreviewQuery {
    /// The version; the latest when absent.
    version: Option<i32>,
    /// Shuffles the options as a candidate's form would (default 0).
    #[param(minimum = 0)]
    seed: Option<i64>,
}

/// The item as a candidate's session view shows it (no key), its options shuffled by `seed`.
#[utoipa::path(get, path = "/api/v1/items/{id}/preview", tag = "items",
    params(("id" = String, Path), PreviewQuery), security(("bearer" = [])),
    responses((status = 200, body = ItemView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
#[get("/api/v1/items/{id}/preview")]
async fn preview(
    state: web::Data<AppState>,
    _auth: Authorized<Authors>,
    path: web::Path<String>,
    query: web::Query<PreviewQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = item_id(&path)?;
    let seed = u64::try_from(query.seed.unwrap_or(0))
        .map_err(|_| ApiError::Validation("seed is 0 or more".into()))?;
    let view = items::preview(&state, id, query.version, seed).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct CurvesQuery {
    /// The version; the latest when absent.
    version: Option<i32>,
    /// The language of the picture's words: `kk` (default), `ru` or `en`.
    #[param(inline)]
    lang: Option<Lang>,
}

/// The item's characteristic curve and information over θ, from its current parameters, as SVG.
#[utoipa::path(get, path = "/api/v1/items/{id}/curves", tag = "items",
    params(("id" = String, Path, description = "The item's id"), CurvesQuery), security(("bearer" = [])),
    responses((status = 200, description = "image/svg+xml"), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/api/v1/items/{id}/curves")]
async fn curves(
    state: web::Data<AppState>,
    _auth: Authorized<Authors>,
    path: web::Path<String>,
    query: web::Query<CurvesQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = item_id(&path)?;
    let svg = items::curves(&state, id, query.version, query.lang.unwrap_or_default()).await?;
    Ok(super::files::picture(
        "image/svg+xml".into(),
        svg.into_bytes(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct FileQuery {
    version: i32,
}

/// A preview's recording.
#[utoipa::path(get, path = "/api/v1/items/{id}/media", tag = "items", params(("id" = String, Path), FileQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "audio/ogg"), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/api/v1/items/{id}/media")]
async fn preview_media(
    state: web::Data<AppState>,
    _auth: Authorized<Authors>,
    path: web::Path<String>,
    query: web::Query<FileQuery>,
) -> Result<HttpResponse, ApiError> {
    let (content_type, bytes) =
        items::preview_file(&state, item_id(&path)?, query.version, true).await?;
    Ok(super::files::audio(content_type, bytes))
}

/// A preview's picture.
#[utoipa::path(get, path = "/api/v1/items/{id}/image", tag = "items", params(("id" = String, Path), FileQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "image/svg+xml"), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/api/v1/items/{id}/image")]
async fn preview_image(
    state: web::Data<AppState>,
    _auth: Authorized<Authors>,
    path: web::Path<String>,
    query: web::Query<FileQuery>,
) -> Result<HttpResponse, ApiError> {
    let (content_type, bytes) =
        items::preview_file(&state, item_id(&path)?, query.version, false).await?;
    Ok(super::files::picture(content_type, bytes))
}

/// Audit records, oldest first, each with its `hash` and the `prev_hash` it chains to.
#[utoipa::path(get, path = "/api/v1/audit", tag = "items", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<AuditView>), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
#[get("/api/v1/audit")]
async fn audit_log(
    state: web::Data<AppState>,
    _auth: Authorized<Authors>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    for value in [&query.entity, &query.id].into_iter().flatten() {
        text::check("entity", value, Lines::One)?;
    }
    Ok(HttpResponse::Ok().json(audit::records(&state, query.into_inner()).await?))
}

/// Uploads a recording (Ogg Opus or Ogg Vorbis, at most 4 MiB); its id goes into an item's `audio`.
#[utoipa::path(post, path = "/api/v1/media", tag = "items", request_body(content = Vec<u8>,
    content_type = "audio/ogg"), security(("bearer" = [])),
    responses((status = 201, body = MediaView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem)))]
async fn upload_media(
    state: web::Data<AppState>,
    auth: Authorized<Authors>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let stored = media::upload(&state, &auth.principal, body.to_vec()).await?;
    Ok(HttpResponse::Created().json(stored))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    /// Report what would be imported, store nothing.
    #[serde(default)]
    dry_run: bool,
}

/// Imports a QTI 3.0 content package (a zip with `imsmanifest.xml`) or one item XML: the items become
/// drafts, all in one transaction; what cannot be imported is listed with the reason.
#[utoipa::path(post, path = "/api/v1/qti/import", tag = "items", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/zip"), security(("bearer" = [])),
    responses((status = 200, body = ImportReportView), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
async fn qti_import(
    state: web::Data<AppState>,
    auth: Authorized<Authors>,
    query: web::Query<ImportQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let report =
        qti_bank::import(&state.writer, &auth.principal.subject, &body, query.dry_run).await?;
    Ok(HttpResponse::Ok().json(report))
}

/// A QTI 3.0 content package of the latest version of each item named (`?item=ID&item=ID…`).
#[utoipa::path(get, path = "/api/v1/qti/export", tag = "items",
    params(("item" = Vec<crate::domain::schema::ItemId>, Query, description = "An item id; repeat for several")),
    security(("bearer" = [])),
    responses((status = 200, description = "application/zip"), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/api/v1/qti/export")]
async fn qti_export(
    state: web::Data<AppState>,
    _auth: Authorized<Authors>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let mut ids = Vec::new();
    for (key, value) in query.into_inner() {
        if key != "item" {
            return Err(ApiError::Validation(format!("unknown parameter {key}")));
        }
        ids.push(item_id(&value)?.to_owned());
    }
    let package = qti_bank::export(&state.db, &ids).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"synaq-items.zip\"",
        ))
        .body(package))
}
