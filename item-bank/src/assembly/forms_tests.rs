//! Tests of the assembler against the starter content and generated banks.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use proptest::prelude::*;

use super::generate::{GenerateOptions, generate_bank};
use super::*;
use crate::bank::{Blueprint, Item};
use crate::content::load_dir;

fn content() -> crate::content::Content {
    load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("content")).expect("the content loads")
}

fn a1_blueprint() -> Blueprint {
    Blueprint::parse(
        "a1.toml",
        include_str!("../../content/blueprints/kaztest-a1-preselection.toml"),
    )
    .unwrap()
}

/// The A1 blueprint with pretest slots and enemy groups, for generated banks.
fn rich_blueprint() -> Blueprint {
    let mut bp = a1_blueprint();
    bp.sections[0].pretest = 2;
    bp.sections[1].pretest = 3;
    bp.enemies = vec![vec![
        "rd-g-00001".into(),
        "rd-g-00002".into(),
        "rd-g-00003".into(),
    ]];
    bp
}

fn rich_bank() -> Vec<Item> {
    generate_bank(&GenerateOptions {
        listening: 300,
        reading: 600,
        reading_sets: 30,
        enemy_pairs: 60,
        pretest: 12,
        seed: 11,
    })
}

/// Every rule of the blueprint, checked on a form; `Err` names the first broken one.
fn check_form(
    bp: &Blueprint,
    bank: &[Item],
    exclude: &HashSet<String>,
    form: &Form,
) -> Result<(), String> {
    let by_id: HashMap<&str, &Item> = bank.iter().map(|i| (i.id.as_str(), i)).collect();
    let mut on_form: HashSet<&str> = HashSet::new();
    for (spec, sec) in bp.sections.iter().zip(&form.sections) {
        if spec.id != sec.section_id {
            return Err("section order".into());
        }
        let ops: Vec<&Item> = sec
            .items
            .iter()
            .filter(|p| !p.pretest)
            .map(|p| by_id[p.item_id.as_str()])
            .collect();
        let pre: Vec<&Item> = sec
            .items
            .iter()
            .filter(|p| p.pretest)
            .map(|p| by_id[p.item_id.as_str()])
            .collect();
        if ops.len() != spec.items as usize || pre.len() != spec.pretest as usize {
            return Err(format!("{}: {} + {} items", spec.id, ops.len(), pre.len()));
        }
        if ops.iter().any(|i| i.pretest || i.section != spec.id)
            || pre.iter().any(|i| !i.pretest || i.section != spec.id)
        {
            return Err("pretest flag or section wrong".into());
        }
        for c in &spec.constraints {
            let n = ops.iter().filter(|i| c.applies_to(i)).count() as u32;
            if n < c.lower() || n > c.upper() {
                return Err(format!("{}: {} has {n}", spec.id, describe(c)));
            }
        }
        if let Some(cap) = spec.max_per_topic {
            let mut t: HashMap<&str, u32> = HashMap::new();
            for i in &ops {
                *t.entry(&i.topic).or_default() += 1;
            }
            if t.values().any(|&n| n > cap) {
                return Err("topic cap".into());
            }
        }
        for p in &sec.items {
            if exclude.contains(&p.item_id) || !on_form.insert(&p.item_id) {
                return Err(format!("{} excluded or repeated", p.item_id));
            }
            let mut order = p.option_order.clone();
            order.sort();
            let mut want: Vec<String> = by_id[p.item_id.as_str()]
                .options
                .iter()
                .map(|o| o.id.clone())
                .collect();
            want.sort();
            if order != want {
                return Err("option order is not a permutation".into());
            }
        }
        // Sets whole and contiguous.
        let sets: Vec<Option<&str>> = sec
            .items
            .iter()
            .map(|p| by_id[p.item_id.as_str()].set.as_deref())
            .collect();
        let mut seen_sets: HashSet<&str> = HashSet::new();
        for (k, s) in sets.iter().enumerate() {
            if let Some(s) = s
                && (k == 0 || sets[k - 1] != Some(s))
                && !seen_sets.insert(s)
            {
                return Err(format!("set {s} split"));
            }
        }
        for s in &seen_sets {
            let whole = bank
                .iter()
                .filter(|i| i.set.as_deref() == Some(s))
                .all(|i| on_form.contains(i.id.as_str()));
            if !whole {
                return Err(format!("set {s} incomplete"));
            }
        }
    }
    for id in &on_form {
        for e in &by_id[id].enemies {
            if on_form.contains(e.as_str()) {
                return Err(format!("enemies {id} and {e}"));
            }
        }
    }
    for g in &bp.enemies {
        if g.iter().filter(|e| on_form.contains(e.as_str())).count() > 1 {
            return Err("enemy group".into());
        }
    }
    Ok(())
}

#[test]
fn content_loads_and_every_blueprint_is_feasible_and_draws() {
    let c = content();
    assert!(c.blueprints.len() >= 2, "the A1 and diagnostic blueprints");
    for bp in &c.blueprints {
        assert_eq!(feasibility_problems(bp, &c.items), Vec::<String>::new());
        let form = draw_form(bp, &c.items, &HashSet::new(), 1).unwrap();
        check_form(bp, &c.items, &HashSet::new(), &form).unwrap();
    }
}

#[test]
fn starter_bank_cut_theta_and_parallel_forms() {
    let c = content();
    let bp = a1_blueprint();
    let target = derive_target(&bp, &c.items);
    for st in &target.sections {
        let cut = st.cuts.iter().find(|c| c.percent == 30.0).unwrap();
        assert!((cut.expected_percent - 30.0).abs() < 1e-6);
        assert!(cut.theta < -0.5 && cut.theta > -4.0, "{cut:?}");
    }
    let empty = HashMap::new();
    for seed in 0..200 {
        let ctx = AssemblyContext {
            exclude: &HashSet::new(),
            exposure: &empty,
            target: Some(&target),
        };
        let a = assemble(&bp, &c.items, &ctx, seed).unwrap();
        for f in a.fit.iter().flat_map(|s| &s.cuts) {
            assert!((f.form_percent - f.target_percent).abs() <= 2.0, "{f:?}");
            assert!(f.form_information >= 0.9 * f.target_information, "{f:?}");
        }
    }
}

#[test]
fn target_round_trips_through_toml_with_the_blueprint() {
    let c = content();
    let mut bp = a1_blueprint();
    bp.target = Some(derive_target(&bp, &c.items));
    let text = toml::to_string(&bp).unwrap();
    assert_eq!(Blueprint::parse("x.toml", &text).unwrap(), bp);
}

#[test]
fn names_the_pretest_and_set_problems() {
    let mut bp = rich_blueprint();
    bp.sections[1].pretest = 50;
    let bank = rich_bank();
    let p = feasibility_problems(&bp, &bank);
    assert!(
        p.iter()
            .any(|p| p.contains("needs 50 pretest items, the bank has 12")),
        "{p:?}"
    );
    let err = draw_form(&bp, &bank, &HashSet::new(), 3).unwrap_err();
    assert!(err.to_string().contains("pretest"), "{err}");
}

#[test]
fn names_an_unreachable_target() {
    // A bank whose listening items are all very easy but one very hard item per topic that the
    // constraints force in: the target (derived from another bank) cannot be met.
    let c = content();
    let bp = a1_blueprint();
    let mut target = derive_target(&bp, &c.items);
    target.sections[0].cuts[0].expected_percent = 80.0;
    let empty = HashMap::new();
    let ctx = AssemblyContext {
        exclude: &HashSet::new(),
        exposure: &empty,
        target: Some(&target),
    };
    let err = assemble(&bp, &c.items, &ctx, 1).unwrap_err();
    assert_eq!(err.section, "listening");
    assert!(err.problems[0].contains("parallel forms"), "{err}");
}

#[test]
fn exposure_problems_name_short_strata_and_the_starter_bank_has_none() {
    let c = content();
    let p = exposure_problems(&a1_blueprint(), &c.items);
    assert!(p.is_empty(), "the starter bank keeps every cap: {p:?}");
    // Keep one A1 listening item in three: 16 per form from ~37 is over the 25 % cap, and the problem
    // names the stratum.
    let mut n = 0;
    let thin: Vec<Item> = c
        .items
        .iter()
        .filter(|i| {
            if i.section != "listening" || i.level != crate::bank::Level::A1 {
                return true;
            }
            n += 1;
            n % 3 == 0
        })
        .cloned()
        .collect();
    let p = exposure_problems(&a1_blueprint(), &thin);
    assert!(
        p.iter()
            .any(|p| p.contains("listening") && p.contains("level A1")),
        "{p:?}"
    );
}

#[test]
fn retakes_exclude_whole_sets() {
    let bank = rich_bank();
    let bp = rich_blueprint();
    let exclude: HashSet<String> = bank
        .iter()
        .filter(|i| i.set.is_some() && i.id.ends_with("-0"))
        .map(|i| i.id.clone())
        .collect();
    for seed in 0..20 {
        let form = draw_form(&bp, &bank, &exclude, seed).unwrap();
        check_form(&bp, &bank, &exclude, &form).unwrap();
        assert!(
            form.sections[1]
                .items
                .iter()
                .all(|p| !p.item_id.starts_with("rd-set-"))
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_form_honours_every_rule_and_is_on_target(seed in any::<u64>(), excluded in 0usize..200) {
        let bank = rich_bank();
        let bp = rich_blueprint();
        let target = derive_target(&bp, &bank);
        let exclude: HashSet<String> = bank.iter().take(excluded).map(|i| i.id.clone()).collect();
        let rates: HashMap<String, f64> =
            bank.iter().enumerate().map(|(k, i)| (i.id.clone(), (k % 7) as f64 * 0.04)).collect();
        let ctx = AssemblyContext { exclude: &exclude, exposure: &rates, target: Some(&target) };
        let a = assemble(&bp, &bank, &ctx, seed).unwrap();
        prop_assert_eq!(check_form(&bp, &bank, &exclude, &a.form), Ok(()));
        for f in a.fit.iter().flat_map(|s| &s.cuts) {
            prop_assert!((f.form_percent - f.target_percent).abs() <= 2.0, "{:?}", f);
            prop_assert!(f.form_information >= 0.9 * f.target_information, "{:?}", f);
        }
        // Reproducible.
        prop_assert_eq!(&assemble(&bp, &bank, &ctx, seed).unwrap(), &a);
        // Items at or over the cap are never drawn while the eligible pool suffices.
        if a.exposure_relaxed.is_empty() {
            let over: HashSet<&str> = rates.iter().filter(|(_, r)| **r >= 0.25).map(|(i, _)| i.as_str()).collect();
            prop_assert!(a.form.sections.iter().flat_map(|s| &s.items).all(|p| !over.contains(p.item_id.as_str())));
        }
    }
}

/// A reading bank of single-choice items written as the content authors write them, with the guessing
/// parameter `c = 1/options` of the 3PL model on every other item.
fn three_pl_bank_toml(n: usize) -> String {
    let mut toml = String::new();
    for k in 0..n {
        let options = 3 + k % 2;
        let level = if k % 5 == 0 { "A2" } else { "A1" };
        let b = -2.0 + 4.0 * k as f64 / n as f64;
        let irt = if k % 2 == 0 {
            format!(
                "{{ model = \"3pl\", a = 1.1, b = {b}, c = {}, status = \"provisional\" }}",
                1.0 / options as f64
            )
        } else {
            format!("{{ model = \"2pl\", a = 0.9, b = {b}, status = \"provisional\" }}")
        };
        let opts: Vec<String> = (0..options)
            .map(|o| {
                format!(
                    "{{ id = \"{}\", text = \"жауап {o}\" }}",
                    char::from(b'a' + o as u8)
                )
            })
            .collect();
        toml += &format!(
            "[[items]]\nid = \"rd-3pl-{k:03}\"\nversion = 1\nsection = \"reading\"\nlevel = \"{level}\"\n\
             topic = \"topic-{}\"\ntype = \"single_choice\"\nstem = \"Сұрақ {k}?\"\noptions = [ {} ]\n\
             key = \"a\"\nirt = {irt}\n\n",
            k % 9,
            opts.join(", ")
        );
    }
    toml
}

#[test]
fn a_3pl_item_in_a_toml_bank_parses_and_assembles() {
    let bank = crate::content::parse_items("3pl.toml", &three_pl_bank_toml(120)).unwrap();
    let first = &bank[0];
    assert_eq!(first.irt.params.model(), crate::irt::ItemModel::ThreePl);
    assert!((first.irt.params.c() - 1.0 / 3.0).abs() < 1e-12);
    assert!(
        (first.irt.params.prob(-10.0) - 1.0 / 3.0).abs() < 1e-3,
        "a random guess succeeds 1 time in 3"
    );
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
max_per_topic = 4
constraints = [ { level = "A1", count = 16 }, { level = "A2", count = 4 } ]
[rules]
pass_min_percent = 30
"#,
    )
    .unwrap();
    let target = derive_target(&bp, &bank);
    let cut = target.section("reading").unwrap().cuts[0];
    assert_eq!(cut.percent, 30.0);
    let ctx = AssemblyContext {
        exclude: &HashSet::new(),
        exposure: &HashMap::new(),
        target: Some(&target),
    };
    let assembled = assemble(&bp, &bank, &ctx, 5).unwrap();
    check_form(&bp, &bank, &HashSet::new(), &assembled.form).unwrap();
    let fit = assembled.fit[0].cuts[0];
    assert!(
        (fit.form_percent - fit.target_percent).abs() <= 100.0 * TCC_TOLERANCE,
        "{fit:?}"
    );
    let by_id: HashMap<&str, &Item> = bank.iter().map(|i| (i.id.as_str(), i)).collect();
    let placed: Vec<&Item> = assembled.form.sections[0]
        .items
        .iter()
        .map(|p| by_id[p.item_id.as_str()])
        .collect();
    assert!(
        placed
            .iter()
            .any(|i| i.irt.params.model() == crate::irt::ItemModel::ThreePl)
    );
}
