//! The `proctor_actions` table: every action a proctor took on a session, with who, when and why.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "proctor_actions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub session_id: Uuid,
    pub action: crate::store::status::ProctorAction,
    /// The acting user's id.
    pub actor: String,
    pub reason: String,
    pub seconds: Option<i32>,
    pub scope: Option<String>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
