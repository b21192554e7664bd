//! Extra hours on a date (a Saturday clinic, an evening): opened, listed and closed with
//! the same permissions as the weekly windows (a doctor their own, an admin anyone's;
//! the front desk reads them). The weekly windows are never touched. Every change is
//! audited, and newly opened time is offered to the waitlist at once.

use chrono::{Days, NaiveDate, TimeZone};

use super::audit::actions;
use super::availability::{TxError, may_read, retrying};
use super::{ServiceError, Services};
use crate::domain::audit::AuditEvent;
use crate::domain::extra_hours::{ExtraHours, StoredExtraHours, validate_extra_hours};
use crate::domain::{Actor, Role, validation};
use crate::store::mysql::{availability, extra_hours as store, locations};

fn detail(doctor_id: i32, x: &ExtraHours) -> String {
    let location = x
        .location_id
        .map(|l| format!(" at location {l}"))
        .unwrap_or_default();
    format!(
        "doctor {doctor_id}: {} {}-{}{location}",
        x.date,
        x.start.format("%H:%M"),
        x.end.format("%H:%M")
    )
}

impl Services {
    /// Opens extra hours on a local date for `doctor_id`; refused when they overlap the
    /// weekly windows of that weekday or other extra hours of that date, or lie in the
    /// past. Returns the new row's id.
    pub async fn add_extra_hours(
        &self,
        actor: &Actor,
        doctor_id: i32,
        hours: ExtraHours,
    ) -> Result<i32, ServiceError> {
        let event = AuditEvent::by(actor, actions::EXTRA_HOURS_ADD, "doctor_extra_hours")
            .detail(detail(doctor_id, &hours));
        self.check_edit(actor, doctor_id, &event).await?;
        let result = match validation::date_in_range(hours.date) {
            Ok(_) => retrying(|| self.add_extra_hours_tx(doctor_id, &hours)).await,
            Err(e) => Err(e.into()),
        };
        let result = self.audit_result(event, result).await;
        if result.is_ok() {
            self.offer_freed_time(actor, doctor_id).await;
        }
        result
    }

    /// Locks the doctor row (as window edits do), so that two openings cannot both pass
    /// the overlap check.
    async fn add_extra_hours_tx(&self, doctor_id: i32, hours: &ExtraHours) -> Result<i32, TxError> {
        let today = self
            .config
            .time_zone
            .from_utc_datetime(&self.clock.now_naive())
            .date_naive();
        let mut tx = self.db.begin().await?;
        if !availability::lock_doctor(&mut *tx, doctor_id).await? {
            return Err(ServiceError::NotFound("That doctor".into()).into());
        }
        if let Some(location_id) = hours.location_id {
            let open = locations::get(&mut *tx, location_id)
                .await?
                .is_some_and(|l| l.is_active);
            if !open {
                return Err(ServiceError::Invalid(format!(
                    "There is no open clinic location number {location_id}."
                ))
                .into());
            }
        }
        let weekly: Vec<_> = availability::windows(&mut *tx, doctor_id)
            .await?
            .into_iter()
            .map(|w| w.window)
            .collect();
        let same_day: Vec<ExtraHours> = store::list(&mut *tx, doctor_id, hours.date, hours.date)
            .await?
            .into_iter()
            .map(|x| x.hours)
            .collect();
        validate_extra_hours(&weekly, &same_day, hours, today)
            .map_err(|e| ServiceError::Invalid(e.to_string()))?;
        let id = store::insert(&mut *tx, doctor_id, hours).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Closes extra hours of `doctor_id` again. Appointments booked in them stay.
    pub async fn delete_extra_hours(
        &self,
        actor: &Actor,
        doctor_id: i32,
        id: i32,
    ) -> Result<(), ServiceError> {
        let event = AuditEvent::by(actor, actions::EXTRA_HOURS_DELETE, "doctor_extra_hours")
            .detail(format!("doctor {doctor_id}"));
        self.check_edit(actor, doctor_id, &event).await?;
        let result = retrying(|| async {
            let mut tx = self.db.begin().await?;
            if !availability::lock_doctor(&mut *tx, doctor_id).await? {
                return Err(ServiceError::NotFound("That doctor".into()).into());
            }
            if !store::delete(&mut *tx, doctor_id, id).await? {
                return Err(ServiceError::NotFound("Those extra hours".into()).into());
            }
            tx.commit().await?;
            Ok(id)
        })
        .await;
        self.audit_result(event, result).await.map(|_| ())
    }

    /// A doctor's extra hours on `days` local dates from `from`, by date and start (for
    /// the calendar). Staff and the doctor themselves.
    pub async fn extra_hours(
        &self,
        actor: &Actor,
        doctor_id: i32,
        from: NaiveDate,
        days: u32,
    ) -> Result<Vec<StoredExtraHours>, ServiceError> {
        if !may_read(actor, doctor_id) {
            let event = AuditEvent::by(actor, actions::SCHEDULE_READ, "doctor_extra_hours")
                .entity_id(doctor_id)
                .detail("extra hours");
            let what = if actor.role() == Some(Role::Doctor) {
                "see another doctor's calendar"
            } else {
                "see doctors' calendars"
            };
            self.deny(event, what).await?;
        }
        let from = validation::date_in_range(from)?;
        let days = validation::days(days)?;
        let to = from
            .checked_add_days(Days::new(u64::from(days - 1)))
            .and_then(|to| validation::date_in_range(to).ok())
            .ok_or_else(|| {
                ServiceError::Invalid(format!("{from} plus {days} days is past the calendar."))
            })?;
        Ok(store::list(&self.db, doctor_id, from, to).await?)
    }
}
