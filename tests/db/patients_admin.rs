//! The patients-screen services against MariaDB: finding patients active or not,
//! editing details (front desk any, a patient only their own contact details, a doctor
//! never), deactivating and reactivating, and a patient's history; with their audit rows.

use crate::common;

use chrono::{DateTime, TimeZone, Utc};
use clinic::domain::appointment::AppointmentStatus;
use clinic::domain::payment::PaymentStatus;
use clinic::domain::{Actor, Role};
use clinic::service::patients::NewPatientInput;
use clinic::service::users::NewAccount;
use clinic::service::{Clock, ServiceError, Services};
use common::TestEnv;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .expect("time")
}

fn user(role: Role, id: i32) -> Actor {
    Actor::User {
        role,
        id,
        name: "Someone".into(),
        email: "someone@clinic.test".into(),
    }
}

fn input(name: &str, email: &str, phone: &str, born: &str) -> NewPatientInput {
    NewPatientInput {
        full_name: name.into(),
        email: email.into(),
        phone: phone.into(),
        date_of_birth: born.into(),
        gender: String::new(),
        confirm_duplicate: false,
    }
}

/// Two patients (Ana, Bruno) and a doctor; returns their ids.
async fn setup() -> (TestEnv, Services, i32, i32, i32) {
    let env = TestEnv::new().await;
    let services = env.services.clone().with_clock(Clock::Fixed(now()));
    let desk = user(Role::FrontDesk, 1);
    let ana = services
        .register_patient(
            &desk,
            input("Ana Lima", "ana@example.com", "020 7946 0958", "1990-02-28"),
        )
        .await
        .expect("ana")
        .id;
    let bruno = services
        .register_patient(&desk, input("Bruno Souza", "bruno@example.com", "", ""))
        .await
        .expect("bruno")
        .id;
    let doctor = services
        .add_user(
            &Actor::System,
            NewAccount {
                role: Role::Doctor,
                email: "grace@clinic.test".into(),
                full_name: "Grace Hopper".into(),
                specialization: Some("Cardiology".into()),
                password: "correct horse battery".into(),
            },
        )
        .await
        .expect("doctor");
    (env, services, ana, bruno, doctor)
}

async fn audit_count(env: &TestEnv, action: &str, outcome: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = ? AND outcome = ?")
        .bind(action)
        .bind(outcome)
        .fetch_one(&env.pool)
        .await
        .expect("count audit")
}

#[tokio::test]
async fn front_desk_edits_a_patient_doctor_is_refused_patient_edits_own_contact_only() {
    let (env, s, ana, bruno, doctor) = setup().await;
    let desk = user(Role::FrontDesk, 1);
    let mut change = input(
        "Ana Lima Souza",
        "ana.lima@example.com",
        "+44 20 7946 0000",
        "1990-02-28",
    );
    change.gender = "f".into();
    let saved = s
        .update_patient(&desk, ana, &change)
        .await
        .expect("desk edits");
    assert_eq!(saved.full_name, "Ana Lima Souza");
    assert_eq!(saved.email, "ana.lima@example.com");
    assert_eq!(saved.phone_number.as_deref(), Some("+44 20 7946 0000"));
    assert_eq!(saved.gender.map(|g| g.as_str()), Some("F"));
    assert_eq!(audit_count(&env, "PATIENT_UPDATE", "OK").await, 1);

    // A doctor may not edit patient records.
    let err = s
        .update_patient(&user(Role::Doctor, doctor), ana, &change)
        .await
        .expect_err("doctor refused");
    assert!(matches!(err, ServiceError::Forbidden(_)), "{err:?}");
    assert_eq!(audit_count(&env, "PATIENT_UPDATE", "DENIED").await, 1);

    // A patient: their own email and phone, yes.
    let me = user(Role::Patient, ana);
    let mut own = change.clone();
    own.email = "ana.new@example.com".into();
    own.phone = "020 7946 1111".into();
    let saved = s.update_patient(&me, ana, &own).await.expect("own contact");
    assert_eq!(saved.email, "ana.new@example.com");
    assert_eq!(saved.phone_number.as_deref(), Some("020 7946 1111"));
    // … but not their name or date of birth, and nobody else's record.
    let mut renamed = own.clone();
    renamed.full_name = "Someone Else".into();
    let err = s
        .update_patient(&me, ana, &renamed)
        .await
        .expect_err("name");
    assert!(matches!(err, ServiceError::Forbidden(_)), "{err:?}");
    let mut reborn = own.clone();
    reborn.date_of_birth = "1991-01-01".into();
    assert!(matches!(
        s.update_patient(&me, ana, &reborn).await,
        Err(ServiceError::Forbidden(_))
    ));
    let other = input("Bruno Souza", "bruno@example.com", "020 7946 2222", "");
    assert!(matches!(
        s.update_patient(&me, bruno, &other).await,
        Err(ServiceError::Forbidden(_))
    ));
    let stored = s.get_patient(&desk, ana).await.expect("read");
    assert_eq!(
        stored.full_name, "Ana Lima Souza",
        "unchanged by the refusals"
    );

    // Another patient's email is refused as a conflict; invalid input as a sentence.
    let mut taken = own.clone();
    taken.email = "bruno@example.com".into();
    let err = s
        .update_patient(&desk, ana, &taken)
        .await
        .expect_err("taken");
    assert!(matches!(err, ServiceError::Conflict(_)), "{err:?}");
    assert!(err.to_string().contains("bruno@example.com"));
    let mut bad = own.clone();
    bad.date_of_birth = "28/02/1990".into();
    let err = s
        .update_patient(&desk, ana, &bad)
        .await
        .expect_err("bad date");
    assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
    assert!(matches!(
        s.update_patient(&desk, 999_999, &own).await,
        Err(ServiceError::NotFound(_))
    ));
}

#[tokio::test]
async fn deactivated_patients_are_found_marked_and_can_be_reactivated() {
    let (env, s, ana, _bruno, doctor) = setup().await;
    let desk = user(Role::FrontDesk, 1);
    let p = s
        .set_patient_active(&desk, ana, false)
        .await
        .expect("deactivate");
    assert!(!p.is_active);
    assert_eq!(audit_count(&env, "ACCOUNT_DEACTIVATE", "OK").await, 1);
    // The booking search no longer lists her; the patients screen does, marked.
    assert!(
        s.search_patients(&desk, "ana", 10)
            .await
            .expect("search")
            .is_empty()
    );
    let found = s.find_patients(&desk, "ana", 10).await.expect("find");
    assert_eq!(found.len(), 1);
    assert!(!found[0].is_active);
    // Phone digits and email prefixes find patients too.
    assert_eq!(
        s.find_patients(&desk, "7946 0958", 10)
            .await
            .expect("phone")
            .len(),
        1
    );
    assert_eq!(
        s.find_patients(&desk, "bruno@", 10)
            .await
            .expect("email")
            .len(),
        1
    );
    assert!(
        s.find_patients(&desk, "  ", 10)
            .await
            .expect("empty")
            .is_empty()
    );
    // Doctors and patients may neither search the register nor (de)activate.
    for actor in [user(Role::Doctor, doctor), user(Role::Patient, ana)] {
        assert!(matches!(
            s.find_patients(&actor, "ana", 10).await,
            Err(ServiceError::Forbidden(_))
        ));
        assert!(matches!(
            s.set_patient_active(&actor, ana, true).await,
            Err(ServiceError::Forbidden(_))
        ));
    }
    // Admins may reactivate.
    let p = s
        .set_patient_active(&user(Role::Admin, 1), ana, true)
        .await
        .expect("reactivate");
    assert!(p.is_active);
    assert_eq!(audit_count(&env, "ACCOUNT_ACTIVATE", "OK").await, 1);
    assert_eq!(
        s.search_patients(&desk, "ana", 10)
            .await
            .expect("search")
            .len(),
        1
    );
    assert!(matches!(
        s.set_patient_active(&desk, 999_999, false).await,
        Err(ServiceError::NotFound(_))
    ));
}

#[tokio::test]
async fn history_lists_appointments_and_payments_for_staff_and_the_patient() {
    let (env, s, ana, bruno, doctor) = setup().await;
    for (at, status) in [
        ("2026-11-02 09:00:00", "COMPLETED"),
        ("2026-11-20 10:00:00", "CANCELLED"),
        ("2026-11-30 11:00:00", "BOOKED"),
    ] {
        sqlx::query(
            "INSERT INTO appointments (patient_id, doctor_id, appointment_time, duration_minutes, status, \
             cancel_reason) VALUES (?, ?, ?, 60, ?, IF(? = 'CANCELLED', 'ill', NULL))",
        )
        .bind(ana)
        .bind(doctor)
        .bind(at)
        .bind(status)
        .bind(status)
        .execute(&env.pool)
        .await
        .expect("appointment");
    }
    let first: i32 = sqlx::query_scalar(
        "SELECT id FROM appointments WHERE patient_id = ? AND status = 'COMPLETED'",
    )
    .bind(ana)
    .fetch_one(&env.pool)
    .await
    .expect("id");
    sqlx::query(
        "INSERT INTO payments (appointment_id, amount, payment_method, payment_status, transaction_id) \
         VALUES (?, 120.50, 'CARD', 'PAID', 'T-ana-1')",
    )
    .bind(first)
    .execute(&env.pool)
    .await
    .expect("payment");

    let desk = user(Role::FrontDesk, 1);
    let h = s.patient_history(&desk, ana).await.expect("history");
    assert_eq!(h.patient.id, ana);
    let statuses: Vec<AppointmentStatus> = h
        .appointments
        .iter()
        .map(|a| a.appointment.status)
        .collect();
    assert_eq!(
        statuses,
        vec![
            AppointmentStatus::Booked,
            AppointmentStatus::Cancelled,
            AppointmentStatus::Completed
        ],
        "newest first, cancelled included"
    );
    assert_eq!(h.appointments[0].doctor_name, "Grace Hopper");
    assert_eq!(h.payments.len(), 1);
    assert_eq!(h.payments[0].status, PaymentStatus::Paid);
    assert_eq!(h.payments[0].appointment_id, first);
    assert_eq!(audit_count(&env, "PATIENT_HISTORY", "OK").await, 1);

    // The patient reads their own; not someone else's. Doctors are refused.
    let own = s
        .patient_history(&user(Role::Patient, ana), ana)
        .await
        .expect("own history");
    assert_eq!(own.appointments.len(), 3);
    assert!(matches!(
        s.patient_history(&user(Role::Patient, bruno), ana).await,
        Err(ServiceError::Forbidden(_))
    ));
    assert!(matches!(
        s.patient_history(&user(Role::Doctor, doctor), ana).await,
        Err(ServiceError::Forbidden(_))
    ));
    assert_eq!(audit_count(&env, "PATIENT_HISTORY", "DENIED").await, 2);
    // A deactivated patient's history stays.
    s.set_patient_active(&desk, ana, false)
        .await
        .expect("deactivate");
    let kept = s.patient_history(&desk, ana).await.expect("kept");
    assert_eq!(kept.appointments.len(), 3);
    assert_eq!(kept.payments.len(), 1);
    assert!(!kept.patient.is_active);
}
