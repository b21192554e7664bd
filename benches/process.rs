//! The whole process, as people and scripts meet it: the `clinic` binary is started many
//! times and timed from spawn to exit, each figure a ratio to a floor timed in the same
//! run, alternating with it. Prints tables (docs/PERFORMANCE.md):
//!
//!   cargo bench --bench process    # the release build, 300 runs per row
//!   cargo test --bench process     # a smoke run of the debug build, 3 runs per row
//!
//! - `clinic --version` against `/bin/true`.
//! - `clinic appointments slots … --days 1|7` against the `mariadb` command-line client
//!   sending the same statements (same literal values) to the same server, on issue 17's
//!   scenario (benches/shared/slots_scenario.rs) with no history and with 2,000
//!   appointments. The `slots` runs get no MONGODB_URI: a SQL-only command that tried to
//!   reach MongoDB would fail here. Without a `mariadb` (or `mysql`) client on PATH the
//!   client rows say so and the `slots` rows still run.
//! - The TUI in a pseudo-terminal: start-up to the sign-in screen, and from pressing Enter
//!   on the sign-in form to the first frame of the home screen (an argon2id verification
//!   included).

#[path = "shared/db_url.rs"]
mod db_url;
#[path = "shared/slots_scenario.rs"]
mod scenario;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use clinic::config::{Config, FileSettings, Overrides};
use clinic::domain::{Actor, Role};
use clinic::service::Services;
use clinic::service::users::NewAccount;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use scenario::{DOCTOR_EMAIL, DURATION_MINUTES, Scenario, percentile};

const CLINIC: &str = env!("CARGO_BIN_EXE_clinic");
const DESK_EMAIL: &str = "desk@bench.test";
const DESK_PASSWORD: &str = "bench-password-1";

struct Row {
    what: String,
    ours: Vec<Duration>,
    floor_name: &'static str,
    floor: Vec<Duration>,
    target: Option<f64>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A quiet environment: no config file, logs under a temporary folder.
struct Env {
    dir: PathBuf,
    vars: Vec<(String, String)>,
}

impl Env {
    fn new(database_url: &str, db: &str) -> Env {
        let dir = std::env::temp_dir().join(format!("clinic-process-bench-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let d = dir.display().to_string();
        let vars = vec![
            ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
            ("HOME".into(), d.clone()),
            ("XDG_CONFIG_HOME".into(), d.clone()),
            ("XDG_STATE_HOME".into(), d.clone()),
            ("DATABASE_URL".into(), database_url.to_string()),
            ("MONGODB_DATABASE".into(), db.to_string()),
            ("CLINIC_TZ".into(), scenario::TIME_ZONE.name().to_string()),
        ];
        Env { dir, vars }
    }

    fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env_clear()
            .envs(self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        c
    }
}

/// Runs `cmd` to its end; its wall time, or why it failed.
fn timed(cmd: &mut Command) -> Result<Duration, String> {
    let t = Instant::now();
    let out = cmd
        .output()
        .map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    let took = t.elapsed();
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(took)
}

/// Runs `ours` and `floor` alternately `runs` times each (after two warm-up runs each).
fn alternate(
    runs: usize,
    mut ours: impl FnMut() -> Command,
    mut floor: impl FnMut() -> Command,
) -> Result<(Vec<Duration>, Vec<Duration>), String> {
    for _ in 0..2 {
        timed(&mut ours())?;
        timed(&mut floor())?;
    }
    let mut a = Vec::with_capacity(runs);
    let mut b = Vec::with_capacity(runs);
    for _ in 0..runs {
        a.push(timed(&mut ours())?);
        b.push(timed(&mut floor())?);
    }
    a.sort();
    b.sort();
    Ok((a, b))
}

/// user, password, host, port of a `mysql://` URL.
fn mysql_parts(url: &str) -> (String, String, String, String) {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    let (userinfo, hostport) = authority.rsplit_once('@').unwrap_or(("root", authority));
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let (host, port) = hostport.rsplit_once(':').unwrap_or((hostport, "3306"));
    let host = if host == "localhost" {
        "127.0.0.1"
    } else {
        host
    };
    (
        user.to_string(),
        password.to_string(),
        host.to_string(),
        port.to_string(),
    )
}

fn find_client() -> Option<PathBuf> {
    let path = std::env::var("PATH").unwrap_or_default();
    ["mariadb", "mysql"].iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

/// The statement `clinic appointments slots` sends, with its values written out: the
/// slot inputs read by `store::mysql::free_time::slot_inputs` for a doctor given by email
/// (`Services::free_slots_by_email`): the windows of the weekdays asked for (all of them
/// from 7 days), and time off and appointments from local midnight of the first date
/// (appointments from 8 hours before, the longest one lasts) to local midnight after the
/// last, in UTC.
fn client_sql(from: NaiveDate, days: u32) -> String {
    use chrono::{Datelike, TimeZone};
    let tz = scenario::TIME_ZONE;
    let to = from + Days::new(u64::from(days) - 1);
    let utc = |d: NaiveDate| {
        let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default();
        tz.from_local_datetime(&midnight)
            .earliest()
            .map_or(midnight, |t| t.naive_utc())
    };
    let start = utc(from);
    let end = utc(to + Days::new(1));
    let busy_from = start - chrono::Duration::minutes(480);
    let fmt = |t: chrono::NaiveDateTime| t.format("'%Y-%m-%d %H:%M:%S'").to_string();
    let weekdays = if days < 7 {
        let codes: Vec<String> = (0..days)
            .map(|i| {
                let day = (from + Days::new(u64::from(i))).weekday();
                format!("'{}'", clinic::store::mysql::availability::day_code(day))
            })
            .collect();
        format!(" AND day_of_week IN ({})", codes.join(", "))
    } else {
        String::new()
    };
    let doctor = format!("(SELECT id FROM doctors WHERE email = '{DOCTOR_EMAIL}')");
    format!(
        "SELECT 0 AS kind, doctor_id, day_of_week AS label, start_time, end_time, location_id, \
         CAST(NULL AS DATETIME) AS starts_at, CAST(NULL AS DATETIME) AS ends_at, \
         CAST(NULL AS SIGNED) AS minutes \
         FROM doctor_availability FORCE INDEX (ix_avail_doctor_window) \
         WHERE doctor_id = {doctor}{weekdays} \
         UNION ALL SELECT 1, doctor_id, reason, NULL, NULL, NULL, starts_at, ends_at, NULL \
         FROM doctor_time_off FORCE INDEX (ix_timeoff_doctor_end) \
         WHERE ends_at > {} AND starts_at < {} AND doctor_id = {doctor} \
         UNION ALL SELECT 2, doctor_id, NULL, NULL, NULL, NULL, active_slot, NULL, \
         duration_minutes FROM appointments FORCE INDEX (ix_appt_doctor_busy) \
         WHERE active_slot >= {} AND active_slot < {} AND doctor_id = {doctor} \
         UNION ALL SELECT 3, id, NULL, NULL, NULL, NULL, NULL, NULL, NULL \
         FROM doctors WHERE email = '{DOCTOR_EMAIL}'",
        fmt(start),
        fmt(end),
        fmt(busy_from),
        fmt(end),
    )
}

fn slots_rows(
    scenario: &Scenario,
    env: &Env,
    client: Option<&Path>,
    history: usize,
    runs: usize,
    rows: &mut Vec<Row>,
) -> Result<(), String> {
    let (user, password, host, port) = mysql_parts(&scenario.url);
    let date = scenario.date.format("%Y-%m-%d").to_string();
    for days in [1u32, 7] {
        let slots = || {
            let mut c = env.command(CLINIC);
            c.args([
                "appointments",
                "slots",
                "--doctor",
                DOCTOR_EMAIL,
                "--date",
                &date,
            ])
            .args(["--days", &days.to_string()])
            .args(["--minutes", &DURATION_MINUTES.to_string()]);
            c
        };
        let what = format!("`slots --days {days}`, {history} appointments of history");
        let Some(client) = client else {
            let (ours, _) = alternate(runs, slots, || env.command("/bin/true"))?;
            rows.push(Row {
                what,
                ours,
                floor_name: "(no mariadb client on PATH)",
                floor: Vec::new(),
                target: None,
            });
            continue;
        };
        let sql = client_sql(scenario.date, days);
        let mariadb = || {
            let mut c = env.command(&client.display().to_string());
            c.args(["-h", &host, "-P", &port, "-u", &user, "-B", "-N"]);
            if !password.is_empty() {
                c.arg(format!("-p{password}"));
            }
            c.args([scenario.db.as_str(), "-e", &sql]);
            c
        };
        let (ours, floor) = alternate(runs, slots, mariadb)?;
        rows.push(Row {
            what,
            ours,
            floor_name: "mariadb client, same statements",
            floor,
            target: Some(0.6),
        });
    }
    Ok(())
}

/// A `clinic` TUI in a pseudo-terminal, read through a VT100 emulator.
struct Tui {
    screen: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Tui {
    fn spawn(env: &Env, mongo_uri: &str) -> Result<Tui, String> {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .map_err(|e| e.to_string())?;
        let mut cmd = CommandBuilder::new(CLINIC);
        cmd.env_clear();
        cmd.cwd(&env.dir);
        for (k, v) in &env.vars {
            cmd.env(k, v);
        }
        cmd.env("MONGODB_URI", mongo_uri);
        cmd.env("TERM", "xterm-256color");
        let child = pair.slave.spawn_command(cmd).map_err(|e| e.to_string())?;
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().map_err(|e| e.to_string())?;
        let writer = pair.master.take_writer().map_err(|e| e.to_string())?;
        let screen = Arc::new(Mutex::new(vt100::Parser::new(24, 80, 0)));
        let sink = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut p) = sink.lock() {
                    p.process(&buf[..n]);
                }
            }
        });
        Ok(Tui {
            screen,
            writer,
            child,
        })
    }

    fn shows(&self, text: &str) -> bool {
        self.screen
            .lock()
            .map(|p| p.screen().contents().contains(text))
            .unwrap_or(false)
    }

    /// Waits (polling the emulator every 200 µs) until the screen shows `text`.
    fn wait_for(&self, text: &str) -> Result<(), String> {
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(30) {
            if self.shows(text) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        Err(format!("the TUI never showed {text:?}"))
    }

    fn send(&mut self, text: &str) -> Result<(), String> {
        self.writer
            .write_all(text.as_bytes())
            .and_then(|_| self.writer.flush())
            .map_err(|e| e.to_string())
    }

    fn quit(mut self) {
        let _ = self.send("\x03");
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = self.child.kill();
    }
}

async fn tui_rows(
    env: &Env,
    mongo_uri: &str,
    runs: usize,
    rows: &mut Vec<Row>,
) -> Result<(), String> {
    let mut startup = Vec::new();
    let mut sign_in = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let mut tui = Tui::spawn(env, mongo_uri)?;
        tui.wait_for("Sign in")?;
        startup.push(t.elapsed());
        // Type the form, then wait for each field to show what was typed.
        tui.send(DESK_EMAIL)?;
        tui.wait_for(DESK_EMAIL)?;
        tui.send("\t")?;
        tui.send(DESK_PASSWORD)?;
        tui.wait_for(&"•".repeat(DESK_PASSWORD.chars().count()))?;
        let t = Instant::now();
        tui.send("\r")?;
        tui.wait_for("Welcome")?;
        sign_in.push(t.elapsed());
        tui.quit();
    }
    // What the sign-in spends on the password alone, in this process.
    let mut verify = Vec::new();
    if let Ok(hash) = clinic::service::password::hash(DESK_PASSWORD).await {
        for _ in 0..runs.max(3) {
            let t = Instant::now();
            let ok = clinic::service::password::verify(Some(hash.clone()), DESK_PASSWORD).await;
            verify.push(t.elapsed());
            if !matches!(ok, Ok(true)) {
                return Err("the password did not verify".into());
            }
        }
    }
    verify.sort();
    startup.sort();
    sign_in.sort();
    rows.push(Row {
        what: "TUI: start-up to the sign-in screen".into(),
        ours: startup,
        floor_name: "",
        floor: Vec::new(),
        target: None,
    });
    rows.push(Row {
        what: "TUI: Enter on sign-in to the first home frame".into(),
        ours: sign_in,
        floor_name: "argon2id verification alone",
        floor: verify,
        target: None,
    });
    Ok(())
}

/// In a smoke run the target column says so instead of judging a debug build.
fn print_rows(rows: &[Row], full: bool) {
    println!();
    println!(
        "| measurement | runs | ours p50 ms | p90 ms | floor | floor p50 ms | ratio p50 | target |"
    );
    println!("|---|---:|---:|---:|---|---:|---:|---|");
    for r in rows {
        let ours = percentile(&r.ours, 0.5);
        let (floor, ratio) = if r.floor.is_empty() {
            (String::new(), String::new())
        } else {
            let f = percentile(&r.floor, 0.5);
            (
                format!("{:.2}", ms(f)),
                format!("{:.2}x", ms(ours) / ms(f).max(1e-9)),
            )
        };
        let target = match (r.target, r.floor.is_empty()) {
            (Some(t), false) if !full => format!("≤ {t}x (smoke run)"),
            (Some(t), false) => {
                let ok = ms(ours) / ms(percentile(&r.floor, 0.5)).max(1e-9) <= t;
                format!("≤ {t}x {}", if ok { "✓" } else { "✗" })
            }
            _ => "—".into(),
        };
        println!(
            "| {} | {} | {:.2} | {:.2} | {} | {} | {} | {} |",
            r.what,
            r.ours.len(),
            ms(ours),
            ms(percentile(&r.ours, 0.9)),
            r.floor_name,
            floor,
            ratio,
            target
        );
    }
}

async fn run(
    scenario: &Scenario,
    base_url: &str,
    mongo_uri: &str,
    full: bool,
) -> Result<Vec<Row>, String> {
    let runs = if full { 300 } else { 3 };
    let history = if full { 2000 } else { 20 };
    let env = Env::new(&scenario.url, &scenario.db);
    let mut rows = Vec::new();

    let (ours, floor) = alternate(
        runs,
        || {
            let mut c = env.command(CLINIC);
            c.arg("--version");
            c
        },
        || env.command("/bin/true"),
    )?;
    rows.push(Row {
        what: "`clinic --version`".into(),
        ours,
        floor_name: "/bin/true",
        floor,
        target: Some(1.5),
    });

    let client = find_client();
    slots_rows(scenario, &env, client.as_deref(), 0, runs, &mut rows)?;
    scenario
        .add_history(history)
        .await
        .map_err(|e| e.to_string())?;
    slots_rows(scenario, &env, client.as_deref(), history, runs, &mut rows)?;

    // An account to sign in with, then the TUI.
    let overrides = Overrides {
        database_url: Some(scenario.url.clone()),
        mongodb_uri: Some(mongo_uri.to_string()),
        mongodb_database: Some(scenario.db.clone()),
        time_zone: Some(scenario::TIME_ZONE.name().to_string()),
        config_file: None,
    };
    let config =
        Arc::new(Config::resolve(FileSettings::default(), &overrides).map_err(|e| e.to_string())?);
    let mongo = clinic::store::mongo::connect(mongo_uri, &scenario.db)
        .await
        .map_err(|e| e.to_string())?;
    let services = Services::new(scenario.pool.clone(), mongo.clone(), config);
    services
        .add_user(
            &Actor::System,
            NewAccount {
                role: Role::FrontDesk,
                email: DESK_EMAIL.into(),
                full_name: "Fran Desk".into(),
                specialization: None,
                password: DESK_PASSWORD.into(),
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    tui_rows(&env, mongo_uri, if full { 20 } else { 1 }, &mut rows).await?;
    let _ = mongo.drop().await;
    let _ = base_url;
    Ok(rows)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let Ok(base_url) = std::env::var("DATABASE_URL") else {
        eprintln!(
            "process bench: set DATABASE_URL and MONGODB_URI (./scripts/services up && . .clinic/env)"
        );
        std::process::exit(2);
    };
    let mongo_uri =
        std::env::var("MONGODB_URI").unwrap_or_else(|_| "mongodb://127.0.0.1:27017".into());
    if full {
        println!("process: {CLINIC}");
    } else {
        println!(
            "process: smoke run of {CLINIC} (3 runs a row); `cargo bench --bench process` measures the release build"
        );
    }
    let scenario = match Scenario::create(&base_url, "bench_process").await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("process bench: cannot create the bench database: {e}");
            std::process::exit(2);
        }
    };
    let result = run(&scenario, &base_url, &mongo_uri, full).await;
    scenario.drop_database().await;
    match result {
        Ok(rows) => print_rows(&rows, full),
        Err(e) => {
            eprintln!("process bench: {e}");
            std::process::exit(1);
        }
    }
}
