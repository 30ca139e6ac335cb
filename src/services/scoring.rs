//! Grading a finished session: every response graded, each section scored (raw, max, percent, and θ by
//! EAP with its standard error from the items' IRT parameters), and the blueprint's rules applied.

use crate::store::Transaction;
use chrono::{DateTime, Utc};
use item_bank::assembly::SectionTarget;
use item_bank::grading::{Answer, grade};
use item_bank::irt::{AbilityMethod, ItemParams, estimate_ability};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{AppState, certification};
use crate::error::ApiError;
use crate::store::context::SessionContext;
use crate::store::results::{GradedRow, SessionResult, insert_grades, insert_result};
use crate::store::status::{Decision, LevelReached, ReviewStatus};
use crate::store::{ItemKey, delivery, registration};

/// One section's score, as stored in the result and signed into the certificate.
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
    let mut per_section: Vec<Vec<(ItemParams, f64, bool)>> =
        vec![Vec::new(); blueprint.sections.len()];
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
        // Pretest items are graded (calibration reads them) but count for nothing in the score.
        if let (false, Some(list)) = (p.pretest, per_section.get_mut(p.section_idx as usize)) {
            let current = params
                .get(&p.key())
                .map_or_else(|| item.irt.params.clone(), |c| c.params.clone());
            list.push((current, graded.credit, graded.correct));
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
    let sections: Vec<SectionScore> = blueprint
        .sections
        .iter()
        .zip(&per_section)
        .map(|(spec, graded)| {
            // An adaptive section reports the expected percent on its target form at the candidate's θ.
            let converted = spec
                .adaptive
                .as_ref()
                .and(blueprint.target.as_ref())
                .and_then(|t| t.section(&spec.id));
            score_section(
                &spec.id,
                graded,
                converted,
                blueprint.rules.pass_min_percent,
            )
        })
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

/// Scores one section from its scored items: (current parameters, credit, fully correct). With
/// `converted` (an adaptive section's target), the percent is the target form's expected percent correct
/// at the candidate's θ, not the share of the chosen items answered right (those are chosen to be about
/// 50 % likely, so their share says little).
fn score_section(
    id: &str,
    graded: &[(ItemParams, f64, bool)],
    converted: Option<&SectionTarget>,
    pass_min_percent: f64,
) -> SectionScore {
    let raw: f64 = graded.iter().map(|(_, credit, _)| credit).sum();
    let max = graded.len() as u32;
    let params: Vec<ItemParams> = graded.iter().map(|(p, ..)| p.clone()).collect();
    let responses: Vec<Option<u8>> = graded
        .iter()
        .map(|(_, _, correct)| Some(u8::from(*correct)))
        .collect();
    let ability = estimate_ability(&params, &responses, AbilityMethod::Eap);
    let share = if max == 0 {
        0.0
    } else {
        raw / f64::from(max) * 100.0
    };
    let percent = converted
        .and_then(|t| t.expected_percent_at(ability.theta))
        .unwrap_or(share);
    let percent = (percent * 100.0).round() / 100.0;
    SectionScore {
        id: id.to_owned(),
        raw,
        max,
        percent,
        theta: (ability.theta * 1000.0).round() / 1000.0,
        se: (ability.se * 1000.0).round() / 1000.0,
        passed: percent + 1e-9 >= pass_min_percent,
    }
}
