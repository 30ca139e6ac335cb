//! Persistence: the sea-orm entities and the queries the services run. Nothing outside this module
//! imports sea-orm's query API.

pub mod accounts;
pub mod bank;
pub mod calibration;
pub mod delivery;
pub mod entity;
pub mod exposure;
pub mod registration;
pub mod results;
pub mod save_queue;
pub mod signing_keys;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend};

/// A pool of connections to the database; cheap to clone.
pub type Db = DatabaseConnection;

/// What the services may name of the database layer: a connection or transaction to pass to the query
/// functions here, a transaction, and the error. Everything else of sea-orm stays inside `store`.
pub use sea_orm::{
    ConnectionTrait as Connection, DatabaseTransaction as Transaction, DbErr as StoreError,
};

/// Whether `e` is a unique-key violation: a concurrent request made the same change first.
pub fn is_unique_violation(e: &StoreError) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Begins a transaction on `db`.
pub async fn begin(db: &Db) -> Result<Transaction, StoreError> {
    sea_orm::TransactionTrait::begin(db).await
}

/// The connections to the database: `read` for queries, `write` for every statement that changes data.
///
/// On SQLite `write` is a pool of one connection. SQLite admits one writer at a time anyway; queueing
/// writers in the pool (first come, first served, woken at once) instead of letting them collide on
/// SQLite's lock (where a loser sleeps and retries) keeps write latency flat under load. Reads run on the
/// `read` pool beside the writer (WAL mode). On PostgreSQL both are the same pool.
#[derive(Clone)]
pub struct Pools {
    pub read: Db,
    pub write: Db,
}

fn options(url: &str, max_connections: u32) -> ConnectOptions {
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(max_connections)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(60))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(true)
                .create_if_missing(true)
        });
    options
}

/// Opens the database at `url` and brings its schema up to date. SQLite runs in WAL mode with full
/// synchronous commits, so an acknowledged write survives a crash or power loss.
pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Pools> {
    let write = Database::connect(options(
        url,
        if url.starts_with("sqlite:") {
            1
        } else {
            max_connections
        },
    ))
    .await?;
    Migrator::up(&write, None).await?;
    let read = if write.get_database_backend() == DbBackend::Sqlite {
        Database::connect(options(url, max_connections)).await?
    } else {
        write.clone()
    };
    Ok(Pools { read, write })
}

/// The `n`th (1-based) bind placeholder of a backend's raw SQL: `$n` on PostgreSQL, `?` on SQLite. Every
/// raw statement in `store/` is written once with it.
pub(crate) fn bind(backend: DbBackend) -> impl Fn(usize) -> String {
    move |n| {
        if backend == DbBackend::Postgres {
            format!("${n}")
        } else {
            "?".to_owned()
        }
    }
}

/// Whether `db` is PostgreSQL (some statements differ).
pub fn is_postgres(db: &Db) -> bool {
    db.get_database_backend() == DbBackend::Postgres
}

/// The current time at the precision both databases keep (microseconds), so a time read back equals the
/// time written.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}
