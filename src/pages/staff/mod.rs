//! The staff's pages: `/staff` (signing in, then each role's home screen), the operators' `/operator…`,
//! the proctors' `/proctor…` and the authors' `/author…` (the item bank, QTI, blueprints, calibration).
//!
//! Every staff page is served to anyone: it is HTML and a script. Every datum on it comes from the JSON
//! API, called with the person's own token, so the API's role checks protect the data; a page that gets
//! `401` or `403` says so in its language and offers to sign in. The token is kept in `sessionStorage`
//! and sent only as an `Authorization` header (`assets/staff.js`). Staff tokens are short-lived: when
//! one expires the page asks for the password again in a dialog over the page, so nothing typed is lost,
//! and the forms of the page are also kept in `sessionStorage` for a person who signs in elsewhere.

mod author;
mod operator;
mod proctor;
mod signin;
mod text;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use maud::{Markup, html};

use super::layout::{Frame, render};
use super::text::get;
use super::{Lang, lang::Chosen, respond};

pub(super) use text::TEXTS;

/// Registers the staff's pages.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    signin::configure(cfg);
    proctor::configure(cfg);
    operator::configure(cfg);
    author::configure(cfg);
}

/// The part of the staff's work a page belongs to; it chooses the links of the staff bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Operator,
    Proctor,
    Author,
}

impl Area {
    fn tag(self) -> &'static str {
        match self {
            Area::Operator => "operator",
            Area::Proctor => "proctor",
            Area::Author => "author",
        }
    }
}

/// The staff bar's links: `(area, address, text key)`.
const LINKS: &[(Area, &str, &str)] = &[
    (Area::Operator, "/operator", "staff.nav.candidates"),
    (Area::Operator, "/operator/sittings", "staff.nav.sittings"),
    (Area::Proctor, "/proctor", "staff.nav.supervision"),
    (Area::Proctor, "/proctor/reviews", "staff.nav.reviews"),
    (Area::Author, "/author", "staff.nav.items"),
    (Area::Author, "/author/qti", "staff.nav.qti"),
    (Area::Author, "/author/blueprints", "staff.nav.blueprints"),
    (Area::Author, "/author/calibration", "staff.nav.calibration"),
];

/// A staff page: where it belongs, its address, its title and its script.
pub struct Shell<'a> {
    pub area: Area,
    /// The page's own address: the language switch comes back to it, and the bar marks the link that
    /// leads to it.
    pub path: &'a str,
    /// The key of the page's title (also its `h1`).
    pub title: &'a str,
    /// The page's own module script; it imports `staff.js`.
    pub script: &'a str,
    /// The id of what the page shows (a sitting, a session, a candidate), for its script.
    pub id: Option<&'a str>,
}

impl Shell<'_> {
    /// The page: the staff bar, a message box for sign-in problems, `main`, and the renewal dialog.
    pub fn respond(&self, req: &HttpRequest, main: impl FnOnce(Lang) -> Markup) -> HttpResponse {
        let chosen = Chosen::of(req);
        let lang = chosen.lang;
        let t = |key: &str| get(lang, key);
        let body = html! {
            (bar(lang, self.area, self.path))
            noscript { p.message.error { (t("site.noscript")) } }
            div #staff-message .message role="alert" {}
            (main(lang))
            (renewal_dialog(lang))
        };
        let frame = Frame {
            lang,
            path: self.path,
            title: t(self.title),
            scripts: &[self.script],
            data: Some(page_data(lang, Some(self.area), self.id)),
        };
        respond(StatusCode::OK, &chosen, render(frame, body))
    }
}

/// The id in a page's address (`/proctor/sittings/{id}`, …), when it is one; else the address names
/// nothing and answers [`not_found`].
fn page_id(raw: &str) -> Option<String> {
    uuid::Uuid::parse_str(raw).ok().map(|id| id.to_string())
}

/// The `404` page of a staff address that names nothing.
fn not_found(req: &HttpRequest) -> HttpResponse {
    let chosen = Chosen::of(req);
    let lang = chosen.lang;
    let t = |key: &str| get(lang, key);
    let main = html! {
        h1 { (t("page.not_found")) }
        p { a href="/staff" { (t("staff.nav.home")) } }
    };
    let frame = Frame {
        lang,
        path: req.path(),
        title: t("page.not_found"),
        scripts: &[],
        data: None,
    };
    respond(StatusCode::NOT_FOUND, &chosen, render(frame, main))
}

/// What the staff's scripts read from the page: its language, every text, its area and the id it shows.
fn page_data(lang: Lang, area: Option<Area>, id: Option<&str>) -> serde_json::Value {
    serde_json::json!({
        "lang": lang.tag(),
        "texts": super::text::json(lang),
        "area": area.map(Area::tag),
        "id": id,
    })
}

/// The links of the page's area, who is signed in, and the sign-out button.
fn bar(lang: Lang, area: Area, path: &str) -> Markup {
    let t = |key: &str| get(lang, key);
    html! {
        div.staff-bar {
            nav aria-label=(t("staff.nav")) {
                ul {
                    li { a href="/staff" { (t("staff.nav.home")) } }
                    @for (_, href, key) in LINKS.iter().filter(|l| l.0 == area) {
                        li { a href=(href) aria-current=[(*href == path).then_some("page")] { (t(key)) } }
                    }
                }
            }
            div.who {
                span #staff-who {}
                button #sign-out type="button" { (t("staff.sign_out")) }
            }
        }
    }
}

/// A labelled field with a hint; `input` is the control, whose id is `id`.
pub(super) fn field(
    lang: Lang,
    id: &str,
    label: &str,
    hint: Option<&str>,
    input: Markup,
) -> Markup {
    let t = |key: &str| get(lang, key);
    html! {
        div.field {
            label for=(id) { (t(label)) }
            @if let Some(hint) = hint {
                p.hint id={ (id) "-hint" } { (t(hint)) }
            }
            (input)
        }
    }
}

/// The username and password fields; `prefix` keeps their ids apart from the page's own.
fn credentials(lang: Lang, prefix: &str) -> Markup {
    let t = |key: &str| get(lang, key);
    let (user, password) = (format!("{prefix}-username"), format!("{prefix}-password"));
    html! {
        div.field {
            label for=(user) { (t("field.username")) }
            input id=(user) name="username" type="text" required autocomplete="username"
                autocapitalize="none" spellcheck="false";
        }
        div.field {
            label for=(password) { (t("field.password")) }
            input id=(password) name="password" type="password" required autocomplete="current-password";
        }
    }
}

/// The dialog that renews an expired sign-in over the page, keeping whatever was typed in it.
fn renewal_dialog(lang: Lang) -> Markup {
    let t = |key: &str| get(lang, key);
    html! {
        dialog #renew aria-labelledby="renew-heading" aria-describedby="renew-text" {
            form #renew-form novalidate {
                h2 #renew-heading { (t("staff.renew.heading")) }
                p #renew-text { (t("staff.renew.text")) }
                div #renew-message .message role="alert" {}
                (credentials(lang, "renew"))
                div.controls {
                    button.primary type="submit" { (t("button.sign_in")) }
                    a #renew-elsewhere href="/staff" { (t("staff.renew.elsewhere")) }
                }
            }
        }
    }
}

/// A dialog that asks for the reason of an action (a textbox "Reason", and `extra` fields) and sends it
/// with "Confirm". Its parts are named `{id}-heading`, `{id}-message`, `{id}-reason` and `{id}-form`;
/// `staff.js`'s `ask` runs it.
fn reason_dialog(lang: Lang, id: &str, extra: Markup) -> Markup {
    let t = |key: &str| get(lang, key);
    let part = |name: &str| format!("{id}-{name}");
    html! {
        dialog id=(id) aria-labelledby=(part("heading")) {
            form id=(part("form")) novalidate {
                h2 id=(part("heading")) {}
                div id=(part("message")) .message role="alert" {}
                div.field {
                    label for=(part("reason")) { (t("field.reason")) }
                    textarea id=(part("reason")) name="reason" required maxlength="1000" rows="3" {}
                }
                (extra)
                div.controls {
                    button.primary type="submit" { (t("button.confirm")) }
                    button type="button" value="cancel" { (t("button.cancel")) }
                }
            }
        }
    }
}

/// A table that the page's script fills: its caption for screen readers, the column heads (text keys), an
/// empty body, and the line shown while it has no row (`{id}-empty`, text key `empty`).
fn filled_table(lang: Lang, id: &str, caption: &str, columns: &[&str], empty: &str) -> Markup {
    let t = |key: &str| get(lang, key);
    html! {
        div.table-wrap {
            table.data id=(id) {
                caption.visually-hidden { (t(caption)) }
                thead { tr {
                    @for column in columns { th scope="col" { (t(column)) } }
                } }
                tbody {}
            }
        }
        p id={ (id) "-empty" } hidden { (t(empty)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_link_of_the_bar_has_its_text_in_every_language() {
        for (_, _, key) in LINKS {
            for lang in Lang::ALL {
                assert!(!get(lang, key).starts_with('⟦'), "{key} in {lang:?}");
            }
        }
    }

    #[test]
    fn the_bar_shows_its_area_and_marks_the_current_page() {
        let markup = bar(Lang::En, Area::Proctor, "/proctor/reviews").into_string();
        assert!(
            markup.contains(r#"<a href="/proctor/reviews" aria-current="page">Review queue</a>"#)
        );
        assert!(markup.contains(r#"<a href="/proctor">Sittings</a>"#));
        assert!(!markup.contains("/operator"), "only the proctor's links");
    }
}
