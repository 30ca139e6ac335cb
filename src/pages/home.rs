//! `/`: where each kind of visitor goes.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use maud::html;

use super::layout::{Frame, render};
use super::text::get;
use super::{lang::Chosen, respond};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(home);
}

#[get("/")]
async fn home(req: HttpRequest) -> HttpResponse {
    let chosen = Chosen::of(&req);
    let lang = chosen.lang;
    let t = |key: &str| get(lang, key);
    let main = html! {
        h1 { (t("home.title")) }
        p.lead { (t("home.intro")) }
        ul.cards {
            li.card {
                h2 { a href="/sit" { (t("home.sit")) } }
                p { (t("home.sit_text")) }
            }
            li.card {
                h2 { a href="/verify" { (t("home.verify")) } }
                p { (t("home.verify_text")) }
                (super::verify::lookup_form(lang))
            }
        }
        h2 { (t("home.staff")) }
        ul.links {
            li { a href="/staff" { (t("staff.signin.title")) } }
            li { a href="/operator" { (t("staff.home.operator")) } }
            li { a href="/proctor" { (t("home.proctor")) } }
            li { a href="/author" { (t("home.author")) } }
            li { a href="/api/docs" { (t("home.api")) } }
        }
    };
    let frame = Frame {
        lang,
        path: "/",
        title: t("home.title"),
        scripts: &[],
        data: None,
    };
    respond(StatusCode::OK, &chosen, render(frame, main))
}
