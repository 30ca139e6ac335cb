//! The keys clients make repeated saves safe with.

use super::DomainError;

/// A client's `Idempotency-Key`: 1–128 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// The key from the header's value; the header is required.
    pub fn parse(header: Option<&str>) -> Result<IdempotencyKey, DomainError> {
        match header {
            Some(k) if (1..=128).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()) => {
                Ok(IdempotencyKey(k.to_owned()))
            }
            Some(_) => Err(DomainError::new(
                "Idempotency-Key must be 1 to 128 visible ASCII characters",
            )),
            None => Err(DomainError::new("the Idempotency-Key header is required")),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_are_bounded() {
        assert!(IdempotencyKey::parse(Some("k-1")).is_ok());
        assert!(IdempotencyKey::parse(None).is_err());
        assert!(IdempotencyKey::parse(Some(&"x".repeat(129))).is_err());
        assert!(IdempotencyKey::parse(Some("a b")).is_err());
    }
}
