//! What can make a bank unusable.

/// A problem that makes an item unusable; each names the item.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BankError {
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
    #[error("item {id}: {message}")]
    Invalid { id: String, message: String },
    #[error("item {0} appears twice")]
    Duplicate(String),
    #[error("{path}: {message}")]
    Io { path: String, message: String },
}
