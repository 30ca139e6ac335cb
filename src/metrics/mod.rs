//! The service's own measurements, in the Prometheus text format at `GET /metrics` (README, "Metrics",
//! names every series). Requests and commits of saves are recorded as they happen
//! ([`requests::record`], [`SaveMetrics`]); the save queue, the sweeper, sessions by status and the
//! database pools are read when scraped ([`scrape::render`]).

pub mod requests;
pub mod scrape;

use std::time::Duration;

use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// Request latency, seconds: 1 ms to 10 s.
const LATENCY_BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Saves in one commit: 1 to 512, the save queue's largest batch.
const BATCH_BUCKETS: [f64; 10] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];
/// One commit of saves, seconds: 0.5 ms (an fsync on a fast disk) to 5 s.
const COMMIT_BUCKETS: [f64; 13] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// Every metric of one server, registered once at start.
pub struct Metrics {
    registry: Registry,
    requests: requests::Requests,
    /// What the save queue records of each commit.
    pub saves: SaveMetrics,
    sweeper_last_pass: Gauge,
    scraped: scrape::Readings,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("synaq");
        let requests = requests::Requests::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time from a request's arrival to its answer, by method, route pattern and status",
            requests.clone(),
        );
        let saves = SaveMetrics {
            batch_size: Histogram::new(BATCH_BUCKETS),
            commit_seconds: Histogram::new(COMMIT_BUCKETS),
        };
        registry.register(
            "save_batch_size",
            "Writes of the group commit (answer saves, integrity-event batches, sign-ins, starts) in one transaction",
            saves.batch_size.clone(),
        );
        registry.register(
            "save_commit_seconds",
            "Time of one commit of saves, fsync included",
            saves.commit_seconds.clone(),
        );
        let sweeper_last_pass = Gauge::default();
        registry.register(
            "sweeper_last_pass_timestamp_seconds",
            "Unix time the sweeper last finished a pass over the expired sections without error (0 before the first)",
            sweeper_last_pass.clone(),
        );
        let scraped = scrape::Readings::register(&mut registry);
        Metrics {
            registry,
            requests,
            saves,
            sweeper_last_pass,
            scraped,
        }
    }
}

impl Metrics {
    /// Records that the sweeper finished a pass now.
    pub fn sweeper_pass_finished(&self) {
        self.sweeper_last_pass.set(chrono::Utc::now().timestamp());
    }
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// What the save queue records of each commit: how many saves it carried and how long it took.
#[derive(Clone, Debug)]
pub struct SaveMetrics {
    batch_size: Histogram,
    commit_seconds: Histogram,
}

impl SaveMetrics {
    /// Records one commit of `saves` saves that took `took`.
    pub fn committed(&self, saves: usize, took: Duration) {
        self.batch_size.observe(saves as f64);
        self.commit_seconds.observe(took.as_secs_f64());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(metrics: &Metrics) -> String {
        let mut out = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut out, &metrics.registry).unwrap();
        out
    }

    #[test]
    fn a_commit_is_counted_in_its_buckets() {
        let metrics = Metrics::default();
        metrics.saves.committed(3, Duration::from_millis(4));
        metrics.saves.committed(300, Duration::from_millis(40));
        let out = text(&metrics);
        assert!(
            out.contains("synaq_save_batch_size_bucket{le=\"4\"} 1\n"),
            "{out}"
        );
        assert!(
            out.contains("synaq_save_batch_size_bucket{le=\"512\"} 2\n"),
            "{out}"
        );
        assert!(out.contains("synaq_save_batch_size_sum 303.0\n"), "{out}");
        assert!(
            out.contains("synaq_save_commit_seconds_bucket{le=\"0.005\"} 1\n"),
            "{out}"
        );
        assert!(out.contains("synaq_save_commit_seconds_count 2\n"), "{out}");
    }

    #[test]
    fn the_sweeper_pass_is_a_timestamp() {
        let metrics = Metrics::default();
        assert!(text(&metrics).contains("synaq_sweeper_last_pass_timestamp_seconds 0\n"));
        metrics.sweeper_pass_finished();
        let now = chrono::Utc::now().timestamp();
        let out = text(&metrics);
        let stamp: i64 = out
            .lines()
            .find_map(|l| l.strip_prefix("synaq_sweeper_last_pass_timestamp_seconds "))
            .unwrap()
            .parse()
            .unwrap();
        assert!((now - 2..=now).contains(&stamp), "{stamp} vs {now}");
    }
}
