//! Integrity events from the candidate's browser and from the server itself, and the flags the policy
//! raises from them. Events are stored first; the session's flags are then re-evaluated from all of its
//! events, so the flags never depend on which instance received what, or in which order.

use std::time::Instant;

use chrono::{DateTime, TimeZone, Utc};
use proctoring::events::{BatchLimits, ClientEvent, Detail, Event, EventType, validate_batch};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::AppState;
use super::access::{self, CandidateCall};
use super::rate_limit::Rate;
use crate::error::ApiError;
use crate::store::delivery::{self as delivery_store, SectionStatus};
use crate::store::integrity::{self as store, NewEvent, NewFlag};
use crate::store::status::{EventSource, FlagSource};

/// One event as the page sends it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventIn {
    /// One of the client event types of the contract (`focus_lost`, `paste`, …).
    #[serde(rename = "type")]
    pub kind: String,
    /// When it happened on the candidate's clock (RFC 3339).
    pub at: DateTime<Utc>,
    /// Optional detail: at most 16 keys of strings, numbers or booleans (`{"target":"text"}` for a paste
    /// into a typed answer).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub detail: Option<Detail>,
}

/// A batch of events.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBatch {
    /// 1 to 100 events.
    #[schema(min_items = 1, max_items = 100)]
    pub events: Vec<EventIn>,
}

/// What one session may send: 600 events at once and 10 a second after that. A page sends a batch
/// every few seconds at most, so this is far above any honest page's rate; batches stay bounded by the
/// contract's 100 events each.
pub const EVENT_RATE: Rate = Rate {
    per_second: 10.0,
    burst: 600,
};

fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn from_millis(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or_else(Utc::now)
}

/// Stores a batch from the candidate's page and re-evaluates the session's flags.
pub async fn record_client_batch(
    state: &AppState,
    call: &CandidateCall,
    session_id: Uuid,
    batch: EventBatch,
) -> Result<usize, ApiError> {
    let session = access::own_session(state, call, session_id).await?;
    let limits = BatchLimits::default();
    if batch.events.len() > limits.max_events {
        return Err(ApiError::Validation(format!(
            "a batch carries at most {} events",
            limits.max_events
        )));
    }
    state
        .event_rate
        .take(session.id, batch.events.len() as u32, Instant::now())
        .map_err(ApiError::RateLimited)?;
    let now = crate::store::now();
    let raw: Vec<ClientEvent> = batch
        .events
        .into_iter()
        .map(|e| ClientEvent {
            kind: e.kind,
            at: millis(e.at),
            detail: e.detail,
        })
        .collect();
    let events = validate_batch(&raw, millis(now), &limits)
        .map_err(|e| ApiError::Validation(e.to_string()))?;
    let section = open_section(state, session.id).await?;
    let n = events.len();
    let rows = events
        .into_iter()
        .map(|e| NewEvent {
            registration_id: session.registration_id,
            session_id: Some(session.id),
            event_type: e.kind.as_str().to_owned(),
            source: EventSource::Client,
            at: from_millis(e.at),
            section: section.clone(),
            detail: (!e.detail.is_empty())
                .then(|| serde_json::to_value(&e.detail).unwrap_or_default()),
        })
        .collect();
    store::insert_events(&state.saves, &state.db, rows, now).await?;
    reevaluate(state, session.registration_id, session.id).await?;
    Ok(n)
}

/// The id of the section open now, if any.
async fn open_section(state: &AppState, session_id: Uuid) -> Result<Option<String>, ApiError> {
    Ok(delivery_store::sections(&state.db, session_id)
        .await?
        .into_iter()
        .find(|s| s.status == SectionStatus::Open)
        .map(|s| s.section_id))
}

/// Records an event the server itself observed (`ip_changed`, `concurrent_login`, a refusal …), with
/// string details, and re-evaluates the session's flags when there is a session.
pub async fn record_server_event(
    state: &AppState,
    registration_id: Uuid,
    session_id: Option<Uuid>,
    kind: EventType,
    detail: serde_json::Value,
) -> Result<(), ApiError> {
    let now = crate::store::now();
    let section = match session_id {
        Some(id) => open_section(state, id).await?,
        None => None,
    };
    let detail = detail
        .as_object()
        .map(|o| {
            let mut d = Detail::new();
            for (k, v) in o {
                if let Some(s) = v.as_str() {
                    d = d.with(k, &s.chars().take(200).collect::<String>());
                }
            }
            d
        })
        .filter(|d| !d.is_empty());
    store::insert_events(
        &state.saves,
        &state.db,
        vec![NewEvent {
            registration_id,
            session_id,
            event_type: kind.as_str().to_owned(),
            source: EventSource::Server,
            at: now,
            section,
            detail: detail.map(|d| serde_json::to_value(d).unwrap_or_default()),
        }],
        now,
    )
    .await?;
    tracing::info!(registration = %registration_id, event = kind.as_str(), "integrity event recorded");
    if let Some(id) = session_id {
        reevaluate(state, registration_id, id).await?;
    }
    Ok(())
}

/// The policy's view of every event of a registration.
pub(crate) async fn policy_events(
    state: &AppState,
    registration_id: Uuid,
) -> Result<Vec<Event>, ApiError> {
    Ok(store::events(&state.db, registration_id)
        .await?
        .into_iter()
        .filter_map(|row| {
            let kind = EventType::from_name(&row.event_type)?;
            let mut e = Event::new(kind, millis(row.at));
            if let Some(s) = &row.section {
                e = e.in_section(s);
            }
            if let Some(d) = row.detail.and_then(|d| serde_json::from_value(d).ok()) {
                e = e.with_detail(d);
            }
            Some(e)
        })
        .collect())
}

/// Applies the policy to all of the registration's events and raises (or refreshes) the session's flags.
/// Only flags that the stored ones do not already cover are written: most batches (a resize, a focus
/// change below every threshold) change no flag and so cost no write.
async fn reevaluate(
    state: &AppState,
    registration_id: Uuid,
    session_id: Uuid,
) -> Result<(), ApiError> {
    let events = policy_events(state, registration_id).await?;
    let stored = store::flags(&state.db, session_id).await?;
    let flags: Vec<NewFlag> = proctoring::policy::evaluate(&state.policy, &events)
        .into_iter()
        .map(|f| NewFlag {
            session_id,
            rule: f.rule,
            severity: f.severity.into(),
            source: FlagSource::Policy,
            first_at: from_millis(f.first_at),
            count: f.count as i32,
            detail: None,
        })
        .filter(|f| !stored.iter().any(|s| covers(s, f)))
        .collect();
    if !flags.is_empty() {
        store::upsert_flags(&state.writer, flags, crate::store::now()).await?;
    }
    Ok(())
}

/// Whether the stored flag already says all that `new` would write (see [`store::upsert_flags`], which
/// keeps the highest severity and count and the earliest first time).
fn covers(stored: &store::Flag, new: &NewFlag) -> bool {
    stored.rule == new.rule
        && stored.severity >= new.severity
        && stored.count >= new.count
        && stored.first_at <= new.first_at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::status::Severity;

    #[test]
    fn a_stored_flag_covers_only_what_it_already_says() {
        let at = |s| Utc.timestamp_opt(s, 0).unwrap();
        let session_id = Uuid::now_v7();
        let stored = store::Flag {
            session_id,
            rule: "focus_lost".into(),
            severity: Severity::Medium,
            source: FlagSource::Policy,
            first_at: at(100),
            count: 3,
            detail: None,
            raised_at: at(100),
        };
        let new = |rule: &str, severity, count, first| NewFlag {
            session_id,
            rule: rule.into(),
            severity,
            source: FlagSource::Policy,
            first_at: at(first),
            count,
            detail: None,
        };
        assert!(covers(
            &stored,
            &new("focus_lost", Severity::Medium, 3, 100)
        ));
        assert!(covers(&stored, &new("focus_lost", Severity::Low, 2, 150)));
        assert!(!covers(
            &stored,
            &new("focus_lost", Severity::Medium, 4, 100)
        ));
        assert!(!covers(&stored, &new("focus_lost", Severity::High, 3, 100)));
        assert!(!covers(
            &stored,
            &new("focus_lost", Severity::Medium, 3, 90)
        ));
        assert!(!covers(
            &stored,
            &new("paste_into_answer", Severity::Low, 1, 100)
        ));
    }
}
