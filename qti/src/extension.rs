//! Synaq's extension to QTI 3.0: what a Synaq item carries that QTI has no element for, written by the
//! exporter and read by the importer, as the HTML `data-*` attributes QTI 3.0 allows on item-body content.
//! An item without them imports with the documented defaults; other tools ignore them.
//!
//! On `qti-item-body`:
//!
//! | attribute | value |
//! |---|---|
//! | `data-synaq-section` | the blueprint section (`reading`, `listening`, …) |
//! | `data-synaq-level` | `A1` … `C1` |
//! | `data-synaq-topic` | the topic |
//! | `data-synaq-set` | the item set |
//! | `data-synaq-enemies` | enemy item ids, separated by spaces |
//! | `data-synaq-pretest` | `true` for a pretest item |
//! | `data-synaq-irt-model` | `rasch`, `2pl`, `3pl`, `gpcm`, `grm`; the other `irt` attributes need it |
//! | `data-synaq-irt-parameterization` | `a(theta-b)` (default) or `a*theta+d` |
//! | `data-synaq-irt-scaling` | the scaling constant D (default 1) |
//! | `data-synaq-irt-a` | the slope (default 1) |
//! | `data-synaq-irt-locations` | `b` (or `d`) values, separated by spaces |
//! | `data-synaq-irt-c` | the 3PL lower asymptote (default 0) |
//! | `data-synaq-irt-status` | `provisional` (default) or `calibrated` |
//!
//! On `qti-text-entry-interaction`:
//!
//! | attribute | value |
//! |---|---|
//! | `data-synaq-type` | `gap_fill` or `short_answer` (otherwise told by the layout: a gap inside a sentence is a gap fill) |
//! | `data-synaq-policy` | `exact`, `standard` (default) or `lenient` |
//! | `data-synaq-fold-credit` | credit of a keyboard-fold match under `lenient`, `0`…`1` (default 0.5) |
//! | `data-synaq-fold-review` | `true` to flag fold matches for review |
//!
//! A listening item's transcript is a standard `qti-rubric-block` with `use="transcript"` and
//! `view="author"`: authors and reviewers read it, candidates never see it.

use item_bank::bank::{ItemIrt, ItemType, Level, MatchPolicy, ParamStatus, TextKey};
use item_bank::irt::{ItemModel, ItemParams, Parameterization};
use serde::{Serialize, de::DeserializeOwned};

pub(crate) const SECTION: &str = "data-synaq-section";
pub(crate) const LEVEL: &str = "data-synaq-level";
pub(crate) const TOPIC: &str = "data-synaq-topic";
pub(crate) const SET: &str = "data-synaq-set";
pub(crate) const ENEMIES: &str = "data-synaq-enemies";
pub(crate) const PRETEST: &str = "data-synaq-pretest";
const IRT_MODEL: &str = "data-synaq-irt-model";
const IRT_PARAMETERIZATION: &str = "data-synaq-irt-parameterization";
const IRT_SCALING: &str = "data-synaq-irt-scaling";
const IRT_A: &str = "data-synaq-irt-a";
const IRT_LOCATIONS: &str = "data-synaq-irt-locations";
const IRT_C: &str = "data-synaq-irt-c";
const IRT_STATUS: &str = "data-synaq-irt-status";
pub(crate) const TYPE: &str = "data-synaq-type";
const POLICY: &str = "data-synaq-policy";
const FOLD_CREDIT: &str = "data-synaq-fold-credit";
const FOLD_REVIEW: &str = "data-synaq-fold-review";
/// The `use` of the rubric block that holds a transcript.
pub(crate) const TRANSCRIPT_USE: &str = "transcript";

/// A value's name as serde writes it (`A1`, `3pl`, `gap_fill`).
pub(crate) fn name_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => unreachable!("the extension only names unit enum variants"),
    }
}

/// The value a name denotes, as serde reads it; `None` for an unknown name.
pub(crate) fn from_name<T: DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.trim().to_owned())).ok()
}

fn parse_named<T: DeserializeOwned>(attribute: &str, value: &str) -> Result<T, String> {
    from_name(value).ok_or_else(|| format!("{attribute}={value:?} is not a known value"))
}

fn parse_number(attribute: &str, value: &str) -> Result<f64, String> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("{attribute}={value:?} is not a number"))
}

fn parse_bool(attribute: &str, value: &str) -> Result<bool, String> {
    match value.trim() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("{attribute}={value:?} is neither true nor false")),
    }
}

/// The attributes of `qti-item-body` that describe an item's IRT parameters.
pub(crate) fn irt_attributes(irt: &ItemIrt) -> Vec<(&'static str, String)> {
    let p = &irt.params;
    let locations: Vec<String> = p.locations().iter().map(f64::to_string).collect();
    let mut out = vec![
        (IRT_MODEL, name_of(&p.model())),
        (IRT_PARAMETERIZATION, name_of(&p.parameterization())),
        (IRT_SCALING, p.scaling().to_string()),
        (IRT_A, p.a().to_string()),
        (IRT_LOCATIONS, locations.join(" ")),
    ];
    if p.model() == ItemModel::ThreePl {
        out.push((IRT_C, p.c().to_string()));
    }
    out.push((IRT_STATUS, name_of(&irt.status)));
    out
}

/// The IRT parameters the attributes of `node` give, `None` if it has no `data-synaq-irt-model`.
pub(crate) fn read_irt(node: roxmltree::Node<'_, '_>) -> Result<Option<ItemIrt>, String> {
    let Some(model) = node.attribute(IRT_MODEL) else {
        return Ok(None);
    };
    let model: ItemModel = parse_named(IRT_MODEL, model)?;
    let parameterization = match node.attribute(IRT_PARAMETERIZATION) {
        Some(v) => parse_named(IRT_PARAMETERIZATION, v)?,
        None => Parameterization::Difficulty,
    };
    let number = |attribute: &str, default: f64| {
        node.attribute(attribute)
            .map_or(Ok(default), |v| parse_number(attribute, v))
    };
    let locations = node
        .attribute(IRT_LOCATIONS)
        .ok_or_else(|| format!("{IRT_MODEL} needs {IRT_LOCATIONS}"))?
        .split_whitespace()
        .map(|v| parse_number(IRT_LOCATIONS, v))
        .collect::<Result<Vec<f64>, String>>()?;
    let params = ItemParams::new(
        model,
        parameterization,
        number(IRT_SCALING, 1.0)?,
        number(IRT_A, 1.0)?,
        locations,
        number(IRT_C, 0.0)?,
    )
    .map_err(|e| format!("IRT parameters: {e}"))?;
    let status = match node.attribute(IRT_STATUS) {
        Some(v) => parse_named(IRT_STATUS, v)?,
        None => ParamStatus::Provisional,
    };
    Ok(Some(ItemIrt { params, status }))
}

/// The level `data-synaq-level` names, if present.
pub(crate) fn read_level(node: roxmltree::Node<'_, '_>) -> Result<Option<Level>, String> {
    node.attribute(LEVEL)
        .map(|v| parse_named(LEVEL, v))
        .transpose()
}

/// The item type `data-synaq-type` names on a text-entry interaction, if present; only text types.
pub(crate) fn read_text_type(node: roxmltree::Node<'_, '_>) -> Result<Option<ItemType>, String> {
    match node
        .attribute(TYPE)
        .map(|v| parse_named(TYPE, v))
        .transpose()?
    {
        Some(ItemType::SingleChoice) => Err(format!("{TYPE}=single_choice on a text entry")),
        text_type => Ok(text_type),
    }
}

/// The attributes of a text-entry interaction that carry `key`'s grading settings and the item type.
pub(crate) fn text_attributes(item_type: ItemType, key: &TextKey) -> Vec<(&'static str, String)> {
    vec![
        (TYPE, item_type.as_str().to_owned()),
        (POLICY, name_of(&key.policy)),
        (FOLD_CREDIT, key.fold_credit.to_string()),
        (FOLD_REVIEW, key.fold_review.to_string()),
    ]
}

/// A text key with `accept` and `reject` and the grading settings the attributes of `node` give
/// (`standard`, 0.5, no review when absent).
pub(crate) fn read_text_key(
    node: roxmltree::Node<'_, '_>,
    accept: Vec<String>,
    reject: Vec<String>,
) -> Result<TextKey, String> {
    let policy: MatchPolicy = match node.attribute(POLICY) {
        Some(v) => parse_named(POLICY, v)?,
        None => MatchPolicy::Standard,
    };
    let mut key = TextKey::new(accept, policy);
    key.reject = reject;
    if let Some(v) = node.attribute(FOLD_CREDIT) {
        key.fold_credit = parse_number(FOLD_CREDIT, v)?;
    }
    if let Some(v) = node.attribute(FOLD_REVIEW) {
        key.fold_review = parse_bool(FOLD_REVIEW, v)?;
    }
    Ok(key)
}

/// Whether `data-synaq-pretest` says so.
pub(crate) fn read_pretest(node: roxmltree::Node<'_, '_>) -> Result<bool, String> {
    node.attribute(PRETEST)
        .map_or(Ok(false), |v| parse_bool(PRETEST, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node_with(attributes: &[(&str, String)]) -> String {
        let attrs: String = attributes
            .iter()
            .map(|(k, v)| format!(" {k}=\"{}\"", crate::xml::escape_attr(v)))
            .collect();
        format!("<x{attrs}/>")
    }

    #[test]
    fn irt_parameters_round_trip_exactly() {
        for params in [
            ItemParams::three_pl(1.1, -1.8, 0.25).unwrap(),
            ItemParams::two_pl(0.1 + 0.2, 1e-7),
            ItemParams::rasch(0.5),
            ItemParams::gpcm(0.9, vec![-1.0, 0.3, 1.1]).unwrap(),
            ItemParams::new(
                ItemModel::ThreePl,
                Parameterization::Intercept,
                1.702,
                1.2,
                vec![0.4],
                0.2,
            )
            .unwrap(),
        ] {
            let irt = ItemIrt {
                params,
                status: ParamStatus::Calibrated,
            };
            let xml = node_with(&irt_attributes(&irt));
            let doc = roxmltree::Document::parse(&xml).unwrap();
            assert_eq!(read_irt(doc.root_element()).unwrap(), Some(irt));
        }
    }

    #[test]
    fn bad_irt_attributes_are_reasons() {
        for xml in [
            r#"<x data-synaq-irt-model="4pl" data-synaq-irt-locations="0"/>"#,
            r#"<x data-synaq-irt-model="2pl"/>"#,
            r#"<x data-synaq-irt-model="2pl" data-synaq-irt-a="-1" data-synaq-irt-locations="0"/>"#,
            r#"<x data-synaq-irt-model="2pl" data-synaq-irt-locations="zero"/>"#,
        ] {
            let doc = roxmltree::Document::parse(xml).unwrap();
            assert!(read_irt(doc.root_element()).is_err(), "{xml}");
        }
        let none = roxmltree::Document::parse("<x/>").unwrap();
        assert_eq!(read_irt(none.root_element()), Ok(None));
    }

    #[test]
    fn text_settings_default_to_standard() {
        let doc = roxmltree::Document::parse("<x/>").unwrap();
        let key = read_text_key(doc.root_element(), vec!["а".into()], vec![]).unwrap();
        assert_eq!(key, TextKey::new(vec!["а".into()], MatchPolicy::Standard));
        let mut lenient = TextKey::new(vec!["б".into()], MatchPolicy::Lenient);
        lenient.fold_credit = 0.25;
        lenient.fold_review = true;
        let xml = node_with(&text_attributes(ItemType::GapFill, &lenient));
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let read = read_text_key(doc.root_element(), vec!["б".into()], vec![]).unwrap();
        assert_eq!(read, lenient);
        assert_eq!(
            read_text_type(doc.root_element()),
            Ok(Some(ItemType::GapFill))
        );
        let choice = roxmltree::Document::parse(r#"<x data-synaq-type="single_choice"/>"#).unwrap();
        assert!(read_text_type(choice.root_element()).is_err());
    }
}
