//! The appointment view: Enter on an agenda row opens it over the list. It shows the
//! patient (name, date of birth, phone, email), the doctor, the location and its
//! address, the local date, time and length, the status with its history, the payments
//! with the total paid, whether a prescription exists and the series it belongs to.
//! The agenda's keys act on it (cancel, move, done, no-show, payments, prescription,
//! history, book); ↑↓ go to the previous or next appointment of the list, Esc back to it.
//!
//! What a role may not read is not asked for: a doctor's view has no contact details
//! and no payments (the front desk keeps those).

use std::fmt;

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::domain::appointment::{AppointmentStatus, AppointmentView, StatusChange};
use crate::domain::local_time::label;
use crate::domain::money::format_amount;
use crate::domain::payment::{Payment, PaymentStatus};
use crate::domain::person::{Location, Patient};
use crate::service::ServiceError;
use crate::service::series::SeriesView;
use crate::tui::screens::booking::when_label;
use crate::tui::screens::payments::{method_label, status_label};
use crate::tui::theme::Theme;
use crate::tui::widgets::text::truncate;

/// What the appointment view loads beyond the agenda's row; each part on its own, so a
/// part that could not be read says why and the others still show.
#[derive(Clone)]
pub struct DetailData {
    /// `None`: not asked for (a doctor).
    pub patient: Option<Result<Patient, ServiceError>>,
    /// `Ok(None)`: the appointment has no location (or it is gone).
    pub location: Result<Option<Location>, ServiceError>,
    /// `None`: not asked for (a doctor).
    pub payments: Option<Result<Vec<Payment>, ServiceError>>,
    pub prescription: Result<bool, ServiceError>,
    pub history: Result<Vec<StatusChange>, ServiceError>,
    pub series: Result<Option<SeriesView>, ServiceError>,
}

/// Patient data stays out of logs: only what was loaded, not what it says.
impl fmt::Debug for DetailData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DetailData")
            .field("patient", &self.patient.as_ref().map(|p| p.is_ok()))
            .field("location", &self.location.is_ok())
            .field(
                "payments",
                &self
                    .payments
                    .as_ref()
                    .map(|p| p.as_ref().map(Vec::len).ok()),
            )
            .field("prescription", &self.prescription.as_ref().ok())
            .field("history", &self.history.as_ref().map(Vec::len).ok())
            .field("series", &self.series.is_ok())
            .finish()
    }
}

/// The open appointment view: the row it shows (kept even when a reload or a filter
/// drops it from the list) and what was loaded for it.
#[derive(Debug, Clone)]
pub struct AppointmentPage {
    pub view: AppointmentView,
    /// `None` while loading.
    pub data: Option<Box<DetailData>>,
}

impl AppointmentPage {
    pub fn new(view: AppointmentView) -> AppointmentPage {
        AppointmentPage { view, data: None }
    }

    pub fn id(&self) -> i32 {
        self.view.appointment.id
    }

    /// How many booked appointments of its series come after it, when that is known.
    pub fn later_in_series(&self) -> Option<usize> {
        let data = self.data.as_ref()?;
        match &data.series {
            Ok(series) => Some(later_in_series(series.as_ref(), &self.view)),
            Err(_) => None,
        }
    }
}

/// How many booked appointments of `series` start after `v`.
pub fn later_in_series(series: Option<&SeriesView>, v: &AppointmentView) -> usize {
    series.map_or(0, |s| {
        s.appointments
            .iter()
            .filter(|a| {
                a.id != v.appointment.id
                    && a.status == AppointmentStatus::Booked
                    && a.start_utc > v.appointment.start_utc
            })
            .count()
    })
}

/// The total of the paid payments.
pub fn paid_total(payments: &[Payment]) -> rust_decimal::Decimal {
    payments
        .iter()
        .filter(|p| p.status == PaymentStatus::Paid)
        .map(|p| p.amount)
        .sum()
}

const LABEL: usize = 10;

fn row<'a>(name: &str, value: String, width: usize) -> Line<'a> {
    let room = width.saturating_sub(LABEL + 1);
    Line::from(vec![
        Span::styled(
            format!(" {name:<w$}", w = LABEL - 1),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw(truncate(&value, room).into_owned()),
    ])
}

fn dim_row<'a>(text: String, width: usize, theme: &Theme) -> Line<'a> {
    let text = format!("{:w$}{text}", "", w = LABEL);
    Line::from(Span::styled(
        truncate(&text, width).into_owned(),
        theme.dim(),
    ))
}

fn failed(what: &str, e: &ServiceError) -> String {
    format!("{what} could not be loaded: {e}")
}

fn history_line(c: &StatusChange, tz: Tz) -> String {
    let from = c.from_status.map_or("new", |s| s.label());
    let mut text = format!(
        "{}  {} → {}  by {}",
        label(tz, c.changed_at, "%-d %b %Y %H:%M"),
        from,
        c.to_status.label(),
        super::view::by_whom(c)
    );
    let at = |t: NaiveDateTime| label(tz, t, "%a %-d %b %H:%M");
    if let (Some(old), Some(new)) = (c.old_time, c.new_time) {
        text.push_str(&format!(" · moved {} → {}", at(old), at(new)));
    }
    if let Some(r) = c.reason.as_deref().filter(|r| !r.is_empty()) {
        text.push_str(&format!(" · {r}"));
    }
    text
}

/// Draws the appointment view over the agenda's `area`.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    page: &AppointmentPage,
    front_desk: bool,
    tz: Tz,
    theme: &Theme,
) {
    let width = usize::from(area.width);
    let v = &page.view;
    let a = &v.appointment;
    let mut top: Vec<Line> = Vec::new();
    let title = format!(
        " Appointment #{} · {} · {} ({} min)",
        a.id,
        a.status.label(),
        when_label(tz, a.start_utc, i64::from(a.duration_minutes)),
        a.duration_minutes
    );
    top.push(Line::from(Span::styled(
        truncate(&title, width).into_owned(),
        theme.title(),
    )));
    if let Some(r) = a.cancel_reason.as_deref().filter(|r| !r.is_empty()) {
        top.push(row("Reason", format!("cancelled: {r}"), width));
    }
    let data = page.data.as_deref();
    // The patient.
    let patient = match data.and_then(|d| d.patient.as_ref()) {
        Some(Ok(p)) => {
            let mut parts = vec![p.full_name.clone()];
            if let Some(dob) = p.date_of_birth {
                parts.push(format!("born {}", dob.format("%-d %b %Y")));
            }
            parts.push(p.phone_number.clone().unwrap_or_else(|| "no phone".into()));
            parts.push(p.email.clone());
            parts.join(" · ")
        }
        Some(Err(e)) => format!("{} · {}", v.patient_name, failed("The record", e)),
        None => format!("{} · {}", v.patient_name, v.patient_email),
    };
    top.push(row("Patient", patient, width));
    top.push(row(
        "Doctor",
        format!("{} · {}", v.doctor_name, v.specialization),
        width,
    ));
    let location = match data.map(|d| &d.location) {
        Some(Ok(Some(l))) => format!("{} · {}", l.name, l.address),
        Some(Ok(None)) | None => v
            .location_name
            .clone()
            .unwrap_or_else(|| "no location set".into()),
        Some(Err(e)) => failed("The location", e),
    };
    top.push(row("Location", location, width));
    let Some(data) = data else {
        top.push(Line::raw(""));
        top.push(Line::from(Span::styled(" Loading…", theme.dim())));
        frame.render_widget(Paragraph::new(top), area);
        return;
    };
    match &data.series {
        Ok(Some(s)) => {
            let position = s
                .appointments
                .iter()
                .position(|x| x.id == a.id)
                .map_or(String::new(), |i| {
                    format!("{} of {}", i + 1, s.appointments.len())
                });
            let later = later_in_series(Some(s), v);
            let every = match s.every_weeks {
                1 => "every week".to_string(),
                n => format!("every {n} weeks"),
            };
            top.push(row(
                "Series",
                format!("{position}, {every} · {later} later booked"),
                width,
            ));
        }
        Ok(None) => {}
        Err(e) => top.push(row("Series", failed("The series", e), width)),
    }
    let rx = match &data.prescription {
        Ok(true) if front_desk => {
            "A prescription exists (the doctor and the patient read it)".to_string()
        }
        Ok(true) => "A prescription exists · e opens it".to_string(),
        Ok(false) => "None yet".to_string(),
        Err(e) => failed("Whether one exists", e),
    };
    top.push(row("Rx", rx, width));
    let mut payments: Vec<Line> = Vec::new();
    match &data.payments {
        None => {}
        Some(Err(e)) => payments.push(row("Payments", failed("The payments", e), width)),
        Some(Ok(list)) if list.is_empty() => {
            payments.push(row("Payments", "None yet · p takes one".into(), width));
        }
        Some(Ok(list)) => {
            payments.push(row(
                "Payments",
                format!(
                    "{} paid · {} payment{}",
                    format_amount(paid_total(list)),
                    list.len(),
                    if list.len() == 1 { "" } else { "s" }
                ),
                width,
            ));
            for p in list {
                payments.push(dim_row(
                    format!(
                        "{:>10}  {:<13} {:<8} {}",
                        format_amount(p.amount),
                        method_label(p.method),
                        status_label(p.status),
                        label(tz, p.created_at.naive_utc(), "%-d %b %Y %H:%M")
                    ),
                    width,
                    theme,
                ));
            }
        }
    }
    // History takes what is left, newest last; payments give up their detail rows first.
    let height = usize::from(area.height);
    let history: Vec<String> = match &data.history {
        Ok(rows) => rows.iter().map(|c| history_line(c, tz)).collect(),
        Err(e) => vec![failed("The history", e)],
    };
    // Room kept for the history: a blank line, its heading and up to two changes.
    let history_min = 2 + history.len().clamp(1, 2);
    let payments_room = height
        .saturating_sub(top.len() + history_min)
        .min(payments.len());
    if payments_room < payments.len() {
        let hidden = payments.len() - payments_room.saturating_sub(1);
        payments.truncate(payments_room.saturating_sub(1));
        if payments_room > 0 {
            payments.push(dim_row(
                format!("… {hidden} more · p lists every payment"),
                width,
                theme,
            ));
        }
    }
    let mut lines = top;
    lines.extend(payments);
    let left = height.saturating_sub(lines.len());
    if left >= 2 {
        lines.push(Line::raw(""));
        if history.is_empty() {
            lines.push(row("History", "No changes recorded.".into(), width));
        } else {
            let room = left - 2;
            let skip = history.len().saturating_sub(room);
            let head = if skip > 0 {
                format!("{skip} earlier not shown · h lists them all")
            } else {
                String::new()
            };
            lines.push(row("History", head, width));
            for h in history.into_iter().skip(skip) {
                lines.push(dim_row(h, width, theme));
            }
        }
    }
    lines.truncate(height);
    frame.render_widget(Paragraph::new(lines), area);
}
