//! Local copies of unsaved prescriptions ("draft files"): written when a session ends or
//! locks with an edit unsaved, or when a save cannot reach the server; offered again
//! when the editor of that appointment next opens.

use std::path::PathBuf;

use tokio::sync::mpsc::UnboundedSender;

use super::msg::Msg;
use crate::service::prescription_files::{self as files, DraftFile, default_drafts_dir};

/// Write or delete one appointment's draft file.
#[derive(Debug, Clone, PartialEq)]
pub enum DraftOp {
    Write(Box<DraftFile>),
    Delete { appointment_id: i32 },
}

/// Where draft files go: `SMART_CLINIC_DRAFTS_DIR` when set (tests, several
/// installations on one account), else the XDG state directory.
pub fn drafts_dir() -> PathBuf {
    std::env::var_os("SMART_CLINIC_DRAFTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(default_drafts_dir)
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
            let _ = tx.send(Msg::DraftWritten {
                appointment_id,
                result,
            });
        }
        DraftOp::Delete { appointment_id } => {
            if let Err(e) = files::delete_draft(&dir, appointment_id) {
                tracing::warn!(error = %e, "could not delete a prescription draft file");
            }
        }
    }
}
