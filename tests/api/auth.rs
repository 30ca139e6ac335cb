//! Signing in, tokens and the role boundaries of every route.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn wrong_credentials_are_refused_alike() {
    let app = spawn_app().await;
    for body in [
        json!({"grant_type": "password", "username": "admin", "password": "wrong"}),
        json!({"grant_type": "password", "username": "nobody", "password": "wrong"}),
        json!({"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"}),
        json!({"grant_type": "access_code", "registration_id": uuid::Uuid::now_v7(), "access_code": "2345-6789-ABCD"}),
    ] {
        assert_problem(
            app.token(body).await,
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        )
        .await;
    }
    assert_problem(
        app.token(json!({"grant_type": "magic"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

#[tokio::test]
async fn tokens_are_eddsa_with_a_published_kid() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let header = jsonwebtoken::decode_header(&token).unwrap();
    assert_eq!(header.alg, jsonwebtoken::Algorithm::EdDSA);
    let jwks: serde_json::Value = app
        .client
        .get(app.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kid = header.kid.unwrap();
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .expect("kid is published");
    assert_eq!(key["kty"], "OKP");
    assert_eq!(key["crv"], "Ed25519");
    assert!(key.get("d").is_none(), "no private part is published");
}

#[tokio::test]
async fn bad_tokens_are_refused() {
    let app = spawn_app().await;
    let good = app.admin_token().await;
    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    parts[2] = parts[2].chars().rev().collect();
    let tampered = parts.join(".");
    // An unsigned token claiming admin.
    let none_alg = format!(
        "{}.{}.",
        base64_url(r#"{"alg":"none","typ":"JWT"}"#),
        base64_url(
            r#"{"iss":"synaq","aud":"synaq-api","sub":"x","role":"admin","iat":0,"exp":99999999999}"#
        )
    );
    for token in [tampered.as_str(), none_alg.as_str(), "garbage"] {
        let r = app
            .post(
                "/api/v1/candidates",
                token,
                json!({"full_name": "A", "document_number": "N1234567"}),
            )
            .await;
        assert_problem(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
    }
    let r = app
        .client
        .post(app.url("/api/v1/candidates"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_problem(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

fn base64_url(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
}

#[tokio::test]
async fn every_route_refuses_the_roles_it_is_not_for() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (reg, code, _) = app.registered_candidate(&admin).await;
    let candidate = app.candidate_token(&reg, &code).await;
    let proctor = app.user_with_role("proctor").await;
    let author = app.user_with_role("author").await;
    let operator = app.user_with_role("operator").await;
    let reader = app.reader_token().await;
    let some_id = uuid::Uuid::now_v7();

    // (method, path, the roles allowed)
    let routes: Vec<(&str, String, Vec<&str>)> = vec![
        (
            "POST",
            "/api/v1/candidates".into(),
            vec!["admin", "operator"],
        ),
        ("POST", "/api/v1/sittings".into(), vec!["admin", "operator"]),
        (
            "POST",
            format!("/api/v1/sittings/{some_id}/registrations"),
            vec!["admin", "operator"],
        ),
        ("GET", "/api/v1/blueprints".into(), vec!["admin", "author"]),
        (
            "GET",
            "/api/v1/blueprints/kaztest-a1-preselection".into(),
            vec!["admin", "author"],
        ),
        ("POST", "/api/v1/blueprints".into(), vec!["admin", "author"]),
        ("POST", "/api/v1/sessions".into(), vec!["candidate"]),
        (
            "GET",
            format!("/api/v1/sessions/{some_id}"),
            vec!["candidate"],
        ),
        (
            "POST",
            format!("/api/v1/sessions/{some_id}/finish"),
            vec!["candidate"],
        ),
        (
            "GET",
            format!("/api/v1/sessions/{some_id}/result"),
            vec!["candidate"],
        ),
        (
            "GET",
            "/api/v1/results/feed".into(),
            vec!["results-reader", "admin"],
        ),
        (
            "PUT",
            format!("/api/v1/sessions/{some_id}/responses/1"),
            vec!["candidate"],
        ),
        (
            "POST",
            format!("/api/v1/sessions/{some_id}/sections/current/submit"),
            vec!["candidate"],
        ),
        (
            "GET",
            format!("/api/v1/sessions/{some_id}/media/1"),
            vec!["candidate"],
        ),
        (
            "POST",
            "/api/v1/calibration-runs".into(),
            vec!["admin", "author"],
        ),
        (
            "GET",
            format!("/api/v1/calibration-runs/{some_id}"),
            vec!["admin", "author"],
        ),
        (
            "POST",
            format!("/api/v1/calibration-runs/{some_id}/apply"),
            vec!["admin", "author"],
        ),
        (
            "GET",
            "/api/v1/calibration-runs".into(),
            vec!["admin", "author"],
        ),
        (
            "GET",
            format!("/api/v1/calibration-runs/{some_id}/picture"),
            vec!["admin", "author"],
        ),
        (
            "GET",
            "/api/v1/blueprints/kaztest-a1-preselection/feasibility".into(),
            vec!["admin", "author"],
        ),
        (
            "GET",
            "/api/v1/items/rd-a1-city-transport-001/curves".into(),
            vec!["admin", "author"],
        ),
        (
            "POST",
            format!("/api/v1/certificates/{some_id}/revoke"),
            vec!["admin"],
        ),
    ];
    let tokens = [
        ("admin", &admin),
        ("operator", &operator),
        ("proctor", &proctor),
        ("author", &author),
        ("candidate", &candidate),
        ("results-reader", &reader),
    ];
    for (method, path, allowed) in &routes {
        for (role, token) in &tokens {
            let req = match *method {
                "GET" => app.client.get(app.url(path)),
                "PUT" => app
                    .client
                    .put(app.url(path))
                    .header("Idempotency-Key", "k")
                    .json(&json!({"answer": {"choice": "a"}})),
                _ => app.client.post(app.url(path)).json(&json!({})),
            };
            let r = req.bearer_auth(token).send().await.unwrap();
            if allowed.contains(role) {
                assert_ne!(
                    r.status(),
                    StatusCode::FORBIDDEN,
                    "{role} may {method} {path}"
                );
            } else {
                assert_eq!(
                    r.status(),
                    StatusCode::FORBIDDEN,
                    "{role} must not {method} {path}"
                );
            }
        }
    }
}

#[tokio::test]
async fn an_unknown_route_is_a_problem_too() {
    let app = spawn_app().await;
    let r = app
        .client
        .get(app.url("/api/v1/nothing-here"))
        .send()
        .await
        .unwrap();
    assert_problem(r, StatusCode::NOT_FOUND, "not_found").await;
}
