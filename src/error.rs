//! One error type for every route, rendered as `application/problem+json` with a stable `code` that a page
//! can translate (kk, ru, en).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

/// Everything a request can fail with. The `code` of each is part of the contract.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    Validation(String),
    #[error("sign-in required: {0}")]
    Unauthorized(&'static str),
    #[error("the credentials are not valid")]
    InvalidCredentials,
    #[error("this role may not do that")]
    Forbidden,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(&'static str, String),
    #[error("the section's time is over")]
    DeadlinePassed,
    #[error("{0}")]
    OutsideWindow(String),
    #[error("the request body is too large")]
    PayloadTooLarge,
    #[error("the server is busy; try again in a few seconds")]
    Busy,
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// The problem document (RFC 9457) every error is sent as.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable, machine-readable: `validation_failed`, `unauthorized`, `forbidden`, `not_found`,
    /// `deadline_passed`, `conflict`, … .
    pub code: String,
}

impl ApiError {
    /// The stable machine-readable code.
    pub fn code(&self) -> &str {
        match self {
            ApiError::Validation(_) => "validation_failed",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::InvalidCredentials => "invalid_credentials",
            ApiError::Forbidden => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::Conflict(code, _) => code,
            ApiError::DeadlinePassed => "deadline_passed",
            ApiError::OutsideWindow(_) => "outside_sitting_window",
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::Busy => "busy",
            ApiError::Internal(_) => "internal",
        }
    }

    /// A conflict with a state the resource is in.
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError::Conflict(code, detail.into())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized(_) | ApiError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(..) | ApiError::DeadlinePassed | ApiError::OutsideWindow(_) => {
                StatusCode::CONFLICT
            }
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if let ApiError::Internal(e) = self {
            tracing::error!(error = %format!("{e:#}"), "request failed");
        }
        let problem = Problem {
            kind: format!("https://synaq.kz/problems/{}", self.code()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: self.to_string(),
            code: self.code().to_owned(),
        };
        let mut response = HttpResponse::build(status);
        if matches!(self, ApiError::Busy) {
            response.insert_header(("Retry-After", "5"));
        }
        response
            .content_type("application/problem+json")
            .json(problem)
    }
}

impl From<crate::store::StoreError> for ApiError {
    /// A unique-key violation is a concurrent request that made the same change first: a conflict, not a
    /// server fault.
    fn from(e: crate::store::StoreError) -> Self {
        if crate::store::is_unique_violation(&e) {
            ApiError::conflict(
                "conflict",
                "a concurrent request made the same change first",
            )
        } else {
            ApiError::Internal(e.into())
        }
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        ApiError::Internal(e)
    }
}

/// Turns body and query parse failures into `validation_failed` problems.
pub fn json_config() -> actix_web::web::JsonConfig {
    actix_web::web::JsonConfig::default()
        .limit(64 * 1024)
        .error_handler(|err, _| {
            let e = match &err {
                actix_web::error::JsonPayloadError::Overflow { .. }
                | actix_web::error::JsonPayloadError::OverflowKnownLength { .. } => {
                    ApiError::PayloadTooLarge
                }
                other => ApiError::Validation(other.to_string()),
            };
            e.into()
        })
}

/// Turns query-string parse failures into `validation_failed` problems.
pub fn query_config() -> actix_web::web::QueryConfig {
    actix_web::web::QueryConfig::default()
        .error_handler(|err, _| ApiError::Validation(err.to_string()).into())
}

/// Turns path parse failures (a malformed id) into `not_found` problems.
pub fn path_config() -> actix_web::web::PathConfig {
    actix_web::web::PathConfig::default()
        .error_handler(|_, _| ApiError::NotFound("resource").into())
}
