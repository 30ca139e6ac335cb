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
//! | [`remove_stress_marks`] | dictionary stress accents (acute, grave) over vowels removed, letters' own marks kept |
//! | [`fold_match`] | Russian-layout and plain-Latin keyboard substitutions, reported, never applied silently |
//! | [`search_key`] | the form in which text is searched: any alphabet, any keyboard, any case |
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
mod detect;
mod fold;
mod homoglyph;
mod latin;
pub(crate) mod lexicon;
mod normalize;
mod script;
mod search;
mod step;
mod stress;

pub use alphabet::{Alphabet, LETTERS, Letter, cyrillic_to_latin2021_char};
pub use case::{to_lowercase, to_uppercase};
pub use detect::{Detection, WordDetection, detect};
pub use fold::{Fold, Keyboard, fold_match, keyboard_substitutes};
pub use homoglyph::{Repair, Repaired, repair_homoglyphs};
pub use latin::{Reading, Transliteration, from_latin2021, to_cyrillic, to_latin2021};
pub use normalize::{Normalized, is_invisible, normalize, normalize_minimal};
pub use script::Script;
pub use search::search_key;
pub use step::Step;
pub use stress::{Unstressed, remove_stress_marks};

#[cfg(test)]
pub(crate) mod tests;
