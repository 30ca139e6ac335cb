//! Bounded argon2 work on the request path.
//!
//! Access codes (a light hash) and staff passwords and client secrets (a strong hash) have separate
//! budgets, called lanes, so that a flood of one kind of sign-in cannot take the other's slots: bogus staff
//! sign-ins never keep a candidate from the test. A lane runs at most `slots` hashes at once and lets at
//! most `queue` more wait for a slot (first come, first served); a request beyond that is refused at once
//! with `busy` and `Retry-After`, so that a flood holds neither memory nor connections.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::secrets::{self, Cost};
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
            light: Lane::new(light),
            strong: Lane::new(strong),
        }
    }

    /// Whether `secret` matches the argon2 `hash`, checked in `cost`'s lane on the blocking pool.
    pub async fn verify(&self, cost: Cost, secret: String, hash: String) -> Result<bool, ApiError> {
        let slot = self.lane(cost).acquire().await?;
        blocking(move || {
            let _slot = slot;
            secrets::verify(&secret, &hash)
        })
        .await
    }

    /// A new argon2 hash of `secret` at `cost`, made in `cost`'s lane on the blocking pool.
    pub async fn hash(&self, cost: Cost, secret: String) -> Result<String, ApiError> {
        let slot = self.lane(cost).acquire().await?;
        blocking(move || {
            let _slot = slot;
            secrets::hash(cost, &secret)
        })
        .await
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

/// One budget: slots, and a bounded queue in front of them.
struct Lane {
    slots: Arc<Semaphore>,
    waiting: AtomicUsize,
    queue: usize,
}

impl Lane {
    fn new(limits: LaneLimits) -> Lane {
        Lane {
            slots: Arc::new(Semaphore::new(limits.slots.max(1))),
            waiting: AtomicUsize::new(0),
            queue: limits.queue,
        }
    }

    /// A slot now, or after the requests queued before this one; `busy` at once when the queue is full.
    async fn acquire(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        if let Ok(permit) = self.slots.clone().try_acquire_owned() {
            return Ok(permit);
        }
        let _waiting = Waiting::enter(&self.waiting, self.queue).ok_or(ApiError::Busy)?;
        self.slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| ApiError::Internal(e.into()))
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
    async fn a_dropped_waiter_gives_its_place_back() {
        let lane = Lane::new(LaneLimits { slots: 1, queue: 1 });
        let _held = lane.acquire().await.unwrap();
        let wait = tokio::time::timeout(std::time::Duration::from_millis(20), lane.acquire()).await;
        assert!(wait.is_err(), "the waiter was still waiting");
        assert_eq!(lane.waiting.load(Ordering::Acquire), 0);
    }
}
