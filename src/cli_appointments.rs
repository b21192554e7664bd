//! `clinic appointments …`: the scripting interface to booking. It goes through the same
//! service as the TUI, acting as the system operator.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde_json::json;

use crate::cli::AppointmentsCommand;
use crate::domain::Actor;
use crate::domain::appointment::{Appointment, AppointmentView};
use crate::domain::availability::local_to_utc;
use crate::service::Services;
use crate::service::booking::{BookingRequest, local_label};
use crate::store::mysql::booking::ListFilter;

fn parse_local(services: &Services, text: &str) -> Result<NaiveDateTime, String> {
    let local = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M")
        .map_err(|_| format!("\"{text}\" is not a local time (expected \"YYYY-MM-DD HH:MM\")"))?;
    local_to_utc(services.config().time_zone, local).ok_or_else(|| {
        format!(
            "{text} does not exist in {} (a daylight-saving change)",
            services.config().time_zone
        )
    })
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("\"{text}\" is not a date (expected YYYY-MM-DD)"))
}

fn local_iso(services: &Services, utc: NaiveDateTime) -> String {
    utc.and_utc()
        .with_timezone(&services.config().time_zone)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn appointment_json(services: &Services, a: &Appointment) -> serde_json::Value {
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
fn print_lines(lines: impl Iterator<Item = String>) -> Result<(), String> {
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

pub(crate) async fn run(services: &Services, cmd: AppointmentsCommand) -> Result<(), String> {
    let actor = Actor::System;
    let tz = services.config().time_zone;
    match cmd {
        AppointmentsCommand::Book {
            patient,
            doctor,
            at,
            minutes,
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
            let a = services
                .book(
                    &actor,
                    BookingRequest {
                        patient_id,
                        doctor_id,
                        start_utc,
                        duration_minutes: minutes,
                    },
                )
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
        AppointmentsCommand::Cancel { id, reason, json } => {
            let a = services
                .cancel(&actor, id, &reason)
                .await
                .map_err(|e| e.to_string())?;
            if json {
                println!("{}", appointment_json(services, &a));
            } else {
                println!(
                    "Cancelled appointment {} ({}).",
                    a.id,
                    local_label(tz, a.start_utc)
                );
            }
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
            if let Some(d) = date {
                let day = parse_date(&d)?;
                let start = day.and_hms_opt(0, 0, 0).unwrap_or_default();
                filter.from = local_to_utc(tz, start);
                filter.to = local_to_utc(tz, start + Duration::days(i64::from(days.max(1))));
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
                        v.doctor_name,
                        v.patient_name
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
                .free_slots_by_email(&doctor, parse_date(&date)?, days, minutes)
                .await
                .map_err(|e| e.to_string())?;
            if json {
                let list: Vec<_> = slots
                    .iter()
                    .map(|s| json!({ "start_local": local_iso(services, s.start_utc), "end_local": local_iso(services, s.end_utc), "location_id": s.location_id }))
                    .collect();
                println!("{}", serde_json::Value::Array(list));
            } else {
                print_lines(slots.iter().map(|s| local_iso(services, s.start_utc)))?;
            }
        }
    }
    Ok(())
}
