//! A `clinic serve` process for one test, its own state directory (host key, drafts,
//! log, the client's HOME), client keys, and `ssh` started in a pseudo-terminal.

use crate::common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{Timelike, Utc};
use clinic::domain::appointment::{AppointmentStatus, NewAppointment};
use clinic::domain::{Actor, Role};
use clinic::service::users::NewAccount;
use clinic::tui::screens::home::{HomeItem, HomeScreen};
use common::TestEnv;
use common::pty::PtyApp;

pub const WAIT: Duration = Duration::from_secs(20);
pub const UP: &str = "\x1b[A";
pub const DOWN: &str = "\x1b[B";

pub const DOCTOR_EMAIL: &str = "maya.okafor@ssh.test";
pub const DOCTOR_NAME: &str = "Dr. Maya Okafor";
pub const DOCTOR_PASSWORD: &str = "harbour-violet-sleet";
pub const PATIENT_NAME: &str = "Zoë O'Neill";

/// A database with one doctor (a password, no key yet) and one booked appointment of a
/// patient with them at the start of this hour; the appointment's id.
pub async fn clinic_with_a_doctor() -> (TestEnv, i32) {
    let env = TestEnv::with_tz(&crate::common::mid_morning_zone()).await;
    env.services
        .add_user(
            &Actor::System,
            NewAccount {
                role: Role::Doctor,
                email: DOCTOR_EMAIL.into(),
                full_name: DOCTOR_NAME.into(),
                specialization: Some("General Practice".into()),
                password: DOCTOR_PASSWORD.into(),
            },
        )
        .await
        .expect("doctor account");
    let doctor_id: i32 = sqlx::query_scalar("SELECT id FROM doctors WHERE email = ?")
        .bind(DOCTOR_EMAIL)
        .fetch_one(&env.pool)
        .await
        .expect("doctor id");
    let patient_id = env.insert_patient("zoe@ssh.test", PATIENT_NAME).await;
    let now = Utc::now().naive_utc();
    let start = now
        .date()
        .and_hms_opt(now.hour(), 0, 0)
        .expect("start of the hour");
    let appointment_id = clinic::store::mysql::appointments::insert(
        &env.pool,
        &NewAppointment {
            patient_id,
            doctor_id,
            location_id: None,
            start_utc: start,
            duration_minutes: 30,
        },
        AppointmentStatus::Booked,
        "SYSTEM",
        None,
    )
    .await
    .expect("appointment");
    (env, appointment_id)
}

/// A client key pair in `dir`: the private key file (mode 0600, as `ssh -i` wants it)
/// and the public key line.
pub fn client_key(dir: &Path, name: &str) -> (PathBuf, String) {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let key = clinic::ssh::new_ed25519_key();
    let path = dir.join(name);
    let private = key
        .to_openssh(russh::keys::ssh_key::LineEnding::LF)
        .expect("encode the private key");
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .expect("private key file");
    file.write_all(private.as_bytes()).expect("write the key");
    let public = key
        .public_key()
        .to_openssh()
        .expect("encode the public key");
    (path, format!("{public} test@ssh\n"))
}

/// Registers a fresh key to the test doctor: its private key file.
pub async fn doctor_key(env: &TestEnv, server: &Serve, name: &str) -> PathBuf {
    let (path, public) = client_key(&server.dir, name);
    env.services
        .add_ssh_key(&Actor::System, Role::Doctor, DOCTOR_EMAIL, &public)
        .await
        .expect("register the key");
    path
}

/// A running `clinic serve` (stopped with SIGTERM when dropped).
pub struct Serve {
    child: Child,
    pub addr: SocketAddr,
    pub fingerprint: String,
    /// The state directory (XDG_STATE_HOME), also the client's HOME.
    pub dir: PathBuf,
    known_hosts: PathBuf,
    lines: mpsc::Receiver<String>,
}

impl Serve {
    pub fn start(env: &TestEnv, extra: &[&str]) -> Serve {
        Serve::start_with_config(env, extra, "")
    }

    /// Starts with `config` as its config.toml.
    pub fn start_with_config(env: &TestEnv, extra: &[&str], config: &str) -> Serve {
        let dir = std::env::temp_dir().join(format!("clinic-ssh-{}", env.db_name));
        std::fs::create_dir_all(dir.join("smart-clinic")).expect("state dir");
        std::fs::write(dir.join("smart-clinic").join("config.toml"), config).expect("config");
        let host_key = dir.join("ssh_host_ed25519_key");
        let mut child = Command::new(env!("CARGO_BIN_EXE_clinic"))
            .args(["serve", "--listen", "127.0.0.1:0", "--host-key"])
            .arg(&host_key)
            .args(extra)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", common::mysql_url_for(&env.db_name))
            .env("MONGODB_URI", common::base_mongo_uri())
            .env("MONGODB_DATABASE", &env.db_name)
            .env("CLINIC_TZ", env.config.time_zone.name())
            .env("XDG_STATE_HOME", &dir)
            .env("XDG_CONFIG_HOME", &dir)
            .env("HOME", &dir)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start clinic serve");
        let (tx, lines) = mpsc::channel();
        for out in [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines().map_while(Result::ok) {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        let mut said = Vec::new();
        let mut fingerprint = None;
        let addr = loop {
            let line = lines
                .recv_timeout(WAIT)
                .unwrap_or_else(|_| panic!("clinic serve did not start; it said: {said:#?}"));
            if let Some(fp) = line.strip_prefix("Host key fingerprint: ") {
                fingerprint = Some(fp.to_string());
            }
            if let Some(rest) = line.strip_prefix("Serving Smart Clinic over SSH on ") {
                let addr = rest.split(' ').next().unwrap_or_default();
                break addr.parse::<SocketAddr>().expect("the address served");
            }
            said.push(line);
        };
        let fingerprint = fingerprint.expect("the fingerprint is printed before serving");
        // The client trusts exactly the host key on disk, under the address served.
        let key = russh::keys::PrivateKey::read_openssh_file(&host_key).expect("host key");
        let line = format!(
            "[127.0.0.1]:{} {}\n",
            addr.port(),
            key.public_key().to_openssh().expect("host public key")
        );
        let known_hosts = dir.join("known_hosts");
        std::fs::write(&known_hosts, line).expect("known_hosts");
        Serve {
            child,
            addr,
            fingerprint,
            dir,
            known_hosts,
            lines,
        }
    }

    pub fn host_key_path(&self) -> PathBuf {
        self.dir.join("ssh_host_ed25519_key")
    }

    pub fn drafts_dir(&self) -> PathBuf {
        self.dir.join("smart-clinic").join("drafts")
    }

    /// Runs `clinic ARGS` (a one-shot command) against this server's databases: whether
    /// it succeeded, and what it printed.
    pub fn clinic(&self, env: &TestEnv, args: &[&str]) -> (bool, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_clinic"))
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", common::mysql_url_for(&env.db_name))
            .env("MONGODB_URI", common::base_mongo_uri())
            .env("MONGODB_DATABASE", &env.db_name)
            .env("XDG_STATE_HOME", &self.dir)
            .env("XDG_CONFIG_HOME", &self.dir)
            .env("HOME", &self.dir)
            .stdin(Stdio::null())
            .output()
            .expect("run clinic");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    }

    /// The options every `ssh` here gets: no user or system configuration, no agent,
    /// this server's host key as the only known one.
    fn base_args(&self) -> Vec<String> {
        [
            "-F",
            "/dev/null",
            "-p",
            &self.addr.port().to_string(),
            "-o",
            "StrictHostKeyChecking=yes",
            "-o",
            &format!("UserKnownHostsFile={}", self.known_hosts.display()),
            "-o",
            "GlobalKnownHostsFile=/dev/null",
            "-o",
            "IdentityAgent=none",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "LogLevel=ERROR",
        ]
        .map(String::from)
        .to_vec()
    }

    /// The options of a key sign-in with `key`.
    pub fn key_args(&self, key: &Path) -> Vec<String> {
        let mut args = self.base_args();
        args.extend(
            [
                "-i",
                &key.display().to_string(),
                "-o",
                "PreferredAuthentications=publickey",
                "-o",
                "PasswordAuthentication=no",
                "-o",
                "KbdInteractiveAuthentication=no",
            ]
            .map(String::from),
        );
        args
    }

    /// The options of a password sign-in that asks up to `prompts` times.
    pub fn password_args(&self, prompts: u32) -> Vec<String> {
        let mut args = self.base_args();
        args.extend(
            [
                "-o",
                "PreferredAuthentications=password",
                "-o",
                "PubkeyAuthentication=no",
                "-o",
                &format!("NumberOfPasswordPrompts={prompts}"),
            ]
            .map(String::from),
        );
        args
    }

    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![("HOME", self.dir.display().to_string())]
    }

    /// `ssh` with `args`, then `EMAIL@127.0.0.1` and `command`, in a `cols` x `rows`
    /// pseudo-terminal.
    pub fn ssh(
        &self,
        mut args: Vec<String>,
        email: &str,
        command: &[&str],
        cols: u16,
        rows: u16,
    ) -> PtyApp {
        args.push(format!("{email}@127.0.0.1"));
        args.extend(command.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        PtyApp::spawn_program("ssh", &args, &self.env(), cols, rows)
    }

    /// `ssh` with `args` without a terminal; its exit status and what it printed.
    pub fn ssh_output(
        &self,
        mut args: Vec<String>,
        email: &str,
        command: &[&str],
    ) -> (bool, String) {
        args.push(format!("{email}@127.0.0.1"));
        args.extend(command.iter().map(|s| s.to_string()));
        let out = Command::new("ssh")
            .args(&args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(self.env())
            .stdin(Stdio::null())
            .output()
            .expect("run ssh");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    }

    /// Stops the server with SIGTERM and waits for it to exit: whether it exited
    /// successfully, and what it printed meanwhile.
    pub fn stop(&mut self) -> (bool, Vec<String>) {
        if let Ok(pid) = i32::try_from(self.child.id()) {
            // SAFETY: kill(2) with the id of our own child process.
            unsafe {
                libc::kill(pid, libc::SIGTERM);
            }
        }
        let deadline = Instant::now() + WAIT;
        let mut said = Vec::new();
        loop {
            // Waiting for the process's output to end is waiting for it to exit.
            match self
                .lines
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(line) => said.push(line),
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let _ = self.child.kill();
                    panic!("clinic serve did not stop on SIGTERM; it said {said:#?}");
                }
            }
        }
        let ok = self.child.wait().map(|s| s.success()).unwrap_or(false);
        (ok, said)
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Opens a home menu item by walking down to it from the top.
pub fn open(app: &mut PtyApp, role: Role, item: HomeItem) {
    let items = HomeScreen::for_role(role).items;
    let index = items
        .iter()
        .position(|i| *i == item)
        .expect("menu item for the role");
    app.send(&UP.repeat(items.len()));
    app.send(&DOWN.repeat(index));
    app.send("\r");
}

/// The audit rows of `action` (outcome, actor email, detail), oldest first.
pub async fn audit(env: &TestEnv, action: &str) -> Vec<(String, Option<String>, String)> {
    sqlx::query_as(
        "SELECT outcome, actor_email, COALESCE(detail, '') FROM audit_log WHERE action = ? ORDER BY id",
    )
    .bind(action)
    .fetch_all(&env.pool)
    .await
    .expect("audit rows")
}

/// Waits until `check` holds (it looks at something another process writes: a file, an
/// audit row), checking again every few milliseconds; panics naming `what` on timeout.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + WAIT;
    while !check().await {
        assert!(Instant::now() < deadline, "never happened: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
