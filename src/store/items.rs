//! Item versions as authors manage them: every version with its lifecycle state and author, the status
//! history, and uploaded media. The delivery path reads items through `store::bank` and the item cache;
//! nothing here is cached, since drafts change.

use chrono::{DateTime, Utc};
use item_bank::bank::Item;
use sea_orm::{
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::entity::{item, item_transition, media, session_item};
use super::status::ItemStatus;
use super::{Connection, Writer};

pub use item::Model as ItemRow;
pub use item_transition::Model as Transition;

impl ItemRow {
    /// The stored item.
    pub fn item(&self) -> anyhow::Result<Item> {
        Ok(serde_json::from_value(self.body.clone())?)
    }
}

/// Every version of an item, oldest first.
pub async fn versions(db: &impl Connection, id: &str) -> Result<Vec<ItemRow>, sea_orm::DbErr> {
    item::Entity::find()
        .filter(item::Column::Id.eq(id))
        .order_by_asc(item::Column::Version)
        .all(db)
        .await
}

/// One version of an item.
pub async fn version(
    db: &impl Connection,
    id: &str,
    version: i32,
) -> Result<Option<ItemRow>, sea_orm::DbErr> {
    item::Entity::find_by_id((id.to_owned(), version))
        .one(db)
        .await
}

/// The latest version of an item.
pub async fn latest(db: &impl Connection, id: &str) -> Result<Option<ItemRow>, sea_orm::DbErr> {
    item::Entity::find()
        .filter(item::Column::Id.eq(id))
        .order_by_desc(item::Column::Version)
        .one(db)
        .await
}

/// The latest version of every item, by id.
pub async fn current_versions(db: &impl Connection) -> Result<Vec<ItemRow>, sea_orm::DbErr> {
    let rows = item::Entity::find()
        .order_by_asc(item::Column::Id)
        .order_by_desc(item::Column::Version)
        .all(db)
        .await?;
    Ok(first_of_each(rows, |r| &r.id))
}

/// The first of each run of rows with the same id (the latest version, rows being ordered by id and
/// then version downwards).
fn first_of_each<T>(rows: Vec<T>, id: impl Fn(&T) -> &String) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for row in rows {
        if out.last().is_none_or(|last| id(last) != id(&row)) {
            out.push(row);
        }
    }
    out
}

/// What the list filters on, without the content: (id, version, status, section, level, topic, type).
pub type ItemHead = (String, i32, ItemStatus, String, String, String, String);

/// The head of the latest version of every item, by id.
pub async fn current_heads(db: &impl Connection) -> Result<Vec<ItemHead>, sea_orm::DbErr> {
    let rows: Vec<ItemHead> = item::Entity::find()
        .select_only()
        .columns([
            item::Column::Id,
            item::Column::Version,
            item::Column::Status,
            item::Column::Section,
            item::Column::Level,
            item::Column::Topic,
            item::Column::ItemType,
        ])
        .order_by_asc(item::Column::Id)
        .order_by_desc(item::Column::Version)
        .into_tuple()
        .all(db)
        .await?;
    Ok(first_of_each(rows, |h| &h.0))
}

/// The rows of the versions named.
pub async fn rows(
    db: &impl Connection,
    keys: &[super::ItemKey],
) -> Result<std::collections::HashMap<super::ItemKey, ItemRow>, sea_orm::DbErr> {
    let mut rows = std::collections::HashMap::with_capacity(keys.len());
    for cond in super::version_keys(item::Column::Id, item::Column::Version, keys) {
        let chunk = item::Entity::find().filter(cond).all(db).await?;
        rows.extend(chunk.into_iter().map(|r| ((r.id.clone(), r.version), r)));
    }
    Ok(rows)
}

/// Stores a new version of `item` (its id and version as it says) in `status`.
pub async fn insert(
    db: &impl Writer,
    item: &Item,
    status: ItemStatus,
    author: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    item::Entity::insert(item::ActiveModel {
        id: Set(item.id.clone()),
        version: Set(item.version as i32),
        section: Set(item.section.clone()),
        level: Set(item.level.as_str().to_owned()),
        topic: Set(item.topic.clone()),
        item_type: Set(item.item_type.as_str().to_owned()),
        status: Set(status),
        body: Set(serde_json::to_value(item)?),
        created_at: Set(now),
        created_by: Set(Some(author.to_owned())),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Replaces a draft version's content; whether it was a draft (nothing else is ever edited, and the
/// database refuses to change a version placed on a session).
pub async fn replace_draft(db: &impl Writer, item: &Item) -> anyhow::Result<bool> {
    let updated = item::Entity::update_many()
        .col_expr(item::Column::Section, item.section.clone().into())
        .col_expr(item::Column::Level, item.level.as_str().into())
        .col_expr(item::Column::Topic, item.topic.clone().into())
        .col_expr(item::Column::ItemType, item.item_type.as_str().into())
        .col_expr(item::Column::Body, serde_json::to_value(item)?.into())
        .filter(item::Column::Id.eq(item.id.clone()))
        .filter(item::Column::Version.eq(item.version as i32))
        .filter(item::Column::Status.eq(ItemStatus::Draft))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Moves a version from `from` to `to`; whether it was in `from` (a concurrent move makes it `false`).
pub async fn set_status(
    db: &impl Writer,
    id: &str,
    version: i32,
    from: ItemStatus,
    to: ItemStatus,
) -> Result<bool, sea_orm::DbErr> {
    let updated = item::Entity::update_many()
        .col_expr(item::Column::Status, to.into())
        .filter(item::Column::Id.eq(id))
        .filter(item::Column::Version.eq(version))
        .filter(item::Column::Status.eq(from))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Records a move of a version in its status history.
#[allow(clippy::too_many_arguments)]
pub async fn add_transition(
    db: &impl Writer,
    id: &str,
    version: i32,
    from: Option<ItemStatus>,
    to: ItemStatus,
    actor: &str,
    comment: &str,
    at: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    item_transition::Entity::insert(item_transition::ActiveModel {
        id: Set(Uuid::now_v7()),
        item_id: Set(id.to_owned()),
        item_version: Set(version),
        from_status: Set(from),
        to_status: Set(to),
        actor: Set(actor.to_owned()),
        comment: Set(comment.to_owned()),
        at: Set(at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// An item's status history, oldest first.
pub async fn transitions(
    db: &impl Connection,
    id: &str,
) -> Result<Vec<Transition>, sea_orm::DbErr> {
    item_transition::Entity::find()
        .filter(item_transition::Column::ItemId.eq(id))
        .order_by_asc(item_transition::Column::At)
        .order_by_asc(item_transition::Column::Id)
        .all(db)
        .await
}

/// Whether a version has been placed on a session (a candidate may have seen it).
pub async fn is_used(db: &impl Connection, id: &str, version: i32) -> Result<bool, sea_orm::DbErr> {
    Ok(session_item::Entity::find()
        .filter(session_item::Column::ItemId.eq(id))
        .filter(session_item::Column::ItemVersion.eq(version))
        .count(db)
        .await?
        > 0)
}

/// Whether a medium (an audio file or picture) is stored under `id`.
pub async fn media_exists(db: &impl Connection, id: &str) -> Result<bool, sea_orm::DbErr> {
    Ok(media::Entity::find_by_id(id.to_owned()).count(db).await? > 0)
}

/// Stores a medium unless one is stored under `id` already (ids are content digests, so the same bytes).
pub async fn insert_media(
    db: &impl Writer,
    id: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> Result<(), sea_orm::DbErr> {
    media::Entity::insert(media::ActiveModel {
        id: Set(id.to_owned()),
        content_type: Set(content_type.to_owned()),
        bytes: Set(bytes),
    })
    .on_conflict_do_nothing_on([media::Column::Id])
    .exec_without_returning(db)
    .await?;
    Ok(())
}
