//! `login_throttle`: failed-login counts per (account kind, email).

use chrono::NaiveDateTime;
use sqlx::{Executor, MySql, MySqlPool, Row};

use crate::domain::AccountKind;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Throttle {
    pub failed_count: u32,
    pub locked_until: Option<NaiveDateTime>,
}

pub async fn get<'c, E>(exec: E, kind: AccountKind, email: &str) -> Result<Throttle, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let row = sqlx::query("SELECT failed_count, locked_until FROM login_throttle WHERE account_kind = ? AND email = ?")
        .bind(kind.as_str())
        .bind(email)
        .fetch_optional(exec)
        .await?;
    match row {
        None => Ok(Throttle::default()),
        Some(r) => Ok(Throttle {
            failed_count: u32::try_from(r.try_get::<i32, _>("failed_count")?).unwrap_or(0),
            locked_until: r.try_get("locked_until")?,
        }),
    }
}

/// Records one more failure atomically and sets the lock that `lock_for(new_count)`
/// asks for. Returns the new count.
pub async fn record_failure(
    pool: &MySqlPool,
    kind: AccountKind,
    email: &str,
    at: NaiveDateTime,
    lock_for: impl Fn(u32) -> Option<chrono::Duration>,
) -> Result<u32, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO login_throttle (account_kind, email, failed_count, last_failed_at) VALUES (?, ?, 1, ?) \
         ON DUPLICATE KEY UPDATE failed_count = failed_count + 1, last_failed_at = VALUES(last_failed_at)",
    )
    .bind(kind.as_str())
    .bind(email)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    let count: i32 = sqlx::query_scalar(
        "SELECT failed_count FROM login_throttle WHERE account_kind = ? AND email = ? FOR UPDATE",
    )
    .bind(kind.as_str())
    .bind(email)
    .fetch_one(&mut *tx)
    .await?;
    let count = u32::try_from(count).unwrap_or(0);
    let locked_until = lock_for(count).map(|d| at + d);
    sqlx::query("UPDATE login_throttle SET locked_until = ? WHERE account_kind = ? AND email = ?")
        .bind(locked_until)
        .bind(kind.as_str())
        .bind(email)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(count)
}

pub async fn reset<'c, E>(exec: E, kind: AccountKind, email: &str) -> Result<(), sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query("DELETE FROM login_throttle WHERE account_kind = ? AND email = ?")
        .bind(kind.as_str())
        .bind(email)
        .execute(exec)
        .await?;
    Ok(())
}
