//! The item lifecycle: `draft → review → approved → pretest | operational → retired`, and `review →
//! draft` to send an item back. Every move carries a comment and is recorded in the item's history and the
//! audit log.
//!
//! - Approval takes four eyes: the author who approves is not the one who sent the version to review.
//! - Only `pretest` and `operational` versions are drawn onto forms (pretest ones into pretest slots only,
//!   where their answers count for nothing and feed the calibration runs); `pretest → operational` puts a
//!   calibrated item into scoring.
//! - A version that goes live retires the item's older live version: a form draws one version of an item.
//! - Retiring the live version of an item is refused when a stored blueprint (the latest version of each)
//!   could fill its forms with the item and no longer without it; the refusal names what the blueprint
//!   would miss.

use item_bank::assembly::feasibility_problems;
use serde::Deserialize;
use utoipa::ToSchema;

use super::items::{ItemDetail, detail};
use super::version_id;
use crate::auth::Principal;
use crate::domain::Reason;
use crate::error::{ApiError, ErrorCode};
use crate::services::AppState;
use crate::store::audit::{self, Change};
use crate::store::items::{self as store, ItemRow};
use crate::store::status::{ItemStatus, word};
use crate::store::{Transaction, bank};

/// A move of an item's latest version.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// The state to move to.
    pub to: ItemStatus,
    /// Why, for the history: 1 to 1000 characters.
    #[schema(value_type = crate::domain::Reason)]
    pub comment: String,
}

/// Whether the lifecycle has the move `from → to`.
pub fn is_allowed(from: ItemStatus, to: ItemStatus) -> bool {
    use ItemStatus::*;
    matches!(
        (from, to),
        (Draft, Review)
            | (Review, Draft)
            | (Review, Approved)
            | (Approved, Pretest)
            | (Approved, Operational)
            | (Approved, Retired)
            | (Pretest, Operational)
            | (Pretest, Retired)
            | (Operational, Retired)
    )
}

/// Moves the item's latest version to `request.to` (see the module documentation for the rules).
pub async fn transition(
    state: &AppState,
    actor: &Principal,
    id: &str,
    request: TransitionRequest,
) -> Result<ItemDetail, ApiError> {
    let comment = Reason::parse(&request.comment)?;
    let latest = store::latest(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound("item"))?;
    let (from, to) = (latest.status, request.to);
    if !is_allowed(from, to) {
        return Err(ApiError::conflict(
            ErrorCode::InvalidTransition,
            format!(
                "version {} is {}: it cannot move to {}",
                latest.version,
                word(from),
                word(to)
            ),
        ));
    }
    if to == ItemStatus::Approved {
        require_second_author(state, &latest, &actor.subject).await?;
    }
    if to == ItemStatus::Retired && matches!(from, ItemStatus::Pretest | ItemStatus::Operational) {
        require_not_needed(state, &latest).await?;
    }
    if matches!(to, ItemStatus::Pretest | ItemStatus::Operational) {
        let item = latest.item()?;
        if let Some(why) = item.item_type.live_blocker() {
            return Err(ApiError::conflict(ErrorCode::NotDeliverable, why));
        }
        super::items::validate(state, &item).await?;
    }
    let now = crate::store::now();
    let txn = crate::store::begin(&state.writer).await?;
    move_version(&txn, &latest, to, &actor.subject, comment.as_str(), now).await?;
    if matches!(to, ItemStatus::Pretest | ItemStatus::Operational) && from == ItemStatus::Approved {
        for older in store::versions(&txn, id).await? {
            if older.version < latest.version
                && matches!(older.status, ItemStatus::Pretest | ItemStatus::Operational)
            {
                let why = format!("superseded by version {}", latest.version);
                move_version(&txn, &older, ItemStatus::Retired, &actor.subject, &why, now).await?;
            }
        }
    }
    txn.commit().await?;
    detail(state, id).await
}

/// Moves one version, records the move and audits it, in `txn`; a version moved meanwhile is a conflict.
async fn move_version(
    txn: &Transaction,
    row: &ItemRow,
    to: ItemStatus,
    actor: &str,
    comment: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    if !store::set_status(txn, &row.id, row.version, row.status, to).await? {
        return Err(ApiError::conflict(
            ErrorCode::VersionConflict,
            "the item was moved meanwhile",
        ));
    }
    store::add_transition(
        txn,
        &row.id,
        row.version,
        Some(row.status),
        to,
        actor,
        comment,
        now,
    )
    .await?;
    let state_of =
        |status: ItemStatus| serde_json::json!({"status": word(status), "item": row.body});
    audit::append(
        txn,
        Change {
            actor,
            action: "transition",
            entity: "item",
            entity_id: version_id(&row.id, row.version as u32),
            before: Some(state_of(row.status)),
            after: Some(state_of(to)),
        },
        now,
    )
    .await?;
    Ok(())
}

/// Refuses an approval by the author who sent the version to review.
async fn require_second_author(
    state: &AppState,
    row: &ItemRow,
    approver: &str,
) -> Result<(), ApiError> {
    let sent_by = store::transitions(&state.db, &row.id)
        .await?
        .into_iter()
        .rev()
        .find(|t| t.item_version == row.version && t.to_status == ItemStatus::Review)
        .map(|t| t.actor);
    if sent_by.as_deref() == Some(approver) {
        return Err(ApiError::conflict(
            ErrorCode::SameAuthor,
            "you sent this version to review: another author approves it",
        ));
    }
    Ok(())
}

/// Refuses to retire a live version that some stored blueprint cannot do without.
async fn require_not_needed(state: &AppState, row: &ItemRow) -> Result<(), ApiError> {
    let blueprints: Vec<_> = bank::latest_blueprints(&state.db)
        .await?
        .into_iter()
        .filter(|bp| bp.sections.iter().any(|s| s.id == row.section))
        .collect();
    // The live bank of every section these blueprints draw from, read once: the feasibility check
    // takes each section's items from it.
    let mut sections: Vec<String> = blueprints
        .iter()
        .flat_map(|bp| bp.sections.iter().map(|s| s.id.clone()))
        .collect();
    sections.sort();
    sections.dedup();
    let items = bank::active_items(&state.db, &sections).await?;
    let without: Vec<_> = items.iter().filter(|i| i.id != row.id).cloned().collect();
    let mut reports = Vec::new();
    for bp in blueprints {
        if !feasibility_problems(&bp, &items).is_empty() {
            continue;
        }
        let problems = feasibility_problems(&bp, &without);
        if !problems.is_empty() {
            reports.push(format!("{}: {}", bp.id, problems.join("; ")));
        }
    }
    if reports.is_empty() {
        Ok(())
    } else {
        Err(ApiError::conflict(
            ErrorCode::ItemRequired,
            format!("without {}: {}", row.id, reports.join(" | ")),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lifecycle_has_exactly_its_moves() {
        use ItemStatus::*;
        let all = [Draft, Review, Approved, Pretest, Operational, Retired];
        let moves: Vec<(ItemStatus, ItemStatus)> = all
            .iter()
            .flat_map(|&f| all.iter().map(move |&t| (f, t)))
            .filter(|&(f, t)| is_allowed(f, t))
            .collect();
        assert_eq!(moves.len(), 9);
        assert!(!is_allowed(Draft, Approved), "no approval without review");
        assert!(!is_allowed(Draft, Operational));
        assert!(!is_allowed(Retired, Operational), "retired for good");
        assert!(
            !is_allowed(Operational, Draft),
            "a used version is never a draft again"
        );
        assert!(all.iter().all(|&s| !is_allowed(s, s)));
    }
}
