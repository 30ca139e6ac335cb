//! The parallel-forms target of a blueprint, as pinned with a blueprint version. How it is derived and
//! used is `assembly`'s business (`assembly::derive_target`).

use serde::{Deserialize, Serialize};

/// A blueprint's parallel-forms target, one entry per section in blueprint order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub sections: Vec<SectionTarget>,
}

/// The target of one section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionTarget {
    pub section_id: String,
    /// Scored items per form.
    pub items: u32,
    /// One entry per reachable decision point, in increasing percent.
    #[serde(default)]
    pub cuts: Vec<CutPoint>,
    /// The target TCC (percent) and information on [`GRID`](crate::assembly::GRID).
    #[serde(default)]
    pub grid: Vec<GridPoint>,
}

/// A decision point of a section.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CutPoint {
    /// The percent correct of the rule (30 for the A1 pass).
    pub percent: f64,
    /// The ability at which the target TCC reaches `percent`.
    pub theta: f64,
    /// The target's expected percent correct at `theta` (equal to `percent` up to the bisection's 1e-9).
    pub expected_percent: f64,
    /// The target's test information at `theta`; forms need at least 90 % of it.
    pub information: f64,
}

/// The target at one grid point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridPoint {
    pub theta: f64,
    pub expected_percent: f64,
    pub information: f64,
}
