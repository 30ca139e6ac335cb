//! One-dimensional maximisation as R's `optimize` does it: Brent's (1973) golden-section search with
//! parabolic interpolation, in the form of Forsythe, Malcolm and Moler's `fmin`.
//!
//! The person parameters of the reference implementation (aberrance's `est()`) come out of
//! `optimize(f, c(-4, 4), maximum = TRUE)` with the default tolerance `ε^¼ ≈ 1.22e-4`; the estimate is
//! then only as exact as that search, and at a boundary (an all-correct pattern) it stops a little
//! inside it. Following the same steps gives the same estimates, so the statistics built on them agree
//! with the published figures to their last digit instead of to the tolerance.

/// `optimize`'s default tolerance, `.Machine$double.eps^0.25`.
pub const DEFAULT_TOL: f64 = 1.220_703_125e-4;

/// The point of `[lower, upper]` where `f` is largest, found as `optimize(f, c(lower, upper),
/// maximum = TRUE, tol = tol)` finds it. A non-finite value of `f` counts as the worst possible, as in
/// R.
pub fn maximize(f: impl Fn(f64) -> f64, lower: f64, upper: f64, tol: f64) -> f64 {
    let g = |x: f64| {
        let v = -f(x);
        if v.is_finite() { v } else { f64::MAX }
    };
    // The squared inverse of the golden ratio.
    let golden = 0.5 * (3.0 - 5.0_f64.sqrt());
    let eps = f64::EPSILON.sqrt();
    let (mut a, mut b) = (lower, upper);
    let mut v = a + golden * (b - a);
    let (mut w, mut x) = (v, v);
    let (mut d, mut e) = (0.0_f64, 0.0_f64);
    let mut fx = g(x);
    let (mut fv, mut fw) = (fx, fx);
    let tol3 = tol / 3.0;
    loop {
        let xm = 0.5 * (a + b);
        let tol1 = eps * x.abs() + tol3;
        let t2 = 2.0 * tol1;
        if (x - xm).abs() <= t2 - 0.5 * (b - a) {
            return x;
        }
        let (mut p, mut q, mut r) = (0.0, 0.0, 0.0);
        if e.abs() > tol1 {
            // Fit a parabola through x, w and v.
            r = (x - w) * (fx - fv);
            q = (x - v) * (fx - fw);
            p = (x - v) * q - (x - w) * r;
            q = 2.0 * (q - r);
            if q > 0.0 {
                p = -p;
            } else {
                q = -q;
            }
            r = e;
            e = d;
        }
        if p.abs() >= (0.5 * q * r).abs() || p <= q * (a - x) || p >= q * (b - x) {
            // A golden-section step.
            e = if x < xm { b - x } else { a - x };
            d = golden * e;
        } else {
            // A parabolic-interpolation step, kept away from the ends.
            d = p / q;
            let u = x + d;
            if u - a < t2 || b - u < t2 {
                d = if x >= xm { -tol1 } else { tol1 };
            }
        }
        // Never evaluate closer than tol1 to x.
        let u = if d.abs() >= tol1 {
            x + d
        } else if d > 0.0 {
            x + tol1
        } else {
            x - tol1
        };
        let fu = g(u);
        if fu <= fx {
            if u < x {
                b = x;
            } else {
                a = x;
            }
            (v, fv) = (w, fw);
            (w, fw) = (x, fx);
            (x, fx) = (u, fu);
        } else {
            if u < x {
                a = u;
            } else {
                b = u;
            }
            if fu <= fw || w == x {
                (v, fv) = (w, fw);
                (w, fw) = (u, fu);
            } else if fu <= fv || v == x || v == w {
                (v, fv) = (u, fu);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn default_tolerance_is_a_fourth_root_of_epsilon() {
        assert_eq!(DEFAULT_TOL, f64::EPSILON.powf(0.25));
    }

    #[test]
    fn finds_interior_and_boundary_maxima() {
        let x = maximize(|t| -(t - 1.3).powi(2), -4.0, 4.0, DEFAULT_TOL);
        assert!((x - 1.3).abs() < 1e-8, "a parabola is found exactly: {x}");
        // Increasing: stops within the tolerance of the upper end, not on it.
        let x = maximize(|t| t, -4.0, 4.0, DEFAULT_TOL);
        assert!(x < 4.0 && 4.0 - x < 3.0 * DEFAULT_TOL, "{x}");
        let x = maximize(
            |t| if t < 0.0 { f64::NAN } else { -t },
            -4.0,
            4.0,
            DEFAULT_TOL,
        );
        assert!((0.0..3.0 * DEFAULT_TOL).contains(&x), "{x}");
    }

    proptest! {
        #[test]
        fn within_tolerance_of_a_smooth_maximum(m in -3.9f64..3.9, s in 0.2f64..3.0) {
            let f = |t: f64| -((t - m) / s).powi(2) + (t - m).powi(3) / 50.0;
            let x = maximize(f, -4.0, 4.0, DEFAULT_TOL);
            let step = 1e-3;
            prop_assert!(f(x) >= f(x + step) - 1e-9 || x + step > 4.0);
            prop_assert!(f(x) >= f(x - step) - 1e-9 || x - step < -4.0);
        }
    }
}
