//! Statements run directly on the SQLite writer's handle, without a trip to sqlx's connection thread.
//!
//! A sqlx SQLite connection runs every statement on a thread of its own: each `begin`, statement and
//! `commit` is a hand-over to that thread and back. Under load, with every core busy, each hand-over
//! waits for the scheduler, and a commit of the save queue made of four of them spent half its time
//! waiting so while the writer sat idle. The queue's committing thread instead takes the handle out of
//! the connection ([`with_handle`]: sqlx's own `lock_handle`, one hand-over) and runs the whole transaction
//! itself. Values are bound as sqlx binds them, so what is written here reads back through sea-orm
//! exactly as if sea-orm had written it: UUIDs as 16-byte blobs, times as RFC 3339 text, JSON as text.
//!
//! Statements given here must not violate a unique key (the queue's are written with `ON CONFLICT DO
//! NOTHING` or conditions): an error is reported as an internal one, not as a conflict.

use chrono::SecondsFormat;
use rusqlite::types::Value as Sql;
use sea_orm::{DbErr, RuntimeErr, Statement, Value};

/// Takes a connection of `pool` (waiting while another writer has it), locks its handle out of sqlx's
/// connection thread and runs `work` on it on this thread; the handle goes back to sqlx, and the
/// connection to the pool, when `work` returns. `work` blocks this thread for as long as it runs.
pub async fn with_handle<R>(
    pool: &sea_orm::sqlx::SqlitePool,
    work: impl FnOnce(&rusqlite::Connection) -> Result<R, DbErr>,
) -> Result<R, DbErr> {
    let mut connection = pool.acquire().await.map_err(sqlx_error)?;
    let mut handle = connection.lock_handle().await.map_err(sqlx_error)?;
    // SAFETY: the handle is locked out of sqlx's connection thread until `handle` is dropped, after
    // `db`, so nothing else uses it meanwhile; a connection made with `from_handle` never closes it.
    let db = unsafe { rusqlite::Connection::from_handle(handle.as_raw_handle().as_ptr()) }
        .map_err(error)?;
    let result = work(&db);
    drop(db);
    drop(handle);
    result
}

fn sqlx_error(e: sea_orm::sqlx::Error) -> DbErr {
    DbErr::Conn(RuntimeErr::SqlxError(e.into()))
}

/// A rusqlite error as the store reports errors.
pub fn error(e: rusqlite::Error) -> DbErr {
    DbErr::Exec(RuntimeErr::Internal(e.to_string()))
}

/// Runs `stmt` (any rows it returns are read and dropped); the rows it changed.
pub fn execute(db: &rusqlite::Connection, stmt: &Statement) -> Result<u64, DbErr> {
    let mut prepared = db.prepare(&stmt.sql).map_err(error)?;
    bind(&mut prepared, stmt)?;
    let mut rows = prepared.raw_query();
    while rows.next().map_err(error)?.is_some() {}
    Ok(db.changes())
}

/// Runs the query `stmt` and reads the first column of its first row as text (`None` for no row or
/// NULL).
pub fn query_text(db: &rusqlite::Connection, stmt: &Statement) -> Result<Option<String>, DbErr> {
    let mut prepared = db.prepare(&stmt.sql).map_err(error)?;
    bind(&mut prepared, stmt)?;
    let mut rows = prepared.raw_query();
    match rows.next().map_err(error)? {
        Some(row) => row.get(0).map_err(error),
        None => Ok(None),
    }
}

fn bind(prepared: &mut rusqlite::Statement<'_>, stmt: &Statement) -> Result<(), DbErr> {
    for (i, value) in stmt.values.iter().flat_map(|v| v.0.iter()).enumerate() {
        prepared
            .raw_bind_parameter(i + 1, sql_value(value)?)
            .map_err(error)?;
    }
    Ok(())
}

/// `value` as sqlx's SQLite driver binds it.
pub fn sql_value(value: &Value) -> Result<Sql, DbErr> {
    fn int(v: Option<impl Into<i64>>) -> Sql {
        v.map_or(Sql::Null, |v| Sql::Integer(v.into()))
    }
    fn text(v: Option<String>) -> Sql {
        v.map_or(Sql::Null, Sql::Text)
    }
    Ok(match value {
        Value::Bool(v) => int(*v),
        Value::TinyInt(v) => int(*v),
        Value::SmallInt(v) => int(*v),
        Value::Int(v) => int(*v),
        Value::BigInt(v) => int(*v),
        Value::TinyUnsigned(v) => int(*v),
        Value::SmallUnsigned(v) => int(*v),
        Value::Unsigned(v) => int(*v),
        Value::BigUnsigned(v) => match v {
            None => Sql::Null,
            Some(v) => Sql::Integer(
                i64::try_from(*v)
                    .map_err(|_| DbErr::Custom(format!("{v} does not fit SQLite's integers")))?,
            ),
        },
        Value::Float(v) => v.map_or(Sql::Null, |v| Sql::Real(f64::from(v))),
        Value::Double(v) => v.map_or(Sql::Null, Sql::Real),
        Value::String(v) => text(v.clone()),
        Value::Char(v) => text(v.map(String::from)),
        Value::Enum(v) => match v {
            sea_orm::sea_query::OptionEnum::Some(v) => Sql::Text(v.value.to_string()),
            sea_orm::sea_query::OptionEnum::None(_) => Sql::Null,
        },
        Value::Bytes(v) => v.clone().map_or(Sql::Null, Sql::Blob),
        Value::Uuid(v) => v.map_or(Sql::Null, |u| Sql::Blob(u.as_bytes().to_vec())),
        Value::Json(v) => text(v.as_ref().map(|j| j.to_string())),
        Value::ChronoDateTimeUtc(v) => {
            text(v.map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, false)))
        }
        Value::ChronoDateTimeWithTimeZone(v) => {
            text(v.map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, false)))
        }
        Value::ChronoDateTimeLocal(v) => {
            text(v.map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, false)))
        }
        Value::ChronoDateTime(v) => text(v.map(|t| t.format("%F %T%.f").to_string())),
        Value::ChronoDate(v) => text(v.map(|d| d.format("%F").to_string())),
        Value::ChronoTime(v) => text(v.map(|t| t.format("%T%.f").to_string())),
        other => {
            return Err(DbErr::Custom(format!(
                "the save queue binds no value of this kind: {other:?}"
            )));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever the queue binds reads back through sea-orm as the value it was, on one table written
    /// both ways.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn values_bound_here_read_back_as_sqlx_writes_them() {
        use sea_orm::{ConnectionTrait, DbBackend};
        let dir = std::env::temp_dir().join(format!("synaq-handle-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.join("h.db").display());
        let writer = crate::store::connect(&url, 2).await.unwrap().write;
        writer
            .execute_unprepared(
                "CREATE TABLE kinds (way TEXT, id BLOB, at TEXT, doc TEXT, flag INTEGER, n INTEGER, \
                 x REAL, s TEXT, none TEXT)",
            )
            .await
            .unwrap();
        let at = crate::store::now();
        let id = uuid::Uuid::now_v7();
        let doc = serde_json::json!({"answer": ["қала", 2], "ok": true});
        let values = |way: &str| -> Vec<Value> {
            vec![
                way.into(),
                id.into(),
                at.into(),
                doc.clone().into(),
                true.into(),
                (-7_i32).into(),
                0.25_f64.into(),
                "Ққ".into(),
                Option::<String>::None.into(),
            ]
        };
        let insert = |way: &str| {
            Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "INSERT INTO kinds VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values(way),
            )
        };
        writer.execute_raw(insert("sqlx")).await.unwrap();
        let direct = insert("direct");
        let changed = with_handle(writer.0.get_sqlite_connection_pool(), |db| {
            execute(db, &direct)
        })
        .await
        .unwrap();
        assert_eq!(changed, 1);
        // Every column equal between the two rows, compared by SQLite itself and read through sea-orm.
        let same = writer
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT COUNT(*) AS n FROM kinds a JOIN kinds b ON a.way = 'sqlx' AND b.way = 'direct' \
                 AND a.id = b.id AND a.at = b.at AND a.doc = b.doc AND a.flag = b.flag AND a.n = b.n \
                 AND a.x = b.x AND a.s = b.s AND a.none IS NULL AND b.none IS NULL \
                 AND typeof(a.id) = typeof(b.id) AND typeof(a.at) = typeof(b.at)",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap();
        assert_eq!(same, 1);
        let row = writer
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT id, at, doc FROM kinds WHERE way = 'direct'",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.try_get::<uuid::Uuid>("", "id").unwrap(), id);
        assert_eq!(
            row.try_get::<chrono::DateTime<chrono::Utc>>("", "at")
                .unwrap(),
            at
        );
        assert_eq!(row.try_get::<serde_json::Value>("", "doc").unwrap(), doc);
    }
}
