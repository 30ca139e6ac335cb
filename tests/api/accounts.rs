//! Staff and service tokens stop working as soon as their account changes, and the command line changes
//! accounts.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app, synaq};

/// A request only centre staff may make; any answer but 401/403 shows the token was accepted.
async fn as_centre_staff(app: &TestApp, token: &str) -> StatusCode {
    app.post("/api/v1/candidates", token, json!({}))
        .await
        .status()
}

#[tokio::test]
async fn a_new_role_or_a_disabled_user_ends_the_tokens_at_once() {
    let app = spawn_app().await;
    let password = "a-long-enough-password";
    synaq::services::accounts::create_user(&app.state.writer, "aigerim", password, "operator")
        .await
        .unwrap();
    let operator = app.staff_token("aigerim", password).await;
    assert_eq!(
        as_centre_staff(&app, &operator).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let out = synaq(
        &app,
        &[
            "users",
            "set-role",
            "--username",
            "aigerim",
            "--role",
            "author",
        ],
    )
    .unwrap();
    assert_eq!(out, json!({"username": "aigerim", "role": "author"}));
    let r = app.post("/api/v1/candidates", &operator, json!({})).await;
    assert_problem(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let author = app.staff_token("aigerim", password).await;
    assert_eq!(
        app.get("/api/v1/blueprints", &author).await.status(),
        StatusCode::OK
    );
    assert_eq!(as_centre_staff(&app, &author).await, StatusCode::FORBIDDEN);

    synaq(&app, &["users", "disable", "--username", "aigerim"]).unwrap();
    let r = app.get("/api/v1/blueprints", &author).await;
    assert_problem(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let r = app
        .token(json!({"grant_type": "password", "username": "aigerim", "password": password}))
        .await;
    assert_problem(r, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
}

#[tokio::test]
async fn a_disabled_client_is_refused_at_once() {
    let app = spawn_app().await;
    let (client_id, secret) = synaq::services::accounts::create_client(
        &app.state.writer,
        "pre-selection",
        "results-reader",
    )
    .await
    .unwrap();
    let credentials = json!({"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret});
    let token: Value = app.token(credentials.clone()).await.json().await.unwrap();
    let token = token["access_token"].as_str().unwrap();
    assert_eq!(
        app.get("/api/v1/results/feed", token).await.status(),
        StatusCode::OK
    );
    let out = synaq(&app, &["clients", "disable", "--client-id", &client_id]).unwrap();
    assert_eq!(out["disabled"], true);
    let r = app.get("/api/v1/results/feed", token).await;
    assert_problem(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_problem(
        app.token(credentials).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
}

#[tokio::test]
async fn the_last_admin_cannot_be_demoted_or_disabled() {
    let app = spawn_app().await;
    let err = synaq(&app, &["users", "disable", "--username", "admin"]).unwrap_err();
    assert!(err.contains("last enabled admin"), "{err}");
    let err = synaq(
        &app,
        &[
            "users",
            "set-role",
            "--username",
            "admin",
            "--role",
            "operator",
        ],
    )
    .unwrap_err();
    assert!(err.contains("last enabled admin"), "{err}");
    let err = synaq(&app, &["users", "disable", "--username", "nobody"]).unwrap_err();
    assert!(err.contains("no user nobody"), "{err}");
    // The admin's token still works: nothing changed.
    let admin = app.admin_token().await;
    assert_eq!(
        as_centre_staff(&app, &admin).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}
