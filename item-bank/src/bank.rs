//! The item bank as authors write it: items and blueprints, their TOML file format, and the checks that a
//! bank must pass before it is used. The format is documented for authors in `content/README.md`.
//!
//! Parsing is pure (`parse_items`, `Blueprint::parse`); `load_dir` is the one function here that reads
//! files, so that the server and the command line import a content directory the same way.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::grading::text::TextKey;
use crate::irt::ItemParams;

/// The largest item or blueprint file the loader reads, in bytes.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// The largest audio file the loader reads, in bytes.
pub const MAX_MEDIA_BYTES: u64 = 8 * 1024 * 1024;
/// The largest picture the loader reads, in bytes.
pub const MAX_IMAGE_BYTES: u64 = 256 * 1024;

/// A CEFR level of the national test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Level {
    A1,
    A2,
    B1,
    B2,
    C1,
}

impl Level {
    /// The level's name as written in files and on certificates (`"A1"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::A1 => "A1",
            Level::A2 => "A2",
            Level::B1 => "B1",
            Level::B2 => "B2",
            Level::C1 => "C1",
        }
    }
}

/// How a candidate answers an item, and so which key it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemType {
    /// One option of several is right; the key is that option's id.
    SingleChoice,
    /// A word typed into a gap; graded by the Kazakh text matcher.
    GapFill,
    /// A short phrase typed as the answer; graded by the Kazakh text matcher.
    ShortAnswer,
}

impl ItemType {
    /// The type's name as written in files and shown to the candidate's page.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemType::SingleChoice => "single_choice",
            ItemType::GapFill => "gap_fill",
            ItemType::ShortAnswer => "short_answer",
        }
    }

    /// Whether the candidate types the answer (and so the text matcher grades it).
    pub fn is_text(self) -> bool {
        matches!(self, ItemType::GapFill | ItemType::ShortAnswer)
    }
}

/// Whether an item's IRT parameters come from real responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamStatus {
    /// An author's judgement, not yet estimated from responses.
    Provisional,
    /// Estimated by a calibration run.
    Calibrated,
}

/// An item's IRT parameters and where they stand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemIrt {
    /// The model and its parameters.
    #[serde(flatten)]
    pub params: ItemParams,
    /// Provisional until a calibration run replaces them.
    pub status: ParamStatus,
}

/// One option of a choice item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceOption {
    /// Stable within the item (`"a"`, `"b"`, …); the key names one of them. Never shown to candidates,
    /// who see options relabelled in their shuffled order.
    pub id: String,
    /// What the candidate reads.
    pub text: String,
}

/// One item, one version, as an author wrote it. Items are immutable once used: an edit is a new version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Unique in the bank, `[a-z0-9-]`.
    pub id: String,
    /// Starts at 1.
    pub version: u32,
    /// The blueprint section the item can fill (`"listening"`, `"reading"`, …).
    pub section: String,
    pub level: Level,
    pub topic: String,
    #[serde(rename = "type")]
    pub item_type: ItemType,
    /// The question the candidate answers.
    pub stem: String,
    /// A text to read before answering, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stimulus: Option<String>,
    /// What a listening item's audio says; for authors and reviewers, never shown to the candidate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript: Option<String>,
    /// A listening item's audio, relative to the content directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<String>,
    /// A picture the candidate reads (a clock face, a price tag, a sign), relative to the content directory:
    /// `images/<id>.svg`. Sanitized SVG only (see [`check_svg`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The options of a choice item, in the author's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
    /// The correct option's id of a choice item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The accepted answers and matching policy of a text item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_key: Option<TextKey>,
    pub irt: ItemIrt,
    /// The item set (a reading passage or a listening clip with its questions) the item belongs to: the
    /// assembler places every item of a set together, on the same form and next to each other, or none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<String>,
    /// Items that must never share a form with this one (they cue each other's answers). Symmetric: it is
    /// enough to name the pair on one of the two items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enemies: Vec<String>,
    /// A pretest item: it only fills a section's pretest slots, and its answer does not count toward the
    /// score; it is on forms to gather responses for calibration.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pretest: bool,
}

/// Whether `id` has the form item and blueprint ids take: 1–64 characters of `a-z`, `0-9` and `-`.
fn is_valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A problem that makes an item unusable; each names the item.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BankError {
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
    #[error("item {id}: {message}")]
    Invalid { id: String, message: String },
    #[error("item {0} appears twice")]
    Duplicate(String),
    #[error("{path}: {message}")]
    Io { path: String, message: String },
}

impl Item {
    /// Checks what the type system cannot: the id's form, the key against the options, the fields each
    /// type needs and nothing it must not have.
    pub fn validate(&self) -> Result<(), BankError> {
        let invalid = |message: &str| BankError::Invalid {
            id: self.id.clone(),
            message: message.to_owned(),
        };
        if !is_valid_id(&self.id) {
            return Err(invalid("id must be 1–64 characters of a-z, 0-9 and '-'"));
        }
        if self.version == 0 {
            return Err(invalid("version starts at 1"));
        }
        if self.stem.trim().is_empty() {
            return Err(invalid("stem is empty"));
        }
        match self.item_type {
            ItemType::SingleChoice => {
                if !(2..=6).contains(&self.options.len()) {
                    return Err(invalid("a choice item has 2 to 6 options"));
                }
                let ids: HashSet<&str> = self.options.iter().map(|o| o.id.as_str()).collect();
                if ids.len() != self.options.len() {
                    return Err(invalid("option ids repeat"));
                }
                match &self.key {
                    Some(key) if ids.contains(key.as_str()) => {}
                    Some(_) => return Err(invalid("key names no option")),
                    None => return Err(invalid("a choice item needs a key")),
                }
                if self.text_key.is_some() {
                    return Err(invalid("a choice item has no text_key"));
                }
            }
            ItemType::GapFill | ItemType::ShortAnswer => {
                let key = self
                    .text_key
                    .as_ref()
                    .ok_or_else(|| invalid("a text item needs a text_key"))?;
                key.validate().map_err(|e| invalid(&e.to_string()))?;
                if self.key.is_some() || !self.options.is_empty() {
                    return Err(invalid("a text item has no options or key"));
                }
            }
        }
        if self.audio.is_some() != self.transcript.is_some() {
            return Err(invalid("audio and transcript go together"));
        }
        Ok(())
    }
}

/// The items of one file: `[[items]]` tables.
#[derive(Deserialize)]
struct ItemFile {
    items: Vec<Item>,
}

/// Parses one items file; `file` names it in errors. Each item is validated.
pub fn parse_items(file: &str, text: &str) -> Result<Vec<Item>, BankError> {
    let parsed: ItemFile = toml::from_str(text).map_err(|e| BankError::Parse {
        file: file.to_owned(),
        message: e.to_string(),
    })?;
    for item in &parsed.items {
        item.validate()?;
    }
    Ok(parsed.items)
}

/// How many items of one kind a section takes. A constraint with `count` is exact; with `max`, an upper
/// bound; with `min`, a lower bound. The kind is any combination of `level`, `topic` and `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Constraint {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub item_type: Option<ItemType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
}

impl Constraint {
    /// Whether an item is of the kind this constraint counts.
    pub fn applies_to(&self, item: &Item) -> bool {
        self.level.is_none_or(|l| l == item.level)
            && self.topic.as_deref().is_none_or(|t| t == item.topic)
            && self.item_type.is_none_or(|t| t == item.item_type)
    }

    /// The fewest items of this kind a form may hold.
    pub fn lower(&self) -> u32 {
        self.count.or(self.min).unwrap_or(0)
    }

    /// The most items of this kind a form may hold.
    pub fn upper(&self) -> u32 {
        self.count.or(self.max).unwrap_or(u32::MAX)
    }
}

/// One timed section of a blueprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionSpec {
    pub id: String,
    pub title: String,
    pub time_limit_seconds: u32,
    /// How many items the section holds.
    pub items: u32,
    /// At most this many items of one topic, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_topic: Option<u32>,
    #[serde(default)]
    pub constraints: Vec<Constraint>,
    /// Pretest slots added to the section's `items` scored items, filled with pretest items only and placed
    /// at random positions among them. Default 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pretest: u32,
    /// Present when the section is delivered adaptively (see `assembly::adaptive`); `items` is then the
    /// length of the linear fallback form and the adaptive maximum unless `max_items` says otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adaptive: Option<crate::assembly::AdaptiveSpec>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// A level the rules can award: reached when every section scores at least `min_percent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelRule {
    pub level: Level,
    pub min_percent: f64,
}

/// How section scores become a level and a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// The decision is `pass` exactly when every section reaches this percent correct.
    pub pass_min_percent: f64,
    /// Highest first; the level reached is the first whose every section meets its percent.
    #[serde(default)]
    pub levels: Vec<LevelRule>,
}

/// A test's design: its sections, what fills them, and how scores are judged. Versioned: a sitting pins
/// the version it was created with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Blueprint {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub sections: Vec<SectionSpec>,
    pub rules: Rules,
    /// Groups of item ids of which a form holds at most one (across all sections), in addition to the
    /// `enemies` each item names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enemies: Vec<Vec<String>>,
    /// The largest share of forms one item may appear on, in (0, 1]; default
    /// `assembly::DEFAULT_MAX_EXPOSURE` (0.25).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_exposure: Option<f64>,
    /// The parallel-forms target pinned with this blueprint version (`assembly::derive_target`); when
    /// absent the assembler derives it from the bank it is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<crate::assembly::Target>,
    /// Whether a finished session is certified and published to the results feed. A placement or
    /// diagnostic blueprint sets `certify = false`: its results are scored and shown to the candidate but
    /// never reach the pre-selection system.
    #[serde(default = "certified_by_default")]
    pub certify: bool,
}

fn certified_by_default() -> bool {
    true
}

/// The longest title of a blueprint or section, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// The lowest exposure cap a blueprint may set: below 1 %, a bank would need a hundred times a form's
/// length of items for every slot.
pub const MIN_MAX_EXPOSURE: f64 = 0.01;

/// A title is 1 to [`MAX_TITLE_CHARS`] characters, not all blank.
fn is_valid_title(title: &str) -> bool {
    !title.trim().is_empty() && title.chars().count() <= MAX_TITLE_CHARS
}

/// The level awarded when no level rule is met.
pub const BELOW_LOWEST_LEVEL: &str = "below_A1";

impl Blueprint {
    /// Parses a blueprint file and checks it.
    pub fn parse(file: &str, text: &str) -> Result<Blueprint, BankError> {
        let bp: Blueprint = toml::from_str(text).map_err(|e| BankError::Parse {
            file: file.to_owned(),
            message: e.to_string(),
        })?;
        bp.validate().map_err(|message| BankError::Parse {
            file: file.to_owned(),
            message,
        })?;
        Ok(bp)
    }

    /// Checks the blueprint on its own (its feasibility against a bank is the assembler's to judge).
    pub fn validate(&self) -> Result<(), String> {
        if !is_valid_id(&self.id) {
            return Err("blueprint id must be 1–64 characters of a-z, 0-9 and '-'".into());
        }
        if self.version == 0 {
            return Err("version starts at 1".into());
        }
        if !is_valid_title(&self.title) {
            return Err(format!("title must have 1 to {MAX_TITLE_CHARS} characters"));
        }
        if self.sections.is_empty() || self.sections.len() > 10 {
            return Err("a blueprint has 1 to 10 sections".into());
        }
        let mut ids = HashSet::new();
        for s in &self.sections {
            if !ids.insert(s.id.as_str()) {
                return Err(format!("section {} appears twice", s.id));
            }
            if !is_valid_title(&s.title) {
                return Err(format!(
                    "section {}: title must have 1 to {MAX_TITLE_CHARS} characters",
                    s.id
                ));
            }
            if s.items == 0 || s.items > 200 {
                return Err(format!("section {}: 1 to 200 items", s.id));
            }
            if s.time_limit_seconds < 60 || s.time_limit_seconds > 6 * 3600 {
                return Err(format!("section {}: time limit between 60 s and 6 h", s.id));
            }
            for c in &s.constraints {
                if c.count.is_some() && (c.min.is_some() || c.max.is_some()) {
                    return Err(format!(
                        "section {}: a constraint has count, or min/max, not both",
                        s.id
                    ));
                }
                if c.lower() > c.upper() || c.lower() > s.items {
                    return Err(format!(
                        "section {}: a constraint asks for more items than it allows",
                        s.id
                    ));
                }
            }
        }
        let percents = std::iter::once(self.rules.pass_min_percent)
            .chain(self.rules.levels.iter().map(|l| l.min_percent));
        if percents.into_iter().any(|p| !(0.0..=100.0).contains(&p)) {
            return Err("percentages lie between 0 and 100".into());
        }
        if self
            .max_exposure
            .is_some_and(|e| !(MIN_MAX_EXPOSURE..=1.0).contains(&e))
        {
            return Err(format!(
                "max_exposure lies between {MIN_MAX_EXPOSURE} and 1"
            ));
        }
        for s in &self.sections {
            if let Some(a) = &s.adaptive {
                a.validate().map_err(|e| format!("section {}: {e}", s.id))?;
            }
        }
        Ok(())
    }

    /// The section with this id.
    pub fn section(&self, id: &str) -> Option<&SectionSpec> {
        self.sections.iter().find(|s| s.id == id)
    }

    /// The level and decision that section percentages earn, in the blueprint's section order.
    pub fn judge(&self, percents: &[f64]) -> (String, Decision) {
        let all_at_least = |min: f64| percents.iter().all(|&p| p + 1e-9 >= min);
        let decision = if all_at_least(self.rules.pass_min_percent) {
            Decision::Pass
        } else {
            Decision::Fail
        };
        let level = self
            .rules
            .levels
            .iter()
            .find(|l| all_at_least(l.min_percent))
            .map(|l| l.level.as_str().to_owned())
            .unwrap_or_else(|| BELOW_LOWEST_LEVEL.to_owned());
        (level, decision)
    }
}

/// The pre-selection decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Pass,
    Fail,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Pass => "pass",
            Decision::Fail => "fail",
        }
    }
}

/// A content directory read into memory: items, blueprints and the media the items name.
#[derive(Debug, Default)]
pub struct Content {
    pub items: Vec<Item>,
    pub blueprints: Vec<Blueprint>,
    /// Media by the path items use for them (`audio/….ogg`).
    pub media: BTreeMap<String, Vec<u8>>,
}

/// Reads `dir/items/**/*.toml`, `dir/blueprints/*.toml` and every file an item names. Fails on the first
/// problem, naming the file or item: a bank is imported whole or not at all.
pub fn load_dir(dir: &Path) -> Result<Content, BankError> {
    let mut content = Content::default();
    let mut seen = HashSet::new();
    for file in toml_files(&dir.join("items"))? {
        let text = read_bounded(&file, MAX_FILE_BYTES)?;
        for item in parse_items(&file.display().to_string(), &String::from_utf8_lossy(&text))? {
            if !seen.insert((item.id.clone(), item.version)) {
                return Err(BankError::Duplicate(item.id));
            }
            if let Some(audio) = &item.audio {
                load_media(dir, &item.id, audio, MAX_MEDIA_BYTES, &mut content.media)?;
            }
            if let Some(image) = &item.image {
                load_media(dir, &item.id, image, MAX_IMAGE_BYTES, &mut content.media)?;
                check_svg(&content.media[image]).map_err(|message| BankError::Invalid {
                    id: item.id.clone(),
                    message: format!("{image}: {message}"),
                })?;
            }
            content.items.push(item);
        }
    }
    for file in toml_files(&dir.join("blueprints"))? {
        let text = read_bounded(&file, MAX_FILE_BYTES)?;
        content.blueprints.push(Blueprint::parse(
            &file.display().to_string(),
            &String::from_utf8_lossy(&text),
        )?);
    }
    Ok(content)
}

/// Reads the media file `rel` that item `id` names into `media`, once per path, refusing paths that leave
/// the content directory.
fn load_media(
    dir: &Path,
    id: &str,
    rel: &str,
    limit: u64,
    media: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), BankError> {
    if rel.contains("..") || Path::new(rel).is_absolute() {
        return Err(BankError::Invalid {
            id: id.to_owned(),
            message: format!("{rel}: the path leaves the content directory"),
        });
    }
    if !media.contains_key(rel) {
        media.insert(rel.to_owned(), read_bounded(&dir.join(rel), limit)?);
    }
    Ok(())
}

/// Whether `bytes` is a picture safe to show inside a candidate's page: UTF-8 SVG whose root is `<svg`,
/// with no script, event handler, external reference, embedded document or entity declaration. The
/// server also serves pictures with a sandboxing Content-Security-Policy; this check keeps unsafe files
/// out of the bank in the first place.
pub fn check_svg(bytes: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "a picture must be UTF-8 SVG".to_owned())?;
    let lower = text.to_ascii_lowercase();
    let body = lower.trim_start_matches('\u{feff}').trim_start();
    let body = match body.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or("", |(_, r)| r).trim_start(),
        None => body,
    };
    if !body.starts_with("<svg") {
        return Err("a picture must be an SVG document (root element <svg>)".into());
    }
    const FORBIDDEN: [&str; 8] = [
        "<script",
        "<!entity",
        "<!doctype",
        "<foreignobject",
        "javascript:",
        "<iframe",
        "<use",
        "@import",
    ];
    if let Some(bad) = FORBIDDEN.iter().find(|f| lower.contains(*f)) {
        return Err(format!("a picture may not contain {bad}"));
    }
    let handler = lower
        .split(|c: char| c.is_whitespace())
        .any(|word| word.starts_with("on") && word.contains('='));
    if handler {
        return Err("a picture may not carry event handlers (on…=)".into());
    }
    if lower.contains("href=\"http") || lower.contains("href='http") || lower.contains("url(http") {
        return Err("a picture may not load anything from elsewhere".into());
    }
    Ok(())
}

fn io_error(path: &Path, e: impl std::fmt::Display) -> BankError {
    BankError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, BankError> {
    let len = std::fs::metadata(path)
        .map_err(|e| io_error(path, e))?
        .len();
    if len > limit {
        return Err(io_error(path, format!("larger than {limit} bytes")));
    }
    std::fs::read(path).map_err(|e| io_error(path, e))
}

/// Every `*.toml` below `dir`, sorted so that imports are deterministic.
fn toml_files(dir: &Path) -> Result<Vec<PathBuf>, BankError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| io_error(&d, e))? {
            let path = entry.map_err(|e| io_error(&d, e))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHOICE: &str = r#"
[[items]]
id = "rd-a1-family-001"
version = 1
section = "reading"
level = "A1"
topic = "family"
type = "single_choice"
stem = "Әйгерімнің інісі неше жаста?"
stimulus = "Әйгерімнің інісі жеті жаста."
options = [ { id = "a", text = "бес жаста" }, { id = "b", text = "жеті жаста" } ]
key = "b"
irt = { model = "2pl", a = 1.0, b = -1.2, status = "provisional" }
"#;

    #[test]
    fn parses_a_choice_item() {
        let items = parse_items("t.toml", CHOICE).unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].key.as_deref(), Some("b"));
        assert_eq!(items[0].level, Level::A1);
        assert_eq!(items[0].irt.status, ParamStatus::Provisional);
    }

    #[test]
    fn pictures_are_plain_svg() {
        let clock = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>"#;
        assert!(check_svg(clock).is_ok());
        for bad in [
            &br#"<svg><script>alert(1)</script></svg>"#[..],
            br#"<svg><rect onclick="x()"/></svg>"#,
            br#"<svg><image href="http://evil.example/x.png"/></svg>"#,
            br#"<!DOCTYPE svg [<!ENTITY a "b">]><svg/>"#,
            b"\x89PNG\r\n",
            br#"<html><svg/></html>"#,
        ] {
            assert!(check_svg(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn loads_the_picture_an_item_names() {
        let dir = std::env::temp_dir().join(format!("synaq-bank-image-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("items/reading")).unwrap();
        std::fs::create_dir_all(dir.join("images")).unwrap();
        std::fs::create_dir_all(dir.join("blueprints")).unwrap();
        let item = CHOICE.replace("key = \"b\"", "key = \"b\"\nimage = \"images/clock.svg\"");
        std::fs::write(dir.join("items/reading/family.toml"), item).unwrap();
        std::fs::write(dir.join("images/clock.svg"), "<svg><circle r=\"1\"/></svg>").unwrap();
        let content = load_dir(&dir).unwrap();
        assert_eq!(content.items[0].image.as_deref(), Some("images/clock.svg"));
        assert!(content.media.contains_key("images/clock.svg"));
        std::fs::write(dir.join("images/clock.svg"), "<svg><script/></svg>").unwrap();
        assert!(load_dir(&dir).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refuses_a_key_that_names_no_option() {
        let bad = CHOICE.replace("key = \"b\"", "key = \"z\"");
        let err = parse_items("t.toml", &bad).unwrap_err();
        assert!(err.to_string().contains("key names no option"), "{err}");
    }

    #[test]
    fn refuses_unknown_fields() {
        let bad = CHOICE.replace("version = 1", "version = 1\nanswer = \"b\"");
        assert!(matches!(
            parse_items("t.toml", &bad),
            Err(BankError::Parse { .. })
        ));
    }

    fn blueprint() -> Blueprint {
        Blueprint::parse(
            "bp.toml",
            r#"
id = "bp"
version = 1
title = "t"
[[sections]]
id = "listening"
title = "L"
time_limit_seconds = 600
items = 2
[[sections]]
id = "reading"
title = "R"
time_limit_seconds = 600
items = 2
[rules]
pass_min_percent = 30
[[rules.levels]]
level = "A2"
min_percent = 70
[[rules.levels]]
level = "A1"
min_percent = 30
"#,
        )
        .unwrap()
    }

    #[test]
    fn judges_every_section_against_the_cut() {
        let bp = blueprint();
        assert_eq!(bp.judge(&[30.0, 30.0]), ("A1".into(), Decision::Pass));
        assert_eq!(bp.judge(&[80.0, 70.0]), ("A2".into(), Decision::Pass));
        assert_eq!(
            bp.judge(&[90.0, 29.9]),
            (BELOW_LOWEST_LEVEL.into(), Decision::Fail)
        );
    }

    #[test]
    fn titles_and_the_exposure_cap_are_bounded() {
        let mut bp = blueprint();
        bp.title = "т".repeat(MAX_TITLE_CHARS);
        assert!(bp.validate().is_ok());
        bp.title.push('т');
        assert!(bp.validate().unwrap_err().contains("title"));
        let mut bp = blueprint();
        bp.sections[1].title = " ".into();
        assert!(
            bp.validate()
                .unwrap_err()
                .contains("section reading: title")
        );
        for (cap, ok) in [
            (0.25, true),
            (1.0, true),
            (0.01, true),
            (0.009, false),
            (1e-300, false),
            (1.5, false),
        ] {
            let mut bp = blueprint();
            bp.max_exposure = Some(cap);
            assert_eq!(bp.validate().is_ok(), ok, "max_exposure {cap}");
        }
    }

    #[test]
    fn constraint_bounds() {
        let c = Constraint {
            level: Some(Level::A1),
            topic: None,
            item_type: None,
            count: Some(3),
            min: None,
            max: None,
        };
        assert_eq!((c.lower(), c.upper()), (3, 3));
        let c = Constraint {
            max: Some(4),
            count: None,
            ..c
        };
        assert_eq!((c.lower(), c.upper()), (0, 4));
    }
}
