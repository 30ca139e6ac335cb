//! Sitting the test (candidate). Every route works only on the caller's own session.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use uuid::Uuid;

use crate::domain::IdempotencyKey;
use crate::domain::text::{self, Lines};
use crate::error::{ApiError, Problem};
use crate::services::access::CandidateCall;
use crate::services::delivery::{self, SessionView};
use crate::services::saving::{self, SaveRequest, SavedView};
use crate::services::{AppState, certification, integrity};
use item_bank::grading::Answer;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(start)
        .service(view)
        .service(save)
        .service(submit_section)
        .service(finish)
        .service(result)
        .service(media)
        .service(image)
        .service(integrity_events);
}

/// Starts the caller's session (201), or returns the one already started (200).
#[utoipa::path(post, path = "/api/v1/sessions", tag = "candidate", security(("bearer" = [])),
    responses((status = 201, body = SessionView), (status = 200, body = SessionView), (status = 409, body = Problem),
        (status = 503, description = "the write queue is nearly full: busy, with Retry-After", body = Problem)))]
#[post("/api/v1/sessions")]
async fn start(state: web::Data<AppState>, call: CandidateCall) -> Result<HttpResponse, ApiError> {
    let (session, created) = delivery::start(&state, &call).await?;
    Ok(if created {
        HttpResponse::Created().json(session)
    } else {
        HttpResponse::Ok().json(session)
    })
}

/// The caller's session: sections, deadlines on the server's clock, items and saved answers.
#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "candidate", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the session")),
    responses((status = 200, body = SessionView), (status = 404, body = Problem)))]
#[get("/api/v1/sessions/{id}")]
async fn view(
    state: web::Data<AppState>,
    call: CandidateCall,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(delivery::view(&state, &call, path.into_inner()).await?))
}

/// Saves the answer at a position; acknowledged only once durable. Needs an `Idempotency-Key` header.
#[utoipa::path(put, path = "/api/v1/sessions/{id}/responses/{position}", tag = "candidate",
    security(("bearer" = [])), request_body = Object,
    params(("id" = Uuid, Path, description = "the session"),
        ("position" = i32, Path, description = "the item's position in the session, from 1"),
        ("Idempotency-Key" = String, Header, description = "repeats of one save carry the same key")),
    responses((status = 200, body = SavedView), (status = 409, body = Problem), (status = 422, body = Problem),
        (status = 429, description = "more saves than a person makes: rate_limited, with Retry-After", body = Problem),
        (status = 503, description = "the write queue is nearly full: busy, with Retry-After", body = Problem)))]
#[put("/api/v1/sessions/{id}/responses/{position}")]
async fn save(
    state: web::Data<AppState>,
    call: CandidateCall,
    req: HttpRequest,
    path: web::Path<(Uuid, i32)>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let (id, position) = path.into_inner();
    let key = IdempotencyKey::parse(
        req.headers()
            .get("Idempotency-Key")
            .and_then(|v| v.to_str().ok()),
    )?;
    let body = body.into_inner();
    let answer = body
        .get("answer")
        .cloned()
        .ok_or_else(|| ApiError::Validation("the body is {\"answer\": …}".into()))
        .and_then(|a| {
            text::check_json("answer", &a)?;
            serde_json::from_value::<Answer>(a)
                .map_err(|e| ApiError::Validation(format!("answer: {e}")))
        })?;
    let request = SaveRequest {
        session_id: id,
        position,
        idempotency_key: key,
        answer,
        client_time_on_item_ms: client_time_on_item(&body)?,
    };
    Ok(HttpResponse::Ok().json(saving::save(&state, &call, request).await?))
}

/// The longest time on one item a page may report (a whole sitting, pauses included).
const MAX_TIME_ON_ITEM_MS: i64 = 6 * 3_600_000;

/// `client.time_on_item_ms` of a save's body, if given: a whole number of milliseconds, bounded. Never
/// used for deadlines; kept beside the server's own receive time for the forensics.
fn client_time_on_item(body: &serde_json::Value) -> Result<Option<i32>, ApiError> {
    let Some(client) = body.get("client") else {
        return Ok(None);
    };
    match client.get("time_on_item_ms").map(serde_json::Value::as_i64) {
        None => Ok(None),
        Some(Some(ms)) if (0..=MAX_TIME_ON_ITEM_MS).contains(&ms) => Ok(Some(ms as i32)),
        Some(_) => Err(ApiError::Validation(format!(
            "client.time_on_item_ms is a whole number of milliseconds from 0 to {MAX_TIME_ON_ITEM_MS}"
        ))),
    }
}

/// Integrity events from the candidate's page, in batches of at most 100.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/integrity-events", tag = "candidate",
    security(("bearer" = [])), request_body = integrity::EventBatch,
    params(("id" = Uuid, Path, description = "the session")),
    responses((status = 202, description = "stored"), (status = 404, body = Problem),
        (status = 422, body = Problem), (status = 429, body = Problem)))]
#[post("/api/v1/sessions/{id}/integrity-events")]
async fn integrity_events(
    state: web::Data<AppState>,
    call: CandidateCall,
    path: web::Path<Uuid>,
    body: web::Json<integrity::EventBatch>,
) -> Result<HttpResponse, ApiError> {
    let stored =
        integrity::record_client_batch(&state, &call, path.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Accepted().json(serde_json::json!({ "stored": stored })))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitSection {
    /// The section the page means to close; a retried submit of a closed section is then a no-op.
    /// Required from the next release; until then a submit without it is served with a `Deprecation`
    /// header (see the README).
    #[schema(value_type = Option<crate::domain::schema::OneLine>)]
    section: Option<String>,
}

/// When a submit without `section` became deprecated (RFC 9745 `Deprecation`: `@` and Unix seconds):
/// 2026-12-01T00:00:00Z.
const SUBMIT_WITHOUT_SECTION_DEPRECATED: &str = "@1796083200";

/// Closes the open section and opens the next. Name the section: `{"section": "<id>"}`. A submit without
/// it (an empty body, or no `section`) still closes whichever section is open, so a retried one closes
/// the next section too; it is deprecated, answered with a `Deprecation` header, and refused from the
/// next release.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/sections/current/submit", tag = "candidate",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the session")), request_body(content = SubmitSection),
    responses((status = 200, body = SessionView,
        headers(("Deprecation" = String, description = "present when `section` was not named: such submits are refused from the next release"))),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/sessions/{id}/sections/current/submit")]
async fn submit_section(
    state: web::Data<AppState>,
    call: CandidateCall,
    path: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let section = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        serde_json::from_slice::<SubmitSection>(&body)
            .map_err(|e| ApiError::Validation(format!("the body is {{\"section\": …}}: {e}")))?
            .section
    };
    if let Some(name) = &section {
        text::check("section", name, Lines::One)?;
    }
    let session =
        delivery::submit_section(&state, &call, path.into_inner(), section.as_deref()).await?;
    let mut response = HttpResponse::Ok();
    if section.is_none() {
        response.insert_header(("Deprecation", SUBMIT_WITHOUT_SECTION_DEPRECATED));
    }
    Ok(response.json(session))
}

/// Finishes the session; it is graded and certified at once.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/finish", tag = "candidate", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the session")),
    responses((status = 200, body = SessionView), (status = 404, body = Problem)))]
#[post("/api/v1/sessions/{id}/finish")]
async fn finish(
    state: web::Data<AppState>,
    call: CandidateCall,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(delivery::finish(&state, &call, path.into_inner()).await?))
}

/// The caller's own result, once the session is finished.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/result", tag = "candidate", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the session")),
    responses((status = 200, body = certification::OwnResult), (status = 409, body = Problem)))]
#[get("/api/v1/sessions/{id}/result")]
async fn result(
    state: web::Data<AppState>,
    call: CandidateCall,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(certification::own_result(&state, &call, path.into_inner()).await?))
}

/// The audio of a listening item in the caller's session; every fetch is one play of the section's
/// limit (`plays_left` in the session view), beyond which `409 play_limit_reached`.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/media/{position}", tag = "candidate", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the session"), ("position" = i32, Path, description = "the item's position in the session, from 1")),
    responses((status = 200, description = "audio/ogg"), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[get("/api/v1/sessions/{id}/media/{position}")]
async fn media(
    state: web::Data<AppState>,
    call: CandidateCall,
    path: web::Path<(Uuid, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (id, position) = path.into_inner();
    let (content_type, bytes) = delivery::media(&state, &call, id, position).await?;
    Ok(super::files::audio(content_type, bytes))
}

/// The picture of a reading item in the caller's session (SVG, served sandboxed: no script runs).
#[utoipa::path(get, path = "/api/v1/sessions/{id}/images/{position}", tag = "candidate", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the session"), ("position" = i32, Path, description = "the item's position in the session, from 1")),
    responses((status = 200, description = "image/svg+xml"), (status = 404, body = Problem)))]
#[get("/api/v1/sessions/{id}/images/{position}")]
async fn image(
    state: web::Data<AppState>,
    call: CandidateCall,
    path: web::Path<(Uuid, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (id, position) = path.into_inner();
    let (content_type, bytes) = delivery::image(&state, &call, id, position).await?;
    Ok(super::files::picture(content_type, bytes))
}
