//! Item response theory: models, ability estimation, calibration, linking, item statistics.
//!
//! # Models and parameterizations
//! [`ItemParams`] covers the dichotomous Rasch, 2PL and 3PL models and the polytomous generalized partial
//! credit (GPCM) and graded response (GRM) models. Each item stores its parameterization (`a(θ − b)` or
//! `aθ + d`) and its scaling constant `D` explicitly; see [`model`] for the formulas and the JSON shape.
//! `{ "model": "2pl", "a": 1.0, "b": -1.0 }` reads as `a(θ − b)` with `D = 1`, exactly like
//! [`ItemParams::two_pl`]. Unknown fields are rejected when an item is read on its own; inside a record
//! that flattens it next to other keys (`#[serde(flatten)]`, as the bank does with `status`) serde only
//! hands the item its own keys, so rejecting unknown keys is then the record's business.
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
//! # Entry points (stable API)
//! ```text
//! estimate_ability(&[ItemParams], &[Option<u8>], AbilityMethod) -> AbilityEstimate
//! estimate_ability_with(&[ItemParams], &[Option<u8>], AbilityMethod, &AbilityOptions) -> AbilityEstimate
//! test_information(&[ItemParams], θ) -> f64          conditional_sem(&[ItemParams], θ) -> f64
//! sum_score_eap_table(&[ItemParams], &Quadrature) -> Vec<SumScoreRow>
//! calibrate(&ResponseMatrix, &CalibrationOptions) -> Result<Calibration, IrtError>
//! calibrate_rasch_cml(&ResponseMatrix) -> Result<CmlCalibration, IrtError>
//! link_stocking_lord(bank: &[ItemParams], new: &[ItemParams]) -> Result<LinkingConstants, IrtError>
//! link_mean_sigma(bank: &[ItemParams], new: &[ItemParams]) -> Result<LinkingConstants, IrtError>
//! item_statistics(&ResponseMatrix, Option<&[ItemParams]>) -> Result<Vec<ItemStatistics>, IrtError>
//! mantel_haenszel_dif(&ResponseMatrix, focal: &[bool]) -> Result<Vec<DifResult>, IrtError>
//! simulate(&[ItemParams], n, seed, Design) -> ResponseMatrix
//! ResponseMatrix::from_csv(&str) -> Result<ResponseMatrix, CsvError>      ResponseMatrix::to_csv(&self) -> String
//! ```
//! Every output type is `Serialize` (and, except [`Quadrature`], `Deserialize`); non-finite numbers (an
//! undefined standard error) serialise as JSON `null`.

pub mod ability;
pub mod calibrate;
pub mod cml;
pub mod data;
mod linalg;
pub mod linking;
pub mod model;
pub mod quadrature;
pub mod simulate;
pub mod stats;

#[cfg(test)]
mod tests;

pub use ability::{
    AbilityEstimate, AbilityMethod, AbilityOptions, EstimateStatus, SumScoreRow, conditional_sem,
    estimate_ability, estimate_ability_with, sum_score_eap_table, test_information,
};
pub use calibrate::{
    Calibration, CalibrationModel, CalibrationOptions, GuessingPrior, ItemEstimate, Progress,
    calibrate,
};
pub use cml::{CmlCalibration, CmlItem, calibrate_rasch_cml};
pub use data::{CsvError, ResponseMatrix};
pub use linking::{LinkingConstants, link_mean_sigma, link_stocking_lord};
pub use model::{ItemModel, ItemParams, Parameterization};
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
