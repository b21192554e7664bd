//! The weekly availability calendar: seven day columns by half-hour rows (the whole day,
//! clinic time; it opens at the first hour of the week's windows or extra hours and
//! fills the screen's rows). Weekly windows (they repeat every week) are shaded `░`,
//! extra hours on one date `▒`, time off is marked `×`, booked appointments show the
//! patient's name (`▸` on their first row, `│` after). A cell cursor moves with the
//! arrows or `hjkl`; `[`/`]`/`t` change the week; `a`, `e`, `s`, `d`, `o`, `x` edit
//! (doctors their own week, admins anyone's; front desk reads); `/` picks a doctor
//! (admin, front desk). Time off over booked appointments lists them and asks whether
//! to cancel them (with a reason) or keep them.
//!
//! Key handling is in `keys`, the requests and their replies in `ops`, the forms' parsers
//! in `parse`, drawing in `view`. Nothing here does I/O or reads the clock.

mod keys;
mod ops;
mod parse;
mod view;

use chrono::{
    Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Timelike, Weekday,
};
use chrono_tz::Tz;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use tui_input::Input;

pub use ops::{CalendarOp, CalendarReply};
pub use parse::{parse_date, parse_location, parse_time};

use crate::domain::Role;
use crate::domain::availability::{StoredTimeOff, StoredWindow};
use crate::domain::extra_hours::StoredExtraHours;
use crate::service::availability::{DoctorSummary, WeekAppointment, WeekView, monday_of};
use crate::service::time_off::TimeOffConflict;
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Actions, Commands, Ctx, Screen};
use crate::tui::widgets::form::Form;

/// The first row starts at this hour; rows are [`ROW_MINUTES`] long.
pub const FIRST_HOUR: u32 = 0;
/// The last row ends at this hour (the whole day: extra hours may be early or late).
pub const LAST_HOUR: u32 = 24;
/// Where the grid opens when the week has no windows or extra hours.
pub const DEFAULT_OPEN_HOUR: u32 = 8;
pub const ROW_MINUTES: u32 = 30;
/// Number of time rows.
pub const ROWS: usize = ((LAST_HOUR - FIRST_HOUR) * 60 / ROW_MINUTES) as usize;
/// Lines of the screen area that are not time rows: title, day headers, detail line.
const CHROME_LINES: u16 = 3;

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

impl Viewer {
    /// Who is looking: a doctor sees their own calendar; admins and the front desk choose.
    pub fn of(cx: &Ctx) -> Viewer {
        match (cx.role(), cx.actor_id()) {
            (Role::Doctor, Some(id)) => Viewer::Doctor(id),
            (role, _) => Viewer::Staff(role),
        }
    }
}

/// A field of the window form or the time-off form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalField {
    Start,
    End,
    Location,
    FromDate,
    FromTime,
    ToDate,
    ToTime,
    Reason,
    /// Extra hours: their date.
    Date,
    BreakStart,
    BreakEnd,
    /// Why the booked appointments inside new time off are cancelled.
    CancelReason,
}

impl CalField {
    /// The label, as the form shows it.
    pub fn label(self) -> &'static str {
        match self {
            CalField::Start => "Start",
            CalField::End => "End",
            CalField::Location => "Location",
            CalField::FromDate => "From date",
            CalField::FromTime => "From time",
            CalField::ToDate => "To date",
            CalField::ToTime => "To time",
            CalField::Reason => "Reason",
            CalField::Date => "Date",
            CalField::BreakStart => "Break from",
            CalField::BreakEnd => "Break until",
            CalField::CancelReason => "Reason",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    /// Add (`window_id` None) or edit a weekly window on `weekday`.
    Window {
        window_id: Option<i32>,
        weekday: Weekday,
    },
    TimeOff,
    /// Split window `window_id` (`start`–`end`) for a break.
    Split {
        window_id: i32,
        weekday: Weekday,
        start: NaiveTime,
        end: NaiveTime,
    },
    /// Open extra hours on a date.
    ExtraHours,
}

/// The add/edit window form and the time-off form: what was typed stays, and every
/// mistake is shown under its field.
#[derive(Debug, Clone)]
pub struct CalendarForm {
    pub kind: FormKind,
    pub form: Form<CalField>,
    /// The request id of a save in flight.
    pub pending: Option<u64>,
    /// For a window or extra hours form: the location ids of the Location choice's
    /// options after the first ("any location").
    pub location_ids: Vec<i32>,
}

/// New time off overlaps booked appointments: they are listed, and the question is
/// whether to cancel them (then a reason is asked) or keep them. Back returns to the
/// time-off form as it was typed.
#[derive(Debug, Clone)]
pub struct TimeOffQuestion {
    /// The time-off form, as typed.
    pub form: CalendarForm,
    pub doctor_id: i32,
    pub input: crate::service::availability::TimeOffInput,
    pub conflicts: Vec<TimeOffConflict>,
    /// The reason form once "cancel them" was chosen.
    pub reason: Option<Form<CalField>>,
    pub pending: Option<u64>,
}

/// What `d` deletes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteTarget {
    Window { id: i32, label: String },
    TimeOff { id: i32, label: String },
    ExtraHours { id: i32, label: String },
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
    Form(CalendarForm),
    Confirm(Confirm),
    Search(DoctorSearch),
    TimeOffConflicts(Box<TimeOffQuestion>),
}

#[derive(Debug, Clone)]
pub struct CalendarScreen {
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
    /// Whether the cursor was put at the first hour of a loaded week (once per doctor).
    pub positioned: bool,
    pub modal: Option<Modal>,
    pub week_request: Option<u64>,
    pub doctors_request: Option<u64>,
    pub save_request: Option<u64>,
}

/// What is under one cell.
#[derive(Debug, Clone, Default)]
pub struct CellInfo<'a> {
    pub window: Option<&'a StoredWindow>,
    pub extra: Option<&'a StoredExtraHours>,
    pub time_off: Option<&'a StoredTimeOff>,
    pub appointments: Vec<&'a WeekAppointment>,
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

/// The row a local time of day falls in.
pub fn row_of(t: NaiveTime) -> usize {
    let minutes = i64::from(t.hour() * 60 + t.minute()) - i64::from(FIRST_HOUR * 60);
    usize::try_from(minutes / i64::from(ROW_MINUTES))
        .unwrap_or(0)
        .min(ROWS - 1)
}

/// Time rows that fit a screen of `height` lines (title, message and key lines excluded).
pub fn visible_rows_for_screen(height: u16) -> usize {
    usize::from(height.saturating_sub(3 + CHROME_LINES)).max(1)
}

impl CalendarScreen {
    /// A calendar opened on `today`'s week. Doctors see their own; staff pick a doctor.
    /// The cursor starts on today at [`DEFAULT_OPEN_HOUR`] and moves to the first hour of
    /// the week's windows or extra hours when the week arrives.
    pub fn new(viewer: Viewer, today: NaiveDate) -> CalendarScreen {
        let row =
            row_of(NaiveTime::from_hms_opt(DEFAULT_OPEN_HOUR, 0, 0).unwrap_or(NaiveTime::MIN));
        let doctor_id = match viewer {
            Viewer::Doctor(id) => Some(id),
            Viewer::Staff(_) => None,
        };
        CalendarScreen {
            viewer,
            doctor_id,
            week_monday: monday_of(today),
            week: None,
            doctors: Vec::new(),
            day: today.weekday().num_days_from_monday() as usize,
            row,
            scroll: row,
            positioned: false,
            modal: None,
            week_request: None,
            doctors_request: None,
            save_request: None,
        }
    }

    /// The calendar for whoever is signed in, on this week.
    pub fn for_user(cx: &Ctx) -> CalendarScreen {
        let mut cal = CalendarScreen::new(Viewer::of(cx), cx.today());
        cal.keep_visible(visible_rows_for_screen(cx.size.1));
        cal
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
            Some(Modal::TimeOffConflicts(q)) => match &q.reason {
                Some(_) => Context::Form,
                None => Context::CalendarConflict,
            },
        }
    }

    /// The first row to show for a week: the hour the earliest weekly window or extra
    /// hours of the week start in, else [`DEFAULT_OPEN_HOUR`].
    pub fn first_row(week: &WeekView) -> usize {
        let earliest = week
            .windows
            .iter()
            .map(|w| w.window.start)
            .chain(week.extra_hours.iter().map(|x| x.hours.start))
            .min()
            .unwrap_or(NaiveTime::from_hms_opt(DEFAULT_OPEN_HOUR, 0, 0).unwrap_or(NaiveTime::MIN));
        let hour = NaiveTime::from_hms_opt(earliest.hour(), 0, 0).unwrap_or(NaiveTime::MIN);
        row_of(hour)
    }

    /// Puts the cursor and the first visible row at the week's first hour, once.
    pub(super) fn position_at_first_hour(&mut self) {
        if self.positioned {
            return;
        }
        if let Some(week) = self.current_week() {
            let row = CalendarScreen::first_row(week);
            self.row = row;
            self.scroll = row;
            self.positioned = true;
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
        // A cell that ends at midnight ends at the end of its day.
        let end_time = if end.date() > start.date() {
            NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN)
        } else {
            end.time()
        };
        let window = week.windows.iter().find(|w| {
            w.window.weekday == weekday && w.window.start < end_time && w.window.end > start.time()
        });
        let extra = week.extra_hours.iter().find(|x| {
            x.hours.date == start.date() && x.hours.start < end_time && x.hours.end > start.time()
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
            extra,
            time_off,
            appointments,
        }
    }

    /// Keeps the cursor within `visible` rows on screen.
    pub fn keep_visible(&mut self, visible: usize) {
        self.scroll = scroll_for(self.scroll, self.row, visible);
    }

    /// Doctors matching the search text (name or specialization, ignoring case).
    pub fn filtered_doctors(&self, query: &str) -> Vec<&DoctorSummary> {
        crate::tui::widgets::picker::filter_doctors(&self.doctors, query)
    }

    /// The commands of the week grid: the editing keys only for those who may edit
    /// (doctors their own week, admins), enabled where the cursor allows them.
    fn grid_commands(&self, cx: &Ctx, out: &mut Commands) {
        out.group(&[Command::PrevWeek, Command::NextWeek], "week", true)
            .more(Command::NextWeek, "next week", true)
            .add(Command::ThisWeek, "today", true);
        if matches!(cx.role(), Role::Doctor | Role::Admin) {
            let editable = self.can_edit();
            let cell = self.cell(self.day, self.row);
            let has_window = cell.window.is_some();
            let deletable = has_window || cell.time_off.is_some() || cell.extra.is_some();
            out.add(Command::AddWindow, "add", editable)
                .add(Command::Edit, "edit", editable && has_window)
                .add(Command::Delete, "del", editable && deletable)
                .add(Command::AddTimeOff, "off", editable)
                .add(Command::SplitWindow, "split", editable && has_window)
                .add(Command::AddExtraHours, "extra", editable);
        }
        if matches!(self.viewer, Viewer::Staff(_)) {
            out.add(Command::Search, "doctor", true);
        }
        out.add(Command::Back, "back", true)
            .more(Command::Left, "move", true)
            .more(Command::Right, "move", true)
            .more(Command::Up, "move", true)
            .more(Command::Down, "move", true);
    }
}

impl Screen for CalendarScreen {
    type Op = CalendarOp;

    fn context(&self) -> Context {
        CalendarScreen::context(self)
    }

    fn on_enter(&mut self, cx: &Ctx) -> Actions<CalendarOp> {
        self.keep_visible(visible_rows_for_screen(cx.size.1));
        vec![crate::tui::screen::Action::Request(self.initial_request())]
    }

    fn on_key(&mut self, key: KeyEvent, command: Option<Command>, cx: &Ctx) -> Actions<CalendarOp> {
        let actions = self.handle(key, command, cx.today());
        self.keep_visible(visible_rows_for_screen(cx.size.1));
        actions
    }

    fn started(&mut self, request: u64, op: &CalendarOp) {
        self.remember(request, op);
    }

    fn on_reply(&mut self, request: u64, reply: CalendarReply, cx: &Ctx) -> Actions<CalendarOp> {
        let actions = self.answer(request, reply);
        self.keep_visible(visible_rows_for_screen(cx.size.1));
        actions
    }

    fn abandon(&mut self, request: u64) {
        use super::abandon::forget;
        forget(&mut self.week_request, request);
        forget(&mut self.doctors_request, request);
        forget(&mut self.save_request, request);
        if let Some(Modal::Form(f)) = &mut self.modal
            && forget(&mut f.pending, request)
        {
            f.form.set_pending(false);
        }
        if let Some(Modal::Confirm(c)) = &mut self.modal {
            forget(&mut c.pending, request);
        }
        if let Some(Modal::TimeOffConflicts(q)) = &mut self.modal
            && forget(&mut q.pending, request)
            && let Some(reason) = &mut q.reason
        {
            reason.set_pending(false);
        }
    }

    fn on_resize(&mut self, cx: &Ctx) {
        self.keep_visible(visible_rows_for_screen(cx.size.1));
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        view::render(frame, area, self, cx.today(), cx.theme);
    }

    fn commands(&self, cx: &Ctx, out: &mut Commands) {
        match &self.modal {
            None => self.grid_commands(cx, out),
            Some(Modal::Form(f)) => {
                out.add(Command::NextField, "next field", true)
                    .add(Command::Save, "save", f.pending.is_none())
                    .add(Command::Cancel, "cancel", true)
                    .more(Command::PrevField, "previous field", true);
            }
            Some(Modal::Confirm(c)) => {
                out.add(Command::Yes, "delete", c.pending.is_none()).add(
                    Command::No,
                    "keep",
                    c.pending.is_none(),
                );
            }
            Some(Modal::Search(s)) => {
                let any = !self.filtered_doctors(s.query.value()).is_empty();
                out.group(&[Command::Up, Command::Down], "move", any)
                    .add(Command::Open, "choose", any)
                    .add(Command::Cancel, "cancel", true);
            }
            Some(Modal::TimeOffConflicts(q)) => match &q.reason {
                Some(_) => {
                    out.add(Command::Save, "cancel them", q.pending.is_none())
                        .add(Command::Cancel, "back", true);
                }
                None => {
                    let free = q.pending.is_none();
                    out.add(Command::CancelBooked, "cancel them", free)
                        .add(Command::KeepBooked, "keep them", free)
                        .add(Command::Back, "back to the form", free);
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrolling_keeps_the_cursor_visible_and_moves_little() {
        assert_eq!(scroll_for(0, 5, 18), 0);
        assert_eq!(scroll_for(0, 18, 18), 1);
        assert_eq!(scroll_for(5, 3, 18), 3);
        assert_eq!(scroll_for(10, 27, 18), 10);
        assert_eq!(scroll_for(20, 27, 48), 0, "everything fits");
        assert_eq!(visible_rows_for_screen(24), 18);
        assert_eq!(visible_rows_for_screen(2), 1);
    }
}
