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
//! Each database (no history; history) has a pool of exactly one MySQL connection. The
//! floor is `SELECT id, full_name FROM doctors WHERE id = ?` on that connection; a
//! service call is `Services::free_slots`, which takes the same connection, so each call
//! starts once the connection is back in the pool (sqlx pings a connection as it
//! returns; that ping is off the caller's path unless calls come back to back). Floor
//! and service samples alternate one by one (each going first every other time), and
//! the four points take turns, so a change in the machine's load hits them all alike.

#[path = "shared/db_url.rs"]
mod db_url;
#[path = "shared/slots_scenario.rs"]
mod scenario;

use std::sync::Arc;
use std::time::{Duration, Instant};

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

/// One database of the scenario (with or without history) and its services.
struct Db {
    scenario: Scenario,
    services: Services,
    history: usize,
}

impl Db {
    async fn open(
        base_url: &str,
        mongo_uri: &str,
        name: &str,
        history: usize,
    ) -> Result<Db, String> {
        let scenario = Scenario::create(base_url, name)
            .await
            .map_err(|e| format!("cannot create the bench database: {e}"))?;
        let overrides = Overrides {
            database_url: Some(scenario.url.clone()),
            mongodb_uri: Some(mongo_uri.to_string()),
            mongodb_database: Some(scenario.db.clone()),
            time_zone: Some(scenario::TIME_ZONE.name().to_string()),
            config_file: None,
        };
        let config = Arc::new(
            Config::resolve(FileSettings::default(), &overrides).map_err(|e| e.to_string())?,
        );
        // The document store is not used here; the handle only completes `Services`.
        let mongo = clinic::store::mongo::connect(mongo_uri, &scenario.db)
            .await
            .map_err(|e| e.to_string())?;
        let services = Services::new(scenario.pool.clone(), mongo, config);
        let db = Db {
            scenario,
            services,
            history,
        };
        if let Err(e) = db.scenario.add_history(history).await {
            return Err(format!("cannot add the history: {e}"));
        }
        Ok(db)
    }

    async fn call(&self, days: u32) -> Result<Vec<clinic::domain::availability::Slot>, String> {
        self.services
            .free_slots(
                self.scenario.doctor_id,
                self.scenario.date,
                days,
                Some(DURATION_MINUTES),
            )
            .await
            .map_err(|e| e.to_string())
    }
}

/// Every point is sampled in turn (floor, then the service call, on the point's
/// connection), so that a change in the machine's load reaches all points alike.
async fn measure(dbs: &[Db], samples: usize) -> Result<Vec<Point>, String> {
    let mut points = Vec::new();
    let mut expected = Vec::new();
    for (i, db) in dbs.iter().enumerate() {
        for days in [1, 7] {
            let slots = db.call(days).await?;
            points.push(Point {
                days,
                history: db.history,
                slots: slots.len(),
                floor: Vec::with_capacity(samples),
                service: Vec::with_capacity(samples),
            });
            expected.push((i, days, slots));
        }
    }
    for round in 0..WARM_UP + samples {
        for (point, (i, days, slots)) in points.iter_mut().zip(&expected) {
            let db = &dbs[*i];
            // Which of the two goes first alternates, so that neither always finds the
            // server's side of the connection freshly busy.
            let floor_first = round % 2 == 0;
            let mut floor = Duration::ZERO;
            if floor_first {
                floor = floor_once(&db.scenario.pool, db.scenario.doctor_id).await?;
            }
            wait_idle(&db.scenario.pool).await;
            let t = Instant::now();
            let got = db.call(*days).await?;
            let took = t.elapsed();
            if !floor_first {
                floor = floor_once(&db.scenario.pool, db.scenario.doctor_id).await?;
            }
            if &got != slots {
                return Err(format!(
                    "free slots changed between calls ({} then {})",
                    slots.len(),
                    got.len()
                ));
            }
            if round >= WARM_UP {
                point.floor.push(floor);
                point.service.push(took);
            }
        }
    }
    for p in &mut points {
        p.floor.sort();
        p.service.sort();
    }
    Ok(points)
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
    let mut dbs = Vec::new();
    let mut failure = None;
    for (name, h) in [("bench_slots_db", 0), ("bench_slots_db_history", history)] {
        match Db::open(&base_url, &mongo_uri, name, h).await {
            Ok(db) => dbs.push(db),
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    let result = match failure {
        Some(e) => Err(e),
        None => measure(&dbs, samples).await,
    };
    for db in dbs {
        db.scenario.drop_database().await;
    }
    match result {
        Ok(points) => print_table(&points, full),
        Err(e) => {
            eprintln!("slots_db bench: {e}");
            std::process::exit(1);
        }
    }
}

/// In a smoke run the verdict column says so instead of judging a debug build.
fn print_table(points: &[Point], full: bool) {
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
            match (full, ratio <= TARGET_RATIO) {
                (false, _) => "smoke run",
                (true, true) => "✓",
                (true, false) => "✗",
            }
        );
    }
}
