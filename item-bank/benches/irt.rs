//! Benchmarks of the IRT engine: scoring one session, and calibrations from a form to national scale.
//!
//! `cargo bench -p item-bank --bench irt` (results and machine in BENCHMARKS.md).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use item_bank::irt::{
    AbilityMethod, CalibrationModel, CalibrationOptions, Design, ItemParams, Quadrature, calibrate,
    estimate_ability, simulate, sum_score_eap_table,
};
use rand::{Rng, SeedableRng};

/// 2PL items with `a` uniform on [0.7, 2.0] and `b` standard normal clipped to ±2.5.
fn items(n: usize, seed: u64) -> Vec<ItemParams> {
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let a = 0.7 + 1.3 * rng.random::<f64>();
            let (u1, u2): (f64, f64) = (1.0 - rng.random::<f64>(), rng.random());
            let b = ((-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos())
                .clamp(-2.5, 2.5);
            ItemParams::two_pl(a, b)
        })
        .collect()
}

fn scoring(c: &mut Criterion) {
    let bank = items(60, 1);
    let pattern = simulate(&bank, 1, 2, Design::Complete).row(0);
    for (name, method) in [
        ("eap_60_items", AbilityMethod::Eap),
        ("mle_60_items", AbilityMethod::Mle),
        ("wle_60_items", AbilityMethod::Wle),
        ("map_60_items", AbilityMethod::Map),
    ] {
        c.bench_function(name, |b| {
            b.iter(|| estimate_ability(black_box(&bank), black_box(&pattern), method))
        });
    }
    c.bench_function("sum_score_eap_table_60_items", |b| {
        b.iter(|| sum_score_eap_table(black_box(&bank), &Quadrature::default()))
    });
}

fn calibration(c: &mut Criterion) {
    let options = CalibrationOptions::new(CalibrationModel::TwoPl);
    let form = simulate(&items(20, 2024), 5000, 1, Design::Complete);
    let mut group = c.benchmark_group("calibration");
    group.sample_size(20);
    group.bench_function("mml_2pl_20_items_5000_persons", |b| {
        b.iter(|| calibrate(black_box(&form), &options))
    });
    let national = simulate(
        &items(200, 42),
        100_000,
        42,
        Design::Random { per_person: 60 },
    );
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(40));
    group.bench_function("mml_2pl_200_items_100000_persons_60_each", |b| {
        b.iter(|| calibrate(black_box(&national), &options))
    });
    group.finish();
}

criterion_group!(benches, scoring, calibration);
criterion_main!(benches);
