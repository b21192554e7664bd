//! What the prescription editor needs from the services, with its rules enforced here:
//! opening an appointment's prescription for writing (its doctor only) and attaching a
//! local file (its doctor only; the size is checked before the file is read).

use std::io;
use std::path::Path;

use super::audit::actions;
use super::prescriptions::{AppointmentBrief, MAX_ATTACHMENT_BYTES};
use super::{ServiceError, Services};
use crate::domain::Actor;
use crate::domain::Role;
use crate::domain::appointment::Appointment;
use crate::domain::audit::AuditEvent;
use crate::domain::prescription::{Attachment, Prescription};
use crate::domain::validation;

/// What the editor opens with.
#[derive(Debug, Clone, PartialEq)]
pub struct PrescriptionForEdit {
    pub brief: AppointmentBrief,
    /// The stored prescription, `None` when the appointment has none yet.
    pub stored: Option<Prescription>,
    /// Tags the doctor has used, most used first (empty if they could not be read).
    pub known_tags: Vec<String>,
}

/// The refusal for anyone but the appointment's doctor (the phrase of
/// `ServiceError::Forbidden`).
pub const ONLY_ITS_DOCTOR: &str = "write this prescription; only the appointment's doctor can, and others open it read-only from the timeline";

/// Ids are per table: a patient or an admin with the doctor's number is not the doctor.
fn is_its_doctor(actor: &Actor, appt: &Appointment) -> bool {
    matches!(actor, Actor::User { role: Role::Doctor, id, .. } if *id == appt.doctor_id)
}

/// A file problem as a sentence naming the file.
fn unreadable(path: &Path, e: &io::Error) -> ServiceError {
    ServiceError::Invalid(match e.kind() {
        io::ErrorKind::NotFound => format!("There is no file at {}.", path.display()),
        io::ErrorKind::PermissionDenied => {
            format!("{} cannot be read: permission denied.", path.display())
        }
        _ => format!("{} cannot be read: {e}.", path.display()),
    })
}

impl Services {
    /// Refuses (audited as denied) anyone but the appointment's doctor; `what` says what
    /// was attempted, for the audit row.
    async fn require_its_doctor(
        &self,
        actor: &Actor,
        appt: &Appointment,
        action: &'static str,
        what: &str,
    ) -> Result<(), ServiceError> {
        if is_its_doctor(actor, appt) {
            return Ok(());
        }
        let event = AuditEvent::by(actor, action, "prescription")
            .entity_id(appt.id)
            .patient(appt.patient_id)
            .detail(what);
        Err(self
            .refuse(event, ServiceError::Forbidden(ONLY_ITS_DOCTOR.into()))
            .await)
    }

    /// Opens an appointment's prescription for writing: the header, the stored version
    /// (read and audited like any read) and the doctor's tags. Only the appointment's
    /// doctor may; anyone else is refused (and audited) before anything is read.
    pub async fn open_prescription_for_edit(
        &self,
        actor: &Actor,
        appointment_id: i32,
    ) -> Result<PrescriptionForEdit, ServiceError> {
        let appt = self.appointment(appointment_id).await?;
        self.require_its_doctor(
            actor,
            &appt,
            actions::PRESCRIPTION_UPDATE,
            "open the editor",
        )
        .await?;
        let brief = self.appointment_brief(actor, appointment_id).await?;
        let stored = self.load_for_appointment(actor, appointment_id).await?;
        let known_tags = match self.tag_suggestions(actor, "").await {
            Ok(tags) => tags,
            Err(e) => {
                tracing::warn!(error = %e, "could not read tag suggestions");
                Vec::new()
            }
        };
        Ok(PrescriptionForEdit {
            brief,
            stored,
            known_tags,
        })
    }

    /// Stores the local file at `path` for an appointment's prescription and returns the
    /// attachment to add to the draft, named `name` (or after the file when `name` is
    /// blank). Only the appointment's doctor may. The file must exist, be a regular file
    /// and be at most [`MAX_ATTACHMENT_BYTES`]; its size is checked before it is read.
    pub async fn attach_file_from_path(
        &self,
        actor: &Actor,
        appointment_id: i32,
        path: &Path,
        name: &str,
    ) -> Result<Attachment, ServiceError> {
        let appt = self.appointment(appointment_id).await?;
        self.require_its_doctor(actor, &appt, actions::PRESCRIPTION_ATTACH, "attach a file")
            .await?;
        let meta = tokio::fs::metadata(path)
            .await
            .map_err(|e| unreadable(path, &e))?;
        if !meta.is_file() {
            let what = if meta.is_dir() {
                "is a folder, not a file"
            } else {
                "is not a regular file"
            };
            return Err(ServiceError::Invalid(format!("{} {what}.", path.display())));
        }
        if meta.len() > MAX_ATTACHMENT_BYTES as u64 {
            return Err(ServiceError::Invalid(format!(
                "{} is {} KiB; attachments are at most {} MiB.",
                path.display(),
                meta.len() / 1024,
                MAX_ATTACHMENT_BYTES / (1024 * 1024)
            )));
        }
        let file_name = if name.trim().is_empty() {
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("attachment")
                .to_string()
        } else {
            name.to_string()
        };
        let file_name = validation::required_text("File name", &file_name, 255)?;
        let bytes = tokio::fs::read(path)
            .await
            .map_err(|e| unreadable(path, &e))?;
        self.attach_file(actor, appointment_id, &file_name, &bytes)
            .await
    }
}
