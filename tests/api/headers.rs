//! The headers every answer carries, problem+json for every error, and the deprecated bare submit.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{assert_problem, spawn_app};
use synaq::security_headers::API_POLICY;

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = spawn_app().await;
    let (token, session) = app.started_session().await;
    let id = session["id"].as_str().unwrap();
    let get = |path: String| {
        let request = app.client.get(app.url(&path)).bearer_auth(&token);
        async move { request.send().await.unwrap() }
    };
    for path in [
        format!("/api/v1/sessions/{id}"),
        format!("/api/v1/certificates/{}", uuid::Uuid::now_v7()),
        "/api/v1/nothing-here".to_owned(),
        "/healthz".to_owned(),
        "/.well-known/jwks.json".to_owned(),
        format!("/api/v1/sessions/{id}/media/1"),
    ] {
        let r = get(path.clone()).await;
        let h = r.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert!(h.contains_key("content-security-policy"), "{path}");
        let cache = h.get("cache-control").map(|v| v.to_str().unwrap());
        if path.contains("/media/") {
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            assert_eq!(cache, Some("private, no-store"), "{path}");
        } else if path.starts_with("/api/v1/") {
            assert_eq!(cache, Some("no-store"), "{path}");
            assert_eq!(h["content-security-policy"], API_POLICY, "{path}");
        } else if path.contains("jwks") {
            assert_eq!(cache, Some("public, max-age=300"), "{path}");
        }
    }
}

#[tokio::test]
async fn every_extractor_error_is_a_problem() {
    let app = spawn_app().await;
    let (token, session) = app.started_session().await;
    let id = session["id"].as_str().unwrap();
    let submit = app.url(&format!("/api/v1/sessions/{id}/sections/current/submit"));
    let r = app
        .client
        .post(&submit)
        .bearer_auth(&token)
        .body(vec![b' '; 300 * 1024])
        .send()
        .await
        .unwrap();
    assert_problem(r, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    let r = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let r = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let r = app.get("/api/v1/sessions/not-a-uuid", &token).await;
    assert_problem(r, StatusCode::NOT_FOUND, "not_found").await;
    let admin = app.admin_token().await;
    let r = app.get("/api/v1/results/feed?limit=many", &admin).await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

#[tokio::test]
async fn a_submit_without_its_section_is_deprecated() {
    let app = spawn_app().await;
    let (token, session) = app.started_session().await;
    let id = session["id"].as_str().unwrap();
    let submit = format!("/api/v1/sessions/{id}/sections/current/submit");
    let named = app
        .post(&submit, &token, json!({"section": "listening"}))
        .await;
    assert_eq!(named.status(), StatusCode::OK);
    assert!(!named.headers().contains_key("deprecation"));
    let bare = app
        .client
        .post(app.url(&submit))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), StatusCode::OK);
    let deprecation = bare.headers()["deprecation"].to_str().unwrap();
    assert!(deprecation.starts_with('@'), "{deprecation}");
}
