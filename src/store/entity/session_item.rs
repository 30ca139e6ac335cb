//! The `session_items` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "session_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i32,
    pub section_idx: i32,
    pub item_id: String,
    pub item_version: i32,
    pub item_type: String,
    pub option_order: Json,
    /// Placed to collect responses for calibration; counts for nothing in the score.
    pub pretest: bool,
    /// Chosen adaptively: its answer is final once the next item is chosen.
    pub adaptive: bool,
    /// How often the candidate has played the item's recording (see `store::delivery::take_play`).
    pub plays: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::session::Entity",
        from = "Column::SessionId",
        to = "super::session::Column::Id"
    )]
    Session,
}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The item version placed here.
    pub fn key(&self) -> crate::store::ItemKey {
        (self.item_id.clone(), self.item_version)
    }

    /// The item's option ids in the order this candidate sees them (empty for a text item). A stored
    /// order that does not parse is a broken row and reads as no options.
    pub fn option_order(&self) -> Vec<String> {
        serde_json::from_value(self.option_order.clone()).unwrap_or_default()
    }
}

impl Related<super::session::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Session.def()
    }
}
