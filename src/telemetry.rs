//! Logging: `tracing` with JSON lines in production. Request spans come from `tracing-actix-web`; they
//! record method, route and status, never headers or bodies, so no token or password reaches a log.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; `format` is `json` or `pretty`. `RUST_LOG` filters (default `info`).
pub fn init(format: &str) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = if format == "pretty" {
        builder.try_init()
    } else {
        builder.json().try_init()
    };
    // A second call (tests start several servers in one process) keeps the first subscriber.
    drop(result);
}
