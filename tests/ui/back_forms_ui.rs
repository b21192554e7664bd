//! Issue 12 item 5 on the calendar, patients, administration, audit, reports and password
//! screens: every form is the shared form widget, so two mistakes at once are both shown,
//! each under its field, with the cursor on the first; nothing is sent meanwhile; a
//! refusal of the service about one field goes under that field. Style snapshots show
//! the error marks and the focused field, not only the words.

use std::fmt::Debug;

use crate::admin_ui::{admin, loaded as admin_loaded, ops as admin_ops, reply as admin_reply};
use crate::audit_ui::{audit, loaded as audit_loaded};
use crate::calendar_ui::{cal, doctor_calendar, go_to};
use crate::common;
use crate::patients_ui::{app as desk, password, patients, with_results};
use crate::reports_ui::{on_schedule, reports};

use clinic::domain::Role;
use clinic::service::ServiceError;
use clinic::tui::effect::Effect;
use clinic::tui::screens::admin::{AdminField, AdminReply};
use clinic::tui::screens::audit::AuditField;
use clinic::tui::screens::calendar::{CalField, Modal};
use clinic::tui::screens::home::HomeItem;
use clinic::tui::screens::password::PasswordField;
use clinic::tui::screens::patients::PatientField;
use clinic::tui::screens::reports::RangeField;
use clinic::tui::state::AppState;
use clinic::tui::widgets::form::Form;
use common::ui::{ch, ctrl, key, send, type_text};
use crossterm::event::KeyCode;

/// Exactly `first` and `second` show an error (nothing else, no form-level sentence),
/// and the cursor is on `first`.
fn assert_two<K: Copy + Eq + Debug>(form: &Form<K>, first: K, second: K) {
    for k in form.keys() {
        let bad = k == first || k == second;
        assert_eq!(
            form.error(k).is_some(),
            bad,
            "{k:?}: {:?} in {form:?}",
            form.error(k)
        );
    }
    assert_eq!(form.form_error(), None, "{form:?}");
    assert_eq!(
        form.focus(),
        Some(first),
        "the cursor on the first bad field"
    );
}

/// Nothing is asked of the services.
fn nothing_sent(effects: &[Effect]) {
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Run { .. })),
        "{effects:?}"
    );
}

fn backspaces(s: &mut AppState, n: usize) {
    send(s, vec![key(KeyCode::Backspace); n]);
}

fn tab(s: &mut AppState, n: usize) {
    send(s, vec![key(KeyCode::Tab); n]);
}

fn calendar_form(s: &AppState) -> &Form<CalField> {
    match &cal(s).modal {
        Some(Modal::Form(f)) => &f.form,
        other => panic!("no form open: {other:?}"),
    }
}

fn patient_form(s: &AppState) -> &Form<PatientField> {
    &patients(s).form.as_ref().expect("a patient form").form
}

fn admin_form(s: &AppState) -> &Form<AdminField> {
    &admin(s).form.as_ref().expect("an admin form").form
}

/// The window form with a bad start and a bad end.
fn window_form_with_two_mistakes() -> AppState {
    let mut s = doctor_calendar();
    go_to(&mut s, 0, 11, 0);
    send(&mut s, [ch('a')]);
    backspaces(&mut s, 5);
    type_text(&mut s, "25:00");
    tab(&mut s, 1);
    backspaces(&mut s, 5);
    type_text(&mut s, "noon");
    nothing_sent(&send(&mut s, [key(KeyCode::Enter)]));
    s
}

#[test]
fn the_window_form_names_both_bad_times() {
    let s = window_form_with_two_mistakes();
    let f = calendar_form(&s);
    assert_two(f, CalField::Start, CalField::End);
    assert_eq!(
        f.error(CalField::Start),
        Some("Enter the start as HH:MM, e.g. 09:00.")
    );
    assert_eq!(f.value(CalField::End), "noon", "what was typed stays");
}

#[test]
fn the_time_off_form_names_a_bad_date_and_a_bad_time() {
    let mut s = doctor_calendar();
    send(&mut s, [ch('o')]);
    backspaces(&mut s, 10);
    type_text(&mut s, "soon");
    tab(&mut s, 3);
    type_text(&mut s, "99:99");
    nothing_sent(&send(&mut s, [key(KeyCode::Enter)]));
    assert_two(calendar_form(&s), CalField::FromDate, CalField::ToTime);
}

#[test]
fn registration_names_a_missing_name_and_a_bad_date() {
    let mut s = with_results();
    send(&mut s, [ctrl('n')]);
    backspaces(&mut s, 3);
    tab(&mut s, 1);
    type_text(&mut s, "ana2@example.com");
    tab(&mut s, 2);
    type_text(&mut s, "soon");
    nothing_sent(&send(&mut s, [ctrl('s')]));
    let f = patient_form(&s);
    assert_two(f, PatientField::Name, PatientField::Born);
    assert_eq!(f.error(PatientField::Name), Some("Name is required."));
}

#[test]
fn editing_a_patient_names_a_missing_email_and_a_bad_gender() {
    let mut s = with_results();
    send(&mut s, [key(KeyCode::Tab), ch('e')]);
    tab(&mut s, 1);
    backspaces(&mut s, "ana@example.com".len());
    tab(&mut s, 3);
    type_text(&mut s, "Z");
    nothing_sent(&send(&mut s, [key(KeyCode::Enter)]));
    assert_two(patient_form(&s), PatientField::Email, PatientField::Gender);
}

/// The new doctor form with no name and two different passwords.
fn new_doctor_with_two_mistakes() -> AppState {
    let mut s = admin_loaded();
    send(&mut s, [ch('n'), key(KeyCode::Tab)]);
    type_text(&mut s, "ada@clinic.test");
    tab(&mut s, 1);
    // Picked from the list: o is Oncology.
    send(&mut s, [ch('o')]);
    tab(&mut s, 2);
    type_text(&mut s, "pw-one-12345");
    tab(&mut s, 1);
    type_text(&mut s, "pw-two-12345");
    nothing_sent(&send(&mut s, [ctrl('s')]));
    s
}

#[test]
fn every_admin_form_names_two_mistakes_at_once() {
    let s = new_doctor_with_two_mistakes();
    assert_two(admin_form(&s), AdminField::Name, AdminField::Repeat);

    // Editing a doctor: name emptied and a fee that is not an amount.
    let mut s = admin_loaded();
    send(&mut s, [ch('e')]);
    backspaces(&mut s, "Grace Hopper".len());
    tab(&mut s, 3);
    type_text(&mut s, "x");
    nothing_sent(&send(&mut s, [ctrl('s')]));
    assert_two(admin_form(&s), AdminField::Name, AdminField::Fee);

    // A new staff member with passwords but no name or email.
    let mut s = admin_loaded();
    send(&mut s, [ch('2'), ch('n')]);
    tab(&mut s, 3);
    type_text(&mut s, "pw-12345678");
    tab(&mut s, 1);
    type_text(&mut s, "pw-12345678");
    nothing_sent(&send(&mut s, [ctrl('s')]));
    assert_two(admin_form(&s), AdminField::Name, AdminField::Email);

    // Editing a staff member: name and email emptied.
    let mut s = admin_loaded();
    send(&mut s, [ch('2'), ch('e')]);
    backspaces(&mut s, "Fran Desk".len());
    tab(&mut s, 1);
    backspaces(&mut s, "fran@clinic.test".len());
    nothing_sent(&send(&mut s, [ctrl('s')]));
    assert_two(admin_form(&s), AdminField::Name, AdminField::Email);

    // A new location with neither name nor address.
    let mut s = admin_loaded();
    send(&mut s, [ch('3'), ch('n')]);
    nothing_sent(&send(&mut s, [ctrl('s')]));
    assert_two(admin_form(&s), AdminField::Name, AdminField::Address);

    // A password reset with the first password left out.
    let mut s = admin_loaded();
    send(&mut s, [ch('p'), key(KeyCode::Tab)]);
    type_text(&mut s, "x");
    nothing_sent(&send(&mut s, [ctrl('s')]));
    assert_two(admin_form(&s), AdminField::Password, AdminField::Repeat);
}

#[test]
fn a_refusal_about_the_email_goes_under_the_email() {
    let mut s = admin_loaded();
    send(&mut s, [ch('n')]);
    type_text(&mut s, "Ada Lovelace");
    tab(&mut s, 1);
    type_text(&mut s, "ada@clinic.test");
    tab(&mut s, 1);
    send(&mut s, [ch('o')]);
    tab(&mut s, 1);
    for _ in 0..2 {
        tab(&mut s, 1);
        type_text(&mut s, "a-long-pass-1");
    }
    let (request, _) = admin_ops(&send(&mut s, [ctrl('s')])).pop().expect("saved");
    let sentence = "An account with the email ada@clinic.test already exists.";
    admin_reply(
        &mut s,
        request,
        AdminReply::Done(Err(ServiceError::Conflict(sentence.into()))),
    );
    let f = admin_form(&s);
    assert_eq!(f.error(AdminField::Email), Some(sentence));
    assert_eq!(f.focus(), Some(AdminField::Email));
    assert_eq!(f.form_error(), None);
    // A permission is about the whole form.
    let (request, _) = admin_ops(&send(&mut s, [ctrl('s')])).pop().expect("again");
    admin_reply(
        &mut s,
        request,
        AdminReply::Done(Err(ServiceError::Forbidden("create accounts".into()))),
    );
    let f = admin_form(&s);
    assert_eq!(f.error(AdminField::Email), None);
    assert_eq!(
        f.form_error(),
        Some("You are not allowed to create accounts.")
    );
}

#[test]
fn the_audit_filters_name_two_bad_dates() {
    let mut s = audit_loaded(3);
    send(&mut s, [ch('/')]);
    tab(&mut s, 3);
    type_text(&mut s, "2026-13-01");
    tab(&mut s, 1);
    type_text(&mut s, "soon");
    nothing_sent(&send(&mut s, [key(KeyCode::Enter)]));
    let f = &audit(&s).filters;
    assert_two(f, AuditField::From, AuditField::To);
    assert!(
        f.error(AuditField::From)
            .is_some_and(|e| e.contains("from date")),
        "{f:?}"
    );
}

/// The revenue tab's date range form with both dates mistyped.
fn range_form_with_two_mistakes() -> AppState {
    let mut s = on_schedule(Role::FrontDesk);
    send(&mut s, [ch('2'), ch('e')]);
    backspaces(&mut s, 10);
    type_text(&mut s, "first");
    tab(&mut s, 1);
    backspaces(&mut s, 10);
    type_text(&mut s, "last");
    nothing_sent(&send(&mut s, [key(KeyCode::Enter)]));
    s
}

#[test]
fn the_date_range_names_both_bad_dates() {
    let s = range_form_with_two_mistakes();
    let f = reports(&s).form.as_ref().expect("the form stays");
    assert_two(f, RangeField::From, RangeField::To);
    assert_eq!(
        f.error(RangeField::To),
        Some("\"last\" is not a date (expected YYYY-MM-DD).")
    );
}

/// The password form with no current password and a repeat that differs.
fn password_form_with_two_mistakes() -> AppState {
    let mut s = desk(Role::Doctor);
    common::ui::open_item(&mut s, HomeItem::ChangePassword);
    tab(&mut s, 1);
    type_text(&mut s, "new-secret-22");
    tab(&mut s, 1);
    type_text(&mut s, "new-secret-23");
    nothing_sent(&send(&mut s, [ctrl('s')]));
    s
}

#[test]
fn the_password_form_names_both_mistakes() {
    let s = password_form_with_two_mistakes();
    let f = &password(&s).form;
    assert_two(f, PasswordField::Current, PasswordField::Repeat);
    assert_eq!(
        f.error(PasswordField::Current),
        Some("Type your current password.")
    );
    assert!(!format!("{:?}", s.screen()).contains("secret"));
}

#[test]
fn styles_admin_new_doctor_with_errors() {
    let s = new_doctor_with_two_mistakes();
    insta::assert_snapshot!(common::ui::styled(&s, 80, 24));
}

#[test]
fn styles_patient_registration_with_errors() {
    let mut s = with_results();
    send(&mut s, [ctrl('n')]);
    backspaces(&mut s, 3);
    tab(&mut s, 3);
    type_text(&mut s, "soon");
    nothing_sent(&send(&mut s, [ctrl('s')]));
    insta::assert_snapshot!(common::ui::styled(&s, 80, 24));
}

#[test]
fn styles_calendar_window_form_with_errors() {
    let s = window_form_with_two_mistakes();
    insta::assert_snapshot!(common::ui::styled(&s, 80, 24));
}

#[test]
fn styles_audit_filters_with_errors() {
    let mut s = audit_loaded(3);
    send(&mut s, [ch('/')]);
    tab(&mut s, 3);
    type_text(&mut s, "2026-13-01");
    nothing_sent(&send(&mut s, [key(KeyCode::Enter)]));
    insta::assert_snapshot!(common::ui::styled(&s, 80, 24));
}

#[test]
fn styles_report_date_range_with_errors() {
    let s = range_form_with_two_mistakes();
    insta::assert_snapshot!(common::ui::styled(&s, 80, 24));
}

#[test]
fn styles_password_form_with_errors() {
    let s = password_form_with_two_mistakes();
    insta::assert_snapshot!(common::ui::styled(&s, 80, 24));
}
