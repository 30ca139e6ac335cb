//! `/author` (the item bank), `/author/items/new` (a new item's draft) and `/author/items/{id}` (one
//! item).

use actix_web::{HttpRequest, HttpResponse, get, web};
use maud::{Markup, html};

use super::super::{Area, Shell, field, filled_table, not_found};
use super::{bank_id, picture};
use crate::pages::Lang;
use crate::pages::text::get;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // `new` before `{id}`: "new" is a well-formed item id too.
    cfg.service(bank).service(new_item).service(item);
}

/// The levels an item may have.
const LEVELS: &[&str] = &["A1", "A2", "B1", "B2", "C1"];
/// The item types, each with its text key.
const TYPES: &[(&str, &str)] = &[
    ("single_choice", "type.single_choice"),
    ("gap_fill", "type.gap_fill"),
    ("short_answer", "type.short_answer"),
    ("writing", "type.writing"),
];
/// The lifecycle's states, each with its text key.
const STATUSES: &[&str] = &[
    "draft",
    "review",
    "approved",
    "pretest",
    "operational",
    "retired",
];

/// A `select` of `values` (with their text keys), led by an "any" option when `any` is given.
fn select(
    lang: Lang,
    id: &str,
    name: &str,
    any: Option<&str>,
    values: &[(&str, String)],
) -> Markup {
    let t = |key: &str| get(lang, key);
    html! {
        select id=(id) name=(name) {
            @if let Some(any) = any { option value="" { (t(any)) } }
            @for (value, text) in values { option value=(value) { (text) } }
        }
    }
}

fn levels() -> Vec<(&'static str, String)> {
    LEVELS.iter().map(|l| (*l, (*l).to_owned())).collect()
}

fn types(lang: Lang) -> Vec<(&'static str, String)> {
    TYPES
        .iter()
        .map(|(v, k)| (*v, get(lang, k).to_owned()))
        .collect()
}

#[get("/author")]
async fn bank(req: HttpRequest) -> HttpResponse {
    let shell = Shell {
        area: Area::Author,
        path: "/author",
        title: "author.items.title",
        script: "author-items.js",
        id: None,
    };
    shell.respond(&req, |lang| {
        let t = |key: &str| get(lang, key);
        let statuses: Vec<(&str, String)> = STATUSES
            .iter()
            .map(|s| (*s, get(lang, &format!("item_status.{s}")).to_owned()))
            .collect();
        html! {
            h1 { (t("author.items.title")) }
            p { a.button href="/author/items/new" { (t("author.items.new")) } }
            form.toolbar #item-filter role="search" novalidate {
                (field(lang, "filter-q", "author.filter.q", None, html! {
                    input #filter-q name="q" type="search" maxlength="200" autocomplete="off" lang="kk";
                }))
                (field(lang, "filter-section", "author.field.section", None, html! {
                    input #filter-section name="section" type="text" maxlength="64" autocomplete="off"
                        spellcheck="false";
                }))
                (field(lang, "filter-level", "author.field.level", None,
                    select(lang, "filter-level", "level", Some("author.filter.any"), &levels())))
                (field(lang, "filter-type", "author.field.type", None,
                    select(lang, "filter-type", "type", Some("author.filter.any"), &types(lang))))
                (field(lang, "filter-status", "author.field.status", None,
                    select(lang, "filter-status", "status", Some("author.filter.any"), &statuses)))
                button type="submit" { (t("button.search")) }
            }
            (filled_table(lang, "items", "author.items.title", &["author.field.id", "author.field.status",
                "author.field.section", "author.field.level", "author.field.type", "author.field.stem",
                "author.field.p_value"], "author.items.none"))
            nav.pager aria-label=(t("author.pager")) {
                button #page-first type="button" disabled { (t("author.pager.first")) }
                button #page-next type="button" disabled { (t("author.pager.next")) }
                span #page-number {}
            }
        }
    })
}

/// The draft editor's fields; `new` adds the item id. The script fills them from a version's content
/// and reads them back into it, so fields the editor does not show are kept.
fn editor(lang: Lang, new: bool) -> Markup {
    let t = |key: &str| get(lang, key);
    html! {
        form #item-form novalidate {
            div #item-message .message role="alert" {}
            div.form-grid {
                @if new {
                    (field(lang, "item-id", "author.field.id", Some("author.field.id_hint"), html! {
                        input #item-id name="id" type="text" required maxlength="64" spellcheck="false"
                            autocomplete="off" aria-describedby="item-id-hint";
                    }))
                }
                (field(lang, "item-section", "author.field.section", Some("author.field.section_hint"), html! {
                    input #item-section name="section" type="text" required maxlength="64" spellcheck="false"
                        autocomplete="off" aria-describedby="item-section-hint";
                }))
                (field(lang, "item-level", "author.field.level", None,
                    select(lang, "item-level", "level", None, &levels())))
                (field(lang, "item-topic", "author.field.topic", None, html! {
                    input #item-topic name="topic" type="text" required maxlength="64" spellcheck="false"
                        autocomplete="off";
                }))
                (field(lang, "item-type", "author.field.type", None,
                    select(lang, "item-type", "type", None, &types(lang))))
            }
            (field(lang, "item-stimulus", "author.field.stimulus", Some("author.field.optional"), html! {
                textarea #item-stimulus name="stimulus" rows="3" maxlength="4000" lang="kk"
                    aria-describedby="item-stimulus-hint" {}
            }))
            (field(lang, "item-stem", "author.field.stem", Some("author.field.stem_hint"), html! {
                textarea #item-stem name="stem" rows="2" required maxlength="1000" lang="kk"
                    aria-describedby="item-stem-hint" {}
            }))
            div #choice-fields {
                (field(lang, "item-options", "author.field.options", Some("author.field.options_hint"), html! {
                    textarea #item-options name="options" rows="4" maxlength="4000" lang="kk"
                        aria-describedby="item-options-hint" {}
                }))
                (field(lang, "item-key", "author.field.key", Some("author.field.key_hint"), html! {
                    input #item-key name="key" type="text" maxlength="1" spellcheck="false" autocomplete="off"
                        aria-describedby="item-key-hint";
                }))
            }
            div #text-fields hidden {
                (field(lang, "item-accept", "author.field.accept", Some("author.field.accept_hint"), html! {
                    textarea #item-accept name="accept" rows="3" maxlength="2000" lang="kk"
                        aria-describedby="item-accept-hint" {}
                }))
            }
            div #writing-fields hidden {
                div.form-grid {
                    (field(lang, "item-expected-lines", "author.field.expected_lines", Some("author.field.optional"), html! {
                        input #item-expected-lines name="expected_lines" type="number" min="1" max="200" step="1"
                            aria-describedby="item-expected-lines-hint";
                    }))
                    (field(lang, "item-expected-length", "author.field.expected_length", Some("author.field.optional"), html! {
                        input #item-expected-length name="expected_length" type="number" min="1" max="20000" step="1"
                            aria-describedby="item-expected-length-hint";
                    }))
                }
                p.hint { (t("author.writing.not_live")) }
            }
            (field(lang, "item-transcript", "author.field.transcript", Some("author.field.transcript_hint"), html! {
                textarea #item-transcript name="transcript" rows="2" maxlength="4000" lang="kk"
                    aria-describedby="item-transcript-hint" {}
            }))
            (field(lang, "item-audio-file", "author.field.audio", Some("author.field.audio_hint"), html! {
                input #item-audio-file type="file" accept="audio/ogg,.ogg,.opus" aria-describedby="item-audio-file-hint item-audio";
            }))
            input #item-audio-id name="audio" type="hidden";
            p #item-audio .hint role="status" {}
            button.primary type="submit" { (t(if new { "author.editor.create" } else { "author.editor.save" })) }
        }
    }
}

#[get("/author/items/new")]
async fn new_item(req: HttpRequest) -> HttpResponse {
    let shell = Shell {
        area: Area::Author,
        path: "/author/items/new",
        title: "author.new.title",
        script: "author-new-item.js",
        id: None,
    };
    shell.respond(&req, |lang| {
        let t = |key: &str| get(lang, key);
        html! {
            h1 { (t("author.new.title")) }
            p { (t("author.new.intro")) }
            (editor(lang, true))
        }
    })
}

#[get("/author/items/{id}")]
async fn item(req: HttpRequest, id: web::Path<String>) -> HttpResponse {
    let Some(id) = bank_id(&id) else {
        return not_found(&req);
    };
    let path = format!("/author/items/{id}");
    let shell = Shell {
        area: Area::Author,
        path: &path,
        title: "author.item.title",
        script: "author-item.js",
        id: Some(&id),
    };
    shell.respond(&req, |lang| {
        let t = |key: &str| get(lang, key);
        html! {
            h1 { (t("author.item.title")) " " span.mono { (id) } }
            p #item-summary {}
            section.panel aria-labelledby="lifecycle-heading" {
                h2 #lifecycle-heading { (t("author.lifecycle")) }
                div #lifecycle-message .message role="alert" {}
                form #lifecycle-form novalidate {
                    div.field {
                        label for="lifecycle-comment" { (t("field.comment")) }
                        p.hint #lifecycle-comment-hint { (t("author.lifecycle.hint")) }
                        textarea #lifecycle-comment name="comment" rows="2" required maxlength="1000"
                            aria-describedby="lifecycle-comment-hint" {}
                    }
                    div.controls #transitions {}
                }
                p.controls {
                    button #new-version type="button" hidden { (t("author.item.new_version")) }
                    button #export-item type="button" { (t("author.item.export")) }
                }
            }
            div.panels {
                section aria-labelledby="preview-heading" {
                    h2 #preview-heading { (t("author.preview")) }
                    p.hint { (t("author.preview.intro")) }
                    article #preview .preview lang="kk" aria-labelledby="preview-heading" {}
                }
                section aria-labelledby="curves-heading" {
                    h2 #curves-heading { (t("author.curves")) }
                    (picture(lang, "curves", "author.curves.caption"))
                }
            }
            section #draft aria-labelledby="draft-heading" hidden {
                h2 #draft-heading { (t("author.editor")) }
                (editor(lang, false))
            }
            h2 { (t("author.versions")) }
            (filled_table(lang, "versions", "author.versions", &["author.field.version", "author.field.status",
                "author.field.created", "author.field.by", "author.field.used", "author.field.parameters"],
                "author.none"))
            h2 { (t("author.history")) }
            (filled_table(lang, "history", "author.history", &["author.field.at", "author.field.version",
                "author.field.move", "author.field.by", "field.comment"], "author.none"))
            h2 { (t("author.statistics")) }
            dl.facts #statistics {}
        }
    })
}
