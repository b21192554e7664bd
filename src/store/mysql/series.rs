//! Recurring series (`appointment_series`, `appointments.series_id`) and the one-statement
//! read behind every booking check: what a doctor's availability is near the asked
//! times, and which appointments of the doctor and of the patient overlap them.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use sqlx::{Executor, MySql, QueryBuilder, Row};

use super::availability::parse_day_code;
use super::patients::id_of;
use super::{appointments, parse_col};
use crate::domain::appointment::{Appointment, AppointmentStatus, NewAppointment, StatusChange};
use crate::domain::availability::{TimeOff, Window};
use crate::domain::extra_hours::ExtraHours;

/// What a booking check reads, for one doctor and one patient.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckInputs {
    pub windows: Vec<Window>,
    /// Extra hours on the asked dates.
    pub extra: Vec<ExtraHours>,
    /// Time off intersecting the asked span.
    pub time_off: Vec<TimeOff>,
    /// The doctor's non-cancelled appointments overlapping an asked interval:
    /// (id, start, minutes).
    pub doctor_busy: Vec<(i32, NaiveDateTime, i32)>,
    /// The same for the patient.
    pub patient_busy: Vec<(i32, NaiveDateTime, i32)>,
}

const WINDOW: i64 = 0;
const TIME_OFF: i64 = 1;
const DOCTOR_BUSY: i64 = 2;
const PATIENT_BUSY: i64 = 3;
const EXTRA: i64 = 4;

/// Appends "the appointments (other than `except`) that overlap one of `intervals`".
/// Durations are at most 480 minutes (a CHECK), which bounds the index range scanned.
fn push_overlaps(
    qb: &mut QueryBuilder<MySql>,
    intervals: &[(NaiveDateTime, NaiveDateTime)],
    except: &[i32],
) {
    qb.push(" AND status <> 'CANCELLED'");
    if !except.is_empty() {
        qb.push(" AND id NOT IN (");
        let mut ids = qb.separated(", ");
        for id in except {
            ids.push_bind(*id);
        }
        qb.push(")");
    }
    qb.push(" AND (");
    for (i, (start, end)) in intervals.iter().enumerate() {
        if i > 0 {
            qb.push(" OR ");
        }
        qb.push("(appointment_time < ");
        qb.push_bind(*end);
        qb.push(" AND appointment_time > ");
        qb.push_bind(*start);
        qb.push(
            " - INTERVAL 480 MINUTE AND appointment_time + INTERVAL duration_minutes MINUTE > ",
        );
        qb.push_bind(*start);
        qb.push(")");
    }
    qb.push(")");
}

/// The doctor's weekly windows, extra hours on local dates `dates.0..=dates.1`, time off
/// intersecting the span of `intervals`, and the doctor's and the patient's appointments
/// (other than `except`) overlapping any of `intervals`: one `UNION ALL`, one round trip
/// whatever the number of intervals. Run it after locking both rows.
pub async fn check_inputs<'c, E>(
    exec: E,
    doctor_id: i32,
    patient_id: i32,
    intervals: &[(NaiveDateTime, NaiveDateTime)],
    except: &[i32],
    dates: (NaiveDate, NaiveDate),
) -> Result<CheckInputs, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let (Some(lo), Some(hi)) = (
        intervals.iter().map(|i| i.0).min(),
        intervals.iter().map(|i| i.1).max(),
    ) else {
        return Ok(CheckInputs::default());
    };
    let mut qb: QueryBuilder<MySql> = QueryBuilder::new(
        "SELECT 0 AS kind, id, day_of_week AS label, start_time, end_time, location_id, \
         CAST(NULL AS DATETIME) AS starts_at, CAST(NULL AS DATETIME) AS ends_at, \
         CAST(NULL AS SIGNED) AS minutes FROM doctor_availability WHERE doctor_id = ",
    );
    qb.push_bind(doctor_id);
    qb.push(
        " UNION ALL SELECT 1, id, reason, NULL, NULL, NULL, starts_at, ends_at, NULL \
         FROM doctor_time_off WHERE doctor_id = ",
    );
    qb.push_bind(doctor_id);
    qb.push(" AND ends_at > ");
    qb.push_bind(lo);
    qb.push(" AND starts_at < ");
    qb.push_bind(hi);
    qb.push(
        " UNION ALL SELECT 4, id, NULL, start_time, end_time, location_id, \
         CAST(on_date AS DATETIME), NULL, NULL FROM doctor_extra_hours WHERE doctor_id = ",
    );
    qb.push_bind(doctor_id);
    qb.push(" AND on_date >= ");
    qb.push_bind(dates.0);
    qb.push(" AND on_date <= ");
    qb.push_bind(dates.1);
    qb.push(
        " UNION ALL SELECT 2, id, NULL, NULL, NULL, NULL, appointment_time, NULL, \
         duration_minutes FROM appointments WHERE doctor_id = ",
    );
    qb.push_bind(doctor_id);
    push_overlaps(&mut qb, intervals, except);
    qb.push(
        " UNION ALL SELECT 3, id, NULL, NULL, NULL, NULL, appointment_time, NULL, \
         duration_minutes FROM appointments WHERE patient_id = ",
    );
    qb.push_bind(patient_id);
    push_overlaps(&mut qb, intervals, except);
    let rows = qb.build().fetch_all(exec).await?;
    let mut out = CheckInputs::default();
    // Columns by position: kind, id, label, start_time, end_time, location_id,
    // starts_at, ends_at, minutes.
    for r in &rows {
        let kind: i64 = r.try_get(0)?;
        match kind {
            WINDOW => {
                let day: String = r.try_get(2)?;
                out.windows.push(Window {
                    weekday: parse_col("day_of_week", &day, parse_day_code)?,
                    start: r.try_get::<NaiveTime, _>(3)?,
                    end: r.try_get::<NaiveTime, _>(4)?,
                    location_id: r.try_get(5)?,
                });
            }
            TIME_OFF => out.time_off.push(TimeOff {
                start_utc: r.try_get(6)?,
                end_utc: r.try_get(7)?,
                reason: r.try_get(2)?,
            }),
            EXTRA => out.extra.push(ExtraHours {
                date: r.try_get::<NaiveDateTime, _>(6)?.date(),
                start: r.try_get::<NaiveTime, _>(3)?,
                end: r.try_get::<NaiveTime, _>(4)?,
                location_id: r.try_get(5)?,
            }),
            DOCTOR_BUSY => out
                .doctor_busy
                .push((r.try_get(1)?, r.try_get(6)?, r.try_get(8)?)),
            PATIENT_BUSY => out
                .patient_busy
                .push((r.try_get(1)?, r.try_get(6)?, r.try_get(8)?)),
            other => {
                return Err(sqlx::Error::ColumnDecode {
                    index: "kind".into(),
                    source: format!("unexpected row kind {other}").into(),
                });
            }
        }
    }
    out.doctor_busy.sort_by_key(|b| (b.1, b.0));
    out.patient_busy.sort_by_key(|b| (b.1, b.0));
    Ok(out)
}

/// A new series row; returns its id.
pub async fn insert_series<'c, E>(
    exec: E,
    patient_id: i32,
    doctor_id: i32,
    every_weeks: u32,
    occurrences: u32,
    by: (&str, Option<i32>),
) -> Result<i32, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let done = sqlx::query(
        "INSERT INTO appointment_series (patient_id, doctor_id, every_weeks, occurrences, \
         created_by_kind, created_by_id) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(patient_id)
    .bind(doctor_id)
    .bind(every_weeks)
    .bind(occurrences)
    .bind(by.0)
    .bind(by.1)
    .execute(exec)
    .await?;
    id_of(done.last_insert_id())
}

/// Inserts booked appointments of a series in one statement. The ids are read back with
/// [`of_series`].
pub async fn insert_occurrences<'c, E>(
    exec: E,
    series_id: i32,
    rows: &[NewAppointment],
    by: (&str, Option<i32>),
) -> Result<(), sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    if rows.is_empty() {
        return Ok(());
    }
    let mut qb = QueryBuilder::<MySql>::new(
        "INSERT INTO appointments (patient_id, doctor_id, location_id, appointment_time, \
         duration_minutes, status, created_by_kind, created_by_id, series_id) ",
    );
    qb.push_values(rows, |mut row, a| {
        row.push_bind(a.patient_id)
            .push_bind(a.doctor_id)
            .push_bind(a.location_id)
            .push_bind(a.start_utc)
            .push_bind(a.duration_minutes)
            .push_bind(AppointmentStatus::Booked.as_str())
            .push_bind(by.0)
            .push_bind(by.1)
            .push_bind(series_id);
    });
    qb.build().execute(exec).await?;
    Ok(())
}

/// Status history rows in one statement; a no-op for none.
pub async fn insert_history_many<'c, E>(exec: E, rows: &[StatusChange]) -> Result<(), sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    if rows.is_empty() {
        return Ok(());
    }
    let mut qb = QueryBuilder::<MySql>::new(
        "INSERT INTO appointment_status_history (appointment_id, from_status, to_status, \
         old_time, new_time, reason, changed_by_kind, changed_by_id, changed_at) ",
    );
    qb.push_values(rows, |mut row, h| {
        row.push_bind(h.appointment_id)
            .push_bind(h.from_status.map(AppointmentStatus::as_str))
            .push_bind(h.to_status.as_str())
            .push_bind(h.old_time)
            .push_bind(h.new_time)
            .push_bind(&h.reason)
            .push_bind(&h.changed_by_kind)
            .push_bind(h.changed_by_id)
            .push_bind(h.changed_at);
    });
    qb.build().execute(exec).await?;
    Ok(())
}

/// Cancels these booked appointments in one statement, recording the reason and who.
pub async fn cancel_many<'c, E>(
    exec: E,
    ids: &[i32],
    reason: &str,
    by: (&str, Option<i32>),
    at: NaiveDateTime,
) -> Result<u64, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    if ids.is_empty() {
        return Ok(0);
    }
    let mut qb = QueryBuilder::<MySql>::new(
        "UPDATE appointments SET status = 'CANCELLED', cancel_reason = ",
    );
    qb.push_bind(reason);
    qb.push(", cancelled_by_kind = ");
    qb.push_bind(by.0);
    qb.push(", cancelled_by_id = ");
    qb.push_bind(by.1);
    qb.push(", cancelled_at = ");
    qb.push_bind(at);
    qb.push(" WHERE status = 'BOOKED' AND id IN (");
    let mut sep = qb.separated(", ");
    for id in ids {
        sep.push_bind(*id);
    }
    qb.push(")");
    Ok(qb.build().execute(exec).await?.rows_affected())
}

/// Every appointment of a series, by time; with `from`, only those starting then or
/// later; with `lock`, their rows are locked for the rest of the transaction.
pub async fn of_series<'c, E>(
    exec: E,
    series_id: i32,
    from: Option<NaiveDateTime>,
    lock: bool,
) -> Result<Vec<Appointment>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let sql = format!(
        "SELECT {} FROM appointments WHERE series_id = ? AND (? IS NULL OR appointment_time >= ?) \
         ORDER BY appointment_time, id{}",
        appointments::COLUMNS,
        if lock { " FOR UPDATE" } else { "" }
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(series_id)
        .bind(from)
        .bind(from)
        .fetch_all(exec)
        .await?
        .iter()
        .map(appointments::map)
        .collect()
}

/// The series an appointment belongs to, if any (`None` also when there is no such
/// appointment).
pub async fn series_of<'c, E>(exec: E, appointment_id: i32) -> Result<Option<i32>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let id: Option<Option<i32>> =
        sqlx::query_scalar("SELECT series_id FROM appointments WHERE id = ?")
            .bind(appointment_id)
            .fetch_optional(exec)
            .await?;
    Ok(id.flatten())
}

/// A series' rule: (every weeks, occurrences asked for).
pub async fn rule<'c, E>(exec: E, series_id: i32) -> Result<Option<(i32, i32)>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query_as("SELECT every_weeks, occurrences FROM appointment_series WHERE id = ?")
        .bind(series_id)
        .fetch_optional(exec)
        .await
}
