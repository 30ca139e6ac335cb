//! The state of staff and service accounts that their tokens are checked against: a token version,
//! raised by every change that must end the tokens issued before it (a new role, disabling), and when the
//! account was disabled.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["users", "api_clients"] {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .add_column(big_integer("token_version").default(0))
                    .to_owned(),
            )
            .await?;
            m.alter_table(
                Table::alter()
                    .table(table)
                    .add_column(timestamp_with_time_zone_null("disabled_at"))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
