//! Person fit of item scores: the standardized log-likelihood `lz` (Drasgow, Levine & Williams, 1985)
//! and its correction for the estimated ability `lz*` (Snijders, 2001), as aberrance's
//! `detect_pm(method = c("L_S_NO", "L_S_TS"))` computes them, and, with response times, the
//! lognormal `L_T` of [`super::response_time`].
//!
//! At the estimated `θ` ([`super::estimate::theta`]), over the presented items, with `p_i = P_i(θ)`,
//! `q_i = 1 − p_i`, `p_i' = dP_i/dθ` and the weights `w_i = ln(p_i / q_i)`:
//!
//! * `W = Σ (x_i − p_i) w_i`;
//! * `lz = W / √(Σ p_i q_i w_i²)`;
//! * `lz* = W / √(Σ p_i q_i w_i*²)` with `w_i* = w_i − c r_i`, `r_i = p_i' / (p_i q_i)` and
//!   `c = Σ p_i' w_i / Σ p_i' r_i` (the mean correction `−c r_0` is 0 for the maximum-likelihood `θ`).
//!
//! Both are approximately standard normal for a fitting pattern; a low value is misfit (flag when
//! `P(Z ≤ lz*) ≤ α`). A statistic is `NaN` (undefined) when no item was presented or a probability is
//! exactly 0 or 1; extreme patterns have a bounded `θ` and so finite statistics.

use serde::Serialize;

use super::ForensicsError;
use super::estimate;
use super::items::ItemSet;
use super::response_time::{self, TimeFit};
use super::scores::Scores;
use super::special::normal_lower;
use super::times::TimeMatrix;

/// Score-based person fit of one pattern.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ScoreFit {
    /// The estimated ability.
    pub theta: f64,
    /// `lz`, uncorrected.
    pub lz: f64,
    /// `lz*`, Snijders' correction.
    pub lz_star: f64,
}

impl ScoreFit {
    /// `P(Z ≤ lz*)`, the lower-tail p-value of `lz*`.
    pub fn p_lz_star(&self) -> f64 {
        normal_lower(self.lz_star)
    }
}

/// Person fit of one person: scores, and times when the items have response-time parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PersonFit {
    /// Score-based statistics.
    pub scores: ScoreFit,
    /// Response-time statistics, when there are times and response-time parameters.
    pub times: Option<TimeFit>,
}

/// `(lz, lz*)` of `scores` at ability `theta`.
///
/// # Panics
/// If `scores.len() != items.len()`.
pub fn lz_at(items: &ItemSet, scores: &[Option<u8>], theta: f64) -> (f64, f64) {
    assert_eq!(scores.len(), items.len(), "one score slot per item");
    struct Term {
        pq: f64,
        w: f64,
        r: f64,
    }
    let mut terms = Vec::with_capacity(scores.len());
    let (mut big_w, mut var, mut num, mut den) = (0.0, 0.0, 0.0, 0.0);
    for (i, x) in scores.iter().enumerate() {
        let Some(x) = *x else { continue };
        let (p, p1) = items.prob_and_slope(i, theta);
        let q = 1.0 - p;
        let pq = p * q;
        let w = (p / q).ln();
        let r = p1 / pq;
        big_w += (f64::from(x) - p) * w;
        var += pq * w * w;
        num += p1 * w;
        den += p1 * r;
        terms.push(Term { pq, w, r });
    }
    if terms.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let c = num / den;
    let var_star: f64 = terms
        .iter()
        .map(|t| {
            let w = t.w - c * t.r;
            t.pq * w * w
        })
        .sum();
    let lz = big_w / var.sqrt();
    let lz_star = big_w / var_star.sqrt();
    (finite_or_nan(lz), finite_or_nan(lz_star))
}

fn finite_or_nan(v: f64) -> f64 {
    if v.is_finite() { v } else { f64::NAN }
}

/// Estimates `θ` and computes `lz` and `lz*` for one pattern.
pub fn score_fit(items: &ItemSet, scores: &[Option<u8>]) -> ScoreFit {
    let theta = estimate::theta(items, scores);
    let (lz, lz_star) = lz_at(items, scores, theta);
    ScoreFit { theta, lz, lz_star }
}

/// Person fit of every person of `scores`, with `L_T` when `times` are given (the items' response-time
/// parameters are then required). `times` must have the same persons and items, in the same order.
///
/// # Errors
/// [`ForensicsError::Mismatch`] when the dimensions disagree or times come without response-time
/// parameters.
pub fn detect(
    items: &ItemSet,
    scores: &Scores,
    times: Option<&TimeMatrix>,
) -> Result<Vec<PersonFit>, ForensicsError> {
    super::check_scores(items, scores)?;
    let rt = match times {
        Some(t) => Some((super::check_times(items, scores.n_persons(), t)?, t)),
        None => None,
    };
    Ok((0..scores.n_persons())
        .map(|p| PersonFit {
            scores: score_fit(items, scores.row(p)),
            times: rt.map(|(rt, t)| response_time::time_fit(rt, t.log_seconds(p))),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use item_bank::irt::ItemParams;
    use proptest::prelude::*;

    fn items(n: usize) -> (Vec<ItemParams>, ItemSet) {
        let params: Vec<ItemParams> = (0..n)
            .map(|i| {
                let t = i as f64 / n as f64;
                ItemParams::three_pl(0.6 + t, -2.0 + 4.0 * t, 0.1 + 0.1 * t).unwrap()
            })
            .collect();
        let set = ItemSet::new(&params, None).unwrap();
        (params, set)
    }

    #[test]
    fn a_guttman_pattern_fits_and_its_reverse_does_not() {
        let (_, set) = items(30);
        // Items run from easy to hard: right on the easy half is expected, right on the hard half is not.
        let expected: Vec<Option<u8>> = (0..30).map(|i| Some(u8::from(i < 15))).collect();
        let reversed: Vec<Option<u8>> = (0..30).map(|i| Some(u8::from(i >= 15))).collect();
        let good = score_fit(&set, &expected);
        let bad = score_fit(&set, &reversed);
        assert!(good.lz_star > 0.0, "{good:?}");
        assert!(bad.lz_star < -3.0 && bad.p_lz_star() < 0.001, "{bad:?}");
    }

    #[test]
    fn extreme_patterns_are_finite() {
        let (_, set) = items(25);
        for x in [0u8, 1] {
            let fit = score_fit(&set, &[Some(x); 25]);
            assert!(fit.lz.is_finite() && fit.lz_star.is_finite(), "{fit:?}");
        }
        let none = score_fit(&set, &[None; 25]);
        assert!(none.lz.is_nan() && none.lz_star.is_nan() && none.theta.is_nan());
    }

    #[test]
    fn one_item_leaves_lz_star_undefined() {
        // With one item the corrected weight w* = w − (w/r)·r vanishes: lz* has no variance.
        let (_, set) = items(3);
        let fit = score_fit(&set, &[Some(1), None, None]);
        assert!(fit.lz.is_finite() && fit.lz_star.is_nan(), "{fit:?}");
    }

    proptest! {
        #[test]
        fn lz_is_invariant_to_item_order(pattern in proptest::collection::vec(proptest::option::weighted(0.9, 0u8..=1), 30), rotate in 1usize..30) {
            let (params, set) = items(30);
            let fit = score_fit(&set, &pattern);
            let (mut p2, mut x2) = (params.clone(), pattern.clone());
            p2.rotate_left(rotate);
            x2.rotate_left(rotate);
            let set2 = ItemSet::new(&p2, None).unwrap();
            // At the same θ the statistics agree to rounding; the re-estimated θ agrees to the search
            // tolerance.
            let (lz, lz_star) = lz_at(&set2, &x2, fit.theta);
            prop_assert!(fit.lz.is_nan() || (lz - fit.lz).abs() < 1e-9);
            prop_assert!(fit.lz_star.is_nan() || (lz_star - fit.lz_star).abs() < 1e-9);
            let moved = score_fit(&set2, &x2);
            prop_assert!(fit.lz.is_nan() || (moved.lz - fit.lz).abs() < 1e-3);
        }

        #[test]
        fn statistics_are_finite_from_two_items_on(pattern in proptest::collection::vec(proptest::option::weighted(0.5, 0u8..=1), 30)) {
            let (_, set) = items(30);
            let fit = score_fit(&set, &pattern);
            let presented = pattern.iter().filter(|x| x.is_some()).count();
            prop_assert_eq!(fit.lz.is_finite(), presented >= 1);
            prop_assert_eq!(fit.lz_star.is_finite(), presented >= 2);
            // The correction removes variance, so it never shrinks the statistic.
            prop_assert!(presented < 2 || fit.lz_star.abs() >= fit.lz.abs() - 1e-12);
        }
    }
}
