//! `synaq load`: a load driver that runs simulated candidates through the whole flow against one running
//! server or several instances on one database — sign in, start, answer every item with think time,
//! submit, finish — and reports throughput and latency percentiles per call. Candidates may arrive over a
//! ramp, answer only the first sections (the start spike), move to another instance half-way, or walk away
//! and leave the closing to the server's clock. At the end it opens the server's database and checks that
//! every answer the server acknowledged is stored and that sections and certificates happened once
//! (`checks`).

mod candidate;
mod checks;
mod setup;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use reqwest::{Client, StatusCode};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

pub use checks::{Consistency, Lateness};

/// What to run (the `synaq load` flags).
#[derive(Debug, Clone, clap::Args)]
pub struct LoadOptions {
    /// A server instance; repeat it to spread candidates across instances on one database (candidate i
    /// starts on instance i mod N and moves to the next one half-way through its first section).
    #[arg(
        long = "base-url",
        visible_alias = "base",
        default_value = "http://127.0.0.1:8080"
    )]
    pub base_urls: Vec<String>,
    #[arg(long, default_value_t = 100)]
    pub candidates: usize,
    /// Mean pause between two answers, in milliseconds; each pause is uniform on [0, 2 × mean].
    #[arg(long, default_value_t = 500)]
    pub think_ms: u64,
    /// Candidates arrive evenly over this many seconds (0: all at once).
    #[arg(long, default_value_t = 0)]
    pub ramp_seconds: u64,
    /// Answer only the first N sections and stop there (0: the whole test, then finish).
    #[arg(long, default_value_t = 0)]
    pub sections: usize,
    /// Run on a copy of the A1 blueprint whose every section lasts this many seconds (at least 60), so that
    /// the server's clock closes the sections of candidates who are too slow or walk away.
    #[arg(long)]
    pub time_limit_seconds: Option<u32>,
    /// Percent of candidates who walk away half-way through the first section (needs
    /// --time-limit-seconds: they come back only to read the result the server's clock produced).
    #[arg(long, default_value_t = 0)]
    pub abandon_percent: u32,
    /// A request answered later than this is counted as an error (as a client that gave up).
    #[arg(long, default_value_t = 60)]
    pub timeout_seconds: u64,
    /// The server's database, to check every acknowledged answer is stored and every section and
    /// certificate happened once.
    #[arg(long)]
    pub database_url: Option<String>,
    /// The servers' grace after a deadline and their sweep interval, for the check that sections closed
    /// in time (seconds; the defaults are the servers').
    #[arg(long, default_value_t = 10)]
    pub grace_seconds: i64,
    #[arg(long, default_value_t = 5)]
    pub sweep_interval_seconds: i64,
    /// Integrity events each candidate's page sends a minute (0: none), one event a batch, as a page
    /// reporting focus and resize changes would.
    #[arg(long, default_value_t = 0)]
    pub events_per_minute: u32,
    /// Bogus staff sign-ins (unknown usernames) sent all at once as the candidates start, to show that
    /// they do not keep candidates from signing in (`bogus_sign_in` in the report).
    #[arg(long, default_value_t = 0)]
    pub flood: usize,
    /// The admin password (read from SYNAQ_ADMIN_PASSWORD).
    #[arg(skip)]
    pub admin_password: String,
}

/// Latencies of one kind of call.
#[derive(Debug, Serialize)]
pub struct CallStats {
    pub count: usize,
    pub errors: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// What a run measured.
#[derive(Debug, Serialize)]
pub struct LoadReport {
    pub candidates: usize,
    pub instances: usize,
    pub think_ms: u64,
    pub ramp_seconds: u64,
    pub events_per_minute: u32,
    pub setup_seconds: f64,
    pub run_seconds: f64,
    /// Sessions started per second: starts over the time from the run's beginning to the last start.
    pub starts_per_second: f64,
    /// Saves acknowledged per second over the whole run (sign-ins, starts and finishes included).
    pub saves_per_second: f64,
    /// Saves acknowledged per second in the busiest five seconds of the run: the sustained save rate.
    pub peak_saves_per_second: f64,
    /// Candidates whose sitting failed (the first errors are printed).
    pub failed_candidates: usize,
    /// Candidates who walked away and had their sections closed by the server's clock.
    pub abandoned: usize,
    pub calls: HashMap<String, CallStats>,
    pub acknowledged_answers: usize,
    /// What the database says (`None` when no database was given).
    pub consistency: Option<Consistency>,
}

impl LoadReport {
    /// No error anywhere and, when the database was checked, everything held.
    pub fn clean(&self) -> bool {
        self.failed_candidates == 0
            && self.calls.values().all(|c| c.errors == 0)
            && self
                .consistency
                .as_ref()
                .is_none_or(|c| c.holds(self.acknowledged_answers))
    }
}

#[derive(Default)]
struct Recorder {
    latencies: HashMap<&'static str, Vec<Duration>>,
    errors: HashMap<&'static str, usize>,
    start_times: Vec<Instant>,
    acknowledged: Vec<(Uuid, String)>,
    /// When each save was acknowledged.
    saved_at: Vec<Instant>,
    abandoned: usize,
}

type Shared = Arc<Mutex<Recorder>>;

async fn timed<F, T>(rec: &Shared, kind: &'static str, f: F) -> anyhow::Result<T>
where
    F: std::future::Future<Output = anyhow::Result<T>>,
{
    let t0 = Instant::now();
    let out = f.await;
    let elapsed = t0.elapsed();
    let mut r = rec.lock().expect("recorder lock");
    match &out {
        Ok(_) => r.latencies.entry(kind).or_default().push(elapsed),
        Err(_) => *r.errors.entry(kind).or_default() += 1,
    }
    out
}

async fn json_ok(resp: reqwest::Response, expect: &[StatusCode]) -> anyhow::Result<Value> {
    let status = resp.status();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    if !expect.contains(&status) {
        bail!("unexpected {status}: {body}");
    }
    Ok(body)
}

/// Registers `options.candidates` candidates in a new sitting on `base`, signs each in and starts its
/// session, a few at a time; the sessions' ids. For measurements that drive the sessions by other means
/// than the API (`benches/save_loop.rs`).
pub async fn start_sessions(
    client: &Client,
    base: &str,
    options: &LoadOptions,
) -> anyhow::Result<Vec<Uuid>> {
    let registrations = Arc::new(setup::register(client, base, options).await?);
    let rec: Shared = Arc::default();
    setup::few_at_a_time(registrations.len(), |i| {
        let (client, base, rec, registrations) = (
            client.clone(),
            base.to_owned(),
            rec.clone(),
            registrations.clone(),
        );
        async move {
            let (registration, code) = &registrations[i];
            let (_, session) = candidate::begin(&client, &base, &rec, registration, code).await?;
            Ok(session["id"].as_str().context("a session id")?.parse()?)
        }
    })
    .await
}

/// Runs the load and returns the report.
pub async fn run(options: LoadOptions) -> anyhow::Result<LoadReport> {
    if options.abandon_percent > 0 && options.time_limit_seconds.is_none() {
        bail!(
            "--abandon-percent needs --time-limit-seconds: the server's clock closes what is left"
        );
    }
    if options.base_urls.is_empty() {
        bail!("give at least one --base-url");
    }
    let client = Client::builder()
        .pool_max_idle_per_host(4096)
        // Below the server's keep-alive (5 s): a connection the server is closing is never reused, which
        // would otherwise race and fail a request (`408` or a reset) that no server ever refused.
        .pool_idle_timeout(Duration::from_secs(4))
        .timeout(Duration::from_secs(options.timeout_seconds))
        .build()?;
    let bases: Vec<String> = options
        .base_urls
        .iter()
        .map(|b| b.trim_end_matches('/').to_owned())
        .collect();
    let setup_start = Instant::now();
    let registrations = setup::register(&client, &bases[0], &options).await?;
    let setup_seconds = setup_start.elapsed().as_secs_f64();
    eprintln!(
        "registered {} candidates in {setup_seconds:.1} s; starting the run",
        options.candidates
    );

    let rec: Shared = Arc::new(Mutex::new(Recorder::default()));
    let run_start = Instant::now();
    let mut flood = tokio::task::JoinSet::new();
    for i in 0..options.flood {
        let (client, base, rec) = (client.clone(), bases[0].clone(), rec.clone());
        flood.spawn(async move {
            let request = client
                .post(format!("{base}/api/v1/auth/token"))
                .json(&json!({"grant_type": "password", "username": format!("bogus-{i}"), "password": "not-a-password"}));
            // Refused any way but an error of the server's: unknown (401), throttled (429), busy (503).
            let refused = [
                StatusCode::UNAUTHORIZED,
                StatusCode::TOO_MANY_REQUESTS,
                StatusCode::SERVICE_UNAVAILABLE,
            ];
            let _ = timed(&rec, "bogus_sign_in", async {
                json_ok(request.send().await?, &refused).await
            })
            .await;
        });
    }
    let mut tasks = tokio::task::JoinSet::new();
    let arrival_gap = Duration::from_secs(options.ramp_seconds)
        .checked_div(options.candidates as u32)
        .unwrap_or_default();
    for (i, (registration, code)) in registrations.into_iter().enumerate() {
        let (client, rec) = (client.clone(), rec.clone());
        let first = bases[i % bases.len()].clone();
        let second = bases[(i + 1) % bases.len()].clone();
        let pace = candidate::Pace {
            think_ms: options.think_ms,
            events_per_minute: options.events_per_minute,
            sections: options.sections,
            abandon: (i % 100) < options.abandon_percent as usize,
        };
        let arrival = run_start + arrival_gap * i as u32;
        tasks.spawn(async move {
            tokio::time::sleep_until(arrival.into()).await;
            let route = candidate::Route {
                first: &first,
                second: &second,
            };
            candidate::sit(&client, route, &rec, &registration, &code, pace).await
        });
    }
    let mut failed = 0;
    let mut sessions = Vec::with_capacity(options.candidates);
    while let Some(done) = tasks.join_next().await {
        match done.map_err(anyhow::Error::from).and_then(|r| r) {
            Ok(session) => sessions.push(session),
            Err(e) => {
                failed += 1;
                if failed <= 5 {
                    eprintln!("a candidate failed: {e:#}");
                }
            }
        }
    }
    flood.join_all().await;
    let run_seconds = run_start.elapsed().as_secs_f64();
    let rec = Arc::try_unwrap(rec)
        .map_err(|_| anyhow::anyhow!("tasks still hold the recorder"))?
        .into_inner()?;

    let lateness = Lateness {
        grace_seconds: options.grace_seconds,
        sweep_interval_seconds: options.sweep_interval_seconds,
    };
    // A candidate who failed half-way has acknowledged answers too: their session is checked as well.
    sessions.extend(rec.acknowledged.iter().map(|(s, _)| *s));
    sessions.sort_unstable();
    sessions.dedup();
    let consistency = match &options.database_url {
        Some(url) => Some(checks::check(url, &sessions, &rec.acknowledged, lateness).await?),
        None => None,
    };
    let start_span = rec
        .start_times
        .iter()
        .max()
        .map_or(1.0, |last| (*last - run_start).as_secs_f64().max(1e-3));
    let saves = rec.latencies.get("save").map_or(0, Vec::len);
    let peak_saves_per_second = peak_rate(&rec.saved_at, run_start, Duration::from_secs(5));
    let calls = rec
        .latencies
        .iter()
        .map(|(kind, lat)| {
            (
                kind.to_string(),
                stats(lat, rec.errors.get(kind).copied().unwrap_or(0)),
            )
        })
        .chain(
            rec.errors
                .iter()
                .filter(|(k, _)| !rec.latencies.contains_key(*k))
                .map(|(k, &e)| (k.to_string(), stats(&[], e))),
        )
        .collect();
    Ok(LoadReport {
        candidates: options.candidates,
        instances: bases.len(),
        think_ms: options.think_ms,
        ramp_seconds: options.ramp_seconds,
        events_per_minute: options.events_per_minute,
        setup_seconds,
        run_seconds,
        starts_per_second: rec.start_times.len() as f64 / start_span,
        saves_per_second: saves as f64 / run_seconds,
        peak_saves_per_second,
        failed_candidates: failed,
        abandoned: rec.abandoned,
        calls,
        acknowledged_answers: rec.acknowledged.len(),
        consistency,
    })
}

/// Events per second in the busiest `window` (whole seconds from `start`) among those at `times`.
fn peak_rate(times: &[Instant], start: Instant, window: Duration) -> f64 {
    let mut per_second: Vec<u64> = Vec::new();
    for t in times {
        let s = t.saturating_duration_since(start).as_secs() as usize;
        if per_second.len() <= s {
            per_second.resize(s + 1, 0);
        }
        per_second[s] += 1;
    }
    let w = (window.as_secs() as usize).max(1);
    let best = per_second
        .windows(w.min(per_second.len().max(1)))
        .map(|win| win.iter().sum::<u64>())
        .max()
        .unwrap_or(0);
    best as f64 / w as f64
}

fn stats(lat: &[Duration], errors: usize) -> CallStats {
    let mut ms: Vec<f64> = lat.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    let q = |p: f64| {
        if ms.is_empty() {
            0.0
        } else {
            ms[((ms.len() - 1) as f64 * p).round() as usize]
        }
    };
    let round = |x: f64| (x * 10.0).round() / 10.0;
    CallStats {
        count: ms.len(),
        errors,
        p50_ms: round(q(0.50)),
        p95_ms: round(q(0.95)),
        p99_ms: round(q(0.99)),
        max_ms: round(ms.last().copied().unwrap_or(0.0)),
    }
}

/// The wait a `429` or `503` asks for (`Retry-After`, in seconds; 1 s when absent).
fn retry_after(resp: &reqwest::Response) -> Duration {
    let seconds = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .unwrap_or(1);
    Duration::from_secs(seconds)
}

/// Sends one request expecting 200, timed as `kind`.
async fn call(
    rec: &Shared,
    kind: &'static str,
    request: reqwest::RequestBuilder,
) -> anyhow::Result<Value> {
    timed(rec, kind, async {
        json_ok(request.send().await?, &[StatusCode::OK]).await
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peak_rate_is_the_busiest_window() {
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        // 2 events in second 0, 10 in seconds 3–4, 1 in second 9.
        let mut times = vec![at(100), at(900)];
        times.extend((0..10).map(|i| at(3_000 + i * 150)));
        times.push(at(9_500));
        assert_eq!(peak_rate(&times, start, Duration::from_secs(2)), 5.0);
        assert_eq!(peak_rate(&[], start, Duration::from_secs(5)), 0.0);
    }
}
