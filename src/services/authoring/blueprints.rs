//! Blueprints for authors: list, read, and save a new blueprint or a new version of one, refused when it
//! is malformed or when the bank cannot fill it.

use item_bank::assembly::{derive_target, feasibility_problems};
use item_bank::bank::Blueprint;

use crate::auth::Principal;
use crate::error::{ApiError, ErrorCode};
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
