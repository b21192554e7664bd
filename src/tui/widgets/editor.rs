//! A multi-line text editor for notes (chief complaint, diagnosis, recommendations): word
//! wrap at the display width (a word is only broken when it is wider than a row), undo
//! and redo by word, a length limit, and no control characters other than line breaks.
//!
//! Written here rather than taken from `ratatui-textarea` 0.9 (which is compatible with
//! ratatui 0.30): its word wrap starts a row with the space that did not fit after a word
//! ending at the edge (" twice daily"), and can leave a row holding only that space.
//! Here spaces hang at the end of their row, as in a word processor.
//!
//! ```ignore
//! let mut notes = Editor::new(&saved_text).with_max_chars(4000);
//! if notes.on_key(&key) == EditorOutcome::Edited { state.dirty = true; }
//! ```

use std::cell::Cell;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::text::{
    byte_at, grapheme_chars, grapheme_width, next_boundary, prev_boundary, window, word_boundary,
    wrap_ranges,
};
use crate::domain::text::is_unsafe;
use crate::tui::theme::Theme;

/// What a key did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditorOutcome {
    /// The text changed (typing, deleting, undo, redo, paste).
    Edited,
    /// Only the cursor moved.
    Moved,
    /// The key would have added a control character or gone past the length limit.
    Refused,
    /// Not an editing key (left for the screen), or nothing to do (Backspace at the start).
    Ignored,
}

/// Kinds of edit, to group undo steps: typing a word and the spaces after it is one step,
/// so is a run of Backspaces or of Deletes; a line break or a paste is a step of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Word,
    Space,
    Backspace,
    Delete,
    Other,
}

impl Step {
    fn continues(self, next: Step) -> bool {
        matches!(
            (self, next),
            (Step::Word, Step::Word | Step::Space)
                | (Step::Space, Step::Space)
                | (Step::Backspace, Step::Backspace)
                | (Step::Delete, Step::Delete)
        )
    }
}

/// The text and cursor before an undo step.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Snapshot {
    lines: Vec<String>,
    cursor: (usize, usize),
}

/// Most undo steps kept.
const MAX_UNDO_STEPS: usize = 200;

/// One row on screen: part `start..end` (in characters) of line `line`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Row {
    line: usize,
    start: usize,
    end: usize,
    last: bool,
}

#[derive(Clone, Default)]
pub struct Editor {
    lines: Vec<String>,
    /// Line and character in the line.
    cursor: (usize, usize),
    max_chars: Option<usize>,
    placeholder: String,
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
    last: Option<Step>,
    /// The column Up/Down aim for (kept across short rows).
    goal: Option<usize>,
    /// From the last render: text columns (0: not drawn yet, no wrap), the first row
    /// shown, and the rows shown.
    width: Cell<usize>,
    top: Cell<usize>,
    page: Cell<usize>,
}

/// Notes are medical data: `Debug` shows their size, not their text.
impl fmt::Debug for Editor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Editor")
            .field("chars", &self.char_count())
            .field("lines", &self.lines.len())
            .field("cursor", &self.cursor)
            .finish()
    }
}

impl PartialEq for Editor {
    fn eq(&self, other: &Editor) -> bool {
        self.lines == other.lines
            && self.cursor == other.cursor
            && self.max_chars == other.max_chars
    }
}

impl Editor {
    /// An editor holding `text` (line breaks as `\n`), the cursor at its end.
    pub fn new(text: &str) -> Editor {
        let mut e = Editor::default();
        e.load(text);
        e
    }

    fn load(&mut self, text: &str) {
        self.lines = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
            .collect();
        let last = self.lines.len() - 1;
        self.cursor = (last, self.line_len(last));
        self.goal = None;
    }

    /// At most `max` characters (a line break counts as one). Longer text already there
    /// stays; it just cannot grow.
    pub fn with_max_chars(mut self, max: usize) -> Editor {
        self.max_chars = Some(max);
        self
    }

    /// A dim sentence shown while the editor is empty.
    pub fn with_placeholder(mut self, text: impl Into<String>) -> Editor {
        self.placeholder = text.into();
        self
    }

    /// The text, lines joined with `\n`.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    pub fn is_empty(&self) -> bool {
        self.lines.len() == 1 && self.lines[0].is_empty()
    }

    /// Characters in the text, line breaks included.
    pub fn char_count(&self) -> usize {
        self.lines.iter().map(|l| l.chars().count()).sum::<usize>() + self.lines.len() - 1
    }

    pub fn max_chars(&self) -> Option<usize> {
        self.max_chars
    }

    /// The cursor as (line, character in the line).
    pub fn cursor(&self) -> (usize, usize) {
        self.cursor
    }

    /// Replaces the text (a reload); undo history is dropped, the limit kept.
    pub fn set_text(&mut self, text: &str) {
        self.load(text);
        self.undo.clear();
        self.redo.clear();
        self.last = None;
    }

    fn line_len(&self, line: usize) -> usize {
        self.lines.get(line).map_or(0, |l| l.chars().count())
    }

    fn room(&self) -> usize {
        self.max_chars
            .map_or(usize::MAX, |m| m.saturating_sub(self.char_count()))
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            lines: self.lines.clone(),
            cursor: self.cursor,
        }
    }

    fn restore(&mut self, s: Snapshot) {
        self.lines = s.lines;
        self.cursor = s.cursor;
        self.last = None;
        self.goal = None;
    }

    /// Called before an edit that changes the text: a new undo step unless it continues
    /// the last one.
    fn begin(&mut self, step: Step) {
        if !self.last.is_some_and(|last| last.continues(step)) {
            self.undo.push(self.snapshot());
            if self.undo.len() > MAX_UNDO_STEPS {
                self.undo.remove(0);
            }
        }
        self.last = Some(step);
        self.redo.clear();
        self.goal = None;
    }

    /// Undoes the last step (a word, a run of deletions, a line break, a paste).
    pub fn undo(&mut self) -> bool {
        let Some(s) = self.undo.pop() else {
            return false;
        };
        self.redo.push(self.snapshot());
        self.restore(s);
        true
    }

    /// Redoes the last undone step.
    pub fn redo(&mut self) -> bool {
        let Some(s) = self.redo.pop() else {
            return false;
        };
        self.undo.push(self.snapshot());
        self.restore(s);
        true
    }

    fn insert(&mut self, c: char) {
        let (line, col) = self.cursor;
        let s = &mut self.lines[line];
        s.insert(byte_at(s, col), c);
        self.cursor.1 += 1;
    }

    fn newline(&mut self) {
        let (line, col) = self.cursor;
        let s = &mut self.lines[line];
        let rest = s.split_off(byte_at(s, col));
        self.lines.insert(line + 1, rest);
        self.cursor = (line + 1, 0);
    }

    /// Removes characters `from..to` of the cursor's line; the cursor goes to `from`.
    fn remove(&mut self, from: usize, to: usize) {
        let line = self.cursor.0;
        let s = &mut self.lines[line];
        let (a, b) = (byte_at(s, from), byte_at(s, to));
        s.replace_range(a..b, "");
        self.cursor.1 = from;
    }

    fn backspace(&mut self, word: bool) -> EditorOutcome {
        let (line, col) = self.cursor;
        if col == 0 && line == 0 {
            return EditorOutcome::Ignored;
        }
        self.begin(if word { Step::Other } else { Step::Backspace });
        if col == 0 {
            let rest = self.lines.remove(line);
            let len = self.line_len(line - 1);
            self.lines[line - 1].push_str(&rest);
            self.cursor = (line - 1, len);
        } else {
            let s = &self.lines[line];
            let from = if word {
                word_boundary(s, col, false)
            } else {
                prev_boundary(s, col)
            };
            self.remove(from, col);
        }
        EditorOutcome::Edited
    }

    fn delete(&mut self, word: bool) -> EditorOutcome {
        let (line, col) = self.cursor;
        let len = self.line_len(line);
        if col >= len && line + 1 >= self.lines.len() {
            return EditorOutcome::Ignored;
        }
        self.begin(if word { Step::Other } else { Step::Delete });
        if col >= len {
            let next = self.lines.remove(line + 1);
            self.lines[line].push_str(&next);
        } else {
            let s = &self.lines[line];
            let to = if word {
                word_boundary(s, col, true)
            } else {
                next_boundary(s, col)
            };
            self.remove(col, to);
            self.cursor.1 = col;
        }
        EditorOutcome::Edited
    }

    /// Every row on screen at the last render's width (one per line before any render).
    fn rows(&self) -> Vec<Row> {
        let width = match self.width.get() {
            0 => usize::MAX,
            w => w,
        };
        let mut rows = Vec::new();
        for (i, line) in self.lines.iter().enumerate() {
            let parts = if width == usize::MAX {
                vec![(0, line.chars().count())]
            } else {
                wrap_ranges(line, width)
            };
            let n = parts.len();
            for (k, (start, end)) in parts.into_iter().enumerate() {
                rows.push(Row {
                    line: i,
                    start,
                    end,
                    last: k + 1 == n,
                });
            }
        }
        rows
    }

    /// The cursor's row (index into `rows`) and column on screen.
    fn screen_cursor(&self, rows: &[Row]) -> (usize, usize) {
        let (line, col) = self.cursor;
        let index = rows
            .iter()
            .position(|r| r.line == line && r.start <= col && (col < r.end || r.last))
            .unwrap_or(0);
        let x = rows.get(index).map_or(0, |r| {
            let s = &self.lines[r.line];
            let part: String = s.chars().skip(r.start).take(col - r.start).collect();
            super::text::width(&part)
        });
        (index, x)
    }

    /// Moves the cursor to row `index`, as near column `x` as the row allows.
    fn go_to_row(&mut self, rows: &[Row], index: usize, x: usize) {
        let Some(r) = rows.get(index) else { return };
        let s = &self.lines[r.line];
        let part: String = s.chars().skip(r.start).take(r.end - r.start).collect();
        let mut col = r.start;
        let mut used = 0;
        for (n, g) in grapheme_chars(&part) {
            let w = grapheme_width(g);
            if used + w > x {
                break;
            }
            used += w;
            col += n;
        }
        // The end of a row that wraps is the start of the next one: stay before it.
        if !r.last && col >= r.end {
            col = prev_boundary(s, r.end).max(r.start);
        }
        self.cursor = (r.line, col);
    }

    /// Moves by `delta` rows on screen, keeping the column aimed for.
    fn vertical(&mut self, delta: isize) -> EditorOutcome {
        let rows = self.rows();
        let (index, x) = self.screen_cursor(&rows);
        let goal = *self.goal.get_or_insert(x);
        let target = index
            .saturating_add_signed(delta)
            .min(rows.len().saturating_sub(1));
        let before = self.cursor;
        if target != index {
            self.go_to_row(&rows, target, goal);
        }
        self.goal = Some(goal);
        self.last = None;
        self.outcome_of_move(before)
    }

    fn outcome_of_move(&self, before: (usize, usize)) -> EditorOutcome {
        if self.cursor == before {
            EditorOutcome::Ignored
        } else {
            EditorOutcome::Moved
        }
    }

    /// Moves the cursor within the text (not Up/Down).
    fn horizontal(&mut self, to: (usize, usize)) -> EditorOutcome {
        let before = self.cursor;
        self.cursor = to;
        self.goal = None;
        self.last = None;
        self.outcome_of_move(before)
    }

    fn left(&self, word: bool) -> (usize, usize) {
        let (line, col) = self.cursor;
        match (col, line) {
            (0, 0) => (0, 0),
            (0, _) => (line - 1, self.line_len(line - 1)),
            _ if word => (line, word_boundary(&self.lines[line], col, false)),
            _ => (line, prev_boundary(&self.lines[line], col)),
        }
    }

    fn right(&self, word: bool) -> (usize, usize) {
        let (line, col) = self.cursor;
        if col >= self.line_len(line) {
            return if line + 1 < self.lines.len() {
                (line + 1, 0)
            } else {
                self.cursor
            };
        }
        let s = &self.lines[line];
        let to = if word {
            word_boundary(s, col, true)
        } else {
            next_boundary(s, col)
        };
        (line, to)
    }

    /// Applies a key: characters, Enter (a line break), Backspace/Delete (Ctrl or Alt: a
    /// word), arrows (Ctrl or Alt: by word), Home/End (Ctrl: of the text),
    /// PageUp/PageDown, Ctrl-Z undo, Ctrl-Y or Ctrl-Shift-Z redo. Tab and Esc are left to
    /// the screen.
    pub fn on_key(&mut self, key: &KeyEvent) -> EditorOutcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let shift = key.modifiers.contains(KeyModifiers::SHIFT);
        let done = |ok: bool| {
            if ok {
                EditorOutcome::Edited
            } else {
                EditorOutcome::Ignored
            }
        };
        match key.code {
            KeyCode::Char('Z') if ctrl => done(self.redo()),
            KeyCode::Char('z') if ctrl && shift => done(self.redo()),
            KeyCode::Char('z') if ctrl => done(self.undo()),
            KeyCode::Char('y' | 'Y') if ctrl => done(self.redo()),
            KeyCode::Char(_) if ctrl || alt => EditorOutcome::Ignored,
            KeyCode::Char(c) if is_unsafe(c) => EditorOutcome::Refused,
            KeyCode::Char(_) | KeyCode::Enter if self.room() == 0 => EditorOutcome::Refused,
            KeyCode::Char(c) => {
                self.begin(if c.is_whitespace() {
                    Step::Space
                } else {
                    Step::Word
                });
                self.insert(c);
                EditorOutcome::Edited
            }
            KeyCode::Enter => {
                self.begin(Step::Other);
                self.newline();
                EditorOutcome::Edited
            }
            KeyCode::Backspace => self.backspace(ctrl || alt),
            KeyCode::Delete => self.delete(ctrl || alt),
            KeyCode::Left => self.horizontal(self.left(ctrl || alt)),
            KeyCode::Right => self.horizontal(self.right(ctrl || alt)),
            KeyCode::Up => self.vertical(-1),
            KeyCode::Down => self.vertical(1),
            KeyCode::Home if ctrl => self.horizontal((0, 0)),
            KeyCode::End if ctrl => {
                let last = self.lines.len() - 1;
                self.horizontal((last, self.line_len(last)))
            }
            KeyCode::Home => self.horizontal((self.cursor.0, 0)),
            KeyCode::End => self.horizontal((self.cursor.0, self.line_len(self.cursor.0))),
            KeyCode::PageUp => self.vertical(-isize::try_from(self.page()).unwrap_or(1)),
            KeyCode::PageDown => self.vertical(isize::try_from(self.page()).unwrap_or(1)),
            _ => EditorOutcome::Ignored,
        }
    }

    fn page(&self) -> usize {
        self.page.get().max(1)
    }

    /// Inserts pasted text as one undo step: `\r\n` and `\r` become line breaks, tabs
    /// spaces, other control characters are dropped, and only what fits the limit goes in
    /// (`Refused` when nothing did).
    pub fn paste(&mut self, text: &str) -> EditorOutcome {
        let clean: String = text
            .replace("\r\n", "\n")
            .chars()
            .map(|c| match c {
                '\r' => '\n',
                '\t' => ' ',
                c => c,
            })
            .filter(|c| *c == '\n' || !is_unsafe(*c))
            .take(self.room())
            .collect();
        if clean.is_empty() {
            return EditorOutcome::Refused;
        }
        self.begin(Step::Other);
        self.last = None;
        for c in clean.chars() {
            if c == '\n' {
                self.newline();
            } else {
                self.insert(c);
            }
        }
        EditorOutcome::Edited
    }

    /// Draws the text inside `area` (no border; the last column is kept for the cursor)
    /// with the field style when focused, scrolled so that the cursor shows, and then puts
    /// the terminal cursor on it.
    pub fn render(
        &self,
        frame: &mut Frame,
        area: Rect,
        focused: bool,
        theme: &Theme,
    ) -> Option<Position> {
        if area.width < 2 || area.height == 0 {
            return None;
        }
        let width = usize::from(area.width - 1);
        let height = usize::from(area.height);
        self.width.set(width);
        self.page.set(height);
        let rows = self.rows();
        let (index, x) = self.screen_cursor(&rows);
        let mut top = self.top.get();
        if index < top {
            top = index;
        } else if index >= top + height {
            top = index + 1 - height;
        }
        top = top.min(rows.len().saturating_sub(height));
        self.top.set(top);
        let lines: Vec<Line> = if self.is_empty() && !self.placeholder.is_empty() {
            vec![Line::from(Span::styled(
                window(&self.placeholder, 0, width),
                theme.dim(),
            ))]
        } else {
            rows.iter()
                .skip(top)
                .take(height)
                .map(|r| {
                    let s = &self.lines[r.line];
                    let part: String = s.chars().skip(r.start).take(r.end - r.start).collect();
                    Line::raw(window(&part, 0, width))
                })
                .collect()
        };
        let style = if focused {
            theme.field()
        } else {
            ratatui::style::Style::new()
        };
        frame.render_widget(Paragraph::new(lines).style(style), area);
        if !focused {
            return None;
        }
        let x = u16::try_from(x).unwrap_or(u16::MAX).min(area.width - 1);
        let y = u16::try_from(index - top)
            .unwrap_or(u16::MAX)
            .min(area.height - 1);
        let pos = Position::new(area.x + x, area.y + y);
        frame.set_cursor_position(pos);
        Some(pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn type_in(e: &mut Editor, text: &str) {
        for c in text.chars() {
            let k = if c == '\n' {
                key(KeyCode::Enter)
            } else {
                key(KeyCode::Char(c))
            };
            e.on_key(&k);
        }
    }

    /// The rows on screen and the cursor, at `w` x `h`.
    fn draw(e: &Editor, w: u16, h: u16) -> (Vec<String>, Option<Position>) {
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        let mut pos = None;
        t.draw(|f| pos = e.render(f, f.area(), true, &Theme { color: false }))
            .expect("draw");
        (super::super::text::screen_rows(t.backend().buffer()), pos)
    }

    #[test]
    fn edits_across_lines_with_unicode() {
        let mut e = Editor::new("");
        type_in(&mut e, "Zoë 山田\nsecond");
        assert_eq!(e.text(), "Zoë 山田\nsecond");
        assert_eq!(e.cursor(), (1, 6));
        e.on_key(&key(KeyCode::Home));
        e.on_key(&key(KeyCode::Backspace));
        assert_eq!(e.text(), "Zoë 山田second");
        assert_eq!(e.cursor(), (0, 6));
        e.on_key(&key(KeyCode::Delete));
        assert_eq!(e.text(), "Zoë 山田econd");
        assert_eq!(e.on_key(&key(KeyCode::Left)), EditorOutcome::Moved);
        e.on_key(&key(KeyCode::Backspace));
        assert_eq!(e.text(), "Zoë 田econd");
        e.on_key(&key(KeyCode::End));
        assert_eq!(e.cursor(), (0, 10));
        assert_eq!(e.char_count(), 10);
    }

    #[test]
    fn new_puts_the_cursor_at_the_end() {
        let e = Editor::new("one\ntwo three");
        assert_eq!(e.cursor(), (1, 9));
        assert_eq!(e.lines(), ["one", "two three"]);
        assert_eq!(Editor::new("a\r\nb").text(), "a\nb");
    }

    #[test]
    fn undo_and_redo_go_by_word() {
        let mut e = Editor::new("");
        type_in(&mut e, "take twice daily");
        assert_eq!(e.on_key(&ctrl('z')), EditorOutcome::Edited);
        assert_eq!(e.text(), "take twice ");
        e.on_key(&ctrl('z'));
        assert_eq!(e.text(), "take ");
        e.on_key(&ctrl('y'));
        assert_eq!(e.text(), "take twice ");
        e.on_key(&KeyEvent::new(
            KeyCode::Char('z'),
            KeyModifiers::CONTROL | KeyModifiers::SHIFT,
        ));
        assert_eq!(e.text(), "take twice daily");
        assert_eq!(
            e.on_key(&ctrl('y')),
            EditorOutcome::Ignored,
            "nothing to redo"
        );
        // A run of Backspaces is one step.
        for _ in 0..5 {
            e.on_key(&key(KeyCode::Backspace));
        }
        assert_eq!(e.text(), "take twice ");
        e.on_key(&ctrl('z'));
        assert_eq!(e.text(), "take twice daily");
        // A new edit drops what could be redone.
        e.on_key(&ctrl('z'));
        type_in(&mut e, "x");
        assert_eq!(e.on_key(&ctrl('y')), EditorOutcome::Ignored);
        // Everything undone: the empty text, then nothing more.
        while e.undo() {}
        assert_eq!(e.text(), "");
        assert_eq!(e.on_key(&ctrl('z')), EditorOutcome::Ignored);
    }

    #[test]
    fn moving_the_cursor_starts_a_new_undo_step() {
        let mut e = Editor::new("");
        type_in(&mut e, "ab");
        e.on_key(&key(KeyCode::Left));
        type_in(&mut e, "X");
        assert_eq!(e.text(), "aXb");
        e.on_key(&ctrl('z'));
        assert_eq!(e.text(), "ab");
    }

    #[test]
    fn control_characters_are_refused_line_breaks_are_not() {
        let mut e = Editor::new("a");
        assert_eq!(
            e.on_key(&key(KeyCode::Char('\u{1b}'))),
            EditorOutcome::Refused
        );
        assert_eq!(
            e.on_key(&key(KeyCode::Char('\u{202E}'))),
            EditorOutcome::Refused
        );
        assert_eq!(
            e.on_key(&key(KeyCode::Char('\u{7}'))),
            EditorOutcome::Refused
        );
        assert_eq!(e.on_key(&key(KeyCode::Enter)), EditorOutcome::Edited);
        assert_eq!(e.on_key(&key(KeyCode::Tab)), EditorOutcome::Ignored);
        assert_eq!(e.on_key(&key(KeyCode::Esc)), EditorOutcome::Ignored);
        assert_eq!(e.on_key(&ctrl('s')), EditorOutcome::Ignored);
        assert_eq!(e.text(), "a\n");
        assert_eq!(e.paste("x\u{1b}[2J\ty\r\nz\u{7}"), EditorOutcome::Edited);
        assert_eq!(e.text(), "a\nx[2J y\nz");
        e.on_key(&ctrl('z'));
        assert_eq!(e.text(), "a\n", "a paste is one step");
    }

    #[test]
    fn the_length_limit_holds_for_typing_breaks_and_pastes() {
        let mut e = Editor::new("abc").with_max_chars(5);
        assert_eq!(e.on_key(&key(KeyCode::Enter)), EditorOutcome::Edited);
        assert_eq!(e.on_key(&key(KeyCode::Char('d'))), EditorOutcome::Edited);
        assert_eq!(e.char_count(), 5);
        assert_eq!(e.on_key(&key(KeyCode::Char('e'))), EditorOutcome::Refused);
        assert_eq!(e.on_key(&key(KeyCode::Enter)), EditorOutcome::Refused);
        assert_eq!(e.paste("more"), EditorOutcome::Refused);
        e.on_key(&key(KeyCode::Backspace));
        assert_eq!(e.paste("more"), EditorOutcome::Edited);
        assert_eq!(e.text(), "abc\nm");
        // Text longer than the limit is kept but cannot grow.
        let mut long = Editor::new("abcdef").with_max_chars(3);
        assert_eq!(long.text(), "abcdef");
        assert_eq!(
            long.on_key(&key(KeyCode::Char('g'))),
            EditorOutcome::Refused
        );
    }

    #[test]
    fn wraps_at_words_not_mid_word() {
        let text = "take one tablet twice daily after meals for a fortnight";
        let e = Editor::new(text);
        // 16 columns: 15 for text, one kept for the cursor. A space after a word that
        // ends at the edge hangs there; the next row starts with the next word.
        let (rows, _) = draw(&e, 16, 5);
        assert_eq!(
            rows,
            [
                "take one tablet",
                "twice daily",
                "after meals for",
                "a fortnight",
                ""
            ]
        );
        // Every row holds whole words only, at every width the longest word fits.
        for w in 10..30 {
            let (rows, _) = draw(&e, w, 20);
            let words: Vec<&str> = rows.iter().flat_map(|r| r.split_whitespace()).collect();
            assert_eq!(words.join(" "), text, "at {w}: {rows:?}");
            assert!(
                rows.iter()
                    .all(|r| super::super::text::width(r) < usize::from(w))
            );
            assert!(rows.iter().all(|r| !r.starts_with(' ')), "at {w}: {rows:?}");
        }
    }

    #[test]
    fn wraps_wide_characters_by_display_width() {
        let e = Editor::new("山田 太郎 花子 Zoe\u{308}");
        let (rows, pos) = draw(&e, 7, 4);
        assert_eq!(rows, ["山田", "太郎", "花子", "Zoe\u{308}"]);
        // The cursor after "Zoë": row 3, column 3.
        assert_eq!(pos, Some(Position::new(3, 3)));
        // CJK has no spaces between words: a row may break between any two characters.
        let (rows, _) = draw(&Editor::new("山田太郎花子"), 7, 3);
        assert_eq!(rows, ["山田太", "郎花子", ""]);
    }

    #[test]
    fn the_cursor_follows_the_text_on_screen() {
        let mut e = Editor::new("");
        type_in(&mut e, "one two three four five six seven");
        let (_, pos) = draw(&e, 11, 3);
        let (rows, pos2) = draw(&e, 11, 3);
        assert_eq!(pos, pos2);
        // Rows of 10: "one two", "three four", "five six", "seven": the last three show.
        assert_eq!(rows, ["three four", "five six", "seven"]);
        assert_eq!(pos, Some(Position::new(5, 2)));
        e.on_key(&key(KeyCode::Up));
        e.on_key(&key(KeyCode::Up));
        e.on_key(&key(KeyCode::Up));
        let (rows, pos) = draw(&e, 11, 3);
        assert_eq!(rows[0], "one two");
        assert_eq!(pos.map(|p| p.y), Some(0));
        assert_eq!(e.cursor().0, 0);
    }

    #[test]
    fn debug_shows_no_text() {
        let e = Editor::new("diagnosis: secret");
        let debug = format!("{e:?}");
        assert!(!debug.contains("secret"), "{debug}");
        assert!(debug.contains("chars: 17"), "{debug}");
    }

    #[test]
    fn set_text_drops_the_history_and_keeps_the_limit() {
        let mut e = Editor::new("").with_max_chars(10);
        type_in(&mut e, "abc");
        e.set_text("reloaded");
        assert!(!e.undo());
        assert_eq!(e.text(), "reloaded");
        assert_eq!(e.max_chars(), Some(10));
        assert_eq!(e, Editor::new("reloaded").with_max_chars(10));
    }
}
