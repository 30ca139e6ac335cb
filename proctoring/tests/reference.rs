//! The published figures of aberrance 0.3.0 on its person-fit simulation (500 persons, 40 3PL items
//! with lognormal times, 10 % of persons with preknowledge of 16 items), saved as CSV in
//! `shared/reference/forensics/` (see `shared/reference/README.md`).

use item_bank::irt::{ItemParams, ResponseMatrix};
use proctoring::forensics::{
    ItemSet, RtParams, Scores, TimeMatrix, TimeUnit, copying, copying::Copying, person_fit,
    preknowledge, rapid_guessing,
};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/reference/forensics/"
);

fn read(file: &str) -> String {
    std::fs::read_to_string(format!("{DIR}{file}")).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The numeric rows of a small CSV with a header.
fn numbers(file: &str) -> Vec<Vec<f64>> {
    read(file)
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|v| v.trim().parse().unwrap()).collect())
        .collect()
}

struct Sim {
    items: ItemSet,
    scores: Scores,
    times: TimeMatrix,
    compromised: Vec<usize>,
    preknowledge: Vec<bool>,
}

fn sim() -> Sim {
    let psi = numbers("sim_psi.csv");
    let params: Vec<ItemParams> = psi
        .iter()
        .map(|r| ItemParams::three_pl(r[0], r[1], r[2]).unwrap())
        .collect();
    let rt = psi
        .iter()
        .map(|r| RtParams {
            alpha: r[3],
            beta: r[4],
        })
        .collect();
    let responses = ResponseMatrix::from_csv(&read("sim_x.csv")).unwrap();
    let times = TimeMatrix::from_csv(&read("sim_logt.csv"), TimeUnit::LogSeconds).unwrap();
    assert_eq!(times.item_ids(), responses.item_ids());
    Sim {
        items: ItemSet::new(&params, Some(rt)).unwrap(),
        scores: Scores::from_matrix(&responses).unwrap(),
        times,
        compromised: numbers("sim_compromised_items.csv")
            .iter()
            .map(|r| r[0] as usize - 1)
            .collect(),
        preknowledge: numbers("sim_truth_persons.csv")
            .iter()
            .map(|r| r[1] == 1.0)
            .collect(),
    }
}

/// Asserts that `got` rounds to the published figure: within half a unit of its last digit (and so
/// well within the 1e-3 asked for).
fn as_published(got: f64, published: &str) {
    let want: f64 = published.parse().unwrap();
    let decimals = published.split('.').nth(1).map_or(0, str::len);
    let half_unit = 0.5 * 10f64.powi(-(decimals as i32));
    assert!(
        (got - want).abs() <= half_unit,
        "{got} does not round to the published {published}"
    );
}

/// (flagged among persons with preknowledge, flagged among the others) and the group sizes.
fn rates(truth: &[bool], flagged: impl Iterator<Item = bool>) -> (usize, usize) {
    let mut hits = (0, 0);
    for (&pk, f) in truth.iter().zip(flagged) {
        if f {
            if pk {
                hits.0 += 1;
            } else {
                hits.1 += 1;
            }
        }
    }
    hits
}

#[test]
fn the_simulation_has_the_published_shape() {
    let s = sim();
    assert_eq!((s.scores.n_persons(), s.scores.n_items()), (500, 40));
    assert_eq!(s.compromised.len(), 16);
    assert_eq!(s.preknowledge.iter().filter(|&&p| p).count(), 50);
}

/// lz* (`L_S_TS` < −1.645) flags 20 % of the 50 persons with preknowledge (10) and 4.2 % of the other
/// 450 (19); `L_T` at α = .05 flags 66 % (33) and 4.7 % (21).
#[test]
fn person_fit_detection_rates() {
    let s = sim();
    let fits = person_fit::detect(&s.items, &s.scores, Some(&s.times)).unwrap();
    let lz_star = rates(
        &s.preknowledge,
        fits.iter().map(|f| f.scores.lz_star < -1.645),
    );
    assert_eq!(lz_star, (10, 19), "lz*");
    let l_t = rates(
        &s.preknowledge,
        fits.iter().map(|f| f.times.unwrap().p_value() <= 0.05),
    );
    assert_eq!(l_t, (33, 21), "L_T");
}

/// `L_S` > 1.645 flags 74 % (37) and 6.2 % (28); `L_T` > 1.645 flags 100 % (50) and 3.6 % (16).
#[test]
fn preknowledge_detection_rates() {
    let s = sim();
    let pk = preknowledge::detect(&s.items, &s.scores, Some(&s.times), &s.compromised).unwrap();
    assert_eq!(
        rates(&s.preknowledge, pk.iter().map(|p| p.l_s > 1.645)),
        (37, 28),
        "L_S"
    );
    assert_eq!(
        rates(&s.preknowledge, pk.iter().map(|p| p.l_t.unwrap() > 1.645)),
        (50, 16),
        "L_T"
    );
}

/// The first 100 persons, person 2's first 20 answers overwritten with person 1's.
#[test]
fn copying_values() {
    let s = sim();
    let mut first = s.scores.first(100);
    for i in 0..20 {
        first.set(1, i, first.row(0)[i]);
    }
    let copying = Copying::new(&s.items, &first).unwrap();
    let two_copies_one = copying.pair(0, 1);
    as_published(two_copies_one.omega, "2.9242");
    as_published(two_copies_one.p_omega, "0.00173");
    as_published(two_copies_one.p_gbt, "0.00231");
    let one_copies_two = copying.pair(1, 0);
    as_published(one_copies_two.omega, "3.6058");
    as_published(one_copies_two.p_omega, "0.000156");
    as_published(one_copies_two.p_gbt, "0.000209");
}

/// NT10 thresholds of items 1–5 on the times in seconds.
#[test]
fn nt10_thresholds() {
    let s = sim();
    let thresholds =
        rapid_guessing::nt_thresholds(&s.times, 10.0, rapid_guessing::Limits::default()).unwrap();
    for (&got, want) in thresholds
        .iter()
        .zip(["4.7245", "2.7241", "4.87", "4.16", "8.29"])
    {
        as_published(got, want);
    }
}

/// The online screen keeps the planted pair among each person's three most similar partners.
#[test]
fn the_screen_finds_the_planted_pair() {
    let s = sim();
    let mut first = s.scores.first(100);
    for i in 0..20 {
        first.set(1, i, first.row(0)[i]);
    }
    let pairs = copying::screen(&first, 3, 20);
    assert!(pairs.contains(&(0, 1)), "{pairs:?}");
    assert!(pairs.len() <= 300);
    let stats = Copying::new(&s.items, &first).unwrap().pairs(&pairs);
    let planted = stats
        .iter()
        .find(|p| (p.source, p.copier) == (0, 1))
        .unwrap();
    assert!(planted.p_gbt < 0.01);
}
