//! The `certificates` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "certificates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub session_id: Uuid,
    pub level: crate::store::status::LevelReached,
    pub decision: crate::store::status::Decision,
    pub jws: String,
    pub issued_at: DateTimeUtc,
    pub valid_until: DateTimeUtc,
    pub status: crate::store::status::CertificateStatus,
    pub revoked_at: Option<DateTimeUtc>,
    pub revocation_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
