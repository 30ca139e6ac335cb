//! Items for authors: the list with filters and search, one item with all it has, creating an item,
//! editing its draft, opening a new version, and previewing it as a candidate would see it.

use chrono::{DateTime, Utc};
use item_bank::bank::{Item, ItemType};
use item_bank::kazakh;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::statistics::{self, ItemStatisticsView, ListStatistics};
use super::version_id;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorCode};
use crate::services::AppState;
use crate::services::delivery::{ItemView, item_view};
use crate::store::audit::{self, Change};
use crate::store::items::{self as store, ItemRow};
use crate::store::status::ItemStatus;
use crate::store::{calibration, is_unique_violation};

/// The most items a page of the list holds.
pub const MAX_PAGE: usize = 200;
/// The longest search text, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// The list's filters; all optional and combined with "and".
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ItemFilter {
    pub section: Option<String>,
    /// `A1` … `C1`.
    pub level: Option<String>,
    pub topic: Option<String>,
    /// `single_choice`, `gap_fill` or `short_answer`.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub item_type: Option<String>,
    /// `draft`, `review`, `approved`, `pretest`, `operational` or `retired`.
    pub status: Option<ItemStatus>,
    /// Text searched in stems, stimuli and options, in any of the alphabets (Cyrillic, the Latin ones,
    /// look-alike letters mixed in): it is normalized as answers are.
    #[param(value_type = Option<crate::domain::schema::OneLine>, max_length = 200)]
    pub q: Option<String>,
    /// The `next_cursor` of the page before.
    pub cursor: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<usize>,
}

/// One item in the list: its latest version.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemSummary {
    pub id: String,
    pub version: i32,
    pub status: ItemStatus,
    pub section: String,
    pub level: String,
    pub topic: String,
    #[serde(rename = "type")]
    pub item_type: String,
    pub stem: String,
    /// The current IRT parameters (calibrated or the author's provisional ones).
    #[schema(value_type = Object)]
    pub parameters: serde_json::Value,
    pub statistics: ListStatistics,
}

/// A page of the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemPage {
    pub items: Vec<ItemSummary>,
    /// Pass as `cursor` for the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// One version of an item, whole (keys and accepted answers included: authors see them).
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionView {
    pub version: i32,
    pub status: ItemStatus,
    pub created_at: DateTime<Utc>,
    /// The author's user id; absent for the starter bank.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Placed on a session: it never changes again.
    pub used: bool,
    #[schema(value_type = Object)]
    pub item: serde_json::Value,
    /// The current parameters and where they come from.
    pub parameters: ParametersView,
}

/// An item version's parameters with their provenance.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParametersView {
    #[schema(value_type = Object)]
    pub params: serde_json::Value,
    /// `provisional` (the author's) or `calibrated`.
    pub status: String,
    /// The calibration run that estimated them, when calibrated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calibration_run_id: Option<uuid::Uuid>,
}

/// A move in an item's status history.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionView {
    pub version: i32,
    /// Absent when the version was created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<ItemStatus>,
    pub to: ItemStatus,
    pub actor: String,
    pub comment: String,
    pub at: DateTime<Utc>,
}

/// An item with all it has.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemDetail {
    pub id: String,
    /// Oldest first.
    pub versions: Vec<VersionView>,
    pub history: Vec<TransitionView>,
    pub statistics: ItemStatisticsView,
}

/// The list: the latest version of each item that passes the filters, by id, a page at a time.
pub async fn list(state: &AppState, filter: ItemFilter) -> Result<ItemPage, ApiError> {
    let limit = filter.limit.unwrap_or(50);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::Validation(format!(
            "limit lies between 1 and {MAX_PAGE}"
        )));
    }
    let query = match &filter.q {
        Some(q) if q.chars().count() > MAX_QUERY_CHARS => {
            return Err(ApiError::Validation(format!(
                "q has at most {MAX_QUERY_CHARS} characters"
            )));
        }
        Some(q) => Some(kazakh::search_key(q)).filter(|q| !q.is_empty()),
        None => None,
    };
    // Filter on the heads; read the content only of the candidates, a chunk at a time, until the page
    // is full (a search that matches early reads little of the bank).
    let heads: Vec<_> = store::current_heads(&state.db)
        .await?
        .into_iter()
        .filter(|(id, _, status, section, level, topic, item_type)| {
            !(filter.cursor.as_ref().is_some_and(|c| id <= c)
                || filter.section.as_ref().is_some_and(|s| s != section)
                || filter.level.as_ref().is_some_and(|l| l != level)
                || filter.topic.as_ref().is_some_and(|t| t != topic)
                || filter.item_type.as_ref().is_some_and(|t| t != item_type)
                || filter.status.is_some_and(|s| s != *status))
        })
        .map(|h| (h.0, h.1))
        .collect();
    let chunk = if query.is_some() { 250 } else { limit + 1 };
    let mut page = Vec::with_capacity(limit + 1);
    'chunks: for keys in heads.chunks(chunk) {
        let mut rows = store::rows(&state.db, keys).await?;
        for key in keys {
            let Some(row) = rows.remove(key) else {
                continue;
            };
            let item = row.item()?;
            if query.as_ref().is_some_and(|q| !matches_search(&item, q)) {
                continue;
            }
            page.push((row, item));
            if page.len() > limit {
                break 'chunks;
            }
        }
    }
    let next_cursor = (page.len() > limit).then(|| page[limit - 1].0.id.clone());
    page.truncate(limit);
    let keys: Vec<(String, i32)> = page
        .iter()
        .map(|(r, _)| (r.id.clone(), r.version))
        .collect();
    let params = calibration::current_params(&state.db, &keys).await?;
    let stats = statistics::list_statistics(state, &keys).await?;
    let items = page
        .into_iter()
        .map(|(row, item)| {
            let key = (row.id.clone(), row.version);
            let irt = params.get(&key).unwrap_or(&item.irt);
            ItemSummary {
                parameters: serde_json::to_value(irt).unwrap_or_default(),
                statistics: stats.get(&key).cloned().unwrap_or_default(),
                id: row.id,
                version: row.version,
                status: row.status,
                section: row.section,
                level: row.level,
                topic: row.topic,
                item_type: row.item_type,
                stem: item.stem,
            }
        })
        .collect();
    Ok(ItemPage { items, next_cursor })
}

/// Whether the item's stem, stimulus or an option holds the (normalized) query.
fn matches_search(item: &Item, query: &str) -> bool {
    std::iter::once(item.stem.as_str())
        .chain(item.stimulus.as_deref())
        .chain(item.options.iter().map(|o| o.text.as_str()))
        .any(|text| kazakh::search_key(text).contains(query))
}

/// One item: every version, its status history, parameters and statistics.
pub async fn detail(state: &AppState, id: &str) -> Result<ItemDetail, ApiError> {
    let rows = store::versions(&state.db, id).await?;
    if rows.is_empty() {
        return Err(ApiError::NotFound("item"));
    }
    let keys: Vec<(String, i32)> = rows.iter().map(|r| (r.id.clone(), r.version)).collect();
    let params = calibration::param_rows(&state.db, &keys).await?;
    let mut versions = Vec::with_capacity(rows.len());
    for row in &rows {
        let item = row.item()?;
        let stored = params.get(&(row.id.clone(), row.version));
        let parameters = match stored {
            Some(p) => ParametersView {
                params: p.params.clone(),
                status: crate::store::status::word(p.status),
                calibration_run_id: p.calibration_run_id,
            },
            None => ParametersView {
                params: serde_json::to_value(&item.irt.params).unwrap_or_default(),
                status: "provisional".into(),
                calibration_run_id: None,
            },
        };
        versions.push(VersionView {
            version: row.version,
            status: row.status,
            created_at: row.created_at,
            created_by: row.created_by.clone(),
            used: store::is_used(&state.db, &row.id, row.version).await?,
            item: row.body.clone(),
            parameters,
        });
    }
    let history = store::transitions(&state.db, id)
        .await?
        .into_iter()
        .map(|t| TransitionView {
            version: t.item_version,
            from: t.from_status,
            to: t.to_status,
            actor: t.actor,
            comment: t.comment,
            at: t.at,
        })
        .collect();
    let latest = rows.last().expect("an item has a version");
    let statistics = statistics::item_statistics(state, &latest.id, latest.version).await?;
    Ok(ItemDetail {
        id: id.to_owned(),
        versions,
        history,
        statistics,
    })
}

/// Parses what an author sent as an item: the items-file fields as JSON, with `version` and `irt`
/// optional (the server sets the version; absent parameters are provisional defaults).
fn parse_item(mut body: serde_json::Value, id: &str, version: u32) -> Result<Item, ApiError> {
    let map = body
        .as_object_mut()
        .ok_or_else(|| ApiError::Validation("an item is a JSON object".into()))?;
    match map.get("id").and_then(|v| v.as_str()) {
        Some(given) if given != id => {
            return Err(ApiError::Validation(format!(
                "the item's id is {id}, not {given}"
            )));
        }
        _ => {}
    }
    map.insert("id".into(), id.into());
    map.insert("version".into(), version.into());
    if !map.contains_key("irt") {
        let options = map
            .get("options")
            .and_then(|o| o.as_array())
            .map_or(0, Vec::len);
        let irt = item_bank::bank::ItemIrt::provisional(options);
        map.insert("irt".into(), serde_json::to_value(irt).unwrap_or_default());
    }
    map.remove("pretest");
    serde_json::from_value(body).map_err(|e| ApiError::Validation(format!("the item: {e}")))
}

/// Checks an item by the content rules (`Item::validate`, the one rule set the files pass too), and
/// that it holds no control character.
pub(crate) fn validate_content(item: &Item) -> Result<(), ApiError> {
    item.validate()
        .map_err(|e| ApiError::Validation(e.to_string()))?;
    crate::domain::text::check_json_lines(
        "item",
        &serde_json::to_value(item).unwrap_or_default(),
        crate::domain::text::Lines::Many,
    )?;
    Ok(())
}

/// Checks an item by the content rules, and that the media it names are stored.
pub(crate) async fn validate(state: &AppState, item: &Item) -> Result<(), ApiError> {
    validate_content(item)?;
    for (what, path) in [("audio", &item.audio), ("image", &item.image)] {
        if let Some(path) = path
            && !store::media_exists(&state.db, path).await?
        {
            return Err(ApiError::Validation(format!(
                "the {what} {path} is not stored: upload it first (POST /api/v1/media)"
            )));
        }
    }
    if item.section == "listening" && item.audio.is_none() {
        return Err(ApiError::Validation(
            "a listening item needs its audio".into(),
        ));
    }
    Ok(())
}

/// Creates an item: version 1, a draft by the caller.
pub async fn create(
    state: &AppState,
    author: &Principal,
    body: serde_json::Value,
) -> Result<ItemDetail, ApiError> {
    let id = body
        .get("id")
        .and_then(|v| v.as_str())
        .ok_or_else(|| ApiError::Validation("an item needs an id".into()))?
        .to_owned();
    let item = parse_item(body, &id, 1)?;
    validate(state, &item).await?;
    let now = crate::store::now();
    let txn = crate::store::begin(&state.writer).await?;
    if store::latest(&txn, &id).await?.is_some() {
        return Err(ApiError::conflict(
            ErrorCode::ItemExists,
            format!("an item {id} exists: open a new version of it instead"),
        ));
    }
    insert_version(&txn, &item, &author.subject, "create", None, "created", now).await?;
    txn.commit().await.map_err(conflict_on_race)?;
    detail(state, &id).await
}

/// Stores a new draft version with its history entry and audit record, in `txn`.
pub(crate) async fn insert_version(
    txn: &crate::store::Transaction,
    item: &Item,
    actor: &str,
    action: &str,
    before: Option<serde_json::Value>,
    comment: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    store::insert(txn, item, ItemStatus::Draft, actor, now)
        .await
        .map_err(|e| match e.downcast_ref::<crate::store::StoreError>() {
            Some(db) if is_unique_violation(db) => ApiError::conflict(
                ErrorCode::VersionConflict,
                "that version was created meanwhile",
            ),
            _ => ApiError::Internal(e),
        })?;
    let version = item.version as i32;
    store::add_transition(
        txn,
        &item.id,
        version,
        None,
        ItemStatus::Draft,
        actor,
        comment,
        now,
    )
    .await?;
    audit::append(
        txn,
        Change {
            actor,
            action,
            entity: "item",
            entity_id: version_id(&item.id, item.version),
            before,
            after: Some(serde_json::to_value(item).unwrap_or_default()),
        },
        now,
    )
    .await?;
    Ok(())
}

fn conflict_on_race(e: crate::store::StoreError) -> ApiError {
    if is_unique_violation(&e) {
        ApiError::conflict(ErrorCode::VersionConflict, "changed meanwhile")
    } else {
        e.into()
    }
}

/// Replaces the content of the item's draft (its latest version, which must be a draft).
pub async fn edit_draft(
    state: &AppState,
    author: &Principal,
    id: &str,
    body: serde_json::Value,
) -> Result<ItemDetail, ApiError> {
    let latest = store::latest(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound("item"))?;
    if latest.status != ItemStatus::Draft {
        return Err(ApiError::conflict(
            ErrorCode::NotADraft,
            format!(
                "version {} is {}: only a draft is edited; open a new version",
                latest.version,
                crate::store::status::word(latest.status)
            ),
        ));
    }
    let item = parse_item(body, id, latest.version as u32)?;
    validate(state, &item).await?;
    let now = crate::store::now();
    let txn = crate::store::begin(&state.writer).await?;
    if !store::replace_draft(&txn, &item).await? {
        return Err(ApiError::conflict(
            ErrorCode::NotADraft,
            "the draft was sent to review meanwhile",
        ));
    }
    audit::append(
        &txn,
        Change {
            actor: &author.subject,
            action: "edit",
            entity: "item",
            entity_id: version_id(id, item.version),
            before: Some(latest.body.clone()),
            after: Some(serde_json::to_value(&item).unwrap_or_default()),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    detail(state, id).await
}

/// Opens a new draft version of an item, a copy of its latest version, unless the latest is still a
/// draft or under review.
pub async fn new_version(
    state: &AppState,
    author: &Principal,
    id: &str,
) -> Result<ItemDetail, ApiError> {
    let latest = store::latest(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound("item"))?;
    if matches!(latest.status, ItemStatus::Draft | ItemStatus::Review) {
        return Err(ApiError::conflict(
            ErrorCode::InvalidTransition,
            format!(
                "version {} is still {}: edit it instead",
                latest.version,
                crate::store::status::word(latest.status)
            ),
        ));
    }
    let mut item = latest.item()?;
    item.version += 1;
    item.pretest = false;
    let now = crate::store::now();
    let txn = crate::store::begin(&state.writer).await?;
    insert_version(
        &txn,
        &item,
        &author.subject,
        "new_version",
        Some(latest.body.clone()),
        &format!("opened from version {}", latest.version),
        now,
    )
    .await?;
    txn.commit().await.map_err(conflict_on_race)?;
    detail(state, id).await
}

/// The latest version of an item (or `version`) exactly as a candidate's session view would show it,
/// its options shuffled by `seed`. Read from the database, never the delivery cache (drafts change).
pub async fn preview(
    state: &AppState,
    id: &str,
    version: Option<i32>,
    seed: u64,
) -> Result<ItemView, ApiError> {
    let row: ItemRow = match version {
        None => store::latest(&state.db, id).await?,
        Some(v) => store::version(&state.db, id, v).await?,
    }
    .ok_or(ApiError::NotFound("item"))?;
    let item = row.item()?;
    let order = if item.item_type == ItemType::SingleChoice {
        item_bank::assembly::shuffled_options(&item, &mut ChaCha20Rng::seed_from_u64(seed))
    } else {
        Vec::new()
    };
    let plays = item_bank::bank::DEFAULT_PLAY_LIMIT;
    let mut view = item_view(uuid::Uuid::nil(), 1, &item, &order, None, plays);
    // The candidate's media routes need a session; an author previews through the item's own.
    if let Some(media) = view.media.as_mut() {
        media.url = format!("/api/v1/items/{id}/media?version={}", row.version);
    }
    if let Some(image) = view.image.as_mut() {
        image.url = format!("/api/v1/items/{id}/image?version={}", row.version);
    }
    Ok(view)
}

/// The picture of an item version's characteristic curve and information (the latest version when
/// `version` is absent), from its current parameters (calibrated, or the author's provisional ones).
pub async fn curves(
    state: &AppState,
    id: &str,
    version: Option<i32>,
    lang: crate::lang::Lang,
) -> Result<String, ApiError> {
    let row: ItemRow = match version {
        None => store::latest(&state.db, id).await?,
        Some(v) => store::version(&state.db, id, v).await?,
    }
    .ok_or(ApiError::NotFound("item"))?;
    let key = (row.id.clone(), row.version);
    let params = match calibration::current_params(&state.db, std::slice::from_ref(&key))
        .await?
        .remove(&key)
    {
        Some(irt) => irt.params,
        None => row.item()?.irt.params,
    };
    Ok(crate::plot::item::svg(
        &format!("{id} v{}", row.version),
        &params,
        lang,
    ))
}

/// A file an item version names, for its preview.
pub async fn preview_file(
    state: &AppState,
    id: &str,
    version: i32,
    audio: bool,
) -> Result<(String, Vec<u8>), ApiError> {
    let row = store::version(&state.db, id, version)
        .await?
        .ok_or(ApiError::NotFound("item"))?;
    let item = row.item()?;
    let path = if audio { item.audio } else { item.image }.ok_or(ApiError::NotFound("media"))?;
    crate::store::bank::media(&state.db, &path)
        .await?
        .ok_or(ApiError::NotFound("media"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_without_parameters_gets_provisional_ones_and_its_version_from_the_server() {
        let item = parse_item(
            serde_json::json!({
                "id": "rd-a1-x-001", "version": 7, "section": "reading", "level": "A1", "topic": "x",
                "type": "single_choice", "stem": "Сұрақ?", "key": "a", "pretest": true,
                "options": [{"id": "a", "text": "бір"}, {"id": "b", "text": "екі"},
                            {"id": "c", "text": "үш"}, {"id": "d", "text": "төрт"}]
            }),
            "rd-a1-x-001",
            2,
        )
        .unwrap();
        assert_eq!(item.version, 2);
        assert!(
            !item.pretest,
            "the lifecycle says what is pretest, not the body"
        );
        assert_eq!(item.irt.status, item_bank::bank::ParamStatus::Provisional);
        let params = serde_json::to_value(&item.irt.params).unwrap();
        assert_eq!(params["c"], 0.25);
        assert!(parse_item(serde_json::json!({"id": "other"}), "rd-a1-x-001", 1).is_err());
        assert!(parse_item(serde_json::json!([1]), "rd-a1-x-001", 1).is_err());
    }

    #[test]
    fn search_finds_cyrillic_text_from_latin_and_look_alike_queries() {
        let item: Item = parse_item(
            serde_json::json!({
                "id": "rd-a1-x-002", "section": "reading", "level": "A1", "topic": "x",
                "type": "single_choice", "stem": "Қала қайда?", "key": "a",
                "options": [{"id": "a", "text": "Алматы"}, {"id": "b", "text": "Шымкент"}]
            }),
            "rd-a1-x-002",
            1,
        )
        .unwrap();
        for query in [
            "қала",
            "QALA",
            "qala",
            "Кала",
            "Kaлa",
            "шымкент",
            "Shymkent",
        ] {
            assert!(matches_search(&item, &kazakh::search_key(query)), "{query}");
        }
        assert!(!matches_search(&item, &kazakh::search_key("Астана")));
    }
}
