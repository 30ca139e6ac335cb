//! The `results` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "results")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_id: Uuid,
    pub sections: Json,
    pub level: crate::store::status::LevelReached,
    pub decision: crate::store::status::Decision,
    pub graded_at: DateTimeUtc,
    /// Whether the result waits for a reviewer, and what they decided.
    pub review_status: crate::store::status::ReviewStatus,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
