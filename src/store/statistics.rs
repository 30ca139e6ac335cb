//! The responses behind item statistics: finished sessions only (an unfinished session's answers may still
//! change, and an abandoned one says nothing of the item).

use std::collections::{BTreeMap, HashMap};

use sea_orm::{
    ColumnTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, RelationTrait,
    Statement,
};
use uuid::Uuid;

use super::entity::{candidate, graded_response, registration, session, session_item};
use super::status::SessionStatus;
use super::{Connection, ItemKey};

pub use super::calibration::ResponseRow;

/// Per item version: (responses, correct ones).
pub async fn counts(
    db: &impl Connection,
    keys: &[ItemKey],
) -> Result<HashMap<ItemKey, (u64, u64)>, sea_orm::DbErr> {
    let mut out: HashMap<ItemKey, (u64, u64)> = HashMap::new();
    for versions in super::version_keys(
        session_item::Column::ItemId,
        session_item::Column::ItemVersion,
        keys,
    ) {
        let rows: Vec<(String, i32, bool)> = graded_response::Entity::find()
            .select_only()
            .column(session_item::Column::ItemId)
            .column(session_item::Column::ItemVersion)
            .column(graded_response::Column::Correct)
            .join(
                JoinType::InnerJoin,
                graded_response::Relation::SessionItem.def(),
            )
            .join(JoinType::InnerJoin, session_item::Relation::Session.def())
            .filter(session::Column::Status.eq(SessionStatus::Finished))
            .filter(versions)
            .into_tuple()
            .all(db)
            .await?;
        for (id, version, correct) in rows {
            let c = out.entry((id, version)).or_default();
            c.0 += 1;
            c.1 += u64::from(correct);
        }
    }
    Ok(out)
}

/// Every graded response of the finished sessions that held `key`, by session: the item's and the rest.
pub async fn responses_with(
    db: &impl Connection,
    key: &ItemKey,
) -> Result<Vec<ResponseRow>, sea_orm::DbErr> {
    let holders = sessions_with(db, key).await?;
    if holders.is_empty() {
        return Ok(Vec::new());
    }
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
        .filter(graded_response::Column::SessionId.is_in(holders))
        .order_by_asc(graded_response::Column::SessionId)
        .into_tuple()
        .all(db)
        .await
}

/// The finished sessions that held `key`.
async fn sessions_with(db: &impl Connection, key: &ItemKey) -> Result<Vec<Uuid>, sea_orm::DbErr> {
    session_item::Entity::find()
        .select_only()
        .column(session_item::Column::SessionId)
        .join(JoinType::InnerJoin, session_item::Relation::Session.def())
        .filter(session::Column::Status.eq(SessionStatus::Finished))
        .filter(session_item::Column::ItemId.eq(key.0.clone()))
        .filter(session_item::Column::ItemVersion.eq(key.1))
        .into_tuple()
        .all(db)
        .await
}

/// How often each option of `key` (by the author's option id) was the final answer in a finished
/// session; `""` counts the sessions that left it unanswered.
pub async fn option_counts(
    db: &impl Connection,
    key: &ItemKey,
) -> Result<BTreeMap<String, u64>, sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let p = super::bind(backend);
    let sql = format!(
        "SELECT si.session_id, si.option_order, \
         (SELECT re.answer FROM response_events re WHERE re.session_id = si.session_id \
          AND re.position = si.position ORDER BY re.received_at DESC, re.id DESC LIMIT 1) AS answer \
         FROM session_items si JOIN sessions s ON s.id = si.session_id \
         WHERE si.item_id = {} AND si.item_version = {} AND s.status = '{}'",
        p(1),
        p(2),
        super::status::word(SessionStatus::Finished)
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [key.0.clone().into(), key.1.into()],
        ))
        .await?;
    let mut out = BTreeMap::new();
    for row in rows {
        let order: serde_json::Value = row.try_get("", "option_order")?;
        let answer: Option<serde_json::Value> = row.try_get("", "answer")?;
        let chosen = answer
            .as_ref()
            .and_then(|a| a.get("choice"))
            .and_then(|c| c.as_str())
            .and_then(item_bank::grading::option_index)
            .and_then(|i| order.get(i))
            .and_then(|o| o.as_str())
            .unwrap_or("")
            .to_owned();
        *out.entry(chosen).or_insert(0) += 1;
    }
    Ok(out)
}

/// Per blueprint, the share of its forms that held the item `id` (any version).
pub async fn exposure(
    db: &impl Connection,
    id: &str,
) -> Result<BTreeMap<String, f64>, sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let p = super::bind(backend);
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT e.blueprint_id, e.forms AS held, f.forms AS drawn FROM item_exposure e \
                 JOIN blueprint_forms f ON f.blueprint_id = e.blueprint_id WHERE e.item_id = {}",
                p(1)
            ),
            [id.into()],
        ))
        .await?;
    let mut out = BTreeMap::new();
    for row in rows {
        let held: i64 = row.try_get("", "held")?;
        let drawn: i64 = row.try_get("", "drawn")?;
        if drawn > 0 {
            out.insert(row.try_get("", "blueprint_id")?, held as f64 / drawn as f64);
        }
    }
    Ok(out)
}

/// The citizenship of each session's candidate, where the candidate gave one.
pub async fn citizenships(
    db: &impl Connection,
    sessions: &[Uuid],
) -> Result<HashMap<Uuid, String>, sea_orm::DbErr> {
    if sessions.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, Option<String>)> = session::Entity::find()
        .select_only()
        .column(session::Column::Id)
        .column(candidate::Column::Citizenship)
        .join(JoinType::InnerJoin, session::Relation::Registration.def())
        .join(JoinType::InnerJoin, registration::Relation::Candidate.def())
        .filter(session::Column::Id.is_in(sessions.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(s, c)| Some((s, c?)))
        .collect())
}
