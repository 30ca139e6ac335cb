//! Sitting the test: starting a session (drawing its form once), showing it, saving answers under the
//! server's clock, moving through sections, and finishing.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use item_bank::assembly::{AssemblyContext, assemble, exposure_rates};
use item_bank::bank::{Blueprint, Item, ItemType};
use item_bank::grading::option_label;
use rand::Rng;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::access::CandidateCall;
use super::{AppState, access, scoring};
use crate::error::{ApiError, ErrorCode};
use crate::store::delivery::{
    self as store, NewSession, SectionStatus, Session, SessionSection, SessionStatus,
};
use crate::store::{ItemKey, bank, registration};

/// The candidate's view of a session. Carries no key, accepted answer or item parameter.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub id: Uuid,
    pub status: SessionStatus,
    /// The id of the open section, if one is open.
    pub current_section: Option<String>,
    pub sections: Vec<SectionView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SectionView {
    pub id: String,
    pub title: String,
    pub status: SectionStatus,
    pub time_limit_seconds: i32,
    pub deadline: Option<DateTime<Utc>>,
    pub remaining_seconds: Option<i64>,
    /// Left out while the section is pending.
    pub items: Vec<ItemView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemView {
    /// 1-based across the whole session; the address for saving an answer.
    pub position: i32,
    #[serde(rename = "type")]
    pub item_type: String,
    pub stem: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stimulus: Option<String>,
    /// A listening item's audio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media: Option<MediaView>,
    /// How often the recording may still be played (the server counts each fetch of `media`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plays_left: Option<u32>,
    /// A picture to read (a clock, a price tag, a sign): SVG.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<MediaView>,
    /// Relabelled `a`, `b`, … in this candidate's shuffled order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<OptionView>,
    /// The latest saved answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub response: Option<serde_json::Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MediaView {
    pub url: String,
    pub content_type: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OptionView {
    pub id: String,
    pub text: String,
}

/// Starts the candidate's session, drawing its form, and answers its view (`true`); or answers the view
/// of the one already started (`false`). A new session's view is made from the rows just written, not
/// read back.
pub async fn start(
    state: &AppState,
    call: &CandidateCall,
) -> Result<(SessionView, bool), ApiError> {
    let registration_id = access::registration_of(&call.principal)?;
    let admission = access::admit(state, &call.facts, registration_id, None).await?;
    if let Some(existing) = store::session_for_registration(&state.db, registration_id).await? {
        return Ok((view(state, call, existing.id).await?, false));
    }
    state.refuse_when_saturated()?;
    let now = crate::store::now();
    if now < admission.opens_at {
        return Err(ApiError::conflict(
            ErrorCode::OutsideSittingWindow,
            format!("the sitting opens at {}", admission.opens_at.to_rfc3339()),
        ));
    }
    if now > admission.closes_at {
        return Err(ApiError::conflict(
            ErrorCode::OutsideSittingWindow,
            format!("the sitting closed at {}", admission.closes_at.to_rfc3339()),
        ));
    }
    let blueprint = state
        .blueprints
        .of_registration(state, registration_id)
        .await?;
    let sections: Vec<String> = blueprint.sections.iter().map(|s| s.id.clone()).collect();
    let items = state.items.active(&state.db, &sections).await?;
    let seen: HashSet<String> = registration::items_seen(&state.db, admission.candidate_id)
        .await?
        .into_iter()
        .collect();
    let seed: u64 = rand::rng().random();
    let counts = state.exposure.counts(&state.db, &blueprint.id).await?;
    let exposure = exposure_rates(&counts.items, counts.forms);
    let ctx = AssemblyContext {
        exclude: &seen,
        exposure: &exposure,
        target: blueprint.target.as_ref(),
    };
    let assembled =
        assemble(&blueprint, items.iter().map(|i| i.as_ref()), &ctx, seed).map_err(|e| {
            ApiError::conflict(
                ErrorCode::FormUnavailable,
                format!("no form can be drawn: {e}"),
            )
        })?;
    if !assembled.exposure_relaxed.is_empty() {
        tracing::warn!(sections = ?assembled.exposure_relaxed, "a form was drawn over the exposure cap");
    }
    let form = assembled.form;
    let by_key: HashMap<ItemKey, Arc<Item>> = items
        .iter()
        .map(|i| ((i.id.clone(), i.version as i32), i.clone()))
        .collect();
    // Linear sections get their items now; an adaptive section reserves room for its longest run and
    // gets its items one at a time (see `super::adaptive`).
    let mut placed = Vec::new();
    let mut new_sections = Vec::with_capacity(blueprint.sections.len());
    let mut next_position = 1;
    for (section_idx, (spec, section)) in blueprint.sections.iter().zip(&form.sections).enumerate()
    {
        let first_position = next_position;
        match &spec.adaptive {
            Some(adaptive) => next_position += adaptive.max_items.unwrap_or(spec.items) as i32,
            None => {
                for p in &section.items {
                    let item_type = by_key
                        .get(&(p.item_id.clone(), p.item_version as i32))
                        .map_or(ItemType::SingleChoice, |i| i.item_type);
                    placed.push(store::NewPlacement {
                        position: next_position,
                        section_idx: section_idx as i32,
                        item_id: p.item_id.clone(),
                        item_version: p.item_version as i32,
                        item_type: item_type.as_str().to_owned(),
                        option_order: p.option_order.clone(),
                        pretest: p.pretest,
                        adaptive: false,
                    });
                    next_position += 1;
                }
            }
        }
        new_sections.push(store::NewSection {
            section_id: spec.id.clone(),
            time_limit_seconds: spec.time_limit_seconds as i32,
            adaptive: spec.adaptive.is_some(),
            first_position,
        });
    }
    let item_ids: Vec<String> = placed.iter().map(|p| p.item_id.clone()).collect();
    let new = NewSession {
        registration_id,
        seed: seed as i64,
        sections: new_sections,
        items: placed,
        awaiting_authorization: admission.rules.require_authorization,
        client_ip: Some(call.facts.ip.to_string()),
        user_agent: Some(call.facts.user_agent.clone()),
        token_generation: call.principal.generation,
    };
    match store::create_session(&state.saves, &state.db, new, now).await? {
        Some(created) => {
            state.exposure.record_form(&blueprint.id, &item_ids);
            state
                .placements
                .remember(created.session.id, &created.items)
                .map_err(ApiError::Internal)?;
            tracing::info!(session = %created.session.id, "session started");
            if blueprint.sections.iter().any(|s| s.adaptive.is_some()) {
                // An adaptive section's first item is chosen when the session is first viewed.
                return Ok((view(state, call, created.session.id).await?, true));
            }
            let view = render(
                &created.session,
                &created.sections,
                &created.items,
                &HashMap::new(),
                &by_key,
                &blueprint,
            );
            Ok((view, true))
        }
        None => {
            let existing = store::session_for_registration(&state.db, registration_id)
                .await?
                .ok_or_else(|| {
                    ApiError::Internal(anyhow::anyhow!("a concurrent start left no session"))
                })?;
            Ok((view(state, call, existing.id).await?, false))
        }
    }
}

/// Closes the open section if its time (with grace) is over, so that a view never shows a section open
/// past its deadline even between two sweeps.
async fn catch_up(state: &AppState, session: &Session) -> Result<(), ApiError> {
    let now = crate::store::now();
    let cutoff = now - Duration::seconds(state.settings.grace_seconds);
    let sections = store::sections(&state.db, session.id).await?;
    for s in sections {
        if s.status == SectionStatus::Open && s.deadline.is_some_and(|d| d < cutoff) {
            advance(state, session.id, s.idx, now).await?;
        }
    }
    Ok(())
}

/// The candidate's view of their own session.
pub async fn view(
    state: &AppState,
    call: &CandidateCall,
    session_id: Uuid,
) -> Result<SessionView, ApiError> {
    let session = access::own_session(state, call, session_id).await?;
    if session.status == SessionStatus::InProgress {
        catch_up(state, &session).await?;
        // Choosing the next adaptive item must never keep a candidate from their session.
        if let Err(e) = super::adaptive::fill_next(state, &session).await {
            tracing::warn!(session = %session.id, error = %e, "choosing the next adaptive item failed");
        }
    }
    let session = store::session(&state.db, session_id)
        .await?
        .ok_or(ApiError::NotFound("session"))?;
    let sections = store::sections(&state.db, session_id).await?;
    let placed = store::items(&state.db, session_id).await?;
    let answers = store::latest_answers(&state.db, session_id).await?;
    let keys: Vec<ItemKey> = placed.iter().map(|p| p.key()).collect();
    let items = state.items.get_many(&state.db, &keys).await?;
    let blueprint = state
        .blueprints
        .of_registration(state, session.registration_id)
        .await?;
    Ok(render(
        &session, &sections, &placed, &answers, &items, &blueprint,
    ))
}

/// The view of a session from its stored rows: what [`view`] reads, or what [`start`] has just written.
fn render(
    session: &Session,
    sections: &[SessionSection],
    placed: &[store::SessionItem],
    answers: &HashMap<i32, store::ResponseEvent>,
    items: &HashMap<ItemKey, Arc<Item>>,
    blueprint: &Blueprint,
) -> SessionView {
    let session_id = session.id;
    // A stopped clock shows the time left when it stopped.
    let now = session.paused_at.unwrap_or_else(crate::store::now);
    let mut current = None;
    let section_views = sections
        .iter()
        .map(|s| {
            if s.status == SectionStatus::Open {
                current = Some(s.section_id.clone());
            }
            let spec = blueprint.section(&s.section_id);
            let title = spec.map(|b| b.title.clone()).unwrap_or_default();
            let plays_allowed =
                spec.map_or(item_bank::bank::DEFAULT_PLAY_LIMIT, |b| b.plays_allowed());
            // A section never opened (pending, or closed unopened by an early finish) shows nothing.
            let item_views = if s.opened_at.is_none() {
                Vec::new()
            } else {
                placed
                    .iter()
                    .filter(|p| p.section_idx == s.idx)
                    .filter_map(|p| {
                        let item = items.get(&p.key())?;
                        let order: Vec<String> = p.option_order();
                        Some(item_view(
                            session_id,
                            p.position,
                            item,
                            &order,
                            answers.get(&p.position).map(|e| e.answer.clone()),
                            plays_allowed.saturating_sub(u32::try_from(p.plays).unwrap_or(0)),
                        ))
                    })
                    .collect()
            };
            SectionView {
                id: s.section_id.clone(),
                title,
                status: s.status,
                time_limit_seconds: s.time_limit_seconds,
                deadline: s.deadline,
                remaining_seconds: (s.status == SectionStatus::Open)
                    .then(|| s.deadline.map(|d| (d - now).num_seconds().max(0)))
                    .flatten(),
                items: item_views,
            }
        })
        .collect();
    SessionView {
        id: session.id,
        status: session.status,
        current_section: current,
        sections: section_views,
    }
}

pub(crate) fn item_view(
    session_id: Uuid,
    position: i32,
    item: &Item,
    order: &[String],
    response: Option<serde_json::Value>,
    plays_left: u32,
) -> ItemView {
    let options = order
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            item.options
                .iter()
                .find(|o| &o.id == id)
                .map(|o| OptionView {
                    id: option_label(i),
                    text: o.text.clone(),
                })
        })
        .collect();
    ItemView {
        position,
        item_type: item.item_type.as_str().to_owned(),
        stem: item.stem.clone(),
        stimulus: item.stimulus.clone(),
        media: item.audio.as_ref().map(|audio| MediaView {
            url: format!("/api/v1/sessions/{session_id}/media/{position}"),
            content_type: crate::store::bank::content_type(audio).to_owned(),
        }),
        plays_left: item.audio.is_some().then_some(plays_left),
        image: item.image.as_ref().map(|image| MediaView {
            url: format!("/api/v1/sessions/{session_id}/images/{position}"),
            content_type: crate::store::bank::content_type(image).to_owned(),
        }),
        options,
        response,
    }
}

/// The recording of the listening item at `position` in the candidate's own session: its content type
/// and bytes. Every fetch is one play: the section's play limit
/// ([`item_bank::bank::SectionSpec::plays_allowed`]) is counted here, in the database, so that it holds
/// across reloads and replacement computers; beyond it, `play_limit_reached`. The page fetches the
/// recording afresh for every play and keeps no copy.
pub async fn media(
    state: &AppState,
    call: &CandidateCall,
    session_id: Uuid,
    position: i32,
) -> Result<(String, Vec<u8>), ApiError> {
    let found = item_file(state, call, session_id, position, |i| i.audio.as_ref()).await?;
    let limit = plays_allowed(state, &found.session, &found.section.section_id).await?;
    let file = read_file(state, &found.path).await?;
    if !store::take_play(&state.writer, session_id, position, limit).await? {
        return Err(ApiError::conflict(
            ErrorCode::PlayLimitReached,
            format!("this recording may be played {limit} times"),
        ));
    }
    Ok(file)
}

/// The picture of the item at `position` in the candidate's own session: its content type and bytes.
pub async fn image(
    state: &AppState,
    call: &CandidateCall,
    session_id: Uuid,
    position: i32,
) -> Result<(String, Vec<u8>), ApiError> {
    let found = item_file(state, call, session_id, position, |i| i.image.as_ref()).await?;
    read_file(state, &found.path).await
}

/// How often a recording of the session's section `section_id` may be played.
async fn plays_allowed(
    state: &AppState,
    session: &Session,
    section_id: &str,
) -> Result<u32, ApiError> {
    let blueprint = state
        .blueprints
        .of_registration(state, session.registration_id)
        .await?;
    Ok(blueprint
        .section(section_id)
        .map_or(item_bank::bank::DEFAULT_PLAY_LIMIT, |s| s.plays_allowed()))
}

/// A file an item of the caller's own session names, with where it was found.
struct ItemFile {
    session: Session,
    section: SessionSection,
    path: String,
}

/// The file that `pick` names on the item at `position` of the caller's own session, once its section
/// has opened; `not_found` for anything else, so that nothing reveals an unopened section's items.
async fn item_file(
    state: &AppState,
    call: &CandidateCall,
    session_id: Uuid,
    position: i32,
    pick: impl Fn(&Item) -> Option<&String>,
) -> Result<ItemFile, ApiError> {
    let session = access::own_session(state, call, session_id).await?;
    access::require_running(&session)?;
    let placed = store::item_at(&state.db, session_id, position)
        .await?
        .ok_or(ApiError::NotFound("item"))?;
    let section = store::section(&state.db, session_id, placed.section_idx)
        .await?
        .ok_or(ApiError::NotFound("section"))?;
    if section.opened_at.is_none() {
        return Err(ApiError::NotFound("item"));
    }
    let items = state.items.get_many(&state.db, &[placed.key()]).await?;
    let path = items
        .values()
        .next()
        .and_then(|i| pick(i).cloned())
        .ok_or(ApiError::NotFound("media"))?;
    Ok(ItemFile {
        session,
        section,
        path,
    })
}

/// A bank file's content type and bytes.
async fn read_file(state: &AppState, path: &str) -> Result<(String, Vec<u8>), ApiError> {
    bank::media(&state.db, path)
        .await?
        .ok_or(ApiError::NotFound("media"))
}

/// Closes the candidate's open section and opens the next, or finishes the session after the last.
///
/// `section`, when the page names the section it means to close, makes a retried or late submit safe: a
/// section already closed is a no-op, and a section that is not the open one is refused
/// (`section_mismatch`) rather than closing whichever section happens to be open.
pub async fn submit_section(
    state: &AppState,
    call: &CandidateCall,
    session_id: Uuid,
    section: Option<&str>,
) -> Result<SessionView, ApiError> {
    let session = access::own_session(state, call, session_id).await?;
    access::require_running(&session)?;
    if session.status != SessionStatus::InProgress {
        return Err(ApiError::conflict(
            ErrorCode::SessionFinished,
            "the session is finished",
        ));
    }
    let sections = store::sections(&state.db, session_id).await?;
    let target = match section {
        Some(name) => {
            let named = sections
                .iter()
                .find(|s| s.section_id == name)
                .ok_or_else(|| {
                    ApiError::Validation(format!("this session has no section {name:?}"))
                })?;
            match named.status {
                SectionStatus::Closed => None,
                SectionStatus::Open => Some(named.idx),
                _ => {
                    return Err(ApiError::conflict(
                        ErrorCode::SectionMismatch,
                        format!("section {name} is not open"),
                    ));
                }
            }
        }
        None => sections
            .iter()
            .find(|s| s.status == SectionStatus::Open)
            .map(|s| s.idx),
    };
    if let Some(idx) = target {
        advance(state, session_id, idx, crate::store::now()).await?;
    }
    view(state, call, session_id).await
}

/// Finishes the candidate's session now, closing every section; grading and certification follow in the
/// same transaction.
pub async fn finish(
    state: &AppState,
    call: &CandidateCall,
    session_id: Uuid,
) -> Result<SessionView, ApiError> {
    let session = access::own_session(state, call, session_id).await?;
    access::require_running(&session)?;
    if session.status == SessionStatus::InProgress {
        let now = crate::store::now();
        let lane = state.clone();
        state
            .write_lane
            .run(async move {
                let state = &lane;
                let txn = crate::store::begin(&state.writer).await?;
                store::lock_session(&txn, session_id).await?;
                if store::mark_finished(&txn, session_id, now).await? {
                    store::close_pending_sections(&txn, session_id, now).await?;
                    scoring::score_and_certify(state, &txn, session_id, now).await?;
                }
                txn.commit().await?;
                Ok(())
            })
            .await?;
    }
    view(state, call, session_id).await
}

/// Closes section `idx` of a session if it is open, then opens the next section or, after the last,
/// finishes, grades and certifies the session — all in one transaction. `true` when this call closed the
/// section; `false` when another caller (a candidate's submit, the sweeper, another instance) had. The
/// transaction runs on the [`super::write_lane`].
pub async fn advance(
    state: &AppState,
    session_id: Uuid,
    idx: i32,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    let lane = state.clone();
    state
        .write_lane
        .run(async move { advance_here(&lane, session_id, idx, now).await })
        .await
}

/// [`advance`]'s transaction, on the caller's thread.
async fn advance_here(
    state: &AppState,
    session_id: Uuid,
    idx: i32,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    let txn = crate::store::begin(&state.writer).await?;
    store::lock_session(&txn, session_id).await?;
    if !store::close_section(&txn, session_id, idx, now).await? {
        txn.rollback().await?;
        return Ok(false);
    }
    let sections = store::sections(&txn, session_id).await?;
    match sections.iter().find(|s| s.idx == idx + 1) {
        Some(next) => {
            store::open_section(&txn, session_id, next.idx, next.time_limit_seconds, now).await?
        }
        None => {
            if store::mark_finished(&txn, session_id, now).await? {
                scoring::score_and_certify(state, &txn, session_id, now).await?;
            }
        }
    }
    txn.commit().await?;
    Ok(true)
}
