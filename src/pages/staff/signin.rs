//! `/staff`: staff sign in with a username and password; `staff-signin.js` then sends operators to
//! `/operator`, proctors to `/proctor`, authors to `/author` (or back to the page that sent them here,
//! `?next=`), and shows an admin the links to all three. A person already signed in sees their links
//! and the sign-out button.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use maud::html;

use super::{credentials, page_data};
use crate::pages::layout::{Frame, render};
use crate::pages::text::get;
use crate::pages::{lang::Chosen, respond};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(staff);
}

/// The role homes an admin is offered: `(address, title key, description key)`.
const HOMES: &[(&str, &str, &str)] = &[
    (
        "/operator",
        "staff.home.operator",
        "staff.home.operator_text",
    ),
    ("/proctor", "staff.home.proctor", "staff.home.proctor_text"),
    ("/author", "staff.home.author", "staff.home.author_text"),
];

#[get("/staff")]
async fn staff(req: HttpRequest) -> HttpResponse {
    let chosen = Chosen::of(&req);
    let lang = chosen.lang;
    let t = |key: &str| get(lang, key);
    let main = html! {
        noscript { p.message.error { (t("site.noscript")) } }
        section #screen-signin .screen aria-labelledby="signin-heading" {
            h1 #signin-heading { (t("staff.signin.heading")) }
            p { (t("staff.signin.intro")) }
            div #signin-message .message role="alert" {}
            form #signin-form novalidate {
                (credentials(lang, "signin"))
                button.primary type="submit" { (t("button.sign_in")) }
            }
        }
        section #screen-home .screen aria-labelledby="home-heading" hidden {
            h1 #home-heading { (t("staff.home.heading")) }
            p #home-who {}
            ul.cards {
                @for (href, title, text) in HOMES {
                    li.card data-home=(href) hidden {
                        h2 { a href=(href) { (t(title)) } }
                        p { (t(text)) }
                    }
                }
            }
            button #sign-out type="button" { (t("staff.sign_out")) }
        }
    };
    let frame = Frame {
        lang,
        path: "/staff",
        title: t("staff.signin.title"),
        scripts: &["staff-signin.js"],
        data: Some(page_data(lang, None, None)),
    };
    respond(StatusCode::OK, &chosen, render(frame, main))
}
