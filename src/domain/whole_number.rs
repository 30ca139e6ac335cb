//! Whole numbers in JSON bodies as JSON Schema's `integer` reads them: `200` and `200.0` alike.

use serde::Deserialize;
use serde::de::{Deserializer, Error};

/// A `u32` written as a whole number, with or without a fractional part of zero.
pub fn u32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let n = f64::deserialize(deserializer)?;
    if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) {
        Ok(n as u32)
    } else {
        Err(D::Error::custom(format!(
            "expected a whole number from 0 to {}, found {n}",
            u32::MAX
        )))
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(deserialize_with = "super::u32")]
        n: u32,
    }

    fn read(json: &str) -> Option<u32> {
        serde_json::from_str::<Body>(json).ok().map(|b| b.n)
    }

    #[test]
    fn whole_numbers_are_read_with_or_without_a_zero_fraction() {
        assert_eq!(read(r#"{"n": 200}"#), Some(200));
        assert_eq!(read(r#"{"n": 184046.0}"#), Some(184_046));
        assert_eq!(read(r#"{"n": 4294967295}"#), Some(u32::MAX));
        assert_eq!(read(r#"{"n": 4294967296}"#), None);
        assert_eq!(read(r#"{"n": 1.5}"#), None);
        assert_eq!(read(r#"{"n": -1}"#), None);
        assert_eq!(read(r#"{"n": "1"}"#), None);
    }
}
