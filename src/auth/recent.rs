//! Tokens verified in the last minute, so that a candidate's page, which sends the same token with every
//! save for an hour, costs one EdDSA signature check a minute instead of one a request.
//!
//! An entry is keyed by the SHA-256 of the whole token string, so it stands for exactly the bytes whose
//! signature was checked. It is used only while the token's own expiry (with the verifier's leeway) has
//! not passed and for at most [`RecentTokens::FOR`] after the check; everything that can change about an
//! account (disabled, role, token version, sign-in generation) is still checked on every request by the
//! caller, exactly as without the cache.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use super::tokens::Claims;

/// Verified tokens by digest.
#[derive(Default)]
pub struct RecentTokens(RwLock<HashMap<String, (Instant, Claims)>>);

impl RecentTokens {
    /// How long a check is reused.
    pub const FOR: Duration = Duration::from_secs(60);
    /// Entries kept at most; the map is cleared of stale ones (or wholly) beyond it.
    const MAX: usize = 100_000;

    /// The claims of `token` if it was verified within [`Self::FOR`] and has not expired at `now`
    /// (Unix seconds) with `leeway` seconds.
    pub fn get(&self, token: &str, now: i64, leeway: i64) -> Option<Claims> {
        let map = self.0.read().expect("recent tokens");
        let (at, claims) = map.get(&digest(token))?;
        (at.elapsed() < Self::FOR && claims.exp + leeway > now).then(|| claims.clone())
    }

    /// Remembers that `token` was verified with these claims.
    pub fn put(&self, token: &str, claims: &Claims) {
        let mut map = self.0.write().expect("recent tokens");
        if map.len() >= Self::MAX {
            map.retain(|_, (at, _)| at.elapsed() < Self::FOR);
            if map.len() >= Self::MAX {
                map.clear();
            }
        }
        map.insert(digest(token), (Instant::now(), claims.clone()));
    }
}

fn digest(token: &str) -> String {
    crate::digest::sha256_hex(&[token.as_bytes()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;

    fn claims(exp: i64) -> Claims {
        Claims {
            iss: "synaq".into(),
            aud: "synaq".into(),
            sub: "someone".into(),
            role: Role::Candidate,
            iat: exp - 100,
            exp,
            ver: 0,
            generation: 1,
        }
    }

    #[test]
    fn a_verified_token_is_reused_until_it_expires_and_no_other_token_is() {
        let recent = RecentTokens::default();
        recent.put("a.b.c", &claims(1_000));
        assert_eq!(
            recent.get("a.b.c", 900, 30).map(|c| c.sub),
            Some("someone".into())
        );
        // Expired (beyond the leeway): checked again, and refused there.
        assert!(recent.get("a.b.c", 1_031, 30).is_none());
        // One byte different: never the same entry.
        assert!(recent.get("a.b.d", 900, 30).is_none());
    }
}
