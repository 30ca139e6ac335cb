//! Linking: putting item parameters estimated on one ability scale onto another through common items.
//!
//! Both methods return [`LinkingConstants`] `(A, B)` such that `θ_bank = A·θ_new + B`; items calibrated
//! on the new scale move to the bank scale with [`LinkingConstants::apply`] (`a/A`, `A·b + B`).

use serde::{Deserialize, Serialize};

use super::IrtError;
use super::model::ItemParams;
use super::quadrature::Quadrature;

/// The linear transformation `θ_bank = slope·θ_new + intercept`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LinkingConstants {
    /// `A`.
    pub slope: f64,
    /// `B`.
    pub intercept: f64,
}

impl LinkingConstants {
    /// A θ of the new scale on the bank scale.
    pub fn theta(&self, theta_new: f64) -> f64 {
        self.slope * theta_new + self.intercept
    }

    /// An item of the new scale on the bank scale (same response function).
    pub fn apply(&self, item: &ItemParams) -> Result<ItemParams, IrtError> {
        item.rescaled(self.slope, self.intercept)
    }
}

fn check_pairs(bank: &[ItemParams], new: &[ItemParams]) -> Result<(), IrtError> {
    if bank.len() != new.len() || bank.is_empty() {
        return Err(IrtError::Mismatch(format!(
            "linking needs the same non-empty list of common items on both scales ({} vs {})",
            bank.len(),
            new.len()
        )));
    }
    if let Some(i) = bank
        .iter()
        .zip(new)
        .position(|(a, b)| a.n_categories() != b.n_categories())
    {
        return Err(IrtError::Mismatch(format!(
            "common item {i} has different numbers of categories"
        )));
    }
    Ok(())
}

/// Mean/sigma linking (Marco, 1977) on all difficulties `b` (every step of polytomous items) of the
/// common items, given in the same order on both scales: `A = sd(b_bank)/sd(b_new)`,
/// `B = mean(b_bank) − A·mean(b_new)`.
///
/// # Errors
/// [`IrtError::Mismatch`] for lists of different lengths or category counts; [`IrtError::Numerical`] if
/// the new difficulties have no spread.
pub fn link_mean_sigma(
    bank: &[ItemParams],
    new: &[ItemParams],
) -> Result<LinkingConstants, IrtError> {
    check_pairs(bank, new)?;
    let moments = |items: &[ItemParams]| {
        let b: Vec<f64> = items.iter().flat_map(ItemParams::difficulties).collect();
        let mean = b.iter().sum::<f64>() / b.len() as f64;
        let sd = (b.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / b.len() as f64).sqrt();
        (mean, sd)
    };
    let (mb, sb) = moments(bank);
    let (mn, sn) = moments(new);
    if sn <= 1e-12 {
        return Err(IrtError::Numerical(
            "mean/sigma: the new difficulties have no spread".into(),
        ));
    }
    let slope = sb / sn;
    Ok(LinkingConstants {
        slope,
        intercept: mb - slope * mn,
    })
}

/// Stocking–Lord linking: `(A, B)` minimising `Σ_q w_q [T_bank(θ_q) − T_new*(θ_q)]²`, the squared
/// distance between the test characteristic curves of the common items, where `T_new*` uses the new
/// items transformed by `(A, B)`, over the default quadrature of the bank scale (61 nodes on `[−6, 6]`,
/// N(0, 1) weights). Levenberg–Marquardt from the mean/sigma solution (or `(1, 0)` if that fails).
///
/// # Errors
/// [`IrtError::Mismatch`] as for [`link_mean_sigma`]; [`IrtError::Numerical`] if the criterion cannot be
/// reduced to a finite minimum with `A > 0`.
pub fn link_stocking_lord(
    bank: &[ItemParams],
    new: &[ItemParams],
) -> Result<LinkingConstants, IrtError> {
    check_pairs(bank, new)?;
    let quad = Quadrature::default();
    let target: Vec<f64> = quad
        .nodes()
        .iter()
        .map(|&t| bank.iter().map(|i| i.expected_score(t)).sum())
        .collect();
    // Residuals r_q = √w_q (T_bank − Σ E_new((θ − B)/A)).
    let residuals = |x: [f64; 2]| -> Vec<f64> {
        quad.nodes()
            .iter()
            .zip(quad.weights())
            .zip(&target)
            .map(|((&t, &w), &tb)| {
                let u = (t - x[1]) / x[0];
                w.sqrt() * (tb - new.iter().map(|i| i.expected_score(u)).sum::<f64>())
            })
            .collect()
    };
    let loss = |r: &[f64]| r.iter().map(|v| v * v).sum::<f64>();
    let start = link_mean_sigma(bank, new).unwrap_or(LinkingConstants {
        slope: 1.0,
        intercept: 0.0,
    });
    let mut x = [start.slope, start.intercept];
    let mut r = residuals(x);
    let mut f = loss(&r);
    let mut lambda = 1e-3;
    for _ in 0..200 {
        // Numerical Jacobian, central differences.
        let h = 1e-6;
        let jac: Vec<[f64; 2]> = {
            let cols: Vec<Vec<f64>> = (0..2)
                .map(|j| {
                    let (mut up, mut down) = (x, x);
                    up[j] += h;
                    down[j] -= h;
                    residuals(up)
                        .iter()
                        .zip(residuals(down))
                        .map(|(a, b)| (a - b) / (2.0 * h))
                        .collect()
                })
                .collect();
            (0..r.len()).map(|q| [cols[0][q], cols[1][q]]).collect()
        };
        let mut jtj = [0.0; 4];
        let mut jtr = [0.0; 2];
        for (row, &rq) in jac.iter().zip(&r) {
            jtj[0] += row[0] * row[0];
            jtj[1] += row[0] * row[1];
            jtj[3] += row[1] * row[1];
            jtr[0] += row[0] * rq;
            jtr[1] += row[1] * rq;
        }
        jtj[2] = jtj[1];
        let mut accepted = false;
        for _ in 0..30 {
            let a = [
                jtj[0] * (1.0 + lambda),
                jtj[1],
                jtj[2],
                jtj[3] * (1.0 + lambda),
            ];
            let det = a[0] * a[3] - a[1] * a[2];
            if det.abs() < 1e-300 {
                lambda *= 10.0;
                continue;
            }
            let step = [
                -(a[3] * jtr[0] - a[1] * jtr[1]) / det,
                -(a[0] * jtr[1] - a[2] * jtr[0]) / det,
            ];
            let trial = [x[0] + step[0], x[1] + step[1]];
            if trial[0] > 0.0 && trial.iter().all(|v| v.is_finite()) {
                let rt = residuals(trial);
                let ft = loss(&rt);
                if ft <= f {
                    let small = step[0].abs().max(step[1].abs()) < 1e-12;
                    x = trial;
                    r = rt;
                    f = ft;
                    lambda = (lambda / 10.0).max(1e-12);
                    accepted = !small;
                    break;
                }
            }
            lambda *= 10.0;
        }
        if !accepted {
            break;
        }
    }
    if !(x[0] > 0.0 && x.iter().all(|v| v.is_finite())) {
        return Err(IrtError::Numerical(
            "Stocking–Lord did not reach a finite minimum".into(),
        ));
    }
    Ok(LinkingConstants {
        slope: x[0],
        intercept: x[1],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_known_transformation() {
        let bank = vec![
            ItemParams::two_pl(1.2, -1.0),
            ItemParams::three_pl(0.8, 0.5, 0.2).unwrap(),
            ItemParams::two_pl(1.5, 1.1),
            ItemParams::gpcm(0.9, vec![-0.5, 0.7]).unwrap(),
            ItemParams::two_pl(0.7, 0.0),
        ];
        // The same items on a scale with θ_new = (θ_bank − 0.3)/1.25.
        let truth = LinkingConstants {
            slope: 1.25,
            intercept: 0.3,
        };
        let inverse = LinkingConstants {
            slope: 1.0 / 1.25,
            intercept: -0.3 / 1.25,
        };
        let new: Vec<ItemParams> = bank.iter().map(|i| inverse.apply(i).unwrap()).collect();
        for link in [
            link_stocking_lord(&bank, &new).unwrap(),
            link_mean_sigma(&bank, &new).unwrap(),
        ] {
            assert!((link.slope - truth.slope).abs() < 1e-6, "{link:?}");
            assert!((link.intercept - truth.intercept).abs() < 1e-6, "{link:?}");
            let back = link.apply(&new[0]).unwrap();
            assert!((back.difficulties()[0] + 1.0).abs() < 1e-6 && (back.a() - 1.2).abs() < 1e-6);
        }
        assert!(link_mean_sigma(&bank, &new[..2]).is_err());
    }
}
