//! Grading a finished session: every response graded, each section scored by `item_bank::scoring` (raw,
//! max, percent, and θ by EAP with its standard error from the items' current IRT parameters), and the
//! blueprint's rules applied. This module does the reading and writing around those pure calls.

use crate::store::Transaction;
use chrono::{DateTime, Utc};
use item_bank::grading::{Answer, grade};
use item_bank::scoring::{self, GradedItem};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{AppState, certification};
use crate::error::ApiError;
use crate::store::context::SessionContext;
use crate::store::results::{GradedRow, SessionResult, insert_grades, insert_result};
use crate::store::status::{Decision, LevelReached, ReviewStatus};
use crate::store::{ItemKey, delivery, registration};

/// One section's score, as stored in the result and signed into the certificate: the wire form of
/// [`scoring::SectionScore`], field for field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SectionScore {
    pub id: String,
    /// Credit earned (typed answers may earn partial credit).
    pub raw: f64,
    /// Items that count toward the score.
    pub max: u32,
    /// `raw / max × 100`, rounded to two decimals; for an adaptive section, the expected percent correct on
    /// the section's target form at `theta`.
    pub percent: f64,
    /// Ability on the bank's logistic scale (EAP, N(0, 1) prior).
    pub theta: f64,
    /// The posterior standard deviation of `theta`.
    pub se: f64,
    /// Whether the section reached the pass percent.
    pub passed: bool,
}

impl From<scoring::SectionScore> for SectionScore {
    fn from(s: scoring::SectionScore) -> Self {
        SectionScore {
            id: s.id,
            raw: s.raw,
            max: s.max,
            percent: s.percent,
            theta: s.theta,
            se: s.se,
            passed: s.passed,
        }
    }
}

/// Grades and scores `session_id` inside `txn`, stores grades and result, and issues its certificate.
pub async fn score_and_certify(
    state: &AppState,
    txn: &Transaction,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let session = delivery::session(txn, session_id)
        .await?
        .ok_or(ApiError::NotFound("session"))?;
    let SessionContext {
        registration: reg,
        sitting,
        blueprint,
    } = SessionContext::load(txn, session.registration_id)
        .await?
        .ok_or(ApiError::NotFound("registration"))?;
    let candidate = registration::candidate(txn, reg.candidate_id)
        .await?
        .ok_or(ApiError::NotFound("candidate"))?;
    let placed = delivery::items(txn, session_id).await?;
    let answers = delivery::latest_answers(txn, session_id).await?;
    let keys: Vec<ItemKey> = placed.iter().map(|p| p.key()).collect();
    let items = state.items.get_many(txn, &keys).await?;
    // Parameters as they stand now (a calibration may have replaced the author's), not as cached.
    let params = crate::store::calibration::current_params(txn, &keys).await?;

    let mut rows = Vec::with_capacity(placed.len());
    let mut per_section: Vec<Vec<GradedItem>> = vec![Vec::new(); blueprint.sections.len()];
    for p in &placed {
        let item = items.get(&p.key()).ok_or_else(|| {
            ApiError::Internal(anyhow::anyhow!(
                "item {} v{} is missing",
                p.item_id,
                p.item_version
            ))
        })?;
        let order: Vec<String> = p.option_order();
        let event = answers.get(&p.position);
        let answer: Option<Answer> =
            event.and_then(|e| serde_json::from_value(e.answer.clone()).ok());
        let graded = grade(item, &order, answer.as_ref());
        // Pretest items are graded (calibration reads them); the scorer leaves them out of the score.
        if let Some(list) = per_section.get_mut(p.section_idx as usize) {
            let current = params
                .get(&p.key())
                .map_or_else(|| item.irt.params.clone(), |c| c.params.clone());
            list.push(GradedItem {
                params: current,
                credit: graded.credit,
                correct: graded.correct,
                pretest: p.pretest,
            });
        }
        rows.push(GradedRow {
            position: p.position,
            response_event_id: event.map(|e| e.id),
            credit: graded.credit,
            correct: graded.correct,
            detail: graded
                .text
                .as_ref()
                .map(|t| serde_json::to_value(t).unwrap_or_default()),
        });
    }
    let sections: Vec<SectionScore> = scoring::score_sections(&blueprint, &per_section)
        .into_iter()
        .map(SectionScore::from)
        .collect();
    let percents: Vec<f64> = sections.iter().map(|s| s.percent).collect();
    let (judged, decision) = blueprint.judge(&percents);
    let level = LevelReached::of_judged(&judged).ok_or_else(|| {
        ApiError::Internal(anyhow::anyhow!(
            "the blueprint judged an unknown level {judged}"
        ))
    })?;
    let decision = Decision::from(decision);

    // A session with an open high flag is held for review: scored and stored, not certified.
    let held = super::reviews::must_hold(txn, session_id).await?;
    insert_grades(txn, session_id, rows).await?;
    insert_result(
        txn,
        SessionResult {
            session_id,
            sections: serde_json::to_value(&sections).map_err(|e| ApiError::Internal(e.into()))?,
            level,
            decision,
            graded_at: now,
            review_status: if held {
                ReviewStatus::Held
            } else {
                ReviewStatus::None
            },
        },
    )
    .await?;
    if held {
        super::reviews::hold(txn, session_id, now).await?;
        return Ok(());
    }
    let input = certification::CertificateInput {
        session_id,
        sitting_id: sitting.id,
        blueprint: blueprint.id.clone(),
        blueprint_version: blueprint.version,
        taken_at: session.started_at,
        full_name: candidate.full_name,
        document_number: candidate.document_number,
        sections,
        level,
        decision,
    };
    if blueprint.certify {
        certification::certify(state, txn, input, now).await?;
    }
    Ok(())
}
