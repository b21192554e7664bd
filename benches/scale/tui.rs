//! The UI rows of the scale bench: frame time per screen at 120x40 (states reached by
//! driving the real `update` and runtime against the seeded databases), start-up to the
//! sign-in screen, and the resident memory of a TUI session (the release binary in a
//! pseudo-terminal).

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use clinic::domain::{AccountKind, Actor, Role};
use clinic::service::Services;
use clinic::service::users::NewAccount;
use clinic::tui::keymap::Keymap;
use clinic::tui::msg::Msg;
use clinic::tui::routes::Route;
use clinic::tui::runtime::Runtime;
use clinic::tui::screens::home::HomeItem;
use clinic::tui::state::{AppState, ClinicInfo};
use clinic::tui::theme::Theme;
use clinic::tui::{render, update};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sqlx::MySqlPool;
use tokio::sync::mpsc;

use super::Row;

const PASSWORD: &str = "bench-password";

/// The app without a terminal: messages in, effects run against the real services.
struct Driver {
    state: AppState,
    keymap: Keymap,
    runtime: Runtime,
    rx: mpsc::UnboundedReceiver<Msg>,
}

impl Driver {
    fn new(services: &Services) -> Driver {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut state = AppState::new(
            ClinicInfo {
                name: "Smart Clinic".into(),
                time_zone: services.config().time_zone,
            },
            Theme { color: true },
            Utc::now(),
        );
        state.size = (120, 40);
        Driver {
            state,
            keymap: Keymap::defaults(),
            runtime: Runtime::new(services.clone(), tx),
            rx,
        }
    }

    /// Applies a message, runs its effects, and keeps applying results until quiet.
    async fn send(&mut self, msg: Msg) {
        for effect in update(&mut self.state, msg, &self.keymap) {
            self.runtime.run(effect);
        }
        while let Ok(Some(m)) =
            tokio::time::timeout(Duration::from_millis(400), self.rx.recv()).await
        {
            for effect in update(&mut self.state, m, &self.keymap) {
                self.runtime.run(effect);
            }
        }
    }

    async fn key(&mut self, code: KeyCode) {
        self.send(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
            .await;
    }

    async fn text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c)).await;
        }
    }

    async fn login(&mut self, kind_steps: usize, email: &str) {
        self.text(email).await;
        self.key(KeyCode::Tab).await;
        self.text(PASSWORD).await;
        self.key(KeyCode::Tab).await;
        for _ in 0..kind_steps {
            self.key(KeyCode::Right).await;
        }
        self.key(KeyCode::Enter).await;
    }

    async fn open(&mut self, item: HomeItem) -> bool {
        let Route::Home(home) = self.state.screen() else {
            return false;
        };
        let Some(index) = home.items.iter().position(|i| *i == item) else {
            return false;
        };
        // Home keeps its cursor: from the top.
        for _ in 0..home.items.len() {
            self.key(KeyCode::Up).await;
        }
        for _ in 0..index {
            self.key(KeyCode::Down).await;
        }
        self.key(KeyCode::Enter).await;
        true
    }

    async fn home(&mut self) {
        for _ in 0..3 {
            if matches!(self.state.screen(), Route::Home(_)) {
                return;
            }
            self.key(KeyCode::Esc).await;
        }
    }

    fn frame_times(&self, n: usize) -> Vec<Duration> {
        let mut terminal = match Terminal::new(TestBackend::new(120, 40)) {
            Ok(t) => t,
            Err(_) => return Vec::new(),
        };
        (0..n)
            .map(|_| {
                let t = Instant::now();
                let _ = terminal.draw(|f| render(f, &self.state, &self.keymap));
                t.elapsed()
            })
            .collect()
    }
}

async fn account(
    services: &Services,
    role: Role,
    email: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let result = services
        .add_user(
            &Actor::System,
            NewAccount {
                role,
                email: email.into(),
                full_name: format!("Bench {}", role.label()),
                specialization: (role == Role::Doctor).then(|| "General Practice".to_string()),
                password: PASSWORD.into(),
            },
        )
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(clinic::service::ServiceError::Conflict(_)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

pub async fn measure(
    services: &Services,
    pool: &MySqlPool,
    full: bool,
) -> Result<Vec<Row>, Box<dyn std::error::Error>> {
    let n = if full { 300 } else { 5 };
    account(services, Role::FrontDesk, "desk@scale.test").await?;
    account(services, Role::Admin, "admin@scale.test").await?;
    // A seeded doctor, given a password, so that their own screens have data.
    let doctor_id: i32 =
        sqlx::query_scalar("SELECT MIN(id) FROM doctors WHERE email LIKE 'doctor%@scale.test'")
            .fetch_one(pool)
            .await?;
    services
        .reset_password(&Actor::System, AccountKind::Doctor, doctor_id, PASSWORD)
        .await?;
    let doctor_email: String = sqlx::query_scalar("SELECT email FROM doctors WHERE id = ?")
        .bind(doctor_id)
        .fetch_one(pool)
        .await?;

    let mut rows = Vec::new();
    let mut d = Driver::new(services);
    rows.push(Row::new(
        "frame 120x40: sign-in",
        d.frame_times(n),
        "≤ 1 ms",
    ));
    d.login(0, "desk@scale.test").await;
    rows.push(Row::new(
        "frame 120x40: home (front desk)",
        d.frame_times(n),
        "≤ 1 ms",
    ));
    for (item, label) in [
        (HomeItem::Agenda, "frame 120x40: agenda, all doctors, today"),
        (
            HomeItem::DoctorsCalendars,
            "frame 120x40: doctors' calendars",
        ),
        (HomeItem::Reports, "frame 120x40: reports (day schedule)"),
    ] {
        if d.open(item).await {
            rows.push(Row::new(label, d.frame_times(n), "≤ 1 ms"));
        }
        d.home().await;
    }
    if d.open(HomeItem::Book).await {
        d.text("Ana").await;
        rows.push(Row::new(
            "frame 120x40: booking, patient search",
            d.frame_times(n),
            "≤ 1 ms",
        ));
    }

    let mut doc = Driver::new(services);
    doc.login(1, &doctor_email).await;
    for (item, label) in [
        (
            HomeItem::Availability,
            "frame 120x40: doctor's weekly calendar",
        ),
        (HomeItem::Agenda, "frame 120x40: doctor's agenda"),
        (HomeItem::Prescriptions, "frame 120x40: prescriptions list"),
    ] {
        if doc.open(item).await {
            rows.push(Row::new(label, doc.frame_times(n), "≤ 1 ms"));
        }
        doc.home().await;
    }

    rows.extend(startup_and_memory(pool, full).await?);
    Ok(rows)
}

/// Start-up to the sign-in screen, and RSS after signing in and opening the agenda.
async fn startup_and_memory(
    pool: &MySqlPool,
    full: bool,
) -> Result<Vec<Row>, Box<dyn std::error::Error>> {
    // Cargo builds the binary for a bench target: the release one under `cargo bench`,
    // the test build's under `cargo test --bench scale` (the smoke run measures the path,
    // not the figures).
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_clinic"));
    let db: String = sqlx::query_scalar("SELECT DATABASE()")
        .fetch_one(pool)
        .await?;
    let base = std::env::var("DATABASE_URL").unwrap_or_default();
    let env = vec![
        ("DATABASE_URL", super::url_with_db(&base, &db)),
        (
            "MONGODB_URI",
            std::env::var("MONGODB_URI").unwrap_or_default(),
        ),
        ("MONGODB_DATABASE", db.clone()),
        ("CLINIC_TZ", "UTC".to_string()),
        (
            "XDG_CONFIG_HOME",
            std::env::temp_dir().display().to_string(),
        ),
        (
            "XDG_STATE_HOME",
            std::env::temp_dir()
                .join("clinic-scale-state")
                .display()
                .to_string(),
        ),
    ];
    let runs = if full { 5 } else { 1 };
    let mut startup = Vec::new();
    let mut rss_kib = Vec::new();
    for run in 0..runs {
        let pair = native_pty_system().openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })?;
        let mut cmd = CommandBuilder::new(binary);
        cmd.cwd(std::env::temp_dir());
        cmd.env("TERM", "xterm-256color");
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let started = Instant::now();
        let mut child = pair.slave.spawn_command(cmd)?;
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader()?;
        let mut writer = pair.master.take_writer()?;
        let screen = Arc::new(Mutex::new(vt100::Parser::new(40, 120, 0)));
        let sink = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(k) = reader.read(&mut buf) {
                if k == 0 {
                    break;
                }
                if let Ok(mut p) = sink.lock() {
                    p.process(&buf[..k]);
                }
            }
        });
        let shows = |text: &str| {
            screen
                .lock()
                .map(|p| p.screen().contents().contains(text))
                .unwrap_or(false)
        };
        let wait = |text: &str, limit: Duration| {
            let t = Instant::now();
            while t.elapsed() < limit {
                if shows(text) {
                    return true;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            false
        };
        if wait("Sign in", Duration::from_secs(20)) {
            startup.push(started.elapsed());
        }
        if run == 0 {
            for chunk in ["desk@scale.test", "\t", PASSWORD, "\r"] {
                writer.write_all(chunk.as_bytes())?;
                writer.flush()?;
                std::thread::sleep(Duration::from_millis(50));
            }
            wait("Welcome", Duration::from_secs(20));
            for chunk in ["\x1b[B", "\x1b[B", "\r"] {
                writer.write_all(chunk.as_bytes())?;
                writer.flush()?;
                std::thread::sleep(Duration::from_millis(50));
            }
            std::thread::sleep(Duration::from_millis(1500));
            if let Some(pid) = child.process_id() {
                let status =
                    std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
                if let Some(kib) = status
                    .lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|v| v.parse::<u64>().ok())
                {
                    rss_kib.push(kib);
                }
            }
        }
        let _ = writer.write_all(b"\x03");
        let _ = writer.flush();
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
    }
    let mut rows = vec![Row::new("start-up to the sign-in screen", startup, "")];
    if let Some(kib) = rss_kib.first() {
        let mut r = Row::new(
            "resident memory, front desk on the agenda",
            Vec::new(),
            "≤ 50 MiB",
        );
        r.note = format!("{:.1} MiB", *kib as f64 / 1024.0);
        rows.push(r);
    }
    Ok(rows)
}
