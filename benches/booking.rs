//! Booking throughput and latency against the MariaDB named by DATABASE_URL (a bench
//! database is created and dropped). Prints a table:
//!
//!   cargo bench --bench booking            # 8 clients x 250 bookings per scenario
//!   cargo test --bench booking             # a 8 x 5 smoke run (what CI does)
//!
//! Scenarios: 8 concurrent clients on 8 distinct doctors, and 8 clients contending for
//! one doctor (every booking takes that doctor's row lock); then one client booking
//! single appointments and one booking 12-occurrence weekly series
//! (`Services::book_series`), in the same run, and the ratio of their medians.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Duration as ChronoDuration, NaiveTime, Utc, Weekday};
use clinic::config::{Config, FileSettings, Overrides};
use clinic::domain::Actor;
use clinic::domain::availability::Window;
use clinic::domain::person::{NewDoctor, NewPatient};
use clinic::service::Services;
use clinic::service::booking::BookingRequest;
use clinic::service::series::SeriesRequest;
use clinic::store::mysql::{availability, patients, people};

const CLIENTS: usize = 8;

#[path = "shared/db_url.rs"]
mod db_url;
use db_url::url_with_db;

struct Outcome {
    scenario: &'static str,
    bookings: usize,
    failures: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

async fn run(
    services: &Services,
    scenario: &'static str,
    doctors: &[i32],
    patients_ids: &[i32],
    per_client: usize,
    days_ahead: i64,
) -> Outcome {
    let base = (Utc::now() + ChronoDuration::days(days_ahead))
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let barrier = Arc::new(tokio::sync::Barrier::new(CLIENTS));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let services = services.clone();
        let barrier = barrier.clone();
        let doctor = doctors[client % doctors.len()];
        let patient = patients_ids[client];
        let contended = doctors.len() == 1;
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let mut lat = Vec::with_capacity(per_client);
            let mut failures = 0;
            for k in 0..per_client {
                // Distinct 15-minute slots: per doctor sequential, or interleaved when shared.
                let slot = if contended { k * CLIENTS + client } else { k };
                // 95 quarter-hours a day fit the 00:00-23:59 window.
                let start = base
                    + ChronoDuration::days((slot / 95) as i64)
                    + ChronoDuration::minutes(15 * (slot % 95) as i64);
                let t = Instant::now();
                let r = services
                    .book(
                        &Actor::System,
                        BookingRequest {
                            patient_id: patient,
                            doctor_id: doctor,
                            start_utc: start,
                            duration_minutes: Some(15),
                        },
                    )
                    .await;
                lat.push(t.elapsed());
                if let Err(e) = r {
                    if failures == 0 {
                        eprintln!("booking bench: client {client}: {e}");
                    }
                    failures += 1;
                }
            }
            (lat, failures)
        }));
    }
    let mut latencies = Vec::new();
    let mut failures = 0;
    for t in tasks {
        if let Ok((lat, f)) = t.await {
            latencies.extend(lat);
            failures += f;
        }
    }
    let elapsed = started.elapsed();
    latencies.sort();
    Outcome {
        scenario,
        bookings: latencies.len(),
        failures,
        elapsed,
        latencies,
    }
}

/// The `n`-th distinct 15-minute slot from `base`: 95 quarter-hours a day.
fn quarter(base: chrono::NaiveDateTime, n: usize) -> chrono::NaiveDateTime {
    base + ChronoDuration::days((n / 95) as i64) + ChronoDuration::minutes(15 * (n % 95) as i64)
}

/// One client, one call after another: single bookings (`series` false) or weekly
/// series of 12 (`series` true), each at its own time of day, so none conflicts.
async fn sequential(
    services: &Services,
    scenario: &'static str,
    doctor: i32,
    patient: i32,
    count: usize,
    days_ahead: i64,
    series: bool,
) -> Outcome {
    let base = (Utc::now() + ChronoDuration::days(days_ahead))
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let started = Instant::now();
    let mut latencies = Vec::with_capacity(count);
    let mut failures = 0;
    for k in 0..count {
        // A week holds 665 quarter-hours (k < 665 here): series k takes the k-th of the
        // first week, and the same one of each later week.
        let start = quarter(base, k);
        let first = BookingRequest {
            patient_id: patient,
            doctor_id: doctor,
            start_utc: start,
            duration_minutes: Some(15),
        };
        let t = Instant::now();
        let result = if series {
            services
                .book_series(
                    &Actor::System,
                    &SeriesRequest {
                        first,
                        every_weeks: 1,
                        count: 12,
                        skip_conflicts: false,
                    },
                )
                .await
                .map(|b| b.booked.len())
        } else {
            services.book(&Actor::System, first).await.map(|_| 1)
        };
        latencies.push(t.elapsed());
        match result {
            Ok(n) if n == if series { 12 } else { 1 } => {}
            Ok(n) => {
                eprintln!("booking bench: {scenario}: {n} booked");
                failures += 1;
            }
            Err(e) => {
                if failures == 0 {
                    eprintln!("booking bench: {scenario}: {e}");
                }
                failures += 1;
            }
        }
    }
    let elapsed = started.elapsed();
    latencies.sort();
    Outcome {
        scenario,
        bookings: latencies.len(),
        failures,
        elapsed,
        latencies,
    }
}

/// A doctor available every day 00:00–23:59.
async fn doctor_all_week(pool: &sqlx::MySqlPool, name: String, email: String) -> i32 {
    let d = people::insert_doctor(
        pool,
        &NewDoctor {
            full_name: name,
            email,
            specialization: "Bench".into(),
            ..NewDoctor::default()
        },
        "!",
    )
    .await
    .expect("doctor");
    for day in [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ] {
        availability::insert_window(
            pool,
            d,
            &Window {
                weekday: day,
                start: NaiveTime::MIN,
                end: NaiveTime::from_hms_opt(23, 59, 0).unwrap_or(NaiveTime::MIN),
                location_id: None,
            },
        )
        .await
        .expect("window");
    }
    d
}

async fn bench_patient(pool: &sqlx::MySqlPool, name: String, email: String) -> i32 {
    patients::insert(
        pool,
        &NewPatient {
            full_name: name,
            email,
            ..NewPatient::default()
        },
        "!",
    )
    .await
    .expect("patient")
}

#[tokio::main]
async fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let per_client = if full { 250 } else { 5 };
    let Ok(base_url) = std::env::var("DATABASE_URL") else {
        eprintln!(
            "booking bench: set DATABASE_URL and MONGODB_URI (./scripts/services up && . .clinic/env)"
        );
        std::process::exit(2);
    };
    let mongo_uri =
        std::env::var("MONGODB_URI").unwrap_or_else(|_| "mongodb://127.0.0.1:27017".into());
    let db = format!("bench_booking_{}", std::process::id());
    let admin = clinic::store::mysql::connect(&url_with_db(&base_url, ""), 1)
        .await
        .expect("connect MySQL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE `{db}`")))
        .execute(&admin)
        .await
        .expect("create bench database");
    let overrides = Overrides {
        database_url: Some(url_with_db(&base_url, &db)),
        mongodb_uri: Some(mongo_uri),
        mongodb_database: Some(db.clone()),
        time_zone: Some("UTC".into()),
        config_file: None,
    };
    let config = Arc::new(Config::resolve(FileSettings::default(), &overrides).expect("config"));
    let pool = clinic::store::mysql::connect(&url_with_db(&base_url, &db), 16)
        .await
        .expect("pool");
    let mongo =
        clinic::store::mongo::connect(overrides.mongodb_uri.as_deref().unwrap_or_default(), &db)
            .await
            .expect("mongo");
    clinic::store::mysql::migrate(&pool).await.expect("migrate");
    let services = Services::new(pool.clone(), mongo, config);

    let mut doctors = Vec::new();
    let mut patient_ids = Vec::new();
    for i in 0..CLIENTS {
        doctors.push(
            doctor_all_week(
                &pool,
                format!("Dr. Bench {i}"),
                format!("bench{i}@doctors.test"),
            )
            .await,
        );
        patient_ids.push(
            bench_patient(
                &pool,
                format!("Bench Patient {i}"),
                format!("bench{i}@patients.test"),
            )
            .await,
        );
    }

    let distinct = run(
        &services,
        "8 clients, 8 distinct doctors",
        &doctors,
        &patient_ids,
        per_client,
        1,
    )
    .await;
    // Fresh patients for the shared doctor so their own earlier bookings never clash.
    let mut shared_patients = Vec::new();
    for i in 0..CLIENTS {
        shared_patients.push(
            bench_patient(
                &pool,
                format!("Bench Patient B{i}"),
                format!("bench-b{i}@patients.test"),
            )
            .await,
        );
    }
    let contended = run(
        &services,
        "8 clients, 1 shared doctor",
        &doctors[..1],
        &shared_patients,
        per_client,
        40,
    )
    .await;

    // A doctor and a patient of their own for each sequential scenario.
    let mut solo = Vec::new();
    for i in 0..2 {
        let d = doctor_all_week(
            &pool,
            format!("Dr. Solo {i}"),
            format!("solo{i}@doctors.test"),
        )
        .await;
        let p = bench_patient(
            &pool,
            format!("Solo Patient {i}"),
            format!("solo{i}@patients.test"),
        )
        .await;
        solo.push((d, p));
    }
    let sequential_count = if full { 200 } else { 5 };
    let single = sequential(
        &services,
        "1 client, single bookings",
        solo[0].0,
        solo[0].1,
        sequential_count,
        80,
        false,
    )
    .await;
    let series = sequential(
        &services,
        "1 client, 12-week series (calls)",
        solo[1].0,
        solo[1].1,
        sequential_count,
        80,
        true,
    )
    .await;

    println!();
    println!("| scenario | bookings | failed | bookings/s | p50 ms | p99 ms | max ms |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for o in [&distinct, &contended, &single, &series] {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "| {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} |",
            o.scenario,
            o.bookings,
            o.failures,
            o.bookings as f64 / o.elapsed.as_secs_f64(),
            ms(percentile(&o.latencies, 0.50)),
            ms(percentile(&o.latencies, 0.99)),
            ms(percentile(&o.latencies, 1.0)),
        );
    }
    let p50 = |o: &Outcome| percentile(&o.latencies, 0.50).as_secs_f64() * 1000.0;
    println!();
    println!(
        "12-occurrence series p50 {:.2} ms = {:.2} x a single booking's p50 ({:.2} ms), {:.2} ms per occurrence",
        p50(&series),
        p50(&series) / p50(&single).max(f64::EPSILON),
        p50(&single),
        p50(&series) / 12.0
    );
    let failed = distinct.failures + contended.failures + single.failures + series.failures;
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE `{db}`")))
        .execute(&admin)
        .await;
    if failed > 0 {
        eprintln!("booking bench: {failed} bookings failed");
        std::process::exit(1);
    }
}
