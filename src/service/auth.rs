//! Logging in: argon2id verification off the async threads, one generic answer for a
//! wrong email or password, a growing lock after repeated failures (kept in the
//! database, so it survives a restart), and an audit row for every attempt.
//!
//! Each attempt first reserves its turn in one transaction on the throttle row (counted
//! as a failure, with the lock the policy asks for already set) and only then checks the
//! password; a success resets the count. However many attempts arrive at once, at most
//! [`FREE_ATTEMPTS`](crate::domain::lockout::FREE_ATTEMPTS) passwords are checked before
//! the lock holds.

use chrono::{DateTime, Utc};
use thiserror::Error;

use super::audit::actions;
use super::{ServiceError, Services, password};
use crate::domain::audit::{AuditEvent, Outcome};
use crate::domain::lockout::{describe_wait, lock_after};
use crate::domain::{AccountKind, Actor, Role};
use crate::store::mysql::throttle::{self, Reservation};
use crate::store::mysql::{accounts, is_retryable};

/// Tries of the attempt reservation after a deadlock or lock-wait timeout.
const RESERVE_TRIES: u32 = 6;

/// A logged-in user.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub actor: Actor,
    pub started_at: DateTime<Utc>,
}

impl Session {
    pub fn role(&self) -> Role {
        self.actor.role().unwrap_or(Role::Patient)
    }
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum LoginError {
    /// The one answer for unknown email, wrong password or inactive account.
    #[error("Wrong email or password.")]
    WrongCredentials,
    #[error("Wrong email or password. Too many failed attempts: try again in {wait}.")]
    LockedNow { wait: String },
    #[error("Too many failed attempts for this account. Try again in {wait}.")]
    Locked { wait: String },
    #[error("{0}")]
    Service(#[from] ServiceError),
}

impl From<sqlx::Error> for LoginError {
    fn from(e: sqlx::Error) -> Self {
        LoginError::Service(e.into())
    }
}

impl Services {
    /// [`throttle::reserve_attempt`], retried on deadlock or lock-wait timeout.
    async fn reserve_attempt(
        &self,
        kind: AccountKind,
        email: &str,
        now: chrono::NaiveDateTime,
    ) -> Result<Reservation, LoginError> {
        let mut tries = 0;
        loop {
            tries += 1;
            match throttle::reserve_attempt(&self.db, kind, email, now, lock_after).await {
                Err(e) if is_retryable(&e) && tries < RESERVE_TRIES => {
                    tracing::debug!(tries, "login reservation retried after a lock conflict");
                    tokio::time::sleep(std::time::Duration::from_millis(5 * u64::from(tries)))
                        .await;
                }
                other => return Ok(other?),
            }
        }
    }

    pub async fn login(
        &self,
        kind: AccountKind,
        email: &str,
        password: &str,
    ) -> Result<Session, LoginError> {
        self.login_from(kind, email, password, None).await
    }

    /// [`login`](Self::login) with where the attempt came from (e.g. "ssh 10.0.0.7:52114"),
    /// written into every audit row of the attempt. The same verification, throttle and
    /// lock as the sign-in screen.
    pub async fn login_from(
        &self,
        kind: AccountKind,
        email: &str,
        password: &str,
        remote: Option<&str>,
    ) -> Result<Session, LoginError> {
        let email: String = email.trim().to_lowercase().chars().take(150).collect();
        let now = self.clock.now_naive();
        let attempt = |outcome: Outcome, actor: Option<&Actor>, detail: &str| {
            let detail = match (remote, detail) {
                (None, d) => d.to_string(),
                (Some(r), "") => format!("password, {r}"),
                (Some(r), d) => format!("{d}; password, {r}"),
            };
            let detail = detail.as_str();
            let event = match actor {
                Some(a) => AuditEvent::by(a, actions::LOGIN, "session"),
                None => AuditEvent {
                    actor_kind: kind.as_str().to_string(),
                    actor_id: None,
                    actor_email: Some(email.clone()),
                    ..AuditEvent::by(&Actor::System, actions::LOGIN, "session")
                },
            };
            event.outcome(outcome).detail(detail)
        };

        // The attempt takes its turn (and is counted) before any password is checked, so
        // simultaneous guesses cannot all slip in under the lock.
        let failures = match self.reserve_attempt(kind, &email, now).await? {
            Reservation::Locked(until) => {
                self.audit(attempt(
                    Outcome::Denied,
                    None,
                    "account locked after repeated failures",
                ))
                .await?;
                return Err(LoginError::Locked {
                    wait: describe_wait(until - now),
                });
            }
            Reservation::Counted(n) => n,
        };

        let creds = accounts::find_by_email(&self.db, kind, &email).await?;
        let matches =
            password::verify(creds.as_ref().map(|c| c.password_hash.clone()), password).await?;
        let account = creds.filter(|c| c.is_active && matches);

        match account {
            Some(c) => {
                let role = Role::parse(&c.role).ok_or_else(|| {
                    ServiceError::Internal(format!(
                        "account {} has an unknown role {:?}",
                        c.id, c.role
                    ))
                })?;
                let actor = Actor::User {
                    role,
                    id: c.id,
                    name: c.full_name,
                    email: c.email,
                };
                throttle::reset(&self.db, kind, &email).await?;
                self.audit(attempt(Outcome::Ok, Some(&actor), "")).await?;
                Ok(Session {
                    actor,
                    started_at: self.clock.now(),
                })
            }
            None => {
                self.audit(attempt(
                    Outcome::Failed,
                    None,
                    &format!("failed attempt {failures}"),
                ))
                .await?;
                match lock_after(failures) {
                    Some(wait) => Err(LoginError::LockedNow {
                        wait: describe_wait(wait),
                    }),
                    None => Err(LoginError::WrongCredentials),
                }
            }
        }
    }
}
