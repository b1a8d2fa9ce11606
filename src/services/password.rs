//! Password hashing with argon2id at the crate's defaults (19 MiB, t=2, p=1: OWASP's minimum).
//! Both functions are CPU-heavy: call them from a blocking thread, never on an async worker.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// Hashing failed (it does not for valid input; kept as an error rather than a panic).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// Hashes a password into a PHC string with a fresh random salt.
pub fn hash(password: &str) -> Result<String, HashError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// True when `password` matches the stored hash: an argon2 PHC string, or a Django
/// `pbkdf2_sha256$…` hash kept from a legacy migration (W21). A malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    if is_legacy(stored) {
        return verify_django(password, stored);
    }
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Django's PBKDF2 prefix (`auth_user.password` of the legacy system).
const DJANGO_PBKDF2: &str = "pbkdf2_sha256$";
/// Most iterations a legacy hash may ask for (Django 5 uses 870,000–1,000,000).
const MAX_DJANGO_ITERATIONS: u32 = 10_000_000;

/// A hash migrated from the legacy system, to be replaced by argon2 at the next login (W21).
pub fn is_legacy(stored: &str) -> bool {
    stored.starts_with(DJANGO_PBKDF2)
}

/// Django's `pbkdf2_sha256$<iterations>$<salt>$<base64 of the 32-byte PBKDF2-HMAC-SHA256>`,
/// compared in constant time.
fn verify_django(password: &str, stored: &str) -> bool {
    use base64::Engine;
    use subtle::ConstantTimeEq;
    let mut parts = stored.splitn(4, '$');
    let (Some(_), Some(iterations), Some(salt), Some(expected)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let Ok(iterations) = iterations.parse::<u32>() else {
        return false;
    };
    if iterations == 0 || iterations > MAX_DJANGO_ITERATIONS {
        return false;
    }
    let Ok(expected) = base64::engine::general_purpose::STANDARD.decode(expected) else {
        return false;
    };
    if expected.len() != 32 {
        return false;
    }
    let mut derived = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(
        password.as_bytes(),
        salt.as_bytes(),
        iterations,
        &mut derived,
    );
    derived.ct_eq(&expected).into()
}

/// Spends the same time as a real verification, for logins of unknown or locked accounts, so that
/// the response time does not reveal whether a username exists.
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash("faena-dummy-password").unwrap_or_default());
    let _ = verify(password, stored);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = hash("correcto caballo batería").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("correcto caballo batería", &h));
        assert!(!verify("otra contraseña cualquiera", &h));
        assert!(!verify("correcto caballo batería", "no-es-un-hash"));
    }

    /// W21: Django's own test vector (`tests/auth_tests/test_hashers.py`, PBKDF2PasswordHasher:
    /// "lètmein", salt "seasalt2", 260,000 iterations), also what Python's
    /// `hashlib.pbkdf2_hmac("sha256", …)` gives.
    #[test]
    fn a_django_pbkdf2_hash_verifies_and_is_legacy() {
        // Python: base64.b64encode(hashlib.pbkdf2_hmac("sha256", b"lètmein", b"seasalt2", 260000))
        let stored = "pbkdf2_sha256$260000$seasalt2$UCGMhrOoaq1ghQPArIBK5RkI6IZLRxlIwHWA1dMy7y8=";
        assert!(is_legacy(stored));
        assert!(verify("lètmein", stored));
        assert!(!verify("letmein", stored));
        assert!(!verify(
            "lètmein",
            "pbkdf2_sha256$0$seasalt2$UCGMhrOoaq1ghQPArIBK5RkI6IZLRxlIwHWA1dMy7y8="
        ));
        assert!(!verify("lètmein", "pbkdf2_sha256$260000$seasalt2$corto"));
        assert!(!verify("lètmein", "pbkdf2_sha256$mucho$seasalt2$x"));
        assert!(!is_legacy(&hash("x").unwrap()));
    }
}
