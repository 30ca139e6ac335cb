//! A sitting's results for the test centre: a row per registration with the candidate, where the
//! session stands and, once it is scored, the level, the decision, the section scores and where the
//! certificate stands.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::AppState;
use super::certification::{OwnResultStatus, result_status};
use super::scoring::SectionScore;
use super::supervision::MAX_ROSTER;
use crate::error::ApiError;
use crate::store::registration;
use crate::store::results as results_store;
use crate::store::status::{Decision, LevelReached};

/// The candidate of a row.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResultCandidate {
    pub id: Uuid,
    pub full_name: String,
    pub document_number: String,
}

/// A scored session's outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct Outcome {
    pub level: LevelReached,
    pub decision: Decision,
    pub sections: Vec<SectionScore>,
    /// `valid`, `revoked`, `expired`, `not_certified`, `under_review` or `voided`.
    pub status: OwnResultStatus,
    pub certificate_id: Option<Uuid>,
    pub graded_at: DateTime<Utc>,
}

/// One registration of the sitting.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResultRow {
    pub registration_id: Uuid,
    pub candidate: ResultCandidate,
    pub session_id: Option<Uuid>,
    /// `not_started` before the candidate starts; then the session's status.
    pub session_status: String,
    /// Absent until the session is scored.
    pub result: Option<Outcome>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SittingResults {
    pub sitting_id: Uuid,
    pub results: Vec<ResultRow>,
}

/// The results of a sitting, in registration order (at most [`MAX_ROSTER`] registrations).
pub async fn of_sitting(state: &AppState, sitting_id: Uuid) -> Result<SittingResults, ApiError> {
    registration::sitting(&state.db, sitting_id)
        .await?
        .ok_or(ApiError::NotFound("sitting"))?;
    let rows = registration::roster(&state.db, sitting_id, MAX_ROSTER).await?;
    let sessions: Vec<Uuid> = rows
        .iter()
        .filter_map(|(_, _, s)| s.as_ref().map(|s| s.id))
        .collect();
    let mut results = results_store::results_of(&state.db, &sessions).await?;
    let certificates = results_store::certificates_of(&state.db, &sessions).await?;
    let now = crate::store::now();
    let mut out = Vec::with_capacity(rows.len());
    for (reg, candidate, session) in rows {
        let result = match session.as_ref().and_then(|s| results.remove(&s.id)) {
            None => None,
            Some(r) => {
                let cert = certificates.get(&r.session_id);
                Some(Outcome {
                    level: r.level,
                    decision: r.decision,
                    sections: serde_json::from_value(r.sections)
                        .map_err(|e| ApiError::Internal(e.into()))?,
                    status: result_status(cert, r.review_status, now),
                    certificate_id: cert.map(|c| c.id),
                    graded_at: r.graded_at,
                })
            }
        };
        out.push(ResultRow {
            registration_id: reg.id,
            candidate: ResultCandidate {
                id: candidate.id,
                full_name: candidate.full_name,
                document_number: candidate.document_number,
            },
            session_id: session.as_ref().map(|s| s.id),
            session_status: session.map_or_else(
                || "not_started".to_owned(),
                |s| crate::store::status::word(s.status),
            ),
            result,
        });
    }
    Ok(SittingResults {
        sitting_id,
        results: out,
    })
}
