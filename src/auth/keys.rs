//! The Ed25519 key that signs access tokens and certificates.
//!
//! The private key lives in `<data_dir>/signing-key.p8` (PKCS#8 DER, mode 0600) and never leaves the
//! server. Its public half is stored in the database, so that every instance sharing the database verifies
//! what any other signed, and so that `/.well-known/jwks.json` keeps listing keys that signed certificates
//! still in circulation.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, RwLock};

use anyhow::Context;
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{DecodingKey, EncodingKey};
use serde::Serialize;

use crate::store::{WriteDb, signing_keys};

/// The file the private key is kept in, below the data directory.
pub const KEY_FILE: &str = "signing-key.p8";

/// This instance's signing key and every public key it accepts.
pub struct KeyRing {
    kid: String,
    encoding: EncodingKey,
    verifying: RwLock<Vec<PublicKey>>,
}

/// A public key recorded in the database.
struct PublicKey {
    kid: String,
    key: Arc<DecodingKey>,
    bytes: [u8; 32],
}

/// One entry of the JWKS document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Jwk {
    pub kty: &'static str,
    pub crv: &'static str,
    pub alg: &'static str,
    #[serde(rename = "use")]
    pub usage: &'static str,
    pub kid: String,
    pub x: String,
}

/// The JWKS document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

impl KeyRing {
    /// Loads the private key from the data directory, creating it on the first start, records its public
    /// half in the database and loads every public key recorded there.
    pub async fn open(data_dir: &Path, db: &WriteDb) -> anyhow::Result<KeyRing> {
        let pkcs8 = load_or_create(&data_dir.join(KEY_FILE))?;
        let pair = Ed25519KeyPair::from_pkcs8(&pkcs8)
            .map_err(|e| anyhow::anyhow!("the signing key is unusable: {e}"))?;
        let public: [u8; 32] = pair
            .public_key()
            .as_ref()
            .try_into()
            .context("an Ed25519 public key has 32 bytes")?;
        let kid = key_id(&public);
        signing_keys::record(db, &kid, &public).await?;
        let ring = KeyRing {
            kid,
            encoding: EncodingKey::from_ed_der(&pkcs8),
            verifying: RwLock::new(Vec::new()),
        };
        ring.refresh(db).await?;
        Ok(ring)
    }

    /// The key id of the key this instance signs with.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The private key, for signing.
    pub fn encoding_key(&self) -> &EncodingKey {
        &self.encoding
    }

    /// The public key with this id, if it is known.
    pub fn decoding_key(&self, kid: &str) -> Option<Arc<DecodingKey>> {
        let keys = self.verifying.read().expect("key ring lock");
        keys.iter().find(|k| k.kid == kid).map(|k| k.key.clone())
    }

    /// Reloads the public keys from the database (another instance may have added one).
    pub async fn refresh(&self, db: &impl crate::store::Connection) -> anyhow::Result<()> {
        let rows = signing_keys::all(db).await?;
        let mut keys = Vec::with_capacity(rows.len());
        for (kid, public) in rows {
            let Ok(bytes) = <[u8; 32]>::try_from(public.as_slice()) else {
                continue;
            };
            keys.push(PublicKey {
                kid,
                key: Arc::new(DecodingKey::from_ed_der(&bytes)),
                bytes,
            });
        }
        *self.verifying.write().expect("key ring lock") = keys;
        Ok(())
    }

    /// The public keys as a JWKS document.
    pub fn jwks(&self) -> Jwks {
        let keys = self.verifying.read().expect("key ring lock");
        Jwks {
            keys: keys
                .iter()
                .map(|k| Jwk {
                    kty: "OKP",
                    crv: "Ed25519",
                    alg: "EdDSA",
                    usage: "sig",
                    kid: k.kid.clone(),
                    x: URL_SAFE_NO_PAD.encode(k.bytes),
                })
                .collect(),
        }
    }
}

/// The key id: the first 16 bytes of the SHA-256 of the public key, base64url.
fn key_id(public: &[u8; 32]) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, public);
    URL_SAFE_NO_PAD.encode(&digest.as_ref()[..16])
}

fn load_or_create(path: &Path) -> anyhow::Result<Vec<u8>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let rng = aws_lc_rs::rand::SystemRandom::new();
            let doc = Ed25519KeyPair::generate_pkcs8(&rng)
                .map_err(|e| anyhow::anyhow!("key generation failed: {e}"))?;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            match options.open(path) {
                Ok(mut file) => {
                    file.write_all(doc.as_ref())
                        .with_context(|| format!("writing {}", path.display()))?;
                    file.sync_all()?;
                    tracing::info!(path = %path.display(), "created a new signing key");
                    Ok(doc.as_ref().to_vec())
                }
                // Another process created it first: use theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(std::fs::read(path)?),
                Err(e) => Err(e).with_context(|| format!("creating {}", path.display())),
            }
        }
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_file_is_created_once_and_private() {
        let dir = std::env::temp_dir().join(format!("synaq-key-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(KEY_FILE);
        let first = load_or_create(&path).unwrap();
        assert_eq!(first, load_or_create(&path).unwrap());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
