//! Scoring the sections of a finished session from its graded items: raw credit, percent correct, θ by
//! EAP with its standard error, and whether each section reached the pass percent. Pure: the server
//! grades the responses, reads the items' current parameters, and stores what this returns.
//!
//! * Pretest items are graded (calibration reads them) but never count: they add nothing to `raw` or
//!   `max` and are left out of θ.
//! * `percent` is `raw / max × 100` rounded to two decimals ([`rounded_percent`]); a section with no
//!   scored item scores 0. An adaptive section reports instead the expected percent correct on its
//!   target form at the candidate's θ (its own items are chosen to be about 50 % likely, so their share
//!   says little); without a target it falls back to the share.
//! * θ is the EAP estimate (61 nodes on [−6, 6], N(0, 1) prior) from the fully correct flags; θ and its
//!   standard error are rounded to three decimals.
//! * `passed` is [`reaches`]`(percent, pass_min_percent)`, the test [`Blueprint::judge`] applies.
//!
//! ```rust
//! use item_bank::irt::ItemParams;
//! use item_bank::scoring::{GradedItem, score_section};
//!
//! let item = |credit: f64, pretest: bool| GradedItem {
//!     params: ItemParams::two_pl(1.0, 0.0),
//!     credit,
//!     correct: credit >= 1.0,
//!     pretest,
//! };
//! let graded = [item(1.0, false), item(0.5, false), item(0.0, false), item(1.0, true)];
//! let score = score_section("reading", &graded, None, 30.0);
//! assert_eq!((score.raw, score.max, score.percent), (1.5, 3, 50.0));
//! assert!(score.passed);
//! ```

use serde::{Deserialize, Serialize};

use crate::bank::{Blueprint, SectionTarget};
pub use crate::bank::{percent_correct, reaches, rounded_percent};
use crate::irt::{AbilityMethod, ItemParams, estimate_ability};

/// One graded item of a section, as the scorer needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct GradedItem {
    /// The item's parameters as they stand now (a calibration may have replaced the author's).
    pub params: ItemParams,
    /// Credit earned, in `0.0..=1.0`.
    pub credit: f64,
    /// Whether the credit is full; θ is estimated from these flags.
    pub correct: bool,
    /// A pretest item: graded, never counted.
    pub pretest: bool,
}

/// One section's score, as stored in the result and signed into the certificate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionScore {
    pub id: String,
    /// Credit earned (typed answers may earn partial credit).
    pub raw: f64,
    /// Items that count toward the score.
    pub max: u32,
    /// `raw / max × 100`, rounded to two decimals; for an adaptive section, the expected percent correct on
    /// the section's target form at `theta`.
    pub percent: f64,
    /// Ability on the bank's logistic scale (EAP, N(0, 1) prior).
    pub theta: f64,
    /// The posterior standard deviation of `theta`.
    pub se: f64,
    /// Whether the section reached the pass percent.
    pub passed: bool,
}

/// Scores one section from its graded items (pretest items included; they are skipped). With
/// `converted` (an adaptive section's target), the percent is the target form's expected percent correct
/// at the candidate's θ.
pub fn score_section(
    id: &str,
    graded: &[GradedItem],
    converted: Option<&SectionTarget>,
    pass_min_percent: f64,
) -> SectionScore {
    let scored: Vec<&GradedItem> = graded.iter().filter(|g| !g.pretest).collect();
    let raw: f64 = scored.iter().map(|g| g.credit).sum();
    let max = scored.len() as u32;
    let params: Vec<ItemParams> = scored.iter().map(|g| g.params.clone()).collect();
    let responses: Vec<Option<u8>> = scored.iter().map(|g| Some(u8::from(g.correct))).collect();
    let ability = estimate_ability(&params, &responses, AbilityMethod::Eap);
    let percent = converted
        .and_then(|t| t.expected_percent_at(ability.theta))
        .unwrap_or_else(|| percent_correct(raw, max));
    let percent = rounded_percent(percent);
    SectionScore {
        id: id.to_owned(),
        raw,
        max,
        percent,
        theta: (ability.theta * 1000.0).round() / 1000.0,
        se: (ability.se * 1000.0).round() / 1000.0,
        passed: reaches(percent, pass_min_percent),
    }
}

/// Scores every section of `blueprint`, `graded[k]` holding the graded items of section `k` (blueprint
/// order; a missing entry is a section with nothing graded). An adaptive section is converted through
/// its section of the blueprint's pinned target.
pub fn score_sections(blueprint: &Blueprint, graded: &[Vec<GradedItem>]) -> Vec<SectionScore> {
    blueprint
        .sections
        .iter()
        .enumerate()
        .map(|(k, spec)| {
            let converted = spec
                .adaptive
                .as_ref()
                .and(blueprint.target.as_ref())
                .and_then(|t| t.section(&spec.id));
            score_section(
                &spec.id,
                graded.get(k).map_or(&[][..], Vec::as_slice),
                converted,
                blueprint.rules.pass_min_percent,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;
