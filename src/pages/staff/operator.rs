//! The operators' pages: `/operator` (finding and registering candidates), `/operator/candidates/{id}`
//! (correcting one), `/operator/sittings` (creating sittings with their window, mode and access rules;
//! the list) and `/operator/sittings/{id}` (registering candidates to a sitting, each with a printable
//! access-code slip, and the sitting's registrations and results). Each is a frame its script fills
//! from the API.

use actix_web::{HttpRequest, HttpResponse, get, web};
use maud::{Markup, html};

use super::proctor::sittings_table;
use super::{Area, Shell, field, filled_table, not_found, page_id};
use crate::pages::text::get;
use crate::pages::{Lang, qr};
use crate::services::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(candidates)
        .service(candidate)
        .service(sittings)
        .service(sitting);
}

/// The fields of a candidate, for creating one and for correcting one; `prefix` keeps the ids apart.
fn candidate_fields(lang: Lang, prefix: &str) -> Markup {
    let id = |name: &str| format!("{prefix}-{name}");
    html! {
        div.form-grid {
            (field(lang, &id("full-name"), "field.full_name", Some("field.full_name_hint"), html! {
                input id=(id("full-name")) name="full_name" type="text" required maxlength="200"
                    autocomplete="off" aria-describedby=(id("full-name-hint"));
            }))
            (field(lang, &id("document"), "field.document_number", Some("field.document_number_hint"), html! {
                input id=(id("document")) name="document_number" type="text" required maxlength="40"
                    autocomplete="off" spellcheck="false" autocapitalize="characters"
                    aria-describedby=(id("document-hint"));
            }))
            (field(lang, &id("birth-date"), "field.birth_date", None, html! {
                input id=(id("birth-date")) name="birth_date" type="date";
            }))
            (field(lang, &id("citizenship"), "field.citizenship", Some("field.citizenship_hint"), html! {
                input id=(id("citizenship")) name="citizenship" type="text" maxlength="3"
                    autocomplete="off" spellcheck="false" autocapitalize="characters"
                    aria-describedby=(id("citizenship-hint"));
            }))
        }
    }
}

/// The candidates table (`candidates.js` fills it); `register` adds a column of Register buttons.
fn candidates_table(lang: Lang, id: &str, register: bool) -> Markup {
    let mut columns = vec![
        "field.full_name",
        "field.document_number",
        "field.birth_date",
        "field.citizenship",
    ];
    if register {
        columns.push("roster.actions");
    }
    filled_table(
        lang,
        id,
        "staff.nav.candidates",
        &columns,
        "candidates.none",
    )
}

/// The search form over candidates.
fn search_form(lang: Lang, id: &str) -> Markup {
    let t = |key: &str| get(lang, key);
    let input = format!("{id}-q");
    html! {
        form.toolbar id=(id) role="search" novalidate {
            div.field {
                label for=(input) { (t("candidates.search")) }
                input id=(input) name="q" type="search" maxlength="100" autocomplete="off";
            }
            button type="submit" { (t("button.search")) }
        }
    }
}

#[get("/operator")]
async fn candidates(req: HttpRequest) -> HttpResponse {
    let shell = Shell {
        area: Area::Operator,
        path: "/operator",
        title: "candidates.title",
        script: "candidates.js",
        id: None,
    };
    shell.respond(&req, |lang| {
        let t = |key: &str| get(lang, key);
        html! {
            h1 { (t("candidates.title")) }
            (search_form(lang, "candidate-search"))
            (candidates_table(lang, "candidates", false))
            section.panel aria-labelledby="new-candidate-heading" {
                h2 #new-candidate-heading { (t("candidates.new")) }
                div #candidate-message .message role="alert" {}
                form #candidate-form novalidate {
                    (candidate_fields(lang, "new"))
                    button.primary type="submit" { (t("button.create_candidate")) }
                }
            }
        }
    })
}

#[get("/operator/candidates/{id}")]
async fn candidate(req: HttpRequest, id: web::Path<String>) -> HttpResponse {
    let Some(id) = page_id(&id) else {
        return not_found(&req);
    };
    let path = format!("/operator/candidates/{id}");
    let shell = Shell {
        area: Area::Operator,
        path: &path,
        title: "candidate.title",
        script: "candidate.js",
        id: Some(&id),
    };
    shell.respond(&req, |lang| {
        let t = |key: &str| get(lang, key);
        html! {
            h1 { (t("candidate.title")) }
            p { (t("candidate.intro")) }
            div #candidate-message .message role="alert" {}
            form #candidate-edit novalidate {
                (candidate_fields(lang, "edit"))
                button.primary type="submit" { (t("button.save")) }
            }
            p { a href="/operator" { (t("candidate.back")) } }
        }
    })
}

#[get("/operator/sittings")]
async fn sittings(req: HttpRequest) -> HttpResponse {
    let shell = Shell {
        area: Area::Operator,
        path: "/operator/sittings",
        title: "sittings.title",
        script: "operator-sittings.js",
        id: None,
    };
    shell.respond(&req, |lang| {
        let t = |key: &str| get(lang, key);
        html! {
            h1 { (t("sittings.title")) }
            section.panel aria-labelledby="new-sitting-heading" {
                h2 #new-sitting-heading { (t("sittings.new")) }
                div #sitting-message .message role="alert" {}
                form #sitting-form novalidate {
                    div.form-grid {
                        (field(lang, "sitting-blueprint", "sitting.blueprint", Some("sittings.blueprint_hint"), html! {
                            input #sitting-blueprint name="blueprint" type="text" required
                                value="kaztest-a1-preselection" spellcheck="false" autocomplete="off"
                                aria-describedby="sitting-blueprint-hint";
                        }))
                        (field(lang, "sitting-mode", "sitting.mode", None, html! {
                            select #sitting-mode name="mode" {
                                option value="centre" { (t("mode.centre")) }
                                option value="online" { (t("mode.online")) }
                            }
                        }))
                        (field(lang, "sitting-opens", "sitting.opens", None, html! {
                            input #sitting-opens name="opens_at" type="datetime-local" required;
                        }))
                        (field(lang, "sitting-closes", "sitting.closes", None, html! {
                            input #sitting-closes name="closes_at" type="datetime-local" required;
                        }))
                    }
                    fieldset.group {
                        legend { (t("sitting.rules")) }
                        div.check {
                            input #sitting-authorization name="require_authorization" type="checkbox";
                            label for="sitting-authorization" { (t("field.require_authorization")) }
                        }
                        (field(lang, "sitting-ip-ranges", "field.ip_ranges", Some("field.ip_ranges_hint"), html! {
                            textarea #sitting-ip-ranges name="ip_ranges" rows="2" spellcheck="false"
                                aria-describedby="sitting-ip-ranges-hint" {}
                        }))
                        (field(lang, "sitting-proctors", "field.proctors", Some("field.proctors_hint"), html! {
                            textarea #sitting-proctors name="proctors" rows="2" spellcheck="false"
                                aria-describedby="sitting-proctors-hint" {}
                        }))
                        (field(lang, "sitting-config-keys", "field.seb_config_keys", Some("field.seb_keys_hint"), html! {
                            textarea #sitting-config-keys name="config_keys" rows="2" spellcheck="false"
                                aria-describedby="sitting-config-keys-hint" {}
                        }))
                        (field(lang, "sitting-exam-keys", "field.seb_browser_exam_keys", Some("field.seb_keys_hint"), html! {
                            textarea #sitting-exam-keys name="browser_exam_keys" rows="2" spellcheck="false"
                                aria-describedby="sitting-exam-keys-hint" {}
                        }))
                    }
                    button.primary type="submit" { (t("button.create_sitting")) }
                }
            }
            h2 { (t("sittings.list")) }
            (sittings_table(lang))
        }
    })
}

#[get("/operator/sittings/{id}")]
async fn sitting(
    req: HttpRequest,
    id: web::Path<String>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let Some(id) = page_id(&id) else {
        return not_found(&req);
    };
    let path = format!("/operator/sittings/{id}");
    let address = format!("{}/sit", qr::public_base(&state.settings.public_url, &req));
    let shell = Shell {
        area: Area::Operator,
        path: &path,
        title: "sitting.title",
        script: "operator-sitting.js",
        id: Some(&id),
    };
    shell.respond(&req, |lang| {
        let t = |key: &str| get(lang, key);
        html! {
            div #sitting-work {
                h1 { (t("sitting.title")) }
                p #sitting-summary {}
                p { a href={ "/proctor/sittings/" (id) } { (t("sitting.roster_link")) } }
                section.panel aria-labelledby="register-heading" {
                    h2 #register-heading { (t("register.heading")) }
                    p { (t("register.intro")) }
                    div #register-message .message role="alert" {}
                    (search_form(lang, "register-search"))
                    (candidates_table(lang, "register-candidates", true))
                }
                h2 { (t("results.heading")) }
                (filled_table(
                    lang,
                    "results",
                    "results.heading",
                    &[
                        "roster.candidate",
                        "field.document_number",
                        "results.registration",
                        "roster.status",
                        "results.result",
                    ],
                    "roster.none",
                ))
            }
            section #slip aria-labelledby="slip-heading" hidden {
                article.slip {
                    h1 #slip-heading { (t("slip.heading")) }
                    dl.facts {
                        dt { (t("roster.candidate")) } dd #slip-name {}
                        dt { (t("field.document_number")) } dd #slip-document {}
                        dt { (t("slip.test")) } dd #slip-test {}
                        dt { (t("slip.window")) } dd #slip-window {}
                        dt { (t("field.registration_id")) } dd #slip-registration .mono {}
                        dt { (t("field.access_code")) } dd #slip-code .code {}
                    }
                    p { (t("slip.where").replace("{address}", &address)) }
                    p { (t("slip.keep")) }
                }
                p.message.no-print data-kind="warning" { (t("slip.once")) }
                p.controls.no-print {
                    button #slip-print .primary type="button" { (t("button.print")) }
                    button #slip-done type="button" { (t("slip.done")) }
                }
            }
        }
    })
}
