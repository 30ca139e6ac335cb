//! Operators find candidates by name (any alphabet, any keyboard, any case) or document number, read
//! one, and correct one (audited); a sitting's results show every registration.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

async fn create(app: &TestApp, staff: &str, name: &str, doc: &str) -> String {
    let r = app
        .post(
            "/api/v1/candidates",
            staff,
            json!({"full_name": name, "document_number": doc}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED, "{name}");
    r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The candidates' list with these query parameters.
async fn search(app: &TestApp, staff: &str, params: &[(&str, &str)]) -> reqwest::Response {
    let url = reqwest::Url::parse_with_params(&app.url("/api/v1/candidates"), params).unwrap();
    app.client.get(url).bearer_auth(staff).send().await.unwrap()
}

/// The names a search for `q` finds (every candidate when empty), in the order it lists them.
async fn found(app: &TestApp, staff: &str, q: &str) -> Vec<String> {
    let params: &[(&str, &str)] = if q.is_empty() { &[] } else { &[("q", q)] };
    let r = search(app, staff, params).await;
    assert_eq!(r.status(), StatusCode::OK, "{q}");
    r.json::<Value>().await.unwrap()["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["full_name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn operators_find_candidates_by_name_in_any_alphabet_or_by_document() {
    let app = spawn_app().await;
    let operator = app.user_with_role("operator").await;
    create(&app, &operator, "Айгүл Серікқызы", "N11112222").await;
    create(&app, &operator, "Әсем Құрманғазықызы", "P98765432").await;
    create(&app, &operator, "Ерлан Жақсыбеков", "N55553333").await;

    assert_eq!(
        found(&app, &operator, "").await,
        ["Ерлан Жақсыбеков", "Әсем Құрманғазықызы", "Айгүл Серікқызы"],
        "without a query, the newest first"
    );
    for (query, name) in [
        ("серик", "Айгүл Серікқызы"),
        ("СЕРІКҚЫЗЫ айгүл", "Айгүл Серікқызы"),
        ("Qurmanğazy", "Әсем Құрманғазықызы"),
        ("асем", "Әсем Құрманғазықызы"),
        ("Jaqsy", "Ерлан Жақсыбеков"),
        ("1111", "Айгүл Серікқызы"),
        ("n 1111-2222", "Айгүл Серікқызы"),
        ("р98765", "Әсем Құрманғазықызы"),
    ] {
        assert_eq!(found(&app, &operator, query).await, [name], "{query}");
    }
    assert!(
        found(&app, &operator, "айгүл ерлан").await.is_empty(),
        "every word must occur"
    );
    assert!(
        found(&app, &operator, "%").await.is_empty(),
        "a wildcard is a character like any other"
    );
    let one: Value = search(&app, &operator, &[("limit", "1")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["candidates"].as_array().unwrap().len(), 1);

    let long = "а".repeat(101);
    for bad in [
        ("limit", "0"),
        ("limit", "201"),
        ("q", long.as_str()),
        ("q", "\u{7}"),
    ] {
        assert_problem(
            search(&app, &operator, &[bad]).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
    }
    let proctor = app.user_with_role("proctor").await;
    assert_problem(
        app.get("/api/v1/candidates", &proctor).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_problem(
        app.get("/api/v1/candidates", "").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn candidates_stored_before_search_keys_are_found_after_a_start() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = spawn_app().await;
    let operator = app.user_with_role("operator").await;
    create(&app, &operator, "Айгүл Серікқызы", "N11112222").await;
    let db = &app.state.writer;
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "UPDATE candidates SET name_key = NULL",
    ))
    .await
    .unwrap();
    assert!(found(&app, &operator, "серик").await.is_empty());
    synaq::services::bootstrap::ensure_candidate_keys(db)
        .await
        .unwrap();
    assert_eq!(found(&app, &operator, "серик").await, ["Айгүл Серікқызы"]);
}

#[tokio::test]
async fn an_operator_corrects_a_candidate_and_the_correction_is_audited() {
    let app = spawn_app().await;
    let operator = app.user_with_role("operator").await;
    let id = create(&app, &operator, "Aigul Serikkyzy", "N11112222").await;
    create(&app, &operator, "Ерлан Жақсыбеков", "N55553333").await;

    let r = app
        .put(
            &format!("/api/v1/candidates/{id}"),
            &operator,
            json!({"full_name": "Айгүл  Серікқызы", "document_number": "n1111-2223",
                   "birth_date": "1990-04-01", "citizenship": "UZB"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let got: Value = app
        .get(&format!("/api/v1/candidates/{id}"), &operator)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["full_name"], "Айгүл Серікқызы", "spaces folded");
    assert_eq!(got["document_number"], "N11112223");
    assert_eq!(got["birth_date"], "1990-04-01");
    assert_eq!(got["citizenship"], "UZB");
    assert_eq!(
        found(&app, &operator, "N11112223").await,
        ["Айгүл Серікқызы"]
    );
    assert!(found(&app, &operator, "N11112222").await.is_empty());

    assert_problem(
        app.put(
            &format!("/api/v1/candidates/{id}"),
            &operator,
            json!({"full_name": "Айгүл Серікқызы", "document_number": "N55553333"}),
        )
        .await,
        StatusCode::CONFLICT,
        "duplicate_document",
    )
    .await;
    assert_problem(
        app.put(
            &format!("/api/v1/candidates/{id}"),
            &operator,
            json!({"full_name": "", "document_number": "N11112223"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let nobody = uuid::Uuid::now_v7();
    assert_problem(
        app.put(
            &format!("/api/v1/candidates/{nobody}"),
            &operator,
            json!({"full_name": "Арман", "document_number": "N99990000"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(
        app.get(&format!("/api/v1/candidates/{nobody}"), &operator)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let admin = app.admin_token().await;
    let records: Value = app
        .get(&format!("/api/v1/audit?entity=candidate&id={id}"), &admin)
        .await
        .json()
        .await
        .unwrap();
    let records = records.as_array().unwrap();
    assert_eq!(
        records.len(),
        1,
        "one correction, refused ones leave no record"
    );
    assert_eq!(records[0]["action"], "edit");
    assert_ne!(records[0]["before_digest"], records[0]["after_digest"]);
    let proctor = app.user_with_role("proctor").await;
    assert_problem(
        app.put(
            &format!("/api/v1/candidates/{id}"),
            &proctor,
            json!({"full_name": "Арман", "document_number": "N99990000"}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn a_sittings_results_show_every_registration() {
    let app = spawn_app().await;
    let operator = app.user_with_role("operator").await;
    let sitting = app.open_sitting(&operator).await;
    let first = create(&app, &operator, "Айгүл Серікқызы", "N11112222").await;
    let second = create(&app, &operator, "Ерлан Жақсыбеков", "N55553333").await;
    let (reg, code, _) = app.register(&operator, &sitting, &first).await;
    app.register(&operator, &sitting, &second).await;
    let token = app.candidate_token(&reg, &code).await;
    let session: Value = app
        .post("/api/v1/sessions", &token, json!({}))
        .await
        .json()
        .await
        .unwrap();
    let session_id = session["id"].as_str().unwrap();
    let r = app
        .post(
            &format!("/api/v1/sessions/{session_id}/finish"),
            &token,
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let r = app
        .get(&format!("/api/v1/sittings/{sitting}/results"), &operator)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    let rows = body["results"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["candidate"]["full_name"], "Айгүл Серікқызы");
    assert_eq!(rows[0]["candidate"]["document_number"], "N11112222");
    assert_eq!(rows[0]["session_id"], session_id);
    assert_eq!(rows[0]["session_status"], "finished");
    let result = &rows[0]["result"];
    assert_eq!(result["decision"], "fail", "no answer given");
    assert_eq!(result["level"], "below_A1");
    assert_eq!(result["status"], "valid");
    assert!(result["certificate_id"].is_string());
    assert_eq!(result["sections"].as_array().unwrap().len(), 2);
    assert_eq!(rows[1]["candidate"]["id"], second);
    assert_eq!(rows[1]["session_status"], "not_started");
    assert!(rows[1]["result"].is_null());

    let proctor = app.user_with_role("proctor").await;
    assert_problem(
        app.get(&format!("/api/v1/sittings/{sitting}/results"), &proctor)
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_problem(
        app.get(
            &format!("/api/v1/sittings/{}/results", uuid::Uuid::now_v7()),
            &operator,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}
