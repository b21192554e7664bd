//! Issue 12 items 4 and 5 on the front-desk screens: the agenda asks the domain what an
//! appointment allows (one rule for its keys, its footer and the service), its list is
//! the shared table (selection styles snapshotted), and the registration, payment and
//! cancel-reason forms are the shared form, showing every error at once under its field
//! with the cursor on the first bad one.

use crate::common;

use clinic::domain::Role;
use clinic::domain::appointment::allowed;
use clinic::domain::payment::PaymentStatus;
use clinic::tui::keymap::{Command, Context, Keymap};
use clinic::tui::screens::agenda::{AgendaReply, Modal as AgendaModal, ReasonField};
use clinic::tui::screens::booking::RegField;
use clinic::tui::screens::payments::{Modal, PayField, PaymentsReply};
use clinic::tui::state::{AppState, Tone};
use common::ui::{ch, ctrl, draw, key, send, type_text};
use crossterm::event::KeyCode;

use crate::agenda_ui::{self, agenda, day_rows, last, loaded};
use crate::payments_ui::{on_payments, payment, payments_reply};
use crate::top;

/// Row `y` of the app drawn at `w` x 24, without trailing blanks.
fn row(s: &AppState, w: u16, y: u16) -> String {
    let terminal = draw(s, w, 24);
    let buffer = terminal.backend().buffer();
    let text: String = (0..w).map(|x| buffer[(x, y)].symbol()).collect();
    text.trim_end().to_string()
}

/// The row of the screen holding `needle`, and the one under it.
fn row_and_next(s: &AppState, needle: &str) -> (String, String) {
    let rows: Vec<String> = (0..24).map(|y| row(s, 80, y)).collect();
    let i = rows
        .iter()
        .position(|r| r.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} is not on screen: {rows:#?}"));
    (
        rows[i].clone(),
        rows.get(i + 1).cloned().unwrap_or_default(),
    )
}

/// Whether the screen on top offers `command`, and whether it is enabled.
fn offers(s: &AppState, command: Command) -> Option<bool> {
    let keymap = Keymap::defaults();
    s.screen()
        .commands(&s.ctx(&keymap))
        .items
        .iter()
        .find(|c| c.command == command)
        .map(|c| c.enabled)
}

#[test]
fn the_agenda_offers_and_refuses_exactly_what_the_domain_allows() {
    let keymap = Keymap::defaults();
    for (role, id) in [
        (Role::Admin, 1),
        (Role::FrontDesk, 1),
        (Role::Doctor, 7),
        (Role::Patient, 53),
    ] {
        let rows = day_rows();
        for (i, v) in rows.iter().enumerate() {
            let mut s = loaded(role, id);
            let mut keys = vec![key(KeyCode::Home)];
            keys.extend(std::iter::repeat_n(key(KeyCode::Down), i));
            send(&mut s, keys);
            assert_eq!(agenda(&s).selected(), i);
            let cx = s.ctx(&keymap);
            let rule = allowed(&v.appointment, &cx.actor(), cx.now.naive_utc());
            let name = format!("{role:?} on row {i}");
            assert_eq!(
                offers(&s, Command::CancelAppointment),
                Some(rule.cancel.is_ok()),
                "{name}"
            );
            assert_eq!(
                offers(&s, Command::Reschedule),
                Some(rule.reschedule.is_ok()),
                "{name}"
            );
            if role == Role::Patient {
                assert_eq!(offers(&s, Command::MarkCompleted), None, "{name}");
            } else {
                assert_eq!(
                    offers(&s, Command::MarkCompleted),
                    Some(rule.complete.is_ok()),
                    "{name}"
                );
                assert_eq!(
                    offers(&s, Command::MarkNoShow),
                    Some(rule.no_show.is_ok()),
                    "{name}"
                );
            }
            // A refused key says the domain's sentence: not theirs is an error, not
            // possible now is information.
            for (c, result) in [
                ('c', &rule.cancel),
                ('r', &rule.reschedule),
                ('m', &rule.complete),
            ] {
                let Err(refusal) = result else { continue };
                assert!(send(&mut s, [ch(c)]).is_empty(), "{name}: {c}");
                let status = s.status.clone().expect("a sentence");
                assert_eq!(status.text, refusal.to_string(), "{name}: {c}");
                let tone = match refusal {
                    clinic::domain::appointment::Refusal::Forbidden(_) => Tone::Error,
                    clinic::domain::appointment::Refusal::Invalid(_) => Tone::Info,
                };
                assert_eq!(status.tone, tone, "{name}: {c}");
                assert!(agenda(&s).modal.is_none(), "{name}: {c}");
            }
        }
    }
}

#[test]
fn a_doctor_is_not_offered_changes_to_another_doctors_appointment() {
    // Row 1 is Wilson's (doctor 8), booked at 10:00 and started; House is signed in.
    let mut s = loaded(Role::Doctor, 7);
    send(&mut s, [key(KeyCode::Down)]);
    for c in [
        Command::CancelAppointment,
        Command::MarkCompleted,
        Command::MarkNoShow,
    ] {
        assert_eq!(offers(&s, c), Some(false), "{c:?}");
    }
    assert!(send(&mut s, [ch('m')]).is_empty());
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("You are not allowed to mark this appointment completed or no-show.")
    );
    // His own 11:00 next: allowed.
    send(&mut s, [key(KeyCode::Down)]);
    assert_eq!(offers(&s, Command::MarkCompleted), Some(true));
}

#[test]
fn the_agenda_table_shows_its_selection_reversed_and_bold_under_a_popup() {
    let mut s = loaded(Role::FrontDesk, 1);
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Down)]);
    s.status = None;
    insta::assert_snapshot!(
        "styles_agenda_table_selection",
        common::ui::styled(&s, 80, 24)
    );
    let terminal = draw(&s, 80, 24);
    let buffer = terminal.backend().buffer();
    // Row 0 is the app's bar, row 1 the agenda's header line, row 2 the table's header,
    // rows 3.. the appointments: the third is on row 5.
    let reversed = |y: u16| {
        buffer[(10, y)]
            .modifier
            .contains(ratatui::style::Modifier::REVERSED)
    };
    assert_eq!(buffer[(0, 5)].symbol(), "▶");
    assert!(reversed(5), "the selected row is reversed");
    assert!(!reversed(4) && !reversed(6), "the others are not");
    // With the cancel prompt over it, the list has no keyboard: its selection is bold,
    // not reversed, and keeps its marker.
    send(&mut s, [ch('c')]);
    assert_eq!(s.context(), Context::Form);
    let terminal = draw(&s, 80, 24);
    let cell = &terminal.backend().buffer()[(0, 5)];
    assert_eq!(cell.symbol(), "▶");
    assert!(!cell.modifier.contains(ratatui::style::Modifier::REVERSED));
}

#[test]
fn the_cancel_reason_error_is_drawn_under_the_reason_field() {
    let mut s = loaded(Role::FrontDesk, 1);
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Down), ch('c')]);
    assert!(send(&mut s, [key(KeyCode::Enter)]).is_empty());
    let Some(AgendaModal::Reason(p)) = &agenda(&s).modal else {
        panic!("the prompt stays open")
    };
    assert_eq!(p.form.focus(), Some(ReasonField::Reason));
    assert!(p.form.form_error().is_none(), "the error is the field's");
    let (field, under) = row_and_next(&s, "▶Reason");
    assert!(field.contains("stays on record"), "{field}");
    assert!(under.contains("✗ A reason is required"), "{under}");
    // Typing clears it.
    type_text(&mut s, "Flu");
    let Some(AgendaModal::Reason(p)) = &agenda(&s).modal else {
        panic!("the prompt stays open")
    };
    assert!(!p.form.has_errors());
}

#[test]
fn registration_shows_every_error_at_once_with_the_cursor_on_the_name() {
    let (mut s, _) = crate::booking_ui::open(Role::FrontDesk, 1, "Fran Desk");
    send(&mut s, [ctrl('n')]);
    assert_eq!(s.context(), Context::Form);
    // No name; a bad email; a phone with too few digits; a birth date in the future.
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "ana.example.com");
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "12");
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "2030-01-01");
    assert!(
        send(&mut s, [ctrl('s')]).is_empty(),
        "nothing is sent while the form has errors"
    );
    let form = |s: &AppState| {
        top!(s, Booking)
            .register
            .clone()
            .expect("the form stays open")
    };
    let f = form(&s);
    assert_eq!(f.error(RegField::Name), Some("Name is required."));
    assert!(
        f.error(RegField::Email)
            .is_some_and(|e| e.contains("\"ana.example.com\" is not an email address")),
        "{f:?}"
    );
    assert!(
        f.error(RegField::Phone)
            .is_some_and(|e| e.contains("is not a phone number")),
        "{f:?}"
    );
    assert_eq!(
        f.error(RegField::Born),
        Some("Date of birth 2030-01-01 is in the future.")
    );
    assert_eq!(f.error(RegField::Gender), None);
    assert_eq!(f.focus(), Some(RegField::Name), "the first bad field");
    assert_eq!(
        f.value(RegField::Email),
        "ana.example.com",
        "what was typed stays"
    );
    insta::assert_snapshot!("registration_errors_80x24", draw(&s, 80, 24).backend());
    // Each error is under its own field.
    let (_, under) = row_and_next(&s, "▶Name");
    assert!(under.contains("✗ Name is required."), "{under}");
    let (_, under) = row_and_next(&s, "✗Email");
    assert!(under.contains("is not an email"), "{under}");

    // Fixing the name clears only its error; the next save still stops at the email.
    type_text(&mut s, "Ana Lima");
    assert_eq!(form(&s).error(RegField::Name), None);
    assert!(form(&s).error(RegField::Email).is_some());
    assert!(send(&mut s, [ctrl('s')]).is_empty());
    assert_eq!(form(&s).focus(), Some(RegField::Email));
    assert_eq!(form(&s).error(RegField::Name), None);
}

#[test]
fn an_email_already_registered_is_shown_under_the_email() {
    let (mut s, _) = crate::booking_ui::open(Role::FrontDesk, 1, "Ana Lima");
    type_text(&mut s, "Ana Lima");
    send(&mut s, [ctrl('n'), key(KeyCode::Tab)]);
    type_text(&mut s, "ana@example.com");
    let effects = send(&mut s, [ctrl('s')]);
    let (request, _) = crate::last_op!(effects, Booking);
    let sentence =
        "A patient with the email ana@example.com is already registered (Ana Lima, patient 31).";
    crate::booking_ui::reply(
        &mut s,
        request,
        clinic::tui::screens::booking::BookingReply::Registered(Err(
            clinic::service::patients::RegisterError::Failed(
                clinic::service::ServiceError::Conflict(sentence.into()),
            ),
        )),
    );
    let f = top!(s, Booking).register.clone().expect("the form stays");
    assert_eq!(f.error(RegField::Email), Some(sentence));
    assert_eq!(f.focus(), Some(RegField::Email));
    assert!(f.form_error().is_none());
    assert!(!f.is_pending());
}

#[test]
fn the_payment_form_shows_every_error_at_once_with_the_cursor_on_the_amount() {
    let (mut s, load) = on_payments(Role::FrontDesk);
    payments_reply(
        &mut s,
        load,
        PaymentsReply::Loaded(Ok(crate::payments_ui::listed(vec![payment(
            1,
            2000,
            PaymentStatus::Paid,
        )]))),
    );
    send(&mut s, [ch('n')]);
    type_text(&mut s, "12.345");
    send(&mut s, vec![key(KeyCode::Tab); 3]);
    type_text(&mut s, &"x".repeat(101));
    assert!(
        send(&mut s, [ctrl('s')]).is_empty(),
        "nothing is sent while the form has errors"
    );
    let form = |s: &AppState| match &top!(s, Payments).modal {
        Some(Modal::Form(f)) => f.clone(),
        other => panic!("the form stays open: {other:?}"),
    };
    let f = form(&s);
    assert_eq!(
        f.error(PayField::Amount),
        Some("\"12.345\" has more than two decimals.")
    );
    assert_eq!(
        f.error(PayField::TransactionId),
        Some("A transaction id is 1 to 100 printable characters.")
    );
    assert_eq!(f.focus(), Some(PayField::Amount), "the first bad field");
    insta::assert_snapshot!("payment_form_errors_80x24", draw(&s, 80, 24).backend());
    let (_, under) = row_and_next(&s, "▶Amount");
    assert!(under.contains("✗ \"12.345\" has more"), "{under}");

    // An empty amount is refused too, under the amount.
    send(&mut s, vec![key(KeyCode::Backspace); 6]);
    send(&mut s, [ctrl('s')]);
    assert_eq!(form(&s).error(PayField::Amount), Some("Enter an amount."));
    // Fixed: the payment is sent with what the form holds.
    type_text(&mut s, "12.34");
    send(&mut s, vec![key(KeyCode::Tab); 3]);
    send(&mut s, vec![key(KeyCode::Backspace); 101]);
    let effects = send(&mut s, [ctrl('s')]);
    let (_, op) = crate::last_op!(effects, Payments);
    let clinic::tui::screens::payments::PaymentsOp::Take(input) = op else {
        panic!("a take: {op:?}")
    };
    assert_eq!(
        (input.amount.as_str(), input.transaction_id),
        ("12.34", None)
    );
    assert!(form(&s).is_pending(), "Saving… while it is in flight");
    assert_eq!(offers(&s, Command::Save), Some(false));
}

#[test]
fn the_agenda_reloads_keep_the_table_selection_on_screen() {
    // Forty appointments on one day; the cursor at the bottom stays visible.
    let (mut s, effects) = agenda_ui::open(Role::FrontDesk, 1);
    let mut rows = Vec::new();
    for n in 0..40 {
        let mut v = day_rows()[1].clone();
        v.appointment.id = 100 + n;
        v.patient_name = format!("Patient {n:02}");
        rows.push(v);
    }
    agenda_ui::reply(
        &mut s,
        last(&effects).0,
        AgendaReply::Appointments(Ok(rows)),
    );
    send(&mut s, [key(KeyCode::End)]);
    assert_eq!(agenda(&s).selected(), 39);
    let text = format!("{}", draw(&s, 80, 24).backend());
    assert!(text.contains("▶ ") && text.contains("Patient 39"), "{text}");
    send(&mut s, [key(KeyCode::Home)]);
    let text = format!("{}", draw(&s, 80, 24).backend());
    assert!(text.contains("Patient 00") && !text.contains("Patient 39"));
}
