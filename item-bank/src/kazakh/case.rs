//! Casing by Kazakh rules.
//!
//! Rust's default casing is wrong for Latin 2021, where `I` is the capital of `ı` (І) and `İ` of `i` (И, Й):
//! `"I".to_lowercase()` gives `i` and `"İ".to_lowercase()` gives `i̇` (two code points). These functions never
//! produce a combining dot.

use super::alphabet::Alphabet;

/// Small form of one character in `alphabet`: `I` → `ı` in Latin 2021 and `i` elsewhere; `İ` → `i` always; any
/// other character by Unicode's simple lower-case mapping.
pub(crate) fn lower_char(c: char, alphabet: Alphabet) -> char {
    match c {
        'I' if alphabet == Alphabet::Latin2021 => 'ı',
        'İ' => 'i',
        c if c.is_ascii() => c.to_ascii_lowercase(),
        c => {
            let mut l = c.to_lowercase();
            match (l.next(), l.next()) {
                (Some(one), None) => one,
                _ => c,
            }
        }
    }
}

/// Appends the capital form of `c` in `alphabet`: `i` → `İ` in Latin 2021 and `I` elsewhere; `ı` → `I`.
pub(crate) fn push_upper(out: &mut String, c: char, alphabet: Alphabet) {
    match c {
        'i' if alphabet == Alphabet::Latin2021 => out.push('İ'),
        'ı' => out.push('I'),
        c if c.is_ascii() => out.push(c.to_ascii_uppercase()),
        c => out.extend(c.to_uppercase()),
    }
}

/// Lower case by the rules of `alphabet`.
///
/// * Latin 2021: `I` → `ı`, `İ` → `i`.
/// * Latin 2018: `I` is the capital of both `i` (І) and `ı` (И, Й); it becomes `i`, the more frequent letter.
///   Use [`super::to_cyrillic`] to see both readings.
/// * Latin 2017 and Cyrillic: `I` → `i`; `İ` → `i` (never `i` + U+0307).
///
/// Every other character follows Unicode's simple mapping, one character for one, so the length in characters
/// never changes.
pub fn to_lowercase(text: &str, alphabet: Alphabet) -> String {
    if text.is_ascii() && alphabet != Alphabet::Latin2021 {
        return text.to_ascii_lowercase();
    }
    text.chars().map(|c| lower_char(c, alphabet)).collect()
}

/// Upper case by the rules of `alphabet`: `i` → `İ` and `ı` → `I` in Latin 2021; `i` and `ı` → `I` elsewhere.
pub fn to_uppercase(text: &str, alphabet: Alphabet) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_upper(&mut out, c, alphabet);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_2021_dotted_and_dotless_i() {
        assert_eq!(to_lowercase("I", Alphabet::Latin2021), "ı");
        assert_eq!(to_lowercase("İ", Alphabet::Latin2021), "i");
        assert_eq!(to_lowercase("İ", Alphabet::Cyrillic), "i");
        assert_eq!(to_lowercase("BILIM İNI", Alphabet::Latin2021), "bılım inı");
        assert_eq!(to_uppercase("bılım inı", Alphabet::Latin2021), "BILIM İNI");
        assert_eq!(to_uppercase("ini", Alphabet::Latin2017), "INI");
        assert_eq!(to_lowercase("INI", Alphabet::Latin2017), "ini");
    }

    #[test]
    fn cyrillic_and_accented() {
        assert_eq!(
            to_lowercase("ҚАЗАҚ ТІЛІ ӘӨҮҰҢҒҺ", Alphabet::Cyrillic),
            "қазақ тілі әөүұңғһ"
        );
        assert_eq!(
            to_uppercase("қазақ тілі әөүұңғһ", Alphabet::Cyrillic),
            "ҚАЗАҚ ТІЛІ ӘӨҮҰҢҒҺ"
        );
        assert_eq!(to_lowercase("ǴÁŃÓÚÝ", Alphabet::Latin2018), "ǵáńóúý");
        assert_eq!(to_uppercase("äğñöşūü", Alphabet::Latin2021), "ÄĞÑÖŞŪÜ");
    }
}
