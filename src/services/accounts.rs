//! Signing in, and the creation of staff users and service clients.

use std::sync::LazyLock;

use actix_web::web;
use uuid::Uuid;

use super::AppState;
use super::access::ClientFacts;
use crate::auth::{Role, secrets, tokens};
use crate::error::ApiError;
use crate::store::{accounts, registration};

/// A credential presented to `POST /api/v1/auth/token`; `grant_type` chooses which fields it needs.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "grant_type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Grant {
    Password {
        username: String,
        password: String,
    },
    ClientCredentials {
        client_id: String,
        client_secret: String,
    },
    AccessCode {
        registration_id: Uuid,
        access_code: String,
    },
}

impl Grant {
    /// The length in bytes of the longest string field.
    pub fn longest_field(&self) -> usize {
        match self {
            Grant::Password { username, password } => username.len().max(password.len()),
            Grant::ClientCredentials {
                client_id,
                client_secret,
            } => client_id.len().max(client_secret.len()),
            Grant::AccessCode { access_code, .. } => access_code.len(),
        }
    }
}

/// A signed access token and its lifetime.
pub struct IssuedToken {
    pub access_token: String,
    pub expires_in: i64,
}

/// Compared against when the account does not exist, so that a missing account costs the same time as a
/// wrong secret and does not reveal which accounts exist: one per hashing cost.
static DUMMY_STRONG: LazyLock<String> =
    LazyLock::new(|| secrets::hash_secret("synaq-dummy-secret"));
static DUMMY_LIGHT: LazyLock<String> =
    LazyLock::new(|| secrets::hash_access_code("2222-2222-2222"));

/// Argon2 checks running at once, at most. Each takes up to 19 MiB and a core's worth of work: a flood of
/// sign-ins waits here (and, past a few seconds, gets `busy`) instead of exhausting memory.
pub const MAX_CONCURRENT_HASHES: usize = 8;

/// How long a sign-in waits for a hashing slot before it is told to retry.
const HASH_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

async fn verify_blocking(
    state: &AppState,
    secret: String,
    hash: Option<String>,
    dummy: &'static LazyLock<String>,
) -> Result<bool, ApiError> {
    let permit = tokio::time::timeout(HASH_WAIT, state.hashing.clone().acquire_owned())
        .await
        .map_err(|_| ApiError::Busy)?
        .map_err(|e| ApiError::Internal(e.into()))?;
    web::block(move || {
        let _permit = permit;
        let known = hash.is_some();
        let ok = secrets::verify(&secret, hash.as_deref().unwrap_or(dummy));
        known && ok
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("blocking pool: {e}")))
}

/// Checks a credential and issues a token for it. Every failure is the same `invalid_credentials`.
///
/// A candidate's sign-in is also checked against the sitting's access rules (network, Safe Exam
/// Browser), and starts a new token generation: once a session runs, only the latest sign-in's token is
/// accepted. A sign-in while the session was active in the last [`TAKEOVER_WINDOW_SECONDS`] is recorded
/// as a `concurrent_login`; a later one (a replacement computer after a crash) is a plain resume.
pub async fn sign_in(
    state: &AppState,
    grant: Grant,
    facts: &ClientFacts,
) -> Result<IssuedToken, ApiError> {
    let mut generation = 0;
    let (subject, role) = match grant {
        Grant::Password { username, password } => {
            let user = accounts::find_user(&state.db, &username).await?;
            let hash = user.as_ref().map(|u| u.password_hash.clone());
            if !verify_blocking(state, password, hash, &DUMMY_STRONG).await? {
                return Err(ApiError::InvalidCredentials);
            }
            let user = user.ok_or(ApiError::InvalidCredentials)?;
            (
                user.id.to_string(),
                Role::parse(&user.role).ok_or(ApiError::InvalidCredentials)?,
            )
        }
        Grant::ClientCredentials {
            client_id,
            client_secret,
        } => {
            let client = accounts::find_client(&state.db, &client_id).await?;
            let hash = client.as_ref().map(|c| c.0.clone());
            if !verify_blocking(state, client_secret, hash, &DUMMY_STRONG).await? {
                return Err(ApiError::InvalidCredentials);
            }
            let (_, role) = client.ok_or(ApiError::InvalidCredentials)?;
            (
                client_id,
                Role::parse(&role).ok_or(ApiError::InvalidCredentials)?,
            )
        }
        Grant::AccessCode {
            registration_id,
            access_code,
        } => {
            let code =
                secrets::parse_access_code(&access_code).ok_or(ApiError::InvalidCredentials)?;
            let reg = registration::registration(&state.db, registration_id).await?;
            let hash = reg.as_ref().map(|r| r.access_code_hash.clone());
            if !verify_blocking(state, code, hash, &DUMMY_LIGHT).await? {
                return Err(ApiError::InvalidCredentials);
            }
            super::access::admit(state, facts, registration_id, None).await?;
            generation = take_over(state, registration_id).await?;
            (registration_id.to_string(), Role::Candidate)
        }
    };
    let ttl = if role == Role::Candidate {
        state.settings.candidate_token_ttl_seconds
    } else {
        state.settings.token_ttl_seconds
    };
    let access_token = tokens::issue(
        &state.keys,
        &state.settings.issuer,
        &subject,
        role,
        ttl,
        generation,
    )?;
    Ok(IssuedToken {
        access_token,
        expires_in: ttl,
    })
}

/// How recently a running session must have been active for a new sign-in to count as concurrent.
pub const TAKEOVER_WINDOW_SECONDS: i64 = 120;

/// Starts a new sign-in generation for a registration; a running session then accepts only it.
async fn take_over(state: &AppState, registration_id: Uuid) -> Result<i32, ApiError> {
    let generation = registration::next_token_generation(&state.writer, registration_id).await?;
    let Some(session) =
        crate::store::delivery::session_for_registration(&state.db, registration_id).await?
    else {
        return Ok(generation);
    };
    use crate::store::delivery::SessionStatus::*;
    if !matches!(session.status, InProgress | Paused | AwaitingAuthorization) {
        return Ok(generation);
    }
    crate::store::delivery::set_token_generation(&state.writer, session.id, generation).await?;
    let last_save = crate::store::delivery::last_save_at(&state.db, session.id).await?;
    let last_event = crate::store::integrity::last_event_at(&state.db, registration_id).await?;
    let last_seen = [Some(session.started_at), last_save, last_event]
        .into_iter()
        .flatten()
        .max();
    let now = crate::store::now();
    if last_seen.is_some_and(|t| (now - t).num_seconds() <= TAKEOVER_WINDOW_SECONDS) {
        super::integrity::record_server_event(
            state,
            registration_id,
            Some(session.id),
            proctoring::events::EventType::ConcurrentLogin,
            serde_json::json!({}),
        )
        .await?;
    }
    Ok(generation)
}

/// Why an account cannot be created.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("the username must be 3–64 characters of a-z, 0-9, '.', '_' and '-'")]
    BadUsername,
    #[error("the password must have 12 to 1024 characters")]
    WeakPassword,
    #[error("the username {0} is taken")]
    Taken(String),
    #[error("role {0} cannot be given to a {1}")]
    BadRole(String, &'static str),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

fn check_username(username: &str) -> Result<(), AccountError> {
    let ok = (3..=64).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(AccountError::BadUsername)
    }
}

/// Creates a staff user (admin, operator, proctor or author).
pub async fn create_user(
    db: &crate::store::WriteDb,
    username: &str,
    password: &str,
    role: &str,
) -> Result<(), AccountError> {
    check_username(username)?;
    let role = Role::parse(role)
        .filter(|r| {
            matches!(
                r,
                Role::Admin | Role::Operator | Role::Proctor | Role::Author
            )
        })
        .ok_or_else(|| AccountError::BadRole(role.to_owned(), "user"))?;
    if !(12..=1024).contains(&password.chars().count()) {
        return Err(AccountError::WeakPassword);
    }
    let hash = secrets::hash_secret(password);
    if accounts::create_user(db, username, &hash, role.as_str()).await? {
        Ok(())
    } else {
        Err(AccountError::Taken(username.to_owned()))
    }
}

/// Creates a service client; returns its id and its secret, which is stored only as a hash.
pub async fn create_client(
    db: &crate::store::WriteDb,
    name: &str,
    role: &str,
) -> Result<(String, String), AccountError> {
    let role = Role::parse(role)
        .filter(|r| *r == Role::ResultsReader)
        .ok_or_else(|| AccountError::BadRole(role.to_owned(), "client"))?;
    if name.trim().is_empty() || name.len() > 200 {
        return Err(AccountError::BadUsername);
    }
    let client_id = format!("client-{}", Uuid::now_v7().simple());
    let secret = secrets::new_client_secret();
    accounts::create_client(
        db,
        &client_id,
        &secrets::hash_secret(&secret),
        name.trim(),
        role.as_str(),
    )
    .await?;
    Ok((client_id, secret))
}
