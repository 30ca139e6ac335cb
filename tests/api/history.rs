//! Answer history is bounded: floods of saves are refused, a position keeps a bounded history, and the
//! session view reads only the latest answer of each position.

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use synaq::store::entity::response_event;

use synaq::config::Settings;

use crate::helpers::{TestApp, assert_problem, spawn_app_with};

/// The events stored for one position of a session.
async fn stored(app: &TestApp, session: &str, position: i32) -> u64 {
    response_event::Entity::find()
        .filter(response_event::Column::SessionId.eq(uuid::Uuid::parse_str(session).unwrap()))
        .filter(response_event::Column::Position.eq(position))
        .count(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_flood_of_saves_is_refused_with_retry_after() {
    let app = spawn_app_with(|s| {
        s.save_rate_per_second = Settings::default().save_rate_per_second;
    })
    .await;
    let (token, session) = app.started_session().await;
    let id = session["id"].as_str().unwrap();
    let (mut saved, mut refused) = (0, 0);
    for i in 0..100 {
        let r = app
            .put_answer(id, 1, &token, &format!("flood-{i}"), json!({"choice": "a"}))
            .await;
        match r.status() {
            StatusCode::OK => saved += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(r.headers().contains_key("retry-after"));
                assert_problem(r, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
                refused += 1;
            }
            other => panic!("a save got {other}"),
        }
    }
    let burst = app.state.settings.save_burst;
    assert!(
        saved >= burst && saved < burst + 10,
        "{saved} saves were accepted"
    );
    assert_eq!(saved + refused, 100);
    assert!(stored(&app, id, 1).await <= u64::from(app.state.settings.saves_kept_per_position));
}

#[tokio::test]
async fn a_positions_history_is_pruned_to_its_latest_answers() {
    let app = spawn_app_with(|s| {
        s.save_rate_per_second = 0.0;
        s.saves_kept_per_position = 5;
    })
    .await;
    let (token, session) = app.started_session().await;
    let id = session["id"].as_str().unwrap();
    let choices = ["a", "b"];
    for i in 0..40 {
        let r = app
            .put_answer(
                id,
                1,
                &token,
                &format!("k-{i}"),
                json!({"choice": choices[i % 2]}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    app.put_answer(id, 2, &token, "other", json!({"choice": "b"}))
        .await;
    assert_eq!(stored(&app, id, 1).await, 5, "the history is bounded");
    assert_eq!(stored(&app, id, 2).await, 1, "other positions keep theirs");
    let view: Value = app
        .get(&format!("/api/v1/sessions/{id}"), &token)
        .await
        .json()
        .await
        .unwrap();
    let items = view["sections"][0]["items"].as_array().unwrap();
    assert_eq!(items[0]["response"], json!({"choice": choices[39 % 2]}));
    assert_eq!(items[1]["response"], json!({"choice": "b"}));
    assert!(items[2].get("response").is_none());
    // The latest save's key still replays.
    let again = app
        .put_answer(id, 1, &token, "k-39", json!({"choice": choices[39 % 2]}))
        .await;
    let body: Value = again.json().await.unwrap();
    assert_eq!(body["replayed"], true);
}
