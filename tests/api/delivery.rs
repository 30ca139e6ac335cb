//! Sitting the test: the drawn form, durable and idempotent saves, the server's deadlines, the sweeper,
//! and the boundary between candidates.

use std::collections::HashSet;

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use synaq::store::entity::{response_event, session, session_item};

use crate::helpers::{assert_problem, spawn_app};

fn section<'a>(session: &'a Value, id: &str) -> &'a Value {
    session["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap()
}

#[tokio::test]
async fn the_form_follows_the_blueprint_and_reveals_no_key() {
    let app = spawn_app().await;
    let (token, s) = app.started_session().await;
    assert_eq!(s["status"], "in_progress");
    assert_eq!(s["current_section"], "listening");
    let listening = section(&s, "listening");
    assert_eq!(listening["status"], "open");
    assert_eq!(listening["items"].as_array().unwrap().len(), 20);
    assert!(listening["remaining_seconds"].as_i64().unwrap() > 1400);
    let reading = section(&s, "reading");
    assert_eq!(reading["status"], "pending");
    assert!(
        reading["items"].as_array().unwrap().is_empty(),
        "a pending section shows no items"
    );

    let text = s.to_string();
    for secret in [
        "\"key\"",
        "\"accept\"",
        "\"irt\"",
        "\"transcript\"",
        "\"text_key\"",
        "provisional",
        "\"b\":",
    ] {
        assert!(
            !text.contains(secret),
            "the candidate's view contains {secret}"
        );
    }
    let session_id = s["id"].as_str().unwrap();
    let stored = session_item::Entity::find()
        .filter(session_item::Column::SessionId.eq(uuid::Uuid::parse_str(session_id).unwrap()))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 60);
    let ids: HashSet<&str> = stored.iter().map(|i| i.item_id.as_str()).collect();
    assert_eq!(ids.len(), 60, "no item twice");

    // Every listening item has real audio, served only to its candidate.
    let first = &listening["items"][0];
    let url = first["media"]["url"].as_str().unwrap();
    let audio = app.get(url, &token).await;
    assert_eq!(audio.status(), StatusCode::OK);
    assert_eq!(audio.headers()["content-type"], "audio/ogg");
    assert_eq!(&audio.bytes().await.unwrap()[..4], b"OggS");
    let (other, _) = app.started_session().await;
    assert_problem(
        app.get(url, &other).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn starting_again_resumes_and_the_form_can_be_rebuilt_from_its_seed() {
    let app = spawn_app().await;
    let (token, s) = app.started_session().await;
    let again = app.post("/api/v1/sessions", &token, json!({})).await;
    assert_eq!(again.status(), StatusCode::OK);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], s["id"]);
    assert_eq!(
        section(&again, "listening")["items"],
        section(&s, "listening")["items"]
    );

    let id = uuid::Uuid::parse_str(s["id"].as_str().unwrap()).unwrap();
    let row = session::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let bp = synaq::store::bank::blueprint(&app.state.db, "kaztest-a1-preselection", None)
        .await
        .unwrap()
        .unwrap();
    let bank =
        synaq::store::bank::active_items(&app.state.db, &["listening".into(), "reading".into()])
            .await
            .unwrap();
    let rebuilt =
        item_bank::assembly::draw_form(&bp, &bank, &HashSet::new(), row.seed as u64).unwrap();
    let stored = session_item::Entity::find()
        .filter(session_item::Column::SessionId.eq(id))
        .all(&app.state.db)
        .await
        .unwrap();
    let rebuilt_items: Vec<(String, Vec<String>)> = rebuilt
        .sections
        .iter()
        .flat_map(|s| {
            s.items
                .iter()
                .map(|p| (p.item_id.clone(), p.option_order.clone()))
        })
        .collect();
    let mut stored_sorted = stored.clone();
    stored_sorted.sort_by_key(|i| i.position);
    let stored_items: Vec<(String, Vec<String>)> = stored_sorted
        .iter()
        .map(|i| {
            (
                i.item_id.clone(),
                serde_json::from_value(i.option_order.clone()).unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rebuilt_items, stored_items,
        "the stored seed rebuilds the exact form and option orders"
    );
}

#[tokio::test]
async fn saves_are_idempotent_replace_earlier_answers_and_keep_history() {
    let app = spawn_app().await;
    let (token, s) = app.started_session().await;
    let id = s["id"].as_str().unwrap();
    let first = app
        .put_answer(id, 1, &token, "k1", json!({"choice": "a"}))
        .await;
    assert_eq!(first.status(), StatusCode::OK);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["replayed"], false);
    let retry = app
        .put_answer(id, 1, &token, "k1", json!({"choice": "a"}))
        .await;
    let retry: Value = retry.json().await.unwrap();
    assert_eq!(retry["replayed"], true);
    assert_eq!(retry["saved_at"], first["saved_at"]);
    let reused = app
        .put_answer(id, 1, &token, "k1", json!({"choice": "b"}))
        .await;
    assert_problem(reused, StatusCode::CONFLICT, "idempotency_key_reused").await;
    let later = app
        .put_answer(id, 1, &token, "k2", json!({"choice": "c"}))
        .await;
    assert_eq!(later.status(), StatusCode::OK);

    let view: Value = app
        .get(&format!("/api/v1/sessions/{id}"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        section(&view, "listening")["items"][0]["response"],
        json!({"choice": "c"})
    );
    let events = response_event::Entity::find()
        .filter(response_event::Column::SessionId.eq(uuid::Uuid::parse_str(id).unwrap()))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        events, 2,
        "the history keeps both saves, the retry added nothing"
    );

    for (answer, code) in [
        (json!({"choice": "z"}), "validation_failed"),
        (json!({"text": "сөз"}), "validation_failed"),
        (json!({"colour": "red"}), "validation_failed"),
    ] {
        assert_problem(
            app.put_answer(id, 1, &token, "k3", answer).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        )
        .await;
    }
    let no_key = app
        .client
        .put(app.url(&format!("/api/v1/sessions/{id}/responses/1")))
        .bearer_auth(&token)
        .json(&json!({"answer": {"choice": "a"}}))
        .send()
        .await
        .unwrap();
    assert_problem(
        no_key,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(
        app.put_answer(id, 999, &token, "k4", json!({"choice": "a"}))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // Reading items wait for their section.
    assert_problem(
        app.put_answer(id, 21, &token, "k5", json!({"choice": "a"}))
            .await,
        StatusCode::CONFLICT,
        "section_not_open",
    )
    .await;
}

#[tokio::test]
async fn the_server_clock_decides_with_a_grace_for_requests_in_flight() {
    let app = spawn_app().await;
    let (token, s) = app.started_session().await;
    let id = s["id"].as_str().unwrap();
    // One second past the deadline is inside the two-second grace.
    let past = |secs: i64| (chrono::Utc::now() - chrono::Duration::seconds(secs)).to_rfc3339();
    set_deadline(&app, id, 0, &past(1)).await;
    assert_eq!(
        app.put_answer(id, 2, &token, "in-grace", json!({"choice": "b"}))
            .await
            .status(),
        StatusCode::OK
    );
    set_deadline(&app, id, 0, &past(30)).await;
    assert_problem(
        app.put_answer(id, 2, &token, "late", json!({"choice": "a"}))
            .await,
        StatusCode::CONFLICT,
        "deadline_passed",
    )
    .await;
}

pub async fn set_deadline(app: &crate::helpers::TestApp, session_id: &str, idx: i32, when: &str) {
    use sea_orm::sea_query::Expr;
    let when = chrono::DateTime::parse_from_rfc3339(when)
        .unwrap()
        .with_timezone(&chrono::Utc);
    synaq::store::entity::session_section::Entity::update_many()
        .col_expr(
            synaq::store::entity::session_section::Column::Deadline,
            Expr::value(when),
        )
        .filter(
            synaq::store::entity::session_section::Column::SessionId
                .eq(uuid::Uuid::parse_str(session_id).unwrap()),
        )
        .filter(synaq::store::entity::session_section::Column::Idx.eq(idx))
        .exec(&app.state.writer)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_sweeper_moves_an_abandoned_session_on_and_finishes_it() {
    // The background sweeper is held off so that this test drives every sweep itself.
    let app = crate::helpers::spawn_app_with(|s| s.sweep_interval_seconds = 3600).await;
    let (token, s) = app.started_session().await;
    let id = s["id"].as_str().unwrap();
    let past = (chrono::Utc::now() - chrono::Duration::minutes(5)).to_rfc3339();
    set_deadline(&app, id, 0, &past).await;
    let closed = synaq::services::sweeper::sweep_once(&app.state)
        .await
        .unwrap();
    assert_eq!(closed, 1);
    assert_eq!(
        synaq::services::sweeper::sweep_once(&app.state)
            .await
            .unwrap(),
        0,
        "a section closes once"
    );
    let view: Value = app
        .get(&format!("/api/v1/sessions/{id}"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(section(&view, "listening")["status"], "closed");
    assert_eq!(section(&view, "reading")["status"], "open");
    assert_eq!(view["current_section"], "reading");

    set_deadline(&app, id, 1, &past).await;
    assert_eq!(
        synaq::services::sweeper::sweep_once(&app.state)
            .await
            .unwrap(),
        1
    );
    let row = session::Entity::find_by_id(uuid::Uuid::parse_str(id).unwrap())
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.status,
        synaq::store::status::SessionStatus::Finished,
        "the sweeper finished the session without any request"
    );
    let result: Value = app
        .get(&format!("/api/v1/sessions/{id}/result"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(result["decision"], "fail");
    // A save after the time is over is told so, even once the session is finished.
    let late = app
        .put_answer(id, 30, &token, "late", json!({"choice": "a"}))
        .await;
    assert_problem(late, StatusCode::CONFLICT, "deadline_passed").await;
}

#[tokio::test]
async fn a_submit_that_names_its_section_is_safe_to_retry() {
    let app = spawn_app().await;
    let (token, s) = app.started_session().await;
    let id = s["id"].as_str().unwrap();
    let submit = |body: Value| {
        app.client
            .post(app.url(&format!("/api/v1/sessions/{id}/sections/current/submit")))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let first: Value = submit(json!({"section": "listening"}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(section(&first, "reading")["status"], "open");
    // The retry closes nothing more: reading stays open.
    let retry = submit(json!({"section": "listening"})).await.unwrap();
    assert_eq!(retry.status(), StatusCode::OK);
    let retry: Value = retry.json().await.unwrap();
    assert_eq!(section(&retry, "reading")["status"], "open");
    assert_eq!(retry["status"], "in_progress");
    assert_problem(
        submit(json!({"section": "writing"})).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

#[tokio::test]
async fn finishing_early_reveals_nothing_of_sections_never_opened() {
    let app = spawn_app().await;
    let (token, s) = app.started_session().await;
    let id = s["id"].as_str().unwrap();
    let done: Value = app
        .post(&format!("/api/v1/sessions/{id}/finish"), &token, json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(section(&done, "reading")["status"], "closed");
    assert!(
        section(&done, "reading")["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        section(&done, "listening")["items"]
            .as_array()
            .unwrap()
            .len(),
        20
    );
}

#[tokio::test]
async fn a_candidate_never_reaches_another_candidates_session() {
    let app = spawn_app().await;
    let (alice, s) = app.started_session().await;
    let (bob, _) = app.started_session().await;
    let id = s["id"].as_str().unwrap();
    assert_problem(
        app.get(&format!("/api/v1/sessions/{id}"), &bob).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(
        app.put_answer(id, 1, &bob, "x", json!({"choice": "a"}))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(
        app.post(&format!("/api/v1/sessions/{id}/finish"), &bob, json!({}))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(
        app.post(
            &format!("/api/v1/sessions/{id}/sections/current/submit"),
            &bob,
            json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(
        app.get(&format!("/api/v1/sessions/{id}/result"), &bob)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // Alice's own session is untouched.
    let view: Value = app
        .get(&format!("/api/v1/sessions/{id}"), &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"], "in_progress");
    assert!(
        section(&view, "listening")["items"][0]
            .get("response")
            .is_none()
    );
}

#[tokio::test]
async fn every_form_is_counted_for_exposure_control_and_held_to_the_stored_target() {
    let app = spawn_app().await;
    for _ in 0..3 {
        app.started_session().await;
    }
    // Drawn forms count at once for the next draw; the database has them after the next write (every
    // second), here forced.
    let pending = app
        .state
        .exposure
        .counts(&app.state.db, "kaztest-a1-preselection")
        .await
        .unwrap();
    assert_eq!(pending.forms, 3);
    app.state.exposure.flush(&app.state.writer).await.unwrap();
    let (counts, forms) = synaq::store::exposure::counts(&app.state.db, "kaztest-a1-preselection")
        .await
        .unwrap();
    assert_eq!(forms, 3);
    assert_eq!(counts.values().sum::<u64>(), 3 * 60);
    assert!(counts.values().all(|&n| (1..=3).contains(&n)));
    let bp = synaq::store::bank::blueprint(&app.state.db, "kaztest-a1-preselection", None)
        .await
        .unwrap()
        .unwrap();
    assert!(
        bp.target.is_some(),
        "the blueprint version is stored with its parallel-forms target"
    );
}

/// The right answer to the item at `position` of a session.
async fn right_answer(app: &crate::helpers::TestApp, session: &str, position: i64) -> Value {
    crate::helpers::right_answers(app, session)
        .await
        .into_iter()
        .find(|(p, _)| i64::from(*p) == position)
        .map(|(_, answer)| answer)
        .unwrap()
}

#[tokio::test]
async fn an_adaptive_section_chooses_each_item_after_the_last_answer() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let c = app
        .post(
            "/api/v1/candidates",
            &admin,
            json!({"full_name": "Дина", "document_number": "D1234567"}),
        )
        .await;
    let candidate: Value = c.json().await.unwrap();
    let now = chrono::Utc::now();
    let s = app
        .post("/api/v1/sittings", &admin, json!({"blueprint": "kaztest-diagnostic", "mode": "online",
            "opens_at": now - chrono::Duration::hours(1), "closes_at": now + chrono::Duration::hours(1)}))
        .await;
    assert_eq!(s.status(), StatusCode::CREATED);
    let sitting: Value = s.json().await.unwrap();
    let (reg, code, _) = app
        .register(
            &admin,
            sitting["id"].as_str().unwrap(),
            candidate["id"].as_str().unwrap(),
        )
        .await;
    let token = app.candidate_token(&reg, &code).await;
    let started: Value = app
        .post("/api/v1/sessions", &token, json!({}))
        .await
        .json()
        .await
        .unwrap();
    let id = started["id"].as_str().unwrap().to_owned();
    assert_eq!(
        section(&started, "listening")["items"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "one item at a time"
    );

    let mut view = started;
    let mut answered = 0;
    loop {
        let items = section(&view, "listening")["items"]
            .as_array()
            .unwrap()
            .clone();
        let last = items.last().unwrap();
        if last.get("response").is_some() {
            break; // no further item was chosen: the section has stopped
        }
        let position = last["position"].as_i64().unwrap();
        let answer = right_answer(&app, &id, position).await;
        let r = app
            .put_answer(&id, position, &token, &format!("a{position}"), answer)
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        answered += 1;
        view = app
            .get(&format!("/api/v1/sessions/{id}"), &token)
            .await
            .json()
            .await
            .unwrap();
        if answered == 1 {
            assert_eq!(
                section(&view, "listening")["items"]
                    .as_array()
                    .unwrap()
                    .len(),
                2,
                "the next item follows the answer"
            );
            let changed = app
                .put_answer(&id, position, &token, "change", json!({"choice": "a"}))
                .await;
            assert_problem(changed, StatusCode::CONFLICT, "answer_final").await;
        }
        assert!(answered <= 15, "max_items bounds the section");
    }
    assert!(answered >= 6, "min_items holds: {answered}");
    let ids: HashSet<String> = section(&view, "listening")["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["position"].to_string())
        .collect();
    assert_eq!(ids.len(), answered, "no position twice");

    let next: Value = app
        .post(
            &format!("/api/v1/sessions/{id}/sections/current/submit"),
            &token,
            json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    let reading = section(&next, "reading");
    assert_eq!(reading["status"], "open");
    assert_eq!(
        reading["items"][0]["position"], 16,
        "reading starts after listening's reserved positions"
    );
    let r = app
        .post(&format!("/api/v1/sessions/{id}/finish"), &token, json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let result: Value = app
        .get(&format!("/api/v1/sessions/{id}/result"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(result["sections"][0]["max"], answered as i64);
    // Every chosen item answered right: the reported percent is the target form's expected percent at a
    // high θ — above the A2 cut, short of 100.
    assert_eq!(
        result["status"], "not_certified",
        "a placement test never reaches the results feed"
    );
    assert!(result["certificate_id"].is_null());
    let reader = app.reader_token().await;
    let feed: Value = app
        .get("/api/v1/results/feed", &reader)
        .await
        .json()
        .await
        .unwrap();
    assert!(feed["events"].as_array().unwrap().is_empty());
    let percent = result["sections"][0]["percent"].as_f64().unwrap();
    assert!(percent > 70.0 && percent < 100.0, "{percent}");
    assert_eq!(
        result["sections"][0]["raw"].as_f64().unwrap(),
        answered as f64
    );
}

/// Plays left of the listening item at `index` in a session view.
fn plays_left(session: &Value, index: usize) -> Value {
    section(session, "listening")["items"][index]["plays_left"].clone()
}

#[tokio::test]
async fn a_recording_plays_as_often_as_its_section_allows_and_the_server_counts() {
    let app = spawn_app().await;
    let (token, s) = app.started_session().await;
    let id = s["id"].as_str().unwrap();
    assert_eq!(plays_left(&s, 0), json!(2), "two plays by default");
    let url = section(&s, "listening")["items"][0]["media"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..2 {
        assert_eq!(app.get(&url, &token).await.status(), StatusCode::OK);
    }
    let refused = assert_problem(
        app.get(&url, &token).await,
        StatusCode::CONFLICT,
        "play_limit_reached",
    )
    .await;
    assert!(refused["detail"].as_str().unwrap().contains('2'));
    let view: Value = app
        .get(&format!("/api/v1/sessions/{id}"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(plays_left(&view, 0), json!(0));
    let others = section(&view, "listening")["items"].as_array().unwrap()[1..].to_vec();
    assert!(
        !others.is_empty() && others.iter().all(|i| i["plays_left"] == json!(2)),
        "each recording has its own count"
    );

    // A blueprint may allow more; the section's own limit holds.
    let admin = app.admin_token().await;
    let mut blueprint: Value = app
        .get("/api/v1/blueprints/kaztest-a1-preselection", &admin)
        .await
        .json()
        .await
        .unwrap();
    blueprint["version"] = json!(blueprint["version"].as_i64().unwrap() + 1);
    let listening = blueprint["sections"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| s["id"] == "listening")
        .unwrap();
    listening["play_limit"] = json!(0);
    let r = app
        .post("/api/v1/blueprints", &admin, blueprint.clone())
        .await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let listening = blueprint["sections"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| s["id"] == "listening")
        .unwrap();
    listening["play_limit"] = json!(3);
    let r = app.post("/api/v1/blueprints", &admin, blueprint).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let (token, s) = app.started_session().await;
    assert_eq!(plays_left(&s, 0), json!(3));
    let url = section(&s, "listening")["items"][0]["media"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let plays = fetch_at_once(&app, &url, &token, 6).await;
    assert_eq!(
        plays.iter().filter(|s| **s == StatusCode::OK).count(),
        3,
        "parallel requests never take more than the limit: {plays:?}"
    );
}

/// `n` fetches of `url` at once; their statuses.
async fn fetch_at_once(
    app: &crate::helpers::TestApp,
    url: &str,
    token: &str,
    n: usize,
) -> Vec<StatusCode> {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        let client = reqwest::Client::new();
        let full = app.url(url);
        let token = token.to_owned();
        set.spawn(async move {
            client
                .get(full)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    set.join_all().await
}
