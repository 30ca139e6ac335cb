//! Exposure counts per blueprint: forms drawn, and forms that held each item.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, Statement};

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

/// Adds counts, in one transaction: per blueprint, `forms` more forms drawn and, per item id, that many
/// more forms that held it. Additions, not assignments: instances sharing a database each add their own.
pub async fn add(
    writer: &super::WriteDb,
    batch: &[(&str, u64, &HashMap<String, u64>)],
) -> Result<(), sea_orm::DbErr> {
    let txn = super::begin(writer).await?;
    let backend = txn.get_database_backend();
    let p = super::bind(backend);
    let form_sql = format!(
        "INSERT INTO blueprint_forms (blueprint_id, forms) VALUES ({}, {}) \
         ON CONFLICT (blueprint_id) DO UPDATE SET forms = blueprint_forms.forms + excluded.forms",
        p(1),
        p(2)
    );
    let item_sql = format!(
        "INSERT INTO item_exposure (blueprint_id, item_id, forms) VALUES ({}, {}, {}) \
         ON CONFLICT (blueprint_id, item_id) DO UPDATE SET forms = item_exposure.forms + excluded.forms",
        p(1),
        p(2),
        p(3)
    );
    for (blueprint_id, forms, items) in batch {
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            form_sql.clone(),
            [(*blueprint_id).into(), (*forms as i64).into()],
        ))
        .await?;
        for (item, n) in items.iter() {
            txn.execute_raw(Statement::from_sql_and_values(
                backend,
                item_sql.clone(),
                [
                    (*blueprint_id).into(),
                    item.as_str().into(),
                    (*n as i64).into(),
                ],
            ))
            .await?;
        }
    }
    txn.commit().await
}
