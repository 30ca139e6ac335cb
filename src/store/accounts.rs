//! Staff users and service clients.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

use super::entity::{api_client, user};

/// A staff user as the services see it.
pub struct StaffUser {
    pub id: Uuid,
    pub password_hash: String,
    pub role: String,
}

/// Creates a user; `Ok(false)` when the username is taken.
pub async fn create_user(
    db: &impl super::Writer,
    username: &str,
    password_hash: &str,
    role: &str,
) -> Result<bool, sea_orm::DbErr> {
    if find_user(db, username).await?.is_some() {
        return Ok(false);
    }
    user::Entity::insert(user::ActiveModel {
        id: Set(Uuid::now_v7()),
        username: Set(username.to_owned()),
        password_hash: Set(password_hash.to_owned()),
        role: Set(role.to_owned()),
        created_at: Set(super::now()),
    })
    .exec(db)
    .await?;
    Ok(true)
}

pub async fn find_user(
    db: &impl super::Connection,
    username: &str,
) -> Result<Option<StaffUser>, sea_orm::DbErr> {
    Ok(user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(db)
        .await?
        .map(|u| StaffUser {
            id: u.id,
            password_hash: u.password_hash,
            role: u.role,
        }))
}

pub async fn count_users(db: &impl super::Connection) -> Result<u64, sea_orm::DbErr> {
    user::Entity::find().count(db).await
}

/// Creates a service client.
pub async fn create_client(
    db: &impl super::Writer,
    client_id: &str,
    secret_hash: &str,
    name: &str,
    role: &str,
) -> Result<(), sea_orm::DbErr> {
    api_client::Entity::insert(api_client::ActiveModel {
        id: Set(Uuid::now_v7()),
        client_id: Set(client_id.to_owned()),
        secret_hash: Set(secret_hash.to_owned()),
        name: Set(name.to_owned()),
        role: Set(role.to_owned()),
        created_at: Set(super::now()),
    })
    .exec(db)
    .await?;
    Ok(())
}

/// A client's secret hash and role.
pub async fn find_client(
    db: &impl super::Connection,
    client_id: &str,
) -> Result<Option<(String, String)>, sea_orm::DbErr> {
    Ok(api_client::Entity::find()
        .filter(api_client::Column::ClientId.eq(client_id))
        .one(db)
        .await?
        .map(|c| (c.secret_hash, c.role)))
}

/// The username of a user id (a token's subject); `None` for an unknown or malformed id.
pub async fn username(
    db: &impl super::Connection,
    user_id: &str,
) -> Result<Option<String>, sea_orm::DbErr> {
    let Ok(id) = user_id.parse::<Uuid>() else {
        return Ok(None);
    };
    Ok(user::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|u| u.username))
}
