//! The flows that span the item bank and the store. Handlers call exactly one function here.

pub mod access;
pub mod accounts;
pub mod adaptive;
pub mod authoring;
pub mod bootstrap;
pub mod calibration;
pub mod certification;
pub mod delivery;
pub mod items;
pub mod registration;
pub mod save_rate;
pub mod scoring;
pub mod sweeper;

use std::sync::Arc;

use crate::auth::KeyRing;
use crate::config::Settings;
use crate::store::{ReadDb, WriteDb};

/// What every request and background job shares: the database, the settings and the keys.
#[derive(Clone)]
pub struct AppState {
    /// For queries.
    pub db: ReadDb,
    /// For every statement that changes data (see [`crate::store::Pools`]).
    pub writer: WriteDb,
    pub settings: Arc<Settings>,
    /// Where answer saves are committed.
    pub saves: crate::store::save_queue::SaveQueue,
    /// The per-session limit of saves (the first line; the store bounds the history).
    pub save_rate: Arc<save_rate::SaveLimiter>,
    /// The bounded lanes of argon2 work (see [`crate::auth::hashing`]).
    pub hashing: Arc<crate::auth::hashing::HashPool>,
    /// Failed sign-ins (see [`crate::auth::throttle`]).
    pub throttle: Arc<crate::auth::throttle::Throttle>,
    /// Parsed item versions.
    pub items: Arc<items::ItemCache>,
    pub keys: Arc<KeyRing>,
}
