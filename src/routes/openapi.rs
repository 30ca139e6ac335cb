//! The OpenAPI 3 description of every route, generated from the handlers and completed with the answers
//! every route shares ([`answers`]), at `/api/openapi.json` (and as a page at `/api/docs`). The server
//! answers a method a described path does not take with `405` and `Allow` ([`allowed_methods`]).

mod answers;

use std::sync::LazyLock;

use actix_web::{HttpResponse, get, web};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{authoring, candidate, centre, items, operations, public, results, supervision};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "Synaq", description = "Delivers the Kazakh state-language test: registration, sittings, timed sessions, grading and signed certificates. Every error is application/problem+json with a stable `code`."),
    paths(
        public::healthz, public::jwks, public::token, public::certificate_status,
        centre::create_candidate, centre::list_candidates, centre::get_candidate, centre::update_candidate,
        centre::create_sitting, centre::list_sittings, centre::get_sitting, centre::register, centre::results,
        authoring::list, authoring::get_one, authoring::save, authoring::feasibility, authoring::simulation,
        authoring::list_runs, authoring::start_run, authoring::get_run, authoring::apply_run,
        authoring::run_picture,
        items::list, items::create, items::get_one, items::edit_draft, items::new_version,
        items::transition, items::preview, items::preview_media, items::preview_image, items::curves,
        items::audit_log,
        items::upload_media, items::qti_import, items::qti_export,
        candidate::start, candidate::view, candidate::save, candidate::submit_section, candidate::finish,
        candidate::result, candidate::media, candidate::image, candidate::integrity_events,
        supervision::roster, supervision::act, supervision::timeline, supervision::list_reviews,
        supervision::decide, supervision::forensics,
        results::feed, results::revoke,
        operations::readyz, operations::metrics,
    ),
    components(schemas(crate::domain::schema::ItemId)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(openapi_json);
}

/// The description as served: generated once, with the shared answers added.
static DESCRIPTION: LazyLock<serde_json::Value> = LazyLock::new(|| {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the description serializes");
    answers::add(&mut doc);
    doc
});

/// The methods the described paths matching `path` take (`GET, POST`), or `None` when no described path
/// matches it. A `{parameter}` segment matches any one non-empty segment.
pub fn allowed_methods(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    let mut methods: Vec<String> = DESCRIPTION["paths"]
        .as_object()?
        .iter()
        .filter(|(template, _)| matches(template, &segments))
        .flat_map(|(_, item)| item.as_object().into_iter().flat_map(|o| o.keys()))
        .map(|method| method.to_ascii_uppercase())
        .collect();
    methods.sort();
    methods.dedup();
    (!methods.is_empty()).then(|| methods.join(", "))
}

fn matches(template: &str, segments: &[&str]) -> bool {
    let parts: Vec<&str> = template.split('/').collect();
    parts.len() == segments.len()
        && parts.iter().zip(segments).all(|(part, segment)| {
            part == segment || (part.starts_with('{') && part.ends_with('}') && !segment.is_empty())
        })
}

#[get("/api/openapi.json")]
async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(&*DESCRIPTION)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_described_path_tells_the_methods_it_takes() {
        assert_eq!(
            allowed_methods("/api/v1/blueprints").as_deref(),
            Some("GET, POST")
        );
        assert_eq!(
            allowed_methods("/api/v1/sessions/0190/responses/3").as_deref(),
            Some("PUT")
        );
        assert_eq!(allowed_methods("/healthz").as_deref(), Some("GET"));
        assert_eq!(allowed_methods("/api/v1/sessions//finish"), None);
        assert_eq!(allowed_methods("/api/v1/nothing"), None);
        assert_eq!(allowed_methods("/sit"), None);
    }
}
