//! Uploaded media: Ogg Opus or Ogg Vorbis recordings for listening items. The content is sniffed (the Ogg
//! pages and the codec header), never trusted from a header or a name; a medium is stored under its
//! content's digest, so the same file uploaded twice is one medium. Candidates reach media only through
//! their own session, as before.

use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Principal;
use crate::error::{ApiError, ErrorCode};
use crate::services::AppState;
use crate::store::Writer;
use crate::store::audit::{self, Change};
use crate::store::items as store;

/// The largest recording accepted, in bytes.
pub const MAX_AUDIO_BYTES: usize = 4 * 1024 * 1024;

/// What an upload stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct MediaView {
    /// The value for an item's `audio` field.
    pub media_id: String,
    pub duration_seconds: f64,
    /// `opus` or `vorbis`.
    pub codec: String,
}

/// The id a recording is stored under: its digest.
pub fn audio_id(bytes: &[u8]) -> String {
    format!("audio/{}.ogg", &crate::digest::sha256_hex(&[bytes])[..32])
}

/// The id a picture is stored under: its digest.
pub fn image_id(bytes: &[u8]) -> String {
    format!("images/{}.svg", &crate::digest::sha256_hex(&[bytes])[..32])
}

/// Stores an uploaded recording after checking what it is.
pub async fn upload(
    state: &AppState,
    actor: &Principal,
    bytes: Vec<u8>,
) -> Result<MediaView, ApiError> {
    if bytes.len() > MAX_AUDIO_BYTES {
        return Err(ApiError::PayloadTooLarge);
    }
    let info = qti::probe_ogg(&bytes).map_err(|e| {
        ApiError::conflict(
            ErrorCode::UnsupportedMedia,
            format!("not Ogg Opus or Ogg Vorbis: {e}"),
        )
    })?;
    let id = audio_id(&bytes);
    let now = crate::store::now();
    let txn = crate::store::begin(&state.writer).await?;
    store_file(&txn, &actor.subject, &id, "audio/ogg", bytes, now).await?;
    txn.commit().await?;
    Ok(MediaView {
        media_id: id,
        duration_seconds: info.duration_ms as f64 / 1000.0,
        codec: info.codec.as_str().to_owned(),
    })
}

/// Stores a medium of `content_type` under `id` with its audit record, unless it is stored already.
pub(crate) async fn store_file(
    db: &impl Writer,
    actor: &str,
    id: &str,
    content_type: &str,
    bytes: Vec<u8>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    if store::media_exists(db, id).await? {
        return Ok(());
    }
    let digest = crate::digest::sha256_hex(&[&bytes]);
    store::insert_media(db, id, content_type, bytes).await?;
    audit::append(
        db,
        Change {
            actor,
            action: "upload",
            entity: "media",
            entity_id: id.to_owned(),
            before: None,
            after: Some(serde_json::json!({"sha256": digest, "content_type": content_type})),
        },
        now,
    )
    .await?;
    Ok(())
}
