//! `synaq forensics` on the reference sitting (`shared/reference/forensics`): the CLI reads the CSVs as
//! given and prints the contract's JSON shapes.

use std::process::Command;

use serde_json::{Value, json};

fn reference(name: &str) -> std::path::PathBuf {
    crate::helpers::root()
        .join("../shared/reference/forensics")
        .join(name)
}

fn run(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_synaq"))
        .arg("forensics")
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on standard output")
}

/// The simulation's item parameters as `synaq irt` JSON with `rt`, items named as the CSV columns.
fn params_file() -> std::path::PathBuf {
    let text = std::fs::read_to_string(reference("sim_psi.csv")).unwrap();
    let mut params = serde_json::Map::new();
    for (i, line) in text.lines().skip(1).enumerate() {
        let v: Vec<f64> = line.split(',').map(|x| x.parse().unwrap()).collect();
        params.insert(
            format!("V{}", i + 1),
            json!({"model": "3pl", "a": v[0], "b": v[1], "c": v[2], "rt": {"alpha": v[3], "beta": v[4]}}),
        );
    }
    let path = std::env::temp_dir().join(format!("synaq-forensics-{}.json", uuid::Uuid::now_v7()));
    std::fs::write(&path, Value::Object(params).to_string()).unwrap();
    path
}

#[test]
fn rapid_guessing_thresholds_match_the_published_nt10() {
    let logt = reference("sim_logt.csv");
    let out = run(&[
        "rapid-guessing",
        "--times",
        logt.to_str().unwrap(),
        "--log-times",
    ]);
    let published = [4.7245, 2.7241, 4.87, 4.16, 8.29];
    for (item, want) in out["items"].as_array().unwrap().iter().zip(published) {
        let got = item["threshold_s"].as_f64().unwrap();
        // The published figures are rounded to the digits shown.
        assert!((got - want).abs() < 5e-3, "{item}: {got} vs {want}");
    }
    assert_eq!(out["persons"].as_array().unwrap().len(), 500);
}

#[test]
fn person_fit_and_preknowledge_separate_the_planted_persons() {
    let params = params_file();
    let x = reference("sim_x.csv");
    let logt = reference("sim_logt.csv");
    let truth: Vec<bool> = std::fs::read_to_string(reference("sim_truth_persons.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.trim().trim_matches('"').ends_with('1'))
        .collect();
    assert_eq!(truth.len(), 500);
    let fit = run(&[
        "person-fit",
        "--params",
        params.to_str().unwrap(),
        "--responses",
        x.to_str().unwrap(),
        "--times",
        logt.to_str().unwrap(),
        "--log-times",
    ]);
    let persons = fit["persons"].as_array().unwrap();
    assert_eq!(persons.len(), 500);
    let mean = |planted: bool, key: &str, rows: &[Value]| {
        let v: Vec<f64> = rows
            .iter()
            .zip(&truth)
            .filter(|(_, t)| **t == planted)
            .filter_map(|(r, _)| r[key].as_f64())
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    // Preknowledge makes response times fit worse: L_T is larger for the planted persons.
    assert!(mean(true, "l_t", persons) > mean(false, "l_t", persons));
    let pk = run(&[
        "preknowledge",
        "--params",
        params.to_str().unwrap(),
        "--responses",
        x.to_str().unwrap(),
        "--compromised",
        reference("sim_compromised_items.csv").to_str().unwrap(),
        "--times",
        logt.to_str().unwrap(),
        "--log-times",
    ]);
    let rows = pk["persons"].as_array().unwrap();
    assert!(mean(true, "pk_l_s", rows) > mean(false, "pk_l_s", rows));
    assert!(mean(true, "pk_l_t", rows) > mean(false, "pk_l_t", rows));
    std::fs::remove_file(params).unwrap();
}
