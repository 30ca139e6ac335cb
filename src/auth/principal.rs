//! The caller of a request, from its bearer token, and the roles the contract knows.

use std::future::{Ready, ready};
use std::marker::PhantomData;

use actix_web::http::header::HeaderMap;
use actix_web::{FromRequest, HttpRequest, dev::Payload};
use serde::{Deserialize, Serialize};

use super::KeyRing;
use super::tokens::Claims;
use crate::error::ApiError;
use crate::store::accounts;

/// A role of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Admin,
    Operator,
    Proctor,
    Author,
    Candidate,
    ResultsReader,
}

impl Role {
    /// The role's name in tokens, the database and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Operator => "operator",
            Role::Proctor => "proctor",
            Role::Author => "author",
            Role::Candidate => "candidate",
            Role::ResultsReader => "results-reader",
        }
    }

    /// Parses a stored or typed role name.
    pub fn parse(s: &str) -> Option<Role> {
        [
            Role::Admin,
            Role::Operator,
            Role::Proctor,
            Role::Author,
            Role::Candidate,
            Role::ResultsReader,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// Who is calling, proven by a valid access token.
#[derive(Debug, Clone)]
pub struct Principal {
    /// A user's or client's id, or, for a candidate, the registration id.
    pub subject: String,
    pub role: Role,
    /// A candidate's sign-in generation (zero for staff and services).
    pub generation: i32,
}

impl Principal {
    /// Refuses the request unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

/// A set of roles a route is for.
pub trait RoleSet {
    const ROLES: &'static [Role];
}

/// The test-centre staff: admin and operator.
pub struct CentreStaff;
impl RoleSet for CentreStaff {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Operator];
}

/// Authors of items and blueprints, and admins.
pub struct Authors;
impl RoleSet for Authors {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Author];
}

/// Candidates, each bound to one registration.
pub struct Candidates;
impl RoleSet for Candidates {
    const ROLES: &'static [Role] = &[Role::Candidate];
}

/// The pre-selection system's clients, and admins.
pub struct ResultsReaders;
impl RoleSet for ResultsReaders {
    const ROLES: &'static [Role] = &[Role::ResultsReader, Role::Admin];
}

/// Who supervises sittings: proctors and admins.
pub struct Proctors;
impl RoleSet for Proctors {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Proctor];
}

/// Who may read a sitting's supervision: proctors, operators and admins.
pub struct Supervisors;
impl RoleSet for Supervisors {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Proctor, Role::Operator];
}

/// Admins only.
pub struct Admins;
impl RoleSet for Admins {
    const ROLES: &'static [Role] = &[Role::Admin];
}

/// A caller proven to hold one of `R`'s roles. As an extractor it runs before the body is read, so a
/// caller without the role learns nothing about what the route accepts: the answer is `401` or `403`.
///
/// It is synchronous: it reads the outcome that [`super::bearer::authenticate`] left in the request,
/// which has checked the token and, for staff and services, the account's current state before any
/// extractor ran (an asynchronous extractor would let the body be read and judged while the account was
/// being looked up).
#[derive(Debug, Clone)]
pub struct Authorized<R> {
    pub principal: Principal,
    roles: PhantomData<R>,
}

impl<R: RoleSet> FromRequest for Authorized<R> {
    type Error = ApiError;
    type Future = Ready<Result<Authorized<R>, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(super::bearer::outcome(req).and_then(|claims| {
            let principal = Principal {
                subject: claims.sub,
                role: claims.role,
                generation: claims.generation,
            };
            principal.require(R::ROLES)?;
            Ok(Authorized {
                principal,
                roles: PhantomData,
            })
        }))
    }
}

/// What it takes to check a bearer token: the public keys, the issuer, and the read pool for the state
/// of staff and service accounts. Registered as app data beside the application state, so that
/// authentication depends on nothing else.
#[derive(Clone)]
pub struct TokenVerifier {
    pub keys: std::sync::Arc<KeyRing>,
    pub issuer: String,
    pub accounts: crate::store::ReadDb,
    /// Signatures checked in the last minute.
    pub recent: std::sync::Arc<super::recent::RecentTokens>,
}

impl TokenVerifier {
    /// The claims of the bearer token in `headers`, checked for signature, issuer, audience and expiry;
    /// the reason, for the caller, when there is none or it is refused.
    pub(crate) fn claims(&self, headers: &HeaderMap) -> Result<Claims, &'static str> {
        let header = headers
            .get(actix_web::http::header::AUTHORIZATION)
            .ok_or("no bearer token")?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| {
                h.strip_prefix("Bearer ")
                    .or_else(|| h.strip_prefix("bearer "))
            })
            .ok_or("the Authorization header is not a bearer token")?;
        let token = token.trim();
        let now = chrono::Utc::now().timestamp();
        if let Some(claims) = self.recent.get(token, now, super::tokens::LEEWAY_SECONDS) {
            return Ok(claims);
        }
        let claims = super::tokens::verify(&self.keys, &self.issuer, token).map_err(|e| {
            tracing::debug!(reason = %e, "token refused");
            "the token is not valid or has expired"
        })?;
        self.recent.put(token, &claims);
        Ok(claims)
    }

    /// Whether the staff or service account a token names still exists, is enabled, and has the
    /// token's role and version.
    pub(crate) async fn account_is_current(
        &self,
        claims: &Claims,
    ) -> Result<bool, crate::store::StoreError> {
        let state = match claims.role {
            Role::ResultsReader => {
                accounts::client_token_state(&self.accounts, &claims.sub).await?
            }
            _ => match claims.sub.parse() {
                Ok(id) => accounts::user_token_state(&self.accounts, id).await?,
                Err(_) => None,
            },
        };
        Ok(state.is_some_and(|s| {
            !s.disabled
                && s.token_version == claims.ver
                && Role::parse(&s.role) == Some(claims.role)
        }))
    }
}
