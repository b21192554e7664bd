//! The administration screen as pure functions: tabs, forms (passwords masked and
//! redacted), y/n questions, replies through `update`; rendered snapshots at 80x24;
//! footers that end with the help key; errors shown in full.

use crate::common;

use chrono::{DateTime, TimeZone, Utc};
use clinic::domain::person::{Doctor, Location, Specialization, StaffMember};
use clinic::domain::{AccountKind, Role};
use clinic::service::ServiceError;
use clinic::tui::effect::Effect;
use clinic::tui::keymap::Context;
use clinic::tui::routes::{Op, Reply, Route};
use clinic::tui::screens::admin::{
    AdminField, AdminOp, AdminReply, AdminScreen, NEW_SPECIALIZATION, Tab, parse_staff_role,
};
use clinic::tui::screens::home::HomeItem;
use clinic::tui::state::{AppState, Tone};
use common::ui::{ch, ctrl, draw, key, send, type_text};
use crossterm::event::KeyCode;

/// Monday 12 January 2026, 08:10 in London (GMT, so UTC too).
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 12, 8, 10, 0)
        .single()
        .expect("valid time")
}

pub(crate) fn app(role: Role) -> AppState {
    common::ui::signed_in_as(role, 1, "Fran Desk", now())
}

pub(crate) fn admin(s: &AppState) -> &AdminScreen {
    crate::top!(s, Admin)
}

/// The administration requests among `effects`, in order.
pub(crate) fn ops(effects: &[Effect]) -> Vec<(u64, AdminOp)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Run {
                request,
                op: Op::Admin(op),
                ..
            } => Some((*request, op.clone())),
            _ => None,
        })
        .collect()
}

pub(crate) fn reply(s: &mut AppState, request: u64, reply: AdminReply) -> Vec<Effect> {
    send(s, [common::ui::reply(request, Reply::Admin(reply))])
}

fn doctor(id: i32, name: &str, spec: &str, active: bool) -> Doctor {
    Doctor {
        id,
        full_name: name.into(),
        email: format!(
            "{}@clinic.test",
            name.split(' ').next_back().unwrap_or("x").to_lowercase()
        ),
        specialization: spec.into(),
        phone_number: Some("020 7946 0000".into()),
        bio: None,
        is_active: active,
        created_at: now(),
        consultation_fee: active.then(|| rust_decimal::Decimal::new(6000, 2)),
    }
}

fn specs(names: &[&str]) -> Vec<Specialization> {
    names
        .iter()
        .zip(1..)
        .map(|(n, id)| Specialization {
            id,
            name: (*n).to_string(),
        })
        .collect()
}

/// An admin on the administration screen with the three lists loaded.
pub(crate) fn loaded() -> AppState {
    let mut s = app(Role::Admin);
    let effects = common::ui::open_item(&mut s, HomeItem::Administration);
    let requests = ops(&effects);
    assert_eq!(
        requests
            .iter()
            .map(|(_, op)| op.clone())
            .collect::<Vec<_>>(),
        vec![
            AdminOp::LoadDoctors,
            AdminOp::LoadStaff,
            AdminOp::LoadLocations,
            AdminOp::LoadSpecializations
        ]
    );
    reply(
        &mut s,
        requests[3].0,
        AdminReply::Specializations(Ok(specs(&["Cardiology", "Neurology", "Oncology"]))),
    );
    reply(
        &mut s,
        requests[0].0,
        AdminReply::Doctors(Ok(vec![
            doctor(3, "Grace Hopper", "Cardiology", true),
            doctor(4, "Alan Turing", "Neurology", false),
        ])),
    );
    reply(
        &mut s,
        requests[1].0,
        AdminReply::Staff(Ok(vec![
            StaffMember {
                id: 1,
                full_name: "Fran Desk".into(),
                email: "fran@clinic.test".into(),
                role: Role::Admin,
                is_active: true,
                created_at: now(),
            },
            StaffMember {
                id: 2,
                full_name: "Sam Front".into(),
                email: "sam@clinic.test".into(),
                role: Role::FrontDesk,
                is_active: true,
                created_at: now(),
            },
        ])),
    );
    reply(
        &mut s,
        requests[2].0,
        AdminReply::Locations(Ok(vec![Location {
            id: 1,
            name: "Main clinic".into(),
            address: "1 High Street, London".into(),
            phone_number: None,
            operating_hours: Some("Mon–Fri 8–18".into()),
            is_active: true,
        }])),
    );
    assert!(s.busy.is_none());
    s
}

/// The screen's rows as text, right-trimmed.
fn rows(s: &AppState, w: u16, h: u16) -> Vec<String> {
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

fn footer(s: &AppState) -> String {
    rows(s, 80, 24).pop().unwrap_or_default()
}

/// Words joined by single spaces (wrapped text read back as one sentence).
fn words<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    lines
        .into_iter()
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn tabs_switch_with_tab_numbers_and_arrows() {
    let mut s = loaded();
    assert_eq!(s.context(), Context::Admin);
    assert_eq!(admin(&s).tab, Tab::Doctors);
    send(&mut s, [key(KeyCode::Tab)]);
    assert_eq!(admin(&s).tab, Tab::Staff);
    send(&mut s, [key(KeyCode::Right)]);
    assert_eq!(admin(&s).tab, Tab::Locations);
    send(&mut s, [key(KeyCode::Right)]);
    assert_eq!(admin(&s).tab, Tab::Doctors);
    send(&mut s, [key(KeyCode::Left)]);
    assert_eq!(admin(&s).tab, Tab::Locations);
    send(&mut s, [ch('2')]);
    assert_eq!(admin(&s).tab, Tab::Staff);
    send(&mut s, [ch('1')]);
    assert_eq!(admin(&s).tab, Tab::Doctors);
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(matches!(s.screen(), Route::Home(_)));
}

#[test]
fn new_doctor_checks_the_passwords_and_never_prints_them() {
    let mut s = loaded();
    send(&mut s, [ch('n')]);
    assert_eq!(s.context(), Context::Form);
    type_text(&mut s, "Ada Lovelace");
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "ada@clinic.test");
    send(&mut s, [key(KeyCode::Tab)]);
    // The specialization is picked from the list: a letter jumps to it.
    send(&mut s, [ch('o')]);
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "60");
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "first-pass-1");
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "first-pass-2");
    assert!(send(&mut s, [ctrl('s')]).is_empty());
    let form = &admin(&s).form.as_ref().expect("form").form;
    assert_eq!(
        form.error(AdminField::Repeat),
        Some("The two passwords are not the same."),
        "the mistake is shown under the repeated password"
    );
    assert!(!format!("{:?}", s.screen()).contains("first-pass"));
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
    send(&mut s, [key(KeyCode::Backspace)]);
    type_text(&mut s, "1");
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "020 7946 1234");
    let effects = send(&mut s, [ctrl('s')]);
    let (request, op) = ops(&effects).pop().expect("a request");
    let AdminOp::NewDoctor { input, password } = &op else {
        panic!("new doctor: {op:?}")
    };
    assert_eq!(input.full_name, "Ada Lovelace");
    assert_eq!(input.specialization, "Oncology");
    assert_eq!(input.consultation_fee, "60");
    assert_eq!(input.phone_number, "020 7946 1234");
    assert_eq!(password, "first-pass-1");
    let printed = format!("{effects:?} {op:?}");
    assert!(!printed.contains("first-pass"), "{printed}");
    // A refusal keeps the form; success closes it and reloads the doctors.
    reply(
        &mut s,
        request,
        AdminReply::Done(Err(ServiceError::Conflict(
            "An account with the email ada@clinic.test already exists.".into(),
        ))),
    );
    assert_eq!(s.status.as_ref().map(|x| x.tone), Some(Tone::Error));
    assert!(admin(&s).form.is_some());
    let (request, _) = ops(&send(&mut s, [ctrl('s')])).pop().expect("again");
    let effects = reply(
        &mut s,
        request,
        AdminReply::Done(Ok("Dr Ada Lovelace added.".into())),
    );
    assert_eq!(
        ops(&effects).pop().map(|(_, op)| op),
        Some(AdminOp::LoadDoctors)
    );
    assert!(admin(&s).form.is_none());
}

#[test]
fn deactivate_reset_and_staff_roles() {
    let mut s = loaded();
    send(&mut s, [ch('j'), ch('x')]);
    assert_eq!(s.context(), Context::Confirm);
    let q = &admin(&s).confirm.as_ref().expect("asks").question;
    assert!(q.starts_with("Reactivate Dr Alan Turing?"), "{q}");
    let (request, op) = ops(&send(&mut s, [ch('y')])).pop().expect("sent");
    assert_eq!(
        op,
        AdminOp::SetAccountActive {
            kind: AccountKind::Doctor,
            id: 4,
            active: true
        }
    );
    let effects = reply(
        &mut s,
        request,
        AdminReply::Done(Err(ServiceError::Forbidden(
            "manage staff, doctors or locations".into(),
        ))),
    );
    assert!(effects.is_empty(), "nothing to reload after a refusal");
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("You are not allowed to manage staff, doctors or locations.")
    );
    // p: reset a staff member's password.
    send(&mut s, [ch('2'), ch('j'), ch('p')]);
    type_text(&mut s, "brand-new-pw");
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "brand-new-pw");
    let effects = send(&mut s, [key(KeyCode::Enter)]);
    let (_, op) = ops(&effects).pop().expect("sent");
    assert!(matches!(
        op,
        AdminOp::ResetPassword {
            kind: AccountKind::Staff,
            id: 2,
            ..
        }
    ));
    assert!(!format!("{effects:?} {op:?}").contains("brand-new-pw"));
    assert_eq!(parse_staff_role("Front desk"), Some(Role::FrontDesk));
    assert_eq!(parse_staff_role("FRONT_DESK"), Some(Role::FrontDesk));
    assert_eq!(parse_staff_role("a"), Some(Role::Admin));
    assert_eq!(parse_staff_role("doctor"), None);
}

#[test]
fn a_stale_list_reply_is_dropped() {
    let mut s = loaded();
    let effects = send(&mut s, [ch('r')]);
    let (first, op) = ops(&effects).pop().expect("reload");
    assert_eq!(op, AdminOp::LoadDoctors);
    let (second, _) = ops(&send(&mut s, [ch('r')])).pop().expect("reload again");
    reply(&mut s, first, AdminReply::Doctors(Ok(Vec::new())));
    assert_eq!(admin(&s).doctors.len(), 2, "the older answer is stale");
    reply(
        &mut s,
        second,
        AdminReply::Doctors(Ok(vec![doctor(3, "Grace Hopper", "Cardiology", true)])),
    );
    assert_eq!(admin(&s).doctors.len(), 1);
}

/// The footer at 80 columns ends with the help key on every tab, in a form and at a
/// question, and offers what the tab offers (locations have no password).
#[test]
fn every_admin_footer_at_80_columns_ends_with_help() {
    let mut s = loaded();
    let doctors = footer(&s);
    assert!(doctors.ends_with("? help"), "{doctors:?}");
    for part in [
        "n new",
        "Enter edit",
        "x deactivate",
        "p password",
        "Esc back",
    ] {
        assert!(doctors.contains(part), "{part}: {doctors:?}");
    }
    send(&mut s, [ch('j')]);
    assert!(
        footer(&s).contains("x reactivate"),
        "Alan Turing is inactive"
    );
    send(&mut s, [ch('2')]);
    let staff = footer(&s);
    assert!(
        staff.ends_with("? help") && staff.contains("p password"),
        "{staff:?}"
    );
    send(&mut s, [ch('3')]);
    let locations = footer(&s);
    assert!(locations.ends_with("? help"), "{locations:?}");
    assert!(locations.contains("x close"), "{locations:?}");
    assert!(!locations.contains("password"), "{locations:?}");
    send(&mut s, [ch('e')]);
    let form = footer(&s);
    assert!(
        form.ends_with("F1 help") && form.contains("save"),
        "{form:?}"
    );
    send(&mut s, [key(KeyCode::Esc), ch('x')]);
    let question = footer(&s);
    assert!(
        question.ends_with("F1 help") && question.contains("yes"),
        "{question:?}"
    );
    // Before anything is loaded, nothing can be edited: only what works is listed.
    let mut empty = app(Role::Admin);
    common::ui::open_item(&mut empty, HomeItem::Administration);
    let bare = footer(&empty);
    assert!(
        bare.ends_with("? help") && !bare.contains("e edit"),
        "{bare:?}"
    );
}

/// A refusal longer than a row is shown in full: under its field in the form box (which
/// grows) and on the message line (which wraps), never cut.
#[test]
fn a_long_refusal_is_shown_in_full() {
    let mut s = loaded();
    send(&mut s, [ch('e')]);
    for _ in 0..4 {
        send(&mut s, [key(KeyCode::Tab)]);
    }
    let phone = "+44 20 7946 0000 extension 1234, ask reception for Dr Hopper's room";
    type_text(&mut s, &format!(" {phone}"));
    let (request, op) = ops(&send(&mut s, [ctrl('s')])).pop().expect("saved");
    assert!(matches!(op, AdminOp::UpdateDoctor { id: 3, .. }));
    let error = clinic::domain::validation::phone(&format!("020 7946 0000 {phone}"))
        .expect_err("not a phone number");
    let sentence = ServiceError::from(error).to_string();
    assert!(sentence.len() > 140, "longer than two rows of the box");
    reply(
        &mut s,
        request,
        AdminReply::Done(Err(ServiceError::Invalid(sentence.clone()))),
    );
    let form = &admin(&s).form.as_ref().expect("the form stays").form;
    assert_eq!(
        form.error(AdminField::Phone),
        Some(sentence.as_str()),
        "the reason is under the phone field it is about"
    );
    assert_eq!(form.focus(), Some(AdminField::Phone));
    let screen = rows(&s, 80, 24);
    // The message line: the rows between the screen and the footer.
    let message = words(screen[20..23].iter().map(String::as_str));
    assert!(
        message.contains(&sentence),
        "{message:?}\n{}",
        screen.join("\n")
    );
    // The form box (70 columns, centred): the text between its borders.
    let inside: Vec<String> = screen
        .iter()
        .map(|r| r.chars().skip(6).take(68).collect())
        .collect();
    let boxed = words(inside.iter().map(String::as_str));
    assert!(
        boxed.contains(&sentence),
        "{boxed:?}\n{}",
        screen.join("\n")
    );
    insta::assert_snapshot!(screen.join("\n"));
}

#[test]
fn snapshot_admin_doctors_80x24() {
    let s = loaded();
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}

#[test]
fn snapshot_admin_staff_80x24() {
    let mut s = loaded();
    send(&mut s, [ch('2')]);
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}

#[test]
fn snapshot_admin_locations_edit_80x24() {
    let mut s = loaded();
    send(&mut s, [ch('3'), ch('e')]);
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}

#[test]
fn snapshot_admin_doctors_120x40() {
    let s = loaded();
    insta::assert_snapshot!(draw(&s, 120, 40).backend());
}

#[test]
fn a_doctor_form_needs_a_specialization_from_the_list_and_a_fee_that_is_an_amount() {
    let mut s = loaded();
    send(&mut s, [ch('n')]);
    type_text(&mut s, "Ada Lovelace");
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "ada@clinic.test");
    send(&mut s, [key(KeyCode::Tab), key(KeyCode::Tab)]);
    type_text(&mut s, "sixty");
    assert!(send(&mut s, [ctrl('s')]).is_empty());
    let form = &admin(&s).form.as_ref().expect("form").form;
    assert!(
        form.error(AdminField::Specialization)
            .is_some_and(|e| e.starts_with("Choose a specialization")),
        "{:?}",
        form.error(AdminField::Specialization)
    );
    assert!(
        form.error(AdminField::Fee)
            .is_some_and(|e| e.starts_with("Fee: \"sixty\" is not an amount")),
        "{:?}",
        form.error(AdminField::Fee)
    );
    assert_eq!(
        form.focus(),
        Some(AdminField::Specialization),
        "the first mistake"
    );
    // Type-ahead: n is Neurology, again the next n… entry ("New specialization…").
    send(&mut s, [ch('n')]);
    let form = &admin(&s).form.as_ref().expect("form").form;
    assert_eq!(form.value(AdminField::Specialization), "Neurology");
}

#[test]
fn a_new_specialization_is_added_deliberately_and_chosen() {
    let mut s = loaded();
    send(&mut s, [ch('e')]);
    send(&mut s, [key(KeyCode::Tab), key(KeyCode::Tab)]);
    {
        let form = &admin(&s).form.as_ref().expect("form").form;
        assert_eq!(form.value(AdminField::Specialization), "Cardiology");
        assert_eq!(form.value(AdminField::Fee), "60.00", "the fee as stored");
    }
    // Left from the first entry wraps to the last: "New specialization…".
    send(&mut s, [key(KeyCode::Left)]);
    assert_eq!(
        admin(&s)
            .form
            .as_ref()
            .expect("form")
            .form
            .value(AdminField::Specialization),
        NEW_SPECIALIZATION
    );
    assert!(
        send(&mut s, [ctrl('s')]).is_empty(),
        "saving opens the small form"
    );
    assert!(admin(&s).new_specialization.is_some());
    // An empty name is refused at once.
    assert!(send(&mut s, [key(KeyCode::Enter)]).is_empty());
    type_text(&mut s, "cardiology");
    let (request, op) = ops(&send(&mut s, [key(KeyCode::Enter)]))
        .pop()
        .expect("add");
    assert_eq!(op, AdminOp::NewSpecialization("cardiology".into()));
    let taken = "Specialization \"Cardiology\" is already in the list; pick it there.";
    reply(
        &mut s,
        request,
        AdminReply::SpecializationAdded(Err(ServiceError::Conflict(taken.into()))),
    );
    let (form, _) = admin(&s).new_specialization.as_ref().expect("still open");
    assert_eq!(form.error(AdminField::Specialization), Some(taken));
    insta::assert_snapshot!(
        "new_specialization_refused_80x24",
        draw(&s, 80, 24).backend()
    );
    for _ in 0.."cardiology".len() {
        send(&mut s, [key(KeyCode::Backspace)]);
    }
    type_text(&mut s, "paediatrics");
    let (request, _) = ops(&send(&mut s, [key(KeyCode::Enter)]))
        .pop()
        .expect("add");
    reply(
        &mut s,
        request,
        AdminReply::SpecializationAdded(Ok(Specialization {
            id: 9,
            name: "Paediatrics".into(),
        })),
    );
    assert!(admin(&s).new_specialization.is_none());
    let form = &admin(&s).form.as_ref().expect("the doctor form stays").form;
    assert_eq!(form.value(AdminField::Specialization), "Paediatrics");
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("Specialization Paediatrics added and chosen.")
    );
    let (_, op) = ops(&send(&mut s, [ctrl('s')])).pop().expect("saved");
    let AdminOp::UpdateDoctor { id: 3, input } = op else {
        panic!("update: {op:?}")
    };
    assert_eq!(input.specialization, "Paediatrics");
    assert_eq!(input.consultation_fee, "60.00");
}
