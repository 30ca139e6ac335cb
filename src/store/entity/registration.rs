//! The `registrations` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "registrations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub sitting_id: Uuid,
    pub candidate_id: Uuid,
    pub access_code_hash: String,
    pub created_at: DateTimeUtc,
    /// Raised by every sign-in; tokens of an earlier generation stop working once a session runs.
    pub token_generation: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::sitting::Entity",
        from = "Column::SittingId",
        to = "super::sitting::Column::Id"
    )]
    Sitting,
    #[sea_orm(
        belongs_to = "super::candidate::Entity",
        from = "Column::CandidateId",
        to = "super::candidate::Column::Id"
    )]
    Candidate,
}

impl ActiveModelBehavior for ActiveModel {}

impl Related<super::sitting::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Sitting.def()
    }
}
