//! Kazakh text: alphabets, transliteration, homoglyphs, keyboard folds, casing, normalization.
