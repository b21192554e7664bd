//! Writing iCalendar (RFC 5545) files: one `VCALENDAR` of `VEVENT`s, times in UTC
//! (`DTSTART:20261201T093000Z`), text values escaped (`\\`, `\;`, `\,`, `\n`), other
//! control characters dropped, every content line folded at 75 octets (never inside a
//! UTF-8 character) and ended with CRLF.

use chrono::NaiveDateTime;

/// A `VEVENT`'s `STATUS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventStatus {
    Confirmed,
    Cancelled,
}

impl EventStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EventStatus::Confirmed => "CONFIRMED",
            EventStatus::Cancelled => "CANCELLED",
        }
    }
}

/// One event. `uid` must stay the same for the same appointment in every export, so a
/// calendar that imports the file again updates the event instead of doubling it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub uid: String,
    pub start_utc: NaiveDateTime,
    pub end_utc: NaiveDateTime,
    pub summary: String,
    pub location: Option<String>,
    pub description: Option<String>,
    pub status: EventStatus,
}

/// The longest content line, in octets, before it is folded.
pub const MAX_LINE_OCTETS: usize = 75;

/// A UTC instant as an RFC 5545 `DATE-TIME` in UTC form.
pub fn utc_stamp(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A `TEXT` value: backslash, semicolon, comma and line breaks escaped; other control
/// characters (which `TEXT` cannot hold) dropped.
pub fn escape_text(value: &str) -> String {
    let value = value.replace("\r\n", "\n");
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded: at most 75 octets a line, each continuation line
/// starting with one space, every line ended with CRLF.
fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

/// The whole file. `name` becomes the calendar's display name (`X-WR-CALNAME`);
/// `stamp_utc` is the `DTSTAMP` of every event (when the file was made).
pub fn calendar(name: &str, stamp_utc: NaiveDateTime, events: &[Event]) -> String {
    let mut out = String::new();
    let stamp = utc_stamp(stamp_utc);
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Smart Clinic//Appointments//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        push_line(&mut out, line);
    }
    push_line(&mut out, &format!("X-WR-CALNAME:{}", escape_text(name)));
    for e in events {
        push_line(&mut out, "BEGIN:VEVENT");
        push_line(&mut out, &format!("UID:{}", escape_text(&e.uid)));
        push_line(&mut out, &format!("DTSTAMP:{stamp}"));
        push_line(&mut out, &format!("DTSTART:{}", utc_stamp(e.start_utc)));
        push_line(&mut out, &format!("DTEND:{}", utc_stamp(e.end_utc)));
        push_line(&mut out, &format!("SUMMARY:{}", escape_text(&e.summary)));
        if let Some(l) = &e.location {
            push_line(&mut out, &format!("LOCATION:{}", escape_text(l)));
        }
        if let Some(d) = &e.description {
            push_line(&mut out, &format!("DESCRIPTION:{}", escape_text(d)));
        }
        push_line(&mut out, &format!("STATUS:{}", e.status.as_str()));
        push_line(&mut out, "END:VEVENT");
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    #[test]
    fn text_is_escaped_and_control_characters_dropped() {
        assert_eq!(
            escape_text("Room 2; floor 1, \\ wing\r\nNext line\u{1b}[31m"),
            "Room 2\\; floor 1\\, \\\\ wing\\nNext line[31m"
        );
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "é".repeat(80));
        push_line(&mut out, &line);
        let lines: Vec<&str> = out.split_terminator("\r\n").collect();
        assert!(lines.len() > 1);
        for (i, l) in lines.iter().enumerate() {
            assert!(
                l.len() <= MAX_LINE_OCTETS,
                "line {i} has {} octets",
                l.len()
            );
            assert_eq!(i > 0, l.starts_with(' '));
        }
        let unfolded: String = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{line}\r\n"));
        assert!(!out.replace("\r\n", "").contains('\n'));
    }

    #[test]
    fn a_calendar_has_utc_times_and_crlf_lines() {
        let t = NaiveDate::from_ymd_opt(2026, 12, 1)
            .expect("date")
            .and_hms_opt(9, 30, 0)
            .expect("time");
        let text = calendar(
            "Dr. A",
            t,
            &[Event {
                uid: "appointment-1@clinic".into(),
                start_utc: t,
                end_utc: t + chrono::Duration::minutes(30),
                summary: "Check-up".into(),
                location: Some("Main St 1, Town".into()),
                description: None,
                status: EventStatus::Cancelled,
            }],
        );
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(text.contains("\r\nDTSTART:20261201T093000Z\r\nDTEND:20261201T100000Z\r\n"));
        assert!(text.contains("\r\nLOCATION:Main St 1\\, Town\r\n"));
        assert!(text.contains("\r\nSTATUS:CANCELLED\r\n"));
        assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
    }
}
