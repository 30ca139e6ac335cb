//! Exposure counts, kept per instance and written in batches: how many forms of each blueprint were
//! drawn, and how many of them held each item — what the assembler's exposure control reads.
//!
//! A start used to add 1 to a blueprint's row and to one row per item in its own transaction: 60 upserts
//! a start, and on PostgreSQL every start of a blueprint queued on one hot row. Now a start adds to this
//! instance's pending counts in memory, and a background task ([`run`]) writes them every second in one
//! transaction as `forms = forms + n` (so instances sharing a database add up, never overwrite). The
//! assembler reads the database's counts (read again at most once a second) plus what this instance has
//! not yet written. A crash loses at most the last second's counts: the control is statistical (a cap on
//! the rate at which an item appears), and a second of starts barely moves a rate.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::AppState;
use crate::store::{self, Connection};

/// How often pending counts are written, and how long read counts are used before being read again.
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// Counts of one blueprint.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Counts {
    pub forms: u64,
    pub items: HashMap<String, u64>,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.forms += other.forms;
        for (item, n) in &other.items {
            *self.items.entry(item.clone()).or_default() += n;
        }
    }
}

#[derive(Default)]
struct Blueprint {
    /// As read from the database, and when.
    stored: Option<(Counts, Instant)>,
    /// Drawn here, not yet written.
    pending: Counts,
    /// Being written now.
    writing: Counts,
}

/// This instance's exposure counts by blueprint.
#[derive(Default)]
pub struct ExposureCounter {
    blueprints: Mutex<HashMap<String, Blueprint>>,
    /// Held for the whole of a flush, so that flushes run one at a time.
    flushing: tokio::sync::Mutex<()>,
}

impl ExposureCounter {
    /// The counts of `blueprint_id` as the assembler should see them: the database's and this instance's
    /// draws not yet in it.
    pub async fn counts(
        &self,
        db: &impl Connection,
        blueprint_id: &str,
    ) -> Result<Counts, sea_orm::DbErr> {
        let fresh = |b: &Blueprint| {
            b.stored
                .as_ref()
                .filter(|(_, at)| at.elapsed() < FLUSH_EVERY)
                .map(|(c, _)| c.clone())
        };
        let cached = self.lock().get(blueprint_id).and_then(fresh);
        let stored = match cached {
            Some(c) => c,
            None => {
                let (items, forms) = store::exposure::counts(db, blueprint_id).await?;
                let read = Counts { forms, items };
                self.lock()
                    .entry(blueprint_id.to_owned())
                    .or_default()
                    .stored = Some((read.clone(), Instant::now()));
                read
            }
        };
        let mut total = stored;
        if let Some(b) = self.lock().get(blueprint_id) {
            total.add(&b.writing);
            total.add(&b.pending);
        }
        Ok(total)
    }

    /// Counts one more form of `blueprint_id`, holding `item_ids`.
    pub fn record_form(&self, blueprint_id: &str, item_ids: &[String]) {
        self.add(blueprint_id, 1, item_ids);
    }

    /// Counts `item_ids` placed on a form of `blueprint_id` already counted (an adaptive section's items,
    /// chosen one at a time).
    pub fn record_items(&self, blueprint_id: &str, item_ids: &[String]) {
        self.add(blueprint_id, 0, item_ids);
    }

    fn add(&self, blueprint_id: &str, forms: u64, item_ids: &[String]) {
        let mut map = self.lock();
        let pending = &mut map.entry(blueprint_id.to_owned()).or_default().pending;
        pending.forms += forms;
        for item in item_ids {
            *pending.items.entry(item.clone()).or_default() += 1;
        }
    }

    /// Writes every pending count in one transaction. On failure the counts stay pending for the next
    /// flush. Flushes run one at a time: when this returns, every count recorded before it was called is
    /// in the database (or pending again after a failure), even if another flush had it in hand.
    pub async fn flush(&self, writer: &store::WriteDb) -> Result<(), sea_orm::DbErr> {
        let _one_at_a_time = self.flushing.lock().await;
        let batch: Vec<(String, Counts)> = {
            let mut map = self.lock();
            map.iter_mut()
                .filter(|(_, b)| b.pending != Counts::default())
                .map(|(id, b)| {
                    b.writing = std::mem::take(&mut b.pending);
                    (id.clone(), b.writing.clone())
                })
                .collect()
        };
        if batch.is_empty() {
            return Ok(());
        }
        let rows: Vec<(&str, u64, &HashMap<String, u64>)> = batch
            .iter()
            .map(|(id, c)| (id.as_str(), c.forms, &c.items))
            .collect();
        let written = store::exposure::add(writer, &rows).await;
        let mut map = self.lock();
        for (id, _) in &batch {
            let b = map.entry(id.clone()).or_default();
            let writing = std::mem::take(&mut b.writing);
            match &written {
                // Read again next time: the database now holds these (and other instances' counts).
                Ok(()) => b.stored = None,
                Err(_) => b.pending.add(&writing),
            }
        }
        written
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Blueprint>> {
        self.blueprints.lock().expect("exposure counts")
    }
}

/// Writes the pending counts every [`FLUSH_EVERY`] until the process stops, then once more.
pub async fn run(state: AppState) {
    let mut tick = tokio::time::interval(FLUSH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut stop = std::pin::pin!(state.shutdown.begun());
    loop {
        let stopping = tokio::select! {
            _ = tick.tick() => false,
            () = &mut stop => true,
        };
        if let Err(e) = state.exposure.flush(&state.writer).await {
            tracing::error!(error = %e, "writing the exposure counts failed; they stay pending");
        }
        if stopping {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn pending_draws_count_at_once_and_are_written_once() {
        let dir = std::env::temp_dir().join(format!("synaq-exposure-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.join("e.db").display());
        let pools = store::connect(&url, 2).await.unwrap();
        let counter = ExposureCounter::default();
        let items = ["a".to_owned(), "b".to_owned()];
        counter.record_form("bp", &items);
        counter.record_form("bp", &items[..1]);
        let seen = counter.counts(&pools.read, "bp").await.unwrap();
        assert_eq!(seen.forms, 2);
        assert_eq!(seen.items["a"], 2);
        assert_eq!(seen.items["b"], 1);
        counter.flush(&pools.write).await.unwrap();
        counter.flush(&pools.write).await.unwrap();
        let (stored, forms) = store::exposure::counts(&pools.read, "bp").await.unwrap();
        assert_eq!((forms, stored["a"], stored["b"]), (2, 2, 1));
        // A second instance's counter adds to the same rows.
        let other = ExposureCounter::default();
        other.record_form("bp", &items[1..]);
        other.record_items("bp", &items[..1]);
        other.flush(&pools.write).await.unwrap();
        let after = counter.counts(&pools.read, "bp").await.unwrap();
        assert_eq!((after.forms, after.items["a"], after.items["b"]), (3, 3, 2));
    }
}
