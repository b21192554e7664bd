//! The free-time grid: days as columns, their free times inside. The cursor is a day
//! and a row (a time) within it. `]` `[` move a day, `}` `{` a week, PgDn PgUp a page of
//! days, ← → a day keeping the time of day, ↑ ↓ a time, Home End the first or last time
//! of the day, `g` a date (typed: 2026-12-07, mon, tomorrow, +3), `f` the first free
//! time; `p` shows the morning, the afternoon or the whole day. A date past the times
//! read loads its own `DAYS` days. Pure.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;
use crossterm::event::{Event, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::{BookingKey, BookingScreen, DAYS, DoctorChoice, SlotChoice, Step};
use crate::domain::local_time::label;
use crate::tui::keymap::Command;
use crate::tui::screen::Commands;
use crate::tui::theme::Theme;
use crate::tui::widgets::text_field;

/// Which free times of a day are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PartOfDay {
    #[default]
    All,
    /// Starting before noon.
    Morning,
    /// Starting at noon or later.
    Afternoon,
}

impl PartOfDay {
    pub fn next(self) -> PartOfDay {
        match self {
            PartOfDay::All => PartOfDay::Morning,
            PartOfDay::Morning => PartOfDay::Afternoon,
            PartOfDay::Afternoon => PartOfDay::All,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PartOfDay::All => "all day",
            PartOfDay::Morning => "morning",
            PartOfDay::Afternoon => "afternoon",
        }
    }

    pub fn holds(self, local: NaiveTime) -> bool {
        let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN);
        match self {
            PartOfDay::All => true,
            PartOfDay::Morning => local < noon,
            PartOfDay::Afternoon => local >= noon,
        }
    }
}

/// A date as typed in the `g` field: `2026-12-07`, `today`, `tomorrow`, `+3` (days from
/// today), or a weekday (`mon`, `monday`: the next one after today).
pub fn parse_go_to(text: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let t = text.trim().to_ascii_lowercase();
    let bad = || {
        format!(
            "\"{}\" is not a date; type 2026-12-07, mon, tomorrow or +3.",
            text.trim()
        )
    };
    if t.is_empty() {
        return Err("Type a date: 2026-12-07, mon, tomorrow or +3.".into());
    }
    if t == "today" {
        return Ok(today);
    }
    if t == "tomorrow" {
        return today.succ_opt().ok_or_else(bad);
    }
    if let Some(n) = t.strip_prefix('+') {
        let n: u64 = n.parse().map_err(|_| bad())?;
        if n > 366 {
            return Err("Pick a date within a year.".into());
        }
        return today.checked_add_days(Days::new(n)).ok_or_else(bad);
    }
    if let Ok(d) = NaiveDate::parse_from_str(&t, "%Y-%m-%d") {
        return crate::domain::validation::date_in_range(d).map_err(|e| e.to_string());
    }
    const NAMES: [(&str, Weekday); 7] = [
        ("monday", Weekday::Mon),
        ("tuesday", Weekday::Tue),
        ("wednesday", Weekday::Wed),
        ("thursday", Weekday::Thu),
        ("friday", Weekday::Fri),
        ("saturday", Weekday::Sat),
        ("sunday", Weekday::Sun),
    ];
    if t.len() >= 2
        && let Some((_, wd)) = NAMES.iter().find(|(n, _)| n.starts_with(t.as_str()))
    {
        let ahead = (7 + wd.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
        let ahead = if ahead == 0 { 7 } else { ahead };
        return today
            .checked_add_days(Days::new(u64::from(ahead)))
            .ok_or_else(bad);
    }
    Err(bad())
}

fn local(tz: Tz, utc: NaiveDateTime) -> NaiveDateTime {
    tz.from_utc_datetime(&utc).naive_local()
}

impl BookingScreen {
    /// The last date of the free times read.
    pub fn last_day(&self) -> NaiveDate {
        self.from + Days::new(u64::from(DAYS - 1))
    }

    /// The free times of a local date shown now (the part of day applied), by time.
    pub fn day_slots(&self, day: NaiveDate) -> Vec<&SlotChoice> {
        self.slots
            .iter()
            .filter(|s| {
                let l = local(self.tz, s.start_utc);
                l.date() == day && self.part.holds(l.time())
            })
            .collect()
    }

    /// The free time under the cursor.
    pub fn selected_slot(&self) -> Option<&SlotChoice> {
        self.day_slots(self.day).get(self.row).copied()
    }

    /// The cursor on the first free time shown (from the day in view's first date).
    pub fn jump_to_first(&mut self) -> bool {
        let first = self
            .slots
            .iter()
            .map(|s| local(self.tz, s.start_utc))
            .find(|l| l.date() >= self.today && self.part.holds(l.time()));
        match first {
            Some(l) => {
                self.day = l.date();
                self.row = 0;
                true
            }
            None => {
                self.row = 0;
                false
            }
        }
    }

    pub(super) fn clamp_row(&mut self) {
        let n = self.day_slots(self.day).len();
        self.row = self.row.min(n.saturating_sub(1));
    }

    /// Moves the cursor to `day` (never before today): on its first free time, or
    /// (`keep_time`) the one nearest the time of day under the cursor now. A day past
    /// the times read loads them.
    fn go_day(&mut self, day: NaiveDate, keep_time: bool) -> BookingKey {
        let day = day.max(self.today);
        let time = self
            .selected_slot()
            .map(|s| local(self.tz, s.start_utc).time());
        self.day = day;
        self.row = 0;
        if day < self.from || day > self.last_day() {
            self.from = day;
            self.slots.clear();
            self.slots_loaded = false;
            self.jump_first = false;
            return self
                .slots_op()
                .map_or(BookingKey::None, BookingKey::Request);
        }
        if keep_time && let Some(t) = time {
            let times: Vec<NaiveTime> = self
                .day_slots(day)
                .iter()
                .map(|s| local(self.tz, s.start_utc).time())
                .collect();
            if let Some((i, _)) = times
                .iter()
                .enumerate()
                .min_by_key(|(_, x)| (x.signed_duration_since(t)).num_minutes().abs())
            {
                self.row = i;
            }
        }
        BookingKey::None
    }

    /// How many day columns the grid shows in `width` cells.
    pub fn columns_for(&self, width: u16) -> usize {
        let w = if self.any_doctor() { 19 } else { 13 };
        (usize::from(width) / w).clamp(1, 7)
    }

    pub fn any_doctor(&self) -> bool {
        matches!(self.choice, Some(DoctorChoice::Any { .. }))
    }

    pub(super) fn on_go_to_key(
        &mut self,
        mut field: Input,
        key: KeyEvent,
        command: Option<Command>,
    ) -> BookingKey {
        match command {
            Some(Command::Cancel | Command::Back) => BookingKey::None,
            Some(Command::Open) => match parse_go_to(field.value(), self.today) {
                Ok(d) => self.go_day(d, false),
                Err(e) => {
                    self.go_to = Some(field);
                    BookingKey::Error(e)
                }
            },
            _ => {
                field.handle_event(&Event::Key(key));
                self.go_to = Some(field);
                BookingKey::None
            }
        }
    }

    pub(super) fn on_slot_key(&mut self, command: Option<Command>) -> BookingKey {
        let week = Days::new(7);
        let page = Days::new(5);
        match command {
            Some(Command::Location) => {
                self.cycle_location();
                self.slots.clear();
                self.slots_loaded = false;
                self.jump_first = true;
                self.row = 0;
                return self
                    .slots_op()
                    .map_or(BookingKey::None, BookingKey::Request);
            }
            Some(Command::PartOfDay) => {
                self.part = self.part.next();
                self.row = 0;
                return BookingKey::Info(format!("Showing {}.", self.part.label()));
            }
            Some(Command::Up) => self.row = self.row.saturating_sub(1),
            Some(Command::Down) => {
                let n = self.day_slots(self.day).len();
                self.row = (self.row + 1).min(n.saturating_sub(1));
            }
            Some(Command::First) => self.row = 0,
            Some(Command::Last) => {
                self.row = self.day_slots(self.day).len().saturating_sub(1);
            }
            Some(Command::Right) => return self.go_day(self.day + Days::new(1), true),
            Some(Command::Left) => return self.go_day(self.day - Days::new(1), true),
            Some(Command::NextDay) => return self.go_day(self.day + Days::new(1), false),
            Some(Command::PrevDay) => return self.go_day(self.day - Days::new(1), false),
            Some(Command::NextWeek) => return self.go_day(self.day + week, false),
            Some(Command::PrevWeek) => return self.go_day(self.day - week, false),
            Some(Command::PageDown) => return self.go_day(self.day + page, false),
            Some(Command::PageUp) => return self.go_day(self.day - page, false),
            Some(Command::GoToDate) => self.go_to = Some(Input::default()),
            Some(Command::FirstFree) => {
                if self.from != self.today {
                    self.from = self.today;
                    self.slots.clear();
                    self.slots_loaded = false;
                    self.jump_first = true;
                    return self
                        .slots_op()
                        .map_or(BookingKey::None, BookingKey::Request);
                }
                if !self.jump_to_first() {
                    return BookingKey::Info(format!(
                        "No free time ({}) in the next {DAYS} days.",
                        self.part.label()
                    ));
                }
            }
            Some(Command::Back) => {
                self.step = Step::Doctor;
                self.pane = super::Pane::Doctor;
            }
            Some(Command::Open) => match self.selected_slot() {
                Some(s) => {
                    self.chosen = Some(s.clone());
                    self.repeat = None;
                    self.step = Step::Confirm;
                }
                None if self.slots_request.is_some() => {
                    return BookingKey::Info("The free times are still loading.".into());
                }
                None => {
                    return BookingKey::Info(format!(
                        "No free time on {} ({}); ] for the next day, f for the first free.",
                        self.day.format("%a %-d %b"),
                        self.part.label()
                    ));
                }
            },
            _ => {}
        }
        BookingKey::None
    }

    pub(super) fn grid_commands(&self, out: &mut Commands) {
        let here = self.selected_slot().is_some();
        let any = !self.slots.is_empty();
        out.add(Command::Open, "choose", here)
            .group(&[Command::PrevDay, Command::NextDay], "day", true)
            .group(&[Command::PrevWeek, Command::NextWeek], "week", true)
            .add(Command::GoToDate, "date", true)
            .add(Command::FirstFree, "first free", any)
            .add(Command::PartOfDay, self.part.next().label(), true)
            .add(Command::Location, "location", !self.locations.is_empty())
            .add(Command::Back, "back", true)
            .more(Command::Up, "earlier time", here)
            .more(Command::Down, "later time", here)
            .more(Command::Left, "previous day, same time", true)
            .more(Command::Right, "next day, same time", true)
            .more(Command::PageUp, "previous page of days", true)
            .more(Command::PageDown, "next page of days", true)
            .more(Command::First, "first time of the day", here)
            .more(Command::Last, "last time of the day", here);
    }
}

/// A doctor's name as a grid cell shows it: the last word (the surname).
fn short_name(name: &str) -> &str {
    name.split_whitespace().last().unwrap_or(name)
}

/// Draws the grid in `area`: a line saying what is shown, the day columns, and the
/// free time under the cursor.
pub(super) fn render_grid(
    frame: &mut Frame,
    area: Rect,
    state: &BookingScreen,
    tz: Tz,
    theme: &Theme,
) {
    if area.height < 4 || area.width < 20 {
        return;
    }
    let cols = state.columns_for(area.width);
    let col_w = area.width / u16::try_from(cols).unwrap_or(1).max(1);
    // The page of days holding the cursor's day.
    let offset = (state.day - state.from).num_days().max(0) as u64;
    let cols64 = cols as u64;
    let start = state.from + Days::new((offset / cols64) * cols64);
    let last = start + Days::new(cols64 - 1);
    let info = Line::from(vec![
        Span::raw(format!(
            "{} – {}",
            start.format("%a %-d %b"),
            last.format("%a %-d %b")
        )),
        Span::styled(
            format!(
                " · {} (p) · {} (o)",
                state.part.label(),
                state.location_label()
            ),
            theme.dim(),
        ),
    ]);
    frame.render_widget(Paragraph::new(info), Rect { height: 1, ..area });
    // The last line: the time under the cursor (or the date field).
    let bottom = Rect {
        y: area.y + area.height - 1,
        height: 1,
        ..area
    };
    if let Some(field) = &state.go_to {
        frame.render_widget(
            Paragraph::new("Go to date:"),
            Rect {
                width: 12,
                ..bottom
            },
        );
        let f = Rect {
            x: bottom.x + 12,
            width: 20.min(bottom.width.saturating_sub(12)),
            ..bottom
        };
        if let Some(pos) = text_field(frame, f, field, None, true, theme) {
            frame.set_cursor_position(pos);
        }
        let hint = Rect {
            x: f.x + f.width + 1,
            width: bottom.width.saturating_sub(f.width + 13),
            ..bottom
        };
        frame.render_widget(
            Paragraph::new(Span::styled("2026-12-07, mon, tomorrow, +3", theme.dim())),
            hint,
        );
    } else if let Some(s) = state.selected_slot() {
        let text = format!(
            "{} · {}{}",
            super::when_label(tz, s.start_utc, s.minutes()),
            s.doctor_name,
            s.location_id
                .map(|l| format!(" · {}", state.location_text(Some(l))))
                .unwrap_or_default()
        );
        frame.render_widget(Paragraph::new(Span::styled(text, theme.info())), bottom);
    }
    let grid = Rect {
        y: area.y + 1,
        height: area.height - 2,
        ..area
    };
    let rows = usize::from(grid.height.saturating_sub(1)).max(1);
    let first_row = (state.row + 1).saturating_sub(rows);
    for c in 0..cols {
        let day = start + Days::new(c as u64);
        let x = grid.x + col_w * u16::try_from(c).unwrap_or(0);
        let rect = Rect {
            x,
            width: col_w.saturating_sub(1),
            ..grid
        };
        let current = day == state.day;
        let head_style = if current {
            theme.focus()
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        };
        let mut lines = vec![Line::from(Span::styled(
            day.format("%a %-d %b").to_string(),
            head_style,
        ))];
        let slots = state.day_slots(day);
        if day < state.today || day < state.from || day > state.last_day() {
            lines.push(Line::from(Span::styled("", theme.dim())));
        } else if slots.is_empty() {
            let text = if !state.slots_loaded {
                "…"
            } else {
                "no free time"
            };
            lines.push(Line::from(Span::styled(text, theme.dim())));
        }
        let skip = if current { first_row } else { 0 };
        for (i, s) in slots.iter().enumerate().skip(skip).take(rows) {
            let mut text = label(tz, s.start_utc, "%H:%M");
            if state.any_doctor() {
                text.push(' ');
                text.push_str(short_name(&s.doctor_name));
            }
            let line = if current && i == state.row {
                Line::from(Span::styled(format!("▶{text}"), theme.focus()))
            } else {
                Line::raw(format!(" {text}"))
            };
            lines.push(line);
        }
        frame.render_widget(Paragraph::new(lines), rect);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn go_to_dates_parse() {
        let wed = d(2026, 12, 2);
        assert_eq!(parse_go_to("2026-12-07", wed), Ok(d(2026, 12, 7)));
        assert_eq!(parse_go_to("mon", wed), Ok(d(2026, 12, 7)));
        assert_eq!(parse_go_to("Wednesday", wed), Ok(d(2026, 12, 9)));
        assert_eq!(parse_go_to("tomorrow", wed), Ok(d(2026, 12, 3)));
        assert_eq!(parse_go_to("+3", wed), Ok(d(2026, 12, 5)));
        assert!(parse_go_to("soon", wed).is_err());
        assert!(parse_go_to("+9999", wed).is_err());
        assert!(parse_go_to("", wed).is_err());
    }

    #[test]
    fn parts_of_day_split_at_noon() {
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0).expect("time");
        assert!(PartOfDay::Morning.holds(t(11)));
        assert!(!PartOfDay::Morning.holds(t(12)));
        assert!(PartOfDay::Afternoon.holds(t(12)));
        assert!(PartOfDay::All.holds(t(0)));
        assert_eq!(PartOfDay::All.next().next().next(), PartOfDay::All);
    }
}
