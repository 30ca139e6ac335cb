//! Stress accents copied from a dictionary: an acute (U+0301) or grave (U+0300) accent over a vowel that
//! makes no Kazakh letter, as in `бала́`, `ѐ` or a Cyrillic word typed with a Latin `ó`.
//!
//! Which marks are letters and stay:
//!
//! * every mark but the acute and the grave: the breve of й, the diaeresis of ё, ä, ö, ü, the macron of ū,
//!   the breve of ğ, the cedilla of ş, the tilde of ñ, the dot of İ (and the Kazakh Cyrillic letters ә ө ү ұ
//!   і ғ қ ң һ have no mark at all);
//! * in a Latin word, the acute of the Latin 2018 letters `á ó ú ý` (ә ө ү у): `kún` is күн. An acute on
//!   any other Latin vowel (`é`, `í`) and every grave accent is a stress mark; the 2018 consonants `ǵ ń`
//!   carry an accent over no vowel and are never touched.
//!
//! A word is Latin when it has more Latin letters than Cyrillic ones; in a Cyrillic word (or one with as
//! many Cyrillic letters as Latin look-alikes) every acute or grave over a vowel, Cyrillic or Latin, is a
//! stress mark.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::decompose_canonical;

use super::script::{Script, char_script, segments};

const ACUTE: char = '\u{301}';
const GRAVE: char = '\u{300}';

/// Text with its stress accents removed, and how many were removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unstressed<'a> {
    /// The text, in NFC; borrowed when nothing was removed.
    pub text: Cow<'a, str>,
    /// Stress accents removed.
    pub count: usize,
}

/// Removes the stress accents of `text` (see the [module](self) docs). The text should be NFC already
/// (as [`normalize`](super::normalize()) leaves it); the words that change are recomposed to NFC.
pub fn remove_stress_marks(text: &str) -> Unstressed<'_> {
    if !text.chars().any(carries_accent) {
        return Unstressed {
            text: Cow::Borrowed(text),
            count: 0,
        };
    }
    let mut out = String::with_capacity(text.len());
    let mut count = 0;
    for seg in segments(text) {
        if seg.word && seg.text.chars().any(carries_accent) {
            count += unstress_word(seg.text, &mut out);
        } else {
            out.push_str(seg.text);
        }
    }
    if count == 0 {
        return Unstressed {
            text: Cow::Borrowed(text),
            count,
        };
    }
    Unstressed {
        text: Cow::Owned(out),
        count,
    }
}

/// Whether `c` is an acute or grave accent, or a letter whose canonical decomposition has one.
fn carries_accent(c: char) -> bool {
    if c.is_ascii() || ('\u{400}'..='\u{4FF}').contains(&c) && !matches!(c, 'ѐ' | 'Ѐ' | 'ѝ' | 'Ѝ')
    {
        return false;
    }
    let mut found = false;
    decompose_canonical(c, |d| found |= matches!(d, ACUTE | GRAVE));
    found
}

fn is_vowel(c: char) -> bool {
    matches!(
        c.to_lowercase().next().unwrap_or(c),
        'а' | 'ә'
            | 'е'
            | 'ё'
            | 'и'
            | 'і'
            | 'о'
            | 'ө'
            | 'у'
            | 'ү'
            | 'ұ'
            | 'ы'
            | 'э'
            | 'ю'
            | 'я'
            | 'a'
            | 'e'
            | 'i'
            | 'ı'
            | 'o'
            | 'u'
            | 'y'
    ) || c == 'İ'
}

/// Writes `word` without its stress accents (recomposed to NFC) to `out`; returns how many it removed.
fn unstress_word(word: &str, out: &mut String) -> usize {
    let (mut cyrillic, mut latin) = (0, 0);
    for c in word.chars() {
        match char_script(c) {
            Some(Script::Cyrillic) => cyrillic += 1,
            Some(Script::Latin) => latin += 1,
            _ => {}
        }
    }
    let latin_word = latin > cyrillic;
    let mut decomposed = String::with_capacity(word.len() + 4);
    let mut removed = 0;
    // The base letter the marks that follow sit on, and whether a mark already followed it.
    let mut base: Option<char> = None;
    let mut first_mark = true;
    for c in word.chars() {
        decompose_canonical(c, |d| {
            let is_accent = matches!(d, ACUTE | GRAVE);
            if !is_accent && unicode_normalization::char::canonical_combining_class(d) == 0 {
                base = Some(d);
                first_mark = true;
                decomposed.push(d);
                return;
            }
            let on_vowel = base.is_some_and(is_vowel);
            let latin_2018_letter = latin_word
                && d == ACUTE
                && first_mark
                && matches!(base, Some('a' | 'o' | 'u' | 'y' | 'A' | 'O' | 'U' | 'Y'));
            first_mark = false;
            if is_accent && on_vowel && !latin_2018_letter {
                removed += 1;
            } else {
                decomposed.push(d);
            }
        });
    }
    if removed == 0 {
        out.push_str(word);
    } else {
        out.extend(decomposed.nfc());
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn unstress(s: &str) -> (String, usize) {
        let u = remove_stress_marks(s);
        (u.text.into_owned(), u.count)
    }

    #[test]
    fn dictionary_stress_over_a_vowel_goes() {
        assert_eq!(unstress("бала\u{301}"), ("бала".into(), 1));
        assert_eq!(unstress("бала\u{300}"), ("бала".into(), 1));
        assert_eq!(unstress("ә\u{301}дебиет"), ("әдебиет".into(), 1));
        assert_eq!(
            unstress("кітáп"),
            ("кітaп".into(), 1),
            "a Latin á in a Cyrillic word"
        );
        assert_eq!(
            unstress("бaлó"),
            ("бaлo".into(), 1),
            "as many Latin look-alikes as Cyrillic letters"
        );
        assert_eq!(unstress("ѐ ѝ Ѐ"), ("е и Е".into(), 3));
        assert_eq!(
            unstress("kitàp"),
            ("kitap".into(), 1),
            "no Kazakh letter has a grave accent"
        );
        assert_eq!(unstress("mektépke"), ("mektepke".into(), 1));
        assert_eq!(
            unstress("Мен кітáп оқы\u{301}дым."),
            ("Мен кітaп оқыдым.".into(), 2)
        );
    }

    #[test]
    fn marks_of_kazakh_letters_stay() {
        for s in [
            "й",
            "и\u{306}",
            "ё",
            "ә ө ү ұ і ғ қ ң һ",
            "ä ö ü ū ğ ş ñ ı İ",
            "kün kún ádebıet Ǵ ń óner ýaqyt",
            "Qazaq tili",
        ] {
            let u = remove_stress_marks(s);
            assert_eq!(u.count, 0, "{s}");
            assert!(matches!(u.text, Cow::Borrowed(_)), "{s}");
        }
        // A stress over a letter that has a mark of its own: the letter's mark stays.
        assert_eq!(unstress("ǘ"), ("ü".into(), 1));
        assert_eq!(unstress("ё\u{301}"), ("ё".into(), 1));
        // An accent over a consonant is not a stress mark.
        assert_eq!(unstress("м\u{301}"), ("м\u{301}".into(), 0));
    }

    proptest! {
        #[test]
        fn text_without_accents_is_untouched_and_removal_is_idempotent(
            s in crate::kazakh::tests::tricky_string()
        ) {
            let n = crate::kazakh::normalize(&s).text;
            let once = remove_stress_marks(&n);
            let twice = remove_stress_marks(&once.text);
            prop_assert_eq!(twice.count, 0);
            prop_assert_eq!(&twice.text, &once.text);
            if !n.chars().any(carries_accent) {
                prop_assert_eq!(once.count, 0);
            }
            // Only acute and grave accents go: every other character survives, in order.
            let others = |t: &str| -> String {
                t.nfd().filter(|c| !matches!(*c, ACUTE | GRAVE)).collect()
            };
            prop_assert_eq!(others(&once.text), others(&n));
        }
    }
}
