//! The proctors' pages: `/proctor` (the sittings), `/proctor/sittings/{id}` (a sitting's live roster
//! with every proctor action in a dialog), `/proctor/sessions/{id}` (a session's timeline) and
//! `/proctor/reviews` (the review queue of held results). Each is a frame its script fills from the API.

use super::{Area, Shell, filled_table, not_found, page_id, reason_dialog};
use crate::pages::Lang;
use crate::pages::text::get;
use crate::services::supervision::MAX_EXTEND_SECONDS;
use actix_web::{HttpRequest, HttpResponse, get, web};
use maud::{Markup, html};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(sittings)
        .service(roster)
        .service(timeline)
        .service(reviews);
}

/// The sittings table the proctors' and operators' lists share (`sittings.js` fills it).
pub(super) fn sittings_table(lang: Lang) -> Markup {
    filled_table(
        lang,
        "sittings",
        "staff.nav.sittings",
        &[
            "sitting.opens",
            "sitting.closes",
            "sitting.blueprint",
            "sitting.mode",
            "sitting.rules",
        ],
        "sitting.none",
    )
}

#[get("/proctor")]
async fn sittings(req: HttpRequest) -> HttpResponse {
    let shell = Shell {
        area: Area::Proctor,
        path: "/proctor",
        title: "proctor.sittings.title",
        script: "sittings.js",
        id: None,
    };
    shell.respond(&req, |lang| {
        let t = |key: &str| get(lang, key);
        html! {
            h1 { (t("proctor.sittings.title")) }
            p { (t("proctor.sittings.intro")) }
            (sittings_table(lang))
        }
    })
}

#[get("/proctor/sittings/{id}")]
async fn roster(req: HttpRequest, id: web::Path<String>) -> HttpResponse {
    let Some(id) = page_id(&id) else {
        return not_found(&req);
    };
    let path = format!("/proctor/sittings/{id}");
    let shell = Shell {
        area: Area::Proctor,
        path: &path,
        title: "roster.title",
        script: "roster.js",
        id: Some(&id),
    };
    shell.respond(&req, |lang| {
        let t = |key: &str| get(lang, key);
        html! {
            h1 { (t("roster.title")) }
            p #sitting-summary {}
            p.hint { (t("roster.live")) " " span #roster-updated {} }
            div #roster-announce .visually-hidden role="status" aria-live="polite" {}
            (filled_table(
                lang,
                "roster",
                "roster.title",
                &[
                    "roster.candidate",
                    "roster.status",
                    "roster.section",
                    "roster.time_left",
                    "roster.last_seen",
                    "roster.flags",
                    "roster.actions",
                ],
                "roster.none",
            ))
            (reason_dialog(lang, "action", html! {
                div.field #action-seconds-field hidden {
                    label for="action-seconds" { (t("field.seconds")) }
                    p.hint #action-seconds-hint { (t("action.seconds_hint").replace("{max}", &MAX_EXTEND_SECONDS.to_string())) }
                    input #action-seconds name="seconds" type="number" min="1" max=(MAX_EXTEND_SECONDS)
                        step="1" inputmode="numeric" aria-describedby="action-seconds-hint";
                }
                div.field #action-scope-field hidden {
                    label for="action-scope" { (t("field.scope")) }
                    select #action-scope name="scope" {
                        option value="section" { (t("scope.section")) }
                        option value="session" { (t("scope.session")) }
                    }
                }
            }))
        }
    })
}

#[get("/proctor/sessions/{id}")]
async fn timeline(req: HttpRequest, id: web::Path<String>) -> HttpResponse {
    let Some(id) = page_id(&id) else {
        return not_found(&req);
    };
    let path = format!("/proctor/sessions/{id}");
    let shell = Shell {
        area: Area::Proctor,
        path: &path,
        title: "timeline.title",
        script: "timeline.js",
        id: Some(&id),
    };
    shell.respond(&req, |lang| {
        let t = |key: &str| get(lang, key);
        html! {
            h1 { (t("timeline.title")) }
            p { (t("timeline.intro")) " " span.mono { (id) } }
            (filled_table(
                lang,
                "timeline",
                "timeline.title",
                &["timeline.at", "timeline.kind", "timeline.name", "timeline.detail"],
                "timeline.none",
            ))
        }
    })
}

#[get("/proctor/reviews")]
async fn reviews(req: HttpRequest) -> HttpResponse {
    let shell = Shell {
        area: Area::Proctor,
        path: "/proctor/reviews",
        title: "reviews.title",
        script: "reviews.js",
        id: None,
    };
    shell.respond(&req, |lang| {
        let t = |key: &str| get(lang, key);
        html! {
            h1 { (t("reviews.title")) }
            p { (t("reviews.intro")) }
            div.toolbar {
                div.field {
                    label for="review-state" { (t("reviews.state")) }
                    select #review-state {
                        option value="open" { (t("reviews.open")) }
                        option value="closed" { (t("reviews.closed")) }
                    }
                }
            }
            (filled_table(
                lang,
                "reviews",
                "reviews.title",
                &[
                    "roster.candidate",
                    "reviews.opened",
                    "roster.flags",
                    "reviews.decision",
                    "roster.actions",
                ],
                "reviews.none",
            ))
            (reason_dialog(lang, "decide", html! {
                div.check #decide-ban-field hidden {
                    input #decide-ban name="ban" type="checkbox";
                    label for="decide-ban" { (t("field.ban")) }
                }
            }))
        }
    })
}
