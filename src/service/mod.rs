//! Use cases. The TUI and the CLI call these, never the store. Services own
//! transactions, permission checks and audit writes.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod availability;
pub mod booking;
pub mod calendar_export;
pub mod connect;
pub mod demo;
pub mod extra_hours;
pub mod mailer;
pub mod password;
pub mod patients;
pub mod payments;
pub mod pdf;
pub mod pdf_exports;
pub mod prescription_edit;
pub mod prescription_files;
pub mod prescriptions;
pub mod reminders;
pub mod reports;
pub mod series;
mod slot_check;
pub mod ssh_keys;
pub mod time_off;
pub mod users;
pub mod waitlist;

use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, Utc};
use connect::DocStore;
use mongodb::Database;
use sqlx::MySqlPool;
use thiserror::Error;

use crate::config::Config;
use crate::domain::appointment::Refusal;
use crate::domain::validation::ValidationError;
use crate::store;

pub use auth::{LoginError, Session};
pub use connect::Usage;

/// The words every "server unreachable" sentence contains; the UI clears such a message
/// once a request goes through again.
pub const OUTAGE_PHRASE: &str = "cannot be reached right now";

/// A failure as the user should read it.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ServiceError {
    #[error("You are not allowed to {0}.")]
    Forbidden(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0} was not found.")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// A question rather than a refusal: the same request, sent again with its
    /// confirmation set, goes through (an amount that is not the visit's fee).
    #[error("{0}")]
    Unconfirmed(String),
    #[error(
        "The clinic database cannot be reached right now ({0}). Nothing was lost; try again shortly."
    )]
    DatabaseUnavailable(String),
    #[error(
        "The prescription store cannot be reached right now ({0}). Nothing was lost; try again shortly."
    )]
    DocumentStoreUnavailable(String),
    #[error("Something went wrong: {0}")]
    Internal(String),
}

impl ServiceError {
    /// A server could not be reached (the request may work again shortly), as opposed
    /// to a refusal or a bug. The UI tells them apart by this, never by the wording.
    pub fn is_outage(&self) -> bool {
        matches!(
            self,
            ServiceError::DatabaseUnavailable(_) | ServiceError::DocumentStoreUnavailable(_)
        )
    }
}

impl From<Refusal> for ServiceError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::Forbidden(phrase) => ServiceError::Forbidden(phrase.into()),
            Refusal::Invalid(sentence) => ServiceError::Invalid(sentence),
        }
    }
}

impl From<ValidationError> for ServiceError {
    fn from(e: ValidationError) -> Self {
        ServiceError::Invalid(e.to_string())
    }
}

impl From<sqlx::Error> for ServiceError {
    fn from(e: sqlx::Error) -> Self {
        if store::mysql::is_unavailable(&e) {
            ServiceError::DatabaseUnavailable(short(&e))
        } else {
            tracing::error!(error = %e, "database error");
            ServiceError::Internal(short(&e))
        }
    }
}

impl From<mongodb::error::Error> for ServiceError {
    fn from(e: mongodb::error::Error) -> Self {
        use mongodb::error::ErrorKind;
        match e.kind.as_ref() {
            ErrorKind::ServerSelection { .. }
            | ErrorKind::Io(_)
            | ErrorKind::ConnectionPoolCleared { .. } => {
                ServiceError::DocumentStoreUnavailable(short(&e))
            }
            _ => {
                tracing::error!(error = %e, "document store error");
                ServiceError::Internal(short(&e))
            }
        }
    }
}

/// The first line of an error, bounded, for a status bar.
fn short(e: &dyn std::fmt::Display) -> String {
    let text = e.to_string();
    let line = text.lines().next().unwrap_or_default();
    line.chars().take(160).collect()
}

/// Where "now" comes from: the system clock, or a fixed instant in tests.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => *t,
        }
    }

    /// Now as the naive UTC value stored in `DATETIME` columns.
    pub fn now_naive(&self) -> NaiveDateTime {
        self.now().naive_utc()
    }
}

/// Handles to both databases plus settings. Cheap to clone.
#[derive(Clone)]
pub struct Services {
    pub(crate) db: MySqlPool,
    docs: Arc<DocStore>,
    pub(crate) config: Arc<Config>,
    pub(crate) clock: Clock,
}

impl Services {
    pub fn new(db: MySqlPool, mongo: Database, config: Arc<Config>) -> Services {
        Services {
            db,
            docs: Arc::new(DocStore::ready(mongo)),
            config,
            clock: Clock::System,
        }
    }

    /// Connects for a long-running process ([`Usage::Interactive`]).
    pub async fn connect(config: Arc<Config>) -> Result<Services, StartupError> {
        Services::connect_for(config, Usage::Interactive).await
    }

    /// Connects as `usage` needs: MySQL is contacted at once (so a wrong URL is reported
    /// at start); MongoDB at start when the process needs documents, else on first use.
    pub async fn connect_for(config: Arc<Config>, usage: Usage) -> Result<Services, StartupError> {
        config
            .require_database_url()
            .map_err(|e| StartupError::Config(e.to_string()))?;
        if usage != (Usage::OneShot { documents: false }) {
            config
                .require_mongodb_uri()
                .map_err(|e| StartupError::Config(e.to_string()))?;
        }
        let db = connect::open_mysql(&config, usage).await?;
        let docs = connect::open_documents(&config, usage).await?;
        Ok(Services {
            db,
            docs: Arc::new(docs),
            config,
            clock: Clock::System,
        })
    }

    /// The MongoDB database, opened on first use if the process did not open it at start.
    pub(crate) async fn mongo(&self) -> Result<&Database, ServiceError> {
        self.docs.get().await
    }

    pub fn with_clock(mut self, clock: Clock) -> Services {
        self.clock = clock;
        self
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// Applies SQL migrations and creates the MongoDB indexes. Idempotent.
    pub async fn migrate(&self) -> Result<(), StartupError> {
        store::mysql::migrate(&self.db)
            .await
            .map_err(|e| StartupError::Migrate(short(&e)))?;
        let mongo = self
            .mongo()
            .await
            .map_err(|e| StartupError::Mongo("MONGODB_URI".into(), e.to_string()))?;
        store::mongo::ensure_indexes(mongo)
            .await
            .map_err(|e| StartupError::Mongo("MONGODB_URI".into(), short(&e)))?;
        Ok(())
    }

    /// Checks that both servers answer.
    pub async fn check(&self) -> Result<(), StartupError> {
        sqlx::query("SELECT 1")
            .execute(&self.db)
            .await
            .map_err(|e| StartupError::Mysql("DATABASE_URL".into(), short(&e)))?;
        let mongo = self
            .mongo()
            .await
            .map_err(|e| StartupError::Mongo("MONGODB_URI".into(), e.to_string()))?;
        store::mongo::ping(mongo)
            .await
            .map_err(|e| StartupError::Mongo("MONGODB_URI".into(), short(&e)))?;
        Ok(())
    }
}

/// Failures before the application can run; each says what to set.
#[derive(Debug, Error)]
pub enum StartupError {
    #[error("{0}")]
    Config(String),
    #[error(
        "cannot reach MySQL at {0}: {1}. Is the server running? Check DATABASE_URL (./scripts/services up starts a local one)."
    )]
    Mysql(String, String),
    #[error(
        "cannot reach MongoDB at {0}: {1}. Is the server running? Check MONGODB_URI (./scripts/services up starts a local one)."
    )]
    Mongo(String, String),
    #[error("cannot apply database migrations: {0}")]
    Migrate(String),
}

/// Hides the password of a connection URL.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            let hidden = if userinfo.contains(':') { ":***" } else { "" };
            format!("{}{user}{hidden}{}", &url[..scheme_end + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outage_sentences_carry_the_outage_phrase() {
        for e in [
            ServiceError::DatabaseUnavailable("x".into()),
            ServiceError::DocumentStoreUnavailable("x".into()),
        ] {
            assert!(e.to_string().contains(OUTAGE_PHRASE), "{e}");
        }
        assert!(
            !ServiceError::Conflict("taken".into())
                .to_string()
                .contains(OUTAGE_PHRASE)
        );
    }

    #[test]
    fn outages_are_known_by_their_kind() {
        let outages = [
            ServiceError::DatabaseUnavailable("connection refused".into()),
            ServiceError::DocumentStoreUnavailable("timed out".into()),
        ];
        assert!(outages.iter().all(ServiceError::is_outage));
        // The wording does not make an outage: a conflict that quotes the phrase is not one.
        let others = [
            ServiceError::Forbidden("x".into()),
            ServiceError::Invalid(format!("The server {OUTAGE_PHRASE}.")),
            ServiceError::NotFound("x".into()),
            ServiceError::Conflict("taken".into()),
            ServiceError::Internal("x".into()),
        ];
        assert!(!others.iter().any(ServiceError::is_outage));
    }

    #[test]
    fn a_refusal_reads_the_same_as_the_service_error_it_becomes() {
        for r in [
            Refusal::Forbidden("mark this appointment completed or no-show"),
            Refusal::Invalid("This appointment has already started; it cannot be moved.".into()),
        ] {
            assert_eq!(ServiceError::from(r.clone()).to_string(), r.to_string());
        }
    }

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(
            redact("mysql://root:secret@db:3306/clinic"),
            "mysql://root:***@db:3306/clinic"
        );
        assert_eq!(
            redact("mysql://root@127.0.0.1/clinic"),
            "mysql://root@127.0.0.1/clinic"
        );
        assert_eq!(
            redact("mongodb://127.0.0.1:27017"),
            "mongodb://127.0.0.1:27017"
        );
    }
}
