//! `/api/docs`: the API description (`/api/openapi.json`) as a page to read and try, drawn by the
//! vendored Swagger UI under [`DOCS_POLICY`] (the pages' CSP with `data:` icons; its bundle and a small
//! start script are embedded files, nothing inline).

use actix_web::{HttpResponse, get, web};
use maud::{DOCTYPE, html};

use super::assets::asset_url;
use crate::security_headers::DOCS_POLICY;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(api_docs);
}

#[get("/api/docs")]
async fn api_docs() -> HttpResponse {
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Synaq API" }
                link rel="icon" href=(asset_url("icon.svg"));
                link rel="stylesheet" href=(asset_url("swagger-ui.css"));
            }
            body {
                div #swagger-ui data-url="/api/openapi.json" {}
                script src=(asset_url("swagger-ui-bundle.js")) {}
                script type="module" src=(asset_url("api-docs.js")) {}
            }
        }
    };
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("X-Frame-Options", "DENY"))
        .insert_header(("Content-Security-Policy", DOCS_POLICY))
        .body(page.into_string())
}
