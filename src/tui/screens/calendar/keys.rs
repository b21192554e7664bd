//! The calendar's keys: the grid's, and those of its form, delete question and doctor
//! picker. Each returns what the app should do.

use chrono::{Datelike, Days, NaiveDate};
use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use super::{
    CalField, CalendarForm, CalendarOp, CalendarScreen, Confirm, DeleteTarget, DoctorSearch,
    FormKind, Modal, ROWS, Viewer, WEEKDAYS, hm, local, parse_date, parse_location, parse_time,
    weekday_name,
};
use crate::domain::availability::StoredWindow;
use crate::domain::availability::Window;
use crate::service::availability::{TimeOffInput, monday_of};
use crate::tui::keymap::Command;
use crate::tui::screen::{Action, Actions};
use crate::tui::widgets::form::{Form, FormOutcome};

/// `r`'s value, or its sentence added to `errors` under `key`.
fn need<T>(errors: &mut Vec<(CalField, String)>, key: CalField, r: Result<T, String>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(message) => {
            errors.push((key, message));
            None
        }
    }
}

fn info(text: &str) -> Actions<CalendarOp> {
    vec![Action::Info(text.into())]
}

/// The title of a form of `kind`.
fn title(kind: FormKind) -> String {
    match kind {
        FormKind::Window {
            window_id: None,
            weekday,
        } => format!("Add window · {}", weekday_name(weekday)),
        FormKind::Window {
            window_id: Some(_),
            weekday,
        } => format!("Edit window · {}", weekday_name(weekday)),
        FormKind::TimeOff => "Add time off".to_string(),
    }
}

impl CalendarForm {
    fn new(kind: FormKind, fields: &[(CalField, String, &str)]) -> CalendarForm {
        let form = fields
            .iter()
            .fold(Form::new(title(kind)), |form, (key, value, hint)| {
                form.text(*key, key.label(), value.clone(), *hint)
            });
        CalendarForm {
            kind,
            form,
            pending: None,
        }
    }
}

impl CalendarScreen {
    fn load_week(&mut self) -> Actions<CalendarOp> {
        match self.doctor_id {
            Some(doctor_id) => vec![Action::Request(CalendarOp::LoadWeek {
                doctor_id,
                monday: self.week_monday,
            })],
            None => info("Choose a doctor with /."),
        }
    }

    fn editable(&self) -> Result<i32, Actions<CalendarOp>> {
        let Some(doctor_id) = self.doctor_id else {
            return Err(info("Choose a doctor with / first."));
        };
        match self.current_week() {
            None => Err(info("The week is still loading.")),
            Some(w) if !w.can_edit => Err(vec![Action::Error(
                "This calendar is read-only for you: only the doctor or an admin can change it."
                    .into(),
            )]),
            Some(_) => Ok(doctor_id),
        }
    }

    /// Handles a key; `command` is what the keymap made of it in [`Self::context`].
    /// `today` is the clinic's current date (from the app's tick, not the clock).
    pub fn handle(
        &mut self,
        key: KeyEvent,
        command: Option<Command>,
        today: NaiveDate,
    ) -> Actions<CalendarOp> {
        match self.modal.take() {
            None => self.on_grid_key(command, today),
            Some(Modal::Form(mut form)) => {
                let (actions, keep) = self.on_form_key(&mut form, key, command);
                if keep {
                    self.modal = Some(Modal::Form(form));
                }
                actions
            }
            Some(Modal::Confirm(confirm)) => self.on_confirm_key(confirm, command),
            Some(Modal::Search(mut search)) => {
                let (actions, keep) = self.on_search_key(&mut search, key, command);
                if keep {
                    self.modal = Some(Modal::Search(search));
                }
                actions
            }
        }
    }

    fn on_grid_key(&mut self, command: Option<Command>, today: NaiveDate) -> Actions<CalendarOp> {
        match command {
            Some(Command::Left) => self.day = self.day.saturating_sub(1),
            Some(Command::Right) => self.day = (self.day + 1).min(6),
            Some(Command::Up) => self.row = self.row.saturating_sub(1),
            Some(Command::Down) => self.row = (self.row + 1).min(ROWS - 1),
            Some(Command::PrevWeek) => {
                self.week_monday = self.week_monday - Days::new(7);
                return self.load_week();
            }
            Some(Command::NextWeek) => {
                self.week_monday = self.week_monday + Days::new(7);
                return self.load_week();
            }
            Some(Command::ThisWeek) => {
                self.week_monday = monday_of(today);
                self.day = today.weekday().num_days_from_monday() as usize;
                return self.load_week();
            }
            Some(Command::Back) => return vec![Action::Back],
            Some(Command::Search) => return self.open_search(),
            Some(Command::AddWindow) => return self.open_window_form(None),
            Some(Command::Edit) => {
                let Some(w) = self.cell(self.day, self.row).window.cloned() else {
                    return info("No window here. Press a to add one.");
                };
                return self.open_window_form(Some(w));
            }
            Some(Command::Delete) => return self.ask_delete(),
            Some(Command::AddTimeOff) => return self.open_time_off_form(),
            _ => {}
        }
        Vec::new()
    }

    fn open_search(&mut self) -> Actions<CalendarOp> {
        if let Viewer::Doctor(_) = self.viewer {
            return info("Doctors see their own calendar.");
        }
        self.modal = Some(Modal::Search(DoctorSearch::default()));
        if self.doctors.is_empty() && self.doctors_request.is_none() {
            return vec![Action::Request(CalendarOp::LoadDoctors)];
        }
        Vec::new()
    }

    fn open_window_form(&mut self, existing: Option<StoredWindow>) -> Actions<CalendarOp> {
        if let Err(a) = self.editable() {
            return a;
        }
        let locations = self
            .current_week()
            .map(|w| w.locations.clone())
            .unwrap_or_default();
        let location_text = |id: Option<i32>| match id {
            None => String::new(),
            Some(id) => locations
                .iter()
                .find(|l| l.id == id)
                .map_or_else(|| id.to_string(), |l| l.name.clone()),
        };
        let (kind, start, end, location) = match existing {
            Some(w) => (
                FormKind::Window {
                    window_id: Some(w.id),
                    weekday: w.window.weekday,
                },
                hm(w.window.start),
                hm(w.window.end),
                location_text(w.window.location_id),
            ),
            None => {
                let (s, e) = self.cell_range(self.day, self.row);
                let end = if e.date() > s.date() {
                    "24:00".to_string()
                } else {
                    hm(e.time())
                };
                (
                    FormKind::Window {
                        window_id: None,
                        weekday: WEEKDAYS[self.day.min(6)],
                    },
                    hm(s.time()),
                    end,
                    String::new(),
                )
            }
        };
        self.modal = Some(Modal::Form(CalendarForm::new(
            kind,
            &[
                (CalField::Start, start, "HH:MM"),
                (CalField::End, end, "HH:MM (24:00 = end of day)"),
                (CalField::Location, location, "name or number; empty = any"),
            ],
        )));
        Vec::new()
    }

    fn open_time_off_form(&mut self) -> Actions<CalendarOp> {
        if let Err(a) = self.editable() {
            return a;
        }
        let date = self.cursor_date().format("%Y-%m-%d").to_string();
        self.modal = Some(Modal::Form(CalendarForm::new(
            FormKind::TimeOff,
            &[
                (CalField::FromDate, date.clone(), "YYYY-MM-DD"),
                (
                    CalField::FromTime,
                    String::new(),
                    "HH:MM; empty = whole day",
                ),
                (CalField::ToDate, date, "YYYY-MM-DD"),
                (CalField::ToTime, String::new(), "HH:MM; empty = whole day"),
                (CalField::Reason, String::new(), "optional"),
            ],
        )));
        Vec::new()
    }

    fn ask_delete(&mut self) -> Actions<CalendarOp> {
        if let Err(a) = self.editable() {
            return a;
        }
        let tz = self.current_week().map(|w| w.time_zone);
        let cell = self.cell(self.day, self.row);
        let target = if let (Some(t), Some(tz)) = (cell.time_off, tz) {
            let from = local(tz, t.time_off.start_utc).format("%a %-d %b %H:%M");
            let to = local(tz, t.time_off.end_utc).format("%a %-d %b %H:%M");
            let reason = if t.time_off.reason.is_empty() {
                String::new()
            } else {
                format!(" ({})", t.time_off.reason)
            };
            DeleteTarget::TimeOff {
                id: t.id,
                label: format!("time off {from} – {to}{reason}"),
            }
        } else if let Some(w) = cell.window {
            DeleteTarget::Window {
                id: w.id,
                label: format!(
                    "the {} window {}–{}",
                    weekday_name(w.window.weekday),
                    hm(w.window.start),
                    hm(w.window.end)
                ),
            }
        } else {
            return info("Nothing to delete here.");
        };
        self.modal = Some(Modal::Confirm(Confirm {
            target,
            pending: None,
        }));
        Vec::new()
    }

    /// A key in the form: what to do, and whether the form stays open.
    fn on_form_key(
        &mut self,
        cf: &mut CalendarForm,
        key: KeyEvent,
        command: Option<Command>,
    ) -> (Actions<CalendarOp>, bool) {
        match cf.form.on_key(&key, command) {
            FormOutcome::Cancel => (Vec::new(), false),
            FormOutcome::Submit => {
                let mut request = None;
                let ok = cf.form.validate(|f| match self.form_request(cf.kind, f) {
                    Ok(op) => {
                        request = Some(op);
                        Vec::new()
                    }
                    Err(errors) => errors,
                });
                let actions = match request.filter(|_| ok) {
                    Some(op) => vec![Action::Request(op)],
                    None => Vec::new(),
                };
                (actions, true)
            }
            FormOutcome::Nothing | FormOutcome::Edited | FormOutcome::Yes | FormOutcome::No => {
                (Vec::new(), true)
            }
        }
    }

    /// The request a form's contents stand for, or every field to fix and why. A
    /// problem that is no field's (no doctor chosen) has a key the form lacks, so it
    /// becomes the form's sentence.
    fn form_request(
        &self,
        kind: FormKind,
        form: &Form<CalField>,
    ) -> Result<CalendarOp, Vec<(CalField, String)>> {
        let Some(doctor_id) = self.doctor_id else {
            let key = match kind {
                FormKind::Window { .. } => CalField::Reason,
                FormKind::TimeOff => CalField::Start,
            };
            return Err(vec![(key, "Choose a doctor with / first.".to_string())]);
        };
        let mut errors = Vec::new();
        match kind {
            FormKind::Window { window_id, weekday } => {
                let start = need(
                    &mut errors,
                    CalField::Start,
                    parse_time(form.value(CalField::Start))
                        .ok_or_else(|| "Enter the start as HH:MM, e.g. 09:00.".to_string()),
                );
                let end = need(
                    &mut errors,
                    CalField::End,
                    parse_time(form.value(CalField::End))
                        .ok_or_else(|| "Enter the end as HH:MM, e.g. 17:30.".to_string()),
                );
                let known = self
                    .current_week()
                    .map(|w| w.locations.as_slice())
                    .unwrap_or_default();
                let location = need(
                    &mut errors,
                    CalField::Location,
                    parse_location(form.value(CalField::Location), known),
                );
                let (Some(start), Some(end), Some(location_id)) = (start, end, location) else {
                    return Err(errors);
                };
                let window = Window::new(weekday, start, end, location_id);
                Ok(match window_id {
                    Some(window_id) => CalendarOp::UpdateWindow {
                        doctor_id,
                        window_id,
                        window,
                    },
                    None => CalendarOp::AddWindow { doctor_id, window },
                })
            }
            FormKind::TimeOff => {
                let date = |key: CalField, what: &str| {
                    parse_date(form.value(key))
                        .ok_or_else(|| format!("Enter the {what} as YYYY-MM-DD, e.g. 2026-01-12."))
                };
                let time = |key: CalField, what: &str| {
                    let v = form.value(key).trim();
                    if v.is_empty() {
                        Ok(None)
                    } else {
                        parse_time(v)
                            .map(Some)
                            .ok_or_else(|| format!("Enter the {what} as HH:MM, or leave it empty."))
                    }
                };
                let from_date = need(
                    &mut errors,
                    CalField::FromDate,
                    date(CalField::FromDate, "start date"),
                );
                let from_time = need(
                    &mut errors,
                    CalField::FromTime,
                    time(CalField::FromTime, "start time"),
                );
                let to_date = if form.value(CalField::ToDate).trim().is_empty() {
                    from_date
                } else {
                    need(
                        &mut errors,
                        CalField::ToDate,
                        date(CalField::ToDate, "end date"),
                    )
                };
                let to_time = need(
                    &mut errors,
                    CalField::ToTime,
                    time(CalField::ToTime, "end time"),
                );
                let (Some(from_date), Some(from_time), Some(to_date), Some(to_time)) =
                    (from_date, from_time, to_date, to_time)
                else {
                    return Err(errors);
                };
                Ok(CalendarOp::AddTimeOff {
                    doctor_id,
                    input: TimeOffInput {
                        from_date,
                        from_time,
                        to_date,
                        to_time,
                        reason: form.value(CalField::Reason).trim().to_string(),
                    },
                })
            }
        }
    }

    fn on_confirm_key(
        &mut self,
        mut confirm: Confirm,
        command: Option<Command>,
    ) -> Actions<CalendarOp> {
        match command {
            Some(Command::Yes) if confirm.pending.is_none() => {
                let Some(doctor_id) = self.doctor_id else {
                    return Vec::new();
                };
                let op = match &confirm.target {
                    DeleteTarget::Window { id, .. } => CalendarOp::DeleteWindow {
                        doctor_id,
                        window_id: *id,
                    },
                    DeleteTarget::TimeOff { id, .. } => CalendarOp::DeleteTimeOff {
                        doctor_id,
                        time_off_id: *id,
                    },
                };
                confirm.pending = Some(0);
                self.modal = Some(Modal::Confirm(confirm));
                vec![Action::Request(op)]
            }
            // Once the deletion is on its way, "keep" can no longer be true: the answer
            // closes the question.
            Some(Command::No) if confirm.pending.is_none() => info("Nothing was deleted."),
            _ => {
                self.modal = Some(Modal::Confirm(confirm));
                Vec::new()
            }
        }
    }

    fn on_search_key(
        &mut self,
        search: &mut DoctorSearch,
        key: KeyEvent,
        command: Option<Command>,
    ) -> (Actions<CalendarOp>, bool) {
        let count = self.filtered_doctors(search.query.value()).len();
        match command {
            Some(Command::Up) => search.selected = search.selected.saturating_sub(1),
            Some(Command::Down) => {
                search.selected = (search.selected + 1).min(count.saturating_sub(1))
            }
            Some(Command::Cancel) => return (Vec::new(), false),
            Some(Command::Open) => {
                let picked = self
                    .filtered_doctors(search.query.value())
                    .get(search.selected)
                    .map(|d| d.id);
                return match picked {
                    Some(id) => {
                        self.doctor_id = Some(id);
                        (self.load_week(), false)
                    }
                    None => (info("No doctor matches; change the search."), true),
                };
            }
            _ => {
                search.query.handle_event(&Event::Key(key));
                search.selected = 0;
            }
        }
        (Vec::new(), true)
    }
}
