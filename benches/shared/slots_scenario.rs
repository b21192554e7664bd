//! The free-slots scenario of issue 17, shared by `slots_db` and `process`: one doctor,
//! Monday to Friday 09:00–18:00 with a 14:30–15:00 break, 30-minute appointments on the
//! clinic's 15-minute step, Europe/London, and optionally a history of appointments
//! (five a weekday, going back from the last day asked for).

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use clinic::domain::availability::local_to_utc;
use sqlx::{MySql, MySqlPool, QueryBuilder};

pub const TIME_ZONE: Tz = chrono_tz::Europe::London;
pub const DOCTOR_EMAIL: &str = "okafor@bench.test";
pub const DURATION_MINUTES: u32 = 30;

pub use super::db_url::url_with_db;

pub struct Scenario {
    pub db: String,
    pub url: String,
    pub pool: MySqlPool,
    pub doctor_id: i32,
    patient_id: i32,
    /// The first date asked for: a Monday three weeks ahead, so no slot is in the past.
    pub date: NaiveDate,
    admin: MySqlPool,
}

impl Scenario {
    /// A fresh, migrated database with the doctor and their week, and no appointments.
    pub async fn create(base_url: &str, name: &str) -> Result<Scenario, sqlx::Error> {
        let db = format!("{name}_{}", std::process::id());
        let admin = clinic::store::mysql::connect(&url_with_db(base_url, ""), 1).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE `{db}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        )))
        .execute(&admin)
        .await?;
        let url = url_with_db(base_url, &db);
        let pool = clinic::store::mysql::connect(&url, 1).await?;
        clinic::store::mysql::migrate(&pool)
            .await
            .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        let doctor_id = sqlx::query(
            "INSERT INTO doctors (full_name, email, password_hash, specialization) VALUES ('Dr. Maya Okafor', ?, '!', 'General practice')",
        )
        .bind(DOCTOR_EMAIL)
        .execute(&pool)
        .await?
        .last_insert_id();
        let patient_id = sqlx::query(
            "INSERT INTO patients (full_name, email, password_hash) VALUES ('Ana Ribeiro', 'ana@bench.test', '!')",
        )
        .execute(&pool)
        .await?
        .last_insert_id();
        let doctor_id = i32::try_from(doctor_id).unwrap_or(i32::MAX);
        let mut qb: QueryBuilder<MySql> = QueryBuilder::new(
            "INSERT INTO doctor_availability (doctor_id, day_of_week, start_time, end_time) ",
        );
        let days = ["MON", "TUE", "WED", "THU", "FRI"];
        let windows = [("09:00:00", "14:30:00"), ("15:00:00", "18:00:00")];
        qb.push_values(
            days.iter()
                .flat_map(|d| windows.iter().map(move |w| (*d, *w))),
            |mut b, (day, (start, end))| {
                b.push_bind(doctor_id)
                    .push_bind(day)
                    .push_bind(start)
                    .push_bind(end);
            },
        );
        qb.build().execute(&pool).await?;
        let today = Utc::now().with_timezone(&TIME_ZONE).date_naive();
        let mut date = today + Days::new(21);
        while date.weekday() != Weekday::Mon {
            date = date + Days::new(1);
        }
        Ok(Scenario {
            db,
            url,
            pool,
            doctor_id,
            patient_id: i32::try_from(patient_id).unwrap_or(i32::MAX),
            date,
            admin,
        })
    }

    /// Adds `count` BOOKED appointments: five a weekday (09:00, 10:00, 11:30, 15:00 and
    /// 16:30 local), from the Friday of the week asked for backwards.
    pub async fn add_history(&self, count: usize) -> Result<(), sqlx::Error> {
        let times = [(9, 0), (10, 0), (11, 30), (15, 0), (16, 30)];
        let mut starts: Vec<NaiveDateTime> = Vec::with_capacity(count);
        let mut day = self.date + Days::new(4);
        while starts.len() < count {
            if day.weekday().number_from_monday() <= 5 {
                for (h, m) in times {
                    if starts.len() == count {
                        break;
                    }
                    let local = day.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default());
                    if let Some(utc) = local_to_utc(TIME_ZONE, local) {
                        starts.push(utc);
                    }
                }
            }
            day = day - Days::new(1);
        }
        for chunk in starts.chunks(500) {
            let mut qb: QueryBuilder<MySql> = QueryBuilder::new(
                "INSERT INTO appointments (patient_id, doctor_id, appointment_time, duration_minutes, status) ",
            );
            qb.push_values(chunk, |mut b, start| {
                b.push_bind(self.patient_id)
                    .push_bind(self.doctor_id)
                    .push_bind(*start)
                    .push_bind(DURATION_MINUTES as i32)
                    .push_bind("BOOKED");
            });
            qb.build().execute(&self.pool).await?;
        }
        Ok(())
    }

    /// Drops the database.
    pub async fn drop_database(self) {
        self.pool.close().await;
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS `{}`",
            self.db
        )))
        .execute(&self.admin)
        .await;
    }
}

/// The sample at quantile `p` of a sorted list.
pub fn percentile<T: Copy + Default>(sorted: &[T], p: f64) -> T {
    if sorted.is_empty() {
        return T::default();
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}
