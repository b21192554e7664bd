//! `doctor_extra_hours`: hours opened on one local date (local wall-clock times).

use chrono::NaiveDate;
use sqlx::mysql::MySqlRow;
use sqlx::{Executor, MySql, Row};

use super::patients::id_of;
use crate::domain::extra_hours::{ExtraHours, StoredExtraHours};

fn map(r: &MySqlRow) -> Result<StoredExtraHours, sqlx::Error> {
    Ok(StoredExtraHours {
        id: r.try_get("id")?,
        hours: ExtraHours {
            date: r.try_get("on_date")?,
            start: r.try_get("start_time")?,
            end: r.try_get("end_time")?,
            location_id: r.try_get("location_id")?,
        },
    })
}

pub async fn insert<'c, E>(exec: E, doctor_id: i32, x: &ExtraHours) -> Result<i32, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let done = sqlx::query(
        "INSERT INTO doctor_extra_hours (doctor_id, on_date, start_time, end_time, location_id) \
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(doctor_id)
    .bind(x.date)
    .bind(x.start)
    .bind(x.end)
    .bind(x.location_id)
    .execute(exec)
    .await?;
    id_of(done.last_insert_id())
}

/// A doctor's extra hours on local dates `from..=to`, by date and start.
pub async fn list<'c, E>(
    exec: E,
    doctor_id: i32,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<StoredExtraHours>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let rows = sqlx::query(
        "SELECT id, on_date, start_time, end_time, location_id FROM doctor_extra_hours \
         WHERE doctor_id = ? AND on_date >= ? AND on_date <= ? ORDER BY on_date, start_time, id",
    )
    .bind(doctor_id)
    .bind(from)
    .bind(to)
    .fetch_all(exec)
    .await?;
    rows.iter().map(map).collect()
}

/// One of a doctor's extra hours, if it is theirs.
pub async fn get<'c, E>(
    exec: E,
    doctor_id: i32,
    id: i32,
) -> Result<Option<StoredExtraHours>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let row = sqlx::query(
        "SELECT id, on_date, start_time, end_time, location_id FROM doctor_extra_hours \
         WHERE id = ? AND doctor_id = ?",
    )
    .bind(id)
    .bind(doctor_id)
    .fetch_optional(exec)
    .await?;
    row.as_ref().map(map).transpose()
}

/// Deletes extra hours of `doctor_id`; false when no such row belongs to that doctor.
pub async fn delete<'c, E>(exec: E, doctor_id: i32, id: i32) -> Result<bool, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let done = sqlx::query("DELETE FROM doctor_extra_hours WHERE id = ? AND doctor_id = ?")
        .bind(id)
        .bind(doctor_id)
        .execute(exec)
        .await?;
    Ok(done.rows_affected() == 1)
}
