//! Answer history by position: the index that serves the latest answer at each position of a session and
//! the pruning of a position's oldest answers beyond the number kept.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("response_events_position_latest")
                .table("response_events")
                .col("session_id")
                .col("position")
                .col("received_at")
                .col("id")
                .to_owned(),
        )
        .await
    }
}
