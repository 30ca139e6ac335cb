//! The metrics read when scraped: the save queue's depth, the sweeper's lag, sessions by status and the
//! database pools. The database is read at most once every [`DB_READINGS_TTL`], however often the
//! metrics are scraped, and never for longer than [`DB_READINGS_TIMEOUT`].

use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::error::ApiError;
use crate::services::AppState;
use crate::store::{self, PoolUse};

/// How long one reading of the database serves scrapes.
const DB_READINGS_TTL: Duration = Duration::from_secs(2);
/// The longest a scrape waits for the database; beyond, it is answered `503 busy`.
const DB_READINGS_TIMEOUT: Duration = Duration::from_secs(2);

/// The `Content-Type` of [`render`]'s text (the Prometheus text format 0.0.4).
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabel {
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ConnectionLabels {
    pool: &'static str,
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabel {
    pool: &'static str,
}

/// The gauges set at each scrape, and the last reading of the database.
pub(super) struct Readings {
    save_queue_depth: Gauge,
    sweeper_lag: Gauge<f64, AtomicU64>,
    sessions: Family<StatusLabel, Gauge>,
    connections: Family<ConnectionLabels, Gauge>,
    connections_max: Family<PoolLabel, Gauge>,
    last: Mutex<Option<DbReading>>,
}

#[derive(Clone)]
struct DbReading {
    at: Instant,
    sessions: Vec<(String, i64)>,
    earliest_overdue: Option<DateTime<Utc>>,
}

impl Readings {
    pub(super) fn register(registry: &mut Registry) -> Readings {
        let r = Readings {
            save_queue_depth: Gauge::default(),
            sweeper_lag: Gauge::default(),
            sessions: Family::default(),
            connections: Family::default(),
            connections_max: Family::default(),
            last: Mutex::new(None),
        };
        registry.register(
            "save_queue_depth",
            "Saves waiting for the next commit (always 0 on PostgreSQL, where saves are not queued)",
            r.save_queue_depth.clone(),
        );
        registry.register(
            "sweeper_lag_seconds",
            "How long the earliest section past its deadline and grace has waited for the sweeper to close it (0: none waits)",
            r.sweeper_lag.clone(),
        );
        registry.register("sessions", "Sessions in each status", r.sessions.clone());
        registry.register(
            "db_connections",
            "Open database connections by pool (read, write) and state (idle, busy)",
            r.connections.clone(),
        );
        registry.register(
            "db_connections_max",
            "The most connections each pool opens",
            r.connections_max.clone(),
        );
        r
    }

    /// The database's reading, read again when the last one is older than [`DB_READINGS_TTL`].
    async fn db_reading(&self, state: &AppState) -> Result<DbReading, ApiError> {
        let cached = self.last.lock().expect("readings lock").clone();
        if let Some(reading) = cached.filter(|r| r.at.elapsed() < DB_READINGS_TTL) {
            return Ok(reading);
        }
        let cutoff = store::now() - chrono::Duration::seconds(state.settings.grace_seconds);
        let read = async {
            Ok::<_, store::StoreError>(DbReading {
                at: Instant::now(),
                sessions: store::health::sessions_by_status(&state.db).await?,
                earliest_overdue: store::health::earliest_overdue_deadline(&state.db, cutoff)
                    .await?,
            })
        };
        let reading = match tokio::time::timeout(DB_READINGS_TIMEOUT, read).await {
            Ok(reading) => reading?,
            Err(_) => {
                tracing::warn!("the database did not answer the metrics in time");
                return Err(ApiError::Busy);
            }
        };
        *self.last.lock().expect("readings lock") = Some(reading.clone());
        Ok(reading)
    }

    fn set_pool(&self, pool: &'static str, used: PoolUse) {
        let idle = i64::from(used.idle);
        self.connections
            .get_or_create(&ConnectionLabels {
                pool,
                state: "idle",
            })
            .set(idle);
        self.connections
            .get_or_create(&ConnectionLabels {
                pool,
                state: "busy",
            })
            .set((i64::from(used.open) - idle).max(0));
        self.connections_max
            .get_or_create(&PoolLabel { pool })
            .set(i64::from(used.max));
    }
}

/// Every metric of `state`'s server, in the Prometheus text format ([`CONTENT_TYPE`]).
pub async fn render(state: &AppState) -> Result<String, ApiError> {
    let metrics = &state.metrics;
    let r = &metrics.scraped;
    let reading = r.db_reading(state).await?;
    for (status, n) in reading.sessions {
        r.sessions.get_or_create(&StatusLabel { status }).set(n);
    }
    let lag = reading.earliest_overdue.map_or(0.0, |deadline| {
        let due = deadline + chrono::Duration::seconds(state.settings.grace_seconds);
        ((Utc::now() - due).num_milliseconds().max(0) as f64) / 1000.0
    });
    r.sweeper_lag.set(lag);
    r.save_queue_depth
        .set(i64::try_from(state.saves.depth()).unwrap_or(i64::MAX));
    r.set_pool("read", state.db.pool_use());
    r.set_pool("write", state.writer.pool_use());
    let mut out = String::with_capacity(16 * 1024);
    prometheus_client::encoding::prometheus_text::encode(&mut out, &metrics.registry)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("encoding the metrics: {e}")))?;
    Ok(out)
}
