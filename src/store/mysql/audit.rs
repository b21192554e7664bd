//! `audit_log`: this module only ever INSERTs and SELECTs.

use chrono::NaiveDateTime;
use sqlx::{Executor, MySql, Row};

use super::parse_col;
use crate::domain::audit::{AuditEntry, AuditEvent, AuditFilter, Outcome};

pub async fn append<'c, E>(exec: E, at: NaiveDateTime, e: &AuditEvent) -> Result<(), sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query(
        "INSERT INTO audit_log (occurred_at, actor_kind, actor_id, actor_email, action, entity, entity_id, \
         patient_id, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(at)
    .bind(&e.actor_kind)
    .bind(e.actor_id)
    .bind(&e.actor_email)
    .bind(e.action)
    .bind(e.entity)
    .bind(&e.entity_id)
    .bind(e.patient_id)
    .bind(e.outcome.as_str())
    .bind(&e.detail)
    .execute(exec)
    .await?;
    Ok(())
}

/// Appends several rows in one statement (a series booked at once); a no-op for none.
pub async fn append_many<'c, E>(
    exec: E,
    at: NaiveDateTime,
    events: &[AuditEvent],
) -> Result<(), sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    if events.is_empty() {
        return Ok(());
    }
    let mut qb = sqlx::QueryBuilder::<MySql>::new(
        "INSERT INTO audit_log (occurred_at, actor_kind, actor_id, actor_email, action, entity, entity_id, \
         patient_id, outcome, detail) ",
    );
    qb.push_values(events, |mut row, e| {
        row.push_bind(at)
            .push_bind(&e.actor_kind)
            .push_bind(e.actor_id)
            .push_bind(&e.actor_email)
            .push_bind(e.action)
            .push_bind(e.entity)
            .push_bind(&e.entity_id)
            .push_bind(e.patient_id)
            .push_bind(e.outcome.as_str())
            .push_bind(&e.detail);
    });
    qb.build().execute(exec).await?;
    Ok(())
}

/// The newest entries first, optionally only one action.
pub async fn recent<'c, E>(
    exec: E,
    action: Option<&str>,
    limit: u32,
) -> Result<Vec<AuditEntry>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let rows = sqlx::query(
        "SELECT id, occurred_at, actor_kind, actor_id, actor_email, action, entity, entity_id, patient_id, \
         outcome, detail FROM audit_log WHERE (? IS NULL OR action = ?) ORDER BY id DESC LIMIT ?",
    )
    .bind(action)
    .bind(action)
    .bind(limit)
    .fetch_all(exec)
    .await?;
    rows.iter().map(map_entry).collect()
}

fn map_entry(r: &sqlx::mysql::MySqlRow) -> Result<AuditEntry, sqlx::Error> {
    let outcome: String = r.try_get("outcome")?;
    Ok(AuditEntry {
        id: r.try_get("id")?,
        occurred_at: r.try_get("occurred_at")?,
        actor_kind: r.try_get("actor_kind")?,
        actor_id: r.try_get("actor_id")?,
        actor_email: r.try_get("actor_email")?,
        action: r.try_get("action")?,
        entity: r.try_get("entity")?,
        entity_id: r.try_get("entity_id")?,
        patient_id: r.try_get("patient_id")?,
        outcome: parse_col("outcome", &outcome, Outcome::parse)?,
        detail: r.try_get("detail")?,
    })
}

/// Entries matching the filter, newest first.
pub async fn search<'c, E>(exec: E, f: &AuditFilter) -> Result<Vec<AuditEntry>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let email_like = f
        .actor_email
        .as_ref()
        .map(|e| format!("{}%", escape_like(e)));
    let action_like = f.action.as_ref().map(|a| format!("{}%", escape_like(a)));
    let rows = sqlx::query(
        "SELECT id, occurred_at, actor_kind, actor_id, actor_email, action, entity, entity_id, patient_id, \
         outcome, detail FROM audit_log WHERE (? IS NULL OR actor_kind = ? OR (? = 'STAFF' AND actor_kind IN ('ADMIN', 'FRONT_DESK'))) AND (? IS NULL OR actor_id = ?) \
         AND (? IS NULL OR actor_email LIKE ?) AND (? IS NULL OR patient_id = ?) AND (? IS NULL OR action LIKE ?) \
         AND (? IS NULL OR occurred_at >= ?) AND (? IS NULL OR occurred_at < ?) ORDER BY id DESC LIMIT ?",
    )
    .bind(&f.actor_kind)
    .bind(&f.actor_kind)
    .bind(&f.actor_kind)
    .bind(f.actor_id)
    .bind(f.actor_id)
    .bind(&email_like)
    .bind(&email_like)
    .bind(f.patient_id)
    .bind(f.patient_id)
    .bind(&action_like)
    .bind(&action_like)
    .bind(f.from)
    .bind(f.from)
    .bind(f.to)
    .bind(f.to)
    .bind(f.limit.clamp(1, 10_000))
    .fetch_all(exec)
    .await?;
    rows.iter().map(map_entry).collect()
}

/// Escapes LIKE wildcards so user text matches literally.
fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
