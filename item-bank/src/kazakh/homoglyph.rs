//! Repair of look-alike letters: Latin letters inside Cyrillic words and the reverse, and non-Kazakh letters
//! of the same shape as Kazakh ones.

use serde::{Deserialize, Serialize};

use super::script::{Script, char_script, segments};

/// One letter replaced by [`repair_homoglyphs`].
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Repair {
    /// The letter as typed.
    pub from: char,
    /// The letter it was taken for.
    pub to: char,
    /// Another letter of the same shape it may stand for: Latin `y` in a Cyrillic word is у or ү.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub alternative: Option<char>,
    /// Byte offset of the repaired letter in [`Repaired::text`].
    pub at: usize,
}

/// Result of [`repair_homoglyphs`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Repaired {
    /// The text with every repair applied.
    pub text: String,
    /// Each repair, in text order.
    pub repairs: Vec<Repair>,
}

impl Repaired {
    /// The repaired text and the texts obtained by taking the [`Repair::alternative`] of some repairs, the
    /// primary text first. Only the first three repairs with alternatives are varied (at most 8 texts).
    pub fn variants(&self) -> Vec<String> {
        let alts: Vec<&Repair> = self
            .repairs
            .iter()
            .filter(|r| r.alternative.is_some())
            .take(3)
            .collect();
        let mut out = Vec::with_capacity(1 << alts.len());
        for mask in 0..(1usize << alts.len()) {
            let mut text = self.text.clone();
            for (bit, r) in alts.iter().enumerate() {
                if let Some(alt) = r.alternative.filter(|_| mask & (1 << bit) != 0)
                    && text.get(r.at..r.at + r.to.len_utf8()).is_some()
                    && alt.len_utf8() == r.to.len_utf8()
                {
                    text.replace_range(r.at..r.at + r.to.len_utf8(), alt.encode_utf8(&mut [0; 4]));
                }
            }
            out.push(text);
        }
        out
    }
}

/// Latin (or IPA) letter of the same shape as a Cyrillic one, for Latin letters typed inside Cyrillic words.
fn latin_to_cyrillic(c: char) -> Option<(char, Option<char>)> {
    Some(match c {
        'a' => ('а', None),
        'A' => ('А', None),
        'B' => ('В', None),
        'c' => ('с', None),
        'C' => ('С', None),
        'e' => ('е', None),
        'E' => ('Е', None),
        'H' => ('Н', None),
        'h' => ('һ', None),
        'i' => ('і', None),
        'I' => ('І', None),
        'k' => ('к', None),
        'K' => ('К', None),
        'M' => ('М', None),
        'o' => ('о', None),
        'O' => ('О', None),
        'p' => ('р', None),
        'P' => ('Р', None),
        'T' => ('Т', None),
        'x' => ('х', None),
        'X' => ('Х', None),
        'y' => ('у', Some('ү')),
        'Y' => ('У', Some('Ү')),
        'ë' => ('ё', None),
        'Ë' => ('Ё', None),
        'ä' | 'ə' => ('ә', None),
        'Ä' | 'Ə' => ('Ә', None),
        'ö' | 'ɵ' => ('ө', None),
        'Ö' | 'Ɵ' => ('Ө', None),
        'ü' => ('ү', None),
        'Ü' => ('Ү', None),
        _ => return None,
    })
}

/// Cyrillic letter of the same shape as a Latin one, for Cyrillic letters typed inside Latin words.
fn cyrillic_to_latin(c: char) -> Option<char> {
    Some(match c {
        'а' => 'a',
        'А' => 'A',
        'В' => 'B',
        'с' => 'c',
        'С' => 'C',
        'е' => 'e',
        'Е' => 'E',
        'Н' => 'H',
        'һ' => 'h',
        'Һ' => 'H',
        'і' => 'i',
        'І' => 'I',
        'ј' => 'j',
        'Ј' => 'J',
        'к' => 'k',
        'К' => 'K',
        'М' => 'M',
        'о' => 'o',
        'О' => 'O',
        'р' => 'p',
        'Р' => 'P',
        'ԛ' => 'q',
        'Ԛ' => 'Q',
        'ѕ' => 's',
        'Ѕ' => 'S',
        'Т' => 'T',
        'х' => 'x',
        'Х' => 'X',
        'у' => 'y',
        'У' => 'Y',
        'Ү' => 'Y',
        'ԝ' => 'w',
        'Ԝ' => 'W',
        _ => return None,
    })
}

/// Non-Kazakh Cyrillic letters of the same shape as Kazakh ones (ӓ ӧ ӱ are what NFC makes of а о у + U+0308).
fn cyrillic_fix(c: char) -> Option<char> {
    Some(match c {
        'ӓ' => 'ә',
        'Ӓ' => 'Ә',
        'ӧ' | 'ѳ' => 'ө',
        'Ӧ' | 'Ѳ' => 'Ө',
        'ӱ' => 'ү',
        'Ӱ' => 'Ү',
        'ӊ' | 'ӈ' => 'ң',
        'Ӊ' | 'Ӈ' => 'Ң',
        'ҡ' => 'қ',
        'Ҡ' => 'Қ',
        _ => return None,
    })
}

/// IPA letters used for Kazakh Latin letters inside Latin words.
fn latin_fix(c: char) -> Option<char> {
    Some(match c {
        'ə' => 'ä',
        'Ə' => 'Ä',
        'ɵ' => 'ö',
        'Ɵ' => 'Ö',
        _ => None?,
    })
}

/// Which script a word should be written in, from the letters that have no look-alike in the other script
/// ("strong" letters), then from the count of all letters; a tie goes to Cyrillic.
fn target_script(word: &str) -> Option<(Script, bool)> {
    let (mut cyr, mut lat, mut cyr_strong, mut lat_strong) = (0, 0, 0, 0);
    for c in word.chars() {
        match char_script(c) {
            Some(Script::Cyrillic) => {
                cyr += 1;
                if cyrillic_to_latin(c).is_none() {
                    cyr_strong += 1;
                }
            }
            Some(Script::Latin) => {
                lat += 1;
                if latin_to_cyrillic(c).is_none() {
                    lat_strong += 1;
                }
            }
            _ => {}
        }
    }
    let script = match (cyr, lat) {
        (0, 0) => return None,
        (_, 0) => Script::Cyrillic,
        (0, _) => Script::Latin,
        _ if cyr_strong != lat_strong => {
            if cyr_strong > lat_strong {
                Script::Cyrillic
            } else {
                Script::Latin
            }
        }
        _ if lat > cyr => Script::Latin,
        _ => Script::Cyrillic,
    };
    Some((script, cyr > 0 && lat > 0))
}

/// Repairs look-alike letters, word by word, and reports every repair.
///
/// * In a word that is mostly Cyrillic, Latin look-alikes become Cyrillic (`a e o p c x i h k` and the
///   capitals `A B C E H I K M O P T X`); Latin `y`/`Y` becomes у/У with ү/Ү as [`Repair::alternative`];
///   `ä ö ü ë` and the IPA `ə ɵ` become ә ө ү ё ә ө.
/// * In every Cyrillic word, non-Kazakh Cyrillic letters of the same shape become Kazakh ones: ӓ → ә, ӧ → ө,
///   ӱ → ү (NFC makes these of а, о, у + U+0308), ӊ ӈ → ң, ҡ → қ, ѳ → ө.
/// * In a word that is mostly Latin, Cyrillic look-alikes become Latin, and `ə ɵ` become `ä ö`.
///
/// Which script a mixed word belongs to is decided by the letters that have no look-alike (қ, п, z, q, …),
/// then by the number of letters, then in favour of Cyrillic. Letters without a look-alike are never changed,
/// so a word with strong letters of both scripts stays mixed. The text should be [normalized](super::normalize)
/// first; nothing but letters is touched.
pub fn repair_homoglyphs(text: &str) -> Repaired {
    let mut out = String::with_capacity(text.len());
    let mut repairs = Vec::new();
    for seg in segments(text) {
        let target = match seg.word.then(|| target_script(seg.text)).flatten() {
            Some((script, mixed))
                if mixed
                    || seg
                        .text
                        .chars()
                        .any(|c| cyrillic_fix(c).or(latin_fix(c)).is_some()) =>
            {
                script
            }
            _ => {
                out.push_str(seg.text);
                continue;
            }
        };
        for c in seg.text.chars() {
            let fixed = match (Some(target), char_script(c)) {
                (Some(Script::Cyrillic), Some(Script::Latin)) => latin_to_cyrillic(c),
                (Some(Script::Cyrillic), Some(Script::Cyrillic)) => {
                    cyrillic_fix(c).map(|x| (x, None))
                }
                (Some(Script::Latin), Some(Script::Cyrillic)) => {
                    cyrillic_to_latin(c).map(|x| (x, None))
                }
                (Some(Script::Latin), Some(Script::Latin)) => latin_fix(c).map(|x| (x, None)),
                _ => None,
            };
            match fixed {
                Some((to, alternative)) => {
                    repairs.push(Repair {
                        from: c,
                        to,
                        alternative,
                        at: out.len(),
                    });
                    out.push(to);
                }
                None => out.push(c),
            }
        }
    }
    Repaired { text: out, repairs }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(s: &str) -> String {
        repair_homoglyphs(s).text
    }

    #[test]
    fn latin_in_cyrillic_words() {
        assert_eq!(fix("кiтап"), "кітап");
        assert_eq!(fix("Қaзaқ"), "Қазақ");
        assert_eq!(fix("шаhар"), "шаһар");
        assert_eq!(fix("KӨЛ"), "КӨЛ");
        assert_eq!(fix("əке"), "әке");
        assert_eq!(fix("ɵзен"), "өзен");
        assert_eq!(fix("мектепке бардым"), "мектепке бардым");
        let r = repair_homoglyphs("кiтап");
        assert_eq!(
            r.repairs,
            vec![Repair {
                from: 'i',
                to: 'і',
                alternative: None,
                at: 2
            }]
        );
    }

    #[test]
    fn nfc_made_letters_and_look_alikes_become_kazakh() {
        assert_eq!(fix("ӓже"), "әже");
        assert_eq!(fix("кӧл"), "көл");
        assert_eq!(fix("кӱн"), "күн");
        assert_eq!(fix("таӊ"), "таң");
        assert_eq!(fix("ҡала"), "қала");
    }

    #[test]
    fn cyrillic_in_latin_words() {
        assert_eq!(fix("Qаzаq"), "Qazaq");
        assert_eq!(fix("kіtap"), "kitap");
        assert_eq!(fix("əke"), "äke");
    }

    #[test]
    fn y_has_an_alternative() {
        let r = repair_homoglyphs("yй");
        assert_eq!(r.text, "уй");
        assert_eq!(r.variants(), vec!["уй".to_owned(), "үй".to_owned()]);
    }

    #[test]
    fn pure_words_and_punctuation_are_untouched() {
        for s in ["kitap", "кітап", "a-б", "Windows 11", "«сөз»"] {
            let r = repair_homoglyphs(s);
            assert_eq!(r.text, s);
            assert!(r.repairs.is_empty(), "{s}");
        }
    }
}
