//! Calendar export: a doctor's or a patient's appointments as an iCalendar (RFC 5545)
//! file, for a phone or desktop calendar.
//!
//! Each appointment is one event: its UID stays the same in every export (so a calendar
//! that imports the file again updates the event), times are UTC, a cancelled
//! appointment is `STATUS:CANCELLED`, the location is the clinic location's name and
//! address. A doctor's file names each appointment's patient (what the doctor's agenda
//! shows) and nothing more about them: no contact details, no cancel reasons; a
//! patient's file names the doctor and the specialization.
//!
//! Who: a doctor exports their own calendar, a patient their own appointments; admins
//! and the front desk anyone's. Audited: one CALENDAR_EXPORT row per patient in the file.

use chrono::{Datelike, Days, NaiveDate};

use super::audit::actions;
use super::{ServiceError, Services};
use crate::domain::appointment::AppointmentStatus;
use crate::domain::audit::AuditEvent;
use crate::domain::availability::TimeOff;
use crate::domain::ical::{self, Event, EventStatus};
use crate::domain::{Actor, Role, validation};
use crate::store::mysql::calendar::{self as store, CalendarRow};
use crate::store::mysql::{audit, patients, people};

/// Whose appointments to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarOwner {
    Doctor(i32),
    Patient(i32),
}

/// An exported calendar: a file name to offer, the file's text and how many events it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarFile {
    pub file_name: String,
    pub text: String,
    pub events: usize,
}

fn may_export(actor: &Actor, owner: CalendarOwner) -> bool {
    match actor {
        Actor::System => true,
        Actor::User { role, id, .. } => match (role, owner) {
            (Role::Admin | Role::FrontDesk, _) => true,
            (Role::Doctor, CalendarOwner::Doctor(d)) => *id == d,
            (Role::Patient, CalendarOwner::Patient(p)) => *id == p,
            _ => false,
        },
    }
}

/// "smart-clinic" from "Smart Clinic": the part of every UID that names the clinic.
fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if s.is_empty() { "clinic".into() } else { s }
}

fn location(row: &CalendarRow) -> Option<String> {
    match (&row.location_name, &row.location_address) {
        (Some(n), Some(a)) if !a.trim().is_empty() => Some(format!("{n}, {}", a.trim())),
        (Some(n), _) => Some(n.clone()),
        (None, _) => None,
    }
}

impl Services {
    /// The appointments (every status) of a doctor or a patient on `days` local dates
    /// from `from`, as an iCalendar file. See the module documentation.
    pub async fn calendar_ics(
        &self,
        actor: &Actor,
        owner: CalendarOwner,
        from: NaiveDate,
        days: u32,
    ) -> Result<CalendarFile, ServiceError> {
        let event = AuditEvent::by(actor, actions::CALENDAR_EXPORT, "appointment")
            .detail(format!("{owner:?} from {from}, {days} days"));
        if !may_export(actor, owner) {
            let event = match owner {
                CalendarOwner::Patient(p) => event.patient(p),
                CalendarOwner::Doctor(_) => event,
            };
            return Err(self
                .audit_refusal(
                    event,
                    ServiceError::Forbidden("export this calendar".into()),
                )
                .await);
        }
        let tz = self.config.time_zone;
        let from = validation::date_in_range(from)?;
        let days = validation::days(days)?;
        let last = from
            .checked_add_days(Days::new(u64::from(days - 1)))
            .and_then(|d| validation::date_in_range(d).ok())
            .ok_or_else(|| {
                ServiceError::Invalid(format!("{from} plus {days} days is past the calendar."))
            })?;
        let bounds = TimeOff::whole_days(from, last, tz, "")
            .map_err(|e| ServiceError::Invalid(e.to_string()))?;
        let (by_doctor, owner_id, name) = match owner {
            CalendarOwner::Doctor(d) => {
                let doctor = people::get_doctor(&self.db, d)
                    .await?
                    .ok_or_else(|| ServiceError::NotFound("That doctor".into()))?;
                (true, d, doctor.full_name)
            }
            CalendarOwner::Patient(p) => {
                let patient = patients::get(&self.db, p)
                    .await?
                    .ok_or_else(|| ServiceError::NotFound("That patient".into()))?;
                (false, p, patient.full_name)
            }
        };
        let rows = store::appointments_of(
            &self.db,
            by_doctor,
            owner_id,
            bounds.start_utc,
            bounds.end_utc,
        )
        .await?;
        let domain = slug(&self.config.clinic_name);
        let events: Vec<Event> = rows
            .iter()
            .map(|r| {
                let a = &r.appointment;
                let status = if a.status == AppointmentStatus::Cancelled {
                    EventStatus::Cancelled
                } else {
                    EventStatus::Confirmed
                };
                let summary = if by_doctor {
                    format!("Appointment: {}", r.patient_name)
                } else {
                    format!("{} ({})", r.doctor_name, r.specialization)
                };
                Event {
                    uid: format!("appointment-{}@{domain}", a.id),
                    start_utc: a.start_utc,
                    end_utc: a.end_utc(),
                    summary,
                    location: location(r),
                    description: Some(format!(
                        "{} appointment {} at {}.",
                        a.status.label(),
                        a.id,
                        self.config.clinic_name
                    )),
                    status,
                }
            })
            .collect();
        let text = ical::calendar(
            &format!("{} – {name}", self.config.clinic_name),
            self.clock.now_naive(),
            &events,
        );
        let mut patients: Vec<i32> = rows.iter().map(|r| r.appointment.patient_id).collect();
        patients.sort_unstable();
        patients.dedup();
        let audit_rows: Vec<AuditEvent> = if patients.is_empty() {
            vec![event]
        } else {
            patients.iter().map(|p| event.clone().patient(*p)).collect()
        };
        audit::append_many(&self.db, self.clock.now_naive(), &audit_rows).await?;
        let who = match owner {
            CalendarOwner::Doctor(d) => format!("doctor-{d}"),
            CalendarOwner::Patient(p) => format!("patient-{p}"),
        };
        Ok(CalendarFile {
            file_name: format!(
                "appointments-{who}-{:04}-{:02}-{:02}.ics",
                from.year(),
                from.month(),
                from.day()
            ),
            text,
            events: events.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_name_the_clinic_in_plain_ascii() {
        assert_eq!(slug("Smart Clinic"), "smart-clinic");
        assert_eq!(slug("  Clínica São João! "), "cl-nica-s-o-jo-o");
        assert_eq!(slug("日本"), "clinic");
    }
}
