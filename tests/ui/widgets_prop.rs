//! Issue 12 item 5: the widgets under random input. Truncation and padding always give
//! the width asked for, wrapping loses nothing, the editor never panics, never holds a
//! control character or more than its limit, and undoes back to where it started; a
//! table's selection is always on screen; a help overlay's scroll stays in range.

use clinic::domain::text::is_unsafe;
use clinic::tui::keymap::Command;
use clinic::tui::theme::Theme;
use clinic::tui::widgets::editor::Editor;
use clinic::tui::widgets::form::{Form, FormOutcome};
use clinic::tui::widgets::help_overlay::{HelpEntry, HelpOverlay, HelpSection};
use clinic::tui::widgets::table::{Column, DataTable, TableView};
use clinic::tui::widgets::text::{pad, pad_left, truncate, width, wrap};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Constraint;

/// Pieces of text that are easy to get wrong: wide, combining, zero-width, emoji with a
/// joiner, spaces, controls.
const PIECES: &[&str] = &[
    "a",
    "Z",
    "ë",
    "e\u{308}",
    "山",
    "田",
    "💊",
    "👩\u{200D}⚕\u{FE0F}",
    " ",
    " ",
    "\u{200B}",
    "-",
    "Ω",
    "\t",
    "\u{1b}",
    "é",
];

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(PIECES), 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn truncate_and_pad_give_the_width_asked(s in text(), w in 0usize..30) {
        prop_assert_eq!(width(&pad(&s, w)), w);
        prop_assert_eq!(width(&pad_left(&s, w)), w);
        let cut = truncate(&s, w);
        prop_assert!(width(&cut) <= w);
        if width(&s) <= w {
            prop_assert_eq!(cut.as_ref(), s.as_str());
        } else if w > 0 {
            prop_assert!(cut.ends_with('…'), "{:?}", cut);
            let kept = cut.trim_end_matches('…');
            prop_assert!(s.starts_with(kept), "{:?} is not a start of {:?}", kept, s);
        }
    }

    #[test]
    fn wrap_loses_nothing_and_fits(s in text(), w in 2usize..30) {
        let rows = wrap(&s, w);
        for row in &rows {
            prop_assert!(width(row) <= w, "{:?} at {}", row, w);
        }
        let squeeze = |t: &str| t.split_whitespace().collect::<String>();
        prop_assert_eq!(squeeze(&rows.concat()), squeeze(&s));
    }
}

/// A key an editor or a form might get.
fn key() -> impl Strategy<Value = KeyEvent> {
    let plain = |c| KeyEvent::new(c, KeyModifiers::NONE);
    prop_oneof![
        6 => proptest::sample::select(PIECES).prop_map(move |p| {
            plain(KeyCode::Char(p.chars().next().unwrap_or('a')))
        }),
        1 => Just(plain(KeyCode::Char('\u{308}'))),
        2 => proptest::sample::select(vec![
            KeyCode::Enter, KeyCode::Backspace, KeyCode::Delete, KeyCode::Left,
            KeyCode::Right, KeyCode::Up, KeyCode::Down, KeyCode::Home, KeyCode::End,
            KeyCode::PageUp, KeyCode::PageDown, KeyCode::Tab, KeyCode::Esc,
        ])
        .prop_map(plain),
        1 => proptest::sample::select(vec![
            KeyCode::Char('z'), KeyCode::Char('y'), KeyCode::Left, KeyCode::Right,
            KeyCode::Backspace, KeyCode::Delete, KeyCode::Home, KeyCode::End,
        ])
        .prop_map(|c| KeyEvent::new(c, KeyModifiers::CONTROL)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_editor_holds_only_safe_text_within_its_limit(
        start in text().prop_map(|s| s.replace(['\t', '\u{1b}'], "")),
        keys in proptest::collection::vec(key(), 0..120),
        max in 5usize..60,
        w in 2u16..30,
        h in 1u16..8,
    ) {
        let mut editor = Editor::new(&start).with_max_chars(max);
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        let limit = editor.char_count().max(max);
        for (i, k) in keys.iter().enumerate() {
            editor.on_key(k);
            let (line, col) = editor.cursor();
            prop_assert!(line < editor.lines().len());
            prop_assert!(col <= editor.lines()[line].chars().count());
            prop_assert!(editor.char_count() <= limit);
            if i % 7 == 0 {
                let mut pos = None;
                t.draw(|f| pos = editor.render(f, f.area(), true, &Theme { color: false }))
                    .expect("draw");
                if let Some(p) = pos {
                    prop_assert!(p.x < w && p.y < h, "{:?} outside {}x{}", p, w, h);
                }
            }
        }
        prop_assert!(!editor.text().chars().any(|c| c != '\n' && is_unsafe(c)));
        while editor.undo() {}
        prop_assert_eq!(editor.text(), start.replace("\r\n", "\n"));
    }

    #[test]
    fn a_form_never_takes_a_control_character_nor_submits_while_saving(
        keys in proptest::collection::vec(key(), 0..60),
        pending_from in 0usize..60,
    ) {
        let mut form = Form::new("t")
            .text(1, "One", "", "")
            .masked(2, "Two", "")
            .choice(3, "Three", ["a", "b"], 0, "");
        for (i, k) in keys.iter().enumerate() {
            form.set_pending(i >= pending_from);
            let command = match k.code {
                KeyCode::Tab => Some(Command::NextField),
                KeyCode::Enter => Some(Command::Save),
                KeyCode::Esc => Some(Command::Cancel),
                _ => None,
            };
            let before: Vec<String> = [1, 2, 3].iter().map(|f| form.value(*f).to_string()).collect();
            let outcome = form.on_key(k, command);
            if form.is_pending() {
                prop_assert!(matches!(outcome, FormOutcome::Nothing | FormOutcome::Cancel));
                let after: Vec<String> = [1, 2, 3].iter().map(|f| form.value(*f).to_string()).collect();
                prop_assert_eq!(before, after);
            }
            for f in [1, 2] {
                prop_assert!(!form.value(f).chars().any(is_unsafe), "{:?}", form.value(f));
            }
        }
    }

    #[test]
    fn a_tables_selection_is_always_on_screen(
        moves in proptest::collection::vec(0usize..6, 0..40),
        len in 0usize..200,
        h in 2u16..30,
    ) {
        let table = DataTable::new(vec![Column::new("N", Constraint::Fill(1))]);
        let rows: Vec<Vec<String>> = (0..len).map(|i| vec![i.to_string()]).collect();
        let mut view = TableView::new();
        let mut t = Terminal::new(TestBackend::new(20, h)).expect("terminal");
        for m in moves {
            let command = [Command::Up, Command::Down, Command::PageUp, Command::PageDown][m % 4];
            if m < 4 {
                view.on_command(command, len);
            } else {
                view.select(m * 37, len);
            }
            t.draw(|f| table.render_rows(f, f.area(), &view, &rows, &Theme { color: false }))
                .expect("draw");
            if len > 0 {
                prop_assert!(view.selected() < len);
                prop_assert!(view.offset() <= view.selected());
                prop_assert!(view.selected() < view.offset() + view.page());
                let shown = format!("{}", t.backend());
                let marked = format!("▶ {}", view.selected());
                prop_assert!(shown.contains(&marked), "{} not in {}", marked, shown);
            }
        }
    }

    #[test]
    fn the_help_scroll_stays_in_range(
        moves in proptest::collection::vec(0usize..6, 0..30),
        entries in 0usize..60,
        h in 3u16..30,
    ) {
        let sections = vec![HelpSection {
            heading: "Here".into(),
            entries: (0..entries).map(|i| HelpEntry::new(i.to_string(), "does a thing")).collect(),
        }];
        let mut help = HelpOverlay::new();
        let mut t = Terminal::new(TestBackend::new(80, h)).expect("terminal");
        t.draw(|f| help.render(f, f.area(), &sections, &Theme { color: false })).expect("draw");
        for m in moves {
            let key = [KeyCode::Up, KeyCode::Down, KeyCode::PageUp, KeyCode::PageDown, KeyCode::Home, KeyCode::End][m];
            prop_assert!(!help.on_key(&KeyEvent::new(key, KeyModifiers::NONE), None));
            let lines = entries + 3;
            let page = usize::from(h.min(u16::try_from(lines + 2).unwrap_or(u16::MAX)) - 2).max(1);
            prop_assert!(help.scroll <= lines.saturating_sub(page), "{} > {} - {}", help.scroll, lines, page);
            t.draw(|f| help.render(f, f.area(), &sections, &Theme { color: false })).expect("draw");
        }
    }
}
