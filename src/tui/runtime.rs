//! Runs effects: each request as a task against the services (its code is the screen's
//! `Operation::run`, next to its type), answered by a `Msg`; draft files right away. The
//! only part of the UI that awaits.

use tokio::sync::mpsc::UnboundedSender;

use super::effect::Effect;
use super::msg::Msg;
use super::drafts::draft_file;
use super::task;
use crate::service::Services;

#[derive(Clone)]
pub struct Runtime {
    services: Services,
    tx: UnboundedSender<Msg>,
}

impl Runtime {
    pub fn new(services: Services, tx: UnboundedSender<Msg>) -> Runtime {
        Runtime { services, tx }
    }

    pub fn run(&self, effect: Effect) {
        match effect {
            Effect::Run { request, actor, op } => {
                let services = self.services.clone();
                task::spawn(&self.tx, request, async move {
                    let reply = op.run(&services, &actor).await;
                    Msg::Reply { request, reply }
                });
            }
            Effect::DraftFile(op) => draft_file(&self.tx, op),
        }
    }
}
