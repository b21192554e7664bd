//! The agenda's keys: on the list, and in each of its popups. Pure: the clock, the
//! clinic's zone and who is signed in come from `Ctx`.

use chrono::Days;
use chrono_tz::Tz;
use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use super::{
    AgendaKey, AgendaOp, AgendaScreen, DoctorPicker, HistoryPopup, Modal, Period, ReasonField,
    ReasonPrompt, ReschedulePicker, Viewer, short_label,
};
use crate::domain::Role;
use crate::domain::appointment::{AppointmentStatus, Refusal};
use crate::domain::permission::Action as Permission;
use crate::tui::keymap::Command;
use crate::tui::screen::Ctx;
use crate::tui::screens::booking::DAYS;
use crate::tui::widgets::form::FormOutcome;

/// Why a cancellation needs its reason, shown under the field.
const REASON_REQUIRED: &str = "A reason is required to cancel; it is kept with the appointment.";

impl AgendaScreen {
    /// Handles a key; `command` is what the keymap made of it in `context()`.
    pub fn handle(&mut self, key: KeyEvent, command: Option<Command>, cx: &Ctx) -> AgendaKey {
        let tz = cx.tz();
        match self.modal.take() {
            None => self.on_list_key(key, command, cx),
            Some(Modal::History(h)) => {
                if !matches!(
                    command,
                    Some(Command::Back | Command::History | Command::Open)
                ) {
                    self.modal = Some(Modal::History(h));
                }
                AgendaKey::None
            }
            Some(Modal::Reason(mut p)) => {
                let action = match p.form.on_key(&key, command) {
                    FormOutcome::Cancel => {
                        return AgendaKey::Info("Nothing was cancelled.".into());
                    }
                    FormOutcome::Submit => {
                        let valid = p.form.validate(|f| {
                            if f.value(ReasonField::Reason).trim().is_empty() {
                                vec![(ReasonField::Reason, REASON_REQUIRED.to_string())]
                            } else {
                                Vec::new()
                            }
                        });
                        if valid {
                            AgendaKey::Request(AgendaOp::Cancel {
                                appointment_id: p.appointment_id,
                                reason: p.reason().trim().to_string(),
                            })
                        } else {
                            AgendaKey::None
                        }
                    }
                    FormOutcome::Nothing
                    | FormOutcome::Edited
                    | FormOutcome::Yes
                    | FormOutcome::No => AgendaKey::None,
                };
                self.modal = Some(Modal::Reason(p));
                action
            }
            Some(Modal::Reschedule(mut r)) => {
                let action = match command {
                    Some(Command::Back) => return AgendaKey::Info("Nothing was moved.".into()),
                    Some(Command::Up) => {
                        r.selected = r.selected.saturating_sub(1);
                        AgendaKey::None
                    }
                    Some(Command::Down) => {
                        r.selected = (r.selected + 1).min(r.slots.len().saturating_sub(1));
                        AgendaKey::None
                    }
                    Some(Command::Open) if !r.pending => match r.slots.get(r.selected) {
                        Some(s) => AgendaKey::Request(AgendaOp::Reschedule {
                            appointment_id: r.appointment_id,
                            start_utc: s.start_utc,
                        }),
                        None => AgendaKey::Info("No free time to pick.".into()),
                    },
                    _ => AgendaKey::None,
                };
                self.modal = Some(Modal::Reschedule(r));
                action
            }
            Some(Modal::Doctors(mut picker)) => {
                let count = self.filtered_doctors(picker.query.value()).len() + 1;
                match command {
                    Some(Command::Cancel) => return AgendaKey::None,
                    Some(Command::Up) => picker.selected = picker.selected.saturating_sub(1),
                    Some(Command::Down) => picker.selected = (picker.selected + 1).min(count - 1),
                    Some(Command::Open) => {
                        self.doctor = match picker.selected {
                            0 => None,
                            i => self
                                .filtered_doctors(picker.query.value())
                                .get(i - 1)
                                .map(|d| (*d).clone()),
                        };
                        return self.reload(tz);
                    }
                    _ => {
                        picker.query.handle_event(&Event::Key(key));
                        picker.selected = 0;
                    }
                }
                self.modal = Some(Modal::Doctors(picker));
                AgendaKey::None
            }
        }
    }

    fn on_list_key(&mut self, key: KeyEvent, command: Option<Command>, cx: &Ctx) -> AgendaKey {
        let (tz, today) = (cx.tz(), cx.today());
        let patient = matches!(self.viewer, Viewer::Patient(_));
        let step = match self.period {
            Period::Day => 1,
            Period::Week => 7,
        };
        // Up/Down, and Home/End to the first and last row.
        if self.view.on_key(&key, command, self.rows.len()) {
            return AgendaKey::None;
        }
        match command {
            Some(Command::Back) => return AgendaKey::Back,
            Some(
                Command::PrevWeek | Command::NextWeek | Command::ThisWeek | Command::ToggleWeek,
            ) if patient => {
                return AgendaKey::Info(
                    "All your appointments are listed, past and upcoming.".into(),
                );
            }
            Some(Command::PrevWeek) => {
                self.date = self.date - Days::new(step);
                return self.reload(tz);
            }
            Some(Command::NextWeek) => {
                self.date = self.date + Days::new(step);
                return self.reload(tz);
            }
            Some(Command::ThisWeek) => {
                self.date = today;
                return self.reload(tz);
            }
            Some(Command::ToggleWeek) => {
                self.period = match self.period {
                    Period::Day => Period::Week,
                    Period::Week => Period::Day,
                };
                return self.reload(tz);
            }
            Some(Command::Search) => {
                if self.viewer != Viewer::Staff {
                    return AgendaKey::Info("This agenda shows your own appointments.".into());
                }
                self.modal = Some(Modal::Doctors(DoctorPicker::default()));
                if self.doctors.is_empty() && self.doctors_request.is_none() {
                    return AgendaKey::Request(AgendaOp::LoadDoctors);
                }
            }
            Some(Command::OpenPrescription) => {
                let Some(v) = self.selected_row() else {
                    return AgendaKey::Info("No appointment selected.".into());
                };
                if cx.role() == Role::FrontDesk {
                    return AgendaKey::Info(
                        "Only the doctor and the patient can read a prescription; Prescriptions on the home screen shows whether this appointment has one."
                            .into(),
                    );
                }
                return AgendaKey::OpenPrescription(v.appointment.id);
            }
            Some(Command::Payments) => {
                if matches!(self.viewer, Viewer::Doctor(_)) {
                    return AgendaKey::Info("Payments are handled at the front desk.".into());
                }
                return match self.selected_row() {
                    Some(v) => AgendaKey::OpenPayments(Box::new(v.clone())),
                    None => AgendaKey::Info("No appointment selected.".into()),
                };
            }
            Some(Command::Book) => {
                if matches!(self.viewer, Viewer::Doctor(_)) {
                    return AgendaKey::Info("The front desk books appointments.".into());
                }
                // Booking opens with the selected row's patient and doctor chosen.
                let prefill = self.selected_row().map(|v| {
                    Box::new(crate::tui::screens::booking::Prefill {
                        patient: crate::tui::screens::booking::PatientPick {
                            id: v.appointment.patient_id,
                            name: v.patient_name.clone(),
                        },
                        doctor: crate::service::availability::DoctorSummary {
                            id: v.appointment.doctor_id,
                            full_name: v.doctor_name.clone(),
                            specialization: v.specialization.clone(),
                        },
                    })
                });
                return AgendaKey::OpenBooking(prefill);
            }
            Some(Command::History | Command::Open) => {
                let Some(v) = self.selected_row() else {
                    return AgendaKey::Info("No appointment selected.".into());
                };
                let (id, label) = (v.appointment.id, short_label(tz, v));
                self.modal = Some(Modal::History(HistoryPopup {
                    appointment_id: id,
                    label,
                    rows: None,
                }));
                return AgendaKey::Request(AgendaOp::History { appointment_id: id });
            }
            Some(Command::CancelAppointment) => {
                let Some(v) = self.selected_row() else {
                    return AgendaKey::Info("No appointment selected.".into());
                };
                if let Err(r) = AgendaScreen::allowed(v, cx).cancel {
                    return refused(r);
                }
                let (id, label) = (v.appointment.id, short_label(tz, v));
                self.modal = Some(Modal::Reason(ReasonPrompt::new(id, label)));
            }
            Some(Command::Reschedule) => {
                let Some(v) = self.selected_row() else {
                    return AgendaKey::Info("No appointment selected.".into());
                };
                if let Err(r) = AgendaScreen::allowed(v, cx).reschedule {
                    return refused(r);
                }
                let duration = u32::try_from(v.appointment.duration_minutes).unwrap_or(60);
                let picker = ReschedulePicker {
                    appointment_id: v.appointment.id,
                    doctor_id: v.appointment.doctor_id,
                    doctor_name: v.doctor_name.clone(),
                    duration_minutes: duration,
                    label: short_label(tz, v),
                    slots: Vec::new(),
                    loaded: false,
                    selected: 0,
                    pending: false,
                    error: None,
                };
                let op = AgendaOp::Slots {
                    doctor_id: picker.doctor_id,
                    from: today,
                    days: DAYS,
                    duration_minutes: duration,
                };
                self.modal = Some(Modal::Reschedule(Box::new(picker)));
                return AgendaKey::Request(op);
            }
            Some(Command::MarkCompleted) => return self.mark(AppointmentStatus::Completed, cx),
            Some(Command::MarkNoShow) => return self.mark(AppointmentStatus::NoShow, cx),
            _ => {}
        }
        AgendaKey::None
    }

    /// Loads the view afresh from its first row (the day, week or doctor changed).
    fn reload(&mut self, tz: Tz) -> AgendaKey {
        self.view.select(0, 0);
        self.keep = None;
        AgendaKey::Request(self.load_op(tz))
    }

    fn mark(&mut self, status: AppointmentStatus, cx: &Ctx) -> AgendaKey {
        let Some(v) = self.selected_row() else {
            // A patient hears first that marking is not theirs to do.
            if matches!(self.viewer, Viewer::Patient(_)) {
                return refused(Refusal::Forbidden(Permission::MarkOutcome.phrase()));
            }
            return AgendaKey::Info("No appointment selected.".into());
        };
        if let Err(r) = AgendaScreen::allowed(v, cx).change_to(status) {
            return refused(r);
        }
        AgendaKey::Request(AgendaOp::Mark {
            appointment_id: v.appointment.id,
            status,
        })
    }
}

/// A refusal as the message it shows: not the viewer's to do is an error; what the
/// appointment does not allow now is information.
fn refused(r: Refusal) -> AgendaKey {
    match r {
        Refusal::Forbidden(_) => AgendaKey::Error(r.to_string()),
        Refusal::Invalid(sentence) => AgendaKey::Info(sentence),
    }
}
