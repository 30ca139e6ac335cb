//! The parallel-forms target: what every form of a blueprint section must look like at the decision
//! points.
//!
//! A candidate passes a section when the percent correct reaches `pass_min_percent`; a level is awarded at
//! each `rules.levels[].min_percent`. Those percents are the *decision points*. Forms are parallel when, at
//! the ability θ of each decision point, every form gives the same expected percent correct (its test
//! characteristic curve, TCC) and enough information to decide there.
//!
//! # How the target is derived from the bank
//! The target TCC of a section is the mean TCC of blueprint-conforming random forms: the assembler draws
//! [`TARGET_FORMS`] forms that honour the content constraints only (no targeting, no exposure control,
//! fixed seed [`TARGET_SEED`]), counts how often each item is drawn (its inclusion rate `w_i`), and sets
//! `T(θ) = Σ w_i P_i(θ) / n` and `I*(θ) = Σ w_i I_i(θ)`. This is the bank's mean TCC and information
//! weighted by the blueprint's composition (an A2 item weighs what the blueprint's A2 share gives it, not
//! what the bank's does), so the target is what an unbiased random draw gives on average and the
//! assembler only has to remove the form-to-form spread, not shift the whole distribution.
//!
//! # Cut θ
//! The θ of a decision point `p %` is the root of `T(θ) = p / 100`, found by bisection on `[−6, 6]`. For
//! the A1 pre-selection blueprint the pass point is 30 %: the cut θ of a section is the ability at which a
//! candidate is expected to score exactly 30 % on an average form of that section. A decision point
//! that the bank cannot reach in `[−6, 6]` (for example 100 %) has no cut and is reported as such.
//!
//! The target is serialisable and can be pinned with a blueprint version (`Blueprint::target`), so that
//! items added to the bank later do not move the goal posts of forms already being delivered.

use crate::bank::{Blueprint, CutPoint, GridPoint, Item, SectionTarget, Target};

/// How many constraint-only random forms the target averages over.
pub const TARGET_FORMS: usize = 200;
/// The seed of those forms, so that the same bank always yields the same target.
pub const TARGET_SEED: u64 = 0x5EED_7A26;
/// The θ grid on which targets and reports are tabulated: −3 to 3 in steps of 0.5.
pub const GRID: [f64; 13] = [
    -3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0,
];

impl Target {
    /// The section target with this id.
    pub fn section(&self, id: &str) -> Option<&SectionTarget> {
        self.sections.iter().find(|s| s.section_id == id)
    }
}

impl SectionTarget {
    /// The target form's expected percent correct at `theta`, interpolated linearly on the grid and held
    /// at the grid's ends; `None` without a grid. This is the score an adaptive section reports: its own
    /// percent correct depends on which items were chosen (they are chosen to be about 50 % likely), the
    /// expected percent on the target form does not.
    pub fn expected_percent_at(&self, theta: f64) -> Option<f64> {
        let (first, last) = (self.grid.first()?, self.grid.last()?);
        if theta.is_nan() || theta <= first.theta {
            return Some(first.expected_percent);
        }
        if theta >= last.theta {
            return Some(last.expected_percent);
        }
        let k = self.grid.partition_point(|g| g.theta <= theta);
        let (a, b) = (&self.grid[k - 1], &self.grid[k]);
        let w = (theta - a.theta) / (b.theta - a.theta);
        Some(a.expected_percent + w * (b.expected_percent - a.expected_percent))
    }
}

/// The distinct decision percents of a blueprint, increasing: the pass percent and every level's.
pub fn decision_percents(blueprint: &Blueprint) -> Vec<f64> {
    let mut p: Vec<f64> = std::iter::once(blueprint.rules.pass_min_percent)
        .chain(blueprint.rules.levels.iter().map(|l| l.min_percent))
        .filter(|p| *p > 0.0 && *p < 100.0)
        .collect();
    p.sort_by(f64::total_cmp);
    p.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    p
}

/// Builds a section target from items and their inclusion rates (`Σ w = items`).
pub(crate) fn section_target(
    section_id: &str,
    items: u32,
    weighted: &[(&Item, f64)],
    percents: &[f64],
) -> SectionTarget {
    let n = f64::from(items);
    let tcc = |theta: f64| -> f64 {
        weighted
            .iter()
            .map(|(i, w)| w * i.irt.params.prob(theta))
            .sum::<f64>()
            / n
    };
    let info = |theta: f64| -> f64 {
        weighted
            .iter()
            .map(|(i, w)| w * i.irt.params.information(theta))
            .sum()
    };
    let cuts = percents
        .iter()
        .filter_map(|&percent| {
            let goal = percent / 100.0;
            let (mut lo, mut hi) = (-6.0_f64, 6.0_f64);
            if !(tcc(lo) <= goal && tcc(hi) >= goal) {
                return None;
            }
            for _ in 0..80 {
                let mid = 0.5 * (lo + hi);
                if tcc(mid) < goal {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let theta = 0.5 * (lo + hi);
            Some(CutPoint {
                percent,
                theta,
                expected_percent: 100.0 * tcc(theta),
                information: info(theta),
            })
        })
        .collect();
    let grid = GRID
        .iter()
        .map(|&theta| GridPoint {
            theta,
            expected_percent: 100.0 * tcc(theta),
            information: info(theta),
        })
        .collect();
    SectionTarget {
        section_id: section_id.to_owned(),
        items,
        cuts,
        grid,
    }
}

#[cfg(test)]
mod interpolation_tests {
    use super::*;

    #[test]
    fn expected_percent_is_interpolated_and_held_at_the_ends() {
        let point = |theta: f64, p: f64| GridPoint {
            theta,
            expected_percent: p,
            information: 1.0,
        };
        let t = SectionTarget {
            section_id: "s".into(),
            items: 10,
            cuts: vec![],
            grid: vec![point(-1.0, 20.0), point(0.0, 50.0), point(1.0, 80.0)],
        };
        assert_eq!(t.expected_percent_at(-0.5), Some(35.0));
        assert_eq!(t.expected_percent_at(0.0), Some(50.0));
        assert_eq!(t.expected_percent_at(-7.0), Some(20.0));
        assert_eq!(t.expected_percent_at(9.0), Some(80.0));
        assert_eq!(t.expected_percent_at(f64::NAN), Some(20.0));
        assert_eq!(
            SectionTarget { grid: vec![], ..t }.expected_percent_at(0.0),
            None
        );
    }
}
