//! One `qti-assessment-item` read into a Synaq item (or a writing prompt), or a reason why not.
//!
//! Supported: one answered interaction (choice with one correct choice, text entry, extended text), at most
//! one audio (media interaction, `audio`, or an audio `object`) and one SVG picture, scored by no response
//! processing, `match_correct` or `map_response`. Everything else is a reason to skip the whole item.

mod body;
mod response;

use item_bank::bank::{ChoiceOption, Item, ItemIrt, ItemType, Level, TextKey, WritingSpec};
use roxmltree::Node;

use crate::audio::{AudioInfo, probe_ogg};
use crate::extension;
use crate::package::Files;
use crate::path::{Source, item_source};
use crate::{Limits, QtiError};
use body::{Block, Paragraph};
use response::{Declaration, Scoring};

pub(crate) use body::GAP;

/// Why an item is not imported: a reason (the item is skipped) or an error that stops the whole import.
#[derive(Debug, PartialEq)]
pub(crate) enum Problem {
    Skip(String),
    Fatal(QtiError),
}

impl Problem {
    pub(crate) fn skip(reason: impl Into<String>) -> Self {
        Problem::Skip(reason.into())
    }
}

impl From<QtiError> for Problem {
    fn from(e: QtiError) -> Self {
        Problem::Fatal(e)
    }
}

/// The level an item without `data-synaq-level` gets.
pub const DEFAULT_LEVEL: Level = Level::A1;
/// The section a writing item without `data-synaq-section` gets.
pub const WRITING_SECTION: &str = "writing";
/// The topic an item without `data-synaq-topic` gets.
pub const DEFAULT_TOPIC: &str = "unclassified";

/// An item as read, before the importer gives it its id.
#[derive(Debug)]
pub(crate) struct Draft {
    pub item: Item,
    pub audio: Option<(Vec<u8>, AudioInfo)>,
    pub image: Option<Vec<u8>>,
    /// QTI choice identifiers and the option ids they became.
    pub choice_ids: Vec<(String, String)>,
}

/// Reads the item `root` (the document element of `path`); media it names are read through `files`.
pub(crate) fn read(
    root: Node<'_, '_>,
    path: &str,
    files: &mut dyn Files,
    limits: &Limits,
) -> Result<Draft, Problem> {
    match root.tag_name().name() {
        "qti-assessment-item" => {}
        "assessmentItem" => {
            return Err(Problem::skip(
                "QTI 2 items are not supported (only QTI 3.0)",
            ));
        }
        other => {
            return Err(Problem::skip(format!(
                "<{other}> is not a qti-assessment-item"
            )));
        }
    }
    if root.attribute("adaptive") == Some("true") {
        return Err(Problem::skip("adaptive items are not supported"));
    }
    let mut declarations = Vec::new();
    let mut item_body = None;
    let mut processing = None;
    for child in root.children().filter(Node::is_element) {
        match child.tag_name().name() {
            "qti-response-declaration" => declarations.push(response::declaration(child)?),
            "qti-outcome-declaration" | "qti-stylesheet" | "qti-catalog-info" => {}
            "qti-item-body" => item_body = Some(child),
            "qti-response-processing" => processing = Some(child),
            name @ ("qti-template-declaration" | "qti-template-processing") => {
                return Err(Problem::skip(format!(
                    "templates ({name}) are not supported"
                )));
            }
            "qti-modal-feedback" => {
                return Err(Problem::skip(
                    "feedback (qti-modal-feedback) is not supported",
                ));
            }
            "qti-assessment-stimulus-ref" => {
                return Err(Problem::skip(
                    "shared stimuli (qti-assessment-stimulus-ref) are not supported",
                ));
            }
            other => return Err(Problem::skip(format!("<{other}> is not supported"))),
        }
    }
    let item_body = item_body.ok_or_else(|| Problem::skip("the item has no qti-item-body"))?;
    let scoring = response::scoring(processing)?;
    let body = body::read(item_body)?;
    let (index, interaction) = the_interaction(&body.blocks)?;
    let (before, after) = around(&body.blocks, index);
    let meta = Meta::read(item_body)?;
    let declaration = |node: Node<'_, '_>| -> Result<&Declaration, Problem> {
        let id = node.attribute("response-identifier").unwrap_or_default();
        declarations
            .iter()
            .find(|d| d.identifier == id)
            .ok_or_else(|| Problem::skip(format!("no response declaration for {id:?}")))
    };
    let (node, paragraph) = interaction;
    let mut choice_ids = Vec::new();
    let mut item = match node.tag_name().name() {
        "qti-extended-text-interaction" => writing(node, before, after, &meta)?,
        "qti-choice-interaction" => {
            let (item, ids) = choice(node, declaration(node)?, scoring, before, after, &meta)?;
            choice_ids = ids;
            item
        }
        _ => text_entry(node, paragraph, declaration(node)?, before, after, &meta)?,
    };
    item.transcript = body.transcript;
    let audio = match body.audio.as_slice() {
        [] => None,
        [sources] => Some(audio(sources, path, files, limits)?),
        _ => {
            return Err(Problem::skip(
                "several audio files in one item are not supported",
            ));
        }
    };
    if audio.is_some() && item.transcript.is_none() {
        return Err(Problem::skip(
            "audio without a transcript: add a qti-rubric-block use=\"transcript\" view=\"author\"",
        ));
    }
    let image = match body.images.as_slice() {
        [] => None,
        [src] => Some(picture(src, path, files)?),
        _ => {
            return Err(Problem::skip(
                "several pictures in one item are not supported",
            ));
        }
    };
    if meta.section.is_none() {
        item.section = if item.item_type == ItemType::Writing {
            WRITING_SECTION
        } else if audio.is_some() {
            "listening"
        } else {
            "reading"
        }
        .to_owned();
    }
    Ok(Draft {
        item,
        audio,
        image,
        choice_ids,
    })
}

/// The one answered interaction and its place among the blocks.
fn the_interaction<'b, 'a, 'i>(
    blocks: &'b [Block<'a, 'i>],
) -> Result<(usize, (Node<'a, 'i>, Option<&'b Paragraph>)), Problem> {
    let mut found = blocks.iter().enumerate().filter_map(|(i, b)| match b {
        Block::Interaction(node, paragraph) => Some((i, (*node, paragraph.as_ref()))),
        Block::Text(_) => None,
    });
    let first = found.next().ok_or_else(|| {
        Problem::skip("the item has no choice, text entry or extended text interaction")
    })?;
    if found.next().is_some() {
        return Err(body::several_interactions());
    }
    Ok(first)
}

/// The rendered paragraphs before and after block `index`.
fn around(blocks: &[Block<'_, '_>], index: usize) -> (Vec<String>, Vec<String>) {
    let text = |blocks: &[Block<'_, '_>]| {
        blocks
            .iter()
            .filter_map(|b| match b {
                Block::Text(p) => Some(p.render()),
                Block::Interaction(..) => None,
            })
            .collect()
    };
    (text(&blocks[..index]), text(&blocks[index + 1..]))
}

/// The stem and stimulus of an item whose question is `prompt`, or (without one) the last paragraph before
/// the interaction. Every other paragraph is the stimulus.
fn stem_and_stimulus(
    prompt: Option<String>,
    mut before: Vec<String>,
    after: Vec<String>,
) -> Result<(String, Option<String>), Problem> {
    let stem = match prompt.filter(|p| !p.trim().is_empty()) {
        Some(prompt) => prompt,
        None => before
            .pop()
            .ok_or_else(|| Problem::skip("the item has no question text"))?,
    };
    before.extend(after);
    let stimulus = before.join("\n");
    Ok((stem, (!stimulus.trim().is_empty()).then_some(stimulus)))
}

/// The item fields that do not depend on the interaction: metadata and provisional defaults.
fn draft_item(meta: &Meta, item_type: ItemType, stem: String, stimulus: Option<String>) -> Item {
    Item {
        id: String::new(),
        version: 1,
        section: meta.section.clone().unwrap_or_default(),
        level: meta.level.unwrap_or(DEFAULT_LEVEL),
        topic: meta
            .topic
            .clone()
            .unwrap_or_else(|| DEFAULT_TOPIC.to_owned()),
        item_type,
        stem,
        stimulus,
        transcript: None,
        audio: None,
        image: None,
        options: Vec::new(),
        key: None,
        text_key: None,
        writing: None,
        irt: ItemIrt::provisional(0),
        set: meta.set.clone(),
        enemies: meta.enemies.clone(),
        pretest: meta.pretest,
    }
}

fn expect_declaration(decl: &Declaration, base_type: &str) -> Result<(), Problem> {
    if decl.cardinality != "single" {
        return Err(Problem::skip(format!(
            "response {}: cardinality {} is not supported (only single)",
            decl.identifier, decl.cardinality
        )));
    }
    if decl.base_type != base_type {
        return Err(Problem::skip(format!(
            "response {}: base-type {:?} is not supported here (only {base_type})",
            decl.identifier, decl.base_type
        )));
    }
    Ok(())
}

type ChoiceIds = Vec<(String, String)>;

fn choice(
    node: Node<'_, '_>,
    decl: &Declaration,
    scoring: Scoring,
    before: Vec<String>,
    after: Vec<String>,
    meta: &Meta,
) -> Result<(Item, ChoiceIds), Problem> {
    expect_declaration(decl, "identifier")?;
    let max = node.attribute("max-choices").unwrap_or("1").trim();
    if max != "1" {
        return Err(Problem::skip(format!(
            "max-choices={max} is not supported (only single choice, max-choices=1)"
        )));
    }
    let mut prompt = None;
    let mut choices = Vec::new();
    for child in node.children().filter(Node::is_element) {
        match child.tag_name().name() {
            "qti-prompt" => prompt = Some(body::text_of(child)?),
            "qti-simple-choice" => {
                if child.attribute("template-identifier").is_some() {
                    return Err(Problem::skip(
                        "templates (template-identifier) are not supported",
                    ));
                }
                let id = child
                    .attribute("identifier")
                    .ok_or_else(|| Problem::skip("a choice has no identifier"))?;
                choices.push((id.to_owned(), body::text_of(child)?));
            }
            other => {
                return Err(Problem::skip(format!(
                    "<{other}> in a choice interaction is not supported"
                )));
            }
        }
    }
    let correct = match (scoring, decl.correct.as_slice()) {
        (Scoring::MapResponse, []) => positive_keys(decl),
        _ => decl.correct.clone(),
    };
    let key = match correct.as_slice() {
        [key] => key.clone(),
        [] => return Err(Problem::skip("the choice has no correct response")),
        _ => {
            return Err(Problem::skip(format!(
                "{} correct answers: only single choice with one correct answer is supported",
                correct.len()
            )));
        }
    };
    let ids: ChoiceIds = choices
        .iter()
        .enumerate()
        .map(|(i, (qti, _))| (qti.clone(), option_id(i)))
        .collect();
    let synaq_key = ids
        .iter()
        .find(|(qti, _)| *qti == key)
        .map(|(_, id)| id.clone())
        .ok_or_else(|| Problem::skip(format!("the correct response {key:?} names no choice")))?;
    let (stem, stimulus) = stem_and_stimulus(prompt, before, after)?;
    let mut item = draft_item(meta, ItemType::SingleChoice, stem, stimulus);
    item.options = choices
        .into_iter()
        .zip(&ids)
        .map(|((_, text), (_, id))| ChoiceOption {
            id: id.clone(),
            text,
        })
        .collect();
    item.key = Some(synaq_key);
    item.irt = ItemIrt::provisional(item.options.len().max(2));
    if let Some(irt) = &meta.irt {
        item.irt = irt.clone();
    }
    Ok((item, ids))
}

/// Synaq's option id for the `i`-th choice: `a`, `b`, …, then `o27`, … (more than six options fails the
/// item's validation anyway).
fn option_id(i: usize) -> String {
    match u8::try_from(i).ok().filter(|i| *i < 26) {
        Some(i) => char::from(b'a' + i).to_string(),
        None => format!("o{}", i + 1),
    }
}

/// The mapping keys with a positive mapped value, in order.
fn positive_keys(decl: &Declaration) -> Vec<String> {
    decl.mapping
        .iter()
        .filter(|(_, v)| *v > 0.0)
        .map(|(k, _)| k.clone())
        .collect()
}

fn text_entry(
    node: Node<'_, '_>,
    paragraph: Option<&Paragraph>,
    decl: &Declaration,
    mut before: Vec<String>,
    after: Vec<String>,
    meta: &Meta,
) -> Result<Item, Problem> {
    expect_declaration(decl, "string")?;
    let paragraph = paragraph.expect("a text entry is read with its paragraph");
    let inline = paragraph.has_text_around_gap();
    let item_type = extension::read_text_type(node)
        .map_err(Problem::Skip)?
        .unwrap_or(if inline {
            ItemType::GapFill
        } else {
            ItemType::ShortAnswer
        });
    let (stem, stimulus) = if inline {
        before.extend(after);
        let stimulus = before.join("\n");
        (
            paragraph.render(),
            (!stimulus.is_empty()).then_some(stimulus),
        )
    } else {
        stem_and_stimulus(None, before, after)?
    };
    let mut accept: Vec<String> = Vec::new();
    for answer in decl.correct.iter().chain(&positive_keys(decl)) {
        if !accept.contains(answer) {
            accept.push(answer.clone());
        }
    }
    let reject = decl
        .mapping
        .iter()
        .filter(|(k, v)| *v <= 0.0 && !accept.contains(k))
        .map(|(k, _)| k.clone())
        .collect();
    let key: TextKey = extension::read_text_key(node, accept, reject).map_err(Problem::Skip)?;
    let mut item = draft_item(meta, item_type, stem, stimulus);
    item.text_key = Some(key);
    if let Some(irt) = &meta.irt {
        item.irt = irt.clone();
    }
    Ok(item)
}

fn writing(
    node: Node<'_, '_>,
    before: Vec<String>,
    after: Vec<String>,
    meta: &Meta,
) -> Result<Item, Problem> {
    let mut prompt = None;
    for child in node.children().filter(Node::is_element) {
        match child.tag_name().name() {
            "qti-prompt" => prompt = Some(body::text_of(child)?),
            other => {
                return Err(Problem::skip(format!(
                    "<{other}> in an extended text interaction is not supported"
                )));
            }
        }
    }
    let (prompt, stimulus) = stem_and_stimulus(prompt, before, after)?;
    let number = |name: &str| -> Result<Option<u32>, Problem> {
        node.attribute(name)
            .map(|v| {
                v.trim()
                    .parse()
                    .map_err(|_| Problem::skip(format!("{name}={v:?} is not a whole number")))
            })
            .transpose()
    };
    let mut item = draft_item(meta, ItemType::Writing, prompt, stimulus);
    let spec = WritingSpec {
        expected_lines: number("expected-lines")?,
        expected_length: number("expected-length")?,
    };
    item.writing = (spec != WritingSpec::default()).then_some(spec);
    if let Some(irt) = &meta.irt {
        item.irt = irt.clone();
    }
    Ok(item)
}

/// The first source of an audio element that is Ogg Opus or Vorbis (by its content).
fn audio(
    sources: &[&str],
    path: &str,
    files: &mut dyn Files,
    limits: &Limits,
) -> Result<(Vec<u8>, AudioInfo), Problem> {
    let mut last_reason = "the audio element has no source".to_owned();
    for src in sources {
        let bytes = match package_file(src, path, files)? {
            Ok(bytes) => bytes,
            Err(reason) => {
                last_reason = reason;
                continue;
            }
        };
        if bytes.len() as u64 > limits.max_audio_bytes {
            last_reason = format!(
                "audio {src} is larger than {} bytes",
                limits.max_audio_bytes
            );
            continue;
        }
        match probe_ogg(&bytes) {
            Ok(info) => return Ok((bytes, info)),
            Err(e) => last_reason = format!("audio {src} is not Ogg Opus or Ogg Vorbis: {e}"),
        }
    }
    Err(Problem::Skip(last_reason))
}

fn picture(src: &str, path: &str, files: &mut dyn Files) -> Result<Vec<u8>, Problem> {
    let bytes = package_file(src, path, files)?.map_err(Problem::Skip)?;
    item_bank::content::check_svg(&bytes)
        .map_err(|reason| Problem::skip(format!("picture {src}: {reason}")))?;
    Ok(bytes)
}

/// The bytes of a file an item names, or the reason it cannot have them.
fn package_file(
    src: &str,
    path: &str,
    files: &mut dyn Files,
) -> Result<Result<Vec<u8>, String>, Problem> {
    Ok(match item_source(path, src)? {
        Source::Elsewhere(url) => Err(format!(
            "{url} is on another site; only files of the package are imported"
        )),
        Source::Package(name) => files.read(&name)?.ok_or_else(|| {
            format!("{src} is not in the upload (a content package brings media with its items)")
        }),
    })
}

/// Synaq's metadata on `qti-item-body` (see [`crate::extension`]).
struct Meta {
    section: Option<String>,
    level: Option<Level>,
    topic: Option<String>,
    set: Option<String>,
    enemies: Vec<String>,
    pretest: bool,
    irt: Option<ItemIrt>,
}

impl Meta {
    fn read(node: Node<'_, '_>) -> Result<Meta, Problem> {
        let text = |name: &str| {
            node.attribute(name)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        Ok(Meta {
            section: text(extension::SECTION),
            level: extension::read_level(node).map_err(Problem::Skip)?,
            topic: text(extension::TOPIC),
            set: text(extension::SET),
            enemies: text(extension::ENEMIES)
                .map(|v| v.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default(),
            pretest: extension::read_pretest(node).map_err(Problem::Skip)?,
            irt: extension::read_irt(node).map_err(Problem::Skip)?,
        })
    }
}
