//! Drawing the agenda: the header, the table of appointments, the find field, the
//! selected one in a line, the open appointment, and the popups (cancel reason, status
//! history, reschedule, doctor picker).

use chrono::{Datelike, NaiveDateTime};
use chrono_tz::Tz;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{
    AgendaScreen, DoctorPicker, HistoryPopup, Modal, Period, ReasonPrompt, ReschedulePicker,
    Viewer, local,
};
use crate::domain::appointment::{AppointmentStatus, AppointmentView, StatusChange};
use crate::domain::local_time::label;
use crate::service::availability::monday_of;
use crate::tui::screens::booking::{DAYS, slot_lines, when_label};
use crate::tui::theme::Theme;
use crate::tui::widgets::table::{Column, DataTable};
use crate::tui::widgets::text::{pad, truncate, width as text_width};
use crate::tui::widgets::{popup, text_field};

fn block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(title, theme.title()))
}

fn status_style(status: AppointmentStatus, theme: &Theme) -> Style {
    match status {
        AppointmentStatus::Booked => Style::new(),
        AppointmentStatus::Cancelled => theme.dim().add_modifier(Modifier::CROSSED_OUT),
        AppointmentStatus::Completed => theme.dim(),
        AppointmentStatus::NoShow => theme.error(),
    }
}

fn header_line<'a>(state: &AgendaScreen, width: usize, theme: &Theme) -> Line<'a> {
    let (title, who) = match state.viewer {
        Viewer::Patient(_) => ("My appointments".to_string(), String::new()),
        _ => {
            let title = match state.period {
                Period::Day => state.date.format("%A %-d %B %Y").to_string(),
                Period::Week => {
                    let monday = monday_of(state.date);
                    format!(
                        "Week of {} (W{:02})",
                        monday.format("%a %-d %b %Y"),
                        monday.iso_week().week()
                    )
                }
            };
            let who = match (&state.viewer, &state.doctor) {
                (Viewer::Doctor(_), _) => "my appointments".to_string(),
                (_, Some(d)) => format!("{} ({})", d.full_name, d.specialization),
                (_, None) => "all doctors".to_string(),
            };
            (title, who)
        }
    };
    let title = format!(" {title} ");
    let hint = match state.viewer {
        Viewer::Staff => "/ find · d doctor · b book",
        Viewer::Doctor(_) => "/ find · t today",
        Viewer::Patient(_) => "b book",
    };
    let mut flags: Vec<String> = Vec::new();
    if !who.is_empty() {
        flags.push(who);
    }
    if state.hide_cancelled {
        flags.push("cancelled hidden".into());
    }
    if let Some(w) = state.waitlist {
        match (w.offered, w.waiting) {
            (0, 0) => {}
            (0, n) => flags.push(format!("waitlist {n} waiting")),
            (n, _) => flags.push(format!("waitlist {n} offered")),
        }
    }
    let who = if flags.is_empty() {
        String::new()
    } else {
        format!("· {}", flags.join(" · "))
    };
    let used = text_width(&title) + text_width(&who);
    let room = width.saturating_sub(text_width(&title));
    let mut spans = vec![Span::styled(title, theme.title())];
    if used + text_width(hint) + 3 <= width {
        // The doctor, then the hint flush right.
        spans.push(Span::raw(pad(&who, room - text_width(hint) - 1)));
        spans.push(Span::styled(hint, theme.dim()));
    } else if !who.is_empty() {
        spans.push(Span::raw(truncate(&who, room).into_owned()));
    }
    Line::from(spans)
}

pub fn render(
    frame: &mut Frame,
    area: Rect,
    state: &AgendaScreen,
    front_desk: bool,
    tz: Tz,
    theme: &Theme,
) {
    if area.height < 5 || area.width < 40 {
        return;
    }
    if let Some(page) = &state.detail {
        super::appointment::render(frame, area, page, front_desk, tz, theme);
        render_modal(frame, area, state, tz, theme);
        return;
    }
    let width = usize::from(area.width);
    frame.render_widget(
        Paragraph::new(header_line(state, width, theme)),
        Rect { height: 1, ..area },
    );
    // The find field takes a line above the selected appointment's.
    let find_line = state.finding || !state.find.value().is_empty();
    let table_area = Rect {
        y: area.y + 1,
        height: area.height - 2 - u16::from(find_line),
        ..area
    };
    let wide = width >= 110;
    let patient_view = matches!(state.viewer, Viewer::Patient(_));
    let time_w: u16 = match (patient_view, state.period) {
        (true, _) => 21,
        (false, Period::Day) => 11,
        (false, Period::Week) => 16,
    };
    let time_text = |v: &AppointmentView| {
        let (s, e) = (v.appointment.start_utc, v.appointment.end_utc());
        match (patient_view, state.period) {
            (true, _) => label(tz, s, "%a %-d %b %Y %H:%M"),
            (false, Period::Day) => format!("{}–{}", label(tz, s, "%H:%M"), label(tz, e, "%H:%M")),
            (false, Period::Week) => label(tz, s, "%a %-d %b %H:%M"),
        }
    };
    // A time in the repeated hour of a fall-back night carries its zone: make room. Only
    // the rows that can be on screen around the selection are measured (a chain's day can
    // hold thousands).
    let visible = usize::from(table_area.height.saturating_sub(1)).max(1);
    let selected = state.selected();
    let time_w = state
        .listed()
        .skip(selected.saturating_sub(visible))
        .take(2 * visible)
        .map(|v| u16::try_from(text_width(&time_text(v))).unwrap_or(u16::MAX))
        .fold(time_w, u16::max);
    let doctor_column = state.shows_doctor_column();
    let mut columns = vec![Column::new("Time", Constraint::Length(time_w))];
    if doctor_column {
        columns.push(Column::new(
            "Doctor",
            if patient_view {
                Constraint::Fill(1)
            } else {
                Constraint::Length(if wide { 24 } else { 18 })
            },
        ));
    }
    if !patient_view {
        columns.push(Column::new("Patient", Constraint::Fill(1)));
    }
    columns.push(Column::new("Status", Constraint::Length(9)));
    columns.push(Column::new("Min", Constraint::Length(3)).right());
    if wide {
        columns.push(Column::new("Location", Constraint::Length(20)));
    }
    let empty = if state.load_request.is_some() && !state.loaded {
        "Loading…".to_string()
    } else if !state.rows.is_empty() && !state.find.value().trim().is_empty() {
        format!("No patient here matches \"{}\".", state.find.value().trim())
    } else if !state.rows.is_empty() {
        "Only cancelled appointments here; v shows them.".to_string()
    } else {
        match (state.viewer, state.period) {
            (Viewer::Patient(_), _) => "You have no appointments yet. Press b to book one.",
            (_, Period::Day) => "No appointments on this day.",
            (_, Period::Week) => "No appointments in this week.",
        }
        .to_string()
    };
    let listed: Vec<&AppointmentView> = state.listed().collect();
    DataTable::new(columns)
        .empty(&empty)
        .active(state.modal.is_none() && !state.finding)
        .render_with(
            frame,
            table_area,
            &state.view,
            listed.len(),
            |i| {
                let v = listed[i];
                let a = &v.appointment;
                let mut cells = vec![Span::raw(time_text(v))];
                if doctor_column {
                    cells.push(Span::raw(v.doctor_name.clone()));
                }
                if !patient_view {
                    cells.push(Span::raw(v.patient_name.clone()));
                }
                cells.push(Span::styled(
                    a.status.label(),
                    status_style(a.status, theme),
                ));
                cells.push(Span::raw(a.duration_minutes.to_string()));
                if wide {
                    cells.push(Span::raw(v.location_name.clone().unwrap_or_default()));
                }
                cells
            },
            theme,
        );
    // The selected appointment in one line.
    let detail = state.selected_row().map(|v| {
        let a = &v.appointment;
        let mut parts = vec![format!("#{} {}", a.id, v.specialization)];
        if let Some(l) = &v.location_name {
            parts.push(l.clone());
        }
        if let Some(r) = &a.cancel_reason {
            parts.push(format!("cancelled: {r}"));
        }
        if patient_view {
            parts.push(when_label(tz, a.start_utc, i64::from(a.duration_minutes)));
        } else {
            parts.push(v.patient_email.clone());
        }
        parts.join(" · ")
    });
    let detail = format!(" {}", detail.unwrap_or_default());
    if find_line {
        let y = area.y + area.height - 2;
        let line = Rect {
            x: area.x + 1,
            y,
            width: area.width.saturating_sub(2),
            height: 1,
        };
        frame.render_widget(Paragraph::new("Find:"), Rect { width: 6, ..line });
        let count = format!(" {} of {}", state.visible.len(), state.rows.len());
        let count_w = u16::try_from(text_width(&count)).unwrap_or(0);
        let field = Rect {
            x: line.x + 6,
            width: line.width.saturating_sub(6 + count_w),
            ..line
        };
        if let Some(pos) = text_field(frame, field, &state.find, None, state.finding, theme) {
            frame.set_cursor_position(pos);
        }
        frame.render_widget(
            Paragraph::new(Span::styled(count, theme.dim())),
            Rect {
                x: field.x + field.width,
                width: count_w,
                ..line
            },
        );
    }
    frame.render_widget(
        Paragraph::new(Span::styled(
            truncate(&detail, width).into_owned(),
            theme.info(),
        )),
        Rect {
            y: area.y + area.height - 1,
            height: 1,
            ..area
        },
    );

    render_modal(frame, area, state, tz, theme);
}

fn render_modal(frame: &mut Frame, area: Rect, state: &AgendaScreen, tz: Tz, theme: &Theme) {
    match &state.modal {
        None => {}
        Some(Modal::Reason(p)) => render_reason(frame, area, p, theme),
        Some(Modal::History(h)) => render_history(frame, area, h, tz, theme),
        Some(Modal::Reschedule(r)) => render_reschedule(frame, area, r, tz, theme),
        Some(Modal::Doctors(p)) => render_picker(frame, area, state, p, theme),
    }
}

/// The cancel prompt: which appointment, then the reason form (its error under the
/// field, "Saving…" while the cancellation is in flight).
fn render_reason(frame: &mut Frame, area: Rect, p: &ReasonPrompt, theme: &Theme) {
    let w = 70.min(area.width);
    let inner_w = w.saturating_sub(4);
    let h = p.form.height(inner_w).saturating_add(4);
    let boxed = popup(frame, area, w, h);
    let b = block(format!(" {} ", p.form.title()), theme);
    let inner = b.inner(boxed);
    frame.render_widget(b, boxed);
    if inner.height < 3 || inner.width < 20 {
        return;
    }
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width - 2,
        ..inner
    };
    frame.render_widget(
        Paragraph::new(truncate(&p.label, usize::from(inner.width)).into_owned()),
        Rect { height: 1, ..inner },
    );
    p.form.render(
        frame,
        Rect {
            y: inner.y + 2,
            height: inner.height - 2,
            ..inner
        },
        theme,
    );
}

pub(super) fn by_whom(c: &StatusChange) -> String {
    let kind = match c.changed_by_kind.as_str() {
        "FRONT_DESK" => "front desk",
        "ADMIN" => "admin",
        "DOCTOR" => "doctor",
        "PATIENT" => "patient",
        "SYSTEM" => "system",
        other => other,
    };
    match c.changed_by_id {
        Some(id) => format!("{kind} #{id}"),
        None => kind.to_string(),
    }
}

fn render_history(frame: &mut Frame, area: Rect, h: &HistoryPopup, tz: Tz, theme: &Theme) {
    let mut lines = vec![
        Line::from(Span::styled(
            h.label.clone(),
            Style::new().add_modifier(Modifier::BOLD),
        )),
        Line::raw(""),
    ];
    match &h.rows {
        None => lines.push(Line::from(Span::styled("Loading…", theme.dim()))),
        Some(rows) if rows.is_empty() => lines.push(Line::from(Span::styled(
            "No changes recorded.",
            theme.dim(),
        ))),
        Some(rows) => {
            for c in rows {
                let from = c.from_status.map_or("new", |s| s.label());
                let text = format!(
                    "{}  {} → {}  by {}",
                    local(tz, c.changed_at).format("%-d %b %Y %H:%M"),
                    from,
                    c.to_status.label(),
                    by_whom(c)
                );
                lines.push(Line::raw(text));
                let at = |t: NaiveDateTime| label(tz, t, "%a %-d %b %H:%M");
                match (c.old_time, c.new_time) {
                    (Some(old), Some(new)) => lines.push(Line::from(Span::styled(
                        format!("    moved {} → {}", at(old), at(new)),
                        theme.dim(),
                    ))),
                    (None, Some(new)) => lines.push(Line::from(Span::styled(
                        format!("    for {}", at(new)),
                        theme.dim(),
                    ))),
                    _ => {}
                }
                if let Some(r) = c.reason.as_deref().filter(|r| !r.is_empty()) {
                    lines.push(Line::from(Span::styled(
                        format!("    reason: {r}"),
                        theme.dim(),
                    )));
                }
            }
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled("Esc close", theme.dim())));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let boxed = popup(frame, area, 78, height);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(" Status history ".into(), theme)),
        boxed,
    );
}

fn render_reschedule(frame: &mut Frame, area: Rect, r: &ReschedulePicker, tz: Tz, theme: &Theme) {
    let boxed = popup(frame, area, 60, area.height);
    let b = block(format!(" Move to · next {DAYS} days "), theme);
    let inner = b.inner(boxed);
    frame.render_widget(b, boxed);
    if inner.height < 4 || inner.width < 20 {
        return;
    }
    let mut top = vec![Line::raw(r.label.clone())];
    if r.later > 0 {
        let (this, all) = if r.all_later {
            (Style::new(), theme.focus())
        } else {
            (theme.focus(), Style::new())
        };
        let later = match r.later {
            1 => "this and the 1 later".to_string(),
            n => format!("this and the {n} later"),
        };
        top.push(Line::from(vec![
            Span::raw("Move "),
            Span::styled(" this one ", this),
            Span::raw(" "),
            Span::styled(format!(" {later} "), all),
            Span::styled("  ←→", theme.dim()),
        ]));
    }
    if r.pending {
        top.push(Line::from(Span::styled("Rescheduling…", theme.info())));
    } else if let Some(e) = &r.error {
        top.push(Line::from(Span::styled(e.clone(), theme.error())));
    }
    if r.slots.is_empty() {
        let text = if r.loaded {
            format!("No free time in the next {DAYS} days.")
        } else {
            "Loading free times…".to_string()
        };
        top.push(Line::from(Span::styled(text, theme.dim())));
    }
    let used = u16::try_from(top.len()).unwrap_or(1).min(inner.height);
    let rect = |y: u16, h: u16| Rect {
        x: inner.x + 1,
        y,
        width: inner.width - 2,
        height: h,
    };
    frame.render_widget(
        Paragraph::new(top).wrap(Wrap { trim: true }),
        rect(inner.y, used),
    );
    let list_h = inner.height.saturating_sub(used + 1);
    let lines = slot_lines(&r.slots, tz, r.selected, false, usize::from(list_h), theme);
    frame.render_widget(Paragraph::new(lines), rect(inner.y + used, list_h));
    frame.render_widget(
        Paragraph::new(Span::styled(
            "Enter move here · Esc keep the time",
            theme.dim(),
        )),
        rect(inner.y + inner.height - 1, 1),
    );
}

fn render_picker(
    frame: &mut Frame,
    area: Rect,
    state: &AgendaScreen,
    p: &DoctorPicker,
    theme: &Theme,
) {
    use crate::tui::widgets::picker;
    let mut entries = vec!["All doctors".to_string()];
    entries.extend(
        state
            .filtered_doctors(p.query.value())
            .into_iter()
            .map(picker::doctor_entry),
    );
    let loading = state.doctors_request.is_some() && state.doctors.is_empty();
    let note = loading.then_some("Loading…");
    picker::render(
        frame,
        area,
        &picker::Picker {
            title: "Whose agenda",
            query: &p.query,
            entries: &entries,
            selected: p.selected,
            note,
        },
        theme,
    );
}
