//! Exposure counts per blueprint: forms drawn, and forms that held each item.

use std::collections::HashMap;

use sea_orm::Statement;

/// The number of forms of `blueprint_id` drawn, and per item id the number that held it.
pub async fn counts(
    db: &impl super::Connection,
    blueprint_id: &str,
) -> Result<(HashMap<String, u64>, u64), sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let p = super::bind(backend);
    let forms = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT forms FROM blueprint_forms WHERE blueprint_id = {}",
                p(1)
            ),
            [blueprint_id.into()],
        ))
        .await?
        .map(|row| row.try_get::<i64>("", "forms"))
        .transpose()?
        .unwrap_or(0);
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT item_id, forms FROM item_exposure WHERE blueprint_id = {}",
                p(1)
            ),
            [blueprint_id.into()],
        ))
        .await?;
    let mut counts = HashMap::with_capacity(rows.len());
    for row in rows {
        counts.insert(
            row.try_get::<String>("", "item_id")?,
            row.try_get::<i64>("", "forms")?.max(0) as u64,
        );
    }
    Ok((counts, forms.max(0) as u64))
}

/// Counts one more form of `blueprint_id`, inside the caller's transaction (once per session).
pub async fn record_form(
    db: &impl super::Writer,
    blueprint_id: &str,
) -> Result<(), sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let p = super::bind(backend);
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        format!(
            "INSERT INTO blueprint_forms (blueprint_id, forms) VALUES ({}, 1) \
             ON CONFLICT (blueprint_id) DO UPDATE SET forms = blueprint_forms.forms + 1",
            p(1)
        ),
        [blueprint_id.into()],
    ))
    .await?;
    Ok(())
}

/// Counts one more appearance of each of `item_ids` on a form of `blueprint_id`, inside the caller's
/// transaction.
pub async fn record_items(
    db: &impl super::Writer,
    blueprint_id: &str,
    item_ids: &[String],
) -> Result<(), sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let p = super::bind(backend);
    let sql = format!(
        "INSERT INTO item_exposure (blueprint_id, item_id, forms) VALUES ({}, {}, 1) \
         ON CONFLICT (blueprint_id, item_id) DO UPDATE SET forms = item_exposure.forms + 1",
        p(1),
        p(2)
    );
    for item in item_ids {
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            sql.clone(),
            [blueprint_id.into(), item.as_str().into()],
        ))
        .await?;
    }
    Ok(())
}
