//! The `?` / F1 overlay: what the current screen offers now (from its `commands()`,
//! greyed where not possible at the moment), then the keys that work everywhere. It
//! scrolls when it is longer than the screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::popup;
use crate::tui::keymap::{Command, Context, Keymap};
use crate::tui::screen::Commands;
use crate::tui::state::HelpView;
use crate::tui::theme::Theme;

/// The overlay's lines, before scrolling.
pub fn lines<'a>(
    keymap: &Keymap,
    ctx: Context,
    commands: &Commands,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let mut lines = vec![Line::from(Span::styled("On this screen", theme.title()))];
    let chords = |command: Command, ctx: Context| {
        keymap
            .describe(ctx)
            .into_iter()
            .find(|(c, _)| *c == command)
            .map(|(_, chords)| {
                chords
                    .iter()
                    .map(|k| k.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .or_else(|| keymap.key_for(ctx, command))
    };
    // A footer group ("↑↓ move") is listed command by command, each with all its keys.
    for info in &commands.items {
        let (key_style, text_style) = if info.enabled {
            (theme.key(), ratatui::style::Style::default())
        } else {
            (theme.dim(), theme.dim())
        };
        for command in std::iter::once(info.command).chain(info.with.iter().copied()) {
            let Some(keys) = chords(command, info.context.unwrap_or(ctx)) else {
                continue;
            };
            let mut text = command.help().to_string();
            if !info.enabled {
                text.push_str(" (not possible now)");
            }
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<14}"), key_style),
                Span::styled(text, text_style),
            ]));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled("Everywhere", theme.title())));
    for (command, chords) in keymap.describe(Context::Global) {
        let keys = chords
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        lines.push(Line::from(vec![
            Span::styled(format!("  {keys:<14}"), theme.key()),
            Span::raw(command.help().to_string()),
        ]));
    }
    if let Some(key) = keymap.key_for(ctx, Command::Help) {
        lines.push(Line::from(vec![
            Span::styled(format!("  {key:<14}"), theme.key()),
            Span::raw("this help"),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        "Bindings can be changed in a keymap file (see README).",
        theme.dim(),
    )));
    lines
}

/// How far the overlay can scroll in an area `height` rows tall.
pub fn max_scroll(keymap: &Keymap, ctx: Context, commands: &Commands, height: u16) -> u16 {
    let total = u16::try_from(lines(keymap, ctx, commands, &Theme { color: false }).len())
        .unwrap_or(u16::MAX);
    total.saturating_sub(height.saturating_sub(2))
}

pub fn render(
    frame: &mut Frame,
    area: Rect,
    keymap: &Keymap,
    ctx: Context,
    commands: &Commands,
    view: HelpView,
    theme: &Theme,
) {
    let lines = lines(keymap, ctx, commands, theme);
    let total = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let height = total.saturating_add(2).min(area.height);
    let inner = height.saturating_sub(2);
    let max_scroll = max_scroll(keymap, ctx, commands, area.height);
    let scroll = view.scroll.min(max_scroll);
    let title = if max_scroll > 0 {
        format!(
            " Help · {}-{} of {} · ↑↓ scroll · Esc closes ",
            scroll + 1,
            (scroll + inner).min(total),
            total
        )
    } else {
        " Help · Esc closes ".to_string()
    };
    let boxed = popup(frame, area, 64, height);
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll, 0)).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border())
                .title(Span::styled(title, theme.title())),
        ),
        boxed,
    );
}
