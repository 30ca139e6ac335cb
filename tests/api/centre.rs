//! Registering candidates and sittings.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn the_access_code_is_shown_once_and_stored_hashed() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (reg, code, _) = app.registered_candidate(&admin).await;
    assert_eq!(code.len(), 14);
    let stored: Vec<String> = {
        use sea_orm::EntityTrait;
        synaq::store::entity::registration::Entity::find()
            .all(&app.state.db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.access_code_hash)
            .collect()
    };
    assert_eq!(stored.len(), 1);
    assert!(
        stored[0].starts_with("$argon2id$"),
        "stored as an argon2 hash"
    );
    assert!(!stored[0].contains(&code));
    // A code typed in lower case with spaces still signs in.
    let typed = code.to_lowercase().replace('-', " ");
    let r = app
        .token(json!({"grant_type": "access_code", "registration_id": reg, "access_code": typed}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn bad_input_gets_a_clear_error_and_nothing_is_lost() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let r = app
        .post(
            "/api/v1/candidates",
            &admin,
            json!({"full_name": "", "document_number": "N1"}),
        )
        .await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let r = app
        .post(
            "/api/v1/candidates",
            &admin,
            json!({"full_name": "Арман", "document_number": "N7654321", "extra": 1}),
        )
        .await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let ok = app
        .post(
            "/api/v1/candidates",
            &admin,
            json!({"full_name": "Арман", "document_number": "n 7654-321"}),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::CREATED);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body["document_number"], "N7654321");
    let again = app
        .post(
            "/api/v1/candidates",
            &admin,
            json!({"full_name": "Арман", "document_number": "N7654321"}),
        )
        .await;
    assert_problem(again, StatusCode::CONFLICT, "duplicate_document").await;
    // The same passport typed with Cyrillic look-alike letters is the same document.
    let lookalike = app
        .post(
            "/api/v1/candidates",
            &admin,
            json!({"full_name": "Арман", "document_number": "Р7654321"}),
        )
        .await;
    assert_eq!(lookalike.status(), StatusCode::CREATED);
    let again = app
        .post(
            "/api/v1/candidates",
            &admin,
            json!({"full_name": "Арман", "document_number": "p7654321"}),
        )
        .await;
    assert_problem(again, StatusCode::CONFLICT, "duplicate_document").await;

    let r = app
        .post(
            "/api/v1/sittings",
            &admin,
            json!({"blueprint": "kaztest-a1-preselection", "mode": "centre",
            "opens_at": Utc::now(), "closes_at": Utc::now() - Duration::hours(1)}),
        )
        .await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let r = app
        .post(
            "/api/v1/sittings",
            &admin,
            json!({"blueprint": "no-such", "mode": "centre",
            "opens_at": Utc::now(), "closes_at": Utc::now() + Duration::hours(1)}),
        )
        .await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let big = "x".repeat(100_000);
    let r = app
        .post(
            "/api/v1/candidates",
            &admin,
            json!({"full_name": big, "document_number": "N1234567"}),
        )
        .await;
    assert_problem(r, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

#[tokio::test]
async fn a_candidate_has_three_attempts() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (_, _, candidate) = app.registered_candidate(&admin).await;
    for _ in 0..2 {
        let sitting = app.open_sitting(&admin).await;
        app.register(&admin, &sitting, &candidate).await;
    }
    let sitting = app.open_sitting(&admin).await;
    let r = app
        .post(
            &format!("/api/v1/sittings/{sitting}/registrations"),
            &admin,
            json!({"candidate_id": candidate}),
        )
        .await;
    assert_problem(r, StatusCode::CONFLICT, "attempts_exhausted").await;
}

#[tokio::test]
async fn a_session_starts_only_inside_the_sittings_window() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let c = app
        .post(
            "/api/v1/candidates",
            &admin,
            json!({"full_name": "Ерлан", "document_number": "P9988776"}),
        )
        .await;
    let candidate: Value = c.json().await.unwrap();
    let s = app
        .post("/api/v1/sittings", &admin, json!({"blueprint": "kaztest-a1-preselection", "mode": "online",
            "opens_at": Utc::now() + Duration::hours(1), "closes_at": Utc::now() + Duration::hours(3)}))
        .await;
    let sitting: Value = s.json().await.unwrap();
    let (reg, code, _) = app
        .register(
            &admin,
            sitting["id"].as_str().unwrap(),
            candidate["id"].as_str().unwrap(),
        )
        .await;
    let token = app.candidate_token(&reg, &code).await;
    let r = app.post("/api/v1/sessions", &token, json!({})).await;
    let body = assert_problem(r, StatusCode::CONFLICT, "outside_sitting_window").await;
    assert!(body["detail"].as_str().unwrap().contains("opens at"));
}
