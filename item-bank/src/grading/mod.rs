//! Scoring one response of each item type.

pub mod text;
