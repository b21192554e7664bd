//! The calendar's keys: the grid's, and those of its form, delete question and doctor
//! picker. Each returns what the app should do.

use chrono::{Datelike, Days, NaiveDate};
use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use super::{
    CalField, CalendarForm, CalendarOp, CalendarScreen, Confirm, DeleteTarget, DoctorSearch,
    FormKind, Modal, ROWS, TimeOffQuestion, Viewer, WEEKDAYS, hm, local, parse_date, parse_time,
    weekday_name,
};
use crate::domain::availability::StoredWindow;
use crate::domain::availability::Window;
use crate::domain::extra_hours::ExtraHours;
use crate::service::availability::{LocationRef, TimeOffInput, monday_of};
use crate::service::time_off::OnConflict;
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
        FormKind::Split {
            weekday,
            start,
            end,
            ..
        } => format!(
            "Split for a break · {} {}–{} (every week)",
            weekday_name(weekday),
            hm(start),
            hm(end)
        ),
        FormKind::ExtraHours => "Open extra hours (this date only)".to_string(),
    }
}

/// The Location choice: "any location" first, then the clinic's locations.
const ANY_LOCATION: &str = "Any location";

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
            location_ids: Vec::new(),
        }
    }

    /// Adds the Location choice among `locations`, `selected` (an id) chosen.
    fn with_locations(mut self, locations: &[LocationRef], selected: Option<i32>) -> CalendarForm {
        let names = std::iter::once(ANY_LOCATION.to_string())
            .chain(locations.iter().map(|l| l.name.clone()));
        let index = selected
            .and_then(|id| locations.iter().position(|l| l.id == id))
            .map_or(0, |i| i + 1);
        self.form = self.form.choice(
            CalField::Location,
            CalField::Location.label(),
            names,
            index,
            "←/→ or a letter",
        );
        self.location_ids = locations.iter().map(|l| l.id).collect();
        self
    }

    /// The location chosen: None for "any location".
    fn location(&self) -> Option<i32> {
        self.form
            .selected(CalField::Location)
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| self.location_ids.get(i).copied())
    }
}

/// The end of a cell as a form shows it: "24:00" for midnight.
fn end_text(start: chrono::NaiveDateTime, end: chrono::NaiveDateTime) -> String {
    if end.date() > start.date() {
        "24:00".to_string()
    } else {
        hm(end.time())
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
            Some(Modal::TimeOffConflicts(q)) => self.on_conflict_key(q, key, command),
        }
    }

    /// The question about booked appointments inside new time off, and its reason form.
    fn on_conflict_key(
        &mut self,
        mut q: Box<TimeOffQuestion>,
        key: KeyEvent,
        command: Option<Command>,
    ) -> Actions<CalendarOp> {
        let seen: Vec<i32> = q.conflicts.iter().map(|c| c.appointment_id).collect();
        if let Some(mut reason) = q.reason.take() {
            match reason.on_key(&key, command) {
                // Back to the list (what was typed is gone with the form; the list stays).
                FormOutcome::Cancel if q.pending.is_none() => {}
                FormOutcome::Submit => {
                    let text = reason.value(CalField::CancelReason).trim().to_string();
                    if text.is_empty() {
                        reason.set_errors([(
                            CalField::CancelReason,
                            "Say why they are cancelled: the patients are told.".to_string(),
                        )]);
                        q.reason = Some(reason);
                        self.modal = Some(Modal::TimeOffConflicts(q));
                        return Vec::new();
                    }
                    let op = CalendarOp::AddTimeOff {
                        doctor_id: q.doctor_id,
                        input: q.input.clone(),
                        on_conflict: OnConflict::Cancel { reason: text },
                        seen: Some(seen),
                    };
                    q.reason = Some(reason);
                    self.modal = Some(Modal::TimeOffConflicts(q));
                    return vec![Action::Request(op)];
                }
                _ => q.reason = Some(reason),
            }
            self.modal = Some(Modal::TimeOffConflicts(q));
            return Vec::new();
        }
        if q.pending.is_some() {
            self.modal = Some(Modal::TimeOffConflicts(q));
            return Vec::new();
        }
        match command {
            Some(Command::CancelBooked) => {
                let n = q.conflicts.len();
                let what = if n == 1 {
                    "the booked appointment".to_string()
                } else {
                    format!("the {n} booked appointments")
                };
                q.reason = Some(
                    Form::new(format!("Cancel {what}"))
                        .text(
                            CalField::CancelReason,
                            CalField::CancelReason.label(),
                            q.input.reason.clone(),
                            "required; the patients are told",
                        )
                        .with_footer("Enter cancel them · Esc back to the list"),
                );
                self.modal = Some(Modal::TimeOffConflicts(q));
                Vec::new()
            }
            Some(Command::KeepBooked) => {
                let op = CalendarOp::AddTimeOff {
                    doctor_id: q.doctor_id,
                    input: q.input.clone(),
                    on_conflict: OnConflict::Keep,
                    seen: Some(seen),
                };
                self.modal = Some(Modal::TimeOffConflicts(q));
                vec![Action::Request(op)]
            }
            Some(Command::Back | Command::Cancel) => {
                self.modal = Some(Modal::Form(q.form));
                info("Nothing was added; the time off is as you typed it.")
            }
            _ => {
                self.modal = Some(Modal::TimeOffConflicts(q));
                Vec::new()
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
            Some(Command::SplitWindow) => return self.open_split_form(),
            Some(Command::AddExtraHours) => return self.open_extra_hours_form(),
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
        let (kind, start, end, location) = match existing {
            Some(w) => (
                FormKind::Window {
                    window_id: Some(w.id),
                    weekday: w.window.weekday,
                },
                hm(w.window.start),
                hm(w.window.end),
                w.window.location_id,
            ),
            None => {
                let (s, e) = self.cell_range(self.day, self.row);
                (
                    FormKind::Window {
                        window_id: None,
                        weekday: WEEKDAYS[self.day.min(6)],
                    },
                    hm(s.time()),
                    end_text(s, e),
                    None,
                )
            }
        };
        self.modal = Some(Modal::Form(
            CalendarForm::new(
                kind,
                &[
                    (CalField::Start, start, "HH:MM"),
                    (CalField::End, end, "HH:MM (24:00 = end of day)"),
                ],
            )
            .with_locations(&locations, location),
        ));
        Vec::new()
    }

    fn open_split_form(&mut self) -> Actions<CalendarOp> {
        if let Err(a) = self.editable() {
            return a;
        }
        let Some(w) = self.cell(self.day, self.row).window.cloned() else {
            return info("No window here: put the cursor on the window to split.");
        };
        // The cursor's half hour is the break offered, when it lies inside the window.
        let (s, e) = self.cell_range(self.day, self.row);
        let inside = w.window.start < s.time() && e.date() == s.date() && e.time() < w.window.end;
        let (from, to) = if inside {
            (hm(s.time()), hm(e.time()))
        } else {
            (String::new(), String::new())
        };
        self.modal = Some(Modal::Form(CalendarForm::new(
            FormKind::Split {
                window_id: w.id,
                weekday: w.window.weekday,
                start: w.window.start,
                end: w.window.end,
            },
            &[
                (CalField::BreakStart, from, "HH:MM, inside the window"),
                (CalField::BreakEnd, to, "HH:MM"),
            ],
        )));
        Vec::new()
    }

    fn open_extra_hours_form(&mut self) -> Actions<CalendarOp> {
        if let Err(a) = self.editable() {
            return a;
        }
        let locations = self
            .current_week()
            .map(|w| w.locations.clone())
            .unwrap_or_default();
        let (s, e) = self.cell_range(self.day, self.row);
        self.modal = Some(Modal::Form(
            CalendarForm::new(
                FormKind::ExtraHours,
                &[
                    (
                        CalField::Date,
                        s.date().format("%Y-%m-%d").to_string(),
                        "YYYY-MM-DD",
                    ),
                    (CalField::Start, hm(s.time()), "HH:MM"),
                    (CalField::End, end_text(s, e), "HH:MM (24:00 = end of day)"),
                ],
            )
            .with_locations(&locations, None),
        ));
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
        } else if let Some(x) = cell.extra {
            DeleteTarget::ExtraHours {
                id: x.id,
                label: format!(
                    "the extra hours {} {}–{}",
                    x.hours.date.format("%a %-d %b"),
                    hm(x.hours.start),
                    hm(x.hours.end)
                ),
            }
        } else if let Some(w) = cell.window {
            DeleteTarget::Window {
                id: w.id,
                label: format!(
                    "the {} window {}–{} (every week)",
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
                let checked = self.form_request(cf.kind, cf);
                let ok = cf.form.validate(|_| match checked {
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
    pub(super) fn form_request(
        &self,
        kind: FormKind,
        cf: &CalendarForm,
    ) -> Result<CalendarOp, Vec<(CalField, String)>> {
        let form = &cf.form;
        let Some(doctor_id) = self.doctor_id else {
            // A key the form lacks, so that the sentence is the form's.
            let key = match kind {
                FormKind::TimeOff => CalField::Start,
                _ => CalField::Reason,
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
                let (Some(start), Some(end)) = (start, end) else {
                    return Err(errors);
                };
                let window = Window::new(weekday, start, end, cf.location());
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
                    on_conflict: OnConflict::Ask,
                    seen: None,
                })
            }
            FormKind::Split {
                window_id,
                start,
                end,
                ..
            } => {
                let from = need(
                    &mut errors,
                    CalField::BreakStart,
                    parse_time(form.value(CalField::BreakStart)).ok_or_else(|| {
                        "Enter when the break starts as HH:MM, e.g. 12:00.".to_string()
                    }),
                );
                let to = need(
                    &mut errors,
                    CalField::BreakEnd,
                    parse_time(form.value(CalField::BreakEnd)).ok_or_else(|| {
                        "Enter when the break ends as HH:MM, e.g. 13:00.".to_string()
                    }),
                );
                let (Some(from), Some(to)) = (from, to) else {
                    return Err(errors);
                };
                if from <= start || from >= end {
                    errors.push((
                        CalField::BreakStart,
                        format!(
                            "The break must start after {} and before {}.",
                            hm(start),
                            hm(end)
                        ),
                    ));
                }
                if to <= from {
                    errors.push((
                        CalField::BreakEnd,
                        "The break must end after it starts.".to_string(),
                    ));
                } else if to >= end {
                    errors.push((
                        CalField::BreakEnd,
                        format!("The break must end before the window does, at {}.", hm(end)),
                    ));
                }
                if !errors.is_empty() {
                    return Err(errors);
                }
                Ok(CalendarOp::SplitWindow {
                    doctor_id,
                    window_id,
                    break_start: from,
                    break_end: to,
                })
            }
            FormKind::ExtraHours => {
                let date = need(
                    &mut errors,
                    CalField::Date,
                    parse_date(form.value(CalField::Date)).ok_or_else(|| {
                        "Enter the date as YYYY-MM-DD, e.g. 2026-01-17.".to_string()
                    }),
                );
                let start = need(
                    &mut errors,
                    CalField::Start,
                    parse_time(form.value(CalField::Start))
                        .ok_or_else(|| "Enter the start as HH:MM, e.g. 18:00.".to_string()),
                );
                let end = need(
                    &mut errors,
                    CalField::End,
                    parse_time(form.value(CalField::End))
                        .ok_or_else(|| "Enter the end as HH:MM, e.g. 20:00.".to_string()),
                );
                let (Some(date), Some(start), Some(end)) = (date, start, end) else {
                    return Err(errors);
                };
                if end <= start {
                    return Err(vec![(
                        CalField::End,
                        "The hours must end after they start.".to_string(),
                    )]);
                }
                Ok(CalendarOp::AddExtraHours {
                    doctor_id,
                    hours: ExtraHours::new(date, start, end, cf.location()),
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
                    DeleteTarget::ExtraHours { id, .. } => {
                        CalendarOp::DeleteExtraHours { doctor_id, id: *id }
                    }
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
                        if self.doctor_id != Some(id) {
                            self.positioned = false;
                        }
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
