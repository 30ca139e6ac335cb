//! `synaq load`: a load driver that runs simulated candidates through the whole flow against a running
//! server — sign in, start, answer every item with think time, submit, finish — and reports throughput and
//! latency percentiles per call. At the end it opens the server's database and checks that every answer
//! the server acknowledged is stored.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use rand::Rng;
use reqwest::{Client, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::store::entity::response_event;

/// What to run.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub base_url: String,
    pub candidates: usize,
    pub admin_password: String,
    /// Mean think time between two answers; each pause is uniform on [0, 2 × mean].
    pub think_ms: u64,
    /// The server's database, to check that acknowledged answers are stored.
    pub database_url: Option<String>,
    /// Integrity events each candidate's page sends a minute (0: none), one event a batch, as a page
    /// reporting focus and resize changes would.
    pub events_per_minute: u32,
    /// Bogus staff sign-ins (unknown usernames) sent all at once as the candidates start, to show that
    /// they do not keep candidates from signing in (`bogus_sign_in` in the report).
    pub flood: usize,
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
    pub think_ms: u64,
    pub events_per_minute: u32,
    pub setup_seconds: f64,
    pub run_seconds: f64,
    /// Sessions started per second: starts over the time from the run's beginning to the last start.
    pub starts_per_second: f64,
    /// Saves acknowledged per second over the whole run.
    pub saves_per_second: f64,
    pub calls: HashMap<String, CallStats>,
    pub acknowledged_answers: usize,
    /// Acknowledged answers found in the database (`None` when no database was given).
    pub stored_answers: Option<usize>,
}

#[derive(Default)]
struct Recorder {
    latencies: HashMap<&'static str, Vec<Duration>>,
    errors: HashMap<&'static str, usize>,
    start_times: Vec<Instant>,
    acknowledged: Vec<(Uuid, String)>,
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

/// Runs the load and returns the report.
pub async fn run(options: LoadOptions) -> anyhow::Result<LoadReport> {
    let client = Client::builder()
        .pool_max_idle_per_host(4096)
        .timeout(Duration::from_secs(120))
        .build()?;
    let base = options.base_url.trim_end_matches('/').to_owned();

    let setup_start = Instant::now();
    let admin = json_ok(
        client
            .post(format!("{base}/api/v1/auth/token"))
            .json(&json!({"grant_type": "password", "username": "admin", "password": options.admin_password}))
            .send()
            .await?,
        &[StatusCode::OK],
    )
    .await
    .context("signing in as admin")?;
    let admin = admin["access_token"]
        .as_str()
        .context("a token")?
        .to_owned();
    let now = chrono::Utc::now();
    let sitting = json_ok(
        client
            .post(format!("{base}/api/v1/sittings"))
            .bearer_auth(&admin)
            .json(&json!({"blueprint": "kaztest-a1-preselection", "mode": "centre",
                "opens_at": now - chrono::Duration::minutes(5), "closes_at": now + chrono::Duration::hours(6)}))
            .send()
            .await?,
        &[StatusCode::CREATED],
    )
    .await
    .context("creating the sitting")?;
    let sitting = sitting["id"].as_str().context("a sitting id")?.to_owned();
    let run_tag = Uuid::now_v7().simple().to_string();
    let mut registrations = Vec::with_capacity(options.candidates);
    for i in 0..options.candidates {
        let c = json_ok(
            client
                .post(format!("{base}/api/v1/candidates"))
                .bearer_auth(&admin)
                .json(&json!({"full_name": format!("Кандидат {i}"), "document_number": format!("L{}{i:06}", &run_tag[20..])}))
                .send()
                .await?,
            &[StatusCode::CREATED],
        )
        .await?;
        let r = json_ok(
            client
                .post(format!("{base}/api/v1/sittings/{sitting}/registrations"))
                .bearer_auth(&admin)
                .json(&json!({"candidate_id": c["id"]}))
                .send()
                .await?,
            &[StatusCode::CREATED],
        )
        .await?;
        registrations.push((
            r["registration_id"]
                .as_str()
                .context("registration id")?
                .to_owned(),
            r["access_code"].as_str().context("access code")?.to_owned(),
        ));
    }
    let setup_seconds = setup_start.elapsed().as_secs_f64();
    eprintln!(
        "registered {} candidates in {setup_seconds:.1} s; starting the run",
        options.candidates
    );

    let rec: Shared = Arc::new(Mutex::new(Recorder::default()));
    let run_start = Instant::now();
    let mut flood = tokio::task::JoinSet::new();
    for i in 0..options.flood {
        let (client, base, rec) = (client.clone(), base.clone(), rec.clone());
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
    for (registration, code) in registrations {
        let (client, base, rec) = (client.clone(), base.clone(), rec.clone());
        let pace = Pace {
            think_ms: options.think_ms,
            events_per_minute: options.events_per_minute,
        };
        tasks.spawn(
            async move { candidate(&client, &base, &rec, &registration, &code, pace).await },
        );
    }
    let mut failed = 0;
    while let Some(done) = tasks.join_next().await {
        if let Err(e) = done.map_err(anyhow::Error::from).and_then(|r| r) {
            failed += 1;
            if failed <= 5 {
                eprintln!("a candidate failed: {e:#}");
            }
        }
    }
    flood.join_all().await;
    let run_seconds = run_start.elapsed().as_secs_f64();
    let rec = Arc::try_unwrap(rec)
        .map_err(|_| anyhow::anyhow!("tasks still hold the recorder"))?
        .into_inner()?;

    let stored_answers = match &options.database_url {
        Some(url) => Some(count_stored(url, &rec.acknowledged).await?),
        None => None,
    };
    let start_span = rec
        .start_times
        .iter()
        .max()
        .map_or(1.0, |last| (*last - run_start).as_secs_f64().max(1e-3));
    let saves = rec.latencies.get("save").map_or(0, Vec::len);
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
        think_ms: options.think_ms,
        events_per_minute: options.events_per_minute,
        setup_seconds,
        run_seconds,
        starts_per_second: rec.start_times.len() as f64 / start_span,
        saves_per_second: saves as f64 / run_seconds,
        calls,
        acknowledged_answers: rec.acknowledged.len(),
        stored_answers,
    })
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

/// How a simulated candidate paces their answers and their page's integrity events.
#[derive(Clone, Copy)]
struct Pace {
    think_ms: u64,
    events_per_minute: u32,
}

/// One candidate's whole sitting.
async fn candidate(
    client: &Client,
    base: &str,
    rec: &Shared,
    registration: &str,
    code: &str,
    pace: Pace,
) -> anyhow::Result<()> {
    let think_ms = pace.think_ms;
    let event_every = (pace.events_per_minute > 0)
        .then(|| Duration::from_millis(60_000 / u64::from(pace.events_per_minute)));
    let mut last_event = Instant::now();
    let token = timed(rec, "sign_in", async {
        // A server too busy to check the code now says when to try again, and a page does so.
        let mut attempt = 0;
        let resp = loop {
            attempt += 1;
            let resp = client
                .post(format!("{base}/api/v1/auth/token"))
                .json(&json!({"grant_type": "access_code", "registration_id": registration, "access_code": code}))
                .send()
                .await?;
            let busy = matches!(
                resp.status(),
                StatusCode::SERVICE_UNAVAILABLE | StatusCode::TOO_MANY_REQUESTS
            );
            if !busy || attempt == 30 {
                break resp;
            }
            tokio::time::sleep(retry_after(&resp)).await;
        };
        let body = json_ok(resp, &[StatusCode::OK]).await?;
        Ok(body["access_token"].as_str().context("a token")?.to_owned())
    })
    .await?;
    let session = timed(rec, "start", async {
        json_ok(
            client
                .post(format!("{base}/api/v1/sessions"))
                .bearer_auth(&token)
                .send()
                .await?,
            &[StatusCode::CREATED, StatusCode::OK],
        )
        .await
    })
    .await?;
    rec.lock()
        .expect("recorder lock")
        .start_times
        .push(Instant::now());
    let session_id: Uuid = session["id"].as_str().context("a session id")?.parse()?;
    let mut view = session;
    loop {
        let open = view["sections"]
            .as_array()
            .and_then(|s| s.iter().find(|s| s["status"] == "open").cloned());
        let Some(section) = open else { break };
        for item in section["items"].as_array().cloned().unwrap_or_default() {
            let pause = rand::rng().random_range(0..=think_ms.saturating_mul(2));
            tokio::time::sleep(Duration::from_millis(pause)).await;
            let position = item["position"].as_i64().context("a position")?;
            let answer = match item["options"].as_array() {
                Some(opts) if !opts.is_empty() => {
                    let pick = rand::rng().random_range(0..opts.len());
                    json!({"choice": opts[pick]["id"]})
                }
                _ => json!({"text": "кітап"}),
            };
            let key = Uuid::now_v7().to_string();
            timed(rec, "save", async {
                // A save lost in transit is sent again with the same key, as a browser would: the
                // server applies it once.
                let url = format!("{base}/api/v1/sessions/{session_id}/responses/{position}");
                let mut attempt = 0;
                loop {
                    attempt += 1;
                    let sent = client
                        .put(&url)
                        .bearer_auth(&token)
                        .header("Idempotency-Key", &key)
                        .json(&json!({"answer": answer}))
                        .send()
                        .await;
                    match sent {
                        // Faster than the server accepts from one session: wait as it says.
                        Ok(resp)
                            if resp.status() == StatusCode::TOO_MANY_REQUESTS && attempt < 30 =>
                        {
                            tokio::time::sleep(retry_after(&resp)).await;
                        }
                        Ok(resp) => return json_ok(resp, &[StatusCode::OK]).await,
                        Err(e) if attempt < 3 => eprintln!("a save is sent again after: {e}"),
                        Err(e) => return Err(e.into()),
                    }
                }
            })
            .await?;
            rec.lock()
                .expect("recorder lock")
                .acknowledged
                .push((session_id, key));
            if event_every.is_some_and(|every| last_event.elapsed() >= every) {
                last_event = Instant::now();
                let url = format!("{base}/api/v1/sessions/{session_id}/integrity-events");
                let batch = json!({"events": [{"type": "resize", "at": chrono::Utc::now()}]});
                let sent = client.post(url).bearer_auth(&token).json(&batch);
                timed(rec, "integrity_events", async {
                    json_ok(sent.send().await?, &[StatusCode::ACCEPTED]).await
                })
                .await?;
            }
        }
        let submit = format!("{base}/api/v1/sessions/{session_id}/sections/current/submit");
        view = call(
            rec,
            "submit_section",
            client
                .post(submit)
                .bearer_auth(&token)
                .json(&json!({"section": section["id"]})),
        )
        .await?;
    }
    let finish = format!("{base}/api/v1/sessions/{session_id}/finish");
    call(rec, "finish", client.post(finish).bearer_auth(&token)).await?;
    let result = format!("{base}/api/v1/sessions/{session_id}/result");
    call(rec, "result", client.get(result).bearer_auth(&token)).await?;
    Ok(())
}

/// How many of the acknowledged (session, idempotency key) pairs the database holds.
async fn count_stored(url: &str, acknowledged: &[(Uuid, String)]) -> anyhow::Result<usize> {
    let db = sea_orm::Database::connect(url).await?;
    let mut by_session: HashMap<Uuid, Vec<&str>> = HashMap::new();
    for (s, k) in acknowledged {
        by_session.entry(*s).or_default().push(k);
    }
    let mut found = 0;
    for (session, keys) in by_session {
        let stored: Vec<String> = response_event::Entity::find()
            .select_only()
            .column(response_event::Column::IdempotencyKey)
            .filter(response_event::Column::SessionId.eq(session))
            .into_tuple()
            .all(&db)
            .await?;
        found += keys
            .iter()
            .filter(|k| stored.iter().any(|s| s == *k))
            .count();
    }
    Ok(found)
}
