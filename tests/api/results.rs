//! Finishing, grading, certificates, the results feed and revocation.

use jsonwebtoken::{DecodingKey, Validation, jwk::JwkSet};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, right_answers, spawn_app};

/// Sits a whole session answering `share` of each section right; returns (candidate token, session id).
pub(crate) async fn sit(app: &TestApp, share: f64) -> (String, String) {
    let (token, s) = app.started_session().await;
    let id = s["id"].as_str().unwrap().to_owned();
    let answers = right_answers(app, &id).await;
    let (listening, reading): (Vec<_>, Vec<_>) = answers.into_iter().partition(|(p, _)| *p <= 20);
    for (n, part) in [listening, reading].into_iter().enumerate() {
        let take = (part.len() as f64 * share).round() as usize;
        for (position, answer) in part.into_iter().take(take) {
            let r = app
                .put_answer(
                    &id,
                    i64::from(position),
                    &token,
                    &format!("k{position}"),
                    answer,
                )
                .await;
            assert_eq!(r.status(), StatusCode::OK, "save at {position}");
        }
        if n == 0 {
            let r = app
                .post(
                    &format!("/api/v1/sessions/{id}/sections/current/submit"),
                    &token,
                    json!({}),
                )
                .await;
            assert_eq!(r.status(), StatusCode::OK);
        }
    }
    let r = app
        .post(&format!("/api/v1/sessions/{id}/finish"), &token, json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status"], "finished");
    (token, id)
}

async fn jwks(app: &TestApp) -> JwkSet {
    app.client
        .get(app.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Verifies a JWS with nothing but the published JWKS, as the receiving system does.
fn verify(jws: &str, set: &JwkSet) -> Value {
    let header = jsonwebtoken::decode_header(jws).unwrap();
    assert_eq!(header.alg, jsonwebtoken::Algorithm::EdDSA);
    let jwk = set
        .find(&header.kid.unwrap())
        .expect("the kid is published");
    let key = DecodingKey::from_jwk(jwk).unwrap();
    let mut v = Validation::new(jsonwebtoken::Algorithm::EdDSA);
    v.required_spec_claims.clear();
    v.validate_exp = false;
    v.validate_aud = false;
    jsonwebtoken::decode::<Value>(jws, &key, &v)
        .expect("the signature verifies")
        .claims
}

#[tokio::test]
async fn a_full_sitting_is_certified_and_the_feed_carries_it_and_its_revocation() {
    let app = spawn_app().await;
    let (token, session_id) = sit(&app, 1.0).await;
    let result: Value = app
        .get(&format!("/api/v1/sessions/{session_id}/result"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(result["decision"], "pass");
    assert_eq!(result["level"], "A2");
    for s in result["sections"].as_array().unwrap() {
        assert_eq!(s["percent"], 100.0);
        assert_eq!(s["passed"], true);
        assert!(
            s["theta"].as_f64().unwrap() > 0.5,
            "all right gives a high θ: {s}"
        );
        assert!(s["se"].as_f64().unwrap() > 0.0 && s["se"].as_f64().unwrap() < 1.0);
    }
    assert_eq!(result["sections"][0]["max"], 20);
    assert_eq!(result["sections"][1]["max"], 40);

    let reader = app.reader_token().await;
    let page: Value = app
        .get("/api/v1/results/feed", &reader)
        .await
        .json()
        .await
        .unwrap();
    let events = page["events"].as_array().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["type"], "certified");
    let set = jwks(&app).await;
    let claims = verify(events[0]["jws"].as_str().unwrap(), &set);
    assert_eq!(claims["sub"], events[0]["certificate_id"]);
    assert_eq!(claims["iss"], "synaq");
    assert_eq!(claims["decision"], "pass");
    assert_eq!(claims["status"], "valid");
    assert_eq!(claims["candidate"]["full_name"], "Айгүл Серікқызы");
    assert_eq!(claims["test"]["blueprint"], "kaztest-a1-preselection");
    assert_eq!(claims["test"]["session_id"], session_id.as_str());
    assert_eq!(claims["sections"].as_array().unwrap().len(), 2);
    let issued = chrono::DateTime::from_timestamp(claims["iat"].as_i64().unwrap(), 0).unwrap();
    let until =
        chrono::DateTime::parse_from_rfc3339(claims["valid_until"].as_str().unwrap()).unwrap();
    assert_eq!(
        (until.with_timezone(&chrono::Utc) - issued).num_days(),
        730,
        "valid two years"
    );

    let cert = events[0]["certificate_id"].as_str().unwrap();
    let public: Value = app
        .client
        .get(app.url(&format!("/api/v1/certificates/{cert}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(public["status"], "valid");
    assert!(
        public.get("candidate").is_none() && !public.to_string().contains("N"),
        "no personal data: {public}"
    );

    let admin = app.admin_token().await;
    let r = app
        .post(
            &format!("/api/v1/certificates/{cert}/revoke"),
            &admin,
            json!({"reason": "impersonation at the centre"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let again = app
        .post(
            &format!("/api/v1/certificates/{cert}/revoke"),
            &admin,
            json!({"reason": "twice"}),
        )
        .await;
    assert_problem(again, StatusCode::CONFLICT, "already_revoked").await;
    let cursor = page["next_cursor"].as_str().unwrap();
    let page2: Value = app
        .get(&format!("/api/v1/results/feed?after={cursor}"), &reader)
        .await
        .json()
        .await
        .unwrap();
    let events2 = page2["events"].as_array().unwrap();
    assert_eq!(events2.len(), 1);
    assert_eq!(events2[0]["type"], "revoked");
    assert_eq!(events2[0]["certificate_id"], cert);
    assert!(
        events2[0]["cursor"].as_str().unwrap() > cursor,
        "cursors strictly increase"
    );
    let revoked = verify(events2[0]["jws"].as_str().unwrap(), &set);
    assert_eq!(revoked["status"], "revoked");
    assert_eq!(revoked["revocation_reason"], "impersonation at the centre");
    let public: Value = app
        .client
        .get(app.url(&format!("/api/v1/certificates/{cert}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(public["status"], "revoked");
}

#[tokio::test]
async fn the_pass_rule_needs_thirty_percent_in_every_section() {
    let app = spawn_app().await;
    let result_of = |share: f64| {
        let app = &app;
        async move {
            let (token, id) = sit(app, share).await;
            let r = app
                .get(&format!("/api/v1/sessions/{id}/result"), &token)
                .await;
            r.json::<Value>().await.unwrap()
        }
    };
    let result = result_of(0.35).await;
    assert_eq!(result["decision"], "pass", "{result}");
    assert_eq!(result["level"], "A1");
    let result = result_of(0.25).await;
    assert_eq!(result["decision"], "fail", "{result}");
    assert_eq!(result["level"], "below_A1");
    let result = result_of(0.0).await;
    assert_eq!(result["sections"][0]["raw"], 0.0);
    assert!(result["sections"][0]["theta"].as_f64().unwrap() < -1.0);
}

#[tokio::test]
async fn the_feed_pages_by_cursor_and_refuses_bad_cursors() {
    let app = spawn_app().await;
    for _ in 0..3 {
        sit(&app, 0.5).await;
    }
    let reader = app.reader_token().await;
    let mut cursor: Option<String> = None;
    let mut seen = Vec::new();
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/results/feed?after={c}&limit=1"),
            None => "/api/v1/results/feed?limit=1".to_owned(),
        };
        let page: Value = app.get(&path, &reader).await.json().await.unwrap();
        let events = page["events"].as_array().unwrap().clone();
        if events.is_empty() {
            assert_eq!(
                page["next_cursor"].as_str(),
                cursor.as_deref(),
                "an empty page keeps the cursor"
            );
            break;
        }
        assert_eq!(events.len(), 1);
        seen.push(events[0]["cursor"].as_str().unwrap().to_owned());
        cursor = page["next_cursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen.len(), 3);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
    for bad in ["after=abc", "limit=0", "limit=100000"] {
        let r = app
            .get(&format!("/api/v1/results/feed?{bad}"), &reader)
            .await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
}

#[tokio::test]
async fn typed_answers_are_read_in_any_script_and_explained() {
    let app = spawn_app().await;
    let (token, s) = app.started_session().await;
    let id = s["id"].as_str().unwrap().to_owned();
    let r = app
        .post(
            &format!("/api/v1/sessions/{id}/sections/current/submit"),
            &token,
            json!({}),
        )
        .await;
    let view: Value = r.json().await.unwrap();
    let reading = view["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "reading")
        .unwrap();
    let gaps: Vec<i64> = reading["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["type"] == "gap_fill")
        .map(|i| i["position"].as_i64().unwrap())
        .collect();
    assert!(
        gaps.len() >= 2,
        "the blueprint puts at least two gap-fill items on every form"
    );
    let right = right_answers(&app, &id).await;
    for &position in &gaps {
        let cyrillic = right
            .iter()
            .find(|(p, _)| i64::from(*p) == position)
            .unwrap()
            .1["text"]
            .as_str()
            .unwrap()
            .to_owned();
        // Typed in capitals in the 2021 Latin alphabet (Kazakh casing: i → İ), with stray spaces and a
        // full stop.
        let latin = item_bank::kazakh::to_latin2021(&cyrillic);
        let typed = format!(
            "  {}. ",
            item_bank::kazakh::to_uppercase(&latin, item_bank::kazakh::Alphabet::Latin2021)
        );
        let r = app
            .put_answer(
                &id,
                position,
                &token,
                &format!("g{position}"),
                json!({"text": typed}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let r = app
        .post(&format!("/api/v1/sessions/{id}/finish"), &token, json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let graded = synaq::store::entity::graded_response::Entity::find()
        .filter(
            synaq::store::entity::graded_response::Column::SessionId
                .eq(uuid::Uuid::parse_str(&id).unwrap()),
        )
        .all(&app.state.db)
        .await
        .unwrap();
    for &position in &gaps {
        let g = graded
            .iter()
            .find(|g| i64::from(g.position) == position)
            .unwrap();
        let detail = g
            .detail
            .as_ref()
            .expect("a typed answer stores how it was read");
        assert!(g.correct, "position {position}: {detail}");
        assert!(!detail["normalized"].as_str().unwrap().is_empty());
        assert!(
            !detail["explanation"].as_array().unwrap().is_empty(),
            "the script change is explained: {detail}"
        );
    }
}

#[tokio::test]
async fn responses_are_calibrated_from_the_database_and_an_applied_run_is_the_items_provenance() {
    let app = spawn_app().await;
    let author = app.user_with_role("author").await;
    let early = app
        .post(
            "/api/v1/calibration-runs",
            &author,
            json!({"model": "rasch", "min_responses": 3}),
        )
        .await;
    assert_problem(early, StatusCode::CONFLICT, "not_enough_responses").await;
    for i in 0..24 {
        sit(&app, 0.2 + 0.03 * f64::from(i)).await;
    }
    let r = app
        .post(
            "/api/v1/calibration-runs",
            &author,
            json!({"model": "rasch", "min_responses": 3}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let run: Value = r.json().await.unwrap();
    assert_eq!(run["n_persons"], 24);
    assert!(run["n_items"].as_i64().unwrap() >= 2);
    assert_eq!(run["converged"], true, "{}", run["iterations"]);
    assert!(run["applied_at"].is_null());
    let id = run["id"].as_str().unwrap();
    let estimated = &run["estimates"][0];
    let (item, version) = (
        estimated["id"].as_str().unwrap(),
        estimated["version"].as_i64().unwrap() as i32,
    );

    let before =
        synaq::store::calibration::current_params(&app.state.db, &[(item.to_owned(), version)])
            .await
            .unwrap();
    assert_eq!(
        before.values().next().unwrap().status,
        item_bank::bank::ParamStatus::Provisional
    );
    assert_eq!(
        estimated["before"],
        serde_json::to_value(&before.values().next().unwrap().params).unwrap(),
        "the run keeps the parameters it started from"
    );
    let listed: Value = app
        .get("/api/v1/calibration-runs", &author)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["id"], id);
    assert_eq!(listed[0]["n_persons"], 24);
    assert!(listed[0].get("estimates").is_none(), "the list is short");
    let picture = |lang: &'static str| {
        let app = &app;
        let author = &author;
        async move {
            let r = app
                .get(
                    &format!("/api/v1/calibration-runs/{id}/picture?lang={lang}"),
                    author,
                )
                .await;
            assert_eq!(r.status(), StatusCode::OK);
            assert_eq!(r.headers()["content-type"], "image/svg+xml");
            r.text().await.unwrap()
        }
    };
    let drawn_before = picture("en").await;
    let estimated_items = run["estimates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["anchor"] != true)
        .count();
    assert_eq!(
        drawn_before.matches("<circle ").count(),
        2 * estimated_items,
        "each estimated item in both panels"
    );
    assert!(drawn_before.contains("Difficulty (b): before and after"));
    let applied = app
        .post(
            &format!("/api/v1/calibration-runs/{id}/apply"),
            &author,
            json!({}),
        )
        .await;
    assert_eq!(applied.status(), StatusCode::OK);
    let again = app
        .post(
            &format!("/api/v1/calibration-runs/{id}/apply"),
            &author,
            json!({}),
        )
        .await;
    assert_problem(again, StatusCode::CONFLICT, "already_applied").await;
    assert_eq!(
        picture("en").await,
        drawn_before,
        "once applied, the picture still shows where the items came from"
    );
    let after =
        synaq::store::calibration::current_params(&app.state.db, &[(item.to_owned(), version)])
            .await
            .unwrap();
    let after = after.values().next().unwrap();
    assert_eq!(after.status, item_bank::bank::ParamStatus::Calibrated);
    assert_eq!(
        serde_json::to_value(&after.params).unwrap(),
        estimated["params"]
    );
    use sea_orm::EntityTrait;
    let row = synaq::store::entity::item_param::Entity::find_by_id((item.to_owned(), version))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.calibration_run_id.unwrap().to_string(),
        id,
        "the run is the parameters' provenance"
    );
    // Forms drawn from now on are assembled with the calibrated parameters.
    let active = app
        .state
        .items
        .active(&app.state.db, &["listening".into(), "reading".into()])
        .await
        .unwrap();
    let drawn = active
        .iter()
        .find(|i| i.id == item && i.version as i32 == version)
        .unwrap();
    assert_eq!(drawn.irt.status, item_bank::bank::ParamStatus::Calibrated);
    assert_eq!(
        serde_json::to_value(&drawn.irt.params).unwrap(),
        estimated["params"]
    );
    let operator = app.user_with_role("operator").await;
    let r = app
        .post("/api/v1/calibration-runs", &operator, json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
