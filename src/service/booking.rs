//! Booking: book, reschedule, cancel, mark the outcome, list, and find free slots.
//!
//! Every change runs in one transaction that first locks the doctor's row (and then the
//! patient's, always in that order), checks availability, time off and overlaps for the
//! doctor and the patient, writes the appointment, its status history and the audit row,
//! and commits. Deadlocks and lock-wait timeouts retry the whole transaction. The unique
//! key on (doctor, active slot) stays as the last line of defence.

use std::time::Duration as StdDuration;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike};
use chrono_tz::Tz;

use super::audit::actions;
use super::slot_check::Clash;
use super::{ServiceError, Services};
use crate::domain::appointment as rules;
use crate::domain::appointment::ListFilter;
use crate::domain::appointment::{
    Appointment, AppointmentStatus, AppointmentView, NewAppointment, StatusChange,
};
use crate::domain::audit::{AuditEvent, Outcome};
use crate::domain::availability::{self as engine, Busy, Slot, SlotQuery, TimeOff, Window};
use crate::domain::extra_hours::ExtraHours;
use crate::domain::local_time;
use crate::domain::permission::{Action, may_on_appointment};
use crate::domain::validation;
use crate::domain::{Actor, Role};
use crate::store::mysql::booking as store;
use crate::store::mysql::free_time::{self, Doctors, SlotInputs, SlotRange};
use crate::store::mysql::{appointments, audit, is_retryable, is_unique_violation, notifications};

const MAX_ATTEMPTS: u32 = 6;

/// What the front desk (or a patient, or a script) asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct BookingRequest {
    pub patient_id: i32,
    pub doctor_id: i32,
    pub start_utc: NaiveDateTime,
    /// The clinic default when `None`.
    pub duration_minutes: Option<u32>,
}

/// A free slot of a named doctor, for "first available" searches.
#[derive(Debug, Clone, PartialEq)]
pub struct DoctorSlot {
    pub doctor_id: i32,
    pub doctor_name: String,
    pub slot: Slot,
}

/// A transaction's failure: a refusal to report, or a database error that may be retried.
pub(super) enum TxError {
    Refused(ServiceError),
    Sql(sqlx::Error),
}

impl From<sqlx::Error> for TxError {
    fn from(e: sqlx::Error) -> Self {
        TxError::Sql(e)
    }
}

pub(super) fn refuse<T>(e: ServiceError) -> Result<T, TxError> {
    Err(TxError::Refused(e))
}

/// "Tue 24 Nov 10:00" in the clinic's time zone; "Sun 31 Oct 01:30 GMT" for a time in
/// the repeated hour of a fall-back night (see [`local_time::label`]).
pub fn local_label(tz: Tz, utc: NaiveDateTime) -> String {
    local_time::label(tz, utc, "%a %-d %b %H:%M")
}

/// The local dates `from` to `from + days - 1`, both within the recordable range.
fn date_span(from: NaiveDate, days: u32) -> Result<(NaiveDate, NaiveDate), ServiceError> {
    let from = validation::date_in_range(from)?;
    let days = validation::days(days)?;
    let to = from
        .checked_add_days(chrono::Days::new(u64::from(days - 1)))
        .ok_or_else(|| {
            ServiceError::Invalid(format!("{from} plus {days} days is past the calendar."))
        })?;
    validation::date_in_range(to)?;
    Ok((from, to))
}

/// The local dates a slot search covers, and what is read for them.
pub(super) struct SlotSpan {
    pub(super) from: NaiveDate,
    pub(super) to: NaiveDate,
    pub(super) range: SlotRange,
}

impl SlotSpan {
    /// Refuses dates outside the recordable range and spans outside 1–366 days, so that
    /// none of the margins below can overflow.
    pub(super) fn new(tz: Tz, from: NaiveDate, days: u32) -> Result<SlotSpan, ServiceError> {
        let (from, to) = date_span(from, days)?;
        let first = from.and_time(NaiveTime::MIN);
        let after = (to + Duration::days(1)).and_time(NaiveTime::MIN);
        // From the first instant of `from` to the last of `to` in the clinic's zone; a
        // day's margin where midnight itself falls in a daylight-saving gap.
        let start = tz
            .from_local_datetime(&first)
            .earliest()
            .map_or(first - Duration::days(1), |t| t.naive_utc());
        let end = tz
            .from_local_datetime(&after)
            .latest()
            .map_or(after + Duration::days(1), |t| t.naive_utc())
            .min(validation::MAX_DATE.and_time(NaiveTime::MIN));
        // Fewer than seven dates need only their own weekdays' windows.
        let weekdays = (days < 7).then(|| {
            (0..days)
                .map(|i| (from + Duration::days(i64::from(i))).weekday())
                .collect()
        });
        Ok(SlotSpan {
            from,
            to,
            range: SlotRange {
                from: start,
                to: end,
                // An appointment lasts at most 480 minutes: one that started this much
                // earlier may still hold time on the first date.
                busy_from: start - Duration::minutes(480),
                weekdays,
                dates: (from, to),
            },
        })
    }
}

impl Services {
    /// Retries `attempt` on deadlock / lock-wait timeout, with a short growing pause.
    pub(super) async fn in_transaction<T, F, Fut>(&self, mut attempt: F) -> Result<T, ServiceError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, TxError>>,
    {
        let mut tries = 0;
        loop {
            tries += 1;
            match attempt().await {
                Ok(v) => return Ok(v),
                Err(TxError::Refused(e)) => return Err(e),
                Err(TxError::Sql(e)) if is_retryable(&e) && tries < MAX_ATTEMPTS => {
                    tracing::debug!(tries, "transaction retried after a deadlock or lock wait");
                    tokio::time::sleep(StdDuration::from_millis(5 * u64::from(tries))).await;
                }
                Err(TxError::Sql(e)) => return Err(e.into()),
            }
        }
    }

    /// Records a refused or failed change, then hands the error back.
    pub(super) async fn audit_refusal(&self, event: AuditEvent, err: ServiceError) -> ServiceError {
        let outcome = if matches!(err, ServiceError::Forbidden(_)) {
            Outcome::Denied
        } else {
            Outcome::Failed
        };
        if let Err(audit_err) = self
            .audit(event.outcome(outcome).detail(err.to_string()))
            .await
        {
            tracing::warn!(error = %audit_err, "could not audit a refused change");
        }
        err
    }

    pub(super) fn check_start(
        &self,
        start: NaiveDateTime,
        duration: u32,
    ) -> Result<(), ServiceError> {
        validation::duration_minutes(duration)?;
        validation::datetime_in_range(start)?;
        if start.second() != 0 || start.nanosecond() != 0 {
            return Err(ServiceError::Invalid(
                "Appointments start on a whole minute.".into(),
            ));
        }
        if start < self.clock.now_naive() {
            return Err(ServiceError::Invalid(format!(
                "{} is in the past; pick a later time.",
                local_label(self.config.time_zone, start)
            )));
        }
        Ok(())
    }

    /// Books an appointment. See the module documentation for what is checked.
    pub async fn book(
        &self,
        actor: &Actor,
        req: BookingRequest,
    ) -> Result<Appointment, ServiceError> {
        let duration = req
            .duration_minutes
            .unwrap_or(self.config.default_duration_minutes);
        let event = AuditEvent::by(actor, actions::APPOINTMENT_BOOK, "appointment")
            .patient(req.patient_id)
            .detail(format!("doctor {} at {}", req.doctor_id, req.start_utc));
        if !may_on_appointment(actor, Action::Book, req.doctor_id, req.patient_id) {
            return Err(self
                .audit_refusal(event, ServiceError::Forbidden(Action::Book.phrase().into()))
                .await);
        }
        if let Err(e) = self.check_start(req.start_utc, duration) {
            return Err(self.audit_refusal(event, e).await);
        }
        let result = self
            .in_transaction(|| self.book_once(&req, duration, event.clone()))
            .await;
        match result {
            Ok(a) => Ok(a),
            Err(e) => Err(self.audit_refusal(event, e).await),
        }
    }

    async fn book_once(
        &self,
        req: &BookingRequest,
        duration: u32,
        event: AuditEvent,
    ) -> Result<Appointment, TxError> {
        let mut tx = self.db.begin().await?;
        self.lock_parties(&mut tx, req.doctor_id, req.patient_id)
            .await?;
        let appointment = self.book_in_tx(&mut tx, req, duration, event).await?;
        tx.commit().await?;
        Ok(appointment)
    }

    /// Checks and writes one booking (appointment, status history, audit row) inside a
    /// transaction that already holds both parties' locks ([`Services::lock_parties`]).
    pub(super) async fn book_in_tx(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::MySql>,
        req: &BookingRequest,
        duration: u32,
        event: AuditEvent,
    ) -> Result<Appointment, TxError> {
        let tz = self.config.time_zone;
        let start = req.start_utc;
        let end = start + Duration::minutes(i64::from(duration));
        let now = self.clock.now_naive();
        let location_id = self
            .check_free(tx, req.doctor_id, req.patient_id, start, end, None)
            .await?;
        let new = NewAppointment {
            patient_id: req.patient_id,
            doctor_id: req.doctor_id,
            location_id,
            start_utc: start,
            duration_minutes: i32::try_from(duration).unwrap_or(60),
        };
        let id = match appointments::insert(
            &mut **tx,
            &new,
            AppointmentStatus::Booked,
            &event.actor_kind,
            event.actor_id,
        )
        .await
        {
            Ok(id) => id,
            Err(e) if is_unique_violation(&e) => {
                return refuse(ServiceError::Conflict(format!(
                    "{} was just taken by another booking; pick another time.",
                    local_label(tz, start)
                )));
            }
            Err(e) => return Err(e.into()),
        };
        appointments::insert_history(
            &mut **tx,
            &StatusChange {
                appointment_id: id,
                from_status: None,
                to_status: AppointmentStatus::Booked,
                old_time: None,
                new_time: Some(start),
                reason: None,
                changed_by_kind: event.actor_kind.clone(),
                changed_by_id: event.actor_id,
                changed_at: now,
            },
        )
        .await?;
        audit::append(&mut **tx, now, &event.entity_id(id)).await?;
        Ok(Appointment {
            id,
            patient_id: new.patient_id,
            doctor_id: new.doctor_id,
            location_id,
            start_utc: start,
            duration_minutes: new.duration_minutes,
            status: AppointmentStatus::Booked,
            cancel_reason: None,
            cancelled_at: None,
        })
    }

    /// Locks the doctor's row, then the patient's; refuses unknown or inactive ones.
    pub(super) async fn lock_parties(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::MySql>,
        doctor_id: i32,
        patient_id: i32,
    ) -> Result<(), TxError> {
        match store::lock_doctor(&mut **tx, doctor_id).await? {
            None => return refuse(ServiceError::NotFound("That doctor".into())),
            Some(false) => {
                return refuse(ServiceError::Invalid(
                    "That doctor's account is deactivated.".into(),
                ));
            }
            Some(true) => {}
        }
        match store::lock_patient(&mut **tx, patient_id).await? {
            None => refuse(ServiceError::NotFound("That patient".into())),
            Some(false) => refuse(ServiceError::Invalid(
                "This patient's record is deactivated; reactivate it before booking.".into(),
            )),
            Some(true) => Ok(()),
        }
    }

    /// Checks `[start, end)` against availability (weekly windows and extra hours), time
    /// off and both parties' other appointments (except `except`). Returns the location
    /// of the covering window.
    async fn check_free(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::MySql>,
        doctor_id: i32,
        patient_id: i32,
        start: NaiveDateTime,
        end: NaiveDateTime,
        except: Option<i32>,
    ) -> Result<Option<i32>, TxError> {
        let except: Vec<i32> = except.into_iter().collect();
        let checked = self
            .check_times(&mut **tx, doctor_id, patient_id, &[(start, end)], &except)
            .await?;
        match checked.into_iter().next() {
            Some(Ok(location)) => Ok(location),
            Some(Err(clash @ Clash::Availability(_))) => {
                refuse(ServiceError::Invalid(clash.sentence(self.config.time_zone)))
            }
            Some(Err(clash)) => refuse(ServiceError::Conflict(
                clash.sentence(self.config.time_zone),
            )),
            None => refuse(ServiceError::Internal("no time was checked".into())),
        }
    }

    /// Cancels a booked appointment; a reason is required. The row is kept.
    pub async fn cancel(
        &self,
        actor: &Actor,
        appointment_id: i32,
        reason: &str,
    ) -> Result<Appointment, ServiceError> {
        let event = AuditEvent::by(actor, actions::APPOINTMENT_CANCEL, "appointment")
            .entity_id(appointment_id);
        let reason = match validation::required_text("Reason", reason, 500) {
            Ok(r) => r,
            Err(e) => return Err(self.audit_refusal(event, e.into()).await),
        };
        let result = self
            .in_transaction(|| {
                self.change_status_once(
                    actor,
                    appointment_id,
                    AppointmentStatus::Cancelled,
                    Some(&reason),
                    event.clone(),
                )
            })
            .await;
        match result {
            Ok(a) => {
                // The freed time goes to the waitlist.
                self.offer_freed_time(actor, a.doctor_id).await;
                Ok(a)
            }
            Err(e) => Err(self.audit_refusal(event, e).await),
        }
    }

    /// Marks a past or current booked appointment completed or no-show.
    pub async fn mark_outcome(
        &self,
        actor: &Actor,
        appointment_id: i32,
        status: AppointmentStatus,
    ) -> Result<Appointment, ServiceError> {
        let event = AuditEvent::by(actor, actions::APPOINTMENT_OUTCOME, "appointment")
            .entity_id(appointment_id)
            .detail(status.as_str());
        if !matches!(
            status,
            AppointmentStatus::Completed | AppointmentStatus::NoShow
        ) {
            return Err(self
                .audit_refusal(
                    event,
                    ServiceError::Invalid("An outcome is Completed or No-show.".into()),
                )
                .await);
        }
        let result = self
            .in_transaction(|| {
                self.change_status_once(actor, appointment_id, status, None, event.clone())
            })
            .await;
        match result {
            Ok(a) => Ok(a),
            Err(e) => Err(self.audit_refusal(event, e).await),
        }
    }

    async fn change_status_once(
        &self,
        actor: &Actor,
        appointment_id: i32,
        status: AppointmentStatus,
        reason: Option<&str>,
        event: AuditEvent,
    ) -> Result<Appointment, TxError> {
        let now = self.clock.now_naive();
        let mut tx = self.db.begin().await?;
        let Some(mut appt) = store::lock_appointment(&mut *tx, appointment_id).await? else {
            return refuse(ServiceError::NotFound(format!(
                "Appointment {appointment_id}"
            )));
        };
        if let Err(r) = rules::allowed(&appt, actor, now).change_to(status) {
            return refuse(r.into());
        }
        let cancel = reason.map(|r| (r, event.actor_kind.as_str(), event.actor_id, now));
        appointments::set_status(&mut *tx, appointment_id, status, cancel).await?;
        appointments::insert_history(
            &mut *tx,
            &StatusChange {
                appointment_id,
                from_status: Some(appt.status),
                to_status: status,
                old_time: None,
                new_time: None,
                reason: reason.map(str::to_string),
                changed_by_kind: event.actor_kind.clone(),
                changed_by_id: event.actor_id,
                changed_at: now,
            },
        )
        .await?;
        audit::append(&mut *tx, now, &event.clone().patient(appt.patient_id)).await?;
        if status == AppointmentStatus::Cancelled && appt.start_utc > now {
            // The patient is told by the next `clinic reminders send`; queued in this
            // transaction, so a committed cancellation always has its notice.
            notifications::queue(
                &mut *tx,
                appointment_id,
                notifications::Kind::Cancelled,
                appt.start_utc,
                None,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        appt.status = status;
        if let Some(r) = reason {
            appt.cancel_reason = Some(r.to_string());
            appt.cancelled_at = Some(now);
        }
        Ok(appt)
    }

    /// Moves a booked appointment to a new free time in one step; the id, payments and
    /// prescription stay attached, and the history records the old and new times.
    pub async fn reschedule(
        &self,
        actor: &Actor,
        appointment_id: i32,
        new_start_utc: NaiveDateTime,
        duration_minutes: Option<u32>,
    ) -> Result<Appointment, ServiceError> {
        let event = AuditEvent::by(actor, actions::APPOINTMENT_RESCHEDULE, "appointment")
            .entity_id(appointment_id)
            .detail(format!("to {new_start_utc}"));
        let result = self
            .in_transaction(|| {
                self.reschedule_once(
                    actor,
                    appointment_id,
                    new_start_utc,
                    duration_minutes,
                    event.clone(),
                )
            })
            .await;
        match result {
            Ok(a) => {
                // The time it left goes to the waitlist.
                self.offer_freed_time(actor, a.doctor_id).await;
                Ok(a)
            }
            Err(e) => Err(self.audit_refusal(event, e).await),
        }
    }

    async fn reschedule_once(
        &self,
        actor: &Actor,
        appointment_id: i32,
        new_start: NaiveDateTime,
        duration_minutes: Option<u32>,
        event: AuditEvent,
    ) -> Result<Appointment, TxError> {
        let now = self.clock.now_naive();
        // Learn the parties first (no lock), then lock in the usual order and re-read.
        let Some(peek) = appointments::get(&self.db, appointment_id).await? else {
            return refuse(ServiceError::NotFound(format!(
                "Appointment {appointment_id}"
            )));
        };
        if let Err(r) = rules::allowed(&peek, actor, now).reschedule {
            return refuse(r.into());
        }
        let duration =
            duration_minutes.unwrap_or(u32::try_from(peek.duration_minutes).unwrap_or(60));
        if let Err(e) = self.check_start(new_start, duration) {
            return refuse(e);
        }
        let mut tx = self.db.begin().await?;
        self.lock_parties(&mut tx, peek.doctor_id, peek.patient_id)
            .await?;
        let Some(mut appt) = store::lock_appointment(&mut *tx, appointment_id).await? else {
            return refuse(ServiceError::NotFound(format!(
                "Appointment {appointment_id}"
            )));
        };
        // Re-checked under the lock: the appointment may have changed since the peek.
        if let Err(r) = rules::allowed(&appt, actor, now).reschedule {
            return refuse(r.into());
        }
        let end = new_start + Duration::minutes(i64::from(duration));
        let location = self
            .check_free(
                &mut tx,
                appt.doctor_id,
                appt.patient_id,
                new_start,
                end,
                Some(appointment_id),
            )
            .await?;
        let minutes = i32::try_from(duration).unwrap_or(60);
        match store::move_appointment(&mut *tx, appointment_id, new_start, minutes, location).await
        {
            Ok(()) => {}
            Err(e) if is_unique_violation(&e) => {
                return refuse(ServiceError::Conflict(format!(
                    "{} was just taken by another booking; pick another time.",
                    local_label(self.config.time_zone, new_start)
                )));
            }
            Err(e) => return Err(e.into()),
        }
        appointments::insert_history(
            &mut *tx,
            &StatusChange {
                appointment_id,
                from_status: Some(AppointmentStatus::Booked),
                to_status: AppointmentStatus::Booked,
                old_time: Some(appt.start_utc),
                new_time: Some(new_start),
                reason: Some("Rescheduled".into()),
                changed_by_kind: event.actor_kind.clone(),
                changed_by_id: event.actor_id,
                changed_at: now,
            },
        )
        .await?;
        audit::append(&mut *tx, now, &event.clone().patient(appt.patient_id)).await?;
        notifications::queue(
            &mut *tx,
            appointment_id,
            notifications::Kind::Rescheduled,
            new_start,
            Some(appt.start_utc),
            now,
        )
        .await?;
        tx.commit().await?;
        appt.start_utc = new_start;
        appt.duration_minutes = minutes;
        appt.location_id = location;
        Ok(appt)
    }

    /// An appointment's status history, oldest first.
    pub async fn appointment_history(
        &self,
        actor: &Actor,
        appointment_id: i32,
    ) -> Result<Vec<StatusChange>, ServiceError> {
        let event = AuditEvent::by(actor, actions::APPOINTMENT_HISTORY, "appointment")
            .entity_id(appointment_id);
        let Some(appt) = appointments::get(&self.db, appointment_id).await? else {
            return Err(ServiceError::NotFound(format!(
                "Appointment {appointment_id}"
            )));
        };
        let event = event.patient(appt.patient_id);
        if !may_on_appointment(actor, Action::Book, appt.doctor_id, appt.patient_id) {
            return Err(self
                .audit_refusal(
                    event,
                    ServiceError::Forbidden("see this appointment".into()),
                )
                .await);
        }
        let rows = appointments::history(&self.db, appointment_id).await?;
        self.audit(event).await?;
        Ok(rows)
    }

    /// Appointments with names. Doctors see only their own, patients only theirs.
    pub async fn list_appointments(
        &self,
        actor: &Actor,
        mut filter: ListFilter,
    ) -> Result<Vec<AppointmentView>, ServiceError> {
        match actor {
            Actor::User {
                role: Role::Doctor,
                id,
                ..
            } => filter.doctor_id = Some(*id),
            Actor::User {
                role: Role::Patient,
                id,
                ..
            } => filter.patient_id = Some(*id),
            _ => {}
        }
        for at in [filter.from, filter.to].into_iter().flatten() {
            validation::datetime_in_range(at)?;
        }
        let mut event =
            AuditEvent::by(actor, actions::APPOINTMENT_LIST, "appointment").detail(format!(
                "doctor {:?} patient {:?} from {:?} to {:?}",
                filter.doctor_id, filter.patient_id, filter.from, filter.to
            ));
        if let Some(p) = filter.patient_id {
            event = event.patient(p);
        }
        // The audit row and the read run side by side; both must succeed.
        let (rows, audited) = tokio::join!(store::list_views(&self.db, &filter), self.audit(event));
        audited?;
        Ok(rows?)
    }

    /// A doctor's free slots on `days` local dates from `from`, never in the past.
    pub async fn free_slots(
        &self,
        doctor_id: i32,
        from: NaiveDate,
        days: u32,
        duration_minutes: Option<u32>,
    ) -> Result<Vec<Slot>, ServiceError> {
        let mut by_doctor = self
            .free_slots_of(&[doctor_id], None, from, days, duration_minutes)
            .await?;
        Ok(by_doctor.pop().map(|(_, slots)| slots).unwrap_or_default())
    }

    /// [`Services::free_slots`] of the doctor with this email, looked up in the same
    /// statement that reads the slot inputs (for the scripting interface: one round trip).
    pub async fn free_slots_by_email(
        &self,
        email: &str,
        from: NaiveDate,
        days: u32,
        duration_minutes: Option<u32>,
    ) -> Result<Vec<Slot>, ServiceError> {
        let email = validation::email(email)?;
        let span = SlotSpan::new(self.config.time_zone, from, days)?;
        self.check_duration(duration_minutes)?;
        let inputs = free_time::slot_inputs(&self.db, Doctors::Email(&email), &span.range).await?;
        let Some(id) = inputs.found else {
            return Err(ServiceError::NotFound(format!(
                "A doctor with the email {email}"
            )));
        };
        let mut by_doctor = self.slots_from(&[id], None, &span, duration_minutes, inputs);
        Ok(by_doctor.pop().map(|(_, slots)| slots).unwrap_or_default())
    }

    /// Free slots of several doctors, read in one statement (windows, time off and
    /// appointments) whatever the number of doctors. In the order of `doctor_ids`. With a
    /// `location`, only slots of windows at that clinic location.
    pub async fn free_slots_of(
        &self,
        doctor_ids: &[i32],
        location: Option<i32>,
        from: NaiveDate,
        days: u32,
        duration_minutes: Option<u32>,
    ) -> Result<Vec<(i32, Vec<Slot>)>, ServiceError> {
        let span = SlotSpan::new(self.config.time_zone, from, days)?;
        self.check_duration(duration_minutes)?;
        let inputs =
            free_time::slot_inputs(&self.db, Doctors::Ids(doctor_ids), &span.range).await?;
        Ok(self.slots_from(doctor_ids, location, &span, duration_minutes, inputs))
    }

    /// A requested appointment length (or the clinic default) the clinic accepts.
    fn check_duration(&self, duration_minutes: Option<u32>) -> Result<u32, ServiceError> {
        Ok(validation::duration_minutes(
            duration_minutes.unwrap_or(self.config.default_duration_minutes),
        )?)
    }

    /// Runs the slot engine for each doctor on what was read.
    fn slots_from(
        &self,
        doctor_ids: &[i32],
        location: Option<i32>,
        span: &SlotSpan,
        duration_minutes: Option<u32>,
        inputs: SlotInputs,
    ) -> Vec<(i32, Vec<Slot>)> {
        let tz = self.config.time_zone;
        let duration = duration_minutes.unwrap_or(self.config.default_duration_minutes);
        let SlotInputs {
            windows,
            extra,
            time_off,
            busy,
            ..
        } = inputs;
        let query = SlotQuery::new(span.from, span.to)
            .with_duration(duration)
            .with_step(self.config.slot_step_minutes)
            .not_before(self.clock.now_naive());
        doctor_ids
            .iter()
            .map(|id| {
                let w: Vec<Window> = windows
                    .iter()
                    .filter(|(d, _)| d == id)
                    .map(|(_, w)| *w)
                    .collect();
                let t: Vec<TimeOff> = time_off
                    .iter()
                    .filter(|(d, _)| d == id)
                    .map(|(_, t)| t.clone())
                    .collect();
                let x: Vec<ExtraHours> = extra
                    .iter()
                    .filter(|(d, _)| d == id)
                    .map(|(_, x)| *x)
                    .collect();
                let b: Vec<Busy> = busy
                    .iter()
                    .filter(|(d, _, _)| d == id)
                    .map(|(_, s, m)| Busy::new(*s, *s + Duration::minutes(i64::from(*m))))
                    .collect();
                let slots = engine::free_slots_with_extra(&query, tz, &w, &x, &t, &b)
                    .into_iter()
                    .filter(|s| location.is_none() || s.location_id == location)
                    .collect();
                (*id, slots)
            })
            .collect()
    }

    /// The first free slot of each active doctor of a specialization (every doctor for
    /// `None`), optionally at one location, earliest first.
    pub async fn first_available(
        &self,
        specialization: Option<&str>,
        location: Option<i32>,
        from: NaiveDate,
        days: u32,
        duration_minutes: Option<u32>,
    ) -> Result<Vec<DoctorSlot>, ServiceError> {
        let doctors = store::doctors_for(&self.db, specialization).await?;
        let ids: Vec<i32> = doctors.iter().map(|(id, _)| *id).collect();
        let slots = self
            .free_slots_of(&ids, location, from, days, duration_minutes)
            .await?;
        let mut out: Vec<DoctorSlot> = doctors
            .into_iter()
            .zip(slots)
            .filter_map(|((doctor_id, doctor_name), (_, s))| {
                s.into_iter().next().map(|slot| DoctorSlot {
                    doctor_id,
                    doctor_name,
                    slot,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            a.slot
                .start_utc
                .cmp(&b.slot.start_utc)
                .then(a.doctor_name.cmp(&b.doctor_name))
        });
        Ok(out)
    }

    /// Looks up a doctor's or a patient's id by email (for the scripting interface).
    pub async fn id_by_email(&self, doctor: bool, email: &str) -> Result<i32, ServiceError> {
        let email = validation::email(email)?;
        store::id_by_email(&self.db, doctor, &email)
            .await?
            .ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "{} with the email {email}",
                    if doctor { "A doctor" } else { "A patient" }
                ))
            })
    }
}
