//! The plays of each listening item's recording, counted by the server: a column on the placed item,
//! raised by one conditional update per play so that the limit holds across reloads, computers and
//! instances.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("session_items"))
                .add_column(integer("plays").default(0))
                .to_owned(),
        )
        .await
    }
}
