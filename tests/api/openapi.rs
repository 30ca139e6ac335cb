//! The API description (`/api/openapi.json`) against the server: it names every route the code registers
//! and nothing the server does not serve, with the path parameters and the answers the routes give; and
//! its page, `/api/docs`, with the vendored Swagger UI under the pages' CSP.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use synaq::security_headers::{DOCS_POLICY, PAGE_POLICY};

use crate::helpers::{assert_problem, root, run_browser_script, spawn_app};

async fn description(app: &crate::helpers::TestApp) -> Value {
    let r = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

/// Every `(METHOD, path)` the route modules register, read from their source: the routing attributes
/// (`#[get("/…")]`) and the resources built by hand (`web::resource("/…")…route(web::post()…)`).
fn registered_routes() -> BTreeSet<(String, String)> {
    let attribute = regex::Regex::new(r#"#\[(get|post|put|delete|patch)\("([^"]+)"\)\]"#).unwrap();
    let resource = regex::Regex::new(
        r#"web::resource\("([^"]+)"\)(?s:.*?)\.route\(web::(get|post|put|delete|patch)\(\)"#,
    )
    .unwrap();
    let mut routes = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("src/routes")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        for c in attribute.captures_iter(&source) {
            routes.insert((c[1].to_uppercase(), c[2].to_owned()));
        }
        for c in resource.captures_iter(&source) {
            routes.insert((c[2].to_uppercase(), c[1].to_owned()));
        }
    }
    // The description's own address is not an operation of the API it describes.
    routes.remove(&("GET".to_owned(), "/api/openapi.json".to_owned()));
    routes
}

fn described_operations(doc: &Value) -> BTreeSet<(String, String)> {
    doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(|method| (method.to_uppercase(), path.clone()))
        })
        .collect()
}

#[tokio::test]
async fn the_description_names_exactly_the_routes_the_server_registers() {
    let app = spawn_app().await;
    let doc = description(&app).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let registered = registered_routes();
    assert!(registered.len() > 40, "the route modules were read");
    assert_eq!(described_operations(&doc), registered);
}

#[tokio::test]
async fn every_described_operation_is_served() {
    let app = spawn_app().await;
    let doc = description(&app).await;
    let uuid = regex::Regex::new(r"\{[a-z_]*id\}").unwrap();
    let other = regex::Regex::new(r"\{[a-z_]+\}").unwrap();
    for (method, path) in described_operations(&doc) {
        let concrete = uuid.replace_all(&path, "0190a7c2-0000-7000-8000-000000000000");
        let concrete = other.replace_all(&concrete, "1");
        let r = app
            .client
            .request(
                Method::from_bytes(method.as_bytes()).unwrap(),
                app.url(&concrete),
            )
            .send()
            .await
            .unwrap();
        let status = r.status();
        let body: Value = r.json().await.unwrap_or(Value::Null);
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert_ne!(body["detail"], "route not found", "{method} {path}");
    }
}

#[tokio::test]
async fn operations_declare_their_path_parameters_and_their_answers() {
    let app = spawn_app().await;
    let doc = description(&app).await;
    for (method, path, params) in [
        ("get", "/api/v1/sessions/{id}", &["id"][..]),
        (
            "put",
            "/api/v1/sessions/{id}/responses/{position}",
            &["id", "position"],
        ),
        (
            "get",
            "/api/v1/sessions/{id}/media/{position}",
            &["id", "position"],
        ),
        (
            "post",
            "/api/v1/sittings/{sitting_id}/registrations",
            &["sitting_id"],
        ),
        (
            "get",
            "/api/v1/certificates/{certificate_id}",
            &["certificate_id"],
        ),
        (
            "post",
            "/api/v1/certificates/{certificate_id}/revoke",
            &["certificate_id"],
        ),
        ("get", "/api/v1/blueprints/{id}", &["id"]),
        ("post", "/api/v1/calibration-runs/{id}/apply", &["id"]),
        ("post", "/api/v1/reviews/{session_id}", &["session_id"]),
    ] {
        let operation = &doc["paths"][path][method];
        let declared: Vec<&str> = operation["parameters"]
            .as_array()
            .unwrap_or_else(|| panic!("{method} {path} has parameters"))
            .iter()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(declared, params, "{method} {path}");
        let responses = operation["responses"].as_object().unwrap();
        let secured = operation["security"]
            .as_array()
            .is_some_and(|s| !s.is_empty());
        let statuses: &[&str] = if secured {
            &["401", "403", "404"]
        } else {
            &["404"]
        };
        for status in statuses {
            let content = &responses[*status]["content"];
            assert!(
                content["application/problem+json"]["schema"]["$ref"]
                    .as_str()
                    .is_some_and(|r| r.ends_with("/Problem")),
                "{method} {path} {status}"
            );
        }
    }
    let feed = &doc["paths"]["/api/v1/results/feed"]["get"]["parameters"];
    let limit = feed
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "limit")
        .unwrap();
    assert_eq!(limit["in"], "query");
    assert_eq!(limit["schema"]["type"], "integer");
    assert_eq!(limit["schema"]["maximum"], 1000);
    let blueprints = &doc["paths"]["/api/v1/blueprints"]["get"]["responses"]["200"];
    assert_eq!(
        blueprints["content"]["application/json"]["schema"]["type"],
        "array"
    );
    for (method, path) in [
        ("post", "/api/v1/sessions"),
        ("put", "/api/v1/sessions/{id}/responses/{position}"),
        ("post", "/api/v1/auth/token"),
    ] {
        let busy = &doc["paths"][path][method]["responses"]["503"];
        assert!(
            busy["description"].as_str().unwrap().contains("busy"),
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn a_method_a_described_path_does_not_take_is_405_with_allow() {
    let app = spawn_app().await;
    for (method, path, allow) in [
        ("DELETE", "/api/v1/blueprints", "GET, POST"),
        ("TRACE", "/healthz", "GET"),
        ("GET", "/api/v1/media", "POST"),
        (
            "POST",
            "/api/v1/sessions/0190a7c2-0000-7000-8000-000000000000/responses/1",
            "PUT",
        ),
    ] {
        let r = app
            .client
            .request(
                Method::from_bytes(method.as_bytes()).unwrap(),
                app.url(path),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["allow"], allow, "{method} {path}");
        assert_problem(r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    }
    let r = app
        .client
        .delete(app.url("/api/v1/nothing-here"))
        .send()
        .await
        .unwrap();
    assert_problem(r, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn the_description_is_a_page_linked_from_the_home_page() {
    let app = spawn_app().await;
    let home = app.client.get(app.url("/")).send().await.unwrap();
    assert!(home.text().await.unwrap().contains(r#"href="/api/docs""#));
    let r = app.client.get(app.url("/api/docs")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    let policy = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(policy, DOCS_POLICY);
    assert!(
        !policy.contains("unsafe"),
        "no inline script or style, no eval"
    );
    assert_eq!(
        policy.replace(" data:", ""),
        PAGE_POLICY,
        "the pages' policy, with data: images"
    );
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"data-url="/api/openapi.json""#));
    assert!(!page.contains("<script>"), "no inline script");
    for (asset, content_type) in [
        (
            "/assets/swagger-ui-bundle.js",
            "text/javascript; charset=utf-8",
        ),
        ("/assets/swagger-ui.css", "text/css; charset=utf-8"),
        ("/assets/api-docs.js", "text/javascript; charset=utf-8"),
    ] {
        assert!(page.contains(asset), "the page loads {asset}");
        let r = app.client.get(app.url(asset)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{asset}");
        assert_eq!(r.headers()["content-type"], content_type, "{asset}");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
        assert!(!r.bytes().await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn the_page_draws_every_operation_in_a_real_browser() {
    let app = spawn_app().await;
    let out = std::env::temp_dir().join(format!("synaq-api-docs-{}", std::process::id()));
    let args = vec![
        "--base".into(),
        app.address.clone().into(),
        "--out".into(),
        out.into(),
    ];
    let stdout = run_browser_script("test_api_docs.py", args).await;
    assert!(stdout.contains("every operation drawn"), "{stdout}");
}
