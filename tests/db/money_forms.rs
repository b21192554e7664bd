//! Issue 13's money and list fixes against MariaDB: an amount that is not the visit's fee
//! is questioned once and recorded when confirmed; a refund needs a reason, which is kept
//! and audited; specializations are one normalised list (a case-duplicate is refused,
//! `cardiology ` joins `Cardiology`, so "any Cardiology doctor" finds both); the audit
//! viewer's person filter is by id, staff matched whatever their role.

use crate::common;

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use clinic::domain::audit::AuditFilter;
use clinic::domain::payment::{PaymentMethod, PaymentStatus};
use clinic::domain::person::{NewPatient, normalise_specialization};
use clinic::domain::{Actor, Role};
use clinic::service::admin::DoctorInput;
use clinic::service::booking::BookingRequest;
use clinic::service::payments::PaymentInput;
use clinic::service::users::NewAccount;
use clinic::service::{Clock, ServiceError, Services};
use clinic::store::mysql::{availability, booking, patients};
use common::TestEnv;
use rust_decimal::Decimal;

fn desk(id: i32) -> Actor {
    Actor::User {
        role: Role::FrontDesk,
        id,
        name: "Desk".into(),
        email: "desk@x.org".into(),
    }
}

fn admin(id: i32) -> Actor {
    Actor::User {
        role: Role::Admin,
        id,
        name: "Admin".into(),
        email: "admin@x.org".into(),
    }
}

fn doctor_input(email: &str, specialization: &str, fee: &str) -> DoctorInput {
    DoctorInput {
        full_name: format!("Dr {email}"),
        email: email.into(),
        specialization: specialization.into(),
        consultation_fee: fee.into(),
        ..DoctorInput::default()
    }
}

fn monday(h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23)
        .expect("date")
        .and_hms_opt(h, 0, 0)
        .expect("time")
}

struct Visit {
    env: TestEnv,
    services: Services,
    appointment: i32,
    doctor: i32,
}

/// A doctor with a 60.00 fee and one booked visit.
async fn visit() -> Visit {
    let env = TestEnv::new().await;
    let services = env.services.clone().with_clock(Clock::Fixed(
        Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0).unwrap(),
    ));
    let doctor = services
        .create_doctor(
            &Actor::System,
            &doctor_input("fee@x.org", "Cardiology", "60.00"),
            "a-long-password-1",
        )
        .await
        .expect("doctor");
    assert_eq!(doctor.consultation_fee, Some(Decimal::new(6000, 2)));
    for day in [chrono::Weekday::Mon] {
        availability::insert_window(
            &env.pool,
            doctor.id,
            &clinic::domain::availability::Window {
                weekday: day,
                start: chrono::NaiveTime::from_hms_opt(8, 0, 0).expect("t"),
                end: chrono::NaiveTime::from_hms_opt(18, 0, 0).expect("t"),
                location_id: None,
            },
        )
        .await
        .expect("window");
    }
    let patient = patients::insert(
        &env.pool,
        &NewPatient {
            full_name: "Ana Lima".into(),
            email: "ana@x.org".into(),
            ..NewPatient::default()
        },
        "!",
    )
    .await
    .expect("patient");
    let a = services
        .book(
            &Actor::System,
            BookingRequest {
                patient_id: patient,
                doctor_id: doctor.id,
                start_utc: monday(10),
                duration_minutes: None,
            },
        )
        .await
        .expect("book");
    Visit {
        env,
        services,
        appointment: a.id,
        doctor: doctor.id,
    }
}

fn pay(appointment_id: i32, amount: &str, confirm: bool) -> PaymentInput {
    PaymentInput {
        appointment_id,
        amount: amount.into(),
        method: PaymentMethod::Cash,
        status: PaymentStatus::Paid,
        transaction_id: None,
        confirm_amount: confirm,
    }
}

async fn count(pool: &sqlx::MySqlPool, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(pool)
        .await
        .expect("count")
}

#[tokio::test]
async fn an_amount_that_is_not_the_fee_is_asked_about_then_recorded_when_confirmed() {
    let v = visit().await;
    let err = v
        .services
        .take_payment(&desk(1), pay(v.appointment, "1,000", false))
        .await
        .expect_err("1,000 against a 60.00 visit is questioned");
    let ServiceError::Unconfirmed(question) = &err else {
        panic!("a question, got {err:?}")
    };
    assert!(
        question.contains("1,000.00") && question.contains("60.00"),
        "{question}"
    );
    assert_eq!(count(&v.env.pool, "SELECT COUNT(*) FROM payments").await, 0);
    let p = v
        .services
        .take_payment(&desk(1), pay(v.appointment, "1,000", true))
        .await
        .expect("confirmed");
    assert_eq!(p.amount, Decimal::new(100_000, 2));
    let detail: String = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'PAYMENT_CREATE' AND entity_id = ?",
    )
    .bind(p.id.to_string())
    .fetch_one(&v.env.pool)
    .await
    .expect("audit");
    assert!(detail.contains("amount confirmed"), "{detail}");

    // The fee itself, or what is still due of it, is not questioned.
    let v = visit().await;
    v.services
        .take_payment(&desk(1), pay(v.appointment, "20", true))
        .await
        .expect("deposit");
    v.services
        .take_payment(&desk(1), pay(v.appointment, "40.00", false))
        .await
        .expect("the rest is what is due");
    let seen = v
        .services
        .appointment_payments(&desk(1), v.appointment)
        .await
        .expect("payments");
    assert_eq!(seen.fee, Some(Decimal::new(6000, 2)));
    assert_eq!(seen.due(), Some(Decimal::ZERO));
    // No fee set: nothing is questioned.
    v.services
        .update_doctor(
            &Actor::System,
            v.doctor,
            &doctor_input("fee@x.org", "Cardiology", ""),
        )
        .await
        .expect("fee removed");
    v.services
        .take_payment(&desk(1), pay(v.appointment, "5", false))
        .await
        .expect("no fee, no question");
}

#[tokio::test]
async fn a_refund_needs_a_reason_which_is_kept_and_audited() {
    let v = visit().await;
    let p = v
        .services
        .take_payment(&desk(4), pay(v.appointment, "60", false))
        .await
        .expect("paid");
    for blank in ["", "   "] {
        let err = v
            .services
            .refund_payment(&desk(4), p.id, blank)
            .await
            .expect_err("no reason");
        assert_eq!(err.to_string(), "Give the reason for the refund.");
    }
    assert!(
        v.services
            .change_payment_status(&desk(4), p.id, PaymentStatus::Refunded)
            .await
            .is_err(),
        "a refund through a plain status change is refused"
    );
    let still: String = sqlx::query_scalar("SELECT payment_status FROM payments WHERE id = ?")
        .bind(p.id)
        .fetch_one(&v.env.pool)
        .await
        .expect("status");
    assert_eq!(still, "PAID");
    let refused = count(
        &v.env.pool,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'PAYMENT_STATUS' AND outcome = 'FAILED'",
    )
    .await;
    assert_eq!(refused, 3, "each refusal is audited");

    let done = v
        .services
        .refund_payment(&desk(4), p.id, "  Visit cancelled by the clinic ")
        .await
        .expect("refund");
    assert_eq!(done.status, PaymentStatus::Refunded);
    let (reason, kind, by): (String, String, i32) = sqlx::query_as(
        "SELECT refund_reason, refunded_by_kind, refunded_by_id FROM payments WHERE id = ?",
    )
    .bind(p.id)
    .fetch_one(&v.env.pool)
    .await
    .expect("row");
    assert_eq!(
        (reason.as_str(), kind.as_str(), by),
        ("Visit cancelled by the clinic", "FRONT_DESK", 4)
    );
    let detail: String = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'PAYMENT_STATUS' AND outcome = 'OK'",
    )
    .fetch_one(&v.env.pool)
    .await
    .expect("audit");
    assert!(
        detail.contains("REFUNDED")
            && detail.contains("60.00")
            && detail.contains("Visit cancelled"),
        "{detail}"
    );
    let seen = v
        .services
        .appointment_payments(&desk(4), v.appointment)
        .await
        .expect("payments");
    assert_eq!(
        seen.refund_reason(p.id),
        Some("Visit cancelled by the clinic")
    );
    assert_eq!(
        seen.due(),
        Some(Decimal::new(6000, 2)),
        "refunded is not paid"
    );
}

#[tokio::test]
async fn a_bad_fee_is_refused_under_its_field() {
    let env = TestEnv::new().await;
    let err = env
        .services
        .create_doctor(
            &Actor::System,
            &doctor_input("bad@x.org", "Cardiology", "sixty"),
            "a-long-password-1",
        )
        .await
        .expect_err("not an amount");
    assert!(err.to_string().starts_with("Fee: "), "{err}");
    assert_eq!(count(&env.pool, "SELECT COUNT(*) FROM doctors").await, 0);
}

#[tokio::test]
async fn specializations_are_one_normalised_list() {
    let env = TestEnv::new().await;
    let s = &env.services;
    let first = s
        .create_doctor(
            &Actor::System,
            &doctor_input("a@x.org", "Cardiology", ""),
            "a-long-password-1",
        )
        .await
        .expect("first");
    assert_eq!(first.specialization, "Cardiology");
    // The CLI's path (add_user) and the admin form's (create_doctor) normalise alike.
    let id = s
        .add_user(
            &Actor::System,
            NewAccount {
                role: Role::Doctor,
                email: "b@x.org".into(),
                full_name: "Dr B".into(),
                specialization: Some("cardiology ".into()),
                password: "a-long-password-1".into(),
            },
        )
        .await
        .expect("second");
    let second = s
        .admin_list_doctors(&Actor::System)
        .await
        .expect("list")
        .into_iter()
        .find(|d| d.id == id)
        .expect("second doctor");
    assert_eq!(second.specialization, "Cardiology");
    let third = s
        .create_doctor(
            &Actor::System,
            &doctor_input("c@x.org", "  general   practice ", ""),
            "a-long-password-1",
        )
        .await
        .expect("third");
    assert_eq!(third.specialization, "General practice");
    // A script writing the table directly gets the same rule from the triggers.
    sqlx::query(
        "INSERT INTO doctors (full_name, email, password_hash, specialization) \
         VALUES ('Dr D', 'd@x.org', '!', '  CARDIOLOGY'), ('Dr E', 'e@x.org', '!', 'new \t thing')",
    )
    .execute(&env.pool)
    .await
    .expect("raw insert");
    let raw: Vec<String> = sqlx::query_scalar(
        "SELECT specialization FROM doctors WHERE email IN ('d@x.org', 'e@x.org') ORDER BY email",
    )
    .fetch_all(&env.pool)
    .await
    .expect("raw rows");
    assert_eq!(
        raw,
        vec![
            "Cardiology".to_string(),
            normalise_specialization("new \t thing")
        ]
    );

    let names: Vec<String> = s
        .list_specializations()
        .await
        .expect("list")
        .into_iter()
        .map(|x| x.name)
        .collect();
    assert_eq!(names, vec!["Cardiology", "General practice", "New thing"]);

    // Added deliberately: normalised; a case-duplicate is refused, naming the one there.
    let err = s
        .add_specialization(&admin(1), "  CARDIOLOGY ")
        .await
        .expect_err("duplicate");
    assert!(matches!(err, ServiceError::Conflict(_)), "{err:?}");
    assert!(err.to_string().contains("\"Cardiology\""), "{err}");
    let added = s
        .add_specialization(&admin(1), " paediatric   surgery")
        .await
        .expect("new one");
    assert_eq!(added.name, "Paediatric surgery");
    let audited = count(
        &env.pool,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'SPECIALIZATION_CREATE' AND outcome = 'OK'",
    )
    .await;
    assert_eq!(audited, 1);
    let denied = s
        .add_specialization(&desk(2), "Oncology")
        .await
        .expect_err("only admins add");
    assert!(matches!(denied, ServiceError::Forbidden(_)));

    // "Any Cardiology doctor" finds every one of them, and the booking list shows one
    // Cardiology.
    let any = booking::doctors_for(&env.pool, Some("Cardiology"))
        .await
        .expect("any");
    assert_eq!(any.len(), 3, "{any:?}");
    let to_book = s.doctors_to_book(&desk(2)).await.expect("doctors");
    let mut specs: Vec<&str> = to_book.iter().map(|d| d.specialization.as_str()).collect();
    specs.sort_unstable();
    specs.dedup();
    assert_eq!(specs, vec!["Cardiology", "General practice", "New thing"]);
    // Editing a doctor normalises too.
    let edited = s
        .update_doctor(
            &Actor::System,
            third.id,
            &doctor_input("c@x.org", "cardiology", ""),
        )
        .await
        .expect("edit");
    assert_eq!(edited.specialization, "Cardiology");
}

#[tokio::test]
async fn the_audit_filters_find_people_by_name_and_search_by_id() {
    let env = TestEnv::new().await;
    let s = &env.services;
    let staff = s
        .add_user(
            &Actor::System,
            NewAccount {
                role: Role::FrontDesk,
                email: "sam@x.org".into(),
                full_name: "Sam Desk".into(),
                specialization: None,
                password: "a-long-password-1".into(),
            },
        )
        .await
        .expect("staff");
    let patient = patients::insert(
        &env.pool,
        &NewPatient {
            full_name: "Samira Patel".into(),
            email: "samira@x.org".into(),
            ..NewPatient::default()
        },
        "!",
    )
    .await
    .expect("patient");
    let found = s
        .find_people(&admin(1), "sam", false)
        .await
        .expect("people");
    let names: Vec<(&str, &str)> = found
        .iter()
        .map(|p| (p.full_name.as_str(), p.kind.as_str()))
        .collect();
    assert_eq!(
        names,
        vec![("Sam Desk", "FRONT_DESK"), ("Samira Patel", "PATIENT")]
    );
    let only = s
        .find_people(&admin(1), "SAM", true)
        .await
        .expect("patients");
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].id, patient);
    assert!(matches!(
        s.find_people(&desk(staff), "sam", false).await,
        Err(ServiceError::Forbidden(_))
    ));
    // A staff member's entries, whatever role they had then.
    let me = desk(staff);
    s.search_patients(&me, "Samira", 5).await.expect("a search");
    let entries = s
        .search_audit(
            &admin(1),
            &AuditFilter {
                actor_kind: Some("STAFF".into()),
                actor_id: Some(staff),
                limit: 100,
                ..AuditFilter::default()
            },
        )
        .await
        .expect("entries");
    assert!(!entries.is_empty());
    assert!(
        entries
            .iter()
            .all(|e| e.actor_id == Some(staff) && e.actor_kind == "FRONT_DESK")
    );
}
