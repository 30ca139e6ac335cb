//! Adaptive sections: items chosen one at a time for the candidate in front of the screen.
//!
//! A section with an `adaptive` table in its blueprint is delivered by an [`AdaptiveSession`]: after each
//! response the ability is re-estimated (EAP, N(0, 1) prior) and the next item is the one with the
//! largest Fisher information at that estimate among the *admissible* items, picked at random among the
//! best `randomesque` of them. Admissible means: not yet given, not excluded (retakes), eligible under
//! the exposure feedback of [`super::engine`] (drawn once per session from the observed rates), no enemy
//! of an item already given, and within every upper bound of the section's constraints and topic cap;
//! when the remaining lower bounds need every remaining slot, only items that serve one of them are
//! admissible. The section stops when the standard error reaches `target_se` (once `min_items` have been
//! given and every lower bound is met), at `max_items`, or when no admissible item is left.
//!
//! The session is deterministic: the same bank, context, seed and responses give the same items, so the
//! server can keep only the seed and the responses and rebuild the session on each request by replaying
//! them through [`AdaptiveSession::replay`]. Items in a `set` are not used adaptively.

use std::collections::{HashMap, HashSet};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};

use super::engine::{Enemies, eligibility, latest_versions};
use super::{AssemblyContext, AssemblyError, DEFAULT_MAX_EXPOSURE};
use crate::bank::{AdaptiveSpec, Blueprint, Item, SectionSpec};
use crate::irt::{AbilityEstimate, AbilityMethod, ItemParams, estimate_ability};

/// Why an adaptive section ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    TargetSe,
    MaxItems,
    PoolExhausted,
}

/// One candidate's adaptive section.
pub struct AdaptiveSession<'a> {
    spec: SectionSpec,
    settings: AdaptiveSpec,
    items: Vec<&'a Item>,
    params: Vec<ItemParams>,
    info: InfoTable,
    cons: Vec<u64>,
    topic: Vec<u32>,
    ntopics: usize,
    available: Vec<bool>,
    given: Vec<usize>,
    enemies: Enemies<'a>,
    rng: ChaCha20Rng,
    stopped: Option<StopReason>,
}

impl<'a> AdaptiveSession<'a> {
    /// Starts the adaptive section `section_id` of `blueprint` (which must declare it adaptive).
    pub fn new(
        blueprint: &'a Blueprint,
        section_id: &str,
        bank: impl IntoIterator<Item = &'a Item>,
        ctx: &AssemblyContext,
        seed: u64,
    ) -> Result<Self, AssemblyError> {
        let fail = |p: &str| AssemblyError {
            section: section_id.to_owned(),
            problems: vec![p.to_owned()],
        };
        let spec = blueprint
            .section(section_id)
            .ok_or_else(|| fail("no such section"))?;
        let settings = spec
            .adaptive
            .clone()
            .ok_or_else(|| fail("the section is not adaptive"))?;
        if spec.constraints.len() > 64 {
            return Err(fail("more than 64 constraints"));
        }
        let latest = latest_versions(bank);
        let enemies = Enemies::new(blueprint, &latest);
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let cap = blueprint.max_exposure.unwrap_or(DEFAULT_MAX_EXPOSURE);
        let items: Vec<&Item> = latest
            .into_iter()
            .filter(|i| {
                i.section == spec.id
                    && !i.pretest
                    && i.set.is_none()
                    && !ctx.exclude.contains(&i.id)
            })
            .collect();
        let mut topics: HashMap<&str, u32> = HashMap::new();
        let topic = items
            .iter()
            .map(|i| {
                let next = topics.len() as u32;
                *topics.entry(i.topic.as_str()).or_insert(next)
            })
            .collect();
        let cons = items
            .iter()
            .map(|i| {
                spec.constraints
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.applies_to(i))
                    .fold(0u64, |m, (k, _)| m | (1 << k))
            })
            .collect();
        let available = items
            .iter()
            .map(|i| {
                let e = eligibility(ctx.exposure.get(&i.id).copied().unwrap_or(0.0), cap);
                e >= 1.0 || (e > 0.0 && rng.random::<f64>() < e)
            })
            .collect();
        let params: Vec<ItemParams> = items.iter().map(|i| i.irt.params.clone()).collect();
        Ok(AdaptiveSession {
            info: InfoTable::new(&params),
            params,
            spec: spec.clone(),
            settings,
            items,
            cons,
            topic,
            ntopics: topics.len(),
            available,
            given: Vec::new(),
            enemies,
            rng,
            stopped: None,
        })
    }

    /// Rebuilds a session from its seed and the responses so far; returns it with the next item (`None`
    /// when the section is over).
    pub fn replay(
        blueprint: &'a Blueprint,
        section_id: &str,
        bank: impl IntoIterator<Item = &'a Item>,
        ctx: &AssemblyContext,
        seed: u64,
        responses: &[Option<u8>],
    ) -> Result<(Self, Option<&'a Item>), AssemblyError> {
        let mut s = Self::new(blueprint, section_id, bank, ctx, seed)?;
        let mut next = s.next_item(&[]);
        for k in 1..=responses.len() {
            next = s.next_item(&responses[..k]);
        }
        Ok((s, next))
    }

    fn max_items(&self) -> u32 {
        self.settings.max_items.unwrap_or(self.spec.items)
    }

    /// The items given so far, in order.
    pub fn administered(&self) -> impl Iterator<Item = &'a Item> + '_ {
        self.given.iter().map(|&k| self.items[k])
    }

    /// Why the section ended, once it has.
    pub fn stopped(&self) -> Option<StopReason> {
        self.stopped
    }

    /// The EAP estimate from `responses` (one per administered item, in order).
    pub fn estimate(&self, responses: &[Option<u8>]) -> AbilityEstimate {
        let params: Vec<ItemParams> = self.given.iter().map(|&k| self.params[k].clone()).collect();
        estimate_ability(&params, responses, AbilityMethod::Eap)
    }

    /// The next item given the responses to the items administered so far (`responses.len()` must equal
    /// the number administered), or `None` when the section stops.
    ///
    /// # Panics
    /// If `responses` does not have one entry per administered item.
    pub fn next_item(&mut self, responses: &[Option<u8>]) -> Option<&'a Item> {
        assert_eq!(
            responses.len(),
            self.given.len(),
            "one response per administered item"
        );
        if self.stopped.is_some() {
            return None;
        }
        let n = self.given.len() as u32;
        let mut cnt = vec![0u32; self.spec.constraints.len()];
        let mut per_topic = vec![0u32; self.ntopics];
        for &k in &self.given {
            for (ci, c) in cnt.iter_mut().enumerate() {
                *c += ((self.cons[k] >> ci) & 1) as u32;
            }
            per_topic[self.topic[k] as usize] += 1;
        }
        let lower_met = self
            .spec
            .constraints
            .iter()
            .zip(&cnt)
            .all(|(c, &k)| k >= c.lower());
        let est = self.estimate(responses);
        if n >= self.max_items() {
            self.stopped = Some(StopReason::MaxItems);
            return None;
        }
        if n >= self.settings.min_items && lower_met && est.se <= self.settings.target_se {
            self.stopped = Some(StopReason::TargetSe);
            return None;
        }
        let remaining = self.max_items() - n;
        let deficit: u32 = self
            .spec
            .constraints
            .iter()
            .zip(&cnt)
            .map(|(c, &k)| c.lower().saturating_sub(k))
            .sum();
        let need_mask = if deficit >= remaining {
            self.spec
                .constraints
                .iter()
                .zip(&cnt)
                .enumerate()
                .filter(|(_, (c, k))| **k < c.lower())
                .fold(0u64, |m, (ci, _)| m | (1 << ci))
        } else {
            0
        };
        let mut upper_full = 0u64;
        for (ci, (c, &k)) in self.spec.constraints.iter().zip(&cnt).enumerate() {
            if k >= c.upper() {
                upper_full |= 1 << ci;
            }
        }
        let cap = self.spec.max_per_topic.unwrap_or(u32::MAX);
        let k_best = self.settings.randomesque as usize;
        let mut best: Vec<(f64, usize)> = Vec::with_capacity(k_best + 1);
        for i in 0..self.params.len() {
            if !self.available[i]
                || self.cons[i] & upper_full != 0
                || (need_mask != 0 && self.cons[i] & need_mask == 0)
                || per_topic[self.topic[i] as usize] >= cap
                || !self.enemies.allows(&[self.items[i]], &[])
            {
                continue;
            }
            let info = self.info.information(i, est.theta);
            if best.len() < k_best || info > best[best.len() - 1].0 {
                let at = best.partition_point(|b| b.0 >= info);
                best.insert(at, (info, i));
                best.truncate(k_best);
            }
        }
        if best.is_empty() {
            self.stopped = Some(StopReason::PoolExhausted);
            return None;
        }
        let pick = best[self.rng.random_range(0..best.len())].1;
        self.available[pick] = false;
        self.given.push(pick);
        self.enemies.add(&[self.items[pick]], 1);
        Some(self.items[pick])
    }
}

/// Item information at any θ, with the logistic items reduced to `z = αθ + δ` and lower asymptote `c`
/// (read off the item's own probabilities, so any parameterization and scaling is covered) and the
/// polytomous ones kept as they are. The maximum-information rule over it costs a few nanoseconds per
/// item.
#[derive(Debug, Clone)]
pub struct InfoTable {
    alpha: Vec<f64>,
    delta: Vec<f64>,
    c: Vec<f64>,
    general: Vec<Option<ItemParams>>,
    /// Item indices by decreasing upper bound of their information over θ (`α²/4` for logistic items,
    /// infinity for the others), and those bounds.
    order: Vec<usize>,
    bound: Vec<f64>,
}

impl InfoTable {
    pub fn new(params: &[ItemParams]) -> Self {
        let logit = |p: f64| (p / (1.0 - p)).ln();
        let mut t = InfoTable {
            alpha: Vec::with_capacity(params.len()),
            delta: Vec::with_capacity(params.len()),
            c: Vec::with_capacity(params.len()),
            general: Vec::with_capacity(params.len()),
            order: Vec::new(),
            bound: Vec::new(),
        };
        for p in params {
            if p.model().is_dichotomous() {
                let c = p.c();
                let s = |theta: f64| (p.prob(theta) - c) / (1.0 - c);
                let d = logit(s(0.0));
                t.alpha.push(logit(s(1.0)) - d);
                t.delta.push(d);
                t.c.push(c);
                t.general.push(None);
            } else {
                t.alpha.push(0.0);
                t.delta.push(0.0);
                t.c.push(0.0);
                t.general.push(Some(p.clone()));
            }
        }
        let bound = |k: usize| {
            if t.general[k].is_some() {
                f64::INFINITY
            } else {
                t.alpha[k] * t.alpha[k] / 4.0
            }
        };
        let mut order: Vec<usize> = (0..params.len()).collect();
        order.sort_by(|&x, &y| bound(y).total_cmp(&bound(x)).then(x.cmp(&y)));
        t.bound = order.iter().map(|&k| bound(k)).collect();
        t.order = order;
        t
    }

    /// Fisher information of item `k` at `theta`.
    #[inline]
    pub fn information(&self, k: usize, theta: f64) -> f64 {
        if let Some(p) = &self.general[k] {
            return p.information(theta);
        }
        let (a, c) = (self.alpha[k], self.c[k]);
        let s = 1.0 / (1.0 + (-(a * theta + self.delta[k])).exp());
        if c == 0.0 {
            a * a * s * (1.0 - s)
        } else {
            let p = c + (1.0 - c) * s;
            a * a * (1.0 - p) / p * ((p - c) / (1.0 - c)).powi(2)
        }
    }

    /// The most informative item at `theta` among those with `used[k] == false` (the bare
    /// maximum-information rule; the lowest index among equals). Items are visited by decreasing upper
    /// bound of their information, and the scan stops once no remaining item can beat the best found:
    /// the same answer as [`InfoTable::max_information_scan`], usually after a fraction of the items.
    pub fn max_information(&self, theta: f64, used: &[bool]) -> Option<usize> {
        let mut best: Option<(f64, usize)> = None;
        for (j, &k) in self.order.iter().enumerate() {
            if best.is_some_and(|b| self.bound[j] < b.0) {
                break;
            }
            if used[k] {
                continue;
            }
            let info = self.information(k, theta);
            if best.is_none_or(|b| info > b.0 || (info == b.0 && k < b.1)) {
                best = Some((info, k));
            }
        }
        best.map(|b| b.1)
    }

    /// [`InfoTable::max_information`] by a scan of every item.
    pub fn max_information_scan(&self, theta: f64, used: &[bool]) -> Option<usize> {
        let mut best: Option<(f64, usize)> = None;
        for (k, &u) in used.iter().enumerate().take(self.alpha.len()) {
            if u {
                continue;
            }
            let info = self.information(k, theta);
            if best.is_none_or(|b| info > b.0) {
                best = Some((info, k));
            }
        }
        best.map(|b| b.1)
    }
}

/// The index of the most informative item at `theta` among those not `used` (convenience over
/// [`InfoTable`], which a caller selecting repeatedly should build once).
pub fn max_information(params: &[ItemParams], theta: f64, used: &HashSet<usize>) -> Option<usize> {
    let mask: Vec<bool> = (0..params.len()).map(|k| used.contains(&k)).collect();
    InfoTable::new(params).max_information(theta, &mask)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::load_dir;
    use std::path::Path;

    #[test]
    fn diagnostic_sections_run_adaptively_within_the_rules() {
        let c = load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("content")).unwrap();
        let bp = c
            .blueprints
            .iter()
            .find(|b| b.id == "kaztest-diagnostic")
            .unwrap();
        let (exclude, rates) = (HashSet::new(), HashMap::new());
        let ctx = AssemblyContext {
            exclude: &exclude,
            exposure: &rates,
            target: None,
        };
        for (seed, true_theta) in [(1u64, -2.0), (2, 0.0), (3, 1.5)] {
            for spec in &bp.sections {
                let mut s = AdaptiveSession::new(bp, &spec.id, &c.items, &ctx, seed).unwrap();
                let mut responses = Vec::new();
                let mut rng = ChaCha20Rng::seed_from_u64(seed);
                while let Some(item) = s.next_item(&responses) {
                    let p = item.irt.params.prob(true_theta);
                    responses.push(Some(u8::from(rng.random::<f64>() < p)));
                }
                let given: Vec<&Item> = s.administered().collect();
                let a = spec.adaptive.as_ref().unwrap();
                assert!(given.len() <= a.max_items.unwrap() as usize);
                assert!(given.len() >= a.min_items as usize);
                for c in &spec.constraints {
                    let n = given.iter().filter(|i| c.applies_to(i)).count() as u32;
                    assert!(n >= c.lower() && n <= c.upper(), "{c:?}: {n}");
                }
                let est = s.estimate(&responses);
                assert!(
                    s.stopped() == Some(StopReason::MaxItems) || est.se <= a.target_se,
                    "{:?} {est:?}",
                    s.stopped()
                );
                // Replaying the responses gives the same items.
                let (r, next) =
                    AdaptiveSession::replay(bp, &spec.id, &c.items, &ctx, seed, &responses)
                        .unwrap();
                assert!(next.is_none());
                assert_eq!(
                    r.administered().map(|i| &i.id).collect::<Vec<_>>(),
                    given.iter().map(|i| &i.id).collect::<Vec<_>>()
                );
            }
        }
    }

    #[test]
    fn max_information_picks_the_item_nearest_theta() {
        let params: Vec<ItemParams> = (-5..=5)
            .map(|b| ItemParams::two_pl(1.0, f64::from(b) / 2.0))
            .collect();
        assert_eq!(max_information(&params, 0.1, &HashSet::new()), Some(5));
        assert_eq!(max_information(&params, 0.1, &HashSet::from([5])), Some(6));
        let three = [
            ItemParams::three_pl(1.3, 0.4, 0.2).unwrap(),
            ItemParams::rasch(-0.7),
        ];
        let t = InfoTable::new(&three);
        let table = InfoTable::new(&params);
        let mut used = vec![false; params.len()];
        for k in 0..params.len() {
            for theta in [-3.0, -0.3, 0.0, 0.25, 2.0] {
                assert_eq!(
                    table.max_information(theta, &used),
                    table.max_information_scan(theta, &used)
                );
            }
            used[k] = true;
        }
        for (k, p) in three.iter().enumerate() {
            for theta in [-2.0, 0.0, 1.5] {
                assert!((t.information(k, theta) - p.information(theta)).abs() < 1e-9);
            }
        }
    }
}
