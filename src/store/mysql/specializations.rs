//! `specializations`: the list a doctor's specialization is taken from. Names are unique
//! ignoring case (the table's collation); see the migration for the normalisation.

use sqlx::{Executor, MySql};

use super::patients::id_of;
use crate::domain::person::Specialization;

/// Every specialization, by name.
pub async fn list<'c, E>(exec: E) -> Result<Vec<Specialization>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let rows: Vec<(i32, String)> =
        sqlx::query_as("SELECT id, name FROM specializations ORDER BY name, id")
            .fetch_all(exec)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| Specialization { id, name })
        .collect())
}

/// The specialization called `name`, ignoring case (and trailing spaces).
pub async fn find<'c, E>(exec: E, name: &str) -> Result<Option<Specialization>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let row: Option<(i32, String)> =
        sqlx::query_as("SELECT id, name FROM specializations WHERE name = ?")
            .bind(name)
            .fetch_optional(exec)
            .await?;
    Ok(row.map(|(id, name)| Specialization { id, name }))
}

/// Adds a specialization (already normalised); a name taken ignoring case is a unique
/// violation.
pub async fn insert<'c, E>(exec: E, name: &str) -> Result<i32, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let done = sqlx::query("INSERT INTO specializations (name) VALUES (?)")
        .bind(name)
        .execute(exec)
        .await?;
    id_of(done.last_insert_id())
}
