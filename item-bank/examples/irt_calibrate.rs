//! A small release-mode runner for the IRT engine, used by `bench/irt/` to time calibration outside any
//! benchmark harness.
//!
//! ```text
//! irt_calibrate simulate <items> <persons> <seed> <per_person|all> <data.csv> <truth.csv>
//! irt_calibrate <data.csv> [--model rasch|1pl|2pl|3pl|gpcm|grm] [--truth truth.csv] [--standard-errors no]
//! ```
//!
//! `simulate` draws 2PL items (`a` uniform on [0.7, 2.0], `b` standard normal clipped to ±2.5), writes the
//! responses and a `item,a,b` truth file. The calibration form reads a response CSV, calibrates it, and
//! prints one JSON line to stdout: seconds spent in `calibrate` (parsing excluded), iterations,
//! log-likelihood and, with `--truth`, RMSE and bias of `a` and `b`. `--standard-errors no` skips the
//! standard errors (for like-for-like timing against programs that do not compute them).

use std::time::Instant;

use item_bank::irt::{
    CalibrationModel, CalibrationOptions, Design, ItemParams, ResponseMatrix, calibrate, simulate,
};
use rand::{Rng, SeedableRng};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(message) = run(&args) {
        eprintln!("irt_calibrate: {message}");
        std::process::exit(2);
    }
}

fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("simulate") if args.len() == 7 => simulate_files(&args[1..]),
        Some(path) if !path.starts_with('-') => calibrate_file(path, &args[1..]),
        _ => Err("usage: irt_calibrate simulate <items> <persons> <seed> <per_person|all> <data.csv> <truth.csv>\n       \
                  irt_calibrate <data.csv> [--model 2pl] [--truth truth.csv] [--standard-errors no]"
            .into()),
    }
}

fn number(s: &str, what: &str) -> Result<u64, String> {
    s.parse()
        .map_err(|_| format!("{what}: `{s}` is not a number"))
}

fn simulate_files(args: &[String]) -> Result<(), String> {
    let n_items = number(&args[0], "items")? as usize;
    let n_persons = number(&args[1], "persons")? as usize;
    let seed = number(&args[2], "seed")?;
    let design = match args[3].as_str() {
        "all" => Design::Complete,
        k => Design::Random {
            per_person: number(k, "per_person")? as usize,
        },
    };
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(seed ^ 0x5eed);
    let items: Vec<ItemParams> = (0..n_items)
        .map(|_| {
            let a = 0.7 + 1.3 * rng.random::<f64>();
            let (u1, u2): (f64, f64) = (1.0 - rng.random::<f64>(), rng.random());
            let b = ((-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos())
                .clamp(-2.5, 2.5);
            ItemParams::two_pl(a, b)
        })
        .collect();
    let data = simulate(&items, n_persons, seed, design);
    std::fs::write(&args[4], data.to_csv()).map_err(|e| format!("{}: {e}", args[4]))?;
    let mut truth = String::from("item,a,b\n");
    for (id, item) in data.item_ids().iter().zip(&items) {
        truth.push_str(&format!("{id},{},{}\n", item.a(), item.locations()[0]));
    }
    std::fs::write(&args[5], truth).map_err(|e| format!("{}: {e}", args[5]))
}

fn calibrate_file(path: &str, flags: &[String]) -> Result<(), String> {
    let mut model = CalibrationModel::TwoPl;
    let mut truth_path = None;
    let mut standard_errors = true;
    let mut flags = flags.iter();
    while let Some(flag) = flags.next() {
        let value = flags
            .next()
            .ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--model" => {
                model = serde_json::from_value(serde_json::Value::String(value.clone()))
                    .map_err(|_| format!("unknown model `{value}`"))?
            }
            "--truth" => truth_path = Some(value.clone()),
            "--standard-errors" => standard_errors = value != "no",
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let data = ResponseMatrix::from_csv(&text).map_err(|e| format!("{path}: {e}"))?;
    let start = Instant::now();
    let mut options = CalibrationOptions::new(model);
    options.standard_errors = standard_errors;
    let cal = calibrate(&data, &options).map_err(|e| e.to_string())?;
    let seconds = start.elapsed().as_secs_f64();
    let mut report = serde_json::json!({
        "seconds": seconds,
        "items": data.n_items(),
        "persons": cal.n_persons,
        "patterns": cal.n_patterns,
        "iterations": cal.iterations,
        "converged": cal.converged,
        "log_likelihood": cal.log_likelihood,
    });
    if let Some(truth_path) = truth_path {
        let truth =
            std::fs::read_to_string(&truth_path).map_err(|e| format!("{truth_path}: {e}"))?;
        let mut errors_a = Vec::new();
        let mut errors_b = Vec::new();
        for (line, est) in truth.lines().skip(1).zip(&cal.items) {
            let cols: Vec<f64> = line
                .split(',')
                .skip(1)
                .filter_map(|v| v.parse().ok())
                .collect();
            let [a, b] = cols[..] else {
                return Err(format!("{truth_path}: bad line `{line}`"));
            };
            errors_a.push(est.params.a() - a);
            errors_b.push(est.params.difficulties()[0] - b);
        }
        let rmse = |e: &[f64]| (e.iter().map(|x| x * x).sum::<f64>() / e.len() as f64).sqrt();
        let bias = |e: &[f64]| e.iter().sum::<f64>() / e.len() as f64;
        report["rmse_a"] = rmse(&errors_a).into();
        report["bias_a"] = bias(&errors_a).into();
        report["rmse_b"] = rmse(&errors_b).into();
        report["bias_b"] = bias(&errors_b).into();
    }
    println!("{report}");
    Ok(())
}
