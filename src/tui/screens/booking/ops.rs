//! What the booking screen asks of the patient and booking services, and the code that
//! runs it.

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};

use super::{BookedSummary, SlotChoice};
use crate::domain::Actor;
use crate::domain::appointment::ListFilter;
use crate::domain::person::Patient;
use crate::service::availability::DoctorSummary;
use crate::service::booking::BookingRequest;
use crate::service::patients::{MAX_RESULTS, NewPatientInput, RegisterError};
use crate::service::series::{PlannedOccurrence, SeriesBooking, SeriesRequest};
use crate::service::{ServiceError, Services};
use crate::tui::screen::Operation;

/// A request of the booking screen.
#[derive(Clone, PartialEq)]
pub enum BookingOp {
    SearchPatients {
        query: String,
    },
    Register(NewPatientInput),
    /// The doctors to book with and the open clinic locations (for the filter), in one
    /// reply.
    LoadDoctors,
    /// One doctor's free times for `days` local dates from `from`.
    LoadSlots {
        doctor: DoctorSummary,
        from: NaiveDate,
        days: u32,
        /// Only this clinic location's windows.
        location: Option<i32>,
    },
    /// Every free time of every doctor of a specialization, by time.
    AnyDoctor {
        specialization: String,
        from: NaiveDate,
        days: u32,
        location: Option<i32>,
    },
    Book {
        patient_id: i32,
        doctor_id: i32,
        start_utc: NaiveDateTime,
    },
    /// Every date of a series and whether it can be booked (nothing is booked).
    PlanSeries(SeriesRequest),
    /// Books a series: all or nothing, or skipping the conflicting dates.
    BookSeries(SeriesRequest),
}

/// Searches and registrations carry patient data: requests print their kind and ids only.
impl fmt::Debug for BookingOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BookingOp::SearchPatients { .. } => f.write_str("SearchPatients(<redacted>)"),
            BookingOp::Register(_) => f.write_str("Register(<redacted>)"),
            BookingOp::LoadDoctors => f.write_str("LoadDoctors"),
            BookingOp::LoadSlots {
                doctor,
                from,
                days,
                location,
            } => f
                .debug_struct("LoadSlots")
                .field("doctor_id", &doctor.id)
                .field("from", from)
                .field("days", days)
                .field("location", location)
                .finish(),
            BookingOp::AnyDoctor {
                specialization,
                from,
                days,
                location,
            } => f
                .debug_struct("AnyDoctor")
                .field("specialization", specialization)
                .field("from", from)
                .field("days", days)
                .field("location", location)
                .finish(),
            BookingOp::Book {
                patient_id,
                doctor_id,
                start_utc,
            } => f
                .debug_struct("Book")
                .field("patient_id", patient_id)
                .field("doctor_id", doctor_id)
                .field("start_utc", start_utc)
                .finish(),
            BookingOp::PlanSeries(r) | BookingOp::BookSeries(r) => f
                .debug_struct(if matches!(self, BookingOp::PlanSeries(_)) {
                    "PlanSeries"
                } else {
                    "BookSeries"
                })
                .field("patient_id", &r.first.patient_id)
                .field("doctor_id", &r.first.doctor_id)
                .field("start_utc", &r.first.start_utc)
                .field("every_weeks", &r.every_weeks)
                .field("count", &r.count)
                .field("skip_conflicts", &r.skip_conflicts)
                .finish(),
        }
    }
}

/// What the doctor step chooses from: the doctors to book with and the open clinic
/// locations (id, name) for the optional location filter.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BookingChoices {
    pub doctors: Vec<DoctorSummary>,
    pub locations: Vec<(i32, String)>,
    /// The open locations' addresses (id, address), for the confirmation.
    pub addresses: Vec<(i32, String)>,
}

/// The answers to [`BookingOp`]s.
#[derive(Debug, Clone, PartialEq)]
pub enum BookingReply {
    Patients(Result<Vec<Patient>, ServiceError>),
    /// A possible duplicate is a question to confirm; any other failure a refusal.
    Registered(Result<Patient, RegisterError>),
    /// The answer to [`BookingOp::LoadDoctors`]: doctors and locations together.
    Doctors(Result<BookingChoices, ServiceError>),
    Slots(Result<Vec<SlotChoice>, ServiceError>),
    Booked(Result<BookedSummary, ServiceError>),
    /// The plan of a series: each date, and why it cannot be booked.
    Planned(Result<Vec<PlannedOccurrence>, ServiceError>),
    SeriesBooked(Result<SeriesBooking, ServiceError>),
}

impl Operation for BookingOp {
    type Reply = BookingReply;

    fn busy_text(&self) -> &'static str {
        match self {
            BookingOp::SearchPatients { .. } => "Searching",
            BookingOp::Register(_) => "Registering the patient",
            BookingOp::LoadDoctors => "Loading doctors",
            BookingOp::LoadSlots { .. } | BookingOp::AnyDoctor { .. } => "Looking for free times",
            BookingOp::Book { .. } | BookingOp::BookSeries(_) => "Booking",
            BookingOp::PlanSeries(_) => "Checking the dates",
        }
    }

    async fn run(self, services: &Services, actor: &Actor) -> BookingReply {
        match self {
            BookingOp::SearchPatients { query } => {
                BookingReply::Patients(services.search_patients(actor, &query, MAX_RESULTS).await)
            }
            BookingOp::Register(input) => {
                BookingReply::Registered(services.register_patient(actor, input).await)
            }
            BookingOp::LoadDoctors => BookingReply::Doctors(choices(services, actor).await),
            BookingOp::LoadSlots {
                doctor,
                from,
                days,
                location,
            } => BookingReply::Slots(
                services
                    .free_slots_of(&[doctor.id], location, from, days, None)
                    .await
                    .map(|mut by_doctor| {
                        by_doctor
                            .pop()
                            .map(|(_, slots)| slots)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|s| SlotChoice {
                                doctor_id: doctor.id,
                                doctor_name: doctor.full_name.clone(),
                                start_utc: s.start_utc,
                                end_utc: s.end_utc,
                                location_id: s.location_id,
                            })
                            .collect()
                    }),
            ),
            BookingOp::AnyDoctor {
                specialization,
                from,
                days,
                location,
            } => BookingReply::Slots(
                any_doctor(services, actor, &specialization, location, from, days).await,
            ),
            BookingOp::Book {
                patient_id,
                doctor_id,
                start_utc,
            } => {
                BookingReply::Booked(book(services, actor, patient_id, doctor_id, start_utc).await)
            }
            BookingOp::PlanSeries(req) => {
                BookingReply::Planned(services.plan_series(actor, &req).await)
            }
            BookingOp::BookSeries(req) => {
                BookingReply::SeriesBooked(services.book_series(actor, &req).await)
            }
        }
    }
}

/// Every free time of every doctor of `specialization` (the doctors this actor may book
/// with), in one read of the slot inputs, by time and then by name.
async fn any_doctor(
    services: &Services,
    actor: &Actor,
    specialization: &str,
    location: Option<i32>,
    from: NaiveDate,
    days: u32,
) -> Result<Vec<SlotChoice>, ServiceError> {
    let doctors: Vec<DoctorSummary> = services
        .doctors_to_book(actor)
        .await?
        .into_iter()
        .filter(|d| d.specialization == specialization)
        .collect();
    let ids: Vec<i32> = doctors.iter().map(|d| d.id).collect();
    let by_doctor = services
        .free_slots_of(&ids, location, from, days, None)
        .await?;
    let mut out: Vec<SlotChoice> = doctors
        .iter()
        .zip(by_doctor)
        .flat_map(|(d, (_, slots))| {
            slots.into_iter().map(|s| SlotChoice {
                doctor_id: d.id,
                doctor_name: d.full_name.clone(),
                start_utc: s.start_utc,
                end_utc: s.end_utc,
                location_id: s.location_id,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        a.start_utc
            .cmp(&b.start_utc)
            .then_with(|| a.doctor_name.cmp(&b.doctor_name))
    });
    Ok(out)
}

/// The doctors and the open locations, read side by side; the step needs both.
async fn choices(services: &Services, actor: &Actor) -> Result<BookingChoices, ServiceError> {
    let (doctors, locations) =
        tokio::join!(services.doctors_to_book(actor), services.list_locations());
    let open: Vec<_> = locations?.into_iter().filter(|l| l.is_active).collect();
    Ok(BookingChoices {
        doctors: doctors?,
        addresses: open.iter().map(|l| (l.id, l.address.clone())).collect(),
        locations: open.into_iter().map(|l| (l.id, l.name)).collect(),
    })
}

/// Books, then reads the names for the summary (the booking stands even if that read
/// fails: the summary then shows ids).
async fn book(
    services: &Services,
    actor: &Actor,
    patient_id: i32,
    doctor_id: i32,
    start_utc: NaiveDateTime,
) -> Result<BookedSummary, ServiceError> {
    let req = BookingRequest {
        patient_id,
        doctor_id,
        start_utc,
        duration_minutes: None,
    };
    let booked = services.book(actor, req).await?;
    let filter = ListFilter {
        patient_id: Some(booked.patient_id),
        doctor_id: Some(booked.doctor_id),
        from: Some(booked.start_utc),
        to: Some(booked.start_utc + chrono::Duration::minutes(1)),
        include_cancelled: false,
        limit: Some(5),
    };
    let view = services
        .list_appointments(actor, filter)
        .await
        .ok()
        .and_then(|v| v.into_iter().find(|x| x.appointment.id == booked.id));
    Ok(BookedSummary {
        appointment_id: booked.id,
        patient_name: view.as_ref().map_or_else(
            || format!("patient {patient_id}"),
            |v| v.patient_name.clone(),
        ),
        doctor_name: view
            .as_ref()
            .map_or_else(|| format!("doctor {doctor_id}"), |v| v.doctor_name.clone()),
        specialization: view
            .as_ref()
            .map(|v| v.specialization.clone())
            .unwrap_or_default(),
        start_utc: booked.start_utc,
        duration_minutes: booked.duration_minutes,
        location: view.and_then(|v| v.location_name),
    })
}
