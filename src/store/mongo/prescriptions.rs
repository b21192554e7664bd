//! The `prescriptions` collection, shaped exactly like the seed's example document, and
//! `prescription_history` (a copy of each version, plus `prescription_id` and
//! `archived_at`; the service copies a version when it writes it, so the current one
//! is usually there too).

use chrono::{DateTime, Utc};
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{self, doc};
use mongodb::{Collection, Database};
use serde::{Deserialize, Serialize};

use super::{PRESCRIPTION_HISTORY, PRESCRIPTIONS};
use crate::domain::prescription::{Attachment, ClinicalNotes, Medication, Prescription};

#[derive(Debug, Clone, Serialize, Deserialize)]
struct MedicationDoc {
    name: String,
    dosage: String,
    #[serde(default)]
    frequency: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    duration_days: Option<i64>,
    #[serde(default)]
    notes: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct NotesDoc {
    #[serde(default)]
    chief_complaint: String,
    #[serde(default)]
    diagnosis: String,
    #[serde(default)]
    recommendations: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct AttachmentDoc {
    #[serde(rename = "type")]
    kind: String,
    file_name: String,
    #[serde(default)]
    url: String,
}

/// Every field of a prescription but its `_id`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Body {
    appointment_id: i32,
    doctor_id: i32,
    patient_id: i32,
    date_issued: bson::DateTime,
    #[serde(default)]
    medications: Vec<MedicationDoc>,
    #[serde(default)]
    notes: NotesDoc,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    attachments: Vec<AttachmentDoc>,
    created_at: bson::DateTime,
    last_updated: bson::DateTime,
    version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct PrescriptionDoc {
    #[serde(rename = "_id", skip_serializing_if = "Option::is_none")]
    id: Option<ObjectId>,
    #[serde(flatten)]
    body: Body,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct HistoryDoc {
    #[serde(rename = "_id", skip_serializing_if = "Option::is_none")]
    id: Option<ObjectId>,
    prescription_id: ObjectId,
    archived_at: bson::DateTime,
    #[serde(flatten)]
    body: Body,
}

fn to_bson_time(t: DateTime<Utc>) -> bson::DateTime {
    bson::DateTime::from_millis(t.timestamp_millis())
}

fn from_bson_time(t: bson::DateTime) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(t.timestamp_millis()).unwrap_or_default()
}

impl Body {
    fn from_domain(p: &Prescription) -> Body {
        Body {
            appointment_id: p.appointment_id,
            doctor_id: p.doctor_id,
            patient_id: p.patient_id,
            date_issued: to_bson_time(p.date_issued),
            medications: p
                .medications
                .iter()
                .map(|m| MedicationDoc {
                    name: m.name.clone(),
                    dosage: m.dosage.clone(),
                    frequency: m.frequency.clone(),
                    duration_days: m.duration_days.map(i64::from),
                    notes: m.notes.clone(),
                })
                .collect(),
            notes: NotesDoc {
                chief_complaint: p.notes.chief_complaint.clone(),
                diagnosis: p.notes.diagnosis.clone(),
                recommendations: p.notes.recommendations.clone(),
            },
            tags: p.tags.clone(),
            attachments: p
                .attachments
                .iter()
                .map(|a| AttachmentDoc {
                    kind: a.kind.clone(),
                    file_name: a.file_name.clone(),
                    url: a.url.clone(),
                })
                .collect(),
            created_at: to_bson_time(p.created_at),
            last_updated: to_bson_time(p.last_updated),
            version: p.version,
        }
    }

    fn into_domain(self, id: Option<ObjectId>) -> Prescription {
        Prescription {
            id: id.map(|i| i.to_hex()),
            appointment_id: self.appointment_id,
            doctor_id: self.doctor_id,
            patient_id: self.patient_id,
            date_issued: from_bson_time(self.date_issued),
            medications: self
                .medications
                .into_iter()
                .map(|m| Medication {
                    name: m.name,
                    dosage: m.dosage,
                    frequency: m.frequency,
                    duration_days: m.duration_days.and_then(|d| u32::try_from(d).ok()),
                    notes: m.notes,
                })
                .collect(),
            notes: ClinicalNotes {
                chief_complaint: self.notes.chief_complaint,
                diagnosis: self.notes.diagnosis,
                recommendations: self.notes.recommendations,
            },
            tags: self.tags,
            attachments: self
                .attachments
                .into_iter()
                .map(|a| Attachment {
                    kind: a.kind,
                    file_name: a.file_name,
                    url: a.url,
                })
                .collect(),
            created_at: from_bson_time(self.created_at),
            last_updated: from_bson_time(self.last_updated),
            version: self.version,
        }
    }
}

fn prescriptions(db: &Database) -> Collection<PrescriptionDoc> {
    db.collection(PRESCRIPTIONS)
}

fn history(db: &Database) -> Collection<HistoryDoc> {
    db.collection(PRESCRIPTION_HISTORY)
}

/// Inserts a new prescription; the unique index refuses a second one for the same
/// appointment (a duplicate-key error). Returns the new `_id` as hex.
pub async fn insert(db: &Database, p: &Prescription) -> Result<String, mongodb::error::Error> {
    let id = ObjectId::new();
    prescriptions(db)
        .insert_one(PrescriptionDoc {
            id: Some(id),
            body: Body::from_domain(p),
        })
        .await?;
    Ok(id.to_hex())
}

pub async fn find_by_appointment(
    db: &Database,
    appointment_id: i32,
) -> Result<Option<Prescription>, mongodb::error::Error> {
    let found = prescriptions(db)
        .find_one(doc! { "appointment_id": appointment_id })
        .await?;
    Ok(found.map(|d| d.body.into_domain(d.id)))
}

/// The history's copy of one version of an appointment's prescription (its `id` is the
/// prescription's `_id`), if the history holds it.
pub async fn archived_version(
    db: &Database,
    appointment_id: i32,
    version: i64,
) -> Result<Option<Prescription>, mongodb::error::Error> {
    let found = history(db)
        .find_one(doc! { "appointment_id": appointment_id, "version": version })
        .await?;
    Ok(found.map(|d| d.body.into_domain(Some(d.prescription_id))))
}

/// Replaces the stored document if, and only if, its `version` is still
/// `expected_version`. Returns false when another editor saved first.
pub async fn replace_if_version(
    db: &Database,
    p: &Prescription,
    expected_version: i64,
) -> Result<bool, mongodb::error::Error> {
    let filter = doc! { "appointment_id": p.appointment_id, "version": expected_version };
    let body = Body::from_domain(p);
    let done = prescriptions(db)
        .replace_one(filter, PrescriptionDoc { id: None, body })
        .await?;
    Ok(done.matched_count == 1)
}

/// Copies a version into `prescription_history`. Copying the same version twice is a
/// duplicate key, which callers treat as "already archived".
pub async fn archive(
    db: &Database,
    prescription_id: &str,
    p: &Prescription,
    at: DateTime<Utc>,
) -> Result<(), mongodb::error::Error> {
    let pid = ObjectId::parse_str(prescription_id)
        .map_err(|e| mongodb::error::Error::custom(e.to_string()))?;
    history(db)
        .insert_one(HistoryDoc {
            id: None,
            prescription_id: pid,
            archived_at: to_bson_time(at),
            body: Body::from_domain(p),
        })
        .await?;
    Ok(())
}

/// Every archived version of an appointment's prescription, oldest first.
pub async fn history_for_appointment(
    db: &Database,
    appointment_id: i32,
) -> Result<Vec<Prescription>, mongodb::error::Error> {
    use futures::TryStreamExt;
    let cursor = history(db)
        .find(doc! { "appointment_id": appointment_id })
        .sort(doc! { "version": 1 })
        .await?;
    let docs: Vec<HistoryDoc> = cursor.try_collect().await?;
    Ok(docs
        .into_iter()
        .map(|d| d.body.into_domain(Some(d.prescription_id)))
        .collect())
}

/// Whether a duplicate-key error (11000) caused this.
pub fn is_duplicate_key(err: &mongodb::error::Error) -> bool {
    use mongodb::error::{ErrorKind, WriteFailure};
    match err.kind.as_ref() {
        ErrorKind::Write(WriteFailure::WriteError(e)) => e.code == 11000,
        ErrorKind::Command(e) => e.code == 11000,
        ErrorKind::InsertMany(e) => e
            .write_errors
            .as_ref()
            .is_some_and(|w| w.iter().any(|e| e.code == 11000)),
        _ => false,
    }
}

/// Inserts many prescriptions, skipping those whose appointment already has one.
/// Returns how many were inserted.
pub async fn insert_many_skip_existing(
    db: &Database,
    items: &[Prescription],
) -> Result<usize, mongodb::error::Error> {
    if items.is_empty() {
        return Ok(0);
    }
    let total = items.len();
    let docs = items.iter().map(|p| PrescriptionDoc {
        id: Some(ObjectId::new()),
        body: Body::from_domain(p),
    });
    match prescriptions(db).insert_many(docs).ordered(false).await {
        Ok(done) => Ok(done.inserted_ids.len()),
        Err(e) => match e.kind.as_ref() {
            mongodb::error::ErrorKind::InsertMany(failure)
                if failure.write_concern_error.is_none()
                    && failure
                        .write_errors
                        .as_ref()
                        .is_some_and(|w| w.iter().all(|e| e.code == 11000)) =>
            {
                let skipped = failure.write_errors.as_ref().map_or(0, Vec::len);
                Ok(total.saturating_sub(skipped))
            }
            _ => Err(e),
        },
    }
}

pub async fn count(db: &Database) -> Result<u64, mongodb::error::Error> {
    prescriptions(db).count_documents(doc! {}).await
}

/// Whether an appointment has a prescription.
pub async fn exists(db: &Database, appointment_id: i32) -> Result<bool, mongodb::error::Error> {
    let n = prescriptions(db)
        .count_documents(doc! { "appointment_id": appointment_id })
        .limit(1)
        .await?;
    Ok(n > 0)
}

/// Which of these appointments have a prescription, with its version.
pub async fn versions_for(
    db: &Database,
    appointment_ids: &[i32],
) -> Result<Vec<(i32, i64)>, mongodb::error::Error> {
    use futures::TryStreamExt;
    if appointment_ids.is_empty() {
        return Ok(Vec::new());
    }
    let cursor = prescriptions(db)
        .find(doc! { "appointment_id": { "$in": appointment_ids.to_vec() } })
        .await?;
    let docs: Vec<PrescriptionDoc> = cursor.try_collect().await?;
    Ok(docs
        .into_iter()
        .map(|d| (d.body.appointment_id, d.body.version))
        .collect())
}

/// Which of these appointments have a prescription: their ids (reads only that field).
pub async fn appointments_with_prescription(
    db: &Database,
    appointment_ids: &[i32],
) -> Result<std::collections::HashSet<i32>, mongodb::error::Error> {
    use futures::TryStreamExt;
    if appointment_ids.is_empty() {
        return Ok(Default::default());
    }
    let cursor = db
        .collection::<bson::Document>(PRESCRIPTIONS)
        .find(doc! { "appointment_id": { "$in": appointment_ids.to_vec() } })
        .projection(doc! { "appointment_id": 1, "_id": 0 })
        .await?;
    let docs: Vec<bson::Document> = cursor.try_collect().await?;
    Ok(docs
        .iter()
        .filter_map(|d| match d.get("appointment_id")? {
            bson::Bson::Int32(n) => Some(*n),
            bson::Bson::Int64(n) => i32::try_from(*n).ok(),
            _ => None,
        })
        .collect())
}

/// How many prescriptions name an appointment id above `appointment_id`: in a MongoDB
/// database that belongs with this MySQL one, none (MySQL hands out the ids).
pub async fn count_beyond(
    db: &Database,
    appointment_id: i32,
) -> Result<u64, mongodb::error::Error> {
    prescriptions(db)
        .count_documents(doc! { "appointment_id": { "$gt": appointment_id } })
        .await
}

/// A patient's prescriptions, newest first.
pub async fn for_patient(
    db: &Database,
    patient_id: i32,
) -> Result<Vec<Prescription>, mongodb::error::Error> {
    use futures::TryStreamExt;
    let cursor = prescriptions(db)
        .find(doc! { "patient_id": patient_id })
        .sort(doc! { "date_issued": -1, "appointment_id": -1 })
        .await?;
    let docs: Vec<PrescriptionDoc> = cursor.try_collect().await?;
    Ok(docs.into_iter().map(|d| d.body.into_domain(d.id)).collect())
}

/// `{ $match }` on the date of issue, and on the doctor when given.
fn insight_match(doctor_id: Option<i32>, from: DateTime<Utc>, to: DateTime<Utc>) -> bson::Document {
    let mut m = doc! {
        "date_issued": { "$gte": to_bson_time(from), "$lt": to_bson_time(to) },
    };
    if let Some(d) = doctor_id {
        m.insert("doctor_id", d);
    }
    m
}

async fn counted(
    db: &Database,
    pipeline: Vec<bson::Document>,
) -> Result<Vec<(String, i64)>, mongodb::error::Error> {
    use futures::TryStreamExt;
    let cursor = db
        .collection::<bson::Document>(PRESCRIPTIONS)
        .aggregate(pipeline)
        .await?;
    let rows: Vec<bson::Document> = cursor.try_collect().await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let name = r.get_str("_id").ok()?.to_string();
            let n = match r.get("count")? {
                bson::Bson::Int32(n) => i64::from(*n),
                bson::Bson::Int64(n) => *n,
                bson::Bson::Double(n) => *n as i64,
                _ => return None,
            };
            Some((name, n))
        })
        .collect())
}

/// The most prescribed medications issued in `[from, to)` (of one doctor, or all):
/// (name, how many prescriptions list it), most first, then by name.
pub async fn top_medications(
    db: &Database,
    doctor_id: Option<i32>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<(String, i64)>, mongodb::error::Error> {
    counted(
        db,
        vec![
            doc! { "$match": insight_match(doctor_id, from, to) },
            doc! { "$unwind": "$medications" },
            doc! { "$group": { "_id": "$medications.name", "count": { "$sum": 1 } } },
            doc! { "$sort": { "count": -1, "_id": 1 } },
            doc! { "$limit": i64::from(limit.max(1)) },
        ],
    )
    .await
}

/// The most used tags in `[from, to)` (of one doctor, or all), most first.
pub async fn top_tags(
    db: &Database,
    doctor_id: Option<i32>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<(String, i64)>, mongodb::error::Error> {
    counted(
        db,
        vec![
            doc! { "$match": insight_match(doctor_id, from, to) },
            doc! { "$unwind": "$tags" },
            doc! { "$group": { "_id": "$tags", "count": { "$sum": 1 } } },
            doc! { "$sort": { "count": -1, "_id": 1 } },
            doc! { "$limit": i64::from(limit.max(1)) },
        ],
    )
    .await
}

/// Every distinct tag used (by one doctor, or by anyone), most used first.
pub async fn distinct_tags(
    db: &Database,
    doctor_id: Option<i32>,
    limit: u32,
) -> Result<Vec<String>, mongodb::error::Error> {
    let mut pipeline = Vec::new();
    if let Some(d) = doctor_id {
        pipeline.push(doc! { "$match": { "doctor_id": d } });
    }
    pipeline.extend([
        doc! { "$unwind": "$tags" },
        doc! { "$group": { "_id": "$tags", "count": { "$sum": 1 } } },
        doc! { "$sort": { "count": -1, "_id": 1 } },
        doc! { "$limit": i64::from(limit.max(1)) },
    ]);
    Ok(counted(db, pipeline)
        .await?
        .into_iter()
        .map(|(t, _)| t)
        .collect())
}

/// The GridFS bucket that holds attached files.
pub const FILES_BUCKET: &str = "prescription_files";

fn bucket(db: &Database) -> mongodb::gridfs::GridFsBucket {
    db.gridfs_bucket(
        mongodb::options::GridFsBucketOptions::builder()
            .bucket_name(FILES_BUCKET.to_string())
            .build(),
    )
}

/// Stores a file in GridFS, tagged with its appointment; returns its id as hex.
pub async fn store_file(
    db: &Database,
    appointment_id: i32,
    file_name: &str,
    bytes: &[u8],
) -> Result<String, mongodb::error::Error> {
    use futures::io::AsyncWriteExt;
    let id = ObjectId::new();
    let mut upload = bucket(db)
        .open_upload_stream(file_name)
        .id(bson::Bson::ObjectId(id))
        .metadata(doc! { "appointment_id": appointment_id })
        .await?;
    if let Err(e) = upload.write_all(bytes).await {
        let _ = upload.abort().await;
        return Err(mongodb::error::Error::custom(e.to_string()));
    }
    upload
        .close()
        .await
        .map_err(|e| mongodb::error::Error::custom(e.to_string()))?;
    Ok(id.to_hex())
}

/// Reads a stored file back.
pub async fn read_file(db: &Database, file_id: &str) -> Result<Vec<u8>, mongodb::error::Error> {
    use futures::io::AsyncReadExt;
    let id =
        ObjectId::parse_str(file_id).map_err(|e| mongodb::error::Error::custom(e.to_string()))?;
    let mut download = bucket(db)
        .open_download_stream(bson::Bson::ObjectId(id))
        .await?;
    let mut buf = Vec::new();
    download
        .read_to_end(&mut buf)
        .await
        .map_err(|e| mongodb::error::Error::custom(e.to_string()))?;
    Ok(buf)
}
