//! `appointments` and `appointment_status_history`.

use chrono::NaiveDateTime;
use sqlx::mysql::MySqlRow;
use sqlx::{Executor, MySql, Row};

use super::parse_col;
use super::patients::id_of;
use crate::domain::appointment::{Appointment, AppointmentStatus, NewAppointment, StatusChange};

pub(super) const COLUMNS: &str = "id, patient_id, doctor_id, location_id, appointment_time, duration_minutes, \
                       status, cancel_reason, cancelled_at";

pub(super) fn map(r: &MySqlRow) -> Result<Appointment, sqlx::Error> {
    let status: String = r.try_get("status")?;
    Ok(Appointment {
        id: r.try_get("id")?,
        patient_id: r.try_get("patient_id")?,
        doctor_id: r.try_get("doctor_id")?,
        location_id: r.try_get("location_id")?,
        start_utc: r.try_get("appointment_time")?,
        duration_minutes: r.try_get("duration_minutes")?,
        status: parse_col("status", &status, AppointmentStatus::parse)?,
        cancel_reason: r.try_get("cancel_reason")?,
        cancelled_at: r.try_get("cancelled_at")?,
    })
}

/// Inserts an appointment (BOOKED, or COMPLETED / NO_SHOW when recording the past;
/// cancelling goes through [`set_status`], which records the reason). Overlap and
/// availability checks are the booking service's job; the unique (doctor, active slot)
/// key is the last line of defence.
pub async fn insert<'c, E>(
    exec: E,
    a: &NewAppointment,
    status: AppointmentStatus,
    created_by_kind: &str,
    created_by_id: Option<i32>,
) -> Result<i32, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let done = sqlx::query(
        "INSERT INTO appointments (patient_id, doctor_id, location_id, appointment_time, duration_minutes, \
         status, created_by_kind, created_by_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(a.patient_id)
    .bind(a.doctor_id)
    .bind(a.location_id)
    .bind(a.start_utc)
    .bind(a.duration_minutes)
    .bind(status.as_str())
    .bind(created_by_kind)
    .bind(created_by_id)
    .execute(exec)
    .await?;
    id_of(done.last_insert_id())
}

pub async fn get<'c, E>(exec: E, id: i32) -> Result<Option<Appointment>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let sql = format!("SELECT {COLUMNS} FROM appointments WHERE id = ?");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(exec)
        .await?
        .map(|r| map(&r))
        .transpose()
}

/// Whether the doctor has, or had, an appointment with the patient that was not
/// cancelled: what makes someone "the patient's doctor" for reading records.
pub async fn doctor_treats_patient<'c, E>(
    exec: E,
    doctor_id: i32,
    patient_id: i32,
) -> Result<bool, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT 1 FROM appointments WHERE doctor_id = ? AND patient_id = ? \
         AND status <> 'CANCELLED' LIMIT 1) AS seen",
    )
    .bind(doctor_id)
    .bind(patient_id)
    .fetch_one(exec)
    .await?;
    Ok(n > 0)
}

/// A doctor's appointments starting in `[from, to)`, every status, by time.
pub async fn list_for_doctor<'c, E>(
    exec: E,
    doctor_id: i32,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<Appointment>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let sql = format!(
        "SELECT {COLUMNS} FROM appointments WHERE doctor_id = ? AND appointment_time >= ? \
         AND appointment_time < ? ORDER BY appointment_time, id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(doctor_id)
        .bind(from)
        .bind(to)
        .fetch_all(exec)
        .await?
        .iter()
        .map(map)
        .collect()
}

/// Sets a new status, with cancellation details when cancelling.
pub async fn set_status<'c, E>(
    exec: E,
    id: i32,
    status: AppointmentStatus,
    cancel: Option<(&str, &str, Option<i32>, NaiveDateTime)>,
) -> Result<bool, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let (reason, by_kind, by_id, at) = match cancel {
        Some((reason, kind, id, at)) => (Some(reason), Some(kind), id, Some(at)),
        None => (None, None, None, None),
    };
    let done = sqlx::query(
        "UPDATE appointments SET status = ?, cancel_reason = COALESCE(?, cancel_reason), \
         cancelled_by_kind = COALESCE(?, cancelled_by_kind), cancelled_by_id = COALESCE(?, cancelled_by_id), \
         cancelled_at = COALESCE(?, cancelled_at) WHERE id = ?",
    )
    .bind(status.as_str())
    .bind(reason)
    .bind(by_kind)
    .bind(by_id)
    .bind(at)
    .bind(id)
    .execute(exec)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn insert_history<'c, E>(exec: E, h: &StatusChange) -> Result<(), sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query(
        "INSERT INTO appointment_status_history (appointment_id, from_status, to_status, old_time, new_time, \
         reason, changed_by_kind, changed_by_id, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(h.appointment_id)
    .bind(h.from_status.map(AppointmentStatus::as_str))
    .bind(h.to_status.as_str())
    .bind(h.old_time)
    .bind(h.new_time)
    .bind(&h.reason)
    .bind(&h.changed_by_kind)
    .bind(h.changed_by_id)
    .bind(h.changed_at)
    .execute(exec)
    .await?;
    Ok(())
}

pub async fn history<'c, E>(exec: E, appointment_id: i32) -> Result<Vec<StatusChange>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let rows = sqlx::query(
        "SELECT appointment_id, from_status, to_status, old_time, new_time, reason, changed_by_kind, \
         changed_by_id, changed_at FROM appointment_status_history WHERE appointment_id = ? ORDER BY changed_at, id",
    )
    .bind(appointment_id)
    .fetch_all(exec)
    .await?;
    rows.iter()
        .map(|r| {
            let from: Option<String> = r.try_get("from_status")?;
            let to: String = r.try_get("to_status")?;
            Ok(StatusChange {
                appointment_id: r.try_get("appointment_id")?,
                from_status: from
                    .map(|f| parse_col("from_status", &f, AppointmentStatus::parse))
                    .transpose()?,
                to_status: parse_col("to_status", &to, AppointmentStatus::parse)?,
                old_time: r.try_get("old_time")?,
                new_time: r.try_get("new_time")?,
                reason: r.try_get("reason")?,
                changed_by_kind: r.try_get("changed_by_kind")?,
                changed_by_id: r.try_get("changed_by_id")?,
                changed_at: r.try_get("changed_at")?,
            })
        })
        .collect()
}

pub async fn count<'c, E>(exec: E) -> Result<i64, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query_scalar("SELECT COUNT(*) FROM appointments")
        .fetch_one(exec)
        .await
}

/// A doctor's appointment with the patient's name, for calendars.
#[derive(Debug, Clone, PartialEq)]
pub struct WithPatient {
    pub appointment: Appointment,
    pub patient_name: String,
}

/// A doctor's non-cancelled appointments that intersect `[from, to)`, with patient names,
/// by time.
pub async fn active_with_patients<'c, E>(
    exec: E,
    doctor_id: i32,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<WithPatient>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let rows = sqlx::query(
        "SELECT a.id, a.patient_id, a.doctor_id, a.location_id, a.appointment_time, a.duration_minutes, \
         a.status, a.cancel_reason, a.cancelled_at, p.full_name AS patient_name \
         FROM appointments a JOIN patients p ON p.id = a.patient_id \
         WHERE a.doctor_id = ? AND a.status <> 'CANCELLED' AND a.appointment_time < ? \
         AND a.appointment_time + INTERVAL a.duration_minutes MINUTE > ? \
         ORDER BY a.appointment_time, a.id",
    )
    .bind(doctor_id)
    .bind(to)
    .bind(from)
    .fetch_all(exec)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(WithPatient {
                appointment: map(r)?,
                patient_name: r.try_get("patient_name")?,
            })
        })
        .collect()
}

/// The completed appointments of these doctors (by email) that were written by a seed,
/// not by a person: booked for the front desk by no one in particular (`created_by_id`
/// NULL) and marked completed by no one in particular either. Every booking or change
/// made through the application records who made it, so these are the demo's own. By id.
pub async fn seeded_completed<'c, E>(
    exec: E,
    doctor_emails: &[&str],
) -> Result<Vec<Appointment>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    if doctor_emails.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; doctor_emails.len()].join(", ");
    let columns = COLUMNS
        .split(", ")
        .map(|c| format!("a.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns} FROM appointments a JOIN doctors d ON d.id = a.doctor_id \
         WHERE d.email IN ({marks}) AND a.status = 'COMPLETED' \
         AND a.created_by_kind = 'FRONT_DESK' AND a.created_by_id IS NULL \
         AND EXISTS (SELECT 1 FROM appointment_status_history h WHERE h.appointment_id = a.id \
             AND h.to_status = 'COMPLETED' AND h.changed_by_id IS NULL) \
         ORDER BY a.id"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for email in doctor_emails {
        query = query.bind(*email);
    }
    query.fetch_all(exec).await?.iter().map(map).collect()
}

/// The highest appointment id in use (0 when there is none): new rows get higher ids.
pub async fn max_id<'c, E>(exec: E) -> Result<i32, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let max: Option<i32> = sqlx::query_scalar("SELECT MAX(id) FROM appointments")
        .fetch_one(exec)
        .await?;
    Ok(max.unwrap_or(0))
}
