//! Transliteration between Cyrillic and the three Latin alphabets.
//!
//! Latin words of any alphabet are first *read* into Latin 2021 (extended with the loan variants `c w x`),
//! then converted to Cyrillic by one set of rules, [`from_latin2021`].

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::alphabet::{Alphabet, cyrillic_lower, cyrillic_to_latin2021_char};
use super::case;
use super::homoglyph::{Repair, repair_homoglyphs};
use super::normalize::is_apostrophe;
use super::script::{Script, char_script, segments, takes_apostrophe, word_script};

/// The Latin alphabets, in the order of preference when the evidence is equal.
const LATIN: [Alphabet; 3] = [
    Alphabet::Latin2021,
    Alphabet::Latin2018,
    Alphabet::Latin2017,
];

/// Most readings kept for one text (the 2018 capital `I` doubles them).
const MAX_READINGS: usize = 6;

fn nfc(s: &str) -> Cow<'_, str> {
    if unicode_normalization::is_nfc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    }
}

/// Converts Kazakh Cyrillic to Latin 2021.
///
/// The text is NFC-normalized and Latin look-alikes inside Cyrillic words are [repaired](repair_homoglyphs)
/// first (so `кiтап` with a Latin `i` gives `kıtap`). Every Cyrillic letter is written by [`super::LETTERS`];
/// a capital that becomes two letters (Ц, Ч, Щ, Ю, Я, Ё) is `Ts`, `Ch`, … before a small letter and `TS`, `CH`,
/// … in a word in capitals. Capital И and Й become `İ`, capital І becomes `I`. Everything that is not a Kazakh
/// Cyrillic letter, punctuation included, is copied unchanged.
pub fn to_latin2021(cyrillic: &str) -> String {
    let text = nfc(cyrillic);
    let repaired = repair_homoglyphs(&text).text;
    let chars: Vec<char> = repaired.chars().collect();
    let mut out = String::with_capacity(repaired.len() + repaired.len() / 4);
    for (i, &c) in chars.iter().enumerate() {
        let lower = cyrillic_lower(c);
        let Some(latin) = cyrillic_to_latin2021_char(lower) else {
            out.push(c);
            continue;
        };
        if lower == c {
            out.push_str(latin);
            continue;
        }
        let mut letters = latin.chars();
        if let Some(first) = letters.next() {
            case::push_upper(&mut out, first, Alphabet::Latin2021);
        }
        let prev_upper = i > 0 && chars[i - 1].is_uppercase();
        let all_caps = match chars.get(i + 1) {
            Some(n) if n.is_alphabetic() => n.is_uppercase(),
            _ => prev_upper,
        };
        for rest in letters {
            if all_caps {
                case::push_upper(&mut out, rest, Alphabet::Latin2021);
            } else {
                out.push(rest);
            }
        }
    }
    out
}

fn is_l21_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'ä' | 'e' | 'o' | 'ö' | 'u' | 'ū' | 'ü' | 'y' | 'ı' | 'i' | 'w'
    )
}

/// Converts Latin 2021 to Cyrillic.
///
/// Rules beyond the one-to-one letters: `i` is Й after a vowel and И elsewhere; `ia` is Я and `iu` is Ю; `h` is Х
/// (Һ cannot be told from Х in Latin 2021); `ñ` and the January 2021 draft's `ŋ` are Ң; the loan variants `ch`,
/// `c`, `x`, `w` are Ч, Ц, Х, У. `I` is І and `İ` is И. Other characters, Cyrillic included, are copied.
pub fn from_latin2021(latin: &str) -> String {
    let chars: Vec<char> = latin.chars().collect();
    let mut out = String::with_capacity(latin.len() + latin.len() / 2);
    let mut prev_vowel = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let lower = case::lower_char(c, Alphabet::Latin2021);
        let next = chars
            .get(i + 1)
            .map(|&n| case::lower_char(n, Alphabet::Latin2021));
        let (cyr, used) = match lower {
            'a' => ('а', 1),
            'ä' => ('ә', 1),
            'b' => ('б', 1),
            'c' if next == Some('h') => ('ч', 2),
            'c' => ('ц', 1),
            'd' => ('д', 1),
            'e' => ('е', 1),
            'f' => ('ф', 1),
            'g' => ('г', 1),
            'ğ' => ('ғ', 1),
            'h' | 'x' => ('х', 1),
            'ı' => ('і', 1),
            'i' if next == Some('a') => ('я', 2),
            'i' if next == Some('u') => ('ю', 2),
            'i' if prev_vowel => ('й', 1),
            'i' => ('и', 1),
            'j' => ('ж', 1),
            'k' => ('к', 1),
            'l' => ('л', 1),
            'm' => ('м', 1),
            'n' => ('н', 1),
            'ñ' | 'ŋ' => ('ң', 1),
            'o' => ('о', 1),
            'ö' => ('ө', 1),
            'p' => ('п', 1),
            'q' => ('қ', 1),
            'r' => ('р', 1),
            's' => ('с', 1),
            'ş' => ('ш', 1),
            't' => ('т', 1),
            'u' | 'w' => ('у', 1),
            'ū' => ('ұ', 1),
            'ü' => ('ү', 1),
            'v' => ('в', 1),
            'y' => ('ы', 1),
            'z' => ('з', 1),
            _ => {
                out.push(c);
                prev_vowel = false;
                i += 1;
                continue;
            }
        };
        if lower == c {
            out.push(cyr);
        } else {
            out.extend(cyr.to_uppercase());
        }
        prev_vowel = is_l21_vowel(lower);
        i += used;
    }
    out
}

/// Reads one Latin word of `alphabet` as Latin 2021, keeping case. `None` when the word uses a letter the
/// alphabet does not have. Cyrillic letters, digits and marks pass through; apostrophes that are not part of a
/// 2017 letter are kept as punctuation.
fn read_word(word: &str, alphabet: Alphabet) -> Option<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len() + 4);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        i += 1;
        if is_apostrophe(c) {
            out.push('\'');
            continue;
        }
        if char_script(c) != Some(Script::Latin) {
            out.push(c);
            continue;
        }
        let upper = c.is_uppercase();
        let lower = case::lower_char(c, Alphabet::Latin2017);
        let mapped: &str = match alphabet {
            Alphabet::Latin2021 => match lower {
                'ŋ' => "ñ",
                'a'..='z' | 'ä' | 'ğ' | 'ı' | 'ñ' | 'ö' | 'ş' | 'ū' | 'ü' => {
                    // keep the letter and its case as typed (`I`, `İ` and `ı` included)
                    out.push(c);
                    continue;
                }
                _ => return None,
            },
            Alphabet::Latin2018 => match lower {
                _ if c == 'İ' => return None,
                's' if matches!(next, Some('h' | 'H')) => {
                    i += 1;
                    "ş"
                }
                'á' => "ä",
                'ǵ' => "ğ",
                'ń' => "ñ",
                'ó' => "ö",
                'ú' => "ü",
                'ý' => "u",
                'u' => "ū",
                'i' => "ı",
                'ı' => "i",
                'a'..='z' => {
                    out.push(c);
                    continue;
                }
                _ => return None,
            },
            Alphabet::Latin2017 => {
                let marked = next.is_some_and(is_apostrophe) && takes_apostrophe(c);
                if marked {
                    i += 1;
                }
                match (lower, marked) {
                    ('a', true) => "ä",
                    ('g', true) => "ğ",
                    ('n', true) => "ñ",
                    ('o', true) => "ö",
                    ('u', true) => "ü",
                    ('y', true) => "u",
                    ('s', true) => "ş",
                    ('c', true) => "ch",
                    ('i', true) => "ı",
                    ('u', false) => "ū",
                    ('i', false) if c.is_ascii() => "i",
                    (l @ 'a'..='z', false) if c.is_ascii() => {
                        out.push(if upper { l.to_ascii_uppercase() } else { l });
                        continue;
                    }
                    _ => return None,
                }
            }
            Alphabet::Cyrillic => return None,
        };
        if upper {
            let mut m = mapped.chars();
            if let Some(first) = m.next() {
                case::push_upper(&mut out, first, Alphabet::Latin2021);
            }
            out.extend(m);
        } else {
            out.push_str(mapped);
        }
    }
    Some(out)
}

/// Evidence that a word is written in `alphabet`: the number of letters (or 2017 apostrophes) that only that
/// alphabet uses, and the number of `sh` digraphs as weaker evidence for 2018.
fn evidence(word: &str, alphabet: Alphabet) -> (usize, usize) {
    let chars: Vec<char> = word.chars().collect();
    let letters = |set: &str| chars.iter().filter(|c| set.contains(**c)).count();
    match alphabet {
        Alphabet::Latin2021 => (letters("äÄğĞñÑŋŊöÖşŞūŪüÜİ"), 0),
        // `sh` is only weak evidence: it is also с + х in the other alphabets (асхана)
        Alphabet::Latin2018 => (
            letters("áÁǵǴńŃóÓúÚýÝ"),
            chars
                .windows(2)
                .filter(|w| matches!(w, ['s' | 'S', 'h' | 'H']))
                .count(),
        ),
        Alphabet::Latin2017 => (
            chars
                .windows(2)
                .filter(|w| takes_apostrophe(w[0]) && is_apostrophe(w[1]))
                .count(),
            0,
        ),
        Alphabet::Cyrillic => (0, 0),
    }
}

/// The Latin alphabets that can read `word`, most likely first.
pub(crate) fn word_alphabets(word: &str) -> Vec<Alphabet> {
    let mut ok: Vec<(Alphabet, (usize, usize))> = LATIN
        .iter()
        .filter(|&&a| read_word(word, a).is_some())
        .map(|&a| (a, evidence(word, a)))
        .collect();
    ok.sort_by_key(|&(_, e)| std::cmp::Reverse(e));
    ok.into_iter().map(|(a, _)| a).collect()
}

/// One way of reading a Latin text.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    /// The alphabets that give this reading; empty when the words needed different alphabets.
    pub alphabets: Vec<Alphabet>,
    /// The text in Cyrillic.
    pub text: String,
}

/// Result of [`to_cyrillic`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Transliteration {
    /// The text in Cyrillic, read in [`Transliteration::alphabet`].
    pub text: String,
    /// The Latin alphabet the text was read in; `None` when it has no Latin word or when no one alphabet can
    /// read every word (each word is then read in its own most likely alphabet).
    pub alphabet: Option<Alphabet>,
    /// True when the other candidate alphabets give a different Cyrillic text.
    pub ambiguous: bool,
    /// Every distinct reading, the chosen one first.
    pub candidates: Vec<Reading>,
    /// Homoglyph repairs made before reading.
    pub repairs: Vec<Repair>,
}

/// Converts Latin Kazakh, in whichever of the three official alphabets it is written, to Cyrillic.
///
/// The text is NFC-normalized and look-alike letters are [repaired](repair_homoglyphs); Cyrillic words and
/// everything between words are copied unchanged (so punctuation survives exactly).
///
/// The alphabet is chosen for the whole text: among the alphabets that can read every Latin word, the one with
/// the most letters that only it uses (`ä ğ ñ ŋ ö ş ū ü İ` for 2021, `á ǵ ń ó ú ý` for 2018, letters with an
/// apostrophe for 2017); on a tie the one with more `sh` (2018's Ш, but С + Х elsewhere), then 2021, 2018,
/// 2017 in that order. Every alphabet with that much evidence gives a
/// [`Reading`]; if they differ the result is `ambiguous` and lists them all. `kitap` is китап in 2021 and 2017
/// but кітап in 2018, so `to_cyrillic("kitap")` returns китап, `ambiguous: true` and both candidates. Capital
/// `I` in 2018 can be І or И; both readings are listed.
pub fn to_cyrillic(latin: &str) -> Transliteration {
    let text = nfc(latin);
    let repaired = repair_homoglyphs(&text);
    let segs = segments(&repaired.text);
    let latin_words: Vec<&str> = segs
        .iter()
        .filter(|s| s.word && matches!(word_script(s.text), Script::Latin | Script::Mixed))
        .map(|s| s.text)
        .collect();
    let compatible: Vec<(Alphabet, (usize, usize))> = LATIN
        .iter()
        .filter(|&&a| latin_words.iter().all(|w| read_word(w, a).is_some()))
        .map(|&a| {
            let e = latin_words.iter().map(|w| evidence(w, a));
            (a, e.fold((0, 0), |(s, w), (s1, w1)| (s + s1, w + w1)))
        })
        .collect();
    let best = compatible.iter().map(|&(_, (strong, _))| strong).max();
    let mut chosen: Vec<(Alphabet, (usize, usize))> = compatible
        .into_iter()
        .filter(|&(_, (strong, _))| Some(strong) == best)
        .collect();
    chosen.sort_by_key(|&(_, (_, weak))| std::cmp::Reverse(weak));
    let chosen: Vec<Alphabet> = chosen.into_iter().map(|(a, _)| a).collect();

    let mut candidates: Vec<Reading> = Vec::new();
    let mut add = |alphabet: Option<Alphabet>, text: String| match candidates
        .iter_mut()
        .find(|r| r.text == text)
    {
        Some(r) => r.alphabets.extend(alphabet),
        None => {
            if candidates.len() < MAX_READINGS {
                candidates.push(Reading {
                    alphabets: alphabet.into_iter().collect(),
                    text,
                });
            }
        }
    };
    if latin_words.is_empty() {
        add(None, repaired.text.clone());
    } else if chosen.is_empty() {
        add(None, read_text(&segs, None, false));
    } else {
        for &a in &chosen {
            add(Some(a), read_text(&segs, Some(a), false));
            if a == Alphabet::Latin2018 && latin_words.iter().any(|w| w.contains('I')) {
                add(Some(a), read_text(&segs, Some(a), true));
            }
        }
    }
    let alphabet = if latin_words.is_empty() {
        None
    } else {
        chosen.first().copied()
    };
    let text = candidates
        .first()
        .map(|r| r.text.clone())
        .unwrap_or_default();
    Transliteration {
        text,
        alphabet,
        ambiguous: candidates.len() > 1,
        candidates,
        repairs: repaired.repairs,
    }
}

/// Reads every Latin word of `segs` in `alphabet` (or, for `None`, each word in its own most likely alphabet)
/// and writes the text in Cyrillic. `dotted_capital` reads a 2018 capital `I` as И instead of І.
fn read_text(
    segs: &[super::script::Segment<'_>],
    alphabet: Option<Alphabet>,
    dotted_capital: bool,
) -> String {
    let mut out = String::new();
    for seg in segs {
        if !seg.word || !matches!(word_script(seg.text), Script::Latin | Script::Mixed) {
            out.push_str(seg.text);
            continue;
        }
        let alphabet = alphabet.or_else(|| word_alphabets(seg.text).first().copied());
        let read = alphabet
            .and_then(|a| read_word(seg.text, a))
            .unwrap_or_else(|| read_loose(seg.text));
        let read = if dotted_capital {
            read.replace('I', "İ")
        } else {
            read
        };
        out.push_str(&from_latin2021(&read));
    }
    out
}

/// Reading of a word that no alphabet fits: each letter by the first alphabet that knows it.
fn read_loose(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut buf = [0u8; 4];
    for c in word.chars() {
        let one: &str = c.encode_utf8(&mut buf);
        let read = LATIN
            .iter()
            .find_map(|&a| read_word(one, a))
            .unwrap_or_else(|| one.to_owned());
        out.push_str(&read);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cyrillic_to_latin_examples() {
        assert_eq!(
            to_latin2021("Қазақстан Республикасы"),
            "Qazaqstan Respublikasy"
        );
        assert_eq!(to_latin2021("ИТ ит Іні"), "İT it Inı");
        assert_eq!(to_latin2021("Шаңырақ ШАҢЫРАҚ"), "Şañyraq ŞAÑYRAQ");
        assert_eq!(to_latin2021("Цирк ЦИРК Ч Я"), "Tsirk TSİRK Ch İa");
        assert_eq!(to_latin2021("ЮРТА Юрта"), "İURTA İurta");
        assert_eq!(to_latin2021("съезд, ёлка, мәселе"), "sezd, iolka, mäsele");
        assert_eq!(to_latin2021("кiтап"), "kıtap");
    }

    #[test]
    fn latin2021_to_cyrillic_rules() {
        assert_eq!(from_latin2021("baitaq tiıs qasietı"), "байтақ тиіс қасиеті");
        assert_eq!(from_latin2021("aiaq aiu ūia"), "аяқ аю ұя");
        assert_eq!(from_latin2021("İt Iñır"), "Ит Іңір");
        assert_eq!(from_latin2021("teŋ cirk chempion"), "тең цирк чемпион");
    }

    #[test]
    fn the_three_alphabets() {
        assert_eq!(to_cyrillic("Qazaq tılı").text, "Қазақ тілі");
        assert_eq!(to_cyrillic("Qazaq tiliniń").text, "Қазақ тілінің");
        assert_eq!(
            to_cyrillic("Qazaq ti'li' men a'debieti'").text,
            "Қазақ тілі мен әдебиеті"
        );
        assert_eq!(
            to_cyrillic("Qazaq tili men a'debieti").text,
            "Қазақ тили мен әдебиети"
        );
        assert_eq!(to_cyrillic("sag’at").text, "сағат");
        assert_eq!(to_cyrillic("s’ag’at").text, "шағат");
        assert_eq!(to_cyrillic("Shyǵys").text, "Шығыс");
        assert_eq!(to_cyrillic("Ýaqyt").text, "Уақыт");
        assert_eq!(to_cyrillic("Barlyq adamdar teŋ").text, "Барлық адамдар тең");
    }

    #[test]
    fn ambiguity_is_reported_not_guessed() {
        let t = to_cyrillic("kitap");
        assert_eq!(t.text, "китап");
        assert!(t.ambiguous);
        let texts: Vec<&str> = t.candidates.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, vec!["китап", "кітап"]);
        assert_eq!(
            t.candidates[0].alphabets,
            vec![Alphabet::Latin2021, Alphabet::Latin2017]
        );
        let t = to_cyrillic("jäne kitap");
        assert!(!t.ambiguous);
        assert_eq!(t.alphabet, Some(Alphabet::Latin2021));
        let t = to_cyrillic("Ini");
        assert!(t.candidates.iter().any(|r| r.text == "Іні"));
        let t = to_cyrillic("Men");
        assert!(!t.ambiguous);
    }

    #[test]
    fn text_without_one_alphabet_reads_word_by_word() {
        let t = to_cyrillic("jäne ǵylym");
        assert_eq!(t.alphabet, None);
        assert_eq!(t.text, "және ғылым");
    }
}
