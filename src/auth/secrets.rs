//! Password, client-secret and access-code hashing (argon2id), and the generation of codes and secrets.
//!
//! Hashing is slow on purpose and takes megabytes of working memory; the server runs it in the bounded
//! pool of [`super::hashing`], which hands each computation preallocated memory.

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::Rng;

/// The length of the hashes made here, in bytes (argon2's default).
const OUTPUT_LEN: usize = 32;

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

/// The working memory of one argon2 computation: at least its cost's block count.
pub use argon2::Block;

/// Fresh working memory for one hash at `cost` (4 or 19 MiB, zeroed; the pages are touched only when
/// used).
pub fn memory(cost: Cost) -> Vec<Block> {
    vec![Block::default(); cost.params().block_count()]
}

/// Hashes a secret at `cost` (an access code already parsed to its canonical form) in `memory`, which
/// must hold at least `cost`'s blocks.
pub fn hash_in(cost: Cost, secret: &str, memory: &mut [Block]) -> String {
    let salt = salt();
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt
        .as_salt()
        .decode_b64(&mut salt_bytes)
        .expect("a salt we encoded decodes");
    let params = cost.params();
    let output = Output::init_with(OUTPUT_LEN, |out| {
        Ok(cost.argon2().hash_password_into_with_memory(
            secret.as_bytes(),
            salt_bytes,
            out,
            &mut *memory,
        )?)
    })
    .expect("argon2 hashing succeeds in enough memory");
    PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).expect("valid params"),
        salt: Some(salt.as_salt()),
        hash: Some(output),
    }
    .to_string()
}

/// Hashes a password or client secret, in memory of its own (the command line's way; the server hashes
/// in its pool, see [`super::hashing`]).
pub fn hash_secret(secret: &str) -> String {
    hash_in(Cost::Strong, secret, &mut memory(Cost::Strong))
}

/// Whether `secret` matches the PHC-format argon2 `hash`, computed in `memory`. The parameters are read
/// from the hash; a malformed hash, or one that needs more memory than `memory` holds, matches nothing.
/// The hashes are compared in constant time.
pub fn verify_in(secret: &str, hash: &str, memory: &mut [Block]) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params), Some(salt), Some(expected)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
        parsed.salt,
        parsed.hash,
    ) else {
        return false;
    };
    let Ok(version) = parsed.version.map_or(Ok(Version::V0x13), Version::try_from) else {
        return false;
    };
    if params.block_count() > memory.len() {
        tracing::error!(
            needs = params.block_count(),
            has = memory.len(),
            "a stored hash needs more memory than its hashing slot holds"
        );
        return false;
    }
    let mut salt_bytes = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let argon2 = Argon2::new(algorithm, version, params);
    Output::init_with(expected.len(), |out| {
        Ok(argon2.hash_password_into_with_memory(
            secret.as_bytes(),
            salt_bytes,
            out,
            &mut *memory,
        )?)
    })
    .is_ok_and(|computed| computed == expected)
}

/// A hash at `cost` of no one's secret, checked against when an account does not exist (so that it
/// costs the time a wrong secret costs).
pub fn dummy_hash(cost: Cost) -> &'static str {
    match cost {
        Cost::Light => {
            "$argon2id$v=19$m=4096,t=1,p=1$csOV/sDn13VqaQpxXBIBUw$ch2UBvTrHZ8QHF+LL+eiTeN6PQlmYmMl3o4NtD81sTs"
        }
        Cost::Strong => {
            "$argon2id$v=19$m=19456,t=2,p=1$OT62OZKSk8KmL2+aJslvOA$BkbVxPr5vUTLTnoLAVjcmHsUjapHfXYz++TlSOTdtnI"
        }
    }
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
        let mut strong = memory(Cost::Strong);
        let h = hash_secret("correct horse");
        assert!(verify_in("correct horse", &h, &mut strong));
        assert!(!verify_in("correct hors", &h, &mut strong));
        let code = new_access_code();
        let h = hash_in(Cost::Light, &code, &mut strong);
        assert!(verify_in(&code, &h, &mut strong));
        assert!(!verify_in("2222-2222-2222", &h, &mut strong));
        assert!(!verify_in("x", "not a hash", &mut strong));
    }

    #[test]
    fn hashes_are_standard_phc_strings_that_argon2_itself_verifies() {
        use argon2::password_hash::PasswordVerifier;
        let h = hash_in(Cost::Light, "2345-6789-ABCD", &mut memory(Cost::Light));
        assert!(h.starts_with("$argon2id$v=19$m=4096,t=1,p=1$"), "{h}");
        let parsed = PasswordHash::new(&h).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"2345-6789-ABCD", &parsed)
                .is_ok()
        );
    }

    #[test]
    fn the_dummy_hashes_cost_what_real_ones_do() {
        for cost in [Cost::Light, Cost::Strong] {
            let dummy = PasswordHash::new(dummy_hash(cost)).unwrap();
            let real = hash_in(cost, "x", &mut memory(Cost::Strong));
            let real = PasswordHash::new(&real).unwrap();
            assert_eq!(dummy.params, real.params, "{cost:?}");
            assert_eq!(dummy.algorithm, real.algorithm);
            assert_eq!(dummy.version, real.version);
            assert_eq!(dummy.hash.map(|h| h.len()), real.hash.map(|h| h.len()));
        }
    }

    #[test]
    fn a_hash_needing_more_memory_than_given_matches_nothing() {
        let h = hash_secret("correct horse");
        assert!(!verify_in("correct horse", &h, &mut memory(Cost::Light)));
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
