//! Prescriptions: one MongoDB document per appointment, edited with optimistic
//! concurrency. A save names the version it was based on; the document is replaced only
//! if its version is still that one, and the version that replace removes must already
//! be in `prescription_history`. Each version is copied there by the save that wrote it,
//! right after writing it, so a save is usually one document write on the critical path
//! (plus the copy, beside the audit row); when that copy is missing (the store went away
//! in between), the next save makes it before replacing. A save learns that the version
//! it replaces is in the history by reading it there (beside the appointment), or
//! without reading when this process wrote that version itself (a doctor saving again
//! and again). A stale editor gets
//! [`SaveError::Stale`] with the newer document, never a lost update, and never reaches
//! the history. No multi-document transactions are used.
//!
//! Permissions (DESIGN.md §3): writing is the appointment's doctor's alone; reading is
//! for admins (all), doctors (patients they have or had an appointment with that was not
//! cancelled: a booking made and cancelled grants nothing) and patients (their own). The front desk only learns whether a prescription exists.
//! Every read and write is audited with the patient's id.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use thiserror::Error;

use mongodb::Database;

use super::audit::actions;
use super::booking::local_label;
use super::connect::KnownVersion;
use super::{ServiceError, Services};
use crate::domain::appointment::ListFilter;
use crate::domain::appointment::{Appointment, AppointmentStatus};
use crate::domain::audit::{AuditEvent, Outcome};
use crate::domain::permission::{Access, Action, access};
use crate::domain::prescription::{
    self as rx, Attachment, DiffLine, Prescription, PrescriptionSummary, PrintHeader,
};
use crate::domain::{Actor, Role};
use crate::store::mongo::prescriptions as store;
use crate::store::mysql::booking::list_views;
use crate::store::mysql::{appointments, patients, people};

/// Largest file that may be attached (stored in GridFS).
pub const MAX_ATTACHMENT_BYTES: usize = 4 * 1024 * 1024;

/// Why a save did not happen.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SaveError {
    /// Someone saved a newer version since this draft was loaded.
    #[error(
        "Someone saved a newer version of this prescription (version {}) while you were editing. Your changes are kept: reload theirs or keep editing yours on top of it.",
        .current.version
    )]
    Stale { current: Box<Prescription> },
    /// A new prescription was started, but the appointment already has one.
    #[error(
        "This appointment already has a prescription (version {}). Your changes are kept: reload it or keep editing yours on top of it.",
        .current.version
    )]
    AlreadyExists { current: Box<Prescription> },
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl SaveError {
    /// The newer stored version, for a conflict.
    pub fn current(&self) -> Option<&Prescription> {
        match self {
            SaveError::Stale { current } | SaveError::AlreadyExists { current } => Some(current),
            SaveError::Service(_) => None,
        }
    }

    /// Whether the prescription store could not be reached (the draft must be kept).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            SaveError::Service(ServiceError::DocumentStoreUnavailable(_))
        )
    }
}

/// One line of a patient's prescription timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    pub summary: PrescriptionSummary,
    /// The appointment's start, UTC.
    pub appointment_time: Option<NaiveDateTime>,
    pub doctor_name: String,
}

/// An appointment as the prescription screens show it.
#[derive(Debug, Clone, PartialEq)]
pub struct AppointmentBrief {
    pub appointment_id: i32,
    pub patient_id: i32,
    pub patient_name: String,
    pub doctor_id: i32,
    pub doctor_name: String,
    pub start_utc: NaiveDateTime,
    pub status: AppointmentStatus,
    /// The version of its prescription, when it has one.
    pub prescription_version: Option<i64>,
}

/// Counts for the insight panel.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Insight {
    pub medications: Vec<(String, i64)>,
    pub tags: Vec<(String, i64)>,
}

/// `diff` re-exported where the UI looks for services.
pub fn diff(a: &Prescription, b: &Prescription) -> Vec<DiffLine> {
    rx::diff(a, b)
}

impl Services {
    /// Copies a version just written (by the insert or the replace that won) into
    /// `prescription_history`, so that the next save replaces it in a single write. Only
    /// the writer of a version copies it, so a stale editor's draft never reaches the
    /// history. If the copy fails (or the process dies first), the next save finds the
    /// version missing from the history and copies it before replacing it.
    async fn archive_written(&self, mongo: &Database, saved: &Prescription, now: DateTime<Utc>) {
        let Some(id) = saved.id.as_deref() else {
            return;
        };
        match store::archive(mongo, id, saved, now).await {
            Err(e) if !store::is_duplicate_key(&e) => {
                tracing::warn!(error = %e, version = saved.version, "could not copy a saved prescription version to the history; the next save will");
            }
            _ => {
                if let Some(known) = KnownVersion::of(saved) {
                    self.docs.remember(saved.appointment_id, known);
                }
            }
        }
    }

    pub(super) async fn refuse(&self, event: AuditEvent, err: ServiceError) -> ServiceError {
        let outcome = if matches!(err, ServiceError::Forbidden(_)) {
            Outcome::Denied
        } else {
            Outcome::Failed
        };
        if let Err(e) = self
            .audit(event.outcome(outcome).detail(err.to_string()))
            .await
        {
            tracing::warn!(error = %e, "could not audit a refused prescription access");
        }
        err
    }

    pub(super) async fn appointment(
        &self,
        appointment_id: i32,
    ) -> Result<Appointment, ServiceError> {
        appointments::get(&self.db, appointment_id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("Appointment {appointment_id}")))
    }

    /// Whether a doctor has (or had) a non-cancelled appointment with a patient.
    async fn is_doctors_patient(
        &self,
        doctor_id: i32,
        patient_id: i32,
    ) -> Result<bool, ServiceError> {
        Ok(appointments::doctor_treats_patient(&self.db, doctor_id, patient_id).await?)
    }

    /// Whether `actor` may read this patient's prescriptions.
    async fn may_read(&self, actor: &Actor, patient_id: i32) -> Result<bool, ServiceError> {
        Ok(match actor {
            Actor::System => true,
            Actor::User { role, id, .. } => {
                match (access(*role, Action::ReadPrescriptions), role) {
                    (Access::All, _) => true,
                    (Access::Own, Role::Patient) => *id == patient_id,
                    (Access::Own, Role::Doctor) => self.is_doctors_patient(*id, patient_id).await?,
                    _ => false,
                }
            }
        })
    }

    /// Refuses (audited) unless `actor` may read this patient's prescriptions.
    pub(super) async fn check_read(
        &self,
        actor: &Actor,
        patient_id: i32,
        event: &AuditEvent,
    ) -> Result<(), ServiceError> {
        if self.may_read(actor, patient_id).await? {
            Ok(())
        } else {
            Err(self
                .refuse(
                    event.clone(),
                    ServiceError::Forbidden(Action::ReadPrescriptions.phrase().into()),
                )
                .await)
        }
    }

    /// An appointment's prescription, if it has one.
    pub async fn load_for_appointment(
        &self,
        actor: &Actor,
        appointment_id: i32,
    ) -> Result<Option<Prescription>, ServiceError> {
        let appt = self.appointment(appointment_id).await?;
        let event = AuditEvent::by(actor, actions::PRESCRIPTION_READ, "prescription")
            .entity_id(appointment_id)
            .patient(appt.patient_id);
        self.check_read(actor, appt.patient_id, &event).await?;
        let found = store::find_by_appointment(self.mongo().await?, appointment_id).await?;
        let detail = found
            .as_ref()
            .map_or("none".to_string(), |p| format!("version {}", p.version));
        self.audit(event.detail(detail)).await?;
        Ok(found)
    }

    /// Whether an appointment has a prescription: all that the front desk may know.
    pub async fn prescription_exists(
        &self,
        actor: &Actor,
        appointment_id: i32,
    ) -> Result<bool, ServiceError> {
        let appt = self.appointment(appointment_id).await?;
        let event = AuditEvent::by(actor, actions::PRESCRIPTION_EXISTS, "prescription")
            .entity_id(appointment_id)
            .patient(appt.patient_id);
        let allowed = match actor {
            Actor::System => true,
            Actor::User { role, id, .. } => match role {
                Role::Admin | Role::FrontDesk => true,
                Role::Doctor => {
                    appt.doctor_id == *id || self.may_read(actor, appt.patient_id).await?
                }
                Role::Patient => appt.patient_id == *id,
            },
        };
        if !allowed {
            return Err(self
                .refuse(
                    event,
                    ServiceError::Forbidden("see this appointment's records".into()),
                )
                .await);
        }
        let exists = store::exists(self.mongo().await?, appointment_id).await?;
        self.audit(event.detail(if exists { "exists" } else { "none" }))
            .await?;
        Ok(exists)
    }

    /// Creates (`expected_version` = None) or updates (Some(version the draft was based
    /// on)) an appointment's prescription. See the module documentation.
    pub async fn save_prescription(
        &self,
        actor: &Actor,
        draft: Prescription,
        expected_version: Option<i64>,
    ) -> Result<Prescription, SaveError> {
        let appointment_id = draft.appointment_id;
        let action = if expected_version.is_some() {
            actions::PRESCRIPTION_UPDATE
        } else {
            actions::PRESCRIPTION_CREATE
        };
        let mongo = self.mongo().await?;
        // An update needs the version it is based on to be in the history. If this
        // process wrote that version, it knows; otherwise it reads the history's copy
        // alongside the appointment (used only once the permission check has passed).
        let (appt, based_on) = match expected_version {
            Some(v) => match self.docs.known(appointment_id, v) {
                Some(known) => (
                    self.appointment(appointment_id).await?,
                    Some(Ok(Some(known))),
                ),
                None => {
                    let (appt, copy) = tokio::join!(
                        self.appointment(appointment_id),
                        store::archived_version(mongo, appointment_id, v)
                    );
                    let base = copy.map(|c| c.as_ref().and_then(KnownVersion::of));
                    (appt?, Some(base))
                }
            },
            None => (self.appointment(appointment_id).await?, None),
        };
        let event = AuditEvent::by(actor, action, "prescription")
            .entity_id(appointment_id)
            .patient(appt.patient_id);
        let is_doctor =
            matches!(actor, Actor::User { role: Role::Doctor, id, .. } if *id == appt.doctor_id);
        if !is_doctor {
            let err = ServiceError::Forbidden(Action::WritePrescriptions.phrase().into());
            return Err(self.refuse(event, err).await.into());
        }
        let mut next = draft;
        next.doctor_id = appt.doctor_id;
        next.patient_id = appt.patient_id;
        if let Err(message) = rx::normalise_and_validate(&mut next) {
            return Err(self
                .refuse(event, ServiceError::Invalid(message))
                .await
                .into());
        }
        let now = self.clock.now();
        next.last_updated = now;
        let result = match (expected_version, based_on) {
            (Some(v), Some(based_on)) => self.update(next, v, now, based_on).await,
            _ => self.create(next, &appt, now).await,
        };
        match result {
            Ok(saved) => {
                // The audit row and the history copy of the version just written go side
                // by side; the copy is repaired by the next save if it fails.
                let detail = format!(
                    "version {}, {} medications",
                    saved.version,
                    saved.medications.len()
                );
                let (audited, ()) = tokio::join!(
                    self.audit(event.detail(detail)),
                    self.archive_written(mongo, &saved, now)
                );
                audited?;
                Ok(saved)
            }
            Err(SaveError::Service(e)) => Err(self.refuse(event, e).await.into()),
            Err(conflict) => {
                let detail = format!(
                    "conflict: based on {:?}, stored {:?}",
                    expected_version,
                    conflict.current().map(|c| c.version)
                );
                if let Err(e) = self
                    .audit(event.outcome(Outcome::Failed).detail(detail))
                    .await
                {
                    tracing::warn!(error = %e, "could not audit a save conflict");
                }
                Err(conflict)
            }
        }
    }

    async fn create(
        &self,
        mut next: Prescription,
        appt: &Appointment,
        now: DateTime<Utc>,
    ) -> Result<Prescription, SaveError> {
        if appt.status == AppointmentStatus::Cancelled {
            return Err(ServiceError::Invalid(
                "This appointment was cancelled; it cannot get a prescription.".into(),
            )
            .into());
        }
        next.version = 1;
        next.created_at = now;
        next.date_issued = now;
        let mongo = self.mongo().await?;
        match store::insert(mongo, &next).await {
            Ok(id) => {
                next.id = Some(id);
                Ok(next)
            }
            Err(e) if store::is_duplicate_key(&e) => {
                let current = store::find_by_appointment(mongo, next.appointment_id)
                    .await
                    .map_err(ServiceError::from)?
                    .ok_or_else(|| {
                        ServiceError::Conflict(
                            "This appointment already has a prescription.".into(),
                        )
                    })?;
                Err(SaveError::AlreadyExists {
                    current: Box::new(current),
                })
            }
            Err(e) => Err(ServiceError::from(e).into()),
        }
    }

    async fn stale(&self, appointment_id: i32) -> SaveError {
        let mongo = match self.mongo().await {
            Ok(mongo) => mongo,
            Err(e) => return e.into(),
        };
        match store::find_by_appointment(mongo, appointment_id).await {
            Ok(Some(current)) => SaveError::Stale {
                current: Box::new(current),
            },
            Ok(None) => ServiceError::NotFound("This prescription".into()).into(),
            Err(e) => ServiceError::from(e).into(),
        }
    }

    /// Replaces version `expected` with `next`: one document write when the history
    /// already holds version `expected` (the usual case, see [`archive_written`]), so
    /// that the replace cannot lose it.
    async fn update(
        &self,
        mut next: Prescription,
        expected: i64,
        now: DateTime<Utc>,
        based_on: Result<Option<KnownVersion>, mongodb::error::Error>,
    ) -> Result<Prescription, SaveError> {
        let mongo = self.mongo().await?;
        let base = match based_on.map_err(ServiceError::from)? {
            Some(known) => known,
            // Not in the history: the copy after its own save never happened (the store
            // went away between the two writes), the document comes from a release that
            // copied only replaced versions, or was loaded without history (the demo
            // seed), or the draft is stale. If the document is still at `expected`, copy
            // it to the history before replacing it. Should the replace then fail or
            // lose, the history holds a version that is also still current: harmless.
            // (Reading the document on every save instead, beside the history copy, would
            // make this rare path shorter and every other one heavier.)
            None => {
                let current = store::find_by_appointment(mongo, next.appointment_id)
                    .await
                    .map_err(ServiceError::from)?
                    .ok_or_else(|| ServiceError::NotFound("This prescription".into()))?;
                if current.version != expected {
                    return Err(SaveError::Stale {
                        current: Box::new(current),
                    });
                }
                let Some(known) = KnownVersion::of(&current) else {
                    return Err(ServiceError::Internal(
                        "a stored prescription without an id".into(),
                    )
                    .into());
                };
                if let Err(e) = store::archive(mongo, &known.id, &current, now).await
                    && !store::is_duplicate_key(&e)
                {
                    return Err(ServiceError::from(e).into());
                }
                known
            }
        };
        next.id = Some(base.id);
        next.version = expected + 1;
        next.created_at = base.created_at;
        next.date_issued = base.date_issued;
        next.last_updated = now;
        // Filtered on the version: if someone saved since, nothing is written and this
        // editor learns of the newer version.
        if store::replace_if_version(mongo, &next, expected)
            .await
            .map_err(ServiceError::from)?
        {
            Ok(next)
        } else {
            Err(self.stale(next.appointment_id).await)
        }
    }

    /// Every version of an appointment's prescription, oldest first, the current last.
    pub async fn prescription_history(
        &self,
        actor: &Actor,
        appointment_id: i32,
    ) -> Result<Vec<Prescription>, ServiceError> {
        let appt = self.appointment(appointment_id).await?;
        let event = AuditEvent::by(actor, actions::PRESCRIPTION_HISTORY, "prescription")
            .entity_id(appointment_id)
            .patient(appt.patient_id);
        self.check_read(actor, appt.patient_id, &event).await?;
        let mut versions =
            store::history_for_appointment(self.mongo().await?, appointment_id).await?;
        if let Some(current) =
            store::find_by_appointment(self.mongo().await?, appointment_id).await?
        {
            versions.retain(|v| v.version < current.version);
            versions.push(current);
        }
        versions.dedup_by_key(|v| v.version);
        self.audit(event.detail(format!("{} versions", versions.len())))
            .await?;
        Ok(versions)
    }

    /// A patient's prescriptions, newest first, with the appointment time and doctor.
    pub async fn timeline_for_patient(
        &self,
        actor: &Actor,
        patient_id: i32,
    ) -> Result<Vec<TimelineEntry>, ServiceError> {
        let event = AuditEvent::by(actor, actions::PRESCRIPTION_TIMELINE, "prescription")
            .patient(patient_id);
        self.check_read(actor, patient_id, &event).await?;
        let found = store::for_patient(self.mongo().await?, patient_id).await?;
        let views = list_views(
            &self.db,
            &ListFilter {
                patient_id: Some(patient_id),
                include_cancelled: true,
                ..ListFilter::default()
            },
        )
        .await?;
        let mut doctor_names = std::collections::HashMap::new();
        for v in &views {
            doctor_names.insert(v.appointment.doctor_id, v.doctor_name.clone());
        }
        let mut entries = Vec::with_capacity(found.len());
        for p in found {
            let view = views.iter().find(|v| v.appointment.id == p.appointment_id);
            let doctor_name = match doctor_names.get(&p.doctor_id) {
                Some(n) => n.clone(),
                None => people::get_doctor(&self.db, p.doctor_id)
                    .await?
                    .map_or_else(|| format!("doctor {}", p.doctor_id), |d| d.full_name),
            };
            entries.push(TimelineEntry {
                summary: p.summary(),
                appointment_time: view.map(|v| v.appointment.start_utc),
                doctor_name,
            });
        }
        self.audit(event.detail(format!("{} prescriptions", entries.len())))
            .await?;
        Ok(entries)
    }

    /// A doctor's appointments from `days` days ago to the end of today (UTC instants
    /// given by the caller), newest first, each with its prescription version if any.
    /// Admins and the front desk see every doctor's. The front desk learns only whether
    /// a prescription exists.
    pub async fn recent_for_prescriptions(
        &self,
        actor: &Actor,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> Result<Vec<AppointmentBrief>, ServiceError> {
        let mut filter = ListFilter {
            from: Some(from),
            to: Some(to),
            include_cancelled: false,
            limit: Some(500),
            ..ListFilter::default()
        };
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
        let views = self.list_appointments(actor, filter).await?;
        let ids: Vec<i32> = views.iter().map(|v| v.appointment.id).collect();
        let versions = store::versions_for(self.mongo().await?, &ids).await?;
        let mut out: Vec<AppointmentBrief> = views
            .into_iter()
            .map(|v| AppointmentBrief {
                appointment_id: v.appointment.id,
                patient_id: v.appointment.patient_id,
                patient_name: v.patient_name,
                doctor_id: v.appointment.doctor_id,
                doctor_name: v.doctor_name,
                start_utc: v.appointment.start_utc,
                status: v.appointment.status,
                prescription_version: versions
                    .iter()
                    .find(|(a, _)| *a == v.appointment.id)
                    .map(|(_, ver)| *ver),
            })
            .collect();
        out.reverse();
        let event = AuditEvent::by(actor, actions::PRESCRIPTION_EXISTS, "prescription").detail(
            format!("{} appointments listed with prescription flags", out.len()),
        );
        self.audit(event).await?;
        Ok(out)
    }

    /// The appointment with names, for the editor's header.
    pub async fn appointment_brief(
        &self,
        actor: &Actor,
        appointment_id: i32,
    ) -> Result<AppointmentBrief, ServiceError> {
        let appt = self.appointment(appointment_id).await?;
        let event = AuditEvent::by(actor, actions::PRESCRIPTION_READ, "appointment")
            .entity_id(appointment_id)
            .patient(appt.patient_id);
        let mine =
            matches!(actor, Actor::User { role: Role::Doctor, id, .. } if *id == appt.doctor_id);
        if !mine {
            self.check_read(actor, appt.patient_id, &event).await?;
        }
        let patient = patients::get(&self.db, appt.patient_id).await?;
        let doctor = people::get_doctor(&self.db, appt.doctor_id).await?;
        let version = store::versions_for(self.mongo().await?, &[appointment_id])
            .await?
            .first()
            .map(|(_, v)| *v);
        Ok(AppointmentBrief {
            appointment_id,
            patient_id: appt.patient_id,
            patient_name: patient
                .map_or_else(|| format!("patient {}", appt.patient_id), |p| p.full_name),
            doctor_id: appt.doctor_id,
            doctor_name: doctor
                .map_or_else(|| format!("doctor {}", appt.doctor_id), |d| d.full_name),
            start_utc: appt.start_utc,
            status: appt.status,
            prescription_version: version,
        })
    }

    /// A printable Markdown prescription of the stored version.
    pub async fn export_markdown(
        &self,
        actor: &Actor,
        appointment_id: i32,
    ) -> Result<String, ServiceError> {
        let appt = self.appointment(appointment_id).await?;
        let event = AuditEvent::by(actor, actions::PRESCRIPTION_EXPORT, "prescription")
            .entity_id(appointment_id)
            .patient(appt.patient_id);
        self.check_read(actor, appt.patient_id, &event).await?;
        let Some(p) = store::find_by_appointment(self.mongo().await?, appointment_id).await? else {
            return Err(self
                .refuse(
                    event,
                    ServiceError::NotFound("A saved prescription for this appointment".into()),
                )
                .await);
        };
        let patient = patients::get(&self.db, appt.patient_id).await?;
        let doctor = people::get_doctor(&self.db, appt.doctor_id).await?;
        let tz = self.config.time_zone;
        let header = PrintHeader {
            clinic_name: self.config.clinic_name.clone(),
            patient_name: patient.as_ref().map_or_else(
                || format!("patient {}", appt.patient_id),
                |p| p.full_name.clone(),
            ),
            patient_date_of_birth: patient.as_ref().and_then(|p| p.date_of_birth),
            doctor_name: doctor.as_ref().map_or_else(
                || format!("doctor {}", appt.doctor_id),
                |d| d.full_name.clone(),
            ),
            specialization: doctor.map(|d| d.specialization).unwrap_or_default(),
            appointment_label: local_label(tz, appt.start_utc),
            issued_label: p
                .date_issued
                .with_timezone(&tz)
                .format("%-d %B %Y")
                .to_string(),
        };
        let md = rx::render_markdown(&p, &header);
        self.audit(event.detail(format!("version {}", p.version)))
            .await?;
        Ok(md)
    }

    /// Tags already used, most used first, starting with `prefix` (case-insensitive):
    /// a doctor's own, or everyone's for an admin.
    pub async fn tag_suggestions(
        &self,
        actor: &Actor,
        prefix: &str,
    ) -> Result<Vec<String>, ServiceError> {
        let doctor = self.insight_scope(actor, "see tag suggestions")?;
        let prefix = prefix.trim().to_lowercase();
        let tags = store::distinct_tags(self.mongo().await?, doctor, 500).await?;
        Ok(tags
            .into_iter()
            .filter(|t| t.to_lowercase().starts_with(&prefix))
            .collect())
    }

    /// Doctors see their own prescriptions, admins everyone's; `Some(doctor)` filters.
    fn insight_scope(&self, actor: &Actor, what: &str) -> Result<Option<i32>, ServiceError> {
        match actor {
            Actor::System
            | Actor::User {
                role: Role::Admin, ..
            } => Ok(None),
            Actor::User {
                role: Role::Doctor,
                id,
                ..
            } => Ok(Some(*id)),
            _ => Err(ServiceError::Forbidden(what.into())),
        }
    }

    async fn insight_event(
        &self,
        actor: &Actor,
        what: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Option<i32>, ServiceError> {
        let event = AuditEvent::by(actor, actions::PRESCRIPTION_INSIGHT, "prescription")
            .detail(format!("{what} from {from} to {to}"));
        match self.insight_scope(actor, "see prescription statistics") {
            Ok(scope) => {
                self.audit(event).await?;
                Ok(scope)
            }
            Err(e) => Err(self.refuse(event, e).await),
        }
    }

    /// The most prescribed medications issued in `[from, to)`.
    pub async fn top_medications(
        &self,
        actor: &Actor,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(String, i64)>, ServiceError> {
        let scope = self
            .insight_event(actor, "top medications", from, to)
            .await?;
        Ok(store::top_medications(self.mongo().await?, scope, from, to, limit).await?)
    }

    /// The most used tags in `[from, to)`.
    pub async fn top_tags(
        &self,
        actor: &Actor,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(String, i64)>, ServiceError> {
        let scope = self.insight_event(actor, "top tags", from, to).await?;
        Ok(store::top_tags(self.mongo().await?, scope, from, to, limit).await?)
    }

    /// Both counts over the last `days` days, for the insight panel.
    pub async fn insight(
        &self,
        actor: &Actor,
        days: i64,
        limit: u32,
    ) -> Result<Insight, ServiceError> {
        let to = self.clock.now() + Duration::seconds(1);
        let from = to - Duration::days(days.max(1));
        Ok(Insight {
            medications: self.top_medications(actor, from, to, limit).await?,
            tags: self.top_tags(actor, from, to, limit).await?,
        })
    }

    /// Stores a local file for an appointment's prescription (GridFS) and returns the
    /// attachment to add to the draft. Only the appointment's doctor may attach.
    pub async fn attach_file(
        &self,
        actor: &Actor,
        appointment_id: i32,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<Attachment, ServiceError> {
        let appt = self.appointment(appointment_id).await?;
        let event = AuditEvent::by(actor, actions::PRESCRIPTION_ATTACH, "prescription")
            .entity_id(appointment_id)
            .patient(appt.patient_id)
            .detail(format!("{} bytes", bytes.len()));
        let is_doctor =
            matches!(actor, Actor::User { role: Role::Doctor, id, .. } if *id == appt.doctor_id);
        if !is_doctor {
            let err = ServiceError::Forbidden(Action::WritePrescriptions.phrase().into());
            return Err(self.refuse(event, err).await);
        }
        if bytes.len() > MAX_ATTACHMENT_BYTES {
            let err = ServiceError::Invalid(format!(
                "\"{file_name}\" is {} KiB; attachments are at most {} MiB.",
                bytes.len() / 1024,
                MAX_ATTACHMENT_BYTES / (1024 * 1024)
            ));
            return Err(self.refuse(event, err).await);
        }
        let id = store::store_file(self.mongo().await?, appointment_id, file_name, bytes).await?;
        self.audit(event).await?;
        Ok(Attachment {
            kind: attachment_kind(file_name),
            file_name: file_name.to_string(),
            url: format!("gridfs:{id}"),
        })
    }

    /// The bytes of a stored attachment (readers of the prescription only).
    pub async fn attachment_bytes(
        &self,
        actor: &Actor,
        appointment_id: i32,
        attachment: &Attachment,
    ) -> Result<Vec<u8>, ServiceError> {
        let appt = self.appointment(appointment_id).await?;
        let event = AuditEvent::by(actor, actions::PRESCRIPTION_READ, "prescription_file")
            .entity_id(appointment_id)
            .patient(appt.patient_id)
            .detail(attachment.file_name.clone());
        self.check_read(actor, appt.patient_id, &event).await?;
        let Some(id) = attachment.url.strip_prefix("gridfs:") else {
            return Err(ServiceError::Invalid(format!(
                "\"{}\" is a link, not a stored file.",
                attachment.file_name
            )));
        };
        let bytes = store::read_file(self.mongo().await?, id).await?;
        self.audit(event).await?;
        Ok(bytes)
    }
}

/// "pdf" from "scan.PDF"; "file" when there is no extension.
pub fn attachment_kind(file_name: &str) -> String {
    std::path::Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .filter(|e| !e.is_empty())
        .unwrap_or_else(|| "file".to_string())
}

/// A link attachment: "link" with its URL, named after the last path segment unless a
/// name is given.
pub fn link_attachment(url: &str, name: &str) -> Result<Attachment, String> {
    let url = url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() < 10 {
        return Err(format!(
            "\"{url}\" is not a web link; links start with https:// (or give a local file path)."
        ));
    }
    let name = name.trim();
    let file_name = if name.is_empty() {
        url.trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(url)
            .to_string()
    } else {
        name.to_string()
    };
    Ok(Attachment {
        kind: "link".into(),
        file_name,
        url: url.to_string(),
    })
}
