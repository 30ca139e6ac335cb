//! The bank's revision: one number that every change to the live bank raises — an item version added,
//! changed (its status, above all) or removed, and any change to item parameters. Delivery keeps the live
//! bank in memory and reads only this number before each draw; another number means read the bank again.
//! Triggers keep it, written once per backend, so no code path can change the bank without raising it.

use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const BUMP: &str = "UPDATE bank_revision SET n = n + 1 WHERE id = 1";

fn sqlite_triggers() -> Vec<String> {
    let mut out = Vec::new();
    for table in ["items", "item_params"] {
        for event in ["INSERT", "UPDATE", "DELETE"] {
            out.push(format!(
                "CREATE TRIGGER bank_revision_{table}_{} AFTER {event} ON {table} BEGIN {BUMP}; END",
                event.to_lowercase()
            ));
        }
    }
    out
}

fn postgres_triggers() -> Vec<String> {
    let mut out = vec![format!(
        "CREATE FUNCTION synaq_bank_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
         {BUMP}; RETURN NULL; END $$"
    )];
    for table in ["items", "item_params"] {
        out.push(format!(
            "CREATE TRIGGER bank_revision_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} \
             FOR EACH STATEMENT EXECUTE FUNCTION synaq_bank_changed()"
        ));
    }
    out
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let backend = db.get_database_backend();
        m.create_table(
            Table::create()
                .table("bank_revision")
                .col(integer("id").primary_key())
                .col(big_integer("n"))
                .to_owned(),
        )
        .await?;
        db.execute_raw(Statement::from_string(
            backend,
            "INSERT INTO bank_revision (id, n) VALUES (1, 0)",
        ))
        .await?;
        let triggers = if backend == DbBackend::Postgres {
            postgres_triggers()
        } else {
            sqlite_triggers()
        };
        for sql in triggers {
            db.execute_raw(Statement::from_string(backend, sql)).await?;
        }
        Ok(())
    }
}
