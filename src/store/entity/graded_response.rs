//! The `graded_responses` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "graded_responses")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i32,
    pub response_event_id: Option<Uuid>,
    pub credit: f64,
    pub correct: bool,
    pub detail: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::session_item::Entity",
        from = "(Column::SessionId, Column::Position)",
        to = "(super::session_item::Column::SessionId, super::session_item::Column::Position)"
    )]
    SessionItem,
}

impl Related<super::session_item::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SessionItem.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
