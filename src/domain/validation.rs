//! Validation of what people type. Each refusal is a sentence a receptionist can act on.

use chrono::{NaiveDate, NaiveDateTime};
use thiserror::Error;

use super::text::{self, TextProblem};

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
    #[error("{field} cannot contain line breaks, tabs or other control characters.")]
    ControlCharacter { field: &'static str },
    #[error("{field} cannot contain control characters other than line breaks.")]
    ControlCharacterInNotes { field: &'static str },
    #[error("{date} is outside the dates this clinic can record ({MIN_DATE} to {MAX_DATE}).")]
    DateOutOfRange { date: String },
    #[error(
        "An appointment lasts {MIN_DURATION_MINUTES} to {MAX_DURATION_MINUTES} minutes (got {0})."
    )]
    Duration(i64),
    #[error("{field} must be a whole number from {min} to {max} (got {got}).")]
    OutOfRange {
        field: &'static str,
        min: i64,
        max: i64,
        got: i64,
    },
    /// Too easy to guess; the sentence says why and what would help.
    #[error("{0}")]
    PasswordWeak(String),
}

pub const MIN_PASSWORD_LEN: usize = 8;
/// The lowest zxcvbn score (0–4) a new password may have: 3 is "safely unguessable"
/// (about 10^10 guesses), the usual bar for accounts that hold medical records.
pub const MIN_PASSWORD_SCORE: zxcvbn::Score = zxcvbn::Score::Three;

/// The first and last dates the clinic records or computes with. Anything a person, a
/// file or a database gives outside this range is refused where it is parsed, so that
/// date arithmetic on accepted values can never overflow.
pub const MIN_DATE: NaiveDate = NaiveDate::from_ymd_opt(1900, 1, 1).expect("a valid date");
pub const MAX_DATE: NaiveDate = NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date");

/// How long an appointment may last, in minutes (a CHECK in the schema says the same).
pub const MIN_DURATION_MINUTES: u32 = 5;
pub const MAX_DURATION_MINUTES: u32 = 480;

/// The longest span, in days, that a listing or a slot search covers at once.
pub const MAX_DAYS: u32 = 366;

/// Trims, requires non-empty, bounds the length (in characters) and refuses control
/// characters: a one-line field never carries line breaks or terminal escape codes.
pub fn required_text(
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<String, ValidationError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ValidationError::Required { field });
    }
    one_line(field, v, max)
}

/// Like [`required_text`], but empty input means "not given" (`None`).
pub fn optional_text(
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<Option<String>, ValidationError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    one_line(field, v, max).map(Some)
}

fn one_line(field: &'static str, v: &str, max: usize) -> Result<String, ValidationError> {
    if v.chars().count() > max {
        return Err(ValidationError::TooLong { field, max });
    }
    match text::problem(v, false) {
        Some(_) => Err(ValidationError::ControlCharacter { field }),
        None => Ok(v.to_string()),
    }
}

/// Multi-line notes: line breaks are fine, other control characters (escape codes, bells,
/// direction overrides) are not. Returns the trimmed text with `\r\n` as `\n`.
pub fn notes_text(field: &'static str, value: &str, max: usize) -> Result<String, ValidationError> {
    let v = value.replace("\r\n", "\n");
    let v = v.trim();
    if v.chars().count() > max {
        return Err(ValidationError::TooLong { field, max });
    }
    match text::problem(v, true) {
        Some(TextProblem::Control) => Err(ValidationError::ControlCharacterInNotes { field }),
        None => Ok(v.to_string()),
    }
}

/// A date this clinic can record: within [`MIN_DATE`]..=[`MAX_DATE`].
pub fn date_in_range(date: NaiveDate) -> Result<NaiveDate, ValidationError> {
    if (MIN_DATE..=MAX_DATE).contains(&date) {
        Ok(date)
    } else {
        Err(ValidationError::DateOutOfRange {
            date: date.to_string(),
        })
    }
}

/// An instant (or local time) within the recordable dates.
pub fn datetime_in_range(at: NaiveDateTime) -> Result<NaiveDateTime, ValidationError> {
    date_in_range(at.date()).map(|_| at)
}

/// Parses `YYYY-MM-DD` (surrounding spaces allowed) within the recordable dates.
pub fn date(value: &str) -> Result<NaiveDate, ValidationError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ValidationError::Required { field: "Date" });
    }
    let parsed = NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map_err(|_| ValidationError::Date(text::escape_control(v).into_owned()))?;
    date_in_range(parsed)
}

/// An appointment length in minutes: [`MIN_DURATION_MINUTES`] to [`MAX_DURATION_MINUTES`].
pub fn duration_minutes(minutes: u32) -> Result<u32, ValidationError> {
    if (MIN_DURATION_MINUTES..=MAX_DURATION_MINUTES).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(ValidationError::Duration(i64::from(minutes)))
    }
}

/// A number of days to list or search: 1 to [`MAX_DAYS`].
pub fn days(days: u32) -> Result<u32, ValidationError> {
    if (1..=MAX_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(ValidationError::OutOfRange {
            field: "The number of days",
            min: 1,
            max: i64::from(MAX_DAYS),
            got: i64::from(days),
        })
    }
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
    date(v).map(Some)
}

/// A date of birth: a valid date, not after `today`.
pub fn date_of_birth(value: &str, today: NaiveDate) -> Result<Option<NaiveDate>, ValidationError> {
    match optional_date(value)? {
        Some(d) if d > today => Err(ValidationError::BirthInFuture(d)),
        other => Ok(other),
    }
}

/// Checks a new password: at least [`MIN_PASSWORD_LEN`] characters and a zxcvbn score of
/// at least [`MIN_PASSWORD_SCORE`]. `user_inputs` are the account's own words (email,
/// name): a password built from them counts as easy to guess. A refusal says, in one
/// sentence from zxcvbn's feedback, why and what would help.
pub fn new_password(value: &str, user_inputs: &[&str]) -> Result<(), ValidationError> {
    if value.chars().count() < MIN_PASSWORD_LEN {
        return Err(ValidationError::PasswordTooShort {
            min: MIN_PASSWORD_LEN,
        });
    }
    let words = personal_words(user_inputs);
    let inputs: Vec<&str> = words.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(value, &inputs);
    if estimate.score() >= MIN_PASSWORD_SCORE {
        return Ok(());
    }
    let lower = value.to_lowercase();
    let personal = words
        .iter()
        .any(|w| w.chars().count() >= 3 && lower.contains(w.as_str()));
    Err(ValidationError::PasswordWeak(weak_password_sentence(
        estimate.feedback(),
        personal,
    )))
}

/// The account's email and name, whole and in pieces, lower case: what zxcvbn should
/// treat as known to an attacker.
fn personal_words(user_inputs: &[&str]) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut add = |w: &str| {
        let w = w.trim().to_lowercase();
        if !w.is_empty() && !words.contains(&w) {
            words.push(w);
        }
    };
    for input in user_inputs {
        add(input);
        let local = input.split('@').next().unwrap_or_default();
        add(local);
        for piece in input.split(|c: char| !c.is_alphanumeric()) {
            add(piece);
        }
    }
    words
}

/// "This password is too easy to guess (this is a top-10 common password): add another
/// word or two, uncommon words are better."
fn weak_password_sentence(feedback: Option<&zxcvbn::feedback::Feedback>, personal: bool) -> String {
    // zxcvbn's phrases are short sentences; fold them into clauses of one sentence.
    fn clause(text: &str) -> String {
        text.trim()
            .trim_end_matches('.')
            .split(". ")
            .map(|part| {
                let mut chars = part.chars();
                match chars.next() {
                    Some(first) => first.to_lowercase().chain(chars).collect(),
                    None => String::new(),
                }
            })
            .collect::<Vec<String>>()
            .join(", ")
    }
    let reason = if personal {
        Some("it is built from your name or email".to_string())
    } else {
        feedback
            .and_then(|f| f.warning())
            .map(|w| clause(&w.to_string()))
    };
    let mut advice: Vec<String> = feedback
        .map(|f| {
            f.suggestions()
                .iter()
                .map(|s| clause(&s.to_string()))
                .collect()
        })
        .unwrap_or_default();
    if advice.is_empty() {
        advice.push("use a few uncommon words".to_string());
    }
    match reason {
        Some(r) => format!(
            "This password is too easy to guess ({r}): {}.",
            advice.join("; ")
        ),
        None => format!("This password is too easy to guess: {}.", advice.join("; ")),
    }
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
        assert_eq!(
            new_password("short", &[]),
            Err(ValidationError::PasswordTooShort { min: 8 })
        );
        assert!(new_password("quiet lantern orbits the maple", &[]).is_ok());
    }

    fn refusal(password: &str, inputs: &[&str]) -> String {
        match new_password(password, inputs) {
            Err(ValidationError::PasswordWeak(sentence)) => sentence,
            other => panic!("{password:?} should be refused as weak, got {other:?}"),
        }
    }

    #[test]
    fn common_passwords_are_refused_with_the_reason() {
        let admin = ["admin@clinic.example", "Ana Smith"];
        let common = refusal("password", &admin);
        assert_eq!(
            common,
            "This password is too easy to guess (this is a top-10 common password): add another word or two, uncommon words are better."
        );
        let digits = refusal("12345678", &admin);
        assert!(
            digits.contains("(this is a top-10 common password)"),
            "{digits}"
        );
        let spaces = refusal("        ", &admin);
        assert!(
            spaces.contains("repeats like \"aaa\" are easy to guess"),
            "{spaces}"
        );
        assert!(
            spaces.contains("avoid repeated words and characters"),
            "{spaces}"
        );
        for sentence in [&common, &digits, &spaces] {
            // One sentence: a capital first, one full stop, at the end.
            assert!(sentence.starts_with("This password is too easy to guess"));
            assert_eq!(sentence.matches(". ").count(), 0, "{sentence}");
            assert!(sentence.ends_with('.'), "{sentence}");
        }
    }

    #[test]
    fn passwords_built_from_the_account_are_refused() {
        let ana = ["ana.smith@clinic.example", "Ana Smith"];
        assert_eq!(
            refusal("ana.smith2026", &ana),
            "This password is too easy to guess (it is built from your name or email): add another word or two, uncommon words are better."
        );
        // zxcvbn rates the same characters higher for somebody else.
        assert_eq!(
            new_password("ana.smith2026", &["bo.li@clinic.example", "Bo Li"]),
            Ok(())
        );
    }

    #[test]
    fn strong_passphrases_are_accepted() {
        let ana = ["ana.smith@clinic.example", "Ana Smith"];
        for strong in [
            "quiet lantern orbits the maple",
            "violet-kettle-harbour-93",
            "Tr0mb0ne!Gravel&Sky",
        ] {
            assert_eq!(new_password(strong, &ana), Ok(()), "{strong}");
        }
    }

    #[test]
    fn edges_of_the_calendar_are_refused() {
        for bad in ["+262142-12-31", "0000-01-01", "1899-12-31", "+10000-01-01"] {
            assert!(
                matches!(
                    date(bad),
                    Err(ValidationError::DateOutOfRange { .. } | ValidationError::Date(_))
                ),
                "{bad}"
            );
        }
        assert_eq!(date(" 1900-01-01 "), Ok(MIN_DATE));
        assert_eq!(date("9999-12-31"), Ok(MAX_DATE));
        let london = chrono_tz::Europe::London;
        assert!(super::super::local_time::parse_instant(london, "+262142-12-31 23:00").is_err());
        assert!(super::super::local_time::parse_instant(london, "2026-12-01 09:30").is_ok());
        assert!(date_of_birth("0000-01-01", MAX_DATE).is_err());
        let msg = date("1800-01-01").map_err(|e| e.to_string());
        assert_eq!(
            msg,
            Err("1800-01-01 is outside the dates this clinic can record (1900-01-01 to 9999-12-31).".into())
        );
    }

    #[test]
    fn durations_and_days_are_bounded() {
        assert!(duration_minutes(0).is_err());
        assert!(duration_minutes(4).is_err());
        assert_eq!(duration_minutes(5), Ok(5));
        assert_eq!(duration_minutes(480), Ok(480));
        assert!(duration_minutes(100_000).is_err());
        assert!(days(0).is_err());
        assert_eq!(days(366), Ok(366));
        assert!(days(100_000_000).is_err());
    }

    #[test]
    fn one_line_fields_refuse_control_characters() {
        let red = "\u{1b}[31mRed\u{1b}[0m\u{7}";
        assert_eq!(
            required_text("Name", red, 100),
            Err(ValidationError::ControlCharacter { field: "Name" })
        );
        assert!(required_text("Name", "Ana\nSmith", 100).is_err());
        assert!(optional_text("Bio", "tab\there", 100).is_err());
        assert_eq!(optional_text("Bio", "  ", 100), Ok(None));
        assert_eq!(
            notes_text("Diagnosis", "line one\r\nline two ", 100),
            Ok("line one\nline two".into())
        );
        assert!(notes_text("Diagnosis", "bell\u{7}", 100).is_err());
    }
}
