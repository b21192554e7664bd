//! A y/n question over a screen about one change (deactivate, close, reopen): the
//! question, what a yes changes, and the id of the request while the change is on its
//! way. The box grows to show a long question in full, wrapped at words.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::popup;
use super::text::wrap;
use crate::tui::theme::Theme;

/// Widest the box is drawn (borders included).
const WIDTH: u16 = 62;

/// A y/n question about changing `target`.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm<T> {
    pub question: String,
    pub target: T,
    /// The request id of the change in flight.
    pub pending: Option<u64>,
}

impl<T> Confirm<T> {
    pub fn new(question: impl Into<String>, target: T) -> Confirm<T> {
        Confirm {
            question: question.into(),
            target,
            pending: None,
        }
    }
}

/// Draws a y/n question as a centred box over `area` ("Saving…" while `pending`).
pub fn render_confirm(frame: &mut Frame, area: Rect, question: &str, pending: bool, theme: &Theme) {
    let w = WIDTH.min(area.width);
    let rows = wrap(question, usize::from(w.saturating_sub(4)).max(1));
    let h = u16::try_from(rows.len())
        .unwrap_or(u16::MAX)
        .saturating_add(4);
    let boxed = popup(frame, area, w, h);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(" Please confirm ", theme.title()));
    let inner = block.inner(boxed);
    frame.render_widget(block, boxed);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };
    let last = if pending {
        Line::from(Span::styled("Saving…", theme.info()))
    } else {
        Line::from(vec![
            Span::styled("y", theme.key()),
            Span::raw(" yes   "),
            Span::styled("n", theme.key()),
            Span::raw("/"),
            Span::styled("Esc", theme.key()),
            Span::raw(" no"),
        ])
    };
    let mut lines: Vec<Line> = rows.into_iter().map(Line::raw).collect();
    lines.push(Line::raw(""));
    lines.push(last);
    frame.render_widget(Paragraph::new(lines), inner);
}
