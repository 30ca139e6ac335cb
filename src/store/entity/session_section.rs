//! The `session_sections` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "session_sections")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub idx: i32,
    pub section_id: String,
    pub status: crate::store::status::SectionStatus,
    pub time_limit_seconds: i32,
    pub opened_at: Option<DateTimeUtc>,
    pub deadline: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    /// Items are chosen one at a time (see `services::adaptive`).
    pub adaptive: bool,
    /// The position of the section's first item.
    pub first_position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
