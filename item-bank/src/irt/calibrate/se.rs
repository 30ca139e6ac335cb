//! Standard errors: the cross-product (empirical) information of the per-pattern score vectors at the
//! solution, accumulated in one block or, for large calibrations, per item; its inverse; and the delta
//! method from the canonical parameters to `a`, the written locations and `c`.

use super::estep::{Patterns, Tables, dot, parallel, posterior};
use super::item::Item;
use super::{CalibrationModel, GuessingPrior};
use crate::irt::linalg;
use crate::irt::model::{ItemModel, ItemParams, MAX_CATEGORIES, Parameterization, sigmoid};

/// Global indices of the free parameters: `index[i][j]` for canonical parameter `j` of item `i`. The 1PL
/// common slope has one index shared by all estimated items.
pub(super) fn free_index(
    items: &[Item],
    model: CalibrationModel,
) -> (Vec<Vec<Option<usize>>>, usize) {
    let mut n = 0;
    let common = (model == CalibrationModel::OnePl
        && items.iter().any(|it| it.free.iter().any(|&f| f)))
    .then(|| {
        n += 1;
        0
    });
    let index = items
        .iter()
        .map(|item| {
            let estimated = item.free.iter().any(|&f| f);
            (0..item.npar())
                .map(|j| {
                    if item.free[j] {
                        n += 1;
                        Some(n - 1)
                    } else if j == 0 && estimated {
                        common
                    } else {
                        None
                    }
                })
                .collect()
        })
        .collect();
    (index, n)
}

/// Marginal log-likelihood and, if wanted, the cross-product information of each block of `blocks`
/// (lower triangles filled).
#[allow(clippy::too_many_arguments)]
pub(super) fn final_pass(
    patterns: &Patterns,
    items: &[Item],
    offsets: &[usize],
    index: &[Vec<Option<usize>>],
    blocks: &Blocks,
    nodes: &[f64],
    tables: &Tables,
    threads: usize,
    want_se: bool,
) -> (f64, Vec<Vec<f64>>) {
    let n_free = blocks.of.len();
    let nq = nodes.len();
    // d ln P_ik(θ_q)/dβ_j for every table row, laid out [row][j][q].
    let rows = offsets[items.len()];
    let mut row_item = vec![0usize; rows];
    let mut dlog: Vec<Vec<f64>> = vec![Vec::new(); rows];
    if want_se {
        let mut probs = [0.0; MAX_CATEGORIES];
        for (i, item) in items.iter().enumerate() {
            let npar = item.npar();
            let mut grad = vec![0.0; item.n_cat * npar];
            for k in 0..item.n_cat {
                row_item[offsets[i] + k] = i;
                dlog[offsets[i] + k] = vec![0.0; npar * nq];
            }
            if index[i].iter().all(Option::is_none) {
                continue;
            }
            for (q, &theta) in nodes.iter().enumerate() {
                item.eval(theta, &mut probs, Some(&mut grad));
                for k in 0..item.n_cat {
                    for j in 0..npar {
                        dlog[offsets[i] + k][j * nq + q] =
                            grad[k * npar + j] / probs[k].max(1e-300);
                    }
                }
            }
        }
    }
    let work = |range: std::ops::Range<usize>| {
        let mut ll = 0.0;
        let mut xpd = if want_se { blocks.zeros() } else { Vec::new() };
        let mut post = vec![0.0; nq];
        let mut s = vec![0.0; n_free];
        let mut seen = vec![false; n_free];
        let mut touched: Vec<usize> = Vec::new();
        for p in range {
            let entries = patterns.entries(p);
            let w = patterns.weights[p];
            let (log_likelihood, support) = posterior(entries, 1.0, tables, &mut post);
            ll += w * log_likelihood;
            if !want_se {
                continue;
            }
            for &e in entries {
                let row = e as usize;
                let i = row_item[row];
                for (j, g) in index[i].iter().enumerate() {
                    if let Some(g) = *g {
                        let d = &dlog[row][j * nq..(j + 1) * nq];
                        s[g] += dot(&d[support.clone()], &post[support.clone()]);
                        if !seen[g] {
                            seen[g] = true;
                            touched.push(g);
                        }
                    }
                }
            }
            // Lower triangles of w·s·sᵀ within each block: contiguous rows when one block holds every
            // parameter and all are touched.
            if touched.len() == n_free && blocks.sizes.len() == 1 {
                let xpd = &mut xpd[0];
                for a in 0..n_free {
                    let ws = w * s[a];
                    for (x, sb) in xpd[a * n_free..=a * n_free + a].iter_mut().zip(&s) {
                        *x += ws * sb;
                    }
                }
            } else {
                touched.sort_unstable();
                for run in touched.chunk_by(|&a, &b| blocks.of[a] == blocks.of[b]) {
                    let block = blocks.of[run[0]];
                    let m = blocks.sizes[block];
                    let xpd = &mut xpd[block];
                    for (x, &a) in run.iter().enumerate() {
                        let ws = w * s[a];
                        let row = &mut xpd[blocks.pos[a] * m..(blocks.pos[a] + 1) * m];
                        for &b in &run[..=x] {
                            row[blocks.pos[b]] += ws * s[b];
                        }
                    }
                }
            }
            for &a in &touched {
                s[a] = 0.0;
                seen[a] = false;
            }
            touched.clear();
        }
        (ll, xpd)
    };
    let parts = parallel(patterns.weights.len(), threads, work);
    let mut ll = 0.0;
    let mut xpd = if want_se { blocks.zeros() } else { Vec::new() };
    for (l, x) in parts {
        ll += l;
        for (a, b) in xpd.iter_mut().zip(&x) {
            a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
        }
    }
    for (block, &m) in xpd.iter_mut().zip(&blocks.sizes) {
        for a in 0..m {
            for b in 0..a {
                block[b * m + a] = block[a * m + b];
            }
        }
    }
    (ll, xpd)
}

/// Most free parameters whose cross-product information is accumulated and inverted as one matrix;
/// beyond, each item is a block of its own (and a shared 1PL slope another), ignoring covariances
/// between items' estimates.
const DENSE_INFORMATION_LIMIT: usize = 600;

/// A partition of the free parameters into blocks: parameter `g` is entry `pos[g]` of block `of[g]`.
pub(super) struct Blocks {
    of: Vec<usize>,
    pos: Vec<usize>,
    sizes: Vec<usize>,
}

impl Blocks {
    pub(super) fn new(index: &[Vec<Option<usize>>], n_free: usize) -> Self {
        if n_free <= DENSE_INFORMATION_LIMIT {
            return Blocks {
                of: vec![0; n_free],
                pos: (0..n_free).collect(),
                sizes: vec![n_free],
            };
        }
        let mut blocks = Blocks {
            of: vec![usize::MAX; n_free],
            pos: vec![0; n_free],
            sizes: Vec::new(),
        };
        for item in index {
            let mut size = 0;
            for &g in item.iter().flatten() {
                if blocks.of[g] == usize::MAX {
                    blocks.of[g] = blocks.sizes.len();
                    blocks.pos[g] = size;
                    size += 1;
                }
            }
            if size > 0 {
                blocks.sizes.push(size);
            }
        }
        blocks
    }

    fn zeros(&self) -> Vec<Vec<f64>> {
        self.sizes.iter().map(|m| vec![0.0; m * m]).collect()
    }
}

/// Inverses of the blocks of an information matrix: `cov(a, b)` is the covariance of free parameters
/// `a` and `b` (0 across blocks), `None` if their block is not positive definite.
pub(super) struct Covariance<'a> {
    blocks: &'a Blocks,
    inverses: Vec<Option<Vec<f64>>>,
}

impl Covariance<'_> {
    fn cov(&self, a: usize, b: usize) -> Option<f64> {
        let block = self.blocks.of[a];
        if block != self.blocks.of[b] {
            return Some(0.0);
        }
        let m = self.blocks.sizes[block];
        Some(self.inverses[block].as_ref()?[self.blocks.pos[a] * m + self.blocks.pos[b]])
    }
}

/// The covariance of the free parameters: the inverse of each block of the cross-product `information`
/// of [`final_pass`], after adding the curvature of the guessing prior at each free 3PL `c`.
pub(super) fn covariance<'b>(
    items: &[Item],
    index: &[Vec<Option<usize>>],
    blocks: &'b Blocks,
    mut information: Vec<Vec<f64>>,
    prior: &GuessingPrior,
) -> Covariance<'b> {
    for (i, item) in items.iter().enumerate() {
        if item.model == ItemModel::ThreePl && item.free[2] {
            let c = sigmoid(item.beta[2]);
            let g = index[i][2].expect("free guessing parameter has an index");
            let m = blocks.sizes[blocks.of[g]];
            information[blocks.of[g]][blocks.pos[g] * (m + 1)] +=
                (prior.alpha + prior.beta - 2.0) * c * (1.0 - c);
        }
    }
    let inverses = information
        .iter()
        .zip(&blocks.sizes)
        .map(|(info, &m)| linalg::invert_spd(info, m))
        .collect();
    Covariance { blocks, inverses }
}

/// Delta-method standard errors of `a`, the written locations and `c`.
pub(super) fn standard_errors(
    item: &Item,
    index: &[Option<usize>],
    cov: &Covariance,
    params: &ItemParams,
) -> (Option<f64>, Vec<Option<f64>>, Option<f64>) {
    let var = |grad: &[(usize, f64)]| -> Option<f64> {
        let mut v = 0.0;
        for &(j, gj) in grad {
            for &(l, gl) in grad {
                v += gj * gl * cov.cov(index[j]?, index[l]?)?;
            }
        }
        (v >= 0.0).then(|| v.sqrt())
    };
    let scaling = params.scaling();
    let alpha = item.beta[0];
    let se_a = if index[0].is_some() {
        var(&[(0, 1.0 / scaling)])
    } else {
        None
    };
    let m = item.n_cat - 1;
    let se_locations = (1..=m)
        .map(|v| {
            let delta = item.beta[v];
            match params.parameterization() {
                Parameterization::Intercept => var(&[(v, 1.0 / scaling)]),
                Parameterization::Difficulty if index[0].is_some() => {
                    var(&[(0, delta / (alpha * alpha)), (v, -1.0 / alpha)])
                }
                Parameterization::Difficulty => var(&[(v, -1.0 / alpha)]),
            }
        })
        .collect();
    let se_c = (item.model == ItemModel::ThreePl).then(|| {
        let c = sigmoid(item.beta[2]);
        var(&[(2, c * (1.0 - c))])
    });
    (se_a, se_locations, se_c.flatten())
}
