//! Held results and their review: a session that finishes with an open high flag is held (scored, not
//! certified, not in the feed); a reviewer releases it (certified then) or voids it (a certified one is
//! revoked), and may ban the candidate from registering for `ban_days`.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::AppState;
use crate::auth::Principal;
use crate::domain::Reason;
use crate::error::{ApiError, ErrorCode};
use crate::store::delivery as delivery_store;
use crate::store::integrity::{self as store, Ban};
use crate::store::results as results_store;
use crate::store::status::{ReviewDecision, ReviewState, ReviewStatus, Severity};
use crate::store::{Transaction, registration};

/// Whether the session has an open flag severe enough to hold its result.
pub(crate) async fn must_hold(txn: &Transaction, session_id: Uuid) -> Result<bool, ApiError> {
    Ok(store::flags(txn, session_id)
        .await?
        .iter()
        .any(|f| f.severity == Severity::High))
}

/// Opens the review of a held session.
pub(crate) async fn hold(
    txn: &Transaction,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    store::open_review(txn, session_id, now).await?;
    tracing::info!(session = %session_id, "result held for review");
    Ok(())
}

/// A flag as a reviewer reads it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlagView {
    pub rule: String,
    pub severity: Severity,
    pub source: crate::store::status::FlagSource,
    pub first_at: DateTime<Utc>,
    pub count: i32,
    /// Forensic statistics or a proctor's reason, when the flag carries them.
    #[schema(value_type = Option<Object>)]
    pub detail: Option<serde_json::Value>,
}

/// One review.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewView {
    pub session_id: Uuid,
    pub registration_id: Uuid,
    pub candidate: ReviewCandidate,
    pub status: ReviewState,
    pub opened_at: DateTime<Utc>,
    pub result_status: Option<ReviewStatus>,
    pub flags: Vec<FlagView>,
    pub decision: Option<ReviewDecision>,
    pub reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub ban: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewCandidate {
    pub full_name: String,
    pub document_number: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewList {
    pub reviews: Vec<ReviewView>,
}

/// The most reviews one list returns.
pub const MAX_REVIEWS: u64 = 500;

async fn view(state: &AppState, r: store::Review) -> Result<ReviewView, ApiError> {
    let session = delivery_store::session(&state.db, r.session_id)
        .await?
        .ok_or(ApiError::NotFound("session"))?;
    let reg = registration::registration(&state.db, session.registration_id)
        .await?
        .ok_or(ApiError::NotFound("registration"))?;
    let candidate = registration::candidate(&state.db, reg.candidate_id)
        .await?
        .ok_or(ApiError::NotFound("candidate"))?;
    let result = results_store::result(&state.db, r.session_id).await?;
    let flags = store::flags(&state.db, r.session_id)
        .await?
        .into_iter()
        .map(|f| FlagView {
            rule: f.rule,
            severity: f.severity,
            source: f.source,
            first_at: f.first_at,
            count: f.count,
            detail: f.detail,
        })
        .collect();
    Ok(ReviewView {
        session_id: r.session_id,
        registration_id: reg.id,
        candidate: ReviewCandidate {
            full_name: candidate.full_name,
            document_number: candidate.document_number,
        },
        status: r.status,
        opened_at: r.opened_at,
        result_status: result.map(|x| x.review_status),
        flags,
        decision: r.decision,
        reason: r.reason,
        decided_at: r.decided_at,
        ban: r.ban,
    })
}

/// The reviews in a state, oldest first.
pub async fn list(state: &AppState, status: ReviewState) -> Result<ReviewList, ApiError> {
    let mut reviews = Vec::new();
    for r in store::reviews(&state.db, status, MAX_REVIEWS).await? {
        reviews.push(view(state, r).await?);
    }
    Ok(ReviewList { reviews })
}

/// A reviewer's decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    pub decision: ReviewDecision,
    /// Required, 1–1000 characters.
    #[schema(value_type = crate::domain::Reason)]
    pub reason: String,
    /// Bar the candidate from registering for `ban_days` (only with `void`).
    #[serde(default)]
    pub ban: bool,
}

/// Decides a held (or flagged) session's review once.
pub async fn decide(
    state: &AppState,
    principal: &Principal,
    session_id: Uuid,
    req: DecisionRequest,
) -> Result<ReviewView, ApiError> {
    let reason = Reason::parse(&req.reason)?.into_string();
    if req.ban && req.decision != ReviewDecision::Void {
        return Err(ApiError::Validation("ban goes only with void".into()));
    }
    let now = crate::store::now();
    let txn = crate::store::begin(&state.writer).await?;
    delivery_store::lock_session(&txn, session_id).await?;
    let decided = store::decide_review(
        &txn,
        session_id,
        req.decision,
        &reason,
        &principal.subject,
        req.ban,
        now,
    )
    .await?;
    if !decided {
        txn.rollback().await?;
        return Err(match store::review(&state.db, session_id).await? {
            Some(_) => {
                ApiError::conflict(ErrorCode::AlreadyDecided, "this review is decided already")
            }
            None => ApiError::NotFound("review"),
        });
    }
    let result = results_store::result(&txn, session_id).await?;
    let certificate = results_store::certificate_for_session(&txn, session_id).await?;
    match req.decision {
        ReviewDecision::Release => {
            if result
                .as_ref()
                .is_some_and(|r| r.review_status == ReviewStatus::Held)
            {
                super::certification::certify_stored(state, &txn, session_id, now).await?;
            }
            results_store::set_review_status(&txn, session_id, ReviewStatus::Released).await?;
        }
        ReviewDecision::Void => {
            results_store::set_review_status(&txn, session_id, ReviewStatus::Voided).await?;
            if let Some(cert) = &certificate {
                let why = format!("voided on review: {reason}");
                super::certification::revoke_in(state, &txn, cert.id, &why, now).await?;
            }
            if req.ban {
                let session = delivery_store::session(&txn, session_id)
                    .await?
                    .ok_or(ApiError::NotFound("session"))?;
                let reg = registration::registration(&txn, session.registration_id)
                    .await?
                    .ok_or(ApiError::NotFound("registration"))?;
                let days = state.settings.ban_days.unwrap_or(state.policy.ban_days);
                store::insert_ban(
                    &txn,
                    Ban {
                        id: Uuid::now_v7(),
                        candidate_id: reg.candidate_id,
                        session_id,
                        until: now + Duration::days(i64::from(days)),
                        reason: reason.clone(),
                        created_by: principal.subject.clone(),
                        created_at: now,
                    },
                )
                .await?;
            }
        }
    }
    txn.commit().await?;
    tracing::info!(session = %session_id, decision = ?req.decision, ban = req.ban, "review decided");
    let r = store::review(&state.db, session_id)
        .await?
        .ok_or(ApiError::NotFound("review"))?;
    view(state, r).await
}
