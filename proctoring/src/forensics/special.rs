//! The tail probabilities the forensic p-values need.

use std::f64::consts::SQRT_2;

/// `P(Z ≥ z)` for a standard normal `Z`; accurate in the far tail. `NaN` stays `NaN`.
pub fn normal_upper(z: f64) -> f64 {
    0.5 * libm::erfc(z / SQRT_2)
}

/// `P(Z ≤ z)` for a standard normal `Z`; accurate in the far tail. `NaN` stays `NaN`.
pub fn normal_lower(z: f64) -> f64 {
    0.5 * libm::erfc(-z / SQRT_2)
}

/// `P(χ²_df ≥ x)`: the regularised upper incomplete gamma function `Q(df/2, x/2)`. `df` must be
/// positive; `NaN` for a `NaN` argument or `df ≤ 0`.
pub fn chi_square_upper(x: f64, df: f64) -> f64 {
    if x.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    gamma_q(0.5 * df, 0.5 * x)
}

/// `Q(a, x) = Γ(a, x)/Γ(a)` for `a > 0`, `x > 0`: the power series of `P = 1 − Q` below `x < a + 1`,
/// Legendre's continued fraction (modified Lentz) above, each to full double precision.
fn gamma_q(a: f64, x: f64) -> f64 {
    let log_prefix = a * x.ln() - x - libm::lgamma(a);
    if x < a + 1.0 {
        let mut term = 1.0 / a;
        let mut sum = term;
        let mut n = a;
        while term > sum * f64::EPSILON {
            n += 1.0;
            term *= x / n;
            sum += term;
        }
        (1.0 - sum * log_prefix.exp()).max(0.0)
    } else {
        const TINY: f64 = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < TINY {
                d = TINY;
            }
            c = b + an / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            let step = d * c;
            h *= step;
            if (step - 1.0).abs() <= f64::EPSILON {
                break;
            }
        }
        (log_prefix.exp() * h).min(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normal_tails_match_tables() {
        assert!((normal_upper(1.644_853_626_951_472_2) - 0.05).abs() < 1e-15);
        assert!((normal_lower(-1.959_963_984_540_054) - 0.025).abs() < 1e-15);
        assert_eq!(normal_upper(0.0), 0.5);
        // Far tail: P(Z ≥ 10) = 7.619853e-24.
        assert!((normal_upper(10.0) / 7.619_853_024_160_527e-24 - 1.0).abs() < 1e-12);
        assert!(normal_upper(f64::NAN).is_nan());
    }

    #[test]
    fn chi_square_tails_match_tables() {
        // Quantiles of R's qchisq(0.95, df) and qchisq(0.999, 39).
        assert!((chi_square_upper(3.841_458_820_694_124, 1.0) - 0.05).abs() < 1e-12);
        assert!((chi_square_upper(54.572_227_758_941_736, 39.0) - 0.05).abs() < 1e-12);
        assert!((chi_square_upper(72.054_662_951_987_8, 39.0) - 0.001).abs() < 1e-11);
        assert!((chi_square_upper(2.0, 2.0) - (-1.0f64).exp()).abs() < 1e-15);
        assert_eq!(chi_square_upper(0.0, 5.0), 1.0);
        assert!(chi_square_upper(1.0, 0.0).is_nan());
    }

    proptest! {
        #[test]
        fn tails_are_probabilities_and_monotone(x in 0.0f64..400.0, dx in 0.0f64..10.0, df in 1u32..200) {
            let df = f64::from(df);
            let (p, q) = (chi_square_upper(x, df), chi_square_upper(x + dx, df));
            prop_assert!((0.0..=1.0).contains(&p));
            prop_assert!(q <= p + 1e-15);
            let z = x / 40.0 - 5.0;
            prop_assert!((normal_upper(z) + normal_lower(z) - 1.0).abs() < 1e-15);
        }
    }
}
