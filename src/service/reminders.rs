//! Appointment reminders and cancellation/reschedule notices by email.
//!
//! `clinic reminders send` (cron, every 10 minutes) queues one reminder per booked
//! appointment starting within `reminder_hours`, then sends every queued row: it claims
//! a batch (CLAIMED, a token of its own) before sending and marks each row SENT after,
//! so two runs never send the same row and a run that dies leaves its claims to be
//! retried once their lease ([`LEASE_MINUTES`]) has passed. A failed send goes back to
//! PENDING and is retried by the next run; after [`MAX_ATTEMPTS`] it is given up.
//!
//! Messages carry no clinical data: no diagnosis, notes or prescriptions.

use chrono::{Duration, NaiveDateTime, Timelike};
use futures::StreamExt;
use serde::Serialize;

use super::audit::actions;
use super::mailer::{self, Mailer};
use super::{ServiceError, Services};
use crate::domain::audit::{AuditEvent, Outcome};
use crate::domain::{Actor, Role};
use crate::store::mysql::notifications::{self as store, Finish, Kind, Outgoing};

/// A claim older than this is taken to belong to a run that died.
pub const LEASE_MINUTES: i64 = 15;
/// Sends of one message before it is given up (FAILED).
pub const MAX_ATTEMPTS: i32 = 10;
/// Rows claimed at a time.
const BATCH: u32 = 100;

/// What happened to one message in a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessageLine {
    pub notification_id: i64,
    pub appointment_id: i32,
    /// "reminder", "cancellation" or "reschedule".
    pub kind: &'static str,
    pub recipient: String,
    /// "sent", "failed" (retried next run), "gave-up", "skipped", "would-send".
    pub outcome: &'static str,
    pub detail: String,
}

/// One run of `reminders send`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RunReport {
    pub dry_run: bool,
    /// Reminders newly queued by this run.
    pub queued: u64,
    pub sent: u32,
    pub failed: u32,
    pub skipped: u32,
    pub messages: Vec<MessageLine>,
}

fn kind_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Reminder => "reminder",
        Kind::Cancelled => "cancellation",
        Kind::Rescheduled => "reschedule",
    }
}

fn token() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..32)
        .map(|_| char::from(b"0123456789abcdef"[rng.gen_range(0..16)]))
        .collect()
}

/// A subject and the two bodies of one message. Pure.
#[derive(Debug, Clone, PartialEq)]
pub struct Composed {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The message for one notification: clinic, doctor, local date and time, location
/// address and phone, how to cancel. Nothing clinical. Pure.
pub fn compose(clinic: &str, tz: chrono_tz::Tz, o: &Outgoing) -> Composed {
    let when = |t: NaiveDateTime| {
        t.and_utc()
            .with_timezone(&tz)
            .format("%A %-d %B %Y at %H:%M")
            .to_string()
    };
    let start = when(o.starts_at);
    let doctor = format!("{} ({})", o.doctor_name, o.specialization);
    let place = match (&o.location_name, &o.location_address) {
        (Some(n), Some(a)) => format!("{n}, {}", a.trim()),
        (Some(n), None) => n.clone(),
        _ => clinic.to_string(),
    };
    let phone = o.location_phone.clone().filter(|p| !p.trim().is_empty());
    let contact = match &phone {
        Some(p) => format!("call {p}"),
        None => format!("contact {clinic}"),
    };
    let reference = format!("reference #{}", o.appointment_id);
    let (subject, lead, tail) = match o.kind {
        Kind::Reminder => (
            format!("Reminder: your appointment on {start}"),
            format!("This is a reminder of your appointment with {doctor} on {start}."),
            format!(
                "To cancel or change it, please {contact} as early as you can, quoting {reference}."
            ),
        ),
        Kind::Cancelled => (
            format!("Cancelled: your appointment on {start}"),
            format!("Your appointment with {doctor} on {start} has been cancelled."),
            format!("To book a new appointment, please {contact}, quoting {reference}."),
        ),
        Kind::Rescheduled => (
            format!("Changed: your appointment is now on {start}"),
            match o.old_starts_at {
                Some(old) => format!(
                    "Your appointment with {doctor} has been moved from {} to {start}.",
                    when(old)
                ),
                None => format!("Your appointment with {doctor} has been moved to {start}."),
            },
            format!(
                "To cancel or change it, please {contact} as early as you can, quoting {reference}."
            ),
        ),
    };
    let mut text = format!("Dear {},\n\n{lead}\n\n", o.patient_name);
    text.push_str(&format!(
        "Clinic:   {clinic}\nDoctor:   {doctor}\nWhen:     {start}\nWhere:    {place}\n"
    ));
    if let Some(p) = &phone {
        text.push_str(&format!("Phone:    {p}\n"));
    }
    text.push_str(&format!("\n{tail}\n\n{clinic}\n"));
    let e = html_escape;
    let mut html = format!(
        "<!DOCTYPE html><html><body style=\"font-family:sans-serif\"><p>Dear {},</p><p>{}</p><table>",
        e(&o.patient_name),
        e(&lead)
    );
    let mut row = |k: &str, v: &str| {
        html.push_str(&format!(
            "<tr><th align=\"left\">{k}</th><td>{}</td></tr>",
            e(v)
        ));
    };
    row("Clinic", clinic);
    row("Doctor", &doctor);
    row("When", &start);
    row("Where", &place);
    if let Some(p) = &phone {
        row("Phone", p);
    }
    html.push_str(&format!(
        "</table><p>{}</p><p>{}</p></body></html>",
        e(&tail),
        e(clinic)
    ));
    Composed {
        subject,
        text,
        html,
    }
}

/// Why a claimed notification is no longer to be sent, if it is not.
fn stale(o: &Outgoing, now: NaiveDateTime) -> Option<&'static str> {
    if o.patient_email.trim().is_empty() {
        return Some("the patient has no email");
    }
    match o.kind {
        Kind::Reminder | Kind::Rescheduled => {
            if o.appointment_status != "BOOKED" {
                Some("the appointment is no longer booked")
            } else if o.appointment_time != o.starts_at {
                Some("the appointment was moved")
            } else if o.appointment_time <= now {
                Some("the appointment has started")
            } else {
                None
            }
        }
        Kind::Cancelled => {
            if o.appointment_status != "CANCELLED" {
                Some("the appointment is no longer cancelled")
            } else if o.starts_at <= now {
                Some("the appointment time has passed")
            } else {
                None
            }
        }
    }
}

impl Services {
    /// Queues the due reminders and sends every queued message (see the module docs).
    /// Only the system (cron) or an admin may run it. `Err` only when the run could
    /// not start (no SMTP settings, database down); each message's failure is a line
    /// of the report, retried by the next run.
    pub async fn send_reminders(
        &self,
        actor: &Actor,
        dry_run: bool,
    ) -> Result<RunReport, ServiceError> {
        if !matches!(
            actor,
            Actor::System
                | Actor::User {
                    role: Role::Admin,
                    ..
                }
        ) {
            let event = AuditEvent::by(actor, actions::NOTIFICATION_SEND, "notification")
                .outcome(Outcome::Denied);
            self.audit(event).await?;
            return Err(ServiceError::Forbidden("send reminders".into()));
        }
        // Whole milliseconds: what DATETIME(3) keeps, so comparisons with it are exact.
        let now = self.clock.now_naive();
        let now = now
            .with_nanosecond(now.nanosecond() / 1_000_000 * 1_000_000)
            .unwrap_or(now);
        let until = now + Duration::hours(i64::from(self.config.reminder_hours));
        let stale_before = now - Duration::minutes(LEASE_MINUTES);
        if dry_run {
            return self.preview(now, until, stale_before).await;
        }
        let config = &self.config;
        let url = config.smtp_url.as_deref().ok_or_else(|| {
            ServiceError::Invalid(
                "No mail server is configured: set smtp_url in the config file or CLINIC_SMTP_URL (e.g. smtp://user:pass@mail.internal:587)."
                    .into(),
            )
        })?;
        let from = config.mail_from.as_deref().ok_or_else(|| {
            ServiceError::Invalid(
                "No sender is configured: set mail_from in the config file or CLINIC_MAIL_FROM (e.g. Clinic <reminders@clinic.example>)."
                    .into(),
            )
        })?;
        let from = mailer::parse_from(from).map_err(ServiceError::Invalid)?;
        let target = mailer::parse_smtp_url(url).map_err(ServiceError::Invalid)?;
        let mailer = Mailer::new(target).map_err(ServiceError::Invalid)?;

        let mut report = RunReport {
            queued: store::queue_due_reminders(&self.db, now, until).await?,
            ..RunReport::default()
        };
        let run_token = token();
        let mut batch_no = 0u32;
        loop {
            let token = format!("{run_token}-{batch_no}");
            batch_no += 1;
            // A row this run put back (claimed_at = now) is not claimed again: only
            // PENDING rows never claimed at `now`, or claims whose lease expired.
            if store::claim(&self.db, &token, now, stale_before, BATCH).await? == 0 {
                break;
            }
            let rows = store::claimed(&self.db, &token).await?;
            if rows.is_empty() {
                break;
            }
            let lines: Vec<MessageLine> = futures::stream::iter(rows)
                .map(|o| self.deliver(&mailer, &from, &token, o, now))
                .buffer_unordered(mailer::MAX_CONNECTIONS as usize)
                .collect()
                .await;
            for line in lines {
                match line.outcome {
                    "sent" => report.sent += 1,
                    "skipped" => report.skipped += 1,
                    _ => report.failed += 1,
                }
                report.messages.push(line);
            }
        }
        report.messages.sort_by_key(|l| l.notification_id);
        Ok(report)
    }

    async fn preview(
        &self,
        now: NaiveDateTime,
        until: NaiveDateTime,
        stale_before: NaiveDateTime,
    ) -> Result<RunReport, ServiceError> {
        let due = store::due_unqueued(&self.db, now, until).await?;
        let queued = store::takeable(&self.db, stale_before).await?;
        let mut report = RunReport {
            dry_run: true,
            queued: due.len() as u64,
            ..RunReport::default()
        };
        for id in due {
            report.messages.push(MessageLine {
                notification_id: 0,
                appointment_id: id,
                kind: "reminder",
                recipient: String::new(),
                outcome: "would-send",
                detail: "would be queued".into(),
            });
        }
        for o in queued {
            let (outcome, detail) = match stale(&o, now) {
                Some(why) => ("skipped", why.to_string()),
                None => ("would-send", format!("attempt {}", o.attempts + 1)),
            };
            report.messages.push(MessageLine {
                notification_id: o.id,
                appointment_id: o.appointment_id,
                kind: kind_word(o.kind),
                recipient: o.patient_email.clone(),
                outcome,
                detail,
            });
        }
        Ok(report)
    }

    /// Sends one claimed row and records the result; never fails the run.
    async fn deliver(
        &self,
        mailer: &Mailer,
        from: &lettre::message::Mailbox,
        token: &str,
        o: Outgoing,
        now: NaiveDateTime,
    ) -> MessageLine {
        let tz = self.config.time_zone;
        let mut line = MessageLine {
            notification_id: o.id,
            appointment_id: o.appointment_id,
            kind: kind_word(o.kind),
            recipient: o.patient_email.clone(),
            outcome: "sent",
            detail: String::new(),
        };
        let local = o
            .starts_at
            .and_utc()
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M")
            .to_string();
        let event = AuditEvent::by(&Actor::System, actions::NOTIFICATION_SEND, "appointment")
            .entity_id(o.appointment_id)
            .patient(o.patient_id);
        let (finish, error) = if let Some(why) = stale(&o, now) {
            line.outcome = "skipped";
            line.detail = why.to_string();
            (Finish::Skipped, Some(why.to_string()))
        } else {
            let c = compose(&self.config.clinic_name, tz, &o);
            let sent = match mailer::build_message(
                from,
                &o.patient_name,
                &o.patient_email,
                &c.subject,
                c.text,
                c.html,
            ) {
                Ok(m) => mailer.send(m).await,
                Err(e) => Err(e),
            };
            match sent {
                Ok(()) => {
                    line.detail = format!("{} for {local}", line.kind);
                    (Finish::Sent, None)
                }
                Err(e) if o.attempts >= MAX_ATTEMPTS => {
                    line.outcome = "gave-up";
                    line.detail = format!("after {} attempts: {e}", o.attempts);
                    (Finish::Failed, Some(e))
                }
                Err(e) => {
                    line.outcome = "failed";
                    line.detail = format!("attempt {} (retried next run): {e}", o.attempts);
                    (Finish::Retry, Some(e))
                }
            }
        };
        let recorded = store::finish(
            &self.db,
            o.id,
            token,
            finish,
            now,
            Some(o.patient_email.as_str()),
            error.as_deref(),
        )
        .await;
        if let Err(e) = &recorded {
            tracing::error!(notification = o.id, error = %e, "cannot record a notification's outcome");
            line.detail.push_str(&format!(" (not recorded: {e})"));
        }
        if finish != Finish::Skipped {
            let outcome = if finish == Finish::Sent {
                Outcome::Ok
            } else {
                Outcome::Failed
            };
            let what = format!(
                "{} for {local} to {} (notification {}){}",
                line.kind,
                o.patient_email,
                o.id,
                error.map(|e| format!(": {e}")).unwrap_or_default()
            );
            if let Err(e) = self.audit(event.outcome(outcome).detail(what)).await {
                tracing::error!(notification = o.id, error = %e, "cannot audit a notification");
            }
        }
        line
    }
}
