//! What the service tells whoever runs it: readiness, and the metrics on the main address (admins) and
//! on the `metrics_bind` address (no token, nothing else served).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, spawn_app, spawn_app_with};

/// The value of the series `name` (labels included, as written) in a scrape.
fn series(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no series {name} in:\n{text}"))
        .parse()
        .unwrap()
}

#[tokio::test]
async fn ready_until_the_stop_begins() {
    let app = spawn_app().await;
    let r = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"status": "ready"}));

    app.state.shutdown.begin();
    let refused = synaq::services::health::ready(&app.state)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), synaq::error::ErrorCode::Busy);
}

#[tokio::test]
async fn the_metrics_are_for_admins_and_name_routes_not_paths() {
    let app = spawn_app().await;
    let anonymous = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let operator = app.user_with_role("operator").await;
    assert_problem(
        app.get("/metrics", &operator).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    let (token, session) = app.started_session().await;
    let id = session["id"].as_str().unwrap();
    let saved = app
        .put_answer(id, 1, &token, "k-1", json!({"choice": "a"}))
        .await;
    assert_eq!(saved.status(), StatusCode::OK);

    let admin = app.admin_token().await;
    let r = app.get("/metrics", &admin).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = r.text().await.unwrap();
    assert_eq!(
        series(
            &text,
            r#"synaq_http_request_duration_seconds_count{method="PUT",route="/api/v1/sessions/{id}/responses/{position}",status="200"}"#
        ),
        1.0
    );
    assert_eq!(
        series(
            &text,
            r#"synaq_http_request_duration_seconds_count{method="GET",route="/metrics",status="403"}"#
        ),
        1.0
    );
    assert!(!text.contains(id), "no session id reaches the metrics");
    assert_eq!(
        series(&text, r#"synaq_sessions{status="in_progress"}"#),
        1.0
    );
    assert_eq!(series(&text, r#"synaq_sessions{status="finished"}"#), 0.0);
    assert!(series(&text, "synaq_save_batch_size_count") >= 1.0);
    assert!(series(&text, "synaq_save_commit_seconds_count") >= 1.0);
    assert_eq!(series(&text, "synaq_save_queue_depth"), 0.0);
    assert_eq!(series(&text, "synaq_sweeper_lag_seconds"), 0.0);
    let write_max = series(&text, r#"synaq_db_connections_max{pool="write"}"#);
    let expected = if app.state.writer.is_postgres() {
        f64::from(app.state.settings.max_connections)
    } else {
        1.0
    };
    assert_eq!(write_max, expected);
    assert!(series(&text, r#"synaq_db_connections{pool="read",state="idle"}"#) >= 0.0);
}

#[tokio::test]
async fn the_sweeper_lag_is_how_long_an_expired_section_has_waited() {
    // The background sweeper is held off, so the expired section waits.
    let app = spawn_app_with(|s| s.sweep_interval_seconds = 3600).await;
    let (_, session) = app.started_session().await;
    let id = session["id"].as_str().unwrap();
    let past = (chrono::Utc::now() - chrono::Duration::minutes(5)).to_rfc3339();
    crate::delivery::set_deadline(&app, id, 0, &past).await;
    let admin = app.admin_token().await;
    let text = app.get("/metrics", &admin).await.text().await.unwrap();
    let lag = series(&text, "synaq_sweeper_lag_seconds");
    let grace = app.state.settings.grace_seconds as f64;
    assert!(
        (300.0 - grace - 5.0..=300.0 - grace + 5.0).contains(&lag),
        "five minutes past the deadline, less the grace: {lag}"
    );
}

#[tokio::test]
async fn the_metrics_address_serves_metrics_alone_without_a_token() {
    let app = spawn_app_with(|s| s.metrics_bind = Some("127.0.0.1:0".parse().unwrap())).await;
    let metrics = app.metrics_address.clone().expect("a metrics listener");
    let r = app
        .client
        .get(format!("{metrics}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("synaq_sessions{"));
    for path in ["/healthz", "/api/v1/sittings", "/.well-known/jwks.json"] {
        let r = app
            .client
            .get(format!("{metrics}{path}"))
            .send()
            .await
            .unwrap();
        assert_problem(r, StatusCode::NOT_FOUND, "not_found").await;
    }
    // The main address still wants an admin's token.
    let r = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}
