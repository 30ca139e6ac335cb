//! The assembler proper: content constraints, item sets, enemies, pretest slots, parallel-forms targeting
//! and exposure control, for one form at a time.
//!
//! # Algorithm
//! Per section, the eligible items are grouped into *units* (an item set is one unit, any other item a
//! unit of one). One attempt is:
//! 1. **Random constrained fill.** Units are shuffled (ChaCha20, the caller's seed) and taken greedily,
//!    first for the lower bounds of the constraints (the most specific constraint first), then for the
//!    remaining slots; a unit is taken only if it breaks no upper bound, no per-topic cap, no enemy
//!    relation and fits the slots left. This is what makes forms different from each other.
//! 2. **Swap repair towards the target.** While the form's expected percent correct at some cut θ is
//!    more than [`AIM`] from the target, or its information is below [`MIN_INFORMATION_RATIO`] of the
//!    target's, the best swap (one unit out, one of the same size in) among a fresh random sample of
//!    [`SWAP_SAMPLE`] units is made, keeping every constraint. Repair stops at the aim; a form is accepted
//!    when it is within the goal ([`TCC_TOLERANCE`]).
//!
//! The repair moves as few units as it must, so forms stay as random as the targeting allows, which is
//! what keeps item exposure flat. Attempts are repeated (new shuffles from the same stream) until one is
//! accepted; if none is, the error names the constraint that failed and by how much.
//!
//! # Exposure control: item eligibility with observed-rate feedback
//! Before each form every item is made *eligible* with probability
//! `e(r) = 1` for `r ≤ 0.8·cap`, `(cap − r)/(0.2·cap)` for `0.8·cap < r < cap`, `0` for `r ≥ cap`,
//! where `r` is the item's observed exposure rate (share of this blueprint's forms it appeared on, fed in
//! by the caller from the delivery database). Ineligible items are out of the pool for that form; the
//! content constraints and the target still hold, because eligibility only shrinks the pool.
//!
//! Why this rather than the alternatives:
//! * Classic Sympson–Hetter needs control parameters tuned by iterated simulations against an assumed
//!   population and bank, and they go stale whenever either changes; here the control is driven by the
//!   real rates, needs no tuning run, and adapts as the bank grows (the item-eligibility method of van der
//!   Linden & Veldkamp works the same way, with a proportional rather than this banded feedback).
//! * (Conditional) randomesque selection only spreads exposure statistically; it cannot promise a cap,
//!   and the parallel-forms repair would concentrate exposure on the items nearest the target.
//! * A hard cut at `r ≥ cap` alone oscillates around the cap; the linear band below it brakes an item
//!   before it gets there, so the observed maximum stays below the cap (see the simulation test).
//!
//! If the eligible pool cannot meet the content constraints or the target for some form, the assembler
//! draws that form from the whole pool and says so ([`super::Assembled::exposure_relaxed`]); the content
//! rules and the target are never the ones relaxed. [`super::exposure_problems`] tells in advance when a
//! cap is arithmetically unreachable (e.g. 16 A1 listening items per form from 56 cannot stay under
//! 25 %).

use std::collections::{BTreeMap, HashMap, HashSet};

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

use super::{
    Assembled, AssemblyContext, AssemblyError, CutFit, Form, FormSection, PlacedItem, SectionFit,
};
use crate::bank::{Blueprint, Item, SectionSpec, SectionTarget, Target};

/// The accepted distance between a form's and the target's expected proportion correct at a cut.
pub const TCC_TOLERANCE: f64 = 0.02;
/// What the repair aims at, inside the tolerance, so that rounding and later swaps keep a margin.
pub const AIM: f64 = 0.01;
/// A form's information at a cut must reach this share of the target's.
pub const MIN_INFORMATION_RATIO: f64 = 0.9;
/// Fresh random units considered per repair step.
pub const SWAP_SAMPLE: usize = 256;
/// Repair steps per attempt.
const REPAIR_STEPS: usize = 24;
/// Attempts with exposure control, then as many without it, before a section is declared infeasible.
pub(crate) const ATTEMPTS: usize = 24;
/// Constraints a section may have (they are tracked in a bit mask).
pub(crate) const MAX_CONSTRAINTS: usize = 64;

/// The latest version of each item id, sorted by id: the versions the assembler draws from.
pub fn latest_versions<'a>(bank: impl IntoIterator<Item = &'a Item>) -> Vec<&'a Item> {
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
    let mut v: Vec<&Item> = by_id.into_values().collect();
    v.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    v
}

/// Eligibility probability of an item with observed exposure rate `rate` under `cap`.
pub fn eligibility(rate: f64, cap: f64) -> f64 {
    let lo = 0.8 * cap;
    if rate <= lo {
        1.0
    } else if rate >= cap {
        0.0
    } else {
        (cap - rate) / (cap - lo)
    }
}

/// Enemy relations (symmetric) and how many chosen items block each id.
pub(crate) struct Enemies<'a> {
    map: HashMap<&'a str, Vec<&'a str>>,
    blocked: HashMap<&'a str, u32>,
}

impl<'a> Enemies<'a> {
    pub(crate) fn new(blueprint: &'a Blueprint, latest: &[&'a Item]) -> Self {
        let mut map: HashMap<&'a str, Vec<&'a str>> = HashMap::new();
        let mut add = |a: &'a str, b: &'a str| {
            if a != b {
                map.entry(a).or_default().push(b);
                map.entry(b).or_default().push(a);
            }
        };
        for item in latest {
            for e in &item.enemies {
                add(&item.id, e);
            }
        }
        for group in &blueprint.enemies {
            for (k, a) in group.iter().enumerate() {
                for b in &group[k + 1..] {
                    add(a, b);
                }
            }
        }
        for v in map.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
        Enemies {
            map,
            blocked: HashMap::new(),
        }
    }

    fn active(&self) -> bool {
        !self.map.is_empty()
    }

    /// Whether `items` can join the form, ignoring what the items of `leaving` block.
    pub(crate) fn allows(&self, items: &[&Item], leaving: &[&Item]) -> bool {
        if !self.active() {
            return true;
        }
        items.iter().all(|x| {
            let n = self.blocked.get(x.id.as_str()).copied().unwrap_or(0);
            if n == 0 {
                return true;
            }
            let freed = leaving
                .iter()
                .filter(|l| {
                    self.map
                        .get(l.id.as_str())
                        .is_some_and(|e| e.binary_search(&x.id.as_str()).is_ok())
                })
                .count() as u32;
            n == freed
        })
    }

    pub(crate) fn add(&mut self, items: &[&Item], sign: i32) {
        if !self.active() {
            return;
        }
        for x in items {
            if let Some(es) = self.map.get(x.id.as_str()) {
                for e in es {
                    let c = self.blocked.entry(e).or_default();
                    *c = c.wrapping_add_signed(sign);
                }
            }
        }
    }
}

/// A section's pool as units with precomputed counts, probabilities and information at the cuts.
struct Pool<'a> {
    items: Vec<&'a Item>,
    /// Unit `u` is `items[start[u]..start[u + 1]]`.
    start: Vec<usize>,
    /// Per unit and constraint: how many of the unit's items the constraint counts.
    cons: Vec<u32>,
    /// Per unit and cut: Σ P and Σ I of its items.
    p: Vec<f64>,
    info: Vec<f64>,
    topic: Vec<u32>,
    ntopics: usize,
    /// Per unit: the highest exposure rate of its items.
    rate: Vec<f64>,
}

impl<'a> Pool<'a> {
    fn units(&self) -> usize {
        self.start.len() - 1
    }
    fn unit(&self, u: usize) -> &[&'a Item] {
        &self.items[self.start[u]..self.start[u + 1]]
    }
    fn size(&self, u: usize) -> u32 {
        (self.start[u + 1] - self.start[u]) as u32
    }
}

/// Groups items (sorted by id) into units by `set`, in the order of each unit's first id.
fn units_of<'a>(items: &[&'a Item]) -> Vec<Vec<&'a Item>> {
    let mut sets: BTreeMap<&str, Vec<&'a Item>> = BTreeMap::new();
    let mut units: Vec<Vec<&'a Item>> = Vec::new();
    for &i in items {
        match &i.set {
            Some(s) => sets.entry(s.as_str()).or_default().push(i),
            None => units.push(vec![i]),
        }
    }
    units.extend(sets.into_values());
    units.sort_by(|a, b| a[0].id.cmp(&b[0].id));
    units
}

fn build_pool<'a>(
    spec: &SectionSpec,
    items: &[&'a Item],
    cuts: &[f64],
    exposure: &HashMap<String, f64>,
    topics: &mut HashMap<&'a str, u32>,
) -> Pool<'a> {
    let nc = spec.constraints.len();
    let mut pool = Pool {
        items: Vec::with_capacity(items.len()),
        start: vec![0],
        cons: Vec::new(),
        p: Vec::new(),
        info: Vec::new(),
        topic: Vec::with_capacity(items.len()),
        ntopics: 0,
        rate: Vec::new(),
    };
    for unit in units_of(items) {
        let base_c = pool.cons.len();
        pool.cons.extend(std::iter::repeat_n(0, nc));
        let base_p = pool.p.len();
        pool.p.extend(std::iter::repeat_n(0.0, cuts.len()));
        pool.info.extend(std::iter::repeat_n(0.0, cuts.len()));
        let mut rate = 0.0_f64;
        for item in unit {
            for (ci, c) in spec.constraints.iter().enumerate() {
                if c.applies_to(item) {
                    pool.cons[base_c + ci] += 1;
                }
            }
            for (k, &theta) in cuts.iter().enumerate() {
                pool.p[base_p + k] += item.irt.params.prob(theta);
                pool.info[base_p + k] += item.irt.params.information(theta);
            }
            let next = topics.len() as u32;
            pool.topic
                .push(*topics.entry(item.topic.as_str()).or_insert(next));
            rate = rate.max(exposure.get(&item.id).copied().unwrap_or(0.0));
            pool.items.push(item);
        }
        pool.rate.push(rate);
        pool.start.push(pool.items.len());
    }
    pool.ntopics = topics.len();
    pool
}

/// What a section being filled holds.
struct State {
    chosen: Vec<usize>,
    in_form: Vec<bool>,
    cnt: Vec<u32>,
    per_topic: Vec<u32>,
    total: u32,
    sp: Vec<f64>,
    si: Vec<f64>,
}

struct Section<'p, 'a> {
    spec: &'p SectionSpec,
    pool: &'p Pool<'a>,
    n: u32,
    /// Target proportion correct and information per cut.
    tp: Vec<f64>,
    ti: Vec<f64>,
}

impl Section<'_, '_> {
    fn new_state(&self) -> State {
        State {
            chosen: Vec::with_capacity(self.n as usize),
            in_form: vec![false; self.pool.units()],
            cnt: vec![0; self.spec.constraints.len()],
            per_topic: vec![0; self.pool.ntopics],
            total: 0,
            sp: vec![0.0; self.tp.len()],
            si: vec![0.0; self.tp.len()],
        }
    }

    fn cons(&self, u: usize) -> &[u32] {
        let nc = self.spec.constraints.len();
        &self.pool.cons[u * nc..(u + 1) * nc]
    }

    /// Whether unit `u` can join (in place of `out`, if given) without breaking an upper bound.
    fn fits(&self, s: &State, u: usize, out: Option<usize>, enemies: &Enemies) -> bool {
        let out_size = out.map_or(0, |o| self.pool.size(o));
        if s.total - out_size + self.pool.size(u) > self.n {
            return false;
        }
        let cu = self.cons(u);
        for (ci, c) in self.spec.constraints.iter().enumerate() {
            let removed = out.map_or(0, |o| self.cons(o)[ci]);
            if s.cnt[ci] - removed + cu[ci] > c.upper() {
                return false;
            }
        }
        if let Some(cap) = self.spec.max_per_topic {
            let range = self.pool.start[u]..self.pool.start[u + 1];
            for k in range.clone() {
                let t = self.pool.topic[k];
                let mut n = s.per_topic[t as usize];
                if let Some(o) = out {
                    n -= self.pool.topic[self.pool.start[o]..self.pool.start[o + 1]]
                        .iter()
                        .filter(|&&x| x == t)
                        .count() as u32;
                }
                n += self.pool.topic[range.clone()]
                    .iter()
                    .filter(|&&x| x == t)
                    .count() as u32;
                if n > cap {
                    return false;
                }
            }
        }
        let leaving: &[&Item] = out.map_or(&[], |o| self.pool.unit(o));
        enemies.allows(self.pool.unit(u), leaving)
    }

    fn apply(&self, s: &mut State, u: usize, sign: i32, enemies: &mut Enemies) {
        s.in_form[u] = sign > 0;
        let size = self.pool.size(u);
        let nk = self.tp.len();
        let f = f64::from(sign);
        for k in 0..nk {
            s.sp[k] += f * self.pool.p[u * nk + k];
            s.si[k] += f * self.pool.info[u * nk + k];
        }
        for (ci, &c) in self.cons(u).iter().enumerate() {
            s.cnt[ci] = s.cnt[ci].wrapping_add_signed(sign * c as i32);
        }
        for k in self.pool.start[u]..self.pool.start[u + 1] {
            let t = self.pool.topic[k] as usize;
            s.per_topic[t] = s.per_topic[t].wrapping_add_signed(sign);
        }
        s.total = s.total.wrapping_add_signed(sign * size as i32);
        enemies.add(self.pool.unit(u), sign);
        if sign > 0 {
            s.chosen.push(u);
        } else {
            s.chosen.retain(|&x| x != u);
        }
    }

    /// Random constrained fill over `order`; `None` if it cannot complete the section.
    fn fill(&self, order: &[usize], enemies: &mut Enemies) -> Option<State> {
        let mut s = self.new_state();
        // Lower bounds first, the constraint with the fewest candidate units first.
        let mut by_scarcity: Vec<usize> = (0..self.spec.constraints.len())
            .filter(|&ci| self.spec.constraints[ci].lower() > 0)
            .collect();
        by_scarcity.sort_by_key(|&ci| order.iter().filter(|&&u| self.cons(u)[ci] > 0).count());
        for ci in by_scarcity {
            let lower = self.spec.constraints[ci].lower();
            for &u in order {
                if s.cnt[ci] >= lower || s.total == self.n {
                    break;
                }
                if !s.in_form[u] && self.cons(u)[ci] > 0 && self.fits(&s, u, None, enemies) {
                    self.apply(&mut s, u, 1, enemies);
                }
            }
            if s.cnt[ci] < lower {
                self.undo(&mut s, enemies);
                return None;
            }
        }
        for &u in order {
            if s.total == self.n {
                break;
            }
            if !s.in_form[u] && self.fits(&s, u, None, enemies) {
                self.apply(&mut s, u, 1, enemies);
            }
        }
        let ok = s.total == self.n
            && self
                .spec
                .constraints
                .iter()
                .zip(&s.cnt)
                .all(|(c, &n)| n >= c.lower());
        if ok {
            Some(s)
        } else {
            self.undo(&mut s, enemies);
            None
        }
    }

    fn undo(&self, s: &mut State, enemies: &mut Enemies) {
        for u in s.chosen.clone() {
            self.apply(s, u, -1, enemies);
        }
    }

    /// Distance of the form from the aim: squared excess over the aim at each cut, plus information
    /// shortfall. Zero when on aim.
    fn badness(&self, sp: &[f64], si: &[f64]) -> f64 {
        let n = f64::from(self.n);
        let mut b = 0.0;
        for k in 0..self.tp.len() {
            let dev = (sp[k] / n - self.tp[k]).abs();
            if dev > AIM {
                b += (dev - AIM) * (dev - AIM);
            }
            let floor = (MIN_INFORMATION_RATIO + 0.02) * self.ti[k];
            if si[k] < floor {
                let r = (floor - si[k]) / self.ti[k];
                b += r * r;
            }
        }
        b
    }

    fn within_goal(&self, s: &State) -> bool {
        let n = f64::from(self.n);
        (0..self.tp.len()).all(|k| {
            (s.sp[k] / n - self.tp[k]).abs() <= TCC_TOLERANCE - 1e-12
                && s.si[k] >= MIN_INFORMATION_RATIO * self.ti[k]
        })
    }

    /// Best-swap repair towards the aim.
    fn repair(&self, s: &mut State, order: &[usize], cursor: &mut usize, enemies: &mut Enemies) {
        let nk = self.tp.len();
        if nk == 0 {
            return;
        }
        let mut current = self.badness(&s.sp, &s.si);
        let mut sp = vec![0.0; nk];
        let mut si = vec![0.0; nk];
        for _ in 0..REPAIR_STEPS {
            if current == 0.0 {
                return;
            }
            let mut best: Option<(f64, usize, usize)> = None;
            let sample = SWAP_SAMPLE.min(order.len());
            for _ in 0..sample {
                let v = order[*cursor % order.len()];
                *cursor += 1;
                if s.in_form[v] {
                    continue;
                }
                for &u in &s.chosen {
                    if self.pool.size(u) != self.pool.size(v) {
                        continue;
                    }
                    for k in 0..nk {
                        sp[k] = s.sp[k] - self.pool.p[u * nk + k] + self.pool.p[v * nk + k];
                        si[k] = s.si[k] - self.pool.info[u * nk + k] + self.pool.info[v * nk + k];
                    }
                    let b = self.badness(&sp, &si);
                    if b < best.map_or(current, |x| x.0) && self.swap_keeps_bounds(s, u, v, enemies)
                    {
                        best = Some((b, u, v));
                    }
                }
            }
            // No improving swap in this sample: the next step draws a fresh one.
            if let Some((b, u, v)) = best {
                self.apply(s, u, -1, enemies);
                self.apply(s, v, 1, enemies);
                current = b;
            }
        }
    }

    fn swap_keeps_bounds(&self, s: &State, u: usize, v: usize, enemies: &Enemies) -> bool {
        let (cu, cv) = (self.cons(u), self.cons(v));
        let lower_ok = self
            .spec
            .constraints
            .iter()
            .enumerate()
            .all(|(ci, c)| s.cnt[ci] - cu[ci] + cv[ci] >= c.lower());
        lower_ok && self.fits(s, v, Some(u), enemies)
    }
}

/// Fills the pretest slots of a section from its pretest units: random, honouring enemies, sizes exact.
fn fill_pretest<'a>(
    spec: &SectionSpec,
    units: &[Vec<&'a Item>],
    eligible: &[bool],
    rng: &mut ChaCha20Rng,
    enemies: &mut Enemies<'a>,
) -> Option<Vec<Vec<&'a Item>>> {
    let mut order: Vec<usize> = (0..units.len()).filter(|&u| eligible[u]).collect();
    order.shuffle(rng);
    let mut left = spec.pretest as usize;
    let mut out = Vec::new();
    for u in order {
        if left == 0 {
            break;
        }
        if units[u].len() <= left && enemies.allows(&units[u], &[]) {
            enemies.add(&units[u], 1);
            left -= units[u].len();
            out.push(units[u].clone());
        }
    }
    if left == 0 {
        Some(out)
    } else {
        for u in &out {
            enemies.add(u, -1);
        }
        None
    }
}

fn place(item: &Item, rng: &mut ChaCha20Rng, pretest: bool) -> PlacedItem {
    PlacedItem {
        item_id: item.id.clone(),
        item_version: item.version,
        option_order: super::shuffled_options(item, rng),
        pretest,
    }
}

/// The whole assembly; see the module documentation.
pub(crate) fn assemble<'a>(
    blueprint: &'a Blueprint,
    latest: &[&'a Item],
    ctx: &AssemblyContext,
    target: &Target,
    seed: u64,
) -> Result<Assembled, AssemblyError> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let cap = blueprint
        .max_exposure
        .unwrap_or(super::DEFAULT_MAX_EXPOSURE);
    let mut enemies = Enemies::new(blueprint, latest);
    // Items of a set the candidate has partly seen are all excluded.
    let excluded_sets: HashSet<(&str, &str)> = latest
        .iter()
        .filter(|i| ctx.exclude.contains(&i.id))
        .filter_map(|i| i.set.as_deref().map(|s| (i.section.as_str(), s)))
        .collect();
    let usable = |i: &&Item| {
        !ctx.exclude.contains(&i.id)
            && i.set
                .as_deref()
                .is_none_or(|s| !excluded_sets.contains(&(i.section.as_str(), s)))
    };
    let mut sections = Vec::with_capacity(blueprint.sections.len());
    let mut fits = Vec::with_capacity(blueprint.sections.len());
    let mut relaxed = Vec::new();
    for spec in &blueprint.sections {
        if spec.constraints.len() > MAX_CONSTRAINTS {
            return Err(AssemblyError {
                section: spec.id.clone(),
                problems: vec![format!("more than {MAX_CONSTRAINTS} constraints")],
            });
        }
        let st: Option<&SectionTarget> = target.section(&spec.id);
        let cuts: Vec<f64> = st.map_or(Vec::new(), |t| t.cuts.iter().map(|c| c.theta).collect());
        let operational: Vec<&Item> = latest
            .iter()
            .copied()
            .filter(|i| i.section == spec.id && !i.pretest)
            .filter(usable)
            .collect();
        let mut topics = HashMap::new();
        let pool = build_pool(spec, &operational, &cuts, ctx.exposure, &mut topics);
        let sec = Section {
            spec,
            pool: &pool,
            n: spec.items,
            tp: st.map_or(Vec::new(), |t| {
                t.cuts.iter().map(|c| c.expected_percent / 100.0).collect()
            }),
            ti: st.map_or(Vec::new(), |t| {
                t.cuts.iter().map(|c| c.information).collect()
            }),
        };
        let mut all: Vec<usize> = (0..pool.units()).collect();
        let mut best: Option<(f64, Vec<f64>, Vec<f64>)> = None;
        let mut chosen_state = None;
        let mut exposure_off = false;
        let mut filled_any = false;
        // Attempts in three stages: full eligibility control; then only items at or over the cap kept
        // out; then (recorded as a relaxation) the whole pool.
        let stages = if ctx.exposure.is_empty() { 1 } else { 3 };
        'attempts: for attempt in 0..stages * ATTEMPTS {
            let stage = if ctx.exposure.is_empty() {
                2
            } else {
                attempt / ATTEMPTS
            };
            all.shuffle(&mut rng);
            let order: Vec<usize> = match stage {
                0 => all
                    .iter()
                    .copied()
                    .filter(|&u| {
                        let e = eligibility(pool.rate[u], cap);
                        e >= 1.0 || (e > 0.0 && rng.random::<f64>() < e)
                    })
                    .collect(),
                1 => all
                    .iter()
                    .copied()
                    .filter(|&u| pool.rate[u] < cap)
                    .collect(),
                _ => all.clone(),
            };
            let controlled = stage < 2;
            let Some(mut s) = sec.fill(&order, &mut enemies) else {
                continue;
            };
            filled_any = true;
            let mut cursor = 0;
            sec.repair(&mut s, &order, &mut cursor, &mut enemies);
            if sec.within_goal(&s) {
                exposure_off = !controlled && !ctx.exposure.is_empty();
                chosen_state = Some(s);
                break 'attempts;
            }
            let b = sec.badness(&s.sp, &s.si);
            if best.as_ref().is_none_or(|(bb, _, _)| b < *bb) {
                best = Some((b, s.sp.clone(), s.si.clone()));
            }
            sec.undo(&mut s, &mut enemies);
        }
        let Some(s) = chosen_state else {
            let problems = if filled_any {
                target_problems(&sec, best.as_ref().map(|b| (&b.1[..], &b.2[..])), st)
            } else {
                super::infeasibility(spec, &operational, !enemies.map.is_empty())
            };
            return Err(AssemblyError {
                section: spec.id.clone(),
                problems,
            });
        };
        if exposure_off {
            relaxed.push(spec.id.clone());
        }
        // Pretest slots.
        let pretest_units: Vec<Vec<&Item>> = if spec.pretest > 0 {
            let pre: Vec<&Item> = latest
                .iter()
                .copied()
                .filter(|i| i.section == spec.id && i.pretest)
                .filter(usable)
                .collect();
            let units = units_of(&pre);
            let rate = |u: &Vec<&Item>| {
                u.iter()
                    .map(|i| ctx.exposure.get(&i.id).copied().unwrap_or(0.0))
                    .fold(0.0, f64::max)
            };
            let eligible: Vec<bool> = units
                .iter()
                .map(|u| {
                    let e = eligibility(rate(u), cap);
                    e >= 1.0 || (e > 0.0 && rng.random::<f64>() < e)
                })
                .collect();
            match fill_pretest(spec, &units, &eligible, &mut rng, &mut enemies) {
                Some(f) => f,
                None => {
                    let all_ok = vec![true; units.len()];
                    match fill_pretest(spec, &units, &all_ok, &mut rng, &mut enemies) {
                        Some(f) => {
                            if !relaxed.contains(&spec.id) {
                                relaxed.push(spec.id.clone());
                            }
                            f
                        }
                        None => {
                            return Err(AssemblyError {
                                section: spec.id.clone(),
                                problems: vec![format!(
                                    "{} pretest slots, but the bank's {} usable pretest items cannot fill them \
                                     (set sizes or enemies)",
                                    spec.pretest,
                                    pre.len()
                                )],
                            });
                        }
                    }
                }
            }
        } else {
            Vec::new()
        };
        // Order: operational units shuffled, pretest units at random places among them.
        let mut op_units: Vec<usize> = s.chosen.clone();
        op_units.sort_unstable();
        op_units.shuffle(&mut rng);
        let mut seq: Vec<(bool, Vec<&Item>)> = op_units
            .iter()
            .map(|&u| (false, pool.unit(u).to_vec()))
            .collect();
        for unit in pretest_units {
            let at = rng.random_range(0..=seq.len());
            seq.insert(at, (true, unit));
        }
        let items = seq
            .into_iter()
            .flat_map(|(pre, unit)| unit.into_iter().map(move |i| (pre, i)))
            .map(|(pre, i)| place(i, &mut rng, pre))
            .collect();
        let n = f64::from(spec.items);
        fits.push(SectionFit {
            section_id: spec.id.clone(),
            cuts: st.map_or(Vec::new(), |t| {
                t.cuts
                    .iter()
                    .enumerate()
                    .map(|(k, c)| CutFit {
                        percent: c.percent,
                        theta: c.theta,
                        target_percent: c.expected_percent,
                        form_percent: 100.0 * s.sp[k] / n,
                        target_information: c.information,
                        form_information: s.si[k],
                    })
                    .collect()
            }),
        });
        sections.push(FormSection {
            section_id: spec.id.clone(),
            items,
        });
    }
    Ok(Assembled {
        form: Form { sections },
        fit: fits,
        exposure_relaxed: relaxed,
    })
}

fn target_problems(
    sec: &Section,
    best: Option<(&[f64], &[f64])>,
    st: Option<&SectionTarget>,
) -> Vec<String> {
    let (Some((sp, si)), Some(t)) = (best, st) else {
        return vec!["the constraints together cannot be met by the bank's items".into()];
    };
    let n = f64::from(sec.n);
    let mut out = Vec::new();
    for (k, c) in t.cuts.iter().enumerate() {
        let pct = 100.0 * sp[k] / n;
        if (pct - c.expected_percent).abs() > 100.0 * TCC_TOLERANCE {
            out.push(format!(
                "parallel forms: at the {} % cut (θ = {:.2}) the closest form found expects {:.1} % correct, \
                 outside the target {:.1} % ± {:.0} points; the bank lacks items of the right difficulty \
                 under the content constraints",
                c.percent,
                c.theta,
                pct,
                c.expected_percent,
                100.0 * TCC_TOLERANCE
            ));
        }
        if si[k] < MIN_INFORMATION_RATIO * c.information {
            out.push(format!(
                "parallel forms: at the {} % cut (θ = {:.2}) the closest form found has information {:.2}, \
                 below {:.0} % of the target {:.2}",
                c.percent,
                c.theta,
                si[k],
                100.0 * MIN_INFORMATION_RATIO,
                c.information
            ));
        }
    }
    if out.is_empty() {
        out.push("the constraints together cannot be met by the bank's items".into());
    }
    out
}

/// Inclusion rates of the constraint-only random draw, for [`super::derive_target`].
pub(crate) fn inclusion_rates<'a>(
    blueprint: &'a Blueprint,
    spec: &SectionSpec,
    latest: &[&'a Item],
    forms: usize,
    seed: u64,
) -> Option<Vec<(&'a Item, f64)>> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let operational: Vec<&Item> = latest
        .iter()
        .copied()
        .filter(|i| i.section == spec.id && !i.pretest)
        .collect();
    let mut topics = HashMap::new();
    let pool = build_pool(spec, &operational, &[], &HashMap::new(), &mut topics);
    let sec = Section {
        spec,
        pool: &pool,
        n: spec.items,
        tp: Vec::new(),
        ti: Vec::new(),
    };
    let mut enemies = Enemies::new(blueprint, latest);
    let mut counts = vec![0u32; pool.units()];
    let mut order: Vec<usize> = (0..pool.units()).collect();
    let mut done = 0;
    for _ in 0..forms * 4 {
        if done == forms {
            break;
        }
        order.shuffle(&mut rng);
        if let Some(mut s) = sec.fill(&order, &mut enemies) {
            for &u in &s.chosen {
                counts[u] += 1;
            }
            sec.undo(&mut s, &mut enemies);
            done += 1;
        }
    }
    if done == 0 {
        return None;
    }
    let mut out = Vec::new();
    for (u, &c) in counts.iter().enumerate() {
        if c > 0 {
            for &i in pool.unit(u) {
                out.push((i, f64::from(c) / done as f64));
            }
        }
    }
    Some(out)
}
