//! Supervising a sitting: the live roster, a proctor's actions on a session (each a conditional update,
//! safe with several instances, recorded with who, when and why), and a session's timeline.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::AppState;
use super::access::rules_of;
use crate::auth::{Principal, Role};
use crate::domain::Reason;
use crate::error::{ApiError, ErrorCode};
use crate::store::delivery::{self as delivery_store, SectionStatus, Session, SessionStatus};
use crate::store::integrity::{self as store, ActionRecord, NewFlag};
use crate::store::registration;
use crate::store::status::{FlagSource, ProctorAction, Severity};

/// The most extra time one action may give.
pub const MAX_EXTEND_SECONDS: i32 = 4 * 3600;

/// An action as the proctor sends it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    pub action: ProctorAction,
    /// Why: required, 1–1000 characters.
    #[schema(value_type = crate::domain::Reason)]
    pub reason: String,
    /// For `extend`: 1 to 14,400 seconds.
    #[schema(minimum = 1, maximum = 14_400)]
    pub seconds: Option<i32>,
    /// For `extend`: `section` (the open one, the default) or `session` (every remaining section).
    pub scope: Option<ExtendScope>,
    /// For `report`: how serious the irregularity is (default `high`, which holds the result).
    pub severity: Option<Severity>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExtendScope {
    Section,
    Session,
}

/// What an action left the session as.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionOutcome {
    pub session_id: Uuid,
    pub status: SessionStatus,
    pub action: ProctorAction,
    pub at: DateTime<Utc>,
}

/// The session if the caller may supervise it: an admin, or a proctor the sitting admits (every proctor
/// when the sitting names none).
async fn supervised(
    state: &AppState,
    principal: &Principal,
    session_id: Uuid,
) -> Result<Session, ApiError> {
    let session = delivery_store::session(&state.db, session_id)
        .await?
        .ok_or(ApiError::NotFound("session"))?;
    if principal.role == Role::Proctor {
        let reg = registration::registration(&state.db, session.registration_id)
            .await?
            .ok_or(ApiError::NotFound("registration"))?;
        let sitting = registration::sitting(&state.db, reg.sitting_id)
            .await?
            .ok_or(ApiError::NotFound("sitting"))?;
        let username = crate::store::accounts::username(&state.db, &principal.subject).await?;
        if !rules_of(&sitting)?.admits_proctor(username.as_deref().unwrap_or("")) {
            return Err(ApiError::Forbidden);
        }
    }
    Ok(session)
}

fn invalid(action: ProctorAction, status: SessionStatus) -> ApiError {
    ApiError::conflict(
        ErrorCode::InvalidTransition,
        format!("a session that is {status:?} cannot be {action:?}d").to_lowercase(),
    )
}

/// Applies a proctor's action to a session.
pub async fn act(
    state: &AppState,
    principal: &Principal,
    session_id: Uuid,
    req: ActionRequest,
) -> Result<ActionOutcome, ApiError> {
    let reason = Reason::parse(&req.reason)?.into_string();
    let session = supervised(state, principal, session_id).await?;
    let extend = match req.action {
        ProctorAction::Extend => {
            let s = req
                .seconds
                .filter(|s| (1..=MAX_EXTEND_SECONDS).contains(s))
                .ok_or_else(|| {
                    ApiError::Validation(format!(
                        "extend needs seconds from 1 to {MAX_EXTEND_SECONDS}"
                    ))
                })?;
            Some((s, req.scope.unwrap_or(ExtendScope::Section)))
        }
        _ if req.seconds.is_some() || req.scope.is_some() => {
            return Err(ApiError::Validation(
                "seconds and scope go only with extend".into(),
            ));
        }
        _ => None,
    };
    let now = crate::store::now();
    let txn = crate::store::begin(&state.writer).await?;
    delivery_store::lock_session(&txn, session_id).await?;
    use SessionStatus::*;
    let applied = match req.action {
        ProctorAction::Authorize => {
            let ok = delivery_store::set_status(
                &txn,
                session_id,
                &[AwaitingAuthorization],
                InProgress,
                None,
            )
            .await?;
            if ok {
                let sections = delivery_store::sections(&txn, session_id).await?;
                if let Some(first) = sections.first() {
                    delivery_store::open_section(
                        &txn,
                        session_id,
                        first.idx,
                        first.time_limit_seconds,
                        now,
                    )
                    .await?;
                }
                delivery_store::mark_authorized(&txn, session_id, now).await?;
            }
            ok
        }
        ProctorAction::Pause => {
            delivery_store::set_status(&txn, session_id, &[InProgress], Paused, Some(now)).await?
        }
        ProctorAction::Resume => {
            let ok =
                delivery_store::set_status(&txn, session_id, &[Paused], InProgress, None).await?;
            if ok {
                let stopped = session.paused_at.unwrap_or(now);
                let paused_for = (now - stopped).num_seconds().max(0);
                delivery_store::shift_open_deadline(&txn, session_id, paused_for, false).await?;
            }
            ok
        }
        ProctorAction::Extend => {
            let (seconds, scope) = extend.expect("checked above");
            let running = matches!(session.status, InProgress | Paused | AwaitingAuthorization);
            if running {
                delivery_store::shift_open_deadline(&txn, session_id, i64::from(seconds), true)
                    .await?;
                if scope == ExtendScope::Session || session.status == AwaitingAuthorization {
                    delivery_store::extend_pending(&txn, session_id, seconds).await?;
                }
            }
            running
        }
        ProctorAction::Terminate => {
            let stopped = session.paused_at.unwrap_or(now);
            delivery_store::set_status(
                &txn,
                session_id,
                &[InProgress, Paused, AwaitingAuthorization],
                Terminated,
                Some(stopped),
            )
            .await?
        }
        ProctorAction::Reactivate => {
            delivery_store::set_status(
                &txn,
                session_id,
                &[Terminated],
                Paused,
                session.paused_at.or(Some(now)),
            )
            .await?
        }
        ProctorAction::Report => {
            store::upsert_flags(
                &txn,
                vec![NewFlag {
                    session_id,
                    rule: "proctor_report".into(),
                    severity: req.severity.unwrap_or(Severity::High),
                    source: FlagSource::Report,
                    first_at: now,
                    count: 1,
                    detail: Some(serde_json::json!({"reason": reason})),
                }],
                now,
            )
            .await?;
            true
        }
    };
    if !applied {
        txn.rollback().await?;
        let current = delivery_store::session(&state.db, session_id)
            .await?
            .map_or(session.status, |s| s.status);
        return Err(invalid(req.action, current));
    }
    store::insert_action(
        &txn,
        ActionRecord {
            id: Uuid::now_v7(),
            session_id,
            action: req.action,
            actor: principal.subject.clone(),
            reason,
            seconds: extend.map(|(s, _)| s),
            scope: extend.map(|(_, scope)| format!("{scope:?}").to_lowercase()),
            at: now,
        },
    )
    .await?;
    txn.commit().await?;
    tracing::info!(session = %session_id, action = ?req.action, "proctor action");
    let status = delivery_store::session(&state.db, session_id)
        .await?
        .map_or(session.status, |s| s.status);
    Ok(ActionOutcome {
        session_id,
        status,
        action: req.action,
        at: now,
    })
}

/// One registration of a sitting on the proctor's screen.
#[derive(Debug, Serialize, ToSchema)]
pub struct RosterRow {
    pub registration_id: Uuid,
    pub candidate: RosterCandidate,
    pub session_id: Option<Uuid>,
    /// `not_started` before the candidate starts; then the session's status.
    pub status: String,
    pub current_section: Option<String>,
    pub remaining_seconds: Option<i64>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub flags: FlagSummary,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RosterCandidate {
    pub full_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FlagSummary {
    pub open: usize,
    pub max_severity: Option<Severity>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Roster {
    pub sitting_id: Uuid,
    pub sessions: Vec<RosterRow>,
}

/// The most registrations one roster shows.
pub const MAX_ROSTER: u64 = 2000;

/// The live roster of a sitting.
pub async fn roster(state: &AppState, sitting_id: Uuid) -> Result<Roster, ApiError> {
    registration::sitting(&state.db, sitting_id)
        .await?
        .ok_or(ApiError::NotFound("sitting"))?;
    let now = crate::store::now();
    let mut rows = Vec::new();
    for (reg, candidate, session) in registration::roster(&state.db, sitting_id, MAX_ROSTER).await?
    {
        let (status, current, remaining, last_seen, flags) = match &session {
            None => ("not_started".to_owned(), None, None, None, Vec::new()),
            Some(s) => {
                let sections = delivery_store::sections(&state.db, s.id).await?;
                let open = sections.iter().find(|x| x.status == SectionStatus::Open);
                let clock = s.paused_at.unwrap_or(now);
                let remaining = open
                    .and_then(|x| x.deadline)
                    .map(|d| (d - clock).num_seconds().max(0));
                let last_save = delivery_store::last_save_at(&state.db, s.id).await?;
                let last_event = store::last_event_at(&state.db, reg.id).await?;
                let last_seen = [Some(s.started_at), last_save, last_event]
                    .into_iter()
                    .flatten()
                    .max();
                (
                    crate::store::status::word(s.status),
                    open.map(|x| x.section_id.clone()),
                    remaining,
                    last_seen,
                    store::flags(&state.db, s.id).await?,
                )
            }
        };
        rows.push(RosterRow {
            registration_id: reg.id,
            candidate: RosterCandidate {
                full_name: candidate.full_name,
            },
            session_id: session.as_ref().map(|s| s.id),
            status,
            current_section: current,
            remaining_seconds: remaining,
            last_seen_at: last_seen,
            flags: FlagSummary {
                open: flags.len(),
                max_severity: flags.iter().map(|f| f.severity).max(),
            },
        });
    }
    Ok(Roster {
        sitting_id,
        sessions: rows,
    })
}

/// One entry of a session's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    /// `event`, `flag`, `action` or `save`.
    pub kind: String,
    /// The event type, the flag's rule, the action, or `save`.
    pub name: String,
    #[schema(value_type = Option<Object>)]
    pub detail: Option<serde_json::Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Timeline {
    pub session_id: Uuid,
    pub entries: Vec<TimelineEntry>,
}

/// Every integrity event, flag, proctor action and save time of a session, oldest first.
pub async fn timeline(
    state: &AppState,
    principal: &Principal,
    session_id: Uuid,
) -> Result<Timeline, ApiError> {
    let session = if principal.role == Role::Operator {
        delivery_store::session(&state.db, session_id)
            .await?
            .ok_or(ApiError::NotFound("session"))?
    } else {
        supervised(state, principal, session_id).await?
    };
    let mut entries = Vec::new();
    for e in store::events(&state.db, session.registration_id).await? {
        entries.push(TimelineEntry {
            at: e.at,
            kind: "event".into(),
            name: e.event_type,
            detail: Some(serde_json::json!({
                "source": e.source,
                "section": e.section,
                "received_at": e.received_at,
                "detail": e.detail,
            })),
        });
    }
    for f in store::flags(&state.db, session.id).await? {
        entries.push(TimelineEntry {
            at: f.first_at,
            kind: "flag".into(),
            name: f.rule,
            detail: Some(serde_json::json!({
                "severity": f.severity, "source": f.source, "count": f.count, "detail": f.detail,
            })),
        });
    }
    for a in store::actions(&state.db, session.id).await? {
        entries.push(TimelineEntry {
            at: a.at,
            kind: "action".into(),
            name: crate::store::status::word(a.action),
            detail: Some(serde_json::json!({
                "actor": a.actor, "reason": a.reason, "seconds": a.seconds, "scope": a.scope,
            })),
        });
    }
    for (position, at, client_ms) in delivery_store::save_times(&state.db, session.id).await? {
        entries.push(TimelineEntry {
            at,
            kind: "save".into(),
            name: "save".into(),
            detail: Some(serde_json::json!({"position": position, "time_on_item_ms": client_ms})),
        });
    }
    entries.sort_by_key(|e| e.at);
    Ok(Timeline {
        session_id: session.id,
        entries,
    })
}
