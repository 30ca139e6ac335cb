//! Text entering the service: control characters are refused everywhere, and names are what they show.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, right_answers, spawn_app};

#[tokio::test]
async fn a_nul_is_refused_wherever_text_enters() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (token, session) = app.started_session().await;
    let id = session["id"].as_str().unwrap();
    let text_position = right_answers(&app, id)
        .await
        .into_iter()
        .find(|(p, a)| *p <= 20 && a.get("text").is_some())
        .map(|(p, _)| p);
    let position = i64::from(text_position.unwrap_or(1));
    let r = app
        .put_answer(id, position, &token, "nul", json!({"text": "кі\u{0}тап"}))
        .await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let r = app
        .post(
            &format!("/api/v1/sessions/{id}/sections/current/submit"),
            &token,
            json!({"section": "listening\u{0}"}),
        )
        .await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;

    let mut blueprint: Value = app
        .get("/api/v1/blueprints/kaztest-a1-preselection", &admin)
        .await
        .json()
        .await
        .unwrap();
    blueprint["version"] = json!(blueprint["version"].as_i64().unwrap() + 1);
    blueprint["title"] = json!("A1\u{0}");
    let r = app.post("/api/v1/blueprints", &admin, blueprint).await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let r = app.get("/api/v1/blueprints/kaztest%00", &admin).await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;

    let some_certificate = uuid::Uuid::now_v7();
    let r = app
        .post(
            &format!("/api/v1/certificates/{some_certificate}/revoke"),
            &admin,
            json!({"reason": "fraud\u{0}"}),
        )
        .await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    // A reason may run over several lines.
    let r = app
        .post(
            &format!("/api/v1/certificates/{some_certificate}/revoke"),
            &admin,
            json!({"reason": "first\nsecond"}),
        )
        .await;
    assert_problem(r, StatusCode::NOT_FOUND, "not_found").await;

    let r = app
        .post(
            "/api/v1/sittings",
            &admin,
            json!({"blueprint": "kaztest\u{0}", "mode": "centre",
            "opens_at": "2026-01-01T00:00:00Z", "closes_at": "2026-01-01T03:00:00Z"}),
        )
        .await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let r = app
        .token(json!({"grant_type": "password", "username": "ad\u{0}min", "password": "x"}))
        .await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

#[tokio::test]
async fn names_refuse_direction_controls_and_invisible_characters_and_are_stored_nfc() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for (i, name) in [
        "Айгүл \u{202E}ызықірес",
        "Айгүл \u{2067}Серікқызы\u{2069}",
        "\u{FEFF}Айгүл Серікқызы",
        "Айгүл\u{200B} Серікқызы",
    ]
    .into_iter()
    .enumerate()
    {
        let r = app
            .post(
                "/api/v1/candidates",
                &admin,
                json!({"full_name": name, "document_number": format!("N100000{i}")}),
            )
            .await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    let r = app
        .post(
            "/api/v1/candidates",
            &admin,
            json!({"full_name": "Жании\u{306} Бекқызы", "document_number": "N2000000"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["full_name"], "Жани\u{439} Бекқызы");
}

#[tokio::test]
async fn blueprint_titles_and_exposure_caps_are_bounded() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let mut blueprint: Value = app
        .get("/api/v1/blueprints/kaztest-a1-preselection", &admin)
        .await
        .json()
        .await
        .unwrap();
    blueprint["version"] = json!(blueprint["version"].as_i64().unwrap() + 1);
    for (field, value) in [
        ("title", json!("т".repeat(201))),
        ("max_exposure", json!(1e-9)),
    ] {
        let mut bad = blueprint.clone();
        bad[field] = value;
        let r = app.post("/api/v1/blueprints", &admin, bad).await;
        let body = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert!(body["detail"].as_str().unwrap().contains(field), "{body}");
    }
}
