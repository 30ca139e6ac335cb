//! `synaq assembly simulate`: whether a bank can carry a blueprint, before a sitting. Draws many forms as
//! the live service would (exposure rates fed back after every form), sits simulated candidates on them,
//! and prints the report as JSON; `--svg` also writes the picture. Beside the classification accuracy the
//! report gives `random_guessing`: the exact probability, mean and largest over the forms, that a
//! candidate answering every item at random passes.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use item_bank::assembly::{GenerateOptions, SimulationOptions, generate_bank, simulate};

use crate::lang::Lang;
use crate::plot;

#[derive(Subcommand)]
pub enum AssemblyCommand {
    /// Draws N forms and sits simulated candidates on them.
    Simulate {
        /// The blueprint's id, looked up in the content directory's blueprints.
        #[arg(long, default_value = "kaztest-a1-preselection")]
        blueprint: String,
        /// The bank: a content directory (items and blueprints).
        #[arg(long, default_value = "item-bank/content")]
        content: PathBuf,
        /// Instead of the content's items, a generated bank of this many items.
        #[arg(long)]
        generated_items: Option<usize>,
        #[arg(long, default_value_t = 1000)]
        forms: usize,
        #[arg(long, default_value_t = 10)]
        candidates_per_form: usize,
        #[arg(long, default_value_t = 0.0)]
        population_mean: f64,
        #[arg(long, default_value_t = 1.0)]
        population_sd: f64,
        /// Draw without feeding exposure rates back (to see what exposure control buys).
        #[arg(long)]
        no_exposure_control: bool,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write the picture (exposure, TCCs against the target, SEM) to this SVG file.
        #[arg(long)]
        svg: Option<PathBuf>,
    },
}

/// Runs one `synaq assembly` command and returns its JSON.
pub fn run(command: AssemblyCommand) -> anyhow::Result<String> {
    let AssemblyCommand::Simulate {
        blueprint,
        content,
        generated_items,
        forms,
        candidates_per_form,
        population_mean,
        population_sd,
        no_exposure_control,
        seed,
        svg: svg_path,
    } = command;
    let loaded = item_bank::content::load_dir(&content)
        .with_context(|| format!("reading {}", content.display()))?;
    let bp = loaded
        .blueprints
        .iter()
        .find(|b| b.id == blueprint)
        .with_context(|| format!("{} has no blueprint {blueprint}", content.display()))?;
    let items = match generated_items {
        Some(n) => generate_bank(&GenerateOptions::plain(n, seed)),
        None => loaded.items.clone(),
    };
    let options = SimulationOptions {
        forms,
        candidates_per_form,
        population_mean,
        population_sd,
        exposure_control: !no_exposure_control,
        seed,
    };
    let report = simulate(bp, &items, &options);
    if let Some(path) = svg_path {
        std::fs::write(&path, plot::simulation::svg(&report, Lang::En))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(serde_json::to_string_pretty(&report)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_bank_carries_the_a1_blueprint() {
        let dir = std::env::temp_dir().join(format!("synaq-asm-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let picture = dir.join("report.svg");
        let out = run(AssemblyCommand::Simulate {
            blueprint: "kaztest-a1-preselection".into(),
            content: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("item-bank/content"),
            generated_items: None,
            forms: 40,
            candidates_per_form: 5,
            population_mean: 0.0,
            population_sd: 1.0,
            no_exposure_control: false,
            seed: 3,
            svg: Some(picture.clone()),
        })
        .unwrap();
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(report["forms"], 40);
        assert_eq!(report["failed_forms"], 0);
        let accuracy = report["classification"]["accuracy"].as_f64().unwrap();
        assert!(accuracy > 0.5 && accuracy <= 1.0, "{accuracy}");
        let mean = report["random_guessing"]["pass_probability_mean"]
            .as_f64()
            .unwrap();
        let max = report["random_guessing"]["pass_probability_max"]
            .as_f64()
            .unwrap();
        assert!(0.0 < mean && mean <= max && max < 1.0, "{mean} {max}");
        assert!(
            std::fs::read_to_string(&picture)
                .unwrap()
                .starts_with("<svg")
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
