//! Doctors' weekly availability and time off: reading a week (windows, time off, booked
//! appointments, free slots) and editing windows and time off.
//!
//! Who may do what (DESIGN.md §3): a doctor edits their own availability, an admin anyone's;
//! front desk may read any doctor's week (they book); patients may do neither. Every change
//! is audited, and reading a week with its appointments is audited per patient, since it
//! shows who sees which doctor.

use std::future::Future;

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;

use super::audit::actions;
use super::{ServiceError, Services};
use crate::domain::appointment::AppointmentStatus;
use crate::domain::audit::{AuditEvent, Outcome};
use crate::domain::availability::{
    AvailabilityError, Busy, Slot, SlotQuery, TimeOff, Window, free_slots_with_extra,
    validate_window,
};
use crate::domain::availability::{StoredTimeOff, StoredWindow};
use crate::domain::extra_hours::{ExtraHours, StoredExtraHours};
use crate::domain::{Actor, Role, validation};
use crate::store::mysql::availability as store;
use crate::store::mysql::{appointments, extra_hours, is_retryable, locations, people};

/// How often an edit is retried after a deadlock or lock-wait timeout.
const ATTEMPTS: usize = 3;

/// A doctor as pickers and calendar titles show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoctorSummary {
    pub id: i32,
    pub full_name: String,
    pub specialization: String,
}

/// A clinic location a window can be tied to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationRef {
    pub id: i32,
    pub name: String,
}

/// A booked (non-cancelled) appointment as the calendar shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekAppointment {
    pub id: i32,
    pub patient_id: i32,
    pub patient_name: String,
    pub start_utc: NaiveDateTime,
    pub end_utc: NaiveDateTime,
    pub status: AppointmentStatus,
    pub location_id: Option<i32>,
}

/// One doctor's week: Monday `week_monday` 00:00 to the next Monday 00:00, clinic time.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekView {
    pub doctor: DoctorSummary,
    pub week_monday: NaiveDate,
    pub time_zone: Tz,
    /// All weekly windows of the doctor (they repeat every week).
    pub windows: Vec<StoredWindow>,
    /// Time off intersecting the week.
    pub time_off: Vec<StoredTimeOff>,
    pub appointments: Vec<WeekAppointment>,
    /// Extra hours on the week's dates (outside the weekly plan), by date and start.
    pub extra_hours: Vec<StoredExtraHours>,
    /// Free slots of the week from now on (weekly windows and extra hours), with the
    /// clinic's step and default duration.
    pub free_slots: Vec<Slot>,
    /// The clinic's open locations, and any closed one this doctor's hours still name.
    pub locations: Vec<LocationRef>,
    /// Whether the reader may change this doctor's availability.
    pub can_edit: bool,
}

/// Time off as a form describes it, in clinic wall-clock time. Without times it covers
/// whole days `from_date..=to_date`; a missing start time means the start of `from_date`,
/// a missing end time the end of `to_date`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeOffInput {
    pub from_date: NaiveDate,
    pub from_time: Option<NaiveTime>,
    pub to_date: NaiveDate,
    pub to_time: Option<NaiveTime>,
    pub reason: String,
}

impl TimeOffInput {
    /// The UTC interval in `tz`.
    pub fn to_time_off(&self, tz: Tz) -> Result<TimeOff, AvailabilityError> {
        let reason = self.reason.trim().to_string();
        match (self.from_time, self.to_time) {
            (None, None) => TimeOff::whole_days(self.from_date, self.to_date, tz, reason),
            (from_time, to_time) => {
                let start = self.from_date.and_time(from_time.unwrap_or(NaiveTime::MIN));
                let end = match to_time {
                    Some(t) => self.to_date.and_time(t),
                    None => self
                        .to_date
                        .succ_opt()
                        .ok_or(AvailabilityError::DateOutOfRange { date: self.to_date })?
                        .and_time(NaiveTime::MIN),
                };
                TimeOff::local_range(start, end, tz, reason)
            }
        }
    }
}

/// The Monday of the week that contains `date`.
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    date - Days::new(u64::from(date.weekday().num_days_from_monday()))
}

pub(super) fn may_edit(actor: &Actor, doctor_id: i32) -> bool {
    match actor {
        Actor::System => true,
        Actor::User { role, id, .. } => {
            *role == Role::Admin || (*role == Role::Doctor && *id == doctor_id)
        }
    }
}

pub(super) fn may_read(actor: &Actor, doctor_id: i32) -> bool {
    may_edit(actor, doctor_id) || actor.role() == Some(Role::FrontDesk)
}

/// A failure inside an edit transaction: a database error (maybe retryable) or a refusal.
pub(super) enum TxError {
    Sql(sqlx::Error),
    Refused(ServiceError),
}

impl From<sqlx::Error> for TxError {
    fn from(e: sqlx::Error) -> Self {
        TxError::Sql(e)
    }
}

impl From<ServiceError> for TxError {
    fn from(e: ServiceError) -> Self {
        TxError::Refused(e)
    }
}

impl From<AvailabilityError> for TxError {
    fn from(e: AvailabilityError) -> Self {
        TxError::Refused(ServiceError::Invalid(e.to_string()))
    }
}

/// Runs a transaction body again after a deadlock or lock-wait timeout.
pub(super) async fn retrying<T, F, Fut>(mut body: F) -> Result<T, ServiceError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, TxError>>,
{
    let mut attempt = 1;
    loop {
        match body().await {
            Ok(v) => return Ok(v),
            Err(TxError::Sql(e)) if is_retryable(&e) && attempt < ATTEMPTS => attempt += 1,
            Err(TxError::Sql(e)) => return Err(e.into()),
            Err(TxError::Refused(e)) => return Err(e),
        }
    }
}

fn window_detail(w: &Window) -> String {
    let location = w
        .location_id
        .map(|l| format!(" at location {l}"))
        .unwrap_or_default();
    format!(
        "{} {}-{}{location}",
        store::day_code(w.weekday),
        w.start.format("%H:%M"),
        w.end.format("%H:%M")
    )
}

impl Services {
    /// Audits a refusal and returns it.
    pub(super) async fn deny(
        &self,
        event: AuditEvent,
        what: &str,
    ) -> Result<std::convert::Infallible, ServiceError> {
        self.audit(event.outcome(Outcome::Denied)).await?;
        Err(ServiceError::Forbidden(what.to_string()))
    }

    /// Refuses unless `actor` may edit `doctor_id`'s availability (audited as DENIED).
    pub(super) async fn check_edit(
        &self,
        actor: &Actor,
        doctor_id: i32,
        event: &AuditEvent,
    ) -> Result<(), ServiceError> {
        if may_edit(actor, doctor_id) {
            return Ok(());
        }
        let what = if actor.role() == Some(Role::Doctor) {
            "change another doctor's availability"
        } else {
            "change doctors' availability"
        };
        self.deny(event.clone(), what).await.map(|_| ())
    }

    /// Audits the outcome of an edit: OK with its entity id, or FAILED with the sentence.
    pub(super) async fn audit_result<T: ToString + Clone>(
        &self,
        event: AuditEvent,
        result: Result<T, ServiceError>,
    ) -> Result<T, ServiceError> {
        match &result {
            Ok(id) => self.audit(event.entity_id(id.clone())).await?,
            Err(
                e @ (ServiceError::Invalid(_)
                | ServiceError::NotFound(_)
                | ServiceError::Conflict(_)),
            ) => {
                let detail = match &event.detail {
                    Some(d) => format!("{d}: {e}"),
                    None => e.to_string(),
                };
                self.audit(event.outcome(Outcome::Failed).detail(detail))
                    .await?
            }
            Err(_) => {}
        }
        result
    }

    /// Active doctors, by name: what the calendar's doctor search offers. Staff and
    /// doctors only.
    pub async fn list_doctors(&self, actor: &Actor) -> Result<Vec<DoctorSummary>, ServiceError> {
        if actor.role() == Some(Role::Patient) {
            let event = AuditEvent::by(actor, actions::DOCTOR_LIST, "doctor");
            self.deny(event, "list the clinic's doctors here").await?;
        }
        let doctors = people::list_doctors(&self.db).await?;
        Ok(doctors
            .into_iter()
            .filter(|d| d.is_active)
            .map(|d| DoctorSummary {
                id: d.id,
                full_name: d.full_name,
                specialization: d.specialization,
            })
            .collect())
    }

    /// One doctor's week starting at the Monday of `week_monday`'s week: windows, time off,
    /// non-cancelled appointments with patient names (audited per patient) and free slots.
    pub async fn doctor_week(
        &self,
        actor: &Actor,
        doctor_id: i32,
        week_monday: NaiveDate,
    ) -> Result<WeekView, ServiceError> {
        if !may_read(actor, doctor_id) {
            let event = AuditEvent::by(actor, actions::SCHEDULE_READ, "doctor")
                .entity_id(doctor_id)
                .detail("weekly calendar");
            let what = if actor.role() == Some(Role::Doctor) {
                "see another doctor's calendar"
            } else {
                "see doctors' calendars"
            };
            self.deny(event, what).await?;
        }
        let tz = self.config.time_zone;
        let monday = monday_of(validation::date_in_range(week_monday)?);
        let sunday = monday + Days::new(6);
        let bounds = TimeOff::whole_days(monday, sunday, tz, "")
            .map_err(|e| ServiceError::Invalid(e.to_string()))?;
        let (from, to) = (bounds.start_utc, bounds.end_utc);

        let doctor = people::get_doctor(&self.db, doctor_id)
            .await?
            .ok_or_else(|| ServiceError::NotFound("That doctor".into()))?;
        let windows = store::windows(&self.db, doctor_id).await?;
        let time_off = store::time_off(&self.db, doctor_id, from, to).await?;
        let stored_extra = extra_hours::list(&self.db, doctor_id, monday, sunday).await?;
        let extra: Vec<ExtraHours> = stored_extra.iter().map(|x| x.hours).collect();
        let booked = appointments::active_with_patients(&self.db, doctor_id, from, to).await?;
        let named: Vec<i32> = windows
            .iter()
            .filter_map(|w| w.window.location_id)
            .chain(extra.iter().filter_map(|x| x.location_id))
            .collect();
        let locations = locations::list(&self.db)
            .await?
            .into_iter()
            .filter(|l| l.is_active || named.contains(&l.id))
            .map(|l| LocationRef {
                id: l.id,
                name: l.name,
            })
            .collect();

        let mut patients: Vec<i32> = booked.iter().map(|b| b.appointment.patient_id).collect();
        patients.sort_unstable();
        patients.dedup();
        for patient_id in patients {
            self.audit(
                AuditEvent::by(actor, actions::SCHEDULE_READ, "appointment")
                    .patient(patient_id)
                    .detail(format!("doctor {doctor_id}, week of {monday}")),
            )
            .await?;
        }

        let appointments: Vec<WeekAppointment> = booked
            .into_iter()
            .map(|b| WeekAppointment {
                id: b.appointment.id,
                patient_id: b.appointment.patient_id,
                end_utc: b.appointment.end_utc(),
                start_utc: b.appointment.start_utc,
                status: b.appointment.status,
                location_id: b.appointment.location_id,
                patient_name: b.patient_name,
            })
            .collect();
        let busy: Vec<Busy> = appointments
            .iter()
            .map(|a| Busy::new(a.start_utc, a.end_utc))
            .collect();
        let plain_windows: Vec<Window> = windows.iter().map(|w| w.window).collect();
        let plain_time_off: Vec<TimeOff> = time_off.iter().map(|t| t.time_off.clone()).collect();
        let query = SlotQuery::new(monday, sunday)
            .with_step(self.config.slot_step_minutes)
            .with_duration(self.config.default_duration_minutes)
            .not_before(self.clock.now_naive());
        let free =
            free_slots_with_extra(&query, tz, &plain_windows, &extra, &plain_time_off, &busy);

        Ok(WeekView {
            doctor: DoctorSummary {
                id: doctor.id,
                full_name: doctor.full_name,
                specialization: doctor.specialization,
            },
            week_monday: monday,
            time_zone: tz,
            windows,
            time_off,
            appointments,
            extra_hours: stored_extra,
            free_slots: free,
            locations,
            can_edit: may_edit(actor, doctor_id),
        })
    }

    /// Adds a weekly window; refused when it is empty or overlaps another window of the
    /// same weekday. Returns the new window's id.
    pub async fn add_window(
        &self,
        actor: &Actor,
        doctor_id: i32,
        window: Window,
    ) -> Result<i32, ServiceError> {
        let event = AuditEvent::by(actor, actions::AVAILABILITY_ADD, "doctor_availability")
            .detail(format!("doctor {doctor_id}: {}", window_detail(&window)));
        self.check_edit(actor, doctor_id, &event).await?;
        let result = retrying(|| self.save_window_tx(doctor_id, None, window)).await;
        let result = self.audit_result(event, result).await;
        if result.is_ok() {
            self.offer_freed_time(actor, doctor_id).await;
        }
        result
    }

    /// Changes a weekly window of `doctor_id` (its day, times or location).
    pub async fn update_window(
        &self,
        actor: &Actor,
        doctor_id: i32,
        window_id: i32,
        window: Window,
    ) -> Result<(), ServiceError> {
        let event = AuditEvent::by(actor, actions::AVAILABILITY_UPDATE, "doctor_availability")
            .detail(format!("doctor {doctor_id}: {}", window_detail(&window)));
        self.check_edit(actor, doctor_id, &event).await?;
        let result = retrying(|| self.save_window_tx(doctor_id, Some(window_id), window)).await;
        let result = self.audit_result(event, result).await.map(|_| ());
        if result.is_ok() {
            self.offer_freed_time(actor, doctor_id).await;
        }
        result
    }

    /// Splits a weekly window for a break in one step: 09:00–17:00 with a break
    /// 12:00–13:00 becomes 09:00–12:00 and 13:00–17:00 (same weekday and location). The
    /// break must lie strictly inside the window. Returns the new (second) window's id.
    pub async fn split_window(
        &self,
        actor: &Actor,
        doctor_id: i32,
        window_id: i32,
        break_start: NaiveTime,
        break_end: NaiveTime,
    ) -> Result<i32, ServiceError> {
        let event = AuditEvent::by(actor, actions::AVAILABILITY_UPDATE, "doctor_availability")
            .detail(format!(
                "doctor {doctor_id}: split window {window_id} for a break {}-{}",
                break_start.format("%H:%M"),
                break_end.format("%H:%M")
            ));
        self.check_edit(actor, doctor_id, &event).await?;
        let result = retrying(|| async {
            let mut tx = self.db.begin().await?;
            if !store::lock_doctor(&mut *tx, doctor_id).await? {
                return Err(ServiceError::NotFound("That doctor".into()).into());
            }
            let existing = store::windows(&mut *tx, doctor_id).await?;
            let Some(w) = existing.iter().find(|w| w.id == window_id).map(|w| w.window) else {
                return Err(ServiceError::NotFound("That availability window".into()).into());
            };
            let hm = |t: NaiveTime| t.format("%H:%M").to_string();
            if !(w.start < break_start && break_start < break_end && break_end < w.end) {
                return Err(ServiceError::Invalid(format!(
                    "The break {}–{} must lie inside the window {}–{} and leave time on both sides.",
                    hm(break_start),
                    hm(break_end),
                    hm(w.start),
                    hm(w.end)
                ))
                .into());
            }
            let first = Window::new(w.weekday, w.start, break_start, w.location_id);
            let second = Window::new(w.weekday, break_end, w.end, w.location_id);
            store::update_window(&mut *tx, doctor_id, window_id, &first).await?;
            let id = store::insert_window(&mut *tx, doctor_id, &second).await?;
            tx.commit().await?;
            Ok(id)
        })
        .await;
        self.audit_result(event, result).await
    }

    /// Removes a weekly window of `doctor_id`. Booked appointments are not touched.
    pub async fn delete_window(
        &self,
        actor: &Actor,
        doctor_id: i32,
        window_id: i32,
    ) -> Result<(), ServiceError> {
        let event = AuditEvent::by(actor, actions::AVAILABILITY_DELETE, "doctor_availability")
            .detail(format!("doctor {doctor_id}"));
        self.check_edit(actor, doctor_id, &event).await?;
        let result = retrying(|| self.delete_window_tx(doctor_id, window_id)).await;
        self.audit_result(event, result).await.map(|_| ())
    }

    /// Adds time off (clinic wall-clock times); returns its id. Refused (Conflict, with
    /// the list) when it overlaps booked appointments: say what to do with them through
    /// [`Services::add_time_off_with`].
    pub async fn add_time_off(
        &self,
        actor: &Actor,
        doctor_id: i32,
        input: TimeOffInput,
    ) -> Result<i32, ServiceError> {
        use super::time_off::{OnConflict, TimeOffOutcome, conflict_sentence};
        match self
            .add_time_off_with(actor, doctor_id, input, OnConflict::Ask, None)
            .await?
        {
            TimeOffOutcome::Added { id, .. } => Ok(id),
            TimeOffOutcome::Conflicts(list) => Err(ServiceError::Conflict(conflict_sentence(
                self.config.time_zone,
                &list,
            ))),
        }
    }

    /// Removes a time-off entry of `doctor_id`.
    pub async fn delete_time_off(
        &self,
        actor: &Actor,
        doctor_id: i32,
        time_off_id: i32,
    ) -> Result<(), ServiceError> {
        let event = AuditEvent::by(actor, actions::TIME_OFF_DELETE, "doctor_time_off")
            .detail(format!("doctor {doctor_id}"));
        self.check_edit(actor, doctor_id, &event).await?;
        let result = retrying(|| self.delete_time_off_tx(doctor_id, time_off_id)).await;
        let result = self.audit_result(event, result).await.map(|_| ());
        if result.is_ok() {
            self.offer_freed_time(actor, doctor_id).await;
        }
        result
    }

    /// Inserts (`window_id` None) or replaces a window, inside a transaction that locks
    /// the doctor row so that concurrent edits cannot both pass the overlap check.
    async fn save_window_tx(
        &self,
        doctor_id: i32,
        window_id: Option<i32>,
        window: Window,
    ) -> Result<i32, TxError> {
        let mut tx = self.db.begin().await?;
        if !store::lock_doctor(&mut *tx, doctor_id).await? {
            return Err(ServiceError::NotFound("That doctor".into()).into());
        }
        if let Some(location_id) = window.location_id {
            let known = locations::list(&mut *tx)
                .await?
                .iter()
                .any(|l| l.id == location_id && l.is_active);
            if !known {
                return Err(ServiceError::Invalid(format!(
                    "There is no open clinic location number {location_id}."
                ))
                .into());
            }
        }
        let existing = store::windows(&mut *tx, doctor_id).await?;
        let plain: Vec<Window> = existing.iter().map(|w| w.window).collect();
        let ignore = match window_id {
            Some(id) => Some(
                existing
                    .iter()
                    .position(|w| w.id == id)
                    .ok_or_else(|| ServiceError::NotFound("That availability window".into()))?,
            ),
            None => None,
        };
        validate_window(&plain, &window, ignore)?;
        let id = match window_id {
            Some(id) => {
                store::update_window(&mut *tx, doctor_id, id, &window).await?;
                id
            }
            None => store::insert_window(&mut *tx, doctor_id, &window).await?,
        };
        tx.commit().await?;
        Ok(id)
    }

    async fn delete_window_tx(&self, doctor_id: i32, window_id: i32) -> Result<i32, TxError> {
        let mut tx = self.db.begin().await?;
        if !store::lock_doctor(&mut *tx, doctor_id).await? {
            return Err(ServiceError::NotFound("That doctor".into()).into());
        }
        if !store::delete_window(&mut *tx, doctor_id, window_id).await? {
            return Err(ServiceError::NotFound("That availability window".into()).into());
        }
        tx.commit().await?;
        Ok(window_id)
    }

    async fn delete_time_off_tx(&self, doctor_id: i32, id: i32) -> Result<i32, TxError> {
        let mut tx = self.db.begin().await?;
        if !store::lock_doctor(&mut *tx, doctor_id).await? {
            return Err(ServiceError::NotFound("That doctor".into()).into());
        }
        if !store::delete_time_off(&mut *tx, doctor_id, id).await? {
            return Err(ServiceError::NotFound("That time off".into()).into());
        }
        tx.commit().await?;
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn monday_of_any_day_of_the_week() {
        assert_eq!(monday_of(d(2026, 3, 2)), d(2026, 3, 2));
        assert_eq!(monday_of(d(2026, 3, 8)), d(2026, 3, 2));
        assert_eq!(monday_of(d(2026, 3, 5)), d(2026, 3, 2));
    }

    #[test]
    fn permissions_follow_the_roles_table() {
        let user = |role, id| Actor::User {
            role,
            id,
            name: "x".into(),
            email: "x@example.com".into(),
        };
        assert!(may_edit(&user(Role::Doctor, 7), 7));
        assert!(!may_edit(&user(Role::Doctor, 7), 8));
        assert!(!may_read(&user(Role::Doctor, 7), 8));
        assert!(may_edit(&user(Role::Admin, 1), 8));
        assert!(!may_edit(&user(Role::FrontDesk, 1), 8));
        assert!(may_read(&user(Role::FrontDesk, 1), 8));
        assert!(!may_read(&user(Role::Patient, 8), 8));
        assert!(may_edit(&Actor::System, 8));
    }

    #[test]
    fn time_off_input_whole_days_and_ranges() {
        let tz: Tz = "Europe/London".parse().expect("zone");
        let whole = TimeOffInput {
            from_date: d(2026, 1, 5),
            from_time: None,
            to_date: d(2026, 1, 6),
            to_time: None,
            reason: " Leave ".into(),
        }
        .to_time_off(tz)
        .expect("valid");
        assert_eq!(whole.start_utc, d(2026, 1, 5).and_time(NaiveTime::MIN));
        assert_eq!(whole.end_utc, d(2026, 1, 7).and_time(NaiveTime::MIN));
        assert_eq!(whole.reason, "Leave");
        let afternoon = TimeOffInput {
            from_date: d(2026, 1, 5),
            from_time: NaiveTime::from_hms_opt(14, 0, 0),
            to_date: d(2026, 1, 5),
            to_time: None,
            reason: String::new(),
        }
        .to_time_off(tz)
        .expect("valid");
        assert_eq!(afternoon.end_utc, d(2026, 1, 6).and_time(NaiveTime::MIN));
        let reversed = TimeOffInput {
            from_date: d(2026, 1, 5),
            from_time: NaiveTime::from_hms_opt(14, 0, 0),
            to_date: d(2026, 1, 5),
            to_time: NaiveTime::from_hms_opt(9, 0, 0),
            reason: String::new(),
        };
        assert!(reversed.to_time_off(tz).is_err());
    }
}
