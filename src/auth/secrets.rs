//! Password, client-secret and access-code hashing (argon2id), and the generation of codes and secrets.
//!
//! Hashing is slow on purpose; callers on the request path run it on the blocking pool.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::Rng;

/// The alphabet of access codes: no 0/O, 1/I/L, U (Crockford's choices), easy to read aloud and to type
/// on a Russian or Kazakh layout.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

/// How costly a hash is: the argon2id parameters of one kind of secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cost {
    /// Access codes. A code has 59 bits of entropy from the OS generator, so guessing it offline is out of
    /// reach even at a lower cost; the cost is kept low because thousands of candidates sign in in the
    /// same minute: 4 MiB, 1 pass.
    Light,
    /// Staff passwords and client secrets: the OWASP baseline, 19 MiB, 2 passes.
    Strong,
}

impl Cost {
    /// The argon2id parameters of this cost.
    pub fn params(self) -> Params {
        let (m_kib, passes) = match self {
            Cost::Light => (4 * 1024, 1),
            Cost::Strong => (19 * 1024, 2),
        };
        Params::new(m_kib, passes, 1, None).expect("valid params")
    }

    fn argon2(self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params())
    }
}

/// A fresh 16-byte salt from the OS-seeded generator.
fn salt() -> SaltString {
    let bytes: [u8; 16] = rand::rng().random();
    SaltString::encode_b64(&bytes).expect("16 bytes make a valid salt")
}

/// Hashes a secret at `cost` (an access code already parsed to its canonical form).
pub fn hash(cost: Cost, secret: &str) -> String {
    let salt = salt();
    cost.argon2()
        .hash_password(secret.as_bytes(), &salt)
        .expect("argon2 hashing succeeds")
        .to_string()
}

/// Hashes a password or client secret.
pub fn hash_secret(secret: &str) -> String {
    hash(Cost::Strong, secret)
}

/// Whether `secret` matches `hash`; the parameters are read from the hash itself.
pub fn verify(secret: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(secret.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A fresh access code, `XXXX-XXXX-XXXX`.
pub fn new_access_code() -> String {
    let mut rng = rand::rng();
    let chars: Vec<u8> = (0..12)
        .map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())])
        .collect();
    format!(
        "{}-{}-{}",
        std::str::from_utf8(&chars[0..4]).expect("ascii"),
        std::str::from_utf8(&chars[4..8]).expect("ascii"),
        std::str::from_utf8(&chars[8..12]).expect("ascii")
    )
}

/// An access code as typed: case, spaces and dashes are forgiven; Cyrillic look-alikes of the code's
/// letters (А В Е К М Н Р С Т Х) typed on a Russian layout are read as the Latin letters.
pub fn parse_access_code(input: &str) -> Option<String> {
    let mut out = String::with_capacity(14);
    for ch in input.chars() {
        let c = match ch {
            ' ' | '-' | '\u{2010}'..='\u{2015}' => continue,
            'А' | 'а' => 'A',
            'В' | 'в' => 'B',
            'Е' | 'е' => 'E',
            'К' | 'к' => 'K',
            'М' | 'м' => 'M',
            'Н' | 'н' => 'H',
            'Р' | 'р' => 'P',
            'С' | 'с' => 'C',
            'Т' | 'т' => 'T',
            'Х' | 'х' => 'X',
            c => c.to_ascii_uppercase(),
        };
        if !CODE_ALPHABET.contains(&(c as u32).try_into().ok()?) {
            return None;
        }
        out.push(c);
        if out.len() > 12 {
            return None;
        }
    }
    (out.len() == 12).then(|| format!("{}-{}-{}", &out[0..4], &out[4..8], &out[8..12]))
}

/// A fresh client secret: 32 random bytes, base64url.
pub fn new_client_secret() -> String {
    use base64::Engine;
    let bytes: [u8; 32] = rand::rng().random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_secret() {
        let h = hash_secret("correct horse");
        assert!(verify("correct horse", &h));
        assert!(!verify("correct hors", &h));
        let code = new_access_code();
        let h = hash(Cost::Light, &code);
        assert!(verify(&code, &h));
        assert!(!verify("2222-2222-2222", &h));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn access_codes_are_forgiving_to_type() {
        let code = new_access_code();
        assert_eq!(parse_access_code(&code).as_deref(), Some(code.as_str()));
        assert_eq!(
            parse_access_code(&code.to_lowercase().replace('-', " ")).as_deref(),
            Some(code.as_str())
        );
        assert_eq!(
            parse_access_code("К7ХМ-2345-АВСЕ").as_deref(),
            Some("K7XM-2345-ABCE")
        );
        assert_eq!(parse_access_code("K7XM-2345-ABC"), None);
        assert_eq!(parse_access_code("K7XM-2345-ABC0"), None);
        assert_eq!(parse_access_code("K7XM-2345-ABCEE"), None);
    }
}
