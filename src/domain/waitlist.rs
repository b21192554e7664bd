//! The waitlist: a patient waits for a doctor, or for any doctor of a specialization,
//! within a range of local dates and optionally a part of the day. When time is freed
//! the matching entries, oldest first, are offered a free slot each; an offer is booked
//! in one step. An entry expires once its last date has passed.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

use super::availability::{Busy, Slot};

/// Where the morning ends and the afternoon begins (local wall-clock time). A slot
/// belongs to the part of the day in which it starts.
pub const MIDDAY: NaiveTime = NaiveTime::from_hms_opt(12, 0, 0).expect("a valid time");

/// The longest range of dates one entry waits over.
pub const MAX_RANGE_DAYS: i64 = 366;

/// A part of the day a patient can wait for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartOfDay {
    /// Starts before [`MIDDAY`].
    Morning,
    /// Starts at [`MIDDAY`] or later.
    Afternoon,
}

impl PartOfDay {
    pub const ALL: [PartOfDay; 2] = [PartOfDay::Morning, PartOfDay::Afternoon];

    pub fn as_str(self) -> &'static str {
        match self {
            PartOfDay::Morning => "MORNING",
            PartOfDay::Afternoon => "AFTERNOON",
        }
    }

    /// Reads "MORNING" / "morning" / "Afternoon" …
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
    }

    pub fn label(self) -> &'static str {
        match self {
            PartOfDay::Morning => "mornings",
            PartOfDay::Afternoon => "afternoons",
        }
    }

    /// Whether a local start time falls in this part of the day.
    pub fn contains(self, local: NaiveTime) -> bool {
        match self {
            PartOfDay::Morning => local < MIDDAY,
            PartOfDay::Afternoon => local >= MIDDAY,
        }
    }
}

/// Where an entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WaitlistStatus {
    /// Waiting for time to be freed.
    Waiting,
    /// A free slot is offered; the front desk can book it in one step.
    Offered,
    /// The offer was booked.
    Booked,
    /// Taken off the list by someone.
    Cancelled,
    /// The last date passed without a booking.
    Expired,
}

impl WaitlistStatus {
    pub const ALL: [WaitlistStatus; 5] = [
        WaitlistStatus::Waiting,
        WaitlistStatus::Offered,
        WaitlistStatus::Booked,
        WaitlistStatus::Cancelled,
        WaitlistStatus::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WaitlistStatus::Waiting => "WAITING",
            WaitlistStatus::Offered => "OFFERED",
            WaitlistStatus::Booked => "BOOKED",
            WaitlistStatus::Cancelled => "CANCELLED",
            WaitlistStatus::Expired => "EXPIRED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            WaitlistStatus::Waiting => "Waiting",
            WaitlistStatus::Offered => "Offered",
            WaitlistStatus::Booked => "Booked",
            WaitlistStatus::Cancelled => "Cancelled",
            WaitlistStatus::Expired => "Expired",
        }
    }

    /// Still on the list (waiting or offered).
    pub fn is_open(self) -> bool {
        matches!(self, WaitlistStatus::Waiting | WaitlistStatus::Offered)
    }
}

/// Whom the patient waits for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum WaitFor {
    Doctor(i32),
    /// Any active doctor of this specialization.
    Specialization(String),
}

/// A new entry as the front desk (or the patient) describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWaitlistEntry {
    pub patient_id: i32,
    pub wait_for: WaitFor,
    pub from_date: NaiveDate,
    pub to_date: NaiveDate,
    pub part_of_day: Option<PartOfDay>,
    /// The clinic default when `None`.
    pub duration_minutes: Option<u32>,
}

/// A slot offered to an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitlistOffer {
    pub doctor_id: i32,
    pub doctor_name: String,
    pub start_utc: NaiveDateTime,
    pub duration_minutes: i32,
    pub location_id: Option<i32>,
    pub offered_at: NaiveDateTime,
}

impl WaitlistOffer {
    pub fn end_utc(&self) -> NaiveDateTime {
        self.start_utc + chrono::Duration::minutes(i64::from(self.duration_minutes))
    }
}

/// An entry with the names the front desk reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitlistEntry {
    pub id: i32,
    pub patient_id: i32,
    pub patient_name: String,
    pub wait_for: WaitFor,
    /// For [`WaitFor::Doctor`]: that doctor's name.
    pub doctor_name: Option<String>,
    pub from_date: NaiveDate,
    pub to_date: NaiveDate,
    pub part_of_day: Option<PartOfDay>,
    pub duration_minutes: i32,
    pub status: WaitlistStatus,
    pub offer: Option<WaitlistOffer>,
    /// The appointment an offer became.
    pub appointment_id: Option<i32>,
    pub created_at: NaiveDateTime,
}

impl WaitlistEntry {
    /// Whether a slot of `doctor_id` (of `specialization`) starting at `start_utc` is one
    /// this entry waits for: the doctor, the date range and the part of the day (local).
    pub fn wants(
        &self,
        tz: Tz,
        doctor_id: i32,
        specialization: &str,
        start_utc: NaiveDateTime,
    ) -> bool {
        let whom = match &self.wait_for {
            WaitFor::Doctor(d) => *d == doctor_id,
            WaitFor::Specialization(s) => s.eq_ignore_ascii_case(specialization),
        };
        let local = tz.from_utc_datetime(&start_utc).naive_local();
        whom && (self.from_date..=self.to_date).contains(&local.date())
            && self.part_of_day.is_none_or(|p| p.contains(local.time()))
    }

    /// Whether the entry's range has ended before local date `today`.
    pub fn is_past(&self, today: NaiveDate) -> bool {
        self.to_date < today
    }
}

fn overlaps(a: (NaiveDateTime, NaiveDateTime), b: &Busy) -> bool {
    a.0 < b.end_utc && b.start_utc < a.1
}

/// Gives free slots to waiting entries, oldest first (the order of `waiting`): each
/// entry gets the earliest slot it [`wants`](WaitlistEntry::wants), of its length
/// (`slots_for(minutes)`), that overlaps neither a slot given before (this round or
/// `held` by earlier offers) nor its patient's `patient_busy` times. Each slot goes to
/// one entry at most; an entry no slot fits gets none. Returns (entry id, slot).
pub fn assign_offers(
    tz: Tz,
    doctor_id: i32,
    specialization: &str,
    waiting: &[WaitlistEntry],
    slots_for: impl Fn(i32) -> Vec<Slot>,
    held: &[Busy],
    patient_busy: &[(i32, Busy)],
) -> Vec<(i32, Slot)> {
    let mut taken: Vec<Busy> = held.to_vec();
    let mut by_length: Vec<(i32, Vec<Slot>)> = Vec::new();
    let mut out = Vec::new();
    for entry in waiting
        .iter()
        .filter(|e| e.status == WaitlistStatus::Waiting)
    {
        let minutes = entry.duration_minutes;
        if !by_length.iter().any(|(m, _)| *m == minutes) {
            by_length.push((minutes, slots_for(minutes)));
        }
        let Some((_, slots)) = by_length.iter().find(|(m, _)| *m == minutes) else {
            continue;
        };
        let fit = slots.iter().find(|s| {
            let span = (s.start_utc, s.end_utc);
            entry.wants(tz, doctor_id, specialization, s.start_utc)
                && !taken.iter().any(|b| overlaps(span, b))
                && !patient_busy
                    .iter()
                    .any(|(p, b)| *p == entry.patient_id && overlaps(span, b))
        });
        if let Some(slot) = fit {
            taken.push(Busy::new(slot.start_utc, slot.end_utc));
            out.push((entry.id, *slot));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("date")
    }

    fn at(m: u32, day: u32, h: u32, min: u32) -> NaiveDateTime {
        d(m, day).and_hms_opt(h, min, 0).expect("time")
    }

    fn entry(
        id: i32,
        patient_id: i32,
        wait_for: WaitFor,
        part: Option<PartOfDay>,
    ) -> WaitlistEntry {
        WaitlistEntry {
            id,
            patient_id,
            patient_name: format!("P{patient_id}"),
            wait_for,
            doctor_name: None,
            from_date: d(12, 1),
            to_date: d(12, 4),
            part_of_day: part,
            duration_minutes: 60,
            status: WaitlistStatus::Waiting,
            offer: None,
            appointment_id: None,
            created_at: at(11, 1, 9, 0),
        }
    }

    fn slot(day: u32, h: u32) -> Slot {
        Slot {
            start_utc: at(12, day, h, 0),
            end_utc: at(12, day, h + 1, 0),
            location_id: None,
        }
    }

    #[test]
    fn the_part_of_day_turns_at_midday_local_time() {
        assert!(PartOfDay::Morning.contains(NaiveTime::from_hms_opt(11, 59, 0).expect("t")));
        assert!(!PartOfDay::Morning.contains(MIDDAY));
        assert!(PartOfDay::Afternoon.contains(MIDDAY));
        assert_eq!(PartOfDay::parse(" afternoon "), Some(PartOfDay::Afternoon));
        assert_eq!(PartOfDay::parse("evening"), None);
        // 11:30 UTC on a summer day is 12:30 in London: an afternoon slot there.
        let tz: Tz = "Europe/London".parse().expect("zone");
        let mut e = entry(1, 1, WaitFor::Doctor(7), Some(PartOfDay::Afternoon));
        e.from_date = d(6, 1);
        e.to_date = d(6, 30);
        assert!(e.wants(tz, 7, "GP", at(6, 10, 11, 30)));
        assert!(!e.wants(chrono_tz::UTC, 7, "GP", at(6, 10, 11, 30)));
    }

    #[test]
    fn oldest_first_one_slot_each_and_only_what_they_want() {
        let tz = chrono_tz::UTC;
        let waiting = vec![
            entry(1, 1, WaitFor::Doctor(7), Some(PartOfDay::Afternoon)),
            entry(2, 2, WaitFor::Specialization("gp".into()), None),
            entry(3, 3, WaitFor::Doctor(7), None),
            entry(4, 4, WaitFor::Doctor(8), None),
            entry(5, 5, WaitFor::Doctor(7), None),
        ];
        let slots = vec![slot(2, 9), slot(2, 10), slot(2, 14)];
        // Patient 3 is busy at 10:00.
        let busy = [(3, Busy::new(at(12, 2, 10, 0), at(12, 2, 11, 0)))];
        let given = assign_offers(tz, 7, "GP", &waiting, |_| slots.clone(), &[], &busy);
        assert_eq!(
            given,
            vec![(1, slot(2, 14)), (2, slot(2, 9)), (5, slot(2, 10))],
            "1 wants afternoons, 2 takes the earliest, 3 is busy at the one left, 4 waits for \
             someone else, 5 takes what 3 could not"
        );
        // A held slot is not offered again.
        let held = [Busy::new(at(12, 2, 9, 0), at(12, 2, 10, 0))];
        let given = assign_offers(tz, 7, "GP", &waiting[1..2], |_| slots.clone(), &held, &[]);
        assert_eq!(given, vec![(2, slot(2, 10))]);
    }
}
