//! Citizenships.

use super::DomainError;

/// A citizenship as an ISO 3166-1 alpha-3 code (`KAZ`, `UZB`, …), upper-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citizenship(String);

impl Citizenship {
    pub fn parse(input: &str) -> Result<Citizenship, DomainError> {
        let code = input.trim().to_ascii_uppercase();
        if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Citizenship(code))
        } else {
            Err(DomainError::new(
                "citizenship must be an ISO 3166-1 alpha-3 code such as KAZ",
            ))
        }
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_three_latin_letters() {
        assert_eq!(Citizenship::parse(" uzb ").unwrap().into_inner(), "UZB");
        assert!(Citizenship::parse("UZ").is_err());
        assert!(Citizenship::parse("УЗБ").is_err());
    }
}
