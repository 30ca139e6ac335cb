//! Authentication, once per request and before any extractor: the bearer token is verified and, for staff
//! and services, checked against the account's current state; [`super::Authorized`] reads the outcome.
//!
//! A staff or service token is refused as soon as its account has another role or is disabled (its token
//! version moved on), not only when it expires. The account is read from the database on every such
//! request, with no cache: staff and service requests are few (people at desks, a feed poller), the read
//! is one primary-key look-up, and a cache would leave a demoted or disabled account's tokens working for
//! the cache's lifetime on every instance. Candidate tokens — nearly all requests — are bound to one
//! registration and skip the look-up.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, web};

use super::tokens::Claims;
use super::{Role, TokenVerifier};
use crate::error::ApiError;

/// What authentication found, kept in the request's extensions.
#[derive(Debug, Clone)]
enum Outcome {
    Valid(Claims),
    /// Why the caller is not signed in.
    Refused(&'static str),
    /// The account could not be read.
    Unavailable(String),
}

/// Authenticates the request (see the module documentation) and passes it on.
pub async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if let Some(verifier) = req.app_data::<web::Data<TokenVerifier>>().cloned() {
        let outcome = match verifier.claims(req.headers()) {
            Err(reason) => Outcome::Refused(reason),
            Ok(claims) if claims.role == Role::Candidate => Outcome::Valid(claims),
            Ok(claims) => match verifier.account_is_current(&claims).await {
                Ok(true) => Outcome::Valid(claims),
                Ok(false) => {
                    Outcome::Refused("the token's account has changed since it was issued")
                }
                Err(e) => Outcome::Unavailable(e.to_string()),
            },
        };
        req.extensions_mut().insert(outcome);
    }
    next.call(req).await
}

/// The claims authentication proved for `req`, or why there are none.
pub(crate) fn outcome(req: &HttpRequest) -> Result<Claims, ApiError> {
    match req.extensions().get::<Outcome>() {
        Some(Outcome::Valid(claims)) => Ok(claims.clone()),
        Some(Outcome::Refused(reason)) => Err(ApiError::Unauthorized(reason)),
        Some(Outcome::Unavailable(e)) => Err(ApiError::Internal(anyhow::anyhow!(
            "reading the token's account: {e}"
        ))),
        None => Err(ApiError::Internal(anyhow::anyhow!(
            "the authentication middleware is not installed"
        ))),
    }
}
