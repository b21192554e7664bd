//! The service calls behind the prescription screens' requests, shared by the screens
//! whose `Operation::run` makes them (the editor and the viewer both export; both open
//! an appointment). Errors are [`ServiceError`]s; an export's is an [`ExportError`]. The
//! rules (only the appointment's doctor writes or attaches; an attachment's size) are
//! the service's.

use crate::domain::Actor;
use crate::domain::prescription::Prescription;
use crate::service::prescription_files::{self as files, DraftFile};
use crate::service::prescriptions::AppointmentBrief;
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

/// The appointment, its prescription, the doctor's tags (the service refuses anyone but
/// the appointment's doctor) and any local draft file.
pub async fn open_editor(
    services: &Services,
    actor: &Actor,
    appointment_id: i32,
) -> Result<EditorData, ServiceError> {
    let opened = services
        .open_prescription_for_edit(actor, appointment_id)
        .await?;
    let dir = drafts_dir();
    let draft_file = tokio::task::spawn_blocking(move || files::read_draft(&dir, appointment_id))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "unreadable prescription draft file");
            None
        });
    Ok(EditorData {
        brief: opened.brief,
        stored: opened.stored,
        known_tags: opened.known_tags,
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
