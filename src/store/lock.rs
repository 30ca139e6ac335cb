//! The lock that tells whether a server is using an SQLite database: `synaq serve` holds an exclusive
//! advisory lock (`flock`) on `<database>.lock` beside the database file for as long as it runs, and
//! `synaq restore` takes the same lock before it touches the file, so the two never overlap.
//!
//! The operating system releases the lock when the process ends however it ends (a crash or SIGKILL
//! included), so a stale lock file never blocks anything; the process id written in it is only for the
//! message. Advisory locks are reliable on local file systems; keep an SQLite database on one.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

/// A held lock on a database file; released when dropped.
#[derive(Debug)]
pub struct DatabaseLock {
    _file: File,
}

/// The lock file of the database at `database`.
pub fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

impl DatabaseLock {
    /// Takes the lock of the database at `database`, or fails at once, saying which process holds it.
    pub fn acquire(database: &Path) -> anyhow::Result<DatabaseLock> {
        let path = lock_path(database);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("opening the lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                anyhow::bail!(
                    "a synaq server (process {}) is using {}; stop it first",
                    if holder.is_empty() { "unknown" } else { holder },
                    database.display()
                );
            }
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("locking {}", path.display()));
            }
        }
        file.set_len(0)?;
        file.rewind()?;
        writeln!(file, "{}", std::process::id())?;
        Ok(DatabaseLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = std::env::temp_dir().join(format!("synaq-lock-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("synaq.db");
        let first = DatabaseLock::acquire(&db).unwrap();
        let refused = DatabaseLock::acquire(&db).unwrap_err().to_string();
        assert!(
            refused.contains(&format!("process {}", std::process::id())),
            "{refused}"
        );
        drop(first);
        DatabaseLock::acquire(&db).expect("free once the holder is gone");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
