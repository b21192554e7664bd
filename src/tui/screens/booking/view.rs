//! Drawing the booking steps, and the pieces the agenda shares (free times grouped by
//! day, "when" labels).

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{BookingScreen, DAYS, Pane, SlotChoice, Step};
use crate::domain::local_time::label;
use crate::tui::theme::Theme;
use crate::tui::widgets::table::{Column, DataTable};
use crate::tui::widgets::text::pad;
use crate::tui::widgets::text_field;

fn local(tz: Tz, utc: NaiveDateTime) -> NaiveDateTime {
    tz.from_utc_datetime(&utc).naive_local()
}

/// "Mon 12 Jan 2026, 09:00–10:00" in the clinic's time zone.
pub fn when_label(tz: Tz, start_utc: NaiveDateTime, minutes: i64) -> String {
    let s = local(tz, start_utc);
    let end_utc = start_utc + Duration::minutes(minutes);
    format!(
        "{}, {}–{}",
        s.format("%a %-d %b %Y"),
        label(tz, start_utc, "%H:%M"),
        label(tz, end_utc, "%H:%M")
    )
}

/// Free times grouped by local day, `height` lines, keeping `selected` in view. The day
/// of the first visible time is always shown at the top.
pub fn slot_lines<'a>(
    slots: &[SlotChoice],
    tz: Tz,
    selected: usize,
    show_doctor: bool,
    height: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let day_header = |d: NaiveDate| {
        Line::from(Span::styled(
            d.format("%A %-d %B").to_string(),
            Style::new().add_modifier(Modifier::BOLD),
        ))
    };
    let mut lines: Vec<(Line, Option<NaiveDate>)> = Vec::new();
    let mut selected_line = 0;
    let mut last_day = None;
    for (i, s) in slots.iter().enumerate() {
        let start = local(tz, s.start_utc);
        let day = start.date();
        if last_day != Some(day) {
            lines.push((day_header(day), None));
            last_day = Some(day);
        }
        let mut text = format!(
            "{}–{}",
            label(tz, s.start_utc, "%H:%M"),
            label(tz, s.end_utc, "%H:%M")
        );
        if show_doctor {
            text.push_str(&format!("  {}", s.doctor_name));
        }
        let line = if i == selected {
            selected_line = lines.len();
            Line::from(Span::styled(format!("▶ {text}"), theme.focus()))
        } else {
            Line::raw(format!("  {text}"))
        };
        lines.push((line, Some(day)));
    }
    let height = height.max(1);
    let first = (selected_line + 1).saturating_sub(height);
    let mut out: Vec<(Line, Option<NaiveDate>)> =
        lines.into_iter().skip(first).take(height).collect();
    if let Some((_, Some(day))) = out.first().map(|(l, d)| (l.clone(), *d)) {
        // Scrolled into a day: show which one.
        out[0] = (day_header(day), None);
    }
    out.into_iter().map(|(l, _)| l).collect()
}

fn steps_line<'a>(state: &BookingScreen, theme: &Theme) -> Line<'a> {
    let steps: &[(Step, &str)] = &[
        (Step::Patient, "Patient"),
        (Step::Doctor, "Doctor"),
        (Step::Slot, "Time"),
        (Step::Confirm, "Confirm"),
    ];
    let mut spans = vec![Span::styled(" Book an appointment ", theme.title())];
    let mut n = 0;
    for (step, label) in steps {
        if *step == Step::Patient && state.for_self {
            continue;
        }
        n += 1;
        let current = state.step == *step || (state.step == Step::Done && *step == Step::Confirm);
        let style = if current { theme.focus() } else { theme.dim() };
        spans.push(Span::raw(if n == 1 { " " } else { " › " }));
        spans.push(Span::styled(format!("{n} {label}"), style));
    }
    Line::from(spans)
}

fn choices_line<'a>(state: &BookingScreen, theme: &Theme) -> Line<'a> {
    let mut spans = Vec::new();
    if let Some(p) = &state.patient {
        spans.push(Span::styled(" Patient ", theme.dim()));
        spans.push(Span::raw(p.name.clone()));
    }
    if let Some(c) = &state.choice
        && matches!(state.step, Step::Slot | Step::Confirm | Step::Done)
    {
        spans.push(Span::styled("  Doctor ", theme.dim()));
        spans.push(Span::raw(c.label()));
    }
    if state.step == Step::Doctor {
        let hint = if state.doctor_find.is_empty() {
            "  type a doctor's name or a specialization to find it"
        } else {
            "  Backspace edits, Esc clears"
        };
        spans.push(Span::styled(hint, theme.dim()));
    }
    Line::from(spans)
}

pub(super) fn block<'a>(title: String, focused: bool, theme: &Theme) -> Block<'a> {
    let style = if focused { theme.title() } else { theme.dim() };
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(title, style))
}

pub fn render(frame: &mut Frame, area: Rect, state: &BookingScreen, tz: Tz, theme: &Theme) {
    if area.height < 6 || area.width < 40 {
        return;
    }
    let rows = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
    ])
    .split(area);
    frame.render_widget(Paragraph::new(steps_line(state, theme)), rows[0]);
    frame.render_widget(Paragraph::new(choices_line(state, theme)), rows[1]);
    let body = rows[2];
    match state.step {
        Step::Patient => {
            render_search(frame, body, state, theme);
            if let Some(form) = &state.register {
                form.render_popup(frame, body, theme);
            }
        }
        Step::Doctor => render_doctors(frame, body, state, theme),
        Step::Slot => render_slots(frame, body, state, tz, theme),
        Step::Confirm => {
            render_slots(frame, body, state, tz, theme);
            super::repeat::render_confirm(frame, body, state, tz, theme);
        }
        Step::Done => render_done(frame, body, state, tz, theme),
    }
}

fn render_search(frame: &mut Frame, area: Rect, state: &BookingScreen, theme: &Theme) {
    let b = block(" Find the patient ".into(), true, theme);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    if inner.height < 3 || inner.width < 20 {
        return;
    }
    let top = Rect {
        x: inner.x + 1,
        width: inner.width - 2,
        height: 1,
        ..inner
    };
    frame.render_widget(Paragraph::new("Find:"), Rect { width: 6, ..top });
    let field = Rect {
        x: top.x + 6,
        width: top.width.saturating_sub(6).min(40),
        ..top
    };
    let cursor = text_field(
        frame,
        field,
        &state.query,
        None,
        state.register.is_none(),
        theme,
    );
    if let Some(pos) = cursor {
        frame.set_cursor_position(pos);
    }
    let hint_x = field.x + field.width + 1;
    if hint_x + 10 < top.x + top.width {
        frame.render_widget(
            Paragraph::new(Span::styled("name, email or phone", theme.dim())),
            Rect {
                x: hint_x,
                width: top.x + top.width - hint_x,
                ..top
            },
        );
    }
    // What the search found, said under the field.
    let note = if state.query.value().trim().is_empty() {
        Some("Type to search: the start of a name, an email, or phone digits.")
    } else if state.results.is_empty() && state.search_request.is_none() {
        Some("No patient matches.")
    } else {
        None
    };
    if let Some(note) = note {
        frame.render_widget(
            Paragraph::new(Span::styled(note, theme.dim())),
            Rect {
                y: inner.y + 1,
                ..top
            },
        );
    }
    let list = Rect {
        y: inner.y + 2,
        height: inner.height - 2,
        ..top
    };
    let wide = list.width >= 100;
    let by_phone = state.query.value().chars().any(|c| c.is_ascii_digit());
    let name = Column::new("Name", Constraint::Length(if wide { 30 } else { 24 }));
    let columns = if wide {
        vec![
            name,
            Column::new("Born", Constraint::Length(11)),
            Column::new("Email", Constraint::Length(33)),
            Column::new("Phone", Constraint::Fill(1)),
        ]
    } else {
        vec![
            name,
            Column::new("Born", Constraint::Length(10)),
            Column::new("Email / phone", Constraint::Fill(1)),
        ]
    };
    // The patients found, then one more row: register a new patient.
    let found = state.results.len();
    DataTable::new(columns)
        .active(state.register.is_none())
        .render_with(
            frame,
            list,
            &state.results_view,
            found + 1,
            |i| {
                let Some(p) = state.results.get(i) else {
                    return vec![Span::styled("+ Register a new patient", theme.key())];
                };
                let born = p
                    .date_of_birth
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default();
                let phone = p.phone_number.clone().unwrap_or_default();
                let mut cells = vec![Span::raw(p.full_name.clone()), Span::raw(born)];
                if wide {
                    cells.extend([Span::raw(p.email.clone()), Span::raw(phone)]);
                } else if by_phone && !phone.is_empty() {
                    cells.push(Span::raw(phone));
                } else {
                    cells.push(Span::raw(p.email.clone()));
                }
                cells
            },
            theme,
        );
}

fn render_doctors(frame: &mut Frame, area: Rect, state: &BookingScreen, theme: &Theme) {
    let cols =
        Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)]).split(area);
    let spec_focus = state.pane == Pane::Specialization;
    let pick = |selected: bool, focused: bool, text: String| {
        if selected && focused {
            Line::from(Span::styled(format!("▶ {text}"), theme.focus()))
        } else if selected {
            Line::from(Span::styled(
                format!("› {text}"),
                Style::new().add_modifier(Modifier::BOLD),
            ))
        } else {
            Line::raw(format!("  {text}"))
        }
    };
    let left = block(
        if state.doctor_find.is_empty() {
            " Specialization ".into()
        } else {
            format!(" Find: {}▏ ", state.doctor_find)
        },
        spec_focus,
        theme,
    );
    let inner = left.inner(cols[0]);
    frame.render_widget(left, cols[0]);
    let room = usize::from(inner.height).max(1);
    let specs = state.specializations();
    let mut lines = Vec::new();
    if specs.is_empty() {
        let text = if state.doctors_request.is_some() {
            "Loading…"
        } else {
            "No doctors yet."
        };
        lines.push(Line::from(Span::styled(text, theme.dim())));
    }
    let first = state.spec_selected.saturating_sub(room.saturating_sub(1));
    for (i, s) in specs.iter().enumerate().skip(first).take(room) {
        lines.push(pick(i == state.spec_selected, spec_focus, (*s).to_string()));
    }
    frame.render_widget(Paragraph::new(lines), inner);

    let right = block(
        format!(" Doctor · {} (Ctrl-O) ", state.location_label()),
        !spec_focus,
        theme,
    );
    let inner = right.inner(cols[1]);
    frame.render_widget(right, cols[1]);
    let mut entries = Vec::new();
    if let Some(spec) = state.current_specialization() {
        entries.push(format!("Any {spec} doctor (every free time)"));
        entries.extend(state.doctors_in_spec().iter().map(|d| d.full_name.clone()));
    }
    let room = usize::from(inner.height).max(1);
    let first = state.doctor_selected.saturating_sub(room.saturating_sub(1));
    let lines: Vec<Line> = entries
        .into_iter()
        .enumerate()
        .skip(first)
        .take(room)
        .map(|(i, text)| pick(i == state.doctor_selected, !spec_focus, text))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn render_slots(frame: &mut Frame, area: Rect, state: &BookingScreen, tz: Tz, theme: &Theme) {
    let title = if state.any_doctor() {
        format!(" Free times of every doctor · {} ", tz.name())
    } else {
        format!(" Free times · {} ", tz.name())
    };
    let b = block(title, true, theme);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let mut top = Vec::new();
    if let Some(n) = &state.notice {
        top.push(Line::from(Span::styled(n.clone(), theme.error())));
    }
    if state.slots.is_empty() {
        let text = if state.slots_request.is_some() || !state.slots_loaded {
            "Loading free times…".to_string()
        } else {
            format!(
                "No free time from {} for {DAYS} days. g another date, Esc another doctor.",
                state.from.format("%a %-d %b")
            )
        };
        top.push(Line::from(Span::styled(text, theme.dim())));
    }
    let used = u16::try_from(top.len()).unwrap_or(0).min(inner.height);
    frame.render_widget(
        Paragraph::new(top).wrap(Wrap { trim: true }),
        Rect {
            x: inner.x + 1,
            width: inner.width.saturating_sub(2),
            height: used,
            ..inner
        },
    );
    let grid = Rect {
        x: inner.x + 1,
        y: inner.y + used,
        width: inner.width.saturating_sub(2),
        height: inner.height.saturating_sub(used),
    };
    super::grid::render_grid(frame, grid, state, tz, theme);
}

pub(super) fn summary_lines<'a>(rows: &[(&str, String)], theme: &Theme) -> Vec<Line<'a>> {
    rows.iter()
        .map(|(k, v)| {
            Line::from(vec![
                Span::styled(pad(k, 10), theme.dim()),
                Span::raw(v.clone()),
            ])
        })
        .collect()
}

fn render_done(frame: &mut Frame, area: Rect, state: &BookingScreen, tz: Tz, theme: &Theme) {
    if let Some(d) = &state.series_done {
        render_series_done(frame, area, d, tz, theme);
        return;
    }
    let Some(s) = &state.booked else {
        return;
    };
    let mut lines = vec![
        Line::from(Span::styled("The appointment is booked.", theme.title())),
        Line::raw(""),
    ];
    lines.extend(summary_lines(
        &[
            ("Patient", s.patient_name.clone()),
            (
                "Doctor",
                format!("{} ({})", s.doctor_name, s.specialization),
            ),
            (
                "When",
                when_label(tz, s.start_utc, i64::from(s.duration_minutes)),
            ),
            ("Duration", format!("{} minutes", s.duration_minutes)),
            (
                "Location",
                s.location.clone().unwrap_or_else(|| "not set".into()),
            ),
            ("Number", s.appointment_id.to_string()),
            ("Time zone", tz.name().to_string()),
        ],
        theme,
    ));
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("Enter", theme.key()),
        Span::raw(" book another   "),
        Span::styled("Esc", theme.key()),
        Span::raw(" back"),
    ]));
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(block(
            " Booked ".into(),
            true,
            theme,
        )),
        area,
    );
}

fn render_series_done(frame: &mut Frame, area: Rect, d: &super::SeriesDone, tz: Tz, theme: &Theme) {
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                "The series is booked: {} appointments (series {}).",
                d.booked.len(),
                d.series_id
            ),
            theme.title(),
        )),
        Line::raw(""),
    ];
    lines.extend(summary_lines(
        &[
            ("Patient", d.patient_name.clone()),
            ("Doctor", d.doctor_name.clone()),
            ("Location", d.location.clone()),
            ("Length", format!("{} minutes", d.minutes)),
        ],
        theme,
    ));
    for t in &d.booked {
        lines.push(Line::raw(format!("  {}", when_label(tz, *t, d.minutes))));
    }
    for o in &d.skipped {
        let when = o.start_utc.map_or_else(
            || o.local_start.format("%a %-d %b %H:%M").to_string(),
            |t| crate::service::booking::local_label(tz, t),
        );
        lines.push(Line::from(Span::styled(
            format!(
                "  skipped {when}: {}",
                o.problem.as_deref().unwrap_or("not free")
            ),
            theme.dim(),
        )));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("Enter", theme.key()),
        Span::raw(" book another   "),
        Span::styled("Esc", theme.key()),
        Span::raw(" back"),
    ]));
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(block(
            " Booked ".into(),
            true,
            theme,
        )),
        area,
    );
}
