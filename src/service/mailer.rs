//! Outgoing mail over SMTP (lettre, tokio, rustls).
//!
//! `smtp_url` schemes:
//!
//! | URL | connection |
//! | --- | --- |
//! | `smtps://user:pass@host[:465]` | implicit TLS from the first byte (port 465 by default) |
//! | `smtp://user:pass@host[:587]` | plain TCP upgraded with STARTTLS, which is required: a server that does not offer it is refused (port 587 by default) |
//! | `smtp://127.0.0.1:2525` (loopback host: `localhost`, `127.x.x.x`, `::1`) | no TLS: for a relay on the same machine and the test server |
//! | `smtp://host:25?tls=none` | no TLS anywhere, said explicitly; refused with credentials to a non-loopback host (they would travel in clear) |
//!
//! `?tls=required` forces STARTTLS on a loopback host too. User and password are
//! percent-decoded (`%40` for `@`). TLS certificates are checked against the Mozilla
//! roots (webpki-roots); no system OpenSSL is used.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How the connection to the server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `smtps://`: TLS from the first byte.
    ImplicitTls,
    /// `smtp://`: STARTTLS, required.
    StartTls,
    /// No TLS (loopback, or `?tls=none`).
    Plain,
}

/// A parsed `smtp_url` (the password is kept out of `Debug`).
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpTarget {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: Option<String>,
    password: Option<String>,
}

impl std::fmt::Debug for SmtpTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpTarget")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or("a bad %-escape in smtp_url")?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "smtp_url's user or password is not UTF-8".to_string())
}

/// Parses `smtp_url` (see the module docs). Errors are sentences without the password.
pub fn parse_smtp_url(url: &str) -> Result<SmtpTarget, String> {
    let url = url.trim();
    let (scheme, rest) = url
        .split_once("://")
        .ok_or("smtp_url must look like smtp://host:587 or smtps://host:465")?;
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let rest = rest.trim_end_matches('/');
    let (userinfo, hostport) = match rest.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, rest),
    };
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        let (h, after) = v6.split_once(']').ok_or("smtp_url has a bad IPv6 host")?;
        (h.to_string(), after.strip_prefix(':'))
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (hostport.to_string(), None),
        }
    };
    if host.is_empty() {
        return Err("smtp_url names no host".into());
    }
    let port = port
        .map(|p| {
            p.parse::<u16>()
                .map_err(|_| format!("smtp_url's port {p:?} is not a number"))
        })
        .transpose()?;
    let tls = query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .find_map(|kv| kv.strip_prefix("tls="));
    let (user, password) = match userinfo {
        Some(u) => {
            let (name, pass) = u.split_once(':').unwrap_or((u, ""));
            (Some(percent_decode(name)?), Some(percent_decode(pass)?))
        }
        None => (None, None),
    };
    let security = match (scheme.to_ascii_lowercase().as_str(), tls) {
        ("smtps", None | Some("required" | "wrapper")) => Security::ImplicitTls,
        ("smtps", Some(other)) => {
            return Err(format!(
                "smtp_url: smtps:// is always TLS (tls={other} makes no sense)"
            ));
        }
        ("smtp", Some("required" | "starttls")) => Security::StartTls,
        ("smtp", Some("none")) => Security::Plain,
        ("smtp", None) if is_loopback(&host) => Security::Plain,
        ("smtp", None) => Security::StartTls,
        ("smtp", Some(other)) => {
            return Err(format!(
                "smtp_url: tls={other} is not known (use tls=required or tls=none)"
            ));
        }
        (other, _) => {
            return Err(format!(
                "smtp_url: the scheme {other}:// is not known (use smtp:// or smtps://)"
            ));
        }
    };
    if security == Security::Plain && user.is_some() && !is_loopback(&host) {
        return Err(
            "smtp_url: credentials without TLS to another machine are refused (drop tls=none)"
                .into(),
        );
    }
    let port = port.unwrap_or(match security {
        Security::ImplicitTls => 465,
        Security::StartTls => 587,
        Security::Plain => 25,
    });
    Ok(SmtpTarget {
        host,
        port,
        security,
        user,
        password,
    })
}

/// A connection pool to one SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    pub target: SmtpTarget,
}

/// The largest number of SMTP connections one run keeps open.
pub const MAX_CONNECTIONS: u32 = 4;

impl Mailer {
    pub fn new(target: SmtpTarget) -> Result<Mailer, String> {
        let tls = |host: &str| {
            TlsParameters::new(host.to_string())
                .map_err(|e| format!("cannot set up TLS for {host}: {e}"))
        };
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(target.host.as_str())
                .port(target.port)
                .timeout(Some(Duration::from_secs(20)))
                .pool_config(PoolConfig::new().max_size(MAX_CONNECTIONS));
        builder = match target.security {
            Security::ImplicitTls => builder.tls(Tls::Wrapper(tls(&target.host)?)),
            Security::StartTls => builder.tls(Tls::Required(tls(&target.host)?)),
            Security::Plain => builder.tls(Tls::None),
        };
        if let (Some(user), Some(pass)) = (&target.user, &target.password) {
            builder = builder.credentials(Credentials::new(user.clone(), pass.clone()));
        }
        Ok(Mailer {
            transport: builder.build(),
            target,
        })
    }

    /// Sends one message; the error is one line.
    pub async fn send(&self, message: Message) -> Result<(), String> {
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string().lines().next().unwrap_or("").to_string())
    }
}

/// One email with a plain-text and an HTML body (multipart/alternative).
pub fn build_message(
    from: &Mailbox,
    to_name: &str,
    to_email: &str,
    subject: &str,
    text: String,
    html: String,
) -> Result<Message, String> {
    let address = to_email
        .trim()
        .parse()
        .map_err(|_| format!("{to_email:?} is not a valid email address"))?;
    let to = Mailbox::new(Some(to_name.to_string()), address);
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject)
        .date_now()
        .multipart(MultiPart::alternative_plain_html(text, html))
        .map_err(|e| format!("cannot build the message: {e}"))
}

/// Parses the sender setting (`Name <address>` or a bare address).
pub fn parse_from(from: &str) -> Result<Mailbox, String> {
    from.trim().parse::<Mailbox>().map_err(|_| {
        format!("mail_from {from:?} is not an address (e.g. Clinic <reminders@clinic.example>)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_choose_the_connection() {
        let t = parse_smtp_url("smtp://user:p%40ss@mail.internal:587").expect("valid");
        assert_eq!(t.security, Security::StartTls);
        assert_eq!((t.host.as_str(), t.port), ("mail.internal", 587));
        assert_eq!(t.user.as_deref(), Some("user"));
        assert_eq!(t.password.as_deref(), Some("p@ss"));
        assert!(!format!("{t:?}").contains("p@ss"));
        let t = parse_smtp_url("smtps://u:p@mail.internal").expect("valid");
        assert_eq!((t.security, t.port), (Security::ImplicitTls, 465));
        let t = parse_smtp_url("smtp://127.0.0.1:2525").expect("valid");
        assert_eq!((t.security, t.port), (Security::Plain, 2525));
        let t = parse_smtp_url("smtp://localhost:2525?tls=required").expect("valid");
        assert_eq!(t.security, Security::StartTls);
        let t = parse_smtp_url("smtp://relay:25?tls=none").expect("valid");
        assert_eq!(t.security, Security::Plain);
        assert!(parse_smtp_url("smtp://u:p@relay:25?tls=none").is_err());
        assert!(parse_smtp_url("http://x").is_err());
        assert!(parse_smtp_url("smtp://x:notaport").is_err());
        assert!(parse_smtp_url("nonsense").is_err());
    }
}
