//! Text as it enters the service: the one check every entry point applies before a string reaches the
//! store, a certificate or a log. No control character (C0, DEL or C1) is accepted anywhere — PostgreSQL
//! cannot store NUL at all, and the others have no business in names, answers, titles or reasons — except
//! tab, line feed and carriage return in text that may hold several lines.

use super::DomainError;

/// Whether a text may hold several lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// A name, an id, a title, a typed answer: no line breaks or tabs.
    One,
    /// A reason or a comment: tabs and line breaks are allowed.
    Many,
}

/// Refuses `value` when it holds a control character not allowed by `lines`; `field` names it in the
/// message.
pub fn check(field: &str, value: &str, lines: Lines) -> Result<(), DomainError> {
    let allowed = |c: char| lines == Lines::Many && matches!(c, '\t' | '\n' | '\r');
    match value.chars().find(|&c| c.is_control() && !allowed(c)) {
        None => Ok(()),
        Some(c) => Err(DomainError::new(format!(
            "{field} holds the control character U+{:04X}; {}",
            c as u32,
            match lines {
                Lines::One => "no control character, tab or line break is accepted here",
                Lines::Many => "only tabs and line breaks are accepted",
            }
        ))),
    }
}

/// Refuses a JSON document stored as sent (an answer, a blueprint) when any of its strings or keys holds
/// a control character; every string in it is one line.
pub fn check_json(field: &str, value: &serde_json::Value) -> Result<(), DomainError> {
    check_json_lines(field, value, Lines::One)
}

/// As [`check_json`], with the strings' `lines` rule (an item's texts may run over several lines; its
/// keys, the JSON object keys, are always one line).
pub fn check_json_lines(
    field: &str,
    value: &serde_json::Value,
    lines: Lines,
) -> Result<(), DomainError> {
    match value {
        serde_json::Value::String(s) => check(field, s, lines),
        serde_json::Value::Array(items) => items
            .iter()
            .try_for_each(|v| check_json_lines(field, v, lines)),
        serde_json::Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            check(field, k, Lines::One)?;
            check_json_lines(field, v, lines)
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    #[test]
    fn a_json_document_may_allow_line_breaks_in_its_strings_never_in_its_keys() {
        let item = json!({"stimulus": "Бірінші жол.\nЕкінші жол.", "options": [{"text": "a"}]});
        assert!(check_json("item", &item).is_err());
        assert!(check_json_lines("item", &item, Lines::Many).is_ok());
        assert!(check_json_lines("item", &json!({"a\nb": 1}), Lines::Many).is_err());
        assert!(check_json_lines("item", &json!(["x\u{0}"]), Lines::Many).is_err());
    }

    #[test]
    fn control_characters_are_refused_and_line_breaks_only_where_allowed() {
        assert!(check("title", "Қазақ тілі A1", Lines::One).is_ok());
        for bad in ["a\0b", "a\u{7f}", "a\u{85}b", "a\u{1b}[31m", "a\tb", "a\nb"] {
            assert!(check("title", bad, Lines::One).is_err(), "{bad:?}");
        }
        assert!(check("reason", "first line\n\tsecond\r\n", Lines::Many).is_ok());
        let e = check("reason", "a\0b", Lines::Many).unwrap_err();
        assert!(e.to_string().contains("U+0000"), "{e}");
    }

    #[test]
    fn every_string_and_key_of_a_json_document_is_checked() {
        assert!(check_json("answer", &json!({"text": "кітап", "n": 1})).is_ok());
        assert!(check_json("answer", &json!({"text": "кі\u{0}тап"})).is_err());
        assert!(check_json("answer", &json!({"pairs": [["a", "b\u{0}"]]})).is_err());
        assert!(check_json("answer", &json!({"k\u{0}": 1})).is_err());
    }

    proptest! {
        #[test]
        fn a_string_passes_exactly_when_it_has_no_control_character(s in "\\PC*|.*") {
            prop_assert_eq!(check("x", &s, Lines::One).is_ok(), !s.chars().any(char::is_control));
            let many_ok = !s.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
            prop_assert_eq!(check("x", &s, Lines::Many).is_ok(), many_ok);
        }
    }
}
