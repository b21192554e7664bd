//! What the calendar asks of the availability service, the code that asks it, and what
//! the screen makes of the answers (stale answers, not the latest of their kind, are
//! dropped).

use chrono::{NaiveDate, NaiveTime};

use super::{CalField, CalendarScreen, Modal, TimeOffQuestion};
use crate::domain::Actor;
use crate::domain::availability::Window;
use crate::domain::extra_hours::ExtraHours;
use crate::service::availability::{DoctorSummary, TimeOffInput, WeekView};
use crate::service::time_off::{OnConflict, TimeOffOutcome};
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
    /// Adds time off; booked appointments inside it are listed (`Ask`), cancelled or
    /// kept. With `seen`, the cancel or keep applies only if no other appointment
    /// overlaps it meanwhile.
    AddTimeOff {
        doctor_id: i32,
        input: TimeOffInput,
        on_conflict: OnConflict,
        seen: Option<Vec<i32>>,
    },
    DeleteTimeOff {
        doctor_id: i32,
        time_off_id: i32,
    },
    /// Splits a weekly window for a break.
    SplitWindow {
        doctor_id: i32,
        window_id: i32,
        break_start: NaiveTime,
        break_end: NaiveTime,
    },
    AddExtraHours {
        doctor_id: i32,
        hours: ExtraHours,
    },
    DeleteExtraHours {
        doctor_id: i32,
        id: i32,
    },
}

/// The answers to [`CalendarOp`]s.
#[derive(Debug, Clone)]
pub enum CalendarReply {
    Week(Result<WeekView, ServiceError>),
    Doctors(Result<Vec<DoctorSummary>, ServiceError>),
    /// An edit finished: what to tell the user, or why it was refused.
    Saved(Result<String, ServiceError>),
    /// Time off: added (and what became of the booked appointments inside it), or not
    /// added because booked appointments overlap it.
    TimeOff(Result<TimeOffOutcome, ServiceError>),
}

impl Operation for CalendarOp {
    type Reply = CalendarReply;

    fn busy_text(&self) -> &'static str {
        match self {
            CalendarOp::LoadWeek { .. } => "Loading the week",
            CalendarOp::LoadDoctors => "Loading doctors",
            CalendarOp::AddWindow { .. } | CalendarOp::UpdateWindow { .. } => "Saving the window",
            CalendarOp::AddTimeOff { .. } => "Saving the time off",
            CalendarOp::SplitWindow { .. } => "Splitting the window",
            CalendarOp::AddExtraHours { .. } => "Opening the extra hours",
            CalendarOp::DeleteWindow { .. }
            | CalendarOp::DeleteTimeOff { .. }
            | CalendarOp::DeleteExtraHours { .. } => "Deleting",
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
            CalendarOp::AddTimeOff {
                doctor_id,
                input,
                on_conflict,
                seen,
            } => CalendarReply::TimeOff(
                services
                    .add_time_off_with(actor, doctor_id, input, on_conflict, seen.as_deref())
                    .await,
            ),
            CalendarOp::SplitWindow {
                doctor_id,
                window_id,
                break_start,
                break_end,
            } => saved(
                services
                    .split_window(actor, doctor_id, window_id, break_start, break_end)
                    .await
                    .map(|_| ()),
                "Window split for the break.",
            ),
            CalendarOp::AddExtraHours { doctor_id, hours } => saved(
                services
                    .add_extra_hours(actor, doctor_id, hours)
                    .await
                    .map(|_| ()),
                "Extra hours opened.",
            ),
            CalendarOp::DeleteExtraHours { doctor_id, id } => saved(
                services.delete_extra_hours(actor, doctor_id, id).await,
                "Extra hours deleted.",
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
                    Some(Modal::TimeOffConflicts(q)) => {
                        q.pending = Some(request);
                        if let Some(reason) = &mut q.reason {
                            reason.set_pending(true);
                        }
                    }
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
                        self.position_at_first_hour();
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
                        self.refused(&e);
                        vec![Action::Failed(e)]
                    }
                }
            }
            CalendarReply::TimeOff(result) => {
                if self.save_request != Some(request) {
                    return Vec::new();
                }
                self.save_request = None;
                let tz = self.current_week().map_or(chrono_tz::UTC, |w| w.time_zone);
                match result {
                    Ok(outcome @ TimeOffOutcome::Added { .. }) => {
                        if matches!(
                            &self.modal,
                            Some(Modal::Form(_) | Modal::TimeOffConflicts(_))
                        ) {
                            self.modal = None;
                        }
                        let mut actions = vec![Action::Info(outcome.sentence(tz))];
                        actions.extend(self.reload());
                        actions
                    }
                    Ok(TimeOffOutcome::Conflicts(conflicts)) => self.ask_about(conflicts),
                    Err(e) => {
                        self.refused(&e);
                        vec![Action::Failed(e)]
                    }
                }
            }
        }
    }

    /// A refused edit: the sentence under the field it is about (the form stays as
    /// typed), a deletion's question closed.
    fn refused(&mut self, e: &ServiceError) {
        match &mut self.modal {
            Some(Modal::Form(f)) => {
                f.pending = None;
                f.form.set_pending(false);
                refusal::show(&mut f.form, e, CalField::label);
            }
            Some(Modal::Confirm(_)) => self.modal = None,
            Some(Modal::TimeOffConflicts(q)) => {
                q.pending = None;
                if let Some(reason) = &mut q.reason {
                    reason.set_pending(false);
                    refusal::show(reason, e, CalField::label);
                }
            }
            _ => {}
        }
    }

    /// Booked appointments overlap the time off: list them and ask. From the time-off
    /// form (what was typed is kept for Back), or again from the question when the list
    /// changed meanwhile (someone booked inside the time off).
    fn ask_about(
        &mut self,
        conflicts: Vec<crate::service::time_off::TimeOffConflict>,
    ) -> Actions<CalendarOp> {
        match self.modal.take() {
            Some(Modal::Form(mut form)) => {
                form.pending = None;
                form.form.set_pending(false);
                let request = self.form_request(form.kind, &form);
                let Ok(CalendarOp::AddTimeOff {
                    doctor_id, input, ..
                }) = request
                else {
                    self.modal = Some(Modal::Form(form));
                    return Vec::new();
                };
                self.modal = Some(Modal::TimeOffConflicts(Box::new(TimeOffQuestion {
                    form,
                    doctor_id,
                    input,
                    conflicts,
                    reason: None,
                    pending: None,
                })));
                Vec::new()
            }
            Some(Modal::TimeOffConflicts(mut q)) => {
                q.conflicts = conflicts;
                q.pending = None;
                q.reason = None;
                self.modal = Some(Modal::TimeOffConflicts(q));
                vec![Action::Info(
                    "The booked appointments inside the time off changed meanwhile: here they are again; nothing was changed."
                        .into(),
                )]
            }
            other => {
                self.modal = other;
                Vec::new()
            }
        }
    }
}
