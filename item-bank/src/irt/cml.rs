//! Conditional maximum likelihood for the Rasch model.
//!
//! Given a person's raw score on the items presented, the Rasch likelihood does not depend on θ:
//! `P(x | r) = Π ε_i^{x_i} / γ_r(ε)` with `ε_i = exp(−b_i)` and `γ_r` the elementary symmetric function of
//! order `r` of the presented items. Maximising the product over persons estimates the difficulties
//! without any assumption on the ability distribution. Persons with a zero or perfect score carry no
//! information and are left out. Difficulties are centred to sum to zero.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::IrtError;
use super::data::{ResponseMatrix, is_present};
use super::linalg;

/// One item of a conditional ML calibration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CmlItem {
    /// Item id.
    pub id: String,
    /// Difficulty `b`, centred so that the difficulties sum to zero.
    pub b: f64,
    /// Standard error of `b` under the sum-zero constraint.
    pub se: f64,
}

/// Result of [`calibrate_rasch_cml`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CmlCalibration {
    /// Items in column order.
    pub items: Vec<CmlItem>,
    /// Conditional log-likelihood `Σ_p w_p ln P(x_p | r_p)`.
    pub conditional_log_likelihood: f64,
    /// Newton iterations run.
    pub iterations: usize,
    /// Whether the largest step fell below 1e-10.
    pub converged: bool,
    /// Persons used (total weight of rows with a non-extreme score).
    pub n_persons: f64,
}

/// Sufficient statistics of the persons who saw the same set of items.
struct Design {
    items: Vec<usize>,
    /// Weight of persons per raw score.
    by_score: Vec<f64>,
    /// Weighted count of correct answers per item of `items`.
    correct: Vec<f64>,
}

/// Elementary symmetric functions `γ_0..γ_n` of `eps`.
fn esf(eps: impl Iterator<Item = f64>, n: usize) -> Vec<f64> {
    let mut g = vec![0.0; n + 1];
    g[0] = 1.0;
    let mut len = 0;
    for e in eps {
        len += 1;
        for r in (1..=len).rev() {
            g[r] += e * g[r - 1];
        }
    }
    g
}

/// Calibrates dichotomous items under the Rasch model by conditional maximum likelihood (Newton–Raphson
/// with the exact Hessian). Missing cells are allowed: each person conditions on the items presented.
/// Intended for forms of up to about a hundred items taken by many persons each: every Newton step costs
/// the fourth power of the form length per distinct set of presented items, so designs where nearly
/// every person sees a different set belong to [`crate::irt::calibrate`] instead.
///
/// # Errors
/// [`IrtError::InvalidData`] if a response is above 1, or an item is answered all right or all wrong by
/// the informative persons (its difficulty is infinite).
pub fn calibrate_rasch_cml(data: &ResponseMatrix) -> Result<CmlCalibration, IrtError> {
    let n_items = data.n_items();
    let mut designs: BTreeMap<Vec<usize>, Design> = BTreeMap::new();
    let mut n_persons = 0.0;
    for p in 0..data.n_persons() {
        let cells = data.row_cells(p);
        let w = data.weights()[p];
        if let Some(i) = cells.iter().position(|&c| is_present(c) && c > 1) {
            return Err(IrtError::InvalidData(format!(
                "item `{}`: the Rasch model needs 0/1 responses",
                data.item_ids()[i]
            )));
        }
        let items: Vec<usize> = (0..n_items).filter(|&i| is_present(cells[i])).collect();
        let score = items.iter().filter(|&&i| cells[i] == 1).count();
        if w <= 0.0 || score == 0 || score == items.len() {
            continue;
        }
        n_persons += w;
        let d = designs.entry(items.clone()).or_insert_with(|| Design {
            by_score: vec![0.0; items.len() + 1],
            correct: vec![0.0; items.len()],
            items,
        });
        d.by_score[score] += w;
        for (slot, &i) in d.items.iter().enumerate() {
            d.correct[slot] += w * f64::from(cells[i]);
        }
    }
    let mut total_correct = vec![0.0; n_items];
    let mut total_seen = vec![0.0; n_items];
    for d in designs.values() {
        let persons: f64 = d.by_score.iter().sum();
        for (slot, &i) in d.items.iter().enumerate() {
            total_correct[i] += d.correct[slot];
            total_seen[i] += persons;
        }
    }
    if let Some(i) =
        (0..n_items).find(|&i| total_correct[i] <= 0.0 || total_correct[i] >= total_seen[i])
    {
        return Err(IrtError::InvalidData(format!(
            "item `{}` has no variation among persons with non-extreme scores",
            data.item_ids()[i]
        )));
    }
    let mut b = vec![0.0; n_items];
    let mut iterations = 0;
    let mut converged = false;
    let mut result = evaluate(&designs, &b, n_items);
    while iterations < 100 {
        iterations += 1;
        // Newton on the log-likelihood, made definite along the unidentified shift by adding 11ᵀ.
        let mut h: Vec<f64> = result.info.iter().map(|v| v + 1.0).collect();
        let mut step = result.gradient.clone();
        if !linalg::solve_spd(&mut h, n_items, &mut step) {
            return Err(IrtError::Numerical(
                "conditional ML: singular information".into(),
            ));
        }
        let mut scale = 1.0;
        loop {
            let mut trial: Vec<f64> = b.iter().zip(&step).map(|(x, s)| x + scale * s).collect();
            let mean = trial.iter().sum::<f64>() / n_items as f64;
            trial.iter_mut().for_each(|x| *x -= mean);
            let next = evaluate(&designs, &trial, n_items);
            if next.log_likelihood >= result.log_likelihood - 1e-12 * result.log_likelihood.abs()
                || scale < 1e-6
            {
                b = trial;
                result = next;
                break;
            }
            scale *= 0.5;
        }
        if step.iter().map(|s| (s * scale).abs()).fold(0.0, f64::max) < 1e-10 {
            converged = true;
            break;
        }
    }
    // Covariance under the sum-zero constraint: (I + 11ᵀ)⁻¹ − 11ᵀ/n² is the Moore–Penrose inverse.
    let h: Vec<f64> = result.info.iter().map(|v| v + 1.0).collect();
    let cov = linalg::invert_spd(&h, n_items)
        .ok_or_else(|| IrtError::Numerical("singular information".into()))?;
    let n2 = (n_items * n_items) as f64;
    let items = data
        .item_ids()
        .iter()
        .enumerate()
        .map(|(i, id)| CmlItem {
            id: id.clone(),
            b: b[i],
            se: (cov[i * n_items + i] - 1.0 / n2).max(0.0).sqrt(),
        })
        .collect();
    Ok(CmlCalibration {
        items,
        conditional_log_likelihood: result.log_likelihood,
        iterations,
        converged,
        n_persons,
    })
}

struct Evaluation {
    log_likelihood: f64,
    /// Gradient with respect to `b`.
    gradient: Vec<f64>,
    /// Negative Hessian with respect to `b` (conditional covariance of the item scores).
    info: Vec<f64>,
}

fn evaluate(designs: &BTreeMap<Vec<usize>, Design>, b: &[f64], n_items: usize) -> Evaluation {
    let mut out = Evaluation {
        log_likelihood: 0.0,
        gradient: vec![0.0; n_items],
        info: vec![0.0; n_items * n_items],
    };
    for d in designs.values() {
        let n = d.items.len();
        let eps: Vec<f64> = d.items.iter().map(|&i| (-b[i]).exp()).collect();
        let g = esf(eps.iter().copied(), n);
        // γ without item s, and without items s and t.
        let without: Vec<Vec<f64>> = (0..n)
            .map(|s| {
                esf(
                    eps.iter()
                        .enumerate()
                        .filter(|&(k, _)| k != s)
                        .map(|(_, &e)| e),
                    n,
                )
            })
            .collect();
        let mut without2 = vec![Vec::new(); n * n];
        for s in 0..n {
            for t in s + 1..n {
                without2[s * n + t] = esf(
                    eps.iter()
                        .enumerate()
                        .filter(|&(k, _)| k != s && k != t)
                        .map(|(_, &e)| e),
                    n,
                );
            }
        }
        for (slot, &i) in d.items.iter().enumerate() {
            out.log_likelihood -= d.correct[slot] * b[i];
            out.gradient[i] -= d.correct[slot];
        }
        for (r, &w) in d.by_score.iter().enumerate() {
            if w <= 0.0 {
                continue;
            }
            out.log_likelihood -= w * g[r].ln();
            let e: Vec<f64> = (0..n).map(|s| eps[s] * without[s][r - 1] / g[r]).collect();
            for s in 0..n {
                let i = d.items[s];
                out.gradient[i] += w * e[s];
                out.info[i * n_items + i] += w * e[s] * (1.0 - e[s]);
                for t in s + 1..n {
                    let j = d.items[t];
                    let joint = if r >= 2 {
                        eps[s] * eps[t] * without2[s * n + t][r - 2] / g[r]
                    } else {
                        0.0
                    };
                    let cov = w * (joint - e[s] * e[t]);
                    out.info[i * n_items + j] += cov;
                    out.info[j * n_items + i] += cov;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esf_matches_brute_force() {
        let eps = [0.5, 2.0, 1.5];
        let g = esf(eps.iter().copied(), 3);
        assert!((g[1] - 4.0).abs() < 1e-12);
        assert!((g[2] - (1.0 + 0.75 + 3.0)).abs() < 1e-12);
        assert!((g[3] - 1.5).abs() < 1e-12);
    }
}
