//! Sessions, their sections and items, and the responses candidates save.
//!
//! Every state change is a conditional update (`… WHERE status = 'open'`), so that several instances and
//! the sweeper can race on one session and exactly one of them wins each transition.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement, sea_query::Expr,
};
use uuid::Uuid;

use super::entity::{response_event, session, session_item, session_section};
use super::save_queue::SaveQueue;
use super::{WriteDb, Writer};

pub use response_event::Model as ResponseEvent;
pub use session::Model as Session;
pub use session_item::Model as SessionItem;
pub use session_section::Model as SessionSection;

pub use super::status::{SectionStatus, SessionStatus};

/// A session about to be stored: its seed, its sections and the items placed up front (an adaptive
/// section gets its items one at a time later).
pub struct NewSession {
    pub registration_id: Uuid,
    pub seed: i64,
    pub sections: Vec<NewSection>,
    pub items: Vec<NewPlacement>,
    /// The sitting needs a proctor's authorization: the session waits, its first section not yet open.
    pub awaiting_authorization: bool,
    /// Where the candidate started from, and the token generation they started with.
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
    pub token_generation: i32,
}

/// One section of a new session.
pub struct NewSection {
    pub section_id: String,
    pub time_limit_seconds: i32,
    pub adaptive: bool,
    /// The position of the section's first item.
    pub first_position: i32,
}

/// One item placed on a new session's form.
pub struct NewPlacement {
    /// 1-based across the session.
    pub position: i32,
    pub section_idx: i32,
    pub item_id: String,
    pub item_version: i32,
    pub item_type: String,
    /// The item's option ids in the order the candidate sees them.
    pub option_order: Vec<String>,
    /// Placed to collect responses for calibration; counts for nothing in the score.
    pub pretest: bool,
    /// Chosen adaptively.
    pub adaptive: bool,
}

impl NewPlacement {
    fn into_row(self, session_id: Uuid) -> SessionItem {
        SessionItem {
            session_id,
            position: self.position,
            section_idx: self.section_idx,
            item_id: self.item_id,
            item_version: self.item_version,
            item_type: self.item_type,
            option_order: serde_json::json!(self.option_order),
            pretest: self.pretest,
            adaptive: self.adaptive,
            plays: 0,
        }
    }
}

/// What [`create_session`] stored: the rows as a read would give them back.
pub struct CreatedSession {
    pub session: Session,
    pub sections: Vec<SessionSection>,
    pub items: Vec<SessionItem>,
}

pub async fn session(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<Session>, sea_orm::DbErr> {
    session::Entity::find_by_id(id).one(db).await
}

pub async fn session_for_registration(
    db: &impl ConnectionTrait,
    registration_id: Uuid,
) -> Result<Option<Session>, sea_orm::DbErr> {
    session::Entity::find()
        .filter(session::Column::RegistrationId.eq(registration_id))
        .one(db)
        .await
}

/// Stores a new session with its first section open from `now`, with its sections and items, in one
/// transaction through the write queue (so the starts of a spike share commits). Returns `None` when the
/// registration has a session already (a concurrent start won); the caller then resumes that one.
pub async fn create_session(
    saves: &SaveQueue,
    db: &impl ConnectionTrait,
    new: NewSession,
    now: DateTime<Utc>,
) -> Result<Option<CreatedSession>, sea_orm::DbErr> {
    use sea_orm::QueryTrait;
    let backend = db.get_database_backend();
    let session = Session {
        id: Uuid::now_v7(),
        registration_id: new.registration_id,
        seed: new.seed,
        status: if new.awaiting_authorization {
            SessionStatus::AwaitingAuthorization
        } else {
            SessionStatus::InProgress
        },
        current_section: 0,
        started_at: now,
        finished_at: None,
        paused_at: None,
        authorized_at: None,
        client_ip: new.client_ip,
        user_agent: new.user_agent,
        token_generation: new.token_generation,
    };
    let sections: Vec<SessionSection> = new
        .sections
        .iter()
        .enumerate()
        .map(|(idx, s)| {
            let first = idx == 0 && !new.awaiting_authorization;
            SessionSection {
                session_id: session.id,
                idx: idx as i32,
                section_id: s.section_id.clone(),
                status: if first {
                    SectionStatus::Open
                } else {
                    SectionStatus::Pending
                },
                time_limit_seconds: s.time_limit_seconds,
                opened_at: first.then_some(now),
                deadline: first.then(|| now + Duration::seconds(i64::from(s.time_limit_seconds))),
                closed_at: None,
                adaptive: s.adaptive,
                first_position: s.first_position,
            }
        })
        .collect();
    let items: Vec<SessionItem> = new
        .items
        .into_iter()
        .map(|p| p.into_row(session.id))
        .collect();
    let insert = session::Entity::insert(session::ActiveModel::from(session.clone()))
        .on_conflict_do_nothing_on([session::Column::RegistrationId])
        .build(backend);
    let mut then = vec![
        session_section::Entity::insert_many(
            sections
                .iter()
                .cloned()
                .map(session_section::ActiveModel::from),
        )
        .build(backend),
    ];
    if !items.is_empty() {
        then.push(
            session_item::Entity::insert_many(
                items.iter().cloned().map(session_item::ActiveModel::from),
            )
            .build(backend),
        );
    }
    let save = super::save_queue::Save { insert, then };
    if saves.execute(save).await? == 0 {
        return Ok(None);
    }
    Ok(Some(CreatedSession {
        session,
        sections,
        items,
    }))
}

pub async fn sections(
    db: &impl ConnectionTrait,
    session_id: Uuid,
) -> Result<Vec<SessionSection>, sea_orm::DbErr> {
    session_section::Entity::find()
        .filter(session_section::Column::SessionId.eq(session_id))
        .order_by_asc(session_section::Column::Idx)
        .all(db)
        .await
}

pub async fn items(
    db: &impl ConnectionTrait,
    session_id: Uuid,
) -> Result<Vec<SessionItem>, sea_orm::DbErr> {
    session_item::Entity::find()
        .filter(session_item::Column::SessionId.eq(session_id))
        .order_by_asc(session_item::Column::Position)
        .all(db)
        .await
}

/// Adds an adaptively chosen item at its position; `false` when another request placed an item there
/// first.
pub async fn place_adaptive_item(
    db: &WriteDb,
    session_id: Uuid,
    placement: NewPlacement,
) -> Result<bool, sea_orm::DbErr> {
    let row = session_item::ActiveModel::from(placement.into_row(session_id));
    let inserted = session_item::Entity::insert(row)
        .on_conflict_do_nothing_on([
            session_item::Column::SessionId,
            session_item::Column::Position,
        ])
        .exec(db)
        .await?;
    Ok(!matches!(inserted, sea_orm::TryInsertResult::Conflicted))
}

/// Whether an item follows `position` in its section (an adaptive answer is final once one does).
pub async fn has_later_item(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    section_idx: i32,
    position: i32,
) -> Result<bool, sea_orm::DbErr> {
    use sea_orm::PaginatorTrait;
    Ok(session_item::Entity::find()
        .filter(session_item::Column::SessionId.eq(session_id))
        .filter(session_item::Column::SectionIdx.eq(section_idx))
        .filter(session_item::Column::Position.gt(position))
        .count(db)
        .await?
        > 0)
}

pub async fn item_at(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    position: i32,
) -> Result<Option<SessionItem>, sea_orm::DbErr> {
    session_item::Entity::find_by_id((session_id, position))
        .one(db)
        .await
}

/// Counts one play of the recording at `position`, unless `limit` plays are counted already; whether it
/// was counted. One conditional update, so that two requests at once cannot both take the last play.
pub async fn take_play(
    db: &impl Writer,
    session_id: Uuid,
    position: i32,
    limit: u32,
) -> Result<bool, sea_orm::DbErr> {
    let limit = i32::try_from(limit).unwrap_or(i32::MAX);
    let updated = session_item::Entity::update_many()
        .col_expr(
            session_item::Column::Plays,
            Expr::col(session_item::Column::Plays).add(1),
        )
        .filter(session_item::Column::SessionId.eq(session_id))
        .filter(session_item::Column::Position.eq(position))
        .filter(session_item::Column::Plays.lt(limit))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

pub async fn section(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    idx: i32,
) -> Result<Option<SessionSection>, sea_orm::DbErr> {
    session_section::Entity::find_by_id((session_id, idx))
        .one(db)
        .await
}

/// The latest saved answer at each position, read through the `response_events_position_latest` index:
/// one row per position, however long its history.
pub async fn latest_answers(
    db: &impl ConnectionTrait,
    session_id: Uuid,
) -> Result<HashMap<i32, ResponseEvent>, sea_orm::DbErr> {
    static LATEST_SQL: super::BackendSql = super::BackendSql::new(|backend| {
        format!(
            "SELECT e.id, e.session_id, e.position, e.idempotency_key, e.answer, e.received_at \
             FROM response_events e WHERE e.session_id = {} AND e.id = (SELECT l.id FROM response_events l \
             WHERE l.session_id = e.session_id AND l.position = e.position \
             ORDER BY l.received_at DESC, l.id DESC LIMIT 1)",
            super::bind(backend)(1)
        )
    });
    let backend = db.get_database_backend();
    let events = response_event::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(
            backend,
            LATEST_SQL.get(backend),
            [session_id.into()],
        ))
        .all(db)
        .await?;
    Ok(events.into_iter().map(|e| (e.position, e)).collect())
}

/// What became of a save.
pub enum SaveOutcome {
    /// Stored now.
    Saved(ResponseEvent),
    /// This idempotency key was used before; the earlier event stands.
    Replayed(ResponseEvent),
    /// The section is not open or its deadline (with grace) has passed; nothing was stored.
    Refused,
}

/// An answer to append.
pub struct NewResponse<'a> {
    pub session_id: Uuid,
    /// The section the item belongs to, whose status and deadline decide.
    pub section_idx: i32,
    pub position: i32,
    pub idempotency_key: &'a str,
    pub answer: serde_json::Value,
    /// The time on the item the page reported, already bounded.
    pub client_time_on_item_ms: Option<i32>,
    /// When the request arrived.
    pub now: DateTime<Utc>,
    /// The earliest deadline still accepting: `now` less the grace.
    pub cutoff: DateTime<Utc>,
    /// When given, the position's history is pruned to its latest this many answers (at least 1) once the
    /// answer is stored.
    pub prune_to: Option<u32>,
    /// Whose session it must be, and from where, for the answer to be stored.
    pub guard: SessionGuard<'a>,
}

/// What a save's statement requires of the session besides running: that it is this registration's, that
/// no later sign-in has taken it over, and that it is still used from the address and browser it
/// remembers. A save that meets them needs no read of the session; one that does not stores nothing and
/// is explained by reading it.
#[derive(Debug, Clone)]
pub struct SessionGuard<'a> {
    pub registration_id: Uuid,
    /// The caller's sign-in generation: the session's may not be later.
    pub generation: i32,
    pub client_ip: String,
    pub user_agent: &'a str,
}

impl NewResponse<'_> {
    /// The event this answer becomes when it is stored with `id`.
    pub fn unsaved(&self, id: Uuid) -> ResponseEvent {
        ResponseEvent {
            id,
            session_id: self.session_id,
            position: self.position,
            idempotency_key: self.idempotency_key.to_owned(),
            answer: self.answer.clone(),
            received_at: self.now,
            client_time_on_item_ms: self.client_time_on_item_ms,
        }
    }
}

/// The conditional insert of a save, written once per backend (built once, not per save).
static SAVE_SQL: super::BackendSql = super::BackendSql::new(|backend| {
    // Numbered placeholders, so that the statement takes the same 13 values as a row of [`ANSWERS`].
    let p = |n: usize| match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => format!("?{n}"),
    };
    let open = super::status::word(SectionStatus::Open);
    let running = super::status::word(SessionStatus::InProgress);
    let share_lock = if backend == DbBackend::Postgres {
        " FOR SHARE"
    } else {
        ""
    };
    format!(
        "INSERT INTO response_events (id, session_id, position, idempotency_key, answer, received_at, \
             client_time_on_item_ms) SELECT {}, {}, {}, {}, {}, {}, {} WHERE EXISTS (SELECT 1 FROM session_sections \
             WHERE session_id = {} AND idx = {} AND status = '{open}' AND deadline >= {}{share_lock}) \
             AND EXISTS (SELECT 1 FROM sessions WHERE id = {} AND registration_id = {} AND status = '{running}' \
             AND token_generation <= {} AND client_ip = {} AND user_agent = {}) \
             ON CONFLICT (session_id, idempotency_key) DO NOTHING",
        p(1),
        p(2),
        p(3),
        p(4),
        p(5),
        p(6),
        p(7),
        p(2),
        p(8),
        p(9),
        p(2),
        p(10),
        p(11),
        p(12),
        p(13)
    )
});

/// The conditions of [`SAVE_SQL`] for many answers at once (SQLite): each row carries its answer's seven
/// columns, then its section, cutoff and [`SessionGuard`].
static ANSWERS: super::save_queue::AppendSql = super::save_queue::AppendSql {
    rows: answer_rows_sql,
    per_row: 13,
    table: "response_events",
};

fn answer_rows_sql(k: usize) -> String {
    let open = super::status::word(SectionStatus::Open);
    let running = super::status::word(SessionStatus::InProgress);
    let row = format!("({})", vec!["?"; ANSWERS.per_row].join(", "));
    let rows = vec![row.as_str(); k].join(", ");
    format!(
        "INSERT INTO response_events (id, session_id, position, idempotency_key, answer, received_at, \
             client_time_on_item_ms) SELECT v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, \
             v.column7 FROM (VALUES {rows}) AS v \
             WHERE EXISTS (SELECT 1 FROM session_sections WHERE session_id = v.column2 AND idx = v.column8 \
             AND status = '{open}' AND deadline >= v.column9) \
             AND EXISTS (SELECT 1 FROM sessions WHERE id = v.column2 AND registration_id = v.column10 \
             AND status = '{running}' AND token_generation <= v.column11 AND client_ip = v.column12 \
             AND user_agent = v.column13) \
             ON CONFLICT (session_id, idempotency_key) DO NOTHING"
    )
}

/// The pruning of a position's history down to its latest `keep` answers (the latest is always kept),
/// written once per backend.
static PRUNE_SQL: super::BackendSql = super::BackendSql::new(|backend| {
    let p = super::bind(backend);
    // SQLite takes an offset only after a limit; -1 is none.
    let limit = if backend == DbBackend::Postgres {
        ""
    } else {
        " LIMIT -1"
    };
    format!(
        "DELETE FROM response_events WHERE id IN (SELECT id FROM response_events \
             WHERE session_id = {} AND position = {} ORDER BY received_at DESC, id DESC{limit} OFFSET {})",
        p(1),
        p(2),
        p(3)
    )
});

/// Appends an answer, in one statement that also checks that the session runs (not paused or
/// terminated) and meets the [`SessionGuard`], that the section is open and that its deadline is not
/// before `cutoff` (now less the grace); the stored event, or `None` when any of that failed or the
/// idempotency key was used before (nothing stored then). Only the section row is share-locked: a pause
/// takes the session row, a resume then the section row, so the two lock orders never cross. On
/// PostgreSQL the check takes a share lock on the section row, so a concurrent close waits for the save or
/// the save sees the close: an acknowledged answer is always one the section accepted. With `prune_to`,
/// a stored answer prunes the position's history to its latest answers, so that no flood of saves grows
/// it without bound (a key older than that is forgotten: a replay of it is stored as a new answer).
pub async fn append_response(
    saves: &SaveQueue,
    backend: DbBackend,
    new: NewResponse<'_>,
) -> Result<Option<ResponseEvent>, sea_orm::DbErr> {
    let id = Uuid::now_v7();
    let event = new.unsaved(id);
    let NewResponse {
        session_id,
        section_idx,
        position,
        idempotency_key,
        answer,
        client_time_on_item_ms,
        now,
        cutoff,
        prune_to,
        guard,
    } = new;
    let values: Vec<sea_orm::Value> = vec![
        id.into(),
        session_id.into(),
        position.into(),
        idempotency_key.into(),
        answer.into(),
        now.into(),
        client_time_on_item_ms.into(),
        section_idx.into(),
        cutoff.into(),
        guard.registration_id.into(),
        guard.generation.into(),
        guard.client_ip.into(),
        guard.user_agent.into(),
    ];
    let stmt = Statement::from_sql_and_values(backend, SAVE_SQL.get(backend), values.clone());
    let prune = prune_to.map(|keep| {
        Statement::from_sql_and_values(
            backend,
            PRUNE_SQL.get(backend),
            [
                session_id.into(),
                position.into(),
                i64::from(Ord::max(keep, 1)).into(),
            ],
        )
    });
    let row = super::save_queue::Append {
        kind: &ANSWERS,
        values,
        single: super::save_queue::Save {
            insert: stmt,
            then: prune.into_iter().collect(),
        },
    };
    Ok(saves.append(row).await?.then_some(event))
}

/// [`append_response`], and when it stored nothing, the earlier save with the same key if there is one
/// (`db` answers that look-up).
pub async fn save_response(
    saves: &SaveQueue,
    db: &impl ConnectionTrait,
    new: NewResponse<'_>,
) -> Result<SaveOutcome, sea_orm::DbErr> {
    let (session_id, key) = (new.session_id, new.idempotency_key);
    if let Some(event) = append_response(saves, db.get_database_backend(), new).await? {
        return Ok(SaveOutcome::Saved(event));
    }
    let earlier = event_by_key(db, session_id, key).await?;
    Ok(earlier.map_or(SaveOutcome::Refused, SaveOutcome::Replayed))
}

/// The save made with this idempotency key in the session, if any.
pub async fn event_by_key(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    idempotency_key: &str,
) -> Result<Option<ResponseEvent>, sea_orm::DbErr> {
    response_event::Entity::find()
        .filter(response_event::Column::SessionId.eq(session_id))
        .filter(response_event::Column::IdempotencyKey.eq(idempotency_key))
        .one(db)
        .await
}

/// Closes section `idx` if it is still open; `true` for the one caller that closed it.
pub async fn close_section(
    db: &impl super::Writer,
    session_id: Uuid,
    idx: i32,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let res = session_section::Entity::update_many()
        .col_expr(
            session_section::Column::Status,
            Expr::value(SectionStatus::Closed),
        )
        .col_expr(session_section::Column::ClosedAt, Expr::value(now))
        .filter(session_section::Column::SessionId.eq(session_id))
        .filter(session_section::Column::Idx.eq(idx))
        .filter(session_section::Column::Status.eq(SectionStatus::Open))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Opens pending section `idx` from `now` and makes it the session's current section.
pub async fn open_section(
    db: &impl super::Writer,
    session_id: Uuid,
    idx: i32,
    time_limit_seconds: i32,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    session_section::Entity::update_many()
        .col_expr(
            session_section::Column::Status,
            Expr::value(SectionStatus::Open),
        )
        .col_expr(session_section::Column::OpenedAt, Expr::value(now))
        .col_expr(
            session_section::Column::Deadline,
            Expr::value(now + Duration::seconds(i64::from(time_limit_seconds))),
        )
        .filter(session_section::Column::SessionId.eq(session_id))
        .filter(session_section::Column::Idx.eq(idx))
        .filter(session_section::Column::Status.eq(SectionStatus::Pending))
        .exec(db)
        .await?;
    session::Entity::update_many()
        .col_expr(session::Column::CurrentSection, Expr::value(idx))
        .filter(session::Column::Id.eq(session_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Takes the session's row lock, first thing in a transaction that changes its sections or status, so that
/// every such transaction locks in one order (session, then sections) and none deadlocks another. On SQLite,
/// with one writer at a time, there is nothing to take.
pub async fn lock_session(
    txn: &impl super::Writer,
    session_id: Uuid,
) -> Result<(), sea_orm::DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id FROM sessions WHERE id = $1 FOR UPDATE",
            [session_id.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Marks the session finished if it was in progress; `true` for the one caller that did.
pub async fn mark_finished(
    db: &impl super::Writer,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let res = session::Entity::update_many()
        .col_expr(
            session::Column::Status,
            Expr::value(SessionStatus::Finished),
        )
        .col_expr(session::Column::FinishedAt, Expr::value(now))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::Status.eq(SessionStatus::InProgress))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Closes every still-pending section of a finishing session, so none is left to open.
pub async fn close_pending_sections(
    db: &impl super::Writer,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    session_section::Entity::update_many()
        .col_expr(
            session_section::Column::Status,
            Expr::value(SectionStatus::Closed),
        )
        .col_expr(session_section::Column::ClosedAt, Expr::value(now))
        .filter(session_section::Column::SessionId.eq(session_id))
        .filter(
            session_section::Column::Status.is_in([SectionStatus::Pending, SectionStatus::Open]),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Up to `limit` open sections whose deadline is before `cutoff`, oldest first.
pub async fn expired_sections(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<(Uuid, i32)>, sea_orm::DbErr> {
    overdue_sections(cutoff)
        .select_only()
        .column(session_section::Column::SessionId)
        .column(session_section::Column::Idx)
        .order_by_asc(session_section::Column::Deadline)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// The open sections of running sessions whose deadline is before `cutoff`: what the sweeper closes.
pub(super) fn overdue_sections(cutoff: DateTime<Utc>) -> sea_orm::Select<session_section::Entity> {
    session_section::Entity::find()
        .filter(session_section::Column::Status.eq(SectionStatus::Open))
        .filter(session_section::Column::Deadline.lt(cutoff))
        // A paused or terminated session's clock is stopped: its deadline moves when it resumes.
        .filter(
            session_section::Column::SessionId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(session::Column::Id)
                    .from(session::Entity)
                    .and_where(session::Column::Status.eq(SessionStatus::InProgress))
                    .to_owned(),
            ),
        )
}

/// Moves a session from one of `from` to `to`, stamping `paused_at` as given; `true` for the one caller
/// whose update applied.
pub async fn set_status(
    db: &impl super::Writer,
    session_id: Uuid,
    from: &[SessionStatus],
    to: SessionStatus,
    paused_at: Option<DateTime<Utc>>,
) -> Result<bool, sea_orm::DbErr> {
    let res = session::Entity::update_many()
        .col_expr(session::Column::Status, Expr::value(to))
        .col_expr(session::Column::PausedAt, Expr::value(paused_at))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::Status.is_in(from.iter().copied()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Records when a proctor let the clock start.
pub async fn mark_authorized(
    db: &impl super::Writer,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    session::Entity::update_many()
        .col_expr(session::Column::AuthorizedAt, Expr::value(now))
        .filter(session::Column::Id.eq(session_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Moves the deadline of the session's open section by `seconds` (a resume after a pause, or extra time)
/// and, with `limit`, its time limit too.
pub async fn shift_open_deadline(
    db: &impl super::Writer,
    session_id: Uuid,
    seconds: i64,
    limit: bool,
) -> Result<(), sea_orm::DbErr> {
    let open = session_section::Entity::find()
        .filter(session_section::Column::SessionId.eq(session_id))
        .filter(session_section::Column::Status.eq(SectionStatus::Open))
        .one(db)
        .await?;
    if let Some(s) = open {
        let mut update = session_section::Entity::update_many().col_expr(
            session_section::Column::Deadline,
            Expr::value(s.deadline.map(|d| d + Duration::seconds(seconds))),
        );
        if limit {
            update = update.col_expr(
                session_section::Column::TimeLimitSeconds,
                Expr::value(s.time_limit_seconds + seconds as i32),
            );
        }
        update
            .filter(session_section::Column::SessionId.eq(session_id))
            .filter(session_section::Column::Idx.eq(s.idx))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Adds `seconds` to the time limit of every section still pending.
pub async fn extend_pending(
    db: &impl super::Writer,
    session_id: Uuid,
    seconds: i32,
) -> Result<(), sea_orm::DbErr> {
    session_section::Entity::update_many()
        .col_expr(
            session_section::Column::TimeLimitSeconds,
            Expr::col(session_section::Column::TimeLimitSeconds).add(seconds),
        )
        .filter(session_section::Column::SessionId.eq(session_id))
        .filter(session_section::Column::Status.eq(SectionStatus::Pending))
        .exec(db)
        .await?;
    Ok(())
}

/// Remembers the address and browser a session is now seen from.
pub async fn set_client(
    db: &impl super::Writer,
    session_id: Uuid,
    ip: &str,
    user_agent: &str,
) -> Result<(), sea_orm::DbErr> {
    session::Entity::update_many()
        .col_expr(session::Column::ClientIp, Expr::value(ip))
        .col_expr(session::Column::UserAgent, Expr::value(user_agent))
        .filter(session::Column::Id.eq(session_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The time of the latest save of a session.
pub async fn last_save_at(
    db: &impl ConnectionTrait,
    session_id: Uuid,
) -> Result<Option<DateTime<Utc>>, sea_orm::DbErr> {
    response_event::Entity::find()
        .select_only()
        .column_as(response_event::Column::ReceivedAt.max(), "last")
        .filter(response_event::Column::SessionId.eq(session_id))
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(db)
        .await
        .map(Option::flatten)
}

/// Every save of a session (position and time), oldest first, for the timeline.
pub async fn save_times(
    db: &impl ConnectionTrait,
    session_id: Uuid,
) -> Result<Vec<(i32, DateTime<Utc>, Option<i32>)>, sea_orm::DbErr> {
    response_event::Entity::find()
        .select_only()
        .column(response_event::Column::Position)
        .column(response_event::Column::ReceivedAt)
        .column(response_event::Column::ClientTimeOnItemMs)
        .filter(response_event::Column::SessionId.eq(session_id))
        .order_by_asc(response_event::Column::ReceivedAt)
        .into_tuple()
        .all(db)
        .await
}
