//! A scrollable help overlay over any list of [`HelpSection`]s: entries in a keys column
//! sized by display width, long descriptions wrapped under their column, disabled entries
//! dimmed, a scroll bar and "lines a–b of n" when it does not all fit, and scrolling with
//! Up/Down (j/k), PageUp/PageDown, Home/End. [`sections_for`] builds the sections from a
//! screen's `commands()`, as `help::lines` lists them.
//!
//! ```ignore
//! let mut help = HelpOverlay::default();
//! if help.on_key(&key, command) { close_help() }  // and in render: help.render(frame, area, &sections, theme)
//! ```

use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState,
};

use super::popup;
use super::text::{pad, width, wrap};
use crate::tui::keymap::{Command, Context, Keymap};
use crate::tui::screen::Commands;
use crate::tui::theme::Theme;

/// One line of help: the keys, what they do, and whether they do it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpEntry {
    pub keys: String,
    pub description: String,
    pub enabled: bool,
}

impl HelpEntry {
    pub fn new(keys: impl Into<String>, description: impl Into<String>) -> HelpEntry {
        HelpEntry {
            keys: keys.into(),
            description: description.into(),
            enabled: true,
        }
    }

    /// The same entry, shown dimmed (the key exists but does nothing here now).
    pub fn enabled(mut self, enabled: bool) -> HelpEntry {
        self.enabled = enabled;
        self
    }
}

/// Entries under a heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpSection {
    pub heading: String,
    pub entries: Vec<HelpEntry>,
}

const NOTE: &str = "Bindings can be changed in a keymap file (see README).";

/// A screen's commands as help: "On this screen", each command of an entry with all its
/// keys (disabled ones say "not possible now"), then "Everywhere": the global keys and
/// the help key.
pub fn sections_for(keymap: &Keymap, ctx: Context, commands: &Commands) -> Vec<HelpSection> {
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
    let mut here = Vec::new();
    for info in &commands.items {
        for command in std::iter::once(info.command).chain(info.with.iter().copied()) {
            // Keys bound where the entry says (a field without focus now), else here.
            let Some(keys) = chords(command, info.context.unwrap_or(ctx)) else {
                continue;
            };
            let mut description = command.help().to_string();
            if !info.enabled {
                description.push_str(" (not possible now)");
            }
            here.push(HelpEntry::new(keys, description).enabled(info.enabled));
        }
    }
    let mut everywhere: Vec<HelpEntry> = keymap
        .describe(Context::Global)
        .into_iter()
        .map(|(command, chords)| {
            let keys = chords
                .iter()
                .map(|k| k.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            HelpEntry::new(keys, command.help())
        })
        .collect();
    if let Some(key) = keymap.key_for(ctx, Command::Help) {
        everywhere.push(HelpEntry::new(key, "this help"));
    }
    vec![
        HelpSection {
            heading: "On this screen".to_string(),
            entries: here,
        },
        HelpSection {
            heading: "Everywhere".to_string(),
            entries: everywhere,
        },
    ]
}

/// The scrollable help overlay. `scroll` is the first line shown; the page height and the
/// last useful scroll are remembered from the last render (render takes `&self`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelpOverlay {
    pub scroll: usize,
    page: Cell<usize>,
    max: Cell<Option<usize>>,
}

/// Widest the overlay is drawn.
const WIDTH: u16 = 64;
/// Widest the keys column gets; longer keys wrap the description under them.
const MAX_KEYS_WIDTH: usize = 20;

impl HelpOverlay {
    pub fn new() -> HelpOverlay {
        HelpOverlay::default()
    }

    fn set_scroll(&mut self, scroll: usize) {
        self.scroll = match self.max.get() {
            Some(max) => scroll.min(max),
            None => scroll,
        };
    }

    /// Scrolls for Up/Down/PageUp/PageDown; returns true when the command closes the
    /// overlay (Back, Help, Cancel, Quit).
    pub fn on_command(&mut self, command: Command) -> bool {
        let page = self.page.get().max(1);
        match command {
            Command::Back | Command::Help | Command::Cancel | Command::Quit => return true,
            Command::Up => self.set_scroll(self.scroll.saturating_sub(1)),
            Command::Down => self.set_scroll(self.scroll.saturating_add(1)),
            Command::PageUp => self.set_scroll(self.scroll.saturating_sub(page)),
            Command::PageDown => self.set_scroll(self.scroll.saturating_add(page)),
            _ => {}
        }
        false
    }

    /// [`HelpOverlay::on_command`] when the key is bound, else the arrows (and j/k),
    /// PageUp, PageDown, Home and End by themselves (the help context binds few keys).
    pub fn on_key(&mut self, key: &KeyEvent, command: Option<Command>) -> bool {
        if let Some(c) = command {
            return self.on_command(c);
        }
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.on_command(Command::Up),
            KeyCode::Down | KeyCode::Char('j') => self.on_command(Command::Down),
            KeyCode::PageUp => self.on_command(Command::PageUp),
            KeyCode::PageDown => self.on_command(Command::PageDown),
            KeyCode::Home => {
                self.scroll = 0;
                false
            }
            KeyCode::End => {
                self.set_scroll(usize::MAX);
                false
            }
            _ => false,
        }
    }

    /// The overlay's lines at `inner` columns.
    fn lines(sections: &[HelpSection], inner: usize, theme: &Theme) -> Vec<Line<'static>> {
        let keys_w = sections
            .iter()
            .flat_map(|s| &s.entries)
            .map(|e| width(&e.keys))
            .max()
            .unwrap_or(0)
            .min(MAX_KEYS_WIDTH);
        let desc_w = inner.saturating_sub(keys_w + 3).max(10);
        let mut lines = Vec::new();
        for section in sections {
            lines.push(Line::from(Span::styled(
                section.heading.clone(),
                theme.title(),
            )));
            for e in &section.entries {
                let (key_style, desc_style) = if e.enabled {
                    (theme.key(), Style::new())
                } else {
                    (theme.dim(), theme.dim())
                };
                let mut rows = wrap(&e.description, desc_w).into_iter();
                let first = rows.next().unwrap_or_default();
                if width(&e.keys) > keys_w {
                    // Keys too long for the column: on a line of their own.
                    lines.push(Line::from(Span::styled(format!("  {}", e.keys), key_style)));
                    lines.push(Line::from(vec![
                        Span::raw(" ".repeat(keys_w + 3)),
                        Span::styled(first, desc_style),
                    ]));
                } else {
                    lines.push(Line::from(vec![
                        Span::styled(format!("  {} ", pad(&e.keys, keys_w)), key_style),
                        Span::styled(first, desc_style),
                    ]));
                }
                for row in rows {
                    lines.push(Line::from(vec![
                        Span::raw(" ".repeat(keys_w + 3)),
                        Span::styled(row, desc_style),
                    ]));
                }
            }
            lines.push(Line::raw(""));
        }
        for row in wrap(NOTE, inner) {
            lines.push(Line::from(Span::styled(row, theme.dim())));
        }
        lines
    }

    /// Draws the overlay centred over `area` (at most 64 columns, as tall as needed up to
    /// `area`), with a scroll bar and "lines a–b of n" when it does not all fit.
    pub fn render(&self, frame: &mut Frame, area: Rect, sections: &[HelpSection], theme: &Theme) {
        let w = WIDTH.min(area.width);
        let inner_w = usize::from(w.saturating_sub(4));
        let lines = HelpOverlay::lines(sections, inner_w, theme);
        let total = lines.len();
        let wanted = u16::try_from(total + 2).unwrap_or(u16::MAX);
        let boxed = popup(frame, area, w, wanted.min(area.height));
        let page = usize::from(boxed.height.saturating_sub(2)).max(1);
        let max = total.saturating_sub(page);
        self.page.set(page);
        self.max.set(Some(max));
        let scroll = self.scroll.min(max);
        let mut block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border())
            .title(Span::styled(" Help · Esc closes ", theme.title()));
        if max > 0 {
            let last = (scroll + page).min(total);
            let arrows = match (scroll > 0, scroll < max) {
                (true, true) => "↑↓",
                (false, true) => "↓",
                (true, false) => "↑",
                (false, false) => "",
            };
            block = block.title_bottom(
                Line::from(Span::styled(
                    format!(" {arrows} lines {}–{last} of {total} ", scroll + 1),
                    theme.dim(),
                ))
                .right_aligned(),
            );
        }
        let inner = block.inner(boxed);
        frame.render_widget(block, boxed);
        let text = Rect {
            x: inner.x + 1,
            width: inner.width.saturating_sub(2),
            ..inner
        };
        let shown: Vec<Line> = lines.into_iter().skip(scroll).take(page).collect();
        frame.render_widget(Paragraph::new(shown), text);
        if max > 0 {
            let mut state = ScrollbarState::new(max + 1).position(scroll);
            frame.render_stateful_widget(
                Scrollbar::new(ScrollbarOrientation::VerticalRight)
                    .begin_symbol(None)
                    .end_symbol(None)
                    .style(theme.border()),
                boxed.inner(Margin::new(0, 1)),
                &mut state,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn many() -> Vec<HelpSection> {
        (0..3)
            .map(|s| HelpSection {
                heading: format!("Section {s}"),
                entries: (0..10)
                    .map(|i| HelpEntry::new(format!("k{i}"), format!("does thing {i}")))
                    .collect(),
            })
            .collect()
    }

    fn draw(help: &HelpOverlay, sections: &[HelpSection], w: u16, h: u16) -> Vec<String> {
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        t.draw(|f| help.render(f, f.area(), sections, &Theme { color: false }))
            .expect("draw");
        let buf = t.backend().buffer().clone();
        (0..h)
            .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>())
            .collect()
    }

    #[test]
    fn closing_commands_close_and_moves_scroll() {
        let mut h = HelpOverlay::new();
        for c in [Command::Back, Command::Help, Command::Cancel, Command::Quit] {
            assert!(h.on_command(c), "{c:?}");
        }
        assert!(!h.on_command(Command::Down));
        assert_eq!(h.scroll, 1);
        assert!(!h.on_command(Command::Up));
        assert!(!h.on_command(Command::Up));
        assert_eq!(h.scroll, 0);
    }

    #[test]
    fn scrolling_is_clamped_to_the_content_once_drawn() {
        let sections = many();
        let mut h = HelpOverlay::new();
        let screen = draw(&h, &sections, 80, 24);
        // 3 headings + 30 entries + 3 gaps + the note = 37 lines in 22 rows.
        assert!(screen[23].contains("lines 1–22 of 37"), "{screen:?}");
        h.on_key(&KeyEvent::from(KeyCode::End), None);
        assert_eq!(h.scroll, 15);
        let screen = draw(&h, &sections, 80, 24);
        assert!(screen[23].contains("↑ lines 16–37 of 37"), "{screen:?}");
        assert!(screen[22].contains("Bindings can be changed"), "{screen:?}");
        h.on_command(Command::PageUp);
        assert_eq!(h.scroll, 0);
        h.on_command(Command::PageDown);
        assert_eq!(h.scroll, 15);
        h.on_key(&KeyEvent::from(KeyCode::Home), None);
        assert_eq!(h.scroll, 0);
        h.on_key(&KeyEvent::from(KeyCode::Down), None);
        h.on_key(&KeyEvent::from(KeyCode::Char('j')), None);
        h.on_key(&KeyEvent::from(KeyCode::Char('k')), None);
        assert_eq!(h.scroll, 1);
    }

    #[test]
    fn what_fits_has_no_scroll_indicator() {
        let sections = vec![HelpSection {
            heading: "Here".into(),
            entries: vec![HelpEntry::new("?", "help")],
        }];
        let screen = draw(&HelpOverlay::new(), &sections, 80, 24);
        assert!(!screen.iter().any(|l| l.contains("lines ")), "{screen:?}");
    }

    #[test]
    fn long_descriptions_wrap_under_their_description_column() {
        let sections = vec![HelpSection {
            heading: "Here".into(),
            entries: vec![HelpEntry::new(
                "Ctrl-S",
                "save the prescription as a new version and keep editing it afterwards",
            )],
        }];
        let lines = HelpOverlay::lines(&sections, 40, &Theme { color: false });
        let text: Vec<String> = lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        assert_eq!(text[1], "  Ctrl-S save the prescription as a new");
        assert_eq!(text[2], "         version and keep editing it");
    }

    #[test]
    fn sections_for_lists_a_screens_commands_then_the_global_keys() {
        let mut commands = Commands::default();
        commands
            .group(&[Command::Up, Command::Down], "move", true)
            .add(Command::MarkCompleted, "done", false);
        let s = sections_for(&Keymap::defaults(), Context::Agenda, &commands);
        assert_eq!(s[0].heading, "On this screen");
        let here: Vec<(&str, &str, bool)> = s[0]
            .entries
            .iter()
            .map(|e| (e.keys.as_str(), e.description.as_str(), e.enabled))
            .collect();
        assert_eq!(
            here,
            [
                ("k, ↑", "up", true),
                ("j, ↓", "down", true),
                ("m", "mark completed (not possible now)", false)
            ]
        );
        assert_eq!(s[1].heading, "Everywhere");
        assert!(s[1].entries.iter().any(|e| e.description == "this help"));
    }
}
