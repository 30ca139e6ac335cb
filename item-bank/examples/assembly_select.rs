//! Runner for the assembly benchmarks (BENCHMARKS.md).
//!
//! ```text
//! assembly_select select <theta> <reps>       time one max-information selection over 500 items
//! assembly_select simulate <forms> <bank> <report.json>
//! ```
//! `select` uses the items of `bench/assembly/catsim_select.py`: item k of 500 has
//! a = 0.8 + 0.8·((7919 k) mod 500)/500 and b = −3 + 6 k/500 (2PL, D = 1). The picture of a simulation
//! is drawn by the server's `plot` module: `synaq assembly simulate --svg`.

use std::time::Instant;

use item_bank::assembly::{GenerateOptions, InfoTable, SimulationOptions, generate_bank, simulate};
use item_bank::bank::Blueprint;
use item_bank::irt::ItemParams;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("select") => {
            let theta: f64 = args[1].parse().unwrap();
            let reps: usize = args[2].parse().unwrap();
            let params: Vec<ItemParams> = (0..500)
                .map(|k| {
                    let a = 0.8 + 0.8 * ((7919 * k) % 500) as f64 / 500.0;
                    ItemParams::two_pl(a, -3.0 + 6.0 * k as f64 / 500.0)
                })
                .collect();
            let used = vec![false; params.len()];
            // Including the table build, as a session would pay it once per candidate.
            let t0 = Instant::now();
            let table = InfoTable::new(&params);
            let build = t0.elapsed().as_secs_f64();
            let mut pick = None;
            let t0 = Instant::now();
            for r in 0..reps {
                let th = theta + (r % 2) as f64 * 1e-12;
                pick = std::hint::black_box(table.max_information(std::hint::black_box(th), &used));
            }
            let per = t0.elapsed().as_secs_f64() / reps as f64;
            let t0 = Instant::now();
            let mut scan_pick = None;
            for r in 0..reps {
                let th = theta + (r % 2) as f64 * 1e-12;
                scan_pick = std::hint::black_box(
                    table.max_information_scan(std::hint::black_box(th), &used),
                );
            }
            let scan = t0.elapsed().as_secs_f64() / reps as f64;
            assert_eq!(pick, scan_pick);
            println!(
                "{{\"selected\": {}, \"seconds_per_selection\": {per:e}, \"full_scan_seconds_per_selection\": {scan:e}, \"table_build_seconds\": {build:e}}}",
                pick.unwrap()
            );
        }
        Some("simulate") => {
            let forms: usize = args[1].parse().unwrap();
            let n: usize = args[2].parse().unwrap();
            let bp = Blueprint::parse(
                "a1.toml",
                include_str!("../content/blueprints/kaztest-a1-preselection.toml"),
            )
            .unwrap();
            let bank = generate_bank(&GenerateOptions::plain(n, 1));
            let t0 = Instant::now();
            let report = simulate(
                &bp,
                &bank,
                &SimulationOptions {
                    forms,
                    candidates_per_form: 10,
                    ..Default::default()
                },
            );
            let secs = t0.elapsed().as_secs_f64();
            std::fs::write(&args[3], serde_json::to_string(&report).unwrap()).unwrap();
            let cuts: Vec<_> = report
                .sections
                .iter()
                .map(|s| (s.section_id.clone(), s.cuts.clone()))
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({
                    "seconds": secs,
                    "forms": report.forms,
                    "failed_forms": report.failed_forms,
                    "forms_exposure_relaxed": report.forms_exposure_relaxed,
                    "exposure": report.exposure,
                    "mean_overlap": report.mean_overlap,
                    "cuts": cuts,
                    "classification": report.classification,
                }))
                .unwrap()
            );
        }
        _ => eprintln!(
            "usage: assembly_select select <theta> <reps> | simulate <forms> <bank> <json>"
        ),
    }
}
