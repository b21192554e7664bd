//! The reports screen as pure functions: keys and replies through `update`, and rendered
//! snapshots on ratatui's TestBackend.
//!
//! reports: moved here from payments_ui.rs unchanged (pre-ui-core API). Not registered
//! in main.rs: whoever converts the reports screen ports these to the new API and adds
//! `mod reports_ui;` (its snapshot is ui__reports_ui__revenue_80x24.snap).

use crate::common;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use clinic::domain::Role;
use clinic::domain::appointment::{Appointment, AppointmentStatus, AppointmentView};
use clinic::domain::payment::{PaymentMethod, PaymentStatus};
use clinic::domain::report::{ReportPayment, RevenueReport};
use clinic::tui::effect::Effect;
use clinic::tui::msg::Msg;
use clinic::tui::screens::home::HomeItem;
use clinic::tui::screens::reports::{ReportsOp, ReportsReply, Tab};
use clinic::tui::state::{AppState, Screen};
use common::ui::{draw, key, send, type_text};
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
