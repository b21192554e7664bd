//! What a process opens at start. The TUI keeps a pool of MySQL connections and starts
//! talking to MongoDB at once; a one-shot command opens one MySQL connection and touches
//! MongoDB only if it reads or writes documents.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use mongodb::Database;
use tokio::sync::OnceCell;

use super::{ServiceError, StartupError, redact, short};
use crate::config::Config;
use crate::domain::prescription::Prescription;
use crate::store;

/// How a process uses the databases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    /// A long-running process (the TUI): a pool of MySQL connections; MongoDB is
    /// configured and contacted at start, so a wrong URI is reported before sign-in.
    Interactive,
    /// One command, then exit: a single MySQL connection. MongoDB is opened at start when
    /// `documents` is true, otherwise only if the command ever needs it.
    OneShot { documents: bool },
}

/// A prescription version this process wrote and saw copied to the history: what the
/// next save based on it needs, without reading it back. (History copies are never
/// removed, and these fields never change from one version to the next.)
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KnownVersion {
    pub version: i64,
    /// The prescription document's `_id`.
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub date_issued: DateTime<Utc>,
}

impl KnownVersion {
    pub(crate) fn of(p: &Prescription) -> Option<KnownVersion> {
        Some(KnownVersion {
            version: p.version,
            id: p.id.clone()?,
            created_at: p.created_at,
            date_issued: p.date_issued,
        })
    }
}

/// At most this many appointments are remembered (then the memory starts afresh).
const KNOWN_LIMIT: usize = 4096;

/// The MongoDB database, opened at start or on first use.
pub(crate) struct DocStore {
    db: OnceCell<Database>,
    uri: Option<String>,
    name: String,
    /// By appointment: the last version this process wrote and copied to the history.
    known: Mutex<HashMap<i32, KnownVersion>>,
}

impl DocStore {
    pub(crate) fn ready(db: Database) -> DocStore {
        DocStore {
            name: db.name().to_string(),
            db: OnceCell::new_with(Some(db)),
            uri: None,
            known: Mutex::default(),
        }
    }

    /// Opens nothing until [`DocStore::get`] is first called.
    pub(crate) fn lazy(config: &Config) -> DocStore {
        DocStore {
            db: OnceCell::new(),
            uri: config.mongodb_uri.clone(),
            name: config.mongodb_database.clone(),
            known: Mutex::default(),
        }
    }

    /// Remembers that `v` of this appointment's prescription is in the history.
    pub(crate) fn remember(&self, appointment_id: i32, v: KnownVersion) {
        if let Ok(mut known) = self.known.lock() {
            if known.len() >= KNOWN_LIMIT {
                known.clear();
            }
            known.insert(appointment_id, v);
        }
    }

    /// `version` of this appointment's prescription, if this process wrote it and saw
    /// it copied to the history.
    pub(crate) fn known(&self, appointment_id: i32, version: i64) -> Option<KnownVersion> {
        let known = self.known.lock().ok()?;
        known
            .get(&appointment_id)
            .filter(|k| k.version == version)
            .cloned()
    }

    pub(crate) async fn get(&self) -> Result<&Database, ServiceError> {
        self.db
            .get_or_try_init(|| async {
                let Some(uri) = self.uri.as_deref() else {
                    return Err(ServiceError::DocumentStoreUnavailable(
                        crate::config::ConfigError::MissingMongoUri.to_string(),
                    ));
                };
                store::mongo::connect(uri, &self.name)
                    .await
                    .map_err(ServiceError::from)
            })
            .await
    }
}

/// MySQL as `usage` needs it; a wrong URL or a server that does not answer is reported
/// here, with the URL's password hidden.
pub(crate) async fn open_mysql(
    config: &Config,
    usage: Usage,
) -> Result<sqlx::MySqlPool, StartupError> {
    let url = config
        .require_database_url()
        .map_err(|e| StartupError::Config(e.to_string()))?;
    let pool = match usage {
        Usage::Interactive => store::mysql::connect(url, 10).await,
        Usage::OneShot { .. } => store::mysql::connect(url, 1).await,
    };
    pool.map_err(|e| StartupError::Mysql(redact(url), short(&e)))
}

/// MongoDB as `usage` needs it.
pub(crate) async fn open_documents(
    config: &Config,
    usage: Usage,
) -> Result<DocStore, StartupError> {
    if usage == (Usage::OneShot { documents: false }) {
        return Ok(DocStore::lazy(config));
    }
    let uri = config
        .require_mongodb_uri()
        .map_err(|e| StartupError::Config(e.to_string()))?;
    let db = store::mongo::connect(uri, &config.mongodb_database)
        .await
        .map_err(|e| StartupError::Mongo(redact(uri), short(&e)))?;
    Ok(DocStore::ready(db))
}

impl super::Services {
    /// Closes the MySQL connections politely (the server logs an aborted connection
    /// for one that just goes away). For the end of a one-shot command.
    pub async fn close(&self) {
        self.db.close().await;
    }
}
