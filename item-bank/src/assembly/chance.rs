//! The exact probability that a candidate answering completely at random passes a form.
//!
//! A random answer to a single-choice item is right with probability `1 / options`; a typed answer is
//! never right by chance, and partial credit is ignored. The raw score of a section is then a sum of
//! independent Bernoulli variables with those probabilities: its distribution is the Poisson-binomial,
//! computed exactly by convolution. The section is passed when its percent, rounded as the scorer rounds
//! it, [`reaches`] the blueprint's pass percent; the form is passed when every section is, so the
//! probability is the product over sections. Pretest items do not count.

use crate::bank::{Blueprint, Item, ItemType, percent_correct, reaches, rounded_percent};

/// The probability that a random answer to `item` is right: `1 / options` for a choice item, 0 for a
/// typed answer.
pub(crate) fn guess_probability(item: &Item) -> f64 {
    match item.item_type {
        ItemType::SingleChoice if !item.options.is_empty() => 1.0 / item.options.len() as f64,
        _ => 0.0,
    }
}

/// `P(K = k)` for `k = 0..=n`, `K` the number of successes of independent trials with success
/// probabilities `p` (each in `[0, 1]`).
pub(crate) fn poisson_binomial(p: &[f64]) -> Vec<f64> {
    let mut dist = Vec::with_capacity(p.len() + 1);
    dist.push(1.0);
    for &q in p {
        dist.push(0.0);
        for k in (1..dist.len()).rev() {
            dist[k] = dist[k] * (1.0 - q) + dist[k - 1] * q;
        }
        dist[0] *= 1.0 - q;
    }
    dist
}

/// The probability that random answers pass a section of these scored items at `pass_min_percent`.
pub(crate) fn section_pass_probability(items: &[&Item], pass_min_percent: f64) -> f64 {
    let p: Vec<f64> = items.iter().map(|i| guess_probability(i)).collect();
    let n = items.len() as u32;
    poisson_binomial(&p)
        .iter()
        .enumerate()
        .filter(|&(k, _)| {
            reaches(
                rounded_percent(percent_correct(k as f64, n)),
                pass_min_percent,
            )
        })
        .map(|(_, pk)| pk)
        .sum()
}

/// The probability that random answers pass a form of `blueprint` whose scored items are `sections`
/// (one list per blueprint section, in order).
pub(crate) fn form_pass_probability(blueprint: &Blueprint, sections: &[Vec<&Item>]) -> f64 {
    sections
        .iter()
        .map(|items| section_pass_probability(items, blueprint.rules.pass_min_percent))
        .product()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::bank::{ChoiceOption, ItemIrt, Level, ParamStatus, TextKey};
    use crate::irt::ItemParams;

    fn choice(id: &str, options: usize) -> Item {
        Item {
            id: id.into(),
            version: 1,
            section: "reading".into(),
            level: Level::A1,
            topic: "t".into(),
            item_type: ItemType::SingleChoice,
            stem: "?".into(),
            stimulus: None,
            transcript: None,
            audio: None,
            image: None,
            options: (0..options)
                .map(|o| ChoiceOption {
                    id: char::from(b'a' + o as u8).to_string(),
                    text: o.to_string(),
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

    fn typed(id: &str) -> Item {
        Item {
            item_type: ItemType::GapFill,
            options: Vec::new(),
            key: None,
            text_key: Some(TextKey::new(vec!["кітап".into()], Default::default())),
            ..choice(id, 2)
        }
    }

    /// `C(n, k) p^k (1 − p)^(n − k)`, by the product formula.
    fn binomial(n: u64, k: u64, p: f64) -> f64 {
        let c = (1..=k).fold(1.0, |c, j| c * (n - k + j) as f64 / j as f64);
        c * p.powi(k as i32) * (1.0 - p).powi((n - k) as i32)
    }

    #[test]
    fn twenty_three_option_items_pass_at_six_right_about_seventy_percent_of_the_time() {
        let items: Vec<Item> = (0..20).map(|k| choice(&format!("i{k}"), 3)).collect();
        let refs: Vec<&Item> = items.iter().collect();
        // 30 % of 20 is 6 right.
        let exact: f64 = (6..=20).map(|k| binomial(20, k, 1.0 / 3.0)).sum();
        let p = section_pass_probability(&refs, 30.0);
        assert!((p - exact).abs() < 1e-12, "{p} vs {exact}");
        assert!((p - 0.70).abs() < 0.01, "{p}");
        // 5 right is 25 %: one more needed at 30 %, one fewer suffices at 25 %.
        let at_25: f64 = (5..=20).map(|k| binomial(20, k, 1.0 / 3.0)).sum();
        assert!((section_pass_probability(&refs, 25.0) - at_25).abs() < 1e-12);
    }

    #[test]
    fn the_cut_is_the_scorers_rounded_and_inclusive_one() {
        let items: Vec<Item> = (0..3).map(|k| choice(&format!("i{k}"), 2)).collect();
        let refs: Vec<&Item> = items.iter().collect();
        // 1 of 3 is 33.33 % after rounding: it reaches 33.33, not 33.34.
        assert!((section_pass_probability(&refs, 33.33) - 0.875).abs() < 1e-15);
        assert!((section_pass_probability(&refs, 33.34) - 0.5).abs() < 1e-15);
    }

    #[test]
    fn typed_answers_are_never_right_by_chance_and_sections_multiply() {
        let bp = Blueprint::parse(
            "bp.toml",
            r#"
id = "bp"
version = 1
title = "t"
[[sections]]
id = "listening"
title = "L"
time_limit_seconds = 600
items = 4
[[sections]]
id = "reading"
title = "R"
time_limit_seconds = 600
items = 4
[rules]
pass_min_percent = 50
"#,
        )
        .unwrap();
        let (a, b, c, d) = (
            choice("a", 2),
            choice("b", 2),
            choice("c", 4),
            choice("d", 4),
        );
        let (t1, t2) = (typed("t1"), typed("t2"));
        assert_eq!(guess_probability(&t1), 0.0);
        // Listening: 2 right of 4 needed, two of them typed: both choices right, 1/2 · 1/2.
        let listening = vec![&a, &b, &t1, &t2];
        assert!((section_pass_probability(&listening, 50.0) - 0.25).abs() < 1e-15);
        // Reading: four choices (1/2, 1/2, 1/4, 1/4), at least 2 right.
        let reading = vec![&a, &b, &c, &d];
        let none = 0.5 * 0.5 * 0.75 * 0.75;
        let one = 2.0 * (0.5 * 0.5 * 0.75 * 0.75) + 2.0 * (0.5 * 0.5 * 0.25 * 0.75);
        let reading_p = 1.0 - none - one;
        assert!((section_pass_probability(&reading, 50.0) - reading_p).abs() < 1e-15);
        let form = form_pass_probability(&bp, &[listening, reading]);
        assert!((form - 0.25 * reading_p).abs() < 1e-15);
        // Only typed answers: never passed, unless the cut is 0.
        assert_eq!(section_pass_probability(&[&t1, &t2], 50.0), 0.0);
        assert_eq!(section_pass_probability(&[&t1, &t2], 0.0), 1.0);
    }

    proptest! {
        #[test]
        fn the_distribution_sums_to_one_and_has_the_right_mean(p in prop::collection::vec(0.0..=1.0f64, 0..60)) {
            let d = poisson_binomial(&p);
            prop_assert_eq!(d.len(), p.len() + 1);
            prop_assert!(d.iter().all(|&x| (0.0..=1.0 + 1e-12).contains(&x)));
            prop_assert!((d.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            let mean: f64 = d.iter().enumerate().map(|(k, x)| k as f64 * x).sum();
            prop_assert!((mean - p.iter().sum::<f64>()).abs() < 1e-9);
        }

        #[test]
        fn equal_probabilities_give_the_binomial(n in 0u64..40, options in 2usize..7) {
            let q = 1.0 / options as f64;
            let d = poisson_binomial(&vec![q; n as usize]);
            for (k, x) in d.iter().enumerate() {
                prop_assert!((x - binomial(n, k as u64, q)).abs() < 1e-12);
            }
        }
    }
}
