//! `/author/blueprints` (every blueprint's latest version) and `/author/blueprints/{id}` (its sections,
//! the feasibility report against the live bank, the simulation picture, and saving its next version).

use actix_web::{HttpRequest, HttpResponse, get, web};
use maud::html;

use super::super::{Area, Shell, filled_table, not_found};
use super::{bank_id, picture};
use crate::pages::text::get;
use crate::services::authoring::blueprints::{DEFAULT_SIMULATED_FORMS, MAX_SIMULATED_FORMS};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(blueprints).service(blueprint);
}

#[get("/author/blueprints")]
async fn blueprints(req: HttpRequest) -> HttpResponse {
    let shell = Shell {
        area: Area::Author,
        path: "/author/blueprints",
        title: "author.blueprints.title",
        script: "author-blueprints.js",
        id: None,
    };
    shell.respond(&req, |lang| {
        let t = |key: &str| get(lang, key);
        html! {
            h1 { (t("author.blueprints.title")) }
            (filled_table(lang, "blueprints", "author.blueprints.title", &["author.field.id", "author.field.version",
                "author.field.title", "author.blueprint.sections"], "author.blueprints.none"))
        }
    })
}

#[get("/author/blueprints/{id}")]
async fn blueprint(req: HttpRequest, id: web::Path<String>) -> HttpResponse {
    let Some(id) = bank_id(&id) else {
        return not_found(&req);
    };
    let path = format!("/author/blueprints/{id}");
    let shell = Shell {
        area: Area::Author,
        path: &path,
        title: "author.blueprint.title",
        script: "author-blueprint.js",
        id: Some(&id),
    };
    shell.respond(&req, |lang| {
        let t = |key: &str| get(lang, key);
        html! {
            h1 { (t("author.blueprint.title")) " " span.mono { (id) } }
            p #blueprint-summary {}
            section aria-labelledby="feasibility-heading" {
                h2 #feasibility-heading { (t("author.feasibility")) }
                div #feasibility-verdict .message role="status" {}
                ul #feasibility-problems {}
                (filled_table(lang, "supply", "author.feasibility", &["author.blueprint.section",
                    "author.blueprint.needs", "author.blueprint.pretest_needs", "author.blueprint.operational",
                    "author.blueprint.pretest"], "author.none"))
            }
            section.panel aria-labelledby="simulation-heading" {
                h2 #simulation-heading { (t("author.simulation")) }
                p { (t("author.simulation.intro")) }
                div #simulation-message .message role="alert" {}
                form.toolbar #simulation-form novalidate {
                    div.field {
                        label for="simulation-forms" { (t("author.simulation.forms")) }
                        p.hint #simulation-forms-hint {
                            (t("author.simulation.forms_hint").replace("{max}", &MAX_SIMULATED_FORMS.to_string()))
                        }
                        input #simulation-forms name="forms" type="number" min="1" max=(MAX_SIMULATED_FORMS)
                            step="1" value=(DEFAULT_SIMULATED_FORMS) inputmode="numeric" required
                            aria-describedby="simulation-forms-hint";
                    }
                    button.primary type="submit" { (t("author.simulation.run")) }
                }
                p #simulation-status .hint role="status" {}
                (picture(lang, "simulation", "author.simulation.caption"))
            }
            section.panel aria-labelledby="edit-heading" {
                h2 #edit-heading { (t("author.blueprint.edit")) }
                div #edit-message .message role="alert" {}
                form #edit-form novalidate {
                    div.field {
                        label for="edit-json" { (t("author.blueprint.json")) }
                        p.hint #edit-json-hint { (t("author.blueprint.json_hint")) }
                        textarea #edit-json .mono name="blueprint" rows="16" required spellcheck="false"
                            maxlength="65536" aria-describedby="edit-json-hint" {}
                    }
                    button.primary type="submit" { (t("author.blueprint.save")) }
                }
            }
        }
    })
}
