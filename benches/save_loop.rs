//! The floor of the save below HTTP: a bare loop of the product's own durable insert. CLIENTS tasks
//! in a closed loop each append answers to a session of their own through the server's group commit
//! (`store::delivery::append_response` on the running server's `SaveQueue`: the same conditional
//! statement, the same batching, the same fsync per commit), with no request, token, routing, access
//! rule or placement in front of it. `bench/saves.sh` runs it beside the HTTP save and the floor tool.
//!
//! The sessions are real: a server on a fresh SQLite data directory, one sitting of the A1 blueprint,
//! CLIENTS candidates registered, signed in and started over HTTP by `synaq load`'s own code; then every
//! answer goes to the open first section, each at a new position so that no history is pruned.
//!
//! Run: `cargo bench -p synaq --bench save_loop -- [CLIENTS=1000] [SECONDS=15]`; prints one JSON line.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::{Args, FromArgMatches};
use reqwest::Client;
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::json;
use synaq::config::Settings;
use synaq::loadtest::LoadOptions;
use synaq::startup::Application;
use synaq::store::delivery::{NewResponse, SessionGuard, append_response};
use synaq::store::entity::session;

const ADMIN_PASSWORD: &str = "bare-loop-admin-password";

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
    let started = synaq::loadtest::start_sessions(&client, &base, &options).await?;
    let sessions = session::Entity::find().all(&state.db).await?;
    anyhow::ensure!(
        sessions.len() == clients && started.len() == clients,
        "every candidate started"
    );

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
