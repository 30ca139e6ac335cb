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
//!
//! The code follows the algorithm: [`calibrate`] checks the inputs, builds the starting values
//! (`item`), collapses the patterns (`estep`), and runs [`Em::step`] until the tolerance or the
//! iteration limit; `mstep` moves the parameters, `se` computes the standard errors of the result.

mod estep;
mod item;
mod mstep;
mod se;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::irt::IrtError;
use crate::irt::data::{ResponseMatrix, is_present};
use crate::irt::model::{ItemParams, Parameterization};
use crate::irt::quadrature::Quadrature;
use estep::{PARALLEL_MIN_RESPONSES, Patterns, Tables, collapse, e_step_all};
use item::{Item, anchor_state, guessing_log_prior, start_values};
use mstep::{latent_moments, m_step_common_slope, m_step_item};
use se::{Blocks, covariance, final_pass, free_index, standard_errors};

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

/// Largest extrapolation factor of the accelerated EM (see [`Em`]).
const MAX_EXTRAPOLATION: f64 = 8.0;

/// What one [`Em::step`] did.
enum StepOutcome {
    /// The extrapolated point lowered the objective: the state went back to the plain EM point, and no
    /// iteration was counted.
    Rejected,
    /// One iteration (an M-step), not yet converged.
    Iterated(Progress),
    /// One iteration whose largest change was below the tolerance.
    Converged(Progress),
}

/// The accelerated EM between iterations.
///
/// After the M-step from β_t to β′, the next E-step is tried at the extrapolated β_t + step·(β′ − β_t),
/// with the Aitken factor step = 1/(1 − λ) from the observed contraction λ = ‖β′ − β_t‖/‖previous EM
/// step‖ (1.5 on the first step, at most [`MAX_EXTRAPOLATION`], halved after a rejection). The point is
/// kept only if the log-likelihood (plus log prior) has not decreased from β_t; otherwise the E-step is
/// redone at β′. Iterations count M-steps; the reported log-likelihoods never decrease.
struct Em<'a> {
    patterns: &'a Patterns,
    offsets: &'a [usize],
    model: CalibrationModel,
    prior: GuessingPrior,
    tolerance: f64,
    estimate_latent: bool,
    threads: usize,
    nodes: Vec<f64>,
    /// The quadrature at the current latent mean and SD.
    quad: Quadrature,
    /// `ln P_ik(θ_q)` of the current items, rows by [`Em::offsets`].
    table: Vec<f64>,
    items: Vec<Item>,
    mean: f64,
    sd: f64,
    iterations: usize,
    /// Whether the last extrapolation was rejected (the next one goes half as far).
    rejected: bool,
    /// Norm of the last plain EM step.
    last_norm: f64,
    /// The plain EM point (items, mean, SD) while an extrapolated one is being tried.
    plain: Option<(Vec<Item>, f64, f64)>,
    last_objective: f64,
}

impl<'a> Em<'a> {
    fn new(
        patterns: &'a Patterns,
        offsets: &'a [usize],
        items: Vec<Item>,
        options: &CalibrationOptions,
        estimate_latent: bool,
        threads: usize,
    ) -> Self {
        let quad = options.quadrature.clone();
        let nodes = quad.nodes().to_vec();
        let table = vec![0.0; offsets[items.len()] * nodes.len()];
        Em {
            patterns,
            offsets,
            model: options.model,
            prior: options.guessing_prior,
            tolerance: options.tolerance,
            estimate_latent,
            threads,
            nodes,
            quad,
            table,
            items,
            mean: 0.0,
            sd: 1.0,
            iterations: 0,
            rejected: false,
            last_norm: 0.0,
            plain: None,
            last_objective: f64::NEG_INFINITY,
        }
    }

    /// Writes the current items' log-probabilities at the nodes into the table.
    fn fill_table(&mut self) {
        let nq = self.nodes.len();
        for (i, item) in self.items.iter().enumerate() {
            item.log_table(
                &self.nodes,
                &mut self.table[self.offsets[i] * nq..self.offsets[i + 1] * nq],
            );
        }
    }

    /// One E-step at the current point, then, unless that point was an extrapolation that lowered the
    /// objective, one M-step and the extrapolation of the next point.
    fn step(&mut self) -> StepOutcome {
        let nq = self.nodes.len();
        self.fill_table();
        let tables = Tables::new(self.table.clone(), self.quad.weights());
        let acc = e_step_all(self.patterns, self.threads, &tables);
        let log_prior = guessing_log_prior(&self.items, &self.prior);
        let objective_value = acc.log_likelihood + log_prior;
        if let Some((fallback, m, s)) = self.plain.take()
            && (objective_value.is_nan() || objective_value < self.last_objective)
        {
            self.items = fallback;
            (self.mean, self.sd) = (m, s);
            self.quad.set_normal(self.mean, self.sd);
            self.rejected = true;
            return StepOutcome::Rejected;
        }
        self.last_objective = objective_value;
        self.iterations += 1;
        let before = self.items.clone();
        let (mean_before, sd_before) = (self.mean, self.sd);
        // M-step.
        let mut change: f64 = 0.0;
        for (i, item) in self.items.iter_mut().enumerate() {
            if item.free.iter().any(|&f| f) {
                change = change.max(m_step_item(
                    item,
                    &self.nodes,
                    &acc.r[self.offsets[i] * nq..],
                    &self.prior,
                ));
            }
        }
        if self.model == CalibrationModel::OnePl {
            let mut group: Vec<(usize, &mut Item)> = self
                .items
                .iter_mut()
                .enumerate()
                .filter(|(_, it)| it.free.iter().any(|&f| f))
                .collect();
            let offs: Vec<usize> = self.offsets.iter().map(|o| o * nq).collect();
            if !group.is_empty() {
                change = change.max(m_step_common_slope(
                    &mut group,
                    &self.nodes,
                    &acc.r,
                    &offs,
                    &self.prior,
                ));
            }
        }
        if self.estimate_latent {
            let (m, sd) = latent_moments(&self.nodes, &acc.at_node);
            change = change.max((m - self.mean).abs()).max((sd - self.sd).abs());
            self.mean = m;
            self.sd = sd;
        }
        let progress = Progress {
            iteration: self.iterations,
            log_likelihood: acc.log_likelihood,
            log_prior,
            max_change: change,
        };
        if change < self.tolerance {
            self.quad.set_normal(self.mean, self.sd);
            return StepOutcome::Converged(progress);
        }
        self.extrapolate(&before, mean_before, sd_before);
        StepOutcome::Iterated(progress)
    }

    /// Moves from the plain EM point just reached to the extrapolated one, if it is admissible.
    fn extrapolate(&mut self, before: &[Item], mean_before: f64, sd_before: f64) {
        let norm = self
            .items
            .iter()
            .zip(before)
            .flat_map(|(a, b)| a.beta.iter().zip(&b.beta).map(|(x, y)| (x - y) * (x - y)))
            .sum::<f64>()
            .sqrt();
        let step = if self.last_norm > 0.0 {
            let aitken =
                (1.0 / (1.0 - (norm / self.last_norm).min(0.95))).clamp(1.0, MAX_EXTRAPOLATION);
            // After a rejected extrapolation, half as far.
            if self.rejected {
                (0.5 * aitken).max(1.0)
            } else {
                aitken
            }
        } else {
            1.5
        };
        self.rejected = false;
        self.last_norm = norm;
        let mut candidate = self.items.clone();
        for (c, b) in candidate.iter_mut().zip(before) {
            for (x, x0) in c.beta.iter_mut().zip(&b.beta) {
                *x = x0 + step * (*x - x0);
            }
        }
        let candidate_mean = mean_before + step * (self.mean - mean_before);
        let candidate_sd = sd_before + step * (self.sd - sd_before);
        if candidate.iter().all(Item::admissible) && candidate_sd > 0.05 * self.sd {
            self.plain = Some((
                std::mem::replace(&mut self.items, candidate),
                self.mean,
                self.sd,
            ));
            (self.mean, self.sd) = (candidate_mean, candidate_sd);
        }
        self.quad.set_normal(self.mean, self.sd);
    }

    /// The point to report: the plain EM point if the loop stopped right after an extrapolation (by
    /// the iteration limit), with its log-probability tables.
    fn finish(mut self) -> (Vec<Item>, f64, f64, Tables) {
        if let Some((fallback, m, s)) = self.plain.take() {
            self.items = fallback;
            (self.mean, self.sd) = (m, s);
            self.quad.set_normal(self.mean, self.sd);
        }
        self.fill_table();
        let tables = Tables::new(self.table, self.quad.weights());
        (self.items, self.mean, self.sd, tables)
    }
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
    let rest = crate::irt::stats::item_rest_moments(data);
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
    let mut em = Em::new(
        &patterns,
        &offsets,
        items,
        options,
        estimate_latent,
        threads,
    );
    let mut converged = false;
    while em.iterations < options.max_iterations {
        let progress = match em.step() {
            StepOutcome::Rejected => continue,
            StepOutcome::Iterated(progress) => progress,
            StepOutcome::Converged(progress) => {
                converged = true;
                progress
            }
        };
        if let Some(report) = options.progress {
            report(progress);
        }
        if converged {
            break;
        }
    }
    let iterations = em.iterations;
    // Final pass at the reported parameters: log-likelihood and standard errors.
    let (items, mean, sd, tables) = em.finish();
    let (index, n_free) = free_index(&items, options.model);
    let want_se = options.standard_errors && n_free > 0;
    let blocks = Blocks::new(&index, n_free);
    let (log_likelihood, information) = final_pass(
        &patterns,
        &items,
        &offsets,
        &index,
        &blocks,
        options.quadrature.nodes(),
        &tables,
        threads,
        want_se,
    );
    let cov = want_se.then(|| {
        covariance(
            &items,
            &index,
            &blocks,
            information,
            &options.guessing_prior,
        )
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
