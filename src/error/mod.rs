//! One error type for every route, rendered as `application/problem+json` with a stable `code` that a page
//! can translate (kk, ru, en).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

mod codes;
mod fallback;

pub use codes::ErrorCode;
pub use fallback::problems;

/// Everything a request can fail with. Each carries an [`ErrorCode`], which decides the status.
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
    /// A state the resource is in forbids the request; the code says which.
    #[error("{1}")]
    Conflict(ErrorCode, String),
    #[error("the request body is too large")]
    PayloadTooLarge,
    /// The path takes only the methods listed (the `Allow` header).
    #[error("this path takes only {0}")]
    MethodNotAllowed(String),
    #[error("the server is busy; try again in a few seconds")]
    Busy,
    /// Too many requests; the duration is how long until the next is accepted (`Retry-After`).
    #[error("too many requests; try again in {} s", retry_after_seconds(.0))]
    RateLimited(std::time::Duration),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
    /// An error status that no handler produced (see [`problems`]), with its code's English message.
    #[error("{}", .0.message(crate::lang::Lang::En))]
    Status(ErrorCode),
}

/// The problem document (RFC 9457) every error is sent as.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable and machine-readable; see [`ErrorCode`] for every value.
    pub code: ErrorCode,
}

impl ApiError {
    /// The stable machine-readable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::Validation(_) => ErrorCode::ValidationFailed,
            ApiError::Unauthorized(_) => ErrorCode::Unauthorized,
            ApiError::InvalidCredentials => ErrorCode::InvalidCredentials,
            ApiError::Forbidden => ErrorCode::Forbidden,
            ApiError::NotFound(_) => ErrorCode::NotFound,
            ApiError::Conflict(code, _) => *code,
            ApiError::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            ApiError::MethodNotAllowed(_) => ErrorCode::MethodNotAllowed,
            ApiError::Busy => ErrorCode::Busy,
            ApiError::RateLimited(_) => ErrorCode::RateLimited,
            ApiError::Internal(_) => ErrorCode::Internal,
            ApiError::Status(code) => *code,
        }
    }

    /// A conflict with a state the resource is in.
    pub fn conflict(code: ErrorCode, detail: impl Into<String>) -> ApiError {
        ApiError::Conflict(code, detail.into())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.code().status()
    }

    fn error_response(&self) -> HttpResponse {
        let code = self.code();
        if let ApiError::Internal(e) = self {
            tracing::error!(error = %format!("{e:#}"), "request failed");
        }
        let problem = Problem {
            kind: format!("https://synaq.kz/problems/{code}"),
            title: code.title().to_owned(),
            status: code.status().as_u16(),
            detail: self.to_string(),
            code,
        };
        let mut response = HttpResponse::build(code.status());
        match self {
            ApiError::Busy => {
                response.insert_header(("Retry-After", "1"));
            }
            ApiError::RateLimited(wait) => {
                response.insert_header(("Retry-After", retry_after_seconds(wait).to_string()));
            }
            ApiError::MethodNotAllowed(allow) => {
                response.insert_header(("Allow", allow.as_str()));
            }
            _ => {}
        }
        response
            .content_type("application/problem+json")
            .json(problem)
    }
}

/// A wait in whole seconds for `Retry-After`: rounded up, at least 1.
fn retry_after_seconds(wait: &std::time::Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

impl From<crate::store::StoreError> for ApiError {
    /// A unique-key violation is a concurrent request that made the same change first: a conflict, not a
    /// server fault.
    fn from(e: crate::store::StoreError) -> Self {
        if crate::store::is_unique_violation(&e) {
            ApiError::conflict(
                ErrorCode::Conflict,
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

/// The largest body a route reads, JSON or raw.
const BODY_LIMIT: usize = 64 * 1024;

/// Bounds raw bodies (`web::Bytes`); one over the limit is a `payload_too_large` problem (see
/// [`problems`]).
pub fn payload_config() -> actix_web::web::PayloadConfig {
    actix_web::web::PayloadConfig::new(BODY_LIMIT)
}

/// Turns body and query parse failures into `validation_failed` problems.
pub fn json_config() -> actix_web::web::JsonConfig {
    actix_web::web::JsonConfig::default()
        .limit(BODY_LIMIT)
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

#[cfg(test)]
mod tests {
    use actix_web::body::to_bytes;

    use super::*;

    async fn problem(
        e: ApiError,
    ) -> (
        StatusCode,
        actix_web::http::header::HeaderMap,
        serde_json::Value,
    ) {
        let response = e.error_response();
        let (status, headers) = (response.status(), response.headers().clone());
        let body = to_bytes(response.into_body()).await.unwrap();
        (status, headers, serde_json::from_slice(&body).unwrap())
    }

    #[actix_web::test]
    async fn a_conflict_says_its_message_and_carries_its_code() {
        let (status, _, body) = problem(ApiError::conflict(
            ErrorCode::SessionFinished,
            "the session is finished",
        ))
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(body["detail"], "the session is finished");
        assert_eq!(body["code"], "session_finished");
        assert_eq!(body["title"], "Session finished");
    }

    #[actix_web::test]
    async fn a_rate_limit_says_when_to_retry_in_whole_seconds() {
        for (wait_ms, header) in [(1200, "2"), (10, "1"), (900_000, "900")] {
            let (status, headers, body) = problem(ApiError::RateLimited(
                std::time::Duration::from_millis(wait_ms),
            ))
            .await;
            assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(headers.get("retry-after").unwrap(), header);
            assert_eq!(body["code"], "rate_limited");
        }
    }
}
