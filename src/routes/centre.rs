//! Test-centre operations (admin, operator): candidates (registered, found, corrected), sittings,
//! registrations, and a sitting's results.

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::{Authorized, CentreStaff, Supervisors};
use crate::domain::text::{self, Lines};
use crate::domain::{Citizenship, DocumentNumber, FullName, SittingWindow};
use crate::error::{ApiError, Problem};
use crate::services::access::rules_of;
use crate::services::access_rules::AccessRules;
use crate::services::registration::CandidateFields;
use crate::services::sitting_results::{self, SittingResults};
use crate::services::{AppState, registration};
use crate::store::registration::{Candidate, Sitting};
use crate::store::status::SittingMode;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create_candidate)
        .service(list_candidates)
        .service(get_candidate)
        .service(update_candidate)
        .service(create_sitting)
        .service(list_sittings)
        .service(get_sitting)
        .service(register)
        .service(results);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCandidate {
    #[schema(value_type = FullName)]
    full_name: String,
    #[schema(value_type = DocumentNumber)]
    document_number: String,
    birth_date: Option<NaiveDate>,
    #[schema(value_type = Option<Citizenship>)]
    citizenship: Option<String>,
}

impl NewCandidate {
    fn parse(self) -> Result<CandidateFields, ApiError> {
        Ok(CandidateFields {
            full_name: FullName::parse(&self.full_name)?,
            document_number: DocumentNumber::parse(&self.document_number)?,
            birth_date: self.birth_date,
            citizenship: self
                .citizenship
                .as_deref()
                .map(Citizenship::parse)
                .transpose()?,
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct CandidateView {
    id: Uuid,
    full_name: String,
    document_number: String,
    birth_date: Option<NaiveDate>,
    citizenship: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<Candidate> for CandidateView {
    fn from(c: Candidate) -> Self {
        CandidateView {
            id: c.id,
            full_name: c.full_name,
            document_number: c.document_number,
            birth_date: c.birth_date,
            citizenship: c.citizenship,
            created_at: c.created_at,
        }
    }
}

/// Registers a candidate.
#[utoipa::path(post, path = "/api/v1/candidates", tag = "centre", request_body = NewCandidate,
    security(("bearer" = [])),
    responses((status = 201, body = CandidateView), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/candidates")]
async fn create_candidate(
    state: web::Data<AppState>,
    _auth: Authorized<CentreStaff>,
    body: web::Json<NewCandidate>,
) -> Result<HttpResponse, ApiError> {
    let c = registration::create_candidate(&state, body.into_inner().parse()?).await?;
    Ok(HttpResponse::Created().json(CandidateView::from(c)))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CandidateQuery {
    /// Words of the full name (any alphabet, any keyboard, any case; every word must occur), or a part of
    /// the document number; at most 100 characters. Without it, the newest candidates.
    #[param(value_type = Option<crate::domain::schema::OneLine>, max_length = 100)]
    q: Option<String>,
    /// 1 to 200; 50 when absent.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct CandidateList {
    /// Newest first.
    candidates: Vec<CandidateView>,
}

/// Finds candidates by name or document number, newest first.
#[utoipa::path(get, path = "/api/v1/candidates", tag = "centre", params(CandidateQuery),
    security(("bearer" = [])),
    responses((status = 200, body = CandidateList), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
#[get("/api/v1/candidates")]
async fn list_candidates(
    state: web::Data<AppState>,
    _auth: Authorized<CentreStaff>,
    query: web::Query<CandidateQuery>,
) -> Result<HttpResponse, ApiError> {
    let found = registration::search_candidates(&state, query.q.as_deref(), query.limit).await?;
    Ok(HttpResponse::Ok().json(CandidateList {
        candidates: found.into_iter().map(CandidateView::from).collect(),
    }))
}

/// One candidate.
#[utoipa::path(get, path = "/api/v1/candidates/{id}", tag = "centre", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the candidate")),
    responses((status = 200, body = CandidateView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
#[get("/api/v1/candidates/{id}")]
async fn get_candidate(
    state: web::Data<AppState>,
    _auth: Authorized<CentreStaff>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let c = registration::candidate(&state, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(CandidateView::from(c)))
}

/// Corrects a candidate's fields (the whole candidate, as when registering); recorded in the audit log.
/// Certificates already issued keep the name and number they were signed with.
#[utoipa::path(put, path = "/api/v1/candidates/{id}", tag = "centre", request_body = NewCandidate,
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "the candidate")),
    responses((status = 200, body = CandidateView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, description = "duplicate_document", body = Problem),
        (status = 422, body = Problem)))]
#[put("/api/v1/candidates/{id}")]
async fn update_candidate(
    state: web::Data<AppState>,
    auth: Authorized<CentreStaff>,
    path: web::Path<Uuid>,
    body: web::Json<NewCandidate>,
) -> Result<HttpResponse, ApiError> {
    let fields = body.into_inner().parse()?;
    let c =
        registration::update_candidate(&state, &auth.principal, path.into_inner(), fields).await?;
    Ok(HttpResponse::Ok().json(CandidateView::from(c)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSitting {
    #[schema(value_type = crate::domain::schema::OneLine)]
    blueprint: String,
    /// `centre` or `online`.
    mode: SittingMode,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    /// Who may sit and how: the centre's network, a proctor's authorization, Safe Exam Browser keys,
    /// the proctors assigned.
    access: Option<AccessRules>,
}

#[derive(Serialize, ToSchema)]
pub struct SittingView {
    id: Uuid,
    blueprint: String,
    blueprint_version: i32,
    mode: SittingMode,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    access: AccessRules,
}

impl SittingView {
    fn of(s: Sitting) -> Result<SittingView, ApiError> {
        Ok(SittingView {
            access: rules_of(&s)?,
            id: s.id,
            blueprint: s.blueprint_id,
            blueprint_version: s.blueprint_version,
            mode: s.mode,
            opens_at: s.opens_at,
            closes_at: s.closes_at,
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct SittingList {
    sittings: Vec<SittingView>,
}

/// The sittings, newest first (at most 500).
#[utoipa::path(get, path = "/api/v1/sittings", tag = "centre", security(("bearer" = [])),
    responses((status = 200, body = SittingList), (status = 401, body = Problem), (status = 403, body = Problem)))]
#[get("/api/v1/sittings")]
async fn list_sittings(
    state: web::Data<AppState>,
    _auth: Authorized<Supervisors>,
) -> Result<HttpResponse, ApiError> {
    let sittings = crate::store::registration::sittings(&state.db, 500)
        .await?
        .into_iter()
        .map(SittingView::of)
        .collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(SittingList { sittings }))
}

/// One sitting.
#[utoipa::path(get, path = "/api/v1/sittings/{id}", tag = "centre", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the sitting")),
    responses((status = 200, body = SittingView), (status = 404, body = Problem)))]
#[get("/api/v1/sittings/{id}")]
async fn get_sitting(
    state: web::Data<AppState>,
    _auth: Authorized<Supervisors>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let s = crate::store::registration::sitting(&state.db, path.into_inner())
        .await?
        .ok_or(ApiError::NotFound("sitting"))?;
    Ok(HttpResponse::Ok().json(SittingView::of(s)?))
}

/// Creates a sitting of a blueprint's latest version.
#[utoipa::path(post, path = "/api/v1/sittings", tag = "centre", request_body = NewSitting,
    security(("bearer" = [])), responses((status = 201, body = SittingView), (status = 422, body = Problem)))]
#[post("/api/v1/sittings")]
async fn create_sitting(
    state: web::Data<AppState>,
    _auth: Authorized<CentreStaff>,
    body: web::Json<NewSitting>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    text::check("blueprint", &body.blueprint, Lines::One)?;
    let s = registration::create_sitting(
        &state,
        &body.blueprint,
        body.mode,
        SittingWindow::parse(body.opens_at, body.closes_at)?,
        body.access.unwrap_or_default(),
    )
    .await?;
    Ok(HttpResponse::Created().json(SittingView::of(s)?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRegistration {
    candidate_id: Uuid,
}

#[derive(Serialize, ToSchema)]
pub struct RegistrationView {
    registration_id: Uuid,
    sitting_id: Uuid,
    candidate_id: Uuid,
    /// Shown this once; only its hash is stored.
    access_code: String,
}

/// Registers a candidate to a sitting and returns the access code, once.
#[utoipa::path(post, path = "/api/v1/sittings/{sitting_id}/registrations", tag = "centre",
    params(("sitting_id" = Uuid, Path, description = "the sitting")),
    request_body = NewRegistration, security(("bearer" = [])),
    responses((status = 201, body = RegistrationView), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/api/v1/sittings/{sitting_id}/registrations")]
async fn register(
    state: web::Data<AppState>,
    _auth: Authorized<CentreStaff>,
    path: web::Path<Uuid>,
    body: web::Json<NewRegistration>,
) -> Result<HttpResponse, ApiError> {
    let (r, code) = registration::register(&state, path.into_inner(), body.candidate_id).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(RegistrationView {
            registration_id: r.id,
            sitting_id: r.sitting_id,
            candidate_id: r.candidate_id,
            access_code: code,
        }))
}

/// A sitting's results: a row per registration with the candidate, the session's status and, once
/// scored, the level, decision, section scores and the certificate's status.
#[utoipa::path(get, path = "/api/v1/sittings/{id}/results", tag = "centre", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the sitting")),
    responses((status = 200, body = SittingResults), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
#[get("/api/v1/sittings/{id}/results")]
async fn results(
    state: web::Data<AppState>,
    _auth: Authorized<CentreStaff>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(sitting_results::of_sitting(&state, path.into_inner()).await?))
}
