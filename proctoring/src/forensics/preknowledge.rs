//! Preknowledge of a declared set of compromised items: Sinharay's signed likelihood-ratio statistic
//! `L_S` and signed score statistic `S_S` from the scores (Sinharay, 2017), and the signed
//! likelihood-ratio statistic `L_T` from the log times (Sinharay, 2020), as aberrance's
//! `detect_pk(method = c("L_S", "S_S", "L_T"), ci = …)` computes them.
//!
//! Each person's parameters are estimated three times ([`super::estimate`]): on all items (`θ`, `τ`),
//! on the compromised items only (`θ_c`, `τ_c`) and on the secure ones only (`θ_s`, `τ_s`). Sums run
//! over presented items.
//!
//! * `L_S = sign(θ_c − θ_s) √max(0, 2 [Σ_c ln P(x_i | θ_c) + Σ_s ln P(x_i | θ_s) − Σ ln P(x_i | θ)])`;
//! * `S_S = sign(θ_c − θ_s) √(U_c² / I_c + U_s² / I_s)` with, at `θ`, the score
//!   `U_g = Σ_g d ln P(x_i | θ)/dθ` and the information `I_g = Σ_g P_i'² / (P_i (1 − P_i))` of each
//!   group;
//! * `L_T = sign(τ_c − τ_s) √max(0, Σ_i α_i² [(y_i − β_i + τ)² − (y_i − β_i + τ_g(i))²])` where
//!   `τ_g(i)` is `τ_c` or `τ_s` by the item's group.
//!
//! Each is approximately standard normal without preknowledge; a large positive value (better or
//! faster on the compromised items) points to it: the p-value is `P(Z ≥ statistic)`.

use serde::Serialize;

use super::ForensicsError;
use super::estimate;
use super::items::{ItemSet, RtParams};
use super::scores::Scores;
use super::special::normal_upper;
use super::times::TimeMatrix;

/// The preknowledge statistics of one person; `NaN` when undefined (a group without presented items).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Preknowledge {
    /// Ability on the compromised items.
    pub theta_compromised: f64,
    /// Ability on the secure items.
    pub theta_secure: f64,
    /// `L_S`.
    pub l_s: f64,
    /// `S_S`.
    pub s_s: f64,
    /// `L_T`, when there are times.
    pub l_t: Option<f64>,
}

impl Preknowledge {
    /// `P(Z ≥ L_S)`.
    pub fn p_l_s(&self) -> f64 {
        normal_upper(self.l_s)
    }
    /// `P(Z ≥ S_S)`.
    pub fn p_s_s(&self) -> f64 {
        normal_upper(self.s_s)
    }
    /// `P(Z ≥ L_T)`, when there are times.
    pub fn p_l_t(&self) -> Option<f64> {
        self.l_t.map(normal_upper)
    }
}

/// R's `sign`: −1, 0 or 1 (`NaN` stays `NaN`).
fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        x * 0.0
    }
}

/// `L_S` and `S_S` of one pattern; `compromised[i]` says whether item `i` is compromised.
/// Returns `(θ_c, θ_s, L_S, S_S)`.
pub fn score_statistics(
    items: &ItemSet,
    scores: &[Option<u8>],
    compromised: &[bool],
) -> (f64, f64, f64, f64) {
    let theta = estimate::theta(items, scores);
    let theta_c = estimate::theta_where(items, scores, |i| compromised[i]);
    let theta_s = estimate::theta_where(items, scores, |i| !compromised[i]);
    let direction = sign(theta_c - theta_s);
    let (mut ratio, mut u_c, mut u_s, mut info_c, mut info_s) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (i, x) in scores.iter().enumerate() {
        let Some(x) = *x else { continue };
        let own = if compromised[i] { theta_c } else { theta_s };
        ratio += items.log_prob(i, own, x) - items.log_prob(i, theta, x);
        let (p, p1) = items.prob_and_slope(i, theta);
        let q = 1.0 - p;
        let score = if x == 1 { p1 / p } else { -p1 / q };
        let info = p1 * p1 / p + p1 * p1 / q;
        if compromised[i] {
            u_c += score;
            info_c += info;
        } else {
            u_s += score;
            info_s += info;
        }
    }
    let l_s = direction * (2.0 * ratio).max(0.0).sqrt();
    let s_s = direction * (u_c * u_c / info_c + u_s * u_s / info_s).max(0.0).sqrt();
    (theta_c, theta_s, l_s, s_s)
}

/// `L_T` of one person's log times (log seconds, `None` = no time).
pub fn time_statistic(rt: &[RtParams], log_times: &[Option<f64>], compromised: &[bool]) -> f64 {
    let tau = estimate::tau(rt, log_times);
    let tau_c = estimate::tau_where(rt, log_times, |i| compromised[i]);
    let tau_s = estimate::tau_where(rt, log_times, |i| !compromised[i]);
    let ratio: f64 = rt
        .iter()
        .zip(log_times)
        .zip(compromised)
        .filter_map(|((p, y), &c)| {
            let y = (*y)?;
            let own = if c { tau_c } else { tau_s };
            Some(p.alpha * p.alpha * ((y - p.beta + tau).powi(2) - (y - p.beta + own).powi(2)))
        })
        .sum();
    sign(tau_c - tau_s) * ratio.max(0.0).sqrt()
}

/// The preknowledge statistics of every person, with `compromised` the 0-based indices of the
/// compromised items; `L_T` when `times` are given (same persons and items, same order).
///
/// # Errors
/// [`ForensicsError::Params`] when no item or every item is declared compromised or an index is out of
/// range; [`ForensicsError::Mismatch`] when dimensions disagree or times come without response-time
/// parameters.
pub fn detect(
    items: &ItemSet,
    scores: &Scores,
    times: Option<&TimeMatrix>,
    compromised: &[usize],
) -> Result<Vec<Preknowledge>, ForensicsError> {
    super::check_scores(items, scores)?;
    let mut mask = vec![false; items.len()];
    for &i in compromised {
        *mask.get_mut(i).ok_or_else(|| {
            ForensicsError::Params(format!(
                "compromised item {} is not one of the {} items",
                i + 1,
                items.len()
            ))
        })? = true;
    }
    if !mask.contains(&true) {
        return Err(ForensicsError::Params(
            "at least one item must be declared compromised".into(),
        ));
    }
    if !mask.contains(&false) {
        return Err(ForensicsError::Params(
            "at least one item must be secure".into(),
        ));
    }
    let rt = match times {
        Some(t) => Some((super::check_times(items, scores.n_persons(), t)?, t)),
        None => None,
    };
    Ok((0..scores.n_persons())
        .map(|p| {
            let (theta_compromised, theta_secure, l_s, s_s) =
                score_statistics(items, scores.row(p), &mask);
            Preknowledge {
                theta_compromised,
                theta_secure,
                l_s,
                s_s,
                l_t: rt.map(|(rt, t)| time_statistic(rt, t.log_seconds(p), &mask)),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use item_bank::irt::ItemParams;
    use proptest::prelude::*;

    fn items(n: usize) -> ItemSet {
        let params: Vec<ItemParams> = (0..n)
            .map(|i| ItemParams::three_pl(1.0, -2.0 + 4.0 * i as f64 / n as f64, 0.15).unwrap())
            .collect();
        let rt = (0..n)
            .map(|i| RtParams {
                alpha: 2.0,
                beta: 3.0 + 0.01 * i as f64,
            })
            .collect();
        ItemSet::new(&params, Some(rt)).unwrap()
    }

    #[test]
    fn right_and_fast_on_the_compromised_items_points_to_preknowledge() {
        let set = items(20);
        let mask: Vec<bool> = (0..20).map(|i| i % 2 == 1).collect();
        // Right on every compromised item, right on the easy secure items only.
        let x: Vec<Option<u8>> = (0..20)
            .map(|i| Some(u8::from(i % 2 == 1 || i < 6)))
            .collect();
        let (theta_c, theta_s, l_s, s_s) = score_statistics(&set, &x, &mask);
        assert!(theta_c > theta_s && l_s > 1.645 && s_s > 1.0, "{l_s} {s_s}");
        let rt = set.rt().unwrap();
        let y: Vec<Option<f64>> = (0..20)
            .map(|i| Some(rt[i].beta - if mask[i] { 1.0 } else { 0.0 }))
            .collect();
        assert!(time_statistic(rt, &y, &mask) > 3.0);
        let slow: Vec<Option<f64>> = (0..20)
            .map(|i| Some(rt[i].beta + if mask[i] { 1.0 } else { 0.0 }))
            .collect();
        assert!(time_statistic(rt, &slow, &mask) < -3.0);
    }

    #[test]
    fn declared_sets_are_checked() {
        let set = items(4);
        let scores = Scores::new(&[vec![Some(1), Some(0), Some(1), Some(0)]]).unwrap();
        assert!(detect(&set, &scores, None, &[]).is_err());
        assert!(detect(&set, &scores, None, &[0, 1, 2, 3]).is_err());
        assert!(detect(&set, &scores, None, &[4]).is_err());
        let out = detect(&set, &scores, None, &[0, 2]).unwrap();
        assert!(out[0].l_t.is_none() && out[0].l_s.is_finite());
    }

    proptest! {
        #[test]
        fn statistics_are_finite_on_any_complete_pattern(x in proptest::collection::vec(0u8..=1, 16), y in proptest::collection::vec(1.0f64..5.0, 16)) {
            let set = items(16);
            let mask: Vec<bool> = (0..16).map(|i| i < 6).collect();
            let x: Vec<Option<u8>> = x.into_iter().map(Some).collect();
            let (_, _, l_s, s_s) = score_statistics(&set, &x, &mask);
            prop_assert!(l_s.is_finite() && s_s.is_finite());
            let y: Vec<Option<f64>> = y.into_iter().map(Some).collect();
            let l_t = time_statistic(set.rt().unwrap(), &y, &mask);
            prop_assert!(l_t.is_finite());
            prop_assert!((0.0..=1.0).contains(&normal_upper(l_s)));
        }
    }
}
