//! Account input: usernames and the password policy.

/// Longest password accepted, in bytes: argon2 hashes anything, but a megabyte-long "password"
/// is a denial-of-service attempt, not a credential.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// Shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// A username: 3 to 50 characters among lowercase letters, digits, `.`, `_` and `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    /// Trims and lower-cases, then checks the allowed characters.
    pub fn parse(raw: &str) -> Result<Username, String> {
        let name = raw.trim().to_lowercase();
        let len = name.chars().count();
        if !(3..=50).contains(&len) {
            return Err("El usuario debe tener de 3 a 50 caracteres.".to_owned());
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        {
            return Err(
                "El usuario solo admite letras sin acentos, números, punto, guion y guion bajo."
                    .to_owned(),
            );
        }
        Ok(Username(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The login form's username, normalised the same way as stored names, or `None` when it could
/// not be a username at all (the login then fails like any wrong credential).
pub fn login_name(raw: &str) -> Option<String> {
    Username::parse(raw).ok().map(|u| u.0)
}

/// Checks the password policy: at least 12 characters, at most 1 KiB, not the username.
pub fn check_password_policy(password: &str, username: &str) -> Result<(), String> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err("La contraseña es demasiado larga (máximo 1024 bytes).".to_owned());
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "La contraseña debe tener al menos {MIN_PASSWORD_CHARS} caracteres."
        ));
    }
    if password.trim().to_lowercase() == username.trim().to_lowercase() {
        return Err("La contraseña no puede ser igual al nombre de usuario.".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lowercased_and_checked() {
        assert_eq!(
            Username::parse(" Ana.Lopez ").map(|u| u.0),
            Ok("ana.lopez".into())
        );
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("josé").is_err());
        assert!(Username::parse("a b c").is_err());
        assert!(Username::parse(&"x".repeat(51)).is_err());
    }

    #[test]
    fn password_policy_needs_twelve_chars_and_not_the_username() {
        assert!(check_password_policy("corta", "ana").is_err());
        assert!(check_password_policy("administrador", "Administrador").is_err());
        assert!(check_password_policy(&"x".repeat(1025), "ana").is_err());
        assert!(check_password_policy("caballo-bateria-grapa", "ana").is_ok());
        // Twelve characters counted as characters, not bytes.
        assert!(check_password_policy("ñññññññññññ1", "ana").is_ok());
    }
}

/// Failed logins allowed before the account starts waiting.
pub const FREE_LOGIN_ATTEMPTS: i32 = 5;
/// Longest wait imposed after repeated failures, in minutes.
pub const MAX_LOCK_MINUTES: i64 = 15;

/// How long an account waits after its `failures`-th consecutive failed login: nothing for the
/// first four, then 1, 2, 4, 8 and at most 15 minutes.
pub fn lockout_minutes(failures: i32) -> Option<i64> {
    if failures < FREE_LOGIN_ATTEMPTS {
        return None;
    }
    let doublings = (failures - FREE_LOGIN_ATTEMPTS).min(4);
    Some((1_i64 << doublings).min(MAX_LOCK_MINUTES))
}

#[cfg(test)]
mod lockout_tests {
    use super::*;

    #[test]
    fn the_fifth_failure_locks_and_the_wait_grows_to_fifteen_minutes() {
        let waits: Vec<_> = (1..=10).map(lockout_minutes).collect();
        assert_eq!(
            waits,
            [
                None,
                None,
                None,
                None,
                Some(1),
                Some(2),
                Some(4),
                Some(8),
                Some(15),
                Some(15)
            ]
        );
    }
}
