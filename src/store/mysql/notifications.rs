//! `notifications`: reminders and notices queued, claimed and marked sent.

use chrono::NaiveDateTime;
use sqlx::{Executor, MySql, Row};

/// What a notification says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Reminder,
    Cancelled,
    Rescheduled,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Reminder => "REMINDER",
            Kind::Cancelled => "CANCELLED",
            Kind::Rescheduled => "RESCHEDULED",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "REMINDER" => Some(Kind::Reminder),
            "CANCELLED" => Some(Kind::Cancelled),
            "RESCHEDULED" => Some(Kind::Rescheduled),
            _ => None,
        }
    }
}

/// Queues one notice (cancellation or reschedule); a second one for the same
/// appointment, kind and start is a no-op.
pub async fn queue<'c, E>(
    exec: E,
    appointment_id: i32,
    kind: Kind,
    starts_at: NaiveDateTime,
    old_starts_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<(), sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query(
        "INSERT INTO notifications (appointment_id, kind, starts_at, old_starts_at, created_at)
         VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = id",
    )
    .bind(appointment_id)
    .bind(kind.as_str())
    .bind(starts_at)
    .bind(old_starts_at)
    .bind(now)
    .execute(exec)
    .await?;
    Ok(())
}

/// Queues a reminder for every booked appointment starting in `(now, until]` whose
/// patient has an email; those already queued (at that start) are left alone.
/// Returns how many were new.
pub async fn queue_due_reminders<'c, E>(
    exec: E,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> Result<u64, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let done = sqlx::query(
        "INSERT INTO notifications (appointment_id, kind, starts_at, created_at)
         SELECT a.id, 'REMINDER', a.appointment_time, ?
           FROM appointments a JOIN patients p ON p.id = a.patient_id
          WHERE a.status = 'BOOKED' AND a.appointment_time > ? AND a.appointment_time <= ?
            AND p.email <> ''
         ON DUPLICATE KEY UPDATE id = notifications.id",
    )
    .bind(now)
    .bind(now)
    .bind(until)
    .execute(exec)
    .await?;
    // ON DUPLICATE KEY counts an untouched duplicate as 0 rows: the rest are new.
    Ok(done.rows_affected())
}

/// Claims up to `limit` rows that are pending (and not put back by a run at `now`), or
/// claimed by a run whose lease expired (`claimed_at < stale_before`). Atomic: two runs never claim the same row.
pub async fn claim<'c, E>(
    exec: E,
    token: &str,
    now: NaiveDateTime,
    stale_before: NaiveDateTime,
    limit: u32,
) -> Result<u64, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let done = sqlx::query(
        "UPDATE notifications
            SET status = 'CLAIMED', claim_token = ?, claimed_at = ?, attempts = attempts + 1
          WHERE (status = 'PENDING' AND (claimed_at IS NULL OR claimed_at < ?))
             OR (status = 'CLAIMED' AND claimed_at < ?)
          ORDER BY id LIMIT ?",
    )
    .bind(token)
    .bind(now)
    .bind(now)
    .bind(stale_before)
    .bind(limit)
    .execute(exec)
    .await?;
    Ok(done.rows_affected())
}

/// A claimed (or, for a dry run, pending) notification with what its message needs.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: i64,
    pub kind: Kind,
    pub attempts: i32,
    pub starts_at: NaiveDateTime,
    pub old_starts_at: Option<NaiveDateTime>,
    pub appointment_id: i32,
    pub appointment_status: String,
    pub appointment_time: NaiveDateTime,
    pub duration_minutes: i32,
    pub patient_id: i32,
    pub patient_name: String,
    pub patient_email: String,
    pub doctor_name: String,
    pub specialization: String,
    pub location_name: Option<String>,
    pub location_address: Option<String>,
    pub location_phone: Option<String>,
}

const OUTGOING: &str = "SELECT n.id, n.kind, n.attempts, n.starts_at, n.old_starts_at,
        a.id AS appointment_id, a.status, a.appointment_time, a.duration_minutes,
        p.id AS patient_id, p.full_name AS patient_name, p.email,
        d.full_name AS doctor_name, d.specialization,
        l.name AS location_name, l.address, l.phone_number
   FROM notifications n
   JOIN appointments a ON a.id = n.appointment_id
   JOIN patients p ON p.id = a.patient_id
   JOIN doctors d ON d.id = a.doctor_id
   LEFT JOIN clinic_locations l ON l.id = a.location_id";

fn map(r: &sqlx::mysql::MySqlRow) -> Result<Outgoing, sqlx::Error> {
    let kind: String = r.try_get("kind")?;
    Ok(Outgoing {
        id: r.try_get("id")?,
        kind: Kind::parse(&kind).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "kind".into(),
            source: format!("unknown notification kind {kind:?}").into(),
        })?,
        attempts: r.try_get("attempts")?,
        starts_at: r.try_get("starts_at")?,
        old_starts_at: r.try_get("old_starts_at")?,
        appointment_id: r.try_get("appointment_id")?,
        appointment_status: r.try_get("status")?,
        appointment_time: r.try_get("appointment_time")?,
        duration_minutes: r.try_get("duration_minutes")?,
        patient_id: r.try_get("patient_id")?,
        patient_name: r.try_get("patient_name")?,
        patient_email: r.try_get("email")?,
        doctor_name: r.try_get("doctor_name")?,
        specialization: r.try_get("specialization")?,
        location_name: r.try_get("location_name")?,
        location_address: r.try_get("address")?,
        location_phone: r.try_get("phone_number")?,
    })
}

/// The rows this run claimed.
pub async fn claimed<'c, E>(exec: E, token: &str) -> Result<Vec<Outgoing>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let sql = format!("{OUTGOING} WHERE n.claim_token = ? AND n.status = 'CLAIMED' ORDER BY n.id");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(token)
        .fetch_all(exec)
        .await?
        .iter()
        .map(map)
        .collect()
}

/// What a run would take now (pending, or claimed with an expired lease): for a dry run.
pub async fn takeable<'c, E>(
    exec: E,
    stale_before: NaiveDateTime,
) -> Result<Vec<Outgoing>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let sql = format!(
        "{OUTGOING} WHERE n.status = 'PENDING' OR (n.status = 'CLAIMED' AND n.claimed_at < ?) ORDER BY n.id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(stale_before)
        .fetch_all(exec)
        .await?
        .iter()
        .map(map)
        .collect()
}

/// Reminders a run would queue now (for a dry run): their appointment ids.
pub async fn due_unqueued<'c, E>(
    exec: E,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> Result<Vec<i32>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let rows = sqlx::query(
        "SELECT a.id FROM appointments a JOIN patients p ON p.id = a.patient_id
          WHERE a.status = 'BOOKED' AND a.appointment_time > ? AND a.appointment_time <= ?
            AND p.email <> ''
            AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.appointment_id = a.id
                            AND n.kind = 'REMINDER' AND n.starts_at = a.appointment_time)
          ORDER BY a.appointment_time, a.id",
    )
    .bind(now)
    .bind(until)
    .fetch_all(exec)
    .await?;
    rows.iter().map(|r| r.try_get::<i32, _>(0)).collect()
}

/// How a claimed row ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    Sent,
    /// Not to be sent (the appointment changed, or the patient has no email).
    Skipped,
    /// Back to PENDING: retried by the next run.
    Retry,
    /// Given up after too many attempts.
    Failed,
}

/// Ends this run's claim on one row. False when the claim was lost (taken over).
pub async fn finish<'c, E>(
    exec: E,
    id: i64,
    token: &str,
    finish: Finish,
    now: NaiveDateTime,
    recipient: Option<&str>,
    error: Option<&str>,
) -> Result<bool, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let status = match finish {
        Finish::Sent => "SENT",
        Finish::Skipped => "SKIPPED",
        Finish::Retry => "PENDING",
        Finish::Failed => "FAILED",
    };
    let sent_at = (finish == Finish::Sent).then_some(now);
    let error: Option<String> = error.map(|e| e.chars().take(500).collect());
    let done = sqlx::query(
        "UPDATE notifications
            SET status = ?, sent_at = COALESCE(?, sent_at), recipient = COALESCE(?, recipient),
                last_error = ?, claim_token = NULL
          WHERE id = ? AND claim_token = ?",
    )
    .bind(status)
    .bind(sent_at)
    .bind(recipient)
    .bind(error)
    .bind(id)
    .bind(token)
    .execute(exec)
    .await?;
    Ok(done.rows_affected() == 1)
}
