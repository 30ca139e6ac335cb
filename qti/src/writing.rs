//! Writing prompts: what a `qti-extended-text-interaction` imports as. Synaq's bank has no writing type
//! yet (an essay needs human rating, which Synaq does not have), so a prompt is kept apart from items: the
//! server may store it as a draft, and nothing can put it on a form.

use item_bank::bank::Level;

/// Why a writing prompt cannot go beyond draft.
pub const WRITING_NOT_LIVE: &str =
    "a writing prompt needs human rating, which Synaq does not have yet; it stays a draft";

/// An essay or open-answer task, imported as a draft.
#[derive(Debug, Clone, PartialEq)]
pub struct WritingPrompt {
    /// Derived from the QTI identifier like an item id: `[a-z0-9-]`, at most 64 characters.
    pub id: String,
    /// From `data-synaq-section`, otherwise `writing`.
    pub section: String,
    pub level: Level,
    pub topic: String,
    /// The task the candidate writes on.
    pub prompt: String,
    /// A text to read first, if any.
    pub stimulus: Option<String>,
    /// The answer box's height in lines (`expected-lines`), if given.
    pub expected_lines: Option<u32>,
    /// The expected answer length in characters (`expected-length`), if given.
    pub expected_length: Option<u32>,
}

impl WritingPrompt {
    /// Why the prompt cannot go live: always [`WRITING_NOT_LIVE`] until Synaq can rate writing.
    pub fn live_blocker(&self) -> Option<&'static str> {
        Some(WRITING_NOT_LIVE)
    }
}
