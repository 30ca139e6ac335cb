//! Exposure counts: how many forms of each blueprint were drawn, and how many of them held each item. The
//! assembler turns them into rates and keeps every item under the blueprint's exposure cap.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("blueprint_forms")
                .col(string("blueprint_id").primary_key())
                .col(big_integer("forms"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("item_exposure")
                .col(string("blueprint_id"))
                .col(string("item_id"))
                .col(big_integer("forms"))
                .primary_key(Index::create().col("blueprint_id").col("item_id"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
