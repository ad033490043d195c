//! Cryptography of mnir, kept apart so that every use goes through a few reviewed functions.
//!
//! - Field encryption: XChaCha20-Poly1305 with the table, column and row id as associated data,
//!   so a ciphertext copied into another row or column fails to decrypt instead of leaking.
//! - Case keys: a case's identifying fields are sealed under a data key of its own, stored
//!   wrapped by the key file's key; erasing the case destroys it (crypto-shredding).
//! - Key file: one 256-bit master key; every purpose gets its own subkey derived by HMAC.
//! - Secrets we only need to recognise (session ids, API tokens) are stored as SHA-256 hashes.
//! - Passwords: Argon2id.
//! - The audit log's hash chain.

mod keyfile;
mod matching;
mod password;

pub use keyfile::{KeyFileError, load_or_create_key_file};
pub use matching::{BLOOM_BITS, MatchKeys, dice, name_parts};
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
/// A value sealed under its case's own data key ([`CaseKey`]) rather than the field key.
const FORMAT_CASE_KEY: u8 = 2;
const NONCE_LEN: usize = 24;

/// What an erasure writes over a sealed column that may not be empty: one byte no ciphertext
/// starts with, so a reader knows the value is gone rather than damaged.
pub const ERASED: &[u8] = &[0];

/// Whether a stored value is the mark an erasure left.
pub fn is_erased(stored: &[u8]) -> bool {
    stored == ERASED
}

/// Seals `plaintext` under `key` with a fresh nonce: the format byte, the nonce, the ciphertext
/// with its tag.
fn seal(key: &[u8; 32], format: u8, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(key.into());
    // A nonce needs to be unpredictable and never repeat, not to come from the kernel each
    // time: the thread's CSPRNG (ChaCha, seeded and reseeded from the operating system) gives
    // 192 random bits without a system call per field, which a bulk load of a million cases
    // makes ten million times.
    let mut nonce = [0u8; NONCE_LEN];
    rand::thread_rng().fill_bytes(&mut nonce);
    let sealed = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory buffers");
    let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
    out.push(format);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    out
}

fn open(key: &[u8; 32], format: u8, aad: &[u8], stored: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if is_erased(stored) {
        return Err(CryptoError::Erased);
    }
    if stored.len() < 1 + NONCE_LEN || stored[0] != format {
        return Err(CryptoError::Format);
    }
    let cipher = XChaCha20Poly1305::new(key.into());
    cipher
        .decrypt(
            XNonce::from_slice(&stored[1..1 + NONCE_LEN]),
            Payload {
                msg: &stored[1 + NONCE_LEN..],
                aad,
            },
        )
        .map_err(|_| CryptoError::Decrypt)
}

/// One case's data key (crypto-shredding, mnir.md §13): the case's identifying fields are sealed
/// under it, and it is stored only wrapped by the key file's key. Destroying the wrapped key
/// makes those fields unreadable wherever their ciphertext was copied.
pub struct CaseKey {
    key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for CaseKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CaseKey(..)")
    }
}

impl CaseKey {
    pub fn encrypt_str(&self, table: &str, column: &str, row_id: &str, text: &str) -> Vec<u8> {
        seal(
            &self.key,
            FORMAT_CASE_KEY,
            &Keys::aad(table, column, row_id),
            text.as_bytes(),
        )
    }

    pub fn decrypt_str(
        &self,
        table: &str,
        column: &str,
        row_id: &str,
        stored: &[u8],
    ) -> Result<String, CryptoError> {
        let bytes = open(
            &self.key,
            FORMAT_CASE_KEY,
            &Keys::aad(table, column, row_id),
            stored,
        )?;
        String::from_utf8(bytes).map_err(|_| CryptoError::Format)
    }
}

/// Whether a stored value is sealed under its case's data key.
pub fn is_case_sealed(stored: &[u8]) -> bool {
    stored.first() == Some(&FORMAT_CASE_KEY)
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error(
        "encrypted field could not be decrypted (wrong key, or the value was moved or altered)"
    )]
    Decrypt,
    #[error("encrypted field has an unknown format")]
    Format,
    /// The value is sealed under its case's data key, which the caller must unwrap and use.
    #[error("encrypted field is sealed under its case's key")]
    NeedsCaseKey,
    /// The value was overwritten by an erasure ([`ERASED`]).
    #[error("the value was erased")]
    Erased,
}

/// The master key and the subkeys derived from it.
#[derive(Clone)]
pub struct Keys {
    field: Zeroizing<[u8; 32]>,
    case_key_wrap: Zeroizing<[u8; 32]>,
    match_exact: Zeroizing<[u8; 32]>,
    match_bloom: Zeroizing<[u8; 32]>,
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
            case_key_wrap: Zeroizing::new(derive(master, "case key wrapping v1")),
            match_exact: Zeroizing::new(derive(master, "duplicate exact match v1")),
            match_bloom: Zeroizing::new(derive(master, "duplicate name encoding v1")),
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
        seal(
            &self.field,
            FORMAT_V1,
            &Self::aad(table, column, row_id),
            plaintext,
        )
    }

    pub fn decrypt(
        &self,
        table: &str,
        column: &str,
        row_id: &str,
        stored: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        match stored.first() {
            Some(&FORMAT_CASE_KEY) => Err(CryptoError::NeedsCaseKey),
            _ => open(
                &self.field,
                FORMAT_V1,
                &Self::aad(table, column, row_id),
                stored,
            ),
        }
    }

    /// The keys by which a case is compared with others without its names (see `matching`):
    /// under subkeys of their own, apart from the field and case keys.
    pub fn match_keys(&self, names: &[&str], birth_date: Option<&str>) -> MatchKeys {
        matching::match_keys(&self.match_exact, &self.match_bloom, names, birth_date)
    }

    /// A new data key for one case, and its stored form: sealed under the key file's wrapping
    /// subkey and bound to the case's id, so a wrapped key moved to another case does not open.
    pub fn new_case_key(&self, case_id: &str) -> (CaseKey, Vec<u8>) {
        let mut key = Zeroizing::new([0u8; 32]);
        rand::thread_rng().fill_bytes(key.as_mut());
        let wrapped = seal(
            &self.case_key_wrap,
            FORMAT_V1,
            &Self::aad("case_keys", "key", case_id),
            key.as_ref(),
        );
        (CaseKey { key }, wrapped)
    }

    /// A case's data key from its stored form.
    pub fn unwrap_case_key(&self, case_id: &str, wrapped: &[u8]) -> Result<CaseKey, CryptoError> {
        let bytes = Zeroizing::new(open(
            &self.case_key_wrap,
            FORMAT_V1,
            &Self::aad("case_keys", "key", case_id),
            wrapped,
        )?);
        let key: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::Format)?;
        Ok(CaseKey {
            key: Zeroizing::new(key),
        })
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

    #[test]
    fn a_case_key_opens_only_its_own_case_and_only_while_it_is_kept() {
        let k = keys();
        let (key, wrapped) = k.new_case_key("case-1");
        let sealed = key.encrypt_str("cases", "given_name", "case-1", "Ioana");
        // The field key alone does not open it, and says why.
        assert_eq!(
            k.decrypt_str("cases", "given_name", "case-1", &sealed),
            Err(CryptoError::NeedsCaseKey)
        );
        assert!(is_case_sealed(&sealed) && !is_case_sealed(&k.encrypt_str("t", "c", "r", "x")));
        let again = k.unwrap_case_key("case-1", &wrapped).unwrap();
        assert_eq!(
            again
                .decrypt_str("cases", "given_name", "case-1", &sealed)
                .unwrap(),
            "Ioana"
        );
        // A wrapped key moved to another case, or read with another key file, opens nothing.
        assert_eq!(
            k.unwrap_case_key("case-2", &wrapped).unwrap_err(),
            CryptoError::Decrypt
        );
        assert_eq!(
            keys().unwrap_case_key("case-1", &wrapped).unwrap_err(),
            CryptoError::Decrypt
        );
        // Another case's key does not open this case's fields.
        let (other, _) = k.new_case_key("case-1");
        assert_eq!(
            other.decrypt_str("cases", "given_name", "case-1", &sealed),
            Err(CryptoError::Decrypt)
        );
        assert!(!sealed.windows(5).any(|w| w == b"Ioana"));
    }

    #[test]
    fn the_erased_mark_is_told_apart_from_damage() {
        let k = keys();
        assert_eq!(k.decrypt("t", "c", "r", ERASED), Err(CryptoError::Erased));
        let (key, _) = k.new_case_key("c");
        assert_eq!(
            key.decrypt_str("t", "c", "r", ERASED),
            Err(CryptoError::Erased)
        );
        assert_eq!(k.decrypt("t", "c", "r", &[0, 1]), Err(CryptoError::Format));
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
