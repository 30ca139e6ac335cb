//! Parse-don't-validate newtypes for what staff type at the edge. A value of one of these types is valid
//! by construction; the parse error says what is wrong in words an operator can act on.

use chrono::{DateTime, Utc};

use crate::error::ApiError;

/// A passport or identity document number: 4–32 Latin letters and digits, upper-cased, with spaces and
/// dashes removed (operators copy them from documents in many styles). Cyrillic look-alikes typed on a
/// Russian layout (А В Е К М Н О Р С Т Х) are read as the Latin letters, so one passport cannot be
/// registered twice under two spellings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentNumber(String);

impl DocumentNumber {
    pub fn parse(input: &str) -> Result<DocumentNumber, ApiError> {
        let cleaned: String = input
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
            .collect();
        let ok = (4..=32).contains(&cleaned.len())
            && cleaned
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if ok {
            Ok(DocumentNumber(cleaned))
        } else {
            Err(ApiError::Validation(
                "document_number must have 4 to 32 Latin letters and digits".into(),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's full name as on their document: 1–200 characters, no control characters, spaces folded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullName(String);

impl FullName {
    pub fn parse(input: &str) -> Result<FullName, ApiError> {
        let folded = input.split_whitespace().collect::<Vec<_>>().join(" ");
        let n = folded.chars().count();
        if n == 0 || n > 200 || folded.chars().any(char::is_control) {
            return Err(ApiError::Validation(
                "full_name must have 1 to 200 printable characters".into(),
            ));
        }
        Ok(FullName(folded))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A citizenship as an ISO 3166-1 alpha-3 code (`KAZ`, `UZB`, …).
pub fn parse_citizenship(input: &str) -> Result<String, ApiError> {
    let code = input.trim().to_ascii_uppercase();
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(ApiError::Validation(
            "citizenship must be an ISO 3166-1 alpha-3 code such as KAZ".into(),
        ))
    }
}

/// A sitting's window: opens before it closes, and lasts at most 31 days.
pub fn parse_window(opens_at: DateTime<Utc>, closes_at: DateTime<Utc>) -> Result<(), ApiError> {
    if closes_at <= opens_at {
        return Err(ApiError::Validation(
            "closes_at must be after opens_at".into(),
        ));
    }
    if closes_at - opens_at > chrono::Duration::days(31) {
        return Err(ApiError::Validation(
            "a sitting's window lasts at most 31 days".into(),
        ));
    }
    Ok(())
}

/// A client's `Idempotency-Key`: 1–128 visible ASCII characters.
pub fn parse_idempotency_key(input: Option<&str>) -> Result<String, ApiError> {
    match input {
        Some(k) if (1..=128).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(k.to_owned())
        }
        Some(_) => Err(ApiError::Validation(
            "Idempotency-Key must be 1 to 128 visible ASCII characters".into(),
        )),
        None => Err(ApiError::Validation(
            "the Idempotency-Key header is required".into(),
        )),
    }
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
    fn idempotency_keys_are_bounded() {
        assert!(parse_idempotency_key(Some("k-1")).is_ok());
        assert!(parse_idempotency_key(None).is_err());
        assert!(parse_idempotency_key(Some(&"x".repeat(129))).is_err());
        assert!(parse_idempotency_key(Some("a b")).is_err());
    }
}
