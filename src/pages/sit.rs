//! `/sit`: the candidate signs in, checks the sound, starts, answers one item at a time, reviews and
//! submits each section, and sees the result. `/sit/certificate`: the printable certificate with its QR
//! code. Both are frames rendered here in the page's language; `sit.js` and `certificate.js` fill them
//! from the candidate API with the token kept in `sessionStorage`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use maud::{Markup, html};

use super::layout::{Frame, render};
use super::text::{self, get};
use super::{Lang, lang::Chosen, qr, respond};
use crate::services::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(sit).service(certificate);
}

/// What the scripts read from the page: its texts, the longest typed answer the API takes, and the base
/// of certificate check addresses.
fn page_data(lang: Lang, state: &AppState, req: &HttpRequest) -> serde_json::Value {
    serde_json::json!({
        "lang": lang.tag(),
        "texts": text::json(lang),
        "max_text_chars": item_bank::grading::MAX_TEXT_CHARS,
        "public_base": qr::public_base(&state.settings.public_url, req),
    })
}

#[get("/sit")]
async fn sit(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let chosen = Chosen::of(&req);
    let lang = chosen.lang;
    let frame = Frame {
        lang,
        path: "/sit",
        title: get(lang, "sit.title"),
        scripts: &["sit.js"],
        data: Some(page_data(lang, &state, &req)),
    };
    respond(StatusCode::OK, &chosen, render(frame, sit_screens(lang)))
}

#[get("/sit/certificate")]
async fn certificate(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let chosen = Chosen::of(&req);
    let lang = chosen.lang;
    let frame = Frame {
        lang,
        path: "/sit/certificate",
        title: get(lang, "cert.title"),
        scripts: &["certificate.js"],
        data: Some(page_data(lang, &state, &req)),
    };
    respond(
        StatusCode::OK,
        &chosen,
        render(frame, certificate_frame(lang)),
    )
}

/// A labelled text field with a hint.
fn field(lang: Lang, id: &str, label: &str, hint: &str) -> Markup {
    let hint_id = format!("{id}-hint");
    html! {
        div.field {
            label for=(id) { (get(lang, label)) }
            p.hint id=(hint_id) { (get(lang, hint)) }
            input id=(id) name=(id) type="text" required autocomplete="off" autocapitalize="characters"
                spellcheck="false" aria-describedby=(hint_id);
        }
    }
}

/// The table of section scores that the script fills (the result screen and the certificate).
fn scores_table(lang: Lang, id: &str) -> Markup {
    let t = |key: &str| get(lang, key);
    html! {
        table id=(id) {
            caption.visually-hidden { (t("result.heading")) }
            thead { tr {
                th scope="col" { (t("result.section")) }
                th scope="col" { (t("result.score")) }
                th scope="col" { (t("result.percent")) }
                th scope="col" { (t("result.section_result")) }
            } }
            tbody {}
        }
    }
}

fn sit_screens(lang: Lang) -> Markup {
    let t = |key: &str| get(lang, key);
    html! {
        noscript { p.message.error { (t("site.noscript")) } }
        section #screen-signin .screen aria-labelledby="signin-heading" {
            h1 #signin-heading { (t("signin.heading")) }
            p { (t("signin.intro")) }
            div #signin-message .message role="alert" {}
            form #signin-form novalidate {
                (field(lang, "registration-id", "field.registration_id", "field.registration_id_hint"))
                (field(lang, "access-code", "field.access_code", "field.access_code_hint"))
                button.primary type="submit" { (t("button.sign_in")) }
            }
        }
        section #screen-prepare .screen aria-labelledby="prepare-heading" hidden {
            h1 #prepare-heading { (t("prepare.heading")) }
            ul.rules {
                @for rule in ["sections", "clock", "saving", "listening", "submit", "language"] {
                    li { (t(&format!("prepare.rule_{rule}"))) }
                }
            }
            div.panels {
                section.panel aria-labelledby="sound-heading" {
                    h2 #sound-heading { (t("sound.heading")) }
                    p { (t("sound.intro")) }
                    button #sound-check type="button" { (t("button.sound_check")) }
                    p #sound-status .hint role="status" {}
                }
                section.panel aria-labelledby="fullscreen-heading" {
                    h2 #fullscreen-heading { (t("fullscreen.heading")) }
                    p { (t("fullscreen.intro")) }
                    button #fullscreen type="button" { (t("button.fullscreen")) }
                    p #fullscreen-status .hint role="status" {}
                }
            }
            p { (t("start.note")) }
            div #prepare-message .message role="alert" {}
            button #start .primary .big type="button" { (t("button.start")) }
        }
        section #screen-runner .screen aria-labelledby="section-title" hidden {
            div.bar {
                h1 #section-title {}
                div.clock {
                    span #timer-label { (t("timer.label")) }
                    span #timer role="timer" aria-labelledby="timer-label" { "--:--" }
                }
                p #save-state .save role="status" { (t("save.idle")) }
            }
            div #timer-alert .message .warning role="alert" {}
            div #runner-message .message role="alert" {}
            div #items-panel {
                div.runner {
                    article #item aria-labelledby="item-counter" {}
                    nav #navigator aria-label=(t("nav.label")) {
                        h2.small { (t("nav.label")) }
                        ol #navigator-list {}
                        p #adaptive-note .hint hidden { (t("adaptive.note")) }
                        ul.legend aria-hidden="true" {
                            li { span.swatch.answered {} (t("nav.answered")) }
                            li { span.swatch.flagged {} (t("nav.flagged")) }
                            li { span.swatch.current {} (t("nav.current")) }
                        }
                    }
                }
                div.controls {
                    button #previous type="button" { (t("button.previous")) }
                    button #flag type="button" aria-pressed="false" { (t("button.flag")) }
                    button #next .primary type="button" { (t("button.next")) }
                    button #review type="button" { (t("button.review")) }
                }
            }
            section #review-panel aria-labelledby="review-heading" hidden {
                h2 #review-heading tabindex="-1" { (t("review.heading")) }
                h3 { (t("review.unanswered")) }
                ul #review-unanswered .jump {}
                h3 { (t("review.flagged")) }
                ul #review-flagged .jump {}
                div #review-message .message role="alert" {}
                p #review-warning { (t("review.warning")) }
                div.controls {
                    button #back type="button" { (t("button.back")) }
                    button #submit-section .primary type="button" { (t("button.submit_section")) }
                    button #finish .primary type="button" { (t("button.finish")) }
                }
            }
        }
        section #screen-wait .screen aria-labelledby="wait-heading" hidden {
            h1 #wait-heading { (t("state.wait")) }
            p #wait-text role="status" {}
        }
        section #screen-result .screen aria-labelledby="result-heading" hidden {
            h1 #result-heading { (t("result.heading")) }
            p #result-status role="status" { (t("result.preparing")) }
            div #result-body hidden {
                dl.facts {
                    dt { (t("result.level")) } dd #result-level {}
                    dt { (t("result.decision")) } dd #result-decision {}
                }
                (scores_table(lang, "result-sections"))
                p #result-certificate {}
            }
        }
    }
}

fn certificate_frame(lang: Lang) -> Markup {
    let t = |key: &str| get(lang, key);
    html! {
        noscript { p.message.error { (t("site.noscript")) } }
        section #cert-missing hidden {
            p { (t("cert.sign_in")) }
            p { a href="/sit" { (t("sit.title")) } }
        }
        div #cert-message .message role="alert" {}
        article #certificate .certificate aria-labelledby="cert-heading" hidden {
            h1 #cert-heading { (t("cert.title")) }
            p #cert-test .test lang="kk" {}
            dl.facts {
                dt { (t("cert.holder")) } dd #cert-holder {}
                dt { (t("cert.document")) } dd #cert-document {}
                dt { (t("cert.number")) } dd #cert-number .mono {}
                dt { (t("result.level")) } dd #cert-level {}
                dt { (t("result.decision")) } dd #cert-decision {}
                dt { (t("cert.issued")) } dd #cert-issued {}
                dt { (t("cert.valid_until")) } dd #cert-valid-until {}
            }
            (scores_table(lang, "cert-sections"))
            figure.qr {
                img #cert-qr alt=(t("cert.qr")) width="160" height="160";
                figcaption { (t("cert.check")) " " span #cert-url .mono {} }
            }
        }
        p.no-print.controls {
            button #print type="button" hidden { (t("button.print")) }
            a href="/sit" { (t("cert.back")) }
        }
    }
}
