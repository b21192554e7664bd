//! What the calendar's forms accept: times, dates and locations as people type them.

use chrono::{NaiveDate, NaiveTime};

use crate::service::availability::LocationRef;

/// `HH:MM` → time. Accepts `9`, `09`, `9:30`, `09:30`, `930`, `0930`; `24:00` means the
/// last minute of the day (23:59), since windows cannot end at midnight.
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let s = text.trim();
    if s.is_empty() || !s.is_ascii() {
        return None;
    }
    let (h, m) = match s.split_once(':') {
        Some((h, m)) => (h, m),
        None if s.len() <= 2 => (s, "0"),
        None if s.len() <= 4 => s.split_at(s.len() - 2),
        None => return None,
    };
    let digits = |p: &str| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || !digits(m) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    if h == 24 && m == 0 {
        return NaiveTime::from_hms_opt(23, 59, 0);
    }
    NaiveTime::from_hms_opt(h, m, 0)
}

/// `YYYY-MM-DD` → date, within the dates the clinic records.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    crate::domain::validation::date(text).ok()
}

/// Resolves what was typed in a location field: empty = any, a number, or a name
/// (exact or the only one starting with the text, ignoring case).
pub fn parse_location(text: &str, known: &[LocationRef]) -> Result<Option<i32>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if let Ok(id) = t.parse::<i32>() {
        return Ok(Some(id));
    }
    let lower = t.to_lowercase();
    if let Some(l) = known.iter().find(|l| l.name.to_lowercase() == lower) {
        return Ok(Some(l.id));
    }
    let matching: Vec<&LocationRef> = known
        .iter()
        .filter(|l| l.name.to_lowercase().starts_with(&lower))
        .collect();
    match matching.as_slice() {
        [one] => Ok(Some(one.id)),
        [] if known.is_empty() => Err(format!("There is no location called \"{t}\".")),
        [] => Err(format!(
            "There is no location called \"{t}\". Known: {}.",
            known
                .iter()
                .map(|l| l.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        _ => Err(format!(
            "\"{t}\" matches several locations; type more of the name."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_in_the_usual_shapes() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(parse_time("9"), t(9, 0));
        assert_eq!(parse_time(" 09:30 "), t(9, 30));
        assert_eq!(parse_time("930"), t(9, 30));
        assert_eq!(parse_time("1745"), t(17, 45));
        assert_eq!(parse_time("24:00"), t(23, 59));
        for bad in ["", "25:00", "9:60", "abc", "12345", "9:3x", "٩:٣٠"] {
            assert_eq!(parse_time(bad), None, "{bad:?}");
        }
        assert_eq!(
            parse_date("2026-01-12"),
            NaiveDate::from_ymd_opt(2026, 1, 12)
        );
        assert_eq!(parse_date("12/01/2026"), None);
    }

    #[test]
    fn locations_resolve_by_number_or_name() {
        let known = vec![
            LocationRef {
                id: 1,
                name: "Main building".into(),
            },
            LocationRef {
                id: 2,
                name: "Mall annex".into(),
            },
        ];
        assert_eq!(parse_location("", &known), Ok(None));
        assert_eq!(parse_location("2", &known), Ok(Some(2)));
        assert_eq!(parse_location("main", &known), Ok(Some(1)));
        assert_eq!(parse_location("MALL ANNEX", &known), Ok(Some(2)));
        assert!(parse_location("m", &known).unwrap_err().contains("several"));
        assert!(
            parse_location("north", &known)
                .unwrap_err()
                .contains("Known: Main building, Mall annex")
        );
    }
}
