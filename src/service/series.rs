//! Recurring series: book every K weeks, N times, in the one locked transaction a single
//! booking uses (doctor row, then patient row). Every occurrence goes through the same
//! check as a single booking ([`Services::check_times`]: availability and extra hours,
//! time off, both parties' overlaps) and [`Services::check_start`] (not in the past, on a
//! whole minute). All or nothing by default: the refusal names every date that cannot be
//! booked and why; with `skip_conflicts` the others are booked. Cancel or move one
//! occurrence, or it and every later one.

use chrono::{Duration, NaiveDateTime, TimeZone};

use super::audit::actions;
use super::booking::{BookingRequest, TxError, local_label, refuse};
use super::{ServiceError, Services};
use crate::domain::appointment::{Appointment, AppointmentStatus, NewAppointment, StatusChange};
use crate::domain::audit::AuditEvent;
use crate::domain::local_time::{self, Instants};
use crate::domain::permission::Action;
use crate::domain::permission::may_on_appointment;
use crate::domain::series::{OccurrenceTime, Recurrence, SeriesScope, occurrence_times};
use crate::domain::{Actor, validation};
use crate::store::mysql::booking as booking_store;
use crate::store::mysql::{appointments, audit, is_unique_violation, series as store};

/// A series as the front desk asks for it: the first appointment, then every
/// `every_weeks` weeks at the same local time, `count` appointments in all.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesRequest {
    pub first: BookingRequest,
    pub every_weeks: u32,
    pub count: u32,
    /// Book the dates that are free and leave out the others, instead of refusing.
    pub skip_conflicts: bool,
}

/// One date of a series and whether it can be booked.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedOccurrence {
    /// 0 for the first.
    pub index: u32,
    /// Local wall-clock start in the clinic's zone.
    pub local_start: NaiveDateTime,
    /// `None` when that local time does not exist that day (the clocks go forward).
    pub start_utc: Option<NaiveDateTime>,
    /// Why it cannot be booked; `None` when it can.
    pub problem: Option<String>,
}

/// A booked series: the appointments made, and the dates left out (with their reasons)
/// when conflicts were skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesBooking {
    pub series_id: i32,
    pub booked: Vec<Appointment>,
    pub skipped: Vec<PlannedOccurrence>,
}

/// A series with all its appointments (every status), by time.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesView {
    pub series_id: i32,
    pub every_weeks: u32,
    /// How many appointments were asked for when it was booked.
    pub asked: u32,
    pub appointments: Vec<Appointment>,
}

/// "Tue 1 Dec 10:00 (the doctor is already booked 10:00–11:00); Tue 8 Dec 10:00 (…)".
fn date_list(tz: chrono_tz::Tz, problems: &[&PlannedOccurrence]) -> String {
    problems
        .iter()
        .map(|o| {
            let when = match o.start_utc {
                Some(t) => local_label(tz, t),
                None => o.local_start.format("%a %-d %b %H:%M").to_string(),
            };
            format!("{when} ({})", o.problem.as_deref().unwrap_or("not free"))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn refusal(tz: chrono_tz::Tz, plan: &[PlannedOccurrence], what: &str) -> ServiceError {
    let problems: Vec<&PlannedOccurrence> = plan.iter().filter(|o| o.problem.is_some()).collect();
    let total = plan.len();
    let list = date_list(tz, &problems);
    if problems.len() == total {
        ServiceError::Conflict(format!("None of the {total} dates can be {what}: {list}."))
    } else {
        ServiceError::Conflict(format!(
            "{} of the {total} dates cannot be {what}, so none was: {list}. Skip those dates, or pick another time.",
            problems.len()
        ))
    }
}

impl Services {
    fn series_duration(&self, req: &SeriesRequest) -> u32 {
        req.first
            .duration_minutes
            .unwrap_or(self.config.default_duration_minutes)
    }

    /// Checks each occurrence: its instant exists, its start is acceptable, and it is
    /// free. Reads inside `exec` (a locked transaction when booking). Each with the
    /// location of its covering window when it is free.
    async fn plan_in<'c, E>(
        &self,
        exec: E,
        req: &SeriesRequest,
        times: &[OccurrenceTime],
        duration: u32,
    ) -> Result<Vec<(PlannedOccurrence, Option<i32>)>, sqlx::Error>
    where
        E: sqlx::Executor<'c, Database = sqlx::MySql>,
    {
        let tz = self.config.time_zone;
        let length = Duration::minutes(i64::from(duration));
        let mut plan: Vec<PlannedOccurrence> = times
            .iter()
            .map(|o| PlannedOccurrence {
                index: o.index,
                local_start: o.local,
                start_utc: o.start_utc,
                problem: match o.start_utc {
                    None => Some(format!(
                        "{} does not exist that day: the clocks go forward",
                        o.local.format("%H:%M")
                    )),
                    Some(t) => self
                        .check_start(t, duration)
                        .err()
                        .map(|e| e.to_string().trim_end_matches('.').to_string()),
                },
            })
            .collect();
        let to_check: Vec<(usize, (NaiveDateTime, NaiveDateTime))> = plan
            .iter()
            .enumerate()
            .filter(|(_, o)| o.problem.is_none())
            .filter_map(|(i, o)| o.start_utc.map(|t| (i, (t, t + length))))
            .collect();
        let intervals: Vec<_> = to_check.iter().map(|(_, iv)| *iv).collect();
        let checked = self
            .check_times(
                exec,
                req.first.doctor_id,
                req.first.patient_id,
                &intervals,
                &[],
            )
            .await?;
        let mut locations = vec![None; plan.len()];
        for ((i, _), result) in to_check.iter().zip(checked) {
            match result {
                Ok(location) => locations[*i] = location,
                Err(clash) => plan[*i].problem = Some(clash.clause(tz)),
            }
        }
        Ok(plan.into_iter().zip(locations).collect())
    }

    fn series_times(&self, req: &SeriesRequest) -> Result<Vec<OccurrenceTime>, ServiceError> {
        let rule = Recurrence::new(req.every_weeks, req.count);
        rule.validate()?;
        validation::datetime_in_range(req.first.start_utc)?;
        let times = occurrence_times(self.config.time_zone, req.first.start_utc, rule);
        if let Some(last) = times.last() {
            validation::datetime_in_range(last.local)?;
        }
        Ok(times)
    }

    /// Every date of a series and whether it can be booked now, without booking (for a
    /// confirmation step). Same permission as booking; audited (it tells when the
    /// patient is busy).
    pub async fn plan_series(
        &self,
        actor: &Actor,
        req: &SeriesRequest,
    ) -> Result<Vec<PlannedOccurrence>, ServiceError> {
        let event = AuditEvent::by(actor, actions::SERIES_READ, "appointment_series")
            .patient(req.first.patient_id)
            .detail(format!(
                "plan: doctor {} from {} every {} weeks, {} times",
                req.first.doctor_id, req.first.start_utc, req.every_weeks, req.count
            ));
        let (doctor_id, patient_id) = (req.first.doctor_id, req.first.patient_id);
        if !may_on_appointment(actor, Action::Book, doctor_id, patient_id) {
            let e = ServiceError::Forbidden(Action::Book.phrase().into());
            return Err(self.audit_refusal(event, e).await);
        }
        let duration = self.series_duration(req);
        validation::duration_minutes(duration)?;
        let times = self.series_times(req)?;
        let plan = self.plan_in(&self.db, req, &times, duration).await?;
        self.audit(event).await?;
        Ok(plan.into_iter().map(|(p, _)| p).collect())
    }

    /// Books a series (see the module documentation). Each appointment gets its own
    /// status history and APPOINTMENT_BOOK audit row; the series a SERIES_BOOK row.
    pub async fn book_series(
        &self,
        actor: &Actor,
        req: &SeriesRequest,
    ) -> Result<SeriesBooking, ServiceError> {
        let event = AuditEvent::by(actor, actions::SERIES_BOOK, "appointment_series")
            .patient(req.first.patient_id)
            .detail(format!(
                "doctor {} from {} every {} weeks, {} times{}",
                req.first.doctor_id,
                req.first.start_utc,
                req.every_weeks,
                req.count,
                if req.skip_conflicts {
                    ", skipping conflicts"
                } else {
                    ""
                }
            ));
        if !may_on_appointment(
            actor,
            Action::Book,
            req.first.doctor_id,
            req.first.patient_id,
        ) {
            return Err(self
                .audit_refusal(event, ServiceError::Forbidden(Action::Book.phrase().into()))
                .await);
        }
        let duration = self.series_duration(req);
        let times = match validation::duration_minutes(duration)
            .map_err(ServiceError::from)
            .and_then(|_| self.series_times(req))
        {
            Ok(t) => t,
            Err(e) => return Err(self.audit_refusal(event, e).await),
        };
        let result = self
            .in_transaction(|| self.book_series_once(actor, req, &times, duration, event.clone()))
            .await;
        match result {
            Ok(b) => Ok(b),
            Err(e) => Err(self.audit_refusal(event, e).await),
        }
    }

    async fn book_series_once(
        &self,
        actor: &Actor,
        req: &SeriesRequest,
        times: &[OccurrenceTime],
        duration: u32,
        event: AuditEvent,
    ) -> Result<SeriesBooking, TxError> {
        let tz = self.config.time_zone;
        let now = self.clock.now_naive();
        let (doctor_id, patient_id) = (req.first.doctor_id, req.first.patient_id);
        let mut tx = self.db.begin().await?;
        self.lock_parties(&mut tx, doctor_id, patient_id).await?;
        let checked = self.plan_in(&mut *tx, req, times, duration).await?;
        let plan: Vec<PlannedOccurrence> = checked.iter().map(|(p, _)| p.clone()).collect();
        let conflicts = plan.iter().filter(|o| o.problem.is_some()).count();
        if conflicts == plan.len() || (conflicts > 0 && !req.skip_conflicts) {
            return refuse(refusal(tz, &plan, "booked"));
        }
        let by = (actor.kind_str(), actor.id());
        let series_id = store::insert_series(
            &mut *tx,
            patient_id,
            doctor_id,
            req.every_weeks,
            req.count,
            by,
        )
        .await?;
        let minutes = i32::try_from(duration).unwrap_or(60);
        let rows: Vec<NewAppointment> = checked
            .iter()
            .filter(|(o, _)| o.problem.is_none())
            .filter_map(|(o, location)| {
                o.start_utc.map(|start_utc| NewAppointment {
                    patient_id,
                    doctor_id,
                    location_id: *location,
                    start_utc,
                    duration_minutes: minutes,
                })
            })
            .collect();
        match store::insert_occurrences(&mut *tx, series_id, &rows, by).await {
            Ok(()) => {}
            Err(e) if is_unique_violation(&e) => {
                return refuse(ServiceError::Conflict(
                    "One of these times was just taken by another booking; try again.".into(),
                ));
            }
            Err(e) => return Err(e.into()),
        }
        let booked = store::of_series(&mut *tx, series_id, None, false).await?;
        let history: Vec<StatusChange> = booked
            .iter()
            .map(|a| StatusChange {
                appointment_id: a.id,
                from_status: None,
                to_status: AppointmentStatus::Booked,
                old_time: None,
                new_time: Some(a.start_utc),
                reason: Some(format!("Series {series_id}")),
                changed_by_kind: event.actor_kind.clone(),
                changed_by_id: event.actor_id,
                changed_at: now,
            })
            .collect();
        store::insert_history_many(&mut *tx, &history).await?;
        let mut rows: Vec<AuditEvent> = booked
            .iter()
            .map(|a| {
                AuditEvent::by(actor, actions::APPOINTMENT_BOOK, "appointment")
                    .entity_id(a.id)
                    .patient(patient_id)
                    .detail(format!(
                        "doctor {doctor_id} at {} (series {series_id})",
                        a.start_utc
                    ))
            })
            .collect();
        rows.push(event.clone().entity_id(series_id).detail(format!(
            "{}; booked {} of {}",
            event.detail.clone().unwrap_or_default(),
            booked.len(),
            plan.len()
        )));
        audit::append_many(&mut *tx, now, &rows).await?;
        tx.commit().await?;
        Ok(SeriesBooking {
            series_id,
            booked,
            skipped: plan.into_iter().filter(|o| o.problem.is_some()).collect(),
        })
    }

    /// The series an appointment belongs to, with all its appointments; `None` for an
    /// appointment booked on its own. Same permission as the appointment; audited.
    pub async fn series_of_appointment(
        &self,
        actor: &Actor,
        appointment_id: i32,
    ) -> Result<Option<SeriesView>, ServiceError> {
        let Some(appt) = appointments::get(&self.db, appointment_id).await? else {
            return Err(ServiceError::NotFound(format!(
                "Appointment {appointment_id}"
            )));
        };
        let event = AuditEvent::by(actor, actions::SERIES_READ, "appointment")
            .entity_id(appointment_id)
            .patient(appt.patient_id);
        if !may_on_appointment(actor, Action::Book, appt.doctor_id, appt.patient_id) {
            return Err(self
                .audit_refusal(
                    event,
                    ServiceError::Forbidden("see this appointment".into()),
                )
                .await);
        }
        self.audit(event).await?;
        let Some(series_id) = store::series_of(&self.db, appointment_id).await? else {
            return Ok(None);
        };
        let (every, asked) = store::rule(&self.db, series_id).await?.unwrap_or((1, 1));
        let all = store::of_series(&self.db, series_id, None, false).await?;
        Ok(Some(SeriesView {
            series_id,
            every_weeks: u32::try_from(every).unwrap_or(1),
            asked: u32::try_from(asked).unwrap_or(1),
            appointments: all,
        }))
    }

    /// Cancels an appointment ([`SeriesScope::This`], as [`Services::cancel`]) or it and
    /// every later booked appointment of its series, in one transaction. Returns what was
    /// cancelled, by time; the freed time goes to the waitlist.
    pub async fn cancel_in_series(
        &self,
        actor: &Actor,
        appointment_id: i32,
        reason: &str,
        scope: SeriesScope,
    ) -> Result<Vec<Appointment>, ServiceError> {
        if scope == SeriesScope::This {
            return self
                .cancel(actor, appointment_id, reason)
                .await
                .map(|a| vec![a]);
        }
        let event = AuditEvent::by(actor, actions::SERIES_CANCEL, "appointment")
            .entity_id(appointment_id)
            .detail("this and all later");
        let reason = match validation::required_text("Reason", reason, 500) {
            Ok(r) => r,
            Err(e) => return Err(self.audit_refusal(event, e.into()).await),
        };
        let result = self
            .in_transaction(|| {
                self.cancel_later_once(actor, appointment_id, &reason, event.clone())
            })
            .await;
        match result {
            Ok(cancelled) => {
                if let Some(a) = cancelled.first() {
                    self.offer_freed_time(actor, a.doctor_id).await;
                }
                Ok(cancelled)
            }
            Err(e) => Err(self.audit_refusal(event, e).await),
        }
    }

    async fn cancel_later_once(
        &self,
        actor: &Actor,
        appointment_id: i32,
        reason: &str,
        event: AuditEvent,
    ) -> Result<Vec<Appointment>, TxError> {
        let now = self.clock.now_naive();
        let mut tx = self.db.begin().await?;
        let Some(anchor) = booking_store::lock_appointment(&mut *tx, appointment_id).await? else {
            return refuse(ServiceError::NotFound(format!(
                "Appointment {appointment_id}"
            )));
        };
        if !may_on_appointment(actor, Action::Book, anchor.doctor_id, anchor.patient_id) {
            return refuse(ServiceError::Forbidden(Action::Book.phrase().into()));
        }
        let later = match store::series_of(&mut *tx, appointment_id).await? {
            Some(series_id) => {
                store::of_series(&mut *tx, series_id, Some(anchor.start_utc), true).await?
            }
            None => vec![anchor.clone()],
        };
        let mut cancelled: Vec<Appointment> = later
            .into_iter()
            .filter(|a| a.status == AppointmentStatus::Booked)
            .collect();
        if cancelled.is_empty() {
            return refuse(ServiceError::Invalid(format!(
                "No booked appointment of this series is left from {} on.",
                local_label(self.config.time_zone, anchor.start_utc)
            )));
        }
        let ids: Vec<i32> = cancelled.iter().map(|a| a.id).collect();
        let by = (event.actor_kind.as_str(), event.actor_id);
        store::cancel_many(&mut *tx, &ids, reason, by, now).await?;
        let history: Vec<StatusChange> = cancelled
            .iter()
            .map(|a| StatusChange {
                appointment_id: a.id,
                from_status: Some(AppointmentStatus::Booked),
                to_status: AppointmentStatus::Cancelled,
                old_time: None,
                new_time: None,
                reason: Some(reason.to_string()),
                changed_by_kind: event.actor_kind.clone(),
                changed_by_id: event.actor_id,
                changed_at: now,
            })
            .collect();
        store::insert_history_many(&mut *tx, &history).await?;
        let mut rows: Vec<AuditEvent> = cancelled
            .iter()
            .map(|a| {
                AuditEvent::by(actor, actions::APPOINTMENT_CANCEL, "appointment")
                    .entity_id(a.id)
                    .patient(a.patient_id)
                    .detail(format!("with its series from appointment {appointment_id}"))
            })
            .collect();
        rows.push(
            event
                .patient(anchor.patient_id)
                .detail(format!("this and all later: {} cancelled", cancelled.len())),
        );
        audit::append_many(&mut *tx, now, &rows).await?;
        tx.commit().await?;
        for a in &mut cancelled {
            a.status = AppointmentStatus::Cancelled;
            a.cancel_reason = Some(reason.to_string());
            a.cancelled_at = Some(now);
        }
        Ok(cancelled)
    }

    /// Moves an appointment ([`SeriesScope::This`], as [`Services::reschedule`]) or it and
    /// every later booked appointment of its series by the same local wall-clock shift
    /// (Tuesday 10:00 to Wednesday 14:00 moves each later one a day and four hours on).
    /// All or nothing: each new time is checked like a booking, and a refusal names every
    /// date that does not fit. Returns the moved appointments, by time.
    pub async fn reschedule_in_series(
        &self,
        actor: &Actor,
        appointment_id: i32,
        new_start_utc: NaiveDateTime,
        scope: SeriesScope,
    ) -> Result<Vec<Appointment>, ServiceError> {
        if scope == SeriesScope::This {
            return self
                .reschedule(actor, appointment_id, new_start_utc, None)
                .await
                .map(|a| vec![a]);
        }
        let event = AuditEvent::by(actor, actions::SERIES_RESCHEDULE, "appointment")
            .entity_id(appointment_id)
            .detail(format!("this and all later, to {new_start_utc}"));
        let result = self
            .in_transaction(|| {
                self.reschedule_later_once(actor, appointment_id, new_start_utc, event.clone())
            })
            .await;
        match result {
            Ok(moved) => {
                if let Some(a) = moved.first() {
                    self.offer_freed_time(actor, a.doctor_id).await;
                }
                Ok(moved)
            }
            Err(e) => Err(self.audit_refusal(event, e).await),
        }
    }

    async fn reschedule_later_once(
        &self,
        actor: &Actor,
        appointment_id: i32,
        new_start: NaiveDateTime,
        event: AuditEvent,
    ) -> Result<Vec<Appointment>, TxError> {
        let tz = self.config.time_zone;
        let now = self.clock.now_naive();
        let Some(peek) = appointments::get(&self.db, appointment_id).await? else {
            return refuse(ServiceError::NotFound(format!(
                "Appointment {appointment_id}"
            )));
        };
        if !may_on_appointment(actor, Action::Book, peek.doctor_id, peek.patient_id) {
            return refuse(ServiceError::Forbidden(Action::Book.phrase().into()));
        }
        let duration = u32::try_from(peek.duration_minutes).unwrap_or(60);
        if let Err(e) = self.check_start(new_start, duration) {
            return refuse(e);
        }
        let mut tx = self.db.begin().await?;
        self.lock_parties(&mut tx, peek.doctor_id, peek.patient_id)
            .await?;
        let Some(anchor) = booking_store::lock_appointment(&mut *tx, appointment_id).await? else {
            return refuse(ServiceError::NotFound(format!(
                "Appointment {appointment_id}"
            )));
        };
        if anchor.status != AppointmentStatus::Booked || anchor.start_utc < now {
            return refuse(ServiceError::Invalid(
                "Only a booked appointment that has not started can be moved.".into(),
            ));
        }
        let moving: Vec<Appointment> = match store::series_of(&mut *tx, appointment_id).await? {
            Some(series_id) => store::of_series(&mut *tx, series_id, Some(anchor.start_utc), true)
                .await?
                .into_iter()
                .filter(|a| a.status == AppointmentStatus::Booked)
                .collect(),
            None => vec![anchor.clone()],
        };
        let local = |t: NaiveDateTime| tz.from_utc_datetime(&t).naive_local();
        let shift = local(new_start) - local(anchor.start_utc);
        // The new instants: the anchor's as asked, the others by the local shift.
        let targets: Vec<(Appointment, PlannedOccurrence)> = moving
            .into_iter()
            .map(|a| {
                let local_start = local(a.start_utc) + shift;
                let start_utc = if a.id == anchor.id {
                    Some(new_start)
                } else {
                    match local_time::instants(tz, local_start) {
                        Instants::Single(t) => Some(t),
                        Instants::Twice { first, .. } => Some(first),
                        Instants::Never => None,
                    }
                };
                let problem = match start_utc {
                    None => Some(format!(
                        "{} does not exist that day: the clocks go forward",
                        local_start.format("%H:%M")
                    )),
                    Some(t) => self
                        .check_start(t, u32::try_from(a.duration_minutes).unwrap_or(60))
                        .err()
                        .map(|e| e.to_string().trim_end_matches('.').to_string()),
                };
                let planned = PlannedOccurrence {
                    index: 0,
                    local_start,
                    start_utc,
                    problem,
                };
                (a, planned)
            })
            .collect();
        let except: Vec<i32> = targets.iter().map(|(a, _)| a.id).collect();
        let to_check: Vec<(usize, (NaiveDateTime, NaiveDateTime))> = targets
            .iter()
            .enumerate()
            .filter(|(_, (_, p))| p.problem.is_none())
            .filter_map(|(i, (a, p))| {
                p.start_utc
                    .map(|t| (i, (t, t + (a.end_utc() - a.start_utc))))
            })
            .collect();
        let intervals: Vec<_> = to_check.iter().map(|(_, iv)| *iv).collect();
        let checked = self
            .check_times(
                &mut *tx,
                peek.doctor_id,
                peek.patient_id,
                &intervals,
                &except,
            )
            .await?;
        let mut targets = targets;
        let mut locations: Vec<Option<i32>> = vec![None; targets.len()];
        for ((i, _), result) in to_check.iter().zip(checked) {
            match result {
                Ok(location) => locations[*i] = location,
                Err(clash) => targets[*i].1.problem = Some(clash.clause(tz)),
            }
        }
        let plan: Vec<PlannedOccurrence> = targets.iter().map(|(_, p)| p.clone()).collect();
        if plan.iter().any(|p| p.problem.is_some()) {
            return refuse(refusal(tz, &plan, "moved"));
        }
        // Later rows first when moving later (earlier rows first when moving earlier), so
        // that no row lands on a slot another still holds (the unique key).
        let mut order: Vec<usize> = (0..targets.len()).collect();
        if shift > Duration::zero() {
            order.reverse();
        }
        let mut history = Vec::new();
        let mut moved = Vec::new();
        for i in order {
            let (a, p) = &targets[i];
            let Some(start) = p.start_utc else { continue };
            match booking_store::move_appointment(
                &mut *tx,
                a.id,
                start,
                a.duration_minutes,
                locations[i],
            )
            .await
            {
                Ok(()) => {}
                Err(e) if is_unique_violation(&e) => {
                    return refuse(ServiceError::Conflict(format!(
                        "{} was just taken by another booking; pick another time.",
                        local_label(tz, start)
                    )));
                }
                Err(e) => return Err(e.into()),
            }
            history.push(StatusChange {
                appointment_id: a.id,
                from_status: Some(AppointmentStatus::Booked),
                to_status: AppointmentStatus::Booked,
                old_time: Some(a.start_utc),
                new_time: Some(start),
                reason: Some("Rescheduled with its series".into()),
                changed_by_kind: event.actor_kind.clone(),
                changed_by_id: event.actor_id,
                changed_at: now,
            });
            let mut a = a.clone();
            a.start_utc = start;
            a.location_id = locations[i];
            moved.push(a);
        }
        store::insert_history_many(&mut *tx, &history).await?;
        let mut rows: Vec<AuditEvent> = history
            .iter()
            .map(|h| {
                AuditEvent::by(actor, actions::APPOINTMENT_RESCHEDULE, "appointment")
                    .entity_id(h.appointment_id)
                    .patient(anchor.patient_id)
                    .detail(format!(
                        "to {} with its series",
                        h.new_time.map(|t| t.to_string()).unwrap_or_default()
                    ))
            })
            .collect();
        rows.push(event.patient(anchor.patient_id));
        audit::append_many(&mut *tx, now, &rows).await?;
        tx.commit().await?;
        moved.sort_by_key(|a| a.start_utc);
        Ok(moved)
    }
}
