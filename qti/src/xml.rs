//! XML in and out: parsing within the bounds (no DTD, bounded nesting and node count) and the escaping the
//! writer uses.

use roxmltree::{Document, ParsingOptions};

use crate::{Limits, QtiError};

/// Parses `bytes` (UTF-8, an optional BOM) as XML. Refuses a document type declaration of any kind (so no
/// entity is ever declared or fetched), more than `limits.max_xml_nodes` nodes and nesting deeper than
/// `limits.max_xml_depth`. `file` names the document in errors.
pub(crate) fn parse<'a>(
    file: &str,
    text: &'a str,
    limits: &Limits,
) -> Result<Document<'a>, QtiError> {
    let xml_error = |message: String| QtiError::Xml {
        file: file.to_owned(),
        message,
    };
    if text.contains("<!DOCTYPE") {
        return Err(xml_error(
            "a document type declaration (DTD) is not accepted".into(),
        ));
    }
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: limits.max_xml_nodes,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(|e| xml_error(e.to_string()))?;
    if depth(&doc) > limits.max_xml_depth {
        return Err(QtiError::TooDeep {
            file: file.to_owned(),
            limit: limits.max_xml_depth,
        });
    }
    Ok(doc)
}

/// The text of an XML file: UTF-8 without its byte order mark.
pub(crate) fn text<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, QtiError> {
    let text = std::str::from_utf8(bytes).map_err(|_| QtiError::Xml {
        file: file.to_owned(),
        message: "not UTF-8".into(),
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// The deepest element nesting (the root element is at depth 1), computed without recursion.
fn depth(doc: &Document<'_>) -> usize {
    let mut depths = vec![0usize; doc.descendants().count() + 1];
    let mut deepest = 0;
    for node in doc.descendants().filter(|n| n.is_element()) {
        let parent = node.parent().map_or(0, |p| depths[p.id().get_usize()]);
        let d = parent + 1;
        depths[node.id().get_usize()] = d;
        deepest = deepest.max(d);
    }
    deepest
}

/// `text` escaped for element content. Characters XML 1.0 cannot carry at all become U+FFFD.
pub(crate) fn escape_text(text: &str) -> String {
    escape(text, false)
}

/// `text` escaped for a double- or single-quoted attribute value, with tabs and line breaks kept as
/// character references (a parser would otherwise turn them into spaces).
pub(crate) fn escape_attr(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, attr: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\'' if attr => out.push_str("&apos;"),
            '\t' if attr => out.push_str("&#9;"),
            '\n' if attr => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{fffd}'),
        }
    }
    out
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dtds_and_entities() {
        let limits = Limits::default();
        let laughs = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>"#;
        assert!(matches!(
            parse("f", laughs, &limits),
            Err(QtiError::Xml { .. })
        ));
        let external = r#"<!DOCTYPE x SYSTEM "http://example.org/x.dtd"><x/>"#;
        assert!(matches!(
            parse("f", external, &limits),
            Err(QtiError::Xml { .. })
        ));
        assert!(parse("f", "<x><y/></x>", &limits).is_ok());
    }

    #[test]
    fn bounds_nesting_and_nodes() {
        let limits = Limits {
            max_xml_depth: 10,
            max_xml_nodes: 50,
            ..Limits::default()
        };
        let deep = format!("{}{}", "<a>".repeat(11), "</a>".repeat(11));
        assert_eq!(
            parse("f", &deep, &limits).unwrap_err(),
            QtiError::TooDeep {
                file: "f".into(),
                limit: 10
            }
        );
        let shallow = format!("{}{}", "<a>".repeat(10), "</a>".repeat(10));
        assert!(parse("f", &shallow, &limits).is_ok());
        let wide = format!("<r>{}</r>", "<a/>".repeat(60));
        assert!(matches!(
            parse("f", &wide, &limits),
            Err(QtiError::Xml { .. })
        ));
    }

    #[test]
    fn escaping_round_trips_through_the_parser() {
        let tricky = "<Әке> & \"бала\" 'ұл'\tтаб\nжол\r\u{1}";
        let xml = format!(
            "<x a=\"{}\">{}</x>",
            escape_attr(tricky),
            escape_text(tricky)
        );
        let doc = parse("f", &xml, &Limits::default()).unwrap();
        let root = doc.root_element();
        let expected = tricky.replace('\u{1}', "\u{fffd}");
        assert_eq!(root.attribute("a"), Some(expected.as_str()));
        assert_eq!(root.text(), Some(expected.as_str()));
    }
}
