//! `patients`.

use sqlx::mysql::MySqlRow;
use sqlx::{Executor, MySql, Row};

use super::parse_col;
use crate::domain::Gender;
use crate::domain::person::{NewPatient, Patient};

/// The stored password hash of a patient who has no portal access.
pub const NO_PORTAL_ACCESS: &str = "!";

const COLUMNS: &str = "id, full_name, email, phone_number, date_of_birth, gender, is_active, \
                       password_hash <> '!' AS has_portal_access, created_at";

fn map(r: &MySqlRow) -> Result<Patient, sqlx::Error> {
    let gender: Option<String> = r.try_get("gender")?;
    Ok(Patient {
        id: r.try_get("id")?,
        full_name: r.try_get("full_name")?,
        email: r.try_get("email")?,
        phone_number: r.try_get("phone_number")?,
        date_of_birth: r.try_get("date_of_birth")?,
        gender: gender
            .map(|g| parse_col("gender", &g, Gender::parse))
            .transpose()?,
        is_active: r.try_get("is_active")?,
        has_portal_access: r.try_get::<i64, _>("has_portal_access")? != 0,
        created_at: r.try_get("created_at")?,
    })
}

/// Inserts a patient; `password_hash` is [`NO_PORTAL_ACCESS`] when they cannot log in.
pub async fn insert<'c, E>(exec: E, p: &NewPatient, password_hash: &str) -> Result<i32, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let done = sqlx::query(
        "INSERT INTO patients (full_name, email, password_hash, phone_number, date_of_birth, gender) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(&p.full_name)
    .bind(&p.email)
    .bind(password_hash)
    .bind(&p.phone_number)
    .bind(p.date_of_birth)
    .bind(p.gender.map(Gender::as_str))
    .execute(exec)
    .await?;
    id_of(done.last_insert_id())
}

pub async fn get<'c, E>(exec: E, id: i32) -> Result<Option<Patient>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let sql = format!("SELECT {COLUMNS} FROM patients WHERE id = ?");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(exec)
        .await?
        .map(|r| map(&r))
        .transpose()
}

pub async fn find_by_email<'c, E>(exec: E, email: &str) -> Result<Option<Patient>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let sql = format!("SELECT {COLUMNS} FROM patients WHERE email = ?");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(email)
        .fetch_optional(exec)
        .await?
        .map(|r| map(&r))
        .transpose()
}

pub async fn set_active<'c, E>(exec: E, id: i32, active: bool) -> Result<bool, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let done = sqlx::query("UPDATE patients SET is_active = ? WHERE id = ?")
        .bind(active)
        .bind(id)
        .execute(exec)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn count<'c, E>(exec: E) -> Result<i64, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query_scalar("SELECT COUNT(*) FROM patients")
        .fetch_one(exec)
        .await
}

/// Converts `LAST_INSERT_ID()` for an `INT` key.
pub(crate) fn id_of(last_insert_id: u64) -> Result<i32, sqlx::Error> {
    i32::try_from(last_insert_id)
        .map_err(|_| sqlx::Error::Protocol(format!("id {last_insert_id} out of range")))
}
