//! Bounded argon2 work on the request path.
//!
//! Access codes (a light hash) and staff passwords and client secrets (a strong hash) have separate
//! budgets, called lanes, so that a flood of one kind of sign-in cannot take the other's slots: bogus staff
//! sign-ins never keep a candidate from the test. A lane runs at most `slots` hashes at once and lets at
//! most `queue` more wait for a slot (first come, first served); a request beyond that is refused at once
//! with `busy` and `Retry-After`, so that a flood holds neither memory nor connections.
//!
//! Each slot owns its argon2 working memory, allocated once when the pool is built and reused by every
//! hash run in it. Left to allocate per hash, argon2's 19 MiB buffers end up kept by the allocator in
//! every thread's arena and the process grows by gigabytes under a burst; with the pool the memory of
//! hashing is at most `slots × cost` per lane (4 × 4 MiB + 2 × 19 MiB with the defaults), whatever the
//! load.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::secrets::{self, Block, Cost};
use crate::error::ApiError;

/// How much argon2 work one lane admits.
#[derive(Debug, Clone, Copy)]
pub struct LaneLimits {
    /// Hashes running at once (at least 1).
    pub slots: usize,
    /// Requests waiting for a slot; one more is refused with `busy`.
    pub queue: usize,
}

/// The two lanes of argon2 work.
pub struct HashPool {
    light: Lane,
    strong: Lane,
}

impl HashPool {
    pub fn new(light: LaneLimits, strong: LaneLimits) -> HashPool {
        HashPool {
            light: Lane::new(light, Cost::Light),
            strong: Lane::new(strong, Cost::Strong),
        }
    }

    /// Whether `secret` matches the argon2 `hash`, checked in `cost`'s lane on the blocking pool.
    pub async fn verify(&self, cost: Cost, secret: String, hash: String) -> Result<bool, ApiError> {
        let mut slot = self.lane(cost).acquire().await?;
        blocking(move || secrets::verify_in(&secret, &hash, slot.memory())).await
    }

    /// A new argon2 hash of `secret` at `cost`, made in `cost`'s lane on the blocking pool.
    pub async fn hash(&self, cost: Cost, secret: String) -> Result<String, ApiError> {
        let mut slot = self.lane(cost).acquire().await?;
        blocking(move || secrets::hash_in(cost, &secret, slot.memory())).await
    }

    fn lane(&self, cost: Cost) -> &Lane {
        match cost {
            Cost::Light => &self.light,
            Cost::Strong => &self.strong,
        }
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("blocking pool: {e}")))
}

/// One budget: slots with their memory, and a bounded queue in front of them.
struct Lane {
    slots: Arc<Semaphore>,
    /// One buffer per slot; a slot's holder takes one and gives it back (as many buffers as permits).
    memory: Arc<Mutex<Vec<Vec<Block>>>>,
    waiting: AtomicUsize,
    queue: usize,
}

impl Lane {
    fn new(limits: LaneLimits, cost: Cost) -> Lane {
        let slots = limits.slots.max(1);
        Lane {
            slots: Arc::new(Semaphore::new(slots)),
            memory: Arc::new(Mutex::new(
                (0..slots).map(|_| secrets::memory(cost)).collect(),
            )),
            waiting: AtomicUsize::new(0),
            queue: limits.queue,
        }
    }

    /// A slot now, or after the requests queued before this one; `busy` at once when the queue is full.
    async fn acquire(&self) -> Result<Slot, ApiError> {
        let permit = match self.slots.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                let _waiting = Waiting::enter(&self.waiting, self.queue).ok_or(ApiError::Busy)?;
                self.slots
                    .clone()
                    .acquire_owned()
                    .await
                    .map_err(|e| ApiError::Internal(e.into()))?
            }
        };
        let memory = self
            .memory
            .lock()
            .expect("hashing memory lock")
            .pop()
            .expect("a buffer for every permit");
        Ok(Slot {
            memory: Some(memory),
            home: self.memory.clone(),
            _permit: permit,
        })
    }
}

/// A held slot and its memory; dropping it gives both back (the memory first, so that the next holder
/// finds it).
struct Slot {
    memory: Option<Vec<Block>>,
    home: Arc<Mutex<Vec<Vec<Block>>>>,
    _permit: OwnedSemaphorePermit,
}

impl Slot {
    fn memory(&mut self) -> &mut [Block] {
        self.memory.as_mut().expect("held until dropped")
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Some(memory) = self.memory.take() {
            // A panic elsewhere must not lose the buffer: take the lock even if poisoned.
            self.home
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(memory);
        }
    }
}

/// A place in a lane's queue, given back when the wait ends (or the request is dropped).
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn enter(count: &'a AtomicUsize, queue: usize) -> Option<Waiting<'a>> {
        count
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < queue).then_some(n + 1)
            })
            .ok()
            .map(|_| Waiting(count))
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_lane_refuses_at_once_and_the_other_lane_is_free() {
        let pool = Arc::new(HashPool::new(
            LaneLimits { slots: 1, queue: 1 },
            LaneLimits { slots: 1, queue: 1 },
        ));
        // Hold the strong lane's only slot and fill its queue.
        let held = pool.strong.acquire().await.unwrap();
        let queued = {
            let pool = pool.clone();
            tokio::spawn(async move { pool.strong.acquire().await.map(drop) })
        };
        while pool.strong.waiting.load(Ordering::Acquire) == 0 {
            tokio::task::yield_now().await;
        }
        let refused = tokio::time::timeout(
            std::time::Duration::from_millis(100),
            pool.hash(Cost::Strong, "x".into()),
        )
        .await
        .expect("a full queue answers at once");
        assert!(matches!(refused, Err(ApiError::Busy)), "{refused:?}");
        // The light lane is untouched by the strong lane's flood.
        let code = pool
            .hash(Cost::Light, "2345-6789-ABCD".into())
            .await
            .unwrap();
        assert!(
            pool.verify(Cost::Light, "2345-6789-ABCD".into(), code)
                .await
                .unwrap()
        );
        drop(held);
        queued
            .await
            .unwrap()
            .expect("the queued request gets the slot");
        assert_eq!(pool.strong.waiting.load(Ordering::Acquire), 0);
    }

    #[tokio::test]
    async fn slots_reuse_their_memory() {
        let pool = Arc::new(HashPool::new(
            LaneLimits { slots: 2, queue: 8 },
            LaneLimits { slots: 1, queue: 8 },
        ));
        let buffers = |lane: &Lane| -> Vec<usize> {
            let mut v: Vec<usize> = lane
                .memory
                .lock()
                .unwrap()
                .iter()
                .map(|m| m.as_ptr() as usize)
                .collect();
            v.sort();
            v
        };
        let before = buffers(&pool.light);
        assert_eq!(before.len(), 2);
        let mut checks = tokio::task::JoinSet::new();
        for _ in 0..6 {
            let pool = pool.clone();
            checks.spawn(async move { pool.hash(Cost::Light, "2345-6789-ABCD".into()).await });
        }
        for hashed in checks.join_all().await {
            hashed.unwrap();
        }
        assert_eq!(buffers(&pool.light), before, "the same buffers, back home");
    }
}
