//! What a calendar export reads: a doctor's or a patient's appointments (every status)
//! with the names and the location address an event shows.

use chrono::NaiveDateTime;
use sqlx::{Executor, MySql, Row};

use super::appointments;
use crate::domain::appointment::Appointment;

/// One appointment as a calendar event shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarRow {
    pub appointment: Appointment,
    pub patient_name: String,
    pub doctor_name: String,
    pub specialization: String,
    pub location_name: Option<String>,
    pub location_address: Option<String>,
}

/// The appointments of `doctor_id` (or of `patient_id`, when `by_doctor` is false)
/// starting in `[from, to)`, every status, by time.
pub async fn appointments_of<'c, E>(
    exec: E,
    by_doctor: bool,
    owner_id: i32,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<CalendarRow>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let owner = if by_doctor {
        "a.doctor_id"
    } else {
        "a.patient_id"
    };
    let columns = appointments::COLUMNS
        .split(',')
        .map(|c| format!("a.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns}, p.full_name AS patient_name, d.full_name AS doctor_name, \
         d.specialization, l.name AS location_name, l.address AS location_address \
         FROM appointments a JOIN patients p ON p.id = a.patient_id \
         JOIN doctors d ON d.id = a.doctor_id LEFT JOIN clinic_locations l ON l.id = a.location_id \
         WHERE {owner} = ? AND a.appointment_time >= ? AND a.appointment_time < ? \
         ORDER BY a.appointment_time, a.id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(owner_id)
        .bind(from)
        .bind(to)
        .fetch_all(exec)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(CalendarRow {
                appointment: appointments::map(r)?,
                patient_name: r.try_get("patient_name")?,
                doctor_name: r.try_get("doctor_name")?,
                specialization: r.try_get("specialization")?,
                location_name: r.try_get("location_name")?,
                location_address: r.try_get("location_address")?,
            })
        })
        .collect()
}
