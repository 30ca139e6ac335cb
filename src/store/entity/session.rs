//! The `sessions` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub registration_id: Uuid,
    pub seed: i64,
    pub status: crate::store::status::SessionStatus,
    pub current_section: i32,
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    /// Set while the session is paused by a proctor: the clock stopped then.
    pub paused_at: Option<DateTimeUtc>,
    /// When a proctor let the clock start (sittings that require it).
    pub authorized_at: Option<DateTimeUtc>,
    /// The address and browser the session was last seen from (a change is an integrity signal).
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
    /// The candidate tokens this session accepts: a sign-in while the session runs raises it, so the
    /// earlier tokens stop working.
    pub token_generation: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::registration::Entity",
        from = "Column::RegistrationId",
        to = "super::registration::Column::Id"
    )]
    Registration,
}

impl ActiveModelBehavior for ActiveModel {}

impl Related<super::registration::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Registration.def()
    }
}
