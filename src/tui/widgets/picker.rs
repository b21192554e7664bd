//! The filter-as-you-type popup used to pick a doctor (calendar, agenda): a "Find:"
//! field over a list with the selection marked by reverse video and `▶`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use tui_input::Input;

use super::{popup, text_field};
use crate::service::availability::DoctorSummary;
use crate::tui::theme::Theme;

/// Doctors whose name or specialization contains the query (ignoring case).
pub fn filter_doctors<'a>(doctors: &'a [DoctorSummary], query: &str) -> Vec<&'a DoctorSummary> {
    let q = query.trim().to_lowercase();
    doctors
        .iter()
        .filter(|d| {
            q.is_empty()
                || d.full_name.to_lowercase().contains(&q)
                || d.specialization.to_lowercase().contains(&q)
        })
        .collect()
}

/// The entry to select after the query changed: the first real match, which comes after
/// `leading` fixed entries ("All doctors" is one), so typing a name and pressing Enter
/// picks that name; with nothing typed, or nothing matching, the first entry.
pub fn selection_after_typing(query: &str, matches: usize, leading: usize) -> usize {
    if query.trim().is_empty() || matches == 0 {
        0
    } else {
        leading
    }
}

/// "Name · Specialization", as the pickers list a doctor.
pub fn doctor_entry(d: &DoctorSummary) -> String {
    format!("{} · {}", d.full_name, d.specialization)
}

/// What a picker shows.
pub struct Picker<'a> {
    pub title: &'a str,
    pub query: &'a Input,
    pub entries: &'a [String],
    pub selected: usize,
    /// Replaces an empty list ("Loading…", "No doctor matches.") or follows the entries.
    pub note: Option<&'a str>,
}

/// Draws the popup over `area`.
pub fn render(frame: &mut Frame, area: Rect, p: &Picker<'_>, theme: &Theme) {
    let Picker {
        title,
        query,
        entries,
        selected,
        note,
    } = *p;
    let boxed = popup(frame, area, 50, area.height.min(14));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(format!(" {title} "), theme.title()));
    let inner = block.inner(boxed);
    frame.render_widget(block, boxed);
    if inner.height < 2 || inner.width < 10 {
        return;
    }
    let top = Rect {
        height: 1,
        x: inner.x + 1,
        width: inner.width - 2,
        ..inner
    };
    frame.render_widget(Paragraph::new("Find:"), Rect { width: 6, ..top });
    let field = Rect {
        x: top.x + 6,
        width: top.width.saturating_sub(6),
        ..top
    };
    if let Some(pos) = text_field(frame, field, query, None, true, theme) {
        frame.set_cursor_position(pos);
    }
    let room = usize::from(inner.height - 1);
    let first = selected.saturating_sub(room.saturating_sub(1));
    let mut lines: Vec<Line> = entries
        .iter()
        .enumerate()
        .skip(first)
        .take(room)
        .map(|(i, text)| {
            if i == selected {
                Line::from(Span::styled(format!("▶ {text}"), theme.focus()))
            } else {
                Line::raw(format!("  {text}"))
            }
        })
        .collect();
    if let Some(note) = note {
        lines.push(Line::from(Span::styled(note.to_string(), theme.dim())));
    }
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            y: inner.y + 1,
            height: inner.height - 1,
            ..top
        },
    );
}
