//! The bottom line: the keys that work here, from the keymap.

use ratatui::text::{Line, Span};

use crate::tui::keymap::{Command, Context, Keymap};
use crate::tui::screen::{CommandInfo, Commands};
use crate::tui::theme::Theme;

/// How many rows `line` takes when wrapped at words to `width` columns (display width,
/// so wide characters count double); a word longer than a row is broken across rows.
pub fn wrapped_rows(line: &Line<'_>, width: u16) -> u16 {
    let width = usize::from(width.max(1));
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let mut rows = 1usize;
    let mut used = 0usize;
    for word in text.split_whitespace() {
        let w = Span::raw(word).width();
        let needed = if used == 0 { w } else { used + 1 + w };
        if needed <= width {
            used = needed;
        } else if w <= width {
            rows += 1;
            used = w;
        } else {
            // A word wider than the row fills rows of its own.
            if used > 0 {
                rows += 1;
            }
            rows += (w - 1) / width;
            used = (w - 1) % width + 1;
        }
    }
    u16::try_from(rows).unwrap_or(u16::MAX)
}

/// The keys of an entry: its command's and those shown with it ("[]", "↑↓", "PgUp/PgDn").
pub fn entry_keys(keymap: &Keymap, ctx: Context, info: &CommandInfo) -> Option<String> {
    let ctx = info.context.unwrap_or(ctx);
    let mut keys = vec![keymap.key_for(ctx, info.command)?];
    keys.extend(info.with.iter().filter_map(|c| keymap.key_for(ctx, *c)));
    let single = keys.iter().all(|k| k.chars().count() == 1);
    Some(keys.join(if single { "" } else { "/" }))
}

/// The footer: the screen's enabled commands in order of importance, as many as fit in
/// `width` columns (display width), always ending with the help key.
pub fn footer<'a>(
    keymap: &Keymap,
    ctx: Context,
    commands: &Commands,
    width: u16,
    theme: &Theme,
) -> Line<'a> {
    let help = keymap
        .key_for(ctx, Command::Help)
        .unwrap_or_else(|| "F1".to_string());
    let help_width = Span::raw(format!(" {help} help")).width();
    let budget = usize::from(width).saturating_sub(help_width);
    let mut spans = Vec::new();
    let mut used = 0;
    for info in commands.items.iter().filter(|c| c.footer && c.enabled) {
        let Some(keys) = entry_keys(keymap, ctx, info) else {
            continue;
        };
        let entry = Span::raw(format!(" {keys} {} ", info.label)).width();
        if used + entry > budget {
            break;
        }
        used += entry;
        spans.push(Span::raw(" "));
        spans.push(Span::styled(keys, theme.key()));
        spans.push(Span::raw(format!(" {} ", info.label)));
    }
    spans.push(Span::raw(" "));
    spans.push(Span::styled(help, theme.key()));
    spans.push(Span::raw(" help"));
    Line::from(spans)
}

/// The footer while a yes/no question is up.
pub fn question_footer<'a>(keymap: &Keymap, theme: &Theme) -> Line<'a> {
    let key = |c| keymap.key_for(Context::Confirm, c).unwrap_or_default();
    Line::from(vec![
        Span::raw(" "),
        Span::styled(key(Command::Yes), theme.key()),
        Span::raw(" yes  "),
        Span::styled(key(Command::No), theme.key()),
        Span::raw(" no"),
    ])
}

/// The footer while the help overlay is open.
pub fn help_footer<'a>(keymap: &Keymap, theme: &Theme) -> Line<'a> {
    let key = |c| keymap.key_for(Context::Help, c).unwrap_or_default();
    Line::from(vec![
        Span::raw(" "),
        Span::styled(
            format!("{}{}", key(Command::Up), key(Command::Down)),
            theme.key(),
        ),
        Span::raw(" scroll  "),
        Span::styled(key(Command::PageDown), theme.key()),
        Span::raw(" page  "),
        Span::styled(key(Command::Back), theme.key()),
        Span::raw(" close"),
    ])
}
