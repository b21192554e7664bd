//! One module per screen: its state, its key handling and its rendering.

pub mod abandon;
pub mod admin;
pub mod agenda;
pub mod audit;
pub mod booking;
pub mod calendar;
pub mod form;
pub mod home;
pub mod login;
pub mod password;
pub mod patients;
pub mod payments;
pub mod prescription;
pub mod reports;

use crate::tui::effect::Effect;
use crate::tui::state::AppState;

/// What a screen's reply handler reports to the app: whether the reply was current (not
/// stale), what to say, and a follow-up request.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome<Op> {
    pub current: bool,
    pub info: Option<String>,
    pub error: Option<String>,
    pub then: Option<Op>,
}

impl<Op> Default for Outcome<Op> {
    fn default() -> Self {
        Outcome {
            current: false,
            info: None,
            error: None,
            then: None,
        }
    }
}

/// Applies a screen's reply outcome: a stale one changes nothing; a current one stops the
/// spinner, shows its message and starts the follow-up request through `request`.
pub fn settle_reply<Op>(
    state: &mut AppState,
    outcome: Outcome<Op>,
    request: impl FnOnce(&mut AppState, Op) -> Vec<Effect>,
) -> Vec<Effect> {
    if !outcome.current {
        return Vec::new();
    }
    state.busy = None;
    state.settle(outcome.info, outcome.error);
    outcome.then.map_or_else(Vec::new, |op| request(state, op))
}
