//! NFC, invisible characters, and the canonical form of spaces, dashes, quotes and apostrophes.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use super::step::Step;

/// Text after [`normalize`] or [`normalize_minimal`], with the steps that changed it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Normalized {
    /// The normalized text.
    pub text: String,
    /// What changed, in the order applied; empty when the input was already normal.
    pub steps: Vec<Step>,
}

/// True for characters that render as nothing and carry no meaning in Kazakh text: zero-width space, joiners
/// and non-joiner, word joiner, soft hyphen, combining grapheme joiner, bidi marks, embeddings, overrides and
/// isolates, invisible operators, variation selectors (both blocks), the BOM, Hangul fillers, tag characters
/// and interlinear annotation controls.
///
/// The zero-width joiner and non-joiner matter in some scripts, never in Kazakh Cyrillic or Latin.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{E0000}'..='\u{E0FFF}')
}

/// True for U+0027 and the characters typed in its place: U+2018, U+2019, U+201A, U+201B, U+02BC, U+02BB,
/// U+02BD, U+02B9, U+0060, U+00B4, U+2032, U+2035, U+FF07, U+A78C.
pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '`' | '\u{B4}' | '\u{2018}'..='\u{201B}' | '\u{2032}' | '\u{2035}' | '\u{02B9}'
        | '\u{02BB}'..='\u{02BD}' | '\u{FF07}' | '\u{A78C}')
}

/// What one character becomes in [`normalize`].
#[derive(Clone, Copy)]
enum Class {
    Keep,
    Invisible,
    Space,
    Dash,
    Quote,
    Apostrophe,
}

fn classify(c: char) -> Class {
    match c {
        '\t'
        | '\n'
        | '\u{0B}'
        | '\u{0C}'
        | '\r'
        | ' '
        | '\u{85}'
        | '\u{A0}'
        | '\u{1680}'
        | '\u{2000}'..='\u{200A}'
        | '\u{2028}'
        | '\u{2029}'
        | '\u{202F}'
        | '\u{205F}'
        | '\u{3000}' => Class::Space,
        '\u{2010}'..='\u{2015}'
        | '\u{2212}'
        | '\u{2E3A}'
        | '\u{2E3B}'
        | '\u{FE58}'
        | '\u{FE63}'
        | '\u{FF0D}' => Class::Dash,
        '\u{AB}'
        | '\u{BB}'
        | '\u{201C}'..='\u{201F}'
        | '\u{2033}'
        | '\u{2036}'
        | '\u{2039}'
        | '\u{203A}'
        | '\u{301D}'
        | '\u{301E}'
        | '\u{FF02}' => Class::Quote,
        '\'' => Class::Keep,
        c if is_apostrophe(c) => Class::Apostrophe,
        c if is_invisible(c) => Class::Invisible,
        _ => Class::Keep,
    }
}

/// Byte offset of the first character at or after `from` that is not a "safe" NFC starter. Safe are ASCII and
/// the Cyrillic letters U+0400..=U+04FF (not the marks U+0483..=U+0489): they are NFC, have combining class 0
/// and never compose with a preceding character, so NFC can be applied separately on either side of them.
fn first_unsafe(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < b.len() {
        let x = b[i];
        if x < 0x80 {
            i += 1;
        } else if (0xD0..=0xD3).contains(&x) && !(x == 0xD2 && (0x83..=0x89).contains(&b[i + 1])) {
            // `b` is UTF-8 and `x` leads a two-byte sequence, so b[i + 1] exists.
            i += 2;
        } else {
            return Some(i);
        }
    }
    None
}

/// Start of the next safe character at or after `from` (or the end).
fn next_safe(s: &str, from: usize) -> usize {
    let b = s.as_bytes();
    let mut i = from;
    while i < b.len() {
        let x = b[i];
        if x < 0x80
            || ((0xD0..=0xD3).contains(&x) && !(x == 0xD2 && (0x83..=0x89).contains(&b[i + 1])))
        {
            return i;
        }
        i += s[i..].chars().next().map_or(1, char::len_utf8);
    }
    b.len()
}

/// NFC of `s`, borrowed when `s` is already NFC.
///
/// Only the stretches around characters that are not safe starters (see [`first_unsafe`]) are looked at:
/// each is extended back to the safe character before it (which may compose with what follows) and forward
/// to the next safe character, quick-checked, and normalized only if the check fails. So a long text with one
/// decomposed letter costs one byte scan, not a full NFC pass.
fn nfc(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
    let Some(mut pos) = first_unsafe(b, 0) else {
        return Cow::Borrowed(s);
    };
    let mut out: Option<String> = None;
    let mut done = 0;
    loop {
        let start = match pos {
            0 => 0,
            p if b[p - 1] < 0x80 => p - 1,
            p => p - 2,
        }
        .max(done);
        let end = next_safe(s, pos);
        let chunk = &s[start..end];
        if is_nfc_quick(chunk.chars()) != IsNormalized::Yes {
            let composed: String = chunk.nfc().collect();
            if composed != chunk {
                let o = out.get_or_insert_with(|| String::with_capacity(s.len() + 16));
                o.push_str(&s[done..start]);
                o.push_str(&composed);
                done = end;
            }
        }
        match first_unsafe(b, end) {
            Some(p) => pos = p,
            None => break,
        }
    }
    match out {
        None => Cow::Borrowed(s),
        Some(mut o) => {
            o.push_str(&s[done..]);
            Cow::Owned(o)
        }
    }
}

#[derive(Default)]
struct Counts {
    invisible: usize,
    space: usize,
    dash: usize,
    quote: usize,
    apostrophe: usize,
}

/// The single pass after NFC: copies runs of ordinary text in bulk and rewrites only special characters.
fn clean(s: &str, out: &mut String, n: &mut Counts) {
    let b = s.as_bytes();
    let mut run = 0;
    let mut i = 0;
    // The last character written (or about to be, in the current run) is not a space.
    let mut after_text = false;
    while i < b.len() {
        let x = b[i];
        let (class, len) = if x < 0x80 {
            match x {
                b' ' => {
                    if after_text
                        && i + 1 < b.len()
                        && !matches!(b[i + 1], b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
                    {
                        after_text = false;
                        i += 1;
                        continue;
                    }
                    (Class::Space, 1)
                }
                b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => (Class::Space, 1),
                b'`' => (Class::Apostrophe, 1),
                _ => {
                    after_text = true;
                    i += 1;
                    continue;
                }
            }
        } else if (0xD0..=0xD3).contains(&x) {
            after_text = true;
            i += 2;
            continue;
        } else {
            let Some(c) = s.get(i..).and_then(|r| r.chars().next()) else {
                break;
            };
            let class = classify(c);
            if matches!(class, Class::Keep) {
                after_text = true;
                i += c.len_utf8();
                continue;
            }
            (class, c.len_utf8())
        };
        out.push_str(&s[run..i]);
        match class {
            Class::Space => {
                if out.is_empty() || out.ends_with(' ') {
                    n.space += 1;
                } else {
                    if x != b' ' {
                        n.space += 1;
                    }
                    out.push(' ');
                }
                after_text = false;
            }
            Class::Invisible => n.invisible += 1,
            Class::Dash => {
                n.dash += 1;
                out.push('-');
                after_text = true;
            }
            Class::Quote => {
                n.quote += 1;
                out.push('"');
                after_text = true;
            }
            Class::Apostrophe => {
                n.apostrophe += 1;
                out.push('\'');
                after_text = true;
            }
            Class::Keep => {}
        }
        i += len;
        run = i;
    }
    out.push_str(&s[run..]);
    while out.ends_with(' ') {
        out.pop();
        n.space += 1;
    }
}

/// Normalizes text for comparison and storage.
///
/// In order:
/// 1. Unicode NFC (skipped when a quick check proves the text is already NFC, as almost all typed text is).
/// 2. Invisible characters ([`is_invisible`]) are removed.
/// 3. Every kind of whitespace becomes one U+0020; runs collapse to one space; both ends are trimmed. Line
///    breaks count as whitespace: answers are one line.
/// 4. Hyphens, dashes and minus signs (U+2010..=U+2015, U+2212, …) become `-`; double quotation marks and
///    guillemets (`“ ” „ « » ‹ ›` …) become `"`; apostrophe look-alikes (U+2018, U+2019, U+02BC, U+02BB,
///    U+0060, U+00B4, U+2032, …) become `'`, which is what Latin 2017 letters are spelled with.
/// 5. If removing an invisible character brought a combining mark next to a letter it composes with, NFC is
///    applied again, so that the result is always NFC.
///
/// Letters, case and script are left alone: see [`super::repair_homoglyphs`] and [`super::to_cyrillic`].
///
/// The function is idempotent, never panics, and never makes text longer than NFC does (at most three times
/// the input, for a few rare characters).
pub fn normalize(input: &str) -> Normalized {
    let mut steps = Vec::new();
    let composed = nfc(input);
    if let Cow::Owned(s) = &composed
        && s != input
    {
        steps.push(Step::Composed);
    }
    let mut text = String::with_capacity(composed.len());
    let mut n = Counts::default();
    clean(&composed, &mut text, &mut n);
    if n.invisible > 0
        && let Cow::Owned(again) = nfc(&text)
    {
        if again != text && !steps.contains(&Step::Composed) {
            steps.push(Step::Composed);
        }
        text = again;
    }
    let counted = [
        (n.invisible, Step::InvisibleRemoved { count: n.invisible }),
        (n.space, Step::SpacesCanonicalized { count: n.space }),
        (n.dash, Step::DashesCanonicalized { count: n.dash }),
        (n.quote, Step::QuotesCanonicalized { count: n.quote }),
        (
            n.apostrophe,
            Step::ApostrophesCanonicalized {
                count: n.apostrophe,
            },
        ),
    ];
    steps.extend(
        counted
            .into_iter()
            .filter(|(k, _)| *k > 0)
            .map(|(_, step)| step),
    );
    Normalized { text, steps }
}

/// The minimal normalization of the `exact` matching policy: NFC, invisible characters removed, and whitespace
/// trimmed at both ends (a trailing space from a text box is never part of an answer). Inner spaces,
/// punctuation, case and letters are kept as typed.
pub fn normalize_minimal(input: &str) -> Normalized {
    let mut steps = Vec::new();
    let composed = nfc(input);
    if let Cow::Owned(s) = &composed
        && s != input
    {
        steps.push(Step::Composed);
    }
    let invisible = composed.chars().filter(|&c| is_invisible(c)).count();
    let mut text: String = if invisible > 0 {
        let kept: String = composed.chars().filter(|&c| !is_invisible(c)).collect();
        steps.push(Step::InvisibleRemoved { count: invisible });
        match nfc(&kept) {
            Cow::Borrowed(_) => kept,
            Cow::Owned(again) => again,
        }
    } else {
        composed.into_owned()
    };
    let trimmed = text.trim();
    if trimmed.len() != text.len() {
        let count = text.chars().count() - trimmed.chars().count();
        text = trimmed.to_owned();
        steps.push(Step::SpacesCanonicalized { count });
    }
    Normalized { text, steps }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        normalize(s).text
    }

    #[test]
    fn plain_text_is_unchanged_and_reports_nothing() {
        for s in [
            "",
            "кітап",
            "Барлық адамдар тумысынан азат",
            "Qazaqstan Respublikasy",
            "a-b 'c' \"d\"",
        ] {
            let n = normalize(s);
            assert_eq!(n.text, s);
            assert!(n.steps.is_empty(), "{s:?}: {:?}", n.steps);
        }
    }

    #[test]
    fn composes_decomposed_letters() {
        // и + breve → й; а + diaeresis → ӓ (repaired to ә later, not here)
        let n = normalize("и\u{306}т а\u{308}");
        assert_eq!(n.text, "йт ӓ");
        assert_eq!(n.steps, vec![Step::Composed]);
        assert_eq!(norm("A\u{301}"), "Á");
    }

    #[test]
    fn removes_invisibles() {
        let n = normalize("кі\u{200B}та\u{AD}п\u{FEFF}\u{200D}\u{202E}\u{FE0F}");
        assert_eq!(n.text, "кітап");
        assert_eq!(n.steps, vec![Step::InvisibleRemoved { count: 6 }]);
        assert_eq!(norm("\u{E0101}a\u{2066}b\u{2069}"), "ab");
    }

    #[test]
    fn invisible_between_letter_and_mark_recomposes() {
        let n = normalize("a\u{200B}\u{308}");
        assert_eq!(n.text, "ä");
        assert!(n.steps.contains(&Step::Composed));
        assert_eq!(normalize(&n.text).text, n.text);
    }

    #[test]
    fn spaces_collapse_and_trim() {
        assert_eq!(norm("  a \t\n b\u{A0}\u{A0}c\u{3000} "), "a b c");
        assert_eq!(norm("a \u{200B} b"), "a b");
        assert_eq!(norm("a\u{200B} b"), "a b");
        assert_eq!(norm("a \u{200B}"), "a");
        assert_eq!(norm(" "), "");
        assert_eq!(norm("\u{200B} a"), "a");
        assert_eq!(
            normalize("a  b").steps,
            vec![Step::SpacesCanonicalized { count: 1 }]
        );
    }

    #[test]
    fn dashes_quotes_apostrophes() {
        assert_eq!(
            norm("қарым‐қатынас — «сөз» “a” a’b aʼb aʻb a`b a´b"),
            "қарым-қатынас - \"сөз\" \"a\" a'b a'b a'b a'b a'b"
        );
        let n = normalize("s’ag‘at");
        assert_eq!(n.text, "s'ag'at");
        assert_eq!(n.steps, vec![Step::ApostrophesCanonicalized { count: 2 }]);
    }

    #[test]
    fn minimal_keeps_everything_but_invisibles_and_outer_space() {
        let n = normalize_minimal("  Кі\u{200B}тап,  «x» ");
        assert_eq!(n.text, "Кітап,  «x»");
        assert_eq!(normalize_minimal("и\u{306}").text, "й");
    }

    #[test]
    fn chunked_nfc_equals_full_nfc() {
        for s in [
            "кітап а\u{308}же и\u{306}",
            "a\u{308}",
            "\u{308}a",
            "ӓ\u{308}",
            "x\u{2000}y",
            "к\u{483}\u{301}",
            "é e\u{301} \u{1100}\u{1161}\u{11A8}",
            "q\u{323}\u{307} q\u{307}\u{323}",
            "\u{FB2C}",
            "абв",
        ] {
            assert_eq!(nfc(s), s.nfc().collect::<String>(), "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn chunked_nfc_equals_full_nfc_on_anything(
            v in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(vec!['a', 'и', 'е', 'ә', ' ', '\u{306}', '\u{308}', '\u{301}', '\u{323}',
                        '\u{483}', '\u{1100}', '\u{1161}', '\u{11A8}', 'é', '\u{2000}', '\u{FB2C}']),
                    proptest::arbitrary::any::<char>(),
                ],
                0..30,
            )
        ) {
            let s: String = v.into_iter().collect();
            proptest::prop_assert_eq!(nfc(&s).into_owned(), s.nfc().collect::<String>());
        }
    }

    #[test]
    fn quick_nfc_check_agrees_with_the_full_one() {
        for s in [
            "кітап",
            "ӓ",
            "a\u{308}",
            "к\u{483}",
            "\u{2000}",
            "é",
            "Ǵ",
            "Ӧ",
            "и\u{306}",
        ] {
            let full = s.nfc().collect::<String>() == s;
            assert_eq!(matches!(nfc(s), Cow::Borrowed(_)), full, "{s:?}");
        }
    }
}
