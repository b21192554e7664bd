//! Reaching patients: one prescription PDF (12 medications), and `reminders send` for
//! many due appointments against the local SMTP server (CLINIC_TEST_SMTP_PORT, started
//! by ./scripts/services up) and the databases of DATABASE_URL / MONGODB_URI (a
//! throwaway database is created and dropped). Prints a table.
//!
//!   cargo bench --bench reaching     # 200 PDFs; 1,000 reminders
//!   cargo test --bench reaching      # smoke run (CI): 10 PDFs; 20 reminders

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Duration as ChronoDuration, Utc};
use clinic::config::{Config, FileSettings, Overrides};
use clinic::domain::Actor;
use clinic::domain::prescription::Medication;
use clinic::service::Services;
use clinic::service::pdf::{self, Letterhead, Paper, PrescriptionSheet};

#[path = "shared/db_url.rs"]
mod db_url;
use db_url::url_with_db;

fn sheet() -> PrescriptionSheet {
    PrescriptionSheet {
        letterhead: Letterhead {
            name: "Smart Clinic — Riverside".into(),
            address: "12 Quay Street, Bristol BS1 4DJ".into(),
            phone: Some("+44 117 496 0000".into()),
        },
        doctor_name: "Dr Ана Петрова".into(),
        specialization: "General Practice".into(),
        patient_name: "Zoë O'Neill".into(),
        patient_date_of_birth: chrono::NaiveDate::from_ymd_opt(1984, 3, 7),
        appointment_label: "Tue 1 Dec 2026 10:00".into(),
        issued_label: "1 December 2026".into(),
        version: 3,
        medications: (1..=12)
            .map(|i| Medication {
                name: format!("Medicine {i}"),
                dosage: format!("{i}00 mg"),
                frequency: "twice daily".into(),
                duration_days: Some(i),
                notes: "with food".into(),
            })
            .collect(),
        recommendations: "Rest and fluids.".into(),
    }
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(idx).copied().unwrap_or_default()
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (pdfs, reminders) = if full { (200, 1000) } else { (10, 20) };
    println!(
        "{:<34} {:>8} {:>10} {:>10} {:>10}  target",
        "scenario", "n", "p50", "p95", "max"
    );

    let s = sheet();
    let _ = pdf::prescription_pdf(&s, Paper::A4); // fonts parsed once
    let mut times: Vec<Duration> = (0..pdfs)
        .map(|_| {
            let t = Instant::now();
            let bytes = pdf::prescription_pdf(&s, Paper::A4).expect("pdf");
            assert!(bytes.starts_with(b"%PDF"));
            t.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "{:<34} {:>8} {:>10.2?} {:>10.2?} {:>10.2?}  ≤ 20 ms{}",
        "prescription PDF (12 meds)",
        pdfs,
        pct(&times, 0.5),
        pct(&times, 0.95),
        pct(&times, 1.0),
        if full { "" } else { " (smoke run)" }
    );

    let (Ok(base), Ok(mongo_uri), Ok(port)) = (
        std::env::var("DATABASE_URL"),
        std::env::var("MONGODB_URI"),
        std::env::var("CLINIC_TEST_SMTP_PORT"),
    ) else {
        println!(
            "reminders send: skipped (DATABASE_URL, MONGODB_URI, CLINIC_TEST_SMTP_PORT: ./scripts/services up)"
        );
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let db = format!("bench_reach_{}", std::process::id());
        let admin = clinic::store::mysql::connect(&url_with_db(&base, ""), 1)
            .await
            .expect("MySQL");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE `{db}`")))
            .execute(&admin)
            .await
            .expect("create database");
        let overrides = Overrides {
            database_url: Some(url_with_db(&base, &db)),
            mongodb_uri: Some(mongo_uri.clone()),
            mongodb_database: Some(db.clone()),
            time_zone: Some("Europe/London".into()),
            config_file: None,
        };
        let mut config = Config::resolve(FileSettings::default(), &overrides).expect("config");
        config.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        config.mail_from = Some("Bench <bench@clinic.test>".into());
        let pool = clinic::store::mysql::connect(&url_with_db(&base, &db), 8)
            .await
            .expect("pool");
        let mongo = clinic::store::mongo::connect(&mongo_uri, &db).await.expect("mongo");
        let services = Services::new(pool.clone(), mongo.clone(), Arc::new(config));
        services.migrate().await.expect("migrate");
        sqlx::query("INSERT INTO doctors (full_name, email, password_hash, specialization) VALUES ('Dr Bench', 'bench@doctors.test', '!', 'Bench')")
            .execute(&pool).await.expect("doctor");
        let now = Utc::now().naive_utc();
        for i in 0..reminders {
            let done = sqlx::query("INSERT INTO patients (full_name, email, password_hash) VALUES (?, ?, '!')")
                .bind(format!("Patient {i}"))
                .bind(format!("p{i}.{db}@bench.test"))
                .execute(&pool)
                .await
                .expect("patient");
            sqlx::query("INSERT INTO appointments (patient_id, doctor_id, appointment_time, duration_minutes) VALUES (?, 1, ?, 30)")
                .bind(done.last_insert_id())
                .bind(now + ChronoDuration::minutes(60 + i64::from(i)))
                .execute(&pool)
                .await
                .expect("appointment");
        }
        let due: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM appointments WHERE appointment_time <= ?")
            .bind(now + ChronoDuration::hours(24))
            .fetch_one(&pool).await.expect("count");
        // One a minute from an hour ahead: every one within the 24 h window.
        let t = Instant::now();
        let report = services.send_reminders(&Actor::System, false).await.expect("run");
        let took = t.elapsed();
        let rate = f64::from(report.sent) / took.as_secs_f64();
        println!(
            "{:<34} {:>8} {:>10.2?} {:>10} {:>10}  {:.0} messages/s ({} due, {} failed)",
            "reminders send (whole run)",
            report.sent,
            took,
            "",
            "",
            rate,
            due,
            report.failed
        );
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE `{db}`")))
            .execute(&admin)
            .await;
        let _ = mongo.drop().await;
    });
}
