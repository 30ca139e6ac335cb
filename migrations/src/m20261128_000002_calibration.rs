//! Item parameters apart from item content, calibration runs, and pretest placements.
//!
//! An item version's content never changes; its IRT parameters do, when an author applies a calibration
//! run. They live in `item_params`, with their status and the run that produced them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("calibration_runs")
                .col(pk_uuid("id"))
                .col(string("model"))
                .col(big_integer("n_persons"))
                .col(integer("n_items"))
                .col(double("log_likelihood"))
                .col(integer("iterations"))
                .col(boolean("converged"))
                .col(json_binary("estimates"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("applied_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("item_params")
                .col(string("item_id"))
                .col(integer("item_version"))
                .col(json_binary("params"))
                .col(string("status"))
                .col(uuid_null("calibration_run_id"))
                .col(timestamp_with_time_zone("updated_at"))
                .primary_key(Index::create().col("item_id").col("item_version"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("session_items")
                .add_column(boolean("pretest").default(false))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
