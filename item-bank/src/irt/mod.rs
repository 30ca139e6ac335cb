//! Item response theory: models, ability estimation, calibration, linking, item statistics.
//!
//! # Models and parameterizations
//! [`ItemParams`] covers the dichotomous Rasch, 2PL and 3PL models and the polytomous generalized partial
//! credit (GPCM) and graded response (GRM) models. Each item stores its parameterization (`a(θ − b)` or
//! `aθ + d`) and its scaling constant `D` explicitly; see [`ItemModel`] and [`Parameterization`] for the
//! formulas and [`ItemParams`] for the JSON shape.
//! `{ "model": "2pl", "a": 1.0, "b": -1.0 }` reads as `a(θ − b)` with `D = 1`, exactly like
//! [`ItemParams::two_pl`]. Unknown fields are rejected when an item is read on its own; inside a record
//! that flattens it next to other keys (`#[serde(flatten)]`, as the bank does with `status`) serde only
//! hands the item its own keys, so rejecting unknown keys is then the record's business.
//!
//! Every item carries its parameterization and scaling constant explicitly, so that a value read from a
//! file written by another program is never silently off by a factor of 1.7:
//! [`Parameterization::Difficulty`] is `z = D·a·(θ − b)` (locations are difficulties `b`),
//! [`Parameterization::Intercept`] is `z = D·(a·θ + d)` (locations are intercepts `d = −a·b`). Internally
//! everything is evaluated on the canonical logit `z = α·θ + δ` with `α = D·a` and `δ = D·d = −D·a·b`.
//!
//! # Missing responses
//! Everywhere a response is an `Option<u8>` (or an empty CSV cell), `None` means *not presented*: the item
//! contributes nothing to the likelihood of that person. This is how incomplete designs (each person sees a
//! subset of the bank) are handled, in scoring and in calibration alike.
//!
//! # Quadrature
//! EAP scoring, sum-score tables and calibration integrate over θ on a fixed grid: by default
//! [`Quadrature::DEFAULT_NODES`] = 61 equally spaced nodes on `[−6, 6]` with weights proportional to the
//! N(0, 1) density (renormalised to sum to 1); [`Quadrature::gauss_hermite`] is the alternative. All
//! likelihood arithmetic is in log space.
//!
//! # Entry points
//! The submodules are private; everything public is re-exported here.
//!
//! | call | does |
//! |---|---|
//! | [`estimate_ability`], [`estimate_ability_with`] | θ and its standard error from one response pattern (EAP, MAP, MLE, WLE) |
//! | [`test_information`], [`conditional_sem`] | the information of a set of items at θ, and its SEM |
//! | [`sum_score_eap_table`] | EAP θ for every sum score (Lord–Wingersky) |
//! | [`calibrate`] | marginal maximum likelihood by EM: Rasch, 1PL, 2PL, 3PL, GPCM, GRM, with anchors |
//! | [`calibrate_rasch_cml`] | Rasch by conditional maximum likelihood |
//! | [`link_stocking_lord`], [`link_mean_sigma`] | linking constants that put new items on the bank's scale |
//! | [`item_statistics`], [`mantel_haenszel_dif`] | classical statistics, fit, and DIF |
//! | [`simulate`] | responses of simulated persons, complete or random designs |
//! | [`ResponseMatrix::from_csv`], [`ResponseMatrix::to_csv`] | the response data, with missing cells |
//!
//! Every output type is `Serialize` (and, except [`Quadrature`], `Deserialize`); non-finite numbers (an
//! undefined standard error) serialise as JSON `null`.
//!
//! # Example: scoring one candidate
//! Three 2PL items and a 3PL item (the content authors give single-choice items `c = 1/options`),
//! answered right, right, wrong, right:
//!
//! ```rust
//! use item_bank::irt::{AbilityMethod, ItemParams, estimate_ability, test_information};
//!
//! let items = [
//!     ItemParams::two_pl(1.0, -1.0),
//!     ItemParams::two_pl(1.2, 0.0),
//!     ItemParams::two_pl(0.8, 1.0),
//!     ItemParams::three_pl(1.1, 0.5, 0.25).unwrap(),
//! ];
//! let responses = [Some(1), Some(1), Some(0), Some(1)];
//! let eap = estimate_ability(&items, &responses, AbilityMethod::Eap);
//! assert!(eap.theta > 0.0 && eap.theta < 1.5, "{}", eap.theta);
//! assert!(eap.se > 0.5 && eap.se < 1.0);
//! // A response that was not presented (`None`) contributes nothing.
//! let fewer = estimate_ability(&items[..3], &responses[..3], AbilityMethod::Eap);
//! let same = estimate_ability(&items, &[Some(1), Some(1), Some(0), None], AbilityMethod::Eap);
//! assert_eq!(fewer.theta, same.theta);
//! assert!(test_information(&items, 0.0) > 0.0);
//! ```
//!
//! # Example: calibrating simulated responses
//! ```rust
//! use item_bank::irt::{CalibrationModel, CalibrationOptions, Design, ItemParams, calibrate, simulate};
//!
//! let truth: Vec<ItemParams> = (0..10)
//!     .map(|k| ItemParams::two_pl(1.0 + 0.05 * k as f64, -1.5 + 0.3 * k as f64))
//!     .collect();
//! let data = simulate(&truth, 2000, 7, Design::Complete);
//! let fit = calibrate(&data, &CalibrationOptions::new(CalibrationModel::TwoPl)).unwrap();
//! assert!(fit.converged);
//! for (estimate, true_params) in fit.items.iter().zip(&truth) {
//!     let b = estimate.params.locations()[0];
//!     assert!((b - true_params.locations()[0]).abs() < 0.3, "{} {b}", estimate.id);
//! }
//! ```

mod ability;
mod calibrate;
mod cml;
mod data;
mod linalg;
mod linking;
mod model;
mod quadrature;
mod simulate;
mod stats;

#[cfg(test)]
mod tests;

pub use ability::{
    AbilityEstimate, AbilityMethod, AbilityOptions, EstimateStatus, MAX_EAP_NODES, SumScoreRow,
    conditional_sem, estimate_ability, estimate_ability_with, sum_score_eap_table,
    test_information,
};
pub use calibrate::{
    Calibration, CalibrationModel, CalibrationOptions, GuessingPrior, ItemEstimate, Progress,
    calibrate,
};
pub use cml::{CmlCalibration, CmlItem, calibrate_rasch_cml};
pub use data::{CsvError, ResponseMatrix};
pub use linking::{LinkingConstants, link_mean_sigma, link_stocking_lord};
pub use model::{ItemModel, ItemParams, MAX_CATEGORIES, Parameterization};
pub use quadrature::Quadrature;
pub use simulate::{Design, simulate};
pub use stats::{
    DifResult, EtsCategory, ItemFit, ItemStatistics, item_statistics, mantel_haenszel_dif,
};

/// Errors of the IRT engine. Each message names the item or the value at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IrtError {
    /// Item parameters violate the model's invariants.
    #[error("invalid item parameters: {0}")]
    InvalidParams(String),
    /// The data cannot be used as asked (wrong model for the categories, an empty matrix, …).
    #[error("invalid data: {0}")]
    InvalidData(String),
    /// Two inputs that must correspond do not (lengths, item ids).
    #[error("mismatch: {0}")]
    Mismatch(String),
    /// A numerical procedure failed (a singular system, no convergence possible).
    #[error("numerical failure: {0}")]
    Numerical(String),
}
