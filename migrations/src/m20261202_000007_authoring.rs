//! Authoring: the item lifecycle (`draft → review → approved → pretest | operational → retired`), each
//! item version's author and status history, and the append-only audit log with its hash chain.
//!
//! Two rules are the database's, not only the code's: a version that a candidate has seen (it is placed
//! on a session) never changes and is never deleted, and an audit record is never changed or deleted.
//! Both are triggers, written once per backend.

use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Items imported before the lifecycle were `active`: drawn onto forms, the pretest ones into pretest
/// slots only. They become `operational`, or `pretest` when their body says so.
fn remap_active(backend: DbBackend) -> String {
    let is_pretest = if backend == DbBackend::Postgres {
        "(body->>'pretest') = 'true'"
    } else {
        "json_extract(body, '$.pretest') = 1"
    };
    format!(
        "UPDATE items SET status = CASE WHEN {is_pretest} THEN 'pretest' ELSE 'operational' END \
         WHERE status = 'active'"
    )
}

const SQLITE_TRIGGERS: [&str; 4] = [
    "CREATE TRIGGER items_used_version_unchanged BEFORE UPDATE OF id, version, section, level, topic, \
     item_type, body ON items WHEN EXISTS (SELECT 1 FROM session_items WHERE item_id = OLD.id AND \
     item_version = OLD.version) BEGIN SELECT RAISE(ABORT, 'item version in use: it never changes'); END",
    "CREATE TRIGGER items_used_version_kept BEFORE DELETE ON items WHEN EXISTS (SELECT 1 FROM \
     session_items WHERE item_id = OLD.id AND item_version = OLD.version) BEGIN SELECT RAISE(ABORT, \
     'item version in use: it is never deleted'); END",
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, \
     'the audit log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, \
     'the audit log is append-only'); END",
];

const POSTGRES_TRIGGERS: [&str; 5] = [
    "CREATE FUNCTION synaq_item_version_in_use() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
     IF EXISTS (SELECT 1 FROM session_items WHERE item_id = OLD.id AND item_version = OLD.version) THEN \
     IF TG_OP = 'DELETE' OR (NEW.id, NEW.version, NEW.section, NEW.level, NEW.topic, NEW.item_type, \
     NEW.body::text) IS DISTINCT FROM (OLD.id, OLD.version, OLD.section, OLD.level, OLD.topic, \
     OLD.item_type, OLD.body::text) THEN RAISE EXCEPTION 'item version in use: it never changes'; \
     END IF; END IF; IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
    "CREATE TRIGGER items_used_version_unchanged BEFORE UPDATE OR DELETE ON items FOR EACH ROW \
     EXECUTE FUNCTION synaq_item_version_in_use()",
    "CREATE FUNCTION synaq_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
     RAISE EXCEPTION 'the audit log is append-only'; END $$",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW \
     EXECUTE FUNCTION synaq_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT \
     EXECUTE FUNCTION synaq_append_only()",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let backend = db.get_database_backend();
        db.execute_raw(Statement::from_string(backend, remap_active(backend)))
            .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("items"))
                .add_column(string_null("created_by"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("item_transitions")
                .col(uuid("id").primary_key())
                .col(string("item_id"))
                .col(integer("item_version"))
                .col(string_null("from_status"))
                .col(string("to_status"))
                .col(string("actor"))
                .col(text("comment"))
                .col(timestamp_with_time_zone("at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("item_transitions_item")
                .table("item_transitions")
                .col("item_id")
                .col("at")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("audit_log")
                .col(big_integer("seq").primary_key())
                .col(timestamp_with_time_zone("at"))
                .col(string("actor"))
                .col(string("action"))
                .col(string("entity"))
                .col(string("entity_id"))
                .col(string_null("before_digest"))
                .col(string_null("after_digest"))
                .col(string("prev_hash"))
                .col(string("hash"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("audit_log_entity")
                .table("audit_log")
                .col("entity")
                .col("entity_id")
                .to_owned(),
        )
        .await?;
        let triggers: &[&str] = if backend == DbBackend::Postgres {
            &POSTGRES_TRIGGERS
        } else {
            &SQLITE_TRIGGERS
        };
        for sql in triggers {
            db.execute_raw(Statement::from_string(backend, *sql))
                .await?;
        }
        Ok(())
    }
}
