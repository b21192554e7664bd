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

/// What a sign-in attempt found when it reserved its turn (see [`reserve_attempt`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// The account is locked until this instant (UTC); nothing was counted.
    Locked(NaiveDateTime),
    /// The attempt was counted as failure number `n` in a row, and the lock that
    /// `lock_for(n)` asks for is already set. A successful sign-in then [`reset`]s it.
    Counted(u32),
}

/// Reserves one sign-in attempt before its password is checked, in one transaction that
/// holds the (account kind, email) row lock: it creates the row if it is missing, refuses
/// while a lock is in force, and otherwise counts the attempt as a failure and sets the
/// lock `lock_for(count)` asks for, then commits. Simultaneous attempts queue on the row
/// lock, so no more passwords are ever checked than the policy allows, however many
/// arrive at once. A deadlock or lock-wait error is for the caller to retry.
pub async fn reserve_attempt(
    pool: &MySqlPool,
    kind: AccountKind,
    email: &str,
    at: NaiveDateTime,
    lock_for: impl Fn(u32) -> Option<chrono::Duration>,
) -> Result<Reservation, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO login_throttle (account_kind, email, failed_count) VALUES (?, ?, 0) \
         ON DUPLICATE KEY UPDATE failed_count = failed_count",
    )
    .bind(kind.as_str())
    .bind(email)
    .execute(&mut *tx)
    .await?;
    let row = sqlx::query(
        "SELECT failed_count, locked_until FROM login_throttle \
         WHERE account_kind = ? AND email = ? FOR UPDATE",
    )
    .bind(kind.as_str())
    .bind(email)
    .fetch_one(&mut *tx)
    .await?;
    let failed = u32::try_from(row.try_get::<i32, _>("failed_count")?).unwrap_or(0);
    let locked_until: Option<NaiveDateTime> = row.try_get("locked_until")?;
    if let Some(until) = locked_until.filter(|u| *u > at) {
        tx.commit().await?;
        return Ok(Reservation::Locked(until));
    }
    let count = failed.saturating_add(1);
    sqlx::query(
        "UPDATE login_throttle SET failed_count = ?, last_failed_at = ?, locked_until = ? \
         WHERE account_kind = ? AND email = ?",
    )
    .bind(i32::try_from(count).unwrap_or(i32::MAX))
    .bind(at)
    .bind(lock_for(count).map(|d| at + d))
    .bind(kind.as_str())
    .bind(email)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Reservation::Counted(count))
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
