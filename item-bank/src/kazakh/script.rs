//! Scripts of characters and words, and word segmentation.

use serde::{Deserialize, Serialize};

use super::normalize;

/// Script of a word.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Script {
    /// Cyrillic letters only.
    Cyrillic,
    /// Latin letters only.
    Latin,
    /// Both Cyrillic and Latin letters.
    Mixed,
    /// Letters of some other script.
    Other,
    /// No letters at all (digits only).
    Neutral,
}

/// The script of one character, `None` for non-letters.
pub(crate) fn char_script(c: char) -> Option<Script> {
    match c {
        'a'..='z' | 'A'..='Z' => Some(Script::Latin),
        '\u{0483}'..='\u{0489}' => None,
        '\u{0400}'..='\u{052F}' => Some(Script::Cyrillic),
        '\u{D7}' | '\u{F7}' => None,
        '\u{C0}'..='\u{24F}'
        | '\u{250}'..='\u{2AF}'
        | '\u{1E00}'..='\u{1EFF}'
        | '\u{2C60}'..='\u{2C7F}'
        | '\u{A720}'..='\u{A7FF}' => Some(Script::Latin),
        c if c.is_alphabetic() => Some(Script::Other),
        _ => None,
    }
}

/// True for combining marks that can follow a letter inside a word.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36F}' | '\u{483}'..='\u{489}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// Latin letters that Latin 2017 modifies with a following apostrophe.
pub(crate) fn takes_apostrophe(c: char) -> bool {
    matches!(
        c,
        'a' | 'g'
            | 'n'
            | 'o'
            | 'u'
            | 'y'
            | 's'
            | 'c'
            | 'i'
            | 'A'
            | 'G'
            | 'N'
            | 'O'
            | 'U'
            | 'Y'
            | 'S'
            | 'C'
            | 'I'
    )
}

/// One piece of text: a word (letters, digits, marks and Latin 2017 apostrophes) or what lies between words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Segment<'a> {
    pub text: &'a str,
    pub word: bool,
}

/// Splits text into words and the runs between them. An apostrophe (any of the look-alikes of
/// [`normalize::is_apostrophe`]) belongs to a word when it follows a letter that Latin 2017 marks with it.
pub(crate) fn segments(s: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_word = false;
    let mut prev = '\0';
    for (i, c) in s.char_indices() {
        let word = c.is_alphanumeric()
            || (in_word && (is_mark(c) || (normalize::is_apostrophe(c) && takes_apostrophe(prev))));
        if word != in_word {
            if i > start {
                out.push(Segment {
                    text: &s[start..i],
                    word: in_word,
                });
            }
            start = i;
            in_word = word;
        }
        prev = c;
    }
    if start < s.len() {
        out.push(Segment {
            text: &s[start..],
            word: in_word,
        });
    }
    out
}

/// Script of a word from the scripts of its letters.
pub(crate) fn word_script(word: &str) -> Script {
    let (mut cyr, mut lat, mut other) = (false, false, false);
    for c in word.chars() {
        match char_script(c) {
            Some(Script::Cyrillic) => cyr = true,
            Some(Script::Latin) => lat = true,
            Some(_) => other = true,
            None => {}
        }
    }
    match (cyr, lat, other) {
        (true, true, _) => Script::Mixed,
        (true, false, _) => Script::Cyrillic,
        (false, true, _) => Script::Latin,
        (false, false, true) => Script::Other,
        (false, false, false) => Script::Neutral,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<&str> {
        segments(s)
            .into_iter()
            .filter(|x| x.word)
            .map(|x| x.text)
            .collect()
    }

    #[test]
    fn segments_keep_2017_apostrophes_inside_words() {
        assert_eq!(
            words("s'ag'at 'kitap' qarym-qatynas"),
            vec!["s'ag'at", "kitap", "qarym", "qatynas"]
        );
        assert_eq!(words("ag’a"), vec!["ag’a"]);
        assert_eq!(words("и\u{306}ә 12"), vec!["и\u{306}ә", "12"]);
        let all: String = segments("«Сөз», - деді.").iter().map(|x| x.text).collect();
        assert_eq!(all, "«Сөз», - деді.");
    }
}
