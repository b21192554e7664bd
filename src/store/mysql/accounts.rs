//! Credentials across the three account tables (admins, doctors, patients).

use sqlx::{Executor, MySql, Row};

use crate::domain::AccountKind;

/// What login needs to know about an account.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub id: i32,
    pub full_name: String,
    pub email: String,
    pub password_hash: String,
    /// `admins.role` for staff; `DOCTOR` / `PATIENT` otherwise.
    pub role: String,
    pub is_active: bool,
}

pub async fn find_by_email<'c, E>(
    exec: E,
    kind: AccountKind,
    email: &str,
) -> Result<Option<Credentials>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let sql = match kind {
        AccountKind::Staff => {
            "SELECT id, full_name, email, password_hash, role, is_active FROM admins WHERE email = ?"
        }
        AccountKind::Doctor => {
            "SELECT id, full_name, email, password_hash, 'DOCTOR' AS role, is_active FROM doctors WHERE email = ?"
        }
        AccountKind::Patient => {
            "SELECT id, full_name, email, password_hash, 'PATIENT' AS role, is_active FROM patients WHERE email = ?"
        }
    };
    let row = sqlx::query(sql).bind(email).fetch_optional(exec).await?;
    row.map(|r| {
        Ok(Credentials {
            id: r.try_get("id")?,
            full_name: r.try_get("full_name")?,
            email: r.try_get("email")?,
            password_hash: r.try_get("password_hash")?,
            role: r.try_get("role")?,
            is_active: r.try_get("is_active")?,
        })
    })
    .transpose()
}

pub async fn set_password_hash<'c, E>(
    exec: E,
    kind: AccountKind,
    id: i32,
    hash: &str,
) -> Result<bool, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let sql = match kind {
        AccountKind::Staff => "UPDATE admins SET password_hash = ? WHERE id = ?",
        AccountKind::Doctor => "UPDATE doctors SET password_hash = ? WHERE id = ?",
        AccountKind::Patient => "UPDATE patients SET password_hash = ? WHERE id = ?",
    };
    let done = sqlx::query(sql).bind(hash).bind(id).execute(exec).await?;
    Ok(done.rows_affected() == 1)
}

/// How many accounts exist in all three tables (the demo seeds only an empty database).
pub async fn count_all<'c, E>(exec: E) -> Result<i64, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM admins) + (SELECT COUNT(*) FROM doctors) + (SELECT COUNT(*) FROM patients)",
    )
    .fetch_one(exec)
    .await
}
