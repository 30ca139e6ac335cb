//! The staff's pages: served to anyone with the pages' security headers, in the chosen language, with
//! the accessible names of the contract.

use reqwest::StatusCode;

use crate::helpers::spawn_app;
use crate::pages::{assert_page_headers, get};

/// Every staff page, with an id where the address takes one.
const PAGES: &[&str] = &["/staff", "/author"];

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
