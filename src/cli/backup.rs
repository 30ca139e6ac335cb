//! `synaq backup` and `synaq restore`: the embedded SQLite database copied while the server runs, and
//! put back while it is stopped (README, "Backups at a test centre"). A PostgreSQL database is backed up
//! with PostgreSQL's own tools.

use std::path::Path;

use anyhow::Context;
use serde_json::{Value, json};

use crate::auth::keys::KEY_FILE;
use crate::config::Settings;
use crate::store;

/// The database file `settings` name, or why there is none to copy.
fn sqlite_file(settings: &Settings) -> anyhow::Result<std::path::PathBuf> {
    settings.sqlite_file().context(
        "the database is PostgreSQL: back it up with pg_dump and restore it with pg_restore \
         (synaq backup and restore handle the embedded SQLite database)",
    )
}

/// Takes a consistent copy of the configured database into `to` (which must not exist), with the
/// server running or not; returns the report printed as JSON.
pub async fn backup(settings: &Settings, to: &Path) -> anyhow::Result<Value> {
    let database = sqlite_file(settings)?;
    let started = chrono::Utc::now();
    let bytes = store::backup::backup(&database, to).await?;
    Ok(json!({
        "backup": to,
        "database": database,
        "bytes": bytes,
        "started_at": started,
    }))
}

/// Replaces the configured database with the backup `from`, once no server uses it; returns the report
/// printed as JSON. A missing signing key file is pointed out: the server would make a new key.
pub async fn restore(settings: &Settings, from: &Path) -> anyhow::Result<Value> {
    let database = sqlite_file(settings)?;
    let restored = store::backup::restore(from, &database).await?;
    let key = settings.data_dir.join(KEY_FILE);
    let key_present = key.is_file();
    if !key_present {
        eprintln!(
            "note: there is no {} yet: copy the centre's {KEY_FILE} there before the first start, or the \
             server makes a new signing key",
            key.display()
        );
    }
    Ok(json!({
        "restored": database,
        "from": from,
        "kept_aside": restored.kept_aside,
        "migrations": restored.migrations,
        "signing_key_present": key_present,
    }))
}
