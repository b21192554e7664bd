//! The calendar's keys: the grid's, and those of its form, delete question and doctor
//! picker. Each returns what the app should do.

use chrono::{Datelike, Days, NaiveDate};
use crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::{
    CalendarOp, CalendarScreen, Confirm, DeleteTarget, DoctorSearch, Form, FormField, FormKind,
    Modal, ROWS, Viewer, WEEKDAYS, hm, local, parse_date, parse_location, parse_time, weekday_name,
};
use crate::domain::availability::StoredWindow;
use crate::domain::availability::Window;
use crate::service::availability::{TimeOffInput, monday_of};
use crate::tui::keymap::Command;
use crate::tui::screen::{Action, Actions};

fn info(text: &str) -> Actions<CalendarOp> {
    vec![Action::Info(text.into())]
}

impl Form {
    fn new(kind: FormKind, fields: Vec<FormField>) -> Form {
        Form {
            kind,
            fields,
            focus: 0,
            error: None,
            pending: None,
        }
    }

    fn field(label: &'static str, value: String, hint: &'static str) -> FormField {
        FormField {
            label,
            input: Input::new(value),
            hint,
        }
    }

    pub fn value(&self, i: usize) -> &str {
        self.fields.get(i).map_or("", |f| f.input.value())
    }

    pub fn title(&self) -> String {
        match self.kind {
            FormKind::Window {
                window_id: None,
                weekday,
            } => format!(" Add window · {} ", weekday_name(weekday)),
            FormKind::Window {
                window_id: Some(_),
                weekday,
            } => format!(" Edit window · {} ", weekday_name(weekday)),
            FormKind::TimeOff => " Add time off ".to_string(),
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
                let actions = self.on_form_key(&mut form, key, command);
                if !matches!(command, Some(Command::Cancel)) {
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
        self.modal = Some(Modal::Form(Form::new(
            kind,
            vec![
                Form::field("Start", start, "HH:MM"),
                Form::field("End", end, "HH:MM (24:00 = end of day)"),
                Form::field("Location", location, "name or number; empty = any"),
            ],
        )));
        Vec::new()
    }

    fn open_time_off_form(&mut self) -> Actions<CalendarOp> {
        if let Err(a) = self.editable() {
            return a;
        }
        let date = self.cursor_date().format("%Y-%m-%d").to_string();
        self.modal = Some(Modal::Form(Form::new(
            FormKind::TimeOff,
            vec![
                Form::field("From date", date.clone(), "YYYY-MM-DD"),
                Form::field("From time", String::new(), "HH:MM; empty = whole day"),
                Form::field("To date", date, "YYYY-MM-DD"),
                Form::field("To time", String::new(), "HH:MM; empty = whole day"),
                Form::field("Reason", String::new(), "optional"),
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

    fn on_form_key(
        &mut self,
        form: &mut Form,
        key: KeyEvent,
        command: Option<Command>,
    ) -> Actions<CalendarOp> {
        let n = form.fields.len().max(1);
        match command {
            Some(Command::NextField) => form.focus = (form.focus + 1) % n,
            Some(Command::PrevField) => form.focus = (form.focus + n - 1) % n,
            Some(Command::Cancel) => {}
            Some(Command::Save) => {
                if form.pending.is_some() {
                    return Vec::new();
                }
                return match self.form_request(form) {
                    Ok(op) => {
                        form.error = None;
                        vec![Action::Request(op)]
                    }
                    Err(message) => {
                        form.error = Some(message);
                        Vec::new()
                    }
                };
            }
            _ => {
                if form.pending.is_none()
                    && let Some(f) = form.fields.get_mut(form.focus)
                {
                    f.input.handle_event(&Event::Key(key));
                }
            }
        }
        Vec::new()
    }

    /// The request a form's contents stand for, or the sentence saying what to fix.
    fn form_request(&self, form: &Form) -> Result<CalendarOp, String> {
        let doctor_id = self
            .doctor_id
            .ok_or_else(|| "Choose a doctor with / first.".to_string())?;
        match form.kind {
            FormKind::Window { window_id, weekday } => {
                let start = parse_time(form.value(0))
                    .ok_or_else(|| "Enter the start as HH:MM, e.g. 09:00.".to_string())?;
                let end = parse_time(form.value(1))
                    .ok_or_else(|| "Enter the end as HH:MM, e.g. 17:30.".to_string())?;
                let known = self
                    .current_week()
                    .map(|w| w.locations.as_slice())
                    .unwrap_or_default();
                let location_id = parse_location(form.value(2), known)?;
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
                let date = |i: usize, what: &str| {
                    parse_date(form.value(i))
                        .ok_or_else(|| format!("Enter the {what} as YYYY-MM-DD, e.g. 2026-01-12."))
                };
                let time = |i: usize, what: &str| {
                    let v = form.value(i).trim();
                    if v.is_empty() {
                        Ok(None)
                    } else {
                        parse_time(v)
                            .map(Some)
                            .ok_or_else(|| format!("Enter the {what} as HH:MM, or leave it empty."))
                    }
                };
                let from_date = date(0, "start date")?;
                let from_time = time(1, "start time")?;
                let to_date = if form.value(2).trim().is_empty() {
                    from_date
                } else {
                    date(2, "end date")?
                };
                let to_time = time(3, "end time")?;
                Ok(CalendarOp::AddTimeOff {
                    doctor_id,
                    input: TimeOffInput {
                        from_date,
                        from_time,
                        to_date,
                        to_time,
                        reason: form.value(4).trim().to_string(),
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
