//! `synaq forensics`: the post-test statistics on CSV, as the server computes them after a sitting.
//! Responses are the `synaq irt` CSV; response times a CSV of seconds with the same columns
//! (`--log-times` for natural log seconds); parameters the `synaq irt` JSON, where an item may add
//! `"rt": {"alpha", "beta"}` (lognormal times: log T ~ N(beta − tau, 1/alpha²)). Output is JSON.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Subcommand;
use proctoring::forensics::copying::Selection;
use proctoring::forensics::{TimeMatrix, TimeUnit};
use proctoring::report::{self, Params};

use super::irt::{read_input, responses};

#[derive(Subcommand)]
pub enum ForensicsCommand {
    /// lz, lz* and (with times) L_T of every person.
    PersonFit {
        #[arg(long)]
        params: PathBuf,
        #[arg(long)]
        responses: PathBuf,
        #[arg(long)]
        times: Option<PathBuf>,
        /// The times are natural log seconds.
        #[arg(long)]
        log_times: bool,
    },
    /// L_S, S_S and (with times) L_T of preknowledge of the compromised items.
    Preknowledge {
        #[arg(long)]
        params: PathBuf,
        #[arg(long)]
        responses: PathBuf,
        /// The compromised items: a file of item ids or 1-based column numbers, one a line (a header
        /// line `item` or `x` is skipped).
        #[arg(long)]
        compromised: PathBuf,
        #[arg(long)]
        times: Option<PathBuf>,
        #[arg(long)]
        log_times: bool,
    },
    /// ω and the GBT index with p-values for every ordered pair (source, copier).
    Copying {
        #[arg(long)]
        params: PathBuf,
        #[arg(long)]
        responses: PathBuf,
        /// Screen pairs by answer similarity (an online sitting) instead of testing every pair: the
        /// partners kept per person.
        #[arg(long)]
        screen: Option<usize>,
    },
    /// NT thresholds per item and response-time effort per person.
    RapidGuessing {
        #[arg(long)]
        times: PathBuf,
        /// The normative threshold, percent of each item's mean time.
        #[arg(long, default_value_t = 10.0)]
        nt: f64,
        #[arg(long)]
        log_times: bool,
    },
}

fn params(path: &Path) -> anyhow::Result<Params> {
    serde_json::from_str(&read_input(Some(path))?)
        .with_context(|| format!("{} is not item parameter JSON", path.display()))
}

fn times(path: &Path, log: bool) -> anyhow::Result<TimeMatrix> {
    let unit = if log {
        TimeUnit::LogSeconds
    } else {
        TimeUnit::Seconds
    };
    TimeMatrix::from_csv(&read_input(Some(path))?, unit)
        .with_context(|| format!("{} is not a response-time CSV", path.display()))
}

/// Item ids, one a line; a header line `item` (or `x`, as R writes a vector) is skipped.
fn item_list(path: &Path) -> anyhow::Result<Vec<String>> {
    Ok(read_input(Some(path))?
        .lines()
        .map(|l| {
            l.split(',')
                .next_back()
                .unwrap_or("")
                .trim()
                .trim_matches('"')
                .to_owned()
        })
        .filter(|l| !l.is_empty() && l != "item" && l != "x")
        .collect())
}

/// Each entry as an item id: a column name as it is, or a 1-based column number (as R writes an index
/// vector) turned into that column's name.
fn resolve_items(entries: Vec<String>, columns: &[String]) -> Vec<String> {
    entries
        .into_iter()
        .map(|e| {
            if columns.contains(&e) {
                return e;
            }
            match e.parse::<usize>() {
                Ok(n) if (1..=columns.len()).contains(&n) => columns[n - 1].clone(),
                _ => e,
            }
        })
        .collect()
}

/// Runs a forensics command and returns its JSON.
pub fn run(command: ForensicsCommand) -> anyhow::Result<String> {
    let value = match command {
        ForensicsCommand::PersonFit {
            params: p,
            responses: r,
            times: t,
            log_times,
        } => {
            let t = t.map(|t| times(&t, log_times)).transpose()?;
            serde_json::to_value(report::person_fit(
                &params(&p)?,
                &responses(Some(&r))?,
                t.as_ref(),
            )?)?
        }
        ForensicsCommand::Preknowledge {
            params: p,
            responses: r,
            compromised,
            times: t,
            log_times,
        } => {
            let t = t.map(|t| times(&t, log_times)).transpose()?;
            let r = responses(Some(&r))?;
            let ids = resolve_items(item_list(&compromised)?, r.item_ids());
            serde_json::to_value(report::preknowledge(&params(&p)?, &r, &ids, t.as_ref())?)?
        }
        ForensicsCommand::Copying {
            params: p,
            responses: r,
            screen,
        } => {
            let selection = match screen {
                None => Selection::All,
                Some(per_person) => Selection::Screened {
                    per_person,
                    min_common: 10,
                },
            };
            serde_json::to_value(report::copying(
                &params(&p)?,
                &responses(Some(&r))?,
                selection,
            )?)?
        }
        ForensicsCommand::RapidGuessing {
            times: t,
            nt,
            log_times,
        } => serde_json::to_value(report::rapid_guessing(&times(&t, log_times)?, nt)?)?,
    };
    Ok(serde_json::to_string_pretty(&value)?)
}
