//! Persistence: the sea-orm entities and the queries the services run. Nothing outside this module
//! imports sea-orm's query API.

pub mod accounts;
pub mod audit;
pub mod backup;
pub mod bank;
pub mod calibration;
pub mod context;
pub mod delivery;
pub mod entity;
pub mod exposure;
pub mod health;
pub mod integrity;
pub mod items;
pub mod lock;
pub mod registration;
pub mod results;
pub mod save_queue;
pub mod signing_keys;
pub mod sqlite_handle;
pub mod statistics;
pub mod status;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend};

/// An item version: (item id, version). A version never changes once stored.
pub type ItemKey = (String, i32);

/// What the services may name of the database layer: a connection or transaction to pass to the query
/// functions here, a transaction, and the error. Everything else of sea-orm stays inside `store`.
pub use sea_orm::{
    ConnectionTrait as Connection, DatabaseTransaction as Transaction, DbErr as StoreError,
};

/// The most item versions one condition of [`version_keys`] names. SQLite parses `… OR …` into a tree as
/// deep as its terms and refuses one deeper than 1,000: a live bank of thousands of items is read a chunk
/// at a time.
pub(crate) const VERSION_KEYS_PER_QUERY: usize = 300;

/// The conditions that select the item versions `keys` by an entity's item-id and version columns, one
/// per chunk of at most [`VERSION_KEYS_PER_QUERY`] keys: run the query once per condition. None when
/// `keys` is empty.
pub(crate) fn version_keys<C: sea_orm::ColumnTrait + Copy>(
    id: C,
    version: C,
    keys: &[ItemKey],
) -> impl Iterator<Item = sea_orm::Condition> + '_ {
    keys.chunks(VERSION_KEYS_PER_QUERY)
        .map(move |chunk| version_keys_of(id, version, chunk))
}

fn version_keys_of<C: sea_orm::ColumnTrait>(
    id: C,
    version: C,
    keys: &[ItemKey],
) -> sea_orm::Condition {
    keys.iter()
        .fold(sea_orm::Condition::any(), |any, (item, v)| {
            any.add(
                sea_orm::Condition::all()
                    .add(id.eq(item.clone()))
                    .add(version.eq(*v)),
            )
        })
}

/// Whether `e` is a unique-key violation: a concurrent request made the same change first.
pub fn is_unique_violation(e: &StoreError) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Something that may change data: the write pool, or a transaction begun on it. Query functions take
/// any [`Connection`]; functions that change data take a `Writer`, so that a write on the read pool does
/// not compile.
pub trait Writer: Connection {}

impl Writer for WriteDb {}
impl Writer for Transaction {}

/// Begins a transaction on the write pool.
pub async fn begin(db: &WriteDb) -> Result<Transaction, StoreError> {
    sea_orm::TransactionTrait::begin(&db.0).await
}

/// Defines a pool newtype that runs statements on the connection it wraps.
macro_rules! pool {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name(DatabaseConnection);

        #[async_trait::async_trait]
        impl Connection for $name {
            fn get_database_backend(&self) -> DbBackend {
                self.0.get_database_backend()
            }
            async fn execute_raw(
                &self,
                stmt: sea_orm::Statement,
            ) -> Result<sea_orm::ExecResult, StoreError> {
                self.0.execute_raw(stmt).await
            }
            async fn execute_unprepared(&self, sql: &str) -> Result<sea_orm::ExecResult, StoreError> {
                self.0.execute_unprepared(sql).await
            }
            async fn query_one_raw(
                &self,
                stmt: sea_orm::Statement,
            ) -> Result<Option<sea_orm::QueryResult>, StoreError> {
                self.0.query_one_raw(stmt).await
            }
            async fn query_all_raw(
                &self,
                stmt: sea_orm::Statement,
            ) -> Result<Vec<sea_orm::QueryResult>, StoreError> {
                self.0.query_all_raw(stmt).await
            }
        }

        impl $name {
            /// Whether this is PostgreSQL (some statements differ).
            pub fn is_postgres(&self) -> bool {
                self.0.get_database_backend() == DbBackend::Postgres
            }

            /// Checks that the database answers.
            pub async fn ping(&self) -> Result<(), StoreError> {
                self.0.ping().await
            }

            /// How many of the pool's connections are open, idle, and allowed.
            pub fn pool_use(&self) -> PoolUse {
                if self.is_postgres() {
                    PoolUse::of(self.0.get_postgres_connection_pool())
                } else {
                    PoolUse::of(self.0.get_sqlite_connection_pool())
                }
            }
        }
    };
}

pool!(
    /// Connections for queries. It changes nothing: it is not a [`Writer`].
    ReadDb
);
pool!(
    /// Connections for every statement that changes data. On SQLite a pool of one connection (see
    /// [`Pools`]).
    WriteDb
);

/// A pool's connections at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolUse {
    /// Open now, idle or in use.
    pub open: u32,
    /// Open and waiting for work.
    pub idle: u32,
    /// The most the pool opens.
    pub max: u32,
}

impl PoolUse {
    fn of<DB: sea_orm::sqlx::Database>(pool: &sea_orm::sqlx::Pool<DB>) -> PoolUse {
        PoolUse {
            open: pool.size(),
            idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            max: pool.options().get_max_connections(),
        }
    }
}

/// The connections to the database: `read` for queries, `write` for every statement that changes data.
///
/// On SQLite `write` is a pool of one connection. SQLite admits one writer at a time anyway; queueing
/// writers in the pool (first come, first served, woken at once) instead of letting them collide on
/// SQLite's lock (where a loser sleeps and retries) keeps write latency flat under load. Reads run on the
/// `read` pool beside the writer (WAL mode). On PostgreSQL both wrap the same pool.
#[derive(Clone)]
pub struct Pools {
    pub read: ReadDb,
    pub write: WriteDb,
}

/// Pages SQLite's writer keeps in memory: 64 MiB (negative: KiB), against the default 2 MiB. Every save
/// touches index pages spread over the whole answer table; kept in memory, a commit reads none of them
/// back from the file.
const WRITER_CACHE_KIB: i64 = 64 * 1024;

fn options(url: &str, max_connections: u32, cache_kib: Option<i64>) -> ConnectOptions {
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(max_connections)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(60))
        // A local file needs no check before each use; on the writer it would be one more hand-over to
        // the connection's thread per commit.
        .test_before_acquire(!url.starts_with("sqlite:"))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(move |o| {
            let o = o
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(true)
                .create_if_missing(true);
            match cache_kib {
                Some(kib) => o.pragma("cache_size", format!("-{kib}")),
                None => o,
            }
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
        Some(WRITER_CACHE_KIB),
    ))
    .await?;
    Migrator::up(&write, None).await?;
    let read = if write.get_database_backend() == DbBackend::Sqlite {
        Database::connect(options(url, max_connections, None)).await?
    } else {
        write.clone()
    };
    Ok(Pools {
        read: ReadDb(read),
        write: WriteDb(write),
    })
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

/// A raw statement written once for both backends by `build` (with [`bind`] placeholders), built on first
/// use for each backend and kept.
pub(crate) struct BackendSql {
    build: fn(DbBackend) -> String,
    postgres: std::sync::OnceLock<String>,
    sqlite: std::sync::OnceLock<String>,
}

impl BackendSql {
    pub(crate) const fn new(build: fn(DbBackend) -> String) -> BackendSql {
        BackendSql {
            build,
            postgres: std::sync::OnceLock::new(),
            sqlite: std::sync::OnceLock::new(),
        }
    }

    /// The statement's text for `backend`.
    pub(crate) fn get(&self, backend: DbBackend) -> &str {
        let cell = if backend == DbBackend::Postgres {
            &self.postgres
        } else {
            &self.sqlite
        };
        cell.get_or_init(|| (self.build)(backend))
    }
}

/// The current time at the precision both databases keep (microseconds), so a time read back equals the
/// time written.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}
