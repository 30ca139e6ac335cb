//! The pages for people: their security headers and languages, the embedded files, the public certificate
//! check, the candidate's outline, and the whole candidate flow in a real browser
//! (`tests/browser/test_candidate.py`, headless Chromium driven by Playwright).

use std::path::PathBuf;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{ADMIN_PASSWORD, TestApp, assert_problem, run_browser_script, spawn_app};

pub(crate) async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

pub(crate) fn assert_page_headers(r: &reqwest::Response) {
    let h = r.headers();
    assert_eq!(h["content-type"], "text/html; charset=utf-8");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert!(
        !csp.contains("unsafe"),
        "no inline script or style is allowed: {csp}"
    );
}

#[tokio::test]
async fn pages_carry_a_strict_policy_and_speak_the_chosen_language() {
    let app = spawn_app().await;
    for path in ["/", "/sit", "/sit/certificate", "/verify"] {
        let r = get(&app, path, &[]).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_page_headers(&r);
        let body = r.text().await.unwrap();
        assert!(
            body.starts_with("<!DOCTYPE html><html lang=\"kk\">"),
            "Kazakh by default: {path}"
        );
        assert!(!body.contains("⟦"), "every text of {path} is in the table");
        assert!(!body.contains("<script>"), "no inline script on {path}");
    }

    let r = get(&app, "/sit?lang=en", &[]).await;
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("synaq_lang=en;"), "{cookie}");
    let body = r.text().await.unwrap();
    for name in [
        "Registration ID",
        "Access code",
        "Sign in",
        "Start",
        "Next",
        "Previous",
        "Submit section",
        "Finish",
        "Flag for review",
        "role=\"timer\"",
    ] {
        assert!(body.contains(name), "the English page names {name}");
    }
    let remembered = get(&app, "/sit", &[("cookie", "synaq_lang=ru")]).await;
    assert!(remembered.headers().get("set-cookie").is_none());
    assert!(
        remembered
            .text()
            .await
            .unwrap()
            .contains("<html lang=\"ru\">")
    );
    let browser = get(&app, "/", &[("accept-language", "en-GB,en;q=0.9")]).await;
    assert!(
        browser
            .text()
            .await
            .unwrap()
            .contains("State-language proficiency test")
    );
}

#[tokio::test]
async fn the_pages_files_are_embedded_and_revalidated() {
    let app = spawn_app().await;
    let r = get(&app, "/assets/sit.js", &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    assert!(r.text().await.unwrap().contains("import"));
    let again = get(&app, "/assets/sit.js", &[("if-none-match", &etag)]).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let sound = get(&app, "/assets/sound-check.ogg", &[]).await;
    assert_eq!(sound.headers()["content-type"], "audio/ogg");
    assert!(sound.bytes().await.unwrap().starts_with(b"OggS"));
    assert_eq!(
        get(&app, "/assets/nothing.js", &[]).await.status(),
        StatusCode::NOT_FOUND
    );
}

/// A finished session's certificate id, with the candidate's name and document number.
async fn certified(app: &TestApp) -> (String, String, Value) {
    let (token, s) = app.started_session().await;
    let id = s["id"].as_str().unwrap().to_owned();
    let r = app
        .post(&format!("/api/v1/sessions/{id}/finish"), &token, json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let result: Value = app
        .get(&format!("/api/v1/sessions/{id}/result"), &token)
        .await
        .json()
        .await
        .unwrap();
    let outline: Value = app
        .get(&format!("/sit/api/sessions/{id}/outline"), &token)
        .await
        .json()
        .await
        .unwrap();
    (
        result["certificate_id"].as_str().unwrap().to_owned(),
        token,
        outline,
    )
}

#[tokio::test]
async fn anyone_checks_a_certificate_without_learning_who_holds_it() {
    let app = spawn_app().await;
    let (certificate, _, outline) = certified(&app).await;
    let r = get(&app, &format!("/verify/{certificate}?lang=en"), &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_page_headers(&r);
    let page = r.text().await.unwrap();
    let status: Value = app
        .client
        .get(app.url(&format!("/api/v1/certificates/{certificate}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"verdict\">Valid<"),
        "the verdict comes first"
    );
    assert!(page.contains(&certificate));
    assert_eq!(
        status["level"], "below_A1",
        "a session finished with no answer"
    );
    assert!(
        page.contains("<dd>Below A1</dd>"),
        "the level, in the page's language"
    );
    assert!(
        page.contains("<dd>Fail</dd>"),
        "the decision, in the page's language"
    );
    assert!(page.contains(&status["valid_until"].as_str().unwrap()[..10]));
    for private in ["full_name", "document_number"] {
        let value = outline["candidate"][private].as_str().unwrap();
        assert!(!page.contains(value), "the check page shows no {private}");
    }

    let admin = app.admin_token().await;
    let r = app
        .post(
            &format!("/api/v1/certificates/{certificate}/revoke"),
            &admin,
            json!({"reason": "a test"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = get(&app, &format!("/verify/{certificate}?lang=ru"), &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"verdict\">Отозван<"),
        "a revoked certificate says so"
    );

    for wrong in [uuid::Uuid::now_v7().to_string(), "not-an-id".to_owned()] {
        let r = get(&app, &format!("/verify/{wrong}?lang=en"), &[]).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{wrong}");
        assert_page_headers(&r);
        assert!(r.text().await.unwrap().contains("Certificate not found"));
    }
    let r = app
        .client
        .get(app.url(&format!("/verify?certificate_id=%20{certificate}%20")))
        .send()
        .await
        .unwrap();
    assert!(
        r.url().path().ends_with(&certificate),
        "the lookup form leads to the check page"
    );
}

#[tokio::test]
async fn the_qr_code_is_an_svg_of_the_check_address() {
    let app = spawn_app().await;
    let (certificate, _, _) = certified(&app).await;
    let r = get(&app, &format!("/verify/{certificate}/qr.svg"), &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    let svg = r.text().await.unwrap();
    assert!(svg.contains("<svg") && svg.contains("<path"));
    let elsewhere = get(
        &app,
        &format!("/verify/{certificate}/qr.svg"),
        &[("host", "test.synaq.kz")],
    )
    .await;
    assert_ne!(
        svg,
        elsewhere.text().await.unwrap(),
        "the code encodes the host the request came to"
    );
    let configured =
        crate::helpers::spawn_app_with(|s| s.public_url = "https://test.synaq.kz/".into()).await;
    let (certificate, _, _) = certified(&configured).await;
    let a = get(&configured, &format!("/verify/{certificate}/qr.svg"), &[])
        .await
        .text()
        .await
        .unwrap();
    let b = get(
        &configured,
        &format!("/verify/{certificate}/qr.svg"),
        &[("host", "elsewhere.example")],
    )
    .await
    .text()
    .await
    .unwrap();
    assert_eq!(
        a, b,
        "with public_url set, the request's host does not matter"
    );
    assert_eq!(
        get(
            &app,
            &format!("/verify/{}/qr.svg", uuid::Uuid::now_v7()),
            &[]
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_outline_is_the_candidates_own() {
    let app = spawn_app().await;
    let (token, s) = app.started_session().await;
    let id = s["id"].as_str().unwrap();
    let r = app
        .get(&format!("/sit/api/sessions/{id}/outline"), &token)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let outline: Value = r.json().await.unwrap();
    assert_eq!(outline["candidate"]["full_name"], "Айгүл Серікқызы");
    let sections: Vec<(&str, bool)> = outline["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap(), s["adaptive"].as_bool().unwrap()))
        .collect();
    assert_eq!(sections, [("listening", false), ("reading", false)]);
    let (other, _) = app.started_session().await;
    assert_problem(
        app.get(&format!("/sit/api/sessions/{id}/outline"), &other)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let r = app
        .client
        .get(app.url(&format!("/sit/api/sessions/{id}/outline")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

/// Runs the browser scenario against a fresh server. Needs Chromium, Playwright for Python, a QR
/// decoder and axe-core; without them it fails and says how to install them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_candidate_sits_the_test_in_a_real_browser() {
    let app = spawn_app().await;
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-screens");
    let args = [
        "--base",
        &app.address,
        "--admin-password",
        ADMIN_PASSWORD,
        "--out",
    ]
    .into_iter()
    .map(Into::into)
    .chain([out.into_os_string()])
    .collect();
    let stdout = run_browser_script("test_candidate.py", args).await;
    assert!(
        stdout.contains("the QR code decodes to the check address"),
        "{stdout}"
    );
}
