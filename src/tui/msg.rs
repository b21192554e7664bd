//! Everything that can happen to the app: user input and the results of effects.

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

use crate::service::Session;
use crate::service::availability::{DoctorSummary, WeekView};

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Resize(u16, u16),
    /// A clock tick, stamped by the event loop so that `update` never reads the clock.
    Tick(DateTime<Utc>),
    /// The answer to `Effect::Login` number `request`.
    LoginFinished {
        request: u64,
        result: Result<Session, String>,
    },
    /// The answer to `Effect::Calendar` number `request`.
    Calendar {
        request: u64,
        reply: CalendarReply,
    },
    /// The answer to `Effect::Booking` number `request`.
    Booking {
        request: u64,
        reply: BookingReply,
    },
    /// The answer to `Effect::Agenda` number `request`.
    Agenda {
        request: u64,
        reply: AgendaReply,
    },
    /// The answer to `Effect::Payments` number `request`.
    Payments {
        request: u64,
        reply: crate::tui::screens::payments::PaymentsReply,
    },
    /// The answer to `Effect::Patients` number `request`.
    Patients {
        request: u64,
        reply: crate::tui::screens::patients::PatientsReply,
    },
    /// The answer to `Effect::Admin` number `request`.
    Admin {
        request: u64,
        reply: crate::tui::screens::admin::AdminReply,
    },
    /// The answer to `Effect::Audit` number `request`.
    Audit {
        request: u64,
        reply: crate::tui::screens::audit::AuditReply,
    },
    /// The answer to `Effect::ChangePassword` number `request`.
    PasswordChanged {
        request: u64,
        result: Result<(), String>,
    },
    /// The answer to `Effect::Reports` number `request`.
    Reports {
        request: u64,
        reply: crate::tui::screens::reports::ReportsReply,
    },
    /// Request `request` failed unexpectedly (its task panicked): the waiting screen
    /// unblocks and `message` is shown.
    TaskFailed {
        request: u64,
        message: String,
    },
    /// The answer to `Effect::Prescription` number `request` (0: a draft file note).
    Prescription {
        request: u64,
        reply: crate::tui::screens::prescription::RxReply,
    },
}

impl Msg {
    /// The request this message answers, if it is an answer.
    pub fn answers(&self) -> Option<u64> {
        match self {
            Msg::Key(_) | Msg::Resize(..) | Msg::Tick(_) => None,
            Msg::LoginFinished { request, .. }
            | Msg::Calendar { request, .. }
            | Msg::Booking { request, .. }
            | Msg::Agenda { request, .. }
            | Msg::Payments { request, .. }
            | Msg::Patients { request, .. }
            | Msg::Admin { request, .. }
            | Msg::Audit { request, .. }
            | Msg::PasswordChanged { request, .. }
            | Msg::Reports { request, .. }
            | Msg::TaskFailed { request, .. }
            | Msg::Prescription { request, .. } => Some(*request),
        }
    }
}

/// Results of calendar requests; errors are sentences for the status line.
#[derive(Debug, Clone)]
pub enum CalendarReply {
    Week(Result<WeekView, String>),
    Doctors(Result<Vec<DoctorSummary>, String>),
    /// An edit finished: what to tell the user, or why it was refused.
    Saved(Result<String, String>),
}

/// Results of booking-screen requests; errors are sentences.
#[derive(Debug, Clone)]
pub enum BookingReply {
    Patients(Result<Vec<crate::domain::person::Patient>, String>),
    Registered(
        Result<crate::domain::person::Patient, crate::tui::screens::booking::RegisterFailure>,
    ),
    Doctors(Result<Vec<DoctorSummary>, String>),
    /// Open clinic locations (id, name), sent just before `Doctors` for the same request.
    Locations(Result<Vec<(i32, String)>, String>),
    Slots(Result<Vec<crate::tui::screens::booking::SlotChoice>, String>),
    Booked(Result<crate::tui::screens::booking::BookedSummary, String>),
}

/// Results of agenda requests; errors are sentences.
#[derive(Debug, Clone)]
pub enum AgendaReply {
    Appointments(Result<Vec<crate::domain::appointment::AppointmentView>, String>),
    Doctors(Result<Vec<DoctorSummary>, String>),
    /// A change finished: what to tell the user, or why it was refused.
    Done(Result<String, String>),
    History(Result<Vec<crate::domain::appointment::StatusChange>, String>),
    Slots(Result<Vec<crate::domain::availability::Slot>, String>),
}
