//! Group commit of the frequent small writes: answer saves, integrity events, candidate sign-ins (their
//! token generation) and session starts (the session with its sections, items and exposure counts).
//!
//! On SQLite every commit is an fsync and there is one writer, so writing them one commit at a time caps
//! throughput at the disk's fsync rate (and every other writer waits behind each fsync). The queue hands
//! them to one task that commits whatever has gathered while the previous commit was on disk, in a single
//! transaction: many appends, one fsync, and each is acknowledged only after that commit. On PostgreSQL,
//! which commits concurrent transactions together by itself, they go straight to the pool.
//!
//! Answers, the most frequent of them, are [`Append`]s: on SQLite a commit stores all the answers it
//! carries with a few multi-row statements instead of one statement each, so that the writer's
//! connection is asked a handful of times per commit rather than once per answer (each ask is a hand-over
//! between threads, which under load costs more than the insert itself).
//!
//! A stop ([`SaveQueue::drain`]) refuses new saves, commits and acknowledges every save already queued,
//! and returns once the last commit is on disk.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, Value, Values};
use tokio::sync::{mpsc, oneshot, watch};

use super::WriteDb;
use super::sqlite_handle as handle;
use crate::metrics::SaveMetrics;

/// The most saves one commit carries.
const MAX_BATCH: usize = 512;
/// Saves waiting beyond this many make callers wait to enqueue (backpressure).
const QUEUE_DEPTH: usize = 8192;

/// One write: an (often conditional) insert or update, and the statements that follow it when it affected
/// a row, all in one transaction (the batch's on SQLite; its own on PostgreSQL).
pub struct Save {
    pub insert: Statement,
    pub then: Vec<Statement>,
}

impl Save {
    /// A single statement.
    pub fn one(insert: Statement) -> Save {
        Save {
            insert,
            then: Vec::new(),
        }
    }
}

/// One row of a kind that a commit stores many at a time (SQLite), or as its own statement (PostgreSQL,
/// and when a commit falls back to one by one).
pub struct Append {
    pub kind: &'static AppendSql,
    /// The row's [`AppendSql::per_row`] values, its `id` first.
    pub values: Vec<Value>,
    /// The same row as a statement of its own, with what follows it when stored.
    pub single: Save,
}

/// A conditional insert of many rows at once: its text for `k` rows, and the table whose `id` column (each
/// row's first value) tells which rows were stored when not all were.
pub struct AppendSql {
    /// The statement's text for `k` rows of `per_row` values each, with SQLite's `?` placeholders.
    pub rows: fn(usize) -> String,
    pub per_row: usize,
    pub table: &'static str,
}

/// The largest group of rows one statement carries (well within SQLite's 32,766 bound values).
const MAX_ROWS: usize = 256;

enum Work {
    Save(Save),
    Append(Append),
}

impl Work {
    fn single(&self) -> &Save {
        match self {
            Work::Save(s) => s,
            Work::Append(a) => &a.single,
        }
    }
}

struct Queued {
    work: Work,
    done: oneshot::Sender<Result<u64, DbErr>>,
}

/// Where saves go: batched to the single SQLite writer, or straight to a PostgreSQL pool.
#[derive(Clone)]
pub struct SaveQueue {
    route: Route,
    metrics: SaveMetrics,
    /// Set once the queue stops taking saves.
    stopping: Arc<watch::Sender<bool>>,
}

#[derive(Clone)]
enum Route {
    Batched {
        tx: mpsc::Sender<Queued>,
        /// Told when the committing thread ends, until [`SaveQueue::drain`] waits for it.
        committer: Arc<Mutex<Option<oneshot::Receiver<()>>>>,
    },
    Direct(WriteDb),
}

impl SaveQueue {
    /// A queue for `writer`: batched on SQLite (spawning the committing task on the current runtime),
    /// direct otherwise. Each commit is recorded in `metrics`.
    pub fn new(writer: WriteDb, metrics: SaveMetrics) -> SaveQueue {
        let stopping = Arc::new(watch::channel(false).0);
        let route = if writer.is_postgres() {
            Route::Direct(writer)
        } else {
            let (tx, rx) = mpsc::channel(QUEUE_DEPTH);
            let committer = spawn_committer(writer, rx, stopping.subscribe(), metrics.clone());
            Route::Batched {
                tx,
                committer: Arc::new(Mutex::new(Some(committer))),
            }
        };
        SaveQueue {
            route,
            metrics,
            stopping,
        }
    }

    /// Saves waiting for the next commit (0 on PostgreSQL, where none waits).
    pub fn depth(&self) -> usize {
        match &self.route {
            Route::Batched { tx, .. } => tx.max_capacity() - tx.capacity(),
            Route::Direct(_) => 0,
        }
    }

    /// Whether three quarters of the queue's room is taken (never on PostgreSQL, where none waits).
    pub fn is_saturated(&self) -> bool {
        self.depth() >= QUEUE_DEPTH / 4 * 3
    }

    /// Whether the queue takes saves: not stopping, and its committing task alive.
    pub fn is_running(&self) -> bool {
        !*self.stopping.borrow()
            && match &self.route {
                Route::Batched { tx, .. } => !tx.is_closed(),
                Route::Direct(_) => true,
            }
    }

    /// Stops the queue: saves sent from now on are refused, every save already queued is committed and
    /// acknowledged, and this returns once the last commit is done. Calling it again waits for nothing.
    pub async fn drain(&self) {
        self.stopping.send_replace(true);
        if let Route::Batched { committer, .. } = &self.route {
            let task = committer.lock().expect("the committer's lock").take();
            if let Some(task) = task
                && task.await.is_err()
            {
                tracing::error!("the save queue's committing thread failed");
            }
        }
    }

    /// Executes an append and returns the rows its insert affected, once it is committed.
    pub async fn execute(&self, save: Save) -> Result<u64, DbErr> {
        self.submit(Work::Save(save)).await
    }

    /// Stores one row of a multi-row kind; whether it was stored (its conditions held), once committed.
    pub async fn append(&self, row: Append) -> Result<bool, DbErr> {
        debug_assert_eq!(row.values.len(), row.kind.per_row);
        Ok(self.submit(Work::Append(row)).await? == 1)
    }

    async fn submit(&self, work: Work) -> Result<u64, DbErr> {
        if *self.stopping.borrow() {
            return Err(DbErr::Custom("the save queue has stopped".into()));
        }
        match &self.route {
            Route::Direct(db) => {
                let save = match work {
                    Work::Save(s) => s,
                    Work::Append(a) => a.single,
                };
                let started = Instant::now();
                let inserted = if save.then.is_empty() {
                    db.execute_raw(save.insert).await?.rows_affected()
                } else {
                    let txn = super::begin(db).await?;
                    let inserted = apply(&txn, &save).await?;
                    txn.commit().await?;
                    inserted
                };
                self.metrics.committed(1, started.elapsed());
                Ok(inserted)
            }
            Route::Batched { tx, .. } => {
                let (done, wait) = oneshot::channel();
                tx.send(Queued { work, done })
                    .await
                    .map_err(|_| DbErr::Custom("the save queue has stopped".into()))?;
                wait.await
                    .map_err(|_| DbErr::Custom("the save queue dropped a save".into()))?
            }
        }
    }
}

/// Starts the committing thread: [`commit_loop`] on a runtime of its own, so that a commit neither waits
/// for a turn among the request handlers nor blocks them while it runs on the handle
/// ([`super::sqlite_handle`]). The receiver is told when the loop has ended.
fn spawn_committer(
    writer: WriteDb,
    rx: mpsc::Receiver<Queued>,
    stopping: watch::Receiver<bool>,
    metrics: SaveMetrics,
) -> oneshot::Receiver<()> {
    let (ended, ended_rx) = oneshot::channel();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the save queue");
    std::thread::Builder::new()
        .name("synaq-commit".into())
        .spawn(move || {
            runtime.block_on(commit_loop(writer, rx, stopping, metrics));
            let _ = ended.send(());
        })
        .expect("the save queue's committing thread");
    ended_rx
}

/// Commits what has gathered, batch after batch, until the queue is stopped and empty (or every sender
/// is gone).
async fn commit_loop(
    writer: WriteDb,
    mut rx: mpsc::Receiver<Queued>,
    mut stopping: watch::Receiver<bool>,
    metrics: SaveMetrics,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut closed = false;
    loop {
        let received = tokio::select! {
            // Both branches are cancel-safe: a batch half received stays in the channel.
            n = rx.recv_many(&mut batch, MAX_BATCH) => n,
            _ = stopping.wait_for(|s| *s), if !closed => {
                // No new saves; those already sent are still received, then `recv_many` gives 0.
                rx.close();
                closed = true;
                continue;
            }
        };
        if received == 0 {
            break;
        }
        let started = Instant::now();
        match commit(&writer, &batch).await {
            Ok(affected) => {
                metrics.committed(batch.len(), started.elapsed());
                for (q, n) in batch.drain(..).zip(affected) {
                    let _ = q.done.send(Ok(n));
                }
            }
            // One bad statement must not fail the others: commit each on its own.
            Err(e) => {
                tracing::warn!(error = %e, saves = batch.len(), "a batch of saves failed; committing one by one");
                for q in batch.drain(..) {
                    let one = commit(&writer, std::slice::from_ref(&q))
                        .await
                        .map(|a| a[0]);
                    let _ = q.done.send(one);
                }
            }
        }
    }
}

/// Commits `batch` in one transaction on the writer's handle: its saves one by one in order, then its
/// rows of each kind together.
async fn commit(writer: &WriteDb, batch: &[Queued]) -> Result<Vec<u64>, DbErr> {
    handle::with_handle(writer.0.get_sqlite_connection_pool(), |db| {
        let txn =
            rusqlite::Transaction::new_unchecked(db, rusqlite::TransactionBehavior::Immediate)
                .map_err(handle::error)?;
        let affected = commit_in(&txn, batch)?;
        txn.commit().map_err(handle::error)?;
        Ok(affected)
    })
    .await
}

/// The statements of [`commit`], inside its transaction; what each queued write affected.
fn commit_in(db: &rusqlite::Connection, batch: &[Queued]) -> Result<Vec<u64>, DbErr> {
    let mut affected = vec![0; batch.len()];
    let mut appends: Vec<(usize, &Append)> = Vec::new();
    for (i, q) in batch.iter().enumerate() {
        match &q.work {
            // Alone in its batch (one by one, after a failure), a row is its own statement.
            Work::Append(a) if batch.len() > 1 => appends.push((i, a)),
            work => affected[i] = apply_here(db, work.single())?,
        }
    }
    appends.sort_by_key(|(_, a)| std::ptr::from_ref(a.kind));
    for same_kind in appends.chunk_by(|(_, a), (_, b)| std::ptr::eq(a.kind, b.kind)) {
        for group in same_kind.chunks(MAX_ROWS) {
            let stored = append_rows(db, group)?;
            for ((i, a), stored) in group.iter().zip(stored) {
                if stored {
                    affected[*i] = 1;
                    for then in &a.single.then {
                        handle::execute(db, then)?;
                    }
                }
            }
        }
    }
    Ok(affected)
}

/// Inserts `group` (rows of one kind) with one statement; which rows were stored. Only when some were
/// not is the table asked which.
fn append_rows(db: &rusqlite::Connection, group: &[(usize, &Append)]) -> Result<Vec<bool>, DbErr> {
    let kind = group[0].1.kind;
    let values = group
        .iter()
        .flat_map(|(_, a)| a.values.iter().cloned())
        .collect();
    let insert =
        Statement::from_sql_and_values(DbBackend::Sqlite, (kind.rows)(group.len()), Values(values));
    let inserted = handle::execute(db, &insert)?;
    if inserted == group.len() as u64 {
        return Ok(vec![true; group.len()]);
    }
    let ids: Vec<Value> = group.iter().map(|(_, a)| a.values[0].clone()).collect();
    let stored = stored_rows(db, kind.table, ids)?;
    Ok((1..=group.len()).map(|n| stored.contains(&n)).collect())
}

/// Which of `ids` (numbered from 1) are in `table`, asked in one statement with a one-row answer.
fn stored_rows(
    db: &rusqlite::Connection,
    table: &str,
    ids: Vec<Value>,
) -> Result<Vec<usize>, DbErr> {
    let numbered = (1..=ids.len())
        .map(|n| format!("({n}, ?)"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT group_concat(k.column1) AS stored FROM (VALUES {numbered}) AS k \
         WHERE EXISTS (SELECT 1 FROM {table} WHERE id = k.column2)"
    );
    let list = handle::query_text(
        db,
        &Statement::from_sql_and_values(DbBackend::Sqlite, sql, Values(ids)),
    )?;
    Ok(list
        .unwrap_or_default()
        .split(',')
        .filter_map(|n| n.parse().ok())
        .collect())
}

/// [`apply`] on the writer's handle, inside the batch's transaction.
fn apply_here(db: &rusqlite::Connection, save: &Save) -> Result<u64, DbErr> {
    let inserted = handle::execute(db, &save.insert)?;
    if inserted > 0 {
        for then in &save.then {
            handle::execute(db, then)?;
        }
    }
    Ok(inserted)
}

/// Runs one write inside `txn` (PostgreSQL): its insert, then (when that affected a row) what follows it.
async fn apply(txn: &impl ConnectionTrait, save: &Save) -> Result<u64, DbErr> {
    let inserted = txn.execute_raw(save.insert.clone()).await?.rows_affected();
    if inserted > 0 {
        for then in &save.then {
            txn.execute_raw(then.clone()).await?;
        }
    }
    Ok(inserted)
}

#[cfg(test)]
mod tests {
    use sea_orm::DbBackend;

    use super::*;

    async fn scratch_writer() -> WriteDb {
        let dir = std::env::temp_dir().join(format!("synaq-queue-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.join("q.db").display());
        let writer = crate::store::connect(&url, 2).await.unwrap().write;
        writer
            .execute_unprepared("CREATE TABLE appended (n INTEGER NOT NULL)")
            .await
            .unwrap();
        writer
    }

    async fn rows_in(writer: &WriteDb, table: &str) -> i64 {
        writer
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap()
    }

    fn append(n: i64) -> Save {
        Save::one(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "INSERT INTO appended (n) VALUES (?)",
            [n.into()],
        ))
    }

    /// Rows whose `n` is negative are refused by the statement's condition.
    static NONNEGATIVE: AppendSql = AppendSql {
        rows: |k| {
            let rows = vec!["(?, ?)"; k].join(", ");
            format!(
                "INSERT INTO keyed (id, n) SELECT v.column1, v.column2 FROM (VALUES {rows}) AS v \
                 WHERE v.column2 >= 0"
            )
        },
        per_row: 2,
        table: "keyed",
    };

    fn keyed(n: i64) -> Append {
        let id = uuid::Uuid::now_v7();
        Append {
            kind: &NONNEGATIVE,
            values: vec![id.into(), n.into()],
            single: Save::one(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "INSERT INTO keyed (id, n) SELECT ?1, ?2 WHERE ?2 >= 0",
                [id.into(), n.into()],
            )),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn rows_stored_together_are_each_told_whether_they_were_stored() {
        let writer = scratch_writer().await;
        writer
            .execute_unprepared("CREATE TABLE keyed (id BLOB PRIMARY KEY, n INTEGER NOT NULL)")
            .await
            .unwrap();
        let queue = SaveQueue::new(writer.clone(), crate::metrics::Metrics::default().saves);
        // Enough at once that commits carry many rows, some refused among them.
        let sent: Vec<_> = (0..600_i64)
            .map(|i| {
                let n = if i % 7 == 0 { -i - 1 } else { i };
                let queue = queue.clone();
                tokio::spawn(async move { (n, queue.append(keyed(n)).await.unwrap()) })
            })
            .collect();
        let mut told_stored = 0;
        for task in sent {
            let (n, stored) = task.await.unwrap();
            assert_eq!(stored, n >= 0, "row {n}");
            told_stored += i64::from(stored);
        }
        let stored = rows_in(&writer, "keyed").await;
        assert_eq!(stored, told_stored);
        queue.drain().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_drain_commits_every_queued_save_then_refuses_more() {
        let writer = scratch_writer().await;
        let queue = SaveQueue::new(writer.clone(), crate::metrics::Metrics::default().saves);
        assert!(queue.is_running());
        // More than one batch, so that some always wait in the queue while a commit is under way.
        let sent: Vec<_> = (0..4 * MAX_BATCH as i64)
            .map(|n| {
                let queue = queue.clone();
                tokio::spawn(async move { queue.execute(append(n)).await })
            })
            .collect();
        // Stop the queue while saves wait in it.
        let queued = tokio::time::timeout(std::time::Duration::from_secs(30), async {
            loop {
                match queue.depth() {
                    0 => tokio::time::sleep(std::time::Duration::from_millis(1)).await,
                    n => return n,
                }
            }
        })
        .await
        .expect("saves reach the queue");
        queue.drain().await;
        assert!(!queue.is_running());
        let mut acknowledged = 0;
        for task in sent {
            // A save sent after the stop is refused; every one acknowledged is committed.
            if task.await.unwrap().is_ok() {
                acknowledged += 1;
            }
        }
        let stored = rows_in(&writer, "appended").await;
        assert_eq!(stored, acknowledged);
        assert!(
            acknowledged >= queued as i64,
            "the {queued} saves queued at the stop are committed: {acknowledged}"
        );
        assert!(queue.execute(append(-1)).await.is_err());
        assert_eq!(queue.depth(), 0);
        queue.drain().await;
    }
}
