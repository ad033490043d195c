//! Cryptography of mnir, kept apart so that every use goes through a few reviewed functions.
//!
//! - Field encryption: XChaCha20-Poly1305 with the table, column and row id as associated data,
//!   so a ciphertext copied into another row or column fails to decrypt instead of leaking.
//! - Key file: one 256-bit master key; every purpose gets its own subkey derived by HMAC.
//! - Secrets we only need to recognise (session ids, API tokens) are stored as SHA-256 hashes.
//! - Passwords: Argon2id.
//! - The audit log's hash chain.

mod keyfile;
mod password;

pub use keyfile::{KeyFileError, load_or_create_key_file};
pub use password::{PasswordCost, hash_password, verify_password};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

type HmacSha256 = Hmac<Sha256>;

/// Ciphertext layout version; a future algorithm change adds a new one and keeps reading this.
const FORMAT_V1: u8 = 1;
const NONCE_LEN: usize = 24;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error(
        "encrypted field could not be decrypted (wrong key, or the value was moved or altered)"
    )]
    Decrypt,
    #[error("encrypted field has an unknown format")]
    Format,
}

/// The master key and the subkeys derived from it.
#[derive(Clone)]
pub struct Keys {
    field: Zeroizing<[u8; 32]>,
    blind_index: Zeroizing<[u8; 32]>,
    csrf: Zeroizing<[u8; 32]>,
    audit: Zeroizing<[u8; 32]>,
    check: String,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(..)")
    }
}

fn derive(master: &[u8; 32], purpose: &str) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(master).expect("HMAC takes any key length");
    mac.update(b"mnir key derivation/");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

impl Keys {
    pub fn from_master(master: &[u8; 32]) -> Keys {
        Keys {
            field: Zeroizing::new(derive(master, "field encryption v1")),
            blind_index: Zeroizing::new(derive(master, "blind index v1")),
            csrf: Zeroizing::new(derive(master, "csrf v1")),
            audit: Zeroizing::new(derive(master, "audit chain v1")),
            check: hex::encode(derive(master, "key check v1")),
        }
    }

    /// A fresh random key, for tests and for creating a key file.
    pub fn generate_master() -> Zeroizing<[u8; 32]> {
        let mut master = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(master.as_mut());
        master
    }

    /// A value that identifies the key without revealing it; stored in the database so that
    /// opening it with another key file is refused before anything is written.
    pub fn check_value(&self) -> &str {
        &self.check
    }

    fn aad(table: &str, column: &str, row_id: &str) -> Vec<u8> {
        format!("mnir/{table}/{column}/{row_id}").into_bytes()
    }

    pub fn encrypt(&self, table: &str, column: &str, row_id: &str, plaintext: &[u8]) -> Vec<u8> {
        let cipher = XChaCha20Poly1305::new(self.field.as_ref().into());
        // A nonce needs to be unpredictable and never repeat, not to come from the kernel each
        // time: the thread's CSPRNG (ChaCha, seeded and reseeded from the operating system) gives
        // 192 random bits without a system call per field, which a bulk load of a million cases
        // makes ten million times.
        let mut nonce = [0u8; NONCE_LEN];
        rand::thread_rng().fill_bytes(&mut nonce);
        let aad = Self::aad(table, column, row_id);
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory buffers");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(FORMAT_V1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    pub fn decrypt(
        &self,
        table: &str,
        column: &str,
        row_id: &str,
        stored: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        if stored.len() < 1 + NONCE_LEN || stored[0] != FORMAT_V1 {
            return Err(CryptoError::Format);
        }
        let cipher = XChaCha20Poly1305::new(self.field.as_ref().into());
        let aad = Self::aad(table, column, row_id);
        cipher
            .decrypt(
                XNonce::from_slice(&stored[1..1 + NONCE_LEN]),
                Payload {
                    msg: &stored[1 + NONCE_LEN..],
                    aad: &aad,
                },
            )
            .map_err(|_| CryptoError::Decrypt)
    }

    pub fn encrypt_str(&self, table: &str, column: &str, row_id: &str, text: &str) -> Vec<u8> {
        self.encrypt(table, column, row_id, text.as_bytes())
    }

    pub fn decrypt_str(
        &self,
        table: &str,
        column: &str,
        row_id: &str,
        stored: &[u8],
    ) -> Result<String, CryptoError> {
        let bytes = self.decrypt(table, column, row_id, stored)?;
        String::from_utf8(bytes).map_err(|_| CryptoError::Format)
    }

    /// A keyed hash for exact-match search on an encrypted identifier (case-insensitive).
    pub fn blind_index(&self, kind: &str, value: &str) -> String {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(self.blind_index.as_ref())
            .expect("HMAC takes any key length");
        mac.update(kind.as_bytes());
        mac.update(b"\0");
        mac.update(value.trim().to_lowercase().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The keyed hash of an audit entry: HMAC-SHA256 over the previous hash and the entry's
    /// canonical fields (encoded as [`audit_hash`] does), so that nobody without the key file can
    /// recompute the chain after changing an entry.
    pub fn audit_hash(&self, prev_hash: &str, fields: &[&str]) -> String {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(self.audit.as_ref())
            .expect("HMAC takes any key length");
        mac.update(prev_hash.as_bytes());
        for f in fields {
            mac.update(&(f.len() as u64).to_be_bytes());
            mac.update(f.as_bytes());
        }
        hex::encode(mac.finalize().into_bytes())
    }

    /// The seal of a statement about the audit log (where its keyed chain begins, a checkpoint
    /// of its head): only the key file can make one.
    pub fn audit_seal(&self, statement: &str) -> String {
        self.audit_hash("seal", &[statement])
    }

    /// The anti-forgery token for a session: derived, so nothing extra is stored and every
    /// server sharing the key file computes the same one.
    pub fn csrf_token(&self, session_secret: &str) -> String {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(self.csrf.as_ref())
            .expect("HMAC takes any key length");
        mac.update(session_secret.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// A random secret for a session id or an API token: 256 bits, hex.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The stored form of a high-entropy secret (session id, API token).
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two strings in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The hash that precedes the first audit entry.
pub const AUDIT_GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of an audit entry: SHA-256 over the previous hash and the entry's canonical fields,
/// each length-prefixed so that no two different entries serialise alike.
pub fn audit_hash(prev_hash: &str, fields: &[&str]) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    for f in fields {
        h.update((f.len() as u64).to_be_bytes());
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn keys() -> Keys {
        Keys::from_master(&Keys::generate_master())
    }

    #[test]
    fn a_value_decrypts_only_in_its_own_place() {
        let k = keys();
        let sealed = k.encrypt_str("cases", "family_name", "row-1", "Popescu");
        assert_eq!(
            k.decrypt_str("cases", "family_name", "row-1", &sealed)
                .unwrap(),
            "Popescu"
        );
        assert_eq!(
            k.decrypt_str("cases", "family_name", "row-2", &sealed),
            Err(CryptoError::Decrypt)
        );
        assert_eq!(
            k.decrypt_str("cases", "given_name", "row-1", &sealed),
            Err(CryptoError::Decrypt)
        );
        assert_eq!(
            k.decrypt_str("users", "family_name", "row-1", &sealed),
            Err(CryptoError::Decrypt)
        );
        assert_eq!(
            keys().decrypt_str("cases", "family_name", "row-1", &sealed),
            Err(CryptoError::Decrypt)
        );
    }

    #[test]
    fn ciphertext_hides_the_plaintext_and_is_fresh_each_time() {
        let k = keys();
        let a = k.encrypt_str("t", "c", "r", "Zamfirescu-Ionescu");
        let b = k.encrypt_str("t", "c", "r", "Zamfirescu-Ionescu");
        assert_ne!(a, b);
        assert!(!a.windows(4).any(|w| w == b"Zamf"));
    }

    #[test]
    fn tampering_and_truncation_are_detected() {
        let k = keys();
        let mut sealed = k.encrypt_str("t", "c", "r", "x");
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert_eq!(k.decrypt("t", "c", "r", &sealed), Err(CryptoError::Decrypt));
        assert_eq!(
            k.decrypt("t", "c", "r", &sealed[..10]),
            Err(CryptoError::Format)
        );
    }

    #[test]
    fn subkeys_differ_and_the_check_value_identifies_the_master() {
        let master = Keys::generate_master();
        let a = Keys::from_master(&master);
        let b = Keys::from_master(&master);
        assert_eq!(a.check_value(), b.check_value());
        assert_ne!(a.check_value(), keys().check_value());
        assert_ne!(a.csrf_token("s"), a.blind_index("s", ""));
        assert_eq!(a.blind_index("cnp", " ABC "), a.blind_index("cnp", "abc"));
    }

    #[test]
    fn the_audit_chain_depends_on_every_field_and_on_its_boundaries() {
        let h = audit_hash(AUDIT_GENESIS, &["ab", "c"]);
        assert_ne!(h, audit_hash(AUDIT_GENESIS, &["a", "bc"]));
        assert_ne!(h, audit_hash(&h, &["ab", "c"]));
        assert_eq!(h, audit_hash(AUDIT_GENESIS, &["ab", "c"]));
    }

    proptest! {
        #[test]
        fn any_text_round_trips(s in ".*", row in "[a-z0-9-]{1,36}") {
            let k = keys();
            let sealed = k.encrypt_str("cases", "notes", &row, &s);
            prop_assert_eq!(k.decrypt_str("cases", "notes", &row, &sealed).unwrap(), s);
        }
    }
}
