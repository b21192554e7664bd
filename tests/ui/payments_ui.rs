//! The payments screen as pure functions: keys and replies through `update`, and
//! rendered snapshots on ratatui's TestBackend. (The reports tests moved to
//! reports_ui.rs, which the reports screen's conversion registers.)

use crate::common;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use clinic::domain::Role;
use clinic::domain::appointment::{Appointment, AppointmentStatus, AppointmentView};
use clinic::domain::payment::{Payment, PaymentMethod, PaymentStatus};
use clinic::service::ServiceError;
use clinic::service::payments::AppointmentPayments;
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

/// What a load answers: `list` for a visit of 60.00.
pub fn listed(list: Vec<Payment>) -> AppointmentPayments {
    AppointmentPayments {
        payments: list,
        fee: Some(Decimal::new(6000, 2)),
        refund_reasons: Vec::new(),
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
        PaymentsReply::Loaded(Ok(listed(vec![payment(1, 2000, PaymentStatus::Paid)]))),
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
        PaymentsReply::Loaded(Ok(listed(vec![
            payment(1, 2000, PaymentStatus::Paid),
            payment(2, 500, PaymentStatus::Refunded),
        ]))),
    );
    send(&mut s, [key(KeyCode::Char('s'))]);
    let Some(Modal::Status { choices, .. }) = &payments(&s).modal else {
        panic!("status choices")
    };
    assert_eq!(choices, &vec![PaymentStatus::Refunded]);
    // Refunded asks for the reason first: nothing is sent yet.
    assert!(send(&mut s, [key(KeyCode::Enter)]).is_empty());
    assert!(matches!(
        payments(&s).modal,
        Some(Modal::RefundReason { payment_id: 1, .. })
    ));
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(payments(&s).modal.is_none(), "Esc refunds nothing");
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
        PaymentsReply::Loaded(Ok(listed(vec![payment(1, 2000, PaymentStatus::Paid)]))),
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
        PaymentsReply::Loaded(Ok(listed(vec![payment(1, 2000, PaymentStatus::Paid)]))),
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
        PaymentsReply::Loaded(Ok(listed(vec![
            payment(1, 2000, PaymentStatus::Paid),
            payment(2, 123456, PaymentStatus::Pending),
        ]))),
    );
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
    send(&mut s, [key(KeyCode::Char('n'))]);
    type_text(&mut s, "60");
    insta::assert_snapshot!("payment_form_80x24", draw(&s, 80, 24).backend());
}

/// The front desk on the payments of a 60.00 visit with one paid payment of 60.00.
fn with_a_paid_visit() -> AppState {
    let (mut s, load) = on_payments(Role::FrontDesk);
    payments_reply(
        &mut s,
        load,
        PaymentsReply::Loaded(Ok(listed(vec![payment(1, 6000, PaymentStatus::Paid)]))),
    );
    s
}

#[test]
fn an_amount_that_is_not_the_fee_asks_once_and_yes_sends_it_confirmed() {
    let (mut s, load) = on_payments(Role::FrontDesk);
    payments_reply(&mut s, load, PaymentsReply::Loaded(Ok(listed(Vec::new()))));
    send(&mut s, [key(KeyCode::Char('n'))]);
    type_text(&mut s, "1,000");
    let (request, op) = last_op!(send(&mut s, [key(KeyCode::Enter)]), Payments);
    let PaymentsOp::Take(input) = op else {
        panic!("a take")
    };
    assert!(!input.confirm_amount, "the first save asks nothing yet");
    let question = "1,000.00 is not the 60.00 fee of this visit; confirm to record it anyway.";
    payments_reply(
        &mut s,
        request,
        PaymentsReply::Taken(Err(ServiceError::Unconfirmed(question.into()))),
    );
    let Some(Modal::Form(form)) = &payments(&s).modal else {
        panic!("the form stays")
    };
    assert_eq!(form.question(), Some(question));
    insta::assert_snapshot!("fee_question_80x24", draw(&s, 80, 24).backend());
    // n: back to the form as typed; nothing sent.
    assert!(send(&mut s, [key(KeyCode::Char('n'))]).is_empty());
    let Some(Modal::Form(form)) = &payments(&s).modal else {
        panic!("the form stays")
    };
    assert_eq!(form.question(), None);
    assert_eq!(form.value(PayField::Amount), "1,000");
    // Again, and y: the same payment, confirmed.
    let (request, _) = last_op!(send(&mut s, [key(KeyCode::Enter)]), Payments);
    payments_reply(
        &mut s,
        request,
        PaymentsReply::Taken(Err(ServiceError::Unconfirmed(question.into()))),
    );
    let effects = send(&mut s, [key(KeyCode::Char('y'))]);
    let (_, op) = last_op!(effects, Payments);
    let PaymentsOp::Take(confirmed) = op else {
        panic!("a take")
    };
    assert!(confirmed.confirm_amount);
    assert_eq!(confirmed.amount, "1,000");
}

#[test]
fn a_refund_asks_a_reason_then_a_confirmation_naming_amount_and_reason() {
    let mut s = with_a_paid_visit();
    send(&mut s, [key(KeyCode::Char('s')), key(KeyCode::Enter)]);
    // No reason: refused under the field, nothing sent.
    assert!(send(&mut s, [key(KeyCode::Enter)]).is_empty());
    let Some(Modal::RefundReason { form, .. }) = &payments(&s).modal else {
        panic!("the reason form")
    };
    assert_eq!(
        form.error(clinic::tui::screens::payments::RefundField::Reason),
        Some("Give the reason for the refund.")
    );
    type_text(&mut s, "Visit cancelled by the clinic");
    assert!(send(&mut s, [key(KeyCode::Enter)]).is_empty(), "asks first");
    let Some(Modal::RefundConfirm { question, .. }) = &payments(&s).modal else {
        panic!("the confirmation")
    };
    assert!(
        question.contains("60.00") && question.contains("Visit cancelled by the clinic"),
        "{question}"
    );
    insta::assert_snapshot!("refund_confirm_80x24", draw(&s, 80, 24).backend());
    // n: back to the reason as typed.
    assert!(send(&mut s, [key(KeyCode::Char('n'))]).is_empty());
    let Some(Modal::RefundReason { form, .. }) = &payments(&s).modal else {
        panic!("back to the reason")
    };
    assert_eq!(
        form.value(clinic::tui::screens::payments::RefundField::Reason),
        "Visit cancelled by the clinic"
    );
    send(&mut s, [key(KeyCode::Enter)]);
    let (request, op) = last_op!(send(&mut s, [key(KeyCode::Char('y'))]), Payments);
    assert_eq!(
        op,
        PaymentsOp::Refund {
            payment_id: 1,
            reason: "Visit cancelled by the clinic".into()
        }
    );
    // A refusal goes back to the reason form with the sentence.
    payments_reply(
        &mut s,
        request,
        PaymentsReply::Refunded(Err(ServiceError::Invalid(
            "Only a paid payment can be refunded; this one is refunded.".into(),
        ))),
    );
    let Some(Modal::RefundReason { form, .. }) = &payments(&s).modal else {
        panic!("the reason form again")
    };
    assert!(
        form.form_error()
            .is_some_and(|e| e.starts_with("Only a paid"))
    );
    send(&mut s, [key(KeyCode::Enter)]);
    let (request, _) = last_op!(send(&mut s, [key(KeyCode::Char('y'))]), Payments);
    let mut refunded = payment(1, 6000, PaymentStatus::Refunded);
    refunded.transaction_id = "TX-1".into();
    let effects = payments_reply(&mut s, request, PaymentsReply::Refunded(Ok(refunded)));
    assert!(matches!(
        ops(&effects).as_slice(),
        [(_, PaymentsOp::Load { .. })]
    ));
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("Payment TX-1 refunded (60.00); the reason is recorded.")
    );
    assert!(payments(&s).modal.is_none());
}

#[test]
fn the_fee_what_is_due_and_refund_reasons_are_shown() {
    let (mut s, load) = on_payments(Role::FrontDesk);
    let mut list = listed(vec![
        payment(1, 2000, PaymentStatus::Paid),
        payment(2, 6000, PaymentStatus::Refunded),
    ]);
    list.refund_reasons = vec![(2, "Charged twice".into())];
    payments_reply(&mut s, load, PaymentsReply::Loaded(Ok(list)));
    let p = payments(&s);
    assert_eq!(p.due(), Some(Decimal::new(4000, 2)));
    let screen = format!("{:?}", draw(&s, 80, 24).backend());
    assert!(screen.contains("Fee 60.00"), "{screen}");
    assert!(screen.contains("Due 40.00"), "{screen}");
    assert!(
        !screen.contains("Charged twice"),
        "shown for the selected payment"
    );
    send(&mut s, [key(KeyCode::Down)]);
    let screen = format!("{:?}", draw(&s, 80, 24).backend());
    assert!(screen.contains("Refund reason: Charged twice"), "{screen}");
    insta::assert_snapshot!("payments_fee_due_reason_80x24", draw(&s, 80, 24).backend());
}

#[test]
fn x_asks_for_the_receipt_as_a_pdf_and_says_where_it_went() {
    let mut s = with_a_paid_visit();
    let (request, op) = last_op!(send(&mut s, [key(KeyCode::Char('x'))]), Payments);
    assert_eq!(op, PaymentsOp::ReceiptPdf { payment_id: 1 });
    payments_reply(
        &mut s,
        request,
        PaymentsReply::ReceiptWritten(Ok("/tmp/exports/receipt-1.pdf".into())),
    );
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("Receipt saved to /tmp/exports/receipt-1.pdf")
    );
}
