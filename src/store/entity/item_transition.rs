//! The `item_transitions` table: an item version's status history, with who moved it, when and why.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "item_transitions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub item_id: String,
    pub item_version: i32,
    /// `None` when the version was created.
    pub from_status: Option<crate::store::status::ItemStatus>,
    pub to_status: crate::store::status::ItemStatus,
    /// The acting user's id.
    pub actor: String,
    pub comment: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
