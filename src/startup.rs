//! Building the application: open the store, keys and bank, then serve. Tests start it on port 0.
//!
//! A stop ([`Application::run_until`]) ends in this order: the listeners stop accepting and finish the
//! requests in flight (for at most `shutdown_timeout_seconds`), the sweeper finishes its pass, the
//! exposure counts are written, the save queue commits every save it holds, and the database lock is
//! released.

use std::future::Future;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use tracing_actix_web::TracingLogger;

use crate::auth::hashing::{HashPool, LaneLimits};
use crate::auth::throttle::{Limits, Throttle};
use crate::auth::{KeyRing, TokenVerifier};
use crate::config::Settings;
use crate::metrics::Metrics;
pub use crate::services::AppState;
use crate::services::integrity;
use crate::services::rate_limit::{Rate, SessionLimiter};
use crate::services::{bootstrap, exposure, sweeper};
use crate::shutdown::Shutdown;
use crate::store::lock::DatabaseLock;
use crate::{error, routes, security_headers, store};

/// A built, bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    /// The `metrics_bind` listener, when set, and its port.
    metrics: Option<(u16, Server)>,
    state: AppState,
    /// Held while the server runs on an SQLite database (see [`crate::store::lock`]).
    lock: Option<DatabaseLock>,
}

impl Application {
    /// Locks an SQLite database (refusing to start if another server holds it), migrates the database,
    /// loads or creates the signing key, imports the starter bank into an empty database, creates
    /// `admin` when there is no user, and binds the listeners.
    pub async fn build(
        settings: Settings,
        admin_password: Option<String>,
    ) -> anyhow::Result<Application> {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "creating the data directory {}",
                settings.data_dir.display()
            )
        })?;
        if settings.save_dry_run {
            tracing::warn!(
                "save_dry_run is set: saves are acknowledged and NOT stored (for measuring the save path only)"
            );
        }
        let lock = settings
            .sqlite_file()
            .map(|file| DatabaseLock::acquire(&file))
            .transpose()?;
        let pools =
            store::connect(&settings.effective_database_url(), settings.max_connections).await?;
        let keys = Arc::new(KeyRing::open(&settings.data_dir, &pools.write).await?);
        bootstrap::ensure_bank(&pools.write, &settings.content_dir).await?;
        bootstrap::ensure_admin(&pools.write, admin_password).await?;
        bootstrap::ensure_candidate_keys(&pools.write).await?;
        let listener = TcpListener::bind(settings.bind)
            .with_context(|| format!("binding {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let metrics = Arc::new(Metrics::default());
        let state = AppState {
            db: pools.read,
            saves: store::save_queue::SaveQueue::new(pools.write.clone(), metrics.saves.clone()),
            write_lane: crate::services::write_lane::WriteLane::start()?,
            save_rate: Arc::new(SessionLimiter::new(Rate {
                per_second: settings.save_rate_per_second,
                burst: settings.save_burst,
            })),
            writer: pools.write,
            items: Default::default(),
            hashing: Arc::new(HashPool::new(
                LaneLimits {
                    slots: settings.hash_slots_light,
                    queue: settings.hash_queue_light,
                },
                LaneLimits {
                    slots: settings.hash_slots_strong,
                    queue: settings.hash_queue_strong,
                },
            )),
            policy: Arc::new(load_policy(&settings)?),
            throttle: Arc::new(Throttle::new(Limits {
                pair: settings.throttle_pair_failures,
                account: settings.throttle_account_failures,
                address: settings.throttle_address_failures,
                max_delay: Duration::from_secs(settings.throttle_max_delay_seconds),
            })),
            settings: Arc::new(settings),
            keys,
            admissions: Default::default(),
            blueprints: Default::default(),
            placements: Default::default(),
            exposure: Default::default(),
            event_rate: Arc::new(SessionLimiter::new(integrity::EVENT_RATE)),
            metrics,
            shutdown: Shutdown::default(),
        };
        let data = web::Data::new(state.clone());
        let metrics_data = web::Data::from(state.metrics.clone());
        let verifier = web::Data::new(TokenVerifier {
            keys: state.keys.clone(),
            issuer: state.settings.issuer.clone(),
            accounts: state.db.clone(),
            recent: Default::default(),
        });
        let metrics = match state.settings.metrics_bind {
            Some(bind) => Some(metrics_listener(&state, bind)?),
            None => None,
        };
        let server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(crate::auth::bearer::authenticate))
                .wrap(from_fn(error::problems))
                .wrap(from_fn(security_headers::apply))
                .wrap(TracingLogger::<crate::telemetry::RequestSpan>::new())
                .wrap(from_fn(crate::metrics::requests::record))
                .app_data(data.clone())
                .app_data(metrics_data.clone())
                .app_data(verifier.clone())
                .app_data(error::payload_config())
                .app_data(error::json_config())
                .app_data(error::query_config())
                .app_data(error::path_config())
                .configure(routes::configure)
                .default_service(web::to(routes::unrouted))
        })
        .shutdown_timeout(state.settings.shutdown_timeout_seconds)
        .shutdown_signal(state.shutdown.begun())
        .listen(listener)?
        .run();
        Ok(Application {
            port,
            server,
            metrics,
            state,
            lock,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of the `metrics_bind` listener, when there is one.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(port, _)| *port)
    }

    /// The state the server shares with its sweeper (tests reach the database through it).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves, with the sweeper beside it, until the state's [`Shutdown`] begins.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(std::future::pending()).await
    }

    /// Serves, with the sweeper beside it, until `stop` resolves or the state's [`Shutdown`] begins;
    /// then stops in the order the module documentation gives and returns once every save is committed.
    pub async fn run_until(self, stop: impl Future<Output = ()>) -> std::io::Result<()> {
        let Application {
            server,
            metrics,
            state,
            lock,
            ..
        } = self;
        let sweeper = tokio::spawn(sweeper::run(state.clone()));
        let exposure = tokio::spawn(exposure::run(state.clone()));
        let metrics = metrics.map(|(_, server)| tokio::spawn(server));
        let mut server = std::pin::pin!(server);
        let result = tokio::select! {
            result = &mut server => result,
            () = stop => {
                state.shutdown.begin();
                server.await
            }
        };
        // However the main listener ended, everything else stops with it.
        state.shutdown.begin();
        if let Some(task) = metrics {
            match task.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::error!(error = %e, "the metrics listener failed"),
                Err(e) => tracing::error!(error = %e, "the metrics listener failed"),
            }
        }
        if let Err(e) = sweeper.await {
            tracing::error!(error = %e, "the sweeper failed");
        }
        if let Err(e) = exposure.await {
            tracing::error!(error = %e, "writing the exposure counts failed");
        }
        state.saves.drain().await;
        tracing::info!("stopped: every acknowledged save is committed");
        drop(lock);
        result
    }
}

/// The listener that serves `/metrics` alone, without a token, on `bind`.
fn metrics_listener(state: &AppState, bind: std::net::SocketAddr) -> anyhow::Result<(u16, Server)> {
    let listener =
        TcpListener::bind(bind).with_context(|| format!("binding the metrics address {bind}"))?;
    let port = listener.local_addr()?.port();
    let data = web::Data::new(state.clone());
    let server = HttpServer::new(move || {
        App::new()
            .wrap(from_fn(error::problems))
            .wrap(from_fn(security_headers::apply))
            .app_data(data.clone())
            .configure(routes::operations::configure_metrics_listener)
            .default_service(web::to(routes::not_found))
    })
    .workers(1)
    .shutdown_timeout(state.settings.shutdown_timeout_seconds)
    .shutdown_signal(state.shutdown.begun())
    .listen(listener)?
    .run();
    Ok((port, server))
}

/// The anti-fraud policy: the centre's file when `policy_file` is set, else the built-in one. A policy
/// that does not validate stops the start with the file's error.
fn load_policy(settings: &Settings) -> anyhow::Result<proctoring::policy::Policy> {
    match &settings.policy_file {
        None => Ok(proctoring::policy::Policy::default()),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the policy file {}", path.display()))?;
            proctoring::policy::Policy::from_toml(&text)
                .with_context(|| format!("the policy file {}", path.display()))
        }
    }
}
