//! Building the application: open the store, keys and bank, then serve. Tests start it on port 0.

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
pub use crate::services::AppState;
use crate::services::integrity;
use crate::services::rate_limit::{Rate, SessionLimiter};
use crate::services::{bootstrap, sweeper};
use crate::{error, routes, security_headers, store};

/// A built, bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
}

impl Application {
    /// Migrates the database, loads or creates the signing key, imports the starter bank into an empty
    /// database, creates `admin` when there is no user, and binds the listener.
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
        let pools =
            store::connect(&settings.effective_database_url(), settings.max_connections).await?;
        let keys = Arc::new(KeyRing::open(&settings.data_dir, &pools.write).await?);
        bootstrap::ensure_bank(&pools.write, &settings.content_dir).await?;
        bootstrap::ensure_admin(&pools.write, admin_password).await?;
        let listener = TcpListener::bind(settings.bind)
            .with_context(|| format!("binding {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let state = AppState {
            db: pools.read,
            saves: store::save_queue::SaveQueue::new(pools.write.clone()),
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
            event_rate: Arc::new(SessionLimiter::new(integrity::EVENT_RATE)),
        };
        let data = web::Data::new(state.clone());
        let verifier = web::Data::new(TokenVerifier {
            keys: state.keys.clone(),
            issuer: state.settings.issuer.clone(),
            accounts: state.db.clone(),
        });
        let server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(crate::auth::bearer::authenticate))
                .wrap(from_fn(error::problems))
                .wrap(from_fn(security_headers::apply))
                .wrap(TracingLogger::default())
                .app_data(data.clone())
                .app_data(verifier.clone())
                .app_data(error::payload_config())
                .app_data(error::json_config())
                .app_data(error::query_config())
                .app_data(error::path_config())
                .configure(routes::configure)
                .default_service(web::to(routes::not_found))
        })
        .listen(listener)?
        .run();
        Ok(Application {
            port,
            server,
            state,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The state the server shares with its sweeper (tests reach the database through it).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until stopped, with the sweeper running beside it.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let sweeper = tokio::spawn(sweeper::run(self.state.clone()));
        let result = self.server.await;
        sweeper.abort();
        result
    }
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
