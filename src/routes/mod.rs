//! HTTP routes by audience. A handler extracts, parses into domain types, calls one service function and
//! maps the outcome to a response.

pub mod authoring;
pub mod candidate;
pub mod centre;
pub mod client;
mod files;
pub mod items;
pub mod openapi;
pub mod operations;
pub mod public;
pub mod results;
pub mod supervision;

use actix_web::web;

/// The answer to a path no route serves, as problem+json like every other error (the metrics listener's).
pub async fn not_found() -> Result<actix_web::HttpResponse, crate::error::ApiError> {
    Err(crate::error::ApiError::NotFound("route"))
}

/// The main listener's answer to a request no route serves: `405` with `Allow` when the path is a
/// described one that does not take the method, else `404`.
pub async fn unrouted(
    req: actix_web::HttpRequest,
) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
    Err(match openapi::allowed_methods(req.path()) {
        Some(allow) => crate::error::ApiError::MethodNotAllowed(allow),
        None => crate::error::ApiError::NotFound("route"),
    })
}

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    // Routes are matched in the order they are registered: the candidates' (saves above all) first.
    candidate::configure(cfg);
    public::configure(cfg);
    centre::configure(cfg);
    authoring::configure(cfg);
    items::configure(cfg);
    supervision::configure(cfg);
    results::configure(cfg);
    openapi::configure(cfg);
    operations::configure(cfg);
    crate::pages::configure(cfg);
}
