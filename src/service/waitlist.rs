//! The waitlist. A patient waits for a doctor, or any doctor of a specialization, on a
//! range of local dates, optionally mornings or afternoons only
//! ([`PartOfDay`](crate::domain::waitlist::PartOfDay)).
//!
//! Whenever a doctor's time is freed (an appointment cancelled or moved away, time off
//! removed, a window added or widened, extra hours opened, an offer declined or
//! withdrawn) and when an entry is added, [`Services::offer_freed_time`] runs right after
//! the change commits: in one transaction that locks the doctor's row (as bookings do),
//! the waiting entries that doctor can serve, oldest first, are each offered the
//! earliest free slot they want that no other offer holds and that does not clash with
//! their patient's appointments ([`assign_offers`]). The front desk sees the count
//! ([`Services::waitlist_counts`]), the list ([`Services::waitlist`]) and books an offer
//! in one step ([`Services::book_waitlist_offer`], through the normal booking check).
//!
//! Entries expire once their last date has passed, and an offer whose slot has begun
//! lapses back to waiting; both are swept before the list, the counts and a booking.
//!
//! Who: admins and the front desk everything; a patient their own entries (add, list,
//! book an offer, remove); a doctor reads the entries waiting for them. Every read and
//! change writes audit rows (per patient).

use chrono::{Days, NaiveDate, TimeZone};

use super::audit::actions;
use super::booking::{BookingRequest, SlotSpan, TxError, refuse};
use super::{ServiceError, Services};
use crate::domain::appointment::Appointment;
use crate::domain::audit::AuditEvent;
use crate::domain::availability::{self as engine, Busy, Slot, SlotQuery};
use crate::domain::permission::Action;
use crate::domain::permission::may_on_appointment;
use crate::domain::waitlist::{
    MAX_RANGE_DAYS, NewWaitlistEntry, WaitFor, WaitlistEntry, WaitlistStatus, assign_offers,
};
use crate::domain::{Actor, Role, validation};
use crate::store::mysql::free_time::{self, Doctors};
use crate::store::mysql::waitlist::{self as store, EntryRow, Filter};
use crate::store::mysql::{audit, booking as booking_store, patients, people};

/// What the front desk's Home screen and agenda show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WaitlistCounts {
    /// Entries still waiting for time.
    pub waiting: u32,
    /// Entries with a slot offered, ready to be booked.
    pub offered: u32,
}

/// Whose entries an actor reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    All,
    Patient(i32),
    /// Reads only: the entries waiting for this doctor or offered their time.
    Doctor(i32),
}

fn scope(actor: &Actor) -> Scope {
    match actor {
        Actor::System => Scope::All,
        Actor::User { role, id, .. } => match role {
            Role::Admin | Role::FrontDesk => Scope::All,
            Role::Patient => Scope::Patient(*id),
            Role::Doctor => Scope::Doctor(*id),
        },
    }
}

/// Whether `actor` may change (add, book, remove) an entry of `patient_id`.
fn may_change(actor: &Actor, patient_id: i32) -> bool {
    match scope(actor) {
        Scope::All => true,
        Scope::Patient(p) => p == patient_id,
        Scope::Doctor(_) => false,
    }
}

fn filter_for(actor: &Actor) -> Filter {
    match scope(actor) {
        Scope::All => Filter::default(),
        Scope::Patient(p) => Filter {
            patient_id: Some(p),
            ..Filter::default()
        },
        Scope::Doctor(d) => Filter {
            doctor_id: Some(d),
            ..Filter::default()
        },
    }
}

fn whom(w: &WaitFor) -> String {
    match w {
        WaitFor::Doctor(d) => format!("doctor {d}"),
        WaitFor::Specialization(s) => format!("any {s} doctor"),
    }
}

impl Services {
    fn today(&self) -> NaiveDate {
        self.config
            .time_zone
            .from_utc_datetime(&self.clock.now_naive())
            .date_naive()
    }

    /// Puts a patient on the waitlist; the entry is offered a free slot at once when
    /// there is one. Returns the entry as it stands then.
    pub async fn add_to_waitlist(
        &self,
        actor: &Actor,
        new: NewWaitlistEntry,
    ) -> Result<WaitlistEntry, ServiceError> {
        let event = AuditEvent::by(actor, actions::WAITLIST_ADD, "waitlist_entry")
            .patient(new.patient_id)
            .detail(format!(
                "{} from {} to {}{}",
                whom(&new.wait_for),
                new.from_date,
                new.to_date,
                new.part_of_day
                    .map(|p| format!(", {}", p.label()))
                    .unwrap_or_default()
            ));
        if !may_change(actor, new.patient_id) {
            return Err(self
                .audit_refusal(
                    event,
                    ServiceError::Forbidden("put this patient on the waitlist".into()),
                )
                .await);
        }
        let (id, doctors) = match self.insert_entry(actor, &new).await {
            Ok(v) => v,
            Err(e) => return Err(self.audit_refusal(event, e).await),
        };
        self.audit(event.entity_id(id)).await?;
        for doctor_id in doctors {
            self.offer_freed_time(actor, doctor_id).await;
        }
        store::get(&self.db, id, false)
            .await?
            .ok_or_else(|| ServiceError::NotFound("That waitlist entry".into()))
    }

    /// Validates and writes a new entry; returns its id and the doctors who could serve it.
    async fn insert_entry(
        &self,
        actor: &Actor,
        new: &NewWaitlistEntry,
    ) -> Result<(i32, Vec<i32>), ServiceError> {
        let from = validation::date_in_range(new.from_date)?;
        let to = validation::date_in_range(new.to_date)?;
        if to < from {
            return Err(ServiceError::Invalid(format!(
                "The last date {to} is before the first date {from}."
            )));
        }
        if to < self.today() {
            return Err(ServiceError::Invalid(format!(
                "{to} has passed; a waitlist entry waits for dates to come."
            )));
        }
        if (to - from).num_days() >= MAX_RANGE_DAYS {
            return Err(ServiceError::Invalid(format!(
                "A waitlist entry covers at most {MAX_RANGE_DAYS} days."
            )));
        }
        let minutes = validation::duration_minutes(
            new.duration_minutes
                .unwrap_or(self.config.default_duration_minutes),
        )?;
        match patients::get(&self.db, new.patient_id).await? {
            None => return Err(ServiceError::NotFound("That patient".into())),
            Some(p) if !p.is_active => {
                return Err(ServiceError::Invalid(
                    "This patient's record is deactivated; reactivate it first.".into(),
                ));
            }
            Some(_) => {}
        }
        let (wait_for, doctors) = match &new.wait_for {
            WaitFor::Doctor(d) => match people::get_doctor(&self.db, *d).await? {
                Some(doc) if doc.is_active => (WaitFor::Doctor(*d), vec![*d]),
                Some(_) => {
                    return Err(ServiceError::Invalid(
                        "That doctor's account is deactivated.".into(),
                    ));
                }
                None => return Err(ServiceError::NotFound("That doctor".into())),
            },
            WaitFor::Specialization(s) => {
                let s = validation::required_text("Specialization", s, 100)?;
                let doctors: Vec<i32> = booking_store::doctors_for(&self.db, Some(&s))
                    .await?
                    .into_iter()
                    .map(|(id, _)| id)
                    .collect();
                if doctors.is_empty() {
                    return Err(ServiceError::Invalid(format!(
                        "No active doctor has the specialization {s}."
                    )));
                }
                (WaitFor::Specialization(s), doctors)
            }
        };
        let open = store::list(
            &self.db,
            &Filter {
                patient_id: Some(new.patient_id),
                open_only: true,
                ..Filter::default()
            },
            1000,
        )
        .await?;
        if let Some(same) = open
            .iter()
            .find(|e| e.wait_for == wait_for && e.from_date <= to && from <= e.to_date)
        {
            return Err(ServiceError::Conflict(format!(
                "This patient already waits for {} from {} to {} (entry {}).",
                match &same.wait_for {
                    WaitFor::Doctor(_) => same.doctor_name.clone().unwrap_or_default(),
                    WaitFor::Specialization(s) => format!("any {s} doctor"),
                },
                same.from_date,
                same.to_date,
                same.id
            )));
        }
        let row = EntryRow {
            patient_id: new.patient_id,
            wait_for: &wait_for,
            from_date: from,
            to_date: to,
            part_of_day: new.part_of_day,
            duration_minutes: i32::try_from(minutes).unwrap_or(60),
        };
        let id = store::insert(
            &self.db,
            &row,
            (actor.kind_str(), actor.id()),
            self.clock.now_naive(),
        )
        .await?;
        Ok((id, doctors))
    }

    /// The waitlist, oldest first: open entries only (waiting and offered), or every
    /// entry with `open_only` false. One WAITLIST_READ audit row per patient listed.
    pub async fn waitlist(
        &self,
        actor: &Actor,
        open_only: bool,
    ) -> Result<Vec<WaitlistEntry>, ServiceError> {
        self.sweep_waitlist().await?;
        let filter = Filter {
            open_only,
            ..filter_for(actor)
        };
        let entries = store::list(&self.db, &filter, 10_000).await?;
        let mut patients: Vec<i32> = entries.iter().map(|e| e.patient_id).collect();
        patients.sort_unstable();
        patients.dedup();
        let event =
            AuditEvent::by(actor, actions::WAITLIST_READ, "waitlist_entry").detail(if open_only {
                "open entries"
            } else {
                "all entries"
            });
        let rows: Vec<AuditEvent> = if patients.is_empty() {
            vec![event]
        } else {
            patients.iter().map(|p| event.clone().patient(*p)).collect()
        };
        audit::append_many(&self.db, self.clock.now_naive(), &rows).await?;
        Ok(entries)
    }

    /// How many entries wait and how many have an offer to book (what the actor may see).
    pub async fn waitlist_counts(&self, actor: &Actor) -> Result<WaitlistCounts, ServiceError> {
        self.sweep_waitlist().await?;
        let base = filter_for(actor);
        let open = store::count(
            &self.db,
            &Filter {
                open_only: true,
                ..base
            },
        )
        .await?;
        let offered = store::count(
            &self.db,
            &Filter {
                offered_only: true,
                ..base
            },
        )
        .await?;
        self.audit(
            AuditEvent::by(actor, actions::WAITLIST_COUNT, "waitlist_entry")
                .detail(format!("{open} open, {offered} offered")),
        )
        .await?;
        Ok(WaitlistCounts {
            waiting: u32::try_from(open - offered).unwrap_or(0),
            offered: u32::try_from(offered).unwrap_or(0),
        })
    }

    /// Books the slot offered to an entry, through the normal booking check, and closes
    /// the entry (BOOKED, with the appointment) in the same transaction. When the slot
    /// was taken meanwhile, the entry waits again (and is offered another slot if there
    /// is one) and the refusal says why.
    pub async fn book_waitlist_offer(
        &self,
        actor: &Actor,
        entry_id: i32,
    ) -> Result<Appointment, ServiceError> {
        self.sweep_waitlist().await?;
        let event =
            AuditEvent::by(actor, actions::WAITLIST_BOOK, "waitlist_entry").entity_id(entry_id);
        let Some(entry) = store::get(&self.db, entry_id, false).await? else {
            return Err(self
                .audit_refusal(event, ServiceError::NotFound("That waitlist entry".into()))
                .await);
        };
        let event = event.patient(entry.patient_id);
        let offer = match (&entry.offer, entry.status) {
            (Some(o), WaitlistStatus::Offered) => o.clone(),
            _ => {
                let e = ServiceError::Invalid(format!(
                    "This waitlist entry has no open offer (it is {}).",
                    entry.status.label().to_lowercase()
                ));
                return Err(self.audit_refusal(event, e).await);
            }
        };
        if !may_change(actor, entry.patient_id)
            || !may_on_appointment(actor, Action::Book, offer.doctor_id, entry.patient_id)
        {
            let e = ServiceError::Forbidden(Action::Book.phrase().into());
            return Err(self.audit_refusal(event, e).await);
        }
        let duration = u32::try_from(entry.duration_minutes).unwrap_or(60);
        let req = BookingRequest {
            patient_id: entry.patient_id,
            doctor_id: offer.doctor_id,
            start_utc: offer.start_utc,
            duration_minutes: Some(duration),
        };
        let book_event = AuditEvent::by(actor, actions::APPOINTMENT_BOOK, "appointment")
            .patient(entry.patient_id)
            .detail(format!(
                "doctor {} at {} (waitlist entry {entry_id})",
                offer.doctor_id, offer.start_utc
            ));
        let result = match self.check_start(offer.start_utc, duration) {
            Err(e) => Err(e),
            Ok(()) => {
                self.in_transaction(|| {
                    self.book_offer_once(&entry, &req, duration, book_event.clone(), &event)
                })
                .await
            }
        };
        match result {
            Ok(a) => Ok(a),
            Err(e) => {
                if matches!(e, ServiceError::Conflict(_) | ServiceError::Invalid(_)) {
                    self.release_offer(actor, &entry, "the offered time could not be booked")
                        .await;
                    self.offer_freed_time(actor, offer.doctor_id).await;
                }
                Err(self.audit_refusal(book_event, e).await)
            }
        }
    }

    async fn book_offer_once(
        &self,
        entry: &WaitlistEntry,
        req: &BookingRequest,
        duration: u32,
        book_event: AuditEvent,
        event: &AuditEvent,
    ) -> Result<Appointment, TxError> {
        let now = self.clock.now_naive();
        let mut tx = self.db.begin().await?;
        self.lock_parties(&mut tx, req.doctor_id, req.patient_id)
            .await?;
        let current = store::get(&mut *tx, entry.id, true).await?;
        let unchanged = current.as_ref().is_some_and(|c| {
            c.status == WaitlistStatus::Offered
                && c.offer.as_ref().map(|o| (o.doctor_id, o.start_utc))
                    == entry.offer.as_ref().map(|o| (o.doctor_id, o.start_utc))
        });
        if !unchanged {
            return refuse(ServiceError::Conflict(
                "This offer changed meanwhile; look at the waitlist again.".into(),
            ));
        }
        let appointment = self.book_in_tx(&mut tx, req, duration, book_event).await?;
        store::close(
            &mut *tx,
            &[entry.id],
            WaitlistStatus::Booked,
            Some(appointment.id),
            now,
        )
        .await?;
        audit::append(
            &mut *tx,
            now,
            &event
                .clone()
                .detail(format!("appointment {}", appointment.id)),
        )
        .await?;
        tx.commit().await?;
        Ok(appointment)
    }

    /// The entry, when `actor` may change it; else the refusal, audited.
    async fn entry_to_change(
        &self,
        actor: &Actor,
        entry_id: i32,
        event: &AuditEvent,
    ) -> Result<WaitlistEntry, ServiceError> {
        match store::get(&self.db, entry_id, false).await? {
            Some(e) if may_change(actor, e.patient_id) => Ok(e),
            Some(e) => {
                let err = ServiceError::Forbidden("change this waitlist entry".into());
                Err(self
                    .audit_refusal(event.clone().patient(e.patient_id), err)
                    .await)
            }
            None => {
                let err = ServiceError::NotFound("That waitlist entry".into());
                Err(self.audit_refusal(event.clone(), err).await)
            }
        }
    }

    /// Declines an entry's offer: the entry waits again, and the slot is offered to the
    /// next entry that wants it (not to this one).
    pub async fn decline_waitlist_offer(
        &self,
        actor: &Actor,
        entry_id: i32,
    ) -> Result<(), ServiceError> {
        let event =
            AuditEvent::by(actor, actions::WAITLIST_RELEASE, "waitlist_entry").entity_id(entry_id);
        let entry = self.entry_to_change(actor, entry_id, &event).await?;
        let Some(offer) = entry
            .offer
            .clone()
            .filter(|_| entry.status == WaitlistStatus::Offered)
        else {
            let err = ServiceError::Invalid("This waitlist entry has no open offer.".into());
            return Err(self
                .audit_refusal(event.patient(entry.patient_id), err)
                .await);
        };
        let mut tx = self.db.begin().await?;
        store::clear_offers(&mut *tx, &[entry_id]).await?;
        audit::append(
            &mut *tx,
            self.clock.now_naive(),
            &event.patient(entry.patient_id).detail(format!(
                "declined doctor {} at {}",
                offer.doctor_id, offer.start_utc
            )),
        )
        .await?;
        tx.commit().await?;
        if let Err(e) = self
            .match_waitlist(actor, offer.doctor_id, &[entry_id])
            .await
        {
            tracing::warn!(error = %e, "could not offer a declined slot to the waitlist");
        }
        Ok(())
    }

    /// Takes an entry off the waitlist (kept as CANCELLED); a slot it was offered goes to
    /// the next entry.
    pub async fn remove_from_waitlist(
        &self,
        actor: &Actor,
        entry_id: i32,
    ) -> Result<(), ServiceError> {
        let event =
            AuditEvent::by(actor, actions::WAITLIST_REMOVE, "waitlist_entry").entity_id(entry_id);
        let entry = self.entry_to_change(actor, entry_id, &event).await?;
        let now = self.clock.now_naive();
        let mut tx = self.db.begin().await?;
        let closed =
            store::close(&mut *tx, &[entry_id], WaitlistStatus::Cancelled, None, now).await?;
        if closed == 0 {
            let err = ServiceError::Invalid(format!(
                "This waitlist entry is already {}.",
                entry.status.label().to_lowercase()
            ));
            return Err(self
                .audit_refusal(event.patient(entry.patient_id), err)
                .await);
        }
        audit::append(&mut *tx, now, &event.patient(entry.patient_id)).await?;
        tx.commit().await?;
        if let (WaitlistStatus::Offered, Some(offer)) = (entry.status, &entry.offer) {
            self.offer_freed_time(actor, offer.doctor_id).await;
        }
        Ok(())
    }

    /// Offers a doctor's free time to the waitlist (see the module documentation). Runs
    /// after a change has committed; a failure here is logged, never the caller's error
    /// (the next freed time, or the next added entry, offers again).
    pub(crate) async fn offer_freed_time(&self, actor: &Actor, doctor_id: i32) {
        if let Err(e) = self.match_waitlist(actor, doctor_id, &[]).await {
            tracing::warn!(error = %e, doctor_id, "could not offer freed time to the waitlist");
        }
    }

    /// Puts an offered entry back to waiting (its slot could not be booked).
    async fn release_offer(&self, actor: &Actor, entry: &WaitlistEntry, why: &str) {
        let result: Result<(), sqlx::Error> = async {
            let mut tx = self.db.begin().await?;
            store::clear_offers(&mut *tx, &[entry.id]).await?;
            let event = AuditEvent::by(actor, actions::WAITLIST_RELEASE, "waitlist_entry")
                .entity_id(entry.id)
                .patient(entry.patient_id)
                .detail(why);
            audit::append(&mut *tx, self.clock.now_naive(), &event).await?;
            tx.commit().await
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not put a waitlist offer back");
        }
    }

    /// Offers free slots of `doctor_id` to the waiting entries it can serve (other than
    /// `except`); returns what was offered: (entry id, slot).
    pub(crate) async fn match_waitlist(
        &self,
        actor: &Actor,
        doctor_id: i32,
        except: &[i32],
    ) -> Result<Vec<(i32, Slot)>, ServiceError> {
        let Some(doctor) = people::get_doctor(&self.db, doctor_id).await? else {
            return Ok(Vec::new());
        };
        if !doctor.is_active {
            return Ok(Vec::new());
        }
        self.in_transaction(|| self.match_once(actor, doctor_id, &doctor.specialization, except))
            .await
    }

    async fn match_once(
        &self,
        actor: &Actor,
        doctor_id: i32,
        specialization: &str,
        except: &[i32],
    ) -> Result<Vec<(i32, Slot)>, TxError> {
        let tz = self.config.time_zone;
        let now = self.clock.now_naive();
        let today = self.today();
        let mut tx = self.db.begin().await?;
        if booking_store::lock_doctor(&mut *tx, doctor_id).await? != Some(true) {
            return Ok(Vec::new());
        }
        let waiting: Vec<WaitlistEntry> =
            store::waiting_for(&mut *tx, doctor_id, specialization, today)
                .await?
                .into_iter()
                .filter(|e| !except.contains(&e.id))
                .collect();
        let (Some(first), Some(last)) = (
            waiting.iter().map(|e| e.from_date).min(),
            waiting.iter().map(|e| e.to_date).max(),
        ) else {
            tx.commit().await?;
            return Ok(Vec::new());
        };
        let from = first.max(today);
        let last = last.min(
            from.checked_add_days(Days::new(365))
                .unwrap_or(validation::MAX_DATE),
        );
        let days = u32::try_from((last - from).num_days() + 1).unwrap_or(1);
        let span = match SlotSpan::new(tz, from, days) {
            Ok(s) => s,
            Err(e) => return refuse(e),
        };
        let inputs =
            free_time::slot_inputs(&mut *tx, Doctors::Ids(&[doctor_id]), &span.range).await?;
        let mut patients: Vec<i32> = waiting.iter().map(|e| e.patient_id).collect();
        patients.sort_unstable();
        patients.dedup();
        let offers = store::offers(&mut *tx, doctor_id, &patients).await?;
        let span_of = |start: chrono::NaiveDateTime, minutes: i32| {
            Busy::new(start, start + chrono::Duration::minutes(i64::from(minutes)))
        };
        let held: Vec<Busy> = offers
            .iter()
            .filter(|o| o.3 == doctor_id)
            .map(|o| span_of(o.1, o.2))
            .collect();
        let mut patient_busy: Vec<(i32, Busy)> =
            offers.iter().map(|o| (o.0, span_of(o.1, o.2))).collect();
        patient_busy.extend(
            store::patients_busy(&mut *tx, &patients, span.range.busy_from, span.range.to)
                .await?
                .into_iter()
                .map(|(p, s, m)| (p, span_of(s, m))),
        );
        let windows: Vec<_> = inputs.windows.iter().map(|(_, w)| *w).collect();
        let extra: Vec<_> = inputs.extra.iter().map(|(_, x)| *x).collect();
        let time_off: Vec<_> = inputs.time_off.iter().map(|(_, t)| t.clone()).collect();
        let busy: Vec<Busy> = inputs
            .busy
            .iter()
            .map(|(_, s, m)| span_of(*s, *m))
            .collect();
        let step = self.config.slot_step_minutes;
        let slots_for = |minutes: i32| {
            let query = SlotQuery::new(span.from, span.to)
                .with_duration(u32::try_from(minutes).unwrap_or(60))
                .with_step(step)
                .not_before(now);
            engine::free_slots_with_extra(&query, tz, &windows, &extra, &time_off, &busy)
        };
        let given = assign_offers(
            tz,
            doctor_id,
            specialization,
            &waiting,
            slots_for,
            &held,
            &patient_busy,
        );
        let mut rows = Vec::new();
        let mut offered = Vec::new();
        for (entry_id, slot) in given {
            if store::set_offer(
                &mut *tx,
                entry_id,
                doctor_id,
                slot.start_utc,
                slot.location_id,
                now,
            )
            .await?
            {
                let patient = waiting
                    .iter()
                    .find(|e| e.id == entry_id)
                    .map(|e| e.patient_id);
                let mut event = AuditEvent::by(actor, actions::WAITLIST_OFFER, "waitlist_entry")
                    .entity_id(entry_id)
                    .detail(format!("doctor {doctor_id} at {}", slot.start_utc));
                if let Some(p) = patient {
                    event = event.patient(p);
                }
                rows.push(event);
                offered.push((entry_id, slot));
            }
        }
        audit::append_many(&mut *tx, now, &rows).await?;
        tx.commit().await?;
        Ok(offered)
    }

    /// Expires entries whose range has ended and puts offers whose slot has begun back
    /// to waiting, audited per entry (by the system).
    async fn sweep_waitlist(&self) -> Result<(), ServiceError> {
        let (today, now) = (self.today(), self.clock.now_naive());
        let (expired, lapsed) = store::due(&self.db, today, now, false).await?;
        if expired.is_empty() && lapsed.is_empty() {
            return Ok(());
        }
        let mut tx = self.db.begin().await?;
        let (expired, lapsed) = store::due(&mut *tx, today, now, true).await?;
        let ids = |v: &[(i32, i32)]| v.iter().map(|(id, _)| *id).collect::<Vec<_>>();
        store::close(&mut *tx, &ids(&expired), WaitlistStatus::Expired, None, now).await?;
        store::clear_offers(&mut *tx, &ids(&lapsed)).await?;
        let row = |action, (id, patient): (i32, i32), detail: &str| {
            AuditEvent::by(&Actor::System, action, "waitlist_entry")
                .entity_id(id)
                .patient(patient)
                .detail(detail)
        };
        let mut rows: Vec<AuditEvent> = expired
            .iter()
            .map(|e| row(actions::WAITLIST_EXPIRE, *e, "its last date has passed"))
            .collect();
        rows.extend(
            lapsed
                .iter()
                .map(|e| row(actions::WAITLIST_RELEASE, *e, "the offered time has begun")),
        );
        audit::append_many(&mut *tx, now, &rows).await?;
        tx.commit().await?;
        Ok(())
    }
}
