//! `/verify/{certificate_id}`: anyone checks a certificate — its status, level, decision and dates, from
//! the same data as `GET /api/v1/certificates/{id}` and no more personal data than that (none). A wrong id
//! is a `404` page. `/verify/{id}/qr.svg` is the QR code of that address, for the printed certificate;
//! `/verify?certificate_id=…` is the lookup form's target.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use maud::{Markup, html};
use uuid::Uuid;

use super::layout::{Frame, render};
use super::text::get;
use super::{Lang, lang::Chosen, qr, respond};
use crate::error::ApiError;
use crate::services::AppState;
use crate::services::certification::{self, CertificateView};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(lookup).service(qr_code).service(page);
}

/// A certificate id as people type or scan it: surrounding spaces ignored.
fn parse_id(raw: &str) -> Option<Uuid> {
    Uuid::parse_str(raw.trim()).ok()
}

/// The certificate's public status, `None` when there is no such certificate.
async fn find(state: &AppState, raw: &str) -> Result<Option<CertificateView>, ApiError> {
    let Some(id) = parse_id(raw) else {
        return Ok(None);
    };
    match certification::status(state, id).await {
        Ok(status) => Ok(Some(status)),
        Err(ApiError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A state as the API spells it (`valid`, `pass`, `A1`): its JSON word.
fn wire(value: &impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(word)) => word,
        _ => String::new(),
    }
}

/// The form that asks for a certificate number and opens its check page.
pub fn lookup_form(lang: Lang) -> Markup {
    html! {
        form.lookup method="get" action="/verify" {
            label for="certificate-id" { (get(lang, "field.certificate_id")) }
            input id="certificate-id" name="certificate_id" type="text" required
                autocomplete="off" spellcheck="false" inputmode="text";
            button type="submit" { (get(lang, "button.check")) }
        }
    }
}

#[derive(serde::Deserialize)]
struct Lookup {
    certificate_id: Option<String>,
}

#[get("/verify")]
async fn lookup(req: HttpRequest, query: web::Query<Lookup>) -> HttpResponse {
    let chosen = Chosen::of(&req);
    match query.certificate_id.as_deref().map(parse_id) {
        Some(Some(id)) => HttpResponse::SeeOther()
            .insert_header(("Location", format!("/verify/{id}")))
            .finish(),
        Some(None) => not_found(&chosen, "/verify"),
        None => {
            let lang = chosen.lang;
            let main = html! {
                h1 { (get(lang, "verify.title")) }
                p { (get(lang, "home.verify_text")) }
                (lookup_form(lang))
            };
            page_of(
                &chosen,
                "/verify",
                get(lang, "verify.title"),
                StatusCode::OK,
                main,
            )
        }
    }
}

#[get("/verify/{certificate_id}")]
async fn page(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let chosen = Chosen::of(&req);
    let here = req.path().to_owned();
    let Some(cert) = find(&state, &path).await? else {
        return Ok(not_found(&chosen, &here));
    };
    let lang = chosen.lang;
    let t = |key: &str| get(lang, key);
    let day = |d: chrono::DateTime<chrono::Utc>| d.format("%Y-%m-%d").to_string();
    let status = wire(&cert.status);
    let level = wire(&cert.level);
    let level = if level == "below_A1" {
        t("level.below_A1")
    } else {
        level
    };
    let main = html! {
        h1 { (t("verify.title")) }
        section.verdict.(status) aria-labelledby="verdict" {
            p.badge id="verdict" { (t(&format!("verify.status.{status}"))) }
            p { (t(&format!("verify.text.{status}"))) }
        }
        dl.facts {
            dt { (t("cert.number")) } dd.mono { (cert.certificate_id) }
            dt { (t("verify.status")) } dd { (t(&format!("verify.status.{status}"))) }
            dt { (t("result.level")) } dd { (level) }
            dt { (t("result.decision")) } dd { (t(&format!("decision.{}", wire(&cert.decision)))) }
            dt { (t("cert.issued")) } dd { time datetime=(cert.issued_at.to_rfc3339()) { (day(cert.issued_at)) } }
            dt { (t("cert.valid_until")) } dd { time datetime=(cert.valid_until.to_rfc3339()) { (day(cert.valid_until)) } }
        }
        p.note { (t("verify.compare")) }
    };
    Ok(page_of(
        &chosen,
        &here,
        t("verify.title"),
        StatusCode::OK,
        main,
    ))
}

#[get("/verify/{certificate_id}/qr.svg")]
async fn qr_code(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let Some(cert) = find(&state, &path).await? else {
        return Err(ApiError::NotFound("certificate"));
    };
    let base = qr::public_base(&state.settings.public_url, &req);
    let url = qr::verify_url(&base, cert.certificate_id);
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Content-Security-Policy", "default-src 'none'; sandbox"))
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .body(qr::svg(&url)))
}

fn page_of(
    chosen: &Chosen,
    path: &str,
    title: String,
    status: StatusCode,
    main: Markup,
) -> HttpResponse {
    let frame = Frame {
        lang: chosen.lang,
        path,
        title,
        scripts: &[],
        data: None,
    };
    respond(status, chosen, render(frame, main))
}

/// The `404` page for an id that names no certificate.
fn not_found(chosen: &Chosen, path: &str) -> HttpResponse {
    let lang = chosen.lang;
    let main = html! {
        h1 { (get(lang, "verify.not_found")) }
        p { (get(lang, "verify.not_found_text")) }
        (lookup_form(lang))
    };
    page_of(
        chosen,
        path,
        get(lang, "verify.not_found"),
        StatusCode::NOT_FOUND,
        main,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_as_typed_or_scanned() {
        let id = Uuid::now_v7();
        assert_eq!(parse_id(&format!("  {id}\n")), Some(id));
        assert_eq!(parse_id(&id.simple().to_string()), Some(id));
        assert_eq!(parse_id("not-an-id"), None);
    }
}
