//! Who may reach which session: the one place that decides that a candidate sees only their own.

use uuid::Uuid;

use super::AppState;
use crate::auth::{Principal, Role};
use crate::error::ApiError;
use crate::store::delivery::{self as store, Session};

/// The registration a candidate's token is bound to; `forbidden` for any other role.
pub(crate) fn registration_of(principal: &Principal) -> Result<Uuid, ApiError> {
    principal.require(&[Role::Candidate])?;
    principal.subject.parse().map_err(|_| ApiError::Forbidden)
}

/// The session if it belongs to the calling candidate. Another candidate's session is `not_found`, so
/// its existence is not revealed.
pub(crate) async fn own_session(
    state: &AppState,
    principal: &Principal,
    session_id: Uuid,
) -> Result<Session, ApiError> {
    let registration_id = registration_of(principal)?;
    match store::session(&state.db, session_id).await? {
        Some(s) if s.registration_id == registration_id => Ok(s),
        _ => Err(ApiError::NotFound("session")),
    }
}
