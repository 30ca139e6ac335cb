//! The `integrity_events` table: what the candidate's browser reported and what the server saw.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "integrity_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub registration_id: Uuid,
    /// Absent for a refusal before the session started.
    pub session_id: Option<Uuid>,
    pub event_type: String,
    pub source: crate::store::status::EventSource,
    /// When it happened: the client's clock for client events, the server's for its own.
    pub at: DateTimeUtc,
    pub received_at: DateTimeUtc,
    /// The section open when it was received.
    pub section: Option<String>,
    pub detail: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
