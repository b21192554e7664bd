//! Drawing pieces the prescription screens share: boxes, the appointment header line, a
//! prescription as lines, one line of a diff, a yes/no box.

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::domain::prescription::{DiffLine, Prescription};
use crate::service::prescriptions::AppointmentBrief;
use crate::tui::theme::Theme;
use crate::tui::widgets::popup;
use crate::tui::widgets::text::{truncate, wrap};

/// A UTC time as the clinic's wall clock ("Mon 12 Jan 09:00").
pub fn local(tz: Tz, utc: NaiveDateTime) -> String {
    crate::domain::local_time::label(tz, utc, "%a %-d %b %H:%M")
}

/// A bordered box titled `title`, highlighted when it has focus.
pub fn boxed<'a>(title: String, focused: bool, theme: &Theme) -> Block<'a> {
    let title_style = if focused {
        theme.focus()
    } else {
        theme.title()
    };
    Block::default()
        .borders(Borders::ALL)
        .border_style(if focused {
            theme.title()
        } else {
            theme.border()
        })
        .title(Span::styled(title, title_style))
}

/// "Zoë Ångström · Mon 12 Jan 09:00 · Dr. House · v2 · saved".
pub fn header_line(
    brief: &AppointmentBrief,
    tz: Tz,
    state_text: String,
    theme: &Theme,
) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!(" {} ", brief.patient_name), theme.title()),
        Span::raw(format!(
            "· {} · {} · ",
            local(tz, brief.start_utc),
            brief.doctor_name
        )),
        Span::styled(state_text, theme.dim()),
    ])
}

/// `text` cut to `width` columns (ending in `…`), as an owned line.
fn cut(text: &str, width: usize) -> Line<'static> {
    Line::raw(truncate(text, width).into_owned())
}

/// A whole prescription as lines of at most `width` columns: a medication or an
/// attachment on one line (cut), the notes wrapped at words.
pub fn describe_lines(p: &Prescription, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled("Medications", theme.title()))];
    if p.medications.is_empty() {
        lines.push(Line::from(Span::styled("  none", theme.dim())));
    }
    for (i, m) in p.medications.iter().enumerate() {
        lines.push(cut(
            &format!("  {}. {} — {}", i + 1, m.name, m.describe()),
            width,
        ));
    }
    for (title, text) in [
        ("Chief complaint", &p.notes.chief_complaint),
        ("Diagnosis", &p.notes.diagnosis),
        ("Recommendations", &p.notes.recommendations),
    ] {
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled(title, theme.title())));
        if text.trim().is_empty() {
            lines.push(Line::from(Span::styled("  —", theme.dim())));
        }
        if !text.trim().is_empty() {
            for row in wrap(text.trim_end(), width.saturating_sub(2)) {
                lines.push(Line::raw(format!("  {row}")));
            }
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("Tags ", theme.title()),
        Span::raw(if p.tags.is_empty() {
            "—".to_string()
        } else {
            format!("#{}", p.tags.join(" #"))
        }),
    ]));
    if !p.attachments.is_empty() {
        lines.push(Line::from(Span::styled("Attachments", theme.title())));
        for a in &p.attachments {
            lines.push(cut(&format!("  {} ({})", a.file_name, a.kind), width));
        }
    }
    lines
}

/// One change between two versions, coloured by kind.
pub fn diff_line(d: &DiffLine, width: usize, theme: &Theme) -> Line<'static> {
    let style = match d {
        DiffLine::Added { .. } => theme.info(),
        DiffLine::Removed { .. } => theme.error(),
        DiffLine::Changed { .. } => Style::new(),
    };
    let text = truncate(&format!("  {}", d.text()), width).into_owned();
    Line::from(Span::styled(text, style))
}

/// A question in a box over `area`.
pub fn render_confirm(frame: &mut Frame, area: Rect, text: &str, theme: &Theme) {
    let boxed_area = popup(frame, area, 60, 6);
    frame.render_widget(
        Paragraph::new(text.to_string())
            .wrap(Wrap { trim: true })
            .block(boxed(" Confirm ".into(), true, theme)),
        boxed_area,
    );
}

/// "Opening appointment 1025…" while a screen loads, or that it could not be opened
/// (its request failed without an answer).
pub fn render_opening(
    frame: &mut Frame,
    area: Rect,
    appointment_id: i32,
    unavailable: bool,
    theme: &Theme,
) {
    let text = if unavailable {
        format!("Appointment {appointment_id} could not be opened. Esc goes back.")
    } else {
        format!("Opening appointment {appointment_id}…")
    };
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: true }).block(boxed(
            " Prescription ".into(),
            false,
            theme,
        )),
        area,
    );
}
