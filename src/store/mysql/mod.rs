//! MySQL / MariaDB access through sqlx. One file per aggregate.

pub mod accounts;
pub mod appointments;
pub mod audit;
pub mod availability;
pub mod booking;
pub mod calendar;
pub mod extra_hours;
pub mod free_time;
pub mod locations;
pub mod notifications;
pub mod patient_records;
pub mod patient_search;
pub mod patients;
pub mod payments;
pub mod people;
pub mod series;
pub mod specializations;
pub mod ssh_keys;
pub mod throttle;
pub mod waitlist;

use std::str::FromStr;
use std::time::Duration;

use sqlx::ConnectOptions;
use std::borrow::Cow;
use std::sync::LazyLock;

use sqlx::SqlStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions};

pub use sqlx::MySqlPool as Pool;

/// The SQL migrations, embedded in the binary: (version, description, SQL), in order.
/// Listed by hand instead of with `sqlx::migrate!`, which would pull sqlx's proc-macro
/// crates (and a second build of sqlx for the compiler) into every build; a test checks
/// that this list is exactly what `migrations/` holds. The checksums are sqlx's own, so
/// databases migrated by either way agree.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        20261123000001,
        "schema",
        include_str!("../../../migrations/20261123000001_schema.sql"),
    ),
    (
        20261124000002,
        "search indexes",
        include_str!("../../../migrations/20261124000002_search_indexes.sql"),
    ),
    (
        20261126000011,
        "audit append only",
        include_str!("../../../migrations/20261126000011_audit_append_only.sql"),
    ),
    (
        20261201000003,
        "free slot indexes",
        include_str!("../../../migrations/20261201000003_free_slot_indexes.sql"),
    ),
    (
        20261202000051,
        "notifications",
        include_str!("../../../migrations/20261202000051_notifications.sql"),
    ),
    (
        20261203000001,
        "ssh keys",
        include_str!("../../../migrations/20261203000001_ssh_keys.sql"),
    ),
    (
        20261203000002,
        "patient search terms",
        include_str!("../../../migrations/20261203000002_patient_search_terms.sql"),
    ),
    (
        20261203000003,
        "fees and refunds",
        include_str!("../../../migrations/20261203000003_fees_and_refunds.sql"),
    ),
    (
        20261203000004,
        "specializations",
        include_str!("../../../migrations/20261203000004_specializations.sql"),
    ),
    (
        20261210000004,
        "scheduling",
        include_str!("../../../migrations/20261210000004_scheduling.sql"),
    ),
];

/// The migrator over [`MIGRATIONS`].
pub static MIGRATOR: LazyLock<Migrator> = LazyLock::new(|| {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|(version, description, sql)| {
                Migration::new(
                    *version,
                    Cow::Borrowed(*description),
                    MigrationType::Simple,
                    SqlStr::from_static(sql),
                    false,
                )
            })
            .collect(),
    )
});

/// A pooled connection idle for longer than this is pinged before it is handed out.
const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(5);

/// Opens a pool. Fails fast (5 s) when the server does not answer, so that a missing
/// database is reported instead of hanging.
///
/// sqlx pings every connection as it goes back to the pool (a broken one is dropped
/// there), and by default pings it again on the way out, which doubles the round trips
/// of a one-query call. Here only a connection that sat idle for a while is pinged
/// before use (the server may have dropped it meanwhile).
pub async fn connect(url: &str, max_connections: u32) -> Result<MySqlPool, sqlx::Error> {
    let options = MySqlConnectOptions::from_str(url)?
        .charset("utf8mb4")
        .log_statements(tracing::log::LevelFilter::Trace)
        .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(250));
    MySqlPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_WHEN_IDLE_FOR {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
        .connect_with(options)
        .await
}

/// Applies every pending migration; a no-op when the schema is current.
pub async fn migrate(pool: &MySqlPool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}

/// MySQL error numbers we react to.
pub mod codes {
    pub const DUPLICATE_KEY: &str = "1062";
    pub const LOCK_WAIT_TIMEOUT: &str = "1205";
    pub const DEADLOCK: &str = "1213";
}

/// A deadlock or lock-wait timeout: the whole transaction may be retried.
pub fn is_retryable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => matches!(
            db.code().as_deref(),
            Some(codes::DEADLOCK) | Some(codes::LOCK_WAIT_TIMEOUT)
        ),
        _ => false,
    }
}

/// A duplicate key (1062).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// The server could not be reached or the connection dropped.
pub fn is_unavailable(err: &sqlx::Error) -> bool {
    matches!(
        err,
        sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Tls(_)
    )
}

/// Maps a text column that must hold one of a known set of values.
pub(crate) fn parse_col<T>(
    column: &str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, sqlx::Error> {
    parse(value).ok_or_else(|| sqlx::Error::ColumnDecode {
        index: column.to_string(),
        source: format!("unexpected value {value:?}").into(),
    })
}

#[cfg(test)]
mod tests {
    use super::MIGRATIONS;

    /// The embedded list is the `migrations/` folder: every file, in order, with the
    /// description sqlx derives from its name and the same text.
    #[test]
    fn embedded_migrations_are_the_migrations_folder() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("migrations folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "sql"))
            .collect();
        files.sort();
        let on_disk: Vec<(i64, String, String)> = files
            .iter()
            .map(|p| {
                let stem = p.file_stem().and_then(|s| s.to_str()).expect("name");
                let (version, description) = stem.split_once('_').expect("VERSION_description");
                (
                    version.parse().expect("numeric version"),
                    description.replace('_', " "),
                    std::fs::read_to_string(p).expect("readable"),
                )
            })
            .collect();
        let embedded: Vec<(i64, String, String)> = MIGRATIONS
            .iter()
            .map(|(v, d, s)| (*v, (*d).to_string(), (*s).to_string()))
            .collect();
        assert_eq!(
            embedded, on_disk,
            "add the new migration to store::mysql::MIGRATIONS"
        );
    }
}
