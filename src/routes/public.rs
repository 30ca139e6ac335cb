//! Routes anyone may call: health, keys, signing in, and the public certificate check.

use actix_web::{HttpResponse, get, post, web};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::keys::Jwks;
use crate::error::{ApiError, Problem};
use crate::services::AppState;
use crate::services::access::ClientFacts;
use crate::services::accounts::{self, Grant};
use crate::services::certification::{self, CertificateView};

/// Credentials longer than this are refused before any hashing (argon2 would hash whatever it is given).
const MAX_CREDENTIAL_BYTES: usize = 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(healthz)
        .service(jwks)
        .service(token)
        .service(certificate_status);
}

/// Alive: the process and its database answer (whether to send it requests is `/readyz`).
#[utoipa::path(get, path = "/healthz", tag = "public", responses((status = 200, description = "alive")))]
#[get("/healthz")]
async fn healthz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state.db.ping().await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"status": "ok"})))
}

/// The public keys of tokens and certificates.
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "public", responses((status = 200, body = Jwks)))]
#[get("/.well-known/jwks.json")]
async fn jwks(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=300"))
        .json(state.keys.jwks())
}

#[derive(serde::Serialize, ToSchema)]
pub struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: i64,
}

/// Signs in staff (password), services (client credentials) or a candidate (access code).
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "public", request_body = Grant,
    responses((status = 200, body = TokenResponse), (status = 401, body = Problem), (status = 422, body = Problem),
        (status = 429, description = "too many failed sign-ins: rate_limited, with Retry-After", body = Problem),
        (status = 503, description = "too many sign-ins being checked: busy, with Retry-After", body = Problem)))]
#[post("/api/v1/auth/token")]
async fn token(
    state: web::Data<AppState>,
    facts: ClientFacts,
    body: web::Json<Grant>,
) -> Result<HttpResponse, ApiError> {
    let grant = body.into_inner();
    if grant.longest_field() > MAX_CREDENTIAL_BYTES {
        return Err(ApiError::InvalidCredentials);
    }
    grant.check_text()?;
    let issued = accounts::sign_in(&state, grant, &facts).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(TokenResponse {
            access_token: issued.access_token,
            token_type: "Bearer",
            expires_in: issued.expires_in,
        }))
}

/// A certificate's status, for anyone holding its id (the QR code on a printed certificate).
#[utoipa::path(get, path = "/api/v1/certificates/{certificate_id}", tag = "public",
    params(("certificate_id" = Uuid, Path, description = "the certificate")),
    responses((status = 200, body = CertificateView), (status = 404, body = Problem)))]
#[get("/api/v1/certificates/{certificate_id}")]
async fn certificate_status(
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(certification::status(&state, path.into_inner()).await?))
}
