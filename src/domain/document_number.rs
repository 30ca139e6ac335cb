//! Identity document numbers.

use super::DomainError;

/// A passport or identity document number: 4–32 Latin letters and digits, upper-cased, with spaces and
/// dashes removed (operators copy them from documents in many styles). Cyrillic look-alikes typed on a
/// Russian layout (А В Е К М Н О Р С Т Х) are read as the Latin letters, so one passport cannot be
/// registered twice under two spellings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentNumber(String);

impl DocumentNumber {
    pub fn parse(input: &str) -> Result<DocumentNumber, DomainError> {
        let cleaned = clean(input);
        if (4..=32).contains(&cleaned.len()) && is_latin_alphanumeric(&cleaned) {
            Ok(DocumentNumber(cleaned))
        } else {
            Err(DomainError::new(
                "document_number must have 4 to 32 Latin letters and digits",
            ))
        }
    }

    /// A part of a document number, as a search for one is typed: read as [`DocumentNumber::parse`]
    /// reads a whole one, 1 to 32 Latin letters and digits; `None` for anything else (a name, say).
    pub fn fragment(input: &str) -> Option<String> {
        let cleaned = clean(input);
        ((1..=32).contains(&cleaned.len()) && is_latin_alphanumeric(&cleaned)).then_some(cleaned)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Spaces and dashes removed, upper case, Cyrillic look-alikes read as the Latin letters.
fn clean(input: &str) -> String {
    input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .flat_map(char::to_uppercase)
        .map(|c| match c {
            'А' => 'A',
            'В' => 'B',
            'Е' => 'E',
            'К' => 'K',
            'М' => 'M',
            'Н' => 'H',
            'О' => 'O',
            'Р' => 'P',
            'С' => 'C',
            'Т' => 'T',
            'Х' => 'X',
            c => c,
        })
        .collect()
}

fn is_latin_alphanumeric(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_numbers_are_canonical() {
        assert_eq!(
            DocumentNumber::parse(" n 1234-5678 ").unwrap().as_str(),
            "N12345678"
        );
        assert!(DocumentNumber::parse("12").is_err());
        // The same passport typed with a Cyrillic Н is the same number; other scripts are refused.
        assert_eq!(
            DocumentNumber::parse("Н1234567").unwrap(),
            DocumentNumber::parse("H1234567").unwrap()
        );
        assert!(DocumentNumber::parse("N１２３４５").is_err());
        assert!(DocumentNumber::parse("N1234;DROP").is_err());
    }

    #[test]
    fn a_fragment_is_read_as_a_whole_number_is() {
        assert_eq!(DocumentNumber::fragment(" n 12-3").as_deref(), Some("N123"));
        assert_eq!(DocumentNumber::fragment("Н12").as_deref(), Some("H12"));
        assert_eq!(DocumentNumber::fragment("Айгүл"), None);
        assert_eq!(DocumentNumber::fragment("   "), None);
        assert_eq!(DocumentNumber::fragment("50%"), None);
    }
}
