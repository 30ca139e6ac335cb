//! Paths inside a package: zip entry names, manifest hrefs and the media sources of an item, each checked
//! before anything is looked up by it.
//!
//! A package path is relative, `/`-separated, and stays inside the package. Zip entry names and manifest
//! hrefs may not use `..` at all; an item's media source may (`../audio/x.ogg` from `items/x.xml`) as long
//! as the resolved path does not climb above the package root. Absolute paths, backslashes, drive letters
//! and NUL are refused everywhere.

use crate::QtiError;

/// Where an item's media source points.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// A file of the package, by its entry name.
    Package(String),
    /// Another site (`https://…`, `data:…`): nothing is fetched.
    Elsewhere(String),
}

/// Refuses a zip entry name that could write or read outside the package.
pub(crate) fn check_entry_name(name: &str) -> Result<(), QtiError> {
    if is_unsafe(name) || name.split('/').any(|c| c == "..") {
        return Err(unsafe_path(name));
    }
    Ok(())
}

/// The entry name a manifest href names: `base` (the `xml:base` values in force, joined) then `href`,
/// percent-decoded, without a fragment. Refuses `..`, absolute paths and other sites.
pub(crate) fn manifest_href(base: &str, href: &str) -> Result<String, QtiError> {
    let joined = join(base, href);
    let decoded = decode(strip_fragment(&joined)).ok_or_else(|| unsafe_path(href))?;
    if has_scheme(&decoded) || decoded.is_empty() {
        return Err(unsafe_path(href));
    }
    check_entry_name(&decoded)?;
    normalize(&decoded).ok_or_else(|| unsafe_path(href))
}

/// Resolves an item's media source against the item file's own path.
pub(crate) fn item_source(item_path: &str, src: &str) -> Result<Source, QtiError> {
    let src = strip_fragment(src.trim());
    if has_scheme(src) || src.starts_with("//") {
        return Ok(Source::Elsewhere(src.to_owned()));
    }
    let decoded = decode(src).ok_or_else(|| unsafe_path(src))?;
    if is_unsafe(&decoded) || decoded.is_empty() {
        return Err(unsafe_path(src));
    }
    let dir = item_path.rsplit_once('/').map_or("", |(dir, _)| dir);
    normalize(&join(dir, &decoded))
        .map(Source::Package)
        .ok_or_else(|| unsafe_path(src))
}

fn unsafe_path(path: &str) -> QtiError {
    QtiError::UnsafePath {
        path: path.to_owned(),
    }
}

fn is_unsafe(path: &str) -> bool {
    let first = path.split('/').next().unwrap_or_default();
    path.starts_with('/') || path.contains('\\') || path.contains('\0') || first.contains(':')
}

fn join(base: &str, path: &str) -> String {
    if base.is_empty() || base.ends_with('/') {
        format!("{base}{path}")
    } else {
        format!("{base}/{path}")
    }
}

fn strip_fragment(href: &str) -> &str {
    href.split(['#', '?']).next().unwrap_or_default()
}

/// Whether `href` starts with a URI scheme (`https:`, `data:`).
fn has_scheme(href: &str) -> bool {
    match href.split_once(':') {
        Some((scheme, _)) => {
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// `%XX` decoding; `None` if an escape is malformed or the result is not UTF-8.
fn decode(href: &str) -> Option<String> {
    let bytes = href.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Removes `.` and empty components and applies `..`; `None` if the path climbs above the root or is
/// unsafe once decoded.
fn normalize(path: &str) -> Option<String> {
    if is_unsafe(path) {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for component in path.split('/') {
        match component {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names_stay_inside() {
        for good in ["imsmanifest.xml", "items/a.xml", "audio/", "a..b/c.ogg"] {
            assert!(check_entry_name(good).is_ok(), "{good}");
        }
        for bad in [
            "../evil.xml",
            "items/../../evil",
            "/etc/passwd",
            "items\\a.xml",
            "C:/x.xml",
            "a\0b",
        ] {
            assert!(check_entry_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn manifest_hrefs_are_relative_and_decoded() {
        assert_eq!(
            manifest_href("", "items/a%20b.xml").unwrap(),
            "items/a b.xml"
        );
        assert_eq!(manifest_href("items/", "./a.xml#x").unwrap(), "items/a.xml");
        assert_eq!(manifest_href("items", "a.xml").unwrap(), "items/a.xml");
        for bad in [
            "../a.xml",
            "%2e%2e/a.xml",
            "/a.xml",
            "https://example.org/a.xml",
            "items%5ca.xml",
            "",
        ] {
            assert!(manifest_href("", bad).is_err(), "{bad}");
        }
        assert!(manifest_href("../", "a.xml").is_err());
    }

    #[test]
    fn item_sources_resolve_against_the_item() {
        assert_eq!(
            item_source("items/x.xml", "../audio/x.ogg").unwrap(),
            Source::Package("audio/x.ogg".into())
        );
        assert_eq!(
            item_source("x.xml", "audio/x.ogg").unwrap(),
            Source::Package("audio/x.ogg".into())
        );
        assert_eq!(
            item_source("items/x.xml", "https://cdn.example/x.ogg").unwrap(),
            Source::Elsewhere("https://cdn.example/x.ogg".into())
        );
        for bad in ["../../x.ogg", "/x.ogg", "..\\x.ogg", "%2e%2e/%2e%2e/x.ogg"] {
            assert!(item_source("items/x.xml", bad).is_err(), "{bad}");
        }
    }
}
