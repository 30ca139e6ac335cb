//! The pages' static files, embedded in the binary and served at `/assets/{name}`. Browsers revalidate
//! them on each use (`no-cache` with an `ETag`), so a new release is picked up at once and an unchanged
//! file costs a `304`.

use std::sync::LazyLock;

use actix_web::{HttpRequest, HttpResponse, get, web};

/// `(name, content type, bytes)`.
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "style.css",
        "text/css; charset=utf-8",
        include_bytes!("assets/style.css"),
    ),
    (
        "icon.svg",
        "image/svg+xml",
        include_bytes!("assets/icon.svg"),
    ),
    (
        "sound-check.ogg",
        "audio/ogg",
        include_bytes!("assets/sound-check.ogg"),
    ),
    ("sit.js", JS, include_bytes!("assets/sit.js")),
    ("api.js", JS, include_bytes!("assets/api.js")),
    ("clock.js", JS, include_bytes!("assets/clock.js")),
    ("outbox.js", JS, include_bytes!("assets/outbox.js")),
    ("integrity.js", JS, include_bytes!("assets/integrity.js")),
    ("runner.js", JS, include_bytes!("assets/runner.js")),
    ("player.js", JS, include_bytes!("assets/player.js")),
    ("keyboard.js", JS, include_bytes!("assets/keyboard.js")),
    ("dom.js", JS, include_bytes!("assets/dom.js")),
    ("scores.js", JS, include_bytes!("assets/scores.js")),
    (
        "certificate.js",
        JS,
        include_bytes!("assets/certificate.js"),
    ),
    ("staff.js", JS, include_bytes!("assets/staff.js")),
    (
        "staff-signin.js",
        JS,
        include_bytes!("assets/staff-signin.js"),
    ),
    ("sittings.js", JS, include_bytes!("assets/sittings.js")),
    ("roster.js", JS, include_bytes!("assets/roster.js")),
    ("timeline.js", JS, include_bytes!("assets/timeline.js")),
    ("reviews.js", JS, include_bytes!("assets/reviews.js")),
    (
        "candidate-list.js",
        JS,
        include_bytes!("assets/candidate-list.js"),
    ),
    ("candidates.js", JS, include_bytes!("assets/candidates.js")),
    ("candidate.js", JS, include_bytes!("assets/candidate.js")),
    (
        "operator-sittings.js",
        JS,
        include_bytes!("assets/operator-sittings.js"),
    ),
    (
        "operator-sitting.js",
        JS,
        include_bytes!("assets/operator-sitting.js"),
    ),
    ("question.js", JS, include_bytes!("assets/question.js")),
    ("picture.js", JS, include_bytes!("assets/picture.js")),
    ("item-form.js", JS, include_bytes!("assets/item-form.js")),
    (
        "author-items.js",
        JS,
        include_bytes!("assets/author-items.js"),
    ),
    (
        "author-item.js",
        JS,
        include_bytes!("assets/author-item.js"),
    ),
    (
        "author-new-item.js",
        JS,
        include_bytes!("assets/author-new-item.js"),
    ),
    ("author-qti.js", JS, include_bytes!("assets/author-qti.js")),
    (
        "author-blueprints.js",
        JS,
        include_bytes!("assets/author-blueprints.js"),
    ),
    (
        "author-blueprint.js",
        JS,
        include_bytes!("assets/author-blueprint.js"),
    ),
    (
        "author-runs.js",
        JS,
        include_bytes!("assets/author-runs.js"),
    ),
    ("author-run.js", JS, include_bytes!("assets/author-run.js")),
    ("api-docs.js", JS, include_bytes!("assets/api-docs.js")),
    (
        "swagger-ui-bundle.js",
        JS,
        include_bytes!("assets/swagger-ui/swagger-ui-bundle.js"),
    ),
    (
        "swagger-ui.css",
        "text/css; charset=utf-8",
        include_bytes!("assets/swagger-ui/swagger-ui.css"),
    ),
];

const JS: &str = "text/javascript; charset=utf-8";

/// Each file's strong validator: the start of its SHA-256.
static ETAGS: LazyLock<Vec<String>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(_, _, bytes)| format!("\"{}\"", &crate::digest::sha256_hex(&[bytes])[..24]))
        .collect()
});

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(asset);
}

/// The address of an embedded file.
pub fn asset_url(name: &str) -> String {
    debug_assert!(FILES.iter().any(|f| f.0 == name), "no asset {name}");
    format!("/assets/{name}")
}

#[get("/assets/{name}")]
async fn asset(req: HttpRequest, name: web::Path<String>) -> HttpResponse {
    let Some(index) = FILES.iter().position(|f| f.0 == name.as_str()) else {
        return HttpResponse::NotFound()
            .insert_header(("X-Content-Type-Options", "nosniff"))
            .content_type("text/plain; charset=utf-8")
            .body("no such file");
    };
    let (_, content_type, bytes) = FILES[index];
    let etag = &ETAGS[index];
    let unchanged = req
        .headers()
        .get(actix_web::http::header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut response = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header(("ETag", etag.as_str()))
        .insert_header(("Cache-Control", "no-cache"))
        .insert_header(("X-Content-Type-Options", "nosniff"));
    if unchanged {
        return response.finish();
    }
    response.content_type(content_type).body(bytes)
}
