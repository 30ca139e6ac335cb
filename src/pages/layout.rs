//! The frame every page shares: the document head, a header with the language switch, the main landmark.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::Lang;
use super::assets::asset_url;
use super::lang::endonym;
use super::text::get;

/// What a page puts into the shared frame.
pub struct Frame<'a> {
    pub lang: Lang,
    /// The path the language switch links back to.
    pub path: &'a str,
    /// The document title (the site name is added).
    pub title: String,
    /// Script files (module scripts) the page runs.
    pub scripts: &'a [&'a str],
    /// Data for the scripts, embedded as a JSON block (never executed).
    pub data: Option<serde_json::Value>,
}

/// A JSON document that is safe inside `<script type="application/json">`: no `<`, `>` or `&` can close
/// the element or start markup (they occur only inside JSON strings, where `\u00XX` means the same).
fn json_block(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The whole document around `main`.
pub fn render(frame: Frame<'_>, main: Markup) -> Markup {
    let lang = frame.lang;
    let t = |key: &str| get(lang, key);
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (frame.title) " · " (t("site.name")) }
                link rel="stylesheet" href=(asset_url("style.css"));
                link rel="icon" href=(asset_url("icon.svg")) type="image/svg+xml";
                @if let Some(data) = &frame.data {
                    script type="application/json" id="page-data" { (PreEscaped(json_block(data))) }
                }
                @for script in frame.scripts {
                    script type="module" src=(asset_url(script)) {}
                }
            }
            body {
                a.skip href="#main" { (t("site.skip")) }
                header.site {
                    a.brand href="/" {
                        span.brand-name { (t("site.name")) }
                        span.brand-tagline { (t("site.tagline")) }
                    }
                    nav.languages aria-label=(t("site.language")) {
                        ul {
                            @for other in Lang::ALL {
                                li {
                                    a href={ (frame.path) "?lang=" (other.tag()) } lang=(other.tag())
                                        hreflang=(other.tag())
                                        aria-current=[(other == lang).then_some("true")] {
                                        (endonym(other))
                                    }
                                }
                            }
                        }
                    }
                }
                main id="main" tabindex="-1" { (main) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_cannot_close_its_element() {
        let v = serde_json::json!({"t": "</script><b>&"});
        let block = json_block(&v);
        assert!(!block.contains('<') && !block.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&block).unwrap();
        assert_eq!(back, v);
    }
}
