//! A sitting's access rules: the centre's network, a proctor's authorization before the clock starts, and
//! Safe Exam Browser keys; and the check of one candidate request against them.
//!
//! Safe Exam Browser sends, with every request, `X-SafeExamBrowser-ConfigKeyHash` = hex(SHA-256(URL ‖
//! Config Key)) and `X-SafeExamBrowser-RequestHash` = hex(SHA-256(URL ‖ Browser Exam Key)), where URL is
//! the absolute request URL without its fragment. As Moodle's `quizaccess_seb` does, each kind of key the
//! sitting lists must be matched by its header: a sitting with Config Keys needs a ConfigKeyHash equal to
//! one of them, a sitting with Browser Exam Keys a RequestHash equal to one of them.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::net::{Cidr, CidrList};

/// The most ranges, keys or proctors a sitting may list.
pub const MAX_LISTED: usize = 64;

/// A sitting's access rules, as operators send them and as stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessRules {
    /// The centre's network: candidate requests from elsewhere are refused (`outside_centre_network`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<String>, example = json!(["192.0.2.0/24"]))]
    pub ip_ranges: Vec<Cidr>,
    /// A started session waits for a proctor's `authorize` before its clock starts.
    #[serde(default)]
    pub require_authorization: bool,
    /// Safe Exam Browser keys (lowercase hex SHA-256 values as SEB shows them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seb: Option<SebKeys>,
    /// The usernames of the proctors assigned to the sitting; when given, only they (and admins) act on
    /// its sessions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proctors: Vec<String>,
}

/// The Safe Exam Browser keys a sitting accepts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SebKeys {
    #[serde(default)]
    pub config_keys: Vec<String>,
    #[serde(default)]
    pub browser_exam_keys: Vec<String>,
}

/// What of a request the rules look at.
#[derive(Debug, Clone)]
pub struct RequestFacts<'a> {
    /// The client's address (see [`crate::net::client_address`]).
    pub ip: IpAddr,
    /// The absolute URL the browser asked for: the public base URL, the path and the query.
    pub url: &'a str,
    pub config_key_hash: Option<&'a str>,
    pub request_hash: Option<&'a str>,
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    OutsideNetwork,
    SebRequired,
}

fn is_hex_key(k: &str) -> bool {
    k.len() == 64
        && k.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl AccessRules {
    /// Checks the bounds and forms the server relies on; keys are lower-cased.
    pub fn validated(mut self) -> Result<AccessRules, String> {
        if self.ip_ranges.len() > MAX_LISTED || self.proctors.len() > MAX_LISTED {
            return Err(format!("at most {MAX_LISTED} ip_ranges and proctors"));
        }
        if let Some(seb) = &mut self.seb {
            for k in seb
                .config_keys
                .iter_mut()
                .chain(seb.browser_exam_keys.iter_mut())
            {
                *k = k.trim().to_ascii_lowercase();
                if !is_hex_key(k) {
                    return Err(
                        "Safe Exam Browser keys are 64 hexadecimal characters (SHA-256)".into(),
                    );
                }
            }
            let n = seb.config_keys.len() + seb.browser_exam_keys.len();
            if n == 0 || n > MAX_LISTED {
                return Err(format!(
                    "seb lists 1 to {MAX_LISTED} config_keys and browser_exam_keys"
                ));
            }
        }
        if self.proctors.iter().any(|p| p.is_empty() || p.len() > 64) {
            return Err("proctors are usernames".into());
        }
        Ok(self)
    }

    /// Whether a candidate request may proceed; network first, then the browser.
    pub fn check(&self, req: &RequestFacts<'_>) -> Result<(), Refusal> {
        if !self.ip_ranges.is_empty() && !CidrList(self.ip_ranges.clone()).contains(req.ip) {
            return Err(Refusal::OutsideNetwork);
        }
        if let Some(seb) = &self.seb {
            let matches = |keys: &[String], header: Option<&str>| {
                keys.is_empty()
                    || header.is_some_and(|h| {
                        let h = h.trim().to_ascii_lowercase();
                        keys.iter().any(|k| seb_hash(req.url, k) == h)
                    })
            };
            if !matches(&seb.config_keys, req.config_key_hash)
                || !matches(&seb.browser_exam_keys, req.request_hash)
            {
                return Err(Refusal::SebRequired);
            }
        }
        Ok(())
    }

    /// Whether the proctor named may act on this sitting's sessions.
    pub fn admits_proctor(&self, username: &str) -> bool {
        self.proctors.is_empty() || self.proctors.iter().any(|p| p == username)
    }
}

/// hex(SHA-256(url ‖ key)), as Safe Exam Browser computes its request headers; the URL without fragment.
pub fn seb_hash(url: &str, key: &str) -> String {
    let url = url.split('#').next().unwrap_or(url);
    crate::digest::sha256_hex(&[url.as_bytes(), key.as_bytes()])
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "3f8a1a0e8b4c4a7a9d2f5c6b7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012";

    fn facts<'a>(
        ip: &str,
        url: &'a str,
        ck: Option<&'a str>,
        rh: Option<&'a str>,
    ) -> RequestFacts<'a> {
        RequestFacts {
            ip: ip.parse().unwrap(),
            url,
            config_key_hash: ck,
            request_hash: rh,
        }
    }

    #[test]
    fn the_seb_hash_is_sha256_of_url_then_key() {
        // SHA-256 of the empty string, the only well-known vector with an empty key and URL.
        assert_eq!(
            seb_hash("", ""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            seb_hash("https://x/a#frag", KEY),
            seb_hash("https://x/a", KEY)
        );
        assert_ne!(seb_hash("https://x/a", KEY), seb_hash("https://x/b", KEY));
    }

    #[test]
    fn network_and_browser_are_checked() {
        let rules = AccessRules {
            ip_ranges: vec!["192.0.2.0/24".parse().unwrap()],
            seb: Some(SebKeys {
                config_keys: vec![KEY.into()],
                browser_exam_keys: vec![],
            }),
            ..Default::default()
        }
        .validated()
        .unwrap();
        let url = "https://test.example.kz/api/v1/sessions";
        let good = seb_hash(url, KEY);
        assert_eq!(
            rules.check(&facts("192.0.2.5", url, Some(&good), None)),
            Ok(())
        );
        assert_eq!(
            rules.check(&facts("198.51.100.1", url, Some(&good), None)),
            Err(Refusal::OutsideNetwork)
        );
        assert_eq!(
            rules.check(&facts("192.0.2.5", url, None, None)),
            Err(Refusal::SebRequired)
        );
        // A hash made for another URL (a replayed header) is refused.
        let other = seb_hash("https://test.example.kz/api/v1/other", KEY);
        assert_eq!(
            rules.check(&facts("192.0.2.5", url, Some(&other), None)),
            Err(Refusal::SebRequired)
        );
        // Upper-case hex from a client is the same hash.
        assert_eq!(
            rules.check(&facts("192.0.2.5", url, Some(&good.to_uppercase()), None)),
            Ok(())
        );
    }

    #[test]
    fn browser_exam_keys_need_the_request_hash() {
        let rules = AccessRules {
            seb: Some(SebKeys {
                config_keys: vec![],
                browser_exam_keys: vec![KEY.into()],
            }),
            ..Default::default()
        };
        let url = "https://t/x?y=1";
        let h = seb_hash(url, KEY);
        assert_eq!(
            rules.check(&facts("10.0.0.1", url, Some(&h), None)),
            Err(Refusal::SebRequired)
        );
        assert_eq!(rules.check(&facts("10.0.0.1", url, None, Some(&h))), Ok(()));
    }

    #[test]
    fn malformed_rules_are_refused() {
        let bad_key = AccessRules {
            seb: Some(SebKeys {
                config_keys: vec!["not-hex".into()],
                browser_exam_keys: vec![],
            }),
            ..Default::default()
        };
        assert!(bad_key.validated().is_err());
        let empty_seb = AccessRules {
            seb: Some(SebKeys::default()),
            ..Default::default()
        };
        assert!(empty_seb.validated().is_err());
        assert!(AccessRules::default().validated().is_ok());
    }
}
