//! What the agenda asks of the booking service, and the code that runs it.

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::appointment::ListFilter;
use crate::domain::appointment::{AppointmentStatus, AppointmentView, StatusChange};
use crate::domain::availability::Slot;
use crate::domain::series::SeriesScope;
use crate::domain::{Actor, Role};
use crate::service::availability::DoctorSummary;
use crate::service::calendar_export::CalendarOwner;
use crate::service::series::SeriesView;
use crate::service::waitlist::WaitlistCounts;
use crate::service::{ServiceError, Services};
use crate::tui::export::{ExportError, write_file};
use crate::tui::screen::Operation;

use super::appointment::DetailData;

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
    /// Cancels the appointment and every later booked one of its series.
    CancelSeries {
        appointment_id: i32,
        reason: String,
    },
    /// Moves the appointment, and every later booked one of its series by the same shift.
    RescheduleSeries {
        appointment_id: i32,
        start_utc: NaiveDateTime,
    },
    /// The series the appointment belongs to (to offer "this and all later").
    SeriesOf {
        appointment_id: i32,
    },
    /// Everything the appointment view shows beyond the agenda's row.
    Detail {
        appointment_id: i32,
        patient_id: i32,
        location_id: Option<i32>,
    },
    /// How many waitlist entries wait and how many have an offer (the header's count).
    WaitlistCounts,
    /// Writes a doctor's or a patient's appointments as an iCalendar file.
    ExportCalendar {
        owner: CalendarOwner,
        from: NaiveDate,
        days: u32,
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
            AgendaOp::CancelSeries { appointment_id, .. } => f
                .debug_struct("CancelSeries")
                .field("appointment_id", appointment_id)
                .field("reason", &"<redacted>")
                .finish(),
            AgendaOp::RescheduleSeries {
                appointment_id,
                start_utc,
            } => f
                .debug_struct("RescheduleSeries")
                .field("appointment_id", appointment_id)
                .field("start_utc", start_utc)
                .finish(),
            AgendaOp::SeriesOf { appointment_id } => f
                .debug_struct("SeriesOf")
                .field("appointment_id", appointment_id)
                .finish(),
            AgendaOp::Detail {
                appointment_id,
                patient_id,
                location_id,
            } => f
                .debug_struct("Detail")
                .field("appointment_id", appointment_id)
                .field("patient_id", patient_id)
                .field("location_id", location_id)
                .finish(),
            AgendaOp::WaitlistCounts => f.write_str("WaitlistCounts"),
            AgendaOp::ExportCalendar { owner, from, days } => f
                .debug_struct("ExportCalendar")
                .field("owner", owner)
                .field("from", from)
                .field("days", days)
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
    Series {
        appointment_id: i32,
        result: Result<Option<SeriesView>, ServiceError>,
    },
    Detail {
        appointment_id: i32,
        data: Box<DetailData>,
    },
    WaitlistCounts(Result<WaitlistCounts, ServiceError>),
    /// The file written (its path) and how many appointments it holds.
    Exported(Result<(String, usize), ExportError>),
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
            AgendaOp::CancelSeries { .. } => "Cancelling the series",
            AgendaOp::RescheduleSeries { .. } => "Moving the series",
            AgendaOp::SeriesOf { .. } => "Looking up the series",
            AgendaOp::Detail { .. } => "Loading the appointment",
            AgendaOp::WaitlistCounts => "Counting the waitlist",
            AgendaOp::ExportCalendar { .. } => "Writing the calendar file",
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
            AgendaOp::CancelSeries {
                appointment_id,
                reason,
            } => AgendaReply::Done(
                services
                    .cancel_in_series(actor, appointment_id, &reason, SeriesScope::ThisAndLater)
                    .await
                    .map(|list| match list.len() {
                        1 => format!("Appointment {appointment_id} cancelled."),
                        n => format!(
                            "{n} appointments cancelled: this one and every later one of the series."
                        ),
                    }),
            ),
            AgendaOp::RescheduleSeries {
                appointment_id,
                start_utc,
            } => AgendaReply::Done(
                services
                    .reschedule_in_series(
                        actor,
                        appointment_id,
                        start_utc,
                        SeriesScope::ThisAndLater,
                    )
                    .await
                    .map(|moved| {
                        let to = crate::service::booking::local_label(
                            services.config().time_zone,
                            moved.first().map_or(start_utc, |a| a.start_utc),
                        );
                        match moved.len() {
                            1 => format!("Appointment {appointment_id} moved to {to}."),
                            n => format!(
                                "{n} appointments moved: this one to {to}, the later ones by the same shift."
                            ),
                        }
                    }),
            ),
            AgendaOp::SeriesOf { appointment_id } => AgendaReply::Series {
                appointment_id,
                result: services.series_of_appointment(actor, appointment_id).await,
            },
            AgendaOp::Detail {
                appointment_id,
                patient_id,
                location_id,
            } => {
                // A doctor neither keeps patients' contact details nor sees payments:
                // those are not asked for (so no refused read is audited).
                let desk = actor.role() != Some(Role::Doctor);
                let (patient, payments, prescription, history, series, locations) = tokio::join!(
                    async {
                        match desk {
                            true => Some(services.get_patient(actor, patient_id).await),
                            false => None,
                        }
                    },
                    async {
                        match desk {
                            true => Some(services.payments_for_appointment(actor, appointment_id).await),
                            false => None,
                        }
                    },
                    services.prescription_exists(actor, appointment_id),
                    services.appointment_history(actor, appointment_id),
                    services.series_of_appointment(actor, appointment_id),
                    services.list_locations(),
                );
                let location = locations
                    .map(|all| location_id.and_then(|id| all.into_iter().find(|l| l.id == id)));
                AgendaReply::Detail {
                    appointment_id,
                    data: Box::new(DetailData {
                        patient,
                        location,
                        payments,
                        prescription,
                        history,
                        series,
                    }),
                }
            }
            AgendaOp::WaitlistCounts => {
                AgendaReply::WaitlistCounts(services.waitlist_counts(actor).await)
            }
            AgendaOp::ExportCalendar { owner, from, days } => {
                let result: Result<(String, usize), ExportError> = async {
                    let file = services.calendar_ics(actor, owner, from, days).await?;
                    let path = write_file(file.file_name, file.text).await?;
                    Ok((path, file.events))
                }
                .await;
                AgendaReply::Exported(result)
            }
        }
    }
}
