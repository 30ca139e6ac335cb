//! Writes a generated content package, or imports one and prints what it found: the program whose peak
//! memory BENCHMARKS.md reports (`/usr/bin/time -v`), apart from the time criterion measures.
//!
//! ```sh
//! cargo run --release -p qti --example bulk_import -- write /tmp/bulk.zip 1000
//! /usr/bin/time -v target/release/examples/bulk_import import /tmp/bulk.zip
//! ```

#[path = "../benches/support/bulk.rs"]
mod bulk;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["write", path, rest @ ..] => {
            let n = rest
                .first()
                .map_or(Ok(1000), |n| n.parse())
                .expect("N is a number");
            std::fs::write(path, bulk::package(n)).expect("the package is written");
            ExitCode::SUCCESS
        }
        ["import", path] => {
            let bytes = std::fs::read(path).expect("the package is readable");
            match qti::import(&bytes, &qti::Limits::default()) {
                Ok(report) => {
                    let audio: usize = report
                        .imported
                        .iter()
                        .filter_map(|i| i.audio.as_ref())
                        .map(|a| a.bytes.len())
                        .sum();
                    println!(
                        "{} bytes: {} imported ({audio} bytes of audio), {} skipped",
                        bytes.len(),
                        report.imported.len(),
                        report.skipped.len()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            }
        }
        _ => {
            eprintln!("usage: bulk_import write FILE [N] | bulk_import import FILE");
            ExitCode::FAILURE
        }
    }
}
