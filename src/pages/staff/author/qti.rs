//! `/author/qti`: importing a QTI 3.0 package (with a dry run, and the report of what came in and what
//! was left out, with why) and exporting items as one.

use actix_web::{HttpRequest, HttpResponse, get, web};
use maud::html;

use super::super::{Area, Shell, field, filled_table};
use crate::pages::text::get;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(qti);
}

#[get("/author/qti")]
async fn qti(req: HttpRequest) -> HttpResponse {
    let shell = Shell {
        area: Area::Author,
        path: "/author/qti",
        title: "author.qti.title",
        script: "author-qti.js",
        id: None,
    };
    shell.respond(&req, |lang| {
        let t = |key: &str| get(lang, key);
        html! {
            h1 { (t("author.qti.title")) }
            section.panel aria-labelledby="import-heading" {
                h2 #import-heading { (t("author.qti.import")) }
                p { (t("author.qti.import_intro")) }
                div #import-message .message role="alert" {}
                form #import-form novalidate {
                    (field(lang, "import-file", "author.qti.package", Some("author.qti.package_hint"), html! {
                        input #import-file name="package" type="file" required
                            accept=".zip,.xml,application/zip,application/xml,text/xml"
                            aria-describedby="import-file-hint";
                    }))
                    div.check {
                        input #import-dry-run name="dry_run" type="checkbox";
                        label for="import-dry-run" { (t("author.qti.dry_run")) }
                    }
                    button.primary type="submit" { (t("author.qti.import_button")) }
                }
                section #import-report aria-labelledby="report-heading" hidden {
                    h3 #report-heading {}
                    (filled_table(lang, "imported", "author.qti.imported", &["author.qti.identifier", "author.field.id"],
                        "author.qti.none_imported"))
                    (filled_table(lang, "skipped", "author.qti.skipped", &["author.qti.identifier", "author.qti.reason"],
                        "author.qti.none_skipped"))
                }
            }
            section.panel aria-labelledby="export-heading" {
                h2 #export-heading { (t("author.qti.export")) }
                div #export-message .message role="alert" {}
                form #export-form novalidate {
                    (field(lang, "export-items", "author.qti.items", Some("author.qti.items_hint"), html! {
                        textarea #export-items name="items" rows="3" required spellcheck="false"
                            aria-describedby="export-items-hint" {}
                    }))
                    button.primary type="submit" { (t("author.qti.export_button")) }
                }
            }
        }
    })
}
