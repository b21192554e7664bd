//! Payments against MariaDB: exact amounts, transitions, transaction ids, permissions,
//! receipts and reports whose sums match the rows they summarise.

use crate::common;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use clinic::domain::appointment::AppointmentStatus;
use clinic::domain::availability::Window;
use clinic::domain::payment::{PaymentMethod, PaymentStatus};
use clinic::domain::person::{NewDoctor, NewPatient};
use clinic::domain::{Actor, Role};
use clinic::service::booking::BookingRequest;
use clinic::service::payments::PaymentInput;
use clinic::service::{Clock, ServiceError, Services};
use clinic::store::mysql::{availability, patients, people};
use common::TestEnv;
use rust_decimal::Decimal;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0)
        .single()
        .expect("time")
}

fn at(day: u32, h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, day)
        .expect("date")
        .and_hms_opt(h, 0, 0)
        .expect("time")
}

fn desk() -> Actor {
    Actor::User {
        role: Role::FrontDesk,
        id: 1,
        name: "Desk".into(),
        email: "desk@x.org".into(),
    }
}

struct Setup {
    env: TestEnv,
    services: Services,
    doctor: i32,
    patient: i32,
    other_patient: i32,
    appts: Vec<i32>,
}

/// Two doctors' worth of completed appointments on 23 and 24 November.
async fn setup() -> Setup {
    let env = TestEnv::new().await;
    let doctor = people::insert_doctor(
        &env.pool,
        &NewDoctor {
            full_name: "Dr. Ana".into(),
            email: "ana@x.org".into(),
            specialization: "Cardiology".into(),
            ..NewDoctor::default()
        },
        "!",
    )
    .await
    .expect("doctor");
    for day in [Weekday::Mon, Weekday::Tue, Weekday::Wed] {
        availability::insert_window(
            &env.pool,
            doctor,
            &Window {
                weekday: day,
                start: NaiveTime::from_hms_opt(9, 0, 0).expect("time"),
                end: NaiveTime::from_hms_opt(17, 0, 0).expect("time"),
                location_id: None,
            },
        )
        .await
        .expect("window");
    }
    let mut ids = Vec::new();
    for email in ["p1@x.org", "p2@x.org"] {
        ids.push(
            patients::insert(
                &env.pool,
                &NewPatient {
                    full_name: format!("Patient {email}"),
                    email: email.into(),
                    ..NewPatient::default()
                },
                "!",
            )
            .await
            .expect("patient"),
        );
    }
    let services = env.services.clone().with_clock(Clock::Fixed(t0()));
    let mut appts = Vec::new();
    for (i, start) in [at(23, 9), at(23, 10), at(24, 9), at(24, 11)]
        .into_iter()
        .enumerate()
    {
        let a = services
            .book(
                &Actor::System,
                BookingRequest {
                    patient_id: ids[i % 2],
                    doctor_id: doctor,
                    start_utc: start,
                    duration_minutes: None,
                },
            )
            .await
            .expect("book");
        appts.push(a.id);
    }
    let later = services
        .clone()
        .with_clock(Clock::Fixed(t0() + Duration::days(2)));
    for id in &appts {
        later
            .mark_outcome(&Actor::System, *id, AppointmentStatus::Completed)
            .await
            .expect("complete");
    }
    Setup {
        env,
        services,
        doctor,
        patient: ids[0],
        other_patient: ids[1],
        appts,
    }
}

fn input(appointment_id: i32, amount: &str, status: PaymentStatus) -> PaymentInput {
    PaymentInput {
        appointment_id,
        amount: amount.into(),
        method: PaymentMethod::Card,
        status,
        transaction_id: None,
        confirm_amount: true,
    }
}

#[tokio::test]
async fn amounts_are_exact_and_transaction_ids_unique() {
    let s = setup().await;
    let p = s
        .services
        .take_payment(&desk(), input(s.appts[0], "1,234.56", PaymentStatus::Paid))
        .await
        .expect("payment");
    assert_eq!(p.amount, Decimal::new(123456, 2));
    assert!(
        p.transaction_id.starts_with("TX-20261123-") && p.transaction_id.len() == 20,
        "{}",
        p.transaction_id
    );
    let stored: String =
        sqlx::query_scalar("SELECT CAST(amount AS CHAR) FROM payments WHERE id = ?")
            .bind(p.id)
            .fetch_one(&s.env.pool)
            .await
            .expect("stored");
    assert_eq!(stored, "1234.56");

    let err = s
        .services
        .take_payment(&desk(), input(s.appts[0], "12.345", PaymentStatus::Paid))
        .await
        .expect_err("three decimals");
    assert_eq!(err.to_string(), "\"12.345\" has more than two decimals.");

    let mut dup = input(s.appts[1], "10", PaymentStatus::Pending);
    dup.transaction_id = Some(p.transaction_id.clone());
    let err = s
        .services
        .take_payment(&desk(), dup)
        .await
        .expect_err("duplicate id");
    assert_eq!(
        err.to_string(),
        format!(
            "Transaction id {} is already used by payment {}.",
            p.transaction_id, p.id
        )
    );

    // A deposit and the rest: several payments per appointment.
    s.services
        .take_payment(&desk(), input(s.appts[1], "20", PaymentStatus::Paid))
        .await
        .expect("deposit");
    s.services
        .take_payment(&desk(), input(s.appts[1], "40", PaymentStatus::Pending))
        .await
        .expect("rest");
    let list = s
        .services
        .payments_for_appointment(&desk(), s.appts[1])
        .await
        .expect("list");
    assert_eq!(list.len(), 2);
}

#[tokio::test]
async fn only_the_allowed_transitions_happen() {
    let s = setup().await;
    let pending = s
        .services
        .take_payment(&desk(), input(s.appts[0], "60", PaymentStatus::Pending))
        .await
        .expect("pending");
    let err = s
        .services
        .change_payment_status(&desk(), pending.id, PaymentStatus::Refunded)
        .await
        .expect_err("pending cannot be refunded");
    assert!(
        err.to_string()
            .starts_with("A pending payment cannot become refunded"),
        "{err}"
    );
    let paid = s
        .services
        .change_payment_status(&desk(), pending.id, PaymentStatus::Paid)
        .await
        .expect("paid");
    assert_eq!(paid.status, PaymentStatus::Paid);
    let refused = s
        .services
        .change_payment_status(&desk(), pending.id, PaymentStatus::Refunded)
        .await
        .expect_err("a refund needs a reason");
    assert!(refused.to_string().contains("reason"), "{refused}");
    let refunded = s
        .services
        .refund_payment(&desk(), pending.id, "Visit cancelled by the clinic")
        .await
        .expect("refund");
    assert_eq!(refunded.status, PaymentStatus::Refunded);
    for to in [
        PaymentStatus::Paid,
        PaymentStatus::Pending,
        PaymentStatus::Failed,
    ] {
        assert!(
            s.services
                .change_payment_status(&desk(), pending.id, to)
                .await
                .is_err(),
            "refunded is final ({to:?})"
        );
    }
    let failed = s
        .services
        .take_payment(&desk(), input(s.appts[1], "60", PaymentStatus::Pending))
        .await
        .expect("pending");
    s.services
        .change_payment_status(&desk(), failed.id, PaymentStatus::Failed)
        .await
        .expect("failed");
    assert!(
        s.services
            .change_payment_status(&desk(), failed.id, PaymentStatus::Paid)
            .await
            .is_err()
    );
    let err = s
        .services
        .take_payment(&desk(), input(s.appts[1], "5", PaymentStatus::Refunded))
        .await
        .expect_err("new payments are pending or paid");
    assert!(matches!(err, ServiceError::Invalid(_)));
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'PAYMENT_STATUS' AND outcome = 'OK'",
    )
    .fetch_one(&s.env.pool)
    .await
    .expect("count");
    assert_eq!(audited, 3);
}

#[tokio::test]
async fn who_may_take_and_read_payments() {
    let s = setup().await;
    let doctor = Actor::User {
        role: Role::Doctor,
        id: s.doctor,
        name: "Ana".into(),
        email: "ana@x.org".into(),
    };
    let patient = Actor::User {
        role: Role::Patient,
        id: s.patient,
        name: "P1".into(),
        email: "p1@x.org".into(),
    };
    for actor in [&doctor, &patient] {
        let err = s
            .services
            .take_payment(actor, input(s.appts[0], "10", PaymentStatus::Paid))
            .await
            .expect_err("not allowed");
        assert!(matches!(err, ServiceError::Forbidden(_)), "{err}");
    }
    let p = s
        .services
        .take_payment(&desk(), input(s.appts[0], "10", PaymentStatus::Paid))
        .await
        .expect("desk");
    // Appointment 0 belongs to patient 1; appointment 1 to patient 2.
    assert_eq!(
        s.services
            .payments_for_appointment(&patient, s.appts[0])
            .await
            .expect("own")
            .len(),
        1
    );
    assert!(
        s.services
            .payments_for_appointment(&patient, s.appts[1])
            .await
            .is_err()
    );
    assert!(
        s.services
            .payments_for_appointment(&doctor, s.appts[0])
            .await
            .is_err()
    );
    assert!(s.services.receipt(&patient, p.id).await.is_ok());
    let other = Actor::User {
        role: Role::Patient,
        id: s.other_patient,
        name: "P2".into(),
        email: "p2@x.org".into(),
    };
    assert!(s.services.receipt(&other, p.id).await.is_err());
    assert!(
        s.services
            .revenue_report(&other, at(23, 0).date(), at(24, 0).date())
            .await
            .is_err()
    );
    let denied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE outcome = 'DENIED'")
        .fetch_one(&s.env.pool)
        .await
        .expect("count");
    assert_eq!(denied, 6);
}

#[tokio::test]
async fn receipts_name_everything() {
    let s = setup().await;
    let mut i = input(s.appts[2], "150", PaymentStatus::Paid);
    i.method = PaymentMethod::Insurance;
    i.transaction_id = Some("INS-42".into());
    let p = s.services.take_payment(&desk(), i).await.expect("payment");
    let receipt = s
        .services
        .receipt(&desk(), p.id)
        .await
        .expect("receipt")
        .to_markdown();
    for part in [
        "Smart Clinic — Receipt",
        "| Transaction id | INS-42 |",
        "| Patient | Patient p1@x.org |",
        "| Doctor | Dr. Ana (Cardiology) |",
        "Tue 24 Nov 09:00",
        "| Method | Insurance |",
        "| Amount | 150.00 |",
    ] {
        assert!(receipt.contains(part), "missing {part:?} in\n{receipt}");
    }
}

#[tokio::test]
async fn report_sums_match_the_rows_they_summarise() {
    let s = setup().await;
    let day2 = s
        .services
        .clone()
        .with_clock(Clock::Fixed(t0() + Duration::days(1)));
    let mut cash = input(s.appts[0], "60.10", PaymentStatus::Paid);
    cash.method = PaymentMethod::Cash;
    s.services.take_payment(&desk(), cash).await.expect("p");
    s.services
        .take_payment(&desk(), input(s.appts[1], "99.99", PaymentStatus::Paid))
        .await
        .expect("p");
    let refunded = day2
        .take_payment(&desk(), input(s.appts[2], "30", PaymentStatus::Paid))
        .await
        .expect("p");
    day2.refund_payment(&desk(), refunded.id, "Overcharged")
        .await
        .expect("refund");
    day2.take_payment(&desk(), input(s.appts[2], "45.5", PaymentStatus::Paid))
        .await
        .expect("p");
    day2.take_payment(&desk(), input(s.appts[3], "12", PaymentStatus::Pending))
        .await
        .expect("p");

    let from = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let to = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    let r = s
        .services
        .revenue_report(&desk(), from, to)
        .await
        .expect("report");
    let sql_total: Decimal = sqlx::query_scalar(
        "SELECT COALESCE(SUM(amount), 0) FROM payments WHERE payment_status = 'PAID'",
    )
    .fetch_one(&s.env.pool)
    .await
    .expect("sum");
    assert_eq!(r.total, sql_total);
    assert_eq!(r.total, Decimal::new(20559, 2));
    assert_eq!(r.by_day.get(&from), Some(&Decimal::new(16009, 2)));
    assert_eq!(r.by_day.get(&to), Some(&Decimal::new(4550, 2)));
    assert_eq!(r.by_method.get("CASH"), Some(&Decimal::new(6010, 2)));
    assert_eq!(r.by_doctor.get("Dr. Ana"), Some(&r.total));
    assert_eq!(
        (r.refunded, r.pending),
        (Decimal::new(3000, 2), Decimal::new(1200, 2))
    );
    let csv = r.to_csv();
    assert!(
        csv.contains("day,2026-11-23,160.09\r\n") && csv.contains("total,paid,205.59\r\n"),
        "{csv}"
    );

    // Outstanding: completed with no PAID payment = only the 4th appointment (pending 12).
    let owed = s
        .services
        .outstanding(&desk(), from, to)
        .await
        .expect("outstanding");
    assert_eq!(owed.len(), 1);
    assert_eq!(
        (owed[0].appointment_id, owed[0].pending),
        (s.appts[3], Decimal::new(1200, 2))
    );

    let schedule = s
        .services
        .day_schedule(&desk(), from)
        .await
        .expect("schedule");
    assert_eq!(schedule.len(), 1);
    assert_eq!(schedule[0].1.len(), 2);
}

#[tokio::test]
async fn cancelled_appointments_take_no_payment() {
    let s = setup().await;
    let a = s
        .services
        .book(
            &desk(),
            BookingRequest {
                patient_id: s.patient,
                doctor_id: s.doctor,
                start_utc: at(25, 14),
                duration_minutes: None,
            },
        )
        .await
        .expect("book");
    s.services
        .cancel(&desk(), a.id, "Changed plans")
        .await
        .expect("cancel");
    let err = s
        .services
        .take_payment(&desk(), input(a.id, "10", PaymentStatus::Paid))
        .await
        .expect_err("cancelled");
    assert!(err.to_string().contains("cancelled"), "{err}");
}
