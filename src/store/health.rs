//! What the operations routes read of the database: sessions by status and the sweeper's backlog, for
//! `/metrics`.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveEnum, ConnectionTrait, EntityTrait, Iterable, QuerySelect};

use super::entity::session;
use super::status::SessionStatus;

/// How many sessions are in each status, every status listed (zero included), in one grouped query.
pub async fn sessions_by_status(
    db: &impl ConnectionTrait,
) -> Result<Vec<(String, i64)>, sea_orm::DbErr> {
    let counted: Vec<(SessionStatus, i64)> = session::Entity::find()
        .select_only()
        .column(session::Column::Status)
        .column_as(Expr::col(session::Column::Id).count(), "n")
        .group_by(session::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    Ok(SessionStatus::iter()
        .map(|status| {
            let n = counted
                .iter()
                .find(|(s, _)| *s == status)
                .map_or(0, |(_, n)| *n);
            (status.to_value(), n)
        })
        .collect())
}

/// The earliest deadline, before `cutoff`, of a section the sweeper has still to close.
pub async fn earliest_overdue_deadline(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, sea_orm::DbErr> {
    use super::entity::session_section::Column;
    let earliest: Option<Option<DateTime<Utc>>> = super::delivery::overdue_sections(cutoff)
        .select_only()
        .column_as(Expr::col(Column::Deadline).min(), "earliest")
        .into_tuple()
        .one(db)
        .await?;
    Ok(earliest.flatten())
}
