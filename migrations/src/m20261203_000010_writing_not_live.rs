//! Writing items never go live: the database refuses an item version of type `writing` in `pretest` or
//! `operational`, whichever code path writes it, until the service can rate writing.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

const LIVE_WRITING: &str = "NEW.item_type = 'writing' AND NEW.status IN ('pretest', 'operational')";
const MESSAGE: &str = "a writing item cannot go live: the service has no rating yet";

fn sqlite_triggers() -> Vec<String> {
    ["INSERT", "UPDATE"]
        .iter()
        .map(|event| {
            format!(
                "CREATE TRIGGER items_writing_not_live_{} BEFORE {event} ON items WHEN {LIVE_WRITING} \
                 BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
                event.to_lowercase()
            )
        })
        .collect()
}

fn postgres_triggers() -> Vec<String> {
    vec![
        format!(
            "CREATE FUNCTION synaq_writing_not_live() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             IF {LIVE_WRITING} THEN RAISE EXCEPTION '{MESSAGE}'; END IF; RETURN NEW; END $$"
        ),
        "CREATE TRIGGER items_writing_not_live BEFORE INSERT OR UPDATE ON items FOR EACH ROW \
         EXECUTE FUNCTION synaq_writing_not_live()"
            .to_owned(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let backend = db.get_database_backend();
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
