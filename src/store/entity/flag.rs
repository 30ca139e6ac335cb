//! The `flags` table: what the policy, a proctor's report or the forensics raised on a session.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "flags")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub rule: String,
    pub severity: crate::store::status::Severity,
    pub source: crate::store::status::FlagSource,
    pub first_at: DateTimeUtc,
    pub count: i32,
    pub detail: Option<Json>,
    pub raised_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
