//! `payments`. Rows are never deleted.

use chrono::NaiveDateTime;
use sqlx::mysql::MySqlRow;
use sqlx::{Executor, MySql, Row};

use super::parse_col;
use super::patients::id_of;
use crate::domain::payment::{NewPayment, Payment, PaymentMethod, PaymentStatus};

fn map(r: &MySqlRow) -> Result<Payment, sqlx::Error> {
    let method: String = r.try_get("payment_method")?;
    let status: String = r.try_get("payment_status")?;
    Ok(Payment {
        id: r.try_get("id")?,
        appointment_id: r.try_get("appointment_id")?,
        amount: r.try_get("amount")?,
        method: parse_col("payment_method", &method, PaymentMethod::parse)?,
        status: parse_col("payment_status", &status, PaymentStatus::parse)?,
        transaction_id: r.try_get("transaction_id")?,
        created_at: r.try_get("created_at")?,
    })
}

/// Inserts a payment made at `at` (UTC).
pub async fn insert<'c, E>(
    exec: E,
    p: &NewPayment,
    created_by_kind: &str,
    created_by_id: Option<i32>,
    at: NaiveDateTime,
) -> Result<i32, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let done = sqlx::query(
        "INSERT INTO payments (appointment_id, amount, payment_method, payment_status, transaction_id, \
         created_by_kind, created_by_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(p.appointment_id)
    .bind(p.amount)
    .bind(p.method.as_str())
    .bind(p.status.as_str())
    .bind(&p.transaction_id)
    .bind(created_by_kind)
    .bind(created_by_id)
    .bind(at)
    .execute(exec)
    .await?;
    id_of(done.last_insert_id())
}

pub async fn list_for_appointment<'c, E>(
    exec: E,
    appointment_id: i32,
) -> Result<Vec<Payment>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query(
        "SELECT id, appointment_id, amount, payment_method, payment_status, transaction_id, created_at \
         FROM payments WHERE appointment_id = ? ORDER BY created_at, id",
    )
    .bind(appointment_id)
    .fetch_all(exec)
    .await?
    .iter()
    .map(map)
    .collect()
}

const COLUMNS: &str =
    "id, appointment_id, amount, payment_method, payment_status, transaction_id, created_at";

/// Reads a payment and locks its row.
pub async fn lock<'c, E>(exec: E, id: i32) -> Result<Option<Payment>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let sql = format!("SELECT {COLUMNS} FROM payments WHERE id = ? FOR UPDATE");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(exec)
        .await?
        .map(|r| map(&r))
        .transpose()
}

pub async fn get<'c, E>(exec: E, id: i32) -> Result<Option<Payment>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let sql = format!("SELECT {COLUMNS} FROM payments WHERE id = ?");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(exec)
        .await?
        .map(|r| map(&r))
        .transpose()
}

/// The payment using a transaction id, if any.
pub async fn id_by_transaction<'c, E>(
    exec: E,
    transaction_id: &str,
) -> Result<Option<i32>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query_scalar("SELECT id FROM payments WHERE transaction_id = ?")
        .bind(transaction_id)
        .fetch_optional(exec)
        .await
}

pub async fn set_status<'c, E>(exec: E, id: i32, status: PaymentStatus) -> Result<(), sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query("UPDATE payments SET payment_status = ? WHERE id = ?")
        .bind(status.as_str())
        .bind(id)
        .execute(exec)
        .await?;
    Ok(())
}

/// Marks a payment refunded, with the reason and who did it when.
pub async fn refund<'c, E>(
    exec: E,
    id: i32,
    reason: &str,
    by_kind: &str,
    by_id: Option<i32>,
    at: NaiveDateTime,
) -> Result<(), sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query(
        "UPDATE payments SET payment_status = 'REFUNDED', refund_reason = ?, refunded_at = ?, \
         refunded_by_kind = ?, refunded_by_id = ? WHERE id = ?",
    )
    .bind(reason)
    .bind(at)
    .bind(by_kind)
    .bind(by_id)
    .bind(id)
    .execute(exec)
    .await?;
    Ok(())
}

/// Why a payment was refunded, if it was.
pub async fn refund_reason<'c, E>(exec: E, id: i32) -> Result<Option<String>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    Ok(
        sqlx::query_scalar::<_, Option<String>>("SELECT refund_reason FROM payments WHERE id = ?")
            .bind(id)
            .fetch_optional(exec)
            .await?
            .flatten(),
    )
}

/// The refund reasons of an appointment's refunded payments: (payment id, reason).
pub async fn refund_reasons<'c, E>(
    exec: E,
    appointment_id: i32,
) -> Result<Vec<(i32, String)>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query_as(
        "SELECT id, refund_reason FROM payments WHERE appointment_id = ? AND refund_reason IS NOT NULL \
         ORDER BY id",
    )
    .bind(appointment_id)
    .fetch_all(exec)
    .await
}

/// The consultation fee of the doctor of an appointment (None: no fee set).
pub async fn fee_of_appointment<'c, E>(
    exec: E,
    appointment_id: i32,
) -> Result<Option<rust_decimal::Decimal>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    Ok(sqlx::query_scalar::<_, Option<rust_decimal::Decimal>>(
        "SELECT d.consultation_fee FROM appointments a JOIN doctors d ON d.id = a.doctor_id WHERE a.id = ?",
    )
    .bind(appointment_id)
    .fetch_optional(exec)
    .await?
    .flatten())
}

/// A payment with what a report or a receipt needs to name it.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentRow {
    pub payment: Payment,
    pub appointment_start: NaiveDateTime,
    pub patient_id: i32,
    pub patient_name: String,
    pub doctor_id: i32,
    pub doctor_name: String,
    pub specialization: String,
    pub location_name: Option<String>,
}

const ROW_SQL: &str = "SELECT p.id, p.appointment_id, p.amount, p.payment_method, p.payment_status, \
     p.transaction_id, p.created_at, a.appointment_time, a.patient_id, pa.full_name AS patient_name, \
     a.doctor_id, d.full_name AS doctor_name, d.specialization, l.name AS location_name \
     FROM payments p JOIN appointments a ON a.id = p.appointment_id \
     JOIN patients pa ON pa.id = a.patient_id JOIN doctors d ON d.id = a.doctor_id \
     LEFT JOIN clinic_locations l ON l.id = a.location_id";

fn map_row(r: &MySqlRow) -> Result<PaymentRow, sqlx::Error> {
    Ok(PaymentRow {
        payment: map(r)?,
        appointment_start: r.try_get("appointment_time")?,
        patient_id: r.try_get("patient_id")?,
        patient_name: r.try_get("patient_name")?,
        doctor_id: r.try_get("doctor_id")?,
        doctor_name: r.try_get("doctor_name")?,
        specialization: r.try_get("specialization")?,
        location_name: r.try_get("location_name")?,
    })
}

pub async fn row<'c, E>(exec: E, id: i32) -> Result<Option<PaymentRow>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let sql = format!("{ROW_SQL} WHERE p.id = ?");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(exec)
        .await?
        .map(|r| map_row(&r))
        .transpose()
}

/// Payments created in `[from, to)` (UTC), oldest first.
pub async fn rows_created_between<'c, E>(
    exec: E,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<PaymentRow>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let sql = format!(
        "{ROW_SQL} WHERE p.created_at >= ? AND p.created_at < ? ORDER BY p.created_at, p.id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(from)
        .bind(to)
        .fetch_all(exec)
        .await?
        .iter()
        .map(map_row)
        .collect()
}

/// A completed appointment in `[from, to)` with no PAID payment: (appointment id, start,
/// patient, doctor, pending amount).
pub async fn unpaid_completed<'c, E>(
    exec: E,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<(i32, NaiveDateTime, String, String, rust_decimal::Decimal)>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query_as(
        "SELECT a.id, a.appointment_time, pa.full_name, d.full_name, \
         COALESCE((SELECT SUM(p.amount) FROM payments p WHERE p.appointment_id = a.id AND p.payment_status = 'PENDING'), 0) \
         FROM appointments a JOIN patients pa ON pa.id = a.patient_id JOIN doctors d ON d.id = a.doctor_id \
         WHERE a.status = 'COMPLETED' AND a.appointment_time >= ? AND a.appointment_time < ? \
         AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.appointment_id = a.id AND p.payment_status = 'PAID') \
         ORDER BY a.appointment_time, a.id",
    )
    .bind(from)
    .bind(to)
    .fetch_all(exec)
    .await
}
