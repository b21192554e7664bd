//! Local files of the prescription editor: unsaved drafts (JSON, one per appointment,
//! under the XDG state directory) and exported Markdown prescriptions. Called by the TUI
//! runtime, never by `update`.

use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::prescription::Prescription;

/// What a draft file holds: the prescription being edited and the stored version it was
/// based on (`None` for a new one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftFile {
    pub appointment_id: i32,
    pub expected_version: Option<i64>,
    pub written_at: DateTime<Utc>,
    pub draft: Prescription,
}

/// `$XDG_STATE_HOME/smart-clinic/drafts` (or the local data dir, or `./.smart-clinic`).
pub fn default_drafts_dir() -> PathBuf {
    dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .map(|d| d.join("smart-clinic"))
        .unwrap_or_else(|| PathBuf::from(".smart-clinic"))
        .join("drafts")
}

pub fn draft_path(dir: &Path, appointment_id: i32) -> PathBuf {
    dir.join(format!("appointment-{appointment_id}.json"))
}

/// Writes a draft atomically (temporary file, then rename), readable by the user only.
pub fn write_draft(dir: &Path, file: &DraftFile) -> io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = draft_path(dir, file.appointment_id);
    let tmp = path.with_extension("json.tmp");
    let text = serde_json::to_string_pretty(file).map_err(io::Error::other)?;
    std::fs::write(&tmp, text)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))?;
    }
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

/// The draft of an appointment, if a readable one exists. A damaged file is reported as
/// an error (and left alone), not silently ignored.
pub fn read_draft(dir: &Path, appointment_id: i32) -> io::Result<Option<DraftFile>> {
    let path = draft_path(dir, appointment_id);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let file: DraftFile = serde_json::from_str(&text).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{} is not a readable draft: {e}", path.display()),
        )
    })?;
    Ok((file.appointment_id == appointment_id).then_some(file))
}

/// Removes a draft; a missing file is fine.
pub fn delete_draft(dir: &Path, appointment_id: i32) -> io::Result<()> {
    match std::fs::remove_file(draft_path(dir, appointment_id)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_round_trip_and_vanish() {
        let dir = std::env::temp_dir().join(format!("clinic-drafts-{}", std::process::id()));
        let now = Utc::now();
        let mut p = Prescription::new_draft(42, 1, 2, now);
        p.notes.diagnosis = "Grippe — 流感\nline 2".into();
        let file = DraftFile {
            appointment_id: 42,
            expected_version: Some(3),
            written_at: now,
            draft: p,
        };
        let path = write_draft(&dir, &file).expect("write");
        assert!(path.ends_with("appointment-42.json"));
        assert_eq!(read_draft(&dir, 42).expect("read"), Some(file));
        assert_eq!(read_draft(&dir, 43).expect("read"), None);
        delete_draft(&dir, 42).expect("delete");
        delete_draft(&dir, 42).expect("deleting twice is fine");
        assert_eq!(read_draft(&dir, 42).expect("read"), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
