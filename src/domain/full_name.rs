//! Persons' names as on their documents.

use super::DomainError;

/// A person's full name as on their document: 1–200 characters, no control characters, spaces folded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullName(String);

impl FullName {
    pub fn parse(input: &str) -> Result<FullName, DomainError> {
        let folded = input.split_whitespace().collect::<Vec<_>>().join(" ");
        let n = folded.chars().count();
        if n == 0 || n > 200 || folded.chars().any(char::is_control) {
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
}
