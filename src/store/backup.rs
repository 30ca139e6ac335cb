//! Backups of the embedded (SQLite) database.
//!
//! A backup is taken online, while the server writes: `VACUUM INTO` copies the database as one read
//! transaction sees it, so the copy holds every transaction committed before it began (every answer
//! acknowledged by then) and none half-done. It is written beside its destination under a temporary
//! name, flushed to disk, then renamed into place: a file at the destination is always a whole backup,
//! and a plain SQLite database (no `-wal` file needed).
//!
//! A restore needs the server stopped (it takes the database's [`DatabaseLock`]). It checks the backup —
//! an SQLite file that passes `PRAGMA integrity_check`, carrying Synaq's migrations table with no
//! migration this release does not know — keeps the database it replaces aside as
//! `<database>.before-restore-<UTC time>` (with its `-wal`, whose commits belong to it), and puts the
//! backup in its place.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use migration::MigratorTrait;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sea_orm::sqlx::{self, Connection, Row};

use super::lock::DatabaseLock;

/// The files SQLite keeps beside a database in WAL or rollback mode; the shared-memory index (`-shm`)
/// is rebuilt from them and is simply removed.
const SIDE_FILES: [&str; 2] = ["-wal", "-journal"];

/// Copies the database at `database` to `to`, which must not exist, while the server may be running;
/// returns the backup's size in bytes.
pub async fn backup(database: &Path, to: &Path) -> anyhow::Result<u64> {
    if !database.is_file() {
        bail!("there is no database at {}", database.display());
    }
    if to.exists() {
        bail!(
            "{} exists: a backup never replaces a file, choose a new name",
            to.display()
        );
    }
    let partial = with_suffix(to, &format!(".partial-{}", std::process::id()));
    remove_if_present(&partial)?;
    let copied = vacuum_into(database, &partial).await.and_then(|()| {
        std::fs::File::open(&partial)?.sync_all()?;
        if to.exists() {
            bail!("{} appeared while the backup was written", to.display());
        }
        std::fs::rename(&partial, to)?;
        sync_parent(to)?;
        Ok(std::fs::metadata(to)?.len())
    });
    if copied.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    copied.with_context(|| format!("backing up {} to {}", database.display(), to.display()))
}

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    /// Where the database it replaced was kept, if there was one.
    pub kept_aside: Option<PathBuf>,
    /// The migrations the backup carries (a newer release applies the rest at its next start).
    pub migrations: usize,
}

/// Replaces the database at `database` with the backup `from`, once no server uses it.
pub async fn restore(from: &Path, database: &Path) -> anyhow::Result<Restored> {
    if !from.is_file() {
        bail!("there is no backup at {}", from.display());
    }
    if let Some(dir) = database.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the directory {}", dir.display()))?;
    }
    let _lock = DatabaseLock::acquire(database)?;
    let staging = with_suffix(database, ".restoring");
    remove_database_files(&staging)?;
    std::fs::copy(from, &staging)
        .with_context(|| format!("copying {} to {}", from.display(), staging.display()))?;
    let checked = check(&staging).await;
    let migrations = match checked {
        Ok(n) => n,
        Err(e) => {
            remove_database_files(&staging)?;
            return Err(e.context(format!("{} is not a Synaq backup", from.display())));
        }
    };
    std::fs::File::open(&staging)?.sync_all()?;
    let kept_aside = if database.exists() {
        Some(set_aside(database)?)
    } else {
        None
    };
    std::fs::remove_file(with_suffix(database, "-shm")).or_else(ignore_missing)?;
    std::fs::rename(&staging, database)?;
    sync_parent(database)?;
    Ok(Restored {
        kept_aside,
        migrations,
    })
}

/// Opens `file` (which must exist) as an SQLite database, on one connection of its own.
async fn open(file: &Path) -> anyhow::Result<SqliteConnection> {
    let options = SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(30));
    Ok(SqliteConnection::connect_with(&options).await?)
}

async fn vacuum_into(database: &Path, to: &Path) -> anyhow::Result<()> {
    let target = to
        .to_str()
        .context("the backup's path must be valid UTF-8")?;
    let mut db = open(database).await?;
    sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(&mut db)
        .await?;
    db.close().await?;
    Ok(())
}

/// Checks that `file` is an intact Synaq database this release can open; returns how many migrations
/// it carries.
async fn check(file: &Path) -> anyhow::Result<usize> {
    let mut db = open(file).await?;
    let verdict: Vec<String> = sqlx::query("PRAGMA integrity_check")
        .fetch_all(&mut db)
        .await
        .context("not a readable SQLite database")?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    if verdict != ["ok"] {
        bail!("the integrity check failed: {}", verdict.join("; "));
    }
    let applied: Vec<String> = sqlx::query("SELECT version FROM seaql_migrations")
        .fetch_all(&mut db)
        .await
        .context("an SQLite database without Synaq's migrations table")?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    db.close().await?;
    let known: Vec<_> = migration::Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    if applied.is_empty() {
        bail!("no migration has been applied to it");
    }
    if let Some(unknown) = applied.iter().find(|v| !known.contains(v)) {
        bail!(
            "it was written by a newer release (migration {unknown}): restore it with that release"
        );
    }
    Ok(applied.len())
}

/// Moves `database` and its side files to `<database>.before-restore-<UTC time>`; returns that path.
fn set_aside(database: &Path) -> anyhow::Result<PathBuf> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut aside = with_suffix(database, &format!(".before-restore-{stamp}"));
    let mut n = 1;
    while aside.exists() {
        aside = with_suffix(database, &format!(".before-restore-{stamp}-{n}"));
        n += 1;
    }
    std::fs::rename(database, &aside)
        .with_context(|| format!("moving {} aside", database.display()))?;
    for side in SIDE_FILES {
        let from = with_suffix(database, side);
        if from.exists() {
            std::fs::rename(&from, with_suffix(&aside, side))?;
        }
    }
    Ok(aside)
}

/// Removes a database file and its side files, if present.
fn remove_database_files(file: &Path) -> anyhow::Result<()> {
    remove_if_present(file)?;
    for side in SIDE_FILES.iter().chain(&["-shm"]) {
        remove_if_present(&with_suffix(file, side))?;
    }
    Ok(())
}

fn remove_if_present(file: &Path) -> std::io::Result<()> {
    std::fs::remove_file(file).or_else(ignore_missing)
}

fn ignore_missing(e: std::io::Error) -> std::io::Result<()> {
    if e.kind() == std::io::ErrorKind::NotFound {
        Ok(())
    } else {
        Err(e)
    }
}

/// `file` with `suffix` appended to its name (`synaq.db` → `synaq.db-wal`).
fn with_suffix(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Flushes the directory holding `file`, so that a rename in it survives a power loss.
fn sync_parent(file: &Path) -> std::io::Result<()> {
    match file.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => std::fs::File::open(dir)?.sync_all(),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("synaq-backup-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A migrated, closed database in `dir`.
    async fn database(dir: &Path) -> PathBuf {
        let file = dir.join("synaq.db");
        let db = sea_orm::Database::connect(format!("sqlite://{}?mode=rwc", file.display()))
            .await
            .unwrap();
        migration::Migrator::up(&db, None).await.unwrap();
        db.close().await.unwrap();
        file
    }

    #[tokio::test]
    async fn a_backup_restores_and_the_replaced_database_is_kept() {
        let dir = scratch();
        let db = database(&dir).await;
        let copy = dir.join("copy.db");
        assert!(backup(&db, &copy).await.unwrap() > 0);
        let again = backup(&db, &copy).await.unwrap_err().to_string();
        assert!(again.contains("never replaces"), "{again}");

        let restored = restore(&copy, &db).await.unwrap();
        assert_eq!(restored.migrations, migration::Migrator::migrations().len());
        let aside = restored.kept_aside.expect("the old database is kept");
        assert!(aside.starts_with(&dir) && aside.is_file());
        assert!(
            aside
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("synaq.db.before-restore-")
        );
        assert!(db.is_file() && !with_suffix(&db, ".restoring").exists());
        check(&db).await.expect("the restored database is intact");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn what_is_not_a_synaq_database_is_refused_and_nothing_moves() {
        let dir = scratch();
        let db = database(&dir).await;
        let before = std::fs::read(&db).unwrap();
        let text = dir.join("notes.txt");
        std::fs::write(
            &text,
            "not a database at all, but long enough to look like one",
        )
        .unwrap();
        let other = dir.join("other.db");
        let mut conn = SqliteConnection::connect_with(
            &SqliteConnectOptions::new()
                .filename(&other)
                .create_if_missing(true),
        )
        .await
        .unwrap();
        sqlx::query("CREATE TABLE t (x)")
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();

        for (file, says) in [
            (&text, "not a readable SQLite"),
            (&other, "migrations table"),
        ] {
            let e = format!("{:#}", restore(file, &db).await.unwrap_err());
            assert!(
                e.contains("is not a Synaq backup") && e.contains(says),
                "{e}"
            );
        }
        let missing = format!(
            "{:#}",
            restore(&dir.join("nope.db"), &db).await.unwrap_err()
        );
        assert!(missing.contains("no backup"), "{missing}");
        assert_eq!(
            std::fs::read(&db).unwrap(),
            before,
            "the database is untouched"
        );
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("restoring") || n.contains("before-restore"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn a_database_in_use_is_not_restored() {
        let dir = scratch();
        let db = database(&dir).await;
        let copy = dir.join("copy.db");
        backup(&db, &copy).await.unwrap();
        let _server = DatabaseLock::acquire(&db).unwrap();
        let e = restore(&copy, &db).await.unwrap_err().to_string();
        assert!(e.contains("stop it first"), "{e}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
