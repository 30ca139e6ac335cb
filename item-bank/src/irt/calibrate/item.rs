//! The calibration's working state of one item: its canonical parameters `[α, δ_1..δ_m, (logit c)]`,
//! which of them are free, their starting values, and the category probabilities they give.

use super::{CalibrationModel, GuessingPrior};
use crate::irt::IrtError;
use crate::irt::model::{
    ItemModel, ItemParams, MAX_CATEGORIES, Parameterization, sigmoid, softplus,
};

/// One item's model state in canonical parameters `[α, δ_1..δ_m, (logit c)]`.
#[derive(Debug, Clone)]
pub(super) struct Item {
    pub(super) model: ItemModel,
    pub(super) n_cat: usize,
    pub(super) beta: Vec<f64>,
    /// Which canonical parameters the M-step moves for this item alone.
    pub(super) free: Vec<bool>,
}

impl Item {
    pub(super) fn npar(&self) -> usize {
        self.beta.len()
    }

    /// Category probabilities at `θ` and, when `grad` is given, `∂P_k/∂β_j` at `grad[k·npar + j]`.
    pub(super) fn eval(&self, theta: f64, probs: &mut [f64], grad: Option<&mut [f64]>) {
        let npar = self.npar();
        let alpha = self.beta[0];
        match self.model {
            ItemModel::Rasch | ItemModel::TwoPl | ItemModel::ThreePl => {
                let s = sigmoid(alpha * theta + self.beta[1]);
                let c = if self.model == ItemModel::ThreePl {
                    sigmoid(self.beta[2])
                } else {
                    0.0
                };
                probs[1] = c + (1.0 - c) * s;
                probs[0] = (1.0 - c) * (1.0 - s);
                if let Some(g) = grad {
                    let w = (1.0 - c) * s * (1.0 - s);
                    let d = [w * theta, w, c * (1.0 - c) * (1.0 - s)];
                    for j in 0..npar {
                        g[npar + j] = d[j];
                        g[j] = -d[j];
                    }
                }
            }
            ItemModel::Gpcm => {
                let m = self.n_cat - 1;
                let mut z = 0.0;
                let mut zmax: f64 = 0.0;
                probs[0] = 0.0;
                for (p, delta) in probs[1..=m].iter_mut().zip(&self.beta[1..=m]) {
                    z += alpha * theta + delta;
                    *p = z;
                    zmax = zmax.max(z);
                }
                let mut sum = 0.0;
                for p in probs[..=m].iter_mut() {
                    *p = (*p - zmax).exp();
                    sum += *p;
                }
                let mut mean = 0.0;
                for (k, p) in probs[..=m].iter_mut().enumerate() {
                    *p /= sum;
                    mean += k as f64 * *p;
                }
                if let Some(g) = grad {
                    // P(X ≥ v), v = 1..=m
                    let mut tail = vec![0.0; m + 2];
                    for v in (1..=m).rev() {
                        tail[v] = tail[v + 1] + probs[v];
                    }
                    for k in 0..=m {
                        let row = &mut g[k * npar..(k + 1) * npar];
                        row[0] = probs[k] * theta * (k as f64 - mean);
                        for v in 1..=m {
                            row[v] = probs[k] * (f64::from(u8::from(v <= k)) - tail[v]);
                        }
                    }
                }
            }
            ItemModel::Grm => {
                let m = self.n_cat - 1;
                let star = |v: usize| -> f64 {
                    if v == 0 {
                        1.0
                    } else if v > m {
                        0.0
                    } else {
                        sigmoid(alpha * theta + self.beta[v])
                    }
                };
                for (k, p) in probs[..=m].iter_mut().enumerate() {
                    *p = (star(k) - star(k + 1)).max(1e-300);
                }
                if let Some(g) = grad {
                    g[..(m + 1) * npar].iter_mut().for_each(|x| *x = 0.0);
                    let w = |v: usize| {
                        let p = star(v);
                        p * (1.0 - p)
                    };
                    for k in 0..=m {
                        let (wk, wk1) = (w(k), w(k + 1));
                        let row = &mut g[k * npar..(k + 1) * npar];
                        row[0] = theta * (wk - wk1);
                        if k >= 1 {
                            row[k] = wk;
                        }
                        if k < m {
                            row[k + 1] = -wk1;
                        }
                    }
                }
            }
        }
    }

    /// `ln P_k(θ_q)` for all categories, written to `out[k·Q + q]`.
    pub(super) fn log_table(&self, nodes: &[f64], out: &mut [f64]) {
        let nq = nodes.len();
        let mut probs = [0.0; MAX_CATEGORIES];
        for (q, &theta) in nodes.iter().enumerate() {
            if matches!(self.model, ItemModel::Rasch | ItemModel::TwoPl) {
                let z = self.beta[0] * theta + self.beta[1];
                out[q] = -softplus(z);
                out[nq + q] = -softplus(-z);
            } else {
                self.eval(theta, &mut probs, None);
                for k in 0..self.n_cat {
                    out[k * nq + q] = probs[k].max(1e-300).ln();
                }
            }
        }
    }

    /// Whether the parameters are admissible (positive slope, ordered GRM thresholds, finite).
    pub(super) fn admissible(&self) -> bool {
        self.beta.iter().all(|b| b.is_finite())
            && self.beta[0] > 1e-4
            && (self.model != ItemModel::Grm || self.beta[1..].windows(2).all(|w| w[1] < w[0]))
    }

    pub(super) fn to_params(
        &self,
        parameterization: Parameterization,
        scaling: f64,
    ) -> Result<ItemParams, IrtError> {
        let m = self.n_cat - 1;
        let c = if self.model == ItemModel::ThreePl {
            sigmoid(self.beta[2])
        } else {
            0.0
        };
        ItemParams::from_canonical(
            self.model,
            self.beta[0],
            &self.beta[1..=m],
            c,
            parameterization,
            scaling,
        )
    }
}

/// Builds the canonical state of an anchor item.
pub(super) fn anchor_state(params: &ItemParams) -> Item {
    let m = params.n_categories() - 1;
    let mut beta = vec![params.alpha()];
    beta.extend((0..m).map(|v| params.delta(v)));
    if params.model() == ItemModel::ThreePl {
        beta.push((params.c() / (1.0 - params.c())).ln());
    }
    let free = vec![false; beta.len()];
    Item {
        model: params.model(),
        n_cat: m + 1,
        beta,
        free,
    }
}

/// Sum over estimated 3PL items of the log prior density of `c` (up to its normalising constant).
pub(super) fn guessing_log_prior(items: &[Item], prior: &GuessingPrior) -> f64 {
    items
        .iter()
        .filter(|it| it.model == ItemModel::ThreePl && it.free[2])
        .map(|it| {
            let c = sigmoid(it.beta[2]);
            (prior.alpha - 1.0) * c.ln() + (prior.beta - 1.0) * (1.0 - c).ln()
        })
        .sum()
}

/// Starting values for an estimated item from its category counts.
pub(super) fn start_values(
    id: &str,
    counts: &[f64],
    item_rest: Option<f64>,
    model: CalibrationModel,
) -> Result<Item, IrtError> {
    let total: f64 = counts.iter().sum();
    if total <= 0.0 {
        return Err(IrtError::InvalidData(format!(
            "item `{id}` was never presented"
        )));
    }
    if let Some(k) = counts.iter().position(|&c| c <= 0.0) {
        return Err(IrtError::InvalidData(format!(
            "item `{id}`: category {k} is never observed"
        )));
    }
    if counts.len() < 2 {
        return Err(IrtError::InvalidData(format!(
            "item `{id}` has no variation"
        )));
    }
    let logit = |p: f64| (p / (1.0 - p)).ln();
    let dichotomous = !matches!(model, CalibrationModel::Gpcm | CalibrationModel::Grm);
    if dichotomous && counts.len() > 2 {
        return Err(IrtError::InvalidData(format!(
            "item `{id}` has categories above 1; use gpcm or grm"
        )));
    }
    let m = counts.len() - 1;
    let (item_model, beta, free) = match model {
        CalibrationModel::Rasch => (
            ItemModel::Rasch,
            vec![1.0, 1.16 * logit(counts[1] / total)],
            vec![false, true],
        ),
        CalibrationModel::OnePl => (
            ItemModel::TwoPl,
            vec![1.0, 1.16 * logit(counts[1] / total)],
            vec![false, true],
        ),
        CalibrationModel::TwoPl => {
            // Slope from the item–rest correlation taken as a biserial (×1.25), intercept from the
            // proportion correct under θ ~ N(0, 1).
            let r = (1.25 * item_rest.unwrap_or(0.5)).clamp(0.1, 0.9);
            let alpha = 1.702 * r / (1.0 - r * r).sqrt();
            let delta = logit(counts[1] / total) * (2.897 + alpha * alpha).sqrt() / 1.702;
            (ItemModel::TwoPl, vec![alpha, delta], vec![true, true])
        }
        CalibrationModel::ThreePl => {
            let p = ((counts[1] / total - 0.2) / 0.8).clamp(0.05, 0.95);
            (
                ItemModel::ThreePl,
                vec![1.0, 1.16 * logit(p), logit(0.2)],
                vec![true; 3],
            )
        }
        CalibrationModel::Gpcm => {
            let mut beta = vec![1.0];
            beta.extend((1..=m).map(|v| (counts[v] / counts[v - 1]).ln()));
            (ItemModel::Gpcm, beta, vec![true; m + 1])
        }
        CalibrationModel::Grm => {
            let mut beta = vec![1.0];
            let mut above = total;
            for count in counts.iter().take(m) {
                above -= count;
                beta.push(1.16 * logit(above / total));
            }
            (ItemModel::Grm, beta, vec![true; m + 1])
        }
    };
    Ok(Item {
        model: item_model,
        n_cat: m + 1,
        beta,
        free,
    })
}
