//! `doctors` and `admins` (staff).

use sqlx::mysql::MySqlRow;
use sqlx::{Executor, MySql, Row};

use super::parse_col;
use super::patients::id_of;
use crate::domain::Role;
use crate::domain::person::{Doctor, NewDoctor, StaffMember};

fn map_doctor(r: &MySqlRow) -> Result<Doctor, sqlx::Error> {
    Ok(Doctor {
        id: r.try_get("id")?,
        full_name: r.try_get("full_name")?,
        email: r.try_get("email")?,
        specialization: r.try_get("specialization")?,
        phone_number: r.try_get("phone_number")?,
        bio: r.try_get("bio")?,
        is_active: r.try_get("is_active")?,
        created_at: r.try_get("created_at")?,
        consultation_fee: r.try_get("consultation_fee")?,
    })
}

fn map_staff(r: &MySqlRow) -> Result<StaffMember, sqlx::Error> {
    let role: String = r.try_get("role")?;
    Ok(StaffMember {
        id: r.try_get("id")?,
        full_name: r.try_get("full_name")?,
        email: r.try_get("email")?,
        role: parse_col("role", &role, Role::parse)?,
        is_active: r.try_get("is_active")?,
        created_at: r.try_get("created_at")?,
    })
}

pub async fn insert_doctor<'c, E>(
    exec: E,
    d: &NewDoctor,
    password_hash: &str,
) -> Result<i32, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let done = sqlx::query(
        "INSERT INTO doctors (full_name, email, password_hash, specialization, phone_number, bio) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(&d.full_name)
    .bind(&d.email)
    .bind(password_hash)
    .bind(&d.specialization)
    .bind(&d.phone_number)
    .bind(&d.bio)
    .execute(exec)
    .await?;
    id_of(done.last_insert_id())
}

pub async fn get_doctor<'c, E>(exec: E, id: i32) -> Result<Option<Doctor>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query(
        "SELECT id, full_name, email, specialization, phone_number, bio, is_active, created_at, consultation_fee \
         FROM doctors WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(exec)
    .await?
    .map(|r| map_doctor(&r))
    .transpose()
}

pub async fn list_doctors<'c, E>(exec: E) -> Result<Vec<Doctor>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query(
        "SELECT id, full_name, email, specialization, phone_number, bio, is_active, created_at, consultation_fee \
         FROM doctors ORDER BY full_name, id",
    )
    .fetch_all(exec)
    .await?
    .iter()
    .map(map_doctor)
    .collect()
}

pub async fn insert_staff<'c, E>(
    exec: E,
    full_name: &str,
    email: &str,
    role: Role,
    password_hash: &str,
) -> Result<i32, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let done = sqlx::query(
        "INSERT INTO admins (full_name, email, password_hash, role) VALUES (?, ?, ?, ?)",
    )
    .bind(full_name)
    .bind(email)
    .bind(password_hash)
    .bind(role.as_str())
    .execute(exec)
    .await?;
    id_of(done.last_insert_id())
}

pub async fn get_staff<'c, E>(exec: E, id: i32) -> Result<Option<StaffMember>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query("SELECT id, full_name, email, role, is_active, created_at FROM admins WHERE id = ?")
        .bind(id)
        .fetch_optional(exec)
        .await?
        .map(|r| map_staff(&r))
        .transpose()
}

pub async fn update_doctor<'c, E>(exec: E, id: i32, d: &NewDoctor) -> Result<(), sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query(
        "UPDATE doctors SET full_name = ?, email = ?, specialization = ?, phone_number = ?, bio = ? WHERE id = ?",
    )
    .bind(&d.full_name)
    .bind(&d.email)
    .bind(&d.specialization)
    .bind(&d.phone_number)
    .bind(&d.bio)
    .bind(id)
    .execute(exec)
    .await?;
    Ok(())
}

pub async fn list_staff<'c, E>(exec: E) -> Result<Vec<StaffMember>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query("SELECT id, full_name, email, role, is_active, created_at FROM admins ORDER BY full_name, id")
        .fetch_all(exec)
        .await?
        .iter()
        .map(map_staff)
        .collect()
}

pub async fn update_staff<'c, E>(
    exec: E,
    id: i32,
    full_name: &str,
    email: &str,
    role: Role,
) -> Result<(), sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query("UPDATE admins SET full_name = ?, email = ?, role = ? WHERE id = ?")
        .bind(full_name)
        .bind(email)
        .bind(role.as_str())
        .bind(id)
        .execute(exec)
        .await?;
    Ok(())
}

/// Activates or deactivates a doctor (`doctor`) or staff account.
pub async fn set_active<'c, E>(
    exec: E,
    doctor: bool,
    id: i32,
    active: bool,
) -> Result<(), sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let sql = if doctor {
        "UPDATE doctors SET is_active = ? WHERE id = ?"
    } else {
        "UPDATE admins SET is_active = ? WHERE id = ?"
    };
    sqlx::query(sql).bind(active).bind(id).execute(exec).await?;
    Ok(())
}

/// Sets a doctor's consultation fee (None: no fee, so no payment is questioned).
pub async fn set_doctor_fee<'c, E>(
    exec: E,
    id: i32,
    fee: Option<rust_decimal::Decimal>,
) -> Result<(), sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query("UPDATE doctors SET consultation_fee = ? WHERE id = ?")
        .bind(fee)
        .bind(id)
        .execute(exec)
        .await?;
    Ok(())
}

/// Someone who can appear in the audit trail as its actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonMatch {
    /// The audit trail's actor kind: ADMIN, FRONT_DESK, DOCTOR or PATIENT.
    pub kind: String,
    pub id: i32,
    pub full_name: String,
    pub email: String,
}

/// Staff, doctors and patients (or patients only) whose name or email contains `query`
/// (ignoring case), by name; at most `limit`.
pub async fn find_people<'c, E>(
    exec: E,
    query: &str,
    patients_only: bool,
    limit: u32,
) -> Result<Vec<PersonMatch>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let like = format!(
        "%{}%",
        query
            .trim()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let rows: Vec<(String, i32, String, String)> = sqlx::query_as(
        "SELECT kind, id, full_name, email FROM ( \
           SELECT role AS kind, id, full_name, email FROM admins WHERE full_name LIKE ? OR email LIKE ? \
           UNION ALL SELECT 'DOCTOR', id, full_name, email FROM doctors WHERE full_name LIKE ? OR email LIKE ? \
           UNION ALL SELECT 'PATIENT', id, full_name, email FROM patients WHERE full_name LIKE ? OR email LIKE ? \
         ) people WHERE (? = FALSE OR kind = 'PATIENT') ORDER BY full_name, kind, id LIMIT ?",
    )
    .bind(&like)
    .bind(&like)
    .bind(&like)
    .bind(&like)
    .bind(&like)
    .bind(&like)
    .bind(patients_only)
    .bind(limit)
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(kind, id, full_name, email)| PersonMatch {
            kind,
            id,
            full_name,
            email,
        })
        .collect())
}
