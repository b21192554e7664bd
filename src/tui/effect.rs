//! What `update` asks the runtime to do.

use std::fmt;

use chrono::NaiveDate;

use crate::domain::availability::Window;
use crate::domain::{AccountKind, Actor};
use crate::service::availability::TimeOffInput;

#[derive(Clone, PartialEq)]
pub enum Effect {
    Login {
        request: u64,
        kind: AccountKind,
        email: String,
        password: String,
    },
    /// A request of the availability calendar, answered by `Msg::Calendar`.
    Calendar {
        request: u64,
        actor: Actor,
        op: CalendarOp,
    },
    /// A request of the booking screen, answered by `Msg::Booking`.
    Booking {
        request: u64,
        actor: Actor,
        op: BookingOp,
    },
    /// A request of the agenda screen, answered by `Msg::Agenda`.
    Agenda {
        request: u64,
        actor: Actor,
        op: AgendaOp,
    },
    /// A request of the prescription screens, answered by `Msg::Prescription`.
    Prescription {
        request: u64,
        actor: Actor,
        op: crate::tui::screens::prescription::RxOp,
    },
    /// A request of the payments screen, answered by `Msg::Payments`.
    Payments {
        request: u64,
        actor: Actor,
        op: crate::tui::screens::payments::PaymentsOp,
    },
    /// A request of the reports screen, answered by `Msg::Reports`.
    Reports {
        request: u64,
        actor: Actor,
        op: crate::tui::screens::reports::ReportsOp,
    },
    /// Write or delete a local prescription draft file (done before the next effect).
    DraftFile(crate::tui::screens::prescription::DraftOp),
    /// A request of the patients screen, answered by `Msg::Patients`.
    Patients {
        request: u64,
        actor: Actor,
        op: crate::tui::screens::patients::PatientsOp,
    },
    /// A request of the administration screen, answered by `Msg::Admin`.
    Admin {
        request: u64,
        actor: Actor,
        op: crate::tui::screens::admin::AdminOp,
    },
    /// A request of the audit viewer, answered by `Msg::Audit`.
    Audit {
        request: u64,
        actor: Actor,
        op: crate::tui::screens::audit::AuditOp,
    },
    /// Change the signed-in user's password, answered by `Msg::PasswordChanged`.
    ChangePassword {
        request: u64,
        actor: Actor,
        current: String,
        new_password: String,
    },
}

/// What the calendar screen asks of the availability service.
#[derive(Debug, Clone, PartialEq)]
pub enum CalendarOp {
    LoadWeek {
        doctor_id: i32,
        monday: NaiveDate,
    },
    LoadDoctors,
    AddWindow {
        doctor_id: i32,
        window: Window,
    },
    UpdateWindow {
        doctor_id: i32,
        window_id: i32,
        window: Window,
    },
    DeleteWindow {
        doctor_id: i32,
        window_id: i32,
    },
    AddTimeOff {
        doctor_id: i32,
        input: TimeOffInput,
    },
    DeleteTimeOff {
        doctor_id: i32,
        time_off_id: i32,
    },
}

impl CalendarOp {
    /// What the spinner says while it runs.
    pub fn busy_text(&self) -> &'static str {
        match self {
            CalendarOp::LoadWeek { .. } => "Loading the week",
            CalendarOp::LoadDoctors => "Loading doctors",
            CalendarOp::AddWindow { .. } | CalendarOp::UpdateWindow { .. } => "Saving the window",
            CalendarOp::AddTimeOff { .. } => "Saving the time off",
            CalendarOp::DeleteWindow { .. } | CalendarOp::DeleteTimeOff { .. } => "Deleting",
        }
    }
}

/// Never prints a password, so effects can be logged and asserted on safely.
impl fmt::Debug for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Effect::Login {
                request,
                kind,
                email,
                ..
            } => f
                .debug_struct("Login")
                .field("request", request)
                .field("kind", kind)
                .field("email", email)
                .field("password", &"<redacted>")
                .finish(),
            Effect::Calendar { request, actor, op } => f
                .debug_struct("Calendar")
                .field("request", request)
                .field("actor", &actor.id())
                .field("op", op)
                .finish(),
            // Searches, registrations and cancel reasons carry patient data: names only.
            Effect::Booking { request, actor, op } => f
                .debug_struct("Booking")
                .field("request", request)
                .field("actor", &actor.id())
                .field("op", &op.busy_text())
                .finish(),
            Effect::Agenda { request, actor, op } => f
                .debug_struct("Agenda")
                .field("request", request)
                .field("actor", &actor.id())
                .field("op", &op.busy_text())
                .finish(),
            // No patient data in logs: the operation's name only.
            Effect::Prescription { request, actor, op } => f
                .debug_struct("Prescription")
                .field("request", request)
                .field("actor", &actor.id())
                .field("op", &op.busy_text())
                .finish(),
            // Amounts and names stay out of logs: the operation's kind only.
            Effect::Payments { request, actor, op } => f
                .debug_struct("Payments")
                .field("request", request)
                .field("actor", &actor.id())
                .field("op", &op.kind())
                .finish(),
            Effect::Reports { request, actor, op } => f
                .debug_struct("Reports")
                .field("request", request)
                .field("actor", &actor.id())
                .field("op", &op.kind())
                .finish(),
            // No patient data in logs: the operation's name only.
            Effect::Patients { request, actor, op } => f
                .debug_struct("Patients")
                .field("request", request)
                .field("actor", &actor.id())
                .field("op", &op.busy_text())
                .finish(),
            // AdminOp's Debug redacts passwords.
            Effect::Admin { request, actor, op } => f
                .debug_struct("Admin")
                .field("request", request)
                .field("actor", &actor.id())
                .field("op", op)
                .finish(),
            Effect::Audit { request, actor, op } => f
                .debug_struct("Audit")
                .field("request", request)
                .field("actor", &actor.id())
                .field("op", op)
                .finish(),
            Effect::ChangePassword { request, actor, .. } => f
                .debug_struct("ChangePassword")
                .field("request", request)
                .field("actor", &actor.id())
                .field("current", &"<redacted>")
                .field("new_password", &"<redacted>")
                .finish(),
            Effect::DraftFile(op) => f
                .debug_struct("DraftFile")
                .field(
                    "op",
                    &match op {
                        crate::tui::screens::prescription::DraftOp::Write(d) => {
                            format!("write {}", d.appointment_id)
                        }
                        crate::tui::screens::prescription::DraftOp::Delete { appointment_id } => {
                            format!("delete {appointment_id}")
                        }
                    },
                )
                .finish(),
        }
    }
}

/// What the booking screen asks of the patient and booking services.
#[derive(Debug, Clone, PartialEq)]
pub enum BookingOp {
    SearchPatients {
        query: String,
    },
    Register(crate::service::patients::NewPatientInput),
    LoadDoctors,
    /// One doctor's free times for `days` local dates from `from`.
    LoadSlots {
        doctor: crate::service::availability::DoctorSummary,
        from: NaiveDate,
        days: u32,
        /// Only this clinic location's windows.
        location: Option<i32>,
    },
    /// The first free time of each doctor of a specialization.
    FirstAvailable {
        specialization: String,
        from: NaiveDate,
        days: u32,
        location: Option<i32>,
    },
    Book {
        patient_id: i32,
        doctor_id: i32,
        start_utc: chrono::NaiveDateTime,
    },
}

impl BookingOp {
    pub fn busy_text(&self) -> &'static str {
        match self {
            BookingOp::SearchPatients { .. } => "Searching",
            BookingOp::Register(_) => "Registering the patient",
            BookingOp::LoadDoctors => "Loading doctors",
            BookingOp::LoadSlots { .. } | BookingOp::FirstAvailable { .. } => {
                "Looking for free times"
            }
            BookingOp::Book { .. } => "Booking",
        }
    }
}

/// What the agenda screen asks of the booking service.
#[derive(Debug, Clone, PartialEq)]
pub enum AgendaOp {
    Load(crate::domain::appointment::ListFilter),
    LoadDoctors,
    Cancel {
        appointment_id: i32,
        reason: String,
    },
    Mark {
        appointment_id: i32,
        status: crate::domain::AppointmentStatus,
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
        start_utc: chrono::NaiveDateTime,
    },
}

impl AgendaOp {
    pub fn busy_text(&self) -> &'static str {
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
}
