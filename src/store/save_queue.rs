//! Group commit of the frequent small appends: answer saves and integrity events.
//!
//! On SQLite every commit is an fsync and there is one writer, so writing them one commit at a time caps
//! throughput at the disk's fsync rate (and every other writer waits behind each fsync). The queue hands
//! them to one task that commits whatever has gathered while the previous commit was on disk, in a single
//! transaction: many appends, one fsync, and each is acknowledged only after that commit. On PostgreSQL,
//! which commits concurrent transactions together by itself, they go straight to the pool.

use sea_orm::{ConnectionTrait, DbErr, Statement};
use tokio::sync::{mpsc, oneshot};

use super::WriteDb;

/// The most saves one commit carries.
const MAX_BATCH: usize = 512;
/// Saves waiting beyond this many make callers wait to enqueue (backpressure).
const QUEUE_DEPTH: usize = 8192;

/// One append: an (often conditional) insert, and the statement that follows it when it inserted a row
/// (in the same transaction on SQLite; right after it on PostgreSQL, where `then` must be safe to run late
/// or twice).
pub struct Save {
    pub insert: Statement,
    pub then: Option<Statement>,
}

struct Queued {
    save: Save,
    done: oneshot::Sender<Result<u64, DbErr>>,
}

/// Where saves go: batched to the single SQLite writer, or straight to a PostgreSQL pool.
#[derive(Clone)]
pub struct SaveQueue(Route);

#[derive(Clone)]
enum Route {
    Batched(mpsc::Sender<Queued>),
    Direct(WriteDb),
}

impl SaveQueue {
    /// A queue for `writer`: batched on SQLite (spawning the committing task on the current runtime),
    /// direct otherwise.
    pub fn new(writer: WriteDb) -> SaveQueue {
        if writer.is_postgres() {
            return SaveQueue(Route::Direct(writer));
        }
        let (tx, rx) = mpsc::channel(QUEUE_DEPTH);
        tokio::spawn(commit_loop(writer, rx));
        SaveQueue(Route::Batched(tx))
    }

    /// Executes an append and returns the rows its insert affected, once it is committed.
    pub async fn execute(&self, save: Save) -> Result<u64, DbErr> {
        match &self.0 {
            Route::Direct(db) => {
                let inserted = db.execute_raw(save.insert).await?.rows_affected();
                if let Some(then) = save.then.filter(|_| inserted > 0) {
                    db.execute_raw(then).await?;
                }
                Ok(inserted)
            }
            Route::Batched(tx) => {
                let (done, wait) = oneshot::channel();
                tx.send(Queued { save, done })
                    .await
                    .map_err(|_| DbErr::Custom("the save queue has stopped".into()))?;
                wait.await
                    .map_err(|_| DbErr::Custom("the save queue dropped a save".into()))?
            }
        }
    }
}

async fn commit_loop(writer: WriteDb, mut rx: mpsc::Receiver<Queued>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        match commit(&writer, &batch).await {
            Ok(affected) => {
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

async fn commit(writer: &WriteDb, batch: &[Queued]) -> Result<Vec<u64>, DbErr> {
    let txn = super::begin(writer).await?;
    let mut affected = Vec::with_capacity(batch.len());
    for q in batch {
        let inserted = txn
            .execute_raw(q.save.insert.clone())
            .await?
            .rows_affected();
        if let Some(then) = q.save.then.as_ref().filter(|_| inserted > 0) {
            txn.execute_raw(then.clone()).await?;
        }
        affected.push(inserted);
    }
    txn.commit().await?;
    Ok(affected)
}
