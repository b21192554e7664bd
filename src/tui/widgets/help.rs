//! The `?` / F1 overlay: every binding of the current screen and the global ones.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::centered;
use crate::tui::keymap::{Context, Keymap};
use crate::tui::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, keymap: &Keymap, ctx: Context, theme: &Theme) {
    let mut lines = Vec::new();
    for (title, c) in [
        (format!("On this screen ({})", ctx.name()), ctx),
        ("Everywhere".to_string(), Context::Global),
    ] {
        lines.push(Line::from(Span::styled(title, theme.title())));
        for (command, chords) in keymap.describe(c) {
            let keys = chords
                .iter()
                .map(|k| k.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<18}"), theme.key()),
                Span::raw(command.help().to_string()),
            ]));
        }
        lines.push(Line::raw(""));
    }
    lines.push(Line::from(Span::styled(
        "Bindings can be changed in a keymap file (see README).",
        theme.dim(),
    )));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let popup = centered(area, 56, height);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border())
                .title(Span::styled(" Help · Esc closes ", theme.title())),
        ),
        popup,
    );
}
