use proptest::prelude::*;

use super::*;
use crate::bank::{GridPoint, SectionTarget};

fn item(b: f64, credit: f64, pretest: bool) -> GradedItem {
    GradedItem {
        params: ItemParams::two_pl(1.2, b),
        credit,
        correct: credit >= 1.0,
        pretest,
    }
}

#[test]
fn raw_max_and_percent_of_a_linear_section() {
    // 7 of 10 right, one typed answer with half credit: 7.5 / 10.
    let mut graded: Vec<GradedItem> = (0..10)
        .map(|k| {
            item(
                -1.0 + 0.2 * f64::from(k),
                if k < 7 { 1.0 } else { 0.0 },
                false,
            )
        })
        .collect();
    graded[7].credit = 0.5;
    let s = score_section("reading", &graded, None, 30.0);
    assert_eq!(s.id, "reading");
    assert_eq!((s.raw, s.max, s.percent), (7.5, 10, 75.0));
    assert!(s.passed);
    // θ from the fully correct flags (7 of 10 on items around b = 0) is above average, and rounded.
    assert!(s.theta > 0.0 && s.theta < 2.0, "{}", s.theta);
    assert_eq!(s.theta, (s.theta * 1000.0).round() / 1000.0);
    assert!(s.se > 0.3 && s.se < 1.0, "{}", s.se);
}

#[test]
fn percent_is_rounded_to_two_decimals_and_the_cut_is_inclusive() {
    let three: Vec<GradedItem> = [1.0, 0.0, 0.0]
        .iter()
        .map(|&c| item(0.0, c, false))
        .collect();
    let s = score_section("s", &three, None, 33.33);
    assert_eq!(s.percent, 33.33);
    assert!(s.passed, "33.33 reaches 33.33");
    assert!(!score_section("s", &three, None, 33.34).passed);
    let ten: Vec<GradedItem> = (0..10)
        .map(|k| item(0.0, if k < 3 { 1.0 } else { 0.0 }, false))
        .collect();
    assert!(
        score_section("s", &ten, None, 30.0).passed,
        "3 of 10 is exactly the 30 % cut"
    );
    assert!(
        !score_section("s", &ten[1..], None, 30.0).passed,
        "2 of 9 is not"
    );
}

#[test]
fn an_empty_section_scores_zero() {
    let s = score_section("s", &[item(0.0, 1.0, true)], None, 30.0);
    assert_eq!((s.raw, s.max, s.percent, s.passed), (0.0, 0, 0.0, false));
    assert!(score_section("s", &[], None, 0.0).passed);
}

fn target() -> SectionTarget {
    SectionTarget {
        section_id: "listening".into(),
        items: 20,
        cuts: Vec::new(),
        grid: vec![
            GridPoint {
                theta: -1.0,
                expected_percent: 20.0,
                information: 3.0,
            },
            GridPoint {
                theta: 0.0,
                expected_percent: 50.0,
                information: 4.0,
            },
            GridPoint {
                theta: 1.0,
                expected_percent: 80.0,
                information: 3.0,
            },
        ],
    }
}

#[test]
fn an_adaptive_section_reports_the_target_forms_expected_percent() {
    let graded: Vec<GradedItem> = (0..8).map(|k| item(0.0, f64::from(k % 2), false)).collect();
    let t = target();
    let s = score_section("listening", &graded, Some(&t), 30.0);
    let unrounded = (s.raw, s.max);
    assert_eq!(unrounded, (4.0, 8));
    let theta = estimate_ability(
        &graded.iter().map(|g| g.params.clone()).collect::<Vec<_>>(),
        &graded
            .iter()
            .map(|g| Some(u8::from(g.correct)))
            .collect::<Vec<_>>(),
        AbilityMethod::Eap,
    )
    .theta;
    let expected = rounded_percent(t.expected_percent_at(theta).unwrap());
    assert_eq!(s.percent, expected);
    assert!(
        (s.percent - 50.0).abs() < 3.0,
        "half right at b = 0 is near θ = 0: {}",
        s.percent
    );
    // A target without a grid falls back to the share.
    let bare = SectionTarget {
        grid: Vec::new(),
        ..t
    };
    assert_eq!(
        score_section("listening", &graded, Some(&bare), 30.0).percent,
        50.0
    );
}

#[test]
fn sections_follow_the_blueprint_and_only_adaptive_ones_are_converted() {
    let mut bp = Blueprint::parse(
        "bp.toml",
        r#"
id = "bp"
version = 1
title = "t"
[[sections]]
id = "listening"
title = "L"
time_limit_seconds = 600
items = 8
adaptive = { target_se = 0.4 }
[[sections]]
id = "reading"
title = "R"
time_limit_seconds = 600
items = 8
[rules]
pass_min_percent = 30
"#,
    )
    .unwrap();
    let graded: Vec<GradedItem> = (0..8)
        .map(|k| item(0.5, f64::from(u8::from(k < 2)), false))
        .collect();
    let mut reading = target();
    reading.section_id = "reading".into();
    bp.target = Some(crate::bank::Target {
        sections: vec![target(), reading],
    });
    let scores = score_sections(&bp, &[graded.clone(), graded.clone()]);
    assert_eq!(scores.len(), 2);
    assert_eq!(scores[1], score_section("reading", &graded, None, 30.0));
    assert_eq!(scores[1].percent, 25.0);
    assert_eq!(
        scores[0],
        score_section(
            "listening",
            &graded,
            bp.target.as_ref().unwrap().section("listening"),
            30.0
        )
    );
    assert_ne!(scores[0].percent, 25.0);
    // A section with nothing graded scores zero.
    let none = score_sections(&bp, &[graded]);
    assert_eq!((none[1].max, none[1].percent), (0, 0.0));
}

#[test]
fn three_pl_items_score_by_their_guessing_parameter() {
    // Four-option items with c = 1/4, 8 of 20 right: some of those may be lucky guesses, so the same
    // answers put θ lower than on items without guessing.
    let graded = |c: f64| -> Vec<GradedItem> {
        (0..20)
            .map(|k| GradedItem {
                params: ItemParams::three_pl(1.1, -1.0 + 0.1 * f64::from(k), c).unwrap(),
                credit: f64::from(u8::from(k % 5 < 2)),
                correct: k % 5 < 2,
                pretest: false,
            })
            .collect()
    };
    let guessing = score_section("reading", &graded(0.25), None, 30.0);
    let none = score_section("reading", &graded(0.0), None, 30.0);
    assert_eq!(
        (guessing.raw, guessing.max, guessing.percent),
        (8.0, 20, 40.0)
    );
    assert!(guessing.passed);
    assert!(guessing.theta < none.theta - 0.2, "{guessing:?} {none:?}");
}

fn graded_items() -> impl Strategy<Value = Vec<GradedItem>> {
    prop::collection::vec(
        (
            -3.0..3.0f64,
            0.3..2.5f64,
            prop::sample::select(vec![0.0, 0.5, 1.0]),
            any::<bool>(),
            0u8..10,
        ),
        0..40,
    )
    .prop_map(|v| {
        v.into_iter()
            .map(|(b, a, credit, three_pl, p)| GradedItem {
                params: if three_pl {
                    ItemParams::three_pl(a, b, 0.25).unwrap()
                } else {
                    ItemParams::two_pl(a, b)
                },
                credit,
                correct: credit >= 1.0,
                pretest: p == 0,
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn scores_are_bounded_and_consistent(graded in graded_items(), pass in 0.0..100.0f64) {
        let s = score_section("s", &graded, None, pass);
        prop_assert!(s.raw >= 0.0 && s.raw <= f64::from(s.max), "{s:?}");
        prop_assert_eq!(s.max as usize, graded.iter().filter(|g| !g.pretest).count());
        prop_assert!((0.0..=100.0).contains(&s.percent), "{s:?}");
        prop_assert_eq!(s.passed, reaches(s.percent, pass));
        prop_assert!(s.theta.is_finite() && s.se > 0.0);
        let t = target();
        let adaptive = score_section("s", &graded, Some(&t), pass);
        prop_assert!((20.0..=80.0).contains(&adaptive.percent), "{adaptive:?}");
    }

    #[test]
    fn pretest_items_never_count(graded in graded_items(), extra in graded_items()) {
        let operational: Vec<GradedItem> = graded.iter().filter(|g| !g.pretest).cloned().collect();
        let mut with_pretest = graded.clone();
        with_pretest.extend(extra.into_iter().map(|g| GradedItem { pretest: true, ..g }));
        let s = score_section("s", &operational, None, 30.0);
        prop_assert_eq!(&score_section("s", &graded, None, 30.0), &s);
        prop_assert_eq!(&score_section("s", &with_pretest, None, 30.0), &s);
    }

    #[test]
    fn order_does_not_matter(graded in graded_items(), seed in any::<u64>()) {
        use rand::SeedableRng;
        use rand::seq::SliceRandom;
        let mut shuffled = graded.clone();
        shuffled.shuffle(&mut rand_chacha::ChaCha8Rng::seed_from_u64(seed));
        let (a, b) = (score_section("s", &graded, None, 30.0), score_section("s", &shuffled, None, 30.0));
        prop_assert_eq!((a.raw, a.max, a.percent, a.passed), (b.raw, b.max, b.percent, b.passed));
        prop_assert!((a.theta - b.theta).abs() <= 0.001 && (a.se - b.se).abs() <= 0.001, "{a:?} {b:?}");
    }
}
