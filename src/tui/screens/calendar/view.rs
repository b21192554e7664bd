//! Drawing the calendar: the title, the day headers, the time rows with the cursor, the
//! line about the cell under the cursor, and the open modal over them.

use chrono::{Datelike, Days, NaiveDate};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{
    CHROME_LINES, CalendarScreen, Confirm, DeleteTarget, DoctorSearch, Modal, ROWS,
    TimeOffQuestion, WEEKDAYS, hm, local, scroll_for, weekday_name,
};
use crate::tui::theme::Theme;
use crate::tui::widgets::popup;
use crate::tui::widgets::text::{pad, truncate, width as text_width, window};

/// Width of the time label column.
const LABEL_WIDTH: u16 = 6;

/// The characters and style of one cell, `width` columns wide.
fn cell_text(
    state: &CalendarScreen,
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
        let room = width.saturating_sub(1 + text_width(&more));
        let name = truncate(&first.patient_name, room);
        let text = pad(&format!("{mark}{name}{more}"), width);
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
    if info.extra.is_some() {
        // Extra hours stand out from the weekly windows: denser, not dimmed.
        return ("▒".repeat(width), Style::new());
    }
    if info.window.is_some() {
        return ("░".repeat(width), theme.dim());
    }
    (" ".repeat(width), Style::new())
}

/// A line about what is under the cursor.
fn detail_line(state: &CalendarScreen) -> String {
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
    let at = |location: Option<i32>| {
        location
            .map(|id| {
                week.locations
                    .iter()
                    .find(|l| l.id == id)
                    .map_or_else(|| format!(" @{id}"), |l| format!(" @{}", l.name))
            })
            .unwrap_or_default()
    };
    if let Some(w) = info.window {
        parts.push(format!(
            "░ window {}–{} every week{}",
            hm(w.window.start),
            hm(w.window.end),
            at(w.window.location_id)
        ));
    }
    if let Some(x) = info.extra {
        parts.push(format!(
            "▒ extra hours {}–{} this date only{}",
            hm(x.hours.start),
            hm(x.hours.end),
            at(x.hours.location_id)
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
    state: &CalendarScreen,
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
        spans.push(Span::styled(pad(&text, cell_w), style));
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
            pad(&format!("{} ", hm(start.time())), usize::from(LABEL_WIDTH)),
            label_style,
        )];
        for day in 0..7 {
            let (text, mut style) = cell_text(state, day, row, cell_w, theme);
            let text = if day == state.day && row == state.row {
                style = theme.focus();
                // Visible without colour or reverse video too.
                if cell_w >= 3 {
                    let inner = window(&text, 0, cell_w - 2);
                    format!("[{}]", pad(&inner, cell_w - 2))
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
    let legend = "  │ ░ every week ▒ extra hours × time off ▸ booked";
    let used = text_width(&detail_line(state)) + 1;
    if used + text_width(legend) <= width {
        detail.push(Span::styled(legend, theme.dim()));
    }
    frame.render_widget(
        Paragraph::new(Line::from(detail)),
        line_rect(area.height - 1),
    );

    match &state.modal {
        None => {}
        Some(Modal::Form(cf)) => cf.form.render_popup(frame, area, theme),
        Some(Modal::Confirm(c)) => render_confirm(frame, area, c, theme),
        Some(Modal::Search(s)) => render_search(frame, area, state, s, theme),
        Some(Modal::TimeOffConflicts(q)) => render_conflicts(frame, area, state, q, theme),
    }
}

/// The booked appointments inside new time off, and what can be done with them.
fn render_conflicts(
    frame: &mut Frame,
    area: Rect,
    state: &CalendarScreen,
    q: &TimeOffQuestion,
    theme: &Theme,
) {
    use crate::service::time_off::conflict_line;
    let tz = state.current_week().map_or(chrono_tz::UTC, |w| w.time_zone);
    let n = q.conflicts.len();
    let shown = n.min(usize::from(area.height.saturating_sub(10)).max(1));
    let height = u16::try_from(shown + 6).unwrap_or(u16::MAX);
    let boxed = popup(frame, area, 76, height);
    let inner_width = usize::from(boxed.width.saturating_sub(2));
    let head = if n == 1 {
        "This time off overlaps a booked appointment:".to_string()
    } else {
        format!("This time off overlaps {n} booked appointments:")
    };
    let mut lines = vec![Line::raw(truncate(&head, inner_width).into_owned())];
    for c in q.conflicts.iter().take(shown) {
        let line = format!("  {}", conflict_line(tz, c));
        lines.push(Line::raw(truncate(&line, inner_width).into_owned()));
    }
    if shown < n {
        lines.push(Line::styled(
            format!("  … and {} more", n - shown),
            theme.dim(),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(if q.pending.is_some() {
        vec![Span::styled("Saving…", theme.info())]
    } else {
        vec![
            Span::styled("c", theme.key()),
            Span::raw(" cancel them (with a reason)   "),
            Span::styled("k", theme.key()),
            Span::raw(" keep them booked   "),
            Span::styled("Esc", theme.key()),
            Span::raw(" back"),
        ]
    }));
    frame.render_widget(
        Paragraph::new(lines).block(modal_block(
            " Booked appointments inside the time off ".into(),
            theme,
        )),
        boxed,
    );
    if let Some(reason) = &q.reason {
        reason.render_popup(frame, area, theme);
    }
}

fn modal_block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(title, theme.title()))
}

fn render_confirm(frame: &mut Frame, area: Rect, c: &Confirm, theme: &Theme) {
    let label = match &c.target {
        DeleteTarget::Window { label, .. }
        | DeleteTarget::TimeOff { label, .. }
        | DeleteTarget::ExtraHours { label, .. } => label,
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
    state: &CalendarScreen,
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
