//! MongoDB access: prescriptions and their history. Only standard driver features and
//! no multi-document transactions, so that any MongoDB 4.2+ (or a wire-compatible
//! server) works.

pub mod prescriptions;

use std::time::Duration;

use mongodb::bson::doc;
use mongodb::options::{ClientOptions, IndexOptions};
use mongodb::{Client, Database, IndexModel};

pub const PRESCRIPTIONS: &str = "prescriptions";
pub const PRESCRIPTION_HISTORY: &str = "prescription_history";

/// Connects lazily (the driver connects on first use) with short timeouts so that an
/// unreachable server is reported within seconds.
pub async fn connect(uri: &str, database: &str) -> Result<Database, mongodb::error::Error> {
    let mut options = ClientOptions::parse(uri).await?;
    options.app_name = Some("smart-clinic".to_string());
    options.server_selection_timeout = Some(Duration::from_secs(5));
    options.connect_timeout = Some(Duration::from_secs(5));
    let client = Client::with_options(options)?;
    Ok(client.database(database))
}

/// Round-trips a `ping`: proves the server answers.
pub async fn ping(db: &Database) -> Result<(), mongodb::error::Error> {
    db.run_command(doc! { "ping": 1 }).await.map(|_| ())
}

fn index(keys: mongodb::bson::Document, name: &str, unique: bool) -> IndexModel {
    IndexModel::builder()
        .keys(keys)
        .options(
            IndexOptions::builder()
                .name(name.to_string())
                .unique(unique)
                .build(),
        )
        .build()
}

/// Creates the collections' indexes; creating an index that exists is a no-op.
pub async fn ensure_indexes(db: &Database) -> Result<(), mongodb::error::Error> {
    let prescriptions = db.collection::<mongodb::bson::Document>(PRESCRIPTIONS);
    prescriptions
        .create_indexes(vec![
            index(doc! { "appointment_id": 1 }, "uq_appointment_id", true),
            index(
                doc! { "patient_id": 1, "date_issued": -1 },
                "ix_patient",
                false,
            ),
            index(
                doc! { "doctor_id": 1, "date_issued": -1 },
                "ix_doctor",
                false,
            ),
            index(doc! { "tags": 1 }, "ix_tags", false),
        ])
        .await?;
    let history = db.collection::<mongodb::bson::Document>(PRESCRIPTION_HISTORY);
    history
        .create_indexes(vec![
            index(
                doc! { "prescription_id": 1, "version": 1 },
                "uq_prescription_version",
                true,
            ),
            index(doc! { "appointment_id": 1 }, "ix_appointment", false),
            // A save asks whether the version it replaces is already here.
            index(
                doc! { "appointment_id": 1, "version": 1 },
                "ix_appointment_version",
                false,
            ),
        ])
        .await?;
    Ok(())
}
