//! Free slots against the database, as a ratio to the floor: one primary-key select on
//! the same connection, measured in the same run. Prints a table (docs/PERFORMANCE.md):
//!
//!   cargo bench --bench slots_db     # 2,000 samples per point, 2,000 appointments of history
//!   cargo test --bench slots_db      # a smoke run: 20 samples, 20 appointments of history
//!
//! The scenario is issue 17's (benches/shared/slots_scenario.rs): one doctor, Mon–Fri
//! 09:00–18:00 with a 14:30–15:00 break, 30-minute appointments on a 15-minute step,
//! Europe/London; 1 and 7 days, with no history and with 2,000 appointments.
//!
//! Everything runs on a pool of exactly one MySQL connection. The floor is
//! `SELECT id, full_name FROM doctors WHERE id = ?` on that connection; a service call is
//! `Services::free_slots`, which takes the same connection from the pool, so each call
//! starts once the connection is back in the pool (sqlx pings a connection as it
//! returns; that ping is off the caller's path unless calls come back to back). Floor
//! and service samples alternate one by one, so drifting load hits both alike.

#[path = "shared/slots_scenario.rs"]
mod scenario;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use clinic::config::{Config, FileSettings, Overrides};
use clinic::service::Services;
use scenario::{DURATION_MINUTES, Scenario, percentile};
use sqlx::MySqlPool;

const WARM_UP: usize = 20;
const TARGET_RATIO: f64 = 2.5;

struct Point {
    days: u32,
    history: usize,
    slots: usize,
    floor: Vec<Duration>,
    service: Vec<Duration>,
}

async fn wait_idle(pool: &MySqlPool) {
    while pool.num_idle() < pool.size() as usize {
        tokio::task::yield_now().await;
    }
}

/// One floor sample: the primary-key select on the pool's connection, held.
async fn floor_once(pool: &MySqlPool, doctor_id: i32) -> Result<Duration, String> {
    wait_idle(pool).await;
    let mut conn = pool.acquire().await.map_err(|e| e.to_string())?;
    let t = Instant::now();
    let row: (i32, String) = sqlx::query_as("SELECT id, full_name FROM doctors WHERE id = ?")
        .bind(doctor_id)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| e.to_string())?;
    let took = t.elapsed();
    if row.0 != doctor_id {
        return Err("the floor query read another row".into());
    }
    Ok(took)
}

async fn measure(
    services: &Services,
    pool: &MySqlPool,
    doctor_id: i32,
    date: NaiveDate,
    days: u32,
    history: usize,
    samples: usize,
) -> Result<Point, String> {
    let call = || services.free_slots(doctor_id, date, days, Some(DURATION_MINUTES));
    // Warm-up: statements prepared, caches filled.
    let expected = call().await.map_err(|e| e.to_string())?;
    for _ in 0..WARM_UP {
        floor_once(pool, doctor_id).await?;
        call().await.map_err(|e| e.to_string())?;
    }
    let mut point = Point {
        days,
        history,
        slots: expected.len(),
        floor: Vec::with_capacity(samples),
        service: Vec::with_capacity(samples),
    };
    // Floor and service samples alternate one by one.
    for _ in 0..samples {
        point.floor.push(floor_once(pool, doctor_id).await?);
        wait_idle(pool).await;
        let t = Instant::now();
        let slots = call().await.map_err(|e| e.to_string())?;
        point.service.push(t.elapsed());
        if slots != expected {
            return Err(format!(
                "free slots changed between calls ({} then {})",
                expected.len(),
                slots.len()
            ));
        }
    }
    point.floor.sort();
    point.service.sort();
    Ok(point)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (samples, history) = if full { (2000, 2000) } else { (20, 20) };
    let Ok(base_url) = std::env::var("DATABASE_URL") else {
        eprintln!("slots_db bench: set DATABASE_URL (./scripts/services up && . .clinic/env)");
        std::process::exit(2);
    };
    let mongo_uri =
        std::env::var("MONGODB_URI").unwrap_or_else(|_| "mongodb://127.0.0.1:27017".into());
    if !full {
        println!(
            "slots_db: smoke run ({samples} samples, {history} appointments of history); `cargo bench --bench slots_db` measures"
        );
    }
    let scenario = match Scenario::create(&base_url, "bench_slots_db").await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("slots_db bench: cannot create the bench database: {e}");
            std::process::exit(2);
        }
    };
    let overrides = Overrides {
        database_url: Some(scenario.url.clone()),
        mongodb_uri: Some(mongo_uri.clone()),
        mongodb_database: Some(scenario.db.clone()),
        time_zone: Some(scenario::TIME_ZONE.name().to_string()),
        config_file: None,
    };
    let result = run(&scenario, &overrides, &mongo_uri, samples, history).await;
    scenario.drop_database().await;
    match result {
        Ok(points) => print_table(&points),
        Err(e) => {
            eprintln!("slots_db bench: {e}");
            std::process::exit(1);
        }
    }
}

async fn run(
    scenario: &Scenario,
    overrides: &Overrides,
    mongo_uri: &str,
    samples: usize,
    history: usize,
) -> Result<Vec<Point>, String> {
    let config =
        Arc::new(Config::resolve(FileSettings::default(), overrides).map_err(|e| e.to_string())?);
    // The document store is not used here; the handle only completes `Services`.
    let mongo = clinic::store::mongo::connect(mongo_uri, &scenario.db)
        .await
        .map_err(|e| e.to_string())?;
    let services = Services::new(scenario.pool.clone(), mongo, config);
    let mut points = Vec::new();
    for (h, add) in [(0, 0), (history, history)] {
        scenario.add_history(add).await.map_err(|e| e.to_string())?;
        for days in [1, 7] {
            points.push(
                measure(
                    &services,
                    &scenario.pool,
                    scenario.doctor_id,
                    scenario.date,
                    days,
                    h,
                    samples,
                )
                .await?,
            );
        }
    }
    Ok(points)
}

fn print_table(points: &[Point]) {
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!();
    println!(
        "| days | history | free slots | floor p50 µs | free_slots p50 µs | p99 µs | ratio p50 | target ≤ {TARGET_RATIO}x |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---|");
    for p in points {
        let floor = percentile(&p.floor, 0.5);
        let call = percentile(&p.service, 0.5);
        let ratio = us(call) / us(floor).max(1e-9);
        println!(
            "| {} | {} | {} | {:.0} | {:.0} | {:.0} | {:.2}x | {} |",
            p.days,
            p.history,
            p.slots,
            us(floor),
            us(call),
            us(percentile(&p.service, 0.99)),
            ratio,
            if ratio <= TARGET_RATIO { "✓" } else { "✗" }
        );
    }
}
