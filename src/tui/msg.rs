//! Everything that can happen to the app: user input and the results of effects.

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

use crate::service::Session;

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
}
