//! Appointment status and its allowed transitions.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppointmentStatus {
    Booked,
    Cancelled,
    Completed,
    NoShow,
}

impl AppointmentStatus {
    pub const ALL: [AppointmentStatus; 4] = [
        AppointmentStatus::Booked,
        AppointmentStatus::Cancelled,
        AppointmentStatus::Completed,
        AppointmentStatus::NoShow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "BOOKED",
            AppointmentStatus::Cancelled => "CANCELLED",
            AppointmentStatus::Completed => "COMPLETED",
            AppointmentStatus::NoShow => "NO_SHOW",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "Booked",
            AppointmentStatus::Cancelled => "Cancelled",
            AppointmentStatus::Completed => "Completed",
            AppointmentStatus::NoShow => "No-show",
        }
    }

    /// Only a booked appointment changes status; the others are final.
    pub fn can_become(self, next: AppointmentStatus) -> bool {
        self == AppointmentStatus::Booked && next != AppointmentStatus::Booked
    }
}

impl fmt::Display for AppointmentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_round_trips_every_status() {
        for s in AppointmentStatus::ALL {
            assert_eq!(AppointmentStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(AppointmentStatus::parse("booked"), None);
    }

    #[test]
    fn only_booked_moves() {
        use AppointmentStatus::*;
        assert!(Booked.can_become(Cancelled));
        assert!(Booked.can_become(NoShow));
        assert!(!Booked.can_become(Booked));
        assert!(!Cancelled.can_become(Booked));
        assert!(!Completed.can_become(Cancelled));
    }
}

use chrono::{Duration, NaiveDateTime};

/// An appointment; times are UTC instants.
#[derive(Debug, Clone, PartialEq)]
pub struct Appointment {
    pub id: i32,
    pub patient_id: i32,
    pub doctor_id: i32,
    pub location_id: Option<i32>,
    pub start_utc: NaiveDateTime,
    pub duration_minutes: i32,
    pub status: AppointmentStatus,
    pub cancel_reason: Option<String>,
    pub cancelled_at: Option<NaiveDateTime>,
}

impl Appointment {
    pub fn end_utc(&self) -> NaiveDateTime {
        self.start_utc + Duration::minutes(i64::from(self.duration_minutes))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewAppointment {
    pub patient_id: i32,
    pub doctor_id: i32,
    pub location_id: Option<i32>,
    pub start_utc: NaiveDateTime,
    pub duration_minutes: i32,
}

/// One row of `appointment_status_history`.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusChange {
    pub appointment_id: i32,
    pub from_status: Option<AppointmentStatus>,
    pub to_status: AppointmentStatus,
    pub old_time: Option<NaiveDateTime>,
    pub new_time: Option<NaiveDateTime>,
    pub reason: Option<String>,
    pub changed_by_kind: String,
    pub changed_by_id: Option<i32>,
    pub changed_at: NaiveDateTime,
}

/// An appointment with the names people need to read it.
#[derive(Debug, Clone, PartialEq)]
pub struct AppointmentView {
    pub appointment: Appointment,
    pub patient_name: String,
    pub patient_email: String,
    pub doctor_name: String,
    pub doctor_email: String,
    pub specialization: String,
    pub location_name: Option<String>,
}
