//! MySQL / MariaDB access through sqlx. One file per aggregate.

pub mod accounts;
pub mod appointments;
pub mod audit;
pub mod availability;
pub mod booking;
pub mod free_time;
pub mod locations;
pub mod patient_records;
pub mod patient_search;
pub mod patients;
pub mod payments;
pub mod people;
pub mod throttle;

use std::str::FromStr;
use std::time::Duration;

use sqlx::ConnectOptions;
use sqlx::migrate::Migrator;
use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions};

pub use sqlx::MySqlPool as Pool;

/// The SQL migrations, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

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
