//! What authors do through the service: blueprints, and the item bank's whole lifecycle — items and
//! their versions, review and approval, media, previews, statistics, and the audit trail of it all.
//!
//! Every change is validated by the content rules of `item_bank` (the same ones the starter bank's
//! files pass), committed in one transaction with its audit record, and never touches a version a
//! candidate has seen (the database refuses that too).

pub mod audit;
pub mod blueprints;
pub mod files;
pub mod items;
pub mod lifecycle;
pub mod media;
pub mod qti;
pub mod statistics;

pub use blueprints::{get, list, save};

/// The audit id of an item version.
fn version_id(id: &str, version: u32) -> String {
    format!("{id}@{version}")
}
