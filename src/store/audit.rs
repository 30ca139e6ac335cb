//! The audit log: one append-only record per change to the bank (items, their lifecycle, parameters,
//! blueprints, media) and per correction of a candidate's identity, each chained to the one before by its hash, so that a record changed, removed or
//! inserted afterwards breaks the chain at that point. The database refuses updates and deletes; the
//! chain catches what goes around the database (a restored file, a hand edit). Records cut off the end
//! leave a shorter chain that is intact: `synaq audit verify` prints the last record's hash, to be kept
//! elsewhere and compared.
//!
//! `hash = SHA-256(JSON [prev_hash, seq, at, actor, action, entity, entity_id, before_digest,
//! after_digest])`, `at` in RFC 3339 with microseconds. Appends are serialized: on SQLite by its single
//! writer, on PostgreSQL by a transaction-scoped advisory lock, so two changes never chain to the same
//! record.

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{ColumnTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, Set, Statement};
use serde::Serialize;

use super::entity::audit_record;
use super::{Connection, Writer};

pub use audit_record::Model as AuditRecord;

/// The actor of changes no person made: the starter bank's import, the command line.
pub const SYSTEM: &str = "system";

/// The `prev_hash` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The advisory lock key that serializes appends on PostgreSQL ("synaqaud" in ASCII).
const APPEND_LOCK: i64 = 0x7379_6e61_7161_7564;

/// A change to record.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    /// The entity before the change (`None` for a creation), digested, never stored.
    pub before: Option<serde_json::Value>,
    /// The entity after the change, digested, never stored.
    pub after: Option<serde_json::Value>,
}

/// SHA-256 (hex) of a JSON value's canonical text (keys sorted, as `serde_json` keeps them in a
/// `Value`'s map).
pub fn digest(value: &serde_json::Value) -> String {
    crate::digest::sha256_hex(&[value.to_string().as_bytes()])
}

/// The hash of a record from its fields and the previous record's hash.
pub fn record_hash(r: &AuditRecord) -> String {
    #[derive(Serialize)]
    struct Fields<'a>(
        &'a str,
        i64,
        String,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
    );
    let fields = Fields(
        &r.prev_hash,
        r.seq,
        r.at.to_rfc3339_opts(SecondsFormat::Micros, true),
        &r.actor,
        &r.action,
        &r.entity,
        &r.entity_id,
        r.before_digest.as_deref(),
        r.after_digest.as_deref(),
    );
    let text = serde_json::to_string(&fields).expect("audit fields serialize");
    crate::digest::sha256_hex(&[text.as_bytes()])
}

/// Appends a record of `change` at `at`, in `db`'s transaction (so that the change and its record commit
/// together or not at all).
pub async fn append(
    db: &impl Writer,
    change: Change<'_>,
    at: DateTime<Utc>,
) -> Result<AuditRecord, sea_orm::DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [APPEND_LOCK.into()],
        ))
        .await?;
    }
    let last = audit_record::Entity::find()
        .order_by_desc(audit_record::Column::Seq)
        .one(db)
        .await?;
    let (seq, prev_hash) = last.map_or((1, GENESIS.to_owned()), |l| (l.seq + 1, l.hash));
    let mut record = AuditRecord {
        seq,
        at,
        actor: change.actor.to_owned(),
        action: change.action.to_owned(),
        entity: change.entity.to_owned(),
        entity_id: change.entity_id,
        before_digest: change.before.as_ref().map(digest),
        after_digest: change.after.as_ref().map(digest),
        prev_hash,
        hash: String::new(),
    };
    record.hash = record_hash(&record);
    audit_record::Entity::insert(audit_record::ActiveModel {
        seq: Set(record.seq),
        at: Set(record.at),
        actor: Set(record.actor.clone()),
        action: Set(record.action.clone()),
        entity: Set(record.entity.clone()),
        entity_id: Set(record.entity_id.clone()),
        before_digest: Set(record.before_digest.clone()),
        after_digest: Set(record.after_digest.clone()),
        prev_hash: Set(record.prev_hash.clone()),
        hash: Set(record.hash.clone()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(record)
}

/// Which entity ids a read selects.
#[derive(Debug, Clone, Copy)]
pub enum EntityIds<'a> {
    All,
    Exactly(&'a str),
    /// Ids that start with this (`<item id>@` for every version of an item).
    StartingWith(&'a str),
}

/// The records of an entity kind (or all kinds) with the ids selected, oldest first, at most `limit`,
/// after `after_seq`.
pub async fn records(
    db: &impl Connection,
    entity: Option<&str>,
    ids: EntityIds<'_>,
    after_seq: i64,
    limit: u64,
) -> Result<Vec<AuditRecord>, sea_orm::DbErr> {
    let mut q = audit_record::Entity::find().filter(audit_record::Column::Seq.gt(after_seq));
    if let Some(e) = entity {
        q = q.filter(audit_record::Column::Entity.eq(e));
    }
    match ids {
        EntityIds::All => {}
        EntityIds::Exactly(id) => q = q.filter(audit_record::Column::EntityId.eq(id)),
        EntityIds::StartingWith(prefix) => {
            q = q.filter(audit_record::Column::EntityId.starts_with(prefix))
        }
    }
    sea_orm::QuerySelect::limit(q.order_by_asc(audit_record::Column::Seq), limit)
        .all(db)
        .await
}

/// Where a chain first breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Break {
    pub seq: i64,
    pub reason: String,
}

/// Checks a chain given in order: numbering from 1 without gaps, each `prev_hash` the hash before, each
/// `hash` its own. The first record that fails, with why; `None` for an intact chain.
pub fn first_break(records: &[AuditRecord]) -> Option<Break> {
    let mut prev = GENESIS.to_owned();
    for (i, r) in records.iter().enumerate() {
        let expected_seq = i as i64 + 1;
        let reason = if r.seq != expected_seq {
            Some(format!("expected record {expected_seq}, found {}", r.seq))
        } else if r.prev_hash != prev {
            Some("its prev_hash is not the previous record's hash".to_owned())
        } else if record_hash(r) != r.hash {
            Some("its hash does not match its contents".to_owned())
        } else {
            None
        };
        if let Some(reason) = reason {
            return Some(Break {
                seq: if r.seq != expected_seq {
                    expected_seq
                } else {
                    r.seq
                },
                reason,
            });
        }
        prev = r.hash.clone();
    }
    None
}

/// Every record, oldest first (for `synaq audit verify`).
pub async fn all(db: &impl Connection) -> Result<Vec<AuditRecord>, sea_orm::DbErr> {
    audit_record::Entity::find()
        .order_by_asc(audit_record::Column::Seq)
        .all(db)
        .await
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn chain(n: usize) -> Vec<AuditRecord> {
        let mut out: Vec<AuditRecord> = Vec::new();
        for i in 0..n {
            let mut r = AuditRecord {
                seq: i as i64 + 1,
                at: DateTime::from_timestamp(1_764_547_200 + i as i64, 123_000).unwrap(),
                actor: format!("author-{}", i % 3),
                action: "edit".into(),
                entity: "item".into(),
                entity_id: format!("rd-a1-{i}@1"),
                before_digest: (i > 0).then(|| digest(&serde_json::json!({"i": i}))),
                after_digest: Some(digest(&serde_json::json!({"i": i + 1}))),
                prev_hash: out.last().map_or(GENESIS.to_owned(), |l| l.hash.clone()),
                hash: String::new(),
            };
            r.hash = record_hash(&r);
            out.push(r);
        }
        out
    }

    #[test]
    fn an_intact_chain_has_no_break() {
        assert_eq!(first_break(&chain(5)), None);
        assert_eq!(first_break(&[]), None);
    }

    proptest! {
        /// Changing any field of any record, removing a record (but the last: a cut tail leaves a
        /// shorter intact chain, which only a kept copy of the last hash reveals) or swapping two breaks
        /// the chain at the first record touched (or where the removed one was).
        #[test]
        fn any_tampering_is_found_where_it_happened(n in 2usize..12, at in 0usize..12, kind in 0u8..6) {
            let mut c = chain(n);
            let at = at % n;
            let expected = match kind {
                0 => { c[at].actor.push('x'); at }
                1 => { c[at].entity_id = "other@1".into(); at }
                2 => { c[at].after_digest = None; at }
                3 => { c[at].at += chrono::Duration::microseconds(1); at }
                4 => { let at = at.min(n - 2); c.remove(at); at }
                _ => {
                    let j = (at + 1) % n;
                    c.swap(at, j);
                    at.min(j)
                }
            };
            let found = first_break(&c);
            prop_assert!(found.is_some());
            prop_assert_eq!(found.unwrap().seq, expected as i64 + 1);
        }
    }
}
