//! The `?` / F1 overlay: every binding of the current screen and the global ones.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::popup;
use crate::tui::keymap::{Context, Keymap};
use crate::tui::theme::Theme;

/// Fields of a screen with keys of their own, listed with the screen's: (what the
/// section is called, the field's context).
fn field_contexts(ctx: Context) -> &'static [(&'static str, Context)] {
    match ctx {
        Context::Login => &[("On the Sign in as field", Context::LoginRole)],
        _ => &[],
    }
}

pub fn render(frame: &mut Frame, area: Rect, keymap: &Keymap, ctx: Context, theme: &Theme) {
    let mut lines = Vec::new();
    let own = keymap.describe(ctx);
    let mut sections = vec![(format!("On this screen ({})", ctx.name()), own.clone())];
    for (title, field) in field_contexts(ctx) {
        // Only what the field adds to the screen's keys.
        let extra: Vec<_> = keymap
            .describe(*field)
            .into_iter()
            .filter(|(command, _)| !own.iter().any(|(c, _)| c == command))
            .collect();
        if !extra.is_empty() {
            sections.push((format!("{title} ({})", field.name()), extra));
        }
    }
    sections.push(("Everywhere".to_string(), keymap.describe(Context::Global)));
    for (title, commands) in sections {
        lines.push(Line::from(Span::styled(title, theme.title())));
        for (command, chords) in commands {
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
    let boxed = popup(frame, area, 56, height);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border())
                .title(Span::styled(" Help · Esc closes ", theme.title())),
        ),
        boxed,
    );
}
