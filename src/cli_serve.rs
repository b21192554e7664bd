//! `clinic serve` (the built-in SSH server) and `clinic user ssh-key …` (the public keys
//! that sign in to it).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::cli::RoleArg;
use crate::config::Config;
use crate::domain::{Actor, Role};
use crate::service::Services;
use crate::ssh::{self, ServeOptions, Server};
use crate::tui;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:2222")]
    pub listen: SocketAddr,
    /// The host key (ed25519, made on first start with mode 0600; default: in the state
    /// directory, $XDG_STATE_HOME/smart-clinic/ssh_host_ed25519_key).
    #[arg(long, value_name = "PATH")]
    pub host_key: Option<PathBuf>,
    /// At most this many sessions at once; the next one is told so and closed.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub max_sessions: u32,
    /// Sign-in attempts (passwords and keys) allowed per connection.
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub max_auth_tries: u32,
    /// New connections allowed per source address per minute.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub connections_per_minute: u32,
    /// Print the host key's fingerprint (making the key if there is none) and exit.
    #[arg(long)]
    pub fingerprint: bool,
}

#[derive(Debug, Subcommand)]
pub enum SshKeyCommand {
    /// Register a public key (an OpenSSH .pub file) to an account.
    Add {
        #[arg(long, value_enum)]
        role: RoleArg,
        #[arg(long)]
        email: String,
        #[arg(long, value_name = "FILE")]
        key_file: PathBuf,
    },
    /// The keys registered to an account.
    List {
        #[arg(long, value_enum)]
        role: RoleArg,
        #[arg(long)]
        email: String,
    },
    /// Remove a key from an account, by its fingerprint (SHA256:…, as `list` shows it).
    Remove {
        #[arg(long, value_enum)]
        role: RoleArg,
        #[arg(long)]
        email: String,
        #[arg(long)]
        fingerprint: String,
    },
}

fn host_key_path(args: &ServeArgs) -> PathBuf {
    args.host_key
        .clone()
        .unwrap_or_else(ssh::default_host_key_path)
}

/// `clinic serve --fingerprint`: needs no database.
pub fn print_fingerprint(args: &ServeArgs) -> Result<(), String> {
    let path = host_key_path(args);
    let (key, made) = ssh::load_or_create_host_key(&path)?;
    if made {
        eprintln!("Made a new host key {}.", path.display());
    }
    println!("{}", ssh::host_fingerprint(&key));
    Ok(())
}

fn keymap(config: &Config) -> Result<tui::keymap::Keymap, String> {
    match &config.keymap_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the keymap file {}: {e}", path.display()))?;
            tui::keymap::Keymap::with_overrides(&text)
                .map_err(|e| format!("keymap file {}: {e}", path.display()))
        }
        None => Ok(tui::keymap::Keymap::defaults()),
    }
}

/// Runs the SSH server until SIGTERM or Ctrl-C; then every session keeps its drafts.
pub async fn serve(services: Services, config: &Config, args: ServeArgs) -> Result<(), String> {
    let path = host_key_path(&args);
    let (key, made) = ssh::load_or_create_host_key(&path)?;
    let fingerprint = ssh::host_fingerprint(&key);
    let options = ServeOptions {
        max_sessions: args.max_sessions as usize,
        max_auth_tries: args.max_auth_tries,
        connections_per_minute: args.connections_per_minute,
        idle_lock: chrono::Duration::from_std(config.idle_lock)
            .unwrap_or(chrono::Duration::minutes(10)),
        clinic: tui::state::ClinicInfo {
            name: config.clinic_name.clone(),
            time_zone: config.time_zone,
        },
        keymap: keymap(config)?,
    };
    // A panic inside one session's UI task is logged and reported to that screen, as in
    // the local TUI; it never reaches the server's output.
    tui::task::install_panic_guard();
    let server = Server::bind(args.listen, key, services, options)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = server.local_addr().unwrap_or(args.listen);
    if made {
        println!("Made a new host key {}.", path.display());
    }
    println!("Host key fingerprint: {fingerprint}");
    println!(
        "Serving Smart Clinic over SSH on {addr} (at most {} sessions). Sign in with: ssh -p {} EMAIL@HOST",
        args.max_sessions,
        addr.port()
    );
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| format!("cannot listen for SIGTERM: {e}"))?;
    let stop = async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    };
    server.run(stop).await;
    println!("Stopped; open sessions kept their unsaved work.");
    Ok(())
}

pub async fn ssh_key(services: &Services, cmd: SshKeyCommand) -> Result<(), String> {
    match cmd {
        SshKeyCommand::Add {
            role,
            email,
            key_file,
        } => {
            let text = std::fs::read_to_string(&key_file)
                .map_err(|e| format!("cannot read the key file {}: {e}", key_file.display()))?;
            let fp = services
                .add_ssh_key(&Actor::System, role.into(), &email, &text)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "Registered key {fp} for {} {email}.",
                Role::from(role).label()
            );
        }
        SshKeyCommand::List { role, email } => {
            let keys = services
                .list_ssh_keys(&Actor::System, role.into(), &email)
                .await
                .map_err(|e| e.to_string())?;
            if keys.is_empty() {
                println!("No SSH keys for {email}.");
            }
            for k in keys {
                let comment = crate::domain::text::escape_control(&k.comment);
                println!(
                    "{}  {}  {comment}",
                    k.fingerprint,
                    k.created_at.format("%Y-%m-%d %H:%M UTC")
                );
            }
        }
        SshKeyCommand::Remove {
            role,
            email,
            fingerprint,
        } => {
            services
                .remove_ssh_key(&Actor::System, role.into(), &email, &fingerprint)
                .await
                .map_err(|e| e.to_string())?;
            println!("Removed key {} from {email}.", fingerprint.trim());
        }
    }
    Ok(())
}
