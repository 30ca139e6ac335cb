//! Graded responses, results, certificates and the results feed.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, Statement, sea_query::Expr,
};
use uuid::Uuid;

use super::entity::{certificate, feed_event, graded_response, result};

pub use certificate::Model as Certificate;
pub use feed_event::Model as FeedEvent;
pub use result::Model as SessionResult;

pub use super::status::{CertificateStatus, FeedEventType};

/// One graded response as stored.
pub struct GradedRow {
    pub position: i32,
    pub response_event_id: Option<Uuid>,
    pub credit: f64,
    pub correct: bool,
    pub detail: Option<serde_json::Value>,
}

/// Stores the grades of a session's responses.
pub async fn insert_grades(
    db: &impl super::Writer,
    session_id: Uuid,
    rows: Vec<GradedRow>,
) -> Result<(), sea_orm::DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    graded_response::Entity::insert_many(rows.into_iter().map(|r| graded_response::ActiveModel {
        session_id: Set(session_id),
        position: Set(r.position),
        response_event_id: Set(r.response_event_id),
        credit: Set(r.credit),
        correct: Set(r.correct),
        detail: Set(r.detail),
    }))
    .exec(db)
    .await?;
    Ok(())
}

pub async fn insert_result(
    db: &impl super::Writer,
    row: SessionResult,
) -> Result<(), sea_orm::DbErr> {
    result::Entity::insert(result::ActiveModel::from(row))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn result(
    db: &impl ConnectionTrait,
    session_id: Uuid,
) -> Result<Option<SessionResult>, sea_orm::DbErr> {
    result::Entity::find_by_id(session_id).one(db).await
}

/// The results of these sessions, by session.
pub async fn results_of(
    db: &impl ConnectionTrait,
    session_ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, SessionResult>, sea_orm::DbErr> {
    Ok(result::Entity::find()
        .filter(result::Column::SessionId.is_in(session_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.session_id, r))
        .collect())
}

/// The certificates of these sessions, by session.
pub async fn certificates_of(
    db: &impl ConnectionTrait,
    session_ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Certificate>, sea_orm::DbErr> {
    Ok(certificate::Entity::find()
        .filter(certificate::Column::SessionId.is_in(session_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.session_id, c))
        .collect())
}

pub async fn insert_certificate(
    db: &impl super::Writer,
    row: Certificate,
) -> Result<(), sea_orm::DbErr> {
    certificate::Entity::insert(certificate::ActiveModel::from(row))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn certificate(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<Certificate>, sea_orm::DbErr> {
    certificate::Entity::find_by_id(id).one(db).await
}

pub async fn certificate_for_session(
    db: &impl ConnectionTrait,
    session_id: Uuid,
) -> Result<Option<Certificate>, sea_orm::DbErr> {
    certificate::Entity::find()
        .filter(certificate::Column::SessionId.eq(session_id))
        .one(db)
        .await
}

/// Marks a valid certificate revoked; `true` for the one caller that did.
pub async fn mark_revoked(
    db: &impl super::Writer,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let res = certificate::Entity::update_many()
        .col_expr(
            certificate::Column::Status,
            Expr::value(CertificateStatus::Revoked),
        )
        .col_expr(certificate::Column::RevokedAt, Expr::value(now))
        .col_expr(certificate::Column::RevocationReason, Expr::value(reason))
        .filter(certificate::Column::Id.eq(id))
        .filter(certificate::Column::Status.eq(CertificateStatus::Valid))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Appends an event to the results feed, inside the caller's transaction.
///
/// Readers page by sequence number, so a sequence number must never become visible after a larger one:
/// on PostgreSQL, appends take a transaction-scoped advisory lock and so commit in sequence order
/// (appends are one per finished session or revocation, so the lock costs nothing measurable). SQLite
/// has one writer at a time already.
pub async fn append_feed(
    txn: &impl super::Writer,
    certificate_id: Uuid,
    event_type: FeedEventType,
    issued_at: DateTime<Utc>,
    jws: &str,
) -> Result<(), sea_orm::DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(727001)",
        ))
        .await?;
    }
    feed_event::Entity::insert(feed_event::ActiveModel {
        seq: sea_orm::NotSet,
        certificate_id: Set(certificate_id),
        event_type: Set(event_type),
        issued_at: Set(issued_at),
        jws: Set(jws.to_owned()),
    })
    .exec(txn)
    .await?;
    Ok(())
}

/// Up to `limit` feed events after sequence number `after`, oldest first.
pub async fn feed(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> Result<Vec<FeedEvent>, sea_orm::DbErr> {
    feed_event::Entity::find()
        .filter(feed_event::Column::Seq.gt(after))
        .order_by_asc(feed_event::Column::Seq)
        .limit(limit)
        .all(db)
        .await
}

/// Records what a review made of a session's result.
pub async fn set_review_status(
    db: &impl super::Writer,
    session_id: Uuid,
    status: super::status::ReviewStatus,
) -> Result<(), sea_orm::DbErr> {
    result::Entity::update_many()
        .col_expr(result::Column::ReviewStatus, Expr::value(status))
        .filter(result::Column::SessionId.eq(session_id))
        .exec(db)
        .await?;
    Ok(())
}
