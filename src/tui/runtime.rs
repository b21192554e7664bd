//! Runs effects as tokio tasks against the services and sends the results back as
//! messages. The only part of the UI that awaits.

use tokio::sync::mpsc::UnboundedSender;

use super::effect::{CalendarOp, Effect};
use super::msg::{CalendarReply, Msg};
use crate::domain::Actor;
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
            Effect::Calendar { request, actor, op } => {
                tokio::spawn(async move {
                    let reply = calendar(&services, &actor, op).await;
                    let _ = tx.send(Msg::Calendar { request, reply });
                });
            }
        }
    }
}

async fn calendar(services: &Services, actor: &Actor, op: CalendarOp) -> CalendarReply {
    let text = |e: crate::service::ServiceError| e.to_string();
    match op {
        CalendarOp::LoadWeek { doctor_id, monday } => CalendarReply::Week(
            services
                .doctor_week(actor, doctor_id, monday)
                .await
                .map_err(text),
        ),
        CalendarOp::LoadDoctors => {
            CalendarReply::Doctors(services.list_doctors(actor).await.map_err(text))
        }
        CalendarOp::AddWindow { doctor_id, window } => CalendarReply::Saved(
            services
                .add_window(actor, doctor_id, window)
                .await
                .map(|_| "Window added.".to_string())
                .map_err(text),
        ),
        CalendarOp::UpdateWindow {
            doctor_id,
            window_id,
            window,
        } => CalendarReply::Saved(
            services
                .update_window(actor, doctor_id, window_id, window)
                .await
                .map(|()| "Window changed.".to_string())
                .map_err(text),
        ),
        CalendarOp::DeleteWindow {
            doctor_id,
            window_id,
        } => CalendarReply::Saved(
            services
                .delete_window(actor, doctor_id, window_id)
                .await
                .map(|()| "Window deleted.".to_string())
                .map_err(text),
        ),
        CalendarOp::AddTimeOff { doctor_id, input } => CalendarReply::Saved(
            services
                .add_time_off(actor, doctor_id, input)
                .await
                .map(|_| "Time off added.".to_string())
                .map_err(text),
        ),
        CalendarOp::DeleteTimeOff {
            doctor_id,
            time_off_id,
        } => CalendarReply::Saved(
            services
                .delete_time_off(actor, doctor_id, time_off_id)
                .await
                .map(|()| "Time off deleted.".to_string())
                .map_err(text),
        ),
    }
}
