//! Items, media and blueprints in the database.

use std::collections::HashMap;

use item_bank::bank::{Blueprint, Item};
use item_bank::content::Content;
use sea_orm::{
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::WriteDb;
use super::entity::{blueprint, item, media};
use super::status::ItemStatus;

/// Whether the bank holds no item yet.
pub async fn is_empty(db: &impl super::Connection) -> Result<bool, sea_orm::DbErr> {
    Ok(item::Entity::find().count(db).await? == 0)
}

/// Imports a content directory in one transaction: every item, medium and blueprint, or none. Items go
/// live at once (`operational`, or `pretest` for pretest items): the content directory is the reviewed
/// source of the starter bank. Items of a type that cannot go live (writing) come in as drafts. Each item and blueprint gets its audit record, by `system`.
pub async fn import(db: &WriteDb, content: &Content) -> anyhow::Result<()> {
    let txn = super::begin(db).await?;
    let now = super::now();
    for it in &content.items {
        let body = serde_json::to_value(it)?;
        super::audit::append(
            &txn,
            super::audit::Change {
                actor: super::audit::SYSTEM,
                action: "import",
                entity: "item",
                entity_id: format!("{}@{}", it.id, it.version),
                before: None,
                after: Some(body.clone()),
            },
            now,
        )
        .await?;
        item::Entity::insert(item::ActiveModel {
            id: Set(it.id.clone()),
            version: Set(it.version as i32),
            section: Set(it.section.clone()),
            level: Set(it.level.as_str().to_owned()),
            topic: Set(it.topic.clone()),
            item_type: Set(it.item_type.as_str().to_owned()),
            status: Set(if it.item_type.live_blocker().is_some() {
                ItemStatus::Draft
            } else if it.pretest {
                ItemStatus::Pretest
            } else {
                ItemStatus::Operational
            }),
            body: Set(body),
            created_at: Set(now),
            created_by: Set(None),
        })
        .exec(&txn)
        .await?;
    }
    for (path, bytes) in &content.media {
        media::Entity::insert(media::ActiveModel {
            id: Set(path.clone()),
            content_type: Set(content_type(path).to_owned()),
            bytes: Set(bytes.clone()),
        })
        .on_conflict_do_nothing_on([media::Column::Id])
        .exec(&txn)
        .await?;
    }
    for bp in &content.blueprints {
        insert_blueprint_in(&txn, bp).await?;
        super::audit::append(
            &txn,
            super::audit::Change {
                actor: super::audit::SYSTEM,
                action: "import",
                entity: "blueprint",
                entity_id: format!("{}@{}", bp.id, bp.version),
                before: None,
                after: Some(serde_json::to_value(bp)?),
            },
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The media type of a content file, from its extension.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("ogg" | "opus" | "oga") => "audio/ogg",
        Some("mp3") => "audio/mpeg",
        Some("wav") => "audio/wav",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        _ => "application/octet-stream",
    }
}

/// Every live item version of these sections, the ones forms are drawn from: `pretest` and
/// `operational` (the assembler keeps the highest version of each id). A version's lifecycle state, not
/// its body, says whether it fills pretest slots.
pub async fn active_items(
    db: &impl super::Connection,
    sections: &[String],
) -> anyhow::Result<Vec<Item>> {
    let rows = item::Entity::find()
        .filter(item::Column::Status.is_in(ItemStatus::LIVE))
        .filter(item::Column::Section.is_in(sections.iter().cloned()))
        .all(db)
        .await?;
    rows.into_iter()
        .map(|r| {
            let mut item: Item = serde_json::from_value(r.body)?;
            item.pretest = r.status == ItemStatus::Pretest;
            Ok(item)
        })
        .collect()
}

/// The (id, version) of every live item of these sections, and whether it is a pretest version.
pub async fn active_item_keys(
    db: &impl super::Connection,
    sections: &[String],
) -> Result<Vec<((String, i32), bool)>, sea_orm::DbErr> {
    let rows: Vec<(String, i32, ItemStatus)> = item::Entity::find()
        .select_only()
        .column(item::Column::Id)
        .column(item::Column::Version)
        .column(item::Column::Status)
        .filter(item::Column::Status.is_in(ItemStatus::LIVE))
        .filter(item::Column::Section.is_in(sections.iter().cloned()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, version, status)| ((id, version), status == ItemStatus::Pretest))
        .collect())
}

/// The bank's revision: raised by the database at every change to items or their parameters (see the
/// `bank_revision` migration).
pub async fn revision(db: &impl super::Connection) -> Result<i64, sea_orm::DbErr> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT n FROM bank_revision WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| sea_orm::DbErr::RecordNotFound("bank_revision".into()))?;
    row.try_get::<i64>("", "n")
}

/// The exact item versions named, keyed by (id, version).
pub async fn item_versions(
    db: &impl super::Connection,
    keys: &[(String, i32)],
) -> anyhow::Result<HashMap<(String, i32), Item>> {
    super::items::rows(db, keys)
        .await?
        .into_iter()
        .map(|(key, row)| Ok((key, row.item()?)))
        .collect()
}

/// A medium's content type and bytes.
pub async fn media(
    db: &impl super::Connection,
    id: &str,
) -> Result<Option<(String, Vec<u8>)>, sea_orm::DbErr> {
    Ok(media::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .map(|m| (m.content_type, m.bytes)))
}

async fn insert_blueprint_in(db: &impl super::Connection, bp: &Blueprint) -> anyhow::Result<()> {
    blueprint::Entity::insert(blueprint::ActiveModel {
        id: Set(bp.id.clone()),
        version: Set(bp.version as i32),
        body: Set(serde_json::to_value(bp)?),
        created_at: Set(super::now()),
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Stores a new blueprint version; `Ok(false)` when that id and version exist already.
pub async fn insert_blueprint(db: &impl super::Writer, bp: &Blueprint) -> anyhow::Result<bool> {
    if blueprint::Entity::find_by_id((bp.id.clone(), bp.version as i32))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(false);
    }
    insert_blueprint_in(db, bp).await?;
    Ok(true)
}

/// The latest version of a blueprint, or a given one.
pub async fn blueprint(
    db: &impl super::Connection,
    id: &str,
    version: Option<i32>,
) -> anyhow::Result<Option<Blueprint>> {
    let mut q = blueprint::Entity::find().filter(blueprint::Column::Id.eq(id));
    if let Some(v) = version {
        q = q.filter(blueprint::Column::Version.eq(v));
    }
    match q.order_by_desc(blueprint::Column::Version).one(db).await? {
        Some(row) => Ok(Some(serde_json::from_value(row.body)?)),
        None => Ok(None),
    }
}

/// The latest version of every blueprint.
pub async fn latest_blueprints(db: &impl super::Connection) -> anyhow::Result<Vec<Blueprint>> {
    let rows = blueprint::Entity::find()
        .order_by_asc(blueprint::Column::Id)
        .order_by_desc(blueprint::Column::Version)
        .all(db)
        .await?;
    let mut out: Vec<Blueprint> = Vec::new();
    for row in rows {
        if out.last().is_none_or(|b: &Blueprint| b.id != row.id) {
            out.push(serde_json::from_value(row.body)?);
        }
    }
    Ok(out)
}
