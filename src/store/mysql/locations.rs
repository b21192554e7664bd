//! `clinic_locations`.

use sqlx::mysql::MySqlRow;
use sqlx::{Executor, MySql, Row};

use super::patients::id_of;
use crate::domain::person::{Location, NewLocation};

fn map(r: &MySqlRow) -> Result<Location, sqlx::Error> {
    Ok(Location {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        address: r.try_get("address")?,
        phone_number: r.try_get("phone_number")?,
        operating_hours: r.try_get("operating_hours")?,
        is_active: r.try_get("is_active")?,
    })
}

pub async fn insert<'c, E>(exec: E, l: &NewLocation) -> Result<i32, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let done = sqlx::query(
        "INSERT INTO clinic_locations (name, address, phone_number, operating_hours) VALUES (?, ?, ?, ?)",
    )
    .bind(&l.name)
    .bind(&l.address)
    .bind(&l.phone_number)
    .bind(&l.operating_hours)
    .execute(exec)
    .await?;
    id_of(done.last_insert_id())
}

pub async fn list<'c, E>(exec: E) -> Result<Vec<Location>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query(
        "SELECT id, name, address, phone_number, operating_hours, is_active FROM clinic_locations ORDER BY name",
    )
    .fetch_all(exec)
    .await?
    .iter()
    .map(map)
    .collect()
}

pub async fn update<'c, E>(exec: E, id: i32, l: &NewLocation) -> Result<(), sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query("UPDATE clinic_locations SET name = ?, address = ?, phone_number = ?, operating_hours = ? WHERE id = ?")
        .bind(&l.name)
        .bind(&l.address)
        .bind(&l.phone_number)
        .bind(&l.operating_hours)
        .bind(id)
        .execute(exec)
        .await?;
    Ok(())
}

pub async fn set_active<'c, E>(exec: E, id: i32, active: bool) -> Result<(), sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query("UPDATE clinic_locations SET is_active = ? WHERE id = ?")
        .bind(active)
        .bind(id)
        .execute(exec)
        .await?;
    Ok(())
}

pub async fn get<'c, E>(exec: E, id: i32) -> Result<Option<Location>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    sqlx::query("SELECT id, name, address, phone_number, operating_hours, is_active FROM clinic_locations WHERE id = ?")
        .bind(id)
        .fetch_optional(exec)
        .await?
        .map(|r| map(&r))
        .transpose()
}
