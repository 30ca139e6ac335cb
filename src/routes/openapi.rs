//! The OpenAPI 3 description of every route, generated from the handlers, at `/api/openapi.json`.

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
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(openapi_json);
}

#[get("/api/openapi.json")]
async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
