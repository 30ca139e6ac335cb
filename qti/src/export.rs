//! Writing Synaq items as QTI 3.0: one item's XML, or a content package of items and their media that
//! [`import`](crate::import) reads back into the same items.
//!
//! The package holds `imsmanifest.xml`, `items/<id>.xml` per item, and `audio/<id>.ogg` and
//! `images/<id>.svg` for the items that have them (an item set's shared audio is written once per item).
//! Each item's XML has:
//!
//! - a choice item: a `qti-choice-interaction` (`max-choices="1"`) whose prompt is the stem, the `identifier`
//!   response with the key as correct response, scored by the `match_correct` template;
//! - a text item: a `qti-text-entry-interaction` inside the stem where its `____` gap is (a gap fill), or
//!   in its own paragraph after the stem; the first accepted answer as correct response, every accepted
//!   answer mapped to 1 and every rejected one to 0, scored by the `map_response` template;
//! - a writing item: a `qti-extended-text-interaction` whose prompt is the stem, with `expected-lines` and
//!   `expected-length` when the item gives them, a `string` response, no response processing and the
//!   score declared `external-scored="human"`;
//! - the stimulus in a `div` before the interaction; the transcript in a `qti-rubric-block` for authors;
//!   the audio in an `audio` element; the picture in an `img`;
//! - Synaq's metadata and grading settings as the attributes of [`crate::extension`].
//!
//! Text keeps its line breaks as `<br/>`. As in any HTML, a run of spaces reads back as one space and a
//! line's leading and trailing spaces are not kept.

use std::io::{Cursor, Write};

use item_bank::bank::{Item, ItemType, TextKey};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::QtiError;
use crate::extension::{self, TRANSCRIPT_USE};
use crate::item::GAP;
use crate::manifest::{ITEM_TYPE, MANIFEST};
use crate::xml::{escape_attr, escape_text};

/// An item to export, with the media files it names.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportItem {
    pub item: Item,
    /// The audio `item.audio` names (Ogg Opus or Vorbis). Ignored for an item that names none.
    pub audio: Option<Vec<u8>>,
    /// The picture `item.image` names (SVG). Ignored for an item that names none.
    pub image: Option<Vec<u8>>,
}

const RESPONSE: &str = "RESPONSE";
const MATCH_CORRECT: &str =
    "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml";
const MAP_RESPONSE: &str = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml";

/// The content package of `items`. Fails if an item does not pass its validation, if two items share an
/// id, or if an item names audio or a picture and no bytes are given for it.
pub fn export_package(items: &[ExportItem]) -> Result<Vec<u8>, QtiError> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let mut manifest = String::from(MANIFEST_HEAD);
    for export in items {
        let item = &export.item;
        item.validate()
            .map_err(|e| QtiError::Write(e.to_string()))?;
        let media =
            |named: &Option<String>, bytes: &Option<Vec<u8>>, path: String| match (named, bytes) {
                (None, _) => Ok(None),
                (Some(_), Some(bytes)) => Ok(Some((path, bytes.clone()))),
                (Some(named), None) => Err(QtiError::MissingMedia {
                    item: item.id.clone(),
                    path: named.clone(),
                }),
            };
        let audio = media(&item.audio, &export.audio, audio_path(item))?;
        let image = media(&item.image, &export.image, image_path(item))?;
        let href = format!("items/{}.xml", item.id);
        manifest.push_str(&format!(
            "    <resource identifier=\"{}\" type=\"{ITEM_TYPE}\" href=\"{}\">\n      <file href=\"{}\"/>\n",
            escape_attr(&format!("resource-{}", item.id)),
            escape_attr(&href),
            escape_attr(&href)
        ));
        add(&mut zip, &href, export_item_xml(item).as_bytes(), deflated)?;
        if let Some((path, bytes)) = &audio {
            add(&mut zip, path, bytes, stored)?;
        }
        if let Some((path, bytes)) = &image {
            add(&mut zip, path, bytes, deflated)?;
        }
        for (path, _) in audio.iter().chain(&image) {
            manifest.push_str(&format!("      <file href=\"{}\"/>\n", escape_attr(path)));
        }
        manifest.push_str("    </resource>\n");
    }
    manifest.push_str("  </resources>\n</manifest>\n");
    add(&mut zip, MANIFEST, manifest.as_bytes(), deflated)?;
    let cursor = zip.finish().map_err(|e| QtiError::Write(e.to_string()))?;
    Ok(cursor.into_inner())
}

fn add(
    zip: &mut ZipWriter<Cursor<Vec<u8>>>,
    name: &str,
    bytes: &[u8],
    options: SimpleFileOptions,
) -> Result<(), QtiError> {
    zip.start_file(name, options)
        .and_then(|()| zip.write_all(bytes).map_err(Into::into))
        .map_err(|e| QtiError::Write(format!("{name}: {e}")))
}

const MANIFEST_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1 https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd"
  identifier="synaq-export">
  <metadata>
    <schema>QTI Package</schema>
    <schemaversion>3.0.0</schemaversion>
  </metadata>
  <organizations/>
  <resources>
"#;

fn audio_path(item: &Item) -> String {
    format!("audio/{}.ogg", item.id)
}

fn image_path(item: &Item) -> String {
    format!("images/{}.svg", item.id)
}

/// One item as a `qti-assessment-item` document, as it is stored in a package at `items/<id>.xml` (media
/// sources point to `../audio/<id>.ogg` and `../images/<id>.svg`).
pub fn export_item_xml(item: &Item) -> String {
    let mut x = String::new();
    x.push_str(&format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsglobal.org/xsd/imsqtiasi_v3p0 https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0p1_v1p0.xsd"
  identifier="{id}" title="{id}" adaptive="false" time-dependent="false" xml:lang="kk">
"#,
        id = escape_attr(&item.id)
    ));
    let choice_ids = choice_ids(item);
    let template = match (item.item_type, &item.text_key) {
        (ItemType::Writing, _) => {
            x.push_str(&format!(
                "  <qti-response-declaration identifier=\"{RESPONSE}\" cardinality=\"single\" base-type=\"string\"/>\n"
            ));
            None
        }
        (kind, Some(key)) if kind.is_text() => {
            text_declaration(&mut x, key);
            Some(MAP_RESPONSE)
        }
        _ => {
            let key = item.key.as_deref().unwrap_or_default();
            let qti_key = item
                .options
                .iter()
                .zip(&choice_ids)
                .find(|(o, _)| o.id == key)
                .map_or("", |(_, id)| id.as_str());
            x.push_str(&format!(
                "  <qti-response-declaration identifier=\"{RESPONSE}\" cardinality=\"single\" base-type=\"identifier\">\n    <qti-correct-response><qti-value>{}</qti-value></qti-correct-response>\n  </qti-response-declaration>\n",
                escape_text(qti_key)
            ));
            Some(MATCH_CORRECT)
        }
    };
    // A writing item is scored by people: QTI says so on the outcome, and it has no response processing.
    let scored_by = if template.is_none() {
        " external-scored=\"human\""
    } else {
        ""
    };
    x.push_str(&format!("  <qti-outcome-declaration identifier=\"SCORE\" cardinality=\"single\" base-type=\"float\"{scored_by}/>\n"));
    x.push_str(&format!(
        "  <qti-item-body{}>\n",
        attributes(&metadata(item))
    ));
    if let Some(stimulus) = &item.stimulus {
        x.push_str(&format!(
            "    <div class=\"synaq-stimulus\"><p>{}</p></div>\n",
            inline(stimulus)
        ));
    }
    if let Some(transcript) = &item.transcript {
        x.push_str(&format!(
            "    <qti-rubric-block use=\"{TRANSCRIPT_USE}\" view=\"author\"><qti-content-body><p>{}</p></qti-content-body></qti-rubric-block>\n",
            inline(transcript)
        ));
    }
    if item.audio.is_some() {
        x.push_str(&format!(
            "    <div class=\"synaq-audio\"><audio controls=\"controls\"><source src=\"../{}\" type=\"audio/ogg\"/></audio></div>\n",
            escape_attr(&audio_path(item))
        ));
    }
    if item.image.is_some() {
        x.push_str(&format!(
            "    <div class=\"synaq-image\"><img src=\"../{}\" alt=\"\"/></div>\n",
            escape_attr(&image_path(item))
        ));
    }
    match (item.item_type, &item.text_key) {
        (ItemType::Writing, _) => writing_interaction(&mut x, item),
        (kind, Some(key)) if kind.is_text() => text_interaction(&mut x, item, key),
        _ => {
            x.push_str(&format!(
                "    <qti-choice-interaction response-identifier=\"{RESPONSE}\" max-choices=\"1\" shuffle=\"true\">\n      <qti-prompt>{}</qti-prompt>\n",
                inline(&item.stem)
            ));
            for (option, id) in item.options.iter().zip(&choice_ids) {
                x.push_str(&format!(
                    "      <qti-simple-choice identifier=\"{}\">{}</qti-simple-choice>\n",
                    escape_attr(id),
                    inline(&option.text)
                ));
            }
            x.push_str("    </qti-choice-interaction>\n");
        }
    }
    x.push_str("  </qti-item-body>\n");
    if let Some(template) = template {
        x.push_str(&format!(
            "  <qti-response-processing template=\"{template}\"/>\n"
        ));
    }
    x.push_str("</qti-assessment-item>\n");
    x
}

/// The QTI identifiers of a choice item's options: their own ids if all are QTI identifiers
/// (`[A-Za-z_][A-Za-z0-9_.-]*`), otherwise `choice-1`, `choice-2`, ….
fn choice_ids(item: &Item) -> Vec<String> {
    let is_identifier = |id: &str| {
        id.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    };
    if item.options.iter().all(|o| is_identifier(&o.id)) {
        item.options.iter().map(|o| o.id.clone()).collect()
    } else {
        (1..=item.options.len())
            .map(|i| format!("choice-{i}"))
            .collect()
    }
}

/// A writing task: its prompt and, where the item gives them, the answer box's lines and expected length.
fn writing_interaction(x: &mut String, item: &Item) {
    let spec = item.writing.unwrap_or_default();
    let mut sizes = String::new();
    if let Some(lines) = spec.expected_lines {
        sizes.push_str(&format!(" expected-lines=\"{lines}\""));
    }
    if let Some(length) = spec.expected_length {
        sizes.push_str(&format!(" expected-length=\"{length}\""));
    }
    x.push_str(&format!(
        "    <qti-extended-text-interaction response-identifier=\"{RESPONSE}\"{sizes}>\n      <qti-prompt>{}</qti-prompt>\n    </qti-extended-text-interaction>\n",
        inline(&item.stem)
    ));
}

fn text_declaration(x: &mut String, key: &TextKey) {
    x.push_str(&format!(
        "  <qti-response-declaration identifier=\"{RESPONSE}\" cardinality=\"single\" base-type=\"string\">\n"
    ));
    if let Some(first) = key.accept.first() {
        x.push_str(&format!(
            "    <qti-correct-response><qti-value>{}</qti-value></qti-correct-response>\n",
            escape_text(first)
        ));
    }
    x.push_str("    <qti-mapping default-value=\"0\" lower-bound=\"0\" upper-bound=\"1\">\n");
    for (answer, value) in key
        .accept
        .iter()
        .map(|a| (a, 1))
        .chain(key.reject.iter().map(|r| (r, 0)))
    {
        x.push_str(&format!(
            "      <qti-map-entry map-key=\"{}\" mapped-value=\"{value}\"/>\n",
            escape_attr(answer)
        ));
    }
    x.push_str("    </qti-mapping>\n  </qti-response-declaration>\n");
}

fn text_interaction(x: &mut String, item: &Item, key: &TextKey) {
    let entry = format!(
        "<qti-text-entry-interaction response-identifier=\"{RESPONSE}\"{}/>",
        attributes(&extension::text_attributes(item.item_type, key))
    );
    match item.stem.split_once(GAP) {
        Some((before, after)) if item.item_type == ItemType::GapFill => {
            x.push_str(&format!(
                "    <p class=\"synaq-stem\">{}{entry}{}</p>\n",
                inline(before),
                inline(after)
            ));
        }
        _ => {
            x.push_str(&format!(
                "    <p class=\"synaq-stem\">{}</p>\n",
                inline(&item.stem)
            ));
            x.push_str(&format!("    <p>{entry}</p>\n"));
        }
    }
}

/// Synaq's metadata attributes for `qti-item-body`.
fn metadata(item: &Item) -> Vec<(&'static str, String)> {
    let mut out = vec![
        (extension::SECTION, item.section.clone()),
        (extension::LEVEL, extension::name_of(&item.level)),
        (extension::TOPIC, item.topic.clone()),
    ];
    if let Some(set) = &item.set {
        out.push((extension::SET, set.clone()));
    }
    if !item.enemies.is_empty() {
        out.push((extension::ENEMIES, item.enemies.join(" ")));
    }
    if item.pretest {
        out.push((extension::PRETEST, "true".into()));
    }
    out.extend(extension::irt_attributes(&item.irt));
    out
}

fn attributes(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!(" {name}=\"{}\"", escape_attr(value)))
        .collect()
}

/// Text as inline XML: escaped, each line break a `<br/>`.
fn inline(text: &str) -> String {
    text.split('\n')
        .map(escape_text)
        .collect::<Vec<_>>()
        .join("<br/>")
}
