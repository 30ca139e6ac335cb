//! The `sittings` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sittings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub blueprint_id: String,
    pub blueprint_version: i32,
    pub mode: crate::store::status::SittingMode,
    pub opens_at: DateTimeUtc,
    pub closes_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    /// The access rules ([`crate::services::access_rules::AccessRules`] as JSON); none when absent.
    pub access: Option<Json>,
    /// When the post-test forensics of the closed sitting last ran.
    pub forensics_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
