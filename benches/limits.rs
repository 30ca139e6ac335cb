//! The cost the save path pays for its rate limit, and the sign-in path for its throttle: one
//! `SessionLimiter::take` (a token bucket per session behind one of 16 locks), and one throttle `begin` and
//! `failed` (three keys in one map), with 10,000 sessions or accounts already known.
//!
//! Run: `cargo bench -p synaq --bench limits`

use std::hint::black_box;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use synaq::auth::throttle::{Attempt, Credential, Limits, Throttle};
use synaq::services::rate_limit::{Rate, SessionLimiter};
use uuid::Uuid;

fn save_rate(c: &mut Criterion) {
    let limiter = SessionLimiter::new(Rate {
        per_second: 1e9,
        burst: 1_000_000,
    });
    let sessions: Vec<Uuid> = (0..10_000).map(|_| Uuid::now_v7()).collect();
    let mut i = 0;
    c.bench_function("save_rate_take", |b| {
        b.iter(|| {
            i = (i + 1) % sessions.len();
            black_box(limiter.take(black_box(sessions[i]), 1, Instant::now())).ok();
        })
    });
}

fn sign_in_throttle(c: &mut Criterion) {
    let throttle = Throttle::new(Limits {
        pair: u32::MAX,
        account: u32::MAX,
        address: u32::MAX,
        max_delay: Duration::from_secs(900),
    });
    let attempts: Vec<Attempt> = (0..10_000u32)
        .map(|n| Attempt {
            credential: Credential::Password,
            account: format!("user-{n}"),
            address: IpAddr::from(n.to_be_bytes()),
        })
        .collect();
    let mut i = 0;
    c.bench_function("throttle_begin_failed", |b| {
        b.iter(|| {
            i = (i + 1) % attempts.len();
            if let Ok(pending) = throttle.begin(black_box(&attempts[i]), Instant::now()) {
                pending.failed();
            }
        })
    });
}

criterion_group!(benches, save_rate, sign_in_throttle);
criterion_main!(benches);
