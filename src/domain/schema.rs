//! The JSON Schemas of the text the API takes, for its description: each says what the check or the
//! `parse` it names accepts, as a JSON Schema pattern (ECMA-262 syntax, which JSON Schema tools share).
//! Request types point at them with `#[schema(value_type = …)]`. Only characters of the Basic
//! Multilingual Plane are spelled out; the few invisible characters beyond it that [`super::FullName`]
//! refuses are not in its pattern.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

use super::reason::MAX_REASON_CHARS;
use super::{Citizenship, DocumentNumber, FullName, Reason};

/// What `str::trim` and `split_whitespace` take for white space (Unicode `White_Space`).
const SPACE: &str =
    r"\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
/// The control characters [`super::text::check`] refuses in one-line text: C0, DEL and C1.
const CONTROL: &str = r"\u0000-\u001f\u007f-\u009f";
/// The control characters it refuses in text of several lines: all but tab, line feed and return.
const CONTROL_BUT_LINES: &str = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f";
/// Controls that are not white space (what is left after white space is folded to single spaces).
const CONTROL_BUT_SPACE: &str = r"\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f";
/// The invisible characters of `item_bank::kazakh::is_invisible` in the Basic Multilingual Plane.
const INVISIBLE: &str = r"\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb";

fn string(
    description: &str,
    pattern: String,
    min: Option<usize>,
    max: Option<usize>,
) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .pattern(Some(pattern))
        .min_length(min)
        .max_length(max)
        .into()
}

/// One line of text: no control character ([`super::text::check`] with `Lines::One`).
pub struct OneLine;

impl PartialSchema for OneLine {
    fn schema() -> RefOr<Schema> {
        string(
            "One line of text: no control character, tab or line break.",
            format!("^[^{CONTROL}]*$"),
            None,
            None,
        )
    }
}

impl ToSchema for OneLine {}

impl PartialSchema for Reason {
    fn schema() -> RefOr<Schema> {
        string(
            &format!(
                "Why, for the record: 1 to {MAX_REASON_CHARS} characters once trimmed, not only white \
                 space; tabs and line breaks allowed, no other control character."
            ),
            format!(
                "^[{SPACE}]*[^{SPACE}{CONTROL_BUT_LINES}](?:[^{CONTROL_BUT_LINES}]*[^{SPACE}{CONTROL_BUT_LINES}])?[{SPACE}]*$"
            ),
            Some(1),
            Some(MAX_REASON_CHARS),
        )
    }
}

impl ToSchema for Reason {}

impl PartialSchema for FullName {
    fn schema() -> RefOr<Schema> {
        string(
            "The name as on the document, in any script: 1 to 200 characters once runs of white space \
             are folded to one space; no control or invisible character (zero-width, direction marks, \
             byte-order mark).",
            format!(
                "^[^{CONTROL_BUT_SPACE}{INVISIBLE}]*[^{SPACE}{CONTROL_BUT_SPACE}{INVISIBLE}][^{CONTROL_BUT_SPACE}{INVISIBLE}]*$"
            ),
            Some(1),
            Some(200),
        )
    }
}

impl ToSchema for FullName {}

impl PartialSchema for DocumentNumber {
    fn schema() -> RefOr<Schema> {
        string(
            "4 to 32 Latin letters and digits, in any case; spaces and dashes are ignored and Cyrillic \
             look-alike letters read as the Latin ones.",
            r"^[ -]*(?:[A-Za-z0-9АВЕКМНОРСТХавекмнорстх][ -]*){4,32}$".to_owned(),
            Some(4),
            None,
        )
    }
}

impl ToSchema for DocumentNumber {}

impl PartialSchema for Citizenship {
    fn schema() -> RefOr<Schema> {
        string(
            "ISO 3166-1 alpha-3, in any case (`KAZ`).",
            format!("^[{SPACE}]*[A-Za-z]{{3}}[{SPACE}]*$"),
            Some(3),
            None,
        )
    }
}

impl ToSchema for Citizenship {}

/// An item's id: 1 to 64 characters of `a-z`, `0-9` and `-` (`item_bank::bank::is_valid_id`).
pub struct ItemId;

impl PartialSchema for ItemId {
    fn schema() -> RefOr<Schema> {
        string(
            "An item's id: 1 to 64 of `a-z`, `0-9` and `-`.",
            "^[a-z0-9-]{1,64}$".to_owned(),
            Some(1),
            Some(64),
        )
    }
}

impl ToSchema for ItemId {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pattern of a schema, as a regex this crate can run (`\uXXXX` is spelled `\x{XXXX}`).
    fn regex(schema: RefOr<Schema>) -> regex::Regex {
        let RefOr::T(Schema::Object(object)) = schema else {
            panic!("a string schema")
        };
        let pattern = object.pattern.expect("a pattern");
        let rust = regex::Regex::new(r"\\u([0-9a-f]{4})")
            .unwrap()
            .replace_all(&pattern, r"\x{$1}");
        regex::Regex::new(&rust).unwrap()
    }

    /// A schema, the check it describes, and samples on both sides of it.
    type Case = (RefOr<Schema>, fn(&str) -> bool, &'static [&'static str]);

    #[test]
    fn each_pattern_accepts_what_the_parse_accepts() {
        let cases: [Case; 6] = [
            (
                ItemId::schema(),
                item_bank::bank::is_valid_id,
                &[
                    "ls-a1-006",
                    "",
                    "Ls",
                    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                ],
            ),
            (
                Reason::schema(),
                |s| Reason::parse(s).is_ok(),
                &[
                    "сөйлесті",
                    "  көрші\nкөмектесті  ",
                    " \n ",
                    "",
                    "a\0b",
                    "a\u{1b}[31m",
                    "a\u{85}b",
                    "\u{85}x",
                ],
            ),
            (
                FullName::schema(),
                |s| FullName::parse(s).is_ok(),
                &[
                    "Айгүл Серікқызы",
                    " Айгүл\tСерікқызы ",
                    "   ",
                    "",
                    "a\u{200b}b",
                    "a\u{1}b",
                    "a\u{85}b",
                    "\u{feff}",
                ],
            ),
            (
                DocumentNumber::schema(),
                |s| DocumentNumber::parse(s).is_ok(),
                &[
                    "N12345678",
                    "n 1234-5678",
                    "АВ1234",
                    "abc",
                    "N1234!",
                    "Ж12345",
                    "111111111111111111111111111111111",
                ],
            ),
            (
                Citizenship::schema(),
                |s| Citizenship::parse(s).is_ok(),
                &["UZB", " kaz ", "UZ", "УЗБ", "UZBK"],
            ),
            (
                OneLine::schema(),
                |s| super::super::text::check("x", s, super::super::text::Lines::One).is_ok(),
                &["kaztest-a1", "", "a\tb", "a\u{9f}"],
            ),
        ];
        for (schema, parse, samples) in cases {
            let regex = regex(schema);
            for sample in samples {
                assert_eq!(regex.is_match(sample), parse(sample), "{sample:?}");
            }
        }
    }
}
