//! The staff's pages: served to anyone with the pages' security headers, in the chosen language, with
//! the accessible names of the contract; and the operators' and proctors' work in a real browser
//! (`tests/browser/test_staff.py`, headless Chromium driven by Playwright).

use std::path::PathBuf;

use reqwest::StatusCode;

use crate::helpers::{ADMIN_PASSWORD, run_browser_script, spawn_app};
use crate::pages::{assert_page_headers, get};

/// Every staff page, with an id where the address takes one.
const PAGES: &[&str] = &[
    "/staff",
    "/author",
    "/author/items/new",
    "/author/items/rd-a1-city-transport-001",
    "/author/qti",
    "/author/blueprints",
    "/author/blueprints/kaztest-a1-preselection",
    "/author/calibration",
    "/author/calibration/0190a3f0-0000-7000-8000-000000000000",
    "/operator",
    "/operator/candidates/0190a3f0-0000-7000-8000-000000000000",
    "/operator/sittings",
    "/operator/sittings/0190a3f0-0000-7000-8000-000000000000",
    "/proctor",
    "/proctor/sittings/0190a3f0-0000-7000-8000-000000000000",
    "/proctor/sessions/0190a3f0-0000-7000-8000-000000000000",
    "/proctor/reviews",
];

#[tokio::test]
async fn staff_pages_are_served_to_anyone_in_the_chosen_language() {
    let app = spawn_app().await;
    for path in PAGES {
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
    let signin = get(&app, "/staff?lang=en", &[]).await.text().await.unwrap();
    for name in [
        r#"<label for="signin-username">Username</label>"#,
        r#"<label for="signin-password">Password</label>"#,
        r#"<button class="primary" type="submit">Sign in</button>"#,
        r#"type="password""#,
    ] {
        assert!(signin.contains(name), "the sign-in page has {name}");
    }
    let page = get(&app, "/author?lang=ru", &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<dialog id=\"renew\"") && page.contains("Войдите снова"),
        "an area page carries the renewal dialog, in its language"
    );
    assert!(
        page.contains("Выйти"),
        "and the sign-out button of the staff bar"
    );
}

#[tokio::test]
async fn the_roster_names_the_contracts_controls() {
    let app = spawn_app().await;
    let page = get(
        &app,
        "/proctor/sittings/0190a3f0-0000-7000-8000-000000000000?lang=en",
        &[],
    )
    .await
    .text()
    .await
    .unwrap();
    for name in [
        r#"<label for="action-reason">Reason</label>"#,
        r#"<label for="action-seconds">Seconds</label>"#,
        r#"<button class="primary" type="submit">Confirm</button>"#,
    ] {
        assert!(page.contains(name), "the action dialog has {name}");
    }
    let script = get(&app, "/assets/roster.js", &[])
        .await
        .text()
        .await
        .unwrap();
    let texts = get(&app, "/proctor?lang=en", &[])
        .await
        .text()
        .await
        .unwrap();
    for action in [
        "authorize",
        "pause",
        "resume",
        "extend",
        "terminate",
        "report",
    ] {
        assert!(
            script.contains(&format!("'{action}'")),
            "the roster offers {action}"
        );
        let name = format!("{}{}", action[..1].to_uppercase(), &action[1..]);
        assert!(
            texts.contains(&format!(r#""action.{action}":"{name}""#)),
            "its button is named {name}"
        );
    }
}

#[tokio::test]
async fn an_address_without_an_id_is_a_404_page() {
    let app = spawn_app().await;
    for path in [
        "/proctor/sittings/nothing",
        "/proctor/sessions/1",
        "/operator/sittings/x",
        "/operator/candidates/%20",
        "/author/items/Not-An-Id",
        "/author/blueprints/a%20b",
        "/author/calibration/x",
    ] {
        let r = get(&app, &format!("{path}?lang=en"), &[]).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        assert_page_headers(&r);
        assert!(r.text().await.unwrap().contains("Page not found"), "{path}");
    }
}

/// Runs the operators' and proctors' browser scenario against a fresh server with an operator and a
/// proctor account. Needs what the candidate's scenario needs (Chromium, Playwright for Python,
/// axe-core); without them it fails and says how to install them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operators_and_proctors_work_in_a_real_browser() {
    let app = spawn_app().await;
    let operator = ("aigerim", "a-long-operator-password");
    let proctor = ("dana", "a-long-proctor-password");
    for ((name, password), role) in [(operator, "operator"), (proctor, "proctor")] {
        synaq::services::accounts::create_user(&app.state.writer, name, password, role)
            .await
            .unwrap();
    }
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .join("screenshots/staff");
    println!("screenshots in {}", out.display());
    let account = |(name, password): (&str, &str)| format!("{name}:{password}");
    let args = [
        "--base".into(),
        app.address.clone(),
        "--admin-password".into(),
        ADMIN_PASSWORD.into(),
        "--operator".into(),
        account(operator),
        "--proctor".into(),
        account(proctor),
    ]
    .into_iter()
    .map(Into::into)
    .chain(["--out".into(), out.into_os_string()])
    .collect();
    let stdout = run_browser_script("test_staff.py", args).await;
    assert!(
        stdout.contains("every change came without a reload"),
        "{stdout}"
    );
}
