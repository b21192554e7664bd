//! What free slots are computed from (weekly windows, extra hours on dates, time off and
//! the appointments that hold time) for several doctors, read in one statement: a single
//! round trip to the server, whatever the number of doctors.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use sqlx::{Executor, MySql, QueryBuilder, Row};

use super::availability::{day_code, parse_day_code};
use super::parse_col;
use crate::domain::availability::{TimeOff, Window};
use crate::domain::extra_hours::ExtraHours;

/// Whose slot inputs to read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Doctors<'a> {
    Ids(&'a [i32]),
    /// The doctor with this email (the lookup is part of the same statement).
    Email(&'a str),
}

/// The inputs of the slot engine, each tagged with its doctor's id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SlotInputs {
    /// For [`Doctors::Email`]: the id of the doctor with that email, if there is one.
    pub found: Option<i32>,
    pub windows: Vec<(i32, Window)>,
    /// Extra hours on the local dates of [`SlotRange::dates`].
    pub extra: Vec<(i32, ExtraHours)>,
    pub time_off: Vec<(i32, TimeOff)>,
    /// Non-cancelled appointments: (doctor id, start, minutes).
    pub busy: Vec<(i32, NaiveDateTime, i32)>,
}

/// The instants (UTC) and weekdays a slot search reads.
#[derive(Debug, Clone, PartialEq)]
pub struct SlotRange {
    /// Time off intersecting `[from, to)` is read.
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
    /// Appointments starting in `[busy_from, to)` are read.
    pub busy_from: NaiveDateTime,
    /// Only the windows of these weekdays; every window for `None`.
    pub weekdays: Option<Vec<Weekday>>,
    /// The extra hours of local dates `dates.0..=dates.1` are read.
    pub dates: (NaiveDate, NaiveDate),
}

const WINDOW: i64 = 0;
const TIME_OFF: i64 = 1;
const BUSY: i64 = 2;
const DOCTOR: i64 = 3;
const EXTRA: i64 = 4;

fn push_doctors(qb: &mut QueryBuilder<MySql>, doctors: Doctors<'_>) {
    match doctors {
        Doctors::Ids(doctor_ids) => {
            qb.push(" doctor_id IN (");
            let mut ids = qb.separated(", ");
            for id in doctor_ids {
                ids.push_bind(*id);
            }
            qb.push(")");
        }
        Doctors::Email(email) => {
            qb.push(" doctor_id = (SELECT id FROM doctors WHERE email = ");
            qb.push_bind(email);
            qb.push(")");
        }
    }
}

/// The windows of `doctors` (on `range.weekdays`), their extra hours on `range.dates`,
/// their time off intersecting `[range.from, range.to)`, and their non-cancelled
/// appointments starting in `[range.busy_from, range.to)`, as one `UNION ALL` (with the
/// doctor's id when asked by email).
pub async fn slot_inputs<'c, E>(
    exec: E,
    doctors: Doctors<'_>,
    range: &SlotRange,
) -> Result<SlotInputs, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    if doctors == Doctors::Ids(&[]) {
        return Ok(SlotInputs::default());
    }
    // One column set for every kind of row; each kind fills its own columns and
    // leaves the others NULL (typed, so that the union keeps TIME and DATETIME apart).
    // `label` is the weekday of a window and the reason of a time off: two columns of
    // the same collation, which a union may mix.
    let mut qb: QueryBuilder<MySql> = QueryBuilder::new(
        "SELECT 0 AS kind, doctor_id, day_of_week AS label, start_time, end_time, location_id, \
         CAST(NULL AS DATETIME) AS starts_at, CAST(NULL AS DATETIME) AS ends_at, \
         CAST(NULL AS SIGNED) AS minutes \
         FROM doctor_availability FORCE INDEX (ix_avail_doctor_window) WHERE",
    );
    push_doctors(&mut qb, doctors);
    if let Some(days) = &range.weekdays {
        qb.push(" AND day_of_week IN (");
        let mut codes = qb.separated(", ");
        for d in days {
            codes.push_bind(day_code(*d));
        }
        qb.push(")");
    }
    // The index hints (migration 3) spare the optimizer from weighing the other indexes
    // of these tables on every call, a measurable part of this statement's cost. Each
    // part is answered from its index alone: a doctor's windows, their time off that
    // has not ended yet, and (`active_slot` being the start of a non-cancelled
    // appointment, NULL when cancelled) their appointments in the range with lengths.
    qb.push(
        " UNION ALL SELECT 1, doctor_id, reason, NULL, NULL, NULL, starts_at, ends_at, NULL \
         FROM doctor_time_off FORCE INDEX (ix_timeoff_doctor_end) WHERE ends_at > ",
    );
    qb.push_bind(range.from);
    qb.push(" AND starts_at < ");
    qb.push_bind(range.to);
    qb.push(" AND");
    push_doctors(&mut qb, doctors);
    qb.push(
        " UNION ALL SELECT 2, doctor_id, NULL, NULL, NULL, NULL, active_slot, NULL, \
         duration_minutes FROM appointments FORCE INDEX (ix_appt_doctor_busy) \
         WHERE active_slot >= ",
    );
    qb.push_bind(range.busy_from);
    qb.push(" AND active_slot < ");
    qb.push_bind(range.to);
    qb.push(" AND");
    push_doctors(&mut qb, doctors);
    // Extra hours: the date travels in `starts_at` (a DATE widened to midnight).
    qb.push(
        " UNION ALL SELECT 4, doctor_id, NULL, start_time, end_time, location_id, \
         CAST(on_date AS DATETIME), NULL, NULL \
         FROM doctor_extra_hours FORCE INDEX (ix_extra_doctor_date) WHERE on_date >= ",
    );
    qb.push_bind(range.dates.0);
    qb.push(" AND on_date <= ");
    qb.push_bind(range.dates.1);
    qb.push(" AND");
    push_doctors(&mut qb, doctors);
    if let Doctors::Email(email) = doctors {
        qb.push(
            " UNION ALL SELECT 3, id, NULL, NULL, NULL, NULL, NULL, NULL, NULL \
             FROM doctors WHERE email = ",
        );
        qb.push_bind(email);
    }
    let rows = qb.build().fetch_all(exec).await?;
    let mut out = SlotInputs::default();
    // Columns by position: kind, doctor_id, label, start_time, end_time, location_id,
    // starts_at, ends_at, minutes.
    for r in &rows {
        let kind: i64 = r.try_get(0)?;
        let doctor: i32 = r.try_get(1)?;
        match kind {
            WINDOW => {
                let day: String = r.try_get(2)?;
                out.windows.push((
                    doctor,
                    Window {
                        weekday: parse_col("day_of_week", &day, parse_day_code)?,
                        start: r.try_get::<NaiveTime, _>(3)?,
                        end: r.try_get::<NaiveTime, _>(4)?,
                        location_id: r.try_get(5)?,
                    },
                ));
            }
            TIME_OFF => out.time_off.push((
                doctor,
                TimeOff {
                    start_utc: r.try_get(6)?,
                    end_utc: r.try_get(7)?,
                    reason: r.try_get(2)?,
                },
            )),
            BUSY => out.busy.push((doctor, r.try_get(6)?, r.try_get(8)?)),
            EXTRA => out.extra.push((
                doctor,
                ExtraHours {
                    date: r.try_get::<NaiveDateTime, _>(6)?.date(),
                    start: r.try_get::<NaiveTime, _>(3)?,
                    end: r.try_get::<NaiveTime, _>(4)?,
                    location_id: r.try_get(5)?,
                },
            )),
            DOCTOR => out.found = Some(doctor),
            other => {
                return Err(sqlx::Error::ColumnDecode {
                    index: "kind".into(),
                    source: format!("unexpected row kind {other}").into(),
                });
            }
        }
    }
    Ok(out)
}
