//! The patients screen and the change-password screen as pure functions: keys and
//! replies through `update`, and rendered snapshots at 80x24 (and one at 120x40).

use crate::common;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use clinic::domain::appointment::{Appointment, AppointmentView};
use clinic::domain::payment::{Payment, PaymentMethod, PaymentStatus};
use clinic::domain::person::Patient;
use clinic::domain::{AppointmentStatus, Role};
use clinic::service::ServiceError;
use clinic::service::patients::{PatientHistory, RegisterError};
use clinic::tui::effect::Effect;
use clinic::tui::keymap::Context;
use clinic::tui::routes::{Op, Reply, Route};
use clinic::tui::screens::home::{HomeItem, HomeScreen};
use clinic::tui::screens::password::{PasswordField, PasswordScreen};
use clinic::tui::screens::patients::{
    Focus, PatientField, PatientsOp, PatientsReply, PatientsScreen,
};
use clinic::tui::state::{AppState, Tone};
use common::ui::{ch, ctrl, draw, key, send, type_text};
use crossterm::event::KeyCode;
use rust_decimal::Decimal;

/// Monday 12 January 2026, 08:10 in London (GMT, so UTC too).
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 12, 8, 10, 0)
        .single()
        .expect("valid time")
}

fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 1, d)
        .expect("date")
        .and_hms_opt(h, m, 0)
        .expect("time")
}

pub(crate) fn app(role: Role) -> AppState {
    common::ui::signed_in_as(role, 1, "Fran Desk", now())
}

pub(crate) fn patients(s: &AppState) -> &PatientsScreen {
    crate::top!(s, Patients)
}

pub(crate) fn last(effects: &[Effect]) -> (u64, PatientsOp) {
    crate::last_op!(effects, Patients)
}

pub(crate) fn reply(s: &mut AppState, request: u64, reply: PatientsReply) -> Vec<Effect> {
    send(s, [common::ui::reply(request, Reply::Patients(reply))])
}

pub(crate) fn password(s: &AppState) -> &PasswordScreen {
    crate::top!(s, Password)
}

pub(crate) fn patient(id: i32, name: &str, email: &str, active: bool) -> Patient {
    Patient {
        id,
        full_name: name.into(),
        email: email.into(),
        phone_number: Some("+44 20 7946 0958".into()),
        date_of_birth: NaiveDate::from_ymd_opt(1990, 2, 28),
        gender: None,
        is_active: active,
        has_portal_access: false,
        created_at: now(),
    }
}

pub(crate) fn results() -> Vec<Patient> {
    vec![
        patient(7, "Ana Lima", "ana@example.com", true),
        patient(9, "Anabel Ortiz", "anabel.ortiz@example.com", false),
    ]
}

pub(crate) fn history() -> PatientHistory {
    let appt = |id, day, status, reason: Option<&str>| AppointmentView {
        appointment: Appointment {
            id,
            patient_id: 7,
            doctor_id: 3,
            location_id: None,
            start_utc: at(day, 9, 0),
            duration_minutes: 60,
            status,
            cancel_reason: reason.map(str::to_string),
            cancelled_at: None,
        },
        patient_name: "Ana Lima".into(),
        patient_email: "ana@example.com".into(),
        doctor_name: "Dr Grace Hopper".into(),
        doctor_email: "grace@clinic.test".into(),
        specialization: "Cardiology".into(),
        location_name: None,
    };
    PatientHistory {
        patient: patient(7, "Ana Lima", "ana@example.com", true),
        appointments: vec![
            appt(12, 20, AppointmentStatus::Booked, None),
            appt(11, 8, AppointmentStatus::Completed, None),
            appt(10, 5, AppointmentStatus::Cancelled, Some("ill")),
        ],
        payments: vec![Payment {
            id: 4,
            appointment_id: 11,
            amount: Decimal::new(12050, 2),
            method: PaymentMethod::Card,
            status: PaymentStatus::Paid,
            transaction_id: "T-1".into(),
            created_at: Utc
                .with_ymd_and_hms(2026, 1, 8, 10, 5, 0)
                .single()
                .expect("time"),
        }],
    }
}

/// Front desk on the patients screen with "ana" searched and two results shown.
pub(crate) fn with_results() -> AppState {
    let mut s = app(Role::FrontDesk);
    assert!(common::ui::open_item(&mut s, HomeItem::Patients).is_empty());
    let (request, op) = last(&type_text(&mut s, "ana"));
    assert_eq!(
        op,
        PatientsOp::Search {
            query: "ana".into()
        }
    );
    reply(&mut s, request, PatientsReply::Found(Ok(results())));
    s
}

#[test]
fn menu_items_follow_the_roles() {
    let items = |r| HomeScreen::for_role(r).items;
    for r in [Role::FrontDesk, Role::Admin] {
        assert!(items(r).contains(&HomeItem::Patients), "{r:?}");
    }
    for r in [Role::Doctor, Role::Patient] {
        assert!(!items(r).contains(&HomeItem::Patients), "{r:?}");
    }
    for r in [Role::FrontDesk, Role::Doctor, Role::Patient] {
        assert!(!items(r).contains(&HomeItem::Administration), "{r:?}");
        assert!(!items(r).contains(&HomeItem::AuditTrail), "{r:?}");
    }
    assert!(items(Role::Admin).contains(&HomeItem::Administration));
    assert!(items(Role::Admin).contains(&HomeItem::AuditTrail));
    for r in [Role::Admin, Role::FrontDesk, Role::Doctor, Role::Patient] {
        assert!(items(r).contains(&HomeItem::ChangePassword), "{r:?}");
    }
}

#[test]
fn typing_searches_and_stale_results_are_dropped() {
    let mut s = app(Role::FrontDesk);
    common::ui::open_item(&mut s, HomeItem::Patients);
    assert_eq!(s.context(), Context::PatientsSearch);
    let (first, _) = last(&type_text(&mut s, "an"));
    let (second, op) = last(&type_text(&mut s, "a"));
    assert_eq!(
        op,
        PatientsOp::Search {
            query: "ana".into()
        }
    );
    reply(&mut s, first, PatientsReply::Found(Ok(vec![])));
    assert!(patients(&s).results.is_empty(), "an older answer is stale");
    reply(&mut s, second, PatientsReply::Found(Ok(results())));
    assert_eq!(patients(&s).results.len(), 2);
    assert!(s.busy.is_none());
    // A database error is a sentence, not a crash.
    let (third, _) = last(&type_text(&mut s, "x"));
    reply(
        &mut s,
        third,
        PatientsReply::Found(Err(ServiceError::DatabaseUnavailable("timed out".into()))),
    );
    let status = s.status.clone().expect("a status line");
    assert_eq!(status.tone, Tone::Error);
    assert_eq!(patients(&s).results.len(), 2, "the last results stay");
}

#[test]
fn list_keys_open_edit_and_toggle() {
    let mut s = with_results();
    // Letters type into the search field until Tab moves to the list.
    send(&mut s, [key(KeyCode::Tab)]);
    assert_eq!(patients(&s).focus, Focus::List);
    assert_eq!(s.context(), Context::Patients);
    send(&mut s, [ch('j')]);
    assert_eq!(patients(&s).selected(), 1);
    // x on an inactive patient asks to reactivate.
    send(&mut s, [ch('x')]);
    assert_eq!(s.context(), Context::Confirm);
    let question = &patients(&s).confirm.as_ref().expect("asks").question;
    assert!(
        question.starts_with("Reactivate Anabel Ortiz?"),
        "{question}"
    );
    let (request, op) = last(&send(&mut s, [ch('y')]));
    assert_eq!(
        op,
        PatientsOp::SetActive {
            patient_id: 9,
            active: true
        }
    );
    let mut back = patient(9, "Anabel Ortiz", "anabel.ortiz@example.com", true);
    back.phone_number = None;
    reply(&mut s, request, PatientsReply::ActiveSet(Ok(back)));
    assert!(patients(&s).results[1].is_active);
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("Anabel Ortiz is active again.")
    );
    // n: deactivate declined.
    send(&mut s, [ch('k'), ch('x')]);
    assert!(
        patients(&s)
            .confirm
            .as_ref()
            .expect("asks")
            .question
            .starts_with("Deactivate Ana Lima?")
    );
    assert!(send(&mut s, [ch('n')]).is_empty());
    assert!(patients(&s).confirm.is_none());
    // Enter opens the view and asks for the history.
    let (request, op) = last(&send(&mut s, [key(KeyCode::Enter)]));
    assert_eq!(op, PatientsOp::History { patient_id: 7 });
    assert_eq!(s.context(), Context::PatientView);
    reply(&mut s, request, PatientsReply::History(Ok(history())));
    let view = patients(&s).view.as_ref().expect("open");
    assert_eq!(view.history.as_ref().map(|h| h.appointments.len()), Some(3));
    // e edits the open patient with their details filled in.
    send(&mut s, [ch('e')]);
    assert_eq!(s.context(), Context::Form);
    let form = &patients(&s).form.as_ref().expect("form").form;
    assert_eq!(form.value(PatientField::Name), "Ana Lima");
    assert_eq!(form.value(PatientField::Born), "1990-02-28");
    send(&mut s, [key(KeyCode::Esc), key(KeyCode::Esc)]);
    assert_eq!(s.context(), Context::Patients, "Esc leaves the view");
    send(&mut s, [ch('/')]);
    assert_eq!(s.context(), Context::PatientsSearch);
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(matches!(s.screen(), Route::Home(_)));
}

#[test]
fn registration_validates_keeps_input_and_asks_about_duplicates() {
    let mut s = with_results();
    send(&mut s, [ctrl('n')]);
    assert_eq!(s.context(), Context::Form);
    let form = &patients(&s).form.as_ref().expect("form").form;
    assert_eq!(
        form.value(PatientField::Name),
        "ana",
        "what was searched becomes the name"
    );
    // Fill in: name, email, phone, born (bad), gender.
    let pf = |s: &AppState| patients(s).form.clone().expect("form");
    // Clear the name field and type a full one.
    for _ in 0..3 {
        send(&mut s, [key(KeyCode::Backspace)]);
    }
    type_text(&mut s, "Ana Lima");
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "ana2@example.com");
    send(&mut s, [key(KeyCode::Tab), key(KeyCode::Tab)]);
    type_text(&mut s, "28/02/1990");
    let effects = send(&mut s, [ctrl('s')]);
    assert!(effects.is_empty(), "a bad date is caught before sending");
    let f = pf(&s).form;
    assert_eq!(f.focus(), Some(PatientField::Born));
    assert!(
        f.error(PatientField::Born)
            .unwrap_or("")
            .contains("YYYY-MM-DD"),
        "{f:?}"
    );
    for _ in 0..10 {
        send(&mut s, [key(KeyCode::Backspace)]);
    }
    type_text(&mut s, "1990-02-28");
    let (request, op) = last(&send(&mut s, [ctrl('s')]));
    let PatientsOp::Register(input) = op else {
        panic!("register")
    };
    assert_eq!(input.full_name, "Ana Lima");
    assert!(!input.confirm_duplicate);
    reply(
        &mut s,
        request,
        PatientsReply::Saved(Err(RegisterError::PossibleDuplicate {
            message: "A patient named Ana Lima, born 1990-02-28 exists. Register anyway?".into(),
            existing: vec![patient(7, "Ana Lima", "ana@example.com", true)],
        })),
    );
    assert_eq!(s.context(), Context::Confirm);
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
    let (request, op) = last(&send(&mut s, [ch('y')]));
    let PatientsOp::Register(input) = op else {
        panic!("register")
    };
    assert!(input.confirm_duplicate);
    assert_eq!(
        input.email, "ana2@example.com",
        "the form kept what was typed"
    );
    let mut new = patient(21, "Ana Lima", "ana2@example.com", true);
    new.phone_number = None;
    let effects = reply(&mut s, request, PatientsReply::Saved(Ok(new)));
    let (_, op) = last(&effects);
    assert_eq!(
        op,
        PatientsOp::History { patient_id: 21 },
        "opens the new patient"
    );
    assert!(patients(&s).form.is_none());
}

#[test]
fn a_refused_edit_keeps_the_form_and_says_why() {
    let mut s = with_results();
    send(&mut s, [key(KeyCode::Tab), ch('e')]);
    let (request, op) = last(&send(&mut s, [key(KeyCode::Enter)]));
    assert!(matches!(op, PatientsOp::Update { patient_id: 7, .. }));
    reply(
        &mut s,
        request,
        PatientsReply::Saved(Err(RegisterError::Failed(ServiceError::Conflict(
            "Another patient already uses the email ana@example.com.".into(),
        )))),
    );
    let form = &patients(&s).form.as_ref().expect("still open").form;
    assert_eq!(
        form.error(PatientField::Email),
        Some("Another patient already uses the email ana@example.com."),
        "under the email field it is about"
    );
    assert_eq!(form.focus(), Some(PatientField::Email));
    assert_eq!(form.value(PatientField::Email), "ana@example.com");
    assert_eq!(s.status.as_ref().map(|x| x.tone), Some(Tone::Error));
}

#[test]
fn snapshot_patients_list_80x24() {
    let mut s = with_results();
    send(&mut s, [key(KeyCode::Tab)]);
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}

#[test]
fn snapshot_patient_view_80x24() {
    let mut s = with_results();
    let (request, _) = last(&send(&mut s, [key(KeyCode::Enter)]));
    reply(&mut s, request, PatientsReply::History(Ok(history())));
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}

#[test]
fn snapshot_patient_view_120x40() {
    let mut s = with_results();
    let (request, _) = last(&send(&mut s, [key(KeyCode::Enter)]));
    reply(&mut s, request, PatientsReply::History(Ok(history())));
    insta::assert_snapshot!(draw(&s, 120, 40).backend());
}

// ---------------------------------------------------------------------------------------
// Change password

#[test]
fn change_password_masks_checks_and_clears() {
    let mut s = app(Role::Doctor);
    common::ui::open_item(&mut s, HomeItem::ChangePassword);
    assert_eq!(s.context(), Context::Form);
    type_text(&mut s, "old-secret-1");
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "new-secret-22");
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "new-secret-23");
    assert!(send(&mut s, [ctrl('s')]).is_empty(), "the repeat differs");
    assert_eq!(
        password(&s).form.error(PasswordField::Repeat),
        Some("The two new passwords are not the same.")
    );
    assert_eq!(password(&s).form.focus(), Some(PasswordField::Repeat));
    let debug = format!("{:?}", s.screen());
    assert!(!debug.contains("secret"), "no password in Debug: {debug}");
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
    send(&mut s, [key(KeyCode::Backspace)]);
    type_text(&mut s, "2");
    // What the save sends (the request's fields are private, so it is read off the form
    // through the screen's own key handling, on a copy).
    let mut probe = password(&s).clone();
    assert_eq!(
        probe.handle(
            crossterm::event::KeyEvent::from(KeyCode::Enter),
            Some(clinic::tui::keymap::Command::Save)
        ),
        clinic::tui::screens::password::PasswordKey::Save(
            "old-secret-1".into(),
            "new-secret-22".into()
        )
    );
    let effects = send(&mut s, [key(KeyCode::Enter)]);
    let [
        Effect::Run {
            request,
            op: Op::Password(op),
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("one change: {effects:?}")
    };
    let shown = format!("{effects:?} {op:?}");
    assert!(!shown.contains("secret"), "{shown}");
    let request = *request;
    // A refusal keeps the fields.
    send(
        &mut s,
        [common::ui::reply(
            request,
            Reply::Password(Err(ServiceError::Invalid(
                "The current password is not right.".into(),
            ))),
        )],
    );
    assert_eq!(password(&s).form.value(PasswordField::New), "new-secret-22");
    assert_eq!(
        password(&s).form.error(PasswordField::Current),
        Some("The current password is not right."),
        "under the current password, the usual mistake"
    );
    assert_eq!(s.status.as_ref().map(|x| x.tone), Some(Tone::Error));
    let effects = send(&mut s, [ctrl('s')]);
    let (request, _) = crate::last_op!(effects, Password);
    send(
        &mut s,
        [common::ui::reply(request, Reply::Password(Ok(())))],
    );
    let form = &password(&s).form;
    assert!(form.keys().all(|k| form.value(k).is_empty()), "{form:?}");
    assert_eq!(s.status.as_ref().map(|x| x.tone), Some(Tone::Info));
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(matches!(s.screen(), Route::Home(_)));
}

/// Issue 13: searched, nobody matched, registered with Ctrl-N, came back: the search runs
/// again and the list shows the new patient, never a stale "No patient matches".
#[test]
fn after_registering_and_coming_back_the_search_runs_again_and_lists_them() {
    let mut s = app(Role::FrontDesk);
    common::ui::open_item(&mut s, HomeItem::Patients);
    let (first, _) = last(&type_text(&mut s, "Zed Newman"));
    // Ctrl-N while the search is still in flight.
    send(&mut s, [ctrl('n')]);
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "zed@example.com");
    let (save, op) = last(&send(&mut s, [ctrl('s')]));
    assert!(matches!(op, PatientsOp::Register(_)), "{op:?}");
    let zed = patient(31, "Zed Newman", "zed@example.com", true);
    let effects = reply(&mut s, save, PatientsReply::Saved(Ok(zed.clone())));
    // The old search's empty answer arrives late: dropped.
    reply(&mut s, first, PatientsReply::Found(Ok(Vec::new())));
    assert_eq!(patients(&s).results.first().map(|p| p.id), Some(31));
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::Run {
                op: Op::Patients(PatientsOp::History { patient_id: 31 }),
                ..
            }
        )),
        "the new patient is opened"
    );
    // Back from the patient: the search runs again.
    let (again, op) = last(&send(&mut s, [key(KeyCode::Esc)]));
    assert_eq!(
        op,
        PatientsOp::Search {
            query: "Zed Newman".into()
        }
    );
    // Even an answer without them (say, an index not yet seen) keeps them listed.
    reply(&mut s, again, PatientsReply::Found(Ok(Vec::new())));
    assert_eq!(patients(&s).results.first().map(|p| p.id), Some(31));
    let screen = format!("{:?}", draw(&s, 80, 24).backend().buffer());
    assert!(screen.contains("Zed Newman"), "{screen}");
    assert!(!screen.contains("No patient matches"), "{screen}");
    // A changed query forgets them.
    send(&mut s, [ch('/')]);
    let (next, _) = last(&type_text(&mut s, "x"));
    reply(&mut s, next, PatientsReply::Found(Ok(Vec::new())));
    assert!(patients(&s).results.is_empty());
}

#[test]
fn coming_back_from_another_screen_searches_again() {
    let mut s = with_results();
    // Open a screen on top of the patients screen, then come back.
    let route: Route = PasswordScreen::new().into();
    s.stack.push(clinic::tui::state::Page::new(route));
    let (_, op) = last(&send(&mut s, [key(KeyCode::Esc)]));
    assert_eq!(
        op,
        PatientsOp::Search {
            query: "ana".into()
        }
    );
}

#[test]
fn the_hint_says_what_can_be_searched() {
    let mut s = app(Role::FrontDesk);
    common::ui::open_item(&mut s, HomeItem::Patients);
    let screen = format!("{:?}", draw(&s, 80, 24).backend().buffer());
    assert!(screen.contains("name, email, phone, #id, born"), "{screen}");
    assert!(screen.contains("#42 for an id"), "{screen}");
}
