//! Argon2 work is bounded: a flood of staff sign-ins neither keeps candidates out nor holds memory.

use reqwest::StatusCode;
use serde_json::json;
use tokio::task::JoinSet;

use crate::helpers::{assert_problem, run_server, spawn_app_with};

#[tokio::test]
async fn candidates_sign_in_during_a_flood_of_bogus_staff_sign_ins() {
    let app = spawn_app_with(|s| {
        s.hash_slots_strong = 2;
        s.hash_queue_strong = 8;
    })
    .await;
    let admin = app.admin_token().await;
    let mut candidates = Vec::new();
    for _ in 0..6 {
        let (reg, code, _) = app.registered_candidate(&admin).await;
        candidates.push((reg, code));
    }
    let mut flood = JoinSet::new();
    for i in 0..1200 {
        let client = app.client.clone();
        let url = app.url("/api/v1/auth/token");
        flood.spawn(async move {
            client
                .post(url)
                .json(&json!({"grant_type": "password", "username": format!("nobody-{i}"), "password": "wrong-password"}))
                .send()
                .await
                .unwrap()
        });
    }
    let mut signed_in = JoinSet::new();
    for (reg, code) in candidates {
        let client = app.client.clone();
        let url = app.url("/api/v1/auth/token");
        signed_in.spawn(async move {
            client
                .post(url)
                .json(&json!({"grant_type": "access_code", "registration_id": reg, "access_code": code}))
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let statuses = signed_in.join_all().await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "every candidate signs in during the flood: {statuses:?}"
    );
    let mut busy = 0;
    for r in flood.join_all().await {
        match r.status() {
            StatusCode::SERVICE_UNAVAILABLE => {
                assert!(r.headers().contains_key("retry-after"));
                assert_problem(r, StatusCode::SERVICE_UNAVAILABLE, "busy").await;
                busy += 1;
            }
            StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("a bogus sign-in got {other}"),
        }
    }
    assert!(busy > 0, "a full strong lane refuses at once");
}

#[tokio::test]
async fn a_burst_of_wrong_passwords_leaves_the_server_small() {
    // No throttling and a queue that holds the whole burst: every one of the 200 passwords is hashed.
    let server = run_server(&[
        ("SYNAQ_THROTTLE_PAIR_FAILURES", "100000"),
        ("SYNAQ_THROTTLE_ACCOUNT_FAILURES", "100000"),
        ("SYNAQ_THROTTLE_ADDRESS_FAILURES", "100000"),
        ("SYNAQ_HASH_QUEUE_STRONG", "256"),
        ("RUST_LOG", "warn"),
    ])
    .await;
    let client = reqwest::Client::new();
    let mut burst = JoinSet::new();
    for i in 0..200 {
        let request = client
            .post(format!("{}/api/v1/auth/token", server.base))
            .json(&json!({"grant_type": "password", "username": "admin", "password": format!("wrong-{i}")}));
        burst.spawn(async move { request.send().await.unwrap().status() });
    }
    let statuses = burst.join_all().await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::UNAUTHORIZED),
        "every wrong password was checked: {statuses:?}"
    );
    let resident = server.resident_bytes();
    assert!(
        resident <= 300 * 1024 * 1024,
        "the server holds {} MiB after the burst",
        resident / (1024 * 1024)
    );
}
