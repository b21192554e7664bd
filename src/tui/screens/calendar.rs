//! The weekly availability calendar: seven day columns by half-hour rows (07:00–21:00,
//! clinic time). Weekly windows are shaded `░`, time off is marked `×`, booked appointments
//! show the patient's name (`▸` on their first row, `│` after). A cell cursor moves with the
//! arrows or `hjkl`; `[`/`]`/`t` change the week; `a`, `e`, `d`, `o` edit (doctors their own
//! week, admins anyone's; front desk reads); `/` picks a doctor (admin, front desk).
//!
//! Pure: key handling returns [`Action`]s, results arrive through [`CalendarState::on_reply`];
//! nothing here does I/O or reads the clock.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Weekday};
use chrono_tz::Tz;
use crossterm::event::{Event, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::domain::Role;
use crate::domain::availability::Window;
use crate::domain::availability::{StoredTimeOff, StoredWindow};
use crate::service::availability::{
    DoctorSummary, LocationRef, TimeOffInput, WeekAppointment, WeekView, monday_of,
};
use crate::tui::effect::CalendarOp;
use crate::tui::keymap::{Command, Context};
use crate::tui::msg::CalendarReply;
use crate::tui::theme::Theme;
use crate::tui::widgets::{popup, text_field};

/// The first row starts at this hour; rows are [`ROW_MINUTES`] long.
pub const FIRST_HOUR: u32 = 7;
/// The last row ends at this hour.
pub const LAST_HOUR: u32 = 21;
pub const ROW_MINUTES: u32 = 30;
/// Number of time rows.
pub const ROWS: usize = ((LAST_HOUR - FIRST_HOUR) * 60 / ROW_MINUTES) as usize;
/// Lines of the screen area that are not time rows: title, day headers, detail line.
const CHROME_LINES: u16 = 3;
/// Width of the time label column.
const LABEL_WIDTH: u16 = 6;

const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// The role-dependent way the screen opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// A doctor: only their own calendar.
    Doctor(i32),
    /// Admin (edits anyone) or front desk (reads anyone): a doctor is picked with `/`.
    Staff(Role),
}

/// A form's field: its label, what was typed and a hint.
#[derive(Debug, Clone)]
pub struct FormField {
    pub label: &'static str,
    pub input: Input,
    pub hint: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    /// Add (`window_id` None) or edit a weekly window on `weekday`.
    Window {
        window_id: Option<i32>,
        weekday: Weekday,
    },
    TimeOff,
}

/// The add/edit window form and the time-off form.
#[derive(Debug, Clone)]
pub struct Form {
    pub kind: FormKind,
    pub fields: Vec<FormField>,
    pub focus: usize,
    /// Why the last save was refused; what was typed stays.
    pub error: Option<String>,
    /// The request id of a save in flight.
    pub pending: Option<u64>,
}

/// What `d` deletes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteTarget {
    Window { id: i32, label: String },
    TimeOff { id: i32, label: String },
}

#[derive(Debug, Clone)]
pub struct Confirm {
    pub target: DeleteTarget,
    pub pending: Option<u64>,
}

/// The `/` doctor picker: a filter and a selection in the filtered list.
#[derive(Debug, Clone, Default)]
pub struct DoctorSearch {
    pub query: Input,
    pub selected: usize,
}

#[derive(Debug, Clone)]
pub enum Modal {
    Form(Form),
    Confirm(Confirm),
    Search(DoctorSearch),
}

#[derive(Debug, Clone)]
pub struct CalendarState {
    pub viewer: Viewer,
    /// The doctor shown (None until one is picked).
    pub doctor_id: Option<i32>,
    pub week_monday: NaiveDate,
    /// The last loaded week; shown only when it matches `doctor_id` and `week_monday`.
    pub week: Option<WeekView>,
    pub doctors: Vec<DoctorSummary>,
    /// Cursor: day column (0 = Monday) and time row.
    pub day: usize,
    pub row: usize,
    /// First visible time row.
    pub scroll: usize,
    pub modal: Option<Modal>,
    pub week_request: Option<u64>,
    pub doctors_request: Option<u64>,
    pub save_request: Option<u64>,
}

/// What the app should do after a key or a reply on this screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    Back,
    Request(CalendarOp),
    Info(String),
    Error(String),
}

/// What a reply changed, for the app (see [`super::Outcome`]).
pub type ReplyOutcome = super::Outcome<CalendarOp>;

/// What is under one cell.
#[derive(Debug, Clone, Default)]
pub struct CellInfo<'a> {
    pub window: Option<&'a StoredWindow>,
    pub time_off: Option<&'a StoredTimeOff>,
    pub appointments: Vec<&'a WeekAppointment>,
}

/// `HH:MM` → time. Accepts `9`, `09`, `9:30`, `09:30`, `930`, `0930`; `24:00` means the
/// last minute of the day (23:59), since windows cannot end at midnight.
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let s = text.trim();
    if s.is_empty() || !s.is_ascii() {
        return None;
    }
    let (h, m) = match s.split_once(':') {
        Some((h, m)) => (h, m),
        None if s.len() <= 2 => (s, "0"),
        None if s.len() <= 4 => s.split_at(s.len() - 2),
        None => return None,
    };
    let digits = |p: &str| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || !digits(m) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    if h == 24 && m == 0 {
        return NaiveTime::from_hms_opt(23, 59, 0);
    }
    NaiveTime::from_hms_opt(h, m, 0)
}

/// `YYYY-MM-DD` → date, within the dates the clinic records.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    crate::domain::validation::date(text).ok()
}

/// Resolves what was typed in a location field: empty = any, a number, or a name
/// (exact or the only one starting with the text, ignoring case).
pub fn parse_location(text: &str, known: &[LocationRef]) -> Result<Option<i32>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if let Ok(id) = t.parse::<i32>() {
        return Ok(Some(id));
    }
    let lower = t.to_lowercase();
    if let Some(l) = known.iter().find(|l| l.name.to_lowercase() == lower) {
        return Ok(Some(l.id));
    }
    let matching: Vec<&LocationRef> = known
        .iter()
        .filter(|l| l.name.to_lowercase().starts_with(&lower))
        .collect();
    match matching.as_slice() {
        [one] => Ok(Some(one.id)),
        [] if known.is_empty() => Err(format!("There is no location called \"{t}\".")),
        [] => Err(format!(
            "There is no location called \"{t}\". Known: {}.",
            known
                .iter()
                .map(|l| l.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        _ => Err(format!(
            "\"{t}\" matches several locations; type more of the name."
        )),
    }
}

fn weekday_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

fn hm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// Local wall-clock time of a UTC instant.
fn local(tz: Tz, utc: NaiveDateTime) -> NaiveDateTime {
    tz.from_utc_datetime(&utc).naive_local()
}

/// The first visible row so that `row` is visible in `visible` rows, moving `scroll` as
/// little as possible.
pub fn scroll_for(scroll: usize, row: usize, visible: usize) -> usize {
    let visible = visible.max(1);
    let max_scroll = ROWS.saturating_sub(visible);
    let s = if row < scroll {
        row
    } else if row >= scroll + visible {
        row + 1 - visible
    } else {
        scroll
    };
    s.min(max_scroll)
}

/// Time rows that fit a screen of `height` lines (title, message and key lines excluded).
pub fn visible_rows_for_screen(height: u16) -> usize {
    usize::from(height.saturating_sub(3 + CHROME_LINES)).max(1)
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

impl CalendarState {
    /// A calendar opened on `today`'s week. Doctors see their own; staff pick a doctor.
    pub fn new(viewer: Viewer, today: NaiveDate, now_local: NaiveTime) -> CalendarState {
        let first = NaiveTime::from_hms_opt(FIRST_HOUR, 0, 0).unwrap_or(NaiveTime::MIN);
        let minutes = (now_local - first).num_minutes();
        let row = if minutes >= 0 {
            usize::try_from(minutes / i64::from(ROW_MINUTES))
                .unwrap_or(0)
                .min(ROWS - 1)
        } else {
            0
        };
        let doctor_id = match viewer {
            Viewer::Doctor(id) => Some(id),
            Viewer::Staff(_) => None,
        };
        CalendarState {
            viewer,
            doctor_id,
            week_monday: monday_of(today),
            week: None,
            doctors: Vec::new(),
            day: today.weekday().num_days_from_monday() as usize,
            row,
            scroll: 0,
            modal: None,
            week_request: None,
            doctors_request: None,
            save_request: None,
        }
    }

    /// The first request when the screen opens.
    pub fn initial_request(&self) -> CalendarOp {
        match self.doctor_id {
            Some(doctor_id) => CalendarOp::LoadWeek {
                doctor_id,
                monday: self.week_monday,
            },
            None => CalendarOp::LoadDoctors,
        }
    }

    /// The keymap context: the grid's, or the open modal's.
    pub fn context(&self) -> Context {
        match &self.modal {
            None => Context::Calendar,
            Some(Modal::Form(_)) => Context::Form,
            Some(Modal::Search(_)) => Context::Search,
            Some(Modal::Confirm(_)) => Context::Confirm,
        }
    }

    /// The loaded week if it is the one being looked at.
    pub fn current_week(&self) -> Option<&WeekView> {
        self.week
            .as_ref()
            .filter(|w| Some(w.doctor.id) == self.doctor_id && w.week_monday == self.week_monday)
    }

    pub fn can_edit(&self) -> bool {
        self.current_week().is_some_and(|w| w.can_edit)
    }

    /// The cursor's date.
    pub fn cursor_date(&self) -> NaiveDate {
        self.week_monday + Days::new(self.day as u64)
    }

    /// Local wall-clock `[start, end)` of a cell.
    pub fn cell_range(&self, day: usize, row: usize) -> (NaiveDateTime, NaiveDateTime) {
        let date = self.week_monday + Days::new(day as u64);
        let minutes = i64::from(FIRST_HOUR * 60) + (row as i64) * i64::from(ROW_MINUTES);
        let start = date.and_time(NaiveTime::MIN) + TimeDelta::minutes(minutes);
        (start, start + TimeDelta::minutes(i64::from(ROW_MINUTES)))
    }

    /// What lies under a cell of the current week.
    pub fn cell(&self, day: usize, row: usize) -> CellInfo<'_> {
        let Some(week) = self.current_week() else {
            return CellInfo::default();
        };
        let tz = week.time_zone;
        let (start, end) = self.cell_range(day, row);
        let weekday = WEEKDAYS[day.min(6)];
        let window = week.windows.iter().find(|w| {
            w.window.weekday == weekday
                && w.window.start < end.time()
                && w.window.end > start.time()
        });
        // The cell's bounds in UTC, converted once, so that every appointment and time
        // off is compared without a time-zone conversion each (this runs for every cell
        // of every frame). Local times that do not exist (a DST gap) compare locally.
        let utc_bounds = crate::domain::availability::local_to_utc(tz, start)
            .zip(crate::domain::availability::local_to_utc(tz, end));
        let overlaps = |s: NaiveDateTime, e: NaiveDateTime| match utc_bounds {
            Some((us, ue)) => s < ue && e > us,
            None => local(tz, s) < end && local(tz, e) > start,
        };
        let time_off = week
            .time_off
            .iter()
            .find(|t| overlaps(t.time_off.start_utc, t.time_off.end_utc));
        let appointments = week
            .appointments
            .iter()
            .filter(|a| overlaps(a.start_utc, a.end_utc))
            .collect();
        CellInfo {
            window,
            time_off,
            appointments,
        }
    }

    /// Moves the cursor and keeps it within `visible` rows on screen.
    pub fn keep_visible(&mut self, visible: usize) {
        self.scroll = scroll_for(self.scroll, self.row, visible);
    }

    fn load_week(&mut self) -> Action {
        match self.doctor_id {
            Some(doctor_id) => Action::Request(CalendarOp::LoadWeek {
                doctor_id,
                monday: self.week_monday,
            }),
            None => Action::Info("Choose a doctor with /.".into()),
        }
    }

    fn editable(&self) -> Result<i32, Action> {
        let Some(doctor_id) = self.doctor_id else {
            return Err(Action::Info("Choose a doctor with / first.".into()));
        };
        match self.current_week() {
            None => Err(Action::Info("The week is still loading.".into())),
            Some(w) if !w.can_edit => Err(Action::Error(
                "This calendar is read-only for you: only the doctor or an admin can change it."
                    .into(),
            )),
            Some(_) => Ok(doctor_id),
        }
    }

    /// Handles a key; `command` is what the keymap made of it in [`Self::context`].
    /// `today` is the clinic's current date (from the app's tick, not the clock).
    pub fn on_key(&mut self, key: KeyEvent, command: Option<Command>, today: NaiveDate) -> Action {
        match self.modal.take() {
            None => self.on_grid_key(command, today),
            Some(Modal::Form(mut form)) => {
                let action = self.on_form_key(&mut form, key, command);
                if !matches!(command, Some(Command::Cancel)) {
                    self.modal = Some(Modal::Form(form));
                }
                action
            }
            Some(Modal::Confirm(confirm)) => self.on_confirm_key(confirm, command),
            Some(Modal::Search(mut search)) => {
                let (action, keep) = self.on_search_key(&mut search, key, command);
                if keep {
                    self.modal = Some(Modal::Search(search));
                }
                action
            }
        }
    }

    fn on_grid_key(&mut self, command: Option<Command>, today: NaiveDate) -> Action {
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
            Some(Command::Back) => return Action::Back,
            Some(Command::Search) => return self.open_search(),
            Some(Command::AddWindow) => return self.open_window_form(None),
            Some(Command::Edit) => {
                let Some(w) = self.cell(self.day, self.row).window.cloned() else {
                    return Action::Info("No window here. Press a to add one.".into());
                };
                return self.open_window_form(Some(w));
            }
            Some(Command::Delete) => return self.ask_delete(),
            Some(Command::AddTimeOff) => return self.open_time_off_form(),
            _ => {}
        }
        Action::None
    }

    fn open_search(&mut self) -> Action {
        if let Viewer::Doctor(_) = self.viewer {
            return Action::Info("Doctors see their own calendar.".into());
        }
        self.modal = Some(Modal::Search(DoctorSearch::default()));
        if self.doctors.is_empty() && self.doctors_request.is_none() {
            return Action::Request(CalendarOp::LoadDoctors);
        }
        Action::None
    }

    fn open_window_form(&mut self, existing: Option<StoredWindow>) -> Action {
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
        Action::None
    }

    fn open_time_off_form(&mut self) -> Action {
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
        Action::None
    }

    fn ask_delete(&mut self) -> Action {
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
            return Action::Info("Nothing to delete here.".into());
        };
        self.modal = Some(Modal::Confirm(Confirm {
            target,
            pending: None,
        }));
        Action::None
    }

    fn on_form_key(&mut self, form: &mut Form, key: KeyEvent, command: Option<Command>) -> Action {
        let n = form.fields.len().max(1);
        match command {
            Some(Command::NextField) => form.focus = (form.focus + 1) % n,
            Some(Command::PrevField) => form.focus = (form.focus + n - 1) % n,
            Some(Command::Cancel) => return Action::None,
            Some(Command::Save) => {
                if form.pending.is_some() {
                    return Action::None;
                }
                return match self.form_request(form) {
                    Ok(op) => {
                        form.error = None;
                        Action::Request(op)
                    }
                    Err(message) => {
                        form.error = Some(message);
                        Action::None
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
        Action::None
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

    fn on_confirm_key(&mut self, mut confirm: Confirm, command: Option<Command>) -> Action {
        match command {
            Some(Command::Yes) if confirm.pending.is_none() => {
                let Some(doctor_id) = self.doctor_id else {
                    return Action::None;
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
                Action::Request(op)
            }
            Some(Command::No) => Action::Info("Nothing was deleted.".into()),
            _ => {
                self.modal = Some(Modal::Confirm(confirm));
                Action::None
            }
        }
    }

    /// Doctors matching the search text (name or specialization, ignoring case).
    pub fn filtered_doctors(&self, query: &str) -> Vec<&DoctorSummary> {
        crate::tui::widgets::picker::filter_doctors(&self.doctors, query)
    }

    fn on_search_key(
        &mut self,
        search: &mut DoctorSearch,
        key: KeyEvent,
        command: Option<Command>,
    ) -> (Action, bool) {
        let count = self.filtered_doctors(search.query.value()).len();
        match command {
            Some(Command::Up) => search.selected = search.selected.saturating_sub(1),
            Some(Command::Down) => {
                search.selected = (search.selected + 1).min(count.saturating_sub(1))
            }
            Some(Command::Cancel) => return (Action::None, false),
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
                    None => (
                        Action::Info("No doctor matches; change the search.".into()),
                        true,
                    ),
                };
            }
            _ => {
                search.query.handle_event(&Event::Key(key));
                search.selected = 0;
            }
        }
        (Action::None, true)
    }

    /// Records the id of a request this screen started.
    pub fn started(&mut self, op: &CalendarOp, request: u64) {
        match op {
            CalendarOp::LoadWeek { .. } => self.week_request = Some(request),
            CalendarOp::LoadDoctors => self.doctors_request = Some(request),
            _ => {
                self.save_request = Some(request);
                match &mut self.modal {
                    Some(Modal::Form(f)) => f.pending = Some(request),
                    Some(Modal::Confirm(c)) => c.pending = Some(request),
                    _ => {}
                }
            }
        }
    }

    /// A result came back; stale ones (not the latest request of their kind) are dropped.
    pub fn on_reply(&mut self, request: u64, reply: CalendarReply) -> ReplyOutcome {
        let mut out = ReplyOutcome::default();
        match reply {
            CalendarReply::Week(result) => {
                if self.week_request != Some(request) {
                    return out;
                }
                self.week_request = None;
                out.current = true;
                match result {
                    Ok(week) => self.week = Some(week),
                    Err(e) => out.error = Some(e),
                }
            }
            CalendarReply::Doctors(result) => {
                if self.doctors_request != Some(request) {
                    return out;
                }
                self.doctors_request = None;
                out.current = true;
                match result {
                    Ok(doctors) => {
                        self.doctors = doctors;
                        if self.doctor_id.is_none() {
                            match self.doctors.first() {
                                Some(d) => {
                                    self.doctor_id = Some(d.id);
                                    out.then = Some(CalendarOp::LoadWeek {
                                        doctor_id: d.id,
                                        monday: self.week_monday,
                                    });
                                }
                                None => out.info = Some("There are no doctors yet.".into()),
                            }
                        }
                    }
                    Err(e) => out.error = Some(e),
                }
            }
            CalendarReply::Saved(result) => {
                if self.save_request != Some(request) {
                    return out;
                }
                self.save_request = None;
                out.current = true;
                match result {
                    Ok(message) => {
                        if matches!(&self.modal, Some(Modal::Form(_) | Modal::Confirm(_))) {
                            self.modal = None;
                        }
                        out.info = Some(message);
                        out.then = self.doctor_id.map(|doctor_id| CalendarOp::LoadWeek {
                            doctor_id,
                            monday: self.week_monday,
                        });
                    }
                    Err(e) => {
                        match &mut self.modal {
                            Some(Modal::Form(f)) => {
                                f.pending = None;
                                f.error = Some(e.clone());
                            }
                            Some(Modal::Confirm(_)) => self.modal = None,
                            _ => {}
                        }
                        out.error = Some(e);
                    }
                }
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------
// Rendering

fn fit(text: &str, width: usize) -> String {
    let mut s: String = text.chars().take(width).collect();
    let n = s.chars().count();
    s.extend(std::iter::repeat_n(' ', width - n));
    s
}

/// The characters and style of one cell, `width` columns wide.
fn cell_text(
    state: &CalendarState,
    day: usize,
    row: usize,
    width: usize,
    theme: &Theme,
) -> (String, Style) {
    let info = state.cell(day, row);
    let tz = state.current_week().map(|w| w.time_zone);
    if let (Some(first), Some(tz)) = (info.appointments.first(), tz) {
        let (start, _) = state.cell_range(day, row);
        let begins_here = local(tz, first.start_utc) >= start;
        let mark = if begins_here { '▸' } else { '│' };
        let more = if info.appointments.len() > 1 {
            format!("+{}", info.appointments.len() - 1)
        } else {
            String::new()
        };
        let room = width.saturating_sub(1 + more.chars().count());
        let name: String = first.patient_name.chars().take(room).collect();
        let text = fit(&format!("{mark}{name}{more}"), width);
        let style = if begins_here {
            Style::new().add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        return (text, style);
    }
    if info.time_off.is_some() {
        return ("×".repeat(width), theme.error());
    }
    if info.window.is_some() {
        return ("░".repeat(width), theme.dim());
    }
    (" ".repeat(width), Style::new())
}

/// A line about what is under the cursor.
fn detail_line(state: &CalendarState) -> String {
    let (start, end) = state.cell_range(state.day, state.row);
    let mut parts = vec![format!(
        "{} {}–{}",
        start.format("%a %-d %b"),
        hm(start.time()),
        hm(end.time())
    )];
    let Some(week) = state.current_week() else {
        return parts.join("");
    };
    let tz = week.time_zone;
    let info = state.cell(state.day, state.row);
    if let Some(w) = info.window {
        let at = w
            .window
            .location_id
            .map(|id| {
                week.locations
                    .iter()
                    .find(|l| l.id == id)
                    .map_or_else(|| format!(" @{id}"), |l| format!(" @{}", l.name))
            })
            .unwrap_or_default();
        parts.push(format!(
            "░ window {}–{}{at}",
            hm(w.window.start),
            hm(w.window.end)
        ));
    }
    if let Some(t) = info.time_off {
        let reason = if t.time_off.reason.is_empty() {
            "time off".to_string()
        } else {
            format!("time off: {}", t.time_off.reason)
        };
        parts.push(format!("× {reason}"));
    }
    for a in &info.appointments {
        parts.push(format!(
            "▸ {}–{} {}",
            crate::domain::local_time::label(tz, a.start_utc, "%H:%M"),
            crate::domain::local_time::label(tz, a.end_utc, "%H:%M"),
            a.patient_name
        ));
    }
    if parts.len() == 1 {
        parts.push("not available".into());
    }
    parts.join("  ")
}

pub fn render(
    frame: &mut Frame,
    area: Rect,
    state: &CalendarState,
    today: NaiveDate,
    theme: &Theme,
) {
    if area.height < CHROME_LINES + 1 || area.width < LABEL_WIDTH + 14 {
        return;
    }
    let width = usize::from(area.width);
    let line_rect = |i: u16| Rect {
        x: area.x,
        y: area.y + i,
        width: area.width,
        height: 1,
    };

    // Title: doctor, week, edit mode.
    let week_label = format!(
        "Week of {} (W{:02})",
        state.week_monday.format("%a %-d %b %Y"),
        state.week_monday.iso_week().week()
    );
    let title = match (state.current_week(), state.doctor_id) {
        (Some(w), _) => {
            let mut spans = vec![Span::styled(
                format!(" {} ", w.doctor.full_name),
                theme.title(),
            )];
            if width >= 100 {
                spans.push(Span::styled(
                    format!("{} · ", w.doctor.specialization),
                    theme.dim(),
                ));
            } else {
                spans.push(Span::raw("· "));
            }
            spans.push(Span::raw(week_label));
            if !w.can_edit {
                spans.push(Span::styled(" [read-only]", theme.key()));
            }
            spans.push(Span::styled(
                format!(" · {} free slots", w.free_slots.len()),
                theme.dim(),
            ));
            Line::from(spans)
        }
        (None, Some(_)) => Line::from(vec![
            Span::raw(format!(" {week_label}")),
            Span::styled("  loading…", theme.dim()),
        ]),
        (None, None) => Line::from(vec![
            Span::raw(format!(" {week_label}")),
            Span::styled("  no doctor chosen: press / to choose one", theme.dim()),
        ]),
    };
    frame.render_widget(Paragraph::new(title), line_rect(0));

    // Day headers.
    let col = (width - usize::from(LABEL_WIDTH)) / 7;
    let cell_w = col.saturating_sub(1).max(1);
    let mut spans = vec![Span::raw(" ".repeat(usize::from(LABEL_WIDTH)))];
    for (d, wd) in WEEKDAYS.iter().enumerate() {
        let date = state.week_monday + Days::new(d as u64);
        let mut text = if cell_w >= 10 {
            format!("{} {}", weekday_name(*wd), date.format("%-d"))
        } else {
            format!("{} {}", date.format("%a"), date.format("%-d"))
        };
        if date == today {
            text.push('*');
        }
        let mut style = Style::new().add_modifier(Modifier::BOLD);
        if d == state.day {
            style = style.add_modifier(Modifier::UNDERLINED);
        }
        spans.push(Span::styled(fit(&text, cell_w), style));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), line_rect(1));

    // Time rows.
    let visible = usize::from(area.height - CHROME_LINES);
    let scroll = scroll_for(state.scroll, state.row, visible);
    let mut lines = Vec::with_capacity(visible);
    for row in scroll..(scroll + visible).min(ROWS) {
        let (start, _) = state.cell_range(0, row);
        let label_style = if row == state.row {
            Style::new().add_modifier(Modifier::BOLD)
        } else if start.time().format("%M").to_string() == "00" {
            Style::new()
        } else {
            theme.dim()
        };
        let mut spans = vec![Span::styled(
            fit(&format!("{} ", hm(start.time())), usize::from(LABEL_WIDTH)),
            label_style,
        )];
        for day in 0..7 {
            let (text, mut style) = cell_text(state, day, row, cell_w, theme);
            let text = if day == state.day && row == state.row {
                style = theme.focus();
                // Visible without colour or reverse video too.
                let inner: String = text.chars().take(cell_w.saturating_sub(2)).collect();
                if cell_w >= 3 {
                    format!("[{}]", fit(&inner, cell_w - 2))
                } else {
                    text
                }
            } else {
                text
            };
            spans.push(Span::styled(text, style));
            spans.push(Span::raw(" "));
        }
        lines.push(Line::from(spans));
    }
    let grid = Rect {
        x: area.x,
        y: area.y + 2,
        width: area.width,
        height: area.height - CHROME_LINES,
    };
    frame.render_widget(Paragraph::new(lines), grid);

    // What is under the cursor, and the legend.
    let mut detail = vec![Span::styled(
        format!(" {}", detail_line(state)),
        theme.info(),
    )];
    let legend = "  │ ░ window × time off ▸ booked";
    let used = detail_line(state).chars().count() + 1;
    if used + legend.chars().count() <= width {
        detail.push(Span::styled(legend, theme.dim()));
    }
    frame.render_widget(
        Paragraph::new(Line::from(detail)),
        line_rect(area.height - 1),
    );

    match &state.modal {
        None => {}
        Some(Modal::Form(form)) => render_form(frame, area, form, theme),
        Some(Modal::Confirm(c)) => render_confirm(frame, area, c, theme),
        Some(Modal::Search(s)) => render_search(frame, area, state, s, theme),
    }
}

fn modal_block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(title, theme.title()))
}

fn render_form(frame: &mut Frame, area: Rect, form: &Form, theme: &Theme) {
    let height = u16::try_from(form.fields.len()).unwrap_or(8) + 6;
    let boxed = popup(frame, area, 64, height);
    let block = modal_block(form.title(), theme);
    let inner = block.inner(boxed);
    frame.render_widget(block, boxed);
    if inner.width < 20 || inner.height < 3 {
        return;
    }
    let label_w: u16 = 11;
    let field_w: u16 = 16.min(inner.width.saturating_sub(label_w + 2));
    let row = |i: u16| Rect {
        x: inner.x + 1,
        y: inner.y + i,
        width: inner.width.saturating_sub(2),
        height: 1,
    };
    for (i, field) in form.fields.iter().enumerate() {
        let r = row(u16::try_from(i).unwrap_or(0));
        if r.y >= inner.y + inner.height {
            break;
        }
        let focused = i == form.focus;
        let label_style = if focused { theme.title() } else { Style::new() };
        let marker = if focused { "▶" } else { " " };
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!("{marker}{}", field.label),
                label_style,
            )),
            Rect {
                width: label_w,
                ..r
            },
        );
        let f = Rect {
            x: r.x + label_w,
            width: field_w,
            ..r
        };
        if let Some(pos) = text_field(frame, f, &field.input, None, focused, theme) {
            frame.set_cursor_position(pos);
        }
        let hint = Rect {
            x: f.x + field_w + 1,
            width: r.width.saturating_sub(label_w + field_w + 1),
            ..r
        };
        frame.render_widget(Paragraph::new(Span::styled(field.hint, theme.dim())), hint);
    }
    let n = u16::try_from(form.fields.len()).unwrap_or(0);
    let message = if form.pending.is_some() {
        Line::from(Span::styled("Saving…", theme.info()))
    } else if let Some(e) = &form.error {
        Line::from(Span::styled(e.clone(), theme.error()))
    } else {
        Line::raw("")
    };
    let message_rect = Rect {
        height: 2.min(inner.height.saturating_sub(n + 1)),
        ..row(n + 1)
    };
    frame.render_widget(
        Paragraph::new(message).wrap(Wrap { trim: true }),
        message_rect,
    );
    if n + 3 < inner.height {
        frame.render_widget(
            Paragraph::new(Span::styled(
                "Enter/Ctrl-S save · Tab next field · Esc cancel",
                theme.dim(),
            )),
            row(n + 3),
        );
    }
}

fn render_confirm(frame: &mut Frame, area: Rect, c: &Confirm, theme: &Theme) {
    let label = match &c.target {
        DeleteTarget::Window { label, .. } | DeleteTarget::TimeOff { label, .. } => label,
    };
    let boxed = popup(frame, area, 60, 6);
    let lines = vec![
        Line::raw(format!("Delete {label}?")),
        Line::raw(""),
        Line::from(if c.pending.is_some() {
            vec![Span::styled("Deleting…", theme.info())]
        } else {
            vec![
                Span::styled("y", theme.key()),
                Span::raw(" delete   "),
                Span::styled("n", theme.key()),
                Span::raw("/"),
                Span::styled("Esc", theme.key()),
                Span::raw(" keep"),
            ]
        }),
    ];
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(modal_block(" Delete? ".into(), theme)),
        boxed,
    );
}

fn render_search(
    frame: &mut Frame,
    area: Rect,
    state: &CalendarState,
    search: &DoctorSearch,
    theme: &Theme,
) {
    use crate::tui::widgets::picker;
    let entries: Vec<String> = state
        .filtered_doctors(search.query.value())
        .into_iter()
        .map(picker::doctor_entry)
        .collect();
    let note = if state.doctors_request.is_some() && state.doctors.is_empty() {
        Some("Loading…")
    } else if entries.is_empty() {
        Some("No doctor matches.")
    } else {
        None
    };
    picker::render(
        frame,
        area,
        &picker::Picker {
            title: "Choose a doctor",
            query: &search.query,
            entries: &entries,
            selected: search.selected,
            note,
        },
        theme,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_in_the_usual_shapes() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(parse_time("9"), t(9, 0));
        assert_eq!(parse_time(" 09:30 "), t(9, 30));
        assert_eq!(parse_time("930"), t(9, 30));
        assert_eq!(parse_time("1745"), t(17, 45));
        assert_eq!(parse_time("24:00"), t(23, 59));
        for bad in ["", "25:00", "9:60", "abc", "12345", "9:3x", "٩:٣٠"] {
            assert_eq!(parse_time(bad), None, "{bad:?}");
        }
        assert_eq!(
            parse_date("2026-01-12"),
            NaiveDate::from_ymd_opt(2026, 1, 12)
        );
        assert_eq!(parse_date("12/01/2026"), None);
    }

    #[test]
    fn locations_resolve_by_number_or_name() {
        let known = vec![
            LocationRef {
                id: 1,
                name: "Main building".into(),
            },
            LocationRef {
                id: 2,
                name: "Mall annex".into(),
            },
        ];
        assert_eq!(parse_location("", &known), Ok(None));
        assert_eq!(parse_location("2", &known), Ok(Some(2)));
        assert_eq!(parse_location("main", &known), Ok(Some(1)));
        assert_eq!(parse_location("MALL ANNEX", &known), Ok(Some(2)));
        assert!(parse_location("m", &known).unwrap_err().contains("several"));
        assert!(
            parse_location("north", &known)
                .unwrap_err()
                .contains("Known: Main building, Mall annex")
        );
    }

    #[test]
    fn scrolling_keeps_the_cursor_visible_and_moves_little() {
        assert_eq!(scroll_for(0, 5, 18), 0);
        assert_eq!(scroll_for(0, 18, 18), 1);
        assert_eq!(scroll_for(5, 3, 18), 3);
        assert_eq!(scroll_for(10, 27, 18), 10);
        assert_eq!(scroll_for(20, 27, 40), 0, "everything fits");
        assert_eq!(visible_rows_for_screen(24), 18);
        assert_eq!(visible_rows_for_screen(2), 1);
    }
}
