//! Prescription load and save latency against the servers named by DATABASE_URL and
//! MONGODB_URI (a throwaway database is created and dropped on both). Prints a table:
//!
//!   cargo bench --bench prescriptions     # 500 iterations per scenario
//!   cargo test --bench prescriptions      # a 10-iteration smoke run (what CI does)
//!
//! Scenarios: through the service (permission check on the MySQL appointment, MongoDB
//! work, audit row), and the store calls alone: the previous save's writes (copy the
//! current version to `prescription_history`, replace filtered on the version, audit
//! row) against this one's (replace filtered on the version, then the copy of the new
//! version beside the audit row), with one document insert as the floor, alternating.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Duration as ChronoDuration, Utc};
use clinic::config::{Config, FileSettings, Overrides};
use clinic::domain::appointment::{AppointmentStatus, NewAppointment};
use clinic::domain::person::{NewDoctor, NewPatient};
use clinic::domain::prescription::{Medication, Prescription};
use clinic::domain::{Actor, Role};
use clinic::service::Services;
use clinic::store::mongo::prescriptions as rx;
use clinic::store::mysql::{appointments, patients, people};

#[path = "shared/db_url.rs"]
mod db_url;
use db_url::url_with_db;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

struct Row {
    scenario: &'static str,
    latencies: Vec<Duration>,
    failures: usize,
}

fn sample(appointment_id: i32, doctor: i32, patient: i32) -> Prescription {
    let mut p = Prescription::new_draft(appointment_id, doctor, patient, Utc::now());
    p.medications = (0..5)
        .map(|i| Medication {
            name: format!("Medication {i}"),
            dosage: "500mg".into(),
            frequency: "3 times a day".into(),
            duration_days: Some(7),
            notes: "Take after meals".into(),
        })
        .collect();
    p.notes.chief_complaint = "Persistent sore throat and mild fever.".into();
    p.notes.diagnosis = "Suspected bacterial pharyngitis.".into();
    p.notes.recommendations = "Increase fluid intake and rest.".into();
    p.tags = vec!["infection".into(), "antibiotics".into()];
    p
}

#[tokio::main]
async fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let iterations = if full { 500 } else { 10 };
    let Ok(base_url) = std::env::var("DATABASE_URL") else {
        eprintln!(
            "prescriptions bench: set DATABASE_URL and MONGODB_URI (./scripts/services up && . .clinic/env)"
        );
        std::process::exit(2);
    };
    let mongo_uri =
        std::env::var("MONGODB_URI").unwrap_or_else(|_| "mongodb://127.0.0.1:27017".into());
    let db = format!("bench_rx_{}", std::process::id());
    let admin = clinic::store::mysql::connect(&url_with_db(&base_url, ""), 1)
        .await
        .expect("connect MySQL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE `{db}`")))
        .execute(&admin)
        .await
        .expect("create bench database");
    let overrides = Overrides {
        database_url: Some(url_with_db(&base_url, &db)),
        mongodb_uri: Some(mongo_uri.clone()),
        mongodb_database: Some(db.clone()),
        time_zone: Some("UTC".into()),
        config_file: None,
    };
    let config = Arc::new(Config::resolve(FileSettings::default(), &overrides).expect("config"));
    let pool = clinic::store::mysql::connect(&url_with_db(&base_url, &db), 4)
        .await
        .expect("pool");
    let mongo = clinic::store::mongo::connect(&mongo_uri, &db)
        .await
        .expect("mongo");
    let services = Services::new(pool.clone(), mongo.clone(), config);
    services.migrate().await.expect("migrate");

    let doctor = people::insert_doctor(
        &pool,
        &NewDoctor {
            full_name: "Dr. Bench".into(),
            email: "bench@doctors.test".into(),
            specialization: "Bench".into(),
            ..NewDoctor::default()
        },
        "!",
    )
    .await
    .expect("doctor");
    let patient = patients::insert(
        &pool,
        &NewPatient {
            full_name: "Bench Patient".into(),
            email: "bench@patients.test".into(),
            ..NewPatient::default()
        },
        "!",
    )
    .await
    .expect("patient");
    let mut appts = Vec::new();
    for i in 0..5 {
        appts.push(
            appointments::insert(
                &pool,
                &NewAppointment {
                    patient_id: patient,
                    doctor_id: doctor,
                    location_id: None,
                    start_utc: (Utc::now() - ChronoDuration::days(1 + i)).naive_utc(),
                    duration_minutes: 30,
                },
                AppointmentStatus::Completed,
                "SYSTEM",
                None,
            )
            .await
            .expect("appointment"),
        );
    }
    let actor = Actor::User {
        role: Role::Doctor,
        id: doctor,
        name: "Dr. Bench".into(),
        email: "bench@doctors.test".into(),
    };

    // Through the service.
    let mut current = services
        .save_prescription(&actor, sample(appts[0], doctor, patient), None)
        .await
        .expect("first save");
    let mut load = Row {
        scenario: "service: load (MySQL check + MongoDB read + audit)",
        latencies: Vec::new(),
        failures: 0,
    };
    let mut save = Row {
        scenario: "service: save, same editor (check + versioned replace + copy ∥ audit)",
        latencies: Vec::new(),
        failures: 0,
    };
    // Two editors in two processes taking turns: each save is based on a version the
    // other wrote, so it reads the history's copy of it first.
    let other = Services::new(
        clinic::store::mysql::connect(&url_with_db(&base_url, &db), 4)
            .await
            .expect("pool"),
        clinic::store::mongo::connect(&mongo_uri, &db)
            .await
            .expect("mongo"),
        services.config().clone().into(),
    );
    let mut turns = services
        .save_prescription(&actor, sample(appts[3], doctor, patient), None)
        .await
        .expect("first save");
    let mut save_turns = Row {
        scenario: "service: save, editors taking turns (history read ∥ check first)",
        latencies: Vec::new(),
        failures: 0,
    };
    // A version the previous release wrote (no history copy): the first save copies it.
    let mut legacy = Row {
        scenario: "service: save of a version without a history copy (older data)",
        latencies: Vec::new(),
        failures: 0,
    };

    // The store alone: the writes of the previous save (copy the current version, then
    // the versioned replace, then the audit row) against those of this one (the
    // versioned replace, then the copy of the new version beside the audit row), and
    // one document insert as the floor, alternating.
    let audit_event =
        || clinic::domain::audit::AuditEvent::by(&actor, "PRESCRIPTION_UPDATE", "prescription");
    let mut old = sample(appts[1], doctor, patient);
    old.version = 1;
    old.id = Some(rx::insert(&mongo, &old).await.expect("insert"));
    let mut new = sample(appts[2], doctor, patient);
    new.version = 1;
    new.id = Some(rx::insert(&mongo, &new).await.expect("insert"));
    let new_id = new.id.clone().unwrap_or_default();
    rx::archive(&mongo, &new_id, &new, Utc::now())
        .await
        .expect("archive");
    let floor_doc = sample(appts[4], doctor, patient);
    let floor_id = rx::insert(&mongo, &floor_doc).await.expect("insert");
    let mut store_load = Row {
        scenario: "store: find_by_appointment",
        latencies: Vec::new(),
        failures: 0,
    };
    let mut store_old = Row {
        scenario: "store: previous shape (read ∥ appointment, copy, versioned replace, audit)",
        latencies: Vec::new(),
        failures: 0,
    };
    let mut store_new = Row {
        scenario: "store: this shape (history read ∥ appointment, versioned replace, copy ∥ audit)",
        latencies: Vec::new(),
        failures: 0,
    };
    let mut floor = Row {
        scenario: "floor: one document insert",
        latencies: Vec::new(),
        failures: 0,
    };
    // All scenarios take turns in one loop, so that the store slowing down as it fills
    // (SecantusDB does) weighs on each alike.
    for i in 0..iterations {
        let editor = if i % 2 == 0 { &other } else { &services };
        let mut next = turns.clone();
        next.notes.recommendations = format!("Turn {i}");
        let t = Instant::now();
        let r = editor
            .save_prescription(&actor, next, Some(turns.version))
            .await;
        save_turns.latencies.push(t.elapsed());
        match r {
            Ok(p) => turns = p,
            Err(_) => save_turns.failures += 1,
        }
        // A fresh appointment whose prescription was stored without history.
        let appt = appointments::insert(
            &pool,
            &NewAppointment {
                patient_id: patient,
                doctor_id: doctor,
                location_id: None,
                start_utc: (Utc::now() - ChronoDuration::days(30 + i as i64)).naive_utc(),
                duration_minutes: 30,
            },
            AppointmentStatus::Completed,
            "SYSTEM",
            None,
        )
        .await
        .expect("appointment");
        let mut old_doc = sample(appt, doctor, patient);
        old_doc.version = 1;
        old_doc.id = Some(rx::insert(&mongo, &old_doc).await.expect("insert"));
        let mut next = old_doc.clone();
        next.notes.recommendations = format!("Legacy {i}");
        let t = Instant::now();
        let r = editor.save_prescription(&actor, next, Some(1)).await;
        legacy.latencies.push(t.elapsed());
        if r.is_err() {
            legacy.failures += 1;
        }

        let t = Instant::now();
        let r = services.load_for_appointment(&actor, appts[0]).await;
        load.latencies.push(t.elapsed());
        if !matches!(r, Ok(Some(_))) {
            load.failures += 1;
        }
        let mut next = current.clone();
        next.notes.recommendations = format!("Revision {i}");
        let t = Instant::now();
        let r = services
            .save_prescription(&actor, next, Some(current.version))
            .await;
        save.latencies.push(t.elapsed());
        match r {
            Ok(p) => current = p,
            Err(e) => {
                if save.failures == 0 {
                    eprintln!("prescriptions bench: {e}");
                }
                save.failures += 1;
            }
        }

        let t = Instant::now();
        let r = rx::find_by_appointment(&mongo, appts[1]).await;
        store_load.latencies.push(t.elapsed());
        if !matches!(r, Ok(Some(_))) {
            store_load.failures += 1;
        }

        let mut next = old.clone();
        next.version = old.version + 1;
        next.notes.recommendations = format!("Revision {i}");
        let t = Instant::now();
        let (stored, appt) = tokio::join!(
            rx::find_by_appointment(&mongo, appts[1]),
            appointments::get(&pool, appts[1])
        );
        let archived = rx::archive(
            &mongo,
            old.id.as_deref().unwrap_or_default(),
            &old,
            Utc::now(),
        )
        .await;
        let replaced = rx::replace_if_version(&mongo, &next, old.version).await;
        let audited = services.audit(audit_event()).await;
        store_old.latencies.push(t.elapsed());
        match (stored, appt, archived, replaced, audited) {
            (Ok(Some(_)), Ok(Some(_)), Ok(()), Ok(true), Ok(())) => old = next,
            _ => store_old.failures += 1,
        }

        let mut next = new.clone();
        next.version = new.version + 1;
        next.notes.recommendations = format!("Revision {i}");
        let t = Instant::now();
        let (based_on, appt) = tokio::join!(
            rx::archived_version(&mongo, appts[2], new.version),
            appointments::get(&pool, appts[2])
        );
        let replaced = rx::replace_if_version(&mongo, &next, new.version).await;
        let (archived, audited) = tokio::join!(
            rx::archive(&mongo, &new_id, &next, Utc::now()),
            services.audit(audit_event())
        );
        store_new.latencies.push(t.elapsed());
        match (based_on, appt, replaced, archived, audited) {
            (Ok(Some(_)), Ok(Some(_)), Ok(true), Ok(()), Ok(())) => new = next,
            _ => store_new.failures += 1,
        }

        let mut copy = floor_doc.clone();
        copy.version = 1_000 + i as i64;
        let t = Instant::now();
        let inserted = rx::archive(&mongo, &floor_id, &copy, Utc::now()).await;
        floor.latencies.push(t.elapsed());
        if inserted.is_err() {
            floor.failures += 1;
        }
    }

    println!();
    println!("| scenario | n | failed | p50 ms | p99 ms | max ms |");
    println!("|---|---:|---:|---:|---:|---:|");
    let mut failed = 0;
    for row in [
        &mut load,
        &mut save,
        &mut save_turns,
        &mut legacy,
        &mut store_load,
        &mut store_old,
        &mut store_new,
        &mut floor,
    ] {
        row.latencies.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "| {} | {} | {} | {:.2} | {:.2} | {:.2} |",
            row.scenario,
            row.latencies.len(),
            row.failures,
            ms(percentile(&row.latencies, 0.50)),
            ms(percentile(&row.latencies, 0.99)),
            ms(percentile(&row.latencies, 1.0)),
        );
        failed += row.failures;
    }
    let history = rx::history_for_appointment(&mongo, appts[0])
        .await
        .map(|h| h.len())
        .unwrap_or(0);
    println!("\nversions archived for the service scenario: {history}");

    let _ = mongo.drop().await;
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE `{db}`")))
        .execute(&admin)
        .await;
    if failed > 0 {
        eprintln!("prescriptions bench: {failed} operations failed");
        std::process::exit(1);
    }
}
