//! Item parameters with their provenance, the responses calibration reads, and calibration runs.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use item_bank::bank::{Item, ItemIrt};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait, Set, sea_query::Expr,
};
use uuid::Uuid;

use super::entity::{calibration_run, graded_response, item, item_param, session, session_item};
use super::status::{ItemStatus, ParamStatus};

pub use calibration_run::Model as CalibrationRun;

/// Gives every item version without parameters of its own the parameters its author wrote, as
/// provisional. Run at start-up, after an import.
pub async fn ensure_params(db: &impl super::Writer) -> anyhow::Result<usize> {
    let known: Vec<(String, i32)> = item_param::Entity::find()
        .select_only()
        .column(item_param::Column::ItemId)
        .column(item_param::Column::ItemVersion)
        .into_tuple()
        .all(db)
        .await?;
    let known: std::collections::HashSet<(String, i32)> = known.into_iter().collect();
    let mut added = 0;
    for row in item::Entity::find().all(db).await? {
        if known.contains(&(row.id.clone(), row.version)) {
            continue;
        }
        let it: Item = serde_json::from_value(row.body)?;
        item_param::Entity::insert(item_param::ActiveModel {
            item_id: Set(row.id),
            item_version: Set(row.version),
            params: Set(serde_json::to_value(&it.irt.params)?),
            status: Set(it.irt.status.into()),
            calibration_run_id: Set(None),
            updated_at: Set(super::now()),
        })
        .exec(db)
        .await?;
        added += 1;
    }
    Ok(added)
}

/// The stored parameter rows (with their status and the run that set them) of the item versions named.
pub async fn param_rows(
    db: &impl ConnectionTrait,
    keys: &[(String, i32)],
) -> Result<HashMap<(String, i32), item_param::Model>, sea_orm::DbErr> {
    let mut rows = HashMap::with_capacity(keys.len());
    for cond in super::version_keys(
        item_param::Column::ItemId,
        item_param::Column::ItemVersion,
        keys,
    ) {
        let chunk = item_param::Entity::find().filter(cond).all(db).await?;
        rows.extend(
            chunk
                .into_iter()
                .map(|r| ((r.item_id.clone(), r.item_version), r)),
        );
    }
    Ok(rows)
}

/// The current parameters of the item versions named.
pub async fn current_params(
    db: &impl ConnectionTrait,
    keys: &[(String, i32)],
) -> anyhow::Result<HashMap<(String, i32), ItemIrt>> {
    param_rows(db, keys)
        .await?
        .into_iter()
        .map(|(key, r)| {
            let irt = ItemIrt {
                params: serde_json::from_value(r.params)?,
                status: r.status.into(),
            };
            Ok((key, irt))
        })
        .collect()
}

/// The current parameters of every active item version of these sections.
pub async fn active_params(
    db: &impl ConnectionTrait,
    sections: &[String],
) -> anyhow::Result<HashMap<(String, i32), ItemIrt>> {
    if sections.is_empty() {
        return Ok(HashMap::new());
    }
    let backend = db.get_database_backend();
    let p = super::bind(backend);
    let marks: Vec<String> = (1..=sections.len()).map(p).collect();
    let sql = format!(
        "SELECT p.item_id, p.item_version, p.params, p.status FROM item_params p \
         JOIN items i ON i.id = p.item_id AND i.version = p.item_version \
         WHERE i.status IN ('{}', '{}') AND i.section IN ({})",
        super::status::word(ItemStatus::Pretest),
        super::status::word(ItemStatus::Operational),
        marks.join(", ")
    );
    let values: Vec<sea_orm::Value> = sections.iter().map(|s| s.as_str().into()).collect();
    let rows = db
        .query_all_raw(sea_orm::Statement::from_sql_and_values(
            backend, sql, values,
        ))
        .await?;
    rows.into_iter()
        .map(|row| {
            let params: serde_json::Value = row.try_get("", "params")?;
            let status: ParamStatus = row.try_get("", "status")?;
            let irt = ItemIrt {
                params: serde_json::from_value(params)?,
                status: status.into(),
            };
            Ok((
                (
                    row.try_get("", "item_id")?,
                    row.try_get("", "item_version")?,
                ),
                irt,
            ))
        })
        .collect()
}

/// One scored response of a finished session: (session, item id, item version, credit).
pub type ResponseRow = (Uuid, String, i32, f64);

/// The graded responses of every finished session, pretest items included, ordered by session.
pub async fn finished_responses(
    db: &impl ConnectionTrait,
) -> Result<Vec<ResponseRow>, sea_orm::DbErr> {
    graded_query().into_tuple().all(db).await
}

/// The graded responses of the finished sessions of one sitting, ordered by session.
pub async fn sitting_responses(
    db: &impl ConnectionTrait,
    sitting_id: Uuid,
) -> Result<Vec<ResponseRow>, sea_orm::DbErr> {
    graded_query()
        .join(JoinType::InnerJoin, session::Relation::Registration.def())
        .filter(super::entity::registration::Column::SittingId.eq(sitting_id))
        .into_tuple()
        .all(db)
        .await
}

/// Graded responses of finished sessions as (session, item id, item version, credit), by session.
fn graded_query() -> sea_orm::Select<graded_response::Entity> {
    graded_response::Entity::find()
        .select_only()
        .column(graded_response::Column::SessionId)
        .column(session_item::Column::ItemId)
        .column(session_item::Column::ItemVersion)
        .column(graded_response::Column::Credit)
        .join(
            JoinType::InnerJoin,
            graded_response::Relation::SessionItem.def(),
        )
        .join(JoinType::InnerJoin, session_item::Relation::Session.def())
        .filter(session::Column::Status.eq(super::status::SessionStatus::Finished))
        .order_by_asc(graded_response::Column::SessionId)
}

pub async fn insert_run(
    db: &impl super::Writer,
    run: CalibrationRun,
) -> Result<(), sea_orm::DbErr> {
    calibration_run::Entity::insert(calibration_run::ActiveModel::from(run))
        .exec(db)
        .await?;
    Ok(())
}

/// The latest `limit` runs, newest first.
pub async fn latest_runs(
    db: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<CalibrationRun>, sea_orm::DbErr> {
    calibration_run::Entity::find()
        .order_by_desc(calibration_run::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await
}

pub async fn run(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<CalibrationRun>, sea_orm::DbErr> {
    calibration_run::Entity::find_by_id(id).one(db).await
}

/// Marks a run applied if it was not; `true` for the one caller that did.
pub async fn mark_applied(
    db: &impl super::Writer,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let res = calibration_run::Entity::update_many()
        .col_expr(calibration_run::Column::AppliedAt, Expr::value(now))
        .filter(calibration_run::Column::Id.eq(id))
        .filter(calibration_run::Column::AppliedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Sets an item version's parameters from a run.
pub async fn set_params(
    db: &impl super::Writer,
    key: &(String, i32),
    params: serde_json::Value,
    run_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    item_param::Entity::update_many()
        .col_expr(item_param::Column::Params, Expr::value(params))
        .col_expr(
            item_param::Column::Status,
            Expr::value(ParamStatus::Calibrated),
        )
        .col_expr(item_param::Column::CalibrationRunId, Expr::value(run_id))
        .col_expr(item_param::Column::UpdatedAt, Expr::value(now))
        .filter(item_param::Column::ItemId.eq(key.0.clone()))
        .filter(item_param::Column::ItemVersion.eq(key.1))
        .exec(db)
        .await?;
    Ok(())
}
