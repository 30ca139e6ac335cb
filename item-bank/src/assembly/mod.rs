//! Blueprints and the assembly of forms from the bank.
//!
//! Every candidate gets a different form, and the pass rule is a percent correct per section, so forms
//! must be *parallel*: at the ability of every decision point (the cut θ of each section, see below)
//! each form's expected percent correct is within 2 points of the blueprint's target and its information
//! at least 90 % of the target's. The assembler draws a random form that honours every
//! content constraint (counts per section and per level, topic and type; a cap per topic; enemy items
//! never on one form; item sets whole and together; pretest slots filled with pretest items), then
//! repairs it by a few swaps until it is on target, with item exposure held under the blueprint's cap by
//! eligibility feedback from the observed exposure rates. Options are shuffled per candidate. The random
//! stream is ChaCha20 seeded by the caller: the same seed, bank, context and target give the same form.
//!
//! # Entry points
//! The submodules are private; everything public is re-exported here.
//!
//! | call | does |
//! |---|---|
//! | [`assemble`]`(&Blueprint, bank, &AssemblyContext, seed)` | what the server calls: one parallel form, with its fit to the target |
//! | [`draw_form`]`(&Blueprint, bank, exclude, seed)` | zero-context convenience: no exposure rates; target = `blueprint.target` or derived from `bank` |
//! | [`derive_target`]`(&Blueprint, bank)` | the parallel-forms [`Target`] (store it with the blueprint version) |
//! | [`feasibility_problems`], [`exposure_problems`] | what makes forms impossible, and which exposure caps the bank cannot keep |
//! | [`exposure_rates`] | [`AssemblyContext::exposure`] from the delivery database's counts |
//! | [`AdaptiveSession`], [`InfoTable`], [`max_information`] | item-by-item adaptive sections |
//! | [`simulate()`] | many forms and simulated candidates: exposure, parallelism, classification, passing by random guessing |
//! | [`generate_bank`] | a generated bank shaped like the starter bank, for benchmarks and simulations |
//!
//! In [`AssemblyContext`], `exposure` maps item id → share of this blueprint's forms drawn so far that
//! held the item (forms with the item / forms drawn, from the delivery database; an empty map turns
//! exposure control off), and `target` is the target pinned with the blueprint version (else
//! `blueprint.target`, else derived from the bank passed in, before exclusions).
//!
//! The parallel-forms target: at the ability of every decision point (the cut θ of each section) each
//! form's expected percent correct is within [`TCC_TOLERANCE`] of the target's and its information at
//! least [`MIN_INFORMATION_RATIO`] of it. The target TCC of a section is the mean TCC of
//! [`TARGET_FORMS`] constraint-only random forms (seed [`TARGET_SEED`]), tabulated on [`GRID`]; the cut θ
//! of `p %` is the root of `T(θ) = p / 100` on `[−6, 6]`.
//!
//! # Example: forms from a generated bank
//! ```rust
//! use std::collections::{HashMap, HashSet};
//!
//! use item_bank::assembly::{
//!     AssemblyContext, GenerateOptions, assemble, derive_target, exposure_rates, generate_bank,
//! };
//! use item_bank::bank::Blueprint;
//!
//! let blueprint = Blueprint::parse(
//!     "a1.toml",
//!     r#"
//! id = "a1"
//! version = 1
//! title = "A1"
//! [[sections]]
//! id = "listening"
//! title = "Listening"
//! time_limit_seconds = 1500
//! items = 20
//! max_per_topic = 3
//! constraints = [ { level = "A1", count = 16 }, { level = "A2", count = 4 } ]
//! [rules]
//! pass_min_percent = 30
//! "#,
//! )
//! .unwrap();
//! let bank = generate_bank(&GenerateOptions::plain(600, 1));
//! let target = derive_target(&blueprint, &bank);
//! let cut = &target.section("listening").unwrap().cuts[0];
//! assert_eq!(cut.percent, 30.0);
//!
//! // No form drawn yet, so no item is held back for exposure.
//! let counts: HashMap<String, u64> = HashMap::new();
//! let exposure = exposure_rates(&counts, 0);
//! let exclude = HashSet::new();
//! let ctx = AssemblyContext { exclude: &exclude, exposure: &exposure, target: Some(&target) };
//! let first = assemble(&blueprint, &bank, &ctx, 7).unwrap();
//! let again = assemble(&blueprint, &bank, &ctx, 7).unwrap();
//! assert_eq!(first, again, "the same seed, bank, context and target give the same form");
//! let section = &first.form.sections[0];
//! assert_eq!(section.items.len(), 20);
//! // On target at the pass cut: within 2 points, at least 90 % of the information.
//! let fit = &first.fit[0].cuts[0];
//! assert!((fit.form_percent - fit.target_percent).abs() <= 2.0);
//! assert!(fit.form_information >= 0.9 * fit.target_information);
//! ```
//!
//! # Example: the most informative item
//! ```rust
//! use item_bank::assembly::InfoTable;
//! use item_bank::irt::ItemParams;
//!
//! let items: Vec<ItemParams> = (0..9).map(|k| ItemParams::two_pl(1.0, -2.0 + 0.5 * k as f64)).collect();
//! let table = InfoTable::new(&items);
//! let mut used = vec![false; items.len()];
//! assert_eq!(table.max_information(0.1, &used), Some(4)); // b = 0.0 is nearest θ = 0.1
//! used[4] = true;
//! assert_eq!(table.max_information(0.1, &used), Some(5)); // then b = 0.5
//! assert_eq!(table.max_information_scan(0.1, &used), Some(5));
//! ```
//!
//! # What the server must do with pretest items
//! A [`PlacedItem`] with `pretest == true` fills a pretest slot: present it like any other item, store
//! the response, but leave it out of the section's percent correct. Sections without `pretest` slots
//! (all current blueprints) never get one.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::bank::{Blueprint, Item, SectionSpec};

mod adaptive;
mod chance;
mod engine;
mod generate;
mod simulate;
mod target;

#[cfg(test)]
mod forms_tests;

pub use crate::bank::{AdaptiveSpec, CutPoint, GridPoint, SectionTarget, Target};
pub use adaptive::{AdaptiveSession, InfoTable, StopReason, max_information};
pub use engine::{MIN_INFORMATION_RATIO, TCC_TOLERANCE, eligibility, latest_versions};
pub use generate::{GenerateOptions, generate_bank};
pub use simulate::{
    Classification, CutSummary, ExposureSummary, RandomGuessing, SectionSimulation,
    SimulationOptions, SimulationReport, simulate,
};
pub use target::{GRID, TARGET_FORMS, TARGET_SEED};

/// The default largest share of forms one item may appear on.
pub const DEFAULT_MAX_EXPOSURE: f64 = 0.25;

/// The fewest forms an exposure rate is taken over (see [`exposure_rates`]).
pub const RATE_WARM_UP_FORMS: u64 = 50;

/// The item's option ids in an order drawn from `rng` (empty for a text item): the order in which a
/// candidate sees them, relabelled `a`, `b`, … Forms, adaptive choices and authors' previews all shuffle
/// through here.
pub fn shuffled_options(item: &Item, rng: &mut impl rand::Rng) -> Vec<String> {
    use rand::seq::SliceRandom;
    let mut order: Vec<String> = item.options.iter().map(|o| o.id.clone()).collect();
    order.shuffle(rng);
    order
}

/// Exposure rates for [`AssemblyContext::exposure`] from the delivery database's counts: `counts[id]` =
/// forms of this blueprint that held the item, `forms` = forms of this blueprint drawn. Rates are taken
/// over at least [`RATE_WARM_UP_FORMS`] forms, so that the first few forms (where one appearance is a
/// rate of 100 %) do not lock most of the bank out; the cap is a statement about many forms.
pub fn exposure_rates(counts: &HashMap<String, u64>, forms: u64) -> HashMap<String, f64> {
    let d = forms.max(RATE_WARM_UP_FORMS) as f64;
    counts
        .iter()
        .map(|(id, &c)| (id.clone(), c as f64 / d))
        .collect()
}

/// One item placed on a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacedItem {
    pub item_id: String,
    pub item_version: u32,
    /// The item's option ids in the order the candidate sees them; empty for text items.
    pub option_order: Vec<String>,
    /// A pretest item: shown and answered, never counted in the score.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pretest: bool,
}

/// The items of one section, in the order the candidate sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormSection {
    pub section_id: String,
    pub items: Vec<PlacedItem>,
}

/// A drawn form: one list of items per blueprint section, in blueprint order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    pub sections: Vec<FormSection>,
}

/// Why a form cannot be drawn: the section and each constraint the bank cannot meet.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("section {section}: {}", problems.join("; "))]
pub struct AssemblyError {
    pub section: String,
    pub problems: Vec<String>,
}

/// What the caller knows beyond the blueprint and the bank.
#[derive(Debug, Clone, Copy)]
pub struct AssemblyContext<'c> {
    /// Item ids the candidate has seen (earlier attempts); never drawn, nor any other item of their sets.
    pub exclude: &'c HashSet<String>,
    /// Item id → observed exposure rate in [0, 1] for this blueprint (build it with [`exposure_rates`]);
    /// empty disables exposure control.
    pub exposure: &'c HashMap<String, f64>,
    /// The parallel-forms target; `None` uses `blueprint.target`, else derives one from the bank.
    pub target: Option<&'c Target>,
}

/// A form with how it meets the target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assembled {
    pub form: Form,
    /// Per section, the form against the target at each cut.
    pub fit: Vec<SectionFit>,
    /// Sections where no form could be drawn without items already at or over the exposure cap, so that
    /// this form was drawn from the whole pool (content rules and target still hold). Empty in normal
    /// operation; [`exposure_problems`] tells why it happens.
    pub exposure_relaxed: Vec<String>,
}

/// One section of an assembled form against its target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionFit {
    pub section_id: String,
    pub cuts: Vec<CutFit>,
}

/// A form against the target at one cut.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CutFit {
    pub percent: f64,
    pub theta: f64,
    pub target_percent: f64,
    pub form_percent: f64,
    pub target_information: f64,
    pub form_information: f64,
}

/// Draws a form for `blueprint` from `bank`, avoiding every item id in `exclude` (items the candidate has
/// seen in earlier attempts). Only the highest version of each item id is used. No exposure rates: see
/// [`assemble`] for the call that also holds exposure under the cap.
pub fn draw_form<'a>(
    blueprint: &Blueprint,
    bank: impl IntoIterator<Item = &'a Item>,
    exclude: &HashSet<String>,
    seed: u64,
) -> Result<Form, AssemblyError> {
    let empty = HashMap::new();
    let ctx = AssemblyContext {
        exclude,
        exposure: &empty,
        target: None,
    };
    assemble(blueprint, bank, &ctx, seed).map(|a| a.form)
}

/// Assembles one parallel form; see the module documentation for what `ctx` holds.
pub fn assemble<'a>(
    blueprint: &Blueprint,
    bank: impl IntoIterator<Item = &'a Item>,
    ctx: &AssemblyContext,
    seed: u64,
) -> Result<Assembled, AssemblyError> {
    let latest = engine::latest_versions(bank);
    let derived;
    let target = match ctx.target.or(blueprint.target.as_ref()) {
        Some(t) => t,
        None => {
            derived = derive_target_latest(blueprint, &latest);
            &derived
        }
    };
    engine::assemble(blueprint, &latest, ctx, target, seed)
}

/// The parallel-forms target of `blueprint` on `bank` (see the [module](self) docs for the derivation). Sections the
/// bank cannot fill get a target without cuts.
pub fn derive_target<'a>(
    blueprint: &Blueprint,
    bank: impl IntoIterator<Item = &'a Item>,
) -> Target {
    derive_target_latest(blueprint, &engine::latest_versions(bank))
}

fn derive_target_latest(blueprint: &Blueprint, latest: &[&Item]) -> Target {
    let percents = target::decision_percents(blueprint);
    let sections = blueprint
        .sections
        .iter()
        .enumerate()
        .map(|(k, spec)| {
            let seed = target::TARGET_SEED ^ (k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            match engine::inclusion_rates(blueprint, spec, latest, target::TARGET_FORMS, seed) {
                Some(w) => target::section_target(&spec.id, spec.items, &w, &percents),
                None => SectionTarget {
                    section_id: spec.id.clone(),
                    items: spec.items,
                    cuts: Vec::new(),
                    grid: Vec::new(),
                },
            }
        })
        .collect();
    Target { sections }
}

/// Every constraint of `blueprint` that `bank` cannot meet, as sentences an author can act on. Empty when
/// each section has enough items of each kind it asks for (a cheap necessary check, not a proof that a
/// draw will succeed: [`draw_form`] reports what remains).
pub fn feasibility_problems<'a>(
    blueprint: &Blueprint,
    bank: impl IntoIterator<Item = &'a Item>,
) -> Vec<String> {
    let latest = engine::latest_versions(bank);
    let mut out = Vec::new();
    for spec in &blueprint.sections {
        let pool: Vec<&Item> = latest
            .iter()
            .copied()
            .filter(|i| i.section == spec.id && !i.pretest)
            .collect();
        // Counting problems only: whether enemies can be kept apart is known only by drawing a form,
        // and the engine explains that when a draw fails (with `has_enemies` there).
        let mut problems = infeasibility(spec, &pool, false);
        if problems.len() == 1 && problems[0] == GENERIC {
            problems.clear();
        }
        let pretest = latest
            .iter()
            .filter(|i| i.section == spec.id && i.pretest)
            .count();
        if (spec.pretest as usize) > pretest {
            problems.push(format!(
                "needs {} pretest items, the bank has {pretest}",
                spec.pretest
            ));
        }
        out.extend(
            problems
                .into_iter()
                .map(|p| format!("{} section {}: {p}", blueprint.id, spec.id)),
        );
    }
    out
}

/// Exposure caps the bank cannot keep: a section or a constraint that needs `k` items per form from `m`
/// items exposes them on average `k / m` of forms, and when that exceeds the cap no control can help.
/// Forms are still drawn (the cap is then relaxed for the forms that need it, see
/// [`Assembled::exposure_relaxed`]); these are warnings to grow the bank.
pub fn exposure_problems<'a>(
    blueprint: &Blueprint,
    bank: impl IntoIterator<Item = &'a Item>,
) -> Vec<String> {
    let latest = engine::latest_versions(bank);
    let cap = blueprint.max_exposure.unwrap_or(DEFAULT_MAX_EXPOSURE);
    let mut out = Vec::new();
    for spec in &blueprint.sections {
        let pool: Vec<&Item> = latest
            .iter()
            .copied()
            .filter(|i| i.section == spec.id && !i.pretest)
            .collect();
        let mut check = |what: String, need: u32, have: usize| {
            let share = f64::from(need) / have.max(1) as f64;
            if share > cap {
                out.push(format!(
                    "{} section {}: {what}: {need} items per form from {have} is an average exposure of \
                     {:.1} %, above the cap of {:.0} %; the bank needs at least {} such items",
                    blueprint.id,
                    spec.id,
                    100.0 * share,
                    100.0 * cap,
                    (f64::from(need) / cap).ceil()
                ));
            }
        };
        check("all items".into(), spec.items, pool.len());
        for c in &spec.constraints {
            if c.lower() > 0 {
                let have = pool.iter().filter(|i| c.applies_to(i)).count();
                check(describe(c), c.lower(), have);
            }
        }
        if spec.pretest > 0 {
            let have = latest
                .iter()
                .filter(|i| i.section == spec.id && i.pretest)
                .count();
            check("pretest items".into(), spec.pretest, have);
        }
    }
    out
}

const GENERIC: &str = "the constraints together cannot be met by the bank's items";

pub(crate) fn infeasibility(spec: &SectionSpec, pool: &[&Item], has_enemies: bool) -> Vec<String> {
    let mut problems = Vec::new();
    if pool.len() < spec.items as usize {
        problems.push(format!(
            "needs {} items, the bank has {}",
            spec.items,
            pool.len()
        ));
    }
    for c in &spec.constraints {
        let available = pool.iter().filter(|i| c.applies_to(i)).count() as u32;
        if available < c.lower() {
            problems.push(format!(
                "{} needs at least {}, the bank has {available}",
                describe(c),
                c.lower()
            ));
        }
    }
    if let Some(cap) = spec.max_per_topic {
        let mut topics: HashMap<&str, u32> = HashMap::new();
        for i in pool {
            *topics.entry(&i.topic).or_default() += 1;
        }
        let reachable: u32 = topics.values().map(|&n| n.min(cap)).sum();
        if reachable < spec.items {
            problems.push(format!(
                "at most {cap} items per topic over {} topics reach only {reachable} of {} items",
                topics.len(),
                spec.items
            ));
        }
    }
    // Item sets: a set is used whole, so it must fit the section and the topic cap, and the units must
    // be able to add up to the section length.
    let mut set_sizes: std::collections::BTreeMap<&str, u32> = Default::default();
    let mut set_topics: std::collections::BTreeMap<(&str, &str), u32> = Default::default();
    let mut singles = 0u32;
    for i in pool {
        match &i.set {
            Some(s) => {
                *set_sizes.entry(s.as_str()).or_default() += 1;
                *set_topics
                    .entry((s.as_str(), i.topic.as_str()))
                    .or_default() += 1;
            }
            None => singles += 1,
        }
    }
    if let Some(cap) = spec.max_per_topic
        && let Some(((s, t), n)) = set_topics.iter().find(|(_, n)| **n > cap)
    {
        problems.push(format!(
            "item set {s} has {n} items of topic {t}, more than the {cap} allowed per topic, so it can never be used"
        ));
    }
    if let Some((s, n)) = set_sizes.iter().find(|(_, n)| **n > spec.items) {
        problems.push(format!(
            "item set {s} has {n} items, more than the section's {}",
            spec.items
        ));
    }
    if singles == 0 && !set_sizes.is_empty() {
        let mut reachable = vec![false; spec.items as usize + 1];
        reachable[0] = true;
        for &n in set_sizes.values() {
            for k in (n as usize..=spec.items as usize).rev() {
                reachable[k] |= reachable[k - n as usize];
            }
        }
        if !reachable[spec.items as usize] {
            problems.push(format!(
                "no combination of the item sets' sizes adds up to {} items",
                spec.items
            ));
        }
    }
    if problems.is_empty() && has_enemies {
        problems.push(
            "the constraints cannot be met once enemy items are kept apart (too many enemy pairs among \
             the items a constraint needs)"
                .into(),
        );
    }
    if problems.is_empty() {
        problems.push(GENERIC.into());
    }
    problems
}

pub(crate) fn describe(c: &crate::bank::Constraint) -> String {
    let mut parts = Vec::new();
    if let Some(l) = c.level {
        parts.push(format!("level {}", l.as_str()));
    }
    if let Some(t) = &c.topic {
        parts.push(format!("topic {t}"));
    }
    if let Some(t) = c.item_type {
        parts.push(format!("type {}", t.as_str()));
    }
    if parts.is_empty() {
        "any item".into()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{ChoiceOption, Constraint, ItemIrt, ItemType, Level, ParamStatus, Rules};
    use crate::irt::ItemParams;
    use proptest::prelude::*;

    fn item(id: usize, level: Level, topic: &str) -> Item {
        Item {
            id: format!("rd-{id:04}"),
            version: 1,
            section: "reading".into(),
            level,
            topic: topic.into(),
            item_type: ItemType::SingleChoice,
            stem: "?".into(),
            stimulus: None,
            transcript: None,
            audio: None,
            image: None,
            options: ["a", "b", "c", "d"]
                .iter()
                .map(|o| ChoiceOption {
                    id: (*o).into(),
                    text: (*o).into(),
                })
                .collect(),
            key: Some("a".into()),
            text_key: None,
            writing: None,
            irt: ItemIrt {
                params: ItemParams::two_pl(1.0, 0.0),
                status: ParamStatus::Provisional,
            },
            set: None,
            enemies: Vec::new(),
            pretest: false,
        }
    }

    fn bank(n: usize) -> Vec<Item> {
        let topics = ["family", "food", "city", "home", "work"];
        (0..n)
            .map(|i| {
                item(
                    i,
                    if i % 4 == 0 { Level::A2 } else { Level::A1 },
                    topics[i % topics.len()],
                )
            })
            .collect()
    }

    fn blueprint(items: u32, a2: u32, max_per_topic: Option<u32>) -> Blueprint {
        Blueprint {
            id: "bp".into(),
            version: 1,
            title: "t".into(),
            sections: vec![SectionSpec {
                id: "reading".into(),
                title: "R".into(),
                time_limit_seconds: 600,
                items,
                max_per_topic,
                constraints: vec![
                    Constraint {
                        level: Some(Level::A2),
                        topic: None,
                        item_type: None,
                        count: Some(a2),
                        min: None,
                        max: None,
                    },
                    Constraint {
                        level: Some(Level::A1),
                        topic: None,
                        item_type: None,
                        count: Some(items - a2),
                        min: None,
                        max: None,
                    },
                ],
                pretest: 0,
                adaptive: None,
                play_limit: None,
            }],
            rules: Rules {
                pass_min_percent: 30.0,
                levels: vec![],
            },
            enemies: Vec::new(),
            max_exposure: None,
            target: None,
            certify: true,
        }
    }

    #[test]
    fn same_seed_same_form_and_different_seeds_differ() {
        let bank = bank(120);
        let bp = blueprint(40, 8, Some(10));
        let a = draw_form(&bp, &bank, &HashSet::new(), 7).unwrap();
        assert_eq!(a, draw_form(&bp, &bank, &HashSet::new(), 7).unwrap());
        assert_ne!(a, draw_form(&bp, &bank, &HashSet::new(), 8).unwrap());
    }

    #[test]
    fn reports_the_constraint_the_bank_cannot_meet() {
        let bank = bank(40);
        let err = draw_form(&blueprint(30, 20, None), &bank, &HashSet::new(), 1).unwrap_err();
        assert!(
            err.problems
                .iter()
                .any(|p| p.contains("level A2 needs at least 20, the bank has 10")),
            "{err}"
        );
        assert_eq!(
            feasibility_problems(&blueprint(30, 20, None), &bank).len(),
            1
        );
    }

    proptest! {
        #[test]
        fn every_form_honours_the_blueprint(seed in any::<u64>(), excluded in 0usize..30) {
            let bank = bank(120);
            let bp = blueprint(40, 8, Some(10));
            let exclude: HashSet<String> = bank.iter().take(excluded).map(|i| i.id.clone()).collect();
            let form = draw_form(&bp, &bank, &exclude, seed).unwrap();
            let items = &form.sections[0].items;
            prop_assert_eq!(items.len(), 40);
            let ids: HashSet<&str> = items.iter().map(|p| p.item_id.as_str()).collect();
            prop_assert_eq!(ids.len(), 40);
            prop_assert!(ids.iter().all(|id| !exclude.contains(*id)));
            let by_id: HashMap<&str, &Item> = bank.iter().map(|i| (i.id.as_str(), i)).collect();
            let a2 = items.iter().filter(|p| by_id[p.item_id.as_str()].level == Level::A2).count();
            prop_assert_eq!(a2, 8);
            let mut topics: HashMap<&str, u32> = HashMap::new();
            for p in items {
                *topics.entry(by_id[p.item_id.as_str()].topic.as_str()).or_default() += 1;
                let mut order = p.option_order.clone();
                order.sort();
                prop_assert_eq!(order, vec!["a", "b", "c", "d"]);
            }
            prop_assert!(topics.values().all(|&n| n <= 10));
        }
    }
}
