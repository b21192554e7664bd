//! The payments screen as pure functions: keys and replies through `update`, and
//! rendered snapshots on ratatui's TestBackend. (The reports tests moved to
//! reports_ui.rs, which the reports screen's conversion registers.)

use crate::common;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use clinic::domain::Role;
use clinic::domain::appointment::{Appointment, AppointmentStatus, AppointmentView};
use clinic::domain::payment::{Payment, PaymentMethod, PaymentStatus};
use clinic::service::ServiceError;
use clinic::tui::effect::Effect;
use clinic::tui::routes::{Op, Reply, Route};
use clinic::tui::screens::agenda::AgendaReply;
use clinic::tui::screens::home::HomeItem;
use clinic::tui::screens::payments::{Modal, PayField, PaymentsOp, PaymentsReply, PaymentsScreen};
use clinic::tui::state::{AppState, Tone};
use common::ui::{ctrl, draw, key, send, type_text};
use crossterm::event::KeyCode;
use rust_decimal::Decimal;

use crate::{last_op, top};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 12, 11, 30, 0)
        .single()
        .expect("time")
}

fn at(h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 1, 12)
        .expect("date")
        .and_hms_opt(h, 0, 0)
        .expect("time")
}

pub fn signed_in(role: Role) -> AppState {
    common::ui::signed_in_as(role, 3, "Fran Desk", now())
}

pub fn row() -> AppointmentView {
    AppointmentView {
        appointment: Appointment {
            id: 41,
            patient_id: 9,
            doctor_id: 7,
            location_id: Some(1),
            start_utc: at(10),
            duration_minutes: 60,
            status: AppointmentStatus::Completed,
            cancel_reason: None,
            cancelled_at: None,
        },
        patient_name: "Ana Lima".into(),
        patient_email: "ana@example.com".into(),
        doctor_name: "Gregory House".into(),
        doctor_email: "house@clinic.test".into(),
        specialization: "Diagnostics".into(),
        location_name: Some("Main building".into()),
    }
}

pub fn payment(id: i32, cents: i64, status: PaymentStatus) -> Payment {
    Payment {
        id,
        appointment_id: 41,
        amount: Decimal::new(cents, 2),
        method: PaymentMethod::Card,
        status,
        transaction_id: format!("TX-20260112-0000000{id}"),
        created_at: now(),
    }
}

/// `role` on the agenda with one row, then `p`: the payments screen loading.
pub fn on_payments(role: Role) -> (AppState, u64) {
    let mut s = signed_in(role);
    let item = if role == Role::Patient {
        HomeItem::MyAppointments
    } else {
        HomeItem::Agenda
    };
    let effects = common::ui::open_item(&mut s, item);
    let (request, _) = last_op!(effects, Agenda);
    send(
        &mut s,
        [common::ui::reply(
            request,
            Reply::Agenda(AgendaReply::Appointments(Ok(vec![row()]))),
        )],
    );
    let effects = send(&mut s, [key(KeyCode::Char('p'))]);
    match ops(&effects).as_slice() {
        [(request, PaymentsOp::Load { appointment_id: 41 })] if effects.len() == 1 => (s, *request),
        _ => panic!("expected a payments load, got {effects:?}"),
    }
}

/// The payments requests among `effects`, in order.
pub fn ops(effects: &[Effect]) -> Vec<(u64, PaymentsOp)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Run {
                request,
                op: Op::Payments(op),
                ..
            } => Some((*request, op.clone())),
            _ => None,
        })
        .collect()
}

pub fn payments_reply(s: &mut AppState, request: u64, reply: PaymentsReply) -> Vec<Effect> {
    send(s, [common::ui::reply(request, Reply::Payments(reply))])
}

fn payments(s: &AppState) -> &PaymentsScreen {
    top!(s, Payments)
}

#[test]
fn taking_a_payment_keeps_the_form_on_refusal_and_reloads_on_success() {
    let (mut s, load) = on_payments(Role::FrontDesk);
    payments_reply(
        &mut s,
        load,
        PaymentsReply::Loaded(Ok(vec![payment(1, 2000, PaymentStatus::Paid)])),
    );
    send(&mut s, [key(KeyCode::Char('n'))]);
    type_text(&mut s, "45.5");
    send(
        &mut s,
        [
            key(KeyCode::Tab),
            key(KeyCode::Right),
            key(KeyCode::Tab),
            key(KeyCode::Char(' ')),
        ],
    );
    let effects = send(&mut s, [ctrl('s')]);
    let (request, input) = match ops(&effects).as_slice() {
        [(request, PaymentsOp::Take(input))] if effects.len() == 1 => (*request, input.clone()),
        _ => panic!("expected a take, got {effects:?}"),
    };
    assert_eq!((input.appointment_id, input.amount.as_str()), (41, "45.5"));
    assert_eq!(
        (input.method, input.status, input.transaction_id),
        (PaymentMethod::Insurance, PaymentStatus::Pending, None)
    );

    payments_reply(
        &mut s,
        request,
        PaymentsReply::Taken(Err(ServiceError::Conflict(
            "Transaction id X is already used by payment 3.".into(),
        ))),
    );
    let Some(Modal::Form(form)) = &payments(&s).modal else {
        panic!("the form stays open")
    };
    assert_eq!(
        form.value(PayField::Amount),
        "45.5",
        "what was typed is kept"
    );
    assert_eq!(
        form.error(PayField::TransactionId),
        Some("Transaction id X is already used by payment 3."),
        "under the field it is about"
    );
    assert!(!form.is_pending());

    let (request, _) = last_op!(send(&mut s, [ctrl('s')]), Payments);
    let effects = payments_reply(
        &mut s,
        request,
        PaymentsReply::Taken(Ok(payment(2, 4550, PaymentStatus::Pending))),
    );
    assert!(
        matches!(ops(&effects).as_slice(), [(_, PaymentsOp::Load { .. })]) && effects.len() == 1,
        "reload"
    );
    assert_eq!(s.status.as_ref().map(|x| x.tone), Some(Tone::Info));
    assert!(payments(&s).modal.is_none());
}

#[test]
fn status_changes_offer_only_allowed_moves_and_receipts_are_requested() {
    let (mut s, load) = on_payments(Role::FrontDesk);
    payments_reply(
        &mut s,
        load,
        PaymentsReply::Loaded(Ok(vec![
            payment(1, 2000, PaymentStatus::Paid),
            payment(2, 500, PaymentStatus::Refunded),
        ])),
    );
    send(&mut s, [key(KeyCode::Char('s'))]);
    let Some(Modal::Status { choices, .. }) = &payments(&s).modal else {
        panic!("status choices")
    };
    assert_eq!(choices, &vec![PaymentStatus::Refunded]);
    let effects = send(&mut s, [key(KeyCode::Enter)]);
    assert_eq!(effects.len(), 1);
    let (request, op) = last_op!(effects, Payments);
    assert_eq!(
        op,
        PaymentsOp::SetStatus {
            payment_id: 1,
            to: PaymentStatus::Refunded
        }
    );
    payments_reply(
        &mut s,
        request,
        PaymentsReply::StatusSet(Err(ServiceError::Invalid("nope".into()))),
    );
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Char('s'))]);
    assert!(
        s.status
            .as_ref()
            .is_some_and(|x| x.text == "A refunded payment is final.")
    );
    let effects = send(&mut s, [key(KeyCode::Char('r'))]);
    assert_eq!(effects.len(), 1);
    let (request, op) = last_op!(effects, Payments);
    assert_eq!(op, PaymentsOp::Receipt { payment_id: 2 });
    payments_reply(
        &mut s,
        request,
        PaymentsReply::ReceiptWritten(Ok("/tmp/receipt-2.md".into())),
    );
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("Receipt saved to /tmp/receipt-2.md")
    );
    // Esc returns to the agenda it came from.
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(matches!(s.screen(), Route::Agenda(_)));
}

#[test]
fn patients_read_their_payments_but_take_none() {
    let (mut s, load) = on_payments(Role::Patient);
    payments_reply(
        &mut s,
        load,
        PaymentsReply::Loaded(Ok(vec![payment(1, 2000, PaymentStatus::Paid)])),
    );
    assert!(send(&mut s, [key(KeyCode::Char('n'))]).is_empty());
    assert_eq!(s.status.as_ref().map(|x| x.tone), Some(Tone::Error));
    let effects = send(&mut s, [key(KeyCode::Char('r'))]);
    assert_eq!(effects.len(), 1, "a patient may save their receipt");
    assert!(matches!(
        last_op!(effects, Payments).1,
        PaymentsOp::Receipt { payment_id: 1 }
    ));
}

#[test]
fn a_stale_payments_reply_is_dropped() {
    let (mut s, load) = on_payments(Role::FrontDesk);
    payments_reply(
        &mut s,
        load + 40,
        PaymentsReply::Loaded(Ok(vec![payment(1, 2000, PaymentStatus::Paid)])),
    );
    let p = payments(&s);
    assert!(!p.loaded && p.payments.is_empty());
}

#[test]
fn snapshot_payments_80x24() {
    let (mut s, load) = on_payments(Role::FrontDesk);
    payments_reply(
        &mut s,
        load,
        PaymentsReply::Loaded(Ok(vec![
            payment(1, 2000, PaymentStatus::Paid),
            payment(2, 123456, PaymentStatus::Pending),
        ])),
    );
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
    send(&mut s, [key(KeyCode::Char('n'))]);
    type_text(&mut s, "60");
    insta::assert_snapshot!("payment_form_80x24", draw(&s, 80, 24).backend());
}
