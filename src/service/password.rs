//! argon2id hashing (the crate's defaults: m=19456 KiB, t=2, p=1), always off the async
//! threads.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use super::ServiceError;

fn hash_blocking(password: &str) -> Result<String, ServiceError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Internal(format!("password hashing failed: {e}")))
}

/// False for a wrong password and for a stored value that is not a hash at all (such as
/// the "no portal access" marker).
fn verify_blocking(stored: &str, password: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A real hash of nothing anyone knows, verified against when the account does not
/// exist so that a wrong email costs the same time as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("no such account: timing equaliser").unwrap_or_default())
}

pub async fn hash(password: &str) -> Result<String, ServiceError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
}

/// Verifies `password` against `stored`, or against a dummy hash when `stored` is None.
pub async fn verify(stored: Option<String>, password: &str) -> Result<bool, ServiceError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || match stored {
        Some(h) => verify_blocking(&h, &password),
        None => {
            verify_blocking(dummy_hash(), &password);
            false
        }
    })
    .await
    .map_err(|e| ServiceError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash_blocking("correct horse").expect("hash");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_blocking(&h, "correct horse"));
        assert!(!verify_blocking(&h, "correct horsE"));
        assert!(!verify_blocking("!", "anything"));
        assert_ne!(h, hash_blocking("correct horse").expect("hash"), "salted");
    }
}
