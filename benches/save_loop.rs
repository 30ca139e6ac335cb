//! The floor of the save below HTTP: a bare loop of the product's own durable insert. CLIENTS tasks
//! in a closed loop each append answers to a session of their own through the server's group commit
//! (`store::delivery::append_response` on the running server's `SaveQueue`: the same conditional
//! statement, the same batching, the same fsync per commit), with no request, token, routing, access
//! rule or placement in front of it. `bench/saves.sh` runs it beside the HTTP save and the floor tool.
//!
//! The sessions are real: a server on a fresh SQLite data directory, one sitting of the A1 blueprint,
//! CLIENTS candidates registered, signed in and started over HTTP as `synaq load` does; then every
//! answer goes to the open first section, each at a new position so that no history is pruned.
//!
//! Run: `cargo bench -p synaq --bench save_loop -- [CLIENTS=1000] [SECONDS=15]`; prints one JSON line.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Args, FromArgMatches};
use reqwest::{Client, StatusCode};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::json;
use synaq::config::Settings;
use synaq::loadtest::{LoadOptions, setup};
use synaq::startup::Application;
use synaq::store::delivery::{NewResponse, SessionGuard, append_response};
use synaq::store::entity::session;

const ADMIN_PASSWORD: &str = "bare-loop-admin-password";
/// Sign-ins and starts made at once while preparing.
const AT_ONCE: usize = 8;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // `cargo bench` passes `--bench` first; the numbers follow.
    let numbers: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let clients = numbers.first().copied().unwrap_or(1000) as usize;
    let seconds = numbers.get(1).copied().unwrap_or(15);

    let data_dir = std::env::temp_dir().join(format!("synaq-save-loop-{}", uuid::Uuid::now_v7()));
    let settings = Settings {
        bind: "127.0.0.1:0".parse()?,
        data_dir: data_dir.clone(),
        content_dir: "item-bank/content".into(),
        save_rate_per_second: 0.0,
        ..Settings::default()
    };
    let app = Application::build(settings, Some(ADMIN_PASSWORD.into())).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());

    let client = Client::new();
    let flags = LoadOptions::augment_args(clap::Command::new("load")).get_matches_from([
        "load",
        "--candidates",
        &clients.to_string(),
    ]);
    let mut options = LoadOptions::from_arg_matches(&flags)?;
    options.admin_password = ADMIN_PASSWORD.into();
    let registrations = setup::register(&client, &base, &options).await?;
    start_all(&client, &base, registrations).await?;
    let sessions = session::Entity::find().all(&state.db).await?;
    anyhow::ensure!(sessions.len() == clients, "every candidate started");

    let stop = Arc::new(AtomicBool::new(false));
    let stored = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let mut loops = tokio::task::JoinSet::new();
    for s in sessions {
        let (state, stop, stored, refused) =
            (state.clone(), stop.clone(), stored.clone(), refused.clone());
        loops.spawn(async move {
            let backend = state.writer.get_database_backend();
            let user_agent = s.user_agent.clone().unwrap_or_default();
            let mut position = 1_000;
            while !stop.load(Ordering::Relaxed) {
                position += 1;
                let now = synaq::store::now();
                let key = format!("loop-{position}");
                let new = NewResponse {
                    session_id: s.id,
                    section_idx: s.current_section,
                    position,
                    idempotency_key: &key,
                    answer: json!({"choice": "b"}),
                    client_time_on_item_ms: Some(1_500),
                    now,
                    cutoff: now - chrono::Duration::seconds(10),
                    prune_to: None,
                    guard: SessionGuard {
                        registration_id: s.registration_id,
                        generation: s.token_generation,
                        client_ip: s.client_ip.clone().unwrap_or_default(),
                        user_agent: &user_agent,
                    },
                };
                let counter = match append_response(&state.saves, backend, new).await? {
                    Some(_) => &stored,
                    None => &refused,
                };
                counter.fetch_add(1, Ordering::Relaxed);
            }
            anyhow::Ok(())
        });
    }
    let began = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    let at_stop = stored.load(Ordering::Relaxed);
    let elapsed = began.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    while let Some(done) = loops.join_next().await {
        done??;
    }
    println!(
        "{}",
        json!({
            "clients": clients,
            "saves": at_stop,
            "saves_per_s": (at_stop as f64 / elapsed).round(),
            "refused": refused.load(Ordering::Relaxed),
        })
    );
    state.saves.drain().await;
    std::fs::remove_dir_all(&data_dir).ok();
    anyhow::ensure!(
        refused.load(Ordering::Relaxed) == 0,
        "every save of a running session is stored"
    );
    Ok(())
}

/// Signs every registration in and starts its session, a few at a time.
async fn start_all(
    client: &Client,
    base: &str,
    registrations: Vec<(String, String)>,
) -> anyhow::Result<()> {
    let mut pending = registrations.into_iter();
    let mut running = tokio::task::JoinSet::new();
    loop {
        while running.len() < AT_ONCE {
            let Some((registration, code)) = pending.next() else {
                break;
            };
            let (client, base) = (client.clone(), base.to_owned());
            running.spawn(async move { start(&client, &base, &registration, &code).await });
        }
        match running.join_next().await {
            Some(done) => done??,
            None => return Ok(()),
        }
    }
}

async fn start(client: &Client, base: &str, registration: &str, code: &str) -> anyhow::Result<()> {
    let token: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/token"))
        .json(&json!({"grant_type": "access_code", "registration_id": registration, "access_code": code}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = token["access_token"].as_str().context("a token")?;
    let started = client
        .post(format!("{base}/api/v1/sessions"))
        .bearer_auth(token)
        .send()
        .await?;
    anyhow::ensure!(
        started.status() == StatusCode::CREATED,
        "starting a session: {}",
        started.status()
    );
    Ok(())
}
