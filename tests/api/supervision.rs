//! Supervised sittings: access rules, proctor actions, integrity events and flags, held results, reviews
//! and bans.

use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, assert_problem, spawn_app, spawn_app_with};

/// A new candidate's id.
async fn candidate(app: &TestApp, staff: &str) -> String {
    let doc = format!("P{}", &Uuid::now_v7().simple().to_string()[16..]);
    let r = app
        .post(
            "/api/v1/candidates",
            staff,
            json!({"full_name": "Ерлан Әбенов", "document_number": doc}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// An open sitting with these access rules.
async fn sitting_with(app: &TestApp, staff: &str, access: Value) -> String {
    let r = app
        .post(
            "/api/v1/sittings",
            staff,
            json!({"blueprint": "kaztest-a1-preselection", "mode": "centre",
                   "opens_at": Utc::now() - Duration::hours(1), "closes_at": Utc::now() + Duration::hours(2),
                   "access": access}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A proctor's action.
async fn act(app: &TestApp, token: &str, session: &str, body: Value) -> reqwest::Response {
    app.post(
        &format!("/api/v1/sessions/{session}/proctor-actions"),
        token,
        body,
    )
    .await
}

async fn view(app: &TestApp, token: &str, session: &str) -> Value {
    let r = app.get(&format!("/api/v1/sessions/{session}"), token).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

fn deadline(view: &Value) -> DateTime<Utc> {
    view["sections"][0]["deadline"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// A started session in a sitting with `access`: (candidate token, session id, registration id,
/// candidate id).
async fn started_in(app: &TestApp, staff: &str, access: Value) -> (String, String, String, String) {
    let sitting = sitting_with(app, staff, access).await;
    let cand = candidate(app, staff).await;
    let (reg, code, _) = app.register(staff, &sitting, &cand).await;
    let token = app.candidate_token(&reg, &code).await;
    let r = app.post("/api/v1/sessions", &token, json!({})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (token, id, reg, cand)
}

async fn events(app: &TestApp, token: &str, session: &str, events: Value) -> reqwest::Response {
    app.post(
        &format!("/api/v1/sessions/{session}/integrity-events"),
        token,
        json!({ "events": events }),
    )
    .await
}

async fn timeline_names(app: &TestApp, token: &str, session: &str) -> Vec<String> {
    let r = app
        .get(&format!("/api/v1/sessions/{session}/timeline"), token)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                e["kind"].as_str().unwrap(),
                e["name"].as_str().unwrap()
            )
        })
        .collect()
}

#[tokio::test]
async fn the_centre_network_is_enforced_behind_trusted_proxies_and_refusals_are_recorded() {
    let app = spawn_app_with(|s| s.trusted_proxies = "127.0.0.0/8".parse().unwrap()).await;
    let admin = app.admin_token().await;
    let sitting = sitting_with(
        &app,
        &admin,
        json!({"ip_ranges": ["192.0.2.0/24", "2001:db8::/32"]}),
    )
    .await;
    let cand = candidate(&app, &admin).await;
    let (reg, code, _) = app.register(&admin, &sitting, &cand).await;
    let sign_in = |xff: &'static str| {
        let app = &app;
        let (reg, code) = (reg.clone(), code.clone());
        async move {
            app.client
                .post(app.url("/api/v1/auth/token"))
                .header("X-Forwarded-For", xff)
                .json(&json!({"grant_type": "access_code", "registration_id": reg, "access_code": code}))
                .send()
                .await
                .unwrap()
        }
    };
    assert_problem(
        sign_in("198.51.100.7").await,
        StatusCode::FORBIDDEN,
        "outside_centre_network",
    )
    .await;
    // A forged left-most entry does not help: the proxy's own hop is what counts.
    assert_problem(
        sign_in("192.0.2.9, 198.51.100.7").await,
        StatusCode::FORBIDDEN,
        "outside_centre_network",
    )
    .await;
    let ok = sign_in("192.0.2.9").await;
    assert_eq!(ok.status(), StatusCode::OK);
    let token = ok.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let start = app
        .client
        .post(app.url("/api/v1/sessions"))
        .bearer_auth(&token)
        .header("X-Forwarded-For", "2001:db8::5")
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), StatusCode::CREATED);
    let session = start.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Out of the network mid-session: refused, and the address change is itself a signal.
    let outside = app
        .client
        .get(app.url(&format!("/api/v1/sessions/{session}")))
        .bearer_auth(&token)
        .header("X-Forwarded-For", "203.0.113.50")
        .send()
        .await
        .unwrap();
    assert_problem(outside, StatusCode::FORBIDDEN, "outside_centre_network").await;
    let moved = app
        .client
        .get(app.url(&format!("/api/v1/sessions/{session}")))
        .bearer_auth(&token)
        .header("X-Forwarded-For", "192.0.2.77")
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), StatusCode::OK);
    let names = timeline_names(&app, &admin, &session).await;
    assert!(
        names.contains(&"event:outside_centre_network".to_owned()),
        "{names:?}"
    );
    assert!(names.contains(&"event:ip_changed".to_owned()), "{names:?}");
    assert!(
        names.contains(&"flag:outside_centre_network".to_owned()),
        "{names:?}"
    );
}

#[tokio::test]
async fn safe_exam_browser_hashes_are_checked_against_the_public_url() {
    let key = "3f8a1a0e8b4c4a7a9d2f5c6b7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012";
    let app = spawn_app_with(|s| s.public_url = "https://test.example.kz/".into()).await;
    let admin = app.admin_token().await;
    let sitting = sitting_with(
        &app,
        &admin,
        json!({"seb": {"config_keys": [key.to_uppercase()]}}),
    )
    .await;
    let cand = candidate(&app, &admin).await;
    let (reg, code, _) = app.register(&admin, &sitting, &cand).await;
    let body = json!({"grant_type": "access_code", "registration_id": reg, "access_code": code});
    let hash =
        synaq::services::access_rules::seb_hash("https://test.example.kz/api/v1/auth/token", key);
    let without = app.token(body.clone()).await;
    assert_problem(without, StatusCode::FORBIDDEN, "seb_required").await;
    let forged = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .header("X-SafeExamBrowser-ConfigKeyHash", "00".repeat(32))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_problem(forged, StatusCode::FORBIDDEN, "seb_required").await;
    let good = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .header("X-SafeExamBrowser-ConfigKeyHash", &hash)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(good.status(), StatusCode::OK);
    // The hash of one URL does not open another.
    let token = good.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let replayed = app
        .client
        .post(app.url("/api/v1/sessions"))
        .bearer_auth(&token)
        .header("X-SafeExamBrowser-ConfigKeyHash", &hash)
        .send()
        .await
        .unwrap();
    assert_problem(replayed, StatusCode::FORBIDDEN, "seb_required").await;
    // Malformed keys are refused when the sitting is created.
    let bad = app
        .post(
            "/api/v1/sittings",
            &admin,
            json!({"blueprint": "kaztest-a1-preselection", "mode": "centre",
                   "opens_at": Utc::now(), "closes_at": Utc::now() + Duration::hours(2),
                   "access": {"seb": {"config_keys": ["nope"]}}}),
        )
        .await;
    assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

#[tokio::test]
async fn the_clock_waits_for_authorization_and_stops_while_paused() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let proctor = app.user_with_role("proctor").await;
    let operator = app.user_with_role("operator").await;
    let (token, session, _, _) =
        started_in(&app, &admin, json!({"require_authorization": true})).await;
    let waiting = view(&app, &token, &session).await;
    assert_eq!(waiting["status"], "awaiting_authorization");
    assert!(waiting["sections"][0]["deadline"].is_null());
    let early = app
        .put_answer(&session, 1, &token, "k1", json!({"choice": "a"}))
        .await;
    assert_problem(early, StatusCode::CONFLICT, "awaiting_authorization").await;

    // Every action needs a reason; operators read but do not act; candidates do neither.
    let no_reason = act(
        &app,
        &proctor,
        &session,
        json!({"action": "authorize", "reason": "  "}),
    )
    .await;
    assert_problem(
        no_reason,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let by_operator = act(
        &app,
        &operator,
        &session,
        json!({"action": "authorize", "reason": "id checked"}),
    )
    .await;
    assert_problem(by_operator, StatusCode::FORBIDDEN, "forbidden").await;
    let by_candidate = act(
        &app,
        &token,
        &session,
        json!({"action": "authorize", "reason": "me"}),
    )
    .await;
    assert_problem(by_candidate, StatusCode::FORBIDDEN, "forbidden").await;
    let unknown = act(
        &app,
        &proctor,
        &session,
        json!({"action": "explode", "reason": "x"}),
    )
    .await;
    assert_problem(
        unknown,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    let ok = act(
        &app,
        &proctor,
        &session,
        json!({"action": "authorize", "reason": "identity checked"}),
    )
    .await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(ok.json::<Value>().await.unwrap()["status"], "in_progress");
    let twice = act(
        &app,
        &proctor,
        &session,
        json!({"action": "authorize", "reason": "again"}),
    )
    .await;
    assert_problem(twice, StatusCode::CONFLICT, "invalid_transition").await;
    let running = view(&app, &token, &session).await;
    let first_deadline = deadline(&running);
    assert_eq!(
        app.put_answer(&session, 1, &token, "k2", json!({"choice": "a"}))
            .await
            .status(),
        StatusCode::OK
    );

    // Paused: no change is accepted and the time left stands still.
    assert_eq!(
        act(
            &app,
            &proctor,
            &session,
            json!({"action": "pause", "reason": "fire alarm"})
        )
        .await
        .status(),
        StatusCode::OK
    );
    let paused = app
        .put_answer(&session, 2, &token, "k3", json!({"choice": "a"}))
        .await;
    assert_problem(paused, StatusCode::CONFLICT, "session_paused").await;
    let v1 = view(&app, &token, &session).await;
    assert_eq!(v1["status"], "paused");
    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    let v2 = view(&app, &token, &session).await;
    assert_eq!(
        v1["sections"][0]["remaining_seconds"],
        v2["sections"][0]["remaining_seconds"]
    );
    let resume_twice = act(
        &app,
        &proctor,
        &session,
        json!({"action": "pause", "reason": "again"}),
    )
    .await;
    assert_problem(resume_twice, StatusCode::CONFLICT, "invalid_transition").await;
    assert_eq!(
        act(
            &app,
            &proctor,
            &session,
            json!({"action": "resume", "reason": "all clear"})
        )
        .await
        .status(),
        StatusCode::OK
    );
    let resumed = deadline(&view(&app, &token, &session).await);
    assert!(
        resumed - first_deadline >= Duration::seconds(2),
        "the deadline moved by the pause"
    );

    // Extra time: bounded, and added to the open section.
    let bad = act(
        &app,
        &proctor,
        &session,
        json!({"action": "extend", "reason": "x", "seconds": 0}),
    )
    .await;
    assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let ext = act(
        &app,
        &proctor,
        &session,
        json!({"action": "extend", "reason": "accommodation", "seconds": 1800}),
    )
    .await;
    assert_eq!(ext.status(), StatusCode::OK);
    let extended = view(&app, &token, &session).await;
    assert_eq!(deadline(&extended) - resumed, Duration::seconds(1800));
    assert_eq!(extended["sections"][0]["time_limit_seconds"], 1500 + 1800);
    let whole = act(
        &app,
        &proctor,
        &session,
        json!({"action": "extend", "reason": "accommodation", "seconds": 600, "scope": "session"}),
    )
    .await;
    assert_eq!(whole.status(), StatusCode::OK);
    let v = view(&app, &token, &session).await;
    assert_eq!(v["sections"][1]["time_limit_seconds"], 2700 + 600);

    // Terminated, then brought back paused, then resumed.
    assert_eq!(
        act(
            &app,
            &proctor,
            &session,
            json!({"action": "terminate", "reason": "phone on the desk"})
        )
        .await
        .status(),
        StatusCode::OK
    );
    let gone = app
        .put_answer(&session, 2, &token, "k4", json!({"choice": "a"}))
        .await;
    assert_problem(gone, StatusCode::CONFLICT, "session_terminated").await;
    let finish = app
        .post(
            &format!("/api/v1/sessions/{session}/finish"),
            &token,
            json!({}),
        )
        .await;
    assert_problem(finish, StatusCode::CONFLICT, "session_terminated").await;
    let back = act(
        &app,
        &proctor,
        &session,
        json!({"action": "reactivate", "reason": "decided in error"}),
    )
    .await;
    assert_eq!(back.json::<Value>().await.unwrap()["status"], "paused");
    assert_eq!(
        act(
            &app,
            &proctor,
            &session,
            json!({"action": "resume", "reason": "go on"})
        )
        .await
        .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.put_answer(&session, 2, &token, "k5", json!({"choice": "a"}))
            .await
            .status(),
        StatusCode::OK
    );

    // Everything is on the timeline, with who and why.
    let r = app
        .get(&format!("/api/v1/sessions/{session}/timeline"), &operator)
        .await;
    let body: Value = r.json().await.unwrap();
    let actions: Vec<&Value> = body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "action")
        .collect();
    let names: Vec<&str> = actions
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "authorize",
            "pause",
            "resume",
            "extend",
            "extend",
            "terminate",
            "reactivate",
            "resume"
        ]
    );
    assert_eq!(actions[1]["detail"]["reason"], "fire alarm");
    assert!(
        body["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "save")
    );
}

#[tokio::test]
async fn assigned_proctors_alone_act_on_a_sitting() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let username = format!("pr-{}", &Uuid::now_v7().simple().to_string()[20..]);
    synaq::services::accounts::create_user(
        &app.state.writer,
        &username,
        "a-long-enough-password",
        "proctor",
    )
    .await
    .unwrap();
    let assigned = app.staff_token(&username, "a-long-enough-password").await;
    let other = app.user_with_role("proctor").await;
    let unknown = app
        .post(
            "/api/v1/sittings",
            &admin,
            json!({"blueprint": "kaztest-a1-preselection", "mode": "centre",
                   "opens_at": Utc::now(), "closes_at": Utc::now() + Duration::hours(2),
                   "access": {"proctors": ["nobody-here"]}}),
        )
        .await;
    assert_problem(
        unknown,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let (_, session, _, _) = started_in(&app, &admin, json!({"proctors": [username]})).await;
    let refused = act(
        &app,
        &other,
        &session,
        json!({"action": "pause", "reason": "x"}),
    )
    .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    let ok = act(
        &app,
        &assigned,
        &session,
        json!({"action": "pause", "reason": "x"}),
    )
    .await;
    assert_eq!(ok.status(), StatusCode::OK);
}

#[tokio::test]
async fn integrity_events_are_validated_and_a_paste_into_a_text_answer_holds_the_result() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (token, session, reg, cand) = started_in(&app, &admin, json!({})).await;
    let now = Utc::now();
    let batch = json!([
        {"type": "focus_lost", "at": now - Duration::seconds(30)},
        {"type": "focus_regained", "at": now - Duration::seconds(28)},
        {"type": "paste", "at": now - Duration::seconds(5), "detail": {"target": "text"}},
    ]);
    let r = events(&app, &token, &session, batch).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    assert_eq!(r.json::<Value>().await.unwrap()["stored"], 3);
    for (bad, why) in [
        (json!([{"type": "teleport", "at": now}]), "unknown type"),
        (
            json!([{"type": "concurrent_login", "at": now}]),
            "a server-only type",
        ),
        (
            json!([{"type": "copy", "at": now + Duration::hours(1)}]),
            "from the future",
        ),
        (
            json!([{"type": "copy", "at": now - Duration::days(2)}]),
            "too old",
        ),
        (json!([]), "empty"),
        (
            Value::Array(
                (0..101)
                    .map(|_| json!({"type": "resize", "at": now}))
                    .collect(),
            ),
            "over 100",
        ),
    ] {
        let r = events(&app, &token, &session, bad).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{why}");
    }
    // Nothing of a refused batch was stored.
    let names = timeline_names(&app, &admin, &session).await;
    assert_eq!(
        names.iter().filter(|n| n.starts_with("event:")).count(),
        3,
        "{names:?}"
    );
    assert!(
        names.contains(&"flag:paste_into_text_answer".to_owned()),
        "{names:?}"
    );

    // The roster shows the flag.
    let sitting = app
        .get(&format!("/api/v1/sessions/{session}/timeline"), &admin)
        .await;
    assert_eq!(sitting.status(), StatusCode::OK);
    let sittings: Value = app
        .get("/api/v1/sittings", &admin)
        .await
        .json()
        .await
        .unwrap();
    let sitting_id = sittings["sittings"][0]["id"].as_str().unwrap().to_owned();
    let roster: Value = app
        .get(&format!("/api/v1/sittings/{sitting_id}/roster"), &admin)
        .await
        .json()
        .await
        .unwrap();
    let row = roster["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["registration_id"] == reg.as_str())
        .unwrap();
    assert_eq!(row["flags"]["max_severity"], "high");
    assert_eq!(row["status"], "in_progress");
    assert!(row["last_seen_at"].is_string() && row["remaining_seconds"].is_number());

    // Finished with an open high flag: held, not in the feed, "under review" for the candidate.
    let f = app
        .post(
            &format!("/api/v1/sessions/{session}/finish"),
            &token,
            json!({}),
        )
        .await;
    assert_eq!(f.status(), StatusCode::OK);
    let result: Value = app
        .get(&format!("/api/v1/sessions/{session}/result"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(result["status"], "under_review");
    assert!(result["certificate_id"].is_null());
    let reader = app.reader_token().await;
    let feed: Value = app
        .get("/api/v1/results/feed", &reader)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(feed["events"].as_array().unwrap().len(), 0);
    let proctor = app.user_with_role("proctor").await;
    let open: Value = app
        .get("/api/v1/reviews?status=open", &proctor)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(open["reviews"][0]["session_id"], session.as_str());
    assert_eq!(
        open["reviews"][0]["flags"][0]["rule"],
        "paste_into_text_answer"
    );
    let bad_status = app.get("/api/v1/reviews?status=maybe", &proctor).await;
    assert_problem(
        bad_status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    // Proctors read the queue; only admins decide; a decision needs a reason and is taken once.
    let by_proctor = app
        .post(
            &format!("/api/v1/reviews/{session}"),
            &proctor,
            json!({"decision": "release", "reason": "ok"}),
        )
        .await;
    assert_problem(by_proctor, StatusCode::FORBIDDEN, "forbidden").await;
    let no_reason = app
        .post(
            &format!("/api/v1/reviews/{session}"),
            &admin,
            json!({"decision": "release", "reason": ""}),
        )
        .await;
    assert_problem(
        no_reason,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let release = app
        .post(
            &format!("/api/v1/reviews/{session}"),
            &admin,
            json!({"decision": "release", "reason": "the paste was the candidate's own name"}),
        )
        .await;
    assert_eq!(release.status(), StatusCode::OK);
    let again = app
        .post(
            &format!("/api/v1/reviews/{session}"),
            &admin,
            json!({"decision": "void", "reason": "second thoughts"}),
        )
        .await;
    assert_problem(again, StatusCode::CONFLICT, "already_decided").await;
    let feed: Value = app
        .get("/api/v1/results/feed", &reader)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(feed["events"].as_array().unwrap().len(), 1);
    assert_eq!(feed["events"][0]["type"], "certified");
    let result: Value = app
        .get(&format!("/api/v1/sessions/{session}/result"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(result["status"], "valid");
    let closed: Value = app
        .get("/api/v1/reviews?status=closed", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(closed["reviews"][0]["decision"], "release");
    let _ = cand;
}

#[tokio::test]
async fn a_voided_result_with_a_ban_bars_registration_and_still_counts_as_an_attempt() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let proctor = app.user_with_role("proctor").await;
    let (token, session, _, cand) = started_in(&app, &admin, json!({})).await;
    let report = act(
        &app,
        &proctor,
        &session,
        json!({"action": "report", "reason": "notes under the keyboard"}),
    )
    .await;
    assert_eq!(report.status(), StatusCode::OK);
    app.post(
        &format!("/api/v1/sessions/{session}/finish"),
        &token,
        json!({}),
    )
    .await;
    // A finished session takes no more actions.
    let late = act(
        &app,
        &proctor,
        &session,
        json!({"action": "pause", "reason": "too late"}),
    )
    .await;
    assert_problem(late, StatusCode::CONFLICT, "invalid_transition").await;
    let ban_on_release = app
        .post(
            &format!("/api/v1/reviews/{session}"),
            &admin,
            json!({"decision": "release", "reason": "x", "ban": true}),
        )
        .await;
    assert_problem(
        ban_on_release,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let void = app
        .post(
            &format!("/api/v1/reviews/{session}"),
            &admin,
            json!({"decision": "void", "reason": "notes found", "ban": true}),
        )
        .await;
    assert_eq!(void.status(), StatusCode::OK);
    let result: Value = app
        .get(&format!("/api/v1/sessions/{session}/result"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(result["status"], "voided");
    let sitting = sitting_with(&app, &admin, json!({})).await;
    let r = app
        .post(
            &format!("/api/v1/sittings/{sitting}/registrations"),
            &admin,
            json!({"candidate_id": cand}),
        )
        .await;
    let body = assert_problem(r, StatusCode::CONFLICT, "candidate_banned").await;
    let until = Utc::now() + Duration::days(30);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains(&until.format("%Y-%m-%d").to_string()),
        "{body}"
    );
    let missing = app
        .post(
            &format!("/api/v1/reviews/{}", Uuid::now_v7()),
            &admin,
            json!({"decision": "void", "reason": "x"}),
        )
        .await;
    assert_problem(missing, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn a_second_sign_in_while_the_session_runs_takes_it_over_and_is_flagged() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let sitting = sitting_with(&app, &admin, json!({})).await;
    let cand = candidate(&app, &admin).await;
    let (reg, code, _) = app.register(&admin, &sitting, &cand).await;
    let first = app.candidate_token(&reg, &code).await;
    let start = app.post("/api/v1/sessions", &first, json!({})).await;
    let session = start.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.put_answer(&session, 1, &first, "a1", json!({"choice": "a"}))
            .await
            .status(),
        StatusCode::OK
    );
    let second = app.candidate_token(&reg, &code).await;
    let stale = app
        .get(&format!("/api/v1/sessions/{session}"), &first)
        .await;
    assert_problem(stale, StatusCode::UNAUTHORIZED, "unauthorized").await;
    // A save with the earlier sign-in stores nothing, even of a position it never answered.
    let stale_save = app
        .put_answer(&session, 2, &first, "a2", json!({"choice": "a"}))
        .await;
    assert_problem(stale_save, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let fresh = view(&app, &second, &session).await;
    assert_eq!(fresh["sections"][0]["items"][1]["response"], Value::Null);
    assert_eq!(
        fresh["sections"][0]["items"][0]["response"],
        json!({"choice": "a"})
    );
    let names = timeline_names(&app, &admin, &session).await;
    assert!(
        names.contains(&"event:concurrent_login".to_owned()),
        "{names:?}"
    );
    assert!(
        names.contains(&"flag:concurrent_login".to_owned()),
        "{names:?}"
    );
}

#[tokio::test]
async fn a_save_from_another_browser_is_stored_and_the_change_recorded_once() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (token, session, _, _) = started_in(&app, &admin, json!({})).await;
    let save = |position: i32, key: &'static str, agent: &'static str| {
        app.client
            .put(app.url(&format!("/api/v1/sessions/{session}/responses/{position}")))
            .bearer_auth(&token)
            .header("Idempotency-Key", key)
            .header("User-Agent", agent)
            .json(&json!({"answer": {"choice": "a"}}))
            .send()
    };
    // The session remembers the browser it started in; a save from another is stored, and the change
    // is recorded once, not again for the next save from the same browser.
    for (position, key) in [(1, "k1"), (2, "k2")] {
        let r = save(position, key, "Other Browser/2.0").await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    let names = timeline_names(&app, &admin, &session).await;
    let changes = names
        .iter()
        .filter(|n| *n == "event:user_agent_changed")
        .count();
    assert_eq!(changes, 1, "{names:?}");
    let seen = view(&app, &token, &session).await;
    for i in 0..2 {
        assert_eq!(
            seen["sections"][0]["items"][i]["response"],
            json!({"choice": "a"})
        );
    }
}

/// Answers every item of a started session from `choose(position, right answer)`, submitting each
/// section, then finishes it.
async fn sit_through(
    app: &TestApp,
    token: &str,
    session: &str,
    choose: impl Fn(i32, &Value) -> Value,
) {
    let mut answers = crate::helpers::right_answers(app, session).await;
    answers.sort_by_key(|(position, _)| *position);
    for (position, right) in &answers {
        let r = app
            .put_answer(
                session,
                i64::from(*position),
                token,
                &format!("k{position}"),
                choose(*position, right),
            )
            .await;
        if r.status() == StatusCode::CONFLICT {
            // The next section: close the open one first, then save again.
            app.post(
                &format!("/api/v1/sessions/{session}/sections/current/submit"),
                token,
                json!({}),
            )
            .await;
            let again = app
                .put_answer(
                    session,
                    i64::from(*position),
                    token,
                    &format!("k{position}"),
                    choose(*position, right),
                )
                .await;
            assert_eq!(again.status(), StatusCode::OK);
        }
    }
    let f = app
        .post(
            &format!("/api/v1/sessions/{session}/finish"),
            token,
            json!({}),
        )
        .await;
    assert_eq!(f.status(), StatusCode::OK);
}

/// A wrong answer of the same shape as `right`.
fn wrong(right: &Value, variant: i32) -> Value {
    match right.get("choice").and_then(Value::as_str) {
        Some(c) => {
            let letters = ["a", "b", "c", "d"];
            let others: Vec<&str> = letters.iter().copied().filter(|l| *l != c).collect();
            json!({"choice": others[variant as usize % others.len()]})
        }
        None => json!({"text": format!("қате{variant}")}),
    }
}

#[tokio::test]
async fn the_sitting_forensics_test_every_pair_and_send_what_they_flag_to_review() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let proctor = app.user_with_role("proctor").await;
    let operator = app.user_with_role("operator").await;
    let sitting = sitting_with(&app, &admin, json!({})).await;
    for seed in 0..8 {
        let cand = candidate(&app, &admin).await;
        let (reg, code, _) = app.register(&admin, &sitting, &cand).await;
        let token = app.candidate_token(&reg, &code).await;
        let r = app.post("/api/v1/sessions", &token, json!({})).await;
        let id = r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        sit_through(&app, &token, &id, |position, right| {
            if (position * 7 + seed * 13) % 5 < 3 {
                right.clone()
            } else {
                wrong(right, position + seed)
            }
        })
        .await;
    }
    let path = format!("/api/v1/sittings/{sitting}/forensics");
    assert_problem(
        app.post(&path, &operator, json!({})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let missing = app
        .post(
            &format!("/api/v1/sittings/{}/forensics", Uuid::now_v7()),
            &proctor,
            json!({}),
        )
        .await;
    assert_problem(missing, StatusCode::NOT_FOUND, "not_found").await;
    let r = app.post(&path, &proctor, json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let run: Value = r.json().await.unwrap();
    assert_eq!(run["sessions"], 8);
    assert_eq!(
        run["pairs_tested"], 56,
        "every ordered pair of a centre sitting"
    );
    let open: Value = app
        .get("/api/v1/reviews", &proctor)
        .await
        .json()
        .await
        .unwrap();
    let reviewed: Vec<&str> = open["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["session_id"].as_str().unwrap())
        .collect();
    for f in run["flagged"].as_array().unwrap() {
        assert!(reviewed.contains(&f["session_id"].as_str().unwrap()), "{f}");
        assert!(f["statistics"].is_object());
    }
    // A rerun finds the same and raises nothing twice.
    let again: Value = app
        .post(&path, &proctor, json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["flagged"], run["flagged"]);
    let open_again: Value = app
        .get("/api/v1/reviews", &proctor)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        open_again["reviews"].as_array().unwrap().len(),
        reviewed.len()
    );
}
