//! Candidates, sittings and registrations.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::LikeExpr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, JoinType,
    PaginatorTrait, QueryFilter, QuerySelect, RelationTrait, Statement,
};
use uuid::Uuid;

use super::entity::{candidate, registration, session, session_item, sitting};
use super::status::SittingMode;

pub use candidate::Model as Candidate;
pub use registration::Model as Registration;
pub use sitting::Model as Sitting;

/// The fields of a candidate, new or edited.
pub struct NewCandidate {
    pub full_name: String,
    /// The full name as it is searched.
    pub name_key: String,
    pub document_number: String,
    pub birth_date: Option<NaiveDate>,
    pub citizenship: Option<String>,
}

/// Creates a candidate; `Err(existing id)` when the document number is already registered.
pub async fn create_candidate(
    db: &impl super::Writer,
    c: NewCandidate,
) -> Result<Result<Candidate, Uuid>, sea_orm::DbErr> {
    if let Some(existing) = candidate::Entity::find()
        .filter(candidate::Column::DocumentNumber.eq(&c.document_number))
        .one(db)
        .await?
    {
        return Ok(Err(existing.id));
    }
    let row = candidate::Model {
        id: Uuid::now_v7(),
        full_name: c.full_name,
        document_number: c.document_number,
        birth_date: c.birth_date,
        citizenship: c.citizenship,
        created_at: super::now(),
        name_key: Some(c.name_key),
    };
    candidate::Entity::insert(candidate::ActiveModel::from(row.clone()))
        .exec(db)
        .await?;
    Ok(Ok(row))
}

pub async fn candidate(
    db: &impl super::Connection,
    id: Uuid,
) -> Result<Option<Candidate>, sea_orm::DbErr> {
    candidate::Entity::find_by_id(id).one(db).await
}

/// Replaces a candidate's fields: `None` when there is no such candidate, `Some(Err(other id))` when
/// another candidate has the document number, else the candidate as stored now.
pub async fn update_candidate(
    db: &impl super::Writer,
    id: Uuid,
    c: NewCandidate,
) -> Result<Option<Result<Candidate, Uuid>>, sea_orm::DbErr> {
    let Some(before) = candidate::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    if let Some(other) = candidate::Entity::find()
        .filter(candidate::Column::DocumentNumber.eq(&c.document_number))
        .filter(candidate::Column::Id.ne(id))
        .one(db)
        .await?
    {
        return Ok(Some(Err(other.id)));
    }
    let row = candidate::Model {
        full_name: c.full_name,
        name_key: Some(c.name_key),
        document_number: c.document_number,
        birth_date: c.birth_date,
        citizenship: c.citizenship,
        ..before
    };
    candidate::Entity::update(candidate::ActiveModel::from(row.clone()).reset_all())
        .exec(db)
        .await?;
    Ok(Some(Ok(row)))
}

/// `%text%` for `LIKE … ESCAPE '\'`, the wildcards in `text` taken literally.
fn containing(text: &str) -> LikeExpr {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

/// Candidates whose name key holds every one of `words`, or whose document number holds `document`;
/// every candidate when both are empty. Newest first, at most `limit`.
pub async fn search_candidates(
    db: &impl super::Connection,
    words: &[String],
    document: Option<&str>,
    limit: u64,
) -> Result<Vec<Candidate>, sea_orm::DbErr> {
    use sea_orm::{Condition, QueryOrder};
    let mut query = candidate::Entity::find();
    if !words.is_empty() || document.is_some() {
        let mut any = Condition::any();
        if !words.is_empty() {
            let all = words.iter().fold(Condition::all(), |all, w| {
                all.add(candidate::Column::NameKey.like(containing(w)))
            });
            any = any.add(all);
        }
        if let Some(d) = document {
            any = any.add(candidate::Column::DocumentNumber.like(containing(d)));
        }
        query = query.filter(any);
    }
    query
        .order_by_desc(candidate::Column::CreatedAt)
        .order_by_desc(candidate::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Up to `limit` candidates stored without a name key (before keys existed): `(id, full name)`.
pub async fn candidates_without_name_key(
    db: &impl super::Connection,
    limit: u64,
) -> Result<Vec<(Uuid, String)>, sea_orm::DbErr> {
    candidate::Entity::find()
        .select_only()
        .column(candidate::Column::Id)
        .column(candidate::Column::FullName)
        .filter(candidate::Column::NameKey.is_null())
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// Stores a candidate's name key.
pub async fn set_name_key(
    db: &impl super::Writer,
    id: Uuid,
    name_key: &str,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::sea_query::Expr;
    candidate::Entity::update_many()
        .col_expr(candidate::Column::NameKey, Expr::value(name_key))
        .filter(candidate::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Creates a sitting.
pub async fn create_sitting(
    db: &impl super::Writer,
    blueprint_id: &str,
    blueprint_version: i32,
    mode: SittingMode,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    access: Option<serde_json::Value>,
) -> Result<Sitting, sea_orm::DbErr> {
    let row = sitting::Model {
        id: Uuid::now_v7(),
        blueprint_id: blueprint_id.to_owned(),
        blueprint_version,
        mode,
        opens_at,
        closes_at,
        created_at: super::now(),
        access,
        forensics_at: None,
    };
    sitting::Entity::insert(sitting::ActiveModel::from(row.clone()))
        .exec(db)
        .await?;
    Ok(row)
}

pub async fn sitting(
    db: &impl super::Connection,
    id: Uuid,
) -> Result<Option<Sitting>, sea_orm::DbErr> {
    sitting::Entity::find_by_id(id).one(db).await
}

pub async fn registration(
    db: &impl super::Connection,
    id: Uuid,
) -> Result<Option<Registration>, sea_orm::DbErr> {
    registration::Entity::find_by_id(id).one(db).await
}

/// Whether the candidate is already registered to the sitting.
pub async fn is_registered(
    db: &impl super::Connection,
    sitting_id: Uuid,
    candidate_id: Uuid,
) -> Result<bool, sea_orm::DbErr> {
    Ok(registration::Entity::find()
        .filter(registration::Column::SittingId.eq(sitting_id))
        .filter(registration::Column::CandidateId.eq(candidate_id))
        .count(db)
        .await?
        > 0)
}

/// Creates a registration with the hash of its access code, unless the candidate already has
/// `max_attempts` registrations for sittings of the sitting's blueprint (each is a paid attempt): `None`
/// then.
///
/// The count and the insert are one conditional statement, inside a transaction that first locks the
/// candidate's row on PostgreSQL, so that concurrent registrations of one candidate (on any instance)
/// take turns and the limit cannot be raced. SQLite has one writer: its transactions take turns anyway.
pub async fn create_registration_within(
    db: &super::WriteDb,
    sitting_id: Uuid,
    candidate_id: Uuid,
    access_code_hash: &str,
    max_attempts: u32,
) -> Result<Option<Registration>, sea_orm::DbErr> {
    static INSERT_SQL: super::BackendSql = super::BackendSql::new(|backend| {
        let p = super::bind(backend);
        format!(
            "INSERT INTO registrations (id, sitting_id, candidate_id, access_code_hash, created_at) \
             SELECT {}, {}, {}, {}, {} FROM sittings s WHERE s.id = {} AND (SELECT count(*) \
             FROM registrations r JOIN sittings rs ON rs.id = r.sitting_id \
             WHERE r.candidate_id = {} AND rs.blueprint_id = s.blueprint_id) < {}",
            p(1),
            p(2),
            p(3),
            p(4),
            p(5),
            p(6),
            p(7),
            p(8)
        )
    });
    let row = registration::Model {
        id: Uuid::now_v7(),
        sitting_id,
        candidate_id,
        access_code_hash: access_code_hash.to_owned(),
        created_at: super::now(),
        token_generation: 0,
    };
    let txn = super::begin(db).await?;
    let backend = txn.get_database_backend();
    if backend == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            "SELECT id FROM candidates WHERE id = $1 FOR UPDATE",
            [candidate_id.into()],
        ))
        .await?;
    }
    let inserted = txn
        .execute_raw(Statement::from_sql_and_values(
            backend,
            INSERT_SQL.get(backend),
            [
                row.id.into(),
                sitting_id.into(),
                candidate_id.into(),
                row.access_code_hash.clone().into(),
                row.created_at.into(),
                sitting_id.into(),
                candidate_id.into(),
                i64::from(max_attempts).into(),
            ],
        ))
        .await?
        .rows_affected();
    txn.commit().await?;
    Ok((inserted == 1).then_some(row))
}

/// Every item id the candidate has been shown in any session, for retakes.
pub async fn items_seen(
    db: &impl super::Connection,
    candidate_id: Uuid,
) -> Result<Vec<String>, sea_orm::DbErr> {
    seen_query(candidate_id).into_tuple().all(db).await
}

/// Every item id the candidate has been shown in sessions other than `session_id`.
pub async fn items_seen_elsewhere(
    db: &impl super::Connection,
    candidate_id: Uuid,
    session_id: Uuid,
) -> Result<Vec<String>, sea_orm::DbErr> {
    seen_query(candidate_id)
        .filter(session_item::Column::SessionId.ne(session_id))
        .into_tuple()
        .all(db)
        .await
}

fn seen_query(candidate_id: Uuid) -> sea_orm::Select<session_item::Entity> {
    session_item::Entity::find()
        .select_only()
        .column(session_item::Column::ItemId)
        .distinct()
        .join(JoinType::InnerJoin, session_item::Relation::Session.def())
        .join(JoinType::InnerJoin, session::Relation::Registration.def())
        .filter(registration::Column::CandidateId.eq(candidate_id))
}

/// The sittings, newest first, at most `limit`.
pub async fn sittings(
    db: &impl super::Connection,
    limit: u64,
) -> Result<Vec<Sitting>, sea_orm::DbErr> {
    use sea_orm::QueryOrder;
    sitting::Entity::find()
        .order_by_desc(sitting::Column::OpensAt)
        .limit(limit)
        .all(db)
        .await
}

/// Every registration of a sitting with its candidate and session (if started), in registration order.
pub async fn roster(
    db: &impl super::Connection,
    sitting_id: Uuid,
    limit: u64,
) -> Result<Vec<(Registration, Candidate, Option<super::delivery::Session>)>, sea_orm::DbErr> {
    use sea_orm::QueryOrder;
    let regs = registration::Entity::find()
        .filter(registration::Column::SittingId.eq(sitting_id))
        .order_by_asc(registration::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = regs.iter().map(|r| r.id).collect();
    let candidates: std::collections::HashMap<Uuid, Candidate> = candidate::Entity::find()
        .filter(candidate::Column::Id.is_in(regs.iter().map(|r| r.candidate_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let mut sessions: std::collections::HashMap<Uuid, super::delivery::Session> =
        session::Entity::find()
            .filter(session::Column::RegistrationId.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.registration_id, s))
            .collect();
    Ok(regs
        .into_iter()
        .filter_map(|r| {
            let c = candidates.get(&r.candidate_id)?.clone();
            let s = sessions.remove(&r.id);
            Some((r, c, s))
        })
        .collect())
}

/// Raises the registration's sign-in generation from `seen` to `seen + 1`, and the running session's copy
/// with it (a session that is awaiting authorization, in progress or paused then accepts only the new
/// sign-in), in one transaction through the write queue. `false` when another sign-in raised it first.
pub async fn raise_token_generation(
    saves: &super::save_queue::SaveQueue,
    db: &impl ConnectionTrait,
    registration_id: Uuid,
    seen: i32,
) -> Result<bool, sea_orm::DbErr> {
    use super::status::SessionStatus;
    let backend = db.get_database_backend();
    use sea_orm::QueryTrait;
    use sea_orm::sea_query::Expr;
    let raise = registration::Entity::update_many()
        .col_expr(registration::Column::TokenGeneration, Expr::value(seen + 1))
        .filter(registration::Column::Id.eq(registration_id))
        .filter(registration::Column::TokenGeneration.eq(seen))
        .build(backend);
    let running = [
        SessionStatus::AwaitingAuthorization,
        SessionStatus::InProgress,
        SessionStatus::Paused,
    ];
    let follow = session::Entity::update_many()
        .col_expr(session::Column::TokenGeneration, Expr::value(seen + 1))
        .filter(session::Column::RegistrationId.eq(registration_id))
        .filter(session::Column::Status.is_in(running))
        .build(backend);
    let save = super::save_queue::Save {
        insert: raise,
        then: vec![follow],
    };
    Ok(saves.execute(save).await? == 1)
}

/// Closed sittings whose forensics have not run, oldest first, at most `limit`.
pub async fn sittings_due_for_forensics(
    db: &impl super::Connection,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Sitting>, sea_orm::DbErr> {
    use sea_orm::QueryOrder;
    sitting::Entity::find()
        .filter(sitting::Column::ClosesAt.lt(now))
        .filter(sitting::Column::ForensicsAt.is_null())
        .order_by_asc(sitting::Column::ClosesAt)
        .limit(limit)
        .all(db)
        .await
}

/// Records that a sitting's forensics ran; `false` when another instance recorded it first.
pub async fn mark_forensics_done(
    db: &impl super::Writer,
    sitting_id: Uuid,
    now: DateTime<Utc>,
    only_if_due: bool,
) -> Result<bool, sea_orm::DbErr> {
    use sea_orm::sea_query::Expr;
    let mut q = sitting::Entity::update_many()
        .col_expr(sitting::Column::ForensicsAt, Expr::value(now))
        .filter(sitting::Column::Id.eq(sitting_id));
    if only_if_due {
        q = q.filter(sitting::Column::ForensicsAt.is_null());
    }
    Ok(q.exec(db).await?.rows_affected == 1)
}

/// Whether a session of the sitting is still running (in progress, paused or awaiting authorization).
pub async fn has_running_sessions(
    db: &impl super::Connection,
    sitting_id: Uuid,
) -> Result<bool, sea_orm::DbErr> {
    use super::status::SessionStatus::*;
    Ok(session::Entity::find()
        .join(JoinType::InnerJoin, session::Relation::Registration.def())
        .filter(registration::Column::SittingId.eq(sitting_id))
        .filter(session::Column::Status.is_in([InProgress, Paused, AwaitingAuthorization]))
        .count(db)
        .await?
        > 0)
}
