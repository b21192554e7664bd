//! Everything that can happen to the app: user input and the replies to requests.

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

use super::routes::Reply;

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Resize(u16, u16),
    /// A clock tick, stamped by the event loop so that `update` never reads the clock.
    Tick(DateTime<Utc>),
    /// The reply to `Effect::Run` number `request`.
    Reply {
        request: u64,
        reply: Reply,
    },
    /// A local draft file was written (its path) or could not be (why).
    DraftWritten {
        appointment_id: i32,
        result: Result<String, String>,
    },
    /// Request `request` failed unexpectedly (its task panicked): the waiting screen
    /// unblocks and `message` is shown.
    TaskFailed {
        request: u64,
        message: String,
    },
}

impl Msg {
    /// The request this message answers, if it is an answer.
    pub fn answers(&self) -> Option<u64> {
        match self {
            Msg::Key(_) | Msg::Resize(..) | Msg::Tick(_) | Msg::DraftWritten { .. } => None,
            Msg::Reply { request, .. } | Msg::TaskFailed { request, .. } => Some(*request),
        }
    }
}
