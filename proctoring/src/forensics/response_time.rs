//! Person fit of response times under the lognormal model: Sinharay's (2018) `L_T`, as aberrance's
//! `detect_pm(method = "L_T")` computes it.
//!
//! With the speed `τ` estimated ([`super::estimate::tau`]) and `y_i` the log seconds,
//! `L_T = Σ_i (α_i (y_i − (β_i − τ)))²` over the items with a time. Under the model it is
//! approximately χ² with `n − 1` degrees of freedom (`n` timed items); a large value (times unlike the
//! person's own speed, e.g. fast on some items only) is misfit.

use serde::Serialize;

use super::estimate;
use super::items::RtParams;
use super::special::chi_square_upper;

/// Response-time person fit of one person.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TimeFit {
    /// The estimated speed `τ` (`NaN` without any time).
    pub tau: f64,
    /// The statistic `L_T` (`NaN` without any time).
    pub l_t: f64,
    /// Its degrees of freedom, timed items − 1.
    pub df: usize,
}

impl TimeFit {
    /// `P(χ²_df ≥ L_T)`; `NaN` when undefined (fewer than two timed items).
    pub fn p_value(&self) -> f64 {
        if self.df == 0 {
            f64::NAN
        } else {
            chi_square_upper(self.l_t, self.df as f64)
        }
    }
}

/// `L_T` of log times `log_times` (log seconds, `None` = no time) at speed `tau`, and its degrees of
/// freedom.
pub fn l_t_at(rt: &[RtParams], log_times: &[Option<f64>], tau: f64) -> (f64, usize) {
    let mut sum = 0.0;
    let mut n = 0;
    for (p, y) in rt.iter().zip(log_times) {
        if let Some(y) = *y {
            sum += (p.alpha * (y - (p.beta - tau))).powi(2);
            n += 1;
        }
    }
    if n == 0 { (f64::NAN, 0) } else { (sum, n - 1) }
}

/// Estimates `τ` and computes `L_T` for one person.
///
/// # Panics
/// If `rt` and `log_times` differ in length.
pub fn time_fit(rt: &[RtParams], log_times: &[Option<f64>]) -> TimeFit {
    assert_eq!(rt.len(), log_times.len(), "one time slot per item");
    let tau = estimate::tau(rt, log_times);
    let (l_t, df) = l_t_at(rt, log_times, tau);
    TimeFit { tau, l_t, df }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rt(n: usize) -> Vec<RtParams> {
        (0..n)
            .map(|i| RtParams {
                alpha: 1.5 + 0.05 * i as f64,
                beta: 3.0 + 0.02 * i as f64,
            })
            .collect()
    }

    #[test]
    fn times_on_the_persons_own_speed_fit_perfectly() {
        let params = rt(10);
        let times: Vec<Option<f64>> = params.iter().map(|p| Some(p.beta - 0.7)).collect();
        let fit = time_fit(&params, &times);
        assert!((fit.tau - 0.7).abs() < 1e-4);
        assert!(fit.l_t < 1e-6 && fit.df == 9);
        assert!(fit.p_value() > 0.999_999);
    }

    #[test]
    fn too_few_times_are_undefined() {
        let params = rt(3);
        let one = time_fit(&params, &[None, Some(2.0), None]);
        assert_eq!(one.df, 0);
        assert!(one.p_value().is_nan());
        let none = time_fit(&params, &[None; 3]);
        assert!(none.tau.is_nan() && none.l_t.is_nan());
    }

    proptest! {
        #[test]
        fn l_t_is_invariant_to_item_order(ys in proptest::collection::vec(0.5f64..5.5, 2..40), rotate in 0usize..40) {
            let params = rt(ys.len());
            let times: Vec<Option<f64>> = ys.iter().copied().map(Some).collect();
            let fit = time_fit(&params, &times);
            let k = rotate % ys.len();
            let (mut p2, mut t2) = (params.clone(), times.clone());
            p2.rotate_left(k);
            t2.rotate_left(k);
            let moved = time_fit(&p2, &t2);
            prop_assert!((fit.tau - moved.tau).abs() < 1e-3);
            prop_assert!(fit.l_t.is_finite() && (0.0..=1.0).contains(&fit.p_value()));
        }
    }
}
