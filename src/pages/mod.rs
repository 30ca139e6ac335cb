//! Pages for people, served by the same server on the same origin: `/` (links), `/sit` (the candidate's
//! test), `/sit/certificate` (the printable certificate), `/verify/{certificate_id}` (anyone checks a
//! certificate; its QR code encodes this address), `/api/docs` (the API description, [`api_docs`]), and the
//! staff's pages ([`staff`]: `/staff`,
//! `/operator…`, `/proctor…`, `/author…`).
//!
//! The pages are HTML rendered here (maud) in Kazakh, Russian or English; the candidate's page runs a small
//! amount of plain JavaScript served as files (timer, autosave, offline queue). Every file is embedded in
//! the binary. Every page answers with the strict Content-Security-Policy of
//! [`crate::security_headers::PAGE_POLICY`] (scripts and styles only from this origin, nothing inline),
//! which that middleware adds with `nosniff`, and loads nothing from elsewhere. The
//! candidate's and the staff's tokens never appear in a URL: the pages keep them in `sessionStorage` and
//! send them as an `Authorization` header.

mod api_docs;
mod assets;
mod home;
mod lang;
mod layout;
mod outline;
mod qr;
mod sit;
mod staff;
mod text;
mod verify;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::lang::Lang;

/// Registers the pages and their files.
pub fn configure(cfg: &mut web::ServiceConfig) {
    assets::configure(cfg);
    api_docs::configure(cfg);
    home::configure(cfg);
    sit::configure(cfg);
    outline::configure(cfg);
    verify::configure(cfg);
    staff::configure(cfg);
}

/// An HTML page with the security headers every page carries, and the language cookie when `?lang=`
/// chose one.
fn respond(status: StatusCode, lang: &lang::Chosen, markup: maud::Markup) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response
        .content_type("text/html; charset=utf-8")
        .insert_header(("X-Frame-Options", "DENY"))
        .insert_header(("Cache-Control", "no-store"));
    if let Some(cookie) = lang.set_cookie() {
        response.insert_header(("Set-Cookie", cookie));
    }
    response.body(markup.into_string())
}
