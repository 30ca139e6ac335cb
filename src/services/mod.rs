//! The flows that span the item bank and the store. Handlers call exactly one function here.

pub mod access;
pub mod access_rules;
pub mod accounts;
pub mod adaptive;
pub mod authoring;
pub mod blueprint_cache;
pub mod bootstrap;
pub mod calibration;
pub mod certification;
pub mod delivery;
pub mod exposure;
pub mod forensics;
pub mod health;
pub mod integrity;
pub mod items;
pub mod placements;
pub mod rate_limit;
pub mod registration;
pub mod reviews;
pub mod saving;
pub mod scoring;
pub mod sitting_results;
pub mod supervision;
pub mod sweeper;
pub mod write_lane;

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
    /// Where the write transactions of many statements run ([`write_lane`]).
    pub write_lane: write_lane::WriteLane,
    /// The per-session limit of saves (the first line; the store bounds the history).
    pub save_rate: Arc<rate_limit::SessionLimiter>,
    /// The bounded lanes of argon2 work (see [`crate::auth::hashing`]).
    pub hashing: Arc<crate::auth::hashing::HashPool>,
    /// Failed sign-ins (see [`crate::auth::throttle`]).
    pub throttle: Arc<crate::auth::throttle::Throttle>,
    /// Parsed item versions.
    pub items: Arc<items::ItemCache>,
    pub keys: Arc<KeyRing>,
    /// The anti-fraud policy (the built-in one, or the centre's `policy_file`).
    pub policy: Arc<::proctoring::policy::Policy>,
    /// What never changes about each registration (sitting, candidate, access rules).
    pub admissions: Arc<access::AdmissionCache>,
    /// This instance's exposure counts, written every second ([`exposure`]).
    pub exposure: Arc<exposure::ExposureCounter>,
    /// What saves read of each placed item.
    pub placements: Arc<placements::PlacementCache>,
    /// Parsed blueprint versions.
    pub blueprints: Arc<blueprint_cache::BlueprintCache>,
    /// The per-session limit of integrity events ([`integrity::EVENT_RATE`]).
    pub event_rate: Arc<rate_limit::SessionLimiter>,
    /// What `/metrics` reports.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// The process's stop, watched by the listeners, the sweeper and `/readyz`.
    pub shutdown: crate::shutdown::Shutdown,
}

impl AppState {
    /// Refuses new work with `503 busy` (and `Retry-After`) while the write queue is nearly full, so
    /// that an overloaded server answers at once instead of letting requests wait until clients give up.
    pub fn refuse_when_saturated(&self) -> Result<(), crate::error::ApiError> {
        if self.saves.is_saturated() {
            return Err(crate::error::ApiError::Busy);
        }
        Ok(())
    }
}
