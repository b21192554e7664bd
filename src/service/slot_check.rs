//! The one check every booked time goes through (a single booking, each occurrence of a
//! series, a waitlist offer, a reschedule): availability (weekly windows and extra
//! hours), time off, and both parties' other appointments, read in one statement
//! (`store::mysql::series::check_inputs`) whatever the number of times checked.
//! Inside a booking transaction it runs after the doctor's and the patient's rows are
//! locked, so what it reads cannot change before the insert.

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone};
use sqlx::{Executor, MySql};

use super::Services;
use super::booking::local_label;
use crate::domain::availability::{self as engine, AvailabilityError};
use crate::domain::local_time;
use crate::store::mysql::series::{self as store, CheckInputs};

/// Why a time cannot be booked.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Clash {
    /// Outside the doctor's windows and extra hours, or in time off.
    Availability(AvailabilityError),
    /// Another appointment of the doctor: its start and length.
    Doctor { at: NaiveDateTime, minutes: i32 },
    /// Another appointment of the patient: its start.
    Patient { at: NaiveDateTime },
}

impl Clash {
    /// The sentence a single booking reports.
    pub(crate) fn sentence(&self, tz: chrono_tz::Tz) -> String {
        match self {
            Clash::Availability(e) => e.to_string(),
            Clash::Doctor { at, minutes } => format!(
                "The doctor is already booked {}–{}; pick another time.",
                local_label(tz, *at),
                local_time::label(tz, *at + Duration::minutes(i64::from(*minutes)), "%H:%M")
            ),
            Clash::Patient { at } => format!(
                "The patient already has an appointment at {}.",
                local_label(tz, *at)
            ),
        }
    }

    /// The shorter clause a list of dates reports ("the doctor is already booked
    /// 10:00–11:00").
    pub(crate) fn clause(&self, tz: chrono_tz::Tz) -> String {
        match self {
            Clash::Availability(e) => lower_first(e.to_string().trim_end_matches('.')),
            Clash::Doctor { at, minutes } => format!(
                "the doctor is already booked {}–{}",
                local_time::label(tz, *at, "%H:%M"),
                local_time::label(tz, *at + Duration::minutes(i64::from(*minutes)), "%H:%M")
            ),
            Clash::Patient { at } => format!(
                "the patient already has an appointment at {}",
                local_time::label(tz, *at, "%H:%M")
            ),
        }
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn overlaps(a: (NaiveDateTime, NaiveDateTime), start: NaiveDateTime, minutes: i32) -> bool {
    start < a.1 && start + Duration::minutes(i64::from(minutes)) > a.0
}

impl Services {
    /// Checks each interval `[start, end)` for this doctor and patient, ignoring the
    /// appointments in `except` (those being moved). For each: the location of the
    /// covering window, or the first reason it cannot be booked.
    pub(crate) async fn check_times<'c, E>(
        &self,
        exec: E,
        doctor_id: i32,
        patient_id: i32,
        intervals: &[(NaiveDateTime, NaiveDateTime)],
        except: &[i32],
    ) -> Result<Vec<Result<Option<i32>, Clash>>, sqlx::Error>
    where
        E: Executor<'c, Database = MySql>,
    {
        let tz = self.config.time_zone;
        let local_date = |t: NaiveDateTime| tz.from_utc_datetime(&t).date_naive();
        let dates = match (
            intervals.iter().map(|i| local_date(i.0)).min(),
            intervals.iter().map(|i| local_date(i.1)).max(),
        ) {
            (Some(lo), Some(hi)) => (
                lo.pred_opt().unwrap_or(NaiveDate::MIN),
                hi.succ_opt().unwrap_or(NaiveDate::MAX),
            ),
            _ => return Ok(Vec::new()),
        };
        let CheckInputs {
            windows,
            extra,
            time_off,
            doctor_busy,
            patient_busy,
        } = store::check_inputs(exec, doctor_id, patient_id, intervals, except, dates).await?;
        Ok(intervals
            .iter()
            .map(|&(start, end)| {
                let location = engine::covering_location_with_extra(
                    start, end, tz, &windows, &extra, &time_off,
                )
                .map_err(Clash::Availability)?;
                if let Some((_, at, minutes)) = doctor_busy
                    .iter()
                    .find(|(_, at, m)| overlaps((start, end), *at, *m))
                {
                    return Err(Clash::Doctor {
                        at: *at,
                        minutes: *minutes,
                    });
                }
                if let Some((_, at, _)) = patient_busy
                    .iter()
                    .find(|(_, at, m)| overlaps((start, end), *at, *m))
                {
                    return Err(Clash::Patient { at: *at });
                }
                Ok(location)
            })
            .collect())
    }
}
