//! Payments and reports screens as pure functions: keys and replies through `update`,
//! and rendered snapshots on ratatui's TestBackend.

use crate::common;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use clinic::domain::Role;
use clinic::domain::appointment::{Appointment, AppointmentStatus, AppointmentView};
use clinic::domain::payment::{Payment, PaymentMethod, PaymentStatus};
use clinic::domain::report::{ReportPayment, RevenueReport};
use clinic::tui::effect::Effect;
use clinic::tui::msg::{AgendaReply, Msg};
use clinic::tui::screens::home::HomeItem;
use clinic::tui::screens::payments::{Modal, PaymentsOp, PaymentsReply};
use clinic::tui::screens::reports::{ReportsOp, ReportsReply, Tab};
use clinic::tui::state::{AppState, Screen, Tone};
use common::ui::{ctrl, draw, key, send, type_text};
use crossterm::event::KeyCode;
use rust_decimal::Decimal;

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

fn signed_in(role: Role) -> AppState {
    common::ui::signed_in_as(role, 3, "Fran Desk", now())
}

fn row() -> AppointmentView {
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

fn payment(id: i32, cents: i64, status: PaymentStatus) -> Payment {
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

/// Front desk on the agenda with one row, then `p`: the payments screen loading.
fn on_payments(role: Role) -> (AppState, u64) {
    let mut s = signed_in(role);
    let item = if role == Role::Patient {
        HomeItem::MyAppointments
    } else {
        HomeItem::Agenda
    };
    let effects = common::ui::open_item(&mut s, item);
    let Some(Effect::Agenda { request, .. }) = effects.last() else {
        panic!("agenda load: {effects:?}")
    };
    send(
        &mut s,
        [Msg::Agenda {
            request: *request,
            reply: AgendaReply::Appointments(Ok(vec![row()])),
        }],
    );
    let effects = send(&mut s, [key(KeyCode::Char('p'))]);
    match effects.as_slice() {
        [
            Effect::Payments {
                request,
                op: PaymentsOp::Load { appointment_id: 41 },
                ..
            },
        ] => (s, *request),
        other => panic!("expected a payments load, got {other:?}"),
    }
}

fn payments_reply(s: &mut AppState, request: u64, reply: PaymentsReply) -> Vec<Effect> {
    send(s, [Msg::Payments { request, reply }])
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
    let (request, input) = match effects.as_slice() {
        [
            Effect::Payments {
                request,
                op: PaymentsOp::Take(input),
                ..
            },
        ] => (*request, input.clone()),
        other => panic!("expected a take, got {other:?}"),
    };
    assert_eq!((input.appointment_id, input.amount.as_str()), (41, "45.5"));
    assert_eq!(
        (input.method, input.status, input.transaction_id),
        (PaymentMethod::Insurance, PaymentStatus::Pending, None)
    );

    payments_reply(
        &mut s,
        request,
        PaymentsReply::Taken(Err("Transaction id X is already used by payment 3.".into())),
    );
    let Screen::Payments { state: p, .. } = &s.screen else {
        panic!("payments")
    };
    let Some(Modal::Form(form)) = &p.modal else {
        panic!("the form stays open")
    };
    assert_eq!(form.amount.value(), "45.5", "what was typed is kept");
    assert_eq!(
        form.error.as_deref(),
        Some("Transaction id X is already used by payment 3.")
    );

    let effects = send(&mut s, [ctrl('s')]);
    let Some(Effect::Payments { request, .. }) = effects.last() else {
        panic!("retry")
    };
    let effects = payments_reply(
        &mut s,
        *request,
        PaymentsReply::Taken(Ok(payment(2, 4550, PaymentStatus::Pending))),
    );
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Payments {
                op: PaymentsOp::Load { .. },
                ..
            }]
        ),
        "reload"
    );
    assert_eq!(s.status.as_ref().map(|x| x.tone), Some(Tone::Info));
    let Screen::Payments { state: p, .. } = &s.screen else {
        panic!("payments")
    };
    assert!(p.modal.is_none());
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
    let Screen::Payments { state: p, .. } = &s.screen else {
        panic!("payments")
    };
    let Some(Modal::Status { choices, .. }) = &p.modal else {
        panic!("status choices")
    };
    assert_eq!(choices, &vec![PaymentStatus::Refunded]);
    let effects = send(&mut s, [key(KeyCode::Enter)]);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Payments {
            op: PaymentsOp::SetStatus {
                payment_id: 1,
                to: PaymentStatus::Refunded
            },
            ..
        }]
    ));
    let Some(Effect::Payments { request, .. }) = effects.last() else {
        panic!()
    };
    payments_reply(
        &mut s,
        *request,
        PaymentsReply::StatusSet(Err("nope".into())),
    );
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Char('s'))]);
    assert!(
        s.status
            .as_ref()
            .is_some_and(|x| x.text == "A refunded payment is final.")
    );
    let effects = send(&mut s, [key(KeyCode::Char('r'))]);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Payments {
            op: PaymentsOp::Receipt { payment_id: 2 },
            ..
        }]
    ));
    let Some(Effect::Payments { request, .. }) = effects.last() else {
        panic!()
    };
    payments_reply(
        &mut s,
        *request,
        PaymentsReply::ReceiptWritten(Ok("/tmp/receipt-2.md".into())),
    );
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("Receipt saved to /tmp/receipt-2.md")
    );
    // Esc returns to the agenda it came from.
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(matches!(s.screen, Screen::Agenda(_)));
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
}

#[test]
fn a_stale_payments_reply_is_dropped() {
    let (mut s, load) = on_payments(Role::FrontDesk);
    payments_reply(
        &mut s,
        load + 40,
        PaymentsReply::Loaded(Ok(vec![payment(1, 2000, PaymentStatus::Paid)])),
    );
    let Screen::Payments { state: p, .. } = &s.screen else {
        panic!("payments")
    };
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

fn revenue() -> RevenueReport {
    let d = NaiveDate::from_ymd_opt(2026, 1, 12).expect("date");
    let p = |cents, method, doctor: &str| ReportPayment {
        local_date: d,
        amount: Decimal::new(cents, 2),
        method,
        status: PaymentStatus::Paid,
        doctor: doctor.into(),
    };
    RevenueReport::from_payments(
        NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"),
        d,
        &[
            p(6000, PaymentMethod::Card, "Gregory House"),
            p(4050, PaymentMethod::Cash, "James Wilson"),
        ],
    )
}

#[test]
fn reports_switch_tabs_shift_dates_and_export_csv() {
    let mut s = signed_in(Role::FrontDesk);
    let effects = common::ui::open_item(&mut s, HomeItem::Reports);
    let Some(Effect::Reports {
        request,
        op: ReportsOp::Schedule(day),
        ..
    }) = effects.last()
    else {
        panic!("schedule load: {effects:?}")
    };
    assert_eq!(*day, NaiveDate::from_ymd_opt(2026, 1, 12).expect("date"));
    send(
        &mut s,
        [Msg::Reports {
            request: *request,
            reply: ReportsReply::Schedule(Ok(vec![("Gregory House".into(), vec![row()])])),
        }],
    );
    let effects = send(&mut s, [key(KeyCode::Char('x'))]);
    let Some(Effect::Reports {
        op: ReportsOp::Export { file_name, content },
        ..
    }) = effects.last()
    else {
        panic!("export")
    };
    assert_eq!(file_name, "schedule-2026-01-12.csv");
    assert_eq!(
        content,
        "doctor,start_local,minutes,patient,status,location\r\nGregory House,2026-01-12 10:00,60,Ana Lima,COMPLETED,Main building\r\n"
    );

    let effects = send(&mut s, [key(KeyCode::Char('2'))]);
    let Some(Effect::Reports {
        request,
        op: ReportsOp::Revenue(from, to),
        ..
    }) = effects.last()
    else {
        panic!("revenue")
    };
    assert_eq!(
        (from.to_string(), to.to_string()),
        ("2026-01-01".to_string(), "2026-01-12".to_string())
    );
    send(
        &mut s,
        [Msg::Reports {
            request: *request,
            reply: ReportsReply::Revenue(Ok(revenue())),
        }],
    );
    let Screen::Reports(r) = &s.screen else {
        panic!("reports")
    };
    assert_eq!(r.tab, Tab::Revenue);
    insta::assert_snapshot!("revenue_80x24", draw(&s, 80, 24).backend());

    // A bad date range is refused in the form, keeping what was typed.
    send(&mut s, [key(KeyCode::Char('e'))]);
    send(&mut s, [key(KeyCode::Backspace), key(KeyCode::Backspace)]);
    type_text(&mut s, "99");
    let effects = send(&mut s, [key(KeyCode::Enter)]);
    assert!(effects.is_empty());
    let Screen::Reports(r) = &s.screen else {
        panic!("reports")
    };
    let form = r.form.as_ref().expect("form open");
    assert_eq!(
        (form.from.value(), form.error.as_deref()),
        (
            "2026-01-99",
            Some("From: \"2026-01-99\" is not a date (expected YYYY-MM-DD).")
        )
    );
    // A date at the edge of the calendar is refused in the form too (it used to panic
    // the report task and leave the spinner running).
    send(&mut s, [key(KeyCode::Esc), key(KeyCode::Char('e'))]);
    for _ in 0..10 {
        send(&mut s, [key(KeyCode::Backspace)]);
    }
    type_text(&mut s, "+262142-12-31");
    let effects = send(&mut s, [key(KeyCode::Enter)]);
    assert!(effects.is_empty(), "{effects:?}");
    let Screen::Reports(r) = &s.screen else {
        panic!("reports")
    };
    let error = r
        .form
        .as_ref()
        .and_then(|f| f.error.clone())
        .unwrap_or_default();
    assert!(
        error.contains("outside the dates this clinic can record"),
        "{error}"
    );
    send(&mut s, [key(KeyCode::Esc), key(KeyCode::Char(']'))]);
    let Screen::Reports(r) = &s.screen else {
        panic!("reports")
    };
    assert_eq!(
        r.from.to_string(),
        "2026-01-13",
        "] shifts the range by its length"
    );
}
