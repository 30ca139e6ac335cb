//! The first line against save floods: a token bucket per session, in this instance's memory.
//!
//! A session may save `burst` answers at once and `rate` a second after that — more than any person
//! clicking or typing reaches, far less than a script. A save beyond the bucket is refused with
//! `429 rate_limited` and `Retry-After` before it touches the database. The bound that holds across
//! instances is in the database (`store::delivery` keeps a bounded history per position); this limiter
//! only keeps a flood from reaching it, so with several instances a session may save up to `rate` a
//! second on each.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use uuid::Uuid;

/// Buckets are spread over this many locks, so that saves of different sessions rarely wait for one
/// another.
const SHARDS: usize = 16;
/// A shard holding more buckets than this drops the full ones (a full bucket is the same as none).
const MAX_BUCKETS_PER_SHARD: usize = 8192;

/// The limits of a session's saves.
#[derive(Debug, Clone, Copy)]
pub struct SaveRate {
    /// Saves a second, sustained; 0 turns the limiter off.
    pub per_second: f64,
    /// Saves at once.
    pub burst: u32,
}

/// A token bucket per session.
pub struct SaveLimiter {
    rate: SaveRate,
    shards: Vec<Mutex<HashMap<Uuid, Bucket>>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl SaveLimiter {
    pub fn new(rate: SaveRate) -> SaveLimiter {
        SaveLimiter {
            rate,
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
        }
    }

    /// Takes one save from the session's bucket at `now`, or says how long until one is available.
    pub fn take(&self, session: Uuid, now: Instant) -> Result<(), Duration> {
        if self.rate.per_second <= 0.0 {
            return Ok(());
        }
        let burst = f64::from(self.rate.burst.max(1));
        let shard = &self.shards[(session.as_u128() % SHARDS as u128) as usize];
        let mut buckets = shard.lock().expect("save limiter lock");
        if buckets.len() >= MAX_BUCKETS_PER_SHARD && !buckets.contains_key(&session) {
            let rate = self.rate.per_second;
            buckets.retain(|_, b| b.refilled(now, rate, burst) < burst);
        }
        let bucket = buckets.entry(session).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        bucket.tokens = bucket.refilled(now, self.rate.per_second, burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - bucket.tokens) / self.rate.per_second,
            ))
        }
    }
}

impl Bucket {
    fn refilled(&self, now: Instant, per_second: f64, burst: f64) -> f64 {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        (self.tokens + elapsed * per_second).min(burst)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_burst_then_the_rate() {
        let limiter = SaveLimiter::new(SaveRate {
            per_second: 2.0,
            burst: 5,
        });
        let session = Uuid::now_v7();
        let start = Instant::now();
        for _ in 0..5 {
            limiter.take(session, start).unwrap();
        }
        let wait = limiter.take(session, start).unwrap_err();
        assert_eq!(wait, Duration::from_millis(500));
        assert!(
            limiter.take(Uuid::now_v7(), start).is_ok(),
            "sessions are apart"
        );
        limiter.take(session, start + wait).unwrap();
        assert!(limiter.take(session, start + wait).is_err());
    }

    #[test]
    fn a_zero_rate_turns_the_limiter_off() {
        let limiter = SaveLimiter::new(SaveRate {
            per_second: 0.0,
            burst: 1,
        });
        let session = Uuid::now_v7();
        let now = Instant::now();
        assert!((0..1000).all(|_| limiter.take(session, now).is_ok()));
    }

    proptest! {
        /// Over any span, a session gets at most the burst plus the rate times the span.
        #[test]
        fn saves_never_exceed_burst_plus_rate(gaps_ms in prop::collection::vec(0u64..400, 1..300)) {
            let rate = SaveRate { per_second: 3.0, burst: 4 };
            let limiter = SaveLimiter::new(rate);
            let session = Uuid::now_v7();
            let start = Instant::now();
            let mut now = start;
            let mut granted = 0u32;
            for gap in gaps_ms {
                now += Duration::from_millis(gap);
                if limiter.take(session, now).is_ok() {
                    granted += 1;
                }
            }
            let span = (now - start).as_secs_f64();
            prop_assert!(f64::from(granted) <= f64::from(rate.burst) + rate.per_second * span + 1e-9);
        }
    }
}
