//! Blueprints for authors: list, read, and save a new blueprint or a new version of one, refused when it
//! is malformed or when the bank cannot fill it; a blueprint's feasibility report against the live bank,
//! and the picture of a simulation of its forms.

use item_bank::assembly::{
    SimulationOptions, derive_target, feasibility_problems, latest_versions, simulate,
};
use item_bank::bank::Blueprint;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Principal;
use crate::error::{ApiError, ErrorCode};
use crate::lang::Lang;
use crate::services::AppState;
use crate::store::audit::{self, Change};
use crate::store::bank;

pub async fn list(state: &AppState) -> Result<Vec<Blueprint>, ApiError> {
    Ok(bank::latest_blueprints(&state.db).await?)
}

pub async fn get(state: &AppState, id: &str, version: Option<i32>) -> Result<Blueprint, ApiError> {
    bank::blueprint(&state.db, id, version)
        .await?
        .ok_or(ApiError::NotFound("blueprint"))
}

/// Saves a blueprint version. Its version must be the next after the latest stored (1 for a new id), and
/// the bank must be able to carry it: every unmet constraint is named in the error. A version without a
/// parallel-forms target is stored with one derived from the bank's active items.
pub async fn save(
    state: &AppState,
    actor: &Principal,
    mut bp: Blueprint,
) -> Result<Blueprint, ApiError> {
    bp.validate().map_err(ApiError::Validation)?;
    let latest = bank::blueprint(&state.db, &bp.id, None)
        .await?
        .map_or(0, |b| b.version);
    if bp.version != latest + 1 {
        return Err(ApiError::conflict(
            ErrorCode::VersionConflict,
            format!("the next version of {} is {}", bp.id, latest + 1),
        ));
    }
    let sections: Vec<String> = bp.sections.iter().map(|s| s.id.clone()).collect();
    let items = bank::active_items(&state.db, &sections).await?;
    let problems = feasibility_problems(&bp, &items);
    if !problems.is_empty() {
        return Err(ApiError::conflict(
            ErrorCode::BlueprintInfeasible,
            problems.join("; "),
        ));
    }
    if bp.target.is_none() {
        bp.target = Some(derive_target(&bp, &items));
    }
    let txn = crate::store::begin(&state.writer).await?;
    if !bank::insert_blueprint(&txn, &bp).await? {
        return Err(ApiError::conflict(
            ErrorCode::VersionConflict,
            "that version was saved meanwhile",
        ));
    }
    audit::append(
        &txn,
        Change {
            actor: &actor.subject,
            action: "create",
            entity: "blueprint",
            entity_id: format!("{}@{}", bp.id, bp.version),
            before: None,
            after: Some(serde_json::to_value(&bp).map_err(|e| ApiError::Internal(e.into()))?),
        },
        crate::store::now(),
    )
    .await?;
    txn.commit().await?;
    Ok(bp)
}

/// The most forms one simulation draws (a simulation holds a worker thread while it runs).
pub const MAX_SIMULATED_FORMS: usize = 500;
/// Forms drawn when the author does not say.
pub const DEFAULT_SIMULATED_FORMS: usize = 100;
/// Simulated candidates per form.
const CANDIDATES_PER_FORM: usize = 10;

/// Whether the live bank can carry a blueprint, and what it has for each section.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeasibilityView {
    pub blueprint: String,
    pub version: u32,
    /// No constraint is unmet (a necessary check: the simulation shows whether forms draw).
    pub feasible: bool,
    /// Every unmet constraint, as a sentence an author can act on.
    pub problems: Vec<String>,
    pub sections: Vec<SectionSupply>,
}

/// A section's needs against the live items of its section.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectionSupply {
    pub id: String,
    /// Scored items a form holds.
    pub items: u32,
    /// Pretest slots a form holds.
    pub pretest: u32,
    /// Operational items of the section in the bank (latest live version of each).
    pub operational_items: usize,
    /// Pretest items of the section in the bank.
    pub pretest_items: usize,
}

/// The live items of a blueprint's sections, with their current parameters.
async fn live_bank(
    state: &AppState,
    bp: &Blueprint,
) -> Result<std::sync::Arc<[std::sync::Arc<item_bank::bank::Item>]>, ApiError> {
    let sections: Vec<String> = bp.sections.iter().map(|s| s.id.clone()).collect();
    Ok(state.items.active(&state.db, &sections).await?)
}

/// The feasibility report of a blueprint version (the latest when `version` is absent) against the live
/// bank: the check a save and a retirement make, with every problem named.
pub async fn feasibility(
    state: &AppState,
    id: &str,
    version: Option<i32>,
) -> Result<FeasibilityView, ApiError> {
    let bp = get(state, id, version).await?;
    let items = live_bank(state, &bp).await?;
    let problems = feasibility_problems(&bp, items.iter().map(AsRef::as_ref));
    let latest = latest_versions(items.iter().map(AsRef::as_ref));
    let sections = bp
        .sections
        .iter()
        .map(|spec| {
            let of_section = || latest.iter().filter(|i| i.section == spec.id);
            SectionSupply {
                id: spec.id.clone(),
                items: spec.items,
                pretest: spec.pretest,
                operational_items: of_section().filter(|i| !i.pretest).count(),
                pretest_items: of_section().filter(|i| i.pretest).count(),
            }
        })
        .collect();
    Ok(FeasibilityView {
        blueprint: bp.id.clone(),
        version: bp.version,
        feasible: problems.is_empty(),
        problems,
        sections,
    })
}

/// The picture of `forms` forms of the blueprint's latest version drawn from the live bank as the
/// service draws them (exposure fed back), with simulated candidates: each section's test
/// characteristic curves against the target, and exposure. `forms` is 1 to [`MAX_SIMULATED_FORMS`].
pub async fn simulation_picture(
    state: &AppState,
    id: &str,
    forms: usize,
    seed: u64,
    lang: Lang,
) -> Result<String, ApiError> {
    if !(1..=MAX_SIMULATED_FORMS).contains(&forms) {
        return Err(ApiError::Validation(format!(
            "forms lies between 1 and {MAX_SIMULATED_FORMS}"
        )));
    }
    let bp = get(state, id, None).await?;
    let items = live_bank(state, &bp).await?;
    let options = SimulationOptions {
        forms,
        candidates_per_form: CANDIDATES_PER_FORM,
        seed,
        ..SimulationOptions::default()
    };
    tokio::task::spawn_blocking(move || {
        let report = simulate(&bp, items.iter().map(AsRef::as_ref), &options);
        crate::plot::simulation::svg(&report, lang)
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))
}
