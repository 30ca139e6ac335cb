//! Live delivery of adaptive sections: the next item is chosen when the candidate has answered the last
//! one, by maximum information at the current EAP under the section's content rules.
//!
//! Nothing but the session's seed and its stored items and answers is kept: the choice is rebuilt on each
//! request by replaying the answers through [`AdaptiveSession::replay`], which is deterministic. The
//! replay runs without exposure feedback (rates change between requests and would change the path; the
//! `randomesque` pick spreads exposure instead) and excludes only items seen in *other* sessions. Should
//! a replay ever disagree with the items already given (the bank changed under a running section), the
//! section stops choosing and the candidate submits it as it stands; a failure to choose is logged and
//! never keeps the candidate from their session.

use std::collections::{HashMap, HashSet};

use item_bank::assembly::{AdaptiveSession, AssemblyContext};
use item_bank::grading::grade;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use uuid::Uuid;

use super::AppState;
use crate::error::{ApiError, ErrorCode};
use crate::store::ItemKey;
use crate::store::delivery::{self as store, Session};
use crate::store::registration;

/// The seed of one adaptive section, from the session's.
fn section_seed(session_seed: i64, idx: i32) -> u64 {
    (session_seed as u64) ^ (0x9e37_79b9_7f4a_7c15_u64.wrapping_mul(idx as u64 + 1))
}

/// Places the next item of the session's open adaptive section if its last item is answered (or it has
/// none yet). Does nothing for linear sections or when the section has stopped.
pub async fn fill_next(state: &AppState, session: &Session) -> Result<(), ApiError> {
    let sections = store::sections(&state.db, session.id).await?;
    let Some(section) = sections
        .iter()
        .find(|s| s.status == store::SectionStatus::Open && s.adaptive)
    else {
        return Ok(());
    };
    let given: Vec<store::SessionItem> = store::items(&state.db, session.id)
        .await?
        .into_iter()
        .filter(|i| i.section_idx == section.idx)
        .collect();
    let answers = store::latest_answers(&state.db, session.id).await?;
    if given
        .last()
        .is_some_and(|last| !answers.contains_key(&last.position))
    {
        return Ok(());
    }
    let admission = state
        .admissions
        .get(state, session.registration_id)
        .await?
        .ok_or(ApiError::NotFound("registration"))?;
    let blueprint = state
        .blueprints
        .of_registration(state, session.registration_id)
        .await?;
    let spec = blueprint
        .section(&section.section_id)
        .ok_or(ApiError::NotFound("section"))?;
    let bank = state
        .items
        .active(&state.db, std::slice::from_ref(&spec.id))
        .await?;
    // The items already given are read by version (never changed), whatever the active bank is now.
    let keys: Vec<ItemKey> = given.iter().map(|g| g.key()).collect();
    let given_items = state.items.get_many(&state.db, &keys).await?;
    let mut responses = Vec::with_capacity(given.len());
    for g in &given {
        let item = given_items.get(&g.key()).ok_or_else(|| {
            ApiError::Internal(anyhow::anyhow!(
                "item {} v{} is missing",
                g.item_id,
                g.item_version
            ))
        })?;
        let order: Vec<String> = g.option_order();
        let answer = answers
            .get(&g.position)
            .and_then(|e| serde_json::from_value(e.answer.clone()).ok());
        responses.push(Some(u8::from(grade(item, &order, answer.as_ref()).correct)));
    }
    let seen: HashSet<String> =
        registration::items_seen_elsewhere(&state.db, admission.candidate_id, session.id)
            .await?
            .into_iter()
            .collect();
    let no_rates = HashMap::new();
    let ctx = AssemblyContext {
        exclude: &seen,
        exposure: &no_rates,
        target: None,
    };
    let seed = section_seed(session.seed, section.idx);
    let (adaptive, next) = AdaptiveSession::replay(
        &blueprint,
        &spec.id,
        bank.iter().map(|i| i.as_ref()),
        &ctx,
        seed,
        &responses,
    )
    .map_err(|e| ApiError::conflict(ErrorCode::FormUnavailable, e.to_string()))?;
    let replayed: Vec<&str> = adaptive.administered().map(|i| i.id.as_str()).collect();
    let stored: Vec<&str> = given.iter().map(|g| g.item_id.as_str()).collect();
    if replayed[..stored.len().min(replayed.len())] != stored[..] {
        tracing::warn!(session = %session.id, section = %spec.id, "adaptive replay diverged; the section stops here");
        return Ok(());
    }
    let Some(item) = next else { return Ok(()) };
    let position = section.first_position + given.len() as i32;
    let option_order = item_bank::assembly::shuffled_options(
        item,
        &mut ChaCha20Rng::seed_from_u64(seed ^ position as u64),
    );
    let placement = store::NewPlacement {
        position,
        section_idx: section.idx,
        item_id: item.id.clone(),
        item_version: item.version as i32,
        item_type: item.item_type.as_str().to_owned(),
        option_order,
        pretest: false,
        adaptive: true,
    };
    let item_id = placement.item_id.clone();
    if store::place_adaptive_item(&state.writer, session.id, placement).await? {
        state
            .exposure
            .record_items(&blueprint.id, std::slice::from_ref(&item_id));
    }
    Ok(())
}

/// Refuses a change to an adaptive item's answer once the next item has been chosen from it.
pub async fn check_answer_open(
    state: &AppState,
    session_id: Uuid,
    position: i32,
    item: &super::placements::Placement,
) -> Result<(), ApiError> {
    if item.adaptive
        && store::has_later_item(&state.db, session_id, item.section_idx, position).await?
    {
        return Err(ApiError::conflict(
            ErrorCode::AnswerFinal,
            "in an adaptive section an answer is final once the next item is shown",
        ));
    }
    Ok(())
}
