//! Extra hours on a date: a doctor opens hours outside the weekly plan (a Saturday
//! clinic, an evening) without touching the weekly windows. Local wall-clock times of
//! one local date, like a window of that date only; the slot engine
//! ([`free_slots_with_extra`](super::availability::free_slots_with_extra)) and the
//! booking check ([`covering_location_with_extra`](super::availability::covering_location_with_extra))
//! count them as windows of their date.
//!
//! Extra hours may not overlap the weekly windows of their weekday, nor other extra
//! hours of the same date (touching is fine): they add time, so the overlapping part
//! would add nothing, and keeping them apart keeps every slot's location unambiguous.

use chrono::{Datelike, NaiveDate, NaiveTime};

use super::availability::{LocationId, Window};

/// Hours `[start, end)` of local date `date`, at a location (or none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExtraHours {
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub location_id: Option<LocationId>,
}

impl ExtraHours {
    pub fn new(
        date: NaiveDate,
        start: NaiveTime,
        end: NaiveTime,
        location_id: Option<LocationId>,
    ) -> Self {
        Self {
            date,
            start,
            end,
            location_id,
        }
    }
}

/// Saved extra hours with their row id (what the calendar lists and deletes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredExtraHours {
    pub id: i32,
    pub hours: ExtraHours,
}

/// Why extra hours cannot be opened, as a sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtraHoursError {
    #[error(
        "{} {}–{} is not valid: the hours must start before they end.",
        day(.date), hm(.start), hm(.end)
    )]
    NotPositive {
        date: NaiveDate,
        start: NaiveTime,
        end: NaiveTime,
    },
    #[error(
        "{} {}–{} overlaps the weekly hours {}–{} of that day; open only the hours outside them.",
        day(.date), hm(.start), hm(.end), hm(.other_start), hm(.other_end)
    )]
    OverlapsWeekly {
        date: NaiveDate,
        start: NaiveTime,
        end: NaiveTime,
        other_start: NaiveTime,
        other_end: NaiveTime,
    },
    #[error(
        "{} {}–{} overlaps the extra hours {}–{} already open that day.",
        day(.date), hm(.start), hm(.end), hm(.other_start), hm(.other_end)
    )]
    OverlapsExtra {
        date: NaiveDate,
        start: NaiveTime,
        end: NaiveTime,
        other_start: NaiveTime,
        other_end: NaiveTime,
    },
    #[error("{} is in the past; extra hours open today or later.", day(.0))]
    InThePast(NaiveDate),
}

fn day(d: &NaiveDate) -> String {
    d.format("%a %-d %b %Y").to_string()
}

fn hm(t: &NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// Checks new extra hours against the doctor's weekly windows and the extra hours
/// already open (any dates: only those of the candidate's date count), and refuses a
/// date before `today` (local).
pub fn validate_extra_hours(
    weekly: &[Window],
    existing: &[ExtraHours],
    candidate: &ExtraHours,
    today: NaiveDate,
) -> Result<(), ExtraHoursError> {
    let ExtraHours {
        date, start, end, ..
    } = *candidate;
    if start >= end {
        return Err(ExtraHoursError::NotPositive { date, start, end });
    }
    if date < today {
        return Err(ExtraHoursError::InThePast(date));
    }
    let overlaps = |s: NaiveTime, e: NaiveTime| s < end && start < e;
    if let Some(w) = weekly
        .iter()
        .filter(|w| w.weekday == date.weekday() && overlaps(w.start, w.end))
        .min_by_key(|w| (w.start, w.end))
    {
        return Err(ExtraHoursError::OverlapsWeekly {
            date,
            start,
            end,
            other_start: w.start,
            other_end: w.end,
        });
    }
    if let Some(x) = existing
        .iter()
        .filter(|x| x.date == date && overlaps(x.start, x.end))
        .min_by_key(|x| (x.start, x.end))
    {
        return Err(ExtraHoursError::OverlapsExtra {
            date,
            start,
            end,
            other_start: x.start,
            other_end: x.end,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::Weekday;

    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("time")
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn extra_hours_keep_clear_of_weekly_windows_and_each_other() {
        // Saturday 5 December 2026; the doctor works Saturdays 09:00–12:00.
        let weekly = [Window::new(Weekday::Sat, t(9, 0), t(12, 0), None)];
        let today = d(2026, 12, 1);
        let sat = d(2026, 12, 5);
        let ok = ExtraHours::new(sat, t(12, 0), t(15, 0), None);
        assert_eq!(validate_extra_hours(&weekly, &[], &ok, today), Ok(()));
        let overlap = ExtraHours::new(sat, t(11, 0), t(13, 0), None);
        assert_eq!(
            validate_extra_hours(&weekly, &[], &overlap, today)
                .expect_err("overlaps")
                .to_string(),
            "Sat 5 Dec 2026 11:00–13:00 overlaps the weekly hours 09:00–12:00 of that day; open only the hours outside them."
        );
        // The same hours on a Sunday (no weekly window) are fine, once.
        let sun = ExtraHours::new(d(2026, 12, 6), t(11, 0), t(13, 0), None);
        assert_eq!(validate_extra_hours(&weekly, &[], &sun, today), Ok(()));
        assert!(matches!(
            validate_extra_hours(&weekly, &[sun], &sun, today),
            Err(ExtraHoursError::OverlapsExtra { .. })
        ));
        // Other dates' extra hours do not count.
        let next_sun = ExtraHours::new(d(2026, 12, 13), t(11, 0), t(13, 0), None);
        assert_eq!(
            validate_extra_hours(&weekly, &[sun], &next_sun, today),
            Ok(())
        );
        let reversed = ExtraHours::new(sat, t(15, 0), t(14, 0), None);
        assert!(matches!(
            validate_extra_hours(&weekly, &[], &reversed, today),
            Err(ExtraHoursError::NotPositive { .. })
        ));
        let past = ExtraHours::new(d(2026, 11, 30), t(18, 0), t(20, 0), None);
        assert_eq!(
            validate_extra_hours(&weekly, &[], &past, today),
            Err(ExtraHoursError::InThePast(d(2026, 11, 30)))
        );
    }
}
