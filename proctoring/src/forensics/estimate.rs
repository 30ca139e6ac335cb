//! Person parameters as the reference implementation estimates them: ability `θ` from the scores and
//! speed `τ` from the log times, each by maximum likelihood with the item parameters known, searched
//! with [`maximize`] (R's `optimize`) on [`SEARCH_INTERVAL`] = `[−4, 4]` with the default tolerance.
//!
//! The item bank's own ability estimators (`item_bank::irt::estimate_ability`) solve the likelihood
//! equation exactly; these stop where `optimize` stops, so that statistics computed from them match
//! aberrance's published figures. Bounded, they are finite for every pattern: an all-correct pattern
//! gets a `θ` just inside 4, an all-wrong one just inside −4.

use super::items::{ItemSet, RtParams};
use super::optimize::{DEFAULT_TOL, maximize};

/// The interval searched for `θ` and `τ`, aberrance's default `interval = c(-4, 4)`.
pub const SEARCH_INTERVAL: (f64, f64) = (-4.0, 4.0);

/// The maximum-likelihood `θ` from the presented responses to the items `i` with `include(i)`;
/// `NaN` when there is none.
///
/// `scores[i]` is 0 or 1, `None` when not presented.
pub fn theta_where(items: &ItemSet, scores: &[Option<u8>], include: impl Fn(usize) -> bool) -> f64 {
    let answered: Vec<(usize, u8)> = scores
        .iter()
        .enumerate()
        .filter_map(|(i, x)| x.filter(|_| include(i)).map(|x| (i, x)))
        .collect();
    if answered.is_empty() {
        return f64::NAN;
    }
    let log_likelihood = |theta: f64| {
        answered
            .iter()
            .map(|&(i, x)| items.log_prob(i, theta, x))
            .sum::<f64>()
    };
    maximize(
        log_likelihood,
        SEARCH_INTERVAL.0,
        SEARCH_INTERVAL.1,
        DEFAULT_TOL,
    )
}

/// The maximum-likelihood `θ` from all presented responses; `NaN` when there is none.
pub fn theta(items: &ItemSet, scores: &[Option<u8>]) -> f64 {
    theta_where(items, scores, |_| true)
}

/// The maximum-likelihood speed `τ` from the presented log times (log seconds) of the items `i` with
/// `include(i)`; `NaN` when there is none. The log-likelihood is `−Σ α_i² (y_i − β_i + τ)²` up to
/// constants.
pub fn tau_where(
    rt: &[RtParams],
    log_times: &[Option<f64>],
    include: impl Fn(usize) -> bool,
) -> f64 {
    let answered: Vec<(RtParams, f64)> = log_times
        .iter()
        .enumerate()
        .filter_map(|(i, y)| y.filter(|_| include(i)).map(|y| (rt[i], y)))
        .collect();
    if answered.is_empty() {
        return f64::NAN;
    }
    let log_likelihood = |tau: f64| {
        -answered
            .iter()
            .map(|(p, y)| (p.alpha * (y - p.beta + tau)).powi(2))
            .sum::<f64>()
    };
    maximize(
        log_likelihood,
        SEARCH_INTERVAL.0,
        SEARCH_INTERVAL.1,
        DEFAULT_TOL,
    )
}

/// The maximum-likelihood speed `τ` from all presented log times; `NaN` when there is none.
pub fn tau(rt: &[RtParams], log_times: &[Option<f64>]) -> f64 {
    tau_where(rt, log_times, |_| true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use item_bank::irt::{AbilityMethod, ItemParams, estimate_ability};
    use proptest::prelude::*;

    fn bank() -> (Vec<ItemParams>, ItemSet) {
        let params: Vec<ItemParams> = (0..20)
            .map(|i| {
                let b = -2.0 + 0.2 * f64::from(i);
                ItemParams::three_pl(0.7 + 0.05 * f64::from(i), b, 0.15).unwrap()
            })
            .collect();
        let set = ItemSet::new(&params, None).unwrap();
        (params, set)
    }

    proptest! {
        #[test]
        fn theta_is_the_item_banks_mle_to_the_search_tolerance(pattern in proptest::collection::vec(proptest::option::weighted(0.9, 0u8..=1), 20)) {
            let (params, set) = bank();
            let exact = estimate_ability(&params, &pattern, AbilityMethod::Mle);
            let ours = theta(&set, &pattern);
            prop_assume!(exact.n_responses > 0 && exact.theta.abs() < 3.9);
            prop_assert!((ours - exact.theta).abs() < 5e-4, "{ours} vs {}", exact.theta);
        }

        #[test]
        fn tau_is_the_weighted_mean_residual(ys in proptest::collection::vec(1.0f64..5.0, 1..30)) {
            let rt: Vec<RtParams> = (0..ys.len()).map(|i| RtParams { alpha: 1.5 + 0.1 * i as f64, beta: 3.5 }).collect();
            let y: Vec<Option<f64>> = ys.iter().copied().map(Some).collect();
            let w: f64 = rt.iter().map(|p| p.alpha * p.alpha).sum();
            let exact = rt.iter().zip(&ys).map(|(p, y)| p.alpha * p.alpha * (p.beta - y)).sum::<f64>() / w;
            let ours = tau(&rt, &y);
            prop_assert!((ours - exact.clamp(-4.0, 4.0)).abs() < 3e-4, "{ours} vs {exact}");
        }
    }

    #[test]
    fn extreme_and_empty_patterns() {
        let (_, set) = bank();
        let right = theta(&set, &[Some(1); 20]);
        let wrong = theta(&set, &[Some(0); 20]);
        assert!(right < 4.0 && right > 3.999, "{right}");
        assert!(wrong > -4.0 && wrong < -3.999, "{wrong}");
        assert!(theta(&set, &[None; 20]).is_nan());
        let only_first = theta_where(&set, &[Some(1); 20], |i| i == 0);
        assert!(only_first > 3.99);
    }
}
