//! `GET /sit/api/sessions/{id}/outline` (candidate): what the candidate's page needs beside the session
//! view — which sections are adaptive (one item at a time, no way back), how often a listening recording
//! may be played, and the name and document number the printed certificate carries. Only the session's
//! own candidate may read it; anyone else gets `not_found`, as for the session itself.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use uuid::Uuid;

use crate::error::ApiError;
use crate::services::AppState;
use crate::services::access::{self, CandidateCall};
use crate::store::context::SessionContext;
use crate::store::registration;

#[derive(Debug, Serialize)]
pub struct Outline {
    /// The blueprint's title (Kazakh).
    pub test: String,
    pub candidate: Holder,
    pub sections: Vec<SectionOutline>,
}

#[derive(Debug, Serialize)]
pub struct Holder {
    pub full_name: String,
    pub document_number: String,
}

#[derive(Debug, Serialize)]
pub struct SectionOutline {
    pub id: String,
    /// Items are chosen one at a time from the answers; an answer is final once the next is shown.
    pub adaptive: bool,
    /// How often each recording may be played (the session view's `plays_left` says what is left).
    pub play_limit: u32,
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(outline);
}

#[get("/sit/api/sessions/{id}/outline")]
async fn outline(
    state: web::Data<AppState>,
    call: CandidateCall,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let outline = outline_of(&state, &call, path.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(outline))
}

async fn outline_of(
    state: &AppState,
    call: &CandidateCall,
    session_id: Uuid,
) -> Result<Outline, ApiError> {
    let session = access::own_session(state, call, session_id).await?;
    let SessionContext {
        registration,
        blueprint,
        ..
    } = SessionContext::load(&state.db, session.registration_id)
        .await?
        .ok_or(ApiError::NotFound("registration"))?;
    let candidate = registration::candidate(&state.db, registration.candidate_id)
        .await?
        .ok_or(ApiError::NotFound("candidate"))?;
    Ok(Outline {
        test: blueprint.title.clone(),
        candidate: Holder {
            full_name: candidate.full_name,
            document_number: candidate.document_number,
        },
        sections: blueprint
            .sections
            .iter()
            .map(|s| SectionOutline {
                id: s.id.clone(),
                adaptive: s.adaptive.is_some(),
                play_limit: s.plays_allowed(),
            })
            .collect(),
    })
}
