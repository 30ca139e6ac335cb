//! Signing in, and the creation of staff users and service clients.

use std::net::IpAddr;
use std::time::Instant;

use uuid::Uuid;

use super::AppState;
use super::access::ClientFacts;
use crate::auth::secrets::Cost;
use crate::auth::throttle::{Attempt, Credential};
use crate::auth::{Role, secrets, tokens};
use crate::domain::text::{self, Lines};
use crate::error::ApiError;
use crate::store::{accounts, registration};

/// A credential presented to `POST /api/v1/auth/token`; `grant_type` chooses which fields it needs.
#[derive(serde::Deserialize)]
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
    /// The string fields, by name.
    fn fields(&self) -> Vec<(&'static str, &str)> {
        match self {
            Grant::Password { username, password } => {
                vec![("username", username), ("password", password)]
            }
            Grant::ClientCredentials {
                client_id,
                client_secret,
            } => vec![("client_id", client_id), ("client_secret", client_secret)],
            Grant::AccessCode { access_code, .. } => vec![("access_code", access_code)],
        }
    }

    /// The length in bytes of the longest string field.
    pub fn longest_field(&self) -> usize {
        self.fields()
            .iter()
            .map(|(_, v)| v.len())
            .max()
            .unwrap_or(0)
    }

    /// Refuses a grant whose fields hold a control character.
    pub fn check_text(&self) -> Result<(), crate::domain::DomainError> {
        self.fields()
            .into_iter()
            .try_for_each(|(name, value)| text::check(name, value, Lines::One))
    }
}

/// The grant's schema, written out: the derived one would let a variant carry fields the server refuses.
impl utoipa::PartialSchema for Grant {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{
            AdditionalProperties, KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type,
        };
        let variant = |grant_type: &str, fields: &[&str]| {
            let mut object = ObjectBuilder::new()
                .property(
                    "grant_type",
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .enum_values(Some([grant_type])),
                )
                .required("grant_type")
                .additional_properties(Some(AdditionalProperties::FreeForm(false)));
            for &field in fields {
                object = if field == "registration_id" {
                    object.property(
                        field,
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))),
                    )
                } else {
                    object.property(field, crate::domain::schema::OneLine::schema())
                };
                object = object.required(field);
            }
            object
        };
        OneOfBuilder::new()
            .description(Some(
                "A credential; `grant_type` chooses which fields it needs. A field longer than 1024 \
                 bytes is refused as `invalid_credentials`.",
            ))
            .item(variant("password", &["username", "password"]))
            .item(variant("client_credentials", &["client_id", "client_secret"]))
            .item(variant("access_code", &["registration_id", "access_code"]))
            .into()
    }
}

impl utoipa::ToSchema for Grant {}

/// A signed access token and its lifetime.
pub struct IssuedToken {
    pub access_token: String,
    pub expires_in: i64,
}

/// Whether `secret` matches the account's `hash`, in `cost`'s hashing lane; an absent account is checked
/// against a dummy of the same cost, so that it costs the same time as a wrong secret and does not reveal
/// which accounts exist, and never matches.
async fn verify(
    state: &AppState,
    cost: Cost,
    secret: String,
    hash: Option<String>,
) -> Result<bool, ApiError> {
    let known = hash.is_some();
    let against = hash.unwrap_or_else(|| secrets::dummy_hash(cost).to_owned());
    let ok = state.hashing.verify(cost, secret, against).await?;
    Ok(known && ok)
}

/// Checks a credential and issues a token for it. Every wrong credential is the same
/// `invalid_credentials`; failed attempts are throttled per account and client address (see
/// [`crate::auth::throttle`]): after a few, `rate_limited` with `Retry-After`, before any hashing.
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
    let attempt = grant.attempt(facts.ip);
    let pending = state
        .throttle
        .begin(&attempt, Instant::now())
        .map_err(ApiError::RateLimited)?;
    let checked = check(state, grant, facts).await;
    match &checked {
        Ok(_) => pending.succeeded(),
        Err(ApiError::InvalidCredentials) => pending.failed(),
        // Not checked (busy, a fault): the attempt counts for nothing.
        Err(_) => drop(pending),
    }
    let account = checked?;
    let ttl = if account.role == Role::Candidate {
        state.settings.candidate_token_ttl_seconds
    } else {
        state.settings.token_ttl_seconds
    };
    let access_token = tokens::issue(
        &state.keys,
        &state.settings.issuer,
        &account.subject,
        account.role,
        account.token_version,
        ttl,
        account.generation,
    )?;
    Ok(IssuedToken {
        access_token,
        expires_in: ttl,
    })
}

/// Who a credential proved to be.
struct Account {
    subject: String,
    role: Role,
    token_version: i64,
    /// A candidate's sign-in generation (zero for staff and services).
    generation: i32,
}

impl Grant {
    /// The throttle's view of this grant from `address`.
    fn attempt(&self, address: IpAddr) -> Attempt {
        let (credential, account) = match self {
            Grant::Password { username, .. } => (Credential::Password, username.clone()),
            Grant::ClientCredentials { client_id, .. } => {
                (Credential::ClientSecret, client_id.clone())
            }
            Grant::AccessCode {
                registration_id, ..
            } => (Credential::AccessCode, registration_id.to_string()),
        };
        Attempt {
            credential,
            account,
            address,
        }
    }
}

/// The account a credential proves; `invalid_credentials` for a wrong secret, an unknown or a disabled
/// account alike.
async fn check(state: &AppState, grant: Grant, facts: &ClientFacts) -> Result<Account, ApiError> {
    Ok(match grant {
        Grant::Password { username, password } => {
            let user = accounts::find_user(&state.db, &username).await?;
            let hash = user.as_ref().map(|u| u.password_hash.clone());
            if !verify(state, Cost::Strong, password, hash).await? {
                return Err(ApiError::InvalidCredentials);
            }
            let user = user
                .filter(|u| !u.disabled)
                .ok_or(ApiError::InvalidCredentials)?;
            Account {
                subject: user.id.to_string(),
                role: Role::parse(&user.role).ok_or(ApiError::InvalidCredentials)?,
                token_version: user.token_version,
                generation: 0,
            }
        }
        Grant::ClientCredentials {
            client_id,
            client_secret,
        } => {
            let client = accounts::find_client(&state.db, &client_id).await?;
            let hash = client.as_ref().map(|c| c.secret_hash.clone());
            if !verify(state, Cost::Strong, client_secret, hash).await? {
                return Err(ApiError::InvalidCredentials);
            }
            let client = client
                .filter(|c| !c.disabled)
                .ok_or(ApiError::InvalidCredentials)?;
            Account {
                subject: client_id,
                role: Role::parse(&client.role).ok_or(ApiError::InvalidCredentials)?,
                token_version: client.token_version,
                generation: 0,
            }
        }
        Grant::AccessCode {
            registration_id,
            access_code,
        } => {
            let code =
                secrets::parse_access_code(&access_code).ok_or(ApiError::InvalidCredentials)?;
            let reg = registration::registration(&state.db, registration_id).await?;
            let hash = reg.as_ref().map(|r| r.access_code_hash.clone());
            if !verify(state, Cost::Light, code, hash).await? {
                return Err(ApiError::InvalidCredentials);
            }
            super::access::admit(state, facts, registration_id, None).await?;
            Account {
                subject: registration_id.to_string(),
                role: Role::Candidate,
                token_version: 0,
                generation: take_over(state, registration_id, reg.map(|r| r.token_generation))
                    .await?,
            }
        }
    })
}

/// How recently a running session must have been active for a new sign-in to count as concurrent.
pub const TAKEOVER_WINDOW_SECONDS: i64 = 120;

/// Starts a new sign-in generation for a registration (`seen` is the one read with its access code); a
/// running session then accepts only it. A sign-in that takes over a session active within
/// [`TAKEOVER_WINDOW_SECONDS`] is recorded as a concurrent login.
async fn take_over(
    state: &AppState,
    registration_id: Uuid,
    seen: Option<i32>,
) -> Result<i32, ApiError> {
    let mut seen = seen.ok_or(ApiError::InvalidCredentials)?;
    state.refuse_when_saturated()?;
    // Two sign-ins at the same moment: one raises the generation, the other reads it again and raises it
    // once more (the later sign-in wins, as it would one after the other).
    let mut attempts = 0;
    while !registration::raise_token_generation(&state.saves, &state.db, registration_id, seen)
        .await?
    {
        attempts += 1;
        if attempts == 8 {
            return Err(ApiError::Busy);
        }
        seen = registration::registration(&state.db, registration_id)
            .await?
            .ok_or(ApiError::InvalidCredentials)?
            .token_generation;
    }
    let generation = seen + 1;
    let Some(session) =
        crate::store::delivery::session_for_registration(&state.db, registration_id).await?
    else {
        return Ok(generation);
    };
    use crate::store::delivery::SessionStatus::*;
    if !matches!(session.status, InProgress | Paused | AwaitingAuthorization) {
        return Ok(generation);
    }
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
    #[error("the client name must have 1 to 200 characters and no control character")]
    BadName,
    #[error("there is no user {0}")]
    NoSuchUser(String),
    #[error("there is no client {0}")]
    NoSuchClient(String),
    #[error("{0} is the last enabled admin: make another admin first")]
    LastAdmin(String),
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

/// A role a staff user may have: admin, operator, proctor or author.
fn staff_role(role: &str) -> Result<Role, AccountError> {
    Role::parse(role)
        .filter(|r| {
            matches!(
                r,
                Role::Admin | Role::Operator | Role::Proctor | Role::Author
            )
        })
        .ok_or_else(|| AccountError::BadRole(role.to_owned(), "user"))
}

/// Creates a staff user (admin, operator, proctor or author).
pub async fn create_user(
    db: &crate::store::WriteDb,
    username: &str,
    password: &str,
    role: &str,
) -> Result<(), AccountError> {
    check_username(username)?;
    let role = staff_role(role)?;
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
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > 200
        || text::check("name", name, Lines::One).is_err()
    {
        return Err(AccountError::BadName);
    }
    let client_id = format!("client-{}", Uuid::now_v7().simple());
    let secret = secrets::new_client_secret();
    accounts::create_client(
        db,
        &client_id,
        &secrets::hash_secret(&secret),
        name,
        role.as_str(),
    )
    .await?;
    Ok((client_id, secret))
}

/// Refuses to leave the service without an enabled admin when `username` stops being one.
async fn keep_an_admin(db: &crate::store::WriteDb, username: &str) -> Result<(), AccountError> {
    let is_admin = accounts::find_user(db, username)
        .await?
        .is_some_and(|u| u.role == Role::Admin.as_str() && !u.disabled);
    if is_admin && accounts::count_other_admins(db, username).await? == 0 {
        return Err(AccountError::LastAdmin(username.to_owned()));
    }
    Ok(())
}

/// Gives a staff user a new role; the tokens issued before stop working at once.
pub async fn set_role(
    db: &crate::store::WriteDb,
    username: &str,
    role: &str,
) -> Result<(), AccountError> {
    let role = staff_role(role)?;
    if role != Role::Admin {
        keep_an_admin(db, username).await?;
    }
    if accounts::set_role(db, username, role.as_str()).await? {
        Ok(())
    } else {
        Err(AccountError::NoSuchUser(username.to_owned()))
    }
}

/// Disables a staff user: they can no longer sign in, and their tokens stop working at once.
pub async fn disable_user(db: &crate::store::WriteDb, username: &str) -> Result<(), AccountError> {
    keep_an_admin(db, username).await?;
    if accounts::disable_user(db, username).await? {
        Ok(())
    } else {
        Err(AccountError::NoSuchUser(username.to_owned()))
    }
}

/// Disables a service client: it can no longer sign in, and its tokens stop working at once.
pub async fn disable_client(
    db: &crate::store::WriteDb,
    client_id: &str,
) -> Result<(), AccountError> {
    if accounts::disable_client(db, client_id).await? {
        Ok(())
    } else {
        Err(AccountError::NoSuchClient(client_id.to_owned()))
    }
}
