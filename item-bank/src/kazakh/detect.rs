//! [`detect`]: the script of every word and, for Latin words, the official alphabets that can read it.

use serde::{Deserialize, Serialize};

use super::alphabet::Alphabet;
use super::homoglyph::repair_homoglyphs;
use super::latin;
use super::normalize;
use super::script::{Script, segments, word_script};

/// Script and alphabets of one word of the input.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct WordDetection {
    /// The word as it stands after [`normalize`](super::normalize()).
    pub word: String,
    /// The script of its letters as typed.
    pub script: Script,
    /// The word after homoglyph repair, when repair changed it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub repaired: Option<String>,
    /// Alphabets that can read the (repaired) word, most likely first. Cyrillic words give `[cyrillic]`;
    /// Latin words give every Latin alphabet whose letters they use; an empty list means no alphabet fits.
    pub alphabets: Vec<Alphabet>,
}

/// Result of [`detect`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Detection {
    /// Script of the whole text: the one script of its words, `mixed` when words differ, `neutral` when there
    /// are no letters.
    pub script: Script,
    /// The alphabet [`to_cyrillic`](super::to_cyrillic) would read the Latin words in, `cyrillic` for Cyrillic
    /// text, `None` when there are no letters or the Latin words need different alphabets.
    pub alphabet: Option<Alphabet>,
    /// Every word, in order.
    pub words: Vec<WordDetection>,
}

/// Detects the script of every word of `input` and, for Latin words, the alphabets that can read it.
///
/// The input is [normalized](super::normalize()) first. A word mixing scripts is reported as `mixed`, with its
/// homoglyph repair and the alphabets of the repaired word.
pub fn detect(input: &str) -> Detection {
    let text = normalize::normalize(input).text;
    let mut words = Vec::new();
    let mut scripts = Vec::new();
    for seg in segments(&text).into_iter().filter(|s| s.word) {
        let script = word_script(seg.text);
        let repaired = repair_homoglyphs(seg.text).text;
        let alphabets = match word_script(&repaired) {
            Script::Cyrillic => vec![Alphabet::Cyrillic],
            Script::Latin | Script::Mixed => latin::word_alphabets(&repaired),
            Script::Other | Script::Neutral => Vec::new(),
        };
        if !matches!(script, Script::Neutral) {
            scripts.push(script);
        }
        words.push(WordDetection {
            word: seg.text.to_owned(),
            script,
            repaired: (repaired != seg.text).then_some(repaired),
            alphabets,
        });
    }
    let script = match scripts.split_first() {
        None => Script::Neutral,
        Some((first, rest)) if rest.iter().all(|s| s == first) => *first,
        Some(_) => Script::Mixed,
    };
    let has_latin = words
        .iter()
        .any(|w| w.alphabets.iter().any(|a| *a != Alphabet::Cyrillic));
    let alphabet = if has_latin {
        latin::to_cyrillic(&text).alphabet
    } else if words.iter().any(|w| w.alphabets == [Alphabet::Cyrillic]) {
        Some(Alphabet::Cyrillic)
    } else {
        None
    };
    Detection {
        script,
        alphabet,
        words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_scripts_and_alphabets() {
        let d = detect("Қазақ тілі");
        assert_eq!(d.script, Script::Cyrillic);
        assert_eq!(d.alphabet, Some(Alphabet::Cyrillic));
        let d = detect("Qazaq tılı");
        assert_eq!(d.script, Script::Latin);
        assert_eq!(d.alphabet, Some(Alphabet::Latin2021));
        let d = detect("Qazaq tili");
        assert_eq!(
            d.words[1].alphabets,
            vec![
                Alphabet::Latin2021,
                Alphabet::Latin2018,
                Alphabet::Latin2017
            ]
        );
        let d = detect("Qazaq tiliniń");
        assert_eq!(d.alphabet, Some(Alphabet::Latin2018));
        let d = detect("Qazaq tili men a'debieti");
        assert_eq!(d.alphabet, Some(Alphabet::Latin2017));
        let d = detect("кiтап");
        assert_eq!(d.words[0].script, Script::Mixed);
        assert_eq!(d.words[0].repaired.as_deref(), Some("кітап"));
        assert_eq!(d.words[0].alphabets, vec![Alphabet::Cyrillic]);
        let d = detect("2024");
        assert_eq!(d.script, Script::Neutral);
        assert_eq!(d.alphabet, None);
    }
}
