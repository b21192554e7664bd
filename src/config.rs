//! Settings: defaults < TOML file (XDG config dir or `CLINIC_CONFIG`) < environment <
//! command-line flags. Validated once, at start-up; never panics.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono_tz::Tz;
use serde::Deserialize;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the config file {path} is not valid TOML: {message}")]
    Parse { path: PathBuf, message: String },
    #[error(
        "no MySQL database is configured: set DATABASE_URL (e.g. mysql://user:pass@127.0.0.1:3306/clinic) or database_url in the config file"
    )]
    MissingDatabaseUrl,
    #[error(
        "no MongoDB server is configured: set MONGODB_URI (e.g. mongodb://127.0.0.1:27017) or mongodb_uri in the config file"
    )]
    MissingMongoUri,
    #[error("\"{0}\" is not an IANA time zone name (e.g. Europe/London); check CLINIC_TZ")]
    TimeZone(String),
    #[error("{0}")]
    Invalid(String),
}

/// What the config file may contain; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub database_url: Option<String>,
    pub mongodb_uri: Option<String>,
    pub mongodb_database: Option<String>,
    pub time_zone: Option<String>,
    pub clinic_name: Option<String>,
    pub slot_step_minutes: Option<u32>,
    pub default_duration_minutes: Option<u32>,
    pub idle_lock_minutes: Option<u64>,
    pub log_file: Option<PathBuf>,
    pub keymap_file: Option<PathBuf>,
    /// Outgoing mail server for reminders, e.g. `smtp://user:pass@mail.internal:587`
    /// (see [`crate::service::mailer`] for what each scheme does).
    pub smtp_url: Option<String>,
    /// The sender of reminders, e.g. `Smart Clinic <reminders@clinic.example>`.
    pub mail_from: Option<String>,
    /// How far ahead reminders go out (default 24).
    pub reminder_hours: Option<u32>,
}

/// Values from the environment or the command line (the CLI fills these from clap,
/// which reads flags first and the environment variables second).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub config_file: Option<PathBuf>,
    pub database_url: Option<String>,
    pub mongodb_uri: Option<String>,
    pub mongodb_database: Option<String>,
    pub time_zone: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: Option<String>,
    pub mongodb_uri: Option<String>,
    /// `MONGODB_DATABASE` (flag, environment or file) when set, else the database named
    /// in the URI's path, else [`DEFAULT_MONGODB_DATABASE`].
    pub mongodb_database: String,
    pub time_zone: Tz,
    pub clinic_name: String,
    pub slot_step_minutes: u32,
    pub default_duration_minutes: u32,
    pub idle_lock: Duration,
    pub log_file: PathBuf,
    pub keymap_file: Option<PathBuf>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    /// Reminders go out for appointments starting within this many hours.
    pub reminder_hours: u32,
}

/// The mail settings from the environment or the command line (kept apart from
/// [`Overrides`] so that code building a `Config` need not know about mail).
#[derive(Debug, Default, Clone)]
pub struct MailOverrides {
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub reminder_hours: Option<u32>,
}

/// Reminders go out this many hours ahead unless configured otherwise.
pub const DEFAULT_REMINDER_HOURS: u32 = 24;

impl Config {
    /// Applies the mail settings from the environment or flags (they beat the file).
    pub fn with_mail(mut self, over: &MailOverrides) -> Result<Config, ConfigError> {
        let non_empty = |s: &Option<String>| s.clone().filter(|v| !v.trim().is_empty());
        if let Some(url) = non_empty(&over.smtp_url) {
            self.smtp_url = Some(url);
        }
        if let Some(from) = non_empty(&over.mail_from) {
            self.mail_from = Some(from);
        }
        if let Some(hours) = over.reminder_hours {
            self.reminder_hours = check_reminder_hours(hours)?;
        }
        Ok(self)
    }

    /// Loads the file (if any) and applies the overrides.
    pub fn load(over: &Overrides) -> Result<Config, ConfigError> {
        let file = match over.config_file.clone().or_else(default_config_path) {
            Some(path) if path.exists() || over.config_file.is_some() => read_file(&path)?,
            _ => FileSettings::default(),
        };
        Config::resolve(file, over)
    }

    /// Merges file settings and overrides, and validates the result.
    pub fn resolve(file: FileSettings, over: &Overrides) -> Result<Config, ConfigError> {
        let tz_name = over
            .time_zone
            .clone()
            .or(file.time_zone)
            .unwrap_or_else(|| "UTC".to_string());
        let time_zone: Tz = tz_name
            .trim()
            .parse()
            .map_err(|_| ConfigError::TimeZone(tz_name.clone()))?;
        let slot_step_minutes = file.slot_step_minutes.unwrap_or(15);
        if !(5..=60).contains(&slot_step_minutes) || 60 % slot_step_minutes != 0 {
            return Err(ConfigError::Invalid(format!(
                "slot_step_minutes must divide an hour and be between 5 and 60 (got {slot_step_minutes})"
            )));
        }
        let default_duration_minutes = file.default_duration_minutes.unwrap_or(60);
        if !(5..=480).contains(&default_duration_minutes) {
            return Err(ConfigError::Invalid(format!(
                "default_duration_minutes must be between 5 and 480 (got {default_duration_minutes})"
            )));
        }
        let idle_minutes = file.idle_lock_minutes.unwrap_or(10);
        if idle_minutes == 0 {
            return Err(ConfigError::Invalid(
                "idle_lock_minutes must be at least 1".into(),
            ));
        }
        let non_empty = |s: Option<String>| s.filter(|v| !v.trim().is_empty());
        let mongodb_uri = non_empty(over.mongodb_uri.clone()).or(non_empty(file.mongodb_uri));
        // An explicit setting wins; else the database the URI names (as MongoDB's own
        // tools read it); else the default.
        let mongodb_database = non_empty(over.mongodb_database.clone())
            .or(non_empty(file.mongodb_database))
            .map(|name| name.trim().to_string())
            .or_else(|| mongodb_uri.as_deref().and_then(database_in_uri))
            .unwrap_or_else(|| DEFAULT_MONGODB_DATABASE.to_string());
        Ok(Config {
            database_url: non_empty(over.database_url.clone()).or(non_empty(file.database_url)),
            mongodb_uri,
            mongodb_database,
            time_zone,
            clinic_name: file
                .clinic_name
                .unwrap_or_else(|| "Smart Clinic".to_string()),
            slot_step_minutes,
            default_duration_minutes,
            idle_lock: Duration::from_secs(idle_minutes * 60),
            log_file: file.log_file.unwrap_or_else(default_log_path),
            keymap_file: file.keymap_file,
            smtp_url: non_empty(file.smtp_url),
            mail_from: non_empty(file.mail_from),
            reminder_hours: check_reminder_hours(
                file.reminder_hours.unwrap_or(DEFAULT_REMINDER_HOURS),
            )?,
        })
    }

    pub fn require_database_url(&self) -> Result<&str, ConfigError> {
        self.database_url
            .as_deref()
            .ok_or(ConfigError::MissingDatabaseUrl)
    }

    pub fn require_mongodb_uri(&self) -> Result<&str, ConfigError> {
        self.mongodb_uri
            .as_deref()
            .ok_or(ConfigError::MissingMongoUri)
    }
}

fn check_reminder_hours(hours: u32) -> Result<u32, ConfigError> {
    if (1..=24 * 14).contains(&hours) {
        Ok(hours)
    } else {
        Err(ConfigError::Invalid(format!(
            "reminder_hours must be between 1 and 336 (got {hours})"
        )))
    }
}

/// The MongoDB database used when neither the settings nor the URI name one.
pub const DEFAULT_MONGODB_DATABASE: &str = "clinic";

/// The database a MongoDB connection string names in its path
/// (`mongodb://host/clinic_a?…` → `clinic_a`), parsed as the driver parses it. `None`
/// when it names none, or when the string does not parse (connecting reports that).
pub fn database_in_uri(uri: &str) -> Option<String> {
    mongodb::options::ConnectionString::parse(uri.trim())
        .ok()?
        .default_database
        .filter(|name| !name.trim().is_empty())
}

fn read_file(path: &Path) -> Result<FileSettings, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        message: e.message().to_string(),
    })
}

/// `$XDG_CONFIG_HOME/smart-clinic/config.toml` (or the platform equivalent).
pub fn default_config_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("smart-clinic").join("config.toml"))
}

fn default_log_path() -> PathBuf {
    dirs::state_dir()
        .or_else(dirs::cache_dir)
        .unwrap_or_else(std::env::temp_dir)
        .join("smart-clinic")
        .join("clinic.log")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_beat_file_and_defaults_fill_the_rest() {
        let file: FileSettings = toml::from_str(
            "database_url = 'mysql://file/clinic'\ntime_zone = 'Europe/London'\nslot_step_minutes = 10",
        )
        .expect("valid toml");
        let over = Overrides {
            database_url: Some("mysql://flag/clinic".into()),
            ..Overrides::default()
        };
        let c = Config::resolve(file, &over).expect("valid config");
        assert_eq!(c.database_url.as_deref(), Some("mysql://flag/clinic"));
        assert_eq!(c.time_zone, chrono_tz::Europe::London);
        assert_eq!(c.slot_step_minutes, 10);
        assert_eq!(c.default_duration_minutes, 60);
        assert_eq!(c.idle_lock, Duration::from_secs(600));
        assert!(c.mongodb_uri.is_none());
        assert!(matches!(
            c.require_mongodb_uri(),
            Err(ConfigError::MissingMongoUri)
        ));
    }

    fn mongo_database(file: &str, over: Overrides) -> String {
        let file: FileSettings = toml::from_str(file).expect("valid toml");
        Config::resolve(file, &over)
            .expect("valid config")
            .mongodb_database
    }

    #[test]
    fn the_uri_names_the_mongodb_database_unless_a_setting_does() {
        let uri = |u: &str| Overrides {
            mongodb_uri: Some(u.into()),
            ..Overrides::default()
        };
        // The URI's database is used, with or without options after it.
        assert_eq!(
            mongo_database("", uri("mongodb://db.internal/clinic_a")),
            "clinic_a"
        );
        assert_eq!(
            mongo_database(
                "",
                uri("mongodb://u:p@h1:27017,h2:27018/clinic_b?authSource=admin")
            ),
            "clinic_b"
        );
        assert_eq!(
            mongo_database(
                "mongodb_uri = 'mongodb://file-host/from_file_uri'",
                Overrides::default()
            ),
            "from_file_uri"
        );
        // No database in the URI (or no URI): the default.
        for u in [
            "mongodb://h:27017",
            "mongodb://h:27017/",
            "mongodb://h/?authSource=admin",
        ] {
            assert_eq!(mongo_database("", uri(u)), "clinic", "{u}");
        }
        assert_eq!(mongo_database("", Overrides::default()), "clinic");
        // An explicit setting overrides the URI: environment/flag first, then the file.
        assert_eq!(
            mongo_database(
                "mongodb_database = 'from_file'",
                Overrides {
                    mongodb_database: Some("from_env".into()),
                    ..uri("mongodb://h/clinic_a")
                }
            ),
            "from_env"
        );
        assert_eq!(
            mongo_database(
                "mongodb_database = 'from_file'",
                uri("mongodb://h/clinic_a")
            ),
            "from_file"
        );
        // A blank setting is not a setting.
        assert_eq!(
            mongo_database(
                "mongodb_database = ' '",
                Overrides {
                    mongodb_database: Some(String::new()),
                    ..uri("mongodb://h/clinic_a")
                }
            ),
            "clinic_a"
        );
        // A URI the driver cannot parse names nothing here; connecting reports it.
        assert_eq!(mongo_database("", uri("not a uri")), "clinic");
    }

    #[test]
    fn bad_values_are_sentences() {
        let over = Overrides {
            time_zone: Some("Mars/Olympus".into()),
            ..Overrides::default()
        };
        let err = Config::resolve(FileSettings::default(), &over).expect_err("bad tz");
        assert!(err.to_string().contains("Mars/Olympus"));
        let file: FileSettings = toml::from_str("slot_step_minutes = 7").expect("valid toml");
        let err = Config::resolve(file, &Overrides::default()).expect_err("bad step");
        assert!(err.to_string().contains("slot_step_minutes"));
        assert!(toml::from_str::<FileSettings>("nonsense = 1").is_err());
    }
}
