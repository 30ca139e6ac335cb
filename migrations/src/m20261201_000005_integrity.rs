//! Supervised sittings: access rules and assigned proctors, session states beyond in-progress/finished,
//! integrity events, flags, proctor actions, reviews of held results, and bans.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Adds one column (SQLite alters one column per statement).
async fn add(m: &SchemaManager<'_>, table: &str, column: &mut ColumnDef) -> Result<(), DbErr> {
    m.alter_table(
        Table::alter()
            .table(Alias::new(table))
            .add_column(column.take())
            .to_owned(),
    )
    .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        add(m, "sittings", &mut json_binary_null("access")).await?;
        add(
            m,
            "sittings",
            &mut timestamp_with_time_zone_null("forensics_at"),
        )
        .await?;
        add(
            m,
            "sessions",
            &mut timestamp_with_time_zone_null("paused_at"),
        )
        .await?;
        add(
            m,
            "sessions",
            &mut timestamp_with_time_zone_null("authorized_at"),
        )
        .await?;
        add(m, "sessions", &mut string_null("client_ip")).await?;
        add(m, "sessions", &mut string_null("user_agent")).await?;
        add(m, "sessions", integer("token_generation").default(0)).await?;
        add(m, "registrations", integer("token_generation").default(0)).await?;
        add(
            m,
            "response_events",
            &mut integer_null("client_time_on_item_ms"),
        )
        .await?;
        add(m, "results", string("review_status").default("none")).await?;

        m.create_table(
            Table::create()
                .table("integrity_events")
                .col(pk_uuid("id"))
                .col(uuid("registration_id"))
                .col(uuid_null("session_id"))
                .col(string("event_type"))
                .col(string("source"))
                .col(timestamp_with_time_zone("at"))
                .col(timestamp_with_time_zone("received_at"))
                .col(string_null("section"))
                .col(json_binary_null("detail"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("integrity_events_by_registration")
                .table("integrity_events")
                .col("registration_id")
                .col("at")
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("proctor_actions")
                .col(pk_uuid("id"))
                .col(uuid("session_id"))
                .col(string("action"))
                .col(string("actor"))
                .col(text("reason"))
                .col(integer_null("seconds"))
                .col(string_null("scope"))
                .col(timestamp_with_time_zone("at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("proctor_actions_by_session")
                .table("proctor_actions")
                .col("session_id")
                .col("at")
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("flags")
                .col(uuid("session_id"))
                .col(string("rule"))
                .col(string("severity"))
                .col(string("source"))
                .col(timestamp_with_time_zone("first_at"))
                .col(integer("count"))
                .col(json_binary_null("detail"))
                .col(timestamp_with_time_zone("raised_at"))
                .primary_key(Index::create().col("session_id").col("rule"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("reviews")
                .col(uuid("session_id").primary_key())
                .col(string("status"))
                .col(timestamp_with_time_zone("opened_at"))
                .col(string_null("decision"))
                .col(text_null("reason"))
                .col(string_null("reviewer"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(boolean("ban").default(false))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("bans")
                .col(pk_uuid("id"))
                .col(uuid("candidate_id"))
                .col(uuid("session_id"))
                .col(timestamp_with_time_zone("until"))
                .col(text("reason"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("bans_by_candidate")
                .table("bans")
                .col("candidate_id")
                .col("until")
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
