//! The address a certificate's QR code encodes, and the code itself as SVG.

use actix_web::HttpRequest;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use uuid::Uuid;

/// The address the pages are reached at: the `public_url` setting when it is set (the address candidates'
/// and checkers' browsers use), else the scheme and host the request came to. No trailing slash.
pub fn public_base(public_url: &str, req: &HttpRequest) -> String {
    let base = if public_url.trim().is_empty() {
        let info = req.connection_info();
        format!("{}://{}", info.scheme(), info.host())
    } else {
        public_url.trim().to_owned()
    };
    base.trim_end_matches('/').to_owned()
}

/// The public address of a certificate's check page under `base`.
pub fn verify_url(base: &str, certificate_id: Uuid) -> String {
    format!("{}/verify/{certificate_id}", base.trim_end_matches('/'))
}

/// A QR code (error correction M, quiet zone kept) of `text`, as a standalone SVG document of at least
/// 240 × 240 px that scales to any size.
pub fn svg(text: &str) -> String {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .expect("a verify address fits a QR code");
    code.render::<svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_is_under_the_base_without_a_double_slash() {
        let id = Uuid::nil();
        assert_eq!(
            verify_url("https://test.synaq.kz/", id),
            "https://test.synaq.kz/verify/00000000-0000-0000-0000-000000000000"
        );
        assert_eq!(
            verify_url("http://127.0.0.1:8080", id),
            "http://127.0.0.1:8080/verify/00000000-0000-0000-0000-000000000000"
        );
    }

    #[test]
    fn the_code_is_an_svg_with_dark_modules() {
        let image = svg("https://test.synaq.kz/verify/00000000-0000-0000-0000-000000000000");
        assert!(image.contains("<svg") && image.contains("viewBox"));
        let path = image.split(" d=\"").nth(1).unwrap();
        assert!(
            path.matches('M').count() > 100,
            "a QR code of a URL has many modules"
        );
        assert_ne!(
            image,
            svg("https://test.synaq.kz/verify/00000000-0000-0000-0000-000000000001"),
            "another address is another code"
        );
    }
}
