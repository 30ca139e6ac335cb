//! Response declarations and response processing: what counts as right, and whether the item is scored by
//! a standard template Synaq can reproduce.

use roxmltree::Node;

use super::Problem;

/// One `qti-response-declaration`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Declaration {
    pub identifier: String,
    pub cardinality: String,
    pub base_type: String,
    /// The `qti-correct-response` values, trimmed.
    pub correct: Vec<String>,
    /// The `qti-mapping` entries: key (trimmed) and mapped value.
    pub mapping: Vec<(String, f64)>,
}

/// How an item is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scoring {
    /// No response processing: the declared correct response (and mapping) is the key.
    Declared,
    /// The `match_correct` template.
    MatchCorrect,
    /// The `map_response` template.
    MapResponse,
}

/// The template locations QTI 3.0 documents, without their scheme: both spellings are in use.
const TEMPLATE_BASES: [&str; 2] = [
    "www.imsglobal.org/question/qti_v3p0/rptemplates/",
    "purl.imsglobal.org/spec/qti/v3p0/rptemplates/",
];

/// Reads a `qti-response-declaration`.
pub(crate) fn declaration(node: Node<'_, '_>) -> Result<Declaration, Problem> {
    let identifier = node
        .attribute("identifier")
        .ok_or_else(|| Problem::skip("a response declaration has no identifier"))?;
    let mut decl = Declaration {
        identifier: identifier.to_owned(),
        cardinality: node.attribute("cardinality").unwrap_or("single").to_owned(),
        base_type: node.attribute("base-type").unwrap_or_default().to_owned(),
        correct: Vec::new(),
        mapping: Vec::new(),
    };
    for child in node.children().filter(Node::is_element) {
        match child.tag_name().name() {
            "qti-correct-response" => {
                decl.correct = values(child);
            }
            "qti-mapping" => {
                for entry in child.children().filter(Node::is_element) {
                    let key = entry.attribute("map-key");
                    let value = entry
                        .attribute("mapped-value")
                        .and_then(|v| v.trim().parse::<f64>().ok());
                    match (entry.tag_name().name(), key, value) {
                        ("qti-map-entry", Some(key), Some(value)) => {
                            decl.mapping.push((key.trim().to_owned(), value));
                        }
                        _ => {
                            return Err(Problem::skip(format!(
                                "response {identifier}: a mapping entry is malformed"
                            )));
                        }
                    }
                }
            }
            "qti-default-value" => {}
            other => {
                return Err(Problem::skip(format!(
                    "response {identifier}: <{other}> is not supported"
                )));
            }
        }
    }
    Ok(decl)
}

fn values(node: Node<'_, '_>) -> Vec<String> {
    node.children()
        .filter(|c| c.is_element() && c.tag_name().name() == "qti-value")
        .map(|c| c.text().unwrap_or_default().trim().to_owned())
        .collect()
}

/// How `qti-response-processing` (or its absence) scores the item. A template other than `match_correct` and
/// `map_response`, or rules written out in the item, are reasons to skip it.
pub(crate) fn scoring(processing: Option<Node<'_, '_>>) -> Result<Scoring, Problem> {
    let Some(node) = processing else {
        return Ok(Scoring::Declared);
    };
    if node.children().any(|c| c.is_element()) {
        return Err(Problem::skip(
            "custom response processing is not supported (only the match_correct and map_response templates)",
        ));
    }
    let Some(template) = node.attribute("template") else {
        return Err(Problem::skip(
            "response processing without a template is not supported",
        ));
    };
    match template_name(template) {
        Some("match_correct") => Ok(Scoring::MatchCorrect),
        Some("map_response") => Ok(Scoring::MapResponse),
        _ => Err(Problem::skip(format!(
            "the response processing template {template} is not supported (only match_correct and map_response)"
        ))),
    }
}

/// The name of a standard template (`match_correct`) from its location, in either spelling, over http or
/// https, with or without `.xml`.
fn template_name(location: &str) -> Option<&str> {
    let location = location.trim();
    let rest = location
        .strip_prefix("https://")
        .or_else(|| location.strip_prefix("http://"))?;
    let name = TEMPLATE_BASES.iter().find_map(|b| rest.strip_prefix(b))?;
    Some(name.strip_suffix(".xml").unwrap_or(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scoring_of(xml: &str) -> Result<Scoring, Problem> {
        let doc = roxmltree::Document::parse(xml).unwrap();
        scoring(Some(doc.root_element()))
    }

    #[test]
    fn recognises_both_template_spellings() {
        for location in [
            "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml",
            "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct",
            "http://www.imsglobal.org/question/qti_v3p0/rptemplates/match_correct",
            "https://www.imsglobal.org/question/qti_v3p0/rptemplates/match_correct.xml",
        ] {
            let xml = format!(r#"<qti-response-processing template="{location}"/>"#);
            assert_eq!(scoring_of(&xml), Ok(Scoring::MatchCorrect), "{location}");
        }
        let map = r#"<qti-response-processing template="http://www.imsglobal.org/question/qti_v3p0/rptemplates/map_response.xml"/>"#;
        assert_eq!(scoring_of(map), Ok(Scoring::MapResponse));
        assert_eq!(scoring(None), Ok(Scoring::Declared));
    }

    #[test]
    fn other_processing_is_a_reason() {
        for (xml, reason) in [
            (
                r#"<qti-response-processing template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response_point.xml"/>"#,
                "map_response_point",
            ),
            (
                r#"<qti-response-processing template="https://example.org/rptemplates/match_correct"/>"#,
                "example.org",
            ),
            (
                "<qti-response-processing><qti-response-condition/></qti-response-processing>",
                "custom response processing",
            ),
        ] {
            match scoring_of(xml) {
                Err(Problem::Skip(r)) => assert!(r.contains(reason), "{r}"),
                other => panic!("{xml}: {other:?}"),
            }
        }
    }

    #[test]
    fn reads_a_declaration() {
        let doc = roxmltree::Document::parse(
            r#"<qti-response-declaration identifier="R" cardinality="single" base-type="string">
                 <qti-correct-response><qti-value> кітап </qti-value></qti-correct-response>
                 <qti-mapping default-value="0"><qti-map-entry map-key="kitap" mapped-value="1"/><qti-map-entry map-key="китап" mapped-value="0"/></qti-mapping>
               </qti-response-declaration>"#,
        )
        .unwrap();
        let decl = declaration(doc.root_element()).unwrap();
        assert_eq!(decl.correct, ["кітап"]);
        assert_eq!(decl.mapping, [("kitap".into(), 1.0), ("китап".into(), 0.0)]);
        assert_eq!(decl.base_type, "string");
    }
}
