//! Issue 12 item 5: the shared widgets rendered on ratatui's TestBackend. Some snapshots
//! record styles as well as text (a letter per cell under each row), so that focus,
//! selection, errors and dimmed entries are checked, not only the words.

use clinic::tui::keymap::{Command, Keymap};
use clinic::tui::screen::Commands;
use clinic::tui::theme::Theme;
use clinic::tui::widgets::editor::Editor;
use clinic::tui::widgets::form::{Form, FormOutcome};
use clinic::tui::widgets::help_overlay::{HelpEntry, HelpOverlay, HelpSection, sections_for};
use clinic::tui::widgets::table::{Column, DataTable, TableView};
use clinic::tui::widgets::text;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Position};
use ratatui::style::{Color, Modifier};

const COLOUR: Theme = Theme { color: true };
const PLAIN: Theme = Theme { color: false };

fn terminal(w: u16, h: u16) -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(w, h)).expect("test terminal")
}

/// One letter for a cell's style, the most telling first: R reversed (focus, selection),
/// E error red, F focused field (underlined and bold), u field (underlined), T title
/// (cyan), K key (yellow), d dim, b bold, `.` plain.
fn style_letter(cell: &ratatui::buffer::Cell) -> char {
    let m = cell.modifier;
    if m.contains(Modifier::REVERSED) {
        'R'
    } else if cell.fg == Color::LightRed {
        'E'
    } else if m.contains(Modifier::UNDERLINED | Modifier::BOLD) {
        'F'
    } else if m.contains(Modifier::UNDERLINED) {
        'u'
    } else if cell.fg == Color::Cyan {
        'T'
    } else if cell.fg == Color::Yellow {
        'K'
    } else if m.contains(Modifier::DIM) {
        'd'
    } else if m.contains(Modifier::BOLD) {
        'b'
    } else {
        '.'
    }
}

/// Rows `rows` of the buffer: each row's text, then a line of style letters (one per
/// cell, so a wide character is followed by the blank cell it hides). Trailing plain
/// blanks are trimmed from both.
fn styled(buffer: &Buffer, rows: std::ops::Range<u16>) -> String {
    let mut out = String::new();
    for y in rows {
        let mut text = String::new();
        let mut marks = String::new();
        for x in 0..buffer.area.width {
            let cell = &buffer[(x, y)];
            text.push_str(cell.symbol());
            marks.push(style_letter(cell));
        }
        out.push_str(text.trim_end());
        out.push('\n');
        out.push_str(marks.trim_end_matches('.'));
        out.push('\n');
    }
    out
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum P {
    Name,
    Born,
    Email,
    Password,
    Method,
}

fn patient_form() -> Form<P> {
    Form::new("New patient")
        .text(P::Name, "Full name", "Zoë 山田", "required")
        .text(P::Born, "Born", "31/02/1990", "YYYY-MM-DD")
        .text(P::Email, "Email", "zoe.example.org", "optional")
        .masked(P::Password, "Password", "12 characters or more")
        .choice(
            P::Method,
            "Pays by",
            ["Cash", "Card", "Insurance"],
            1,
            "←/→",
        )
        .with_footer(clinic::tui::widgets::form::footer_for(&Keymap::defaults()))
}

fn check(f: &Form<P>) -> Vec<(P, String)> {
    let mut errors = Vec::new();
    if chrono::NaiveDate::parse_from_str(f.value(P::Born), "%Y-%m-%d").is_err() {
        errors.push((
            P::Born,
            "Enter the date of birth as YYYY-MM-DD, e.g. 1990-02-28.".into(),
        ));
    }
    if !f.value(P::Email).contains('@') {
        errors.push((P::Email, "An email address needs an @.".into()));
    }
    if f.value(P::Password).chars().count() < 12 {
        errors.push((P::Password, "Use 12 characters or more.".into()));
    }
    errors
}

#[test]
fn form_shows_every_error_under_its_field_and_focuses_the_first() {
    let mut form = patient_form();
    form.set_focus(P::Password);
    for c in "hunter2".chars() {
        form.on_key(&key(KeyCode::Char(c)), None);
    }
    assert_eq!(
        form.on_key(&key(KeyCode::Enter), Some(Command::Save)),
        FormOutcome::Submit
    );
    assert!(!form.validate(check));
    assert_eq!(
        form.focus(),
        Some(P::Born),
        "the first bad field in the form's order"
    );
    let mut t = terminal(80, 24);
    t.draw(|f| form.render_popup(f, f.area(), &PLAIN))
        .expect("draw");
    insta::assert_snapshot!("form_errors_80x24", t.backend());
    // The password never shows, only its bullets.
    assert!(!format!("{}", t.backend()).contains("hunter2"));
    // The cursor is in the Born field, after what was typed there.
    let born_row = (0..24)
        .find(|y| row_text(t.backend().buffer(), *y).contains("▶Born"))
        .expect("the Born row");
    t.backend_mut()
        .assert_cursor_position(Position::new(7 + 11 + 10, born_row));
}

/// Row `y` as text, each wide character once (the cell it hides is skipped).
fn row_text(buffer: &Buffer, y: u16) -> String {
    let mut out = String::new();
    let mut hidden = 0;
    for x in 0..buffer.area.width {
        if hidden > 0 {
            hidden -= 1;
            continue;
        }
        let symbol = buffer[(x, y)].symbol();
        hidden = text::width(symbol).saturating_sub(1);
        out.push_str(symbol);
    }
    out
}

#[test]
fn form_focus_and_error_styles_differ() {
    let mut form = patient_form();
    form.set_errors(vec![(P::Email, "An email address needs an @.".into())]);
    form.set_focus(P::Name);
    let mut t = terminal(64, 12);
    t.draw(|f| form.render(f, f.area(), &COLOUR)).expect("draw");
    let buffer = t.backend().buffer();
    insta::assert_snapshot!("form_styles", styled(buffer, 0..12));
    // The focused field's value is underlined and bold; the errored field's is red; a
    // field neither focused nor wrong is only underlined.
    let name = &buffer[(11, 0)];
    assert!(
        name.modifier
            .contains(Modifier::UNDERLINED | Modifier::BOLD)
    );
    assert_ne!(name.fg, Color::LightRed);
    let email = &buffer[(11, 2)];
    assert_eq!(email.fg, Color::LightRed);
    let born = &buffer[(11, 1)];
    assert_eq!(born.modifier, Modifier::UNDERLINED);
    // Typing in the errored field clears its error.
    form.set_focus(P::Email);
    form.on_key(&key(KeyCode::Char('@')), None);
    assert_eq!(form.error(P::Email), None);
}

#[test]
fn form_while_saving_and_with_a_question() {
    let mut form = patient_form();
    form.set_pending(true);
    let mut t = terminal(70, 12);
    t.draw(|f| form.render(f, f.area(), &PLAIN)).expect("draw");
    let screen = format!("{}", t.backend());
    assert!(screen.contains("Saving…"), "{screen}");
    assert!(
        !screen.contains("▶Full"),
        "no field has focus while saving: {screen}"
    );
    form.set_pending(false);
    form.ask("A patient with this email exists. Save anyway?");
    t.draw(|f| form.render(f, f.area(), &PLAIN)).expect("draw");
    insta::assert_snapshot!("form_question", t.backend());
}

fn agenda_rows() -> Vec<Vec<String>> {
    [
        ["09:00", "Dr. 山田 太郎", "Zoë O'Neill", "Booked", "30"],
        ["09:30", "Dr. Kuznetsova", "Омар Хайям", "Completed", "30"],
        [
            "10:00",
            "Dr. Ng",
            "💊 Pill Person With A Very Long Name",
            "No-show",
            "15",
        ],
        ["10:15", "Dr. Smith", "Brown", "Cancelled", "45"],
    ]
    .iter()
    .map(|r| r.iter().map(|s| s.to_string()).collect())
    .collect()
}

fn agenda_table() -> DataTable<'static> {
    DataTable::new(vec![
        Column::new("Time", Constraint::Length(5)),
        Column::new("Doctor", Constraint::Length(14)),
        Column::new("Patient", Constraint::Fill(1)),
        Column::new("Status", Constraint::Length(9)),
        Column::new("Min", Constraint::Length(3)).right(),
    ])
    .empty("No appointments on this day.")
}

#[test]
fn table_cuts_cells_by_display_width() {
    let rows = agenda_rows();
    let mut view = TableView::new();
    view.select(2, rows.len());
    let mut t = terminal(60, 6);
    t.draw(|f| agenda_table().render_rows(f, f.area(), &view, &rows, &PLAIN))
        .expect("draw");
    insta::assert_snapshot!("table_60x6", t.backend());
    // Every row is exactly as wide as the screen: nothing spills into the next column.
    for y in 0..6 {
        let text = row_text(t.backend().buffer(), y);
        assert!(text::width(&text) <= 60, "{text}");
    }
}

#[test]
fn table_selection_style_follows_focus() {
    let rows = agenda_rows();
    let mut view = TableView::new();
    view.on_command(Command::Down, rows.len());
    let mut t = terminal(60, 6);
    t.draw(|f| agenda_table().render_rows(f, f.area(), &view, &rows, &COLOUR))
        .expect("draw");
    insta::assert_snapshot!("table_selection_styles", styled(t.backend().buffer(), 0..6));
    assert!(
        t.backend().buffer()[(2, 2)]
            .modifier
            .contains(Modifier::REVERSED)
    );
    assert!(
        !t.backend().buffer()[(2, 1)]
            .modifier
            .contains(Modifier::REVERSED)
    );
    // Not focused: the selected row keeps its marker but is not reversed.
    t.draw(|f| {
        agenda_table()
            .active(false)
            .render_rows(f, f.area(), &view, &rows, &COLOUR)
    })
    .expect("draw");
    assert!(
        !t.backend().buffer()[(2, 2)]
            .modifier
            .contains(Modifier::REVERSED)
    );
    assert_eq!(t.backend().buffer()[(0, 2)].symbol(), "▶");
}

#[test]
fn table_empty_state() {
    let mut t = terminal(60, 4);
    let none: Vec<Vec<String>> = Vec::new();
    t.draw(|f| agenda_table().render_rows(f, f.area(), &TableView::new(), &none, &PLAIN))
        .expect("draw");
    insta::assert_snapshot!("table_empty", t.backend());
}

#[test]
fn editor_wraps_words_and_places_the_cursor() {
    let mut editor = Editor::new(
        "Take one tablet twice daily after meals.\nAvoid alcohol. 山田さんに電話する。 Zoë follows up in a fortnight.",
    );
    let mut t = terminal(30, 8);
    t.draw(|f| {
        editor.render(f, f.area(), true, &PLAIN);
    })
    .expect("draw");
    insta::assert_snapshot!("editor_wrap_30x8", t.backend());
    // After "fortnight." on the fifth row.
    t.backend_mut().assert_cursor_position(Position::new(10, 4));
    // Ctrl-Z takes back the last word typed, not one character.
    for c in " Call Zoë.".chars() {
        editor.on_key(&key(KeyCode::Char(c)));
    }
    editor.on_key(&KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL));
    assert!(
        editor.text().ends_with("fortnight. Call "),
        "{}",
        editor.text()
    );
}

fn help_sections() -> Vec<HelpSection> {
    let entries = |names: &[(&str, &str, bool)]| {
        names
            .iter()
            .map(|(k, d, on)| HelpEntry::new(*k, *d).enabled(*on))
            .collect::<Vec<_>>()
    };
    vec![
        HelpSection {
            heading: "On this screen (agenda)".into(),
            entries: entries(&[
                ("↑↓, j, k", "move", true),
                ("[, ]", "previous or next day", true),
                ("t", "today", true),
                ("w", "day or week", true),
                ("/", "choose a doctor", true),
                ("c", "cancel the appointment", true),
                ("r", "reschedule", true),
                ("m", "mark completed (only the appointment's doctor)", false),
                ("n", "mark no-show", false),
                ("h", "status history", true),
                ("Enter", "open", true),
                ("b", "book an appointment", true),
                ("p", "payments of the appointment", true),
                ("e", "prescription", true),
                ("?", "help", true),
                ("Esc, q", "back", true),
            ]),
        },
        HelpSection {
            heading: "Everywhere".into(),
            entries: entries(&[("Ctrl-C", "quit now", true), ("F1", "help", true)]),
        },
    ]
}

#[test]
fn help_overlay_scrolls_and_dims_disabled_entries() {
    let sections = help_sections();
    let mut help = HelpOverlay::new();
    let mut t = terminal(80, 16);
    t.draw(|f| help.render(f, f.area(), &sections, &COLOUR))
        .expect("draw");
    insta::assert_snapshot!("help_top_80x16", t.backend());
    for _ in 0..3 {
        assert!(!help.on_command(Command::PageDown));
    }
    t.draw(|f| help.render(f, f.area(), &sections, &COLOUR))
        .expect("draw");
    insta::assert_snapshot!("help_bottom_styles", styled(t.backend().buffer(), 0..16));
    assert!(help.on_command(Command::Back), "Esc closes");
}

#[test]
fn help_overlay_fits_80x24_with_a_screens_commands() {
    let mut commands = Commands::default();
    commands
        .group(&[Command::Up, Command::Down], "move", true)
        .group(&[Command::PrevWeek, Command::NextWeek], "date", true)
        .add(Command::ToggleWeek, "week", true)
        .add(Command::CancelAppointment, "cancel", true)
        .add(Command::Reschedule, "move", true)
        .add(Command::MarkCompleted, "done", false)
        .add(Command::MarkNoShow, "no-show", false)
        .add(Command::History, "hist", true)
        .add(Command::OpenPrescription, "rx", true)
        .add(Command::Payments, "pay", true)
        .more(Command::ThisWeek, "today", true)
        .more(Command::Search, "doctor", true)
        .more(Command::Book, "book", true)
        .add(Command::Back, "back", true);
    let sections = sections_for(
        &Keymap::defaults(),
        clinic::tui::keymap::Context::Agenda,
        &commands,
    );
    let help = HelpOverlay::new();
    let mut t = terminal(80, 24);
    t.draw(|f| help.render(f, f.area(), &sections, &COLOUR))
        .expect("draw");
    insta::assert_snapshot!("help_commands_80x24", styled(t.backend().buffer(), 0..24));
}
