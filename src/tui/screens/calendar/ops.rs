//! What the calendar asks of the availability service, the code that asks it, and what
//! the screen makes of the answers (stale answers, not the latest of their kind, are
//! dropped).

use chrono::NaiveDate;

use super::{CalField, CalendarScreen, Modal};
use crate::domain::Actor;
use crate::domain::availability::Window;
use crate::service::availability::{DoctorSummary, TimeOffInput, WeekView};
use crate::service::{ServiceError, Services};
use crate::tui::screen::{Action, Actions, Operation};
use crate::tui::widgets::refusal;

/// A request of the calendar screen.
#[derive(Debug, Clone, PartialEq)]
pub enum CalendarOp {
    LoadWeek {
        doctor_id: i32,
        monday: NaiveDate,
    },
    LoadDoctors,
    AddWindow {
        doctor_id: i32,
        window: Window,
    },
    UpdateWindow {
        doctor_id: i32,
        window_id: i32,
        window: Window,
    },
    DeleteWindow {
        doctor_id: i32,
        window_id: i32,
    },
    AddTimeOff {
        doctor_id: i32,
        input: TimeOffInput,
    },
    DeleteTimeOff {
        doctor_id: i32,
        time_off_id: i32,
    },
}

/// The answers to [`CalendarOp`]s.
#[derive(Debug, Clone)]
pub enum CalendarReply {
    Week(Result<WeekView, ServiceError>),
    Doctors(Result<Vec<DoctorSummary>, ServiceError>),
    /// An edit finished: what to tell the user, or why it was refused.
    Saved(Result<String, ServiceError>),
}

impl Operation for CalendarOp {
    type Reply = CalendarReply;

    fn busy_text(&self) -> &'static str {
        match self {
            CalendarOp::LoadWeek { .. } => "Loading the week",
            CalendarOp::LoadDoctors => "Loading doctors",
            CalendarOp::AddWindow { .. } | CalendarOp::UpdateWindow { .. } => "Saving the window",
            CalendarOp::AddTimeOff { .. } => "Saving the time off",
            CalendarOp::DeleteWindow { .. } | CalendarOp::DeleteTimeOff { .. } => "Deleting",
        }
    }

    async fn run(self, services: &Services, actor: &Actor) -> CalendarReply {
        let saved = |r: Result<(), ServiceError>, done: &str| {
            CalendarReply::Saved(r.map(|()| done.to_string()))
        };
        match self {
            CalendarOp::LoadWeek { doctor_id, monday } => {
                CalendarReply::Week(services.doctor_week(actor, doctor_id, monday).await)
            }
            CalendarOp::LoadDoctors => CalendarReply::Doctors(services.list_doctors(actor).await),
            CalendarOp::AddWindow { doctor_id, window } => saved(
                services
                    .add_window(actor, doctor_id, window)
                    .await
                    .map(|_| ()),
                "Window added.",
            ),
            CalendarOp::UpdateWindow {
                doctor_id,
                window_id,
                window,
            } => saved(
                services
                    .update_window(actor, doctor_id, window_id, window)
                    .await,
                "Window changed.",
            ),
            CalendarOp::DeleteWindow {
                doctor_id,
                window_id,
            } => saved(
                services.delete_window(actor, doctor_id, window_id).await,
                "Window deleted.",
            ),
            CalendarOp::AddTimeOff { doctor_id, input } => saved(
                services
                    .add_time_off(actor, doctor_id, input)
                    .await
                    .map(|_| ()),
                "Time off added.",
            ),
            CalendarOp::DeleteTimeOff {
                doctor_id,
                time_off_id,
            } => saved(
                services
                    .delete_time_off(actor, doctor_id, time_off_id)
                    .await,
                "Time off deleted.",
            ),
        }
    }
}

impl CalendarScreen {
    /// Records the id of a request this screen started.
    pub(super) fn remember(&mut self, request: u64, op: &CalendarOp) {
        match op {
            CalendarOp::LoadWeek { .. } => self.week_request = Some(request),
            CalendarOp::LoadDoctors => self.doctors_request = Some(request),
            _ => {
                self.save_request = Some(request);
                match &mut self.modal {
                    Some(Modal::Form(f)) => {
                        f.pending = Some(request);
                        f.form.set_pending(true);
                    }
                    Some(Modal::Confirm(c)) => c.pending = Some(request),
                    _ => {}
                }
            }
        }
    }

    fn reload(&self) -> Option<Action<CalendarOp>> {
        self.doctor_id.map(|doctor_id| {
            Action::Request(CalendarOp::LoadWeek {
                doctor_id,
                monday: self.week_monday,
            })
        })
    }

    /// A result came back; stale ones (not the latest request of their kind) are dropped.
    pub fn answer(&mut self, request: u64, reply: CalendarReply) -> Actions<CalendarOp> {
        match reply {
            CalendarReply::Week(result) => {
                if self.week_request != Some(request) {
                    return Vec::new();
                }
                self.week_request = None;
                match result {
                    Ok(week) => {
                        self.week = Some(week);
                        Vec::new()
                    }
                    Err(e) => vec![Action::Failed(e)],
                }
            }
            CalendarReply::Doctors(result) => {
                if self.doctors_request != Some(request) {
                    return Vec::new();
                }
                self.doctors_request = None;
                let doctors = match result {
                    Ok(doctors) => doctors,
                    Err(e) => return vec![Action::Failed(e)],
                };
                self.doctors = doctors;
                if self.doctor_id.is_some() {
                    return Vec::new();
                }
                match self.doctors.first().map(|d| d.id) {
                    Some(id) => {
                        self.doctor_id = Some(id);
                        self.reload().into_iter().collect()
                    }
                    None => vec![Action::Info("There are no doctors yet.".into())],
                }
            }
            CalendarReply::Saved(result) => {
                if self.save_request != Some(request) {
                    return Vec::new();
                }
                self.save_request = None;
                match result {
                    Ok(message) => {
                        if matches!(&self.modal, Some(Modal::Form(_) | Modal::Confirm(_))) {
                            self.modal = None;
                        }
                        let mut actions = vec![Action::Info(message)];
                        actions.extend(self.reload());
                        actions
                    }
                    Err(e) => {
                        match &mut self.modal {
                            Some(Modal::Form(f)) => {
                                f.pending = None;
                                f.form.set_pending(false);
                                refusal::show(&mut f.form, &e, CalField::label);
                            }
                            Some(Modal::Confirm(_)) => self.modal = None,
                            _ => {}
                        }
                        vec![Action::Failed(e)]
                    }
                }
            }
        }
    }
}
