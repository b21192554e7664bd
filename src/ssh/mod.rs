//! `clinic serve`: the TUI over SSH. Each connection that asks for a pty and a shell gets
//! its own TUI session (its own state and keymap, drawn into the channel); all sessions
//! share one `Services` (one pool) in one process. Users are clinic accounts: the SSH
//! user name is the account's email; passwords are checked as on the sign-in screen,
//! keys against those registered with `clinic user ssh-key add`. Nothing but the TUI gets
//! through: exec, subsystems, forwarding, agent and X11 are refused, each with an audit
//! row. A dropped connection or a stop (SIGTERM) keeps every open session's unsaved
//! prescription as a draft file before the session ends.

pub mod input;
mod terminal;

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::Event;
use futures::StreamExt;
use russh::keys::{PrivateKey, PublicKey};
use russh::server::{
    Auth, ChannelOpenHandle, Handle, Msg, PublicKeyOffer, Session, VerifiedPublicKey,
};
use russh::{Channel, ChannelId, ChannelOpenFailure, MethodKind, MethodSet, Pty};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

use crate::service::Services;
use crate::service::auth::LoginError;
use crate::tui;
use crate::tui::keymap::Keymap;
use crate::tui::state::ClinicInfo;

/// How the server runs (the flags of `clinic serve`).
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub max_sessions: usize,
    /// Sign-in attempts (passwords and keys) per connection.
    pub max_auth_tries: u32,
    /// New connections per source address per minute.
    pub connections_per_minute: u32,
    pub idle_lock: chrono::Duration,
    pub clinic: ClinicInfo,
    pub keymap: Keymap,
}

/// `$XDG_STATE_HOME/smart-clinic/ssh_host_ed25519_key` (beside the drafts).
pub fn default_host_key_path() -> PathBuf {
    crate::service::prescription_files::default_drafts_dir()
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".smart-clinic"))
        .join("ssh_host_ed25519_key")
}

/// The host key at `path`, made (ed25519, mode 0600) when there is none; whether it was
/// made now.
pub fn load_or_create_host_key(path: &Path) -> Result<(PrivateKey, bool), String> {
    if path.exists() {
        let key = PrivateKey::read_openssh_file(path)
            .map_err(|e| format!("cannot read the host key {}: {e}", path.display()))?;
        return Ok((key, false));
    }
    let key = new_ed25519_key();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let text = key
        .to_openssh(russh::keys::ssh_key::LineEnding::LF)
        .map_err(|e| format!("cannot encode the host key: {e}"))?;
    write_private(path, text.as_bytes())
        .map_err(|e| format!("cannot write the host key {}: {e}", path.display()))?;
    Ok((key, true))
}

/// A fresh ed25519 key from the operating system's randomness.
pub fn new_ed25519_key() -> PrivateKey {
    use rand::RngCore;
    let mut seed = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut seed);
    PrivateKey::from(russh::keys::ssh_key::private::Ed25519Keypair::from_seed(
        &seed,
    ))
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The host key's SHA-256 fingerprint, as `ssh` shows it on first connection.
pub fn host_fingerprint(key: &PrivateKey) -> String {
    crate::service::ssh_keys::fingerprint(key.public_key())
}

/// What all connections share.
struct Shared {
    services: Services,
    options: ServeOptions,
    /// Running TUI sessions (the count `--max-sessions` limits).
    sessions: watch::Sender<usize>,
    /// Set once when the server stops: every session keeps its drafts and ends.
    stopping: watch::Sender<bool>,
    /// Recent connection times per source address.
    recent: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

/// One running TUI session, counted while it lives.
struct SessionSlot(Arc<Shared>);

impl Drop for SessionSlot {
    fn drop(&mut self) {
        self.0.sessions.send_modify(|n| *n = n.saturating_sub(1));
    }
}

impl Shared {
    /// Takes a session slot unless `--max-sessions` are running.
    fn take_slot(self: &Arc<Self>) -> Option<SessionSlot> {
        let max = self.options.max_sessions;
        let taken = self.sessions.send_if_modified(|n| {
            if *n < max {
                *n += 1;
                true
            } else {
                false
            }
        });
        taken.then(|| SessionSlot(self.clone()))
    }

    /// Whether a new connection from `ip` is within the rate; counts it. `Some(first)`
    /// when over (first: the first refusal in this minute, which is audited).
    fn over_rate(&self, ip: IpAddr) -> Option<bool> {
        let now = Instant::now();
        let limit = self.options.connections_per_minute.max(1) as usize;
        let Ok(mut recent) = self.recent.lock() else {
            return None;
        };
        // Forget addresses that have been quiet for a minute.
        if recent.len() > 10_000 {
            recent.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < Duration::from_secs(60))
            });
        }
        let times = recent.entry(ip).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(60))
        {
            times.pop_front();
        }
        if times.len() >= limit {
            // Refusals are not counted, so the window still ends a minute after the last
            // accepted one; the first refusal is the one at exactly the limit.
            let first = times.len() == limit;
            if first {
                times.push_back(now);
            }
            return Some(first);
        }
        times.push_back(now);
        None
    }
}

/// The server, bound and ready.
pub struct Server {
    listener: TcpListener,
    config: Arc<russh::server::Config>,
    shared: Arc<Shared>,
}

impl Server {
    pub async fn bind(
        listen: SocketAddr,
        host_key: PrivateKey,
        services: Services,
        options: ServeOptions,
    ) -> std::io::Result<Server> {
        let listener = TcpListener::bind(listen).await?;
        Ok(Server::on(listener, host_key, services, options))
    }

    pub fn on(
        listener: TcpListener,
        host_key: PrivateKey,
        services: Services,
        options: ServeOptions,
    ) -> Server {
        let mut methods = MethodSet::empty();
        methods.push(MethodKind::PublicKey);
        methods.push(MethodKind::Password);
        let config = russh::server::Config {
            methods,
            keys: vec![host_key],
            auth_rejection_time: Duration::from_millis(500),
            auth_rejection_time_initial: Some(Duration::ZERO),
            max_auth_attempts: options.max_auth_tries.max(1) as usize + 1,
            inactivity_timeout: None,
            keepalive_interval: Some(Duration::from_secs(60)),
            nodelay: true,
            ..Default::default()
        };
        let shared = Arc::new(Shared {
            services,
            options,
            sessions: watch::channel(0).0,
            stopping: watch::channel(false).0,
            recent: Mutex::new(HashMap::new()),
        });
        Server {
            listener,
            config: Arc::new(config),
            shared,
        }
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `stop` completes; then every session keeps its unsaved work and ends
    /// (waited for, up to 20 seconds) before this returns.
    pub async fn run(self, stop: impl std::future::Future<Output = ()>) {
        tokio::pin!(stop);
        loop {
            let accepted = tokio::select! {
                accepted = self.listener.accept() => accepted,
                () = &mut stop => break,
            };
            let (stream, peer) = match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    tracing::warn!(error = %e, "ssh: accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            if let Some(first) = self.shared.over_rate(peer.ip()) {
                drop(stream);
                if first {
                    let services = self.shared.services.clone();
                    tokio::spawn(async move {
                        let _ = services
                            .ssh_refused(
                                None,
                                &peer.to_string(),
                                "too many new connections from this address in a minute",
                            )
                            .await;
                    });
                }
                continue;
            }
            let handler = Conn::new(self.shared.clone(), peer);
            let config = self.config.clone();
            tokio::spawn(async move {
                match russh::server::run_stream(config, stream, handler).await {
                    Ok(running) => {
                        if let Err(e) = running.await {
                            tracing::debug!(error = %e, %peer, "ssh connection ended");
                        }
                    }
                    Err(e) => tracing::debug!(error = %e, %peer, "ssh handshake failed"),
                }
            });
        }
        self.shared.stopping.send_replace(true);
        let mut sessions = self.shared.sessions.subscribe();
        let _ = tokio::time::timeout(Duration::from_secs(20), sessions.wait_for(|n| *n == 0)).await;
    }
}

/// One connection.
struct Conn {
    shared: Arc<Shared>,
    peer: String,
    tries: u32,
    /// Whether running out of sign-in attempts has been audited.
    tries_audited: bool,
    user: Option<String>,
    signed_in: Vec<crate::service::Session>,
    fingerprint: Option<String>,
    /// The session channel and the pty size it asked for.
    channel: Option<ChannelId>,
    size: Option<(u16, u16)>,
    /// Input of the running TUI session.
    input: Option<mpsc::UnboundedSender<Event>>,
    resize: Option<terminal::SharedSize>,
    parser: input::InputParser,
    /// The client asked for no colour (NO_COLOR).
    no_color: bool,
}

impl Conn {
    fn new(shared: Arc<Shared>, peer: SocketAddr) -> Conn {
        Conn {
            shared,
            peer: peer.to_string(),
            tries: 0,
            tries_audited: false,
            user: None,
            signed_in: Vec::new(),
            fingerprint: None,
            channel: None,
            size: None,
            input: None,
            resize: None,
            parser: input::InputParser::default(),
            no_color: false,
        }
    }

    /// Counts a sign-in attempt; false past the limit (a client that ignores being
    /// offered no more methods).
    fn try_allowed(&mut self) -> bool {
        self.tries += 1;
        self.tries <= self.shared.options.max_auth_tries.max(1)
    }

    async fn refused(&self, user: Option<&str>, what: &str) {
        let what = match &self.fingerprint {
            Some(fp) => format!("{what} (key {fp})"),
            None => what.to_string(),
        };
        if let Err(e) = self
            .shared
            .services
            .ssh_refused(user, &self.peer, &what)
            .await
        {
            tracing::warn!(error = %e, "ssh: could not write the audit row of a refusal");
        }
    }

    /// A refused attempt. The client may try again (another password, another key)
    /// while attempts are left; russh's default would drop the password method after
    /// one wrong password. With none left, no method is offered, the client gives up,
    /// and the refusal is audited (once).
    async fn reject(&mut self) -> Auth {
        let max = self.shared.options.max_auth_tries.max(1);
        let mut methods = MethodSet::empty();
        if self.tries < max {
            methods.push(MethodKind::PublicKey);
            methods.push(MethodKind::Password);
        } else if !self.tries_audited {
            self.tries_audited = true;
            let user = self.user.clone();
            self.refused(
                user.as_deref(),
                &format!("{max} failed sign-in attempts on one connection: no more allowed"),
            )
            .await;
        }
        Auth::Reject {
            proceed_with_methods: Some(methods),
            partial_success: false,
        }
    }

    /// Accepts when the sign-in opened sessions (kept for the shell), else rejects.
    async fn answer(&mut self, sessions: Vec<crate::service::Session>) -> Auth {
        if sessions.is_empty() {
            self.reject().await
        } else {
            self.signed_in = sessions;
            Auth::Accept
        }
    }

    fn user_or_empty(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// Says `text` on the channel and closes it (a refused shell, exec or session).
    fn say_and_close(session: &mut Session, channel: ChannelId, text: &str) {
        let _ = session.data(channel, format!("{text}\r\n").into_bytes());
        let _ = session.exit_status_request(channel, 1);
        let _ = session.eof(channel);
        let _ = session.close(channel);
    }
}

/// The sessions a sign-in opened (none: refused).
fn signed_in(
    result: Result<Vec<crate::service::Session>, LoginError>,
) -> Vec<crate::service::Session> {
    match result {
        Ok(sessions) => sessions,
        Err(LoginError::Service(e)) => {
            tracing::warn!(error = %e, "ssh: sign-in could not be checked");
            Vec::new()
        }
        Err(_) => Vec::new(),
    }
}

impl russh::server::Handler for Conn {
    type Error = russh::Error;

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        self.user = Some(user.to_string());
        if !self.try_allowed() {
            return Ok(self.reject().await);
        }
        let result = self
            .shared
            .services
            .ssh_password_sign_in(user, password, &self.peer)
            .await;
        Ok(self.answer(signed_in(result)).await)
    }

    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        match self
            .shared
            .services
            .ssh_key_known(user, offer.public_key)
            .await
        {
            Ok(true) => Ok(Auth::Accept),
            Ok(false) => Ok(self.reject().await),
            Err(e) => {
                tracing::warn!(error = %e, "ssh: key could not be looked up");
                Ok(self.reject().await)
            }
        }
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        self.user = Some(user.to_string());
        let public: &PublicKey = key.public_key;
        self.fingerprint = Some(crate::service::ssh_keys::fingerprint(public));
        if !self.try_allowed() {
            return Ok(self.reject().await);
        }
        let result = self
            .shared
            .services
            .ssh_key_sign_in(user, public, &self.peer)
            .await
            .map(|s| vec![s]);
        Ok(self.answer(signed_in(result)).await)
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.channel.is_some() {
            self.refused(
                self.user_or_empty(),
                "a second session channel on one connection",
            )
            .await;
            reply
                .reject(ChannelOpenFailure::AdministrativelyProhibited)
                .await;
            return Ok(());
        }
        self.channel = Some(channel.id());
        reply.accept().await;
        Ok(())
    }

    async fn channel_open_direct_tcpip(
        &mut self,
        _channel: Channel<Msg>,
        host: &str,
        port: u32,
        _originator: &str,
        _originator_port: u32,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.refused(
            self.user_or_empty(),
            &format!("port forwarding to {host}:{port}"),
        )
        .await;
        reply
            .reject(ChannelOpenFailure::AdministrativelyProhibited)
            .await;
        Ok(())
    }

    async fn channel_open_x11(
        &mut self,
        _channel: Channel<Msg>,
        _originator: &str,
        _port: u32,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.refused(self.user_or_empty(), "an X11 channel").await;
        reply
            .reject(ChannelOpenFailure::AdministrativelyProhibited)
            .await;
        Ok(())
    }

    async fn channel_open_direct_streamlocal(
        &mut self,
        _channel: Channel<Msg>,
        path: &str,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.refused(
            self.user_or_empty(),
            &format!("socket forwarding to {path}"),
        )
        .await;
        reply
            .reject(ChannelOpenFailure::AdministrativelyProhibited)
            .await;
        Ok(())
    }

    async fn tcpip_forward(
        &mut self,
        address: &str,
        port: &mut u32,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        self.refused(
            self.user_or_empty(),
            &format!("remote port forwarding of {address}:{port}"),
        )
        .await;
        Ok(false)
    }

    async fn streamlocal_forward(
        &mut self,
        path: &str,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        self.refused(
            self.user_or_empty(),
            &format!("remote socket forwarding of {path}"),
        )
        .await;
        Ok(false)
    }

    async fn agent_request(
        &mut self,
        _channel: ChannelId,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        self.refused(self.user_or_empty(), "agent forwarding").await;
        Ok(false)
    }

    async fn x11_request(
        &mut self,
        channel: ChannelId,
        _single: bool,
        _protocol: &str,
        _cookie: &str,
        _screen: u32,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.refused(self.user_or_empty(), "X11 forwarding").await;
        session.channel_failure(channel)?;
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let raw = String::from_utf8_lossy(data).into_owned();
        let command: String = crate::domain::text::escape_control(&raw)
            .chars()
            .take(200)
            .collect();
        self.refused(
            self.user_or_empty(),
            &format!("running a command ({command})"),
        )
        .await;
        session.channel_failure(channel)?;
        Conn::say_and_close(
            session,
            channel,
            "Smart Clinic: this server offers the clinic's screens only; commands cannot be run. Connect without a command.",
        );
        Ok(())
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let name: String = crate::domain::text::escape_control(name)
            .chars()
            .take(100)
            .collect();
        self.refused(self.user_or_empty(), &format!("the {name} subsystem"))
            .await;
        session.channel_failure(channel)?;
        Conn::say_and_close(
            session,
            channel,
            "Smart Clinic: no file transfer or other subsystems here.",
        );
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn pty_request(
        &mut self,
        channel: ChannelId,
        _term: &str,
        cols: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.size = Some((clamp(cols), clamp(rows)));
        session.channel_success(channel)?;
        Ok(())
    }

    /// `NO_COLOR` from the client (`ssh -o SetEnv=NO_COLOR=1`, or `SendEnv NO_COLOR`):
    /// that session is drawn without colour. Every other variable is ignored.
    async fn env_request(
        &mut self,
        channel: ChannelId,
        variable_name: &str,
        variable_value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if variable_name == "NO_COLOR" {
            self.no_color = !variable_value.is_empty();
            session.channel_success(channel)?;
        } else {
            session.channel_failure(channel)?;
        }
        Ok(())
    }

    async fn window_change_request(
        &mut self,
        _channel: ChannelId,
        cols: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let (w, h) = (clamp(cols), clamp(rows));
        self.size = Some((w, h));
        if let Some(size) = &self.resize {
            size.set(w, h);
        }
        if let Some(input) = &self.input {
            let _ = input.send(Event::Resize(w, h));
        }
        Ok(())
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let Some((cols, rows)) = self.size else {
            self.refused(self.user_or_empty(), "a shell without a terminal")
                .await;
            session.channel_failure(channel)?;
            Conn::say_and_close(
                session,
                channel,
                "Smart Clinic needs a terminal: connect with ssh -t.",
            );
            return Ok(());
        };
        if self.input.is_some() || self.signed_in.is_empty() {
            session.channel_failure(channel)?;
            return Ok(());
        }
        let Some(slot) = self.shared.take_slot() else {
            let max = self.shared.options.max_sessions;
            self.refused(
                self.user_or_empty(),
                &format!("the server is at its limit of {max} sessions"),
            )
            .await;
            session.channel_success(channel)?;
            Conn::say_and_close(
                session,
                channel,
                &format!(
                    "Smart Clinic: the server is at its limit of {max} sessions. Try again in a few minutes."
                ),
            );
            return Ok(());
        };
        session.channel_success(channel)?;
        let (tx, rx) = mpsc::unbounded_channel();
        let size = terminal::SharedSize::new(cols, rows);
        self.input = Some(tx);
        self.resize = Some(size.clone());
        let sessions = std::mem::take(&mut self.signed_in);
        let mut theme = tui::theme::Theme::from_env();
        theme.color &= !self.no_color;
        tokio::spawn(run_session(
            self.shared.clone(),
            slot,
            SessionChannel {
                handle: session.handle(),
                id: channel,
                size,
                input: rx,
            },
            theme,
            sessions,
        ));
        Ok(())
    }

    async fn data(
        &mut self,
        _channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(input) = &self.input {
            for event in self.parser.feed(data) {
                let _ = input.send(event);
            }
        }
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        _channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        // The client hung up: the session keeps its drafts and ends.
        self.input = None;
        Ok(())
    }

    async fn channel_close(
        &mut self,
        _channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.input = None;
        Ok(())
    }
}

fn clamp(n: u32) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX).clamp(1, 1000)
}

/// A session's channel: where it draws, its size, and the keys typed into it.
struct SessionChannel {
    handle: Handle,
    id: ChannelId,
    size: terminal::SharedSize,
    input: mpsc::UnboundedReceiver<Event>,
}

/// One TUI session on a channel: runs until the user quits, the connection drops or the
/// server stops (then unsaved work is kept in draft files), and closes the channel.
async fn run_session(
    shared: Arc<Shared>,
    slot: SessionSlot,
    channel: SessionChannel,
    theme: tui::theme::Theme,
    sessions: Vec<crate::service::Session>,
) {
    let SessionChannel {
        handle,
        id: channel,
        size,
        input,
    } = channel;
    let (mut terminal, writer) = match terminal::channel_terminal(handle.clone(), channel, size) {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(error = %e, "ssh: cannot set up the session's terminal");
            let _ = handle.close(channel).await;
            return;
        }
    };
    let options = &shared.options;
    let (cols, rows) = terminal::size_of(&terminal);
    let mut state = tui::AppState::new(options.clinic.clone(), theme, chrono::Utc::now());
    state.idle_lock = options.idle_lock;
    state.size = (cols, rows);
    tui::update::start_signed_in(&mut state, sessions);
    let mut stopping = shared.stopping.subscribe();
    let stop = async move {
        let _ = stopping.wait_for(|s| *s).await;
    };
    let events = futures::stream::unfold(input, |mut rx| async move {
        rx.recv().await.map(|e| (Ok(e), rx))
    })
    .take_until(Box::pin(stop));
    let events = Box::pin(events);
    terminal::enter(&writer);
    let result = tui::run(
        &mut terminal,
        events,
        shared.services.clone(),
        options.keymap.clone(),
        state,
    )
    .await;
    if let Err(e) = result {
        tracing::debug!(error = %e, "ssh session ended with an error");
    }
    terminal::leave(&writer);
    drop(terminal);
    // Everything drawn is sent before the channel closes.
    writer.finish().await;
    let _ = handle.exit_status_request(channel, 0).await;
    let _ = handle.eof(channel).await;
    let _ = handle.close(channel).await;
    drop(slot);
}
