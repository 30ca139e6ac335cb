//! Public halves of the signing keys.

use sea_orm::{EntityTrait, QueryOrder, Set};

use super::entity::signing_key;

/// Records a public key; recording it again changes nothing.
pub async fn record(
    db: &impl super::Writer,
    kid: &str,
    public: &[u8],
) -> Result<(), sea_orm::DbErr> {
    let row = signing_key::ActiveModel {
        kid: Set(kid.to_owned()),
        public_key: Set(public.to_vec()),
        created_at: Set(super::now()),
    };
    signing_key::Entity::insert(row)
        .on_conflict_do_nothing_on([signing_key::Column::Kid])
        .exec(db)
        .await?;
    Ok(())
}

/// Every key id and public key, oldest first.
pub async fn all(db: &impl super::Connection) -> Result<Vec<(String, Vec<u8>)>, sea_orm::DbErr> {
    Ok(signing_key::Entity::find()
        .order_by_asc(signing_key::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|k| (k.kid, k.public_key))
        .collect())
}
