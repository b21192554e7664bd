//! A small multi-line text editor for the prescription notes. Kept in its own module so
//! that the shared editor widget (word wrap and undo) can replace it in one place.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::view::boxed;
use crate::tui::theme::Theme;

/// Multi-line text with a cursor (line, character). Enter inserts a newline.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TextArea {
    lines: Vec<String>,
    row: usize,
    col: usize,
}

impl TextArea {
    pub fn new(text: &str) -> TextArea {
        let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let row = lines.len().saturating_sub(1);
        let col = lines.last().map_or(0, |l| l.chars().count());
        TextArea { lines, row, col }
    }

    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.col)
    }

    fn line_len(&self, row: usize) -> usize {
        self.lines.get(row).map_or(0, |l| l.chars().count())
    }

    fn byte_at(&self, row: usize, col: usize) -> usize {
        self.lines
            .get(row)
            .map_or(0, |l| l.char_indices().nth(col).map_or(l.len(), |(i, _)| i))
    }

    /// Applies an editing key; returns whether it was one.
    pub fn handle_key(&mut self, key: &KeyEvent) -> bool {
        if self.lines.is_empty() {
            self.lines.push(String::new());
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Char(c) if !ctrl && !alt => {
                let at = self.byte_at(self.row, self.col);
                if let Some(line) = self.lines.get_mut(self.row) {
                    line.insert(at, c);
                    self.col += 1;
                }
            }
            KeyCode::Enter => {
                let at = self.byte_at(self.row, self.col);
                let rest = self
                    .lines
                    .get_mut(self.row)
                    .map(|l| l.split_off(at))
                    .unwrap_or_default();
                self.lines.insert(self.row + 1, rest);
                self.row += 1;
                self.col = 0;
            }
            KeyCode::Backspace => {
                if self.col > 0 {
                    let at = self.byte_at(self.row, self.col - 1);
                    if let Some(line) = self.lines.get_mut(self.row) {
                        line.remove(at);
                    }
                    self.col -= 1;
                } else if self.row > 0 {
                    let line = self.lines.remove(self.row);
                    self.row -= 1;
                    self.col = self.line_len(self.row);
                    if let Some(prev) = self.lines.get_mut(self.row) {
                        prev.push_str(&line);
                    }
                }
            }
            KeyCode::Delete => {
                if self.col < self.line_len(self.row) {
                    let at = self.byte_at(self.row, self.col);
                    if let Some(line) = self.lines.get_mut(self.row) {
                        line.remove(at);
                    }
                } else if self.row + 1 < self.lines.len() {
                    let next = self.lines.remove(self.row + 1);
                    if let Some(line) = self.lines.get_mut(self.row) {
                        line.push_str(&next);
                    }
                }
            }
            KeyCode::Left => {
                if self.col > 0 {
                    self.col -= 1;
                } else if self.row > 0 {
                    self.row -= 1;
                    self.col = self.line_len(self.row);
                }
            }
            KeyCode::Right => {
                if self.col < self.line_len(self.row) {
                    self.col += 1;
                } else if self.row + 1 < self.lines.len() {
                    self.row += 1;
                    self.col = 0;
                }
            }
            KeyCode::Up if self.row > 0 => {
                self.row -= 1;
                self.col = self.col.min(self.line_len(self.row));
            }
            KeyCode::Down if self.row + 1 < self.lines.len() => {
                self.row += 1;
                self.col = self.col.min(self.line_len(self.row));
            }
            KeyCode::Home => self.col = 0,
            KeyCode::End => self.col = self.line_len(self.row),
            _ => return false,
        }
        true
    }
}

/// Draws a text area with its title; returns the cursor position when focused.
pub fn render_text_area(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    text: &TextArea,
    focused: bool,
    theme: &Theme,
) -> Option<Position> {
    let block = boxed(format!(" {title} "), focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return None;
    }
    let (row, col) = text.cursor();
    let height = usize::from(inner.height);
    let width = usize::from(inner.width).max(1);
    // Soft-wrap every line at the width (by characters); find the cursor's visual row.
    let mut visual: Vec<String> = Vec::new();
    let mut cursor = (0usize, 0usize);
    for (i, line) in text.lines().iter().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let first = visual.len();
        if chars.is_empty() {
            visual.push(String::new());
        } else {
            for chunk in chars.chunks(width) {
                visual.push(chunk.iter().collect());
            }
        }
        if i == row {
            // At the exact end of a full row the cursor goes to the start of the next.
            let r = col / width;
            if first + r >= visual.len() {
                visual.push(String::new());
            }
            cursor = (first + r, col % width);
        }
    }
    let top = if focused {
        cursor.0.saturating_sub(height.saturating_sub(1))
    } else {
        0
    };
    let lines: Vec<Line> = visual
        .into_iter()
        .skip(top)
        .take(height)
        .map(Line::raw)
        .collect();
    let style = if focused { theme.field() } else { Style::new() };
    frame.render_widget(Paragraph::new(lines).style(style), inner);
    focused.then(|| {
        Position::new(
            inner.x + u16::try_from(cursor.1).unwrap_or(0),
            inner.y + u16::try_from(cursor.0 - top).unwrap_or(0),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn text_area_edits_across_lines_with_unicode() {
        let mut t = TextArea::new("");
        for c in "Zoë".chars() {
            t.handle_key(&key(KeyCode::Char(c)));
        }
        t.handle_key(&key(KeyCode::Enter));
        for c in "布洛芬".chars() {
            t.handle_key(&key(KeyCode::Char(c)));
        }
        assert_eq!(t.text(), "Zoë\n布洛芬");
        t.handle_key(&key(KeyCode::Home));
        t.handle_key(&key(KeyCode::Backspace));
        assert_eq!(t.text(), "Zoë布洛芬");
        assert_eq!(t.cursor(), (0, 3));
        t.handle_key(&key(KeyCode::Delete));
        assert_eq!(t.text(), "Zoë洛芬");
        t.handle_key(&key(KeyCode::Left));
        t.handle_key(&key(KeyCode::Enter));
        assert_eq!(t.text(), "Zo\në洛芬");
        t.handle_key(&key(KeyCode::Up));
        t.handle_key(&key(KeyCode::End));
        assert_eq!(t.cursor(), (0, 2));
    }
}
