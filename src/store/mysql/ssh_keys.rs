//! `ssh_keys`: public keys registered to accounts for `clinic serve`.

use chrono::{DateTime, Utc};
use sqlx::{Executor, MySql, Row};

use crate::domain::AccountKind;

/// One registered key.
#[derive(Debug, Clone, PartialEq)]
pub struct SshKey {
    pub id: i32,
    pub account_kind: String,
    pub account_id: i32,
    pub fingerprint: String,
    pub public_key: String,
    pub comment: String,
    /// When it was registered (a TIMESTAMP column: a UTC instant).
    pub created_at: DateTime<Utc>,
}

fn from_row(r: &sqlx::mysql::MySqlRow) -> Result<SshKey, sqlx::Error> {
    Ok(SshKey {
        id: r.try_get("id")?,
        account_kind: r.try_get("account_kind")?,
        account_id: r.try_get("account_id")?,
        fingerprint: r.try_get("fingerprint")?,
        public_key: r.try_get("public_key")?,
        comment: r.try_get("comment")?,
        created_at: r.try_get("created_at")?,
    })
}

const COLUMNS: &str = "id, account_kind, account_id, fingerprint, public_key, comment, created_at";

pub async fn insert<'c, E>(
    exec: E,
    kind: AccountKind,
    account_id: i32,
    fingerprint: &str,
    public_key: &str,
    comment: &str,
) -> Result<i32, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let done = sqlx::query(
        "INSERT INTO ssh_keys (account_kind, account_id, fingerprint, public_key, comment) \
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(kind.as_str())
    .bind(account_id)
    .bind(fingerprint)
    .bind(public_key)
    .bind(comment)
    .execute(exec)
    .await?;
    Ok(i32::try_from(done.last_insert_id()).unwrap_or(i32::MAX))
}

/// The keys of one account, oldest first.
pub async fn list_for<'c, E>(
    exec: E,
    kind: AccountKind,
    account_id: i32,
) -> Result<Vec<SshKey>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let sql = format!(
        "SELECT {COLUMNS} FROM ssh_keys WHERE account_kind = ? AND account_id = ? ORDER BY id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(kind.as_str())
        .bind(account_id)
        .fetch_all(exec)
        .await?;
    rows.iter().map(from_row).collect()
}

/// The key with this fingerprint, whoever it belongs to.
pub async fn find_by_fingerprint<'c, E>(
    exec: E,
    fingerprint: &str,
) -> Result<Option<SshKey>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let sql = format!("SELECT {COLUMNS} FROM ssh_keys WHERE fingerprint = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(fingerprint)
        .fetch_optional(exec)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Removes one account's key by fingerprint; whether there was one.
pub async fn delete<'c, E>(
    exec: E,
    kind: AccountKind,
    account_id: i32,
    fingerprint: &str,
) -> Result<bool, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let done = sqlx::query(
        "DELETE FROM ssh_keys WHERE account_kind = ? AND account_id = ? AND fingerprint = ?",
    )
    .bind(kind.as_str())
    .bind(account_id)
    .bind(fingerprint)
    .execute(exec)
    .await?;
    Ok(done.rows_affected() > 0)
}
