//! The UI as pure functions: `update` driven by messages, and rendered snapshots on
//! ratatui's TestBackend at 80x24.

use crate::common;

use chrono::{DateTime, TimeZone, Utc};
use clinic::domain::{AccountKind, Actor, Role};
use clinic::service::ServiceError;
use clinic::service::Session;
use clinic::tui::effect::Effect;
use clinic::tui::msg::Msg;
use clinic::tui::routes::{Op, Reply, Route};
use clinic::tui::screens::login::LoginOp;
use clinic::tui::state::AppState;
use common::ui::{ctrl, draw, key, send, type_text};
use crossterm::event::KeyCode;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 14, 5, 0)
        .single()
        .expect("valid time")
}

fn fresh() -> AppState {
    common::ui::fresh(now())
}

fn front_desk_session() -> Session {
    Session {
        actor: Actor::User {
            role: Role::FrontDesk,
            id: 2,
            name: "Fran Desk".into(),
            email: "frontdesk@demo.clinic".into(),
        },
        started_at: now(),
    }
}

fn signed_in() -> AppState {
    let mut s = fresh();
    type_text(&mut s, "frontdesk@demo.clinic");
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "clinic-demo");
    send(&mut s, [key(KeyCode::Enter)]);
    send(
        &mut s,
        [Msg::Reply {
            request: 1,
            reply: Reply::Login(Ok(front_desk_session())),
        }],
    );
    s
}

#[test]
fn submitting_the_form_asks_for_a_login_and_shows_progress() {
    let mut s = fresh();
    assert!(type_text(&mut s, "frontdesk@demo.clinic").is_empty());
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "clinic-demo");
    let effects = send(&mut s, [key(KeyCode::Enter)]);
    assert_eq!(
        effects,
        vec![Effect::Run {
            request: 1,
            actor: Actor::System,
            op: Op::Login(LoginOp {
                kind: AccountKind::Staff,
                email: "frontdesk@demo.clinic".into(),
                password: "clinic-demo".into(),
            }),
        }]
    );
    assert!(
        !format!("{effects:?}").contains("clinic-demo"),
        "Debug never shows the password"
    );
    assert_eq!(s.busy.as_deref(), Some("Signing in"));
    assert!(
        send(&mut s, [key(KeyCode::Enter)]).is_empty(),
        "no second request while one is running"
    );
}

#[test]
fn a_successful_login_opens_home_and_a_stale_answer_is_dropped() {
    let mut s = fresh();
    type_text(&mut s, "frontdesk@demo.clinic");
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "clinic-demo");
    send(&mut s, [key(KeyCode::Enter)]);
    send(
        &mut s,
        [Msg::Reply {
            request: 7,
            reply: Reply::Login(Ok(front_desk_session())),
        }],
    );
    assert!(
        matches!(s.screen(), Route::Login(_)),
        "unknown request id ignored"
    );
    send(
        &mut s,
        [Msg::Reply {
            request: 1,
            reply: Reply::Login(Ok(front_desk_session())),
        }],
    );
    assert!(matches!(s.screen(), Route::Home(_)));
    assert_eq!(s.session.as_ref().map(|x| x.role()), Some(Role::FrontDesk));
    // The sign-in's spinner is done; the fresh Home counts the waitlist.
    assert_eq!(s.busy.as_deref(), Some("Counting the waitlist"));
}

#[test]
fn a_failed_login_keeps_the_email_and_says_why() {
    let mut s = fresh();
    type_text(&mut s, "frontdesk@demo.clinic");
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "wrong");
    send(&mut s, [key(KeyCode::Enter)]);
    send(
        &mut s,
        [Msg::Reply {
            request: 1,
            reply: Reply::Login(Err(ServiceError::Invalid(
                "Wrong email or password.".into(),
            ))),
        }],
    );
    let Route::Login(login) = s.screen() else {
        panic!("still on login")
    };
    assert_eq!(login.email.value(), "frontdesk@demo.clinic");
    assert_eq!(login.password.value(), "");
    assert_eq!(login.error.as_deref(), Some("Wrong email or password."));
    // Typing again goes into the password field.
    type_text(&mut s, "x");
    let Route::Login(login) = s.screen() else {
        panic!("still on login")
    };
    assert_eq!(login.password.value(), "x");
}

#[test]
fn quit_keys_respect_the_screen() {
    let mut s = fresh();
    type_text(&mut s, "q");
    assert!(!s.should_quit, "q types into the email field");
    send(&mut s, [ctrl('c')]);
    assert!(s.should_quit, "Ctrl-C always quits");

    let mut s = signed_in();
    send(&mut s, [key(KeyCode::Char('q'))]);
    assert!(!s.should_quit, "q on home asks first");
    assert!(s.question.is_some());
    send(&mut s, [key(KeyCode::Char('y'))]);
    assert!(s.should_quit, "yes quits");
}

#[test]
fn help_opens_and_closes_and_esc_on_home_asks_then_logs_out() {
    let mut s = signed_in();
    send(&mut s, [key(KeyCode::Char('?'))]);
    assert!(s.help.is_some());
    send(&mut s, [key(KeyCode::Char('q'))]);
    assert!(
        s.help.is_none() && !s.should_quit,
        "q closes help, does not quit"
    );
    send(&mut s, [key(KeyCode::F(1))]);
    assert!(s.help.is_some());
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(s.help.is_none());

    send(&mut s, [key(KeyCode::Esc)]);
    assert!(s.session.is_some(), "Esc on home asks before logging out");
    send(&mut s, [key(KeyCode::Char('y'))]);
    assert!(s.session.is_none());
    let Route::Login(login) = s.screen() else {
        panic!("back to login")
    };
    assert_eq!(
        login.email.value(),
        "frontdesk@demo.clinic",
        "email kept for the next sign-in"
    );
}

#[test]
fn ticks_and_resizes_update_state() {
    let mut s = fresh();
    let later = now() + chrono::Duration::minutes(3);
    send(&mut s, [Msg::Tick(later), Msg::Resize(120, 40)]);
    assert_eq!((s.now, s.size), (later, (120, 40)));
}

#[test]
fn snapshot_login_empty() {
    insta::assert_snapshot!(draw(&fresh(), 80, 24).backend());
}

#[test]
fn snapshot_login_with_error_masks_the_password() {
    let mut s = fresh();
    type_text(&mut s, "frontdesk@demo.clinic");
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "wrong");
    send(&mut s, [key(KeyCode::Enter)]);
    send(
        &mut s,
        [Msg::Reply {
            request: 1,
            reply: Reply::Login(Err(ServiceError::Invalid(
                "Wrong email or password.".into(),
            ))),
        }],
    );
    type_text(&mut s, "secret");
    send(&mut s, [key(KeyCode::Tab), key(KeyCode::Right)]);
    let terminal = draw(&s, 80, 24);
    let text = format!("{}", terminal.backend());
    assert!(!text.contains("secret"));
    assert!(text.contains("••••••"));
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn snapshot_home_front_desk() {
    insta::assert_snapshot!(draw(&signed_in(), 80, 24).backend());
}

#[test]
fn snapshot_help_overlay_on_home() {
    let mut s = signed_in();
    send(&mut s, [key(KeyCode::Char('?'))]);
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}

#[test]
fn too_small_terminals_get_a_message_and_never_panic() {
    let s = signed_in();
    let text = format!("{}", draw(&s, 40, 12).backend());
    assert!(text.contains("Terminal too small"), "{text}");
    for (w, h) in [(0, 0), (1, 1), (20, 5), (59, 17), (60, 18), (200, 60)] {
        let _ = draw(&s, w, h);
        let _ = draw(&fresh(), w, h);
    }
}

#[test]
fn an_idle_session_locks_and_the_same_user_gets_their_screen_back() {
    let mut s = signed_in();
    // Move the home cursor so there is state to keep.
    send(&mut s, [key(KeyCode::Down)]);
    let before = crate::top!(s, Home).selected;
    // Nine minutes of ticks: nothing happens; a key resets the clock.
    send(&mut s, [Msg::Tick(now() + chrono::Duration::minutes(9))]);
    assert!(s.session.is_some());
    send(
        &mut s,
        [
            Msg::Tick(now() + chrono::Duration::minutes(9)),
            key(KeyCode::Up),
            key(KeyCode::Down),
        ],
    );
    send(&mut s, [Msg::Tick(now() + chrono::Duration::minutes(18))]);
    assert!(
        s.session.is_some(),
        "activity at minute 9 restarted the idle clock"
    );
    send(&mut s, [Msg::Tick(now() + chrono::Duration::minutes(19))]);
    assert!(s.session.is_none(), "locked after ten idle minutes");
    let Route::Login(login) = s.screen() else {
        panic!("sign-in screen")
    };
    assert_eq!(login.email.value(), "frontdesk@demo.clinic");
    assert!(
        s.status
            .as_ref()
            .is_some_and(|m| m.text.starts_with("Locked after 10 minutes"))
    );

    type_text(&mut s, "clinic-demo");
    let effects = send(&mut s, [key(KeyCode::Enter)]);
    let (request, _) = crate::last_op!(effects, Login);
    send(
        &mut s,
        [Msg::Reply {
            request,
            reply: Reply::Login(Ok(front_desk_session())),
        }],
    );
    assert_eq!(
        crate::top!(s, Home).selected,
        before,
        "the same screen, as it was"
    );
    assert!(s.locked.is_none());
}

#[test]
fn after_an_idle_lock_another_user_starts_from_home() {
    let mut s = signed_in();
    send(
        &mut s,
        [
            key(KeyCode::Down),
            Msg::Tick(now() + chrono::Duration::minutes(30)),
        ],
    );
    assert!(s.locked.is_some());
    let effects = send(&mut s, [key(KeyCode::Enter)]);
    assert!(effects.is_empty(), "no password typed yet");
    type_text(&mut s, "pw");
    let effects = send(&mut s, [key(KeyCode::Enter)]);
    let (request, _) = crate::last_op!(effects, Login);
    let other = Session {
        actor: Actor::User {
            role: Role::Admin,
            id: 1,
            name: "Alex Admin".into(),
            email: "admin@demo.clinic".into(),
        },
        started_at: now(),
    };
    send(
        &mut s,
        [Msg::Reply {
            request,
            reply: Reply::Login(Ok(other)),
        }],
    );
    assert_eq!(crate::top!(s, Home).selected, 0);
    assert!(
        s.locked.is_none(),
        "the other user's work is not theirs to see"
    );
}

#[test]
fn every_screen_renders_at_any_size_without_panicking() {
    use clinic::tui::screens::home::HomeScreen;
    let admin = Session {
        actor: Actor::User {
            role: Role::Admin,
            id: 1,
            name: "Alex Admin".into(),
            email: "admin@demo.clinic".into(),
        },
        started_at: now(),
    };
    let sizes = [
        (0, 0),
        (1, 1),
        (20, 5),
        (40, 10),
        (59, 17),
        (60, 18),
        (80, 24),
        (120, 40),
        (250, 90),
    ];
    let items = HomeScreen::for_role(Role::Admin).items;
    for index in 0..items.len().saturating_sub(2) {
        let mut s = fresh();
        s.session = Some(admin.clone());
        s.stack = vec![clinic::tui::state::Page::new(HomeScreen::for_role(
            Role::Admin,
        ))];
        let mut msgs = vec![key(KeyCode::Down); index];
        msgs.push(key(KeyCode::Enter));
        send(&mut s, msgs);
        for (w, h) in sizes {
            let _ = draw(&s, w, h);
        }
        send(&mut s, [key(KeyCode::F(1))]);
        for (w, h) in sizes {
            let _ = draw(&s, w, h);
        }
    }
}

#[test]
fn snapshot_styles_of_the_focused_login_field_and_the_home_selection() {
    let mut s = fresh();
    type_text(&mut s, "frontdesk@demo.clinic");
    send(&mut s, [key(KeyCode::Tab), key(KeyCode::Tab)]);
    let login = common::ui::styled(&s, 80, 24);
    assert!(login.contains("[RB](•) Staff[/]"), "{login}");
    insta::assert_snapshot!("styles_login_role_focused", login);

    let mut s = signed_in();
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Down)]);
    let home = common::ui::styled(&s, 80, 24);
    assert!(home.contains("[RB]▶ a  Agenda"), "{home}");
    insta::assert_snapshot!("styles_home_selection", home);
}

#[test]
fn effects_print_no_patient_data_for_the_log() {
    use clinic::service::patients::NewPatientInput;
    use clinic::tui::screens::agenda::AgendaOp;
    use clinic::tui::screens::booking::BookingOp;
    use clinic::tui::screens::patients::PatientsOp;
    let run = |request, op| Effect::Run {
        request,
        actor: Actor::System,
        op,
    };
    let effects = [
        run(
            1,
            Op::Booking(BookingOp::Register(NewPatientInput {
                full_name: "Zoë Secretname".into(),
                email: "zoe@private.test".into(),
                phone: "+1 555 0199".into(),
                ..NewPatientInput::default()
            })),
        ),
        run(
            2,
            Op::Booking(BookingOp::SearchPatients {
                query: "Secretname".into(),
            }),
        ),
        run(
            3,
            Op::Agenda(AgendaOp::Cancel {
                appointment_id: 4,
                reason: "Secretname is in hospital".into(),
            }),
        ),
        run(
            4,
            Op::Patients(PatientsOp::Search {
                query: "zoe@private.test".into(),
            }),
        ),
        run(
            5,
            Op::Login(LoginOp {
                kind: AccountKind::Patient,
                email: "zoe@private.test".into(),
                password: "Secretname-password".into(),
            }),
        ),
    ];
    let printed = format!("{effects:?}");
    for secret in ["Secretname", "zoe@private.test", "555 0199"] {
        assert!(!printed.contains(secret), "{secret} leaked into {printed}");
    }
    assert!(printed.contains("Registering the patient") && printed.contains("Cancelling"));
}
