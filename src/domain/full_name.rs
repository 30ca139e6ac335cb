//! Persons' names as on their documents.

use item_bank::kazakh::is_invisible;
use unicode_normalization::UnicodeNormalization;

use super::DomainError;
use super::text::{self, Lines};

/// A person's full name as on their document: 1–200 characters in NFC, spaces folded, no control
/// character and no invisible one — no zero-width character, bidi control (U+202A–202E, U+2066–2069) or
/// byte-order mark, which would make a signed certificate show another name than the one it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullName(String);

impl FullName {
    pub fn parse(input: &str) -> Result<FullName, DomainError> {
        let folded = input
            .nfc()
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        text::check("full_name", &folded, Lines::One)?;
        if let Some(c) = folded.chars().find(|&c| is_invisible(c)) {
            return Err(DomainError::new(format!(
                "full_name holds the invisible character U+{:04X} (a zero-width character, a direction \
                 control or a byte-order mark): type the name as it is on the document",
                c as u32
            )));
        }
        let n = folded.chars().count();
        if n == 0 || n > 200 {
            return Err(DomainError::new(
                "full_name must have 1 to 200 printable characters",
            ));
        }
        Ok(FullName(folded))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn names_fold_spaces_and_refuse_controls() {
        assert_eq!(
            FullName::parse("  Айгүл   Серікқызы ")
                .unwrap()
                .into_inner(),
            "Айгүл Серікқызы"
        );
        assert!(FullName::parse("a\u{0}b").is_err());
        assert!(FullName::parse("   ").is_err());
    }

    #[test]
    fn names_are_nfc_and_refuse_invisible_characters() {
        // й typed as и + combining breve becomes the one precomposed letter.
        assert_eq!(
            FullName::parse("Жании\u{306}").unwrap().into_inner(),
            "Жани\u{439}"
        );
        for bad in [
            "Айгүл\u{202E}ызықірес",
            "Ай\u{2066}гүл\u{2069}",
            "\u{FEFF}Айгүл",
            "Ай\u{200B}гүл",
            "Ай\u{200D}гүл",
        ] {
            let e = FullName::parse(bad).unwrap_err();
            assert!(e.to_string().contains("invisible"), "{bad:?}: {e}");
        }
    }

    proptest! {
        #[test]
        fn a_parsed_name_is_nfc_and_visible(s in "\\PC{1,40}") {
            if let Ok(name) = FullName::parse(&s) {
                let name = name.into_inner();
                prop_assert!(unicode_normalization::is_nfc(&name));
                prop_assert!(!name.chars().any(|c| c.is_control() || is_invisible(c)));
                prop_assert_eq!(FullName::parse(&name).map(FullName::into_inner), Ok(name.clone()));
            }
        }
    }
}
