//! The reports screen as pure functions: tabs, dates, the range form, CSV export by
//! report and dates, replies through `update`; rendered snapshots at 80x24; footers
//! that end with the help key for every role that has reports.

use crate::common;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use clinic::domain::Role;
use clinic::domain::appointment::{Appointment, AppointmentStatus, AppointmentView};
use clinic::domain::payment::{PaymentMethod, PaymentStatus};
use clinic::domain::report::schedule_csv;
use clinic::domain::report::{ReportPayment, RevenueReport};
use clinic::service::ServiceError;
use clinic::service::reports::ReportCsv;
use clinic::tui::effect::Effect;
use clinic::tui::export::ExportError;
use clinic::tui::routes::Reply;
use clinic::tui::screens::home::HomeItem;
use clinic::tui::screens::reports::{RangeField, ReportsOp, ReportsReply, ReportsScreen, Tab};
use clinic::tui::state::{AppState, Tone};
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

pub(crate) fn reports(s: &AppState) -> &ReportsScreen {
    crate::top!(s, Reports)
}

fn last(effects: &[Effect]) -> (u64, ReportsOp) {
    crate::last_op!(effects, Reports)
}

fn reply(s: &mut AppState, request: u64, reply: ReportsReply) -> Vec<Effect> {
    send(s, [common::ui::reply(request, Reply::Reports(reply))])
}

fn footer(s: &AppState) -> String {
    let terminal = draw(s, 80, 24);
    let buffer = terminal.backend().buffer();
    (0..80)
        .map(|x| buffer[(x, 23)].symbol().to_string())
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// `role` on the reports screen with today's schedule (one appointment) shown.
pub(crate) fn on_schedule(role: Role) -> AppState {
    let mut s = signed_in(role);
    let (request, op) = last(&common::ui::open_item(&mut s, HomeItem::Reports));
    assert_eq!(
        op,
        ReportsOp::Schedule(NaiveDate::from_ymd_opt(2026, 1, 12).expect("date"))
    );
    reply(
        &mut s,
        request,
        ReportsReply::Schedule(Ok(vec![("Gregory House".into(), vec![row()])])),
    );
    s
}

#[test]
fn reports_switch_tabs_shift_dates_and_export_csv() {
    let mut s = on_schedule(Role::FrontDesk);
    let (export, op) = last(&send(&mut s, [key(KeyCode::Char('x'))]));
    let ReportsOp::Export(report) = op else {
        panic!("export: {op:?}")
    };
    let day = NaiveDate::from_ymd_opt(2026, 1, 12).expect("date");
    assert_eq!(report, ReportCsv::Schedule { day });
    // What the service's export writes for the day shown.
    let shown = reports(&s).schedule.clone().expect("shown");
    assert_eq!(
        schedule_csv(chrono_tz::Europe::London, &shown),
        "doctor,start_local,minutes,patient,status,location\r\nGregory House,2026-01-12 10:00,60,Ana Lima,COMPLETED,Main building\r\n"
    );
    reply(
        &mut s,
        export,
        ReportsReply::Exported(Ok("/tmp/exports/schedule-2026-01-12.csv".into())),
    );

    let (request, op) = last(&send(&mut s, [key(KeyCode::Char('2'))]));
    let ReportsOp::Revenue(from, to) = op else {
        panic!("revenue: {op:?}")
    };
    assert_eq!(
        (from.to_string(), to.to_string()),
        ("2026-01-01".to_string(), "2026-01-12".to_string())
    );
    reply(&mut s, request, ReportsReply::Revenue(Ok(revenue())));
    assert_eq!(reports(&s).tab, Tab::Revenue);
    insta::assert_snapshot!("revenue_80x24", draw(&s, 80, 24).backend());

    // A bad date range is refused in the form, keeping what was typed.
    send(&mut s, [key(KeyCode::Char('e'))]);
    send(&mut s, [key(KeyCode::Backspace), key(KeyCode::Backspace)]);
    type_text(&mut s, "99");
    let effects = send(&mut s, [key(KeyCode::Enter)]);
    assert!(effects.is_empty());
    let form = reports(&s).form.as_ref().expect("form open");
    assert_eq!(
        (
            form.value(RangeField::From),
            form.error(RangeField::From),
            form.focus()
        ),
        (
            "2026-01-99",
            Some("\"2026-01-99\" is not a date (expected YYYY-MM-DD)."),
            Some(RangeField::From)
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
    let error = reports(&s)
        .form
        .as_ref()
        .and_then(|f| f.error(RangeField::From))
        .unwrap_or_default()
        .to_string();
    assert!(
        error.contains("outside the dates this clinic can record"),
        "{error}"
    );
    send(&mut s, [key(KeyCode::Esc), key(KeyCode::Char(']'))]);
    assert_eq!(
        reports(&s).from.to_string(),
        "2026-01-13",
        "] shifts the range by its length"
    );
}

#[test]
fn an_export_is_answered_with_its_path_and_loads_are_not_lost_meanwhile() {
    let mut s = on_schedule(Role::Admin);
    let (export, op) = last(&send(&mut s, [key(KeyCode::Char('x'))]));
    assert!(matches!(op, ReportsOp::Export(_)));
    assert!(
        send(&mut s, [key(KeyCode::Char('x'))]).is_empty(),
        "one export at a time"
    );
    // The next day loads while the file is written: neither answer is dropped.
    let (load, _) = last(&send(&mut s, [key(KeyCode::Char(']'))]));
    reply(
        &mut s,
        export,
        ReportsReply::Exported(Ok("/tmp/exports/schedule-2026-01-12.csv".into())),
    );
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("Report saved to /tmp/exports/schedule-2026-01-12.csv")
    );
    reply(&mut s, load, ReportsReply::Schedule(Ok(Vec::new())));
    assert_eq!(reports(&s).schedule, Some(Vec::new()));
    // A refusal is shown as the service says it; a file problem as its sentence.
    let (export, _) = last(&send(&mut s, [key(KeyCode::Char('x'))]));
    reply(
        &mut s,
        export,
        ReportsReply::Exported(Err(ExportError::Service(ServiceError::Forbidden(
            "read the clinic's reports".into(),
        )))),
    );
    assert_eq!(s.status.as_ref().map(|x| x.tone), Some(Tone::Error));
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("You are not allowed to read the clinic's reports.")
    );
}

#[test]
fn exporting_before_the_report_is_shown_is_refused() {
    let mut s = signed_in(Role::FrontDesk);
    common::ui::open_item(&mut s, HomeItem::Reports);
    assert!(send(&mut s, [key(KeyCode::Char('x'))]).is_empty());
    assert_eq!(
        s.status.as_ref().map(|x| x.text.as_str()),
        Some("The report is still loading.")
    );
}

/// The reports footer at 80 columns used to be cut before "? help": it ends with the
/// help key on every tab and in the date form, for both roles with reports.
#[test]
fn every_reports_footer_at_80_columns_ends_with_help() {
    for role in [Role::FrontDesk, Role::Admin] {
        let mut s = on_schedule(role);
        let schedule = footer(&s);
        assert!(schedule.ends_with("? help"), "{role:?}: {schedule:?}");
        for part in ["x CSV", "[] day", "t today", "Esc back"] {
            assert!(schedule.contains(part), "{role:?} {part}: {schedule:?}");
        }
        assert!(!schedule.contains("dates"), "no date range for one day");
        for tab in ['2', '3'] {
            send(&mut s, [key(KeyCode::Char(tab))]);
            let f = footer(&s);
            assert!(f.ends_with("? help"), "{role:?} tab {tab}: {f:?}");
            assert!(f.contains("e dates") && f.contains("[] shift"), "{f:?}");
            assert!(!f.contains("CSV"), "not loaded yet: nothing to export");
        }
        send(&mut s, [key(KeyCode::Char('e'))]);
        let form = footer(&s);
        assert!(
            form.ends_with("F1 help") && form.contains("apply"),
            "{role:?}: {form:?}"
        );
    }
}
