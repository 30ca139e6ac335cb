//! A search key per candidate, so that operators find a candidate by name typed in any alphabet, on any
//! keyboard, in any case: the key of each word of the full name (`item_bank::kazakh::search_key`),
//! written by the server with every change to the candidate and filled in at start-up for candidates
//! stored before this migration.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("candidates"))
                .add_column(string_null("name_key"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("candidates_created_at")
                .table(Alias::new("candidates"))
                .col(Alias::new("created_at"))
                .to_owned(),
        )
        .await
    }
}
