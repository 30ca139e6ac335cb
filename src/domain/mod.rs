//! Parse-don't-validate types for what people type at the edge. A value of one of these types is valid by
//! construction; a [`DomainError`] says what is wrong in words an operator can act on, and knows nothing
//! of HTTP (the API turns it into a `validation_failed` problem).

mod citizenship;
mod document_number;
mod full_name;
mod idempotency_key;
mod reason;
pub mod schema;
mod sitting_window;
pub mod text;
pub mod whole_number;

pub use citizenship::Citizenship;
pub use document_number::DocumentNumber;
pub use full_name::FullName;
pub use idempotency_key::IdempotencyKey;
pub use reason::Reason;
pub use sitting_window::SittingWindow;

/// Why a value typed at the edge is refused. The message is for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DomainError(pub(crate) String);

impl DomainError {
    pub(crate) fn new(message: impl Into<String>) -> DomainError {
        DomainError(message.into())
    }
}

impl From<DomainError> for crate::error::ApiError {
    fn from(e: DomainError) -> Self {
        crate::error::ApiError::Validation(e.0)
    }
}
