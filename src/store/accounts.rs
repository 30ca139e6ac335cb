//! Staff users and service clients.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

use super::entity::{api_client, user};

/// A staff user as the services see it.
pub struct StaffUser {
    pub id: Uuid,
    pub password_hash: String,
    pub role: String,
    pub token_version: i64,
    pub disabled: bool,
}

/// A service client as the services see it.
pub struct ServiceClient {
    pub secret_hash: String,
    pub role: String,
    pub token_version: i64,
    pub disabled: bool,
}

/// What a staff or service token is checked against on every request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenState {
    pub role: String,
    pub token_version: i64,
    pub disabled: bool,
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
        token_version: Set(0),
        disabled_at: Set(None),
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
            token_version: u.token_version,
            disabled: u.disabled_at.is_some(),
        }))
}

pub async fn count_users(db: &impl super::Connection) -> Result<u64, sea_orm::DbErr> {
    user::Entity::find().count(db).await
}

/// Enabled admins other than `username`.
pub async fn count_other_admins(
    db: &impl super::Connection,
    username: &str,
) -> Result<u64, sea_orm::DbErr> {
    user::Entity::find()
        .filter(user::Column::Role.eq("admin"))
        .filter(user::Column::DisabledAt.is_null())
        .filter(user::Column::Username.ne(username))
        .count(db)
        .await
}

/// Gives a user a new role and ends the tokens issued before; `false` when there is no such user.
pub async fn set_role(
    db: &impl super::Writer,
    username: &str,
    role: &str,
) -> Result<bool, sea_orm::DbErr> {
    let res = user::Entity::update_many()
        .col_expr(user::Column::Role, Expr::value(role))
        .col_expr(
            user::Column::TokenVersion,
            Expr::col(user::Column::TokenVersion).add(1),
        )
        .filter(user::Column::Username.eq(username))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Disables a user (they cannot sign in) and ends their tokens; `false` when there is no such user.
pub async fn disable_user(db: &impl super::Writer, username: &str) -> Result<bool, sea_orm::DbErr> {
    let res = user::Entity::update_many()
        .col_expr(user::Column::DisabledAt, Expr::value(super::now()))
        .col_expr(
            user::Column::TokenVersion,
            Expr::col(user::Column::TokenVersion).add(1),
        )
        .filter(user::Column::Username.eq(username))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
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
        token_version: Set(0),
        disabled_at: Set(None),
    })
    .exec(db)
    .await?;
    Ok(())
}

pub async fn find_client(
    db: &impl super::Connection,
    client_id: &str,
) -> Result<Option<ServiceClient>, sea_orm::DbErr> {
    Ok(api_client::Entity::find()
        .filter(api_client::Column::ClientId.eq(client_id))
        .one(db)
        .await?
        .map(|c| ServiceClient {
            secret_hash: c.secret_hash,
            role: c.role,
            token_version: c.token_version,
            disabled: c.disabled_at.is_some(),
        }))
}

/// Disables a client (it cannot sign in) and ends its tokens; `false` when there is no such client.
pub async fn disable_client(
    db: &impl super::Writer,
    client_id: &str,
) -> Result<bool, sea_orm::DbErr> {
    let res = api_client::Entity::update_many()
        .col_expr(api_client::Column::DisabledAt, Expr::value(super::now()))
        .col_expr(
            api_client::Column::TokenVersion,
            Expr::col(api_client::Column::TokenVersion).add(1),
        )
        .filter(api_client::Column::ClientId.eq(client_id))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// The state of the user with id `id`.
pub async fn user_token_state(
    db: &impl super::Connection,
    id: Uuid,
) -> Result<Option<TokenState>, sea_orm::DbErr> {
    Ok(user::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|u| TokenState {
            role: u.role,
            token_version: u.token_version,
            disabled: u.disabled_at.is_some(),
        }))
}

/// The state of the client `client_id`.
pub async fn client_token_state(
    db: &impl super::Connection,
    client_id: &str,
) -> Result<Option<TokenState>, sea_orm::DbErr> {
    Ok(find_client(db, client_id).await?.map(|c| TokenState {
        role: c.role,
        token_version: c.token_version,
        disabled: c.disabled,
    }))
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
