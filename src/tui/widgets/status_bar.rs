//! The bottom line: the keys that work here, from the keymap.

use ratatui::text::{Line, Span};

use crate::tui::keymap::{Command, Context, Keymap};
use crate::tui::theme::Theme;

/// The commands worth listing in the bar for a context, in order of importance.
fn shown(ctx: Context) -> &'static [Command] {
    match ctx {
        Context::Login => &[
            Command::NextField,
            Command::Submit,
            Command::Help,
            Command::Quit,
        ],
        Context::Home => &[
            Command::Down,
            Command::Open,
            Command::Help,
            Command::Logout,
            Command::Quit,
        ],
        Context::Help => &[Command::Back],
        Context::Global => &[Command::Help],
    }
}

/// "Tab next field  Enter sign in  F1 help …", built from the actual bindings.
pub fn keys_line<'a>(keymap: &Keymap, ctx: Context, theme: &Theme) -> Line<'a> {
    let mut spans = Vec::new();
    for command in shown(ctx) {
        let Some(key) = keymap.key_for(ctx, *command) else {
            continue;
        };
        let label = match command {
            Command::Down => "move",
            other => other.help(),
        };
        let key = if *command == Command::Down {
            format!(
                "{}{key}",
                keymap.key_for(ctx, Command::Up).unwrap_or_default()
            )
        } else {
            key
        };
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    if let Some(key) = keymap.key_for(Context::Global, Command::ForceQuit) {
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(" exit"));
    }
    Line::from(spans)
}
