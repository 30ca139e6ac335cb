//! The M-step: each estimated item's parameters moved to the maximum of its expected complete-data
//! log-likelihood (plus the 3PL guessing prior) given the E-step's expected counts, the 1PL common slope,
//! and the latent normal distribution's moments when they are estimated.

use super::GuessingPrior;
use super::item::Item;
use crate::irt::linalg;
use crate::irt::model::{ItemModel, MAX_CATEGORIES, sigmoid};

/// Expected complete-data log-likelihood of one item (plus the guessing prior), its gradient and Fisher
/// information in the canonical parameters, from expected counts `r[k·Q + q]`.
struct Objective {
    value: f64,
    score: Vec<f64>,
    info: Vec<f64>,
}

fn objective(
    item: &Item,
    nodes: &[f64],
    r: &[f64],
    prior: &GuessingPrior,
    with_derivatives: bool,
) -> Objective {
    let nq = nodes.len();
    let npar = item.npar();
    let mut probs = [0.0; MAX_CATEGORIES];
    let mut grad = vec![0.0; item.n_cat * npar];
    let mut out = Objective {
        value: 0.0,
        score: vec![0.0; npar],
        info: vec![0.0; npar * npar],
    };
    for (q, &theta) in nodes.iter().enumerate() {
        let n_q: f64 = (0..item.n_cat).map(|k| r[k * nq + q]).sum();
        if n_q <= 0.0 {
            continue;
        }
        item.eval(theta, &mut probs, with_derivatives.then_some(&mut grad[..]));
        for k in 0..item.n_cat {
            let p = probs[k].max(1e-300);
            let rk = r[k * nq + q];
            if rk > 0.0 {
                out.value += rk * p.ln();
            }
            if with_derivatives {
                let g = &grad[k * npar..(k + 1) * npar];
                for j in 0..npar {
                    out.score[j] += rk * g[j] / p;
                    for l in 0..=j {
                        out.info[j * npar + l] += n_q * g[j] * g[l] / p;
                    }
                }
            }
        }
    }
    if item.model == ItemModel::ThreePl {
        let c = sigmoid(item.beta[2]);
        out.value += (prior.alpha - 1.0) * c.ln() + (prior.beta - 1.0) * (1.0 - c).ln();
        out.score[2] += (prior.alpha - 1.0) * (1.0 - c) - (prior.beta - 1.0) * c;
        out.info[2 * npar + 2] += (prior.alpha + prior.beta - 2.0) * c * (1.0 - c);
    }
    for j in 0..npar {
        for l in 0..j {
            out.info[l * npar + j] = out.info[j * npar + l];
        }
    }
    out
}

/// Fisher scoring with step halving on the `free` parameters of one item; a step is taken only if it
/// does not lower the objective (up to a relative 1e-12 of rounding). Returns the largest change.
pub(super) fn m_step_item(item: &mut Item, nodes: &[f64], r: &[f64], prior: &GuessingPrior) -> f64 {
    let start = item.beta.clone();
    let idx: Vec<usize> = (0..item.npar()).filter(|&j| item.free[j]).collect();
    for _ in 0..20 {
        let obj = objective(item, nodes, r, prior, true);
        let n = idx.len();
        let mut info: Vec<f64> = idx
            .iter()
            .flat_map(|&j| idx.iter().map(move |&l| (j, l)))
            .map(|(j, l)| obj.info[j * item.npar() + l])
            .collect();
        let mut step: Vec<f64> = idx.iter().map(|&j| obj.score[j]).collect();
        if !linalg::solve_spd(&mut info, n, &mut step) {
            break;
        }
        let old = item.beta.clone();
        let mut scale = 1.0;
        let mut improved = false;
        for _ in 0..30 {
            for (s, &j) in step.iter().zip(&idx) {
                item.beta[j] = old[j] + scale * s;
            }
            if item.admissible()
                && objective(item, nodes, r, prior, false).value
                    >= obj.value - 1e-12 * obj.value.abs()
            {
                improved = true;
                break;
            }
            scale *= 0.5;
        }
        if !improved {
            item.beta = old;
            break;
        }
        let change = step.iter().map(|s| (s * scale).abs()).fold(0.0, f64::max);
        if change < 1e-10 {
            break;
        }
    }
    item.beta
        .iter()
        .zip(&start)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max)
}

/// M-step of the common slope of the 1PL model given the intercepts: Newton on the sum of the item
/// objectives, with step halving.
pub(super) fn m_step_common_slope(
    items: &mut [(usize, &mut Item)],
    nodes: &[f64],
    r: &[f64],
    offsets: &[usize],
    prior: &GuessingPrior,
) -> f64 {
    let total = |items: &[(usize, &mut Item)], derivs: bool| {
        items.iter().fold((0.0, 0.0, 0.0), |acc, (i, item)| {
            let o = objective(item, nodes, &r[offsets[*i]..], prior, derivs);
            (acc.0 + o.value, acc.1 + o.score[0], acc.2 + o.info[0])
        })
    };
    let start = items[0].1.beta[0];
    for _ in 0..20 {
        let (value, score, info) = total(items, true);
        if info <= 0.0 {
            break;
        }
        let old = items[0].1.beta[0];
        let step = score / info;
        let mut scale = 1.0;
        let mut improved = false;
        for _ in 0..30 {
            let alpha = old + scale * step;
            items.iter_mut().for_each(|(_, it)| it.beta[0] = alpha);
            if alpha > 1e-4 && total(items, false).0 >= value - 1e-12 * value.abs() {
                improved = true;
                break;
            }
            scale *= 0.5;
        }
        if !improved {
            items.iter_mut().for_each(|(_, it)| it.beta[0] = old);
            break;
        }
        if (scale * step).abs() < 1e-10 {
            break;
        }
    }
    (items[0].1.beta[0] - start).abs()
}

/// Mean and SD of the expected persons per node `at_node` over `nodes`: the latent normal distribution
/// re-estimated from an E-step.
pub(super) fn latent_moments(nodes: &[f64], at_node: &[f64]) -> (f64, f64) {
    let total: f64 = at_node.iter().sum();
    let m = nodes.iter().zip(at_node).map(|(x, n)| x * n).sum::<f64>() / total;
    let v = nodes
        .iter()
        .zip(at_node)
        .map(|(x, n)| (x - m).powi(2) * n)
        .sum::<f64>()
        / total;
    (m, v.sqrt())
}
