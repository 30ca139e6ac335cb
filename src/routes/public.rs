//! Routes anyone may call: health, keys, signing in, and the public certificate check.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::keys::Jwks;
use crate::error::{ApiError, Problem};
use crate::services::AppState;
use crate::services::accounts::{self, Grant};
use crate::services::certification::{self, CertificateStatus};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(healthz)
        .service(jwks)
        .service(token)
        .service(certificate_status);
}

/// Ready: the database answers.
#[utoipa::path(get, path = "/healthz", tag = "public", responses((status = 200, description = "ready")))]
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

/// A sign-in request; `grant_type` chooses which other fields it needs.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "grant_type", rename_all = "snake_case", deny_unknown_fields)]
pub enum TokenRequest {
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

#[derive(serde::Serialize, ToSchema)]
pub struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: i64,
}

/// Signs in staff (password), services (client credentials) or a candidate (access code).
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "public", request_body = TokenRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/auth/token")]
async fn token(
    state: web::Data<AppState>,
    body: web::Json<TokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let too_long = |s: &str| s.len() > 1024;
    let grant = match body.into_inner() {
        TokenRequest::Password { username, password } => {
            if too_long(&username) || too_long(&password) {
                return Err(ApiError::InvalidCredentials);
            }
            Grant::Password { username, password }
        }
        TokenRequest::ClientCredentials {
            client_id,
            client_secret,
        } => {
            if too_long(&client_id) || too_long(&client_secret) {
                return Err(ApiError::InvalidCredentials);
            }
            Grant::ClientCredentials {
                client_id,
                client_secret,
            }
        }
        TokenRequest::AccessCode {
            registration_id,
            access_code,
        } => {
            if too_long(&access_code) {
                return Err(ApiError::InvalidCredentials);
            }
            Grant::AccessCode {
                registration_id,
                access_code,
            }
        }
    };
    let issued = accounts::sign_in(&state, grant).await?;
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
    responses((status = 200, body = CertificateStatus), (status = 404, body = Problem)))]
#[get("/api/v1/certificates/{certificate_id}")]
async fn certificate_status(
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(certification::status(&state, path.into_inner()).await?))
}
