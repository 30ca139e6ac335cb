//! A reason or comment a person gives for a decision: a proctor's action, a review's decision, a
//! revocation. It goes into the audit trail and the feed, so it is bounded and printable.

use super::DomainError;
use super::text::{self, Lines};

/// The longest reason, in characters.
pub const MAX_REASON_CHARS: usize = 1000;

/// A reason: trimmed, 1 to [`MAX_REASON_CHARS`] characters, no control character but tabs and line
/// breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason(String);

impl Reason {
    /// Parses a typed reason.
    pub fn parse(value: &str) -> Result<Reason, DomainError> {
        let trimmed = value.trim();
        if trimmed.is_empty() || trimmed.chars().count() > MAX_REASON_CHARS {
            return Err(DomainError::new(format!(
                "reason must have 1 to {MAX_REASON_CHARS} characters"
            )));
        }
        text::check("reason", trimmed, Lines::Many)?;
        Ok(Reason(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_trimmed_bounded_and_printable() {
        assert_eq!(
            Reason::parse("  сөйлесті\nкөрші  ").unwrap().as_str(),
            "сөйлесті\nкөрші"
        );
        assert!(Reason::parse(" \n ").is_err());
        assert!(Reason::parse(&"ә".repeat(MAX_REASON_CHARS)).is_ok());
        assert!(Reason::parse(&"ә".repeat(MAX_REASON_CHARS + 1)).is_err());
        assert!(Reason::parse("a\0b").is_err());
        assert!(Reason::parse("a\u{1b}[31m").is_err());
    }
}
