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
