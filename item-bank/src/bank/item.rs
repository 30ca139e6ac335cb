//! Items as authors write them: their type, level, options or text key, and IRT parameters.

use serde::{Deserialize, Serialize};

use super::text_key::TextKey;
use crate::irt::ItemParams;

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
    /// A text the candidate writes on a task, scored by raters. The bank holds writing items as drafts
    /// through review and approval, but none goes live until rating exists (see [`ItemType::live_blocker`]).
    Writing,
}

impl ItemType {
    /// The type's name as written in files and shown to the candidate's page.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemType::SingleChoice => "single_choice",
            ItemType::GapFill => "gap_fill",
            ItemType::ShortAnswer => "short_answer",
            ItemType::Writing => "writing",
        }
    }

    /// Why items of this type cannot be drawn onto forms (go to pretest or operational), if they cannot.
    pub fn live_blocker(self) -> Option<&'static str> {
        match self {
            ItemType::Writing => Some(WRITING_NOT_LIVE),
            ItemType::SingleChoice | ItemType::GapFill | ItemType::ShortAnswer => None,
        }
    }

    /// Whether the candidate types the answer (and so the text matcher grades it).
    pub fn is_text(self) -> bool {
        matches!(self, ItemType::GapFill | ItemType::ShortAnswer)
    }
}

/// Why a writing item stays out of forms.
pub const WRITING_NOT_LIVE: &str = "a writing item is scored by raters, and the service has no rating yet: it cannot go to pretest or operational";

/// The answer space a writing item offers: the box's height and the length the task expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WritingSpec {
    /// The answer box's height in lines, 1 to [`WritingSpec::MAX_LINES`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_lines: Option<u32>,
    /// The expected length of the answer in characters, 1 to [`WritingSpec::MAX_LENGTH`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_length: Option<u32>,
}

impl WritingSpec {
    /// The tallest answer box an item may ask for.
    pub const MAX_LINES: u32 = 200;
    /// The longest answer an item may expect.
    pub const MAX_LENGTH: u32 = 20_000;

    /// Whether both sizes, where given, are within their bounds.
    pub fn is_valid(&self) -> bool {
        self.expected_lines
            .is_none_or(|n| (1..=Self::MAX_LINES).contains(&n))
            && self
                .expected_length
                .is_none_or(|n| (1..=Self::MAX_LENGTH).contains(&n))
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

impl ItemIrt {
    /// The parameters an item starts with when its author gives none: middling difficulty, ordinary
    /// discrimination, and for a choice item of `options` options (2 or more) the chance of guessing
    /// right among them (3PL, `c = 1/options`); otherwise 2PL. Provisional.
    pub fn provisional(options: usize) -> ItemIrt {
        let params = if options >= 2 {
            ItemParams::three_pl(1.0, 0.0, 1.0 / options as f64)
                .expect("a guessing chance of 1/n for n ≥ 2 is a valid 3PL")
        } else {
            ItemParams::two_pl(1.0, 0.0)
        };
        ItemIrt {
            params,
            status: ParamStatus::Provisional,
        }
    }
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
    /// `images/<id>.svg`. Sanitized SVG with a text alternative only (see [`crate::content::check_svg`]).
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
    /// The answer space of a writing item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub writing: Option<WritingSpec>,
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
pub fn is_valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
