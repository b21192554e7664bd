//! The service calls behind the prescription screens' requests, shared by the screens
//! whose `Operation::run` makes them (the editor and the viewer both export; both open
//! an appointment). Errors are [`ServiceError`]s; an export's is an [`ExportError`]. The
//! rules (only the appointment's doctor writes or attaches; an attachment's size) are
//! the service's.

use crate::domain::Actor;
use crate::domain::prescription::Prescription;
use crate::service::pdf::Paper;
use crate::service::prescription_files::{self as files, DraftFile};
use crate::service::prescriptions::AppointmentBrief;
use crate::service::{ServiceError, Services};
use crate::tui::drafts::drafts_dir;
use crate::tui::export::{ExportError, export_dir, write_file};
use crate::tui::screen::Action;
use crate::tui::widgets::form::Form;

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

/// What `x` writes: a printable PDF (on A4 or Letter paper) or Markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Pdf(Paper),
    Markdown,
}

/// The export question's one field.
pub const FORMAT: &str = "format";
const FORMATS: [(&str, ExportFormat); 3] = [
    ("PDF (A4)", ExportFormat::Pdf(Paper::A4)),
    ("PDF (Letter)", ExportFormat::Pdf(Paper::Letter)),
    ("Markdown", ExportFormat::Markdown),
];

/// The form `x` opens: PDF or Markdown (←/→, or `p` / `m`), Enter writes the file.
pub fn export_form() -> Form<&'static str> {
    Form::new("Export the prescription")
        .choice(
            FORMAT,
            "Format",
            FORMATS.iter().map(|(label, _)| *label),
            0,
            "←/→, p PDF, m Markdown",
        )
        .with_footer("Enter export · ←/→ format · Esc cancel")
}

/// The format chosen on [`export_form`].
pub fn chosen_format(form: &Form<&'static str>) -> ExportFormat {
    form.selected(FORMAT)
        .and_then(|i| FORMATS.get(i))
        .map_or(ExportFormat::Pdf(Paper::A4), |(_, f)| *f)
}

/// Exports the stored version as a PDF or Markdown to the export folder; the file's
/// path.
pub async fn export(
    services: &Services,
    actor: &Actor,
    appointment_id: i32,
    format: ExportFormat,
) -> Result<String, ExportError> {
    match format {
        ExportFormat::Markdown => {
            let md = services.export_markdown(actor, appointment_id).await?;
            write_file(format!("prescription-appointment-{appointment_id}.md"), md).await
        }
        ExportFormat::Pdf(paper) => {
            let bytes = services
                .prescription_pdf(actor, appointment_id, paper)
                .await?;
            write_bytes(
                format!("prescription-appointment-{appointment_id}.pdf"),
                bytes,
            )
            .await
        }
    }
}

/// Writes `bytes` to `file_name` in the export folder, off the async threads.
async fn write_bytes(file_name: String, bytes: Vec<u8>) -> Result<String, ExportError> {
    let dir = export_dir();
    tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(file_name);
        std::fs::write(&path, bytes)?;
        Ok::<_, std::io::Error>(path.display().to_string())
    })
    .await
    .map_err(|e| ExportError::File(e.to_string()))?
    .map_err(|e| ExportError::File(format!("The file could not be written: {e}")))
}

/// What an export's answer shows: where the file went, or why there is none.
pub fn exported<Op>(result: Result<String, ExportError>) -> Action<Op> {
    match result {
        Ok(path) => Action::Info(format!("Prescription exported to {path}")),
        Err(e) => e.action(),
    }
}
