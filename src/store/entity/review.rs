//! The `reviews` table: a held result waiting for, or decided by, a reviewer.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_id: Uuid,
    pub status: crate::store::status::ReviewState,
    pub opened_at: DateTimeUtc,
    pub decision: Option<crate::store::status::ReviewDecision>,
    pub reason: Option<String>,
    pub reviewer: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
    pub ban: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
