//! Booking against MariaDB: no double booking under contention (tasks and processes),
//! availability, time off, patient overlaps, cancel and rebook, reschedule history,
//! permissions and audit.

use crate::common;

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use clinic::domain::appointment::AppointmentStatus;
use clinic::domain::appointment::ListFilter;
use clinic::domain::availability::{TimeOff, Window};
use clinic::domain::person::{NewDoctor, NewPatient};
use clinic::domain::{Actor, Role};
use clinic::service::booking::BookingRequest;
use clinic::service::{Clock, ServiceError, Services};
use clinic::store::mysql::{availability, patients, people};
use common::TestEnv;

/// Monday 23 November 2026, 08:00 UTC (08:00 in London).
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0)
        .single()
        .expect("time")
}

/// A London local time on a November 2026 day (UTC+0 then).
fn at(day: u32, h: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, day)
        .expect("date")
        .and_hms_opt(h, m, 0)
        .expect("time")
}

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("time")
}

struct Clinic {
    env: TestEnv,
    services: Services,
    doctor: i32,
    other_doctor: i32,
    patient: i32,
    other_patient: i32,
}

async fn doctor(env: &TestEnv, email: &str, days: &[Weekday]) -> i32 {
    let id = people::insert_doctor(
        &env.pool,
        &NewDoctor {
            full_name: format!("Dr. {email}"),
            email: email.into(),
            specialization: "General Practice".into(),
            ..NewDoctor::default()
        },
        "!",
    )
    .await
    .expect("doctor");
    for day in days {
        for (s, e) in [(t(9, 0), t(12, 0)), (t(13, 0), t(17, 0))] {
            availability::insert_window(
                &env.pool,
                id,
                &Window {
                    weekday: *day,
                    start: s,
                    end: e,
                    location_id: None,
                },
            )
            .await
            .expect("window");
        }
    }
    id
}

async fn patient(env: &TestEnv, email: &str) -> i32 {
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
    .expect("patient")
}

async fn clinic() -> Clinic {
    let env = TestEnv::new().await;
    let weekdays = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];
    let doctor_id = doctor(&env, "doc@x.org", &weekdays).await;
    let other_doctor = doctor(&env, "doc2@x.org", &weekdays).await;
    let patient_id = patient(&env, "pat@x.org").await;
    let other_patient = patient(&env, "pat2@x.org").await;
    let services = env.services.clone().with_clock(Clock::Fixed(now()));
    Clinic {
        env,
        services,
        doctor: doctor_id,
        other_doctor,
        patient: patient_id,
        other_patient,
    }
}

fn req(doctor: i32, patient: i32, start: NaiveDateTime) -> BookingRequest {
    BookingRequest {
        patient_id: patient,
        doctor_id: doctor,
        start_utc: start,
        duration_minutes: None,
    }
}

fn desk() -> Actor {
    Actor::User {
        role: Role::FrontDesk,
        id: 1,
        name: "Desk".into(),
        email: "desk@x.org".into(),
    }
}

async fn active_count(env: &TestEnv, doctor: i32) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM appointments WHERE doctor_id = ? AND status <> 'CANCELLED'",
    )
    .bind(doctor)
    .fetch_one(&env.pool)
    .await
    .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_overlapping_bookings_one_wins() {
    let c = clinic().await;
    // 50 patients, 50 connections, 50 mutually overlapping hours (10:00..10:25 starts).
    let mut patient_ids = Vec::new();
    for i in 0..50 {
        patient_ids.push(patient(&c.env, &format!("race{i}@x.org")).await);
    }
    let pool = clinic::store::mysql::connect(&common::mysql_url_for(&c.env.db_name), 50)
        .await
        .expect("pool");
    let services = Services::new(pool, c.env.mongo.clone(), c.env.config.clone())
        .with_clock(Clock::Fixed(now()));
    let barrier = Arc::new(tokio::sync::Barrier::new(50));
    let mut tasks = Vec::new();
    for (i, pid) in patient_ids.into_iter().enumerate() {
        let services = services.clone();
        let barrier = barrier.clone();
        let doctor = c.doctor;
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let start = at(24, 10, 0) + Duration::minutes(5 * (i as i64 % 6));
            services.book(&Actor::System, req(doctor, pid, start)).await
        }));
    }
    let mut ok = 0;
    let mut refusals = Vec::new();
    for task in tasks {
        match task.await.expect("task") {
            Ok(_) => ok += 1,
            Err(e) => refusals.push(e),
        }
    }
    assert_eq!(ok, 1, "exactly one booking wins; refusals: {refusals:?}");
    assert!(
        refusals
            .iter()
            .all(|e| matches!(e, ServiceError::Conflict(_))),
        "every loser is told the time is taken: {refusals:?}"
    );
    assert_eq!(active_count(&c.env, c.doctor).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_clinic_processes_book_one_slot_once() {
    let env = TestEnv::new().await;
    let all_days = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    let doctor_id = doctor(&env, "doc@x.org", &all_days).await;
    for i in 0..8 {
        patient(&env, &format!("p{i}@x.org")).await;
    }
    // A week ahead of the real clock: the processes use the system time.
    let day = (Utc::now() + Duration::days(7)).date_naive();
    let state = std::env::temp_dir().join(format!("clinic-race-{}", env.db_name));
    let mut children = Vec::new();
    for i in 0..8 {
        let when = format!("{} 10:{:02}", day.format("%Y-%m-%d"), (i % 4) * 10);
        children.push(
            std::process::Command::new(env!("CARGO_BIN_EXE_clinic"))
                .args([
                    "appointments",
                    "book",
                    "--patient",
                    &format!("p{i}@x.org"),
                    "--doctor",
                    "doc@x.org",
                ])
                .args(["--at", &when, "--json"])
                .env("DATABASE_URL", common::mysql_url_for(&env.db_name))
                .env("MONGODB_URI", common::base_mongo_uri())
                .env("MONGODB_DATABASE", &env.db_name)
                .env("CLINIC_TZ", "UTC")
                .env("XDG_CONFIG_HOME", &state)
                .env("XDG_STATE_HOME", &state)
                .env_remove("CLINIC_CONFIG")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn clinic"),
        );
    }
    let outputs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().expect("wait"))
        .collect();
    let winners: Vec<_> = outputs.iter().filter(|o| o.status.success()).collect();
    assert_eq!(
        winners.len(),
        1,
        "{:?}",
        outputs
            .iter()
            .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
            .collect::<Vec<_>>()
    );
    let json: serde_json::Value =
        serde_json::from_slice(&winners[0].stdout).expect("json on stdout");
    assert_eq!(json["status"], "BOOKED");
    for loser in outputs.iter().filter(|o| !o.status.success()) {
        let err = String::from_utf8_lossy(&loser.stderr);
        assert!(
            err.starts_with("clinic: ") && err.contains("pick another time"),
            "{err}"
        );
    }
    assert_eq!(active_count(&env, doctor_id).await, 1);
}

#[tokio::test]
async fn a_patient_cannot_hold_two_overlapping_appointments() {
    let c = clinic().await;
    c.services
        .book(&desk(), req(c.doctor, c.patient, at(24, 10, 0)))
        .await
        .expect("first");
    let err = c
        .services
        .book(&desk(), req(c.other_doctor, c.patient, at(24, 10, 30)))
        .await
        .expect_err("overlap with the patient's own appointment");
    assert_eq!(
        err.to_string(),
        "The patient already has an appointment at Tue 24 Nov 10:00."
    );
    // Back to back is fine.
    c.services
        .book(&desk(), req(c.other_doctor, c.patient, at(24, 11, 0)))
        .await
        .expect("adjacent");
}

#[tokio::test]
async fn outside_availability_in_time_off_and_in_the_past_are_refused() {
    let c = clinic().await;
    let err = c
        .services
        .book(&desk(), req(c.doctor, c.patient, at(24, 17, 30)))
        .await
        .expect_err("after hours");
    assert!(
        err.to_string().contains("does not cover 17:30–18:30"),
        "{err}"
    );
    let err = c
        .services
        .book(&desk(), req(c.doctor, c.patient, at(24, 11, 30)))
        .await
        .expect_err("runs into the lunch break");
    assert!(matches!(err, ServiceError::Invalid(_)), "{err}");
    let err = c
        .services
        .book(&desk(), req(c.doctor, c.patient, at(28, 10, 0)))
        .await
        .expect_err("Saturday");
    assert!(matches!(err, ServiceError::Invalid(_)), "{err}");

    availability::insert_time_off(
        &c.env.pool,
        c.doctor,
        &TimeOff {
            start_utc: at(25, 0, 0),
            end_utc: at(26, 0, 0),
            reason: "Conference".into(),
        },
    )
    .await
    .expect("time off");
    let err = c
        .services
        .book(&desk(), req(c.doctor, c.patient, at(25, 10, 0)))
        .await
        .expect_err("time off");
    assert_eq!(err.to_string(), "That time falls in time off: Conference.");

    let err = c
        .services
        .book(&desk(), req(c.doctor, c.patient, at(23, 7, 0)))
        .await
        .expect_err("past");
    assert!(err.to_string().contains("in the past"), "{err}");
    assert_eq!(active_count(&c.env, c.doctor).await, 0);
    let failed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'APPOINTMENT_BOOK' AND outcome = 'FAILED'",
    )
    .fetch_one(&c.env.pool)
    .await
    .expect("count");
    assert_eq!(failed, 5, "every refusal is audited");
}

#[tokio::test]
async fn a_cancelled_slot_can_be_booked_again_and_cancelling_needs_a_reason() {
    let c = clinic().await;
    let a = c
        .services
        .book(&desk(), req(c.doctor, c.patient, at(24, 9, 0)))
        .await
        .expect("book");
    let err = c
        .services
        .cancel(&desk(), a.id, "  ")
        .await
        .expect_err("reason");
    assert_eq!(err.to_string(), "Reason is required.");
    let cancelled = c
        .services
        .cancel(&desk(), a.id, "Patient unwell")
        .await
        .expect("cancel");
    assert_eq!(cancelled.status, AppointmentStatus::Cancelled);
    let again = c
        .services
        .cancel(&desk(), a.id, "twice")
        .await
        .expect_err("already cancelled");
    assert!(again.to_string().contains("already cancelled"), "{again}");
    let b = c
        .services
        .book(&desk(), req(c.doctor, c.other_patient, at(24, 9, 0)))
        .await
        .expect("the freed slot");
    assert_ne!(a.id, b.id);
    let history = c
        .services
        .appointment_history(&desk(), a.id)
        .await
        .expect("history");
    let steps: Vec<_> = history
        .iter()
        .map(|h| (h.from_status, h.to_status, h.reason.clone()))
        .collect();
    assert_eq!(
        steps,
        vec![
            (None, AppointmentStatus::Booked, None),
            (
                Some(AppointmentStatus::Booked),
                AppointmentStatus::Cancelled,
                Some("Patient unwell".to_string())
            ),
        ]
    );
}

#[tokio::test]
async fn reschedule_moves_in_one_step_and_keeps_history() {
    let c = clinic().await;
    let a = c
        .services
        .book(&desk(), req(c.doctor, c.patient, at(24, 9, 0)))
        .await
        .expect("book");
    let blocker = c
        .services
        .book(&desk(), req(c.doctor, c.other_patient, at(24, 14, 0)))
        .await
        .expect("another");
    let err = c
        .services
        .reschedule(&desk(), a.id, at(24, 14, 30), None)
        .await
        .expect_err("onto another booking");
    assert!(matches!(err, ServiceError::Conflict(_)), "{err}");
    // Overlapping its own old time is fine: the appointment does not block itself.
    let moved = c
        .services
        .reschedule(&desk(), a.id, at(24, 9, 30), Some(30))
        .await
        .expect("reschedule");
    assert_eq!(
        (moved.id, moved.start_utc, moved.duration_minutes),
        (a.id, at(24, 9, 30), 30)
    );
    let history = c
        .services
        .appointment_history(&desk(), a.id)
        .await
        .expect("history");
    let last = history.last().expect("a history row");
    assert_eq!(
        (last.old_time, last.new_time),
        (Some(at(24, 9, 0)), Some(at(24, 9, 30)))
    );
    // The old hour is free for others now.
    c.services
        .book(&desk(), req(c.doctor, c.other_patient, at(24, 10, 0)))
        .await
        .expect("the freed hour");
    assert_eq!(active_count(&c.env, c.doctor).await, 3);
    assert_ne!(blocker.id, a.id);
}

#[tokio::test]
async fn roles_book_only_what_is_theirs_and_outcomes_follow_the_rules() {
    let c = clinic().await;
    let doctor_actor = Actor::User {
        role: Role::Doctor,
        id: c.doctor,
        name: "Doc".into(),
        email: "doc@x.org".into(),
    };
    let patient_actor = Actor::User {
        role: Role::Patient,
        id: c.patient,
        name: "Pat".into(),
        email: "pat@x.org".into(),
    };
    c.services
        .book(&doctor_actor, req(c.doctor, c.patient, at(24, 9, 0)))
        .await
        .expect("a doctor books on their own schedule");
    let err = c
        .services
        .book(&doctor_actor, req(c.other_doctor, c.patient, at(24, 13, 0)))
        .await
        .expect_err("not on another doctor's schedule");
    assert!(matches!(err, ServiceError::Forbidden(_)));
    let own = c
        .services
        .book(
            &patient_actor,
            req(c.other_doctor, c.patient, at(24, 13, 0)),
        )
        .await
        .expect("a patient books their own");
    let err = c
        .services
        .book(
            &patient_actor,
            req(c.other_doctor, c.other_patient, at(24, 15, 0)),
        )
        .await
        .expect_err("not for someone else");
    assert!(matches!(err, ServiceError::Forbidden(_)));
    let err = c
        .services
        .mark_outcome(&patient_actor, own.id, AppointmentStatus::Completed)
        .await
        .expect_err("patients do not mark outcomes");
    assert!(matches!(err, ServiceError::Forbidden(_)));
    let err = c
        .services
        .mark_outcome(&desk(), own.id, AppointmentStatus::Completed)
        .await
        .expect_err("not before it happens");
    assert!(err.to_string().contains("not started yet"), "{err}");
    let later = c
        .services
        .clone()
        .with_clock(Clock::Fixed(now() + Duration::days(2)));
    let done = later
        .mark_outcome(&desk(), own.id, AppointmentStatus::NoShow)
        .await
        .expect("front desk marks a no-show");
    assert_eq!(done.status, AppointmentStatus::NoShow);

    // Lists are scoped to the person.
    let mine = c
        .services
        .list_appointments(&patient_actor, ListFilter::default())
        .await
        .expect("list");
    assert!(mine.iter().all(|v| v.appointment.patient_id == c.patient) && mine.len() == 2);
    let docs = c
        .services
        .list_appointments(&doctor_actor, ListFilter::default())
        .await
        .expect("list");
    assert!(docs.iter().all(|v| v.appointment.doctor_id == c.doctor) && docs.len() == 1);
    let denied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE outcome = 'DENIED'")
        .fetch_one(&c.env.pool)
        .await
        .expect("count");
    assert_eq!(denied, 3);
}

#[tokio::test]
async fn free_slots_skip_bookings_and_first_available_spans_doctors() {
    let c = clinic().await;
    c.services
        .book(&desk(), req(c.doctor, c.patient, at(23, 9, 0)))
        .await
        .expect("book");
    let slots = c
        .services
        .free_slots(
            c.doctor,
            NaiveDate::from_ymd_opt(2026, 11, 23).expect("date"),
            1,
            None,
        )
        .await
        .expect("slots");
    let first = slots.first().expect("a slot");
    assert_eq!(
        first.start_utc,
        at(23, 10, 0),
        "09:00 is taken, 08:00 is before opening"
    );
    assert!(slots.iter().all(|s| s.start_utc >= at(23, 10, 0)));
    let any = c
        .services
        .first_available(
            Some("General Practice"),
            None,
            NaiveDate::from_ymd_opt(2026, 11, 23).expect("date"),
            7,
            None,
        )
        .await
        .expect("first available");
    assert_eq!(any.len(), 2);
    assert_eq!(any[0].slot.start_utc, at(23, 9, 0));
    assert_eq!(any[0].doctor_id, c.other_doctor);
}

#[tokio::test]
async fn free_times_can_be_limited_to_one_location() {
    let c = clinic().await;
    let north = clinic::store::mysql::locations::insert(
        &c.env.pool,
        &clinic::domain::person::NewLocation {
            name: "North".into(),
            address: "1 North Rd".into(),
            ..Default::default()
        },
    )
    .await
    .expect("location");
    // Saturdays at North only.
    availability::insert_window(
        &c.env.pool,
        c.doctor,
        &Window {
            weekday: Weekday::Sat,
            start: t(9, 0),
            end: t(12, 0),
            location_id: Some(north),
        },
    )
    .await
    .expect("window");
    let monday = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let everywhere = c
        .services
        .free_slots_of(&[c.doctor], None, monday, 7, None)
        .await
        .expect("slots");
    let at_north = c
        .services
        .free_slots_of(&[c.doctor], Some(north), monday, 7, None)
        .await
        .expect("slots");
    assert!(everywhere[0].1.len() > at_north[0].1.len());
    assert!(!at_north[0].1.is_empty());
    assert!(at_north[0].1.iter().all(|s| s.location_id == Some(north)));
    let first = c
        .services
        .first_available(Some("General Practice"), Some(north), monday, 7, None)
        .await
        .expect("first available");
    assert_eq!(first.len(), 1, "only the doctor who works at North");
    assert_eq!(first[0].slot.start_utc, at(28, 9, 0));
}
