//! Migrations and a round trip through every table and both collections, against the
//! real servers.

use crate::common;

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use clinic::domain::appointment::{AppointmentStatus, NewAppointment, StatusChange};
use clinic::domain::audit::{AuditEvent, Outcome};
use clinic::domain::availability::{TimeOff, Window};
use clinic::domain::payment::{NewPayment, PaymentMethod, PaymentStatus};
use clinic::domain::person::{NewDoctor, NewLocation, NewPatient};
use clinic::domain::prescription::{Attachment, ClinicalNotes, Medication, Prescription};
use clinic::domain::{AccountKind, Actor, Gender, Role};
use clinic::store::mongo::prescriptions as rx;
use clinic::store::mysql::{
    accounts, appointments, audit, availability, locations, patients, payments, people, throttle,
};
use common::TestEnv;
use futures::TryStreamExt;
use rust_decimal::Decimal;
use sqlx::Row;

async fn table_names(pool: &sqlx::MySqlPool) -> Vec<String> {
    sqlx::query("SELECT CAST(table_name AS CHAR) AS t FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name")
        .fetch_all(pool)
        .await
        .expect("list tables")
        .iter()
        .map(|r| r.try_get::<String, _>("t").expect("name"))
        .collect()
}

#[tokio::test]
async fn migrations_apply_to_an_empty_database_and_again_with_no_change() {
    let env = TestEnv::new().await;
    let tables = table_names(&env.pool).await;
    for t in [
        "admins",
        "appointment_status_history",
        "appointments",
        "audit_log",
        "clinic_locations",
        "doctor_availability",
        "doctor_time_off",
        "doctors",
        "login_throttle",
        "patients",
        "payments",
    ] {
        assert!(
            tables.iter().any(|x| x == t),
            "table {t} missing from {tables:?}"
        );
    }
    let applied: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success = 1")
            .fetch_one(&env.pool)
            .await
            .expect("count migrations");
    assert_eq!(
        applied as usize,
        clinic::store::mysql::MIGRATOR.iter().count()
    );

    // Again: nothing changes.
    env.services.migrate().await.expect("second migrate");
    assert_eq!(table_names(&env.pool).await, tables);
    let again: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(&env.pool)
        .await
        .expect("count");
    assert_eq!(again, applied);

    // MongoDB indexes exist, and the appointment one is unique.
    let names: Vec<String> = env
        .mongo
        .collection::<mongodb::bson::Document>("prescriptions")
        .list_index_names()
        .await
        .expect("index names");
    for n in ["uq_appointment_id", "ix_patient", "ix_doctor", "ix_tags"] {
        assert!(names.iter().any(|x| x == n), "index {n} missing: {names:?}");
    }
    let history: Vec<String> = env
        .mongo
        .collection::<mongodb::bson::Document>("prescription_history")
        .list_index_names()
        .await
        .expect("history index names");
    assert!(
        history.iter().any(|x| x == "uq_prescription_version"),
        "{history:?}"
    );
}

#[tokio::test]
async fn every_table_round_trips() {
    let env = TestEnv::new().await;
    let db = &env.pool;

    let loc = NewLocation {
        name: "Central — Ünïcode".into(),
        address: "1 Main St".into(),
        phone_number: Some("+1 555 0100".into()),
        operating_hours: Some("Mon-Fri 8am-6pm".into()),
    };
    let loc_id = locations::insert(db, &loc).await.expect("location");
    let listed = locations::list(db).await.expect("list locations");
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].id, listed[0].name.as_str()),
        (loc_id, loc.name.as_str())
    );
    assert_eq!(listed[0].operating_hours, loc.operating_hours);

    let staff_id = people::insert_staff(db, "Fran Desk", "fran@x.org", Role::FrontDesk, "hash-f")
        .await
        .expect("staff");
    let staff = people::get_staff(db, staff_id)
        .await
        .expect("get staff")
        .expect("exists");
    assert_eq!(
        (staff.role, staff.email.as_str(), staff.is_active),
        (Role::FrontDesk, "fran@x.org", true)
    );
    let creds = accounts::find_by_email(db, AccountKind::Staff, "fran@x.org")
        .await
        .expect("creds")
        .expect("exists");
    assert_eq!(
        (creds.role.as_str(), creds.password_hash.as_str()),
        ("FRONT_DESK", "hash-f")
    );

    let doctor = NewDoctor {
        full_name: "Dr. Ana Silva".into(),
        email: "ana@x.org".into(),
        specialization: "Cardiology".into(),
        phone_number: None,
        bio: Some("Heart things.".into()),
    };
    let doc_id = people::insert_doctor(db, &doctor, "hash-d")
        .await
        .expect("doctor");
    let got = people::get_doctor(db, doc_id)
        .await
        .expect("get doctor")
        .expect("exists");
    assert_eq!(
        (got.full_name, got.specialization, got.bio),
        (doctor.full_name, doctor.specialization, doctor.bio)
    );

    let patient = NewPatient {
        full_name: "Robert'); DROP TABLE patients;--".into(),
        email: "bob@x.org".into(),
        phone_number: Some("+44 20 7946 0958".into()),
        date_of_birth: NaiveDate::from_ymd_opt(1980, 2, 29),
        gender: Some(Gender::M),
    };
    let pat_id = patients::insert(db, &patient, patients::NO_PORTAL_ACCESS)
        .await
        .expect("patient");
    let got = patients::get(db, pat_id)
        .await
        .expect("get patient")
        .expect("exists");
    assert_eq!(got.full_name, patient.full_name, "stored verbatim");
    assert_eq!(
        (got.date_of_birth, got.gender, got.has_portal_access),
        (patient.date_of_birth, Some(Gender::M), false)
    );
    assert!(
        patients::set_active(db, pat_id, false)
            .await
            .expect("deactivate")
    );
    assert!(
        !patients::get(db, pat_id)
            .await
            .expect("get")
            .expect("exists")
            .is_active
    );

    let window = Window {
        weekday: Weekday::Tue,
        start: NaiveTime::from_hms_opt(9, 0, 0).expect("time"),
        end: NaiveTime::from_hms_opt(12, 30, 0).expect("time"),
        location_id: Some(loc_id),
    };
    availability::insert_window(db, doc_id, &window)
        .await
        .expect("window");
    let windows = availability::windows(db, doc_id).await.expect("windows");
    assert_eq!(windows.len(), 1);
    assert_eq!(windows[0].window, window);

    let t0 = NaiveDate::from_ymd_opt(2026, 12, 24)
        .expect("date")
        .and_hms_opt(0, 0, 0)
        .expect("time");
    let off = TimeOff {
        start_utc: t0,
        end_utc: t0 + Duration::days(2),
        reason: "Holidays".into(),
    };
    availability::insert_time_off(db, doc_id, &off)
        .await
        .expect("time off");
    let found = availability::time_off(db, doc_id, t0 - Duration::days(1), t0 + Duration::days(1))
        .await
        .expect("time off");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].time_off, off);

    let start = NaiveDate::from_ymd_opt(2026, 12, 1)
        .expect("date")
        .and_hms_opt(9, 0, 0)
        .expect("time");
    let appt = NewAppointment {
        patient_id: pat_id,
        doctor_id: doc_id,
        location_id: Some(loc_id),
        start_utc: start,
        duration_minutes: 45,
    };
    let appt_id = appointments::insert(
        db,
        &appt,
        AppointmentStatus::Booked,
        "FRONT_DESK",
        Some(staff_id),
    )
    .await
    .expect("appointment");
    let got = appointments::get(db, appt_id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(
        (got.start_utc, got.duration_minutes, got.status),
        (start, 45, AppointmentStatus::Booked)
    );
    assert_eq!(got.end_utc(), start + Duration::minutes(45));
    let listed = appointments::list_for_doctor(
        db,
        doc_id,
        start - Duration::hours(1),
        start + Duration::hours(1),
    )
    .await
    .expect("list");
    assert_eq!(listed.len(), 1);

    let change = StatusChange {
        appointment_id: appt_id,
        from_status: None,
        to_status: AppointmentStatus::Booked,
        old_time: None,
        new_time: Some(start),
        reason: None,
        changed_by_kind: "FRONT_DESK".into(),
        changed_by_id: Some(staff_id),
        changed_at: start - Duration::days(3),
    };
    appointments::insert_history(db, &change)
        .await
        .expect("history");
    assert_eq!(
        appointments::history(db, appt_id).await.expect("history"),
        vec![change]
    );

    let pay = NewPayment {
        appointment_id: appt_id,
        amount: Decimal::new(12345, 2),
        method: PaymentMethod::BankTransfer,
        status: PaymentStatus::Paid,
        transaction_id: "TX-1".into(),
    };
    payments::insert(db, &pay, "FRONT_DESK", Some(staff_id), start)
        .await
        .expect("payment");
    let got = payments::list_for_appointment(db, appt_id)
        .await
        .expect("payments");
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0].amount, got[0].method, got[0].status),
        (
            Decimal::new(12345, 2),
            PaymentMethod::BankTransfer,
            PaymentStatus::Paid
        )
    );
    assert_eq!(
        got[0].created_at.naive_utc(),
        start,
        "payment time set by the service clock"
    );
    assert_eq!(got[0].amount.to_string(), "123.45");
    let dup = payments::insert(db, &pay, "FRONT_DESK", None, start)
        .await
        .expect_err("duplicate transaction id");
    assert!(clinic::store::mysql::is_unique_violation(&dup));

    let actor = Actor::User {
        role: Role::FrontDesk,
        id: staff_id,
        name: "Fran".into(),
        email: "fran@x.org".into(),
    };
    let event = AuditEvent::by(&actor, "PAYMENT_CREATE", "payment")
        .entity_id(1)
        .patient(pat_id)
        .detail("123.45");
    audit::append(db, start, &event).await.expect("audit");
    let rows = audit::recent(db, Some("PAYMENT_CREATE"), 10)
        .await
        .expect("recent");
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (
            rows[0].actor_kind.as_str(),
            rows[0].actor_id,
            rows[0].patient_id,
            rows[0].outcome,
            rows[0].occurred_at
        ),
        (
            "FRONT_DESK",
            Some(staff_id),
            Some(pat_id),
            Outcome::Ok,
            start
        )
    );

    let n = throttle::reserve_attempt(db, AccountKind::Staff, "x@y.org", start, |_| None)
        .await
        .expect("failure");
    assert_eq!(n, throttle::Reservation::Counted(1));
    assert_eq!(
        throttle::get(db, AccountKind::Staff, "x@y.org")
            .await
            .expect("get")
            .failed_count,
        1
    );
    throttle::reset(db, AccountKind::Staff, "x@y.org")
        .await
        .expect("reset");
    assert_eq!(
        throttle::get(db, AccountKind::Staff, "x@y.org")
            .await
            .expect("get")
            .failed_count,
        0
    );
}

#[tokio::test]
async fn cancelled_rows_free_the_unique_doctor_slot() {
    let env = TestEnv::new().await;
    let db = &env.pool;
    let doc = people::insert_doctor(
        db,
        &NewDoctor {
            full_name: "Dr. A".into(),
            email: "a@x.org".into(),
            specialization: "GP".into(),
            ..NewDoctor::default()
        },
        "h",
    )
    .await
    .expect("doctor");
    let pat = patients::insert(
        db,
        &NewPatient {
            full_name: "P".into(),
            email: "p@x.org".into(),
            ..NewPatient::default()
        },
        "!",
    )
    .await
    .expect("patient");
    let start = NaiveDate::from_ymd_opt(2027, 1, 5)
        .expect("date")
        .and_hms_opt(10, 0, 0)
        .expect("time");
    let a = NewAppointment {
        patient_id: pat,
        doctor_id: doc,
        location_id: None,
        start_utc: start,
        duration_minutes: 60,
    };
    let first = appointments::insert(db, &a, AppointmentStatus::Booked, "SYSTEM", None)
        .await
        .expect("first");
    let dup = appointments::insert(db, &a, AppointmentStatus::Booked, "SYSTEM", None)
        .await
        .expect_err("same doctor, same time");
    assert!(clinic::store::mysql::is_unique_violation(&dup));
    // A cancellation needs a reason (CHECK) and frees the slot.
    assert!(
        appointments::set_status(db, first, AppointmentStatus::Cancelled, None)
            .await
            .is_err()
    );
    let at = Utc
        .with_ymd_and_hms(2027, 1, 1, 0, 0, 0)
        .single()
        .expect("time")
        .naive_utc();
    appointments::set_status(
        db,
        first,
        AppointmentStatus::Cancelled,
        Some(("Patient unwell", "SYSTEM", None, at)),
    )
    .await
    .expect("cancel");
    appointments::insert(db, &a, AppointmentStatus::Booked, "SYSTEM", None)
        .await
        .expect("rebook the cancelled slot");
    let cancelled = appointments::get(db, first)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(
        (
            cancelled.status,
            cancelled.cancel_reason.as_deref(),
            cancelled.cancelled_at
        ),
        (
            AppointmentStatus::Cancelled,
            Some("Patient unwell"),
            Some(at)
        )
    );
}

fn sample_prescription(appointment_id: i32) -> Prescription {
    let t = Utc
        .with_ymd_and_hms(2025, 6, 1, 9, 45, 0)
        .single()
        .expect("time");
    Prescription {
        id: None,
        appointment_id,
        doctor_id: 53,
        patient_id: 78,
        date_issued: t,
        medications: vec![
            Medication {
                name: "Amoxicillin".into(),
                dosage: "500mg".into(),
                frequency: "3 times a day".into(),
                duration_days: Some(7),
                notes: "Take after meals".into(),
            },
            Medication {
                name: "Ibuprofène — 布洛芬".into(),
                dosage: "200mg".into(),
                frequency: "As needed".into(),
                duration_days: Some(5),
                notes: "Do not exceed 1200mg/day".into(),
            },
        ],
        notes: ClinicalNotes {
            chief_complaint: "Persistent sore throat and mild fever.".into(),
            diagnosis: "Suspected bacterial pharyngitis.".into(),
            recommendations: "Increase fluid intake and rest.".into(),
        },
        tags: vec!["infection".into(), "antibiotics".into()],
        attachments: vec![Attachment {
            kind: "pdf".into(),
            file_name: "throat_scan_results.pdf".into(),
            url: "https://example.org/scan_1025.pdf".into(),
        }],
        created_at: t + Duration::minutes(5),
        last_updated: t + Duration::minutes(5),
        version: 1,
    }
}

#[tokio::test]
async fn prescriptions_round_trip_in_the_seed_shape() {
    let env = TestEnv::new().await;
    let p = sample_prescription(1025);
    let id = rx::insert(&env.mongo, &p).await.expect("insert");
    let got = rx::find_by_appointment(&env.mongo, 1025)
        .await
        .expect("find")
        .expect("exists");
    assert_eq!(
        got,
        Prescription {
            id: Some(id.clone()),
            ..p.clone()
        }
    );

    // The raw document uses the seed's field names exactly.
    let raw = env
        .mongo
        .collection::<mongodb::bson::Document>("prescriptions")
        .find_one(mongodb::bson::doc! { "appointment_id": 1025 })
        .await
        .expect("raw")
        .expect("exists");
    let mut keys: Vec<&str> = raw.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "_id",
            "appointment_id",
            "attachments",
            "created_at",
            "date_issued",
            "doctor_id",
            "last_updated",
            "medications",
            "notes",
            "patient_id",
            "tags",
            "version"
        ]
    );
    let med = raw.get_array("medications").expect("array")[0]
        .as_document()
        .expect("doc")
        .clone();
    let mut med_keys: Vec<&str> = med.keys().map(String::as_str).collect();
    med_keys.sort_unstable();
    assert_eq!(
        med_keys,
        ["dosage", "duration_days", "frequency", "name", "notes"]
    );
    let att = raw.get_array("attachments").expect("array")[0]
        .as_document()
        .expect("doc")
        .clone();
    assert_eq!(att.get_str("type").expect("type"), "pdf");
    assert!(
        raw.get_datetime("date_issued").is_ok(),
        "dates are BSON dates"
    );

    // Unique per appointment.
    let dup = rx::insert(&env.mongo, &p)
        .await
        .expect_err("second prescription for one appointment");
    assert!(rx::is_duplicate_key(&dup), "{dup}");

    // Versioned replace and history.
    rx::archive(&env.mongo, &id, &got, Utc::now())
        .await
        .expect("archive v1");
    let mut v2 = got.clone();
    v2.version = 2;
    v2.tags.push("follow-up-needed".into());
    assert!(
        rx::replace_if_version(&env.mongo, &v2, 1)
            .await
            .expect("replace")
    );
    assert!(
        !rx::replace_if_version(&env.mongo, &v2, 1)
            .await
            .expect("stale replace"),
        "stale version refused"
    );
    let now = rx::find_by_appointment(&env.mongo, 1025)
        .await
        .expect("find")
        .expect("exists");
    assert_eq!((now.version, now.tags.len()), (2, 3));
    let history = rx::history_for_appointment(&env.mongo, 1025)
        .await
        .expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].version, history[0].tags.len()), (1, 2));
    let raw_history: Vec<mongodb::bson::Document> = env
        .mongo
        .collection::<mongodb::bson::Document>("prescription_history")
        .find(mongodb::bson::doc! {})
        .await
        .expect("find")
        .try_collect()
        .await
        .expect("collect");
    assert_eq!(raw_history.len(), 1);
    assert!(raw_history[0].get_object_id("prescription_id").is_ok());
}
