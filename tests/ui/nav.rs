//! The navigation stack and leaving: Esc goes back to where you came from, Home keeps
//! its cursor, leaving Home or quitting asks first, Ctrl-C always quits, the help
//! overlay scrolls, and every footer at 80 columns ends with the help key.

use crate::common;

use chrono::{DateTime, TimeZone, Utc};
use clinic::domain::Role;
use clinic::tui::routes::Route;
use clinic::tui::screens::home::{HomeItem, HomeScreen};
use common::ui::{ctrl, draw, fresh, key, open_item, send, signed_in_as};
use crossterm::event::KeyCode;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 14, 5, 0)
        .single()
        .expect("valid time")
}

fn rows(s: &clinic::tui::AppState, w: u16, h: u16) -> Vec<String> {
    let terminal = draw(s, w, h);
    let buffer = terminal.backend().buffer();
    (0..h)
        .map(|y| {
            (0..w)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect()
}

#[test]
fn esc_on_sign_in_asks_before_quitting() {
    let mut s = fresh(now());
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(!s.should_quit, "one Esc does not quit");
    let screen = rows(&s, 80, 24).join("\n");
    assert!(
        screen.contains("Quit Smart Clinic? y yes, n no"),
        "{screen}"
    );
    send(&mut s, [key(KeyCode::Char('n'))]);
    assert!(!s.should_quit && s.question.is_none());
    send(&mut s, [key(KeyCode::Esc), key(KeyCode::Char('y'))]);
    assert!(s.should_quit);
}

#[test]
fn esc_on_home_asks_before_logging_out_and_no_keeps_the_session() {
    let mut s = signed_in_as(Role::FrontDesk, 2, "Fran Desk", now());
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(s.session.is_some());
    assert!(rows(&s, 80, 24).join("\n").contains("Log out? y yes, n no"));
    send(&mut s, [key(KeyCode::Char('n'))]);
    assert!(s.session.is_some() && matches!(s.screen(), Route::Home(_)));
    send(&mut s, [key(KeyCode::Esc), key(KeyCode::Char('y'))]);
    assert!(s.session.is_none() && matches!(s.screen(), Route::Login(_)));
}

#[test]
fn four_escapes_from_a_screen_do_not_end_the_session() {
    let mut s = signed_in_as(Role::FrontDesk, 2, "Fran Desk", now());
    open_item(&mut s, HomeItem::ChangePassword);
    assert!(matches!(s.screen(), Route::Password(_)));
    send(&mut s, vec![key(KeyCode::Esc); 4]);
    assert!(s.session.is_some(), "still signed in");
    assert!(!s.should_quit);
    assert!(matches!(s.screen(), Route::Home(_)));
}

#[test]
fn esc_returns_to_home_with_its_cursor_where_it_was() {
    let mut s = signed_in_as(Role::FrontDesk, 2, "Fran Desk", now());
    open_item(&mut s, HomeItem::ChangePassword);
    send(&mut s, [key(KeyCode::Esc)]);
    let home = crate::top!(s, Home);
    assert_eq!(
        home.items[home.selected],
        HomeItem::ChangePassword,
        "the menu cursor stays on the item that was opened"
    );
}

#[test]
fn ctrl_c_quits_at_once_from_anywhere() {
    let mut s = signed_in_as(Role::Doctor, 3, "Dr Who", now());
    open_item(&mut s, HomeItem::ChangePassword);
    send(&mut s, [ctrl('c')]);
    assert!(s.should_quit);
    let mut s = fresh(now());
    send(&mut s, [key(KeyCode::Esc), ctrl('c')]);
    assert!(s.should_quit, "also with a question up");
}

#[test]
fn help_scrolls_within_its_lines_and_closes() {
    let mut s = signed_in_as(Role::Admin, 1, "Alex Admin", now());
    send(&mut s, [Msg::Resize(60, 18)]);
    // The agenda offers the most keys.
    open_item(&mut s, HomeItem::Agenda);
    send(&mut s, [key(KeyCode::Char('?'))]);
    let first = rows(&s, 60, 18).join("\n");
    assert!(first.contains("On this screen"), "{first}");
    // As in the app, a frame is drawn after every key.
    for _ in 0..200 {
        send(&mut s, [key(KeyCode::Down)]);
        let _ = rows(&s, 60, 18);
    }
    let scrolled = s.help.as_ref().expect("help open").scroll;
    assert!(scrolled > 0, "the list is longer than 18 rows");
    let last = rows(&s, 60, 18).join("\n");
    assert!(last.contains("Bindings can be changed"), "{last}");
    send(&mut s, [key(KeyCode::Up)]);
    assert_eq!(
        s.help.as_ref().expect("help open").scroll,
        scrolled - 1,
        "scrolling stops at the end: one Up moves back at once"
    );
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(s.help.is_none());
}

use clinic::tui::msg::Msg;

/// Every screen each role can open from its menu, drawn at 80x24: the last row (the
/// footer) ends with the help key, and lists only keys the screen offers.
#[test]
fn every_footer_at_80_columns_ends_with_help_for_every_screen_and_role() {
    for role in [Role::Admin, Role::FrontDesk, Role::Doctor, Role::Patient] {
        let items = HomeScreen::for_role(role).items;
        let mut checked = 0;
        for item in items {
            if matches!(item, HomeItem::LogOut | HomeItem::Quit) {
                continue;
            }
            let mut s = signed_in_as(role, 7, "Some One", now());
            open_item(&mut s, item);
            assert!(
                !matches!(s.screen(), Route::Home(_)),
                "{role:?} {item:?} opens a screen"
            );
            let footer = rows(&s, 80, 24).pop().unwrap_or_default();
            assert!(
                footer.ends_with("? help") || footer.ends_with("F1 help"),
                "{role:?} {item:?}: {footer:?}"
            );
            checked += 1;
        }
        let home = signed_in_as(role, 7, "Some One", now());
        let footer = rows(&home, 80, 24).pop().unwrap_or_default();
        assert!(footer.ends_with("? help"), "{role:?} home: {footer:?}");
        assert!(checked > 0);
    }
}

/// Each Home item opens with its own key, shown beside it; only the role's items have
/// one, and none is a key the global keymap already uses.
#[test]
fn every_home_item_opens_with_its_own_key_shown_beside_it() {
    use clinic::tui::keymap::{Context, Keymap};
    let keymap = Keymap::defaults();
    let expected = [
        (HomeItem::Availability, 'c', "Calendar"),
        (HomeItem::DoctorsCalendars, 'c', "Calendar"),
        (HomeItem::Book, 'b', "Booking"),
        (HomeItem::Agenda, 'a', "Agenda"),
        (HomeItem::MyAppointments, 'a', "Agenda"),
        (HomeItem::Prescriptions, 'r', "RxList"),
        (HomeItem::MyPrescriptions, 'r', "RxTimeline"),
        (HomeItem::Reports, 't', "Reports"),
        (HomeItem::Patients, 'p', "Patients"),
        (HomeItem::Administration, 'd', "Admin"),
        (HomeItem::AuditTrail, 'u', "Audit"),
        (HomeItem::ChangePassword, 'w', "Password"),
    ];
    for role in [Role::Admin, Role::FrontDesk, Role::Doctor, Role::Patient] {
        let items = HomeScreen::for_role(role).items;
        let screen = rows(&signed_in_as(role, 2, "Someone", now()), 80, 24).join("\n");
        let keys = expected
            .iter()
            .map(|(item, c, _)| (*item, *c))
            .chain([(HomeItem::LogOut, 'l'), (HomeItem::Quit, 'q')]);
        for (item, c) in keys.filter(|(item, _)| items.contains(item)) {
            assert!(
                screen.contains(&format!("{c}  {}", item.label())),
                "{role:?}: {c} beside {}\n{screen}",
                item.label()
            );
        }
        for (item, c, route) in expected {
            let mut s = signed_in_as(role, 2, "Someone", now());
            send(&mut s, [key(KeyCode::Char(c))]);
            if items.contains(&item) {
                assert_eq!(s.screen().name(), route, "{role:?}: {c} opens {item:?}");
                assert_eq!(s.stack.len(), 2, "{role:?}: {c} opened one screen");
            } else if !items.iter().any(|i| i.shortcut() == item.shortcut()) {
                assert!(
                    matches!(s.screen(), Route::Home(_)),
                    "{role:?}: {c} opens nothing the role does not have"
                );
            }
        }
        // l logs out (asking first), as Ctrl-L does.
        let mut s = signed_in_as(role, 2, "Someone", now());
        send(&mut s, [key(KeyCode::Char('l'))]);
        assert!(s.question.is_some(), "{role:?}: l asks before logging out");
    }
    // No Home key is a global one.
    for c in ['b', 'a', 'c', 'r', 't', 'p', 'd', 'u', 'w', 'l'] {
        let event =
            crossterm::event::KeyEvent::new(KeyCode::Char(c), crossterm::event::KeyModifiers::NONE);
        assert_eq!(keymap.lookup(Context::Global, &event), None, "{c}");
    }
}

/// The front desk's Home asks how many waitlist entries have time offered when it
/// opens (after signing in) and when it comes back on top, and shows the answer.
#[test]
fn the_front_desk_home_shows_the_waitlist_count_after_the_reply() {
    use clinic::service::waitlist::WaitlistCounts;
    use clinic::tui::routes::{Op, Reply};
    use clinic::tui::screens::home::{HomeOp, HomeReply};
    let mut s = signed_in_as(Role::FrontDesk, 2, "Fran Desk", now());
    // Made without being entered (as an SSH session opens): the first tick asks.
    let effects = send(&mut s, [clinic::tui::msg::Msg::Tick(now())]);
    let (request, op) = crate::last_op!(effects, Home);
    assert_eq!(op, HomeOp::WaitlistCounts);
    assert!(
        rows(&s, 80, 24)
            .join("\n")
            .contains("Waitlist    counting…")
    );
    assert!(
        send(&mut s, [clinic::tui::msg::Msg::Tick(now())]).is_empty(),
        "asked once"
    );
    send(
        &mut s,
        [common::ui::reply(
            request,
            Reply::Home(HomeReply::Counts(Ok(WaitlistCounts {
                waiting: 3,
                offered: 2,
            }))),
        )],
    );
    let screen = rows(&s, 80, 24).join("\n");
    assert!(
        screen.contains("Waitlist    2 offered, ready to book · 3 waiting"),
        "{screen}"
    );
    assert!(s.busy.is_none());
    // Back on Home from another screen: asked again.
    send(&mut s, [key(KeyCode::Char('p'))]);
    let effects = send(&mut s, [key(KeyCode::Esc)]);
    assert!(
        effects.iter().any(|e| matches!(
            e,
            clinic::tui::effect::Effect::Run {
                op: Op::Home(HomeOp::WaitlistCounts),
                ..
            }
        )),
        "{effects:?}"
    );
    // Other roles do not ask.
    for role in [Role::Admin, Role::Doctor, Role::Patient] {
        let mut s = signed_in_as(role, 2, "Someone", now());
        assert!(send(&mut s, [clinic::tui::msg::Msg::Tick(now())]).is_empty());
        assert!(!rows(&s, 80, 24).join("\n").contains("Waitlist"));
    }
}

/// Signing in on the login screen enters the fresh Home: the count is asked at once.
#[test]
fn signing_in_as_the_front_desk_asks_for_the_waitlist_count() {
    use clinic::tui::screen::Action;
    use clinic::tui::screens::home::HomeOp;
    let mut s = fresh(now());
    let session = clinic::service::Session {
        actor: clinic::domain::Actor::User {
            role: Role::FrontDesk,
            id: 2,
            name: "Fran Desk".into(),
            email: "fran@clinic.test".into(),
        },
        started_at: now(),
    };
    let effects = clinic::tui::update::apply(
        &mut s,
        0,
        vec![Action::SignedIn(session)],
        &clinic::tui::keymap::Keymap::defaults(),
    );
    let (_, op) = crate::last_op!(effects, Home);
    assert_eq!(op, HomeOp::WaitlistCounts);
    assert!(matches!(s.screen(), Route::Home(_)));
}
