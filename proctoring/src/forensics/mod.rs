//! Post-test forensic statistics, following the definitions of the R package aberrance 0.3.0 (Gorney
//! & Deng) exactly: how `θ` and `τ` are estimated, which corrections are applied, which tails are
//! tested.
//!
//! | module | statistics | aberrance |
//! |---|---|---|
//! | [`person_fit`] | `lz`, `lz*` (scores) | `detect_pm`: `L_S_NO`, `L_S_TS` |
//! | [`response_time`] | `L_T` (lognormal times) | `detect_pm`: `L_T` |
//! | [`preknowledge`] | `L_S`, `S_S`, `L_T` with declared compromised items | `detect_pk` |
//! | [`copying`] | `ω` and the GBT per ordered pair (source, copier) | `detect_ac`: `OMG_S`, `GBT_S` |
//! | [`rapid_guessing`] | NT thresholds, response-time effort | `detect_rg(method = "NT")` |
//!
//! # Inputs
//! * [`ItemSet`]: dichotomous item parameters (whatever `item_bank::irt::ItemParams` offers: Rasch,
//!   2PL, 3PL, any `D`, either parameterization) and optional lognormal time parameters
//!   [`RtParams`] `{alpha, beta}` with `log T ~ N(beta − τ, 1/alpha²)`.
//! * [`Scores`]: persons × items, 0/1, `None` where not presented.
//! * [`TimeMatrix`]: persons × items, seconds (or log seconds), `None` where missing.
//!
//! # Missing data
//! aberrance returns `NA` for a person (or pair) with any missing cell. Here every sum runs over the
//! presented items instead (for a pair: those presented to both), which is the same when nothing is
//! missing. A statistic with nothing to run over is `NaN`.

pub mod copying;
pub mod estimate;
mod items;
mod optimize;
pub mod person_fit;
pub mod preknowledge;
pub mod rapid_guessing;
pub mod response_time;
mod scores;
pub mod special;
mod times;

pub use items::{ForensicItem, ItemSet, RtParams};
pub use optimize::{DEFAULT_TOL, maximize};
pub use scores::Scores;
pub use times::{TimeMatrix, TimeUnit};

/// Why forensic statistics could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ForensicsError {
    /// Item parameters cannot be used (a polytomous item, a bad time parameter, a bad declared set).
    #[error("parameters: {0}")]
    Params(String),
    /// Input data cannot be read or used (a bad cell, a frequency column).
    #[error("data: {0}")]
    Data(String),
    /// Inputs that must correspond do not (item counts or names, person counts or names).
    #[error("mismatch: {0}")]
    Mismatch(String),
}

/// Checks that the scores have one column per item.
fn check_scores(items: &ItemSet, scores: &Scores) -> Result<(), ForensicsError> {
    if scores.n_items() != items.len() {
        return Err(ForensicsError::Mismatch(format!(
            "{} score columns for {} items",
            scores.n_items(),
            items.len()
        )));
    }
    Ok(())
}

/// Checks that the times have `n_persons` rows and one column per item and that the items have
/// response-time parameters, and returns those.
fn check_times<'a>(
    items: &'a ItemSet,
    n_persons: usize,
    times: &TimeMatrix,
) -> Result<&'a [RtParams], ForensicsError> {
    let rt = items.rt().ok_or_else(|| {
        ForensicsError::Mismatch("times were given but not every item has rt parameters".into())
    })?;
    if times.n_items() != items.len() || times.n_persons() != n_persons {
        return Err(ForensicsError::Mismatch(format!(
            "times of {} persons × {} items for scores of {n_persons} persons × {} items",
            times.n_persons(),
            times.n_items(),
            items.len()
        )));
    }
    Ok(rt)
}
