//! Tests across the module: the reference transliteration table and properties.

use proptest::prelude::*;
use unicode_normalization::UnicodeNormalization;

use super::*;

fn reference_rows() -> Vec<(String, String, String)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/reference/kazakh-latin-2021.tsv"
    );
    let data = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut lines = data.lines();
    assert_eq!(lines.next(), Some("id\tcyrillic\tlatin_2021"));
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 3, "{l}");
            (f[0].to_owned(), f[1].to_owned(), f[2].to_owned())
        })
        .collect()
}

#[test]
fn reference_table_both_ways_exactly() {
    let rows = reference_rows();
    assert_eq!(rows.len(), 21);
    for (id, cyrillic, latin) in &rows {
        assert_eq!(
            &to_latin2021(cyrillic),
            latin,
            "{id}: Cyrillic → Latin 2021"
        );
        let back = to_cyrillic(latin);
        assert_eq!(&back.text, cyrillic, "{id}: Latin → Cyrillic");
        assert_eq!(back.alphabet, Some(Alphabet::Latin2021), "{id}");
        assert_eq!(
            &from_latin2021(latin),
            cyrillic,
            "{id}: Latin 2021 → Cyrillic"
        );
        // the January 2021 draft wrote ŋ for ñ
        let draft = latin.replace('ñ', "ŋ").replace('Ñ', "Ŋ");
        assert_eq!(&to_cyrillic(&draft).text, cyrillic, "{id}: draft ŋ");
    }
}

#[test]
fn reference_table_through_the_other_alphabets() {
    // Spell each row in 2018 and 2017 from the letter table, then read it back with detection.
    for (id, cyrillic, _) in reference_rows() {
        for (alphabet, spell) in [
            (
                Alphabet::Latin2018,
                (|l: &Letter| l.latin2018) as fn(&Letter) -> &'static str,
            ),
            (Alphabet::Latin2017, |l: &Letter| l.latin2017),
        ] {
            let mut latin = String::new();
            for c in cyrillic.chars() {
                match LETTERS.iter().find(|l| l.lower == c || l.upper == c) {
                    Some(l) if l.upper == c => {
                        let mut s = spell(l).chars();
                        latin.extend(s.next().map(|f| f.to_ascii_uppercase()));
                        latin.extend(s);
                    }
                    Some(l) => latin.push_str(spell(l)),
                    None => latin.push(c),
                }
            }
            let back = to_cyrillic(&latin);
            assert!(
                back.candidates.iter().any(|r| r.text == cyrillic),
                "{id} {alphabet:?}: {latin} → {:?}",
                back.candidates
            );
        }
    }
}

const NATIVE: &[char] = &[
    'а', 'ә', 'б', 'в', 'г', 'ғ', 'д', 'е', 'ж', 'з', 'и', 'й', 'к', 'қ', 'л', 'м', 'н', 'ң', 'о',
    'ө', 'п', 'р', 'с', 'т', 'у', 'ұ', 'ү', 'ф', 'х', 'ы', 'і',
];

fn is_vowel(c: char) -> bool {
    "аәеоөуұүыіи".contains(c)
}

/// Standard spelling of a native word: й only after a vowel, и elsewhere, and neither before а or у (written
/// я, ю). Һ is left out: Latin 2021 writes Х and Һ alike.
pub(crate) fn nativize(letters: &[usize]) -> String {
    let mut out: Vec<char> = Vec::new();
    for &i in letters {
        let mut c = NATIVE[i % NATIVE.len()];
        if c == 'и' || c == 'й' {
            c = if out.last().is_some_and(|&p| is_vowel(p) || p == 'й') {
                'й'
            } else {
                'и'
            };
        }
        if matches!(c, 'а' | 'у') && matches!(out.last(), Some('и' | 'й')) {
            out.push('ы');
        }
        out.push(c);
    }
    out.into_iter().collect()
}

fn word_case(word: &str, style: u8) -> String {
    match style % 3 {
        0 => word.to_owned(),
        1 => {
            let mut c = word.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
        _ => word.to_uppercase(),
    }
}

/// Characters that stress the normalizer: letters of both scripts, look-alikes, invisibles, spaces,
/// combining marks, dashes, quotes and apostrophes.
pub(crate) fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        prop::sample::select(vec![
            'а',
            'ә',
            'і',
            'И',
            'й',
            'қ',
            'ң',
            'ө',
            'ү',
            'ұ',
            'ӓ',
            'ӧ',
            'ӱ',
            'ӊ',
            'ə',
            'ɵ',
            'a',
            'e',
            'i',
            'I',
            'İ',
            'ı',
            'y',
            'Y',
            'h',
            'ä',
            'ǵ',
            'ñ',
            'ŋ',
            'ş',
            '\'',
            '`',
            '’',
            'ʼ',
            'ʻ',
            '´',
            ' ',
            '\u{A0}',
            '\t',
            '\n',
            '\u{2000}',
            '\u{200B}',
            '\u{200D}',
            '\u{AD}',
            '\u{202E}',
            '\u{2066}',
            '\u{FE0F}',
            '\u{E0101}',
            '\u{300}',
            '\u{301}',
            '\u{306}',
            '\u{308}',
            '\u{327}',
            '\u{483}',
            '-',
            '—',
            '–',
            '«',
            '»',
            '"',
            '“',
            '.',
            ',',
            '1',
        ]),
        any::<char>(),
    ]
}

/// Strings of up to 40 [`tricky_char`]s (also the grading tests' input).
pub(crate) fn tricky_string() -> impl Strategy<Value = String> {
    prop::collection::vec(tricky_char(), 0..40).prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn normalize_is_idempotent_nfc_and_bounded(s in tricky_string()) {
        let once = normalize(&s);
        prop_assert_eq!(&normalize(&once.text).text, &once.text);
        prop_assert!(normalize(&once.text).steps.is_empty(), "{:?}", normalize(&once.text).steps);
        prop_assert_eq!(once.text.nfc().collect::<String>(), once.text.clone());
        prop_assert!(once.text.len() <= 3 * s.len());
        prop_assert!(!once.text.starts_with(' ') && !once.text.ends_with(' ') && !once.text.contains("  "));
        let minimal = normalize_minimal(&s);
        prop_assert_eq!(&normalize_minimal(&minimal.text).text, &minimal.text);
        prop_assert!(minimal.text.len() <= 3 * s.len());
    }

    #[test]
    fn normalize_is_idempotent_on_any_unicode(s in any::<String>()) {
        let once = normalize(&s).text;
        prop_assert_eq!(normalize(&once).text, once.clone());
        prop_assert!(once.len() <= 3 * s.len());
    }

    #[test]
    fn native_words_round_trip_through_latin_2021(
        words in prop::collection::vec((prop::collection::vec(0usize..1000, 1..12), any::<u8>()), 1..6)
    ) {
        let text: Vec<String> = words.iter().map(|(w, style)| word_case(&nativize(w), *style)).collect();
        let text = text.join(" ");
        let latin = to_latin2021(&text);
        prop_assert_eq!(&from_latin2021(&latin), &text, "via {}", latin);
        let back = to_cyrillic(&latin);
        prop_assert!(back.candidates.iter().any(|r| r.text == text), "via {}: {:?}", latin, back.candidates);
        prop_assert_eq!(to_lowercase(&latin, Alphabet::Latin2021), to_latin2021(&text.to_lowercase()));
    }

    #[test]
    fn nothing_panics_and_outputs_are_bounded(s in tricky_string()) {
        let n = s.len();
        prop_assert!(to_latin2021(&s).len() <= 6 * n);
        prop_assert!(to_cyrillic(&s).text.len() <= 6 * n);
        prop_assert!(from_latin2021(&s).len() <= 3 * n);
        prop_assert!(repair_homoglyphs(&s).text.len() <= 3 * n);
        prop_assert_eq!(to_lowercase(&s, Alphabet::Latin2021).chars().count(), s.chars().count());
        prop_assert!(to_uppercase(&s, Alphabet::Latin2021).len() <= 3 * n);
        let _ = detect(&s);
    }
}
