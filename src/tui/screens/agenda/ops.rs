//! What the agenda asks of the booking service, and the code that runs it.

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::Actor;
use crate::domain::appointment::ListFilter;
use crate::domain::appointment::{AppointmentStatus, AppointmentView, StatusChange};
use crate::domain::availability::Slot;
use crate::service::availability::DoctorSummary;
use crate::service::{ServiceError, Services};
use crate::tui::screen::Operation;

/// A request of the agenda.
#[derive(Clone, PartialEq)]
pub enum AgendaOp {
    Load(ListFilter),
    LoadDoctors,
    Cancel {
        appointment_id: i32,
        reason: String,
    },
    Mark {
        appointment_id: i32,
        status: AppointmentStatus,
    },
    History {
        appointment_id: i32,
    },
    /// Free times of the appointment's doctor, for rescheduling.
    Slots {
        doctor_id: i32,
        from: NaiveDate,
        days: u32,
        duration_minutes: u32,
    },
    Reschedule {
        appointment_id: i32,
        start_utc: NaiveDateTime,
    },
}

/// A cancel reason is about a patient: requests print their kind and ids only.
impl fmt::Debug for AgendaOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AgendaOp::Load(filter) => f
                .debug_struct("Load")
                .field("doctor_id", &filter.doctor_id)
                .field("patient_id", &filter.patient_id)
                .field("from", &filter.from)
                .field("to", &filter.to)
                .finish(),
            AgendaOp::LoadDoctors => f.write_str("LoadDoctors"),
            AgendaOp::Cancel { appointment_id, .. } => f
                .debug_struct("Cancel")
                .field("appointment_id", appointment_id)
                .field("reason", &"<redacted>")
                .finish(),
            AgendaOp::Mark {
                appointment_id,
                status,
            } => f
                .debug_struct("Mark")
                .field("appointment_id", appointment_id)
                .field("status", status)
                .finish(),
            AgendaOp::History { appointment_id } => f
                .debug_struct("History")
                .field("appointment_id", appointment_id)
                .finish(),
            AgendaOp::Slots {
                doctor_id,
                from,
                days,
                duration_minutes,
            } => f
                .debug_struct("Slots")
                .field("doctor_id", doctor_id)
                .field("from", from)
                .field("days", days)
                .field("duration_minutes", duration_minutes)
                .finish(),
            AgendaOp::Reschedule {
                appointment_id,
                start_utc,
            } => f
                .debug_struct("Reschedule")
                .field("appointment_id", appointment_id)
                .field("start_utc", start_utc)
                .finish(),
        }
    }
}

/// The answers to [`AgendaOp`]s.
#[derive(Debug, Clone)]
pub enum AgendaReply {
    Appointments(Result<Vec<AppointmentView>, ServiceError>),
    Doctors(Result<Vec<DoctorSummary>, ServiceError>),
    /// A change went through: what to tell the user; or why it was refused.
    Done(Result<String, ServiceError>),
    History(Result<Vec<StatusChange>, ServiceError>),
    Slots(Result<Vec<Slot>, ServiceError>),
}

impl Operation for AgendaOp {
    type Reply = AgendaReply;

    fn busy_text(&self) -> &'static str {
        match self {
            AgendaOp::Load(_) => "Loading appointments",
            AgendaOp::LoadDoctors => "Loading doctors",
            AgendaOp::Cancel { .. } => "Cancelling",
            AgendaOp::Mark { .. } => "Saving",
            AgendaOp::History { .. } => "Loading the history",
            AgendaOp::Slots { .. } => "Looking for free times",
            AgendaOp::Reschedule { .. } => "Rescheduling",
        }
    }

    async fn run(self, services: &Services, actor: &Actor) -> AgendaReply {
        match self {
            AgendaOp::Load(filter) => {
                AgendaReply::Appointments(services.list_appointments(actor, filter).await)
            }
            AgendaOp::LoadDoctors => AgendaReply::Doctors(services.list_doctors(actor).await),
            AgendaOp::Cancel {
                appointment_id,
                reason,
            } => AgendaReply::Done(
                services
                    .cancel(actor, appointment_id, &reason)
                    .await
                    .map(|a| format!("Appointment {} cancelled.", a.id)),
            ),
            AgendaOp::Mark {
                appointment_id,
                status,
            } => AgendaReply::Done(
                services
                    .mark_outcome(actor, appointment_id, status)
                    .await
                    .map(|a| match status {
                        AppointmentStatus::NoShow => {
                            format!("Appointment {} marked no-show.", a.id)
                        }
                        _ => format!("Appointment {} marked completed.", a.id),
                    }),
            ),
            AgendaOp::History { appointment_id } => {
                AgendaReply::History(services.appointment_history(actor, appointment_id).await)
            }
            AgendaOp::Slots {
                doctor_id,
                from,
                days,
                duration_minutes,
            } => AgendaReply::Slots(
                services
                    .free_slots(doctor_id, from, days, Some(duration_minutes))
                    .await,
            ),
            AgendaOp::Reschedule {
                appointment_id,
                start_utc,
            } => AgendaReply::Done(
                services
                    .reschedule(actor, appointment_id, start_utc, None)
                    .await
                    .map(|a| {
                        format!(
                            "Appointment {} moved to {}.",
                            a.id,
                            crate::service::booking::local_label(
                                services.config().time_zone,
                                a.start_utc
                            )
                        )
                    }),
            ),
        }
    }
}
