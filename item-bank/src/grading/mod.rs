//! Scoring one response of each item type.
//!
//! Candidates see the options of a choice item relabelled `a`, `b`, `c`, … in their own shuffled order, so a
//! label means nothing outside that candidate's form; [`grade`] maps it back through the stored order.

pub mod text;

use serde::{Deserialize, Serialize};

use crate::bank::{Item, ItemType};
use text::TextOutcome;

/// The most characters a typed answer may have; longer answers are refused when saved.
pub use text::MAX_ANSWER_CHARS as MAX_TEXT_CHARS;
/// The most entries in a list answer (choices, pairs, order).
pub const MAX_LIST_LEN: usize = 64;

/// A candidate's answer to one item, as sent by the candidate's page: `{"choice":"b"}`, `{"choices":["a","c"]}`,
/// `{"text":"…"}`, `{"pairs":[["l","r"]]}` or `{"order":["c","a","b"]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum Answer {
    Choice(String),
    Choices(Vec<String>),
    Text(String),
    Pairs(Vec<(String, String)>),
    Order(Vec<String>),
}

/// Why an answer cannot be saved for an item.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("this item takes {expected} answers")]
    WrongShape { expected: &'static str },
    #[error("option {0:?} is not one of this item's options")]
    UnknownOption(String),
    #[error("the answer is longer than {MAX_TEXT_CHARS} characters")]
    TooLong,
    /// Writing items are never on forms (see [`ItemType::live_blocker`]).
    #[error("this item is not answered on a form")]
    NotDelivered,
}

/// The label the candidate sees for the option at `index` in their order: `a`, `b`, … .
pub fn option_label(index: usize) -> String {
    char::from(b'a' + (index % 26) as u8).to_string()
}

/// The position a label names, the inverse of [`option_label`]: `"a"` → 0.
pub fn option_index(label: &str) -> Option<usize> {
    match label.as_bytes() {
        [b] if b.is_ascii_lowercase() => Some(usize::from(b - b'a')),
        _ => None,
    }
}

/// Checks that `answer` has the shape `item_type` takes and, for choices, names one of `option_count`
/// labels. Cheap and independent of the bank: the save path calls it.
pub fn check_answer(
    item_type: ItemType,
    option_count: usize,
    answer: &Answer,
) -> Result<(), AnswerError> {
    match (item_type, answer) {
        (ItemType::SingleChoice, Answer::Choice(label)) => {
            let known = (0..option_count).any(|i| option_label(i) == *label);
            if known {
                Ok(())
            } else {
                Err(AnswerError::UnknownOption(label.chars().take(16).collect()))
            }
        }
        (ItemType::SingleChoice, _) => Err(AnswerError::WrongShape {
            expected: "{\"choice\": …}",
        }),
        (ItemType::GapFill | ItemType::ShortAnswer, Answer::Text(t)) => {
            if t.chars().count() > MAX_TEXT_CHARS {
                Err(AnswerError::TooLong)
            } else {
                Ok(())
            }
        }
        (ItemType::GapFill | ItemType::ShortAnswer, _) => Err(AnswerError::WrongShape {
            expected: "{\"text\": …}",
        }),
        (ItemType::Writing, _) => Err(AnswerError::NotDelivered),
    }
}

/// The score of one response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Graded {
    /// Credit earned, 0.0 to 1.0.
    pub credit: f64,
    /// Full credit.
    pub correct: bool,
    /// A person should look at this response before the result stands.
    pub needs_review: bool,
    /// For typed answers, how the text was read and matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<TextOutcome>,
}

impl Graded {
    /// No answer, or an answer that earns nothing.
    pub fn zero() -> Graded {
        Graded {
            credit: 0.0,
            correct: false,
            needs_review: false,
            text: None,
        }
    }
}

/// Grades `answer` (or its absence) to `item` as placed on a form with `option_order` (the item's option ids
/// in the order the candidate saw them).
pub fn grade(item: &Item, option_order: &[String], answer: Option<&Answer>) -> Graded {
    match (item.item_type, answer) {
        (_, None) => Graded::zero(),
        (ItemType::SingleChoice, Some(Answer::Choice(label))) => {
            let chosen = (0..option_order.len())
                .find(|&i| option_label(i) == *label)
                .map(|i| &option_order[i]);
            let correct = chosen.is_some() && chosen == item.key.as_ref();
            Graded {
                credit: if correct { 1.0 } else { 0.0 },
                correct,
                needs_review: false,
                text: None,
            }
        }
        (ItemType::GapFill | ItemType::ShortAnswer, Some(Answer::Text(input))) => {
            match &item.text_key {
                Some(key) => {
                    let outcome = text::grade_text(key, input);
                    Graded {
                        credit: outcome.credit,
                        correct: outcome.correct,
                        needs_review: outcome.needs_review,
                        text: Some(outcome),
                    }
                }
                None => Graded::zero(),
            }
        }
        _ => Graded::zero(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_names_its_position() {
        for i in 0..26 {
            assert_eq!(option_index(&option_label(i)), Some(i));
        }
        for bad in ["", "A", "ab", "1", "ә"] {
            assert_eq!(option_index(bad), None, "{bad}");
        }
    }

    fn choice_item() -> Item {
        toml::from_str(
            r#"
id = "rd-1"
version = 1
section = "reading"
level = "A1"
topic = "family"
type = "single_choice"
stem = "?"
options = [ { id = "a", text = "бес" }, { id = "b", text = "жеті" }, { id = "c", text = "он" } ]
key = "b"
irt = { model = "2pl", a = 1.0, b = 0.0, status = "provisional" }
"#,
        )
        .unwrap()
    }

    #[test]
    fn a_label_is_read_through_the_candidates_order() {
        let item = choice_item();
        let order: Vec<String> = ["c", "b", "a"].iter().map(|s| s.to_string()).collect();
        assert!(grade(&item, &order, Some(&Answer::Choice("b".into()))).correct);
        assert!(!grade(&item, &order, Some(&Answer::Choice("a".into()))).correct);
        let order: Vec<String> = ["b", "c", "a"].iter().map(|s| s.to_string()).collect();
        assert!(grade(&item, &order, Some(&Answer::Choice("a".into()))).correct);
        assert_eq!(grade(&item, &order, None).credit, 0.0);
    }

    #[test]
    fn answers_parse_from_the_wire_shapes() {
        let a: Answer = serde_json::from_str(r#"{"choice":"b"}"#).unwrap();
        assert_eq!(a, Answer::Choice("b".into()));
        let a: Answer = serde_json::from_str(r#"{"pairs":[["l","r"]]}"#).unwrap();
        assert_eq!(a, Answer::Pairs(vec![("l".into(), "r".into())]));
        assert!(serde_json::from_str::<Answer>(r#"{"choice":"b","text":"x"}"#).is_err());
    }

    #[test]
    fn check_answer_refuses_wrong_shapes_and_labels() {
        assert!(check_answer(ItemType::SingleChoice, 3, &Answer::Choice("c".into())).is_ok());
        assert_eq!(
            check_answer(ItemType::SingleChoice, 3, &Answer::Choice("d".into())),
            Err(AnswerError::UnknownOption("d".into()))
        );
        assert!(matches!(
            check_answer(ItemType::GapFill, 0, &Answer::Choice("a".into())),
            Err(AnswerError::WrongShape { .. })
        ));
        let long = "қ".repeat(MAX_TEXT_CHARS + 1);
        assert_eq!(
            check_answer(ItemType::GapFill, 0, &Answer::Text(long)),
            Err(AnswerError::TooLong)
        );
    }
}
