//! What makes a whole upload (or an export) fail. An item that parses but cannot be imported is not an
//! error: it is a [`Skipped`](crate::Skipped) entry of the report.

/// A problem that stops an import (no item is imported) or an export.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QtiError {
    #[error("the upload is {size} bytes; at most {limit} are read")]
    PackageTooLarge { size: u64, limit: u64 },
    #[error("the package lists {count} entries; at most {limit} are allowed")]
    TooManyEntries { count: usize, limit: usize },
    #[error("{name}: decompresses to more than {limit} bytes")]
    EntryTooLarge { name: String, limit: u64 },
    #[error("the package decompresses to more than {limit} bytes")]
    TotalTooLarge { limit: u64 },
    #[error(
        "{path:?}: the path is absolute, climbs out with '..', uses backslashes or names another site"
    )]
    UnsafePath { path: String },
    #[error("not a readable zip archive: {0}")]
    Zip(String),
    #[error("the package has no imsmanifest.xml at its root")]
    NoManifest,
    #[error("{path}: named by the manifest but not in the package")]
    MissingFile { path: String },
    #[error("{file}: malformed XML: {message}")]
    Xml { file: String, message: String },
    #[error("{file}: elements nest deeper than {limit}")]
    TooDeep { file: String, limit: usize },
    #[error("neither a content package (zip) nor a QTI 3.0 item (qti-assessment-item): {0}")]
    NotQti(String),
    #[error("item {item}: names {path} but no file was given for it")]
    MissingMedia { item: String, path: String },
    #[error("writing the package failed: {0}")]
    Write(String),
}
