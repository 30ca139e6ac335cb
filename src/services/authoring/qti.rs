//! QTI 3.0 in and out of the bank. An import is all or nothing: every item it brings becomes a draft
//! (version 1, by the importing author) with its media, in one transaction, or — when the package does not
//! parse, or storing fails — nothing does. What the package holds that the bank cannot take is reported
//! with the reason, never dropped silently.

use serde::Serialize;
use utoipa::ToSchema;

use super::items::{insert_version, validate_content};
use super::media::{audio_id, image_id, store_file};
use crate::error::ApiError;
use crate::store::items as store;
use crate::store::{Connection, WriteDb};

/// One item an import brought in.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedView {
    /// Its QTI identifier.
    pub identifier: String,
    /// The id it has in the bank.
    pub item_id: String,
}

/// One item an import left out, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkippedView {
    pub identifier: String,
    pub reason: String,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportView {
    pub imported: Vec<ImportedView>,
    pub skipped: Vec<SkippedView>,
}

/// Imports a QTI 3.0 content package (zip) or one item XML as drafts by `actor` (a user id, or
/// [`crate::store::audit::SYSTEM`] from the command line); with `dry_run`, only reports.
pub async fn import(
    writer: &WriteDb,
    actor: &str,
    bytes: &[u8],
    dry_run: bool,
) -> Result<ImportReportView, ApiError> {
    let report = qti::import(bytes, &qti::Limits::default())
        .map_err(|e| ApiError::Validation(format!("the package cannot be imported: {e}")))?;
    let mut out = ImportReportView {
        imported: Vec::new(),
        skipped: report
            .skipped
            .into_iter()
            .map(|s| SkippedView {
                identifier: s.identifier,
                reason: s.reason,
            })
            .collect(),
    };
    let now = crate::store::now();
    let txn = crate::store::begin(writer).await?;
    for imported in report.imported {
        let mut item = imported.item;
        if store::latest(&txn, &item.id).await?.is_some() {
            out.skipped.push(SkippedView {
                identifier: imported.identifier,
                reason: format!(
                    "an item {} exists: open a new version of it and edit that instead",
                    item.id
                ),
            });
            continue;
        }
        let audio = imported.audio.map(|a| {
            let id = audio_id(&a.bytes);
            item.audio = Some(id.clone());
            (id, a.bytes)
        });
        let image = imported.image.map(|bytes| {
            let id = image_id(&bytes);
            item.image = Some(id.clone());
            (id, bytes)
        });
        if let Err(e) = validate_content(&item) {
            out.skipped.push(SkippedView {
                identifier: imported.identifier,
                reason: e.to_string(),
            });
            continue;
        }
        if !dry_run {
            if let Some((id, bytes)) = audio {
                store_file(&txn, actor, &id, "audio/ogg", bytes, now).await?;
            }
            if let Some((id, bytes)) = image {
                store_file(&txn, actor, &id, "image/svg+xml", bytes, now).await?;
            }
            insert_version(&txn, &item, actor, "import", None, "imported from QTI", now).await?;
        }
        out.imported.push(ImportedView {
            identifier: imported.identifier,
            item_id: item.id,
        });
    }
    if dry_run {
        txn.rollback().await?;
    } else {
        txn.commit().await?;
    }
    Ok(out)
}

/// The most items one export takes.
pub const MAX_EXPORT_ITEMS: usize = 5_000;

/// A content package of the latest version of each item named (with its media).
pub async fn export(db: &impl Connection, ids: &[String]) -> Result<Vec<u8>, ApiError> {
    if ids.is_empty() || ids.len() > MAX_EXPORT_ITEMS {
        return Err(ApiError::Validation(format!(
            "name 1 to {MAX_EXPORT_ITEMS} items"
        )));
    }
    let mut items = Vec::with_capacity(ids.len());
    for id in ids {
        let row = store::latest(db, id)
            .await?
            .ok_or(ApiError::NotFound("item"))?;
        let item = row.item()?;
        let audio = media_bytes(db, item.audio.as_deref()).await?;
        let image = media_bytes(db, item.image.as_deref()).await?;
        items.push(qti::ExportItem { item, audio, image });
    }
    qti::export_package(&items).map_err(|e| ApiError::Internal(anyhow::anyhow!("exporting: {e}")))
}

/// The bytes of the medium `path` names, if it names one and it is stored.
async fn media_bytes(
    db: &impl Connection,
    path: Option<&str>,
) -> Result<Option<Vec<u8>>, ApiError> {
    Ok(match path {
        Some(p) => crate::store::bank::media(db, p)
            .await?
            .map(|(_, bytes)| bytes),
        None => None,
    })
}
