//! What `update` asks the runtime to do.

use std::fmt;

use super::drafts::DraftOp;
use super::routes::Op;
use crate::domain::Actor;

#[derive(Clone, PartialEq)]
pub enum Effect {
    /// Run a screen's request as `actor`; answered by `Msg::Reply` with the same id.
    Run { request: u64, actor: Actor, op: Op },
    /// Write or delete a local prescription draft file (done before the next effect).
    DraftFile(DraftOp),
}

/// Prints what runs and for whom, never its data: requests carry passwords, patient
/// details and clinical text, and effects are logged.
impl fmt::Debug for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Effect::Run { request, actor, op } => f
                .debug_struct("Run")
                .field("request", request)
                .field("actor", &actor.id())
                .field("op", &op.busy_text())
                .finish(),
            Effect::DraftFile(op) => f
                .debug_struct("DraftFile")
                .field(
                    "op",
                    &match op {
                        DraftOp::Write(d) => format!("write {}", d.appointment_id),
                        DraftOp::Delete { appointment_id } => format!("delete {appointment_id}"),
                    },
                )
                .finish(),
        }
    }
}
