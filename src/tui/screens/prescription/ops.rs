//! The service calls behind the prescription screens' requests, shared by the screens
//! whose `Operation::run` makes them (the editor and the viewer both export; both open
//! an appointment). Errors are [`ServiceError`]s (a local file that cannot be read is an
//! `Invalid` one, whose sentence is shown as it is); an export's is an [`ExportError`].

use crate::domain::prescription::{Attachment, Prescription};
use crate::domain::{Actor, Role};
use crate::service::prescription_files::{self as files, DraftFile};
use crate::service::prescriptions::{AppointmentBrief, MAX_ATTACHMENT_BYTES};
use crate::service::{ServiceError, Services};
use crate::tui::drafts::drafts_dir;
use crate::tui::export::{ExportError, write_file};
use crate::tui::screen::Action;

/// Everything an editor needs when it opens.
#[derive(Debug, Clone, PartialEq)]
pub struct EditorData {
    pub brief: AppointmentBrief,
    pub stored: Option<Prescription>,
    pub known_tags: Vec<String>,
    /// A draft left by an earlier session that could not save.
    pub draft_file: Option<DraftFile>,
}

/// The refusal for anyone but the appointment's doctor (as the service words it).
pub const ONLY_ITS_DOCTOR: &str = "write this prescription; only the appointment's doctor can, and others open it read-only from the timeline";

/// The appointment, its prescription, the doctor's tags and any local draft file; only
/// for the appointment's doctor.
pub async fn open_editor(
    services: &Services,
    actor: &Actor,
    appointment_id: i32,
) -> Result<EditorData, ServiceError> {
    let brief = services.appointment_brief(actor, appointment_id).await?;
    // Ids are per table: a patient or an admin with the doctor's number is not the doctor.
    // MERGE: with branch `rules` this check is the service's: the brief, stored version
    // and tags come from `services.open_prescription_for_edit(actor, appointment_id)`.
    if actor.role() != Some(Role::Doctor) || actor.id() != Some(brief.doctor_id) {
        return Err(ServiceError::Forbidden(ONLY_ITS_DOCTOR.into()));
    }
    let stored = services.load_for_appointment(actor, appointment_id).await?;
    let known_tags = services
        .tag_suggestions(actor, "")
        .await
        .unwrap_or_default();
    let dir = drafts_dir();
    let draft_file = tokio::task::spawn_blocking(move || files::read_draft(&dir, appointment_id))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "unreadable prescription draft file");
            None
        });
    Ok(EditorData {
        brief,
        stored,
        known_tags,
        draft_file,
    })
}

/// The appointment and its prescription (if any), to read.
pub async fn open_viewer(
    services: &Services,
    actor: &Actor,
    appointment_id: i32,
) -> Result<(AppointmentBrief, Option<Prescription>), ServiceError> {
    let brief = services.appointment_brief(actor, appointment_id).await?;
    let p = services.load_for_appointment(actor, appointment_id).await?;
    Ok((brief, p))
}

/// Exports the stored version as Markdown to the export folder; the file's path.
pub async fn export(
    services: &Services,
    actor: &Actor,
    appointment_id: i32,
) -> Result<String, ExportError> {
    let md = services.export_markdown(actor, appointment_id).await?;
    write_file(format!("prescription-appointment-{appointment_id}.md"), md).await
}

/// What an export's answer shows: where the file went, or why there is none.
pub fn exported<Op>(result: Result<String, ExportError>) -> Action<Op> {
    match result {
        Ok(path) => Action::Info(format!("Prescription exported to {path}")),
        Err(e) => e.action(),
    }
}

/// Uploads the local file at `path` for the appointment's prescription, named `name` (or
/// after the file); the attachment to add to the draft.
pub async fn attach_file(
    services: &Services,
    actor: &Actor,
    appointment_id: i32,
    path: String,
    name: String,
) -> Result<Attachment, ServiceError> {
    // MERGE: with branch `rules` this is `services.attach_file_from_path(actor,
    // appointment_id, path, name)`, which checks the doctor and the size itself.
    let unreadable = |e: std::io::Error| ServiceError::Invalid(format!("Cannot read {path}: {e}"));
    let meta = tokio::fs::metadata(&path).await.map_err(unreadable)?;
    if !meta.is_file() {
        return Err(ServiceError::Invalid(format!("{path} is not a file.")));
    }
    if meta.len() > MAX_ATTACHMENT_BYTES as u64 {
        return Err(ServiceError::Invalid(format!(
            "{path} is {} KiB; attachments are at most {} MiB.",
            meta.len() / 1024,
            MAX_ATTACHMENT_BYTES / (1024 * 1024)
        )));
    }
    let bytes = tokio::fs::read(&path).await.map_err(unreadable)?;
    let file_name = if name.is_empty() {
        std::path::Path::new(&path)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("attachment")
            .to_string()
    } else {
        name
    };
    services
        .attach_file(actor, appointment_id, &file_name, &bytes)
        .await
}
