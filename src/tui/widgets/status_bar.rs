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
        // Moves (arrows/hjkl) are left to the help overlay so that the rest fits 80 columns.
        Context::Calendar => &[
            Command::Help,
            Command::NextWeek,
            Command::ThisWeek,
            Command::AddWindow,
            Command::Edit,
            Command::Delete,
            Command::AddTimeOff,
            Command::Search,
            Command::Back,
        ],
        Context::Form => &[Command::NextField, Command::Save, Command::Cancel],
        Context::Search => &[Command::Down, Command::Open, Command::Cancel],
        Context::Confirm => &[Command::Yes, Command::No],
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
        let label = match (ctx, command) {
            (_, Command::Down) => "move",
            // The calendar has many keys: short labels so that they fit 80 columns.
            (Context::Calendar, Command::Right) => "move",
            (Context::Calendar, Command::NextWeek) => "week",
            (Context::Calendar, Command::ThisWeek) => "today",
            (Context::Calendar, Command::AddWindow) => "add",
            (Context::Calendar, Command::Edit) => "edit",
            (Context::Calendar, Command::Delete) => "del",
            (Context::Calendar, Command::AddTimeOff) => "off",
            (Context::Calendar, Command::Search) => "doctor",
            (Context::Form, Command::NextField) => "next",
            (Context::Confirm, Command::Yes) => "delete",
            (Context::Confirm, Command::No) => "keep",
            (_, other) => other.help(),
        };
        let key = match command {
            Command::Down => format!(
                "{}{key}",
                keymap.key_for(ctx, Command::Up).unwrap_or_default()
            ),
            // "hjkl": the four moves in one.
            Command::Right if ctx == Context::Calendar => {
                [Command::Left, Command::Down, Command::Up, Command::Right]
                    .iter()
                    .filter_map(|c| keymap.key_for(ctx, *c))
                    .collect::<String>()
            }
            // "[]": previous and next week in one.
            Command::NextWeek => format!(
                "{}{key}",
                keymap.key_for(ctx, Command::PrevWeek).unwrap_or_default()
            ),
            _ => key,
        };
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    // The calendar's bar is full at 80 columns; Ctrl-C is listed in its help overlay.
    if ctx == Context::Calendar {
        return Line::from(spans);
    }
    if let Some(key) = keymap.key_for(Context::Global, Command::ForceQuit) {
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(" exit"));
    }
    Line::from(spans)
}
