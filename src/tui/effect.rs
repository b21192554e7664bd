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
        }
    }
}
