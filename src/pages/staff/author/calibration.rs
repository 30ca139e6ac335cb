//! `/author/calibration` (the runs, newest first, and starting one) and `/author/calibration/{id}` (one
//! run: its estimates, the before-and-after picture, and applying it).

use actix_web::{HttpRequest, HttpResponse, get, web};
use maud::html;

use super::super::{Area, Shell, field, filled_table, not_found, page_id};
use super::picture;
use crate::pages::text::get;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(runs).service(run);
}

#[get("/author/calibration")]
async fn runs(req: HttpRequest) -> HttpResponse {
    let shell = Shell {
        area: Area::Author,
        path: "/author/calibration",
        title: "author.runs.title",
        script: "author-runs.js",
        id: None,
    };
    shell.respond(&req, |lang| {
        let t = |key: &str| get(lang, key);
        html! {
            h1 { (t("author.runs.title")) }
            section.panel aria-labelledby="new-run-heading" {
                h2 #new-run-heading { (t("author.runs.new")) }
                p { (t("author.runs.intro")) }
                div #run-message .message role="alert" {}
                form.toolbar #run-form novalidate {
                    (field(lang, "run-model", "author.run.model", None, html! {
                        select #run-model name="model" {
                            option value="2pl" { "2PL" }
                            option value="rasch" { "Rasch" }
                            option value="1pl" { "1PL" }
                            option value="3pl" { "3PL" }
                        }
                    }))
                    (field(lang, "run-min", "author.run.min_responses", Some("author.run.min_responses_hint"), html! {
                        input #run-min name="min_responses" type="number" min="1" max="100000" step="1"
                            value="200" inputmode="numeric" required aria-describedby="run-min-hint";
                    }))
                    button.primary type="submit" { (t("author.runs.start")) }
                }
            }
            (filled_table(lang, "runs", "author.runs.title", &["author.field.created", "author.run.model",
                "author.run.persons", "author.run.items", "author.run.converged", "author.run.applied"],
                "author.runs.none"))
        }
    })
}

#[get("/author/calibration/{id}")]
async fn run(req: HttpRequest, id: web::Path<String>) -> HttpResponse {
    let Some(id) = page_id(&id) else {
        return not_found(&req);
    };
    let path = format!("/author/calibration/{id}");
    let shell = Shell {
        area: Area::Author,
        path: &path,
        title: "author.run.title",
        script: "author-run.js",
        id: Some(&id),
    };
    shell.respond(&req, |lang| {
        let t = |key: &str| get(lang, key);
        html! {
            h1 { (t("author.run.title")) }
            p #run-summary {}
            div #apply-message .message role="alert" {}
            p.controls { button #apply .primary type="button" hidden { (t("author.run.apply")) } }
            (picture(lang, "run-picture", "author.run.caption"))
            h2 { (t("author.run.estimates")) }
            (filled_table(lang, "estimates", "author.run.estimates", &["author.field.id", "author.field.version",
                "author.run.n", "author.run.before", "author.run.after", "author.run.anchor"], "author.none"))
            p { button #estimates-more type="button" hidden {} }
        }
    })
}
