//! The queries behind booking: row locks, overlap checks and appointment listings with
//! names. Used inside the booking service's transactions.

use chrono::NaiveDateTime;
use sqlx::mysql::MySqlRow;
use sqlx::{Executor, MySql, Row};

use super::parse_col;
use crate::domain::appointment::{Appointment, AppointmentStatus, AppointmentView, ListFilter};

/// Locks a doctor's row for the rest of the transaction. Every booking change for that
/// doctor takes this lock first, so overlap checks and inserts are serialised per doctor.
/// Returns whether the doctor exists and is active.
pub async fn lock_doctor<'c, E>(exec: E, doctor_id: i32) -> Result<Option<bool>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query_scalar("SELECT is_active FROM doctors WHERE id = ? FOR UPDATE")
        .bind(doctor_id)
        .fetch_optional(exec)
        .await
}

/// Locks a patient's row (taken after the doctor's, always in that order).
pub async fn lock_patient<'c, E>(exec: E, patient_id: i32) -> Result<Option<bool>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query_scalar("SELECT is_active FROM patients WHERE id = ? FOR UPDATE")
        .bind(patient_id)
        .fetch_optional(exec)
        .await
}

/// The non-cancelled appointments of a doctor (`by_doctor`) or a patient that overlap
/// `[start, end)`, other than `except`. Durations are at most 480 minutes (a CHECK), which
/// bounds the index range scanned.
pub async fn overlapping<'c, E>(
    exec: E,
    by_doctor: bool,
    owner_id: i32,
    start: NaiveDateTime,
    end: NaiveDateTime,
    except: Option<i32>,
) -> Result<Vec<(i32, NaiveDateTime, i32)>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let sql = if by_doctor {
        "SELECT id, appointment_time, duration_minutes FROM appointments WHERE doctor_id = ? \
         AND appointment_time < ? AND appointment_time > ? - INTERVAL 480 MINUTE \
         AND appointment_time + INTERVAL duration_minutes MINUTE > ? AND status <> 'CANCELLED' AND id <> ?"
    } else {
        "SELECT id, appointment_time, duration_minutes FROM appointments WHERE patient_id = ? \
         AND appointment_time < ? AND appointment_time > ? - INTERVAL 480 MINUTE \
         AND appointment_time + INTERVAL duration_minutes MINUTE > ? AND status <> 'CANCELLED' AND id <> ?"
    };
    sqlx::query_as(sql)
        .bind(owner_id)
        .bind(end)
        .bind(start)
        .bind(start)
        .bind(except.unwrap_or(0))
        .fetch_all(exec)
        .await
}

/// Reads an appointment and locks its row.
pub async fn lock_appointment<'c, E>(exec: E, id: i32) -> Result<Option<Appointment>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query(
        "SELECT id, patient_id, doctor_id, location_id, appointment_time, duration_minutes, status, \
         cancel_reason, cancelled_at FROM appointments WHERE id = ? FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(exec)
    .await?
    .map(|r| map_appointment(&r))
    .transpose()
}

pub async fn move_appointment<'c, E>(
    exec: E,
    id: i32,
    start: NaiveDateTime,
    duration_minutes: i32,
    location_id: Option<i32>,
) -> Result<(), sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query("UPDATE appointments SET appointment_time = ?, duration_minutes = ?, location_id = ? WHERE id = ?")
        .bind(start)
        .bind(duration_minutes)
        .bind(location_id)
        .bind(id)
        .execute(exec)
        .await?;
    Ok(())
}

fn map_appointment(r: &MySqlRow) -> Result<Appointment, sqlx::Error> {
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

/// Appointments with patient, doctor and location names, by time.
pub async fn list_views<'c, E>(exec: E, f: &ListFilter) -> Result<Vec<AppointmentView>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let rows = sqlx::query(
        "SELECT a.id, a.patient_id, a.doctor_id, a.location_id, a.appointment_time, a.duration_minutes, a.status, \
         a.cancel_reason, a.cancelled_at, p.full_name AS patient_name, p.email AS patient_email, \
         d.full_name AS doctor_name, d.email AS doctor_email, d.specialization, l.name AS location_name \
         FROM appointments a JOIN patients p ON p.id = a.patient_id JOIN doctors d ON d.id = a.doctor_id \
         LEFT JOIN clinic_locations l ON l.id = a.location_id \
         WHERE (? IS NULL OR a.doctor_id = ?) AND (? IS NULL OR a.patient_id = ?) \
         AND (? IS NULL OR a.appointment_time >= ?) AND (? IS NULL OR a.appointment_time < ?) \
         AND (? OR a.status <> 'CANCELLED') ORDER BY a.appointment_time, a.id LIMIT ?",
    )
    .bind(f.doctor_id)
    .bind(f.doctor_id)
    .bind(f.patient_id)
    .bind(f.patient_id)
    .bind(f.from)
    .bind(f.from)
    .bind(f.to)
    .bind(f.to)
    .bind(f.include_cancelled)
    .bind(f.limit.unwrap_or(10_000))
    .fetch_all(exec)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AppointmentView {
                appointment: map_appointment(r)?,
                patient_name: r.try_get("patient_name")?,
                patient_email: r.try_get("patient_email")?,
                doctor_name: r.try_get("doctor_name")?,
                doctor_email: r.try_get("doctor_email")?,
                specialization: r.try_get("specialization")?,
                location_name: r.try_get("location_name")?,
            })
        })
        .collect()
}

/// Active doctors of a specialization (all active doctors for `None`): (id, name).
pub async fn doctors_for<'c, E>(
    exec: E,
    specialization: Option<&str>,
) -> Result<Vec<(i32, String)>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query_as(
        "SELECT id, full_name FROM doctors WHERE is_active AND (? IS NULL OR specialization = ?) ORDER BY full_name, id",
    )
    .bind(specialization)
    .bind(specialization)
    .fetch_all(exec)
    .await
}

/// Finds an account id by email in the doctors or patients table.
pub async fn id_by_email<'c, E>(
    exec: E,
    doctor: bool,
    email: &str,
) -> Result<Option<i32>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let sql = if doctor {
        "SELECT id FROM doctors WHERE email = ?"
    } else {
        "SELECT id FROM patients WHERE email = ?"
    };
    sqlx::query_scalar(sql)
        .bind(email)
        .fetch_optional(exec)
        .await
}
