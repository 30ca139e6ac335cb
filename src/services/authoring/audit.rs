//! Reading and checking the audit log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;
use crate::services::AppState;
use crate::store::audit::{self as store, AuditRecord, Break, EntityIds};

/// The most records a page holds.
pub const MAX_PAGE: u64 = 500;

/// Which records to read.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// `item`, `blueprint`, `media`, `parameters` or `candidate`.
    #[param(value_type = Option<crate::domain::schema::OneLine>)]
    pub entity: Option<String>,
    /// The entity's id: `<item id>@<version>` for an item version, or the item id for all its versions.
    #[param(value_type = Option<crate::domain::schema::OneLine>)]
    pub id: Option<String>,
    /// Records after this `seq` (for paging).
    pub after: Option<i64>,
    /// At most this many, 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

/// One audit record.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before_digest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_digest: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl From<AuditRecord> for AuditView {
    fn from(r: AuditRecord) -> Self {
        AuditView {
            seq: r.seq,
            at: r.at,
            actor: r.actor,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            before_digest: r.before_digest,
            after_digest: r.after_digest,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// Audit records, oldest first. An item id without `@version` selects every version of the item.
pub async fn records(state: &AppState, q: AuditQuery) -> Result<Vec<AuditView>, ApiError> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::Validation(format!(
            "limit lies between 1 and {MAX_PAGE}"
        )));
    }
    let prefix;
    let ids = match q.id.as_deref() {
        None => EntityIds::All,
        Some(id) if q.entity.as_deref() == Some("item") && !id.contains('@') => {
            prefix = format!("{id}@");
            EntityIds::StartingWith(&prefix)
        }
        Some(id) => EntityIds::Exactly(id),
    };
    let rows = store::records(
        &state.db,
        q.entity.as_deref(),
        ids,
        q.after.unwrap_or(0),
        limit,
    )
    .await?;
    Ok(rows.into_iter().map(AuditView::from).collect())
}

/// What `synaq audit verify` reports.
#[derive(Debug, Serialize)]
pub struct Verification {
    pub records: usize,
    /// The last record's hash: keep it elsewhere; a later chain must still contain it.
    pub last_hash: String,
    /// The first record that breaks the chain, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_break: Option<Break>,
}

/// Checks the whole chain.
pub async fn verify(db: &impl crate::store::Connection) -> anyhow::Result<Verification> {
    let all = store::all(db).await?;
    Ok(Verification {
        records: all.len(),
        last_hash: all
            .last()
            .map_or(store::GENESIS.to_owned(), |r| r.hash.clone()),
        first_break: store::first_break(&all),
    })
}
