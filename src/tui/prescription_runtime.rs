//! The runtime side of the prescription screens: service calls as tokio tasks, and the
//! local draft files.

use std::path::PathBuf;

use tokio::sync::mpsc::UnboundedSender;

use super::msg::Msg;
use super::screens::prescription::{DraftOp, EditorData, RxOp, RxReply, SaveFailure};
use crate::domain::Actor;
use crate::service::prescription_files::{self as files, default_drafts_dir};
use crate::service::prescriptions::MAX_ATTACHMENT_BYTES;
use crate::service::{ServiceError, Services};

/// Where draft files go: `SMART_CLINIC_DRAFTS_DIR` when set (tests, several
/// installations on one account), else the XDG state directory.
pub fn drafts_dir() -> PathBuf {
    std::env::var_os("SMART_CLINIC_DRAFTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(default_drafts_dir)
}

/// Runs one request in a task and sends its reply.
pub fn spawn(services: Services, tx: UnboundedSender<Msg>, request: u64, actor: Actor, op: RxOp) {
    super::task::spawn(&tx, request, async move {
        let reply = run(&services, &actor, op).await;
        Msg::Prescription { request, reply }
    });
}

/// Writes or deletes a draft file right away, before the next effect runs: the files are
/// small, and doing it in order means a delete after a successful save can never be
/// overtaken by an older write, and a write on Ctrl-C finishes before the app exits.
pub fn draft_file(tx: &UnboundedSender<Msg>, op: DraftOp) {
    let dir = drafts_dir();
    match op {
        DraftOp::Write(file) => {
            let appointment_id = file.appointment_id;
            let result = files::write_draft(&dir, &file)
                .map(|p| p.display().to_string())
                .map_err(|e| e.to_string());
            if let Err(e) = &result {
                tracing::warn!(error = %e, "could not write a prescription draft file");
            }
            let _ = tx.send(Msg::Prescription {
                request: 0,
                reply: RxReply::DraftWritten {
                    appointment_id,
                    result,
                },
            });
        }
        DraftOp::Delete { appointment_id } => {
            if let Err(e) = files::delete_draft(&dir, appointment_id) {
                tracing::warn!(error = %e, "could not delete a prescription draft file");
            }
        }
    }
}

fn text(e: ServiceError) -> String {
    e.to_string()
}

async fn run(services: &Services, actor: &Actor, op: RxOp) -> RxReply {
    match op {
        RxOp::LoadList { from, to } => RxReply::List(
            services
                .recent_for_prescriptions(actor, from, to)
                .await
                .map_err(text),
        ),
        RxOp::LoadTimeline { patient_id } => RxReply::Timeline(
            services
                .timeline_for_patient(actor, patient_id)
                .await
                .map_err(text),
        ),
        RxOp::OpenEditor { appointment_id } => RxReply::Editor(
            open_editor(services, actor, appointment_id)
                .await
                .map(Box::new),
        ),
        RxOp::OpenViewer { appointment_id } => {
            let result = async {
                let brief = services.appointment_brief(actor, appointment_id).await?;
                let p = services.load_for_appointment(actor, appointment_id).await?;
                Ok::<_, ServiceError>(Box::new((brief, p)))
            }
            .await;
            RxReply::Viewer(result.map_err(text))
        }
        RxOp::Save {
            draft,
            expected_version,
        } => RxReply::Saved(
            services
                .save_prescription(actor, *draft, expected_version)
                .await
                .map(Box::new)
                .map_err(SaveFailure::from),
        ),
        RxOp::LoadHistory { appointment_id } => RxReply::History(
            services
                .prescription_history(actor, appointment_id)
                .await
                .map_err(text),
        ),
        RxOp::Export { appointment_id } => {
            let result = async {
                let md = services
                    .export_markdown(actor, appointment_id)
                    .await
                    .map_err(text)?;
                super::export::write(format!("prescription-appointment-{appointment_id}.md"), md)
                    .await
            }
            .await;
            RxReply::Exported(result)
        }
        RxOp::AttachFile {
            appointment_id,
            path,
            name,
        } => {
            let result = async {
                let meta = tokio::fs::metadata(&path)
                    .await
                    .map_err(|e| format!("Cannot read {path}: {e}"))?;
                if !meta.is_file() {
                    return Err(format!("{path} is not a file."));
                }
                if meta.len() > MAX_ATTACHMENT_BYTES as u64 {
                    return Err(format!(
                        "{path} is {} KiB; attachments are at most {} MiB.",
                        meta.len() / 1024,
                        MAX_ATTACHMENT_BYTES / (1024 * 1024)
                    ));
                }
                let bytes = tokio::fs::read(&path)
                    .await
                    .map_err(|e| format!("Cannot read {path}: {e}"))?;
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
                    .map_err(text)
            }
            .await;
            RxReply::Attached(result)
        }
        RxOp::Insight { days } => {
            RxReply::Insight(services.insight(actor, days, 8).await.map_err(text))
        }
    }
}

async fn open_editor(
    services: &Services,
    actor: &Actor,
    appointment_id: i32,
) -> Result<EditorData, String> {
    let brief = services
        .appointment_brief(actor, appointment_id)
        .await
        .map_err(text)?;
    // Ids are per table: a patient or an admin with the doctor's number is not the doctor.
    if actor.role() != Some(crate::domain::Role::Doctor) || actor.id() != Some(brief.doctor_id) {
        return Err(
            "Only the appointment's doctor can write its prescription; it opens read-only from the timeline."
                .into(),
        );
    }
    let stored = services
        .load_for_appointment(actor, appointment_id)
        .await
        .map_err(text)?;
    let known_tags = services
        .tag_suggestions(actor, "")
        .await
        .unwrap_or_default();
    let dir = drafts_dir();
    let draft_file = tokio::task::spawn_blocking(move || files::read_draft(&dir, appointment_id))
        .await
        .map_err(|e| e.to_string())?
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
