//! The live calibration pathway: responses collected in real sessions (pretest items included) are
//! calibrated straight from the database, the result is kept as a calibration run, and an author applies
//! the run to the bank, moving the estimated items from `provisional` to `calibrated` with the run as their
//! provenance.
//!
//! Items already `calibrated` are anchors: held at their values, so that the newly estimated items land on
//! the bank's scale (fixed-parameter calibration). With no anchor yet (a new bank), the scale is set by
//! the candidates' ability distribution, N(0, 1).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use item_bank::bank::ParamStatus;
use item_bank::irt::{self, CalibrationModel, CalibrationOptions, ResponseMatrix};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorCode};
use crate::store::calibration::{self as store, CalibrationRun};

/// A calibration run as authors see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunView {
    pub id: Uuid,
    /// `2pl`, `rasch`, …
    pub model: String,
    pub n_persons: i64,
    pub n_items: i32,
    pub log_likelihood: f64,
    pub iterations: i32,
    pub converged: bool,
    pub created_at: DateTime<Utc>,
    pub applied_at: Option<DateTime<Utc>>,
    /// Per item: `id`, `version`, `params`, standard errors, `n`, whether it was an anchor, and `before`:
    /// the parameters it had when the run was made.
    #[schema(value_type = Vec<Object>)]
    pub estimates: serde_json::Value,
}

impl From<CalibrationRun> for RunView {
    fn from(r: CalibrationRun) -> Self {
        RunView {
            id: r.id,
            model: r.model,
            n_persons: r.n_persons,
            n_items: r.n_items,
            log_likelihood: r.log_likelihood,
            iterations: r.iterations,
            converged: r.converged,
            created_at: r.created_at,
            applied_at: r.applied_at,
            estimates: r.estimates,
        }
    }
}

/// The column name of an item version in a response matrix.
fn column(id: &str, version: i32) -> String {
    format!("{id}@{version}")
}

/// Calibrates every item version with at least `min_responses` responses (and both a right and a wrong
/// one) from the finished sessions, under `model`, and stores the run. It is not applied.
pub async fn start_run(
    state: &AppState,
    model: CalibrationModel,
    min_responses: usize,
) -> Result<RunView, ApiError> {
    let rows = store::finished_responses(&state.db).await?;
    // Count responses and right answers per item version.
    let mut counts: HashMap<(String, i32), (usize, usize)> = HashMap::new();
    for (_, id, version, credit) in &rows {
        let c = counts.entry((id.clone(), *version)).or_default();
        c.0 += 1;
        c.1 += usize::from(*credit >= 1.0);
    }
    let mut keys: Vec<(String, i32)> = counts
        .iter()
        .filter(|(_, (n, right))| *n >= min_responses && *right > 0 && right < n)
        .map(|(k, _)| k.clone())
        .collect();
    keys.sort();
    if keys.len() < 2 {
        return Err(ApiError::conflict(
            ErrorCode::NotEnoughResponses,
            format!(
                "only {} item versions have {min_responses} or more responses with both outcomes",
                keys.len()
            ),
        ));
    }
    let index: HashMap<&(String, i32), usize> =
        keys.iter().enumerate().map(|(i, k)| (k, i)).collect();
    let mut matrix_rows: Vec<Vec<Option<u8>>> = Vec::new();
    let mut current: Option<Uuid> = None;
    for (session, id, version, credit) in &rows {
        if current != Some(*session) {
            current = Some(*session);
            matrix_rows.push(vec![None; keys.len()]);
        }
        if let (Some(&i), Some(row)) = (index.get(&(id.clone(), *version)), matrix_rows.last_mut())
        {
            row[i] = Some(u8::from(*credit >= 1.0));
        }
    }
    matrix_rows.retain(|r| r.iter().any(Option::is_some));
    let columns: Vec<String> = keys.iter().map(|(id, v)| column(id, *v)).collect();
    let data =
        ResponseMatrix::new(columns, &matrix_rows).map_err(|e| ApiError::Internal(e.into()))?;
    let params = store::current_params(&state.db, &keys).await?;
    let anchors: BTreeMap<String, irt::ItemParams> = keys
        .iter()
        .filter_map(|k| {
            let p = params.get(k)?;
            (p.status == ParamStatus::Calibrated).then(|| (column(&k.0, k.1), p.params.clone()))
        })
        .collect();
    let calibration = tokio::task::spawn_blocking(move || {
        let mut options = CalibrationOptions::new(model);
        options.fixed = anchors;
        irt::calibrate(&data, &options)
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))?
    .map_err(|e| ApiError::conflict(ErrorCode::CalibrationFailed, e.to_string()))?;
    let estimates: Vec<serde_json::Value> = keys
        .iter()
        .zip(&calibration.items)
        .map(|((id, version), e)| {
            serde_json::json!({
                "id": id, "version": version, "params": e.params, "anchor": e.fixed,
                "se_a": e.se_a, "se_locations": e.se_locations, "se_c": e.se_c, "n": e.n,
                "before": params.get(&(id.clone(), *version)).map(|p| &p.params),
            })
        })
        .collect();
    let run = CalibrationRun {
        id: Uuid::now_v7(),
        model: serde_json::to_value(model)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        n_persons: matrix_rows.len() as i64,
        n_items: keys.len() as i32,
        log_likelihood: calibration.log_likelihood,
        iterations: calibration.iterations as i32,
        converged: calibration.converged,
        estimates: serde_json::Value::Array(estimates),
        created_at: crate::store::now(),
        applied_at: None,
    };
    store::insert_run(&state.writer, run.clone()).await?;
    tracing::info!(run = %run.id, items = run.n_items, persons = run.n_persons, "calibration run stored");
    Ok(run.into())
}

/// The most runs the list holds.
pub const MAX_LISTED_RUNS: u64 = 100;

/// A calibration run in the list: what it is, without its estimates.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunSummary {
    pub id: Uuid,
    pub model: String,
    pub n_persons: i64,
    pub n_items: i32,
    pub converged: bool,
    pub created_at: DateTime<Utc>,
    pub applied_at: Option<DateTime<Utc>>,
}

/// The latest [`MAX_LISTED_RUNS`] runs, newest first.
pub async fn list_runs(state: &AppState) -> Result<Vec<RunSummary>, ApiError> {
    Ok(store::latest_runs(&state.db, MAX_LISTED_RUNS)
        .await?
        .into_iter()
        .map(|r| RunSummary {
            id: r.id,
            model: r.model,
            n_persons: r.n_persons,
            n_items: r.n_items,
            converged: r.converged,
            created_at: r.created_at,
            applied_at: r.applied_at,
        })
        .collect())
}

/// The picture of a run: each estimated item's parameters before the run against the run's (anchors,
/// held at their values, left out). A run stored without `before` is drawn against the items' current
/// parameters.
pub async fn picture(
    state: &AppState,
    id: Uuid,
    lang: crate::lang::Lang,
) -> Result<String, ApiError> {
    let run = store::run(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound("calibration run"))?;
    // Each estimated item (anchors are held at their values) with its (id, version).
    let estimated: Vec<(&serde_json::Value, (String, i32))> = run
        .estimates
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["anchor"].as_bool() != Some(true))
        .filter_map(|e| {
            let key = (
                e["id"].as_str()?.to_owned(),
                i32::try_from(e["version"].as_i64()?).ok()?,
            );
            Some((e, key))
        })
        .collect();
    let keys: Vec<(String, i32)> = estimated.iter().map(|(_, key)| key.clone()).collect();
    let current = store::current_params(&state.db, &keys).await?;
    let changes: Vec<crate::plot::calibration::Change> = estimated
        .iter()
        .filter_map(|(e, key)| {
            let after: irt::ItemParams = serde_json::from_value(e["params"].clone()).ok()?;
            let before = match serde_json::from_value(e["before"].clone()) {
                Ok(before) => before,
                Err(_) => current.get(key)?.params.clone(),
            };
            Some(crate::plot::calibration::Change { before, after })
        })
        .collect();
    Ok(crate::plot::calibration::svg(&changes, lang))
}

pub async fn get_run(state: &AppState, id: Uuid) -> Result<RunView, ApiError> {
    Ok(store::run(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound("calibration run"))?
        .into())
}

/// Applies a converged run once: every item it estimated (anchors excepted) takes the run's parameters
/// and becomes `calibrated`, with the run as provenance; each change of parameters is audited.
pub async fn apply(state: &AppState, actor: &Principal, id: Uuid) -> Result<RunView, ApiError> {
    let run = store::run(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound("calibration run"))?;
    if !run.converged {
        return Err(ApiError::conflict(
            ErrorCode::NotConverged,
            "a run that did not converge cannot be applied",
        ));
    }
    let now = crate::store::now();
    let txn = crate::store::begin(&state.writer).await?;
    if !store::mark_applied(&txn, id, now).await? {
        txn.rollback().await?;
        return Err(ApiError::conflict(
            ErrorCode::AlreadyApplied,
            "this run was applied already",
        ));
    }
    for e in run.estimates.as_array().into_iter().flatten() {
        if e["anchor"].as_bool() == Some(true) {
            continue;
        }
        let (Some(item), Some(version)) = (e["id"].as_str(), e["version"].as_i64()) else {
            continue;
        };
        let key = (item.to_owned(), version as i32);
        let before = store::param_rows(&txn, std::slice::from_ref(&key))
            .await?
            .remove(&key)
            .map(|p| p.params);
        store::set_params(&txn, &key, e["params"].clone(), id, now).await?;
        crate::store::audit::append(
            &txn,
            crate::store::audit::Change {
                actor: &actor.subject,
                action: "calibrate",
                entity: "parameters",
                entity_id: format!("{item}@{version}"),
                before,
                after: Some(serde_json::json!({"params": e["params"], "run": id})),
            },
            now,
        )
        .await?;
    }
    txn.commit().await?;
    tracing::info!(run = %id, "calibration run applied");
    get_run(state, id).await
}
