//! Benchmarks of the forensic statistics: one sitting of 500 candidates × 60 items with response times,
//! every statistic and every ordered pair for copying; and the equivalents of aberrance's
//! `detect_pm`, `detect_pk` and `detect_ac` (100 persons) on its published simulation.
//!
//! `cargo bench -p proctoring --bench forensics` (single-threaded; results in BENCHMARKS.md).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use item_bank::irt::{ItemParams, ResponseMatrix};
use proctoring::forensics::copying::{self, Selection};
use proctoring::forensics::rapid_guessing::{self, Limits};
use proctoring::forensics::{
    ItemSet, RtParams, Scores, TimeMatrix, TimeUnit, person_fit, preknowledge,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// One sitting's data.
struct Sitting {
    items: ItemSet,
    scores: Scores,
    times: TimeMatrix,
    compromised: Vec<usize>,
}

fn normal(rng: &mut impl Rng) -> f64 {
    let (u1, u2): (f64, f64) = (1.0 - rng.random::<f64>(), rng.random());
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// The design of aberrance's examples: 3PL items with `a ~ lognormal(0, 0.25)`, `c ~ U(0.05, 0.30)`,
/// `alpha ~ U(1.5, 2.5)`, `(b, beta)` correlated normal; persons' `(θ, τ)` with var 1, 0.25, cov 0.25.
fn simulate(persons: usize, n_items: usize, seed: u64) -> Sitting {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut params = Vec::with_capacity(n_items);
    let mut rt = Vec::with_capacity(n_items);
    for _ in 0..n_items {
        let a = (0.25 * normal(&mut rng)).exp();
        let c = 0.05 + 0.25 * rng.random::<f64>();
        let b = normal(&mut rng);
        let beta = 3.5 + 0.2 * b + (0.15 - 0.04_f64).sqrt() * normal(&mut rng);
        params.push(ItemParams::three_pl(a, b, c).unwrap());
        rt.push(RtParams {
            alpha: 1.5 + rng.random::<f64>(),
            beta,
        });
    }
    let items = ItemSet::new(&params, Some(rt.clone())).unwrap();
    let mut rows = Vec::with_capacity(persons);
    let mut log_times = Vec::with_capacity(persons);
    for _ in 0..persons {
        let theta = normal(&mut rng);
        let tau = 0.25 * theta + (0.25_f64 - 0.0625).sqrt() * normal(&mut rng);
        rows.push(
            (0..n_items)
                .map(|i| Some(u8::from(rng.random::<f64>() < items.prob(i, theta))))
                .collect::<Vec<_>>(),
        );
        log_times.push(
            rt.iter()
                .map(|p| Some(p.beta - tau + normal(&mut rng) / p.alpha))
                .collect::<Vec<_>>(),
        );
    }
    let ids = (1..=n_items).map(|i| format!("i{i}")).collect();
    Sitting {
        items,
        scores: Scores::new(&rows).unwrap(),
        times: TimeMatrix::new(ids, None, &log_times, TimeUnit::LogSeconds).unwrap(),
        compromised: (0..n_items).filter(|i| i % 5 < 2).collect(),
    }
}

/// Every statistic of one sitting.
fn all_statistics(s: &Sitting) -> usize {
    let fit = person_fit::detect(&s.items, &s.scores, Some(&s.times)).unwrap();
    let pk = preknowledge::detect(&s.items, &s.scores, Some(&s.times), &s.compromised).unwrap();
    let pairs = copying::detect(&s.items, &s.scores, Selection::All).unwrap();
    let rg = rapid_guessing::detect(&s.times, 10.0, Limits::default()).unwrap();
    fit.len() + pk.len() + pairs.len() + rg.rte.len()
}

fn sitting(c: &mut Criterion) {
    let s = simulate(500, 60, 2024);
    let mut group = c.benchmark_group("sitting_500x60");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(15));
    group.bench_function("all_statistics", |b| {
        b.iter(|| all_statistics(black_box(&s)))
    });
    group.bench_function("person_fit_with_times", |b| {
        b.iter(|| person_fit::detect(&s.items, black_box(&s.scores), Some(&s.times)).unwrap())
    });
    group.bench_function("preknowledge_with_times", |b| {
        b.iter(|| {
            preknowledge::detect(
                &s.items,
                black_box(&s.scores),
                Some(&s.times),
                &s.compromised,
            )
            .unwrap()
        })
    });
    group.bench_function("copying_every_ordered_pair", |b| {
        b.iter(|| copying::detect(&s.items, black_box(&s.scores), Selection::All).unwrap())
    });
    group.bench_function("copying_online_screen", |b| {
        b.iter(|| copying::detect(&s.items, black_box(&s.scores), Selection::ONLINE).unwrap())
    });
    group.bench_function("rapid_guessing", |b| {
        b.iter(|| rapid_guessing::detect(black_box(&s.times), 10.0, Limits::default()).unwrap())
    });
    group.finish();
}

/// aberrance's published simulation, as the reference tests read it.
fn reference() -> Sitting {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/reference/forensics/"
    );
    let read = |f: &str| std::fs::read_to_string(format!("{dir}{f}")).unwrap();
    let psi: Vec<Vec<f64>> = read("sim_psi.csv")
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect();
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
    Sitting {
        items: ItemSet::new(&params, Some(rt)).unwrap(),
        scores: Scores::from_matrix(&ResponseMatrix::from_csv(&read("sim_x.csv")).unwrap())
            .unwrap(),
        times: TimeMatrix::from_csv(&read("sim_logt.csv"), TimeUnit::LogSeconds).unwrap(),
        compromised: read("sim_compromised_items.csv")
            .lines()
            .skip(1)
            .map(|l| l.trim().parse::<usize>().unwrap() - 1)
            .collect(),
    }
}

fn aberrance_equivalents(c: &mut Criterion) {
    let s = reference();
    let first_100 = s.scores.first(100);
    let mut group = c.benchmark_group("aberrance_500x40");
    group.sample_size(20);
    group.bench_function("detect_pm_lz_lz_star_l_t", |b| {
        b.iter(|| person_fit::detect(&s.items, black_box(&s.scores), Some(&s.times)).unwrap())
    });
    group.bench_function("detect_pk_l_s_s_s_l_t", |b| {
        b.iter(|| {
            preknowledge::detect(
                &s.items,
                black_box(&s.scores),
                Some(&s.times),
                &s.compromised,
            )
            .unwrap()
        })
    });
    group.bench_function("detect_ac_100_persons_omega_gbt", |b| {
        b.iter(|| copying::detect(&s.items, black_box(&first_100), Selection::All).unwrap())
    });
    group.finish();
}

criterion_group!(benches, sitting, aberrance_equivalents);
criterion_main!(benches);
