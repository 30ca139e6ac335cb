//! The `items` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i32,
    pub section: String,
    pub level: String,
    pub topic: String,
    pub item_type: String,
    pub status: crate::store::status::ItemStatus,
    pub body: Json,
    pub created_at: DateTimeUtc,
    /// The author who created the version (`None` for the starter bank's import).
    pub created_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
