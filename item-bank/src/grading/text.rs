//! Grading of typed answers (gap-fill and short answer) under an author-chosen matching policy.

use serde::{Deserialize, Serialize};

/// How forgiving the matcher is.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MatchPolicy {
    Exact,
    #[default]
    Standard,
    Lenient,
}

/// A text item's key: its accepted answers and policy.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TextKey {
    pub accept: Vec<String>,
    #[serde(default)]
    pub policy: MatchPolicy,
}

/// The grade of one typed answer.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TextOutcome {
    pub credit: f64,
    pub correct: bool,
    pub needs_review: bool,
    pub normalized: String,
    pub matched: Option<String>,
    pub explanation: Vec<String>,
}

/// Grades `input` against `key`.
pub fn grade_text(key: &TextKey, input: &str) -> TextOutcome {
    let normalized = input.trim().to_lowercase();
    let matched = key.accept.iter().find(|a| a.trim().to_lowercase() == normalized).cloned();
    let correct = matched.is_some();
    TextOutcome { credit: if correct { 1.0 } else { 0.0 }, correct, needs_review: false, normalized, matched, explanation: Vec::new() }
}
