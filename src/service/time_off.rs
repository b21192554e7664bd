//! Time off over booked appointments: never silent. Adding time off that overlaps booked
//! appointments is refused with the list of them ([`TimeOffOutcome::Conflicts`]) unless
//! the caller says what to do ([`OnConflict`]): cancel them with a reason, each exactly as
//! [`Services::cancel`] does it (status, status history, audit row, the patient's
//! cancellation notice queued, the freed time offered to the waitlist), in the same
//! transaction as the time off; or keep them booked, said explicitly.
//!
//! The transaction locks the doctor's row first, as bookings do, so no booking can slip
//! into the interval between the check and the insert.

use chrono::NaiveDateTime;

use super::audit::actions;
use super::availability::{TimeOffInput, TxError, retrying};
use super::{ServiceError, Services};
use crate::domain::Actor;
use crate::domain::appointment::{self as rules, AppointmentStatus, StatusChange};
use crate::domain::audit::{AuditEvent, Outcome};
use crate::domain::availability::TimeOff;
use crate::domain::local_time;
use crate::domain::validation;
use crate::store::mysql::availability as store;
use crate::store::mysql::booking as booking_store;
use crate::store::mysql::{appointments, audit, notifications};

/// What to do with booked appointments inside new time off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnConflict {
    /// Add nothing when there are any; list them ([`TimeOffOutcome::Conflicts`]).
    Ask,
    /// Cancel them with this reason (required), in the same transaction.
    Cancel { reason: String },
    /// Add the time off and leave them booked.
    Keep,
}

/// A booked appointment that overlaps time off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeOffConflict {
    pub appointment_id: i32,
    pub patient_id: i32,
    pub patient_name: String,
    pub start_utc: NaiveDateTime,
    pub end_utc: NaiveDateTime,
    pub status: AppointmentStatus,
}

/// What adding time off did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeOffOutcome {
    /// The time off was added (`id`); these appointments were cancelled or kept.
    Added {
        id: i32,
        cancelled: Vec<TimeOffConflict>,
        kept: Vec<TimeOffConflict>,
    },
    /// Nothing was added: these booked appointments overlap it (by time). Ask again
    /// with [`OnConflict::Cancel`] or [`OnConflict::Keep`].
    Conflicts(Vec<TimeOffConflict>),
}

impl TimeOffOutcome {
    /// One sentence for the person who asked.
    pub fn sentence(&self, tz: chrono_tz::Tz) -> String {
        match self {
            TimeOffOutcome::Added {
                cancelled, kept, ..
            } => {
                let mut s = "Time off added.".to_string();
                if !cancelled.is_empty() {
                    s.push_str(&format!(
                        " {} cancelled; the patients will be told.",
                        count(cancelled.len())
                    ));
                }
                if !kept.is_empty() {
                    s.push_str(&format!(" {} kept booked.", count(kept.len())));
                }
                s
            }
            TimeOffOutcome::Conflicts(list) => conflict_sentence(tz, list),
        }
    }
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 booked appointment".to_string()
    } else {
        format!("{n} booked appointments")
    }
}

/// A conflict as one line: "Mon 12 Jan 10:00–11:00  Rebecca Adler  Booked".
pub fn conflict_line(tz: chrono_tz::Tz, c: &TimeOffConflict) -> String {
    format!(
        "{}–{}  {}  {}",
        local_time::label(tz, c.start_utc, "%a %-d %b %H:%M"),
        local_time::label(tz, c.end_utc, "%H:%M"),
        c.patient_name,
        c.status.label()
    )
}

/// The refusal when time off overlaps booked appointments, listing them.
pub fn conflict_sentence(tz: chrono_tz::Tz, list: &[TimeOffConflict]) -> String {
    let lines: Vec<String> = list.iter().map(|c| conflict_line(tz, c)).collect();
    format!(
        "The time off overlaps {}: {}. Cancel them (with a reason) or keep them.",
        count(list.len()),
        lines.join("; ")
    )
}

impl Services {
    /// Adds time off (clinic wall-clock times), doing `on_conflict` with the booked
    /// appointments it overlaps. With `seen`, a cancellation or keep goes ahead only if
    /// every overlapping appointment is among those ids (what the person was shown);
    /// otherwise the new list comes back as [`TimeOffOutcome::Conflicts`].
    pub async fn add_time_off_with(
        &self,
        actor: &Actor,
        doctor_id: i32,
        input: TimeOffInput,
        on_conflict: OnConflict,
        seen: Option<&[i32]>,
    ) -> Result<TimeOffOutcome, ServiceError> {
        let event =
            AuditEvent::by(actor, actions::TIME_OFF_ADD, "doctor_time_off").detail(format!(
                "doctor {doctor_id}: {} {} to {} {}",
                input.from_date,
                input
                    .from_time
                    .map(|t| t.format("%H:%M").to_string())
                    .unwrap_or_default(),
                input.to_date,
                input
                    .to_time
                    .map(|t| t.format("%H:%M").to_string())
                    .unwrap_or_default(),
            ));
        self.check_edit(actor, doctor_id, &event).await?;
        let on_conflict = match on_conflict {
            OnConflict::Cancel { reason } => {
                match validation::required_text("The reason for cancelling", &reason, 500) {
                    Ok(reason) => OnConflict::Cancel { reason },
                    Err(e) => return self.time_off_refused(event, e.into()).await,
                }
            }
            other => other,
        };
        let checked = validation::optional_text("The reason for time off", &input.reason, 500)
            .and_then(|_| validation::date_in_range(input.from_date))
            .and_then(|_| validation::date_in_range(input.to_date))
            .map_err(ServiceError::from)
            .and_then(|_| {
                input
                    .to_time_off(self.config.time_zone)
                    .map_err(|e| ServiceError::Invalid(e.to_string()))
            });
        let time_off = match checked {
            Ok(t) => t,
            Err(e) => return self.time_off_refused(event, e).await,
        };
        let result = retrying(|| {
            self.add_time_off_checked_tx(actor, doctor_id, &time_off, &on_conflict, seen)
        })
        .await;
        let base = event.detail.clone().unwrap_or_default();
        match result {
            Ok(TimeOffOutcome::Conflicts(list)) => {
                // Nothing was added: recorded as a refusal, and who was shown to whom.
                self.audit_conflicts_read(actor, doctor_id, &list).await?;
                let detail = format!("{base}: overlaps {}", count(list.len()));
                self.audit(event.outcome(Outcome::Failed).detail(detail))
                    .await?;
                Ok(TimeOffOutcome::Conflicts(list))
            }
            Ok(TimeOffOutcome::Added {
                id,
                cancelled,
                kept,
            }) => {
                let mut detail = base;
                if !cancelled.is_empty() {
                    detail.push_str(&format!("; {} cancelled", count(cancelled.len())));
                }
                if !kept.is_empty() {
                    self.audit_conflicts_read(actor, doctor_id, &kept).await?;
                    detail.push_str(&format!("; {} kept", count(kept.len())));
                }
                self.audit(event.detail(detail).entity_id(id)).await?;
                if !cancelled.is_empty() {
                    // The freed time goes to the waitlist, as after any cancellation.
                    self.offer_freed_time(actor, doctor_id).await;
                }
                Ok(TimeOffOutcome::Added {
                    id,
                    cancelled,
                    kept,
                })
            }
            Err(e) => self.time_off_refused(event, e).await,
        }
    }

    /// Audits a refused time off (FAILED with the sentence) and returns the refusal.
    async fn time_off_refused(
        &self,
        event: AuditEvent,
        e: ServiceError,
    ) -> Result<TimeOffOutcome, ServiceError> {
        match self.audit_result::<i32>(event, Err(e)).await {
            Err(e) => Err(e),
            Ok(_) => Err(ServiceError::Internal("a refusal was lost".into())),
        }
    }

    /// Listing appointments shows who sees this doctor: audited per patient.
    async fn audit_conflicts_read(
        &self,
        actor: &Actor,
        doctor_id: i32,
        list: &[TimeOffConflict],
    ) -> Result<(), ServiceError> {
        let mut patients: Vec<i32> = list.iter().map(|c| c.patient_id).collect();
        patients.sort_unstable();
        patients.dedup();
        for patient_id in patients {
            self.audit(
                AuditEvent::by(actor, actions::SCHEDULE_READ, "appointment")
                    .patient(patient_id)
                    .detail(format!(
                        "doctor {doctor_id}, appointments inside new time off"
                    )),
            )
            .await?;
        }
        Ok(())
    }

    async fn add_time_off_checked_tx(
        &self,
        actor: &Actor,
        doctor_id: i32,
        time_off: &TimeOff,
        on_conflict: &OnConflict,
        seen: Option<&[i32]>,
    ) -> Result<TimeOffOutcome, TxError> {
        let now = self.clock.now_naive();
        let mut tx = self.db.begin().await?;
        if !store::lock_doctor(&mut *tx, doctor_id).await? {
            return Err(ServiceError::NotFound("That doctor".into()).into());
        }
        let conflicts: Vec<TimeOffConflict> = appointments::active_with_patients(
            &mut *tx,
            doctor_id,
            time_off.start_utc,
            time_off.end_utc,
        )
        .await?
        .into_iter()
        .filter(|b| b.appointment.status == AppointmentStatus::Booked)
        .map(|b| TimeOffConflict {
            appointment_id: b.appointment.id,
            patient_id: b.appointment.patient_id,
            end_utc: b.appointment.end_utc(),
            start_utc: b.appointment.start_utc,
            status: b.appointment.status,
            patient_name: b.patient_name,
        })
        .collect();
        let unseen =
            seen.is_some_and(|ids| conflicts.iter().any(|c| !ids.contains(&c.appointment_id)));
        if !conflicts.is_empty() && (*on_conflict == OnConflict::Ask || unseen) {
            tx.rollback().await?;
            return Ok(TimeOffOutcome::Conflicts(conflicts));
        }
        let mut cancelled = Vec::new();
        let mut kept = Vec::new();
        match on_conflict {
            OnConflict::Cancel { reason } => {
                for c in conflicts {
                    self.cancel_in_tx(&mut tx, actor, c.appointment_id, reason, now)
                        .await?;
                    cancelled.push(TimeOffConflict {
                        status: AppointmentStatus::Cancelled,
                        ..c
                    });
                }
            }
            OnConflict::Keep | OnConflict::Ask => kept = conflicts,
        }
        let id = store::insert_time_off(&mut *tx, doctor_id, time_off).await?;
        tx.commit().await?;
        Ok(TimeOffOutcome::Added {
            id,
            cancelled,
            kept,
        })
    }

    /// One cancellation inside the time-off transaction, as [`Services::cancel`] writes
    /// it: the rules checked under the row lock, the status with reason and who, the
    /// status history, the audit row and (for a future appointment) the notice.
    async fn cancel_in_tx(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::MySql>,
        actor: &Actor,
        appointment_id: i32,
        reason: &str,
        now: NaiveDateTime,
    ) -> Result<(), TxError> {
        let event = AuditEvent::by(actor, actions::APPOINTMENT_CANCEL, "appointment")
            .entity_id(appointment_id)
            .detail("inside new time off");
        let Some(appt) = booking_store::lock_appointment(&mut **tx, appointment_id).await? else {
            return Err(ServiceError::NotFound(format!("Appointment {appointment_id}")).into());
        };
        if let Err(r) = rules::allowed(&appt, actor, now).change_to(AppointmentStatus::Cancelled) {
            return Err(ServiceError::from(r).into());
        }
        let by = Some((reason, event.actor_kind.as_str(), event.actor_id, now));
        appointments::set_status(&mut **tx, appointment_id, AppointmentStatus::Cancelled, by)
            .await?;
        appointments::insert_history(
            &mut **tx,
            &StatusChange {
                appointment_id,
                from_status: Some(appt.status),
                to_status: AppointmentStatus::Cancelled,
                old_time: None,
                new_time: None,
                reason: Some(reason.to_string()),
                changed_by_kind: event.actor_kind.clone(),
                changed_by_id: event.actor_id,
                changed_at: now,
            },
        )
        .await?;
        audit::append(&mut **tx, now, &event.clone().patient(appt.patient_id)).await?;
        if appt.start_utc > now {
            notifications::queue(
                &mut **tx,
                appointment_id,
                notifications::Kind::Cancelled,
                appt.start_utc,
                None,
                now,
            )
            .await?;
        }
        Ok(())
    }
}
