//! The authors' pages: the contract's controls on an item's page, and the authors' work in a real
//! browser (`tests/browser/test_author.py`, headless Chromium driven by Playwright): an item written by
//! one author, approved by another, put in operation and drawn on a form; a QTI package imported from
//! the page; blueprints with their feasibility and simulation pictures; a calibration run applied.

use std::path::PathBuf;

use crate::helpers::{ADMIN_PASSWORD, run_browser_script, spawn_app};
use crate::pages::get;
use crate::results::sit;

#[tokio::test]
async fn an_items_page_names_the_contracts_controls() {
    let app = spawn_app().await;
    let page = get(&app, "/author/items/rd-a1-city-transport-001?lang=en", &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(r#"<label for="lifecycle-comment">Comment</label>"#),
        "the lifecycle has a textbox Comment"
    );
    let script = get(&app, "/assets/author-item.js", &[])
        .await
        .text()
        .await
        .unwrap();
    for (to, name) in [
        ("review", "Send to review"),
        ("approved", "Approve"),
        ("pretest", "Pretest"),
        ("operational", "Operational"),
        ("retired", "Retire"),
    ] {
        assert!(script.contains(&format!("'{to}'")), "the page offers {to}");
        assert!(
            page.contains(&format!(r#""transition.{to}":"{name}""#)),
            "its button is named {name}"
        );
    }
}

/// Runs the authors' browser scenario against a fresh server with two author accounts and 24 finished
/// sessions to calibrate from. Needs what the candidate's scenario needs (Chromium, Playwright for
/// Python, axe-core); without them it fails and says how to install them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authors_work_in_a_real_browser() {
    let app = spawn_app().await;
    let writer = ("aliya", "a-long-writer-password");
    let reviewer = ("marat", "a-long-reviewer-password");
    for (name, password) in [writer, reviewer] {
        synaq::services::accounts::create_user(&app.state.writer, name, password, "author")
            .await
            .unwrap();
    }
    for i in 0..24 {
        sit(&app, 0.2 + 0.03 * f64::from(i)).await;
    }
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-screens/author");
    println!("screenshots in {}", out.display());
    let account = |(name, password): (&str, &str)| format!("{name}:{password}");
    let args = [
        "--base".into(),
        app.address.clone(),
        "--admin-password".into(),
        ADMIN_PASSWORD.into(),
        "--writer".into(),
        account(writer),
        "--reviewer".into(),
        account(reviewer),
    ]
    .into_iter()
    .map(Into::into)
    .chain(["--out".into(), out.into_os_string()])
    .collect();
    let stdout = run_browser_script("test_author.py", args).await;
    assert!(
        stdout.contains("an item went from a draft to a drawn form"),
        "{stdout}"
    );
}
