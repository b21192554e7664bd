//! What `update` asks the runtime to do.

use std::fmt;

use crate::domain::AccountKind;

#[derive(Clone, PartialEq)]
pub enum Effect {
    Login {
        request: u64,
        kind: AccountKind,
        email: String,
        password: String,
    },
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
        }
    }
}
