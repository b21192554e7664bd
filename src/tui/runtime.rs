//! Runs effects as tokio tasks against the services and sends the results back as
//! messages. The only part of the UI that awaits.

use tokio::sync::mpsc::UnboundedSender;

use super::effect::Effect;
use super::msg::Msg;
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
        let services = self.services.clone();
        let tx = self.tx.clone();
        match effect {
            Effect::Login {
                request,
                kind,
                email,
                password,
            } => {
                tokio::spawn(async move {
                    let result = services
                        .login(kind, &email, &password)
                        .await
                        .map_err(|e| e.to_string());
                    // The receiver is gone only when the app is quitting.
                    let _ = tx.send(Msg::LoginFinished { request, result });
                });
            }
        }
    }
}
