//! What the authors' screens read besides the bank's own routes: a blueprint's feasibility report and
//! the picture of a simulation of its forms, an item's characteristic curve, the list of calibration
//! runs; each for authors only, bounded, and answering bad input with a problem.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, assert_problem, spawn_app};

const BLUEPRINT: &str = "kaztest-a1-preselection";
const ITEM: &str = "rd-a1-city-transport-001";

async fn svg_of(r: reqwest::Response) -> String {
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    assert!(
        r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox"),
        "a picture is sandboxed"
    );
    let body = r.text().await.unwrap();
    assert!(body.starts_with("<svg ") && body.trim_end().ends_with("</svg>"));
    body
}

/// Every new route, for the role checks.
fn routes() -> Vec<String> {
    vec![
        format!("/api/v1/blueprints/{BLUEPRINT}/feasibility"),
        format!("/api/v1/blueprints/{BLUEPRINT}/simulation?forms=2"),
        format!("/api/v1/items/{ITEM}/curves"),
        "/api/v1/calibration-runs".into(),
        "/api/v1/calibration-runs/0190a3f0-0000-7000-8000-000000000000/picture".into(),
    ]
}

async fn status(app: &TestApp, path: &str, token: Option<&str>) -> StatusCode {
    let mut req = app.client.get(app.url(path));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    req.send().await.unwrap().status()
}

#[tokio::test]
async fn only_authors_and_admins_read_the_authors_views() {
    let app = spawn_app().await;
    let author = app.user_with_role("author").await;
    let admin = app.admin_token().await;
    let operator = app.user_with_role("operator").await;
    let proctor = app.user_with_role("proctor").await;
    for path in routes() {
        assert_eq!(
            status(&app, &path, None).await,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
        for token in [&operator, &proctor] {
            assert_eq!(
                status(&app, &path, Some(token)).await,
                StatusCode::FORBIDDEN,
                "{path}"
            );
        }
        for token in [&author, &admin] {
            let got = status(&app, &path, Some(token)).await;
            assert!(
                got == StatusCode::OK || got == StatusCode::NOT_FOUND,
                "{path}: {got}"
            );
        }
    }
}

#[tokio::test]
async fn a_blueprints_feasibility_names_each_sections_supply() {
    let app = spawn_app().await;
    let author = app.user_with_role("author").await;
    let r = app
        .get(
            &format!("/api/v1/blueprints/{BLUEPRINT}/feasibility"),
            &author,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["blueprint"], BLUEPRINT);
    assert_eq!(report["version"], 1);
    assert_eq!(report["feasible"], true, "{report}");
    assert_eq!(report["problems"], serde_json::json!([]));
    let sections = report["sections"].as_array().unwrap();
    assert_eq!(
        sections
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["listening", "reading"]
    );
    for s in sections {
        assert!(
            s["operational_items"].as_u64().unwrap() >= s["items"].as_u64().unwrap(),
            "{s}"
        );
    }
    assert_problem(
        app.get("/api/v1/blueprints/no-such-blueprint/feasibility", &author)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(
        app.get(
            &format!("/api/v1/blueprints/{BLUEPRINT}/feasibility?version=x"),
            &author,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

#[tokio::test]
async fn a_simulation_is_drawn_with_its_forms_and_its_size_is_bounded() {
    let app = spawn_app().await;
    let author = app.user_with_role("author").await;
    let picture = svg_of(
        app.get(
            &format!("/api/v1/blueprints/{BLUEPRINT}/simulation?forms=4&lang=en"),
            &author,
        )
        .await,
    )
    .await;
    assert!(picture.contains("listening: TCC of 4 forms vs target"));
    assert!(picture.contains("reading: TCC of 4 forms vs target"));
    assert!(picture.contains("exposure of"));
    assert_eq!(
        picture.matches(r#"stroke-opacity="0.15""#).count(),
        8,
        "a curve per form and section"
    );
    let russian = svg_of(
        app.get(
            &format!("/api/v1/blueprints/{BLUEPRINT}/simulation?forms=2&lang=ru"),
            &author,
        )
        .await,
    )
    .await;
    assert!(russian.contains("кривые 2 вариантов"));
    for bad in [
        "forms=0",
        "forms=501",
        "forms=-1",
        "lang=de",
        "seed=x",
        "other=1",
    ] {
        assert_problem(
            app.get(
                &format!("/api/v1/blueprints/{BLUEPRINT}/simulation?{bad}"),
                &author,
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
    }
    assert_problem(
        app.get("/api/v1/blueprints/nothing/simulation?forms=1", &author)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn an_items_curve_is_drawn_from_its_parameters() {
    let app = spawn_app().await;
    let author = app.user_with_role("author").await;
    let picture = svg_of(
        app.get(&format!("/api/v1/items/{ITEM}/curves?lang=en"), &author)
            .await,
    )
    .await;
    assert!(picture.contains(&format!("{ITEM} v2: characteristic curve and information")));
    assert!(picture.contains("b = -1.20"), "the difficulty is marked");
    let kazakh = svg_of(
        app.get(&format!("/api/v1/items/{ITEM}/curves?version=2"), &author)
            .await,
    )
    .await;
    assert!(kazakh.contains("сипаттамалық қисық"), "Kazakh by default");
    for path in [
        format!("/api/v1/items/{ITEM}/curves?version=9"),
        "/api/v1/items/no-such-item/curves".into(),
        "/api/v1/items/NOT%20AN%20ID/curves".into(),
    ] {
        assert_problem(
            app.get(&path, &author).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    assert_problem(
        app.get(&format!("/api/v1/items/{ITEM}/curves?lang=fr"), &author)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

#[tokio::test]
async fn the_runs_list_starts_empty_and_an_unknown_runs_picture_is_not_found() {
    let app = spawn_app().await;
    let author = app.user_with_role("author").await;
    let r = app.get("/api/v1/calibration-runs", &author).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap(), serde_json::json!([]));
    assert_problem(
        app.get(
            "/api/v1/calibration-runs/0190a3f0-0000-7000-8000-000000000000/picture",
            &author,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(
        app.get("/api/v1/calibration-runs/not-a-run/picture", &author)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(
        app.get(
            "/api/v1/calibration-runs/0190a3f0-0000-7000-8000-000000000000/picture?lang=xx",
            &author,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}
