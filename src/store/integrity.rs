//! Integrity events, flags, proctor actions, reviews of held results and bans. Every decision about fraud
//! lives here, in the database, so that nothing of it is lost when an instance stops.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    Set, sea_query::Expr,
};
use uuid::Uuid;

use super::entity::{ban, flag, integrity_event, proctor_action, review};
use super::save_queue::{Save, SaveQueue};
use super::status::{
    EventSource, FlagSource, ProctorAction, ReviewDecision, ReviewState, Severity,
};
use super::{Connection, Writer};

pub use ban::Model as Ban;
pub use flag::Model as Flag;
pub use integrity_event::Model as IntegrityEvent;
pub use proctor_action::Model as ActionRecord;
pub use review::Model as Review;

/// An integrity event to store.
pub struct NewEvent {
    pub registration_id: Uuid,
    pub session_id: Option<Uuid>,
    pub event_type: String,
    pub source: EventSource,
    pub at: DateTime<Utc>,
    pub section: Option<String>,
    pub detail: Option<serde_json::Value>,
}

/// Stores events, all or none, through the group commit of `saves` (an event is one of the frequent small
/// appends that would otherwise cost the single SQLite writer an fsync each); `db` names the backend.
pub async fn insert_events(
    saves: &SaveQueue,
    db: &impl ConnectionTrait,
    events: Vec<NewEvent>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    if events.is_empty() {
        return Ok(());
    }
    let insert = integrity_event::Entity::insert_many(events.into_iter().map(|e| {
        integrity_event::ActiveModel {
            id: Set(Uuid::now_v7()),
            registration_id: Set(e.registration_id),
            session_id: Set(e.session_id),
            event_type: Set(e.event_type),
            source: Set(e.source),
            at: Set(e.at),
            received_at: Set(now),
            section: Set(e.section),
            detail: Set(e.detail),
        }
    }))
    .build(db.get_database_backend());
    saves.execute(Save::one(insert)).await?;
    Ok(())
}

/// Every event of a registration, oldest first.
pub async fn events(
    db: &impl Connection,
    registration_id: Uuid,
) -> Result<Vec<IntegrityEvent>, sea_orm::DbErr> {
    integrity_event::Entity::find()
        .filter(integrity_event::Column::RegistrationId.eq(registration_id))
        .order_by_asc(integrity_event::Column::At)
        .order_by_asc(integrity_event::Column::Id)
        .all(db)
        .await
}

/// The time of the latest event of a registration.
pub async fn last_event_at(
    db: &impl Connection,
    registration_id: Uuid,
) -> Result<Option<DateTime<Utc>>, sea_orm::DbErr> {
    integrity_event::Entity::find()
        .select_only()
        .column_as(integrity_event::Column::ReceivedAt.max(), "last")
        .filter(integrity_event::Column::RegistrationId.eq(registration_id))
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(db)
        .await
        .map(Option::flatten)
}

/// A flag to raise or refresh.
pub struct NewFlag {
    pub session_id: Uuid,
    pub rule: String,
    pub severity: Severity,
    pub source: FlagSource,
    pub first_at: DateTime<Utc>,
    pub count: i32,
    pub detail: Option<serde_json::Value>,
}

/// Raises each flag, or refreshes its severity, count and detail when the session has it already (the
/// policy re-evaluates a session's events as they arrive). A flag is never lowered by a refresh: the
/// count and severity only grow.
pub async fn upsert_flags(
    db: &impl Writer,
    flags: Vec<NewFlag>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    for f in flags {
        let existing = flag::Entity::find_by_id((f.session_id, f.rule.clone()))
            .one(db)
            .await?;
        match existing {
            Some(old) => {
                flag::Entity::update_many()
                    .col_expr(
                        flag::Column::Severity,
                        Expr::value(old.severity.max(f.severity)),
                    )
                    .col_expr(flag::Column::Count, Expr::value(old.count.max(f.count)))
                    .col_expr(
                        flag::Column::FirstAt,
                        Expr::value(old.first_at.min(f.first_at)),
                    )
                    .col_expr(flag::Column::Detail, Expr::value(f.detail.or(old.detail)))
                    .filter(flag::Column::SessionId.eq(f.session_id))
                    .filter(flag::Column::Rule.eq(f.rule))
                    .exec(db)
                    .await?;
            }
            None => {
                flag::Entity::insert(flag::ActiveModel {
                    session_id: Set(f.session_id),
                    rule: Set(f.rule),
                    severity: Set(f.severity),
                    source: Set(f.source),
                    first_at: Set(f.first_at),
                    count: Set(f.count),
                    detail: Set(f.detail),
                    raised_at: Set(now),
                })
                .on_conflict_do_nothing_on([flag::Column::SessionId, flag::Column::Rule])
                .exec(db)
                .await?;
            }
        }
    }
    Ok(())
}

/// The flags of a session, most severe first.
pub async fn flags(db: &impl Connection, session_id: Uuid) -> Result<Vec<Flag>, sea_orm::DbErr> {
    let mut rows = flag::Entity::find()
        .filter(flag::Column::SessionId.eq(session_id))
        .all(db)
        .await?;
    rows.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.first_at.cmp(&b.first_at))
    });
    Ok(rows)
}

/// Records a proctor's action.
pub async fn insert_action(db: &impl Writer, row: ActionRecord) -> Result<(), sea_orm::DbErr> {
    proctor_action::Entity::insert(proctor_action::ActiveModel::from(row))
        .exec(db)
        .await?;
    Ok(())
}

/// Every action taken on a session, oldest first.
pub async fn actions(
    db: &impl Connection,
    session_id: Uuid,
) -> Result<Vec<ActionRecord>, sea_orm::DbErr> {
    proctor_action::Entity::find()
        .filter(proctor_action::Column::SessionId.eq(session_id))
        .order_by_asc(proctor_action::Column::At)
        .all(db)
        .await
}

/// The action kinds so far, for the rules that depend on history (an authorization happens once).
pub async fn has_action(
    db: &impl Connection,
    session_id: Uuid,
    action: ProctorAction,
) -> Result<bool, sea_orm::DbErr> {
    Ok(proctor_action::Entity::find()
        .filter(proctor_action::Column::SessionId.eq(session_id))
        .filter(proctor_action::Column::Action.eq(action))
        .one(db)
        .await?
        .is_some())
}

/// Opens a review of a session (once; a second call changes nothing).
pub async fn open_review(
    db: &impl Writer,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    review::Entity::insert(review::ActiveModel {
        session_id: Set(session_id),
        status: Set(ReviewState::Open),
        opened_at: Set(now),
        decision: Set(None),
        reason: Set(None),
        reviewer: Set(None),
        decided_at: Set(None),
        ban: Set(false),
    })
    .on_conflict_do_nothing_on([review::Column::SessionId])
    .exec(db)
    .await?;
    Ok(())
}

/// Closes an open review with a decision; `false` when it was not open (decided already, or none).
pub async fn decide_review(
    db: &impl Writer,
    session_id: Uuid,
    decision: ReviewDecision,
    reason: &str,
    reviewer: &str,
    ban: bool,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let res = review::Entity::update_many()
        .col_expr(review::Column::Status, Expr::value(ReviewState::Closed))
        .col_expr(review::Column::Decision, Expr::value(decision))
        .col_expr(review::Column::Reason, Expr::value(reason))
        .col_expr(review::Column::Reviewer, Expr::value(reviewer))
        .col_expr(review::Column::DecidedAt, Expr::value(now))
        .col_expr(review::Column::Ban, Expr::value(ban))
        .filter(review::Column::SessionId.eq(session_id))
        .filter(review::Column::Status.eq(ReviewState::Open))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

pub async fn review(
    db: &impl Connection,
    session_id: Uuid,
) -> Result<Option<Review>, sea_orm::DbErr> {
    review::Entity::find_by_id(session_id).one(db).await
}

/// Reviews in a state, oldest first, at most `limit`.
pub async fn reviews(
    db: &impl Connection,
    status: ReviewState,
    limit: u64,
) -> Result<Vec<Review>, sea_orm::DbErr> {
    review::Entity::find()
        .filter(review::Column::Status.eq(status))
        .order_by_asc(review::Column::OpenedAt)
        .limit(limit)
        .all(db)
        .await
}

/// Bars a candidate from registering until `until`.
pub async fn insert_ban(db: &impl Writer, row: Ban) -> Result<(), sea_orm::DbErr> {
    ban::Entity::insert(ban::ActiveModel::from(row))
        .exec(db)
        .await?;
    Ok(())
}

/// The latest end of a ban on the candidate that is still running at `now`.
pub async fn banned_until(
    db: &impl Connection,
    candidate_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, sea_orm::DbErr> {
    Ok(ban::Entity::find()
        .filter(ban::Column::CandidateId.eq(candidate_id))
        .filter(ban::Column::Until.gt(now))
        .order_by_desc(ban::Column::Until)
        .one(db)
        .await?
        .map(|b| b.until))
}
