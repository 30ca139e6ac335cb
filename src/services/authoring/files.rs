//! The bank as a content directory, the human-editable form of the starter bank: `synaq items export`
//! writes the latest version of every item (and every blueprint, and the media they name) in the items-file
//! format; `synaq items import` reads such a directory back through the same validation, as new drafts
//! and new draft versions, so that an author can edit in a text editor.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use item_bank::bank::Item;
use serde::Serialize;

use super::items::{insert_version, validate_content};
use super::media::{audio_id, image_id, store_file};
use super::version_id;
use crate::error::ApiError;
use crate::store::audit::{self, Change, SYSTEM};
use crate::store::items as store;
use crate::store::status::ItemStatus;
use crate::store::{Connection, WriteDb, bank};

/// What an export wrote.
#[derive(Debug, Serialize)]
pub struct Exported {
    pub items: usize,
    pub blueprints: usize,
    pub media: usize,
}

/// Writes the bank into `dir` (which must not exist yet): `items/<section>/<topic>.toml`,
/// `blueprints/<id>.toml`, and each medium under the path its item names.
pub async fn export_toml(db: &impl Connection, dir: &Path) -> anyhow::Result<Exported> {
    anyhow::ensure!(
        !dir.exists(),
        "{} exists: export into a new directory",
        dir.display()
    );
    let mut files: BTreeMap<(String, String), Vec<Item>> = BTreeMap::new();
    let mut media = 0;
    for row in store::current_versions(db).await? {
        let mut item = row.item()?;
        item.pretest = row.status == ItemStatus::Pretest;
        for path in [&item.audio, &item.image].into_iter().flatten() {
            let (_, bytes) = bank::media(db, path)
                .await?
                .with_context(|| format!("{} names {path}, which is not stored", item.id))?;
            write_new(&dir.join(safe_relative(path)?), &bytes)?;
            media += 1;
        }
        files
            .entry((item.section.clone(), item.topic.clone()))
            .or_default()
            .push(item);
    }
    let mut count = 0;
    for ((section, topic), items) in &files {
        #[derive(Serialize)]
        struct ItemFile<'a> {
            items: &'a [Item],
        }
        let text = toml::to_string(&ItemFile { items })?;
        let name = format!("{}/{}.toml", safe_name(section)?, safe_name(topic)?);
        write_new(&dir.join("items").join(name), text.as_bytes())?;
        count += items.len();
    }
    let blueprints = bank::latest_blueprints(db).await?;
    for bp in &blueprints {
        let name = format!("{}.toml", safe_name(&bp.id)?);
        write_new(
            &dir.join("blueprints").join(name),
            toml::to_string(bp)?.as_bytes(),
        )?;
    }
    Ok(Exported {
        items: count,
        blueprints: blueprints.len(),
        media,
    })
}

/// A path an item names, kept inside the directory.
fn safe_relative(path: &str) -> anyhow::Result<&Path> {
    let p = Path::new(path);
    anyhow::ensure!(
        p.components()
            .all(|c| matches!(c, std::path::Component::Normal(_))),
        "unsafe media path {path}"
    );
    Ok(p)
}

/// A section, topic or blueprint id as a file name.
fn safe_name(name: &str) -> anyhow::Result<&str> {
    anyhow::ensure!(
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{name:?} cannot name a file"
    );
    Ok(name)
}

fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

/// What a directory import did.
#[derive(Debug, Default, Serialize)]
pub struct DirectoryImport {
    /// Items new to the bank, now drafts at version 1.
    pub created: Vec<String>,
    /// Items whose draft took the file's content.
    pub drafts_edited: Vec<String>,
    /// Items that got a new draft version with the file's content.
    pub new_versions: Vec<String>,
    /// Items the file holds as the bank does.
    pub unchanged: usize,
}

/// Reads a content directory (as `export_toml` writes it, or the starter bank's) and brings every item
/// that differs from the bank in as a draft, in one transaction: all or nothing.
pub async fn import_dir(writer: &WriteDb, dir: &Path) -> Result<DirectoryImport, ApiError> {
    let content =
        item_bank::content::load_dir(dir).map_err(|e| ApiError::Validation(e.to_string()))?;
    let now = crate::store::now();
    let txn = crate::store::begin(writer).await?;
    let mut report = DirectoryImport::default();
    for mut item in content.items {
        item.pretest = false;
        for path in [&mut item.audio, &mut item.image].into_iter().flatten() {
            let bytes = content.media[path.as_str()].clone();
            let (id, content_type) = if path.ends_with(".svg") {
                (image_id(&bytes), "image/svg+xml")
            } else {
                (audio_id(&bytes), crate::store::bank::content_type(path))
            };
            store_file(&txn, SYSTEM, &id, content_type, bytes, now).await?;
            *path = id;
        }
        validate_content(&item)?;
        let Some(latest) = store::latest(&txn, &item.id).await? else {
            item.version = 1;
            insert_version(
                &txn,
                &item,
                SYSTEM,
                "import",
                None,
                "imported from files",
                now,
            )
            .await?;
            report.created.push(item.id);
            continue;
        };
        let stored = by_digest(&txn, latest.item()?).await?;
        item.version = stored.version;
        if item == stored {
            report.unchanged += 1;
            continue;
        }
        if latest.status == ItemStatus::Draft {
            store::replace_draft(&txn, &item).await?;
            audit::append(
                &txn,
                Change {
                    actor: SYSTEM,
                    action: "edit",
                    entity: "item",
                    entity_id: version_id(&item.id, item.version),
                    before: Some(latest.body.clone()),
                    after: Some(serde_json::to_value(&item).unwrap_or_default()),
                },
                now,
            )
            .await?;
            report.drafts_edited.push(item.id);
        } else if latest.status == ItemStatus::Review {
            return Err(ApiError::Validation(format!(
                "{} is under review: send it back to draft before importing a change",
                item.id
            )));
        } else {
            item.version = stored.version + 1;
            let comment = format!("imported from files over version {}", stored.version);
            insert_version(
                &txn,
                &item,
                SYSTEM,
                "import",
                Some(latest.body.clone()),
                &comment,
                now,
            )
            .await?;
            report.new_versions.push(item.id);
        }
    }
    txn.commit().await?;
    Ok(report)
}

/// The item with its media named by their contents' digests, as an import names them, so that a file
/// and the bank compare by what the media hold.
async fn by_digest(db: &impl Connection, mut item: Item) -> anyhow::Result<Item> {
    item.pretest = false;
    if let Some(path) = item.audio.as_mut()
        && let Some((_, bytes)) = bank::media(db, path).await?
    {
        *path = audio_id(&bytes);
    }
    if let Some(path) = item.image.as_mut()
        && let Some((_, bytes)) = bank::media(db, path).await?
    {
        *path = image_id(&bytes);
    }
    Ok(item)
}
