//! The answers that carry an item's file: audio and pictures, never cached, pictures sandboxed so that
//! no script in an SVG runs.

use actix_web::HttpResponse;

/// A recording.
pub fn audio(content_type: String, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Cache-Control", "private, no-store"))
        .body(bytes)
}

/// A picture (SVG), sandboxed.
pub fn picture(content_type: String, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Cache-Control", "private, no-store"))
        .insert_header((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        ))
        .body(bytes)
}
