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
}

/// Results of calendar requests; errors are sentences for the status line.
#[derive(Debug, Clone)]
pub enum CalendarReply {
    Week(Result<WeekView, String>),
    Doctors(Result<Vec<DoctorSummary>, String>),
    /// An edit finished: what to tell the user, or why it was refused.
    Saved(Result<String, String>),
}
