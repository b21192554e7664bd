//! Where exported files go (receipts, CSV reports, the audit trail, prescriptions) and
//! writing them off the async threads. Called from the runtimes only, never from
//! `update` or `render`.

use std::path::PathBuf;

/// `CLINIC_EXPORT_DIR`, else the documents folder under "Smart Clinic", else the local
/// data folder, else the current directory.
pub fn export_dir() -> PathBuf {
    std::env::var_os("CLINIC_EXPORT_DIR")
        .map(PathBuf::from)
        .or_else(|| dirs::document_dir().map(|d| d.join("Smart Clinic")))
        .or_else(|| dirs::data_local_dir().map(|d| d.join("smart-clinic").join("exports")))
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Writes `content` to `file_name` in the export folder; the full path, or a sentence.
pub async fn write(file_name: String, content: String) -> Result<String, String> {
    let dir = export_dir();
    tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(file_name);
        std::fs::write(&path, content)?;
        Ok::<_, std::io::Error>(path.display().to_string())
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| format!("The file could not be written: {e}"))
}

/// Why an export left no file: the service refused or failed, or the file could not be
/// written (a sentence).
#[derive(Debug, Clone, PartialEq)]
pub enum ExportError {
    Service(crate::service::ServiceError),
    File(String),
}

impl From<crate::service::ServiceError> for ExportError {
    fn from(e: crate::service::ServiceError) -> ExportError {
        ExportError::Service(e)
    }
}

impl ExportError {
    /// The action that shows it: a service failure as such (an outage is recognised),
    /// a file problem as a sentence.
    pub fn action<Op>(self) -> super::screen::Action<Op> {
        match self {
            ExportError::Service(e) => super::screen::Action::Failed(e),
            ExportError::File(text) => super::screen::Action::Error(text),
        }
    }
}

/// Writes `content` to `file_name` in the export folder; the full path.
pub async fn write_file(file_name: String, content: String) -> Result<String, ExportError> {
    write(file_name, content).await.map_err(ExportError::File)
}
