//! `/author`: the authors' home. For now it links to what authors work with; the item bank's pages
//! replace it.

use actix_web::{HttpRequest, HttpResponse, get, web};
use maud::html;

use super::{Area, Shell};
use crate::pages::text::get;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(author);
}

#[get("/author")]
async fn author(req: HttpRequest) -> HttpResponse {
    let shell = Shell {
        area: Area::Author,
        path: "/author",
        title: "staff.home.author",
        script: "staff.js",
        id: None,
    };
    shell.respond(&req, |lang| {
        let t = |key: &str| get(lang, key);
        html! {
            h1 { (t("staff.home.author")) }
            p { (t("staff.author.intro")) }
            ul.links {
                li { a href="/api/openapi.json" { (t("home.api")) } }
            }
        }
    })
}
