//! Registering candidates (and finding and correcting them), creating sittings and registering
//! candidates to sittings.

use chrono::NaiveDate;
use item_bank::kazakh::search_key;
use uuid::Uuid;

use super::AppState;
use super::access_rules::AccessRules;
use crate::auth::Principal;
use crate::auth::secrets::{self, Cost};
use crate::domain::text::{self, Lines};
use crate::domain::{Citizenship, DocumentNumber, FullName, SittingWindow};
use crate::error::{ApiError, ErrorCode};
use crate::store::audit::{self, Change};
use crate::store::registration::{self as reg, Candidate, NewCandidate, Registration, Sitting};
use crate::store::status::SittingMode;

/// What identifies a candidate, parsed.
pub struct CandidateFields {
    pub full_name: FullName,
    pub document_number: DocumentNumber,
    pub birth_date: Option<NaiveDate>,
    pub citizenship: Option<Citizenship>,
}

impl CandidateFields {
    fn into_store(self) -> NewCandidate {
        let full_name = self.full_name.into_inner();
        NewCandidate {
            name_key: name_key(&full_name),
            full_name,
            document_number: self.document_number.as_str().to_owned(),
            birth_date: self.birth_date,
            citizenship: self.citizenship.map(Citizenship::into_inner),
        }
    }
}

/// A full name as it is searched: the search key of each of its words, space-separated (each word on its
/// own, so that a word of the name and the same word typed alone read alike whatever the alphabet).
pub fn name_key(full_name: &str) -> String {
    full_name
        .split_whitespace()
        .map(search_key)
        .collect::<Vec<_>>()
        .join(" ")
}

fn duplicate(existing: Uuid) -> ApiError {
    ApiError::conflict(
        ErrorCode::DuplicateDocument,
        format!("this document is registered as candidate {existing}"),
    )
}

/// Registers a candidate; a document number already registered is a `duplicate_document` conflict.
pub async fn create_candidate(
    state: &AppState,
    fields: CandidateFields,
) -> Result<Candidate, ApiError> {
    reg::create_candidate(&state.writer, fields.into_store())
        .await?
        .map_err(duplicate)
}

/// The most candidates a search returns, and how many when the caller does not say.
pub const MAX_CANDIDATES: u64 = 200;
pub const DEFAULT_CANDIDATES: u64 = 50;
/// The longest search text, in characters.
pub const MAX_QUERY_CHARS: usize = 100;

/// Candidates whose name holds every word of `q` (in any alphabet, on any keyboard, in any case), or
/// whose document number holds `q` (read as document numbers are); the newest first. Without `q`, the
/// newest candidates.
pub async fn search_candidates(
    state: &AppState,
    q: Option<&str>,
    limit: Option<u64>,
) -> Result<Vec<Candidate>, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_CANDIDATES);
    if !(1..=MAX_CANDIDATES).contains(&limit) {
        return Err(ApiError::Validation(format!(
            "limit must be 1 to {MAX_CANDIDATES}"
        )));
    }
    let q = q.unwrap_or("").trim();
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::Validation(format!(
            "q has at most {MAX_QUERY_CHARS} characters"
        )));
    }
    text::check("q", q, Lines::One)?;
    let words: Vec<String> = name_key(q)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    let document = DocumentNumber::fragment(q);
    Ok(reg::search_candidates(&state.db, &words, document.as_deref(), limit).await?)
}

/// One candidate.
pub async fn candidate(state: &AppState, id: Uuid) -> Result<Candidate, ApiError> {
    reg::candidate(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound("candidate"))
}

/// What the audit log digests of a candidate.
fn audited(c: &Candidate) -> serde_json::Value {
    serde_json::json!({
        "id": c.id,
        "full_name": c.full_name,
        "document_number": c.document_number,
        "birth_date": c.birth_date,
        "citizenship": c.citizenship,
    })
}

/// Corrects a candidate's fields, recorded in the audit log with who did it (certificates already issued
/// keep what they were signed with). A document number another candidate has is `duplicate_document`.
pub async fn update_candidate(
    state: &AppState,
    actor: &Principal,
    id: Uuid,
    fields: CandidateFields,
) -> Result<Candidate, ApiError> {
    let txn = crate::store::begin(&state.writer).await?;
    let before = reg::candidate(&txn, id)
        .await?
        .ok_or(ApiError::NotFound("candidate"))?;
    let after = reg::update_candidate(&txn, id, fields.into_store())
        .await?
        .ok_or(ApiError::NotFound("candidate"))?
        .map_err(duplicate)?;
    audit::append(
        &txn,
        Change {
            actor: &actor.subject,
            action: "edit",
            entity: "candidate",
            entity_id: id.to_string(),
            before: Some(audited(&before)),
            after: Some(audited(&after)),
        },
        crate::store::now(),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Creates a sitting of the latest version of `blueprint_id`.
pub async fn create_sitting(
    state: &AppState,
    blueprint_id: &str,
    mode: SittingMode,
    window: SittingWindow,
    access: AccessRules,
) -> Result<Sitting, ApiError> {
    let access = access.validated().map_err(ApiError::Validation)?;
    for proctor in &access.proctors {
        let known = crate::store::accounts::find_user(&state.db, proctor)
            .await?
            .is_some_and(|u| u.role == "proctor");
        if !known {
            return Err(ApiError::Validation(format!(
                "{proctor:?} is not a proctor's username"
            )));
        }
    }
    let access = (access != AccessRules::default())
        .then(|| serde_json::to_value(&access))
        .transpose()
        .map_err(|e| ApiError::Internal(e.into()))?;
    let bp = crate::store::bank::blueprint(&state.db, blueprint_id, None)
        .await?
        .ok_or_else(|| ApiError::Validation(format!("there is no blueprint {blueprint_id:?}")))?;
    Ok(reg::create_sitting(
        &state.writer,
        &bp.id,
        bp.version as i32,
        mode,
        window.opens_at(),
        window.closes_at(),
        access,
    )
    .await?)
}

/// Registers a candidate to a sitting and returns the registration with its access code, which exists
/// only in this answer: the store keeps its hash.
pub async fn register(
    state: &AppState,
    sitting_id: Uuid,
    candidate_id: Uuid,
) -> Result<(Registration, String), ApiError> {
    let sitting = reg::sitting(&state.db, sitting_id)
        .await?
        .ok_or(ApiError::NotFound("sitting"))?;
    if sitting.closes_at <= crate::store::now() {
        return Err(ApiError::conflict(
            ErrorCode::SittingClosed,
            "the sitting's window has closed",
        ));
    }
    reg::candidate(&state.db, candidate_id)
        .await?
        .ok_or(ApiError::NotFound("candidate"))?;
    if let Some(until) =
        crate::store::integrity::banned_until(&state.db, candidate_id, crate::store::now()).await?
    {
        return Err(ApiError::conflict(
            ErrorCode::CandidateBanned,
            format!(
                "the candidate may not register until {}",
                until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
        ));
    }
    if reg::is_registered(&state.db, sitting_id, candidate_id).await? {
        return Err(ApiError::conflict(
            ErrorCode::AlreadyRegistered,
            "the candidate is registered to this sitting already",
        ));
    }
    let code = secrets::new_access_code();
    let hashed = state.hashing.hash(Cost::Light, code.clone()).await?;
    let registration = reg::create_registration_within(
        &state.writer,
        sitting_id,
        candidate_id,
        &hashed,
        state.settings.max_attempts,
    )
    .await?
    .ok_or_else(|| {
        ApiError::conflict(
            ErrorCode::AttemptsExhausted,
            format!(
                "the candidate has used all {} attempts at {}",
                state.settings.max_attempts, sitting.blueprint_id
            ),
        )
    })?;
    Ok((registration, code))
}
