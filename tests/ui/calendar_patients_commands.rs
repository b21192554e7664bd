//! Issue 12 on the calendar and patients screens: the footer and help offer only what
//! this role can do now (the front desk's calendar is read-only; edit and delete need
//! something under the cursor), every footer at 80 columns ends with the help key, and
//! Esc back to the menu keeps the menu's cursor.

use crate::calendar_ui::{
    HOUSE, answer, cal, doctor_calendar, go_to, house, monday, open, request_of, week, wilson,
};
use crate::common;
use crate::patients_ui::{app, history, last, patients, reply, with_results};

use clinic::domain::Role;
use clinic::service::patients::{NewPatientInput, RegisterError};
use clinic::tui::keymap::{Command, Keymap};
use clinic::tui::routes::Route;
use clinic::tui::screens::calendar::{CalendarOp, CalendarReply};
use clinic::tui::screens::home::HomeItem;
use clinic::tui::screens::patients::{PatientsOp, PatientsReply};
use clinic::tui::state::AppState;
use common::ui::{ch, ctrl, draw, key, send, type_text};
use crossterm::event::KeyCode;

/// The rows of the screen at `width` x `height`.
fn rows(s: &AppState, width: u16, height: u16) -> Vec<String> {
    let terminal = draw(s, width, height);
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect()
}

/// The footer (the last row) at 80 columns.
fn footer(s: &AppState) -> String {
    rows(s, 80, 24).pop().expect("a last row")
}

/// The help overlay's text over `s` (closed again afterwards).
fn help_text(s: &mut AppState) -> String {
    send(s, [key(KeyCode::F(1))]);
    assert!(s.help.is_some(), "F1 opens the help");
    let text = rows(s, 100, 40).join("\n");
    send(s, [key(KeyCode::Esc)]);
    assert!(s.help.is_none());
    text
}

/// The commands the screen on top lists, and whether each is possible now.
fn offered(s: &AppState) -> Vec<(Command, bool)> {
    let keymap = Keymap::defaults();
    s.screen()
        .commands(&s.ctx(&keymap))
        .items
        .iter()
        .map(|c| (c.command, c.enabled))
        .collect()
}

fn enabled(s: &AppState, command: Command) -> Option<bool> {
    offered(s)
        .into_iter()
        .find(|(c, _)| *c == command)
        .map(|(_, e)| e)
}

/// The footer ends with this context's help key ("? help" where `?` is not typed into
/// a field, "F1 help" in forms and search fields).
fn assert_footer_ends_with_help(s: &AppState, what: &str) {
    let keymap = Keymap::defaults();
    let help = keymap
        .key_for(s.context(), Command::Help)
        .expect("help has a key everywhere");
    let line = footer(s);
    assert!(
        line.ends_with(&format!(" {help} help")),
        "{what}: footer {line:?} does not end with {help} help"
    );
}

/// The front desk's calendar with House's week loaded, read-only.
fn front_desk_calendar() -> AppState {
    let (mut s, effects) = open(Role::FrontDesk, 2);
    let (request, _) = request_of(&effects);
    let effects = send(
        &mut s,
        [answer(
            request,
            CalendarReply::Doctors(Ok(vec![house(), wilson()])),
        )],
    );
    let (request, _) = request_of(&effects);
    send(
        &mut s,
        [answer(
            request,
            CalendarReply::Week(Ok(week(house(), monday(), false))),
        )],
    );
    s
}

#[test]
fn the_front_desk_calendar_offers_no_editing_keys() {
    let mut s = front_desk_calendar();
    go_to(&mut s, 0, 9, 30); // on a window: editing would be possible for its doctor
    for command in [
        Command::AddWindow,
        Command::Edit,
        Command::Delete,
        Command::AddTimeOff,
    ] {
        assert_eq!(enabled(&s, command), None, "{command:?} is not offered");
    }
    assert_eq!(enabled(&s, Command::Search), Some(true));
    let line = footer(&s);
    for gone in [" add ", " edit ", " del ", " off "] {
        assert!(!line.contains(gone), "{gone:?} in {line:?}");
    }
    assert!(line.contains("/ doctor"), "{line}");
    assert!(line.ends_with("? help"), "{line}");
    let help = help_text(&mut s);
    for gone in [
        "add a window",
        "edit the window",
        "delete window",
        "add time off",
    ] {
        assert!(
            !help.contains(gone),
            "{gone} in the front desk's help:\n{help}"
        );
    }
    assert!(help.contains("choose a doctor"), "{help}");
    assert!(help.contains("next week"), "{help}");
}

#[test]
fn edit_and_delete_are_possible_only_on_a_window_or_time_off() {
    let mut s = doctor_calendar();
    // A doctor sees only their own calendar: no doctor picker.
    assert_eq!(enabled(&s, Command::Search), None);
    go_to(&mut s, 6, 10, 0); // Sunday: nothing there
    assert_eq!(enabled(&s, Command::AddWindow), Some(true));
    assert_eq!(enabled(&s, Command::AddTimeOff), Some(true));
    assert_eq!(enabled(&s, Command::Edit), Some(false));
    assert_eq!(enabled(&s, Command::Delete), Some(false));
    let line = footer(&s);
    assert!(line.contains("a add") && line.contains("o off"), "{line}");
    assert!(
        !line.contains(" edit ") && !line.contains(" del "),
        "{line}"
    );
    assert!(line.ends_with("? help"), "{line}");
    assert!(help_text(&mut s).contains("edit the window (not possible now)"));

    go_to(&mut s, 0, 9, 30); // Monday's 09:00–12:00 window
    assert_eq!(enabled(&s, Command::Edit), Some(true));
    assert_eq!(enabled(&s, Command::Delete), Some(true));
    let line = footer(&s);
    assert!(line.contains(" edit ") && line.contains(" del "), "{line}");

    go_to(&mut s, 1, 10, 0); // Tuesday: time off, no window
    assert_eq!(enabled(&s, Command::Edit), Some(false));
    assert_eq!(enabled(&s, Command::Delete), Some(true));

    // While the week loads nothing can be changed yet.
    request_of(&send(&mut s, [ch(']')]));
    assert_eq!(enabled(&s, Command::AddWindow), Some(false));
    assert_eq!(enabled(&s, Command::AddTimeOff), Some(false));
}

#[test]
fn a_deletion_on_its_way_cannot_be_called_off() {
    let mut s = doctor_calendar();
    go_to(&mut s, 0, 9, 30);
    send(&mut s, [ch('d')]);
    let (request, op) = request_of(&send(&mut s, [ch('y')]));
    assert_eq!(
        op,
        CalendarOp::DeleteWindow {
            doctor_id: HOUSE,
            window_id: 1
        }
    );
    assert_eq!(enabled(&s, Command::No), Some(false));
    // n no longer says "Nothing was deleted" while the deletion runs.
    assert!(send(&mut s, [ch('n')]).is_empty());
    assert!(cal(&s).modal.is_some(), "the question waits for the answer");
    assert_ne!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("Nothing was deleted.")
    );
    send(
        &mut s,
        [answer(
            request,
            CalendarReply::Saved(Ok("Window deleted.".into())),
        )],
    );
    assert!(cal(&s).modal.is_none());
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("Window deleted.")
    );
}

#[test]
fn every_calendar_footer_at_80_columns_ends_with_help() {
    for (role, id) in [
        (Role::Doctor, HOUSE),
        (Role::Admin, 1),
        (Role::FrontDesk, 2),
    ] {
        let mut s = if role == Role::FrontDesk {
            front_desk_calendar()
        } else {
            let (mut s, effects) = open(role, id);
            let (request, op) = request_of(&effects);
            if op == CalendarOp::LoadDoctors {
                assert_footer_ends_with_help(&s, "admin, loading doctors");
                let effects = send(
                    &mut s,
                    [answer(request, CalendarReply::Doctors(Ok(vec![house()])))],
                );
                let (request, _) = request_of(&effects);
                assert_footer_ends_with_help(&s, "admin, loading the week");
                send(
                    &mut s,
                    [answer(
                        request,
                        CalendarReply::Week(Ok(week(house(), monday(), true))),
                    )],
                );
            } else {
                assert_footer_ends_with_help(&s, "doctor, loading the week");
                send(
                    &mut s,
                    [answer(
                        request,
                        CalendarReply::Week(Ok(week(house(), monday(), true))),
                    )],
                );
            }
            s
        };
        let who = format!("{role:?}");
        go_to(&mut s, 0, 9, 30);
        assert_footer_ends_with_help(&s, &format!("{who} grid on a window"));
        assert!(footer(&s).ends_with("? help"), "{who}: {}", footer(&s));
        go_to(&mut s, 6, 20, 30);
        assert_footer_ends_with_help(&s, &format!("{who} grid on an empty cell"));
        if role != Role::Doctor {
            send(&mut s, [ch('/')]);
            assert_footer_ends_with_help(&s, &format!("{who} doctor search"));
            type_text(&mut s, "zzz");
            assert_footer_ends_with_help(&s, &format!("{who} search without match"));
            send(&mut s, [key(KeyCode::Esc)]);
        }
        if role == Role::FrontDesk {
            continue;
        }
        go_to(&mut s, 0, 9, 30);
        send(&mut s, [ch('e')]);
        assert_footer_ends_with_help(&s, &format!("{who} window form"));
        request_of(&send(&mut s, [key(KeyCode::Enter)]));
        assert_footer_ends_with_help(&s, &format!("{who} window form saving"));
        send(&mut s, [key(KeyCode::Esc), ch('d')]);
        assert_footer_ends_with_help(&s, &format!("{who} delete question"));
        send(&mut s, [ch('n'), ch('o')]);
        assert_footer_ends_with_help(&s, &format!("{who} time-off form"));
    }
}

#[test]
fn every_patients_footer_at_80_columns_ends_with_help() {
    for role in [Role::FrontDesk, Role::Admin] {
        let who = format!("{role:?}");
        let mut s = app(role);
        common::ui::open_item(&mut s, HomeItem::Patients);
        assert_footer_ends_with_help(&s, &format!("{who} empty search"));
        let (request, _) = last(&type_text(&mut s, "ana"));
        assert_footer_ends_with_help(&s, &format!("{who} searching"));
        reply(
            &mut s,
            request,
            PatientsReply::Found(Ok(crate::patients_ui::results())),
        );
        assert_footer_ends_with_help(&s, &format!("{who} search with results"));
        send(&mut s, [key(KeyCode::Tab)]);
        let line = footer(&s);
        assert!(line.ends_with("? help"), "{who} list: {line}");
        assert!(line.contains("x deactivate"), "{who} list: {line}");
        send(&mut s, [ch('j')]);
        assert!(
            footer(&s).contains("x reactivate"),
            "an inactive patient: {}",
            footer(&s)
        );
        send(&mut s, [ch('x')]);
        assert_footer_ends_with_help(&s, &format!("{who} reactivate question"));
        send(&mut s, [ch('n'), ch('k')]);
        let (request, _) = last(&send(&mut s, [key(KeyCode::Enter)]));
        assert_footer_ends_with_help(&s, &format!("{who} view loading"));
        reply(&mut s, request, PatientsReply::History(Ok(history())));
        let line = footer(&s);
        assert!(line.ends_with("? help"), "{who} view: {line}");
        assert!(line.contains("Tab pane"), "{who} view: {line}");
        send(&mut s, [ch('e')]);
        assert_footer_ends_with_help(&s, &format!("{who} edit form"));
        send(&mut s, [key(KeyCode::Esc), key(KeyCode::Esc), ch('n')]);
        assert_footer_ends_with_help(&s, &format!("{who} registration form"));
        send(&mut s, [key(KeyCode::Tab)]);
        type_text(&mut s, "ana2@example.com");
        let (request, _) = last(&send(&mut s, [ctrl('s')]));
        reply(
            &mut s,
            request,
            PatientsReply::Saved(Err(RegisterError::PossibleDuplicate {
                message: "A patient named ana exists. Register anyway?".into(),
                existing: Vec::new(),
            })),
        );
        assert_footer_ends_with_help(&s, &format!("{who} duplicate question"));
        assert!(footer(&s).contains("register anyway"), "{}", footer(&s));
    }
}

#[test]
fn esc_from_patients_keeps_the_home_cursor_on_the_item() {
    let mut s = app(Role::FrontDesk);
    let Route::Home(home) = s.screen() else {
        panic!("home")
    };
    let index = home
        .items
        .iter()
        .position(|i| *i == HomeItem::Patients)
        .expect("on the menu");
    assert_eq!(
        index, 5,
        "the sixth item (index 5) on the front desk's menu"
    );
    common::ui::open_item(&mut s, HomeItem::Patients);
    assert!(matches!(s.screen(), Route::Patients(_)));
    send(&mut s, [key(KeyCode::Esc)]);
    let Route::Home(home) = s.screen() else {
        panic!("Esc returns to the menu, {} is shown", s.screen().name())
    };
    assert_eq!(home.selected, index);
    assert_eq!(home.items[home.selected], HomeItem::Patients);
    assert!(
        rows(&s, 80, 24).join("\n").contains("Find a patient"),
        "the menu describes the patients item"
    );
    // Also after looking at a patient, and from the calendar.
    let mut s = with_results();
    let (request, _) = last(&send(&mut s, [key(KeyCode::Enter)]));
    reply(&mut s, request, PatientsReply::History(Ok(history())));
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(patients(&s).view.is_none(), "Esc closes the patient first");
    send(&mut s, [key(KeyCode::Esc)]);
    let Route::Home(home) = s.screen() else {
        panic!("back on the menu")
    };
    assert_eq!(home.items[home.selected], HomeItem::Patients);

    let mut s = app(Role::Admin);
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Up)]);
    common::ui::open_item(&mut s, HomeItem::Availability);
    assert!(matches!(s.screen(), Route::Calendar(_)));
    send(&mut s, [ch('q')]);
    let Route::Home(home) = s.screen() else {
        panic!("back on the menu")
    };
    assert_eq!(home.items[home.selected], HomeItem::Availability);
}

#[test]
fn patient_requests_print_no_patient_details() {
    let input = NewPatientInput {
        full_name: "Ana Lima".into(),
        email: "ana@example.com".into(),
        phone: "+44 20 7946 0958".into(),
        date_of_birth: "1990-02-28".into(),
        gender: "F".into(),
        confirm_duplicate: false,
    };
    for op in [
        PatientsOp::Search {
            query: "Ana Lima".into(),
        },
        PatientsOp::Register(input.clone()),
        PatientsOp::Update {
            patient_id: 7,
            input,
        },
    ] {
        let shown = format!("{op:?}");
        for secret in ["Ana", "ana@", "7946", "1990"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
    assert_eq!(
        format!(
            "{:?}",
            PatientsOp::SetActive {
                patient_id: 7,
                active: false
            }
        ),
        "SetActive(7, false)"
    );
}

#[test]
fn a_smaller_terminal_scrolls_the_calendar_to_keep_the_cursor_visible() {
    let mut s = doctor_calendar();
    send(&mut s, vec![key(KeyCode::Down); 60]);
    assert_eq!((cal(&s).row, cal(&s).scroll), (47, 30), "18 rows fit 80x24");
    send(&mut s, [clinic::tui::msg::Msg::Resize(80, 20)]);
    assert_eq!(cal(&s).scroll, 34, "14 rows fit 80x20: 23:30 is the last");
    assert!(rows(&s, 80, 20).join("\n").contains("23:30"));
}
