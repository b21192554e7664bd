//! The agenda's keys: on the list, and in each of its popups. Pure: the clock, the
//! clinic's zone and who is signed in come from `Ctx`.

use chrono::Days;
use chrono_tz::Tz;
use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use super::{
    AgendaKey, AgendaOp, AgendaScreen, AppointmentPage, DoctorPicker, HistoryPopup, Modal, Period,
    ReasonField, ReasonPrompt, ReschedulePicker, Viewer, short_label,
};
use crate::domain::Role;
use crate::domain::appointment::{AppointmentStatus, Refusal};
use crate::domain::permission::Action as Permission;
use crate::domain::validation::MAX_DAYS;
use crate::service::calendar_export::CalendarOwner;
use crate::tui::keymap::Command;
use crate::tui::screen::Ctx;
use crate::tui::screens::booking::DAYS;
use crate::tui::widgets::form::FormOutcome;
use crate::tui::widgets::picker;

/// Why a cancellation needs its reason, shown under the field.
const REASON_REQUIRED: &str = "A reason is required to cancel; it is kept with the appointment.";

impl AgendaScreen {
    /// Handles a key; `command` is what the keymap made of it in `context()`.
    pub fn handle(&mut self, key: KeyEvent, command: Option<Command>, cx: &Ctx) -> AgendaKey {
        let tz = cx.tz();
        match self.modal.take() {
            None if self.finding => self.on_find_key(key, command),
            None if self.detail.is_some() => self.on_detail_key(command, cx),
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
                            let appointment_id = p.appointment_id;
                            let reason = p.reason().trim().to_string();
                            AgendaKey::Request(if p.all_later() {
                                AgendaOp::CancelSeries {
                                    appointment_id,
                                    reason,
                                }
                            } else {
                                AgendaOp::Cancel {
                                    appointment_id,
                                    reason,
                                }
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
                    Some(Command::Left | Command::Right) if r.later > 0 && !r.pending => {
                        r.all_later = !r.all_later;
                        AgendaKey::None
                    }
                    Some(Command::Open) if !r.pending => match r.slots.get(r.selected) {
                        Some(s) if r.all_later => AgendaKey::Request(AgendaOp::RescheduleSeries {
                            appointment_id: r.appointment_id,
                            start_utc: s.start_utc,
                        }),
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
                        // The first doctor that matches, not "All doctors", is chosen.
                        let matches = self.filtered_doctors(picker.query.value()).len();
                        picker.selected =
                            picker::selection_after_typing(picker.query.value(), matches, 1);
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
        if self.view.on_key(&key, command, self.visible.len()) {
            return AgendaKey::None;
        }
        match command {
            // Esc first clears a find, then leaves.
            Some(Command::Back) if !self.find.value().is_empty() => {
                self.find.reset();
                let keep = self.selected_row().map(|v| v.appointment.id);
                self.refilter(keep);
                return AgendaKey::Info("Every patient is listed again.".into());
            }
            Some(Command::Back) => return AgendaKey::Back,
            Some(Command::FindInView) => {
                if patient {
                    return AgendaKey::Info("This list shows only your own appointments.".into());
                }
                self.finding = true;
                return AgendaKey::None;
            }
            Some(Command::ToggleCancelled) => {
                self.hide_cancelled = !self.hide_cancelled;
                let keep = self.selected_row().map(|v| v.appointment.id);
                self.refilter(keep);
                return AgendaKey::Info(
                    if self.hide_cancelled {
                        "Cancelled appointments are hidden; v shows them again."
                    } else {
                        "Cancelled appointments are shown."
                    }
                    .into(),
                );
            }
            Some(Command::Waitlist) => {
                if self.viewer != Viewer::Staff {
                    return AgendaKey::Info("The front desk keeps the waitlist.".into());
                }
                return AgendaKey::OpenWaitlist;
            }
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
            Some(Command::Open) => {
                let Some(v) = self.selected_row() else {
                    return AgendaKey::Info("No appointment selected.".into());
                };
                self.detail = Some(AppointmentPage::new(v.clone()));
                return self.detail_op().map_or(AgendaKey::None, AgendaKey::Request);
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
            _ => return self.act(command, cx),
        }
        AgendaKey::None
    }

    /// Keys while typing into the find field: the list narrows as you type, ↑↓ move,
    /// Enter keeps the text and goes back to the list's keys, Esc clears it.
    fn on_find_key(&mut self, key: KeyEvent, command: Option<Command>) -> AgendaKey {
        if self.view.on_key(&key, command, self.visible.len()) {
            return AgendaKey::None;
        }
        match command {
            Some(Command::Open) => self.finding = false,
            Some(Command::Cancel | Command::Back) => {
                self.finding = false;
                self.find.reset();
                let keep = self.selected_row().map(|v| v.appointment.id);
                self.refilter(keep);
            }
            _ => {
                if self.find.handle_event(&Event::Key(key)).is_some() {
                    self.view.select(0, 0);
                    self.refilter(None);
                }
            }
        }
        AgendaKey::None
    }

    /// Keys on the open appointment: Esc back to the list, ↑↓ the previous or next
    /// appointment listed, and the changes the list offers, on this appointment.
    fn on_detail_key(&mut self, command: Option<Command>, cx: &Ctx) -> AgendaKey {
        match command {
            Some(Command::Back) => {
                self.detail = None;
                AgendaKey::None
            }
            Some(Command::Up | Command::Down) => {
                let len = self.visible.len();
                let at = self
                    .detail
                    .as_ref()
                    .and_then(|d| self.listed().position(|v| v.appointment.id == d.id()));
                let next = match (at, command) {
                    (Some(i), Some(Command::Up)) => i.checked_sub(1),
                    (Some(i), _) => Some(i + 1).filter(|n| *n < len),
                    (None, _) => (len > 0).then_some(self.selected().min(len - 1)),
                };
                let Some(next) = next else {
                    return AgendaKey::None;
                };
                self.view.select(next, len);
                let Some(v) = self.selected_row().cloned() else {
                    return AgendaKey::None;
                };
                self.detail = Some(AppointmentPage::new(v));
                self.detail_op().map_or(AgendaKey::None, AgendaKey::Request)
            }
            _ => self.act(command, cx),
        }
    }

    /// A change or a screen about the appointment the keys act on ([`Self::target`]).
    fn act(&mut self, command: Option<Command>, cx: &Ctx) -> AgendaKey {
        let (tz, today) = (cx.tz(), cx.today());
        match command {
            Some(Command::OpenPrescription) => {
                let Some(v) = self.target() else {
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
                return match self.target() {
                    Some(v) => AgendaKey::OpenPayments(Box::new(v.clone())),
                    None => AgendaKey::Info("No appointment selected.".into()),
                };
            }
            Some(Command::Book) => {
                if matches!(self.viewer, Viewer::Doctor(_)) {
                    return AgendaKey::Info("The front desk books appointments.".into());
                }
                // Booking opens with the selected row's patient and doctor chosen.
                let prefill = self.target().map(|v| {
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
            Some(Command::History) => {
                let Some(v) = self.target() else {
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
                let Some(v) = self.target() else {
                    return AgendaKey::Info("No appointment selected.".into());
                };
                if let Err(r) = AgendaScreen::allowed(v, cx).cancel {
                    return refused(r);
                }
                let (id, label) = (v.appointment.id, short_label(tz, v));
                let mut prompt = ReasonPrompt::new(id, label);
                // "This one or this and all later" once the series is known.
                let known = self.known_later(id);
                if let Some(later) = known {
                    prompt.set_later(later);
                }
                self.modal = Some(Modal::Reason(prompt));
                if known.is_none() {
                    return AgendaKey::Request(AgendaOp::SeriesOf { appointment_id: id });
                }
            }
            Some(Command::Reschedule) => {
                let Some(v) = self.target() else {
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
                    later: 0,
                    all_later: false,
                };
                let slots = AgendaOp::Slots {
                    doctor_id: picker.doctor_id,
                    from: today,
                    days: DAYS,
                    duration_minutes: duration,
                };
                let id = picker.appointment_id;
                let known = self.known_later(id);
                let mut picker = picker;
                picker.later = known.unwrap_or(0);
                self.modal = Some(Modal::Reschedule(Box::new(picker)));
                return match known {
                    Some(_) => AgendaKey::Request(slots),
                    None => {
                        AgendaKey::Requests(vec![AgendaOp::SeriesOf { appointment_id: id }, slots])
                    }
                };
            }
            Some(Command::MarkCompleted) => return self.mark(AppointmentStatus::Completed, cx),
            Some(Command::MarkNoShow) => return self.mark(AppointmentStatus::NoShow, cx),
            Some(Command::ExportCalendar) => return self.export(cx),
            _ => {}
        }
        AgendaKey::None
    }

    /// How many booked appointments of its series follow appointment `id`, when the
    /// open appointment view has read its series already.
    fn known_later(&self, id: i32) -> Option<usize> {
        self.detail
            .as_ref()
            .filter(|d| d.id() == id)
            .and_then(AppointmentPage::later_in_series)
    }

    /// `x`: the doctor's appointments in the days shown, or a patient's from the first
    /// day shown on, as a calendar file.
    fn export(&self, cx: &Ctx) -> AgendaKey {
        let (from, to) = self.range();
        let shown = u32::try_from((to - from).num_days()).unwrap_or(1).max(1);
        let (owner, from, days) = match (self.viewer, &self.doctor) {
            (Viewer::Doctor(id), _) => (CalendarOwner::Doctor(id), from, shown),
            (Viewer::Patient(id), _) => (CalendarOwner::Patient(id), cx.today(), MAX_DAYS),
            (Viewer::Staff, Some(d)) => (CalendarOwner::Doctor(d.id), from, shown),
            (Viewer::Staff, None) => match self.target() {
                Some(v) => (
                    CalendarOwner::Patient(v.appointment.patient_id),
                    from,
                    MAX_DAYS,
                ),
                None => {
                    return AgendaKey::Info(
                        "Pick a doctor (d) or select a patient's appointment to export a calendar."
                            .into(),
                    );
                }
            },
        };
        AgendaKey::Request(AgendaOp::ExportCalendar { owner, from, days })
    }

    /// Loads the view afresh from its first row (the day, week or doctor changed).
    fn reload(&mut self, tz: Tz) -> AgendaKey {
        self.view.select(0, 0);
        self.keep = None;
        AgendaKey::Request(self.load_op(tz))
    }

    fn mark(&mut self, status: AppointmentStatus, cx: &Ctx) -> AgendaKey {
        let Some(v) = self.target() else {
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
