//! The `candidates` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "candidates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub full_name: String,
    #[sea_orm(unique)]
    pub document_number: String,
    pub birth_date: Option<Date>,
    pub citizenship: Option<String>,
    pub created_at: DateTimeUtc,
    /// The full name as it is searched (each word's `item_bank::kazakh::search_key`, space-separated).
    pub name_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
