//! Ability estimation for one person from known item parameters, test information, and sum-score tables.

use serde::{Deserialize, Serialize};

use super::model::ItemParams;
use super::quadrature::Quadrature;

/// How to estimate θ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AbilityMethod {
    /// Maximum likelihood. Does not exist for all-minimum or all-maximum patterns; see
    /// [`EstimateStatus::Extreme`].
    Mle,
    /// Warm's weighted likelihood: root of `ℓ'(θ) + J(θ)/(2 I(θ))`; finite for extreme patterns of Rasch,
    /// 2PL, GPCM and GRM items, less biased than the MLE.
    Wle,
    /// Maximum a posteriori with the normal prior of [`AbilityOptions`].
    Map,
    /// Expected a posteriori over the quadrature of [`AbilityOptions`].
    Eap,
}

/// How an estimate came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EstimateStatus {
    /// A finite estimate inside the bounds.
    Ok,
    /// MLE of an all-minimum (or all-maximum) pattern: the likelihood increases without limit as θ → −∞
    /// (+∞). `theta` is the lower (upper) bound `∓AbilityOptions::bound` and `se` is infinite (`null` in
    /// JSON). Use WLE, MAP or EAP for such patterns.
    Extreme,
    /// The maximiser lies at or beyond the bound `±AbilityOptions::bound` (e.g. the WLE of an all-wrong 3PL
    /// pattern); `theta` is the bound and `se` is evaluated there.
    AtBound,
    /// No item was presented. MLE and WLE report θ = prior mean with infinite `se`; MAP and EAP report the
    /// prior mean and standard deviation.
    NoResponses,
}

/// An ability estimate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AbilityEstimate {
    /// The estimate on the items' θ scale.
    pub theta: f64,
    /// Standard error: `1/√I(θ)` for MLE and WLE, `1/√(I(θ) + 1/σ²)` for MAP, the posterior standard
    /// deviation for EAP. Infinite (serialised as `null`) when undefined.
    pub se: f64,
    /// The method used.
    pub method: AbilityMethod,
    /// How the estimate came about.
    pub status: EstimateStatus,
    /// Number of responses used (presented items).
    pub n_responses: usize,
}

/// Prior and grid settings of ability estimation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AbilityOptions {
    /// Mean of the normal prior (MAP, EAP). Default 0.
    pub prior_mean: f64,
    /// Standard deviation of the normal prior (MAP, EAP). Default 1.
    pub prior_sd: f64,
    /// EAP: number of equally spaced nodes on `[−bound, bound]`, 2 to [`MAX_EAP_NODES`]. Default 61.
    pub nodes: usize,
    /// MLE, WLE, MAP search interval and EAP grid are `[−bound, bound]`. Default 6.
    pub bound: f64,
}

impl Default for AbilityOptions {
    fn default() -> Self {
        AbilityOptions {
            prior_mean: 0.0,
            prior_sd: 1.0,
            nodes: Quadrature::DEFAULT_NODES,
            bound: Quadrature::DEFAULT_RANGE,
        }
    }
}

/// Estimates θ from responses to items with known parameters, with the default [`AbilityOptions`]
/// (N(0, 1) prior; EAP on 61 equally spaced nodes on `[−6, 6]`; search interval `[−6, 6]`).
///
/// `responses[i]` is the category of `items[i]`, `None` if not presented. Takes microseconds for a
/// 60-item test and does not allocate.
///
/// # Panics
/// If `responses.len() != items.len()` or a response exceeds its item's highest category.
pub fn estimate_ability(
    items: &[ItemParams],
    responses: &[Option<u8>],
    method: AbilityMethod,
) -> AbilityEstimate {
    estimate_ability_with(items, responses, method, &AbilityOptions::default())
}

/// [`estimate_ability`] with explicit prior and grid settings.
///
/// # Panics
/// As [`estimate_ability`]; also if `prior_sd` or `bound` is not positive or `nodes` is outside
/// `2..=MAX_EAP_NODES`.
pub fn estimate_ability_with(
    items: &[ItemParams],
    responses: &[Option<u8>],
    method: AbilityMethod,
    options: &AbilityOptions,
) -> AbilityEstimate {
    assert_eq!(items.len(), responses.len(), "one response slot per item");
    assert!(
        options.prior_sd > 0.0
            && options.bound > 0.0
            && (2..=MAX_EAP_NODES).contains(&options.nodes),
        "invalid ability options"
    );
    let mut n = 0;
    let (mut all_min, mut all_max) = (true, true);
    for (item, r) in items.iter().zip(responses) {
        if let Some(k) = *r {
            assert!(
                k <= item.max_score(),
                "response {k} above the highest category {}",
                item.max_score()
            );
            n += 1;
            all_min &= k == 0;
            all_max &= k == item.max_score();
        }
    }
    let estimate = |theta, se, status| AbilityEstimate {
        theta,
        se,
        method,
        status,
        n_responses: n,
    };
    if n == 0 {
        let se = if matches!(method, AbilityMethod::Map | AbilityMethod::Eap) {
            options.prior_sd
        } else {
            f64::INFINITY
        };
        return estimate(options.prior_mean, se, EstimateStatus::NoResponses);
    }
    let bound = options.bound;
    match method {
        AbilityMethod::Eap => {
            let (theta, sd) = eap(items, responses, options);
            estimate(theta, sd, EstimateStatus::Ok)
        }
        AbilityMethod::Mle if all_min || all_max => {
            let theta = if all_min { -bound } else { bound };
            estimate(theta, f64::INFINITY, EstimateStatus::Extreme)
        }
        AbilityMethod::Mle | AbilityMethod::Wle | AbilityMethod::Map => {
            let prior_precision = 1.0 / (options.prior_sd * options.prior_sd);
            // The estimating function: decreasing in θ for the usual models; its root is the estimate.
            let f = |theta: f64| -> (f64, f64) {
                let (score, info, j) = sums(items, responses, theta);
                match method {
                    AbilityMethod::Mle => (score, info),
                    AbilityMethod::Wle => (score + j / (2.0 * info.max(1e-300)), info),
                    _ => (
                        score - (theta - options.prior_mean) * prior_precision,
                        info + prior_precision,
                    ),
                }
            };
            let (theta, status) = solve(f, bound);
            let info = sums(items, responses, theta).1;
            let info = if method == AbilityMethod::Map {
                info + prior_precision
            } else {
                info
            };
            estimate(theta, 1.0 / info.sqrt(), status)
        }
    }
}

/// Score `ℓ'(θ)`, information `I(θ)` and Warm's `J(θ)` summed over the presented items.
fn sums(items: &[ItemParams], responses: &[Option<u8>], theta: f64) -> (f64, f64, f64) {
    let (mut score, mut info, mut j) = (0.0, 0.0, 0.0);
    for (item, r) in items.iter().zip(responses) {
        if let Some(k) = *r {
            let t = item.terms(theta, usize::from(k));
            score += t.score;
            info += t.info;
            j += t.j;
        }
    }
    (score, info, j)
}

/// Root of a decreasing estimating function `f` (value, minus its derivative) on `[−bound, bound]`:
/// Fisher-scoring steps safeguarded by bisection on a bracket.
fn solve(f: impl Fn(f64) -> (f64, f64), bound: f64) -> (f64, EstimateStatus) {
    let (mut lo, mut hi) = (-bound, bound);
    if f(lo).0 <= 0.0 {
        return (lo, EstimateStatus::AtBound);
    }
    if f(hi).0 >= 0.0 {
        return (hi, EstimateStatus::AtBound);
    }
    let mut theta = 0.0_f64.clamp(lo, hi);
    for _ in 0..200 {
        let (value, slope) = f(theta);
        if value > 0.0 {
            lo = theta;
        } else {
            hi = theta;
        }
        let mut next = theta + value / slope.max(1e-12);
        if !(next > lo && next < hi) {
            next = 0.5 * (lo + hi);
        }
        if (next - theta).abs() < 1e-10 || hi - lo < 1e-10 {
            return (next, EstimateStatus::Ok);
        }
        theta = next;
    }
    (theta, EstimateStatus::Ok)
}

/// Posterior mean and standard deviation on the EAP grid.
///
/// The log-posterior at each node is accumulated on the stack. For 2PL and Rasch items (the common case)
/// the nodes are equally spaced, so `e^{z_q}` for `z_q = α·θ_q + δ` is a geometric sequence: one `exp`
/// per item, then a multiplication per node (relative error below `nodes·2ε`); the likelihood is
/// multiplied in probability space and folded into the log only when the running product falls below
/// `1e−250`. Items whose logit could leave `±500` on the grid, and other models, take the exact
/// log-space path.
fn eap(items: &[ItemParams], responses: &[Option<u8>], options: &AbilityOptions) -> (f64, f64) {
    let n = options.nodes;
    let step = 2.0 * options.bound / (n - 1) as f64;
    let theta = |q: usize| -options.bound + step * q as f64;
    let mut log_post = [0.0_f64; MAX_EAP_NODES];
    let mut product = [1.0_f64; MAX_EAP_NODES];
    for (q, lp) in log_post[..n].iter_mut().enumerate() {
        let z = (theta(q) - options.prior_mean) / options.prior_sd;
        *lp = -0.5 * z * z;
    }
    for (item, r) in items.iter().zip(responses) {
        let Some(k) = *r else { continue };
        let k = usize::from(k);
        let (alpha, delta) = (item.alpha(), item.delta(0));
        let geometric = item.model().is_dichotomous() && item.c() == 0.0;
        if geometric && alpha * options.bound + delta.abs() < 500.0 {
            let ratio = (alpha * step).exp();
            let mut ez = (alpha * theta(0) + delta).exp();
            for (lp, pr) in log_post[..n].iter_mut().zip(&mut product[..n]) {
                let p = if k == 1 {
                    ez / (1.0 + ez)
                } else {
                    1.0 / (1.0 + ez)
                };
                *pr *= p;
                if *pr < 1e-250 {
                    *lp += pr.ln();
                    *pr = 1.0;
                }
                ez *= ratio;
            }
        } else {
            for (q, lp) in log_post[..n].iter_mut().enumerate() {
                *lp += item.log_prob(theta(q), k);
            }
        }
    }
    let mut max = f64::NEG_INFINITY;
    for (lp, pr) in log_post[..n].iter_mut().zip(&product[..n]) {
        *lp += pr.ln();
        max = max.max(*lp);
    }
    let (mut s0, mut s1, mut s2) = (0.0, 0.0, 0.0);
    for (q, lp) in log_post[..n].iter().enumerate() {
        let w = (lp - max).exp();
        let t = theta(q);
        s0 += w;
        s1 += w * t;
        s2 += w * t * t;
    }
    let mean = s1 / s0;
    (mean, (s2 / s0 - mean * mean).max(0.0).sqrt())
}

/// Largest number of EAP nodes ([`AbilityOptions::nodes`]).
pub const MAX_EAP_NODES: usize = 401;

/// Test information `Σ I_i(θ)` of the items at `θ`.
pub fn test_information(items: &[ItemParams], theta: f64) -> f64 {
    items.iter().map(|item| item.information(theta)).sum()
}

/// Conditional standard error of measurement `1/√I(θ)` at `θ` (infinite if the information is 0).
pub fn conditional_sem(items: &[ItemParams], theta: f64) -> f64 {
    1.0 / test_information(items, theta).sqrt()
}

/// One row of a sum-score EAP table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SumScoreRow {
    /// Summed score.
    pub score: u32,
    /// EAP of θ given the summed score.
    pub theta: f64,
    /// Posterior standard deviation of θ given the summed score.
    pub se: f64,
    /// Model-implied probability of the score in the population of the quadrature.
    pub probability: f64,
}

/// EAP of θ for every summed score `0..=Σ max_score` of a test taken in full, by the Lord–Wingersky
/// recursion on the quadrature (its weights are the prior).
pub fn sum_score_eap_table(items: &[ItemParams], quadrature: &Quadrature) -> Vec<SumScoreRow> {
    let max_total: usize = items.iter().map(|i| usize::from(i.max_score())).sum();
    let mut rows = vec![(0.0, 0.0, 0.0); max_total + 1];
    let mut dist = vec![0.0; max_total + 1];
    let mut next = vec![0.0; max_total + 1];
    for (&theta, &w) in quadrature.nodes().iter().zip(quadrature.weights()) {
        dist.iter_mut().for_each(|d| *d = 0.0);
        dist[0] = 1.0;
        let mut top = 0;
        for item in items {
            let probs = item.category_probs(theta);
            next[..=top + probs.len() - 1]
                .iter_mut()
                .for_each(|d| *d = 0.0);
            for (s, &d) in dist[..=top].iter().enumerate() {
                for (k, &p) in probs.iter().enumerate() {
                    next[s + k] += d * p;
                }
            }
            top += probs.len() - 1;
            std::mem::swap(&mut dist, &mut next);
        }
        for (row, &d) in rows.iter_mut().zip(&dist) {
            row.0 += w * d;
            row.1 += w * d * theta;
            row.2 += w * d * theta * theta;
        }
    }
    rows.into_iter()
        .enumerate()
        .map(|(score, (p, m1, m2))| {
            let theta = m1 / p;
            SumScoreRow {
                score: score as u32,
                theta,
                se: (m2 / p - theta * theta).max(0.0).sqrt(),
                probability: p,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items() -> Vec<ItemParams> {
        (0..20)
            .map(|i| ItemParams::two_pl(0.8 + 0.05 * i as f64, -2.0 + 0.2 * i as f64))
            .collect()
    }

    #[test]
    fn mle_solves_the_score_equation_and_extremes_are_flagged() {
        let items = items();
        let resp: Vec<Option<u8>> = (0..20).map(|i| Some((i % 3 != 0) as u8)).collect();
        let est = estimate_ability(&items, &resp, AbilityMethod::Mle);
        assert_eq!(est.status, EstimateStatus::Ok);
        assert!(sums(&items, &resp, est.theta).0.abs() < 1e-8);
        assert!((est.se - conditional_sem(&items, est.theta)).abs() < 1e-12);
        let wrong = vec![Some(0); 20];
        let mle = estimate_ability(&items, &wrong, AbilityMethod::Mle);
        assert_eq!((mle.theta, mle.status), (-6.0, EstimateStatus::Extreme));
        assert!(mle.se.is_infinite());
        let wle = estimate_ability(&items, &wrong, AbilityMethod::Wle);
        assert_eq!(wle.status, EstimateStatus::Ok);
        assert!(wle.theta > -6.0 && wle.theta < -2.0, "{wle:?}");
        let right = vec![Some(1); 20];
        let map = estimate_ability(&items, &right, AbilityMethod::Map);
        let eap = estimate_ability(&items, &right, AbilityMethod::Eap);
        assert!(map.theta > 1.0 && eap.theta > 1.0 && map.status == EstimateStatus::Ok);
    }

    #[test]
    fn eap_matches_direct_log_space_integration() {
        let items = vec![
            ItemParams::two_pl(1.3, -0.4),
            ItemParams::rasch(1.1),
            ItemParams::two_pl(90.0, 0.3),
            ItemParams::three_pl(1.0, 0.0, 0.25).unwrap(),
            ItemParams::grm(1.2, vec![-1.0, 0.5]).unwrap(),
            ItemParams::two_pl(2.5, 5.5),
        ];
        for responses in [
            vec![Some(1), Some(0), Some(1), Some(0), Some(2), Some(1)],
            vec![Some(0), Some(0), Some(0), Some(0), Some(0), Some(0)],
            vec![Some(1), None, Some(0), Some(1), Some(1), Some(1)],
        ] {
            let options = AbilityOptions {
                prior_mean: 0.3,
                prior_sd: 1.4,
                ..AbilityOptions::default()
            };
            let est = estimate_ability_with(&items, &responses, AbilityMethod::Eap, &options);
            let (mut s0, mut s1, mut s2) = (0.0, 0.0, 0.0);
            let logs: Vec<(f64, f64)> = (0..61)
                .map(|q| {
                    let t = -6.0 + 0.2 * q as f64;
                    let mut l = -0.5 * ((t - 0.3) / 1.4_f64).powi(2);
                    for (item, r) in items.iter().zip(&responses) {
                        if let Some(k) = r {
                            l += item.terms(t, usize::from(*k)).log_p;
                        }
                    }
                    (t, l)
                })
                .collect();
            let max = logs.iter().map(|x| x.1).fold(f64::NEG_INFINITY, f64::max);
            for (t, l) in logs {
                let w = (l - max).exp();
                s0 += w;
                s1 += w * t;
                s2 += w * t * t;
            }
            let mean = s1 / s0;
            let sd = (s2 / s0 - mean * mean).sqrt();
            assert!(
                (est.theta - mean).abs() < 1e-10 && (est.se - sd).abs() < 1e-10,
                "{est:?} vs {mean} {sd}"
            );
        }
    }

    #[test]
    fn no_responses_give_the_prior() {
        let items = items();
        let none = vec![None; 20];
        let eap = estimate_ability(&items, &none, AbilityMethod::Eap);
        assert_eq!(
            (eap.theta, eap.se, eap.status),
            (0.0, 1.0, EstimateStatus::NoResponses)
        );
        assert!(
            estimate_ability(&items, &none, AbilityMethod::Mle)
                .se
                .is_infinite()
        );
    }

    #[test]
    fn wle_of_rasch_matches_a_known_value_and_map_eap_shrink() {
        // Rasch, 3 items at b = 0, one correct: the WLE solves 1 − 3P + (3P(1−P)(1−2P))/(2·3P(1−P)) = 0,
        // i.e. 1 − 3P + (1 − 2P)/2 = 0 → P = 3/8.
        let items = vec![ItemParams::rasch(0.0); 3];
        let est = estimate_ability(&items, &[Some(1), Some(0), Some(0)], AbilityMethod::Wle);
        assert!((est.theta - (3.0_f64 / 5.0).ln()).abs() < 1e-8, "{est:?}");
        let mle = estimate_ability(&items, &[Some(1), Some(0), Some(0)], AbilityMethod::Mle);
        assert!((mle.theta - 0.5_f64.ln()).abs() < 1e-8);
        let map = estimate_ability(&items, &[Some(1), Some(0), Some(0)], AbilityMethod::Map);
        assert!(map.theta > mle.theta && map.theta < 0.0);
    }

    #[test]
    fn sum_score_table_is_a_distribution_and_monotone() {
        let mut items = items();
        items.push(ItemParams::gpcm(1.0, vec![-0.5, 0.5]).unwrap());
        let table = sum_score_eap_table(&items, &Quadrature::default());
        assert_eq!(table.len(), 23);
        assert!((table.iter().map(|r| r.probability).sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(table.windows(2).all(|w| w[1].theta > w[0].theta));
        // Single item: the table equals EAP of the pattern.
        let one = [ItemParams::two_pl(1.3, 0.4)];
        let t = sum_score_eap_table(&one, &Quadrature::default());
        let e = estimate_ability(&one, &[Some(1)], AbilityMethod::Eap);
        assert!((t[1].theta - e.theta).abs() < 1e-12 && (t[1].se - e.se).abs() < 1e-12);
    }
}
