//! `synaq irt`: the psychometric engine for psychometricians. Responses come as CSV (one column per item,
//! header = item ids; 0/1 or a category; empty = not presented; optional `person` and `freq` columns), item
//! parameters as JSON. Results go to standard output as JSON (CSV for `simulate`); progress goes to
//! standard error.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Subcommand, ValueEnum};
use item_bank::irt::{
    self, AbilityMethod, CalibrationModel, CalibrationOptions, Design, ItemParams, Quadrature,
    ResponseMatrix,
};
use serde_json::{Value, json};

/// The largest input file read, in bytes.
const MAX_INPUT_BYTES: u64 = 1 << 30;

#[derive(Subcommand)]
pub enum IrtCommand {
    /// Marginal maximum likelihood (Bock–Aitkin EM); anchors given with --fixed stay at their values.
    Calibrate {
        #[arg(long, value_enum, default_value = "2pl")]
        model: Model,
        /// Item parameters to hold fixed (anchor items): JSON, see `synaq irt --help`.
        #[arg(long)]
        fixed: Option<PathBuf>,
        #[arg(long, default_value_t = 2000)]
        max_iterations: usize,
        #[arg(long, default_value_t = 1e-4)]
        tolerance: f64,
        /// The responses; standard input when absent.
        responses: Option<PathBuf>,
    },
    /// Ability of every row, with its standard error.
    Score {
        /// Item parameters (JSON) for every column.
        #[arg(long)]
        params: PathBuf,
        #[arg(long, value_enum, default_value = "eap")]
        method: Method,
        /// Also print the summed-score EAP table (Lord–Wingersky) of the whole test.
        #[arg(long)]
        sum_score_table: bool,
        responses: Option<PathBuf>,
    },
    /// Linking constants that put separately calibrated items on the bank's scale, from common items.
    Link {
        /// Common items on the bank's scale (JSON).
        #[arg(long)]
        bank: PathBuf,
        /// The new calibration (JSON); its items are returned transformed onto the bank's scale.
        #[arg(long)]
        new: PathBuf,
        #[arg(long, value_enum, default_value = "stocking-lord")]
        method: LinkMethod,
    },
    /// Classical statistics (p-value, point-biserial), S-X² fit with --params, Mantel–Haenszel DIF with
    /// --groups.
    Stats {
        #[arg(long)]
        params: Option<PathBuf>,
        /// CSV `person,group`; rows are matched by the responses' `person` column.
        #[arg(long, requires = "focal")]
        groups: Option<PathBuf>,
        /// The focal group's value in --groups.
        #[arg(long)]
        focal: Option<String>,
        responses: Option<PathBuf>,
    },
    /// Responses of simulated persons (θ ~ N(0, 1)) to items with known parameters, as CSV.
    Simulate {
        #[arg(long)]
        params: PathBuf,
        #[arg(long)]
        persons: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Items each person sees, drawn at random; all when absent.
        #[arg(long)]
        per_person: Option<usize>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Model {
    Rasch,
    #[value(name = "1pl")]
    OnePl,
    #[value(name = "2pl")]
    TwoPl,
    #[value(name = "3pl")]
    ThreePl,
    Gpcm,
    Grm,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Method {
    Mle,
    Wle,
    Map,
    Eap,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LinkMethod {
    StockingLord,
    MeanSigma,
}

pub(super) fn read_input(path: Option<&Path>) -> anyhow::Result<String> {
    let mut text = String::new();
    match path {
        Some(p) => {
            std::fs::File::open(p)
                .with_context(|| format!("opening {}", p.display()))?
                .take(MAX_INPUT_BYTES)
                .read_to_string(&mut text)
                .with_context(|| format!("reading {}", p.display()))?;
        }
        None => {
            std::io::stdin()
                .take(MAX_INPUT_BYTES)
                .read_to_string(&mut text)
                .context("reading standard input")?;
        }
    }
    Ok(text)
}

pub(super) fn responses(path: Option<&Path>) -> anyhow::Result<ResponseMatrix> {
    let name = path.map_or("standard input".to_owned(), |p| p.display().to_string());
    ResponseMatrix::from_csv(&read_input(path)?)
        .with_context(|| format!("{name} is not a response CSV"))
}

/// Item parameters by id, from either `{"id": {params}, …}` or a calibration's output
/// (`{"items": [{"id", "params"}, …]}`).
fn params_file(path: &Path) -> anyhow::Result<BTreeMap<String, ItemParams>> {
    let value: Value = serde_json::from_str(&read_input(Some(path))?)
        .with_context(|| format!("{} is not JSON", path.display()))?;
    let entries: Vec<(String, Value)> = match value.get("items").and_then(Value::as_array) {
        Some(items) => items
            .iter()
            .map(|i| {
                let id = i["id"].as_str().context("every item has an id")?.to_owned();
                Ok((id, i["params"].clone()))
            })
            .collect::<anyhow::Result<_>>()?,
        None => value
            .as_object()
            .with_context(|| {
                format!(
                    "{}: expected an object of item parameters by id",
                    path.display()
                )
            })?
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    };
    entries
        .into_iter()
        .map(|(id, v)| {
            let params = serde_json::from_value(v)
                .with_context(|| format!("{}: item {id}", path.display()))?;
            Ok((id, params))
        })
        .collect()
}

/// The parameters of every column of `data`, in column order.
fn params_for(
    data: &ResponseMatrix,
    params: &BTreeMap<String, ItemParams>,
) -> anyhow::Result<Vec<ItemParams>> {
    data.item_ids()
        .iter()
        .map(|id| {
            params
                .get(id)
                .cloned()
                .with_context(|| format!("no parameters for item {id}"))
        })
        .collect()
}

/// Runs one `synaq irt` command and returns what it prints.
pub fn run(command: IrtCommand) -> anyhow::Result<String> {
    match command {
        IrtCommand::Calibrate {
            model,
            fixed,
            max_iterations,
            tolerance,
            responses: path,
        } => {
            let data = responses(path.as_deref())?;
            let model = match model {
                Model::Rasch => CalibrationModel::Rasch,
                Model::OnePl => CalibrationModel::OnePl,
                Model::TwoPl => CalibrationModel::TwoPl,
                Model::ThreePl => CalibrationModel::ThreePl,
                Model::Gpcm => CalibrationModel::Gpcm,
                Model::Grm => CalibrationModel::Grm,
            };
            let progress = |p: irt::Progress| {
                if p.iteration % 10 == 1 {
                    eprintln!(
                        "iteration {:>4}  log-likelihood {:.4}  change {:.2e}",
                        p.iteration, p.log_likelihood, p.max_change
                    );
                }
            };
            let mut options = CalibrationOptions::new(model);
            options.max_iterations = max_iterations;
            options.tolerance = tolerance;
            options.progress = Some(&progress);
            if let Some(f) = fixed {
                options.fixed = params_file(&f)?;
            }
            let calibration = irt::calibrate(&data, &options)?;
            eprintln!(
                "{} after {} iterations; log-likelihood {:.4}",
                if calibration.converged {
                    "converged"
                } else {
                    "stopped without converging"
                },
                calibration.iterations,
                calibration.log_likelihood
            );
            Ok(serde_json::to_string_pretty(&calibration)?)
        }
        IrtCommand::Score {
            params,
            method,
            sum_score_table,
            responses: path,
        } => {
            let data = responses(path.as_deref())?;
            let items = params_for(&data, &params_file(&params)?)?;
            let method = match method {
                Method::Mle => AbilityMethod::Mle,
                Method::Wle => AbilityMethod::Wle,
                Method::Map => AbilityMethod::Map,
                Method::Eap => AbilityMethod::Eap,
            };
            let persons: Vec<Value> = (0..data.n_persons())
                .map(|p| {
                    let estimate = irt::estimate_ability(&items, &data.row(p), method);
                    let person = data
                        .person_ids()
                        .map_or_else(|| Value::from(p + 1), |ids| Value::from(ids[p].clone()));
                    json!({"person": person, "estimate": estimate})
                })
                .collect();
            let mut out = json!({"method": method, "persons": persons});
            if sum_score_table {
                out["sum_score_table"] =
                    serde_json::to_value(irt::sum_score_eap_table(&items, &Quadrature::default()))?;
            }
            Ok(serde_json::to_string_pretty(&out)?)
        }
        IrtCommand::Link { bank, new, method } => {
            let bank = params_file(&bank)?;
            let new = params_file(&new)?;
            let common: Vec<&String> = bank.keys().filter(|id| new.contains_key(*id)).collect();
            if common.len() < 2 {
                bail!(
                    "linking needs at least two common items; found {}",
                    common.len()
                );
            }
            let bank_common: Vec<ItemParams> = common.iter().map(|id| bank[*id].clone()).collect();
            let new_common: Vec<ItemParams> = common.iter().map(|id| new[*id].clone()).collect();
            let constants = match method {
                LinkMethod::StockingLord => irt::link_stocking_lord(&bank_common, &new_common)?,
                LinkMethod::MeanSigma => irt::link_mean_sigma(&bank_common, &new_common)?,
            };
            let transformed: BTreeMap<&String, ItemParams> = new
                .iter()
                .map(|(id, p)| Ok((id, constants.apply(p)?)))
                .collect::<anyhow::Result<_>>()?;
            Ok(serde_json::to_string_pretty(&json!({
                "common_items": common,
                "constants": constants,
                "items": transformed,
            }))?)
        }
        IrtCommand::Stats {
            params,
            groups,
            focal,
            responses: path,
        } => {
            let data = responses(path.as_deref())?;
            let items = params
                .map(|p| params_file(&p).and_then(|m| params_for(&data, &m)))
                .transpose()?;
            let stats = irt::item_statistics(&data, items.as_deref())?;
            let mut out = json!({"items": stats});
            if let (Some(groups), Some(focal)) = (groups, focal) {
                let persons = data
                    .person_ids()
                    .context("DIF needs a person column in the responses")?;
                let group_of: BTreeMap<String, String> = read_input(Some(&groups))?
                    .lines()
                    .skip(1)
                    .filter_map(|l| {
                        l.split_once(',')
                            .map(|(p, g)| (p.trim().to_owned(), g.trim().to_owned()))
                    })
                    .collect();
                let flags: Vec<bool> = persons
                    .iter()
                    .map(|p| group_of.get(p).is_some_and(|g| *g == focal))
                    .collect();
                out["dif"] = serde_json::to_value(irt::mantel_haenszel_dif(&data, &flags)?)?;
            }
            Ok(serde_json::to_string_pretty(&out)?)
        }
        IrtCommand::Simulate {
            params,
            persons,
            seed,
            per_person,
        } => {
            let (ids, items): (Vec<String>, Vec<ItemParams>) =
                params_file(&params)?.into_iter().unzip();
            let design = per_person.map_or(Design::Complete, |k| Design::Random { per_person: k });
            let simulated = irt::simulate(&items, persons, seed, design);
            // Columns are named after the parameter file's items.
            let rows: Vec<Vec<Option<u8>>> = (0..simulated.n_persons())
                .map(|p| simulated.row(p))
                .collect();
            Ok(ResponseMatrix::new(ids, &rows)?.to_csv())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/reference")
            .join(name)
    }

    #[test]
    fn calibrates_lsat7_as_published() {
        let out = run(IrtCommand::Calibrate {
            model: Model::TwoPl,
            fixed: None,
            max_iterations: 2000,
            tolerance: 1e-6,
            responses: Some(reference("LSAT7_patterns.csv")),
        })
        .unwrap();
        let cal: Value = serde_json::from_str(&out).unwrap();
        assert!(
            (cal["log_likelihood"].as_f64().unwrap() - -2658.805).abs() < 1e-2,
            "{}",
            cal["log_likelihood"]
        );
    }

    #[test]
    fn simulated_responses_score_and_link_back() {
        let dir = std::env::temp_dir().join(format!("synaq-irt-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let params = dir.join("params.json");
        std::fs::write(
            &params,
            r#"{"i1":{"model":"2pl","a":1.2,"b":-1.0},"i2":{"model":"2pl","a":0.8,"b":0.0},"i3":{"model":"2pl","a":1.5,"b":1.0}}"#,
        )
        .unwrap();
        let csv = run(IrtCommand::Simulate {
            params: params.clone(),
            persons: 50,
            seed: 7,
            per_person: None,
        })
        .unwrap();
        assert_eq!(csv.lines().next().unwrap(), "i1,i2,i3");
        let data = dir.join("data.csv");
        std::fs::write(&data, &csv).unwrap();
        let scored: Value = serde_json::from_str(
            &run(IrtCommand::Score {
                params: params.clone(),
                method: Method::Eap,
                sum_score_table: true,
                responses: Some(data),
            })
            .unwrap(),
        )
        .unwrap();
        assert_eq!(scored["persons"].as_array().unwrap().len(), 50);
        assert_eq!(scored["sum_score_table"].as_array().unwrap().len(), 4);
        let linked: Value = serde_json::from_str(
            &run(IrtCommand::Link {
                bank: params.clone(),
                new: params,
                method: LinkMethod::MeanSigma,
            })
            .unwrap(),
        )
        .unwrap();
        assert!(
            (linked["constants"]["slope"].as_f64().unwrap() - 1.0).abs() < 1e-9,
            "{linked}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
