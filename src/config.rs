//! Typed settings, layered: defaults, then an optional TOML file, then `SYNAQ_*` variables (and
//! `DATABASE_URL`), then command-line flags. Secrets never appear in `Debug` output.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::net::CidrList;

/// Everything the server needs to run.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Where the HTTP server listens.
    pub bind: SocketAddr,
    /// Holds the SQLite database (by default) and the signing key.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; empty means SQLite at `<data_dir>/synaq.db`.
    pub database_url: String,
    /// The starter bank imported into an empty database.
    pub content_dir: PathBuf,
    /// The `iss` of tokens and certificates.
    pub issuer: String,
    /// How long a staff or service access token lives.
    pub token_ttl_seconds: i64,
    /// How long a candidate's token lives: bound to one registration, and long enough that a sitting is
    /// not interrupted by signing in again.
    pub candidate_token_ttl_seconds: i64,
    /// Extra time after a section's deadline during which saves already in flight are still accepted.
    pub grace_seconds: i64,
    /// How often the sweeper closes sections whose time ran out.
    pub sweep_interval_seconds: u64,
    /// How long a certificate is valid.
    pub certificate_validity_days: i64,
    /// Paid attempts a candidate has at one blueprint.
    pub max_attempts: u32,
    /// `json` (production) or `pretty`.
    pub log_format: String,
    /// Database connections in the pool.
    pub max_connections: u32,
    /// The address candidates' browsers use (`https://test.example.kz`); the Safe Exam Browser check
    /// hashes request URLs built from it. Empty means `http://<bind>`.
    pub public_url: String,
    /// Proxies whose `X-Forwarded-For` is believed (CIDR ranges); from the environment, comma-separated.
    pub trusted_proxies: CidrList,
    /// How long a ban bars a candidate from registering; unset means the policy's `ban_days`.
    pub ban_days: Option<u32>,
    /// A test centre's own anti-fraud policy file, replacing the built-in `proctoring/policy.toml`.
    pub policy_file: Option<PathBuf>,
    /// Access-code checks (argon2id, 4 MiB each) running at once.
    pub hash_slots_light: usize,
    /// Access-code checks waiting for a slot; one more is refused at once with `busy`.
    pub hash_queue_light: usize,
    /// Password and client-secret checks (argon2id, 19 MiB each) running at once.
    pub hash_slots_strong: usize,
    /// Password and client-secret checks waiting for a slot; one more is refused at once with `busy`.
    pub hash_queue_strong: usize,
    /// Answer saves a session may make a second, sustained (0: no limit); beyond, `rate_limited`.
    pub save_rate_per_second: f64,
    /// Answer saves a session may make at once before the sustained rate applies.
    pub save_burst: u32,
    /// Answers kept in each position's history (the latest always); older ones are pruned.
    pub saves_kept_per_position: u32,
    /// Failed sign-ins to one account from one address before delays begin.
    pub throttle_pair_failures: u32,
    /// Failed sign-ins to one account from any address before delays begin (well above the pair's, so
    /// that a stranger cannot lock an account's owner out).
    pub throttle_account_failures: u32,
    /// Failed staff and client sign-ins from one address, to any account, before delays begin.
    pub throttle_address_failures: u32,
    /// The longest delay a throttled sign-in waits.
    pub throttle_max_delay_seconds: u64,
    /// A second address that serves `GET /metrics` without a token (and nothing else); unset: metrics
    /// only on the main address, for admins.
    pub metrics_bind: Option<SocketAddr>,
    /// How long a stop (SIGTERM, Ctrl-C) waits for requests in flight before it drops them; saves
    /// already queued are committed either way.
    pub shutdown_timeout_seconds: u64,
    /// For measuring the save path only: a save does every check and read and is acknowledged, but is
    /// not written. Never on a server that candidates use; the server warns at start when it is set.
    pub save_dry_run: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            bind: "127.0.0.1:8080".parse().expect("a valid address"),
            data_dir: PathBuf::from("./data"),
            database_url: String::new(),
            content_dir: PathBuf::from("item-bank/content"),
            issuer: "synaq".into(),
            token_ttl_seconds: 900,
            candidate_token_ttl_seconds: 5400,
            grace_seconds: 10,
            sweep_interval_seconds: 5,
            certificate_validity_days: 730,
            max_attempts: 3,
            log_format: "json".into(),
            max_connections: 16,
            public_url: String::new(),
            trusted_proxies: CidrList::default(),
            ban_days: None,
            policy_file: None,
            hash_slots_light: 4,
            hash_queue_light: 1024,
            hash_slots_strong: 2,
            hash_queue_strong: 32,
            save_rate_per_second: 5.0,
            save_burst: 30,
            saves_kept_per_position: 20,
            throttle_pair_failures: 5,
            throttle_account_failures: 50,
            throttle_address_failures: 100,
            throttle_max_delay_seconds: 900,
            metrics_bind: None,
            shutdown_timeout_seconds: 30,
            save_dry_run: false,
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field("database_url", &redact_url(&self.database_url))
            .field("content_dir", &self.content_dir)
            .field("issuer", &self.issuer)
            .field("token_ttl_seconds", &self.token_ttl_seconds)
            .field("grace_seconds", &self.grace_seconds)
            .field("metrics_bind", &self.metrics_bind)
            .finish_non_exhaustive()
    }
}

/// A database URL without its password (in the user info or a `password=` parameter), for logs.
pub fn redact_url(url: &str) -> String {
    let url = &redact_query_password(url);
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}://{user}:***@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// Flags given on the command line; each wins over the file and the environment.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub bind: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub content_dir: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {message}")]
    File { path: String, message: String },
    #[error("{name}: {message}")]
    Variable { name: String, message: String },
}

impl Settings {
    /// Builds the settings from the layers; `env` is the process environment (a parameter so tests can
    /// pass their own).
    pub fn load(
        file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
        flags: &Overrides,
    ) -> Result<Settings, ConfigError> {
        let mut s = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| ConfigError::File {
                    path: path.display().to_string(),
                    message: e.to_string(),
                })?;
                toml::from_str(&text).map_err(|e| ConfigError::File {
                    path: path.display().to_string(),
                    message: e.to_string(),
                })?
            }
            None => Settings::default(),
        };
        fn parse<T: std::str::FromStr>(name: &str, v: String) -> Result<T, ConfigError>
        where
            T::Err: std::fmt::Display,
        {
            v.parse().map_err(|e: T::Err| ConfigError::Variable {
                name: name.into(),
                message: e.to_string(),
            })
        }
        macro_rules! layer {
            ($name:literal, $field:ident) => {
                if let Some(v) = env($name) {
                    s.$field = parse($name, v)?;
                }
            };
        }
        layer!("SYNAQ_BIND", bind);
        layer!("SYNAQ_DATA_DIR", data_dir);
        layer!("DATABASE_URL", database_url);
        layer!("SYNAQ_CONTENT_DIR", content_dir);
        layer!("SYNAQ_ISSUER", issuer);
        layer!("SYNAQ_TOKEN_TTL_SECONDS", token_ttl_seconds);
        layer!(
            "SYNAQ_CANDIDATE_TOKEN_TTL_SECONDS",
            candidate_token_ttl_seconds
        );
        layer!("SYNAQ_GRACE_SECONDS", grace_seconds);
        layer!("SYNAQ_SWEEP_INTERVAL_SECONDS", sweep_interval_seconds);
        layer!("SYNAQ_CERTIFICATE_VALIDITY_DAYS", certificate_validity_days);
        layer!("SYNAQ_MAX_ATTEMPTS", max_attempts);
        layer!("SYNAQ_LOG_FORMAT", log_format);
        layer!("SYNAQ_MAX_CONNECTIONS", max_connections);
        layer!("SYNAQ_PUBLIC_URL", public_url);
        layer!("SYNAQ_TRUSTED_PROXIES", trusted_proxies);
        if let Some(v) = env("SYNAQ_BAN_DAYS") {
            s.ban_days = Some(parse("SYNAQ_BAN_DAYS", v)?);
        }
        if let Some(v) = env("SYNAQ_POLICY_FILE") {
            s.policy_file = Some(PathBuf::from(v));
        }
        layer!("SYNAQ_HASH_SLOTS_LIGHT", hash_slots_light);
        layer!("SYNAQ_HASH_QUEUE_LIGHT", hash_queue_light);
        layer!("SYNAQ_HASH_SLOTS_STRONG", hash_slots_strong);
        layer!("SYNAQ_HASH_QUEUE_STRONG", hash_queue_strong);
        layer!("SYNAQ_SAVE_RATE_PER_SECOND", save_rate_per_second);
        layer!("SYNAQ_SAVE_BURST", save_burst);
        layer!("SYNAQ_SAVES_KEPT_PER_POSITION", saves_kept_per_position);
        layer!("SYNAQ_THROTTLE_PAIR_FAILURES", throttle_pair_failures);
        layer!("SYNAQ_THROTTLE_ACCOUNT_FAILURES", throttle_account_failures);
        layer!("SYNAQ_THROTTLE_ADDRESS_FAILURES", throttle_address_failures);
        layer!(
            "SYNAQ_THROTTLE_MAX_DELAY_SECONDS",
            throttle_max_delay_seconds
        );
        if let Some(v) = env("SYNAQ_METRICS_BIND") {
            s.metrics_bind = Some(parse("SYNAQ_METRICS_BIND", v)?);
        }
        layer!("SYNAQ_SHUTDOWN_TIMEOUT_SECONDS", shutdown_timeout_seconds);
        layer!("SYNAQ_SAVE_DRY_RUN", save_dry_run);
        if let Some(v) = &flags.bind {
            s.bind = *v;
        }
        if let Some(v) = &flags.data_dir {
            s.data_dir = v.clone();
        }
        if let Some(v) = &flags.database_url {
            s.database_url = v.clone();
        }
        if let Some(v) = &flags.content_dir {
            s.content_dir = v.clone();
        }
        Ok(s)
    }

    /// The public base URL without a trailing slash.
    pub fn public_base(&self) -> String {
        if self.public_url.is_empty() {
            format!("http://{}", self.bind)
        } else {
            self.public_url.trim_end_matches('/').to_owned()
        }
    }

    /// The database to open: the configured URL, or SQLite in the data directory.
    pub fn effective_database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("synaq.db").display()
            )
        } else {
            self.database_url.clone()
        }
    }

    /// The SQLite database file the settings name, or `None` when the database is PostgreSQL (or an
    /// SQLite database in memory).
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        let url = self.effective_database_url();
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or_default();
        (!path.is_empty() && !path.starts_with(":memory:")).then(|| PathBuf::from(path))
    }
}

fn redact_query_password(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let params: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
            _ => p.to_owned(),
        })
        .collect();
    format!("{base}?{}", params.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flag_wins_over_a_variable_and_a_variable_over_the_default() {
        let env = |k: &str| match k {
            "SYNAQ_BIND" => Some("127.0.0.1:9000".to_string()),
            "SYNAQ_DATA_DIR" => Some("/var/lib/synaq".to_string()),
            _ => None,
        };
        let flags = Overrides {
            bind: Some("127.0.0.1:9100".parse().unwrap()),
            ..Default::default()
        };
        let s = Settings::load(None, &env, &flags).unwrap();
        assert_eq!(s.bind.port(), 9100);
        assert_eq!(s.data_dir, PathBuf::from("/var/lib/synaq"));
        assert_eq!(s.grace_seconds, Settings::default().grace_seconds);
        assert!(
            s.effective_database_url()
                .starts_with("sqlite:///var/lib/synaq/synaq.db")
        );
    }

    #[test]
    fn a_file_layers_between_defaults_and_variables() {
        let path = std::env::temp_dir().join(format!("synaq-config-{}.toml", uuid::Uuid::now_v7()));
        std::fs::write(&path, "grace_seconds = 3\nbind = \"127.0.0.1:9999\"\n").unwrap();
        let env = |k: &str| (k == "SYNAQ_BIND").then(|| "127.0.0.1:9001".to_string());
        let s = Settings::load(Some(&path), &env, &Overrides::default()).unwrap();
        assert_eq!(s.grace_seconds, 3);
        assert_eq!(s.bind.port(), 9001, "a variable wins over the file");
        std::fs::write(&path, "grace = 3\n").unwrap();
        assert!(
            Settings::load(Some(&path), &|_| None, &Overrides::default()).is_err(),
            "unknown keys are refused"
        );
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn the_sqlite_file_is_read_from_the_url() {
        let dir = Settings {
            data_dir: "/srv/synaq".into(),
            ..Default::default()
        };
        assert_eq!(
            dir.sqlite_file(),
            Some(PathBuf::from("/srv/synaq/synaq.db"))
        );
        let with = |url: &str| Settings {
            database_url: url.into(),
            ..Default::default()
        };
        assert_eq!(
            with("sqlite:///tmp/x/other.db?mode=rwc").sqlite_file(),
            Some(PathBuf::from("/tmp/x/other.db"))
        );
        assert_eq!(
            with("sqlite:relative.db").sqlite_file(),
            Some(PathBuf::from("relative.db"))
        );
        assert_eq!(with("sqlite::memory:").sqlite_file(), None);
        assert_eq!(with("postgres://u:p@h/d").sqlite_file(), None);
    }

    #[test]
    fn the_metrics_address_is_optional() {
        assert_eq!(Settings::default().metrics_bind, None);
        let env = |k: &str| (k == "SYNAQ_METRICS_BIND").then(|| "127.0.0.1:9464".to_string());
        let s = Settings::load(None, &env, &Overrides::default()).unwrap();
        assert_eq!(s.metrics_bind, Some("127.0.0.1:9464".parse().unwrap()));
    }

    #[test]
    fn a_bad_variable_is_named() {
        let env = |k: &str| (k == "SYNAQ_GRACE_SECONDS").then(|| "soon".to_string());
        let err = Settings::load(None, &env, &Overrides::default()).unwrap_err();
        assert!(err.to_string().starts_with("SYNAQ_GRACE_SECONDS"), "{err}");
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://synaq:s3cret@db:5432/synaq"),
            "postgres://synaq:***@db:5432/synaq"
        );
        assert_eq!(
            redact_url("postgres://db/synaq?user=u&password=pw"),
            "postgres://db/synaq?user=u&password=***"
        );
        let s = Settings {
            database_url: "postgres://u:pw@h/d".into(),
            ..Default::default()
        };
        assert!(!format!("{s:?}").contains("pw@"));
    }
}
