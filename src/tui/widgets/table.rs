//! One table for every list: ratatui's `Table` with a header, column widths as layout
//! constraints, every cell cut to its column by display width (ending in `…`), the
//! selected row highlighted from the theme, and a scroll offset kept so the selection is
//! always on screen. Only the rows on screen are built, so a list of thousands costs what
//! a screenful does. An empty list shows a sentence instead ("No appointments today.").
//!
//! ```ignore
//! let table = DataTable::new(vec![Column::new("Name", Constraint::Fill(1)), Column::new("Born", Constraint::Length(10))]);
//! table.render_rows(frame, area, &state.view, &rows, theme); // rows: Vec<Vec<String>>
//! ```

use std::borrow::Cow;
use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell as TableCell, HighlightSpacing, Paragraph, Row, Table, TableState};

use super::text::truncate;
use crate::tui::keymap::Command;
use crate::tui::theme::Theme;

/// What marks the selected row (it keeps its column even when nothing is selected, so the
/// columns never shift).
const MARKER: &str = "▶ ";
const MARKER_WIDTH: u16 = 2;
const SPACING: u16 = 1;

/// One column: its header, its width and whether its cells are right-aligned (amounts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub header: String,
    pub width: Constraint,
    pub right: bool,
}

impl Column {
    pub fn new(header: impl Into<String>, width: Constraint) -> Column {
        Column {
            header: header.into(),
            width,
            right: false,
        }
    }

    /// Cells (and the header) aligned to the right.
    pub fn right(mut self) -> Column {
        self.right = true;
        self
    }
}

/// The selection and scroll position of a table, kept in the screen's state. The offset
/// and the page height are remembered from the last render (interior mutability: render
/// takes `&self`), so PageUp/PageDown move by what was on screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableView {
    selected: usize,
    offset: Cell<usize>,
    page: Cell<usize>,
}

impl TableView {
    pub fn new() -> TableView {
        TableView::default()
    }

    /// The selected row (0 in an empty list: check the list's length).
    pub fn selected(&self) -> usize {
        self.selected
    }

    /// Selects row `index` of a list of `len` rows (clamped to the last).
    pub fn select(&mut self, index: usize, len: usize) {
        self.selected = index.min(len.saturating_sub(1));
    }

    /// Keeps the selection inside a list that now has `len` rows (after a reload).
    pub fn clamp(&mut self, len: usize) {
        self.select(self.selected, len);
    }

    /// The first row on screen at the last render.
    pub fn offset(&self) -> usize {
        self.offset.get()
    }

    /// Rows that were on screen at the last render (at least 1).
    pub fn page(&self) -> usize {
        self.page.get().max(1)
    }

    /// Moves the selection for Up/Down/PageUp/PageDown in a list of `len` rows; returns
    /// whether the command was one of those (whether or not the selection moved).
    pub fn on_command(&mut self, command: Command, len: usize) -> bool {
        let page = self.page();
        let target = match command {
            Command::Up => self.selected.saturating_sub(1),
            Command::Down => self.selected.saturating_add(1),
            Command::PageUp => self.selected.saturating_sub(page),
            Command::PageDown => self.selected.saturating_add(page),
            _ => return false,
        };
        self.select(target, len);
        true
    }

    /// [`TableView::on_command`], plus Home and End (which have no command of their own).
    pub fn on_key(&mut self, key: &KeyEvent, command: Option<Command>, len: usize) -> bool {
        if let Some(c) = command
            && self.on_command(c, len)
        {
            return true;
        }
        match key.code {
            KeyCode::Home => self.select(0, len),
            KeyCode::End => self.select(len.saturating_sub(1), len),
            _ => return false,
        }
        true
    }

    /// The first row to draw so that the selection is visible with `visible` rows,
    /// moving as little as possible from the last offset. Remembers it.
    fn scroll(&self, len: usize, visible: usize) -> usize {
        let visible = visible.max(1);
        let selected = self.selected.min(len.saturating_sub(1));
        let mut offset = self.offset.get();
        if selected < offset {
            offset = selected;
        } else if selected >= offset + visible {
            offset = selected + 1 - visible;
        }
        // No empty rows at the bottom while there is more above.
        offset = offset.min(len.saturating_sub(visible));
        self.offset.set(offset);
        self.page.set(visible);
        offset
    }
}

/// How to draw a table; build one per render (it borrows nothing from the state).
#[derive(Debug, Clone)]
pub struct DataTable<'a> {
    columns: Vec<Column>,
    empty: Cow<'a, str>,
    active: bool,
}

impl<'a> DataTable<'a> {
    pub fn new(columns: Vec<Column>) -> DataTable<'a> {
        DataTable {
            columns,
            empty: Cow::Borrowed("Nothing to show."),
            active: true,
        }
    }

    /// The sentence shown instead of rows when the list is empty ("Loading…" too).
    pub fn empty(mut self, text: impl Into<Cow<'a, str>>) -> DataTable<'a> {
        self.empty = text.into();
        self
    }

    /// Whether the table has the keyboard: the selection is reversed only then.
    pub fn active(mut self, active: bool) -> DataTable<'a> {
        self.active = active;
        self
    }

    /// Each column's width at `width` columns overall (after the selection marker).
    pub fn widths(&self, width: u16) -> Vec<u16> {
        let area = Rect::new(0, 0, width.saturating_sub(MARKER_WIDTH), 1);
        Layout::horizontal(self.columns.iter().map(|c| c.width))
            .flex(Flex::Start)
            .spacing(SPACING)
            .split(area)
            .iter()
            .map(|r| r.width)
            .collect()
    }

    /// Draws rows given as text.
    pub fn render_rows<S: AsRef<str>>(
        &self,
        frame: &mut Frame,
        area: Rect,
        view: &TableView,
        rows: &[Vec<S>],
        theme: &Theme,
    ) {
        self.render_with(
            frame,
            area,
            view,
            rows.len(),
            |i| {
                rows[i]
                    .iter()
                    .map(|s| Span::raw(s.as_ref()))
                    .collect::<Vec<_>>()
            },
            theme,
        );
    }

    /// Draws a list of `len` rows, building only those on screen: `row(i)` gives row
    /// `i`'s cells (text or styled spans, one per column).
    pub fn render_with<'r, F>(
        &self,
        frame: &mut Frame,
        area: Rect,
        view: &TableView,
        len: usize,
        mut row: F,
        theme: &Theme,
    ) where
        F: FnMut(usize) -> Vec<Span<'r>>,
    {
        if area.width == 0 || area.height == 0 {
            return;
        }
        let widths = self.widths(area.width);
        let visible = usize::from(area.height.saturating_sub(1));
        let first = view.scroll(len, visible);
        let cell = |span: Span<'r>, i: usize| -> TableCell<'r> {
            let w = usize::from(widths.get(i).copied().unwrap_or(0));
            let right = self.columns.get(i).is_some_and(|c| c.right);
            let content = match truncate(&span.content, w) {
                Cow::Borrowed(_) => span.content,
                Cow::Owned(cut) => Cow::Owned(cut),
            };
            let line = Line::from(Span::styled(content, span.style));
            TableCell::from(if right {
                line.alignment(Alignment::Right)
            } else {
                line
            })
        };
        let header = Row::new(
            self.columns
                .iter()
                .enumerate()
                .map(|(i, c)| cell(Span::raw(c.header.clone()), i)),
        )
        .style(Style::new().add_modifier(Modifier::BOLD));
        let rows: Vec<Row> = (first..len.min(first + visible))
            .map(|i| Row::new(row(i).into_iter().enumerate().map(|(c, s)| cell(s, c))))
            .collect();
        let highlight = if self.active {
            theme.focus()
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        };
        let table = Table::new(rows, widths.iter().map(|w| Constraint::Length(*w)))
            .header(header)
            .row_highlight_style(highlight)
            .highlight_symbol(MARKER)
            .highlight_spacing(HighlightSpacing::Always)
            .column_spacing(SPACING)
            .flex(Flex::Start);
        let selected = (len > 0).then(|| view.selected.min(len - 1) - first);
        let mut state = TableState::default().with_selected(selected);
        frame.render_stateful_widget(table, area, &mut state);
        if len == 0 && area.height > 1 {
            let text = truncate(&self.empty, usize::from(area.width - MARKER_WIDTH)).into_owned();
            frame.render_widget(
                Paragraph::new(Span::styled(text, theme.dim())),
                Rect {
                    x: area.x + MARKER_WIDTH,
                    y: area.y + 1,
                    width: area.width.saturating_sub(MARKER_WIDTH),
                    height: 1,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn rows(n: usize) -> Vec<Vec<String>> {
        (0..n)
            .map(|i| vec![format!("Patient {i}"), format!("{}", i * 10)])
            .collect()
    }

    fn table() -> DataTable<'static> {
        DataTable::new(vec![
            Column::new("Name", Constraint::Fill(1)),
            Column::new("Amount", Constraint::Length(6)).right(),
        ])
        .empty("No payments yet.")
    }

    fn draw(view: &TableView, rows: &[Vec<String>], w: u16, h: u16) -> Vec<String> {
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        t.draw(|f| table().render_rows(f, f.area(), view, rows, &Theme { color: false }))
            .expect("draw");
        super::super::text::screen_rows(t.backend().buffer())
    }

    #[test]
    fn moves_are_clamped_to_the_list() {
        let mut v = TableView::new();
        assert!(v.on_command(Command::Up, 5));
        assert_eq!(v.selected(), 0);
        for _ in 0..9 {
            v.on_command(Command::Down, 5);
        }
        assert_eq!(v.selected(), 4);
        v.clamp(2);
        assert_eq!(v.selected(), 1);
        assert!(!v.on_command(Command::Save, 5));
        v.on_command(Command::Down, 0);
        assert_eq!(v.selected(), 0, "an empty list selects 0");
    }

    #[test]
    fn the_selection_stays_on_screen_and_the_view_moves_little() {
        let data = rows(50);
        let mut v = TableView::new();
        // 6 rows tall: the header and 5 rows.
        draw(&v, &data, 30, 6);
        assert_eq!((v.offset(), v.page()), (0, 5));
        v.select(7, 50);
        let screen = draw(&v, &data, 30, 6);
        assert_eq!(v.offset(), 3, "the selection is the last row on screen");
        assert!(screen[5].starts_with("▶ Patient 7"), "{screen:?}");
        // Moving up inside the page does not scroll.
        v.on_command(Command::Up, 50);
        draw(&v, &data, 30, 6);
        assert_eq!(v.offset(), 3);
        v.on_command(Command::PageDown, 50);
        assert_eq!(v.selected(), 11);
        v.on_key(&KeyEvent::from(KeyCode::End), None, 50);
        let screen = draw(&v, &data, 30, 6);
        assert_eq!(v.offset(), 45);
        assert!(screen[5].starts_with("▶ Patient 49"), "{screen:?}");
        v.on_key(&KeyEvent::from(KeyCode::Home), None, 50);
        draw(&v, &data, 30, 6);
        assert_eq!(v.offset(), 0);
    }

    #[test]
    fn a_shorter_list_pulls_the_view_back() {
        let mut v = TableView::new();
        v.select(40, 50);
        draw(&v, &rows(50), 30, 6);
        v.clamp(3);
        draw(&v, &rows(3), 30, 6);
        assert_eq!(v.offset(), 0);
    }

    #[test]
    fn cells_are_cut_by_display_width_and_amounts_align_right() {
        let data = vec![
            vec!["山田太郎花子 Yamada".to_string(), "12.50".to_string()],
            vec!["Zoe\u{308} O'Neill".to_string(), "1234567.00".to_string()],
        ];
        let screen = draw(&TableView::new(), &data, 20, 4);
        // 20 columns: marker 2, name 11, space, amount 6.
        assert_eq!(table().widths(20), [11, 6]);
        assert_eq!(screen[0], "  Name        Amount");
        assert_eq!(screen[1], "▶ 山田太郎花…  12.50");
        assert_eq!(screen[2], "  Zoe\u{308} O'Neill 12345…");
    }

    #[test]
    fn an_empty_list_says_so_under_the_header() {
        let screen = draw(&TableView::new(), &[], 30, 4);
        assert_eq!(screen[1], "  No payments yet.");
    }
}
