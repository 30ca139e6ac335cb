//! Registering candidates, creating sittings and registering candidates to sittings.

use chrono::NaiveDate;
use uuid::Uuid;

use super::AppState;
use super::access_rules::AccessRules;
use crate::auth::secrets::{self, Cost};
use crate::domain::{Citizenship, DocumentNumber, FullName, SittingWindow};
use crate::error::{ApiError, ErrorCode};
use crate::store::registration::{self as reg, Candidate, NewCandidate, Registration, Sitting};
use crate::store::status::SittingMode;

/// Registers a candidate; a document number already registered is a `duplicate_document` conflict.
pub async fn create_candidate(
    state: &AppState,
    full_name: FullName,
    document_number: DocumentNumber,
    birth_date: Option<NaiveDate>,
    citizenship: Option<Citizenship>,
) -> Result<Candidate, ApiError> {
    let new = NewCandidate {
        full_name: full_name.into_inner(),
        document_number: document_number.as_str().to_owned(),
        birth_date,
        citizenship: citizenship.map(Citizenship::into_inner),
    };
    reg::create_candidate(&state.writer, new)
        .await?
        .map_err(|existing| {
            ApiError::conflict(
                ErrorCode::DuplicateDocument,
                format!("this document is registered as candidate {existing}"),
            )
        })
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
        .ok_or_else(|| ApiError::Validation(format!("there is no candidate {candidate_id}")))?;
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
