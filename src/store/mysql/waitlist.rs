//! `waitlist_entries`: patients waiting for freed time, and the offers made to them.

use chrono::{NaiveDate, NaiveDateTime};
use sqlx::mysql::MySqlRow;
use sqlx::{Executor, MySql, QueryBuilder, Row};

use super::parse_col;
use super::patients::id_of;
use crate::domain::waitlist::{PartOfDay, WaitFor, WaitlistEntry, WaitlistOffer, WaitlistStatus};

/// What [`insert`] writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRow<'a> {
    pub patient_id: i32,
    pub wait_for: &'a WaitFor,
    pub from_date: NaiveDate,
    pub to_date: NaiveDate,
    pub part_of_day: Option<PartOfDay>,
    pub duration_minutes: i32,
}

pub async fn insert<'c, E>(
    exec: E,
    e: &EntryRow<'_>,
    by: (&str, Option<i32>),
    at: NaiveDateTime,
) -> Result<i32, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let (doctor, specialization) = match e.wait_for {
        WaitFor::Doctor(d) => (Some(*d), None),
        WaitFor::Specialization(s) => (None, Some(s.as_str())),
    };
    let done = sqlx::query(
        "INSERT INTO waitlist_entries (patient_id, doctor_id, specialization, from_date, to_date, \
         part_of_day, duration_minutes, status, created_by_kind, created_by_id, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, 'WAITING', ?, ?, ?)",
    )
    .bind(e.patient_id)
    .bind(doctor)
    .bind(specialization)
    .bind(e.from_date)
    .bind(e.to_date)
    .bind(e.part_of_day.map(PartOfDay::as_str))
    .bind(e.duration_minutes)
    .bind(by.0)
    .bind(by.1)
    .bind(at)
    .execute(exec)
    .await?;
    id_of(done.last_insert_id())
}

/// The names come from scalar subqueries, not joins: a locking read of entries then
/// locks the entries alone (a nested subquery takes no locks), never a patient's or a
/// doctor's row, which bookings lock in their own order.
const SELECT: &str = "SELECT w.id, w.patient_id, \
     (SELECT p.full_name FROM patients p WHERE p.id = w.patient_id) AS patient_name, w.doctor_id, \
     (SELECT d.full_name FROM doctors d WHERE d.id = w.doctor_id) AS doctor_name, \
     w.specialization, w.from_date, w.to_date, w.part_of_day, w.duration_minutes, w.status, \
     w.offered_doctor_id, \
     (SELECT od.full_name FROM doctors od WHERE od.id = w.offered_doctor_id) AS offered_doctor_name, \
     w.offered_start, w.offered_location_id, w.offered_at, w.appointment_id, w.created_at \
     FROM waitlist_entries w WHERE 1 = 1";

fn map(r: &MySqlRow) -> Result<WaitlistEntry, sqlx::Error> {
    let status: String = r.try_get("status")?;
    let part: Option<String> = r.try_get("part_of_day")?;
    let doctor_id: Option<i32> = r.try_get("doctor_id")?;
    let specialization: Option<String> = r.try_get("specialization")?;
    let wait_for = match (doctor_id, specialization) {
        (Some(d), _) => WaitFor::Doctor(d),
        (None, Some(s)) => WaitFor::Specialization(s),
        (None, None) => {
            return Err(sqlx::Error::ColumnDecode {
                index: "doctor_id".into(),
                source: "a waitlist entry without a doctor or a specialization".into(),
            });
        }
    };
    let offered_doctor: Option<i32> = r.try_get("offered_doctor_id")?;
    let offered_start: Option<NaiveDateTime> = r.try_get("offered_start")?;
    let duration_minutes: i32 = r.try_get("duration_minutes")?;
    let offer = match (offered_doctor, offered_start) {
        (Some(doctor_id), Some(start_utc)) => Some(WaitlistOffer {
            doctor_id,
            doctor_name: r
                .try_get::<Option<String>, _>("offered_doctor_name")?
                .unwrap_or_default(),
            start_utc,
            duration_minutes,
            location_id: r.try_get("offered_location_id")?,
            offered_at: r
                .try_get::<Option<NaiveDateTime>, _>("offered_at")?
                .unwrap_or(start_utc),
        }),
        _ => None,
    };
    Ok(WaitlistEntry {
        id: r.try_get("id")?,
        patient_id: r.try_get("patient_id")?,
        patient_name: r
            .try_get::<Option<String>, _>("patient_name")?
            .unwrap_or_default(),
        wait_for,
        doctor_name: r.try_get("doctor_name")?,
        from_date: r.try_get("from_date")?,
        to_date: r.try_get("to_date")?,
        part_of_day: part
            .map(|p| parse_col("part_of_day", &p, PartOfDay::parse))
            .transpose()?,
        duration_minutes,
        status: parse_col("status", &status, WaitlistStatus::parse)?,
        offer,
        appointment_id: r.try_get("appointment_id")?,
        created_at: r.try_get("created_at")?,
    })
}

/// Which entries to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filter {
    pub patient_id: Option<i32>,
    /// Entries for this doctor: waiting for them by name, or offered one of their slots.
    pub doctor_id: Option<i32>,
    /// Only waiting and offered entries.
    pub open_only: bool,
    /// Only offered entries.
    pub offered_only: bool,
}

fn push_filter(qb: &mut QueryBuilder<MySql>, f: &Filter) {
    if let Some(p) = f.patient_id {
        qb.push(" AND w.patient_id = ");
        qb.push_bind(p);
    }
    if let Some(d) = f.doctor_id {
        qb.push(" AND (w.doctor_id = ");
        qb.push_bind(d);
        qb.push(" OR w.offered_doctor_id = ");
        qb.push_bind(d);
        qb.push(")");
    }
    if f.offered_only {
        qb.push(" AND w.status = 'OFFERED'");
    } else if f.open_only {
        qb.push(" AND w.status IN ('WAITING', 'OFFERED')");
    }
}

/// Entries matching `f`, oldest first (at most `limit`).
pub async fn list<'c, E>(exec: E, f: &Filter, limit: u32) -> Result<Vec<WaitlistEntry>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let mut qb = QueryBuilder::<MySql>::new(SELECT);
    push_filter(&mut qb, f);
    qb.push(" ORDER BY w.created_at, w.id LIMIT ");
    qb.push_bind(limit);
    qb.build().fetch_all(exec).await?.iter().map(map).collect()
}

/// How many entries match `f`.
pub async fn count<'c, E>(exec: E, f: &Filter) -> Result<i64, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let mut qb = QueryBuilder::<MySql>::new("SELECT COUNT(*) FROM waitlist_entries w WHERE 1 = 1");
    push_filter(&mut qb, f);
    let n: i64 = qb.build_query_scalar().fetch_one(exec).await?;
    Ok(n)
}

/// One entry; with `lock`, its row is locked for the rest of the transaction.
pub async fn get<'c, E>(exec: E, id: i32, lock: bool) -> Result<Option<WaitlistEntry>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let mut qb = QueryBuilder::<MySql>::new(SELECT);
    qb.push(" AND w.id = ");
    qb.push_bind(id);
    if lock {
        qb.push(" FOR UPDATE");
    }
    qb.build()
        .fetch_optional(exec)
        .await?
        .as_ref()
        .map(map)
        .transpose()
}

/// The waiting entries a doctor of `specialization` could serve (waiting for them by
/// name or for their specialization) whose range has not ended before `today`, oldest
/// first, locked.
pub async fn waiting_for<'c, E>(
    exec: E,
    doctor_id: i32,
    specialization: &str,
    today: NaiveDate,
) -> Result<Vec<WaitlistEntry>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let mut qb = QueryBuilder::<MySql>::new(SELECT);
    qb.push(" AND w.status = 'WAITING' AND w.to_date >= ");
    qb.push_bind(today);
    qb.push(" AND (w.doctor_id = ");
    qb.push_bind(doctor_id);
    qb.push(" OR w.specialization = ");
    qb.push_bind(specialization);
    qb.push(") ORDER BY w.created_at, w.id FOR UPDATE");
    qb.build().fetch_all(exec).await?.iter().map(map).collect()
}

/// Outstanding offers of a doctor's time, or of these patients: (patient id, start,
/// minutes, offered doctor).
pub async fn offers<'c, E>(
    exec: E,
    doctor_id: i32,
    patient_ids: &[i32],
) -> Result<Vec<(i32, NaiveDateTime, i32, i32)>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let mut qb = QueryBuilder::<MySql>::new(
        "SELECT patient_id, offered_start, duration_minutes, offered_doctor_id FROM waitlist_entries \
         WHERE status = 'OFFERED' AND (offered_doctor_id = ",
    );
    qb.push_bind(doctor_id);
    if !patient_ids.is_empty() {
        qb.push(" OR patient_id IN ");
        push_ids(&mut qb, patient_ids);
    }
    qb.push(")");
    qb.build_query_as().fetch_all(exec).await
}

/// The non-cancelled appointments of these patients starting in `[from, to)`:
/// (patient id, start, minutes).
pub async fn patients_busy<'c, E>(
    exec: E,
    patient_ids: &[i32],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<(i32, NaiveDateTime, i32)>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    if patient_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::<MySql>::new(
        "SELECT patient_id, appointment_time, duration_minutes FROM appointments \
         WHERE status <> 'CANCELLED' AND appointment_time >= ",
    );
    qb.push_bind(from);
    qb.push(" AND appointment_time < ");
    qb.push_bind(to);
    qb.push(" AND patient_id IN ");
    push_ids(&mut qb, patient_ids);
    qb.build_query_as().fetch_all(exec).await
}

/// Marks a waiting entry offered a slot; false when it was no longer waiting.
pub async fn set_offer<'c, E>(
    exec: E,
    id: i32,
    doctor_id: i32,
    start: NaiveDateTime,
    location_id: Option<i32>,
    at: NaiveDateTime,
) -> Result<bool, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let done = sqlx::query(
        "UPDATE waitlist_entries SET status = 'OFFERED', offered_doctor_id = ?, offered_start = ?, \
         offered_location_id = ?, offered_at = ? WHERE id = ? AND status = 'WAITING'",
    )
    .bind(doctor_id)
    .bind(start)
    .bind(location_id)
    .bind(at)
    .bind(id)
    .execute(exec)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Appends `(?, ?, …)` for `ids`.
fn push_ids(qb: &mut QueryBuilder<MySql>, ids: &[i32]) {
    qb.push("(");
    let mut sep = qb.separated(", ");
    for id in ids {
        sep.push_bind(*id);
    }
    qb.push(")");
}

/// Puts offered entries back to waiting (the offer lapsed, was declined or was taken).
pub async fn clear_offers<'c, E>(exec: E, ids: &[i32]) -> Result<(), sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    if ids.is_empty() {
        return Ok(());
    }
    let mut qb = QueryBuilder::<MySql>::new(
        "UPDATE waitlist_entries SET status = 'WAITING', offered_doctor_id = NULL, \
         offered_start = NULL, offered_location_id = NULL, offered_at = NULL \
         WHERE status = 'OFFERED' AND id IN ",
    );
    push_ids(&mut qb, ids);
    qb.build().execute(exec).await?;
    Ok(())
}

/// Closes open entries: BOOKED (with the appointment), CANCELLED or EXPIRED.
pub async fn close<'c, E>(
    exec: E,
    ids: &[i32],
    status: WaitlistStatus,
    appointment_id: Option<i32>,
    at: NaiveDateTime,
) -> Result<u64, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    if ids.is_empty() {
        return Ok(0);
    }
    let mut qb = QueryBuilder::<MySql>::new("UPDATE waitlist_entries SET status = ");
    qb.push_bind(status.as_str());
    qb.push(", appointment_id = ");
    qb.push_bind(appointment_id);
    qb.push(", closed_at = ");
    qb.push_bind(at);
    qb.push(" WHERE status IN ('WAITING', 'OFFERED') AND id IN ");
    push_ids(&mut qb, ids);
    Ok(qb.build().execute(exec).await?.rows_affected())
}

/// Open entries whose range ended before `today`, and offers whose slot has begun by
/// `now`: ((id, patient id) to expire, (id, patient id) whose offer lapsed).
pub async fn due<'c, E>(
    exec: E,
    today: NaiveDate,
    now: NaiveDateTime,
    lock: bool,
) -> Result<(Vec<(i32, i32)>, Vec<(i32, i32)>), sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let sql = format!(
        "SELECT id, patient_id, to_date < ? AS expired FROM waitlist_entries \
         WHERE (status IN ('WAITING', 'OFFERED') AND to_date < ?) \
         OR (status = 'OFFERED' AND offered_start < ?) ORDER BY id{}",
        if lock { " FOR UPDATE" } else { "" }
    );
    let rows: Vec<(i32, i32, bool)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(today)
        .bind(today)
        .bind(now)
        .fetch_all(exec)
        .await?;
    let (expired, lapsed): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| r.2);
    Ok((
        expired.into_iter().map(|r| (r.0, r.1)).collect(),
        lapsed.into_iter().map(|r| (r.0, r.1)).collect(),
    ))
}
