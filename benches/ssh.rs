//! `clinic serve` under load: the real server process on loopback and russh's client in
//! this process, opening sessions that sign in with a key and land on the doctor's home.
//! Prints a table (docs/PERFORMANCE.md):
//!
//!   cargo bench --bench ssh     # the release build, 100 concurrent sessions
//!   cargo test --bench ssh      # a smoke run of the debug build, 4 sessions (what CI does)
//!
//! - Server RSS (VmRSS of the `clinic serve` process) at idle, before any session, and
//!   with every session open on its home screen; the difference per session (target:
//!   ≤ 2 MiB).
//! - Keystroke-to-frame latency while every session types at once: each sends Down and
//!   Up in turn (the home menu's selection moves, so each key changes the screen), one
//!   key every 100 ms (a fast typist), and times from sending the key to the first bytes
//!   of the frame that answers it; p50 / p99 over all keys of all sessions (target: p99
//!   ≤ 15 ms).
//! - Idle: with every session open and nobody typing, the server's CPU time and what it
//!   sends (target: no frames beyond what changed on screen; the home screen's clock
//!   changes once a minute, so a window that crosses a minute sees one frame a session).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Timelike;
use clinic::domain::{Actor, Role};
use clinic::service::Services;
use clinic::service::users::NewAccount;
use russh::ChannelMsg;
use russh::keys::{PrivateKey, PrivateKeyWithHashAlg};
use std::io::{BufRead, BufReader};
use std::process::Command;

const CLINIC: &str = env!("CARGO_BIN_EXE_clinic");
const EMAIL: &str = "doctor@ssh-bench.test";
const DOWN: &[u8] = b"\x1b[B";
const UP: &[u8] = b"\x1b[A";

#[path = "shared/db_url.rs"]
mod db_url;
use db_url::url_with_db;

struct Client;

impl russh::client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        // Loopback, to a server this bench started.
        Ok(true)
    }
}

/// One open session: its channel, and how many bytes and messages it has received.
struct Session {
    _handle: russh::client::Handle<Client>,
    channel: russh::Channel<russh::client::Msg>,
    seen: Vec<u8>,
}

impl Session {
    async fn open(port: u16, key: Arc<PrivateKey>) -> Session {
        let config = Arc::new(russh::client::Config {
            nodelay: true,
            ..Default::default()
        });
        let mut handle = russh::client::connect(config, ("127.0.0.1", port), Client)
            .await
            .expect("connect to clinic serve");
        let auth = handle
            .authenticate_publickey(EMAIL, PrivateKeyWithHashAlg::new(key, None))
            .await
            .expect("authenticate");
        assert!(auth.success(), "the key signs in");
        let channel = handle.channel_open_session().await.expect("session");
        channel
            .request_pty(true, "xterm-256color", 80, 24, 0, 0, &[])
            .await
            .expect("pty");
        channel.request_shell(true).await.expect("shell");
        let mut s = Session {
            _handle: handle,
            channel,
            seen: Vec::new(),
        };
        // The home screen, whole: its status line is drawn last.
        while !contains(&s.seen, b"Signed in as") {
            s.next_data(Duration::from_secs(60))
                .await
                .expect("the home screen arrives");
        }
        s
    }

    /// The next data the server sends, within `timeout`; its length.
    async fn next_data(&mut self, timeout: Duration) -> Option<usize> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            match tokio::time::timeout_at(deadline, self.channel.wait()).await {
                Ok(Some(ChannelMsg::Data { data })) => {
                    self.seen.extend_from_slice(&data);
                    return Some(data.len());
                }
                Ok(Some(_)) => continue,
                Ok(None) | Err(_) => return None,
            }
        }
    }

    /// Everything that arrives within `quiet` of the last: (messages, bytes).
    async fn drain(&mut self, quiet: Duration) -> (usize, usize) {
        let (mut messages, mut bytes) = (0, 0);
        while let Some(n) = self.next_data(quiet).await {
            messages += 1;
            bytes += n;
        }
        (messages, bytes)
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// User + system CPU time of the process so far.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of stat; 12 and 13 after the name and state.
    let total = ticks(11) + ticks(12);
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Duration::from_micros(total * 1_000_000 / hz)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let sessions = if full { 100 } else { 4 };
    let keys_each = if full { 40 } else { 6 };
    let idle_window = if full {
        Duration::from_secs(10)
    } else {
        Duration::from_secs(2)
    };
    let Ok(base_url) = std::env::var("DATABASE_URL") else {
        eprintln!(
            "ssh bench: set DATABASE_URL and MONGODB_URI (./scripts/services up && . .clinic/env)"
        );
        std::process::exit(2);
    };
    let mongo_uri =
        std::env::var("MONGODB_URI").unwrap_or_else(|_| "mongodb://127.0.0.1:27017".into());
    let db = format!("bench_ssh_{}", std::process::id());
    let admin = clinic::store::mysql::connect(&url_with_db(&base_url, ""), 1)
        .await
        .expect("connect MySQL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE `{db}`")))
        .execute(&admin)
        .await
        .expect("create bench database");
    let url = url_with_db(&base_url, &db);
    let pool = clinic::store::mysql::connect(&url, 4).await.expect("pool");
    let mongo = clinic::store::mongo::connect(&mongo_uri, &db)
        .await
        .expect("mongo");
    clinic::store::mysql::migrate(&pool).await.expect("migrate");
    let overrides = clinic::config::Overrides {
        database_url: Some(url.clone()),
        mongodb_uri: Some(mongo_uri.clone()),
        mongodb_database: Some(db.clone()),
        time_zone: Some("UTC".into()),
        config_file: None,
    };
    let config = Arc::new(
        clinic::config::Config::resolve(clinic::config::FileSettings::default(), &overrides)
            .expect("config"),
    );
    let services = Services::new(pool.clone(), mongo, config);
    services
        .add_user(
            &Actor::System,
            NewAccount {
                role: Role::Doctor,
                email: EMAIL.into(),
                full_name: "Dr. Bench".into(),
                specialization: Some("General Practice".into()),
                password: "bench-password-ssh-1".into(),
            },
        )
        .await
        .expect("doctor");
    let key = Arc::new(clinic::ssh::new_ed25519_key());
    let public = key.public_key().to_openssh().expect("public key");
    services
        .add_ssh_key(&Actor::System, Role::Doctor, EMAIL, &public)
        .await
        .expect("register the key");

    let dir = std::env::temp_dir().join(format!("clinic-ssh-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("state dir");
    let mut server = Command::new(CLINIC)
        .args(["serve", "--listen", "127.0.0.1:0", "--host-key"])
        .arg(dir.join("host_key"))
        .args([
            "--max-sessions",
            "1000",
            "--connections-per-minute",
            "100000",
        ])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", &dir)
        .env("XDG_STATE_HOME", &dir)
        .env("XDG_CONFIG_HOME", &dir)
        .env("DATABASE_URL", &url)
        .env("MONGODB_URI", &mongo_uri)
        .env("MONGODB_DATABASE", &db)
        .env("CLINIC_TZ", "UTC")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("start clinic serve");
    let pid = server.id();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = server.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("Serving Smart Clinic over SSH on ") {
                let _ = tx.send(rest.split(' ').next().unwrap_or_default().to_string());
            }
        }
    });
    let port = rx
        .recv_timeout(Duration::from_secs(60))
        .ok()
        .and_then(|a| a.parse::<std::net::SocketAddr>().ok())
        .expect("clinic serve printed where it listens")
        .port();

    let rss_idle = rss_kib(pid);
    let opened = Instant::now();
    let mut open = Vec::new();
    for _ in 0..sessions {
        let key = key.clone();
        open.push(tokio::spawn(Session::open(port, key)));
    }
    let mut all = Vec::new();
    for s in open {
        all.push(s.await.expect("session task"));
    }
    let opened = opened.elapsed();
    // Whatever the home screens still draw (loaded data) arrives before measuring.
    for s in &mut all {
        s.drain(Duration::from_millis(300)).await;
    }
    let rss_open = rss_kib(pid);

    // Everyone types at once.
    let mut typing = Vec::new();
    for (i, mut s) in all.into_iter().enumerate() {
        typing.push(tokio::spawn(async move {
            // Spread the starts over one key interval, as people do not type in step.
            let gap = Duration::from_millis(100);
            tokio::time::sleep(gap * u32::try_from(i).unwrap_or(0) / sessions as u32).await;
            let mut times = Vec::new();
            let mut next = tokio::time::Instant::now();
            for k in 0..keys_each {
                tokio::time::sleep_until(next).await;
                next += gap;
                let key = if k % 2 == 0 { DOWN } else { UP };
                let sent = Instant::now();
                s.channel.data(key).await.expect("send a key");
                s.next_data(Duration::from_secs(10))
                    .await
                    .expect("a frame answers the key");
                times.push(sent.elapsed());
                // The rest of the same frame, if it came in pieces.
                s.drain(Duration::from_millis(5)).await;
            }
            (s, times)
        }));
    }
    let mut all = Vec::new();
    let mut latencies = Vec::new();
    for t in typing {
        let (s, times) = t.await.expect("typing task");
        latencies.extend(times);
        all.push(s);
    }
    latencies.sort();
    for s in &mut all {
        s.drain(Duration::from_millis(200)).await;
    }

    // Nobody types.
    let minute_before = chrono::Utc::now().minute();
    let cpu_before = cpu_time(pid);
    let started = Instant::now();
    let mut watching = Vec::new();
    for mut s in all {
        watching.push(tokio::spawn(async move {
            let deadline = tokio::time::Instant::now() + idle_window;
            let (mut messages, mut bytes) = (0, 0);
            while let Ok(Some(n)) =
                tokio::time::timeout_at(deadline, s.next_data(idle_window)).await
            {
                messages += 1;
                bytes += n;
            }
            (s, messages, bytes)
        }));
    }
    let (mut idle_messages, mut idle_bytes) = (0usize, 0usize);
    let mut all = Vec::new();
    for w in watching {
        let (s, m, b) = w.await.expect("idle task");
        idle_messages += m;
        idle_bytes += b;
        all.push(s);
    }
    let idle_elapsed = started.elapsed();
    let idle_cpu = cpu_time(pid).saturating_sub(cpu_before);
    let crossed_minute = chrono::Utc::now().minute() != minute_before;
    let rss_after = rss_kib(pid);

    let per_session = (rss_open.saturating_sub(rss_idle)) as f64 / sessions as f64 / 1024.0;
    let p50 = percentile(&latencies, 0.50);
    let p99 = percentile(&latencies, 0.99);
    let build = if cfg!(debug_assertions) {
        "debug build"
    } else {
        "release build"
    };
    let mode = if full {
        build.to_string()
    } else {
        format!("smoke run, {build}; `cargo bench --bench ssh` measures")
    };
    println!("ssh: {sessions} concurrent sessions over loopback ({mode})");
    println!("| What | Figure | Target |");
    println!("|---|---|---|");
    println!(
        "| Sessions opened (key sign-in to home screen, all at once) | {sessions} in {} | |",
        ms(opened)
    );
    println!(
        "| Server RSS at idle (no session) | {:.1} MiB | |",
        rss_idle as f64 / 1024.0
    );
    println!(
        "| Server RSS with {sessions} sessions | {:.1} MiB ({:.1} MiB after typing) | |",
        rss_open as f64 / 1024.0,
        rss_after as f64 / 1024.0
    );
    println!("| RSS per session | {per_session:.2} MiB | ≤ 2 MiB |");
    println!(
        "| Keystroke to frame, p50 ({} keys, all sessions typing) | {} | |",
        latencies.len(),
        ms(p50)
    );
    println!("| Keystroke to frame, p99 | {} | ≤ 15 ms |", ms(p99));
    println!(
        "| Keystroke to frame, max | {} | |",
        ms(latencies.last().copied().unwrap_or_default())
    );
    println!(
        "| Idle {:.1} s: frames sent / bytes | {idle_messages} / {idle_bytes}{} | none beyond what changed |",
        idle_elapsed.as_secs_f64(),
        if crossed_minute {
            " (the clock's minute changed in the window)"
        } else {
            ""
        }
    );
    println!(
        "| Idle {:.1} s: server CPU | {} ({:.2}% of one core) | |",
        idle_elapsed.as_secs_f64(),
        ms(idle_cpu),
        idle_cpu.as_secs_f64() / idle_elapsed.as_secs_f64() * 100.0
    );

    drop(all);
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE `{db}`")))
        .execute(&admin)
        .await;
    if let Ok(db) = clinic::store::mongo::connect(&mongo_uri, &db).await {
        let _ = db.drop().await;
    }
    if !crossed_minute && idle_messages > 0 {
        eprintln!("ssh bench: idle sessions were sent {idle_messages} frames");
        std::process::exit(1);
    }
}
