//! Passwords: argon2id hashes in PHC format, and the rule a new password must meet.

use argon2::password_hash::{phc::PasswordHash, PasswordHasher, PasswordVerifier};
use argon2::Argon2;

pub const MIN_LENGTH: usize = 10;

pub fn hash(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("パスワードのハッシュ化に失敗しました: {e}"))
}

/// Whether `password` matches the stored hash. A malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A new password must be long enough and not only one repeated character.
pub fn check_strength(password: &str, login: &str) -> Result<(), String> {
    let chars: Vec<char> = password.chars().collect();
    if chars.len() < MIN_LENGTH {
        return Err(format!("パスワードは {MIN_LENGTH} 文字以上にしてください"));
    }
    if chars.iter().all(|c| *c == chars[0]) || password.eq_ignore_ascii_case(login) {
        return Err("推測されやすいパスワードは使えません".to_string());
    }
    Ok(())
}

/// A random password for resets and new accounts, shown once.
pub fn generate() -> String {
    // No 0/O/1/l/I: read aloud or copied from paper without mistakes.
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    super::token::random_bytes::<16>()
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterz", &h));
        assert!(!verify("anything", "not-a-hash"));
    }

    #[test]
    fn weak_passwords_are_refused() {
        assert!(check_strength("short", "u").is_err());
        assert!(check_strength("aaaaaaaaaaaa", "u").is_err());
        assert!(check_strength("tanaka-1234", "tanaka-1234").is_err());
        assert!(check_strength("kasumigaseki-2026", "tanaka").is_ok());
        assert_eq!(generate().len(), 16);
    }
}
