//! The first line against floods from one session (answer saves, integrity events): a token bucket per
//! session, in this instance's memory.
//!
//! A session may spend `burst` at once and `per_second` a second after that — more than any person
//! clicking or typing, or any honest page, reaches; far less than a script. A request beyond the bucket
//! is refused with `429 rate_limited` and `Retry-After` before it touches the database. The bounds that
//! hold across instances are in the database (`store::delivery` keeps a bounded history per position);
//! a limiter only keeps a flood from reaching it, so with several instances a session may spend up to
//! `per_second` a second on each.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use uuid::Uuid;

/// Buckets are spread over this many locks, so that saves of different sessions rarely wait for one
/// another.
const SHARDS: usize = 16;
/// A shard holding more buckets than this drops the full ones (a full bucket is the same as none).
const MAX_BUCKETS_PER_SHARD: usize = 8192;

/// The limits of what a session may spend.
#[derive(Debug, Clone, Copy)]
pub struct Rate {
    /// Units a second, sustained; 0 turns the limiter off.
    pub per_second: f64,
    /// Units at once.
    pub burst: u32,
}

/// A token bucket per session.
pub struct SessionLimiter {
    rate: Rate,
    shards: Vec<Mutex<HashMap<Uuid, Bucket>>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl SessionLimiter {
    pub fn new(rate: Rate) -> SessionLimiter {
        SessionLimiter {
            rate,
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
        }
    }

    /// Takes `cost` units (a save is 1, an events batch its number of events) from the session's bucket
    /// at `now`, or says how long until they are available. A cost above the burst is never available.
    pub fn take(&self, session: Uuid, cost: u32, now: Instant) -> Result<(), Duration> {
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
        let cost = f64::from(cost);
        if cost > burst {
            return Err(Duration::from_secs_f64(burst / self.rate.per_second));
        }
        if bucket.tokens >= cost {
            bucket.tokens -= cost;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (cost - bucket.tokens) / self.rate.per_second,
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
        let limiter = SessionLimiter::new(Rate {
            per_second: 2.0,
            burst: 5,
        });
        let session = Uuid::now_v7();
        let start = Instant::now();
        for _ in 0..5 {
            limiter.take(session, 1, start).unwrap();
        }
        let wait = limiter.take(session, 1, start).unwrap_err();
        assert_eq!(wait, Duration::from_millis(500));
        assert!(
            limiter.take(Uuid::now_v7(), 1, start).is_ok(),
            "sessions are apart"
        );
        limiter.take(session, 1, start + wait).unwrap();
        assert!(limiter.take(session, 1, start + wait).is_err());
    }

    #[test]
    fn a_cost_is_taken_whole_or_not_at_all() {
        let limiter = SessionLimiter::new(Rate {
            per_second: 10.0,
            burst: 600,
        });
        let session = Uuid::now_v7();
        let now = Instant::now();
        limiter.take(session, 550, now).unwrap();
        assert_eq!(
            limiter.take(session, 100, now).unwrap_err(),
            Duration::from_secs(5)
        );
        limiter.take(session, 50, now).unwrap();
        assert!(limiter.take(Uuid::now_v7(), 601, now).is_err());
    }

    #[test]
    fn a_zero_rate_turns_the_limiter_off() {
        let limiter = SessionLimiter::new(Rate {
            per_second: 0.0,
            burst: 1,
        });
        let session = Uuid::now_v7();
        let now = Instant::now();
        assert!((0..1000).all(|_| limiter.take(session, 1, now).is_ok()));
    }

    proptest! {
        /// Over any span, a session gets at most the burst plus the rate times the span.
        #[test]
        fn saves_never_exceed_burst_plus_rate(gaps_ms in prop::collection::vec(0u64..400, 1..300)) {
            let rate = Rate { per_second: 3.0, burst: 4 };
            let limiter = SessionLimiter::new(rate);
            let session = Uuid::now_v7();
            let start = Instant::now();
            let mut now = start;
            let mut granted = 0u32;
            for gap in gaps_ms {
                now += Duration::from_millis(gap);
                if limiter.take(session, 1, now).is_ok() {
                    granted += 1;
                }
            }
            let span = (now - start).as_secs_f64();
            prop_assert!(f64::from(granted) <= f64::from(rate.burst) + rate.per_second * span + 1e-9);
        }
    }
}
