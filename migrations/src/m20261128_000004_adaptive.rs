//! Adaptive sections: their items are chosen one at a time while the candidate answers.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("session_sections")
                .add_column(boolean("adaptive").default(false))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("session_sections")
                .add_column(integer("first_position").default(0))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("session_items")
                .add_column(boolean("adaptive").default(false))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
