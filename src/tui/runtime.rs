//! Runs effects: each request as a task against the services (its code is the screen's
//! `Operation::run`, next to its type), answered by a `Msg`; draft files right away. The
//! only part of the UI that awaits.

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;

use super::drafts::draft_file;
use super::effect::Effect;
use super::msg::Msg;
use super::task;
use crate::service::Services;

/// One session's runtime: its requests run as tasks of one `JoinSet`, so they end with
/// the session (dropping the runtime aborts what is still running).
pub struct Runtime {
    services: Services,
    tx: UnboundedSender<Msg>,
    tasks: JoinSet<()>,
}

impl Runtime {
    pub fn new(services: Services, tx: UnboundedSender<Msg>) -> Runtime {
        Runtime {
            services,
            tx,
            tasks: JoinSet::new(),
        }
    }

    /// Requests still running.
    pub fn running(&self) -> usize {
        self.tasks.len()
    }

    pub fn run(&mut self, effect: Effect) {
        // Finished tasks are reaped here, so the set holds only what still runs.
        while self.tasks.try_join_next().is_some() {}
        match effect {
            Effect::Run { request, actor, op } => {
                let services = self.services.clone();
                task::spawn(&mut self.tasks, &self.tx, request, async move {
                    let reply = op.run(&services, &actor).await;
                    Msg::Reply { request, reply }
                });
            }
            Effect::DraftFile(op) => draft_file(&self.tx, op),
        }
    }
}
