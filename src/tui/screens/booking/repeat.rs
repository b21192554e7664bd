//! The confirmation, and its "repeat": every K weeks, N times. `r` asks for K and N,
//! the service plans the series (each date, and why one cannot be booked), and the plan
//! books all or nothing (`y`) or skips the conflicting dates (`s`); `e` changes the
//! repeat, Esc goes back to the single appointment. Pure.

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{BookingKey, BookingOp, BookingScreen, Step};
use crate::domain::series::Recurrence;
use crate::service::ServiceError;
use crate::service::booking::{BookingRequest, local_label};
use crate::service::series::{PlannedOccurrence, SeriesBooking, SeriesRequest};
use crate::tui::keymap::Command;
use crate::tui::screen::{Action, Actions, Commands};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Form, FormOutcome};
use crate::tui::widgets::popup;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepeatField {
    Every,
    Times,
}

/// The repeat being set up on the confirmation.
#[derive(Debug, Clone)]
pub struct RepeatState {
    pub form: Form<RepeatField>,
    /// The form is open (else the plan is shown).
    pub editing: bool,
    pub every_weeks: u32,
    pub count: u32,
    /// The plan, once the service has answered.
    pub plan: Option<Vec<PlannedOccurrence>>,
    pub request: Option<u64>,
    /// Why the series was refused, shown over the plan.
    pub error: Option<String>,
}

impl RepeatState {
    pub fn new() -> RepeatState {
        RepeatState {
            form: Form::new("Repeat this appointment")
                .text(RepeatField::Every, "Every", "1", "weeks (1 = weekly)")
                .text(RepeatField::Times, "Times", "4", "appointments in all"),
            editing: true,
            every_weeks: 1,
            count: 4,
            plan: None,
            request: None,
            error: None,
        }
    }

    /// The dates that cannot be booked.
    pub fn conflicts(&self) -> usize {
        self.plan
            .iter()
            .flatten()
            .filter(|o| o.problem.is_some())
            .count()
    }

    pub fn free(&self) -> usize {
        self.plan
            .iter()
            .flatten()
            .filter(|o| o.problem.is_none())
            .count()
    }
}

impl Default for RepeatState {
    fn default() -> Self {
        RepeatState::new()
    }
}

/// A booked series, as the summary shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesDone {
    pub series_id: i32,
    pub patient_name: String,
    pub doctor_name: String,
    pub location: String,
    pub minutes: i64,
    pub booked: Vec<NaiveDateTime>,
    pub skipped: Vec<PlannedOccurrence>,
}

fn check_repeat(form: &Form<RepeatField>) -> Result<(u32, u32), Vec<(RepeatField, String)>> {
    let num = |f: RepeatField, what: &str| {
        form.value(f)
            .trim()
            .parse::<u32>()
            .map_err(|_| (f, format!("{what} is a whole number.")))
    };
    let every = num(RepeatField::Every, "Every");
    let times = num(RepeatField::Times, "Times");
    match (every, times) {
        (Ok(e), Ok(t)) => match Recurrence::new(e, t).validate() {
            Ok(()) if t < 2 => Err(vec![(
                RepeatField::Times,
                "A series has at least 2 appointments.".into(),
            )]),
            Ok(()) => Ok((e, t)),
            Err(err) => Err(vec![(RepeatField::Times, err.to_string())]),
        },
        (e, t) => Err([e.err(), t.err()].into_iter().flatten().collect()),
    }
}

impl BookingScreen {
    fn series_request(&self, every_weeks: u32, count: u32, skip: bool) -> Option<SeriesRequest> {
        let (patient, slot) = (self.patient.as_ref()?, self.chosen.as_ref()?);
        Some(SeriesRequest {
            first: BookingRequest {
                patient_id: patient.id,
                doctor_id: slot.doctor_id,
                start_utc: slot.start_utc,
                duration_minutes: u32::try_from(slot.minutes()).ok(),
            },
            every_weeks,
            count,
            skip_conflicts: skip,
        })
    }

    pub(super) fn on_confirm_key(&mut self, key: KeyEvent, command: Option<Command>) -> BookingKey {
        if let Some(r) = self.repeat.take() {
            return self.on_repeat_key(r, key, command);
        }
        if self.book_request.is_some() {
            return BookingKey::None;
        }
        match command {
            Some(Command::Yes | Command::Open) => {
                let (Some(patient), Some(slot)) = (&self.patient, &self.chosen) else {
                    return BookingKey::None;
                };
                BookingKey::Request(BookingOp::Book {
                    patient_id: patient.id,
                    doctor_id: slot.doctor_id,
                    start_utc: slot.start_utc,
                })
            }
            Some(Command::Repeat) => {
                self.repeat = Some(RepeatState::new());
                BookingKey::None
            }
            Some(Command::No | Command::Back) => {
                self.step = Step::Slot;
                self.chosen = None;
                BookingKey::Info("Not booked. Pick another time or press Enter.".into())
            }
            _ if command.is_none() && key.code == KeyCode::Enter => {
                self.on_confirm_key(key, Some(Command::Yes))
            }
            _ => BookingKey::None,
        }
    }

    fn on_repeat_key(
        &mut self,
        mut r: RepeatState,
        key: KeyEvent,
        command: Option<Command>,
    ) -> BookingKey {
        if r.editing {
            let out = match r.form.on_key(&key, command) {
                FormOutcome::Cancel => return BookingKey::Info("Not repeated.".into()),
                FormOutcome::Submit => {
                    let checked = check_repeat(&r.form);
                    match checked {
                        Ok((every, count)) => {
                            r.form.clear_errors();
                            r.every_weeks = every;
                            r.count = count;
                            r.editing = false;
                            r.plan = None;
                            r.error = None;
                            match self.series_request(every, count, false) {
                                Some(req) => BookingKey::Request(BookingOp::PlanSeries(req)),
                                None => BookingKey::None,
                            }
                        }
                        Err(errors) => {
                            r.form.set_errors(errors);
                            BookingKey::None
                        }
                    }
                }
                _ => BookingKey::None,
            };
            self.repeat = Some(r);
            return out;
        }
        if self.book_request.is_some() {
            self.repeat = Some(r);
            return BookingKey::None;
        }
        let (every, count) = (r.every_weeks, r.count);
        let (conflicts, free, planned) = (r.conflicts(), r.free(), r.plan.is_some());
        let out = match command {
            Some(Command::No | Command::Back) => {
                return BookingKey::Info("Not repeated: one appointment.".into());
            }
            Some(Command::Edit | Command::Repeat) => {
                r.editing = true;
                BookingKey::None
            }
            Some(Command::Yes | Command::Open) if planned && conflicts == 0 => self
                .series_request(every, count, false)
                .map_or(BookingKey::None, |q| {
                    BookingKey::Request(BookingOp::BookSeries(q))
                }),
            Some(Command::Yes | Command::Open) if planned => BookingKey::Info(format!(
                "{conflicts} of the {count} dates cannot be booked, so all of them would be refused: s books the {free} others, e changes the repeat."
            )),
            Some(Command::SkipConflicts) if planned && conflicts > 0 && free > 0 => self
                .series_request(every, count, true)
                .map_or(BookingKey::None, |q| {
                    BookingKey::Request(BookingOp::BookSeries(q))
                }),
            Some(Command::SkipConflicts) if planned && conflicts > 0 => {
                BookingKey::Info("None of the dates can be booked; e changes the repeat.".into())
            }
            _ => BookingKey::None,
        };
        self.repeat = Some(r);
        out
    }

    pub(super) fn answer_plan(
        &mut self,
        request: u64,
        result: Result<Vec<PlannedOccurrence>, ServiceError>,
    ) -> Actions<BookingOp> {
        let Some(r) = &mut self.repeat else {
            return Vec::new();
        };
        if r.request != Some(request) {
            return Vec::new();
        }
        r.request = None;
        match result {
            Ok(plan) => {
                r.plan = Some(plan);
                Vec::new()
            }
            Err(e) => {
                r.editing = true;
                r.form.set_form_error(e.to_string());
                vec![Action::Failed(e)]
            }
        }
    }

    pub(super) fn answer_series(
        &mut self,
        result: Result<SeriesBooking, ServiceError>,
    ) -> Actions<BookingOp> {
        match result {
            Ok(b) => {
                let slot = self.chosen.clone();
                let done = SeriesDone {
                    series_id: b.series_id,
                    patient_name: self
                        .patient
                        .as_ref()
                        .map(|p| p.name.clone())
                        .unwrap_or_default(),
                    doctor_name: slot
                        .as_ref()
                        .map(|s| s.doctor_name.clone())
                        .unwrap_or_default(),
                    location: self.location_text(slot.as_ref().and_then(|s| s.location_id)),
                    minutes: slot.as_ref().map_or(0, |s| s.minutes()),
                    booked: b.booked.iter().map(|a| a.start_utc).collect(),
                    skipped: b.skipped,
                };
                let text = format!(
                    "Booked a series of {} appointments with {}.",
                    done.booked.len(),
                    done.doctor_name
                );
                self.series_done = Some(done);
                self.booked = None;
                self.repeat = None;
                self.step = Step::Done;
                vec![Action::Info(text)]
            }
            Err(e) => {
                if let Some(r) = &mut self.repeat {
                    r.error = Some(e.to_string());
                }
                // The dates may have changed: plan again.
                let again = self.repeat.as_ref().and_then(|r| {
                    self.series_request(r.every_weeks, r.count, false)
                        .map(BookingOp::PlanSeries)
                });
                let mut out = vec![Action::Failed(e)];
                out.extend(again.map(Action::Request));
                out
            }
        }
    }

    pub(super) fn confirm_commands(&self, out: &mut Commands) {
        let idle = self.book_request.is_none();
        match &self.repeat {
            None => {
                out.add(Command::Yes, "book", idle)
                    .add(Command::Repeat, "repeat", idle)
                    .add(Command::No, "other time", idle)
                    .more(Command::Back, "other time", idle);
            }
            Some(r) if r.editing => {
                out.add(Command::NextField, "next", true)
                    .add(Command::Save, "plan", true)
                    .add(Command::Cancel, "cancel", true)
                    .more(Command::PrevField, "previous field", true);
            }
            Some(r) => {
                let planned = r.plan.is_some() && idle;
                out.add(
                    Command::Yes,
                    "book all",
                    planned && r.conflicts() == 0 && r.free() > 0,
                )
                .add(
                    Command::SkipConflicts,
                    "skip conflicts",
                    planned && r.conflicts() > 0 && r.free() > 0,
                )
                .add(Command::Edit, "change repeat", idle)
                .add(Command::No, "one only", idle)
                .more(Command::Back, "one only", idle);
            }
        }
    }
}

/// The confirmation popup: patient, doctor, location, local time, length; or the repeat
/// form, or the plan of the series.
pub(super) fn render_confirm(
    frame: &mut Frame,
    area: Rect,
    state: &BookingScreen,
    tz: Tz,
    theme: &Theme,
) {
    let Some(slot) = &state.chosen else {
        return;
    };
    let specialization = state
        .doctors
        .iter()
        .find(|d| d.id == slot.doctor_id)
        .map(|d| format!(" ({})", d.specialization))
        .unwrap_or_default();
    let mut lines = super::view::summary_lines(
        &[
            (
                "Patient",
                state
                    .patient
                    .as_ref()
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
            ),
            ("Doctor", format!("{}{specialization}", slot.doctor_name)),
            ("Location", state.location_text(slot.location_id)),
            (
                "When",
                format!(
                    "{} ({})",
                    super::when_label(tz, slot.start_utc, slot.minutes()),
                    tz.name()
                ),
            ),
            ("Length", format!("{} minutes", slot.minutes())),
        ],
        theme,
    );
    match &state.repeat {
        Some(r) if r.editing => {
            let boxed = popup(frame, area, 64, 9);
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), boxed);
            r.form.render_popup(frame, area, theme);
            return;
        }
        Some(r) => {
            lines.push(Line::from(Span::styled(
                format!(
                    "Every {} week{}, {} times:",
                    r.every_weeks,
                    if r.every_weeks == 1 { "" } else { "s" },
                    r.count
                ),
                theme.title(),
            )));
            if let Some(e) = &r.error {
                lines.push(Line::from(Span::styled(e.clone(), theme.error())));
            }
            match &r.plan {
                None => lines.push(Line::from(Span::styled("Checking the dates…", theme.dim()))),
                Some(plan) => {
                    for o in plan {
                        let when = match o.start_utc {
                            Some(t) => local_label(tz, t),
                            None => o.local_start.format("%a %-d %b %H:%M").to_string(),
                        };
                        lines.push(match &o.problem {
                            None => Line::from(vec![
                                Span::styled("  ok ", theme.info()),
                                Span::raw(when),
                            ]),
                            Some(p) => Line::from(vec![
                                Span::styled("  ✗  ", theme.error()),
                                Span::raw(format!("{when}: {p}")),
                            ]),
                        });
                    }
                }
            }
            lines.push(Line::raw(""));
            let hint = if state.book_request.is_some() {
                "Booking…".to_string()
            } else if r.conflicts() > 0 {
                "s book the free dates   e change   n/Esc one only".to_string()
            } else {
                "y/Enter book all   e change   n/Esc one only".to_string()
            };
            lines.push(Line::from(Span::styled(hint, theme.key())));
        }
        None => {
            lines.push(Line::raw(""));
            lines.push(if state.book_request.is_some() {
                Line::from(Span::styled("Booking…", theme.info()))
            } else {
                Line::from(vec![
                    Span::styled("y", theme.key()),
                    Span::raw("/"),
                    Span::styled("Enter", theme.key()),
                    Span::raw(" book   "),
                    Span::styled("r", theme.key()),
                    Span::raw(" repeat   "),
                    Span::styled("n", theme.key()),
                    Span::raw("/"),
                    Span::styled("Esc", theme.key()),
                    Span::raw(" other time"),
                ])
            });
        }
    }
    let height = u16::try_from(lines.len() + 2).unwrap_or(20);
    let boxed = popup(frame, area, 72, height.min(area.height));
    let title = if state.repeat.is_some() {
        " Book this series? "
    } else {
        " Book this appointment? "
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(super::view::block(title.into(), true, theme)),
        boxed,
    );
}
