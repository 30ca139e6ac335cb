//! Item calibration by marginal maximum likelihood, EM algorithm (Bock & Aitkin, 1981).
//!
//! * The latent distribution is a fixed grid ([`Quadrature`]), N(0, 1) by default, which sets the scale.
//!   With anchor items ([`CalibrationOptions::fixed`]) the mean and SD of a normal latent distribution are
//!   estimated instead (by default), so the anchors carry the bank scale to the new items.
//! * Identical response patterns are collapsed into one weighted pattern; row weights (`freq`) add up.
//! * Missing cells (not presented) are skipped: incomplete designs need no special treatment.
//! * E-step: per pattern, the log-likelihood at every node is a sum of precomputed `ln P_ik(θ_q)` rows,
//!   walked as a prefix tree over the sorted patterns so that shared leading responses are summed once;
//!   the posterior is normalised by log-sum-exp, and weights below `e^−40` of the largest are dropped.
//!   Large data are split across threads.
//! * M-step: per item, Fisher scoring on the canonical logit parameters (`α`, `δ_v`, and `logit c` for 3PL)
//!   with the expected counts, with step halving so that the expected complete-data log-likelihood never
//!   decreases.
//! * Acceleration: each EM step is extrapolated by an Aitken factor; an extrapolated point is kept only if
//!   the log-likelihood did not decrease, so the marginal log-likelihood (plus the 3PL log prior) never
//!   decreases across iterations. Convergence is judged on the plain EM step.
//! * Standard errors: from the cross-product (empirical) information `Σ_p w_p s_p s_pᵀ` of the per-pattern
//!   score vectors at the solution (plus the guessing prior's curvature), by the delta method for `a`,
//!   `b`/`d` and `c`. The latent mean and SD, when estimated, are treated as known. Beyond 600 free
//!   parameters the matrix is accumulated and inverted per item (covariances between items ignored).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::IrtError;
use super::data::{ResponseMatrix, is_present};
use super::linalg;
use super::model::{ItemModel, ItemParams, Parameterization, sigmoid, softplus};
use super::quadrature::Quadrature;

/// The model fitted to the items being estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CalibrationModel {
    /// Rasch: slopes fixed at 1, θ ~ N(0, 1).
    #[serde(rename = "rasch")]
    Rasch,
    /// One common slope estimated for all items (Thissen's 1PL); items are reported as 2PL.
    #[serde(rename = "1pl")]
    OnePl,
    /// Two-parameter logistic.
    #[serde(rename = "2pl")]
    TwoPl,
    /// Three-parameter logistic, with a Beta prior on `c` ([`GuessingPrior`]).
    #[serde(rename = "3pl")]
    ThreePl,
    /// Generalized partial credit; categories `0..=max observed`.
    #[serde(rename = "gpcm")]
    Gpcm,
    /// Graded response; categories `0..=max observed`.
    #[serde(rename = "grm")]
    Grm,
}

/// Beta(`alpha`, `beta`) prior on the 3PL lower asymptote `c`; the estimate is the posterior mode.
/// Default Beta(5, 17): mode 0.2, the weight of about 20 pseudo-observations.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GuessingPrior {
    /// First shape parameter (≥ 1).
    pub alpha: f64,
    /// Second shape parameter (≥ 1).
    pub beta: f64,
}

impl Default for GuessingPrior {
    fn default() -> Self {
        GuessingPrior {
            alpha: 5.0,
            beta: 17.0,
        }
    }
}

/// State reported after each EM iteration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Iteration number, from 1.
    pub iteration: usize,
    /// Marginal log-likelihood at the parameters this iteration started from.
    pub log_likelihood: f64,
    /// Log density of the guessing prior at those parameters (0 unless 3PL). EM never decreases
    /// `log_likelihood + log_prior`, which for all models but 3PL is the log-likelihood itself.
    pub log_prior: f64,
    /// Largest absolute change of a canonical parameter in this iteration's M-step.
    pub max_change: f64,
}

/// Settings of [`calibrate`]. Construct with [`CalibrationOptions::new`] and override fields.
#[derive(Clone)]
pub struct CalibrationOptions<'a> {
    /// Model of the estimated items.
    pub model: CalibrationModel,
    /// Anchor items by id, held at these values (any model); the others are estimated onto their scale.
    pub fixed: BTreeMap<String, ItemParams>,
    /// Upper bound on EM iterations. Default 2000.
    pub max_iterations: usize,
    /// Convergence: largest absolute change of a canonical parameter (`α`, `δ`, `logit c`, latent mean/SD)
    /// in one iteration. Default 1e-4.
    pub tolerance: f64,
    /// Quadrature; its weights are the latent distribution when it is not estimated. Default 61 nodes
    /// on `[−6, 6]`, N(0, 1). When the latent distribution is estimated the weights are recomputed from
    /// the normal density at the nodes, which suits equally spaced nodes, not Gauss–Hermite ones.
    pub quadrature: Quadrature,
    /// Estimate the mean and SD of a normal latent distribution. `None` (default): only when there are
    /// anchor items. Without anchors the scale is not identified and `Some(true)` is an error.
    pub estimate_latent: Option<bool>,
    /// Prior on `c` for 3PL.
    pub guessing_prior: GuessingPrior,
    /// How estimated items are written. Default `a(θ − b)`.
    pub parameterization: Parameterization,
    /// Scaling constant `D` of the estimated items as written. Default 1.
    pub scaling: f64,
    /// Compute standard errors. Default true.
    pub standard_errors: bool,
    /// Worker threads for the E-step; 0 (default) uses the available parallelism. Data with fewer than
    /// about a million (collapsed) responses are processed on the calling thread.
    pub threads: usize,
    /// Called after every iteration.
    pub progress: Option<&'a dyn Fn(Progress)>,
}

impl CalibrationOptions<'_> {
    /// Defaults for `model`.
    pub fn new(model: CalibrationModel) -> Self {
        CalibrationOptions {
            model,
            fixed: BTreeMap::new(),
            max_iterations: 2000,
            tolerance: 1e-4,
            quadrature: Quadrature::default(),
            estimate_latent: None,
            guessing_prior: GuessingPrior::default(),
            parameterization: Parameterization::Difficulty,
            scaling: 1.0,
            standard_errors: true,
            threads: 0,
            progress: None,
        }
    }
}

/// One item of a calibration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemEstimate {
    /// Item id (CSV header).
    pub id: String,
    /// The estimate (or the anchor's values).
    pub params: ItemParams,
    /// Whether the item was an anchor, held fixed.
    pub fixed: bool,
    /// Standard error of `a` (`None` if fixed, Rasch, or not computed).
    pub se_a: Option<f64>,
    /// Standard errors of the locations as written (`b` or `d`); empty if not computed.
    pub se_locations: Vec<Option<f64>>,
    /// Standard error of `c` (3PL only).
    pub se_c: Option<f64>,
    /// Number of persons (total weight) who were presented the item.
    pub n: f64,
}

/// Result of [`calibrate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Model of the estimated items.
    pub model: CalibrationModel,
    /// Items in the column order of the data.
    pub items: Vec<ItemEstimate>,
    /// Marginal log-likelihood at the reported parameters.
    pub log_likelihood: f64,
    /// Log density of the guessing prior at the reported parameters (0 unless 3PL); the 3PL estimates
    /// maximise `log_likelihood + log_prior`.
    pub log_prior: f64,
    /// Number of free parameters (items and latent distribution).
    pub n_parameters: usize,
    /// EM iterations run.
    pub iterations: usize,
    /// Whether the tolerance was reached within `max_iterations`.
    pub converged: bool,
    /// Persons used (total weight of rows with at least one response).
    pub n_persons: f64,
    /// Distinct response patterns after collapsing.
    pub n_patterns: usize,
    /// Mean of the latent distribution (0 unless estimated).
    pub latent_mean: f64,
    /// SD of the latent distribution (1 unless estimated).
    pub latent_sd: f64,
}

/// One item's model state in canonical parameters `[α, δ_1..δ_m, (logit c)]`.
#[derive(Debug, Clone)]
struct Item {
    model: ItemModel,
    n_cat: usize,
    beta: Vec<f64>,
    /// Which canonical parameters the M-step moves for this item alone.
    free: Vec<bool>,
}

impl Item {
    fn npar(&self) -> usize {
        self.beta.len()
    }

    /// Category probabilities at `θ` and, when `grad` is given, `∂P_k/∂β_j` at `grad[k·npar + j]`.
    fn eval(&self, theta: f64, probs: &mut [f64], grad: Option<&mut [f64]>) {
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
    fn log_table(&self, nodes: &[f64], out: &mut [f64]) {
        let nq = nodes.len();
        let mut probs = [0.0; super::model::MAX_CATEGORIES];
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
    fn admissible(&self) -> bool {
        self.beta.iter().all(|b| b.is_finite())
            && self.beta[0] > 1e-4
            && (self.model != ItemModel::Grm || self.beta[1..].windows(2).all(|w| w[1] < w[0]))
    }

    fn to_params(
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
fn anchor_state(params: &ItemParams) -> Item {
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
    let mut probs = [0.0; super::model::MAX_CATEGORIES];
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
fn m_step_item(item: &mut Item, nodes: &[f64], r: &[f64], prior: &GuessingPrior) -> f64 {
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
fn m_step_common_slope(
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

/// Collapsed response patterns in compressed rows: the entries of pattern `p` are
/// `entries[starts[p]..starts[p + 1]]`, each the row index (item offset + category) of a log-probability
/// table with `Q` columns. Patterns are sorted by their entries, and `shared[p]` is the length of the
/// common prefix with pattern `p − 1`: the E-step walks the patterns as a prefix tree, so a prefix shared
/// by many patterns is added (and its expected counts accumulated) once.
struct Patterns {
    starts: Vec<usize>,
    entries: Vec<u32>,
    weights: Vec<f64>,
    shared: Vec<usize>,
}

impl Patterns {
    fn entries(&self, p: usize) -> &[u32] {
        &self.entries[self.starts[p]..self.starts[p + 1]]
    }
}

fn collapse(data: &ResponseMatrix, offsets: &[usize]) -> Patterns {
    // Sorting rows by their cells both brings identical rows together and orders the patterns as the
    // prefix tree wants: a missing cell (255) sorts after every category, as the entry of the next
    // presented item sorts after the entries of this one.
    let mut order: Vec<usize> = (0..data.n_persons())
        .filter(|&p| data.weights()[p] > 0.0 && data.row_cells(p).iter().any(|&c| is_present(c)))
        .collect();
    order.sort_unstable_by(|&x, &y| data.row_cells(x).cmp(data.row_cells(y)));
    let mut patterns = Patterns {
        starts: vec![0],
        entries: Vec::new(),
        weights: Vec::new(),
        shared: Vec::new(),
    };
    let mut previous: Option<&[u8]> = None;
    for p in order {
        let cells = data.row_cells(p);
        let w = data.weights()[p];
        if previous == Some(cells) {
            *patterns.weights.last_mut().expect("a previous pattern") += w;
            continue;
        }
        let start = patterns.entries.len();
        patterns.entries.extend(
            cells
                .iter()
                .enumerate()
                .filter(|&(_, &c)| is_present(c))
                .map(|(i, &c)| (offsets[i] + usize::from(c)) as u32),
        );
        let shared = match patterns.starts.len() {
            1 => 0,
            n => {
                let (done, new) = patterns.entries.split_at(start);
                done[patterns.starts[n - 2]..]
                    .iter()
                    .zip(new)
                    .take_while(|(a, b)| a == b)
                    .count()
            }
        };
        patterns.shared.push(shared);
        patterns.starts.push(patterns.entries.len());
        patterns.weights.push(w);
        previous = Some(cells);
    }
    patterns
}

/// Accumulators of one E-step pass.
struct EStep {
    /// Expected counts, same layout as the log-probability table.
    r: Vec<f64>,
    /// Expected number of persons at each node.
    at_node: Vec<f64>,
    log_likelihood: f64,
}

/// Fewest collapsed responses for which the E-step is split across threads.
const PARALLEL_MIN_RESPONSES: usize = 1 << 20;

/// Largest extrapolation factor of the accelerated EM (see [`calibrate`]).
const MAX_EXTRAPOLATION: f64 = 8.0;

/// Below this log-ratio to the largest node a posterior weight is set to zero (`e^−40 ≈ 4e−18`, under
/// the rounding error of the sums it would enter).
const NEGLIGIBLE_LOG_POSTERIOR: f64 = -40.0;

/// `e^NEGLIGIBLE_LOG_POSTERIOR`, the same threshold as a ratio.
const NEGLIGIBLE_POSTERIOR_RATIO: f64 = 4.248_354_255_291_589e-18;

/// Turns log-posterior values (in `post`) into weights summing to `weight`; returns the pattern's
/// weighted log-likelihood and the range of nodes outside which the posterior is zero (see
/// [`NEGLIGIBLE_LOG_POSTERIOR`]).
#[inline]
fn normalize(post: &mut [f64], weight: f64) -> (f64, std::ops::Range<usize>) {
    let max = post.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let floor = max + NEGLIGIBLE_LOG_POSTERIOR;
    let lo = post.iter().position(|&p| p > floor).unwrap_or(0);
    let hi = post.iter().rposition(|&p| p > floor).map_or(0, |q| q + 1);
    post[..lo].iter_mut().for_each(|p| *p = 0.0);
    post[hi..].iter_mut().for_each(|p| *p = 0.0);
    // Element-wise first (vectorises), then a sum with four independent accumulators.
    let support = &mut post[lo..hi];
    for p in support.iter_mut() {
        let d = *p - max;
        *p = if d > NEGLIGIBLE_LOG_POSTERIOR {
            exp_small(d)
        } else {
            0.0
        };
    }
    let mut lanes = [0.0; 4];
    let mut chunks = support.chunks_exact(4);
    for chunk in &mut chunks {
        for (l, p) in lanes.iter_mut().zip(chunk) {
            *l += p;
        }
    }
    let sum =
        chunks.remainder().iter().sum::<f64>() + (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    let scale = weight / sum;
    support.iter_mut().for_each(|p| *p *= scale);
    (weight * (max + sum.ln()), lo..hi)
}

/// `exp(x)` for `−40 < x ≤ 0` to within 2 ulp, branch-free and call-free so that loops over nodes
/// vectorise: `x = n·ln 2 + r`, `|r| ≤ ln 2 / 2`, `e^r` by its degree-12 Taylor polynomial (truncation
/// below 2e−16), times `2^n` assembled in the exponent bits. `n` is rounded by adding and subtracting
/// `1.5·2^52`, which leaves `n` in the low mantissa bits.
#[inline]
fn exp_small(x: f64) -> f64 {
    const LN2_HI: f64 = 0.693_147_180_369_123_8;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    const SHIFTER: f64 = 6_755_399_441_055_744.0;
    let shifted = x * std::f64::consts::LOG2_E + SHIFTER;
    let n = shifted - SHIFTER;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    let mut p = 1.0 / 479_001_600.0;
    for k in (1..12).rev() {
        p = p * r + 1.0 / FACTORIALS[k];
    }
    p = p * r + 1.0;
    let n_bits = shifted.to_bits().wrapping_sub(SHIFTER.to_bits());
    p * f64::from_bits(n_bits.wrapping_add(1023) << 52)
}

/// `k!` for `k = 0..12`.
const FACTORIALS: [f64; 12] = [
    1.0,
    1.0,
    2.0,
    6.0,
    24.0,
    120.0,
    720.0,
    5040.0,
    40320.0,
    362_880.0,
    3_628_800.0,
    39_916_800.0,
];

/// Prior weights and response probabilities at the nodes, in both scales: `log_p[row·Q + q]` =
/// `ln P(row's response | θ_q)` and `p` its exponential; `log_w`, `w` the quadrature weights.
struct Tables {
    log_w: Vec<f64>,
    w: Vec<f64>,
    log_p: Vec<f64>,
    p: Vec<f64>,
}

impl Tables {
    fn new(log_p: Vec<f64>, weights: &[f64]) -> Self {
        Tables {
            log_w: weights.iter().map(|w| w.max(1e-300).ln()).collect(),
            w: weights.to_vec(),
            p: log_p.iter().map(|l| l.exp()).collect(),
            log_p,
        }
    }

    fn nodes(&self) -> usize {
        self.w.len()
    }
}

/// Smallest largest-node posterior mass for which the probability-space product is trusted; below it
/// a pattern is recomputed in log space.
const PROBABILITY_SPACE_FLOOR: f64 = 1e-250;

/// Normalises a posterior computed in probability space (prior × likelihood at each node) to sum to
/// `weight`, like [`normalize`]; `None` if the largest value is below [`PROBABILITY_SPACE_FLOOR`] (the
/// products may have lost precision in the subnormal range), in which case the caller uses log space.
#[inline]
fn normalize_probabilities(post: &mut [f64], weight: f64) -> Option<(f64, std::ops::Range<usize>)> {
    // Largest value, four lanes at a time (a NaN is never selected, and then fails the check below).
    let mut lanes = [0.0_f64; 4];
    let mut chunks = post.chunks_exact(4);
    for chunk in &mut chunks {
        for (l, &p) in lanes.iter_mut().zip(chunk) {
            *l = if p > *l { p } else { *l };
        }
    }
    let max = chunks
        .remainder()
        .iter()
        .chain(&lanes)
        .fold(0.0, |m: f64, &p| if p > m { p } else { m });
    if !(max >= PROBABILITY_SPACE_FLOOR && max.is_finite()) {
        return None;
    }
    let floor = max * NEGLIGIBLE_POSTERIOR_RATIO;
    let lo = post.iter().position(|&p| p > floor).unwrap_or(0);
    let hi = post.iter().rposition(|&p| p > floor).map_or(0, |q| q + 1);
    post[..lo].iter_mut().for_each(|p| *p = 0.0);
    post[hi..].iter_mut().for_each(|p| *p = 0.0);
    let support = &mut post[lo..hi];
    let mut lanes = [0.0; 4];
    let mut chunks = support.chunks_exact(4);
    for chunk in &mut chunks {
        for (l, p) in lanes.iter_mut().zip(chunk) {
            *l += p;
        }
    }
    let sum =
        chunks.remainder().iter().sum::<f64>() + (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    let scale = weight / sum;
    support.iter_mut().for_each(|p| *p *= scale);
    Some((weight * sum.ln(), lo..hi))
}

/// Posterior of one pattern over the nodes, as [`normalize`]: by products of probabilities, or in log
/// space when those underflow.
fn posterior(
    entries: &[u32],
    weight: f64,
    tables: &Tables,
    post: &mut [f64],
) -> (f64, std::ops::Range<usize>) {
    let nq = tables.nodes();
    post.copy_from_slice(&tables.w);
    for &e in entries {
        let row = &tables.p[e as usize * nq..(e as usize + 1) * nq];
        for (p, l) in post.iter_mut().zip(row) {
            *p *= l;
        }
    }
    normalize_probabilities(post, weight)
        .unwrap_or_else(|| log_posterior(entries, weight, tables, post))
}

/// Posterior of one pattern computed in log space, as [`normalize`].
fn log_posterior(
    entries: &[u32],
    weight: f64,
    tables: &Tables,
    post: &mut [f64],
) -> (f64, std::ops::Range<usize>) {
    let nq = tables.nodes();
    post.copy_from_slice(&tables.log_w);
    for &e in entries {
        let row = &tables.log_p[e as usize * nq..(e as usize + 1) * nq];
        for (p, l) in post.iter_mut().zip(row) {
            *p += l;
        }
    }
    normalize(post, weight)
}

/// `Σ a_q b_q` with four independent accumulators (so that it vectorises).
#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut lanes = [0.0; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..4 {
            lanes[k] += x[k] * y[k];
        }
    }
    tail + (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
}

/// Adds `src[range]` into `dst[range]`.
#[inline]
fn add_into(dst: &mut [f64], src: &[f64], range: std::ops::Range<usize>) {
    for (a, b) in dst[range.clone()].iter_mut().zip(&src[range]) {
        *a += b;
    }
}

/// One E-step over a contiguous range of (sorted) patterns, walking them as a prefix tree. Level `j` of
/// `path` holds the prior times the likelihood of the first `j` entries of the current pattern, so
/// a prefix shared with the previous pattern is not summed again. A pattern's posterior is added directly
/// to the expected counts of its entries past the shared prefix, and parked at the level where the shared
/// prefix ends (`pending`); when the walk leaves a prefix, its parked sum is added once to the counts of
/// the prefix's last entry and parked one level up. Level 0 collects the expected persons per node.
fn e_step(patterns: &Patterns, range: std::ops::Range<usize>, tables: &Tables) -> EStep {
    let nq = tables.nodes();
    let mut out = EStep {
        r: vec![0.0; tables.p.len()],
        at_node: vec![0.0; nq],
        log_likelihood: 0.0,
    };
    let depth = range
        .clone()
        .map(|p| patterns.starts[p + 1] - patterns.starts[p])
        .max()
        .unwrap_or(0);
    let mut path = vec![0.0; (depth + 1) * nq];
    path[..nq].copy_from_slice(&tables.w);
    let mut pending = vec![0.0; (depth + 1) * nq];
    let mut support = vec![nq..0; depth + 1];
    let mut post = vec![0.0; nq];
    let mut previous: &[u32] = &[];
    for p in range.clone() {
        let entries = patterns.entries(p);
        let shared = if p == range.start {
            0
        } else {
            patterns.shared[p]
        };
        close_levels(previous, shared, nq, &mut pending, &mut support, &mut out.r);
        for (j, &e) in entries.iter().enumerate().skip(shared) {
            let (done, next) = path.split_at_mut((j + 1) * nq);
            let row = &tables.p[e as usize * nq..(e as usize + 1) * nq];
            for ((n, d), l) in next[..nq].iter_mut().zip(&done[j * nq..]).zip(row) {
                *n = d * l;
            }
        }
        let len = entries.len();
        post.copy_from_slice(&path[len * nq..(len + 1) * nq]);
        let weight = patterns.weights[p];
        let (ll, range) = normalize_probabilities(&mut post, weight)
            .unwrap_or_else(|| log_posterior(entries, weight, tables, &mut post));
        out.log_likelihood += ll;
        for &e in &entries[shared..] {
            add_into(
                &mut out.r[e as usize * nq..(e as usize + 1) * nq],
                &post,
                range.clone(),
            );
        }
        add_into(
            &mut pending[shared * nq..(shared + 1) * nq],
            &post,
            range.clone(),
        );
        let s = &mut support[shared];
        *s = s.start.min(range.start)..s.end.max(range.end);
        previous = entries;
    }
    close_levels(previous, 0, nq, &mut pending, &mut support, &mut out.r);
    out.at_node.copy_from_slice(&pending[..nq]);
    out
}

/// Leaves the levels of the prefix path `previous` deeper than `keep` (see [`e_step`]).
fn close_levels(
    previous: &[u32],
    keep: usize,
    nq: usize,
    pending: &mut [f64],
    support: &mut [std::ops::Range<usize>],
    r: &mut [f64],
) {
    for j in (keep + 1..=previous.len()).rev() {
        let range = support[j].clone();
        if range.start >= range.end {
            continue;
        }
        let (parent, level) = pending.split_at_mut(j * nq);
        let level = &mut level[..nq];
        let e = previous[j - 1] as usize;
        add_into(&mut r[e * nq..(e + 1) * nq], level, range.clone());
        add_into(&mut parent[(j - 1) * nq..j * nq], level, range.clone());
        level[range.clone()].iter_mut().for_each(|x| *x = 0.0);
        let up = &mut support[j - 1];
        *up = up.start.min(range.start)..up.end.max(range.end);
        support[j] = nq..0;
    }
}

/// Runs `work` over `threads` contiguous chunks of `0..n` and returns the results in order.
fn parallel<T: Send>(
    n: usize,
    threads: usize,
    work: impl Fn(std::ops::Range<usize>) -> T + Sync,
) -> Vec<T> {
    if threads <= 1 {
        return vec![work(0..n)];
    }
    let chunk = n.div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| (t * chunk).min(n)..((t + 1) * chunk).min(n))
            .map(|range| s.spawn(|| work(range)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("E-step worker panicked"))
            .collect()
    })
}

/// Calibrates the items of `data` by marginal maximum likelihood (see the module documentation).
///
/// # Errors
/// [`IrtError::InvalidData`] if an estimated item was never presented, has no variation, or has a
/// category outside the model (a category above 1 for dichotomous models, a gap in the categories of a
/// polytomous item); [`IrtError::Mismatch`] if an anchor id is not a column or an anchor has fewer
/// categories than observed; [`IrtError::InvalidParams`] for `Some(true)` latent estimation without
/// anchors, or a 3PL guessing prior with a shape below 1.
pub fn calibrate(
    data: &ResponseMatrix,
    options: &CalibrationOptions,
) -> Result<Calibration, IrtError> {
    let n_items = data.n_items();
    for id in options.fixed.keys() {
        if data.item_index(id).is_none() {
            return Err(IrtError::Mismatch(format!(
                "anchor item `{id}` is not a column of the data"
            )));
        }
    }
    let prior = options.guessing_prior;
    if options.model == CalibrationModel::ThreePl && !(prior.alpha >= 1.0 && prior.beta >= 1.0) {
        return Err(IrtError::InvalidParams(
            "the guessing prior needs Beta shapes of at least 1".into(),
        ));
    }
    let estimate_latent = options.estimate_latent.unwrap_or(!options.fixed.is_empty());
    if estimate_latent && options.fixed.is_empty() {
        return Err(IrtError::InvalidParams(
            "the latent distribution cannot be estimated without anchor items".into(),
        ));
    }
    // Category counts per item.
    let mut counts: Vec<Vec<f64>> = vec![Vec::new(); n_items];
    for p in 0..data.n_persons() {
        for (i, &c) in data.row_cells(p).iter().enumerate() {
            if is_present(c) {
                let c = usize::from(c);
                if counts[i].len() <= c {
                    counts[i].resize(c + 1, 0.0);
                }
                counts[i][c] += data.weights()[p];
            }
        }
    }
    let rest = super::stats::item_rest_moments(data);
    let mut items = Vec::with_capacity(n_items);
    for (i, id) in data.item_ids().iter().enumerate() {
        if let Some(params) = options.fixed.get(id) {
            if counts[i].len() > params.n_categories() {
                return Err(IrtError::Mismatch(format!(
                    "anchor `{id}` has fewer categories than observed"
                )));
            }
            items.push(anchor_state(params));
            continue;
        }
        items.push(start_values(
            id,
            &counts[i],
            rest[i].correlation(),
            options.model,
        )?);
    }
    let mut offsets = Vec::with_capacity(n_items + 1);
    offsets.push(0);
    for item in &items {
        offsets.push(offsets.last().copied().unwrap_or(0) + item.n_cat);
    }
    let patterns = collapse(data, &offsets);
    if patterns.weights.is_empty() {
        return Err(IrtError::InvalidData("no responses".into()));
    }
    let n_patterns = patterns.weights.len();
    // Threads pay off when an E-step is long enough to hide the spawning and the wait for the slowest
    // worker: from about a million responses on.
    let threads = if patterns.entries.len() < PARALLEL_MIN_RESPONSES {
        1
    } else if options.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        options.threads
    };
    let mut quad = options.quadrature.clone();
    let nq = quad.nodes().len();
    let nodes = quad.nodes().to_vec();
    let (mut mean, mut sd) = (0.0, 1.0);
    let mut table = vec![0.0; offsets[n_items] * nq];
    let fill_table = |items: &[Item], table: &mut [f64]| {
        for (i, item) in items.iter().enumerate() {
            item.log_table(&nodes, &mut table[offsets[i] * nq..offsets[i + 1] * nq]);
        }
    };
    let mut iterations = 0;
    let mut converged = false;
    // Accelerated EM: after the M-step from β_t to β′, the next E-step is tried at the extrapolated
    // β_t + step·(β′ − β_t), with the Aitken factor step = 1/(1 − λ) from the observed contraction
    // λ = ‖β′ − β_t‖/‖previous EM step‖ (1.5 on the first step, at most MAX_EXTRAPOLATION, halved after
    // a rejection).
    // The point is kept only if the log-likelihood (plus log prior) has not decreased from β_t; otherwise
    // the E-step is redone at β′. Iterations count M-steps; the reported log-likelihoods never decrease.
    let mut rejected = false;
    let mut last_norm = 0.0;
    let mut plain: Option<(Vec<Item>, f64, f64)> = None;
    let mut last_objective = f64::NEG_INFINITY;
    while iterations < options.max_iterations {
        fill_table(&items, &mut table);
        let tables = Tables::new(table.clone(), quad.weights());
        let parts = parallel(n_patterns, threads, |range| {
            e_step(&patterns, range, &tables)
        });
        let mut acc = parts.into_iter().reduce(|mut a, b| {
            a.r.iter_mut().zip(&b.r).for_each(|(x, y)| *x += y);
            a.at_node
                .iter_mut()
                .zip(&b.at_node)
                .for_each(|(x, y)| *x += y);
            a.log_likelihood += b.log_likelihood;
            a
        });
        let acc = acc.as_mut().expect("at least one E-step part");
        let log_prior = guessing_log_prior(&items, &options.guessing_prior);
        let objective_value = acc.log_likelihood + log_prior;
        if let Some((fallback, m, s)) = plain.take()
            && (objective_value.is_nan() || objective_value < last_objective)
        {
            items = fallback;
            (mean, sd) = (m, s);
            quad.set_normal(mean, sd);
            rejected = true;
            continue;
        }
        last_objective = objective_value;
        iterations += 1;
        let before = items.clone();
        let (mean_before, sd_before) = (mean, sd);
        // M-step.
        let mut change: f64 = 0.0;
        for (i, item) in items.iter_mut().enumerate() {
            if item.free.iter().any(|&f| f) {
                change = change.max(m_step_item(
                    item,
                    &nodes,
                    &acc.r[offsets[i] * nq..],
                    &options.guessing_prior,
                ));
            }
        }
        if options.model == CalibrationModel::OnePl {
            let mut group: Vec<(usize, &mut Item)> = items
                .iter_mut()
                .enumerate()
                .filter(|(_, it)| it.free.iter().any(|&f| f))
                .collect();
            let offs: Vec<usize> = offsets.iter().map(|o| o * nq).collect();
            if !group.is_empty() {
                change = change.max(m_step_common_slope(
                    &mut group,
                    &nodes,
                    &acc.r,
                    &offs,
                    &options.guessing_prior,
                ));
            }
        }
        if estimate_latent {
            let total: f64 = acc.at_node.iter().sum();
            let m = nodes
                .iter()
                .zip(&acc.at_node)
                .map(|(x, n)| x * n)
                .sum::<f64>()
                / total;
            let v = nodes
                .iter()
                .zip(&acc.at_node)
                .map(|(x, n)| (x - m).powi(2) * n)
                .sum::<f64>()
                / total;
            change = change.max((m - mean).abs()).max((v.sqrt() - sd).abs());
            mean = m;
            sd = v.sqrt();
        }
        if let Some(progress) = options.progress {
            progress(Progress {
                iteration: iterations,
                log_likelihood: acc.log_likelihood,
                log_prior,
                max_change: change,
            });
        }
        if change < options.tolerance {
            converged = true;
            quad.set_normal(mean, sd);
            break;
        }
        // Extrapolate, if the point is admissible.
        let norm = items
            .iter()
            .zip(&before)
            .flat_map(|(a, b)| a.beta.iter().zip(&b.beta).map(|(x, y)| (x - y) * (x - y)))
            .sum::<f64>()
            .sqrt();
        let step = if last_norm > 0.0 {
            let aitken = (1.0 / (1.0 - (norm / last_norm).min(0.95))).clamp(1.0, MAX_EXTRAPOLATION);
            // After a rejected extrapolation, half as far.
            if rejected {
                (0.5 * aitken).max(1.0)
            } else {
                aitken
            }
        } else {
            1.5
        };
        rejected = false;
        last_norm = norm;
        let mut candidate = items.clone();
        for (c, b) in candidate.iter_mut().zip(&before) {
            for (x, x0) in c.beta.iter_mut().zip(&b.beta) {
                *x = x0 + step * (*x - x0);
            }
        }
        let candidate_mean = mean_before + step * (mean - mean_before);
        let candidate_sd = sd_before + step * (sd - sd_before);
        if candidate.iter().all(Item::admissible) && candidate_sd > 0.05 * sd {
            plain = Some((std::mem::replace(&mut items, candidate), mean, sd));
            (mean, sd) = (candidate_mean, candidate_sd);
        }
        quad.set_normal(mean, sd);
    }
    if let Some((fallback, m, s)) = plain.take() {
        // Stopped by max_iterations right after an extrapolation: report the plain EM point.
        items = fallback;
        (mean, sd) = (m, s);
        quad.set_normal(mean, sd);
    }
    // Final pass at the reported parameters: log-likelihood and standard errors.
    fill_table(&items, &mut table);
    let tables = Tables::new(table, quad.weights());
    let (index, n_free) = free_index(&items, options.model);
    let want_se = options.standard_errors && n_free > 0;
    let blocks = Blocks::new(&index, n_free);
    let (log_likelihood, mut information) = final_pass(
        &patterns, &items, &offsets, &index, &blocks, &nodes, &tables, threads, want_se,
    );
    let cov = want_se.then(|| {
        for (i, item) in items.iter().enumerate() {
            if item.model == ItemModel::ThreePl && item.free[2] {
                let c = sigmoid(item.beta[2]);
                let g = index[i][2].expect("free guessing parameter has an index");
                let m = blocks.sizes[blocks.of[g]];
                information[blocks.of[g]][blocks.pos[g] * (m + 1)] +=
                    (options.guessing_prior.alpha + options.guessing_prior.beta - 2.0)
                        * c
                        * (1.0 - c);
            }
        }
        let inverses = information
            .iter()
            .zip(&blocks.sizes)
            .map(|(info, &m)| linalg::invert_spd(info, m))
            .collect();
        Covariance {
            blocks: &blocks,
            inverses,
        }
    });
    let mut out_items = Vec::with_capacity(n_items);
    for (i, item) in items.iter().enumerate() {
        let id = &data.item_ids()[i];
        let fixed = options.fixed.contains_key(id);
        let params = match options.fixed.get(id) {
            Some(p) => p.clone(),
            None => item.to_params(options.parameterization, options.scaling)?,
        };
        let (se_a, se_locations, se_c) = match &cov {
            Some(cov) if !fixed => standard_errors(item, &index[i], cov, &params),
            _ => (None, Vec::new(), None),
        };
        out_items.push(ItemEstimate {
            id: id.clone(),
            params,
            fixed,
            se_a,
            se_locations,
            se_c,
            n: counts[i].iter().sum(),
        });
    }
    Ok(Calibration {
        model: options.model,
        items: out_items,
        log_likelihood,
        log_prior: guessing_log_prior(&items, &options.guessing_prior),
        n_parameters: n_free + if estimate_latent { 2 } else { 0 },
        iterations,
        converged,
        n_persons: patterns.weights.iter().sum(),
        n_patterns,
        latent_mean: mean,
        latent_sd: sd,
    })
}

/// Sum over estimated 3PL items of the log prior density of `c` (up to its normalising constant).
fn guessing_log_prior(items: &[Item], prior: &GuessingPrior) -> f64 {
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
fn start_values(
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

/// Global indices of the free parameters: `index[i][j]` for canonical parameter `j` of item `i`. The 1PL
/// common slope has one index shared by all estimated items.
fn free_index(items: &[Item], model: CalibrationModel) -> (Vec<Vec<Option<usize>>>, usize) {
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
fn final_pass(
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
        let mut probs = [0.0; super::model::MAX_CATEGORIES];
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
struct Blocks {
    of: Vec<usize>,
    pos: Vec<usize>,
    sizes: Vec<usize>,
}

impl Blocks {
    fn new(index: &[Vec<Option<usize>>], n_free: usize) -> Self {
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
struct Covariance<'a> {
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

/// Delta-method standard errors of `a`, the written locations and `c`.
fn standard_errors(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negligible_ratio_matches_its_log() {
        assert!((NEGLIGIBLE_POSTERIOR_RATIO / NEGLIGIBLE_LOG_POSTERIOR.exp() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn fast_exp_is_accurate() {
        let mut worst: f64 = 0.0;
        for i in 0..400_000 {
            let x = -40.0 * f64::from(i) / 400_000.0;
            worst = worst.max((exp_small(x) / x.exp() - 1.0).abs());
        }
        assert!(worst < 5e-16, "{worst}");
    }

    #[test]
    fn prefix_tree_e_step_equals_pattern_by_pattern_log_space_sums() {
        let data =
            ResponseMatrix::from_csv("a,b,c\n1,0,\n1,0,1\n1,1,0\n,0,1\n0,0,0\n1,0,\n").unwrap();
        let offsets = [0, 2, 4, 6];
        let patterns = collapse(&data, &offsets);
        assert_eq!(patterns.weights.len(), 5);
        let quad = Quadrature::default();
        let nq = quad.nodes().len();
        // Moderate log-probabilities, then ones so small that products underflow (log-space fallback).
        for scale in [0.2, 300.0] {
            let log_p: Vec<f64> = (0..6 * nq)
                .map(|x| -(((x * 7919) % 13) as f64) * scale)
                .collect();
            let tables = Tables::new(log_p, quad.weights());
            let tree = e_step(&patterns, 0..5, &tables);
            let mut r = vec![0.0; tables.p.len()];
            let mut ll = 0.0;
            let mut post = vec![0.0; nq];
            for p in 0..5 {
                ll += log_posterior(patterns.entries(p), patterns.weights[p], &tables, &mut post).0;
                for &e in patterns.entries(p) {
                    add_into(&mut r[e as usize * nq..(e as usize + 1) * nq], &post, 0..nq);
                }
            }
            assert!(
                (tree.log_likelihood - ll).abs() < 1e-9 * ll.abs(),
                "{} vs {ll}",
                tree.log_likelihood
            );
            assert!(
                tree.r.iter().zip(&r).all(|(a, b)| (a - b).abs() < 1e-12),
                "scale {scale}"
            );
            assert!((tree.at_node.iter().sum::<f64>() - 6.0).abs() < 1e-12);
        }
    }
}
