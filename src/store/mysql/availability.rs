//! `doctor_availability` (weekly windows, local wall-clock times) and `doctor_time_off`
//! (UTC instants).

use chrono::{NaiveDateTime, Weekday};
use sqlx::{Executor, MySql, Row};

use super::parse_col;
use super::patients::id_of;
use crate::domain::availability::{StoredTimeOff, StoredWindow, TimeOff, Window};

pub fn day_code(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "MON",
        Weekday::Tue => "TUE",
        Weekday::Wed => "WED",
        Weekday::Thu => "THU",
        Weekday::Fri => "FRI",
        Weekday::Sat => "SAT",
        Weekday::Sun => "SUN",
    }
}

pub fn parse_day_code(s: &str) -> Option<Weekday> {
    [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ]
    .into_iter()
    .find(|d| day_code(*d) == s)
}

pub async fn insert_window<'c, E>(exec: E, doctor_id: i32, w: &Window) -> Result<i32, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let done = sqlx::query(
        "INSERT INTO doctor_availability (doctor_id, day_of_week, start_time, end_time, location_id) \
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(doctor_id)
    .bind(day_code(w.weekday))
    .bind(w.start)
    .bind(w.end)
    .bind(w.location_id)
    .execute(exec)
    .await?;
    id_of(done.last_insert_id())
}

pub async fn windows<'c, E>(exec: E, doctor_id: i32) -> Result<Vec<StoredWindow>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let rows = sqlx::query(
        "SELECT id, day_of_week, start_time, end_time, location_id FROM doctor_availability \
         WHERE doctor_id = ? ORDER BY FIELD(day_of_week, 'MON','TUE','WED','THU','FRI','SAT','SUN'), start_time",
    )
    .bind(doctor_id)
    .fetch_all(exec)
    .await?;
    rows.iter()
        .map(|r| {
            let day: String = r.try_get("day_of_week")?;
            Ok(StoredWindow {
                id: r.try_get("id")?,
                window: Window {
                    weekday: parse_col("day_of_week", &day, parse_day_code)?,
                    start: r.try_get("start_time")?,
                    end: r.try_get("end_time")?,
                    location_id: r.try_get("location_id")?,
                },
            })
        })
        .collect()
}

pub async fn insert_time_off<'c, E>(
    exec: E,
    doctor_id: i32,
    t: &TimeOff,
) -> Result<i32, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let done = sqlx::query(
        "INSERT INTO doctor_time_off (doctor_id, starts_at, ends_at, reason) VALUES (?, ?, ?, ?)",
    )
    .bind(doctor_id)
    .bind(t.start_utc)
    .bind(t.end_utc)
    .bind(&t.reason)
    .execute(exec)
    .await?;
    id_of(done.last_insert_id())
}

/// Time off that intersects `[from, to)`.
pub async fn time_off<'c, E>(
    exec: E,
    doctor_id: i32,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<StoredTimeOff>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let rows = sqlx::query(
        "SELECT id, starts_at, ends_at, reason FROM doctor_time_off \
         WHERE doctor_id = ? AND starts_at < ? AND ends_at > ? ORDER BY starts_at",
    )
    .bind(doctor_id)
    .bind(to)
    .bind(from)
    .fetch_all(exec)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StoredTimeOff {
                id: r.try_get("id")?,
                time_off: TimeOff {
                    start_utc: r.try_get("starts_at")?,
                    end_utc: r.try_get("ends_at")?,
                    reason: r.try_get("reason")?,
                },
            })
        })
        .collect()
}

/// Replaces a window of `doctor_id` (a no-op when no such window belongs to that doctor;
/// callers check first, since MariaDB counts unchanged rows as not affected).
pub async fn update_window<'c, E>(
    exec: E,
    doctor_id: i32,
    window_id: i32,
    w: &Window,
) -> Result<(), sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query(
        "UPDATE doctor_availability SET day_of_week = ?, start_time = ?, end_time = ?, location_id = ? \
         WHERE id = ? AND doctor_id = ?",
    )
    .bind(day_code(w.weekday))
    .bind(w.start)
    .bind(w.end)
    .bind(w.location_id)
    .bind(window_id)
    .bind(doctor_id)
    .execute(exec)
    .await?;
    Ok(())
}

/// Deletes a window of `doctor_id`; false when no such window belongs to that doctor.
pub async fn delete_window<'c, E>(
    exec: E,
    doctor_id: i32,
    window_id: i32,
) -> Result<bool, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let done = sqlx::query("DELETE FROM doctor_availability WHERE id = ? AND doctor_id = ?")
        .bind(window_id)
        .bind(doctor_id)
        .execute(exec)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes a time-off entry of `doctor_id`; false when no such entry belongs to that doctor.
pub async fn delete_time_off<'c, E>(exec: E, doctor_id: i32, id: i32) -> Result<bool, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let done = sqlx::query("DELETE FROM doctor_time_off WHERE id = ? AND doctor_id = ?")
        .bind(id)
        .bind(doctor_id)
        .execute(exec)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Locks the doctor row for the rest of the transaction; false when there is no such doctor.
pub async fn lock_doctor<'c, E>(exec: E, doctor_id: i32) -> Result<bool, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let row: Option<i32> = sqlx::query_scalar("SELECT id FROM doctors WHERE id = ? FOR UPDATE")
        .bind(doctor_id)
        .fetch_optional(exec)
        .await?;
    Ok(row.is_some())
}
