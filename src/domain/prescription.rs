//! A prescription as the seed's example document describes it. The MongoDB mapping
//! (field names, BSON dates) lives in `store::mongo`.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Medication {
    pub name: String,
    pub dosage: String,
    pub frequency: String,
    pub duration_days: Option<u32>,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClinicalNotes {
    pub chief_complaint: String,
    pub diagnosis: String,
    pub recommendations: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Attachment {
    /// e.g. "pdf", "png", "link".
    pub kind: String,
    pub file_name: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prescription {
    /// The document `_id` as hex, once stored.
    pub id: Option<String>,
    pub appointment_id: i32,
    pub doctor_id: i32,
    pub patient_id: i32,
    pub date_issued: DateTime<Utc>,
    pub medications: Vec<Medication>,
    pub notes: ClinicalNotes,
    pub tags: Vec<String>,
    pub attachments: Vec<Attachment>,
    pub created_at: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
    pub version: i64,
}
