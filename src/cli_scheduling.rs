//! `clinic waitlist …`, `clinic availability …` and `clinic agenda ics`: the scripting
//! interface to the waitlist, extra hours on a date and calendar export. Like the other
//! subcommands they act as the system operator through the same services as the TUI.

use std::path::PathBuf;

use chrono::{NaiveTime, TimeZone, Utc};
use clap::{Subcommand, ValueEnum};
use serde_json::json;

use crate::cli_appointments::{
    appointment_json, local_iso, parse_date, parse_days, parse_minutes, print_lines,
};
use crate::domain::Actor;
use crate::domain::extra_hours::ExtraHours;
use crate::domain::text::escape_control;
use crate::domain::waitlist::{NewWaitlistEntry, PartOfDay, WaitFor, WaitlistEntry};
use crate::service::Services;
use crate::service::booking::local_label;
use crate::service::calendar_export::CalendarOwner;

#[derive(Debug, Subcommand)]
pub enum WaitlistCommand {
    /// Put a patient on the waitlist for a doctor or for any doctor of a specialization;
    /// a free slot that fits is offered at once.
    Add {
        /// The patient's email.
        #[arg(long)]
        patient: String,
        /// The doctor's email.
        #[arg(
            long,
            conflicts_with = "specialization",
            required_unless_present = "specialization"
        )]
        doctor: Option<String>,
        /// Any active doctor of this specialization.
        #[arg(long)]
        specialization: Option<String>,
        /// First local date "YYYY-MM-DD".
        #[arg(long)]
        from: String,
        /// Last local date "YYYY-MM-DD".
        #[arg(long)]
        to: String,
        /// Only mornings (starting before 12:00) or afternoons (from 12:00).
        #[arg(long, value_enum)]
        part: Option<PartArg>,
        /// Length in minutes (default: the clinic default).
        #[arg(long)]
        minutes: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// The open entries (waiting or offered), oldest first.
    List {
        /// Include booked, removed and expired entries.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Book the slot offered to an entry.
    Book {
        id: i32,
        #[arg(long)]
        json: bool,
    },
    /// Take an entry off the waitlist (the record is kept).
    Remove { id: i32 },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PartArg {
    Morning,
    Afternoon,
}

impl From<PartArg> for PartOfDay {
    fn from(p: PartArg) -> Self {
        match p {
            PartArg::Morning => PartOfDay::Morning,
            PartArg::Afternoon => PartOfDay::Afternoon,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum AvailabilityCommand {
    /// Open extra hours on one date, outside the weekly windows (which stay as they are).
    Open {
        /// The doctor's email.
        #[arg(long)]
        doctor: String,
        /// Local date "YYYY-MM-DD".
        #[arg(long)]
        date: String,
        /// Local time "HH:MM".
        #[arg(long)]
        from: String,
        /// Local time "HH:MM".
        #[arg(long)]
        to: String,
        /// Clinic location id.
        #[arg(long)]
        location: Option<i32>,
        #[arg(long)]
        json: bool,
    },
    /// A doctor's extra hours.
    Extra {
        #[arg(long)]
        doctor: String,
        /// First local date "YYYY-MM-DD" (default: today).
        #[arg(long)]
        from: Option<String>,
        #[arg(long, default_value_t = 31)]
        days: u32,
        #[arg(long)]
        json: bool,
    },
    /// Close extra hours again (appointments booked in them stay).
    Close {
        id: i32,
        #[arg(long)]
        doctor: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AgendaCommand {
    /// A doctor's or a patient's appointments as an iCalendar (.ics) file: to standard
    /// output, or to --out.
    Ics {
        /// The doctor's email.
        #[arg(long, conflicts_with = "patient", required_unless_present = "patient")]
        doctor: Option<String>,
        /// The patient's email.
        #[arg(long)]
        patient: Option<String>,
        /// First local date "YYYY-MM-DD".
        #[arg(long)]
        from: String,
        #[arg(long, default_value_t = 7)]
        days: u32,
        /// Write the file here instead of to standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// A doctor's (`doctor`) or a patient's id by email, or the sentence why not.
async fn id_of(services: &Services, doctor: bool, email: &str) -> Result<i32, String> {
    services
        .id_by_email(doctor, email)
        .await
        .map_err(|e| e.to_string())
}

fn parse_hm(text: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| {
        format!(
            "\"{}\" is not a time (expected HH:MM, e.g. 18:30)",
            escape_control(text)
        )
    })
}

fn entry_json(services: &Services, e: &WaitlistEntry) -> serde_json::Value {
    let (doctor_id, specialization) = match &e.wait_for {
        WaitFor::Doctor(d) => (Some(*d), None),
        WaitFor::Specialization(s) => (None, Some(s.clone())),
    };
    json!({
        "id": e.id,
        "patient_id": e.patient_id,
        "patient": e.patient_name,
        "doctor_id": doctor_id,
        "doctor": e.doctor_name,
        "specialization": specialization,
        "from": e.from_date.to_string(),
        "to": e.to_date.to_string(),
        "part": e.part_of_day.map(|p| p.as_str()),
        "duration_minutes": e.duration_minutes,
        "status": e.status.as_str(),
        "offer": e.offer.as_ref().map(|o| json!({
            "doctor_id": o.doctor_id,
            "doctor": o.doctor_name,
            "start_utc": o.start_utc.and_utc().to_rfc3339(),
            "start_local": local_iso(services, o.start_utc),
            "location_id": o.location_id,
        })),
        "appointment_id": e.appointment_id,
    })
}

fn entry_line(services: &Services, e: &WaitlistEntry) -> String {
    let tz = services.config().time_zone;
    let whom = match &e.wait_for {
        WaitFor::Doctor(_) => e.doctor_name.clone().unwrap_or_default(),
        WaitFor::Specialization(s) => format!("any {s}"),
    };
    let part = e.part_of_day.map(|p| p.label()).unwrap_or("any time");
    let offer = e
        .offer
        .as_ref()
        .map(|o| {
            format!(
                "  offered {} with {}",
                local_label(tz, o.start_utc),
                escape_control(&o.doctor_name)
            )
        })
        .unwrap_or_default();
    format!(
        "{:>6}  {:<9} {:<24} {:<24} {} to {}, {part}{offer}",
        e.id,
        e.status.as_str(),
        escape_control(&e.patient_name),
        escape_control(&whom),
        e.from_date,
        e.to_date
    )
}

pub(crate) async fn waitlist(services: &Services, cmd: WaitlistCommand) -> Result<(), String> {
    let actor = Actor::System;
    match cmd {
        WaitlistCommand::Add {
            patient,
            doctor,
            specialization,
            from,
            to,
            part,
            minutes,
            json,
        } => {
            let patient_id = id_of(services, false, &patient).await?;
            let wait_for = match (doctor, specialization) {
                (Some(email), _) => WaitFor::Doctor(id_of(services, true, &email).await?),
                (None, Some(s)) => WaitFor::Specialization(s),
                (None, None) => return Err("give --doctor or --specialization".into()),
            };
            let entry = services
                .add_to_waitlist(
                    &actor,
                    NewWaitlistEntry {
                        patient_id,
                        wait_for,
                        from_date: parse_date(&from)?,
                        to_date: parse_date(&to)?,
                        part_of_day: part.map(PartOfDay::from),
                        duration_minutes: parse_minutes(minutes)?,
                    },
                )
                .await
                .map_err(|e| e.to_string())?;
            if json {
                println!("{}", entry_json(services, &entry));
            } else {
                println!("Waitlist entry {} added.", entry.id);
                if let Some(o) = &entry.offer {
                    println!(
                        "Offered at once: {} with {}.",
                        local_label(services.config().time_zone, o.start_utc),
                        escape_control(&o.doctor_name)
                    );
                }
            }
        }
        WaitlistCommand::List { all, json } => {
            let entries = services
                .waitlist(&actor, !all)
                .await
                .map_err(|e| e.to_string())?;
            if json {
                let list: Vec<_> = entries.iter().map(|e| entry_json(services, e)).collect();
                println!("{}", serde_json::Value::Array(list));
            } else if entries.is_empty() {
                println!("Nobody is waiting.");
            } else {
                print_lines(entries.iter().map(|e| entry_line(services, e)))?;
            }
        }
        WaitlistCommand::Book { id, json } => {
            let a = services
                .book_waitlist_offer(&actor, id)
                .await
                .map_err(|e| e.to_string())?;
            if json {
                println!("{}", appointment_json(services, &a));
            } else {
                println!(
                    "Booked appointment {} on {} for {} minutes from waitlist entry {id}.",
                    a.id,
                    local_label(services.config().time_zone, a.start_utc),
                    a.duration_minutes
                );
            }
        }
        WaitlistCommand::Remove { id } => {
            services
                .remove_from_waitlist(&actor, id)
                .await
                .map_err(|e| e.to_string())?;
            println!("Waitlist entry {id} removed.");
        }
    }
    Ok(())
}

pub(crate) async fn availability(
    services: &Services,
    cmd: AvailabilityCommand,
) -> Result<(), String> {
    let actor = Actor::System;
    match cmd {
        AvailabilityCommand::Open {
            doctor,
            date,
            from,
            to,
            location,
            json,
        } => {
            let doctor_id = id_of(services, true, &doctor).await?;
            let hours = ExtraHours::new(
                parse_date(&date)?,
                parse_hm(&from)?,
                parse_hm(&to)?,
                location,
            );
            let id = services
                .add_extra_hours(&actor, doctor_id, hours)
                .await
                .map_err(|e| e.to_string())?;
            if json {
                println!(
                    "{}",
                    json!({ "id": id, "doctor_id": doctor_id, "date": hours.date.to_string(), "from": hours.start.format("%H:%M").to_string(), "to": hours.end.format("%H:%M").to_string(), "location_id": location })
                );
            } else {
                println!(
                    "Opened {} {}–{} (extra hours {id}).",
                    hours.date.format("%a %-d %b %Y"),
                    hours.start.format("%H:%M"),
                    hours.end.format("%H:%M")
                );
            }
        }
        AvailabilityCommand::Extra {
            doctor,
            from,
            days,
            json,
        } => {
            let doctor_id = id_of(services, true, &doctor).await?;
            let from = match from {
                Some(d) => parse_date(&d)?,
                None => services
                    .config()
                    .time_zone
                    .from_utc_datetime(&Utc::now().naive_utc())
                    .date_naive(),
            };
            let rows = services
                .extra_hours(&actor, doctor_id, from, parse_days(days)?)
                .await
                .map_err(|e| e.to_string())?;
            if json {
                let list: Vec<_> = rows
                    .iter()
                    .map(|x| json!({ "id": x.id, "date": x.hours.date.to_string(), "from": x.hours.start.format("%H:%M").to_string(), "to": x.hours.end.format("%H:%M").to_string(), "location_id": x.hours.location_id }))
                    .collect();
                println!("{}", serde_json::Value::Array(list));
            } else if rows.is_empty() {
                println!("No extra hours.");
            } else {
                print_lines(rows.iter().map(|x| {
                    format!(
                        "{:>6}  {}  {}–{}",
                        x.id,
                        x.hours.date,
                        x.hours.start.format("%H:%M"),
                        x.hours.end.format("%H:%M")
                    )
                }))?;
            }
        }
        AvailabilityCommand::Close { id, doctor } => {
            let doctor_id = id_of(services, true, &doctor).await?;
            services
                .delete_extra_hours(&actor, doctor_id, id)
                .await
                .map_err(|e| e.to_string())?;
            println!("Closed extra hours {id}.");
        }
    }
    Ok(())
}

pub(crate) async fn agenda(services: &Services, cmd: AgendaCommand) -> Result<(), String> {
    let AgendaCommand::Ics {
        doctor,
        patient,
        from,
        days,
        out,
    } = cmd;
    let owner = match (doctor, patient) {
        (Some(email), _) => CalendarOwner::Doctor(id_of(services, true, &email).await?),
        (None, Some(email)) => CalendarOwner::Patient(id_of(services, false, &email).await?),
        (None, None) => return Err("give --doctor or --patient".into()),
    };
    let file = services
        .calendar_ics(&Actor::System, owner, parse_date(&from)?, parse_days(days)?)
        .await
        .map_err(|e| e.to_string())?;
    match out {
        Some(path) => {
            std::fs::write(&path, file.text.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            println!("Wrote {} events to {}.", file.events, path.display());
        }
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(file.text.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(|e| format!("cannot write the output: {e}"))?;
        }
    }
    Ok(())
}
