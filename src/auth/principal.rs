//! The caller of a request, from its bearer token, and the roles the contract knows.

use std::future::{Ready, ready};
use std::marker::PhantomData;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use serde::{Deserialize, Serialize};

use super::KeyRing;
use crate::error::ApiError;

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
#[derive(Debug, Clone)]
pub struct Authorized<R> {
    pub principal: Principal,
    roles: PhantomData<R>,
}

impl<R: RoleSet> FromRequest for Authorized<R> {
    type Error = ApiError;
    type Future = Ready<Result<Authorized<R>, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req).and_then(|principal| {
            principal.require(R::ROLES)?;
            Ok(Authorized {
                principal,
                roles: PhantomData,
            })
        }))
    }
}

/// What the extractor needs to check a bearer token: the public keys and the issuer. Registered as app
/// data beside the application state, so that the extractor depends on nothing else.
#[derive(Clone)]
pub struct TokenVerifier {
    pub keys: std::sync::Arc<KeyRing>,
    pub issuer: String,
}

fn authenticate(req: &HttpRequest) -> Result<Principal, ApiError> {
    let verifier = req
        .app_data::<web::Data<TokenVerifier>>()
        .expect("TokenVerifier is registered");
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .ok_or(ApiError::Unauthorized("no bearer token"))?;
    let token = header
        .to_str()
        .ok()
        .and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("bearer "))
        })
        .ok_or(ApiError::Unauthorized(
            "the Authorization header is not a bearer token",
        ))?;
    match super::tokens::verify(&verifier.keys, &verifier.issuer, token.trim()) {
        Ok(claims) => Ok(Principal {
            subject: claims.sub,
            role: claims.role,
            generation: claims.generation,
        }),
        Err(e) => {
            tracing::debug!(reason = %e, "token refused");
            Err(ApiError::Unauthorized(
                "the token is not valid or has expired",
            ))
        }
    }
}
