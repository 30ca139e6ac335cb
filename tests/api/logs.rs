//! A full run of the real binary, whose logs must hold no password, access code, token, secret or key.

use serde_json::{Value, json};

#[tokio::test]
async fn no_secret_reaches_the_logs() {
    let server = crate::helpers::run_server(&[("RUST_LOG", "debug")]).await;
    let admin_password = crate::helpers::ADMIN_PASSWORD;
    let base = server.base.clone();
    let client = reqwest::Client::new();

    let post = |path: &str, token: Option<&str>, body: Value| {
        let mut r = client.post(format!("{base}{path}")).json(&body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send()
    };
    let admin: Value = post(
        "/api/v1/auth/token",
        None,
        json!({"grant_type":"password","username":"admin","password":admin_password}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let admin = admin["access_token"].as_str().unwrap().to_owned();
    let wrong = post(
        "/api/v1/auth/token",
        None,
        json!({"grant_type":"password","username":"admin","password":"wrong-password-typed"}),
    )
    .await
    .unwrap();
    assert_eq!(wrong.status(), 401);
    let c: Value = post(
        "/api/v1/candidates",
        Some(&admin),
        json!({"full_name":"Нұрлан","document_number":"N55667788"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let s: Value = post("/api/v1/sittings", Some(&admin), json!({"blueprint":"kaztest-a1-preselection","mode":"centre",
        "opens_at": chrono::Utc::now() - chrono::Duration::hours(1), "closes_at": chrono::Utc::now() + chrono::Duration::hours(1)}))
        .await.unwrap().json().await.unwrap();
    let r: Value = post(
        &format!(
            "/api/v1/sittings/{}/registrations",
            s["id"].as_str().unwrap()
        ),
        Some(&admin),
        json!({"candidate_id": c["id"]}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let code = r["access_code"].as_str().unwrap().to_owned();
    let t: Value = post("/api/v1/auth/token", None, json!({"grant_type":"access_code","registration_id":r["registration_id"],"access_code":code}))
        .await.unwrap().json().await.unwrap();
    let candidate = t["access_token"].as_str().unwrap().to_owned();
    let session: Value = post("/api/v1/sessions", Some(&candidate), json!({}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = session["id"].as_str().unwrap();
    let saved = client
        .put(format!("{base}/api/v1/sessions/{id}/responses/1"))
        .bearer_auth(&candidate)
        .header("Idempotency-Key", "log-1")
        .json(&json!({"answer": {"choice": "a"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 200);
    let finished = post(
        &format!("/api/v1/sessions/{id}/finish"),
        Some(&candidate),
        json!({}),
    )
    .await
    .unwrap();
    assert_eq!(finished.status(), 200);

    let data_dir = server.data_dir.clone();
    let logs = server.stop();
    assert!(
        logs.contains("certificate issued"),
        "the run was logged: {}",
        &logs[..logs.len().min(2000)]
    );
    let key = std::fs::read(data_dir.join("signing-key.p8")).unwrap();
    use base64::Engine;
    let secrets = [
        admin_password.to_owned(),
        "wrong-password-typed".to_owned(),
        code.clone(),
        code.replace('-', ""),
        admin.clone(),
        candidate.clone(),
        admin.split('.').nth(2).unwrap().to_owned(),
        base64::engine::general_purpose::STANDARD.encode(&key),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&key[key.len() - 32..]),
    ];
    for s in &secrets {
        assert!(!logs.contains(s.as_str()), "a secret reached the logs");
    }
}
