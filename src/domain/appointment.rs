//! Appointments: status and its transitions, listing filters, and [`allowed`]: which
//! changes an actor may make to an appointment now.

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

use super::Actor;
use super::permission::{Action, may_on_appointment};

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

/// Which appointments to list; every field optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListFilter {
    pub doctor_id: Option<i32>,
    pub patient_id: Option<i32>,
    /// UTC; appointments starting at or after.
    pub from: Option<NaiveDateTime>,
    /// UTC; appointments starting before.
    pub to: Option<NaiveDateTime>,
    pub include_cancelled: bool,
    pub limit: Option<u32>,
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

/// Why a change to an appointment is refused, as the user reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not this actor's to do; reads "You are not allowed to {phrase}." (the same sentence
    /// as the service's `Forbidden`).
    Forbidden(&'static str),
    /// The appointment's state or time does not allow it: a whole sentence.
    Invalid(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Forbidden(phrase) => write!(f, "You are not allowed to {phrase}."),
            Refusal::Invalid(sentence) => f.write_str(sentence),
        }
    }
}

/// What one actor may do to one appointment at one instant: each change is `Ok` or the
/// refusal to show. The booking service enforces exactly these rules; a screen asks the
/// same function to decide what it offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowed {
    pub cancel: Result<(), Refusal>,
    pub reschedule: Result<(), Refusal>,
    pub complete: Result<(), Refusal>,
    pub no_show: Result<(), Refusal>,
}

impl Allowed {
    /// The rule for a status change: cancelled, completed or no-show.
    pub fn change_to(&self, status: AppointmentStatus) -> Result<(), Refusal> {
        match status {
            AppointmentStatus::Cancelled => self.cancel.clone(),
            AppointmentStatus::Completed => self.complete.clone(),
            AppointmentStatus::NoShow => self.no_show.clone(),
            AppointmentStatus::Booked => Err(Refusal::Invalid(
                "An appointment is booked once; it can then be cancelled, moved or marked.".into(),
            )),
        }
    }
}

/// The rules of DESIGN.md §3 and of the booking life cycle for `appointment`, acted on by
/// `actor` at `now` (UTC):
///
/// * cancel and reschedule need the booking permission (own schedule for a doctor, own
///   appointments for a patient), marking needs the outcome permission (never a patient);
/// * only a booked appointment changes;
/// * an appointment that has started (start ≤ now) cannot be moved, and one that has not
///   started cannot be marked.
///
/// Permission is checked first, so a patient learns "not allowed" before anything else.
pub fn allowed(appointment: &Appointment, actor: &Actor, now: NaiveDateTime) -> Allowed {
    let permitted = |action: Action| {
        if may_on_appointment(actor, action, appointment.doctor_id, appointment.patient_id) {
            Ok(())
        } else {
            Err(Refusal::Forbidden(action.phrase()))
        }
    };
    let booked = |what: &str| {
        if appointment.status == AppointmentStatus::Booked {
            Ok(())
        } else {
            Err(Refusal::Invalid(format!(
                "This appointment is already {}; only booked appointments can be {what}.",
                appointment.status.label().to_lowercase()
            )))
        }
    };
    let started = appointment.start_utc <= now;
    let cancel = permitted(Action::Book).and_then(|()| booked("cancelled"));
    let reschedule = permitted(Action::Book)
        .and_then(|()| booked("rescheduled"))
        .and_then(|()| match started {
            true => Err(Refusal::Invalid(
                "This appointment has already started; it cannot be moved.".into(),
            )),
            false => Ok(()),
        });
    let mark = permitted(Action::MarkOutcome)
        .and_then(|()| booked("marked"))
        .and_then(|()| match started {
            true => Ok(()),
            false => Err(Refusal::Invalid(
                "This appointment has not started yet; it can be cancelled, not marked.".into(),
            )),
        });
    Allowed {
        cancel,
        reschedule,
        complete: mark.clone(),
        no_show: mark,
    }
}

#[cfg(test)]
mod allowed_tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::domain::Role;

    fn at(hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, 10)
            .and_then(|d| d.and_hms_opt(hour, 0, 0))
            .expect("valid time")
    }

    /// Doctor 7's appointment with patient 9 at 10:00.
    fn appt(status: AppointmentStatus) -> Appointment {
        Appointment {
            id: 1,
            patient_id: 9,
            doctor_id: 7,
            location_id: None,
            start_utc: at(10),
            duration_minutes: 30,
            status,
            cancel_reason: None,
            cancelled_at: None,
        }
    }

    fn user(role: Role, id: i32) -> Actor {
        Actor::User {
            role,
            id,
            name: "Someone".into(),
            email: "someone@example.org".into(),
        }
    }

    fn sentence(r: &Result<(), Refusal>) -> String {
        r.as_ref()
            .err()
            .map(ToString::to_string)
            .unwrap_or_default()
    }

    #[test]
    fn the_desk_may_do_everything_to_a_booked_appointment_at_the_right_time() {
        let a = appt(AppointmentStatus::Booked);
        let desk = user(Role::FrontDesk, 1);
        let before = allowed(&a, &desk, at(9));
        assert_eq!(
            (before.cancel.clone(), before.reschedule.clone()),
            (Ok(()), Ok(()))
        );
        assert_eq!(
            sentence(&before.complete),
            "This appointment has not started yet; it can be cancelled, not marked."
        );
        let after = allowed(&a, &desk, at(11));
        assert_eq!((after.complete, after.no_show), (Ok(()), Ok(())));
        assert_eq!(
            sentence(&after.reschedule),
            "This appointment has already started; it cannot be moved."
        );
        // At the start instant the appointment has started: markable, not movable.
        let now = allowed(&a, &desk, at(10));
        assert!(now.complete.is_ok() && now.reschedule.is_err());
        assert!(allowed(&a, &Actor::System, at(11)).no_show.is_ok());
    }

    #[test]
    fn only_booked_appointments_change() {
        let desk = user(Role::Admin, 1);
        let a = appt(AppointmentStatus::Cancelled);
        let r = allowed(&a, &desk, at(11));
        assert_eq!(
            sentence(&r.cancel),
            "This appointment is already cancelled; only booked appointments can be cancelled."
        );
        assert_eq!(
            sentence(&r.complete),
            "This appointment is already cancelled; only booked appointments can be marked."
        );
        let r = allowed(&appt(AppointmentStatus::NoShow), &desk, at(9));
        assert_eq!(
            sentence(&r.reschedule),
            "This appointment is already no-show; only booked appointments can be rescheduled."
        );
        assert!(r.change_to(AppointmentStatus::Booked).is_err());
    }

    #[test]
    fn doctors_and_patients_act_on_their_own_only() {
        let a = appt(AppointmentStatus::Booked);
        let own_doctor = allowed(&a, &user(Role::Doctor, 7), at(11));
        assert!(own_doctor.complete.is_ok() && own_doctor.cancel.is_ok());
        let other_doctor = allowed(&a, &user(Role::Doctor, 9), at(11));
        assert_eq!(
            other_doctor.complete,
            Err(Refusal::Forbidden(Action::MarkOutcome.phrase()))
        );
        assert_eq!(
            sentence(&other_doctor.cancel),
            "You are not allowed to book, cancel or reschedule this appointment."
        );
        let patient = allowed(&a, &user(Role::Patient, 9), at(9));
        assert!(patient.cancel.is_ok() && patient.reschedule.is_ok());
        // A patient never marks, whatever the time or status; permission comes first.
        assert_eq!(
            patient.change_to(AppointmentStatus::NoShow),
            Err(Refusal::Forbidden(Action::MarkOutcome.phrase()))
        );
        let cancelled = appt(AppointmentStatus::Cancelled);
        assert!(matches!(
            allowed(&cancelled, &user(Role::Patient, 9), at(11)).complete,
            Err(Refusal::Forbidden(_))
        ));
        // Ids are per table: patient 7 is not doctor 7.
        assert!(matches!(
            allowed(&a, &user(Role::Patient, 7), at(9)).cancel,
            Err(Refusal::Forbidden(_))
        ));
    }
}
