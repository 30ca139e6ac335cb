//! Kazakh text: alphabets, transliteration, homoglyphs, keyboard folds, casing, normalization.
//!
//! Candidates type answers on whatever keyboard they have: Kazakh Cyrillic, a Russian layout without the nine
//! Kazakh letters, or one of the three official Latin alphabets (2017, 2018, 2021), often with Latin and Cyrillic
//! look-alikes mixed inside one word. This module turns such text into something that can be compared fairly,
//! and says what it changed at every step so that a reviewer can see why an answer was accepted.
//!
//! # Entry points
//!
//! | call | does |
//! |---|---|
//! | [`normalize`] | NFC, invisible characters removed, spaces, dashes, quotes and apostrophes canonicalized |
//! | [`detect`] | script of every word and, for Latin words, which official alphabets can read it |
//! | [`to_latin2021`] | Cyrillic → Latin 2021 (the April 2021 alphabet) |
//! | [`to_cyrillic`] | Latin of any of the three alphabets (detected) → Cyrillic, with the ambiguities listed |
//! | [`repair_homoglyphs`] | look-alike letters of the other script inside a word, each repair reported |
//! | [`to_lowercase`], [`to_uppercase`] | casing by Kazakh rules (`I` ↔ `ı`, `İ` ↔ `i` in Latin 2021) |
//! | [`fold_match`] | Russian-layout and plain-Latin keyboard substitutions, reported, never applied silently |
//!
//! Grading of typed answers builds on these calls in [`crate::grading::text`].
//!
//! # Alphabets
//!
//! [`LETTERS`] is the table of the 42 Cyrillic letters with their Latin 2021, 2018 and 2017 spellings; the
//! converters implement it in both directions and the tests check that they agree with it.
//!
//! * **Latin 2021** (decree of April 2021): `Ä Ğ I/ı (= І) İ/i (= И, Й) Ñ Ö Q Ş Ū Ü Y (= Ы) H (= Х, Һ)`; no
//!   `C Ç W X`. The January 2021 draft wrote `Ŋ` for Ң; it is accepted on input.
//! * **Latin 2018**: acute accents `Á Ǵ Ń Ó Ú Ý`, digraphs `Sh Ch`, `I/ı` for И, Й and `I/i` for І, `U` for Ұ,
//!   `Ý` for У.
//! * **Latin 2017**: apostrophes `A' G' N' O' U' Y' S' C' I'`; `I/i` for И, Й, `I'/i'` for І, `U` for Ұ, `Y'` for У.
//!
//! Latin 2021 merges И and Й (`i`) and Х and Һ (`h`). Going back to Cyrillic, `h` becomes Х, and `i` becomes Й
//! after a vowel and И elsewhere; `ia` and `iu` become Я and Ю. Every native word (written with the 33 letters
//! that are not loan letters, Һ excepted, in standard spelling) survives Cyrillic → Latin 2021 → Cyrillic.
//!
//! **Loan letters.** No official rule exists for Ё Ц Ч Щ Ъ Ь Э Ю Я. This library writes them, in Latin 2021, as
//! `io ts ch şş – – e iu ia` (Ъ and Ь are dropped), the convention of the Kazakh Wikipedia transliteration. On
//! input it also accepts the common variants `c` (Ц), `ch` (Ч), `x` (Х) and `w` (У); `ya` and `yu` are not
//! taken as Я and Ю, because `y` is Ы. Loan words need not round-trip (`ц` → `ts` → `тс`, `ё` → `io` → `ио`).
//!
//! # Ambiguity
//!
//! A Latin word can be valid in several alphabets with different readings: `kitap` is китап in 2021 and 2017
//! but кітап in 2018; `ul` is ул in 2021 but ұл in 2018. [`to_cyrillic`] picks the alphabet with the most
//! evidence in the whole text (letters only one alphabet has), prefers 2021 on a tie, and lists the other
//! readings in [`Transliteration::candidates`] instead of guessing silently.
//!
//! # Contracts
//!
//! No function here panics, whatever the input. Every output is at most a small constant multiple of the input
//! (NFC may expand a few rare characters up to three code points; transliteration at most three bytes per
//! input byte).

mod alphabet;
mod case;
mod fold;
mod homoglyph;
mod latin;
pub(crate) mod lexicon;
mod normalize;
mod script;

use serde::{Deserialize, Serialize};

pub use alphabet::{LETTERS, Letter, cyrillic_to_latin2021_char};
pub use case::{to_lowercase, to_uppercase};
pub use fold::{Fold, Keyboard, fold_match, keyboard_substitutes};
pub use homoglyph::{Repair, Repaired, repair_homoglyphs};
pub use latin::{Reading, Transliteration, from_latin2021, to_cyrillic, to_latin2021};
pub use normalize::{Normalized, is_invisible, normalize, normalize_minimal};
pub use script::{Detection, Script, WordDetection, detect};

/// An alphabet a piece of Kazakh text can be written in.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Alphabet {
    /// The Kazakh Cyrillic alphabet of 42 letters.
    Cyrillic,
    /// The Latin alphabet of April 2021 (`ä ğ ı i ñ ö q ş ū ü y`).
    Latin2021,
    /// The Latin alphabet of February 2018 (acute accents, `sh`, `ch`).
    Latin2018,
    /// The Latin alphabet of October 2017 (apostrophes).
    Latin2017,
}

/// One thing a processing step changed, so that a reviewer can see why two texts were found equal.
///
/// Counts are numbers of characters (or of letters, for homoglyphs and folds) affected.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// Unicode NFC changed the text (decomposed letters such as и + U+0306 were composed).
    Composed,
    /// Zero-width characters, soft hyphens, bidi controls or variation selectors were removed.
    InvisibleRemoved { count: usize },
    /// Whitespace of other kinds became U+0020, runs were collapsed, the ends trimmed.
    SpacesCanonicalized { count: usize },
    /// Hyphens, dashes and minus signs became U+002D.
    DashesCanonicalized { count: usize },
    /// Double quotation marks and guillemets became U+0022.
    QuotesCanonicalized { count: usize },
    /// Apostrophe look-alikes (U+2019, U+02BC, U+02BB, U+0060, U+00B4, …) became U+0027.
    ApostrophesCanonicalized { count: usize },
    /// A letter of the wrong script (or a non-Kazakh letter of the same shape) was replaced by the Kazakh one.
    HomoglyphRepaired { from: char, to: char, count: usize },
    /// The text was read in another alphabet to compare it.
    ScriptConverted { from: Alphabet, to: Alphabet },
    /// The Latin text reads differently in several alphabets; all of them were tried.
    AlphabetAmbiguous { candidates: Vec<Alphabet> },
    /// Upper and lower case were not distinguished.
    CaseIgnored,
    /// Punctuation was ignored and hyphens treated as spaces.
    PunctuationIgnored,
    /// The candidate typed `typed` where the answer has `expected`, as a keyboard without that letter forces.
    KeyboardFold {
        keyboard: Keyboard,
        expected: char,
        typed: char,
        count: usize,
    },
    /// The input was longer than the limit and was not graded.
    InputTooLong { chars: usize, max: usize },
}

#[cfg(test)]
mod tests;
