//! The Synaq schema, forward-only: a migration, once released, is never edited; a change is a new migration.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_initial;
mod m20261128_000002_calibration;
mod m20261128_000003_exposure;
mod m20261128_000004_adaptive;
mod m20261129_000001_answer_history;
mod m20261129_000002_account_state;
mod m20261201_000005_integrity;
mod m20261202_000006_media_plays;
mod m20261202_000007_authoring;
mod m20261202_000008_bank_revision;
mod m20261203_000009_candidate_search;
mod m20261203_000010_writing_not_live;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_initial::Migration),
            Box::new(m20261128_000002_calibration::Migration),
            Box::new(m20261128_000003_exposure::Migration),
            Box::new(m20261128_000004_adaptive::Migration),
            Box::new(m20261129_000001_answer_history::Migration),
            Box::new(m20261129_000002_account_state::Migration),
            Box::new(m20261201_000005_integrity::Migration),
            Box::new(m20261202_000006_media_plays::Migration),
            Box::new(m20261202_000007_authoring::Migration),
            Box::new(m20261202_000008_bank_revision::Migration),
            Box::new(m20261203_000009_candidate_search::Migration),
            Box::new(m20261203_000010_writing_not_live::Migration),
        ]
    }
}
