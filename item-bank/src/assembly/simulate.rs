//! Simulation for authors: draw many forms from a blueprint and a bank, as the live service would
//! (exposure rates fed back after every form), sit simulated candidates on them, and report what an
//! author needs to judge the bank: item exposure, overlap between forms, every form's test
//! characteristic curve against the target, conditional standard errors and classification accuracy at
//! the pass cut, and the exact probability that a candidate answering at random passes. The server's
//! `plot` module draws the report.

use std::collections::{HashMap, HashSet};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};

use super::chance::form_pass_probability;
use super::engine::latest_versions;
use super::target::GRID;
use super::{AssemblyContext, DEFAULT_MAX_EXPOSURE, assemble, derive_target};
use crate::bank::{Blueprint, Decision, Item};
use crate::irt::ItemParams;

/// What to simulate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulationOptions {
    /// Forms to draw.
    pub forms: usize,
    /// Simulated candidates per form.
    pub candidates_per_form: usize,
    /// The candidates' abilities are N(mean, sd²).
    pub population_mean: f64,
    pub population_sd: f64,
    /// Feed observed exposure rates back into assembly (as the service does).
    pub exposure_control: bool,
    pub seed: u64,
}

impl Default for SimulationOptions {
    fn default() -> Self {
        SimulationOptions {
            forms: 1000,
            candidates_per_form: 10,
            population_mean: 0.0,
            population_sd: 1.0,
            exposure_control: true,
            seed: 1,
        }
    }
}

/// The simulation's findings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulationReport {
    pub blueprint_id: String,
    pub forms: usize,
    /// Forms that could not be drawn, with the first error.
    pub failed_forms: usize,
    pub first_error: Option<String>,
    /// Forms drawn with the exposure cap relaxed in some section.
    pub forms_exposure_relaxed: usize,
    pub exposure: ExposureSummary,
    /// Mean share of a form's scored items that another form also has (over all pairs of forms).
    pub mean_overlap: f64,
    pub sections: Vec<SectionSimulation>,
    pub classification: Classification,
    /// Passing by answering completely at random, form by form.
    #[serde(default)]
    pub random_guessing: RandomGuessing,
}

/// The exact probability that a candidate answering every item at random passes a drawn form: per
/// section, the Poisson-binomial distribution of the raw score (a choice item right with probability
/// 1/options, a typed answer never, pretest items left out, partial credit ignored) against the pass
/// percent as the scorer rounds and judges it; the product over sections. Over the drawn forms:
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RandomGuessing {
    /// The mean over forms.
    pub pass_probability_mean: f64,
    /// The largest on any form.
    pub pass_probability_max: f64,
}

/// Item exposure over the drawn forms (scored items of the blueprint's sections).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExposureSummary {
    pub cap: f64,
    pub items_in_bank: usize,
    pub items_used: usize,
    pub max: f64,
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub items_over_cap: usize,
    /// Items per exposure band of width 0.025, from 0.
    pub histogram: Vec<usize>,
}

/// One section over all forms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionSimulation {
    pub section_id: String,
    pub cuts: Vec<CutSummary>,
    /// The θ grid of the curves below.
    pub grid: Vec<f64>,
    pub target_percent: Vec<f64>,
    /// Every form's expected percent correct on the grid, in drawing order.
    pub form_percent: Vec<Vec<f64>>,
    /// Conditional SEM (1/√I) on the grid: mean and worst over forms.
    pub csem_mean: Vec<f64>,
    pub csem_max: Vec<f64>,
}

/// Forms against the target at one cut.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CutSummary {
    pub percent: f64,
    pub theta: f64,
    pub target_percent: f64,
    /// The largest |form − target| in percentage points over all forms.
    pub worst_deviation: f64,
    pub mean_abs_deviation: f64,
    /// The smallest form information over the target's.
    pub min_information_ratio: f64,
}

/// Pass/fail decisions of simulated candidates against their true status (true θ at or above every
/// section's pass cut θ).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    pub candidates: usize,
    pub accuracy: f64,
    pub false_pass: f64,
    pub false_fail: f64,
}

fn standard_normal(rng: &mut ChaCha20Rng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(1e-300);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// Runs the simulation. Pure: the same inputs give the same report.
pub fn simulate<'a>(
    blueprint: &Blueprint,
    bank: impl IntoIterator<Item = &'a Item>,
    o: &SimulationOptions,
) -> SimulationReport {
    let latest = latest_versions(bank);
    let target = blueprint
        .target
        .clone()
        .unwrap_or_else(|| derive_target(blueprint, latest.iter().copied()));
    let cap = blueprint.max_exposure.unwrap_or(DEFAULT_MAX_EXPOSURE);
    let sections: HashSet<&str> = blueprint.sections.iter().map(|s| s.id.as_str()).collect();
    let scored: Vec<&Item> = latest
        .iter()
        .copied()
        .filter(|i| sections.contains(i.section.as_str()) && !i.pretest)
        .collect();
    let index: HashMap<&str, usize> = scored
        .iter()
        .enumerate()
        .map(|(k, i)| (i.id.as_str(), k))
        .collect();
    let mut counts = vec![0u64; scored.len()];
    let mut rates: HashMap<String, f64> = HashMap::new();
    let exclude = HashSet::new();
    let mut rng = ChaCha20Rng::seed_from_u64(o.seed ^ 0x00C0_FFEE);
    let pass_cuts: Vec<f64> = target
        .sections
        .iter()
        .filter_map(|s| {
            s.cuts
                .iter()
                .find(|c| (c.percent - blueprint.rules.pass_min_percent).abs() < 1e-9)
                .map(|c| c.theta)
        })
        .collect();
    let true_cut = pass_cuts.iter().copied().fold(f64::NEG_INFINITY, f64::max);

    let mut sims: Vec<SectionSimulation> = blueprint
        .sections
        .iter()
        .map(|spec| {
            let st = target.section(&spec.id);
            SectionSimulation {
                section_id: spec.id.clone(),
                cuts: st.map_or(Vec::new(), |t| {
                    t.cuts
                        .iter()
                        .map(|c| CutSummary {
                            percent: c.percent,
                            theta: c.theta,
                            target_percent: c.expected_percent,
                            worst_deviation: 0.0,
                            mean_abs_deviation: 0.0,
                            min_information_ratio: f64::INFINITY,
                        })
                        .collect()
                }),
                grid: GRID.to_vec(),
                target_percent: st.map_or(Vec::new(), |t| {
                    t.grid.iter().map(|g| g.expected_percent).collect()
                }),
                form_percent: Vec::new(),
                csem_mean: vec![0.0; GRID.len()],
                csem_max: vec![0.0; GRID.len()],
            }
        })
        .collect();
    let by_id: HashMap<&str, &Item> = latest.iter().map(|i| (i.id.as_str(), *i)).collect();
    let (mut failed, mut first_error, mut relaxed, mut drawn) = (0, None, 0, 0usize);
    let (mut right, mut false_pass, mut false_fail, mut sat) = (0usize, 0usize, 0usize, 0usize);
    let mut guessing = RandomGuessing::default();
    for f in 0..o.forms {
        if o.exposure_control && drawn > 0 {
            for (k, i) in scored.iter().enumerate() {
                let r = counts[k] as f64 / drawn.max(super::RATE_WARM_UP_FORMS as usize) as f64;
                match rates.get_mut(i.id.as_str()) {
                    Some(v) => *v = r,
                    None => {
                        if r > 0.0 {
                            rates.insert(i.id.clone(), r);
                        }
                    }
                }
            }
        }
        let ctx = AssemblyContext {
            exclude: &exclude,
            exposure: &rates,
            target: Some(&target),
        };
        let seed = o.seed.wrapping_mul(1_000_003).wrapping_add(f as u64);
        let a = match assemble(blueprint, latest.iter().copied(), &ctx, seed) {
            Ok(a) => a,
            Err(e) => {
                failed += 1;
                first_error.get_or_insert_with(|| e.to_string());
                continue;
            }
        };
        drawn += 1;
        if !a.exposure_relaxed.is_empty() {
            relaxed += 1;
        }
        let form_items: Vec<Vec<&Item>> = a
            .form
            .sections
            .iter()
            .map(|sec| {
                sec.items
                    .iter()
                    .filter(|p| !p.pretest)
                    .map(|p| by_id[p.item_id.as_str()])
                    .collect()
            })
            .collect();
        let chance = form_pass_probability(blueprint, &form_items);
        guessing.pass_probability_mean += chance;
        guessing.pass_probability_max = guessing.pass_probability_max.max(chance);
        let mut form_params: Vec<Vec<ItemParams>> = Vec::new();
        for (k, sec) in a.form.sections.iter().enumerate() {
            let params: Vec<ItemParams> = sec
                .items
                .iter()
                .filter(|p| !p.pretest)
                .map(|p| by_id[p.item_id.as_str()].irt.params.clone())
                .collect();
            for p in sec.items.iter().filter(|p| !p.pretest) {
                if let Some(&x) = index.get(p.item_id.as_str()) {
                    counts[x] += 1;
                }
            }
            let sim = &mut sims[k];
            let n = params.len() as f64;
            let curve: Vec<f64> = GRID
                .iter()
                .map(|&t| 100.0 * params.iter().map(|p| p.prob(t)).sum::<f64>() / n)
                .collect();
            for (g, &t) in GRID.iter().enumerate() {
                let info: f64 = params.iter().map(|p| p.information(t)).sum();
                let csem = 1.0 / info.sqrt();
                sim.csem_mean[g] += csem;
                sim.csem_max[g] = sim.csem_max[g].max(csem);
            }
            sim.form_percent.push(curve);
            if let Some(fit) = a.fit.get(k) {
                for (c, cf) in sim.cuts.iter_mut().zip(&fit.cuts) {
                    let d = (cf.form_percent - cf.target_percent).abs();
                    c.worst_deviation = c.worst_deviation.max(d);
                    c.mean_abs_deviation += d;
                    c.min_information_ratio = c
                        .min_information_ratio
                        .min(cf.form_information / cf.target_information);
                }
            }
            form_params.push(params);
        }
        for _ in 0..o.candidates_per_form {
            let theta = o.population_mean + o.population_sd * standard_normal(&mut rng);
            let percents: Vec<f64> = form_params
                .iter()
                .map(|ps| {
                    let right = ps
                        .iter()
                        .filter(|p| rng.random::<f64>() < p.prob(theta))
                        .count();
                    100.0 * right as f64 / ps.len() as f64
                })
                .collect();
            let observed = blueprint.judge(&percents).1 == Decision::Pass;
            let truth = theta >= true_cut;
            sat += 1;
            match (observed, truth) {
                (a, b) if a == b => right += 1,
                (true, false) => false_pass += 1,
                _ => false_fail += 1,
            }
        }
    }
    for sim in &mut sims {
        let n = sim.form_percent.len().max(1) as f64;
        for c in &mut sim.cuts {
            c.mean_abs_deviation /= n;
        }
        for v in &mut sim.csem_mean {
            *v /= n;
        }
    }
    let d = drawn.max(1) as f64;
    guessing.pass_probability_mean /= d;
    let mut r: Vec<f64> = counts.iter().map(|&c| c as f64 / d).collect();
    r.sort_by(f64::total_cmp);
    let mut histogram = vec![0usize; 41];
    for &x in &r {
        histogram[((x / 0.025) as usize).min(40)] += 1;
    }
    while histogram.len() > 1 && histogram[histogram.len() - 1] == 0 {
        histogram.pop();
    }
    // Mean pairwise overlap: Σ c(c − 1) / (F(F − 1)) shared items per pair, over the form length.
    let form_len: usize = blueprint.sections.iter().map(|s| s.items as usize).sum();
    let pairs: f64 = counts.iter().map(|&c| (c as f64) * (c as f64 - 1.0)).sum();
    let mean_overlap = if drawn > 1 {
        pairs / (d * (d - 1.0)) / form_len as f64
    } else {
        0.0
    };
    let s = sat.max(1) as f64;
    SimulationReport {
        blueprint_id: blueprint.id.clone(),
        forms: drawn,
        failed_forms: failed,
        first_error,
        forms_exposure_relaxed: relaxed,
        exposure: ExposureSummary {
            cap,
            items_in_bank: scored.len(),
            items_used: counts.iter().filter(|&&c| c > 0).count(),
            max: r.last().copied().unwrap_or(0.0),
            mean: r.iter().sum::<f64>() / r.len().max(1) as f64,
            p50: quantile(&r, 0.5),
            p90: quantile(&r, 0.9),
            p99: quantile(&r, 0.99),
            items_over_cap: r.iter().filter(|&&x| x > cap + 1e-12).count(),
            histogram,
        },
        mean_overlap,
        sections: sims,
        classification: Classification {
            candidates: sat,
            accuracy: right as f64 / s,
            false_pass: false_pass as f64 / s,
            false_fail: false_fail as f64 / s,
        },
        random_guessing: guessing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assembly::generate::{GenerateOptions, generate_bank};

    fn a1() -> Blueprint {
        Blueprint::parse(
            "a1.toml",
            include_str!("../../content/blueprints/kaztest-a1-preselection.toml"),
        )
        .unwrap()
    }

    /// A bank where the blueprint's strata need about 22 % of their items per form: close to the cap.
    fn tight() -> GenerateOptions {
        GenerateOptions {
            listening: 100,
            reading: 180,
            ..GenerateOptions::plain(0, 5)
        }
    }

    /// `C(n, k) p^k (1 − p)^(n − k)`.
    fn binomial(n: u64, k: u64, p: f64) -> f64 {
        let c = (1..=k).fold(1.0, |c, j| c * (n - k + j) as f64 / j as f64);
        c * p.powi(k as i32) * (1.0 - p).powi((n - k) as i32)
    }

    #[test]
    fn random_guessing_passes_twenty_three_option_items_at_six_right_about_seventy_percent_of_forms()
     {
        // Reading items only, every one a 3-option choice item with 3PL parameters c = 1/3.
        let mut bank = generate_bank(&GenerateOptions::plain(300, 3));
        bank.retain(|i| i.section == "reading");
        for item in &mut bank {
            item.item_type = crate::bank::ItemType::SingleChoice;
            item.options = ["a", "b", "c"]
                .iter()
                .map(|o| crate::bank::ChoiceOption {
                    id: (*o).into(),
                    text: (*o).into(),
                })
                .collect();
            item.key = Some("a".into());
            item.text_key = None;
            let b = item.irt.params.difficulties()[0];
            item.irt.params = ItemParams::three_pl(item.irt.params.a(), b, 1.0 / 3.0).unwrap();
        }
        let bp = Blueprint::parse(
            "r.toml",
            r#"
id = "r"
version = 1
title = "Reading"
[[sections]]
id = "reading"
title = "R"
time_limit_seconds = 1800
items = 20
[rules]
pass_min_percent = 30
"#,
        )
        .unwrap();
        let options = SimulationOptions {
            forms: 12,
            candidates_per_form: 20,
            ..SimulationOptions::default()
        };
        let report = simulate(&bp, &bank, &options);
        assert_eq!((report.forms, report.failed_forms), (12, 0));
        assert_eq!(report.classification.candidates, 240);
        // 30 % of 20 items is 6 right; each right with probability 1/3.
        let exact: f64 = (6..=20).map(|k| binomial(20, k, 1.0 / 3.0)).sum();
        let g = report.random_guessing;
        assert!(
            (g.pass_probability_mean - exact).abs() < 1e-12,
            "{g:?} vs {exact}"
        );
        assert!(
            (g.pass_probability_max - exact).abs() < 1e-12,
            "{g:?} vs {exact}"
        );
        assert!((exact - 0.70).abs() < 0.01, "{exact}");
    }

    #[test]
    fn exposure_cap_holds_and_forms_stay_parallel_in_simulation() {
        let bank = generate_bank(&tight());
        let report = simulate(
            &a1(),
            &bank,
            &SimulationOptions {
                forms: 400,
                candidates_per_form: 5,
                ..Default::default()
            },
        );
        assert_eq!(report.failed_forms, 0, "{:?}", report.first_error);
        // In a bank this tight a rare form needs an item at the cap (and says so); the cap still holds.
        assert!(
            report.forms_exposure_relaxed <= 4,
            "{}",
            report.forms_exposure_relaxed
        );
        assert!(report.exposure.max <= 0.25, "{:?}", report.exposure);
        assert_eq!(report.exposure.items_over_cap, 0);
        for s in &report.sections {
            for c in &s.cuts {
                assert!(c.worst_deviation <= 2.0, "{c:?}");
                assert!(c.min_information_ratio >= 0.9, "{c:?}");
            }
        }
        assert!(
            report.classification.accuracy > 0.8,
            "{:?}",
            report.classification
        );
    }

    #[test]
    fn without_feedback_the_repair_alone_overexposes_a_small_bank() {
        // The control is what holds the cap: without the rates the same bank exceeds it.
        let bank = generate_bank(&tight());
        let o = SimulationOptions {
            forms: 400,
            candidates_per_form: 0,
            exposure_control: false,
            ..Default::default()
        };
        let report = simulate(&a1(), &bank, &o);
        assert!(report.exposure.max > 0.25, "{:?}", report.exposure);
    }

    #[test]
    fn same_inputs_same_report() {
        let bank = generate_bank(&GenerateOptions::plain(400, 2));
        let o = SimulationOptions {
            forms: 20,
            candidates_per_form: 3,
            ..Default::default()
        };
        assert_eq!(simulate(&a1(), &bank, &o), simulate(&a1(), &bank, &o));
    }
}
