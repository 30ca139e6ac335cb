//! The `feed_events` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "feed_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i64,
    pub certificate_id: Uuid,
    pub event_type: crate::store::status::FeedEventType,
    pub issued_at: DateTimeUtc,
    pub jws: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
