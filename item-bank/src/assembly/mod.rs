//! Blueprints and the drawing of forms from the bank.
//!
//! [`draw_form`] fills each section of a blueprint with a random selection that honours every constraint
//! (exact, minimum and maximum counts by level, topic and type; a cap per topic), never uses an item twice
//! or one the candidate has already seen, and shuffles the options of each choice item. The random stream
//! is ChaCha20 seeded by the caller, so the same seed and the same bank always give the same form.

use std::collections::{HashMap, HashSet};

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};

use crate::bank::{Blueprint, Item, SectionSpec};

/// How many shuffles the drawer tries before it declares a section infeasible.
const ATTEMPTS: usize = 64;

/// One item placed on a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacedItem {
    pub item_id: String,
    pub item_version: u32,
    /// The item's option ids in the order the candidate sees them; empty for text items.
    pub option_order: Vec<String>,
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

/// Draws a form for `blueprint` from `bank`, avoiding every item id in `exclude` (items the candidate has
/// seen in earlier attempts). Only the highest version of each item id is used.
pub fn draw_form<'a>(
    blueprint: &Blueprint,
    bank: impl IntoIterator<Item = &'a Item>,
    exclude: &HashSet<String>,
    seed: u64,
) -> Result<Form, AssemblyError> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let latest = latest_versions(bank);
    let mut sections = Vec::with_capacity(blueprint.sections.len());
    for spec in &blueprint.sections {
        let mut pool: Vec<&Item> = latest
            .iter()
            .copied()
            .filter(|i| i.section == spec.id && !exclude.contains(&i.id))
            .collect();
        pool.sort_by(|a, b| a.id.cmp(&b.id));
        let chosen = (0..ATTEMPTS)
            .find_map(|_| {
                pool.shuffle(&mut rng);
                fill_section(spec, &pool)
            })
            .ok_or_else(|| AssemblyError {
                section: spec.id.clone(),
                problems: infeasibility(spec, &pool),
            })?;
        let items = chosen
            .into_iter()
            .map(|item| {
                let mut option_order: Vec<String> =
                    item.options.iter().map(|o| o.id.clone()).collect();
                option_order.shuffle(&mut rng);
                PlacedItem {
                    item_id: item.id.clone(),
                    item_version: item.version,
                    option_order,
                }
            })
            .collect();
        sections.push(FormSection {
            section_id: spec.id.clone(),
            items,
        });
    }
    Ok(Form { sections })
}

/// Every constraint of `blueprint` that `bank` cannot meet, as sentences an author can act on. Empty when
/// each section has enough items of each kind it asks for (a cheap necessary check, not a proof that a
/// draw will succeed: [`draw_form`] reports what remains).
pub fn feasibility_problems<'a>(blueprint: &Blueprint, bank: impl IntoIterator<Item = &'a Item>) -> Vec<String> {
    let latest = latest_versions(bank);
    blueprint
        .sections
        .iter()
        .flat_map(|spec| {
            let pool: Vec<&Item> = latest
                .iter()
                .copied()
                .filter(|i| i.section == spec.id)
                .collect();
            infeasibility(spec, &pool)
                .into_iter()
                .map(move |p| format!("{} section {}: {p}", blueprint.id, spec.id))
        })
        .collect()
}

fn latest_versions<'a>(bank: impl IntoIterator<Item = &'a Item>) -> Vec<&'a Item> {
    let mut by_id: HashMap<&str, &Item> = HashMap::new();
    for item in bank {
        by_id
            .entry(&item.id)
            .and_modify(|cur| {
                if item.version > cur.version {
                    *cur = item;
                }
            })
            .or_insert(item);
    }
    by_id.into_values().collect()
}

/// What a section being filled holds so far.
struct Tally<'a, 's> {
    spec: &'s SectionSpec,
    chosen: Vec<&'a Item>,
    used: Vec<bool>,
    per_topic: HashMap<&'a str, u32>,
    per_constraint: Vec<u32>,
}

impl<'a, 's> Tally<'a, 's> {
    /// Whether `item` can join without breaking an upper bound.
    fn fits(&self, item: &Item) -> bool {
        let topic_ok = self.spec.max_per_topic.is_none_or(|cap| {
            self.per_topic
                .get(item.topic.as_str())
                .copied()
                .unwrap_or(0)
                < cap
        });
        topic_ok
            && self
                .spec
                .constraints
                .iter()
                .zip(&self.per_constraint)
                .all(|(c, &n)| !c.applies_to(item) || n < c.upper())
    }

    fn take(&mut self, idx: usize, item: &'a Item) {
        self.used[idx] = true;
        self.chosen.push(item);
        *self.per_topic.entry(item.topic.as_str()).or_default() += 1;
        for (c, n) in self
            .spec
            .constraints
            .iter()
            .zip(self.per_constraint.iter_mut())
        {
            if c.applies_to(item) {
                *n += 1;
            }
        }
    }
}

/// One greedy pass over a shuffled pool: first the lower bounds of each constraint, then any item that
/// breaks no upper bound. `None` when the pass cannot complete the section.
fn fill_section<'a>(spec: &SectionSpec, pool: &[&'a Item]) -> Option<Vec<&'a Item>> {
    let target = spec.items as usize;
    let mut t = Tally {
        spec,
        chosen: Vec::with_capacity(target),
        used: vec![false; pool.len()],
        per_topic: HashMap::new(),
        per_constraint: vec![0; spec.constraints.len()],
    };
    for (ci, c) in spec.constraints.iter().enumerate() {
        for (idx, &item) in pool.iter().enumerate() {
            if t.per_constraint[ci] >= c.lower() || t.chosen.len() == target {
                break;
            }
            if !t.used[idx] && c.applies_to(item) && t.fits(item) {
                t.take(idx, item);
            }
        }
        if t.per_constraint[ci] < c.lower() {
            return None;
        }
    }
    for (idx, &item) in pool.iter().enumerate() {
        if t.chosen.len() == target {
            break;
        }
        if !t.used[idx] && t.fits(item) {
            t.take(idx, item);
        }
    }
    let lower_bounds_met = spec
        .constraints
        .iter()
        .zip(&t.per_constraint)
        .all(|(c, &n)| n >= c.lower());
    (t.chosen.len() == target && lower_bounds_met).then_some(t.chosen)
}

fn infeasibility(spec: &SectionSpec, pool: &[&Item]) -> Vec<String> {
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
    if problems.is_empty() {
        problems.push("the constraints together cannot be met by the bank's items".into());
    }
    problems
}

fn describe(c: &crate::bank::Constraint) -> String {
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
            options: ["a", "b", "c", "d"]
                .iter()
                .map(|o| ChoiceOption {
                    id: (*o).into(),
                    text: (*o).into(),
                })
                .collect(),
            key: Some("a".into()),
            text_key: None,
            irt: ItemIrt {
                params: ItemParams::two_pl(1.0, 0.0),
                status: ParamStatus::Provisional,
            },
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
            }],
            rules: Rules {
                pass_min_percent: 30.0,
                levels: vec![],
            },
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
