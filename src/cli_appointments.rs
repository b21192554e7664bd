//! `clinic appointments …`: the scripting interface to booking. It goes through the same
//! service as the TUI, acting as the system operator.

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::json;

use crate::cli::AppointmentsCommand;
use crate::domain::appointment::ListFilter;
use crate::domain::appointment::{Appointment, AppointmentView};
use crate::domain::availability::local_to_utc;
use crate::domain::local_time;
use crate::domain::series::SeriesScope;
use crate::domain::text::escape_control;
use crate::domain::{Actor, validation};
use crate::service::Services;
use crate::service::booking::{BookingRequest, local_label};
use crate::service::series::SeriesRequest;

/// A typed local clinic time; a time that happens twice (the fall-back night) needs its
/// zone ("2027-10-31 01:30 GMT") and is otherwise refused with both choices named.
pub(crate) fn parse_local(services: &Services, text: &str) -> Result<NaiveDateTime, String> {
    local_time::parse_instant(services.config().time_zone, text).map_err(|e| e.to_string())
}

pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, String> {
    validation::date(text).map_err(|e| e.to_string())
}

/// `--minutes`, when given: an appointment length the clinic accepts.
pub(crate) fn parse_minutes(minutes: Option<u32>) -> Result<Option<u32>, String> {
    minutes
        .map(validation::duration_minutes)
        .transpose()
        .map_err(|e| e.to_string())
}

pub(crate) fn parse_days(days: u32) -> Result<u32, String> {
    validation::days(days).map_err(|e| e.to_string())
}

/// "2026-12-01 09:30", or "2027-10-31 01:30 GMT" in a repeated hour: what `--at` reads.
pub(crate) fn local_iso(services: &Services, utc: NaiveDateTime) -> String {
    local_time::label(services.config().time_zone, utc, local_time::INPUT_FORMAT)
}

pub(crate) fn appointment_json(services: &Services, a: &Appointment) -> serde_json::Value {
    json!({
        "id": a.id,
        "patient_id": a.patient_id,
        "doctor_id": a.doctor_id,
        "location_id": a.location_id,
        "start_utc": a.start_utc.and_utc().to_rfc3339(),
        "start_local": local_iso(services, a.start_utc),
        "duration_minutes": a.duration_minutes,
        "status": a.status.as_str(),
        "cancel_reason": a.cancel_reason,
    })
}

fn view_json(services: &Services, v: &AppointmentView) -> serde_json::Value {
    let mut value = appointment_json(services, &v.appointment);
    if let Some(map) = value.as_object_mut() {
        map.insert(
            "patient".into(),
            json!({ "name": v.patient_name, "email": v.patient_email }),
        );
        map.insert("doctor".into(), json!({ "name": v.doctor_name, "email": v.doctor_email, "specialization": v.specialization }));
        map.insert("location".into(), json!(v.location_name));
    }
    value
}

/// Writes lines to standard output in one go (not a write per line), and reports a
/// closed output as a sentence instead of a panic.
pub(crate) fn print_lines(lines: impl Iterator<Item = String>) -> Result<(), String> {
    use std::io::Write;
    let mut text = String::new();
    for line in lines {
        text.push_str(&line);
        text.push('\n');
    }
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write the output: {e}"))
}

/// `book --repeat-weeks K --count N`: one line per booked appointment on stdout (a JSON
/// object per line with `--json`, with its `series_id`); each date left out by
/// `--skip-conflicts` as a line on stderr.
async fn book_series(services: &Services, req: &SeriesRequest, json: bool) -> Result<(), String> {
    let tz = services.config().time_zone;
    let booking = services
        .book_series(&Actor::System, req)
        .await
        .map_err(|e| e.to_string())?;
    print_lines(booking.booked.iter().map(|a| {
        if json {
            let mut value = appointment_json(services, a);
            if let Some(map) = value.as_object_mut() {
                map.insert("series_id".into(), json!(booking.series_id));
            }
            value.to_string()
        } else {
            format!(
                "Booked appointment {} on {} for {} minutes (series {}).",
                a.id,
                local_label(tz, a.start_utc),
                a.duration_minutes,
                booking.series_id
            )
        }
    }))?;
    for skipped in &booking.skipped {
        let when = skipped.start_utc.map_or_else(
            || skipped.local_start.format("%a %-d %b %H:%M").to_string(),
            |t| local_label(tz, t),
        );
        eprintln!(
            "clinic: skipped {when}: {}",
            escape_control(skipped.problem.as_deref().unwrap_or("not free"))
        );
    }
    Ok(())
}

pub(crate) async fn run(services: &Services, cmd: AppointmentsCommand) -> Result<(), String> {
    let actor = Actor::System;
    let tz = services.config().time_zone;
    match cmd {
        AppointmentsCommand::Book {
            patient,
            doctor,
            at,
            minutes,
            repeat_weeks,
            count,
            skip_conflicts,
            json,
        } => {
            let start_utc = parse_local(services, &at)?;
            let patient_id = services
                .id_by_email(false, &patient)
                .await
                .map_err(|e| e.to_string())?;
            let doctor_id = services
                .id_by_email(true, &doctor)
                .await
                .map_err(|e| e.to_string())?;
            let request = BookingRequest {
                patient_id,
                doctor_id,
                start_utc,
                duration_minutes: parse_minutes(minutes)?,
            };
            if let (Some(every_weeks), Some(count)) = (repeat_weeks, count) {
                let series = SeriesRequest {
                    first: request,
                    every_weeks,
                    count,
                    skip_conflicts,
                };
                return book_series(services, &series, json).await;
            }
            let a = services
                .book(&actor, request)
                .await
                .map_err(|e| e.to_string())?;
            if json {
                println!("{}", appointment_json(services, &a));
            } else {
                println!(
                    "Booked appointment {} on {} for {} minutes.",
                    a.id,
                    local_label(tz, a.start_utc),
                    a.duration_minutes
                );
            }
        }
        AppointmentsCommand::Cancel {
            id,
            reason,
            series,
            json,
        } => {
            let scope = if series {
                SeriesScope::ThisAndLater
            } else {
                SeriesScope::This
            };
            let cancelled = services
                .cancel_in_series(&actor, id, &reason, scope)
                .await
                .map_err(|e| e.to_string())?;
            print_lines(cancelled.iter().map(|a| {
                if json {
                    appointment_json(services, a).to_string()
                } else {
                    format!(
                        "Cancelled appointment {} ({}).",
                        a.id,
                        local_label(tz, a.start_utc)
                    )
                }
            }))?;
        }
        AppointmentsCommand::List {
            doctor,
            date,
            days,
            all,
            json,
        } => {
            let mut filter = ListFilter {
                include_cancelled: all,
                ..ListFilter::default()
            };
            if let Some(email) = doctor {
                filter.doctor_id = Some(
                    services
                        .id_by_email(true, &email)
                        .await
                        .map_err(|e| e.to_string())?,
                );
            }
            let days = parse_days(days)?;
            if let Some(d) = date {
                let day = parse_date(&d)?;
                let start = day.and_time(NaiveTime::MIN);
                // Both ends stay inside the recordable dates, so neither can overflow.
                let end = day
                    .checked_add_days(Days::new(u64::from(days)))
                    .and_then(|end| validation::date_in_range(end).ok())
                    .ok_or_else(|| {
                        format!("{day} plus {days} days is past the last date this clinic records")
                    })?;
                filter.from = local_to_utc(tz, start);
                filter.to = local_to_utc(tz, end.and_time(NaiveTime::MIN));
            }
            let rows = services
                .list_appointments(&actor, filter)
                .await
                .map_err(|e| e.to_string())?;
            if json {
                let list: Vec<_> = rows.iter().map(|v| view_json(services, v)).collect();
                println!("{}", serde_json::Value::Array(list));
            } else if rows.is_empty() {
                println!("No appointments.");
            } else {
                print_lines(rows.iter().map(|v| {
                    let a = &v.appointment;
                    format!(
                        "{:>6}  {}  {:>3} min  {:<10} {:<24} {}",
                        a.id,
                        local_iso(services, a.start_utc),
                        a.duration_minutes,
                        a.status.as_str(),
                        escape_control(&v.doctor_name),
                        escape_control(&v.patient_name)
                    )
                }))?;
            }
        }
        AppointmentsCommand::Slots {
            doctor,
            date,
            days,
            minutes,
            json,
        } => {
            let slots = services
                .free_slots_by_email(
                    &doctor,
                    parse_date(&date)?,
                    parse_days(days)?,
                    parse_minutes(minutes)?,
                )
                .await
                .map_err(|e| e.to_string())?;
            if json {
                let list: Vec<_> = slots
                    .iter()
                    .map(|s| json!({ "start_utc": s.start_utc.and_utc().to_rfc3339(), "start_local": local_iso(services, s.start_utc), "end_local": local_iso(services, s.end_utc), "location_id": s.location_id }))
                    .collect();
                println!("{}", serde_json::Value::Array(list));
            } else {
                print_lines(slots.iter().map(|s| local_iso(services, s.start_utc)))?;
            }
        }
    }
    Ok(())
}
