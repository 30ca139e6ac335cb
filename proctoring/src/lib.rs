//! Integrity events, the anti-fraud policy and forensic statistics.

pub mod events;
pub mod forensics;
pub mod policy;
