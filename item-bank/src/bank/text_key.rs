//! The answer key of a text item and its matching policy, as written in the item file. Grading against it
//! is `grading::text`'s business (`grade_text`, `TextKey::validate`).

use serde::{Deserialize, Serialize};

/// How forgiving the comparison of a response with the accepted answers is. See [`grading::text`](crate::grading::text).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MatchPolicy {
    /// Equal after NFC, removal of invisible characters and trimming of both ends.
    Exact,
    /// Script, alphabet, case, homoglyphs, spacing, punctuation and dictionary stress accents are forgiven.
    #[default]
    Standard,
    /// As `standard`, plus keyboard folds for partial credit or review.
    Lenient,
}

fn default_fold_credit() -> f64 {
    0.5
}

/// The answer key of a text item, as written in the item file:
/// `text_key = { accept = ["кітап", "kitap"], policy = "standard" }`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TextKey {
    /// Accepted answers, each in Cyrillic or any Latin alphabet. All earn full credit.
    pub accept: Vec<String>,
    /// Matching policy; `standard` when absent.
    #[serde(default)]
    pub policy: MatchPolicy,
    /// Known wrong answers (for instance the minimal pair of the right one). A response equal to one of these
    /// under the policy gets no credit, and no fold may turn a response into an accepted answer if it could
    /// as well be one of these.
    #[serde(default)]
    pub reject: Vec<String>,
    /// Credit, in `0.0..=1.0`, of a fold match under `lenient`. 0.5 when absent.
    #[serde(default = "default_fold_credit")]
    pub fold_credit: f64,
    /// Whether fold matches under `lenient` are also flagged for human review.
    #[serde(default)]
    pub fold_review: bool,
}

impl Default for TextKey {
    fn default() -> Self {
        TextKey {
            accept: Vec::new(),
            policy: MatchPolicy::default(),
            reject: Vec::new(),
            fold_credit: default_fold_credit(),
            fold_review: false,
        }
    }
}

impl TextKey {
    /// A key with the given answers and policy and the default lenient settings.
    pub fn new(accept: Vec<String>, policy: MatchPolicy) -> Self {
        TextKey {
            accept,
            policy,
            ..TextKey::default()
        }
    }
}
