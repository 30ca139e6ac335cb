//! Access tokens: EdDSA JWTs with a `kid`, checked for algorithm (pinned), issuer, audience and expiry.

use chrono::Utc;
use jsonwebtoken::{Algorithm, Header, Validation};
use serde::{Deserialize, Serialize};

use super::{KeyRing, Role};

/// The audience of access tokens; certificates carry none, so one can never pass for the other.
pub const AUDIENCE: &str = "synaq-api";

/// What an access token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// A user's or client's id, or a candidate's registration id.
    pub sub: String,
    pub role: Role,
    pub iat: i64,
    pub exp: i64,
    /// The account's token version when the token was issued (staff and services; 0 for candidates and
    /// for tokens issued before versions existed). A token whose version is not the account's current one
    /// is refused.
    #[serde(default)]
    pub ver: i64,
    /// A candidate token's sign-in generation: a session accepts only its latest (see
    /// `services::access`). Zero for staff and services.
    #[serde(default, rename = "gen", skip_serializing_if = "is_zero")]
    pub generation: i32,
}

fn is_zero(n: &i32) -> bool {
    *n == 0
}

/// Signs an access token for `sub` in `role` at the account's token version `ver`, valid for
/// `ttl_seconds`.
pub fn issue(
    keys: &KeyRing,
    issuer: &str,
    sub: &str,
    role: Role,
    ver: i64,
    ttl_seconds: i64,
    generation: i32,
) -> anyhow::Result<String> {
    let now = Utc::now().timestamp();
    let claims = Claims {
        iss: issuer.to_owned(),
        aud: AUDIENCE.to_owned(),
        sub: sub.to_owned(),
        role,
        iat: now,
        exp: now + ttl_seconds,
        ver,
        generation,
    };
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(keys.kid().to_owned());
    Ok(jsonwebtoken::encode(&header, &claims, keys.encoding_key())?)
}

/// Why a token was refused (the reason is logged, never sent).
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("malformed token")]
    Malformed,
    #[error("unknown key")]
    UnknownKey,
    #[error("invalid token: {0}")]
    Invalid(#[from] jsonwebtoken::errors::Error),
}

/// The clock skew between instances a token's expiry allows.
pub const LEEWAY_SECONDS: i64 = 30;

/// Verifies a token: EdDSA only, a known `kid`, our issuer and audience, not expired (no leeway beyond
/// [`LEEWAY_SECONDS`] of clock skew between instances).
pub fn verify(keys: &KeyRing, issuer: &str, token: &str) -> Result<Claims, TokenError> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Malformed)?;
    if header.alg != Algorithm::EdDSA {
        return Err(TokenError::Malformed);
    }
    let kid = header.kid.ok_or(TokenError::Malformed)?;
    let key = keys.decoding_key(&kid).ok_or(TokenError::UnknownKey)?;
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[AUDIENCE]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = LEEWAY_SECONDS as u64;
    Ok(jsonwebtoken::decode::<Claims>(token, &key, &validation)?.claims)
}
