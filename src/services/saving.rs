//! Saving a candidate's answer: the most frequent request of a sitting.
//!
//! A save is answered from one conditional statement in the common case. Everything it must hold of the
//! session — the caller's own, in progress, not taken over by a later sign-in, used from the address and
//! browser it remembers, its section open and in time — is a condition of the insert itself
//! ([`store::SessionGuard`]), and what a save needs of its item is in memory
//! ([`super::placements`]). Only when that statement stores nothing (a refusal, a replayed key, a changed
//! address, an adaptive item) is the session read, by the same checks every other candidate route makes,
//! to store the answer after all or to explain why not.

use chrono::{DateTime, Duration, Utc};
use item_bank::grading::{Answer, check_answer};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::AppState;
use super::access::{self, CandidateCall};
use crate::domain::IdempotencyKey;
use crate::error::{ApiError, ErrorCode};
use crate::store::delivery::{
    self as store, NewResponse, SaveOutcome, SectionStatus, SessionGuard, SessionStatus,
};

/// The acknowledgement of a durable save.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedView {
    pub position: i32,
    #[schema(value_type = Object)]
    pub answer: serde_json::Value,
    pub saved_at: DateTime<Utc>,
    /// True when this request repeated an `Idempotency-Key` and the earlier save stands.
    pub replayed: bool,
}

impl SavedView {
    fn of(e: store::ResponseEvent, replayed: bool) -> SavedView {
        SavedView {
            position: e.position,
            answer: e.answer,
            saved_at: e.received_at,
            replayed,
        }
    }

    /// The acknowledgement of an earlier save with the same key, if it saved this very answer here.
    fn replay_of(
        e: store::ResponseEvent,
        position: i32,
        answer: &serde_json::Value,
    ) -> Option<SavedView> {
        (e.position == position && e.answer == *answer).then(|| SavedView::of(e, true))
    }
}

/// One save as the route received it.
pub struct SaveRequest {
    pub session_id: Uuid,
    pub position: i32,
    pub idempotency_key: IdempotencyKey,
    pub answer: Answer,
    /// The time on the item the page reported, already bounded.
    pub client_time_on_item_ms: Option<i32>,
}

/// Saves an answer durably before acknowledging it. A repeated `idempotency_key` returns the earlier save
/// unchanged; a later save to the same position replaces the answer (the history is kept).
pub async fn save(
    state: &AppState,
    call: &CandidateCall,
    request: SaveRequest,
) -> Result<SavedView, ApiError> {
    state.refuse_when_saturated()?;
    let registration_id = access::registration_of(&call.principal)?;
    // A registration has one session: limiting by registration limits the caller's own saves, whichever
    // session id they name.
    state
        .save_rate
        .take(registration_id, 1, std::time::Instant::now())
        .map_err(ApiError::RateLimited)?;
    let answer_json =
        serde_json::to_value(&request.answer).map_err(|e| ApiError::Internal(e.into()))?;
    if let Some(saved) = save_at_once(state, call, registration_id, &request, &answer_json).await? {
        return Ok(saved);
    }
    save_after_reading(state, call, registration_id, &request, answer_json).await
}

/// The common case: the answer fits its item and the conditional insert stores it. `None` when anything
/// needs the session read (including the first check of a sitting's access rules that refuses).
async fn save_at_once(
    state: &AppState,
    call: &CandidateCall,
    registration_id: Uuid,
    request: &SaveRequest,
    answer_json: &serde_json::Value,
) -> Result<Option<SavedView>, ApiError> {
    let admitted = state
        .admissions
        .get(state, registration_id)
        .await?
        .is_some_and(|a| a.rules.check(&call.facts.request()).is_ok());
    if !admitted {
        return Ok(None);
    }
    let Some(placed) = state
        .placements
        .get(&state.db, request.session_id, request.position)
        .await?
    else {
        return Ok(None);
    };
    if placed.adaptive
        || check_answer(placed.item_type, placed.option_count, &request.answer).is_err()
    {
        return Ok(None);
    }
    let new = new_response(
        state,
        call,
        registration_id,
        request,
        placed.section_idx,
        answer_json,
    );
    if state.settings.save_dry_run {
        return Ok(Some(SavedView::of(new.unsaved(Uuid::now_v7()), false)));
    }
    let backend = state.db.get_database_backend();
    Ok(store::append_response(&state.saves, backend, new)
        .await?
        .map(|e| SavedView::of(e, false)))
}

/// The save with the session read first: its owner, sign-in, status, address and section checked one by
/// one, so that a refusal says why, a replayed key gets its first acknowledgement, and a new address is
/// recorded before the answer is stored.
async fn save_after_reading(
    state: &AppState,
    call: &CandidateCall,
    registration_id: Uuid,
    request: &SaveRequest,
    answer_json: serde_json::Value,
) -> Result<SavedView, ApiError> {
    let (session_id, position) = (request.session_id, request.position);
    let key = request.idempotency_key.as_str();
    let session = access::own_session(state, call, session_id).await?;
    let placed = state
        .placements
        .get(&state.db, session_id, position)
        .await?
        .ok_or(ApiError::NotFound("item"))?;
    let refusal = if let Err(stopped) = access::require_running(&session) {
        Some(stopped)
    } else if session.status != SessionStatus::InProgress {
        Some(closed_refusal(state, session_id, placed.section_idx).await?)
    } else {
        super::adaptive::check_answer_open(state, session_id, position, &placed)
            .await
            .err()
    };
    if let Some(refusal) = refusal {
        // A retry of a save that was acknowledged before the refusal still gets its acknowledgement.
        return match store::event_by_key(&state.db, session_id, key).await? {
            Some(e) => SavedView::replay_of(e, position, &answer_json).ok_or(refusal),
            None => Err(refusal),
        };
    }
    if let Err(e) = check_answer(placed.item_type, placed.option_count, &request.answer) {
        // An item of a section not yet open reveals nothing, not even what shape of answer it takes.
        return Err(
            match store::section(&state.db, session_id, placed.section_idx).await? {
                Some(s) if s.status == SectionStatus::Pending => not_open(),
                _ => ApiError::Validation(e.to_string()),
            },
        );
    }
    let new = new_response(
        state,
        call,
        registration_id,
        request,
        placed.section_idx,
        &answer_json,
    );
    if state.settings.save_dry_run {
        return Ok(SavedView::of(new.unsaved(Uuid::now_v7()), false));
    }
    match store::save_response(&state.saves, &state.db, new).await? {
        SaveOutcome::Saved(e) => Ok(SavedView::of(e, false)),
        SaveOutcome::Replayed(e) => {
            SavedView::replay_of(e, position, &answer_json).ok_or_else(|| {
                ApiError::conflict(
                    ErrorCode::IdempotencyKeyReused,
                    "this Idempotency-Key was used for a different answer",
                )
            })
        }
        SaveOutcome::Refused => {
            let section = store::section(&state.db, session_id, placed.section_idx).await?;
            match section {
                Some(s) if s.status == SectionStatus::Pending => Err(not_open()),
                _ => Err(ApiError::conflict(
                    ErrorCode::DeadlinePassed,
                    "the section's time is over",
                )),
            }
        }
    }
}

/// The row a save appends, received now, guarded by the caller's registration, sign-in and client.
fn new_response<'a>(
    state: &AppState,
    call: &'a CandidateCall,
    registration_id: Uuid,
    request: &'a SaveRequest,
    section_idx: i32,
    answer: &serde_json::Value,
) -> NewResponse<'a> {
    let now = crate::store::now();
    NewResponse {
        session_id: request.session_id,
        section_idx,
        position: request.position,
        idempotency_key: request.idempotency_key.as_str(),
        answer: answer.clone(),
        client_time_on_item_ms: request.client_time_on_item_ms,
        now,
        cutoff: now - Duration::seconds(state.settings.grace_seconds),
        prune_to: prune_to(state, request),
        guard: SessionGuard {
            registration_id,
            generation: call.principal.generation,
            client_ip: call.facts.ip.to_string(),
            user_agent: &call.facts.user_agent,
        },
    }
}

/// How far a save prunes its position's history: not at all until this instance has counted more saves
/// there than the history keeps, so that the common save is one statement. A position's history so holds
/// at most the kept answers plus those another instance (or this one, since its count last started again)
/// stored before it counted past the bound: bounded, and exactly the kept answers on one instance.
fn prune_to(state: &AppState, request: &SaveRequest) -> Option<u32> {
    let keep = state.settings.saves_kept_per_position;
    let counted = state
        .placements
        .count_save(request.session_id, request.position);
    (counted == 0 || counted > keep).then_some(keep)
}

/// Why a finished session refuses a save: its section's time is over (`deadline_passed`), or the candidate
/// finished early (`session_finished`).
async fn closed_refusal(
    state: &AppState,
    session_id: Uuid,
    section_idx: i32,
) -> Result<ApiError, ApiError> {
    let section = store::section(&state.db, session_id, section_idx).await?;
    let cutoff = crate::store::now() - Duration::seconds(state.settings.grace_seconds);
    Ok(match section.and_then(|s| s.deadline) {
        Some(deadline) if deadline < cutoff => {
            ApiError::conflict(ErrorCode::DeadlinePassed, "the section's time is over")
        }
        _ => ApiError::conflict(ErrorCode::SessionFinished, "the session is finished"),
    })
}

fn not_open() -> ApiError {
    ApiError::conflict(
        ErrorCode::SectionNotOpen,
        "this item's section has not opened yet",
    )
}
