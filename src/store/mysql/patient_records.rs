//! Patient records for the patients screen: a search that also finds deactivated
//! patients, contact-detail updates, and a patient's payments across appointments.
//! Parameterised SQL only.

use sqlx::{Executor, MySql};

use crate::domain::person::{NewPatient, Patient};
use crate::domain::{Gender, payment::Payment};

/// Patients, active or not, found as the booking search finds them (id, date of birth,
/// any part of the name, email or phone digits, all by index). Active patients first.
pub async fn search_all<'c, E>(
    exec: E,
    query: &super::patient_search::PatientQuery,
    limit: u32,
) -> Result<Vec<Patient>, sqlx::Error>
where
    E: Executor<'c, Database = MySql> + Copy,
{
    super::patient_search::search_matching(exec, query, limit, true).await
}

/// Replaces a patient's name, email, phone, date of birth and gender.
pub async fn update<'c, E>(exec: E, id: i32, p: &NewPatient) -> Result<bool, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let done = sqlx::query(
        "UPDATE patients SET full_name = ?, email = ?, phone_number = ?, date_of_birth = ?, \
         gender = ? WHERE id = ?",
    )
    .bind(&p.full_name)
    .bind(&p.email)
    .bind(&p.phone_number)
    .bind(p.date_of_birth)
    .bind(p.gender.map(Gender::as_str))
    .bind(id)
    .execute(exec)
    .await?;
    Ok(done.rows_affected() <= 1)
}

/// Every payment of a patient's appointments, newest first.
pub async fn payments_of_patient<'c, E>(
    exec: E,
    patient_id: i32,
    limit: u32,
) -> Result<Vec<Payment>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT p.id, p.appointment_id, p.amount, p.payment_method, p.payment_status, \
         p.transaction_id, p.created_at FROM payments p \
         JOIN appointments a ON a.id = p.appointment_id WHERE a.patient_id = ? \
         ORDER BY p.created_at DESC, p.id DESC LIMIT ?",
    )
    .bind(patient_id)
    .bind(limit)
    .fetch_all(exec)
    .await?;
    rows.iter()
        .map(|r| {
            use crate::domain::payment::{PaymentMethod, PaymentStatus};
            let method: String = r.try_get("payment_method")?;
            let status: String = r.try_get("payment_status")?;
            Ok(Payment {
                id: r.try_get("id")?,
                appointment_id: r.try_get("appointment_id")?,
                amount: r.try_get("amount")?,
                method: super::parse_col("payment_method", &method, PaymentMethod::parse)?,
                status: super::parse_col("payment_status", &status, PaymentStatus::parse)?,
                transaction_id: r.try_get("transaction_id")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}
