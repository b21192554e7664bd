//! Local wall-clock times in the clinic's zone, where daylight saving makes them tricky.
//!
//! On a fall-back night one wall-clock hour happens twice (in London, 01:00–01:59 on the
//! last Sunday of October is first BST, then GMT). [`label`] shows such a time with its
//! zone abbreviation ("01:30 BST", "01:30 GMT") and every other time as usual, so a list
//! of slots or appointments never shows two identical times for two different instants.
//! [`parse_instant`] reads a typed local time and refuses to guess which of the two is
//! meant: "2027-10-31 01:30 GMT" (or `+00:00`) names one, plain "2027-10-31 01:30" is
//! refused with a sentence naming both choices.

use chrono::{DateTime, LocalResult, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;
use thiserror::Error;

/// The format [`parse_instant`] reads, before an optional zone suffix.
pub const INPUT_FORMAT: &str = "%Y-%m-%d %H:%M";

/// The instants a local wall-clock time stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instants {
    /// An ordinary time: one instant (UTC).
    Single(NaiveDateTime),
    /// A time in the repeated hour of a fall-back night: `first` < `second` (UTC).
    Twice {
        first: NaiveDateTime,
        second: NaiveDateTime,
    },
    /// A time in the skipped hour of a spring-forward night: it never happens.
    Never,
}

impl Instants {
    /// Every instant, earliest first.
    pub fn all(&self) -> Vec<NaiveDateTime> {
        match *self {
            Instants::Single(t) => vec![t],
            Instants::Twice { first, second } => vec![first, second],
            Instants::Never => Vec::new(),
        }
    }
}

/// What `local` means in `tz`.
pub fn instants(tz: Tz, local: NaiveDateTime) -> Instants {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Instants::Single(t.naive_utc()),
        LocalResult::Ambiguous(a, b) => {
            let (a, b) = (a.naive_utc(), b.naive_utc());
            Instants::Twice {
                first: a.min(b),
                second: a.max(b),
            }
        }
        LocalResult::None => Instants::Never,
    }
}

/// Whether the wall clock in `tz` shows the same time at another instant too (the
/// instant `utc` lies in the repeated hour of a fall-back night).
pub fn is_ambiguous(tz: Tz, utc: NaiveDateTime) -> bool {
    let local = tz.from_utc_datetime(&utc).naive_local();
    matches!(instants(tz, local), Instants::Twice { .. })
}

/// The zone's abbreviation at `utc` ("BST", "GMT"; a numeric offset such as "-03" where
/// the zone has no letters for it).
pub fn abbreviation(tz: Tz, utc: NaiveDateTime) -> String {
    tz.from_utc_datetime(&utc).format("%Z").to_string()
}

/// `utc` as local time in `tz` with the chrono `format` (which should end with the time),
/// followed by the zone abbreviation only when that local time happens twice:
/// `label(London, .., "%H:%M")` is "10:00" on an ordinary day, "01:30 BST" or
/// "01:30 GMT" on the fall-back night. Every screen and message that shows an
/// appointment or slot time goes through this.
pub fn label(tz: Tz, utc: NaiveDateTime, format: &str) -> String {
    let local: DateTime<Tz> = tz.from_utc_datetime(&utc);
    let text = local.format(format).to_string();
    if is_ambiguous(tz, utc) {
        format!("{text} {}", local.format("%Z"))
    } else {
        text
    }
}

/// A typed local time that cannot be turned into one instant.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LocalTimeError {
    #[error(
        "\"{0}\" is not a local time (expected \"YYYY-MM-DD HH:MM\", optionally followed by the zone abbreviation or offset, e.g. \"GMT\" or \"+01:00\")"
    )]
    Format(String),
    #[error("{0}")]
    OutOfRange(super::validation::ValidationError),
    #[error("{local} does not exist in {tz} (a daylight-saving change)")]
    Never { local: String, tz: Tz },
    #[error(
        "{local} happens twice in {tz} (the clocks go back): write \"{local} {first}\" for the first time ({first_utc} UTC) or \"{local} {second}\" for the second ({second_utc} UTC)"
    )]
    Twice {
        local: String,
        tz: Tz,
        first: String,
        first_utc: String,
        second: String,
        second_utc: String,
    },
    #[error("{local} in {tz} is {valid}, not {given}")]
    WrongZone {
        local: String,
        tz: Tz,
        valid: String,
        given: String,
    },
}

/// "+01:00", "+0100", "+01", "-03:30", "Z": seconds east of UTC.
fn parse_offset(text: &str) -> Option<i32> {
    if text.eq_ignore_ascii_case("z") || text.eq_ignore_ascii_case("utc") {
        return Some(0);
    }
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) || rest.starts_with(':') {
        return None;
    }
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    (h <= 23 && m <= 59).then_some(sign * (h * 3600 + m * 60))
}

/// "+01:00" for 3600 seconds.
fn offset_text(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.abs();
    format!("{sign}{:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

/// Whether `suffix` names the zone's offset at `utc`: its abbreviation or its offset.
fn suffix_matches(tz: Tz, utc: NaiveDateTime, suffix: &str) -> bool {
    let at = tz.from_utc_datetime(&utc);
    let offset = at.offset().fix().local_minus_utc();
    suffix.eq_ignore_ascii_case(&at.format("%Z").to_string())
        || parse_offset(suffix) == Some(offset)
}

/// How an instant's zone reads in a message: "BST (+01:00)".
fn zone_text(tz: Tz, utc: NaiveDateTime) -> String {
    let offset = tz.from_utc_datetime(&utc).offset().fix().local_minus_utc();
    let abbreviation = abbreviation(tz, utc);
    let offset = offset_text(offset);
    if abbreviation == offset {
        offset
    } else {
        format!("{abbreviation} ({offset})")
    }
}

/// Reads "YYYY-MM-DD HH:MM" in `tz`, optionally followed by the zone abbreviation or the
/// UTC offset ("2027-10-31 01:30 GMT", "2027-10-31 01:30 +00:00"), and returns the UTC
/// instant. A time that happens twice needs the suffix; a time that never happens, or a
/// suffix that does not fit the time, is refused.
pub fn parse_instant(tz: Tz, text: &str) -> Result<NaiveDateTime, LocalTimeError> {
    let trimmed = text.trim();
    let (local, rest) = NaiveDateTime::parse_and_remainder(trimmed, INPUT_FORMAT)
        .map_err(|_| LocalTimeError::Format(trimmed.to_string()))?;
    // Before any zone arithmetic: a date at the edge of the calendar could overflow it.
    super::validation::datetime_in_range(local).map_err(LocalTimeError::OutOfRange)?;
    let suffix = rest.trim();
    if !suffix.is_empty()
        && !suffix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-:".contains(c))
    {
        return Err(LocalTimeError::Format(trimmed.to_string()));
    }
    let shown = local.format(INPUT_FORMAT).to_string();
    let found = instants(tz, local);
    let candidates = found.all();
    if candidates.is_empty() {
        return Err(LocalTimeError::Never { local: shown, tz });
    }
    if suffix.is_empty() {
        return match found {
            Instants::Twice { first, second } => Err(LocalTimeError::Twice {
                local: shown,
                tz,
                first: abbreviation(tz, first),
                first_utc: first.format("%H:%M").to_string(),
                second: abbreviation(tz, second),
                second_utc: second.format("%H:%M").to_string(),
            }),
            _ => Ok(candidates[0]),
        };
    }
    match candidates
        .iter()
        .find(|utc| suffix_matches(tz, **utc, suffix))
    {
        Some(utc) => Ok(*utc),
        None => Err(LocalTimeError::WrongZone {
            local: shown,
            tz,
            valid: candidates
                .iter()
                .map(|utc| zone_text(tz, *utc))
                .collect::<Vec<_>>()
                .join(" or "),
            given: suffix.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    const LONDON: Tz = chrono_tz::Europe::London;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|d| d.and_hms_opt(h, mi, 0))
            .expect("valid")
    }

    #[test]
    fn labels_name_the_zone_only_in_the_repeated_hour() {
        // Sun 31 Oct 2027: 01:30 BST is 00:30 UTC, 01:30 GMT is 01:30 UTC.
        let first = utc(2027, 10, 31, 0, 30);
        let second = utc(2027, 10, 31, 1, 30);
        assert_eq!(label(LONDON, first, "%H:%M"), "01:30 BST");
        assert_eq!(label(LONDON, second, "%H:%M"), "01:30 GMT");
        assert_eq!(
            label(LONDON, second, "%a %-d %b %H:%M"),
            "Sun 31 Oct 01:30 GMT"
        );
        // Either side of the repeated hour, and an ordinary day: plain.
        assert_eq!(label(LONDON, utc(2027, 10, 30, 23, 59), "%H:%M"), "00:59");
        assert_eq!(label(LONDON, utc(2027, 10, 31, 2, 0), "%H:%M"), "02:00");
        assert_eq!(label(LONDON, utc(2027, 7, 1, 9, 0), "%H:%M"), "10:00");
        assert!(is_ambiguous(LONDON, utc(2027, 10, 31, 0, 0)));
        assert!(is_ambiguous(LONDON, utc(2027, 10, 31, 1, 59)));
        assert!(!is_ambiguous(LONDON, utc(2027, 10, 31, 2, 0)));
        assert!(!is_ambiguous(chrono_tz::UTC, first));
    }

    #[test]
    fn a_repeated_time_needs_its_zone() {
        let err = parse_instant(LONDON, "2027-10-31 01:30").unwrap_err();
        assert_eq!(
            err.to_string(),
            "2027-10-31 01:30 happens twice in Europe/London (the clocks go back): write \"2027-10-31 01:30 BST\" for the first time (00:30 UTC) or \"2027-10-31 01:30 GMT\" for the second (01:30 UTC)"
        );
        assert_eq!(
            parse_instant(LONDON, "2027-10-31 01:30 BST"),
            Ok(utc(2027, 10, 31, 0, 30))
        );
        assert_eq!(
            parse_instant(LONDON, " 2027-10-31 01:30 gmt "),
            Ok(utc(2027, 10, 31, 1, 30))
        );
        assert_eq!(
            parse_instant(LONDON, "2027-10-31 01:30 +01:00"),
            Ok(utc(2027, 10, 31, 0, 30))
        );
        assert_eq!(
            parse_instant(LONDON, "2027-10-31 01:30+0000"),
            Ok(utc(2027, 10, 31, 1, 30))
        );
        assert_eq!(
            parse_instant(LONDON, "2027-10-31 01:30 Z"),
            Ok(utc(2027, 10, 31, 1, 30))
        );
    }

    #[test]
    fn ordinary_missing_and_mismatched_times() {
        assert_eq!(
            parse_instant(LONDON, "2027-07-01 10:00"),
            Ok(utc(2027, 7, 1, 9, 0))
        );
        assert_eq!(
            parse_instant(LONDON, "2027-07-01 10:00 BST"),
            Ok(utc(2027, 7, 1, 9, 0))
        );
        assert_eq!(
            parse_instant(LONDON, "2027-07-01 10:00 GMT")
                .unwrap_err()
                .to_string(),
            "2027-07-01 10:00 in Europe/London is BST (+01:00), not GMT"
        );
        assert_eq!(
            parse_instant(LONDON, "2027-10-31 01:30 CET")
                .unwrap_err()
                .to_string(),
            "2027-10-31 01:30 in Europe/London is BST (+01:00) or GMT (+00:00), not CET"
        );
        // Spring forward: 01:30 on Sun 28 Mar 2027 never happens.
        assert_eq!(
            parse_instant(LONDON, "2027-03-28 01:30")
                .unwrap_err()
                .to_string(),
            "2027-03-28 01:30 does not exist in Europe/London (a daylight-saving change)"
        );
        for bad in ["", "tomorrow", "2027-13-01 10:00", "2027-07-01 10:00 B$T"] {
            assert!(
                matches!(parse_instant(LONDON, bad), Err(LocalTimeError::Format(_))),
                "{bad}"
            );
        }
        // A zone without letters for its offsets.
        let santiago = chrono_tz::America::Santiago;
        let at = parse_instant(santiago, "2027-01-10 10:00 -03").expect("-03");
        assert_eq!(at, utc(2027, 1, 10, 13, 0));
    }

    #[test]
    fn offsets_parse() {
        assert_eq!(parse_offset("+01:00"), Some(3600));
        assert_eq!(parse_offset("-0330"), Some(-(3 * 3600 + 30 * 60)));
        assert_eq!(parse_offset("+5"), Some(5 * 3600));
        assert_eq!(parse_offset("UTC"), Some(0));
        for bad in ["+", "+1:00:00", "01:00", "+25", "+01:61", "+:10"] {
            assert_eq!(parse_offset(bad), None, "{bad}");
        }
        assert_eq!(offset_text(-12600), "-03:30");
    }
}
