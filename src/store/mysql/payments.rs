//! `payments`. Rows are never deleted.

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

pub async fn insert<'c, E>(
    exec: E,
    p: &NewPayment,
    created_by_kind: &str,
    created_by_id: Option<i32>,
) -> Result<i32, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let done = sqlx::query(
        "INSERT INTO payments (appointment_id, amount, payment_method, payment_status, transaction_id, \
         created_by_kind, created_by_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(p.appointment_id)
    .bind(p.amount)
    .bind(p.method.as_str())
    .bind(p.status.as_str())
    .bind(&p.transaction_id)
    .bind(created_by_kind)
    .bind(created_by_id)
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
