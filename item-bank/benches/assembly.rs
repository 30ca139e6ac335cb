//! Form assembly and adaptive selection timings. See BENCHMARKS.md.
//!
//! ```sh
//! cargo bench -p item-bank --bench assembly
//! ```

use std::collections::{HashMap, HashSet};
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use item_bank::assembly::{
    AssemblyContext, GenerateOptions, InfoTable, assemble, derive_target, exposure_rates,
    generate_bank,
};
use item_bank::bank::Blueprint;
use item_bank::irt::ItemParams;

fn a1() -> Blueprint {
    Blueprint::parse(
        "a1.toml",
        include_str!("../content/blueprints/kaztest-a1-preselection.toml"),
    )
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let bp = a1();
    let bank = generate_bank(&GenerateOptions::plain(5000, 1));
    let target = derive_target(&bp, &bank);
    let exclude = HashSet::new();
    // Rates as the service would pass them after a long run: every item at a realistic share.
    let counts: HashMap<String, u64> = bank
        .iter()
        .enumerate()
        .map(|(k, i)| (i.id.clone(), (k % 40) as u64))
        .collect();
    let rates = exposure_rates(&counts, 1000);
    let none = HashMap::new();
    let mut seed = 0u64;
    c.bench_function("assemble A1 form, 5000-item bank, stored target", |b| {
        let ctx = AssemblyContext {
            exclude: &exclude,
            exposure: &none,
            target: Some(&target),
        };
        b.iter(|| {
            seed += 1;
            black_box(assemble(&bp, &bank, &ctx, seed).unwrap())
        })
    });
    c.bench_function(
        "assemble A1 form, 5000-item bank, stored target, exposure rates",
        |b| {
            let ctx = AssemblyContext {
                exclude: &exclude,
                exposure: &rates,
                target: Some(&target),
            };
            b.iter(|| {
                seed += 1;
                black_box(assemble(&bp, &bank, &ctx, seed).unwrap())
            })
        },
    );
    c.bench_function("derive target, 5000-item bank", |b| {
        b.iter(|| black_box(derive_target(&bp, &bank)))
    });
    let params: Vec<ItemParams> = (0..500)
        .map(|k| {
            let x = k as f64 / 500.0;
            ItemParams::two_pl(
                0.8 + 0.8 * ((k * 7919) % 500) as f64 / 500.0,
                -3.0 + 6.0 * x,
            )
        })
        .collect();
    let table = InfoTable::new(&params);
    let used = vec![false; params.len()];
    c.bench_function("max-information selection, 500 items", |b| {
        b.iter(|| black_box(table.max_information(black_box(0.3), &used)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
