//! Command line: `clinic` (the TUI) and the operator subcommands. Every failure ends in
//! one clear line on stderr and a non-zero exit code.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{Config, MailOverrides, Overrides};
use crate::domain::{Actor, Role};
use crate::service::demo::{DEMO_ACCOUNTS, DEMO_ADMIN, DEMO_PASSWORD, SeedOutcome};
use crate::service::users::NewAccount;
use crate::service::{Services, Usage};
use crate::tui;

#[derive(Debug, Parser)]
#[command(
    name = "clinic",
    version,
    about = "Smart Clinic: run a clinic's day from the keyboard"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// MySQL/MariaDB URL, e.g. mysql://user:pass@127.0.0.1:3306/clinic
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// MongoDB URI, e.g. mongodb://127.0.0.1:27017
    #[arg(long, env = "MONGODB_URI", global = true, hide_env_values = true)]
    pub mongodb_uri: Option<String>,
    /// MongoDB database name (default: clinic)
    #[arg(long, env = "MONGODB_DATABASE", global = true)]
    pub mongodb_database: Option<String>,
    /// The clinic's IANA time zone, e.g. Europe/London (default: UTC)
    #[arg(long = "tz", env = "CLINIC_TZ", global = true)]
    pub time_zone: Option<String>,
    /// Config file (default: $XDG_CONFIG_HOME/smart-clinic/config.toml)
    #[arg(long, env = "CLINIC_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Mail server for reminders: smtp://user:pass@host:587 (STARTTLS), smtps://host:465
    /// (TLS), smtp://127.0.0.1:2525 (loopback, no TLS)
    #[arg(long, env = "CLINIC_SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender of reminders, e.g. "Clinic <reminders@clinic.example>"
    #[arg(long, env = "CLINIC_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,
    /// Reminders go out this many hours ahead (default 24)
    #[arg(long, env = "CLINIC_REMINDER_HOURS", global = true)]
    pub reminder_hours: Option<u32>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply the SQL migrations and create the MongoDB indexes (idempotent).
    Migrate,
    /// Load the demo data set (idempotent): the MySQL part, and whatever of its MongoDB
    /// part (the prescriptions) is missing.
    Seed {
        /// The realistic demo data set (the only data set there is).
        #[arg(long, required = true)]
        demo: bool,
        /// Leave a MySQL database with accounts that are not the demo's alone; when the
        /// MySQL demo is there, still write its missing prescriptions to MongoDB.
        #[arg(long, conflicts_with = "mongo_only")]
        if_empty: bool,
        /// Only write the demo's prescriptions that MongoDB lacks, from the MySQL demo
        /// (e.g. after a new MongoDB database); existing prescriptions are kept.
        #[arg(long)]
        mongo_only: bool,
    },
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Check that both databases answer.
    Check,
    /// Book, cancel and list appointments (for scripts; times are local clinic time).
    #[command(subcommand)]
    Appointments(AppointmentsCommand),
    /// Patients waiting for freed time, and the offers made to them.
    #[command(subcommand)]
    Waitlist(crate::cli_scheduling::WaitlistCommand),
    /// Extra hours on a date, outside the weekly windows.
    #[command(subcommand)]
    Availability(crate::cli_scheduling::AvailabilityCommand),
    /// Export appointments as a calendar file.
    #[command(subcommand)]
    Agenda(crate::cli_scheduling::AgendaCommand),
    /// Email appointment reminders and cancellation/reschedule notices (run from cron).
    #[command(subcommand)]
    Reminders(crate::cli_reaching::RemindersCommand),
    /// Export prescriptions.
    #[command(subcommand)]
    Prescriptions(crate::cli_reaching::PrescriptionsCommand),
    /// Payment receipts.
    #[command(subcommand)]
    Payments(crate::cli_reaching::PaymentsCommand),
    /// Serve the TUI over SSH to clinic accounts (the built-in SSH server).
    Serve(crate::cli_serve::ServeArgs),
}

#[derive(Debug, Subcommand)]
pub enum AppointmentsCommand {
    /// Book an appointment; a refusal exits non-zero with the reason on stderr.
    Book {
        /// The patient's email.
        #[arg(long)]
        patient: String,
        /// The doctor's email.
        #[arg(long)]
        doctor: String,
        /// Local clinic time, "YYYY-MM-DD HH:MM".
        #[arg(long)]
        at: String,
        /// Length in minutes (default: the clinic default).
        #[arg(long)]
        minutes: Option<u32>,
        /// Book a series: the same local time every K weeks (with --count).
        #[arg(long, value_name = "K", requires = "count")]
        repeat_weeks: Option<u32>,
        /// How many appointments the series has, the first included.
        #[arg(long, value_name = "N", requires = "repeat_weeks")]
        count: Option<u32>,
        /// Book the free dates of the series and leave out the others (listed on stderr)
        /// instead of refusing the whole series.
        #[arg(long, requires = "repeat_weeks")]
        skip_conflicts: bool,
        #[arg(long)]
        json: bool,
    },
    /// Cancel an appointment (the record is kept).
    Cancel {
        id: i32,
        #[arg(long)]
        reason: String,
        /// Also cancel every later appointment of its series.
        #[arg(long)]
        series: bool,
        #[arg(long)]
        json: bool,
    },
    /// List appointments, optionally for one doctor and/or one local date.
    List {
        /// The doctor's email.
        #[arg(long)]
        doctor: Option<String>,
        /// Local date "YYYY-MM-DD" (default: all dates).
        #[arg(long)]
        date: Option<String>,
        /// With --date: how many days from it.
        #[arg(long, default_value_t = 1)]
        days: u32,
        /// Include cancelled appointments.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// A doctor's free slots from a local date.
    Slots {
        #[arg(long)]
        doctor: String,
        #[arg(long)]
        date: String,
        #[arg(long, default_value_t = 1)]
        days: u32,
        #[arg(long)]
        minutes: Option<u32>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from standard input.
    Add {
        #[arg(long, value_enum)]
        role: RoleArg,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Required for doctors.
        #[arg(long)]
        specialization: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Public keys that sign in to `clinic serve`.
    #[command(subcommand)]
    SshKey(crate::cli_serve::SshKeyCommand),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Admin,
    FrontDesk,
    Doctor,
    Patient,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Admin => Role::Admin,
            RoleArg::FrontDesk => Role::FrontDesk,
            RoleArg::Doctor => Role::Doctor,
            RoleArg::Patient => Role::Patient,
        }
    }
}

impl Command {
    /// What the command needs from the databases: every subcommand is one-shot, and only
    /// those that touch documents open MongoDB.
    fn usage(&self) -> Usage {
        match self {
            Command::Serve(_) => Usage::Interactive,
            Command::Migrate | Command::Seed { .. } | Command::Check => {
                Usage::OneShot { documents: true }
            }
            Command::Prescriptions(_) => Usage::OneShot { documents: true },
            Command::User(_)
            | Command::Appointments(_)
            | Command::Waitlist(_)
            | Command::Availability(_)
            | Command::Agenda(_)
            | Command::Reminders(_)
            | Command::Payments(_) => Usage::OneShot { documents: false },
        }
    }
}

/// Parses the command line and runs it. `--version`, `--help` and usage errors are
/// answered by the parser before anything else starts.
pub fn main() -> ExitCode {
    // A lone `--version` is answered before the parser builds every subcommand.
    let mut args = std::env::args_os().skip(1);
    if let (Some(arg), None) = (args.next(), args.next())
        && (arg == "--version" || arg == "-V")
    {
        print!("{}", version_line());
        return ExitCode::SUCCESS;
    }
    parse_and_run()
}

/// The rest of `main`, kept out of line so that the `--version` path above touches as
/// little of the binary as it can.
#[inline(never)]
fn parse_and_run() -> ExitCode {
    let cli = Cli::parse();
    // Pretty reports for the unexpected (panics); expected failures are one line.
    if let Err(e) = color_eyre::install() {
        eprintln!("clinic: cannot install error reporting: {e}");
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // The message may quote what was typed or stored: never let it drive the terminal.
            eprintln!("clinic: {}", crate::domain::text::escape_control(&message));
            ExitCode::FAILURE
        }
    }
}

/// What `clinic --version` prints (the parser's own rendering, which a test compares).
fn version_line() -> String {
    format!("clinic {}\n", env!("CARGO_PKG_VERSION"))
}

fn run(cli: Cli) -> Result<(), String> {
    if let Some(Command::Serve(args)) = &cli.command
        && args.fingerprint
    {
        return crate::cli_serve::print_fingerprint(args);
    }
    let overrides = Overrides {
        config_file: cli.global.config.clone(),
        database_url: cli.global.database_url.clone(),
        mongodb_uri: cli.global.mongodb_uri.clone(),
        mongodb_database: cli.global.mongodb_database.clone(),
        time_zone: cli.global.time_zone.clone(),
    };
    let mail = MailOverrides {
        smtp_url: cli.global.smtp_url.clone(),
        mail_from: cli.global.mail_from.clone(),
        reminder_hours: cli.global.reminder_hours,
    };
    let config = Arc::new(
        Config::load(&overrides)
            .and_then(|c| c.with_mail(&mail))
            .map_err(|e| e.to_string())?,
    );
    let usage = cli
        .command
        .as_ref()
        .map_or(Usage::Interactive, Command::usage);
    let _log_guard = init_logging(&config, usage);
    // A one-shot command waits on one thing at a time: one thread is enough.
    let runtime = match usage {
        Usage::Interactive => tokio::runtime::Builder::new_multi_thread(),
        Usage::OneShot { .. } => tokio::runtime::Builder::new_current_thread(),
    }
    .enable_all()
    .build()
    .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(async move {
        let services = Services::connect_for(config.clone(), usage)
            .await
            .map_err(|e| e.to_string())?;
        let result = match cli.command {
            None => run_tui(services.clone(), &config).await,
            Some(Command::Migrate) => {
                services.migrate().await.map_err(|e| e.to_string())?;
                println!("Migrations applied; MongoDB indexes in place.");
                Ok(())
            }
            Some(Command::Check) => {
                services.check().await.map_err(|e| e.to_string())?;
                println!("MySQL and MongoDB both answer.");
                Ok(())
            }
            Some(Command::Seed {
                demo: _,
                if_empty,
                mongo_only,
            }) => seed(&services, &config, if_empty, mongo_only).await,
            Some(Command::Appointments(cmd)) => crate::cli_appointments::run(&services, cmd).await,
            Some(Command::Waitlist(cmd)) => crate::cli_scheduling::waitlist(&services, cmd).await,
            Some(Command::Availability(cmd)) => {
                crate::cli_scheduling::availability(&services, cmd).await
            }
            Some(Command::Agenda(cmd)) => crate::cli_scheduling::agenda(&services, cmd).await,
            Some(Command::Reminders(cmd)) => crate::cli_reaching::reminders(&services, cmd).await,
            Some(Command::Prescriptions(cmd)) => {
                crate::cli_reaching::prescriptions(&services, cmd).await
            }
            Some(Command::Payments(cmd)) => crate::cli_reaching::payments(&services, cmd).await,
            Some(Command::Serve(args)) => {
                crate::cli_serve::serve(services.clone(), &config, args).await
            }
            Some(Command::User(UserCommand::SshKey(cmd))) => {
                crate::cli_serve::ssh_key(&services, cmd).await
            }
            Some(Command::User(UserCommand::Add {
                role,
                email,
                name,
                specialization,
                password_stdin: _,
            })) => {
                let password = read_password_line()?;
                let id = services
                    .add_user(
                        &Actor::System,
                        NewAccount {
                            role: role.into(),
                            email: email.clone(),
                            full_name: name,
                            specialization,
                            password,
                        },
                    )
                    .await
                    .map_err(|e| e.to_string())?;
                println!(
                    "Created {} account {email} (id {id}).",
                    Role::from(role).label()
                );
                Ok(())
            }
        };
        services.close().await;
        result
    })
}

async fn seed(
    services: &Services,
    config: &Config,
    if_empty: bool,
    mongo_only: bool,
) -> Result<(), String> {
    let outcome = if mongo_only {
        services.seed_demo_mongo(&Actor::System).await
    } else {
        services.seed_demo(&Actor::System, if_empty).await
    }
    .map_err(|e| e.to_string())?;
    match outcome {
        SeedOutcome::Seeded(c) => println!(
            "Demo data loaded: {} locations, {} doctors, {} patients, {} appointments, {} payments, {} prescriptions.",
            c.locations, c.doctors, c.patients, c.appointments, c.payments, c.prescriptions
        ),
        SeedOutcome::AlreadyPresent => {
            println!("Demo data is already present in MySQL and MongoDB; nothing changed.")
        }
        SeedOutcome::MongoRecreated { recreated, kept: 0 } => println!(
            "MySQL demo data present; recreated {recreated} demo prescriptions in MongoDB (database {}).",
            config.mongodb_database
        ),
        SeedOutcome::MongoRecreated { recreated, kept } => println!(
            "MySQL demo data present; recreated {recreated} missing demo prescriptions in MongoDB (database {}); {kept} were there already and were kept.",
            config.mongodb_database
        ),
        SeedOutcome::SkippedNotEmpty => {
            println!(
                "The MySQL database already has accounts that are not the demo's; demo data not loaded (drop --if-empty to force)."
            );
            return Ok(());
        }
        SeedOutcome::NoMysqlDemo => {
            return Err(format!(
                "MySQL holds no demo data (no {DEMO_ADMIN} account), so there is nothing to write demo prescriptions for; run `clinic seed --demo` first."
            ));
        }
        SeedOutcome::MongoNotEmpty { prescriptions } => {
            let what = if prescriptions == 1 {
                "1 prescription".to_string()
            } else {
                format!("{prescriptions} prescriptions")
            };
            return Err(format!(
                "MongoDB database {} already holds {what} for appointments this MySQL database does not have; the demo's would be linked to them. Nothing was loaded: use an empty MongoDB database (--mongodb-database, or its name in MONGODB_URI) or drop that one.",
                config.mongodb_database
            ));
        }
    }
    println!("Demo accounts (password: {DEMO_PASSWORD}):");
    for (role, email) in DEMO_ACCOUNTS {
        println!("  {role:<11} {email}");
    }
    Ok(())
}

fn read_password_line() -> Result<String, String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password (input is visible; prefer piping it): ");
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        return Err("no password on standard input (use: echo 'secret' | clinic user add … --password-stdin)".into());
    }
    Ok(password)
}

async fn run_tui(services: Services, config: &Config) -> Result<(), String> {
    let keymap = match &config.keymap_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the keymap file {}: {e}", path.display()))?;
            tui::keymap::Keymap::with_overrides(&text)
                .map_err(|e| format!("keymap file {}: {e}", path.display()))?
        }
        None => tui::keymap::Keymap::defaults(),
    };
    if !std::io::stdout().is_terminal() {
        return Err("the TUI needs a terminal; run a subcommand (see --help) for scripting".into());
    }
    let mut state = tui::AppState::new(
        tui::state::ClinicInfo {
            name: config.clinic_name.clone(),
            time_zone: config.time_zone,
        },
        tui::theme::Theme::from_env(),
        chrono::Utc::now(),
    );
    state.idle_lock =
        chrono::Duration::from_std(config.idle_lock).unwrap_or(chrono::Duration::minutes(10));
    let mut terminal = ratatui::init();
    // After ratatui's hook: a panic inside a UI task must not tear the terminal down.
    tui::task::install_panic_guard();
    let events = crossterm::event::EventStream::new();
    let result = tui::run(&mut terminal, events, services, keymap, state).await;
    ratatui::restore();
    result.map_err(|e| format!("terminal error: {e}"))
}

/// Logs go to a file, never to the terminal the TUI draws on. The TUI writes them from
/// a background thread; a one-shot command writes the odd line itself, and opens the
/// file only when there is one.
fn init_logging(
    config: &Config,
    usage: Usage,
) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let path = &config.log_file;
    let filter = tracing_subscriber::EnvFilter::try_from_env("CLINIC_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_env_filter(filter);
    if usage != Usage::Interactive {
        let log = Arc::new(LazyLog {
            path: path.clone(),
            file: std::sync::OnceLock::new(),
        });
        builder
            .with_writer(move || LazyLogWriter(log.clone()))
            .try_init()
            .ok()?;
        return None;
    }
    let dir = path.parent()?;
    std::fs::create_dir_all(dir).ok()?;
    let file_name = path.file_name()?;
    let appender = tracing_appender::rolling::never(dir, file_name);
    let (writer, guard) = tracing_appender::non_blocking(appender);
    builder.with_writer(writer).try_init().ok()?;
    Some(guard)
}

/// The log file, opened (for appending) on the first line written.
struct LazyLog {
    path: PathBuf,
    file: std::sync::OnceLock<Option<std::sync::Mutex<std::fs::File>>>,
}

impl LazyLog {
    fn file(&self) -> Option<&std::sync::Mutex<std::fs::File>> {
        self.file
            .get_or_init(|| {
                if let Some(dir) = self.path.parent() {
                    std::fs::create_dir_all(dir).ok()?;
                }
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&self.path)
                    .ok()
                    .map(std::sync::Mutex::new)
            })
            .as_ref()
    }
}

struct LazyLogWriter(Arc<LazyLog>);

impl std::io::Write for LazyLogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.0.file() {
            Some(file) => file
                .lock()
                .map_err(|_| std::io::Error::other("log file lock poisoned"))?
                .write(buf),
            // No log file can be opened: the line is dropped, the command goes on.
            None => Ok(buf.len()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.0.file.get().and_then(Option::as_ref) {
            Some(file) => file
                .lock()
                .map_err(|_| std::io::Error::other("log file lock poisoned"))?
                .flush(),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_fast_version_line_is_the_parsers() {
        assert_eq!(version_line(), Cli::command().render_version());
    }
}
