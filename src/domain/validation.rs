//! Validation of what people type. Each refusal is a sentence a receptionist can act on.

use chrono::NaiveDate;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ValidationError {
    #[error("{field} is required.")]
    Required { field: &'static str },
    #[error("{field} is too long (at most {max} characters).")]
    TooLong { field: &'static str, max: usize },
    #[error("\"{0}\" is not an email address (expected something like name@example.com).")]
    Email(String),
    #[error("\"{0}\" is not a phone number (digits, spaces, +, -, ( ) only; 6 to 15 digits).")]
    Phone(String),
    #[error("\"{0}\" is not a date (expected YYYY-MM-DD).")]
    Date(String),
    #[error("Date of birth {0} is in the future.")]
    BirthInFuture(NaiveDate),
    #[error("Passwords need at least {min} characters.")]
    PasswordTooShort { min: usize },
}

pub const MIN_PASSWORD_LEN: usize = 8;

/// Trims, requires non-empty and bounds the length (in characters).
pub fn required_text(
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<String, ValidationError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ValidationError::Required { field });
    }
    if v.chars().count() > max {
        return Err(ValidationError::TooLong { field, max });
    }
    Ok(v.to_string())
}

/// Normalises an email to trimmed lower case and checks its shape: one `@`, a non-empty
/// local part, a domain with a dot and no empty labels, no spaces.
pub fn email(value: &str) -> Result<String, ValidationError> {
    let v = value.trim().to_lowercase();
    if v.is_empty() {
        return Err(ValidationError::Required { field: "Email" });
    }
    if v.chars().count() > 150 {
        return Err(ValidationError::TooLong {
            field: "Email",
            max: 150,
        });
    }
    let bad = || ValidationError::Email(value.trim().to_string());
    let (local, domain) = v.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || v.chars().any(|c| c.is_whitespace() || c.is_control())
        || !domain.contains('.')
        || domain.split('.').any(|label| label.is_empty())
    {
        return Err(bad());
    }
    Ok(v)
}

/// Checks a phone number and returns it trimmed. Empty input means "no phone" (`None`).
pub fn phone(value: &str) -> Result<Option<String>, ValidationError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')' | '.');
    let digits = v.chars().filter(|c| c.is_ascii_digit()).count();
    let plus_ok = v.chars().skip(1).all(|c| c != '+');
    if !v.chars().all(allowed) || !(6..=15).contains(&digits) || !plus_ok || v.len() > 20 {
        return Err(ValidationError::Phone(v.to_string()));
    }
    Ok(Some(v.to_string()))
}

/// Parses `YYYY-MM-DD`. Empty input means "not given" (`None`).
pub fn optional_date(value: &str) -> Result<Option<NaiveDate>, ValidationError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| ValidationError::Date(v.to_string()))
}

/// A date of birth: a valid date, not after `today`.
pub fn date_of_birth(value: &str, today: NaiveDate) -> Result<Option<NaiveDate>, ValidationError> {
    match optional_date(value)? {
        Some(d) if d > today => Err(ValidationError::BirthInFuture(d)),
        other => Ok(other),
    }
}

pub fn new_password(value: &str) -> Result<(), ValidationError> {
    if value.chars().count() < MIN_PASSWORD_LEN {
        return Err(ValidationError::PasswordTooShort {
            min: MIN_PASSWORD_LEN,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            email("  Ana@Example.COM ").as_deref(),
            Ok("ana@example.com")
        );
        for bad in [
            "ana",
            "ana@",
            "@x.com",
            "a@b",
            "a@@b.com",
            "a b@c.com",
            "a@b..com",
        ] {
            assert!(
                matches!(email(bad), Err(ValidationError::Email(_))),
                "{bad}"
            );
        }
        assert_eq!(
            email(" "),
            Err(ValidationError::Required { field: "Email" })
        );
    }

    #[test]
    fn phones() {
        assert_eq!(
            phone("+44 20 7946 0958"),
            Ok(Some("+44 20 7946 0958".into()))
        );
        assert_eq!(phone(""), Ok(None));
        for bad in ["12345", "abc123456", "+1+2345678", "1234567890123456"] {
            assert!(phone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid date");
        assert_eq!(date_of_birth("", today), Ok(None));
        assert!(date_of_birth("1990-02-30", today).is_err());
        assert!(matches!(
            date_of_birth("2030-01-01", today),
            Err(ValidationError::BirthInFuture(_))
        ));
        assert_eq!(
            date_of_birth("1990-02-28", today),
            Ok(NaiveDate::from_ymd_opt(1990, 2, 28))
        );
    }

    #[test]
    fn text_and_passwords() {
        assert_eq!(required_text("Name", "  Ana  ", 10), Ok("Ana".into()));
        assert!(required_text("Name", "   ", 10).is_err());
        assert!(required_text("Name", "ñññññññññññ", 10).is_err());
        assert!(new_password("short").is_err());
        assert!(new_password("long enough").is_ok());
    }
}
