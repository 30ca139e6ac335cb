//! Live statistics of item versions, from the graded responses of finished sessions: the count and
//! proportion correct for the list; for one item also the item–rest point-biserial, how often each option
//! was chosen, the exposure rate per blueprint, and Mantel–Haenszel DIF between the largest citizenship
//! group and the other candidates (the groups the pre-selection serves), classified A/B/C as ETS does.

use std::collections::{BTreeMap, HashMap};

use item_bank::irt::{
    EtsCategory, ResponseMatrix, item_statistics as classical, mantel_haenszel_dif,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::ApiError;
use crate::services::AppState;
use crate::store::ItemKey;
use crate::store::statistics as store;

/// What the list shows of an item version's responses.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ListStatistics {
    /// Responses in finished sessions.
    pub n: u64,
    /// Proportion correct; absent without responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
}

/// Everything known of an item version's responses.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ItemStatisticsView {
    pub version: i32,
    pub n: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
    /// Correlation of the item score with the rest of the session's score; absent without variation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub point_biserial: Option<f64>,
    /// How often each option (by the author's id) was chosen; `""` counts sessions that left it unanswered.
    pub options: BTreeMap<String, u64>,
    /// Forms of each blueprint that held the item, over the forms drawn.
    pub exposure: BTreeMap<String, f64>,
    /// Mantel–Haenszel DIF, when both groups answered it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dif: Option<DifView>,
}

/// DIF between two groups of candidates.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DifView {
    /// The reference group: the most frequent citizenship.
    pub reference: String,
    /// The focal group: every other candidate.
    pub focal: String,
    /// ETS delta; negative values disadvantage the focal group.
    pub delta: f64,
    pub p_value: f64,
    /// `A` (negligible), `B` (moderate) or `C` (large).
    #[schema(value_type = String)]
    pub category: EtsCategory,
}

/// Count and proportion correct of each of `keys`.
pub async fn list_statistics(
    state: &AppState,
    keys: &[ItemKey],
) -> Result<HashMap<ItemKey, ListStatistics>, ApiError> {
    Ok(store::counts(&state.db, keys)
        .await?
        .into_iter()
        .map(|(key, (n, correct))| {
            let stats = ListStatistics {
                n,
                p_value: (n > 0).then(|| correct as f64 / n as f64),
            };
            (key, stats)
        })
        .collect())
}

/// The statistics of one item version.
pub async fn item_statistics(
    state: &AppState,
    id: &str,
    version: i32,
) -> Result<ItemStatisticsView, ApiError> {
    let key: ItemKey = (id.to_owned(), version);
    let rows = store::responses_with(&state.db, &key).await?;
    let mut view = ItemStatisticsView {
        version,
        exposure: store::exposure(&state.db, id).await?,
        ..Default::default()
    };
    let (data, sessions) = matrix(&rows);
    let column = format!("{id}@{version}");
    if let Some(data) = data.as_ref()
        && let Some(s) = classical(data, None)
            .map_err(|e| ApiError::Internal(e.into()))?
            .into_iter()
            .find(|s| s.id == column)
    {
        view.n = s.n as u64;
        view.p_value = (s.n > 0.0).then_some(s.p_value);
        view.point_biserial = s.point_biserial;
    }
    view.options = store::option_counts(&state.db, &key).await?;
    if let Some(data) = data.as_ref() {
        view.dif = dif(state, data, &sessions, &column).await?;
    }
    Ok(view)
}

/// The 0/1 response matrix of `rows` (by session, one column per item version) and its sessions.
fn matrix(rows: &[store::ResponseRow]) -> (Option<ResponseMatrix>, Vec<Uuid>) {
    let mut columns: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (_, id, version, _) in rows {
        let c = format!("{id}@{version}");
        if !index.contains_key(&c) {
            index.insert(c.clone(), columns.len());
            columns.push(c);
        }
    }
    let mut sessions: Vec<Uuid> = Vec::new();
    let mut cells: Vec<Vec<Option<u8>>> = Vec::new();
    for (session, id, version, credit) in rows {
        if sessions.last() != Some(session) {
            sessions.push(*session);
            cells.push(vec![None; columns.len()]);
        }
        let i = index[&format!("{id}@{version}")];
        if let Some(row) = cells.last_mut() {
            row[i] = Some(u8::from(*credit >= 1.0));
        }
    }
    if cells.is_empty() {
        return (None, sessions);
    }
    (ResponseMatrix::new(columns, &cells).ok(), sessions)
}

/// Mantel–Haenszel DIF of `column` between the most frequent citizenship and the rest.
async fn dif(
    state: &AppState,
    data: &ResponseMatrix,
    sessions: &[Uuid],
    column: &str,
) -> Result<Option<DifView>, ApiError> {
    let citizenship = store::citizenships(&state.db, sessions).await?;
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for c in citizenship.values() {
        *counts.entry(c.as_str()).or_default() += 1;
    }
    let Some((reference, _)) = counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(c, n)| ((*c).to_owned(), *n))
    else {
        return Ok(None);
    };
    let focal: Vec<bool> = sessions
        .iter()
        .map(|s| citizenship.get(s).is_none_or(|c| *c != reference))
        .collect();
    if !focal.iter().any(|f| *f) || focal.iter().all(|f| *f) {
        return Ok(None);
    }
    Ok(mantel_haenszel_dif(data, &focal)
        .map_err(|e| ApiError::Internal(e.into()))?
        .into_iter()
        .find(|d| d.id == column)
        .map(|d| DifView {
            reference,
            focal: "other".into(),
            delta: d.delta,
            p_value: d.p_value,
            category: d.category,
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix_has_a_row_per_session_and_a_column_per_version() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let rows = vec![
            (a, "x".to_owned(), 1, 1.0),
            (a, "y".to_owned(), 2, 0.0),
            (b, "x".to_owned(), 1, 0.0),
        ];
        let (data, sessions) = matrix(&rows);
        let data = data.unwrap();
        assert_eq!(sessions, vec![a, b]);
        assert_eq!(data.item_ids(), &["x@1".to_owned(), "y@2".to_owned()]);
        assert_eq!(data.n_persons(), 2);
        assert!(matrix(&[]).0.is_none());
    }
}
