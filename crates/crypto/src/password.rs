use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// Argon2id cost. `Standard` follows the OWASP minimum (19 MiB, 2 passes); `Fast` exists only so
/// test suites can create hundreds of users quickly and must never be used by a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCost {
    Standard,
    Fast,
}

fn hasher(cost: PasswordCost) -> Argon2<'static> {
    let params = match cost {
        PasswordCost::Standard => Params::new(19 * 1024, 2, 1, None),
        PasswordCost::Fast => Params::new(1024, 1, 1, None),
    }
    .expect("constant Argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_password(password: &str, cost: PasswordCost) -> String {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    hasher(cost)
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2 hashing with valid parameters cannot fail")
        .to_string()
}

/// Verifies against the parameters recorded in the hash itself, so a cost change keeps old
/// hashes valid.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_right_password_verifies() {
        let stored = hash_password("corect cal baterie capsă", PasswordCost::Fast);
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify_password("corect cal baterie capsă", &stored));
        assert!(!verify_password("corect cal baterie capsa", &stored));
        assert!(!verify_password("x", "not a hash"));
    }
}
