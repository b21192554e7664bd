//! Recurring series: the same local wall-clock time every K weeks, N times (a
//! physiotherapy course, a monthly check-up).
//!
//! Occurrences keep the first one's local time: 10:00 in London stays 10:00 across the
//! clocks changing (the UTC instant moves by the hour). A time that does not exist on an
//! occurrence's date (the hour the clocks skip) gives that occurrence no instant; a time
//! that happens twice (the hour the clocks repeat) takes the instant with the first
//! occurrence's UTC offset when there is one, else the earlier.

use chrono::{Days, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;

use super::local_time::{self, Instants};
use super::validation::ValidationError;

/// At most this many occurrences in one series.
pub const MAX_OCCURRENCES: u32 = 52;
/// At most this many weeks between two occurrences.
pub const MAX_EVERY_WEEKS: u32 = 26;
/// The last occurrence is at most this many weeks after the first.
pub const MAX_SPAN_WEEKS: u32 = 104;

/// Every `every_weeks` weeks, `count` times (the first included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Recurrence {
    pub every_weeks: u32,
    pub count: u32,
}

impl Recurrence {
    pub fn new(every_weeks: u32, count: u32) -> Self {
        Self { every_weeks, count }
    }

    /// Checks the bounds above, each refusal a sentence.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if !(1..=MAX_EVERY_WEEKS).contains(&self.every_weeks) {
            return Err(ValidationError::OutOfRange {
                field: "The number of weeks between appointments",
                min: 1,
                max: i64::from(MAX_EVERY_WEEKS),
                got: i64::from(self.every_weeks),
            });
        }
        if !(1..=MAX_OCCURRENCES).contains(&self.count) {
            return Err(ValidationError::OutOfRange {
                field: "The number of appointments in a series",
                min: 1,
                max: i64::from(MAX_OCCURRENCES),
                got: i64::from(self.count),
            });
        }
        let span = (self.count - 1) * self.every_weeks;
        if span > MAX_SPAN_WEEKS {
            return Err(ValidationError::OutOfRange {
                field: "The weeks from the first to the last appointment of a series",
                min: 0,
                max: i64::from(MAX_SPAN_WEEKS),
                got: i64::from(span),
            });
        }
        Ok(())
    }
}

/// One occurrence of a series: its position (0 = the first), its local wall-clock start
/// and, unless that time does not exist on its date, its instant (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OccurrenceTime {
    pub index: u32,
    pub local: NaiveDateTime,
    pub start_utc: Option<NaiveDateTime>,
}

/// The occurrences of a series whose first starts at `first_utc`, in order. Expects a
/// validated recurrence and a first instant within the recordable dates (so that no
/// date arithmetic can overflow; an occurrence past the calendar is left out).
pub fn occurrence_times(tz: Tz, first_utc: NaiveDateTime, rule: Recurrence) -> Vec<OccurrenceTime> {
    let first = tz.from_utc_datetime(&first_utc);
    let first_offset = first.offset().fix();
    let local0 = first.naive_local();
    (0..rule.count)
        .map_while(|i| {
            let days = u64::from(i) * 7 * u64::from(rule.every_weeks);
            let date = local0.date().checked_add_days(Days::new(days))?;
            let local = date.and_time(local0.time());
            let start_utc = if i == 0 {
                Some(first_utc)
            } else {
                match local_time::instants(tz, local) {
                    Instants::Single(t) => Some(t),
                    Instants::Twice { first, second } => {
                        let same_offset = |t: NaiveDateTime| {
                            tz.from_utc_datetime(&t).offset().fix() == first_offset
                        };
                        Some(if same_offset(second) { second } else { first })
                    }
                    Instants::Never => None,
                }
            };
            Some(OccurrenceTime {
                index: i,
                local,
                start_utc,
            })
        })
        .collect()
}

/// Which appointments of a series a change applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeriesScope {
    /// Only the chosen appointment.
    This,
    /// The chosen appointment and every later one of its series.
    ThisAndLater,
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .expect("date")
            .and_hms_opt(h, min, 0)
            .expect("time")
    }

    #[test]
    fn weekly_occurrences_keep_the_local_time_across_the_clock_change() {
        let tz: Tz = "Europe/London".parse().expect("zone");
        // Friday 20 March 2026 10:00 GMT; the clocks go forward on Sunday 29 March.
        let times = occurrence_times(tz, at(2026, 3, 20, 10, 0), Recurrence::new(1, 3));
        let utc: Vec<_> = times.iter().map(|o| o.start_utc).collect();
        assert_eq!(
            utc,
            vec![
                Some(at(2026, 3, 20, 10, 0)),
                Some(at(2026, 3, 27, 10, 0)),
                Some(at(2026, 4, 3, 9, 0))
            ]
        );
        assert!(
            times
                .iter()
                .all(|o| o.local.time() == at(2026, 1, 1, 10, 0).time())
        );
    }

    #[test]
    fn a_skipped_hour_gives_no_instant_and_a_repeated_hour_keeps_the_offset() {
        let tz: Tz = "Europe/London".parse().expect("zone");
        // Sunday 22 March 2026 01:30 GMT; a week later 01:30 does not exist.
        let times = occurrence_times(tz, at(2026, 3, 22, 1, 30), Recurrence::new(1, 2));
        assert_eq!(times[1].start_utc, None);
        assert_eq!(times[1].local, at(2026, 3, 29, 1, 30));
        // Sunday 18 October 2026 01:30 BST (00:30 UTC); on 25 October 01:30 happens
        // twice: the BST one (00:30 UTC) is taken.
        let times = occurrence_times(tz, at(2026, 10, 18, 0, 30), Recurrence::new(1, 2));
        assert_eq!(times[1].start_utc, Some(at(2026, 10, 25, 0, 30)));
    }

    #[test]
    fn every_k_weeks_and_the_bounds() {
        let tz = chrono_tz::UTC;
        let times = occurrence_times(tz, at(2026, 12, 1, 9, 0), Recurrence::new(4, 3));
        assert_eq!(
            times.iter().map(|o| o.start_utc).collect::<Vec<_>>(),
            vec![
                Some(at(2026, 12, 1, 9, 0)),
                Some(at(2026, 12, 29, 9, 0)),
                Some(at(2027, 1, 26, 9, 0))
            ]
        );
        assert_eq!(Recurrence::new(1, 12).validate(), Ok(()));
        assert!(Recurrence::new(0, 3).validate().is_err());
        assert!(Recurrence::new(1, 0).validate().is_err());
        assert!(Recurrence::new(1, 53).validate().is_err());
        assert!(Recurrence::new(27, 2).validate().is_err());
        assert_eq!(
            Recurrence::new(4, 30).validate().map_err(|e| e.to_string()),
            Err("The weeks from the first to the last appointment of a series must be a whole number from 0 to 104 (got 116).".into())
        );
    }
}
