//! Shared test harness: every test gets its own MySQL database and its own MongoDB
//! database on the real servers named by DATABASE_URL and MONGODB_URI (./scripts/test
//! starts them and sets both), so tests run in parallel without colliding.
#![allow(dead_code)]

pub mod proxy;
pub mod pty;
pub mod ui;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use clinic::config::{Config, FileSettings, Overrides};
use clinic::service::Services;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// An `Etc/GMT` zone in which it is now mid-morning (10:00 give or take the minutes), so
/// that a test's "today" and "the start of this hour" are ordinary clinic hours whatever
/// the real time.
pub fn mid_morning_zone() -> String {
    use chrono::Timelike;
    let h = i32::try_from(chrono::Utc::now().hour()).unwrap_or(0);
    let mut offset = 10 - h;
    if offset < -12 {
        offset += 24;
    }
    if offset > 14 {
        offset -= 24;
    }
    match offset {
        0 => "Etc/UTC".to_string(),
        o if o > 0 => format!("Etc/GMT-{o}"),
        o => format!("Etc/GMT+{}", -o),
    }
}

pub fn base_mysql_url() -> String {
    std::env::var("DATABASE_URL")
        .expect("DATABASE_URL must point at a MySQL/MariaDB server (./scripts/test sets it)")
}

pub fn base_mongo_uri() -> String {
    std::env::var("MONGODB_URI")
        .expect("MONGODB_URI must point at a MongoDB-wire server (./scripts/test sets it)")
}

/// `mysql://user@host:port/anything?params` with the database replaced by `db`.
pub fn mysql_url_for(db: &str) -> String {
    let base = base_mysql_url();
    let (head, query) = match base.split_once('?') {
        Some((h, q)) => (h.to_string(), format!("?{q}")),
        None => (base.clone(), String::new()),
    };
    let scheme_end = head.find("://").map_or(0, |i| i + 3);
    let host_end = head[scheme_end..]
        .find('/')
        .map_or(head.len(), |i| scheme_end + i);
    format!("{}/{db}{query}", &head[..host_end])
}

pub fn unique_name(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}_{}_{n}_{nanos:x}", std::process::id())
}

pub struct TestEnv {
    pub services: Services,
    pub pool: sqlx::MySqlPool,
    pub mongo: mongodb::Database,
    pub db_name: String,
    pub config: Arc<Config>,
}

impl TestEnv {
    /// An active General Practice doctor (no availability, no password): its id.
    pub async fn insert_doctor(&self, email: &str, name: &str) -> i32 {
        clinic::store::mysql::people::insert_doctor(
            &self.pool,
            &clinic::domain::person::NewDoctor {
                full_name: name.into(),
                email: email.into(),
                specialization: "General Practice".into(),
                ..Default::default()
            },
            "!",
        )
        .await
        .expect("doctor")
    }

    /// An active patient without portal access: its id.
    pub async fn insert_patient(&self, email: &str, name: &str) -> i32 {
        clinic::store::mysql::patients::insert(
            &self.pool,
            &clinic::domain::person::NewPatient {
                full_name: name.into(),
                email: email.into(),
                ..Default::default()
            },
            "!",
        )
        .await
        .expect("patient")
    }

    /// A migrated, empty database pair, in the given clinic time zone.
    pub async fn with_tz(tz: &str) -> TestEnv {
        let db_name = unique_name("ct");
        let admin = clinic::store::mysql::connect(&mysql_url_for(""), 1)
            .await
            .expect("connect to the MySQL server");
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE `{db_name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        )))
        .execute(&admin)
        .await
        .expect("create test database");
        admin.close().await;
        let overrides = Overrides {
            database_url: Some(mysql_url_for(&db_name)),
            mongodb_uri: Some(base_mongo_uri()),
            mongodb_database: Some(db_name.clone()),
            time_zone: Some(tz.to_string()),
            config_file: None,
        };
        let config = Arc::new(
            Config::resolve(FileSettings::default(), &overrides).expect("valid test config"),
        );
        let services = Services::connect(config.clone())
            .await
            .expect("connect services");
        services.migrate().await.expect("migrate");
        let pool = clinic::store::mysql::connect(&mysql_url_for(&db_name), 5)
            .await
            .expect("test pool");
        let mongo = clinic::store::mongo::connect(&base_mongo_uri(), &db_name)
            .await
            .expect("mongo");
        TestEnv {
            services,
            pool,
            mongo,
            db_name,
            config,
        }
    }

    pub async fn new() -> TestEnv {
        TestEnv::with_tz("Europe/London").await
    }

    /// Another `Services` on the same databases: a restarted application.
    pub async fn restarted(&self) -> Services {
        Services::connect(self.config.clone())
            .await
            .expect("reconnect")
    }
}

impl Drop for TestEnv {
    /// Drops both databases. Runs on its own thread and runtime because Drop cannot await.
    fn drop(&mut self) {
        let name = self.db_name.clone();
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(admin) = clinic::store::mysql::connect(&mysql_url_for(""), 1).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS `{name}`"
                    )))
                    .execute(&admin)
                    .await;
                }
                if let Ok(db) = clinic::store::mongo::connect(&base_mongo_uri(), &name).await {
                    let _ = db.drop().await;
                }
            });
        })
        .join();
    }
}
