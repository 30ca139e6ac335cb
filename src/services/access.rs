//! Who may reach which session: the one place that decides that a candidate sees only their own, that
//! their request comes from where the sitting allows, and that only their latest sign-in counts.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, RwLock};

use uuid::Uuid;

use super::AppState;
use super::access_rules::{AccessRules, Refusal, RequestFacts};
use super::integrity;
use crate::auth::{Principal, Role};
use crate::error::{ApiError, ErrorCode};
use crate::store::delivery::{self as store, Session, SessionStatus};
use crate::store::registration;
use proctoring::events::EventType;

/// What a candidate's request tells about where it comes from. Read from the request by the routes.
#[derive(Debug, Clone)]
pub struct ClientFacts {
    /// The client address (the socket's, or the first untrusted hop behind a trusted proxy).
    pub ip: IpAddr,
    /// At most 512 characters of the `User-Agent`.
    pub user_agent: String,
    /// The absolute URL as the browser asked for it (public base URL, path and query).
    pub url: String,
    pub config_key_hash: Option<String>,
    pub request_hash: Option<String>,
}

impl ClientFacts {
    /// The facts the sitting's access rules check.
    pub(crate) fn request(&self) -> RequestFacts<'_> {
        RequestFacts {
            ip: self.ip,
            url: &self.url,
            config_key_hash: self.config_key_hash.as_deref(),
            request_hash: self.request_hash.as_deref(),
        }
    }
}

/// A candidate's request: who (their token) and from where.
#[derive(Debug, Clone)]
pub struct CandidateCall {
    pub principal: Principal,
    pub facts: ClientFacts,
}

/// What never changes about a registration: its sitting (its blueprint version and window), candidate
/// and the sitting's access rules. Kept in memory so the save path reads no extra row.
#[derive(Debug, Clone)]
pub struct Admission {
    pub registration_id: Uuid,
    pub sitting_id: Uuid,
    pub candidate_id: Uuid,
    pub rules: AccessRules,
    /// The sitting's blueprint: (id, version).
    pub blueprint: (String, i32),
    pub opens_at: chrono::DateTime<chrono::Utc>,
    pub closes_at: chrono::DateTime<chrono::Utc>,
}

/// Admissions by registration, filled on first use. Registrations and sittings are never edited, so an
/// entry never goes stale; the map is cleared when it grows past [`AdmissionCache::MAX`].
#[derive(Default)]
pub struct AdmissionCache(RwLock<HashMap<Uuid, Arc<Admission>>>);

impl AdmissionCache {
    const MAX: usize = 200_000;

    /// The admission of `registration_id`; `None` when there is no such registration.
    pub async fn get(
        &self,
        state: &AppState,
        registration_id: Uuid,
    ) -> Result<Option<Arc<Admission>>, ApiError> {
        if let Some(a) = self
            .0
            .read()
            .expect("admission cache")
            .get(&registration_id)
        {
            return Ok(Some(a.clone()));
        }
        let Some(reg) = registration::registration(&state.db, registration_id).await? else {
            return Ok(None);
        };
        let sitting = registration::sitting(&state.db, reg.sitting_id)
            .await?
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a registration has no sitting")))?;
        let admission = Arc::new(Admission {
            registration_id,
            sitting_id: sitting.id,
            candidate_id: reg.candidate_id,
            rules: rules_of(&sitting)?,
            blueprint: (sitting.blueprint_id.clone(), sitting.blueprint_version),
            opens_at: sitting.opens_at,
            closes_at: sitting.closes_at,
        });
        let mut map = self.0.write().expect("admission cache");
        if map.len() >= Self::MAX {
            map.clear();
        }
        map.insert(registration_id, admission.clone());
        Ok(Some(admission))
    }
}

/// The access rules stored with a sitting (none means the default: no restriction).
pub fn rules_of(sitting: &registration::Sitting) -> Result<AccessRules, ApiError> {
    match &sitting.access {
        None => Ok(AccessRules::default()),
        Some(v) => serde_json::from_value(v.clone()).map_err(|e| ApiError::Internal(e.into())),
    }
}

/// The registration a candidate's token is bound to; `forbidden` for any other role.
pub(crate) fn registration_of(principal: &Principal) -> Result<Uuid, ApiError> {
    principal.require(&[Role::Candidate])?;
    principal.subject.parse().map_err(|_| ApiError::Forbidden)
}

/// Checks a candidate's request against the sitting's access rules. A refusal is recorded as an
/// integrity event (on the session when there is one) before it is answered.
pub(crate) async fn admit(
    state: &AppState,
    facts: &ClientFacts,
    registration_id: Uuid,
    session_id: Option<Uuid>,
) -> Result<Arc<Admission>, ApiError> {
    let admission = state
        .admissions
        .get(state, registration_id)
        .await?
        .ok_or(ApiError::Forbidden)?;
    if let Err(refusal) = admission.rules.check(&facts.request()) {
        let (event, code, detail) = match refusal {
            Refusal::OutsideNetwork => (
                EventType::OutsideCentreNetwork,
                ErrorCode::OutsideCentreNetwork,
                "this sitting is taken only from the test centre's network",
            ),
            Refusal::SebRequired => (
                EventType::SebMismatch,
                ErrorCode::SebRequired,
                "this sitting is taken only in Safe Exam Browser with the centre's configuration",
            ),
        };
        integrity::record_server_event(
            state,
            registration_id,
            session_id,
            event,
            serde_json::json!({"ip": facts.ip.to_string()}),
        )
        .await?;
        return Err(ApiError::conflict(code, detail));
    }
    Ok(admission)
}

/// The session if it belongs to the calling candidate, who is admitted by the sitting's rules and holds
/// the session's latest sign-in. Another candidate's session is `not_found`, so its existence is not
/// revealed. A change of address or browser within the session is recorded as an integrity event.
pub(crate) async fn own_session(
    state: &AppState,
    call: &CandidateCall,
    session_id: Uuid,
) -> Result<Session, ApiError> {
    let (principal, facts) = (&call.principal, &call.facts);
    let registration_id = registration_of(principal)?;
    let session = match store::session(&state.db, session_id).await? {
        Some(s) if s.registration_id == registration_id => s,
        _ => return Err(ApiError::NotFound("session")),
    };
    if principal.generation < session.token_generation {
        return Err(ApiError::Unauthorized(
            "this session was signed in to again elsewhere; sign in again",
        ));
    }
    admit(state, facts, registration_id, Some(session.id)).await?;
    note_client(state, &session, facts).await?;
    Ok(session)
}

/// Records an address or browser change within a running session, and remembers the new one.
async fn note_client(
    state: &AppState,
    session: &Session,
    facts: &ClientFacts,
) -> Result<(), ApiError> {
    if matches!(
        session.status,
        SessionStatus::Finished | SessionStatus::Terminated
    ) {
        return Ok(());
    }
    let ip = facts.ip.to_string();
    let ip_changed = session.client_ip.as_deref().is_some_and(|old| old != ip);
    let ua_changed = session
        .user_agent
        .as_deref()
        .is_some_and(|old| old != facts.user_agent);
    if ip_changed {
        integrity::record_server_event(
            state,
            session.registration_id,
            Some(session.id),
            EventType::IpChanged,
            serde_json::json!({"from": session.client_ip, "to": ip}),
        )
        .await?;
    }
    if ua_changed {
        integrity::record_server_event(
            state,
            session.registration_id,
            Some(session.id),
            EventType::UserAgentChanged,
            serde_json::json!({"from": session.user_agent, "to": facts.user_agent}),
        )
        .await?;
    }
    // A save's statement requires both to be remembered (see `store::SessionGuard`).
    if ip_changed || ua_changed || session.client_ip.is_none() || session.user_agent.is_none() {
        store::set_client(&state.writer, session.id, &ip, &facts.user_agent).await?;
    }
    Ok(())
}

/// Refuses a change to a session a proctor has stopped: `session_paused` or `session_terminated`.
pub(crate) fn require_running(session: &Session) -> Result<(), ApiError> {
    match session.status {
        SessionStatus::Paused => Err(ApiError::conflict(
            ErrorCode::SessionPaused,
            "a proctor has paused this session; wait for them to resume it",
        )),
        SessionStatus::Terminated => Err(ApiError::conflict(
            ErrorCode::SessionTerminated,
            "a proctor has ended this session",
        )),
        SessionStatus::AwaitingAuthorization => Err(ApiError::conflict(
            ErrorCode::AwaitingAuthorization,
            "a proctor has not yet let this session start",
        )),
        SessionStatus::InProgress | SessionStatus::Finished => Ok(()),
    }
}
