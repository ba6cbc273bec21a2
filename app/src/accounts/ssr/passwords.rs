//! Password hashing (argon2id with OWASP's parameters) and the rules for new passwords.

use std::{collections::HashSet, sync::OnceLock};

use anyhow::Context as _;
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use tokio::sync::Semaphore;

use crate::accounts::{PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};

/// Each hash holds 19 MiB for its duration; at most this many run at once, so a flood of
/// sign-ins queues instead of exhausting memory.
const CONCURRENT_HASHES: usize = 2;
static HASHING: Semaphore = Semaphore::const_new(CONCURRENT_HASHES);

fn hasher() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

async fn on_hashing_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let _permit = HASHING.acquire().await.context("password hashing closed")?;
    tokio::task::spawn_blocking(work)
        .await
        .context("password hashing task failed")
}

pub async fn hash_password(password: String) -> anyhow::Result<String> {
    on_hashing_thread(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|error| anyhow::anyhow!("hashing a password: {error}"))
    })
    .await?
}

/// A hash of a password nobody has, verified instead when the account does not exist, so
/// an unknown email takes as long to refuse as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(b"no account has this password", &salt)
            .map(|hash| hash.to_string())
            .unwrap_or_default()
    })
}

/// Whether `password` matches `stored`; `None` (no such account) always fails, after the
/// same amount of work.
pub async fn verify_password(password: String, stored: Option<String>) -> anyhow::Result<bool> {
    on_hashing_thread(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| decoy_hash().to_owned());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        let matches = hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        known && matches
    })
    .await
}

/// Warms the decoy so the first unknown-email sign-in is not faster than the rest.
pub fn prepare() {
    let _ = decoy_hash();
}

fn common_passwords() -> &'static HashSet<String> {
    static LIST: OnceLock<HashSet<String>> = OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("../../../data/common-passwords.txt")
            .lines()
            .map(str::to_lowercase)
            .collect()
    })
}

/// Words a guesser tries first against this service: its name and its owner's.
const SERVICE_WORDS: [&str; 8] = [
    "candour",
    "wessex",
    "secure",
    "data",
    "environment",
    "nhs",
    "sde",
    "trust",
];

/// Checks a new password: its length (12 to 128 characters, no composition rules), not one
/// of the 10,000 most common passwords, and hard to guess by the `zxcvbn` strength
/// estimator (score 3 of 4 or more, counting `personal` words such as the person's name
/// and address, and the service's name, as known to a guesser). NCSC password guidance and
/// OWASP ASVS 5.0 V6.2. The message says what to do instead.
pub fn check_new_password(password: &str, personal: &[&str]) -> Result<(), String> {
    let length = password.chars().count();
    if length < PASSWORD_MIN_CHARS {
        return Err(format!(
            "Password must be {PASSWORD_MIN_CHARS} characters or more. A few unrelated words together make a strong one that is easy to remember."
        ));
    }
    if length > PASSWORD_MAX_CHARS {
        return Err(format!(
            "Password must be {PASSWORD_MAX_CHARS} characters or fewer."
        ));
    }
    if common_passwords().contains(&password.to_lowercase()) {
        return Err(
            "This password is one of the most commonly used, so it is easy to guess. Choose a different one."
                .to_owned(),
        );
    }
    // The estimator compares lower-case text, so the known words are lower-cased too.
    let known: Vec<String> = SERVICE_WORDS
        .iter()
        .map(|word| (*word).to_owned())
        .chain(
            personal
                .iter()
                .flat_map(|text| text.split(['@', '.', ' ', '-', '_']))
                .filter(|word| !word.is_empty())
                .map(str::to_lowercase),
        )
        .collect();
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(password, &known);
    if u8::from(estimate.score()) < 3 {
        let warning = estimate
            .feedback()
            .and_then(|feedback| feedback.warning())
            .map(|warning| format!("{warning} "))
            .unwrap_or_default();
        return Err(format!(
            "This password would be easy to guess. {warning}Use three or four words that have nothing to do with each other or with you, such as a thing, a place and a colour."
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_list_is_bundled_in_full() {
        assert_eq!(common_passwords().len(), 10_000);
    }

    #[test]
    fn new_passwords_need_length_and_must_not_be_common() {
        assert!(check_new_password("short", &[])
            .unwrap_err()
            .contains("12 characters"));
        assert!(check_new_password(&"x".repeat(129), &[])
            .unwrap_err()
            .contains("128"));
        assert!(check_new_password("QWERTY123456", &[])
            .unwrap_err()
            .contains("commonly used"));
        assert!(check_new_password("walrus lantern quietly", &[]).is_ok());
    }

    #[test]
    fn passwords_that_are_long_but_easy_to_guess_are_refused() {
        for weak in [
            "            ",
            "aaaaaaaaaaaa",
            "passwordpassword",
            "123456789012",
            "qwertyuiopasdf",
        ] {
            let message = check_new_password(weak, &[])
                .err()
                .unwrap_or_else(|| panic!("{weak:?} was accepted"));
            assert!(
                message.contains("easy to guess") || message.contains("commonly used"),
                "{weak:?}: {message}"
            );
        }
        for strong in [
            "walrus lantern quietly",
            "harbour lantern thistle",
            "correct horse battery staple",
        ] {
            assert!(check_new_password(strong, &[]).is_ok(), "{strong}");
        }
    }

    #[tokio::test]
    async fn a_hash_verifies_only_its_own_password() {
        let hash = hash_password("walrus lantern quietly".to_owned())
            .await
            .unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            verify_password("walrus lantern quietly".to_owned(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify_password("walrus lantern quietlY".to_owned(), Some(hash))
                .await
                .unwrap()
        );
        assert!(!verify_password("anything".to_owned(), None).await.unwrap());
    }
}
