//! Doctor availability: weekly windows, dated time off and free appointment slots.
//!
//! Self-contained: depends only on `chrono`, `chrono_tz`, `thiserror` and `std`.
//!
//! # Model
//!
//! * Appointment and time-off instants are `NaiveDateTime` values that mean **UTC**.
//! * A clinic has one IANA time zone ([`Tz`]).
//! * A doctor has weekly [`Window`]s in **local wall-clock** time. A weekday may have several
//!   windows (a lunch break is two windows); windows of one weekday must not overlap
//!   (touching, `end == start`, is fine) and each must start before it ends. Windows lie inside
//!   one local day (`NaiveTime` has no 24:00; use 23:59 for "until midnight").
//! * [`TimeOff`] is a dated UTC interval `[start, end)` with a reason; [`Busy`] is a booked
//!   (non-cancelled) appointment `[start, end)` in UTC. Intervals whose start is not before
//!   their end are empty and block nothing.
//! * Overlap is half-open: `a.start < b.end && a.end > b.start`.
//!
//! # Slot generation and daylight-saving time
//!
//! For every local date `d` in the query and every window of `d`'s weekday, candidate starts
//! are the local wall-clock times that are multiples of `step_minutes` counted from local
//! midnight of `d` and lie inside the window. A window keeps its wall-clock meaning on DST
//! days: 09:00–17:00 is 09:00–17:00 local whatever the offset is.
//!
//! Local wall-clock times are turned into UTC instants with one rule everywhere (slots, window
//! bounds, time-off constructors):
//!
//! * **Slot starts.** A time that does not exist (the spring-forward gap) yields no slot. An
//!   ambiguous time (the fall-back overlap) yields **both** its instants as separate
//!   candidates: on the London fall-back night a window covering 01:00–02:00 offers 01:30 BST
//!   and, an hour later, 01:30 GMT. Screens tell them apart with
//!   [`local_time::label`](super::local_time::label), which adds the zone abbreviation to a
//!   time in the repeated hour. Candidates are then sorted by instant, so slots still come
//!   out in UTC order; no two local times map to the same instant.
//! * **Boundaries** (window start/end, time-off days and ranges): the earliest instant at which
//!   the wall clock shows that time *or later*. For an existing or ambiguous time that is its
//!   (earliest) instant; for a time inside a gap it is the instant of the transition itself.
//!   A window lying wholly inside a gap is therefore empty that day, and a window that ends
//!   inside the repeated hour ends the first time the clock shows its end (so it offers no
//!   second-pass starts).
//! * **Slot ends** are `start_utc + duration`, a real elapsed duration. A slot is offered only
//!   if `[start_utc, start_utc + duration)` lies inside the window's UTC interval. On ordinary
//!   days this is exactly "start + duration ≤ window end" in wall-clock terms; on a DST night a
//!   60-minute slot is always 60 real minutes and never spills past the window's real end.
//!
//! Sub-second parts of window times are ignored (start rounded up, end rounded down to a whole
//! second). Windows that overlap despite validation are tolerated: duplicate starts are
//! collapsed, keeping the window that sorts first (by start time).
//!
//! # Speed
//!
//! Busy and time-off intervals are filtered to the query range, sorted and merged once per
//! call, then walked with a moving index while candidates are produced in increasing order.
//! For each date the zone offset is looked up twice (local 00:00 and 23:59:59); when both
//! are unambiguous and equal the whole day uses that fixed offset with integer arithmetic,
//! otherwise (a transition day) each candidate is resolved through `chrono_tz`. This relies
//! on a zone never changing its offset and changing it back within one local day, which no
//! zone does in practice.

use std::fmt;

use chrono::{
    DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Weekday,
};
use chrono_tz::{GapInfo, Tz};

pub use super::slot_engine::{
    covering_location, covering_location_with_extra, expand_windows, expand_windows_with_extra,
    free_slots, free_slots_with_extra, is_within_availability,
};

/// Default appointment length for [`SlotQuery`].
pub const DEFAULT_DURATION_MINUTES: u32 = 60;
/// Default distance between candidate starts for [`SlotQuery`].
pub const DEFAULT_STEP_MINUTES: u32 = 15;
/// Longest accepted time-off reason, in characters.
pub const MAX_REASON_CHARS: usize = 200;
/// Longest date range accepted by [`SlotQuery::validate`], in days.
pub const MAX_QUERY_DAYS: i64 = 366;
/// Longest duration or step accepted by [`SlotQuery::validate`], in minutes.
pub const MAX_QUERY_MINUTES: u32 = 24 * 60;

pub(crate) const SECS_PER_DAY: i64 = 86_400;

/// Identifier of a clinic location (the `location_id` of windows and slots).
pub type LocationId = i32;

/// A weekly availability window in local wall-clock time: `[start, end)` on `weekday`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    pub weekday: Weekday,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub location_id: Option<LocationId>,
}

impl Window {
    pub fn new(
        weekday: Weekday,
        start: NaiveTime,
        end: NaiveTime,
        location_id: Option<LocationId>,
    ) -> Self {
        Self {
            weekday,
            start,
            end,
            location_id,
        }
    }
}

/// Dated time off (holiday, leave, a few hours away): UTC instants `[start_utc, end_utc)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TimeOff {
    pub start_utc: NaiveDateTime,
    pub end_utc: NaiveDateTime,
    pub reason: String,
}

impl TimeOff {
    /// Time off between two UTC instants, validated with [`validate_time_off`].
    pub fn new(
        start_utc: NaiveDateTime,
        end_utc: NaiveDateTime,
        reason: impl Into<String>,
    ) -> Result<Self, AvailabilityError> {
        let t = Self {
            start_utc,
            end_utc,
            reason: reason.into(),
        };
        validate_time_off(&t)?;
        Ok(t)
    }

    /// Whole local days `from..=to` in `tz`: from local midnight of `from` to local midnight
    /// after `to`. DST is handled: a spring-forward day is 23 real hours, a fall-back day 25.
    /// A midnight that falls in a gap starts at the transition instant.
    pub fn whole_days(
        from: NaiveDate,
        to: NaiveDate,
        tz: Tz,
        reason: impl Into<String>,
    ) -> Result<Self, AvailabilityError> {
        if to < from {
            return Err(AvailabilityError::DateRangeReversed { from, to });
        }
        let after = to
            .succ_opt()
            .ok_or(AvailabilityError::DateOutOfRange { date: to })?;
        let start = boundary_utc(tz, from.and_time(NaiveTime::MIN))?;
        let end = boundary_utc(tz, after.and_time(NaiveTime::MIN))?;
        Self::new(start, end, reason)
    }

    /// Time off between two local date-times in `tz` (e.g. "Tue 14:00 to Tue 17:30").
    /// Each end uses the boundary rule of this module: the earliest instant at which the
    /// wall clock shows that time or later.
    pub fn local_range(
        start_local: NaiveDateTime,
        end_local: NaiveDateTime,
        tz: Tz,
        reason: impl Into<String>,
    ) -> Result<Self, AvailabilityError> {
        if end_local <= start_local {
            return Err(AvailabilityError::TimeOffNotPositive);
        }
        let start = boundary_utc(tz, start_local)?;
        let end = boundary_utc(tz, end_local)?;
        Self::new(start, end, reason)
    }

    /// Whether this time off intersects `[start_utc, end_utc)` (half-open; empty intervals
    /// intersect nothing).
    pub fn overlaps(&self, start_utc: NaiveDateTime, end_utc: NaiveDateTime) -> bool {
        intervals_overlap(self.start_utc, self.end_utc, start_utc, end_utc)
    }
}

/// A saved window with its row id (what the calendar lists and edits).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredWindow {
    pub id: i32,
    pub window: Window,
}

/// A saved time-off entry with its row id.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredTimeOff {
    pub id: i32,
    pub time_off: TimeOff,
}

/// A booked, non-cancelled appointment: UTC `[start_utc, end_utc)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Busy {
    pub start_utc: NaiveDateTime,
    pub end_utc: NaiveDateTime,
}

impl Busy {
    pub fn new(start_utc: NaiveDateTime, end_utc: NaiveDateTime) -> Self {
        Self { start_utc, end_utc }
    }
}

/// A free appointment slot: UTC `[start_utc, end_utc)` at the window's location.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Slot {
    pub start_utc: NaiveDateTime,
    pub end_utc: NaiveDateTime,
    pub location_id: Option<LocationId>,
}

impl Slot {
    /// Local wall-clock start in `tz`.
    pub fn local_start(&self, tz: Tz) -> NaiveDateTime {
        tz.from_utc_datetime(&self.start_utc).naive_local()
    }

    /// Local wall-clock end in `tz`.
    pub fn local_end(&self, tz: Tz) -> NaiveDateTime {
        tz.from_utc_datetime(&self.end_utc).naive_local()
    }
}

/// A window occurrence on one date, as UTC instants: `(start_utc, end_utc, location_id)`.
pub type UtcWindow = (NaiveDateTime, NaiveDateTime, Option<LocationId>);

/// What to look for: local dates `from..=to` (inclusive), slot length and start alignment,
/// and optionally no slot starting before an instant (typically "now").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SlotQuery {
    /// First local date (inclusive).
    pub from: NaiveDate,
    /// Last local date (inclusive).
    pub to: NaiveDate,
    /// Appointment length; default [`DEFAULT_DURATION_MINUTES`].
    pub duration_minutes: u32,
    /// Candidate starts are multiples of this from local midnight; default
    /// [`DEFAULT_STEP_MINUTES`].
    pub step_minutes: u32,
    /// No slot starts before this UTC instant.
    pub not_before_utc: Option<NaiveDateTime>,
}

impl SlotQuery {
    /// Dates `from..=to` with the default duration (60) and step (15).
    pub fn new(from: NaiveDate, to: NaiveDate) -> Self {
        Self {
            from,
            to,
            duration_minutes: DEFAULT_DURATION_MINUTES,
            step_minutes: DEFAULT_STEP_MINUTES,
            not_before_utc: None,
        }
    }

    /// One local date with the defaults.
    pub fn day(date: NaiveDate) -> Self {
        Self::new(date, date)
    }

    /// Seven local dates starting at `from`, with the defaults.
    pub fn week_from(from: NaiveDate) -> Self {
        let to = from
            .checked_add_days(chrono::Days::new(6))
            .unwrap_or(NaiveDate::MAX);
        Self::new(from, to)
    }

    pub fn with_duration(mut self, minutes: u32) -> Self {
        self.duration_minutes = minutes;
        self
    }

    pub fn with_step(mut self, minutes: u32) -> Self {
        self.step_minutes = minutes;
        self
    }

    pub fn not_before(mut self, utc: NaiveDateTime) -> Self {
        self.not_before_utc = Some(utc);
        self
    }

    /// Checks the query as entered by a user. [`free_slots`] never panics on an invalid
    /// query (it returns no slots for a zero duration or step, or a reversed range), but a
    /// screen should show these sentences instead.
    pub fn validate(&self) -> Result<(), AvailabilityError> {
        if self.to < self.from {
            return Err(AvailabilityError::DateRangeReversed {
                from: self.from,
                to: self.to,
            });
        }
        let days = (self.to - self.from).num_days() + 1;
        if days > MAX_QUERY_DAYS {
            return Err(AvailabilityError::DateRangeTooLong {
                days,
                max: MAX_QUERY_DAYS,
            });
        }
        if self.duration_minutes == 0 || self.duration_minutes > MAX_QUERY_MINUTES {
            return Err(AvailabilityError::InvalidDuration(self.duration_minutes));
        }
        if self.step_minutes == 0 || self.step_minutes > MAX_QUERY_MINUTES {
            return Err(AvailabilityError::InvalidStep(self.step_minutes));
        }
        Ok(())
    }
}

/// Refusals, each a sentence a receptionist can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AvailabilityError {
    #[error(
        "{} {}–{} is not a valid window: it must start before it ends.",
        weekday_name(.weekday), hm(.start), hm(.end)
    )]
    WindowNotPositive {
        weekday: Weekday,
        start: NaiveTime,
        end: NaiveTime,
    },
    #[error(
        "{} {}–{} overlaps the existing window {}–{}.",
        weekday_name(.weekday), hm(.start), hm(.end), hm(.existing_start), hm(.existing_end)
    )]
    WindowOverlap {
        weekday: Weekday,
        start: NaiveTime,
        end: NaiveTime,
        existing_start: NaiveTime,
        existing_end: NaiveTime,
    },
    #[error("Time off must end after it starts.")]
    TimeOffNotPositive,
    #[error("The reason for time off is too long ({len} characters; at most {max}).")]
    ReasonTooLong { len: usize, max: usize },
    #[error(
        "The end date {} is before the start date {}.",
        day_label(.to), day_label(.from)
    )]
    DateRangeReversed { from: NaiveDate, to: NaiveDate },
    #[error("The date range is too long ({days} days; at most {max}).")]
    DateRangeTooLong { days: i64, max: i64 },
    #[error("The appointment length must be between 1 and 1440 minutes (not {0}).")]
    InvalidDuration(u32),
    #[error("The slot step must be between 1 and 1440 minutes (not {0}).")]
    InvalidStep(u32),
    #[error("The appointment must end after it starts.")]
    AppointmentNotPositive,
    #[error(
        "The doctor's availability on {} does not cover {}–{}.",
        day_label(.date), hm(.start), hm(.end)
    )]
    NotCovered {
        date: NaiveDate,
        start: NaiveTime,
        end: NaiveTime,
    },
    #[error("{}", time_off_sentence(.reason))]
    InTimeOff { reason: String },
    #[error("The date {} is outside the supported calendar.", day_label(.date))]
    DateOutOfRange { date: NaiveDate },
    #[error(
        "The local time {} cannot be placed in the time zone {tz}.",
        .local.format("%a %-d %b %Y %H:%M")
    )]
    LocalTimeUnresolvable { local: NaiveDateTime, tz: Tz },
}

fn weekday_name(d: &Weekday) -> &'static str {
    match d {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

fn hm(t: &NaiveTime) -> impl fmt::Display + use<> {
    t.format("%H:%M")
}

fn day_label(d: &NaiveDate) -> impl fmt::Display + use<> {
    d.format("%a %-d %b")
}

fn time_off_sentence(reason: &str) -> String {
    let reason = reason.trim();
    if reason.is_empty() {
        "That time falls in time off.".to_owned()
    } else if reason.ends_with(['.', '!', '?']) {
        format!("That time falls in time off: {reason}")
    } else {
        format!("That time falls in time off: {reason}.")
    }
}

/// Checks a new or edited window against the doctor's other windows.
///
/// `ignore_index` is the position in `existing_same_doctor` of the window being edited, so it
/// is not compared with itself. Windows of other weekdays are ignored. When several windows
/// overlap, the one that starts first is named.
pub fn validate_window(
    existing_same_doctor: &[Window],
    candidate: &Window,
    ignore_index: Option<usize>,
) -> Result<(), AvailabilityError> {
    if candidate.start >= candidate.end {
        return Err(AvailabilityError::WindowNotPositive {
            weekday: candidate.weekday,
            start: candidate.start,
            end: candidate.end,
        });
    }
    let clash = existing_same_doctor
        .iter()
        .enumerate()
        .filter(|&(i, w)| {
            Some(i) != ignore_index
                && w.weekday == candidate.weekday
                && w.start < candidate.end
                && candidate.start < w.end
        })
        .map(|(_, w)| w)
        .min_by_key(|w| (w.start, w.end));
    match clash {
        Some(w) => Err(AvailabilityError::WindowOverlap {
            weekday: candidate.weekday,
            start: candidate.start,
            end: candidate.end,
            existing_start: w.start,
            existing_end: w.end,
        }),
        None => Ok(()),
    }
}

/// Checks a whole set of windows (e.g. an import): each against the ones before it.
pub fn validate_windows(windows: &[Window]) -> Result<(), AvailabilityError> {
    windows
        .iter()
        .enumerate()
        .try_for_each(|(i, w)| validate_window(&windows[..i], w, None))
}

/// Checks time off: it must end after it starts and its reason must be at most
/// [`MAX_REASON_CHARS`] characters.
pub fn validate_time_off(t: &TimeOff) -> Result<(), AvailabilityError> {
    if t.start_utc >= t.end_utc {
        return Err(AvailabilityError::TimeOffNotPositive);
    }
    let len = t.reason.chars().count();
    if len > MAX_REASON_CHARS {
        return Err(AvailabilityError::ReasonTooLong {
            len,
            max: MAX_REASON_CHARS,
        });
    }
    Ok(())
}

/// The UTC instant of a local wall-clock time, with the boundary rule for times that exist:
/// `None` inside a spring-forward gap, the earliest instant when ambiguous (fall-back).
/// For the start of a midnight or a date range. A time someone picks must not be guessed:
/// use [`local_time::parse_instant`](super::local_time::parse_instant) or
/// [`local_time::instants`](super::local_time::instants) for those.
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> Option<NaiveDateTime> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(dt) => Some(dt.naive_utc()),
        LocalResult::Ambiguous(a, b) => Some(a.naive_utc().min(b.naive_utc())),
        LocalResult::None => None,
    }
}

/// Boundary rule: the earliest instant at which the wall clock shows `local` or later.
fn boundary_utc(tz: Tz, local: NaiveDateTime) -> Result<NaiveDateTime, AvailabilityError> {
    if let Some(utc) = local_to_utc(tz, local) {
        return Ok(utc);
    }
    gap_end_ts(tz, &local)
        .and_then(|ts| DateTime::from_timestamp(ts, 0))
        .map(|dt| dt.naive_utc())
        .ok_or(AvailabilityError::LocalTimeUnresolvable { local, tz })
}

/// For a local time inside a gap: the transition instant (UTC seconds) that ends the gap.
pub(crate) fn gap_end_ts(tz: Tz, local: &NaiveDateTime) -> Option<i64> {
    let gap = GapInfo::new(local, &tz)?;
    if let Some(end) = gap.end {
        return Some(end.timestamp());
    }
    gap.begin.map(|(begin_local, offset_before)| {
        begin_local.and_utc().timestamp() - i64::from(offset_before.fix().local_minus_utc())
    })
}

fn intervals_overlap(
    a_start: NaiveDateTime,
    a_end: NaiveDateTime,
    b_start: NaiveDateTime,
    b_end: NaiveDateTime,
) -> bool {
    a_start < a_end && b_start < b_end && a_start < b_end && a_end > b_start
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn dt(y: i32, m: u32, day: u32, h: u32, min: u32) -> NaiveDateTime {
        d(y, m, day).and_time(t(h, min))
    }

    fn win(weekday: Weekday, s: (u32, u32), e: (u32, u32)) -> Window {
        Window::new(weekday, t(s.0, s.1), t(e.0, e.1), Some(1))
    }

    #[test]
    fn overlap_sentence() {
        let existing = [win(Weekday::Tue, (9, 0), (13, 0))];
        let err =
            validate_window(&existing, &win(Weekday::Tue, (12, 0), (14, 0)), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Tuesday 12:00–14:00 overlaps the existing window 09:00–13:00."
        );
    }

    #[test]
    fn touching_windows_and_other_weekdays_are_fine() {
        let existing = [
            win(Weekday::Tue, (9, 0), (12, 0)),
            win(Weekday::Wed, (12, 0), (14, 0)),
        ];
        validate_window(&existing, &win(Weekday::Tue, (12, 0), (14, 0)), None).unwrap();
        validate_window(&existing, &win(Weekday::Tue, (8, 0), (9, 0)), None).unwrap();
    }

    #[test]
    fn editing_ignores_itself_but_not_others() {
        let existing = [
            win(Weekday::Mon, (9, 0), (12, 0)),
            win(Weekday::Mon, (13, 0), (17, 0)),
        ];
        validate_window(&existing, &win(Weekday::Mon, (8, 0), (12, 30)), Some(0)).unwrap();
        let err =
            validate_window(&existing, &win(Weekday::Mon, (8, 0), (13, 30)), Some(0)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Monday 08:00–13:30 overlaps the existing window 13:00–17:00."
        );
    }

    #[test]
    fn names_the_earliest_clashing_window() {
        let existing = [
            win(Weekday::Fri, (13, 0), (17, 0)),
            win(Weekday::Fri, (9, 0), (12, 0)),
        ];
        let err =
            validate_window(&existing, &win(Weekday::Fri, (8, 0), (18, 0)), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Friday 08:00–18:00 overlaps the existing window 09:00–12:00."
        );
        assert!(validate_windows(&[existing[0], existing[1]]).is_ok());
        assert!(validate_windows(&[existing[0], existing[1], existing[0]]).is_err());
    }

    #[test]
    fn reversed_or_empty_window_sentence() {
        let err = validate_window(&[], &win(Weekday::Wed, (14, 0), (12, 0)), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Wednesday 14:00–12:00 is not a valid window: it must start before it ends."
        );
        assert!(validate_window(&[], &win(Weekday::Wed, (9, 0), (9, 0)), None).is_err());
    }

    #[test]
    fn time_off_validation() {
        let ok = TimeOff::new(dt(2026, 7, 1, 8, 0), dt(2026, 7, 1, 9, 0), "Dentist").unwrap();
        assert_eq!(ok.reason, "Dentist");
        let err = TimeOff::new(dt(2026, 7, 1, 9, 0), dt(2026, 7, 1, 9, 0), "x").unwrap_err();
        assert_eq!(err.to_string(), "Time off must end after it starts.");
        let long = "é".repeat(201);
        let err = TimeOff::new(dt(2026, 7, 1, 8, 0), dt(2026, 7, 1, 9, 0), long).unwrap_err();
        assert_eq!(
            err.to_string(),
            "The reason for time off is too long (201 characters; at most 200)."
        );
        assert!(TimeOff::new(dt(2026, 7, 1, 8, 0), dt(2026, 7, 1, 9, 0), "é".repeat(200)).is_ok());
    }

    #[test]
    fn whole_days_follow_local_midnights_across_dst() {
        let tz = chrono_tz::Europe::London;
        // Spring forward on Sun 29 Mar 2026: the local day is 23 hours long.
        let off = TimeOff::whole_days(d(2026, 3, 29), d(2026, 3, 29), tz, "Holiday").unwrap();
        assert_eq!(off.start_utc, dt(2026, 3, 29, 0, 0));
        assert_eq!(off.end_utc, dt(2026, 3, 29, 23, 0));
        // Fall back on Sun 25 Oct 2026: 25 hours, starting at BST midnight.
        let off = TimeOff::whole_days(d(2026, 10, 25), d(2026, 10, 25), tz, "Holiday").unwrap();
        assert_eq!(off.start_utc, dt(2026, 10, 24, 23, 0));
        assert_eq!(off.end_utc, dt(2026, 10, 26, 0, 0));
        let err = TimeOff::whole_days(d(2026, 3, 2), d(2026, 3, 1), tz, "x").unwrap_err();
        assert_eq!(
            err.to_string(),
            "The end date Sun 1 Mar is before the start date Mon 2 Mar."
        );
    }

    #[test]
    fn local_range_uses_the_transition_for_gap_times() {
        let tz = chrono_tz::Europe::London;
        let off =
            TimeOff::local_range(dt(2026, 3, 29, 1, 30), dt(2026, 3, 29, 4, 0), tz, "On call")
                .unwrap();
        assert_eq!(off.start_utc, dt(2026, 3, 29, 1, 0));
        assert_eq!(off.end_utc, dt(2026, 3, 29, 3, 0));
        let err = TimeOff::local_range(dt(2026, 3, 29, 4, 0), dt(2026, 3, 29, 4, 0), tz, "x")
            .unwrap_err();
        assert_eq!(err, AvailabilityError::TimeOffNotPositive);
    }

    #[test]
    fn simple_day() {
        // Tue 24 Nov 2026, London is on GMT (UTC+0).
        let tz = chrono_tz::Europe::London;
        let windows = [win(Weekday::Tue, (9, 0), (12, 0))];
        let q = SlotQuery::day(d(2026, 11, 24));
        let slots = free_slots(&q, tz, &windows, &[], &[]);
        let starts: Vec<_> = slots.iter().map(|s| s.start_utc.time()).collect();
        let expected: Vec<_> = (0..9)
            .map(|i| t(9, 0) + chrono::TimeDelta::minutes(15 * i))
            .collect();
        assert_eq!(starts, expected);
        assert!(
            slots
                .iter()
                .all(|s| s.end_utc - s.start_utc == chrono::TimeDelta::hours(1))
        );
        assert!(slots.iter().all(|s| s.location_id == Some(1)));
        // Other weekdays give nothing.
        assert!(free_slots(&SlotQuery::day(d(2026, 11, 25)), tz, &windows, &[], &[]).is_empty());
    }

    #[test]
    fn lunch_break_and_bookings() {
        // Berlin in summer: UTC+2.
        let tz = chrono_tz::Europe::Berlin;
        let windows = [
            Window::new(Weekday::Wed, t(13, 0), t(15, 0), Some(7)),
            Window::new(Weekday::Wed, t(9, 0), t(11, 0), Some(3)),
        ];
        let busy = [Busy::new(dt(2026, 7, 1, 7, 30), dt(2026, 7, 1, 8, 0))]; // 09:30–10:00 local
        let q = SlotQuery::day(d(2026, 7, 1))
            .with_duration(30)
            .with_step(30);
        let slots = free_slots(&q, tz, &windows, &[], &busy);
        let local: Vec<_> = slots
            .iter()
            .map(|s| (s.local_start(tz).time(), s.location_id))
            .collect();
        assert_eq!(
            local,
            vec![
                (t(9, 0), Some(3)),
                (t(10, 0), Some(3)),
                (t(10, 30), Some(3)),
                (t(13, 0), Some(7)),
                (t(13, 30), Some(7)),
                (t(14, 0), Some(7)),
                (t(14, 30), Some(7)),
            ]
        );
        // Nothing spans the lunch break even with a long appointment.
        let q = q.with_duration(90);
        let slots = free_slots(&q, tz, &windows, &[], &[]);
        assert!(slots.iter().all(|s| s.local_end(tz).time() <= t(11, 0)
            || s.local_start(tz).time() >= t(13, 0)));
    }

    #[test]
    fn time_off_and_not_before() {
        let tz = chrono_tz::UTC;
        let windows = [
            win(Weekday::Mon, (9, 0), (12, 0)),
            win(Weekday::Tue, (9, 0), (12, 0)),
        ];
        let off = TimeOff::whole_days(d(2026, 11, 23), d(2026, 11, 23), tz, "Leave").unwrap();
        let q = SlotQuery::new(d(2026, 11, 23), d(2026, 11, 24))
            .with_step(60)
            .not_before(dt(2026, 11, 24, 9, 30));
        let slots = free_slots(&q, tz, &windows, &[off], &[]);
        let starts: Vec<_> = slots.iter().map(|s| s.start_utc).collect();
        assert_eq!(
            starts,
            vec![dt(2026, 11, 24, 10, 0), dt(2026, 11, 24, 11, 0)]
        );
    }

    #[test]
    fn invalid_queries_give_nothing_and_explain() {
        let tz = chrono_tz::UTC;
        let windows = [win(Weekday::Mon, (9, 0), (12, 0))];
        let q = SlotQuery::day(d(2026, 11, 23)).with_step(0);
        assert!(free_slots(&q, tz, &windows, &[], &[]).is_empty());
        assert_eq!(
            q.validate().unwrap_err().to_string(),
            "The slot step must be between 1 and 1440 minutes (not 0)."
        );
        let q = SlotQuery::day(d(2026, 11, 23)).with_duration(0);
        assert!(free_slots(&q, tz, &windows, &[], &[]).is_empty());
        assert!(q.validate().is_err());
        let q = SlotQuery::new(d(2026, 11, 24), d(2026, 11, 23));
        assert!(free_slots(&q, tz, &windows, &[], &[]).is_empty());
        assert!(q.validate().is_err());
        assert!(SlotQuery::week_from(d(2026, 11, 23)).validate().is_ok());
        assert_eq!(SlotQuery::week_from(d(2026, 11, 23)).to, d(2026, 11, 29));
    }

    #[test]
    fn availability_sentences() {
        let tz = chrono_tz::Europe::London;
        let windows = [
            win(Weekday::Tue, (9, 0), (12, 0)),
            win(Weekday::Tue, (13, 0), (17, 0)),
        ];
        let off = TimeOff::local_range(
            dt(2026, 11, 24, 15, 0),
            dt(2026, 11, 24, 17, 0),
            tz,
            "Training",
        )
        .unwrap();
        let check = |s: NaiveDateTime, e: NaiveDateTime| {
            is_within_availability(s, e, tz, &windows, std::slice::from_ref(&off))
        };
        assert_eq!(
            check(dt(2026, 11, 24, 9, 10), dt(2026, 11, 24, 9, 40)),
            Ok(())
        );
        assert_eq!(
            check(dt(2026, 11, 24, 18, 0), dt(2026, 11, 24, 19, 0))
                .unwrap_err()
                .to_string(),
            "The doctor's availability on Tue 24 Nov does not cover 18:00–19:00."
        );
        // Across the lunch break is not inside one window.
        assert!(check(dt(2026, 11, 24, 11, 30), dt(2026, 11, 24, 13, 30)).is_err());
        assert_eq!(
            check(dt(2026, 11, 24, 14, 30), dt(2026, 11, 24, 15, 30))
                .unwrap_err()
                .to_string(),
            "That time falls in time off: Training."
        );
        assert_eq!(
            check(dt(2026, 11, 24, 10, 0), dt(2026, 11, 24, 10, 0)).unwrap_err(),
            AvailabilityError::AppointmentNotPositive
        );
        assert_eq!(
            covering_location(
                dt(2026, 11, 24, 13, 0),
                dt(2026, 11, 24, 14, 0),
                tz,
                &windows,
                &[]
            ),
            Ok(Some(1))
        );
        assert_eq!(time_off_sentence(""), "That time falls in time off.");
        assert_eq!(
            time_off_sentence("Bank holiday."),
            "That time falls in time off: Bank holiday."
        );
    }

    #[test]
    fn availability_uses_local_time_in_summer() {
        // 18:00 UTC in July is 19:00 BST.
        let tz = chrono_tz::Europe::London;
        let windows = [win(Weekday::Wed, (9, 0), (17, 0))];
        let err = is_within_availability(
            dt(2026, 7, 1, 18, 0),
            dt(2026, 7, 1, 19, 0),
            tz,
            &windows,
            &[],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "The doctor's availability on Wed 1 Jul does not cover 19:00–20:00."
        );
        assert!(
            is_within_availability(
                dt(2026, 7, 1, 8, 0),
                dt(2026, 7, 1, 16, 0),
                tz,
                &windows,
                &[]
            )
            .is_ok()
        );
    }

    #[test]
    fn overlapping_windows_do_not_duplicate_slots() {
        let tz = chrono_tz::UTC;
        let windows = [
            Window::new(Weekday::Mon, t(9, 0), t(11, 0), Some(2)),
            Window::new(Weekday::Mon, t(10, 0), t(12, 0), Some(1)),
        ];
        let slots = free_slots(&SlotQuery::day(d(2026, 11, 23)), tz, &windows, &[], &[]);
        let mut starts: Vec<_> = slots.iter().map(|s| s.start_utc).collect();
        starts.dedup();
        assert_eq!(starts.len(), slots.len());
        assert!(slots.windows(2).all(|p| p[0].start_utc < p[1].start_utc));
        assert_eq!(slots.first().unwrap().start_utc, dt(2026, 11, 23, 9, 0));
        assert_eq!(slots.last().unwrap().start_utc, dt(2026, 11, 23, 11, 0));
    }
}
