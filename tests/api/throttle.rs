//! Failed sign-ins are throttled per account and address, and a stranger does not lock the owner out.

use std::net::IpAddr;

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_PASSWORD, TestApp, assert_problem, spawn_app};

/// A client whose requests come from another loopback address than the tests' usual 127.0.0.1.
fn client_from(address: [u8; 4]) -> Client {
    Client::builder()
        .local_address(IpAddr::from(address))
        .build()
        .unwrap()
}

async fn sign_in(app: &TestApp, client: &Client, body: Value) -> reqwest::Response {
    client
        .post(app.url("/api/v1/auth/token"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn guessing_a_password_is_throttled_but_the_owner_still_signs_in_elsewhere() {
    let app = spawn_app().await;
    let stranger = client_from([127, 0, 0, 1]);
    let mut checked = 0;
    let mut throttled = 0;
    for i in 0..300 {
        let r = sign_in(
            &app,
            &stranger,
            json!({"grant_type": "password", "username": "admin", "password": format!("guess-{i}")}),
        )
        .await;
        match r.status() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                let wait: u64 = r.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!(wait >= 1);
                assert_problem(r, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
                throttled += 1;
            }
            other => panic!("a guess got {other}"),
        }
    }
    let pair = u64::from(app.state.settings.throttle_pair_failures);
    assert!(
        (pair..pair + 3).contains(&checked),
        "{checked} guesses were checked"
    );
    assert_eq!(checked + throttled, 300);
    // Even the right password waits out the delay from the guessing address…
    let right = json!({"grant_type": "password", "username": "admin", "password": ADMIN_PASSWORD});
    assert_problem(
        sign_in(&app, &stranger, right.clone()).await,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    )
    .await;
    // …while the owner, at another address, is not locked out.
    let owner = client_from([127, 0, 0, 2]);
    assert_eq!(sign_in(&app, &owner, right).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn client_secrets_and_access_codes_are_throttled_too() {
    let app = spawn_app().await;
    let client = client_from([127, 0, 0, 1]);
    let admin = app.admin_token().await;
    let (reg, code, _) = app.registered_candidate(&admin).await;
    let pair = app.state.settings.throttle_pair_failures;
    for body in [
        json!({"grant_type": "client_credentials", "client_id": "client-x", "client_secret": "wrong"}),
        json!({"grant_type": "access_code", "registration_id": reg, "access_code": "2345-6789-ABCD"}),
    ] {
        for _ in 0..pair {
            assert_eq!(
                sign_in(&app, &client, body.clone()).await.status(),
                StatusCode::UNAUTHORIZED
            );
        }
        assert_problem(
            sign_in(&app, &client, body).await,
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
        )
        .await;
    }
    // The candidate at the next desk (another address) signs in with the right code.
    let r = sign_in(
        &app,
        &client_from([127, 0, 0, 3]),
        json!({"grant_type": "access_code", "registration_id": reg, "access_code": code}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
}
