//! Signing in over SSH (`clinic serve`): public keys registered to accounts, password
//! sign-in with the sign-in screen's verification and lock, and an audit row for every
//! SSH sign-in and refusal with the remote address (and the key's fingerprint).

use russh::keys::{HashAlg, PublicKey};

use super::audit::actions;
use super::auth::{LoginError, Session};
use super::{ServiceError, Services};
use crate::domain::audit::{AuditEvent, Outcome};
use crate::domain::{AccountKind, Actor, Role};
use crate::store::mysql::ssh_keys::{self, SshKey};
use crate::store::mysql::{accounts, is_unique_violation};

/// Audit actions of the SSH server (sign-ins are `LOGIN` rows, as on the sign-in screen).
pub mod ssh_actions {
    /// A connection, session or request the SSH server refused.
    pub const SSH_REFUSED: &str = "SSH_REFUSED";
    pub const SSH_KEY_ADD: &str = "SSH_KEY_ADD";
    pub const SSH_KEY_REMOVE: &str = "SSH_KEY_REMOVE";
}

/// The SHA-256 fingerprint OpenSSH prints (`SHA256:…`).
pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// Parses one OpenSSH public key line (`ssh-ed25519 AAAA… comment`).
pub fn parse_public_key(line: &str) -> Result<PublicKey, ServiceError> {
    let line = line
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .ok_or_else(|| ServiceError::Invalid("The key file holds no public key.".into()))?;
    PublicKey::from_openssh(line).map_err(|e| {
        ServiceError::Invalid(format!(
            "Not an OpenSSH public key ({e}); give the .pub file, e.g. ~/.ssh/id_ed25519.pub."
        ))
    })
}

fn normal_email(email: &str) -> String {
    email.trim().to_lowercase().chars().take(150).collect()
}

fn operator_only(actor: &Actor) -> bool {
    matches!(actor, Actor::System) || actor.role() == Some(Role::Admin)
}

impl Services {
    /// The account of `role` with `email`: its id (staff accounts must have that role).
    async fn account_of(&self, role: Role, email: &str) -> Result<i32, ServiceError> {
        let kind = role.account_kind();
        let found = accounts::find_by_email(&self.db, kind, &normal_email(email)).await?;
        match found {
            Some(c) if c.role == role.as_str() => Ok(c.id),
            _ => Err(ServiceError::NotFound(format!(
                "A {} account with email {}",
                role.label().to_lowercase(),
                email.trim()
            ))),
        }
    }

    /// Registers a public key to an account; its fingerprint. The operator or an admin.
    pub async fn add_ssh_key(
        &self,
        actor: &Actor,
        role: Role,
        email: &str,
        key_text: &str,
    ) -> Result<String, ServiceError> {
        let event = AuditEvent::by(actor, ssh_actions::SSH_KEY_ADD, "ssh_key");
        if !operator_only(actor) {
            self.audit(event.outcome(Outcome::Denied)).await?;
            return Err(ServiceError::Forbidden("register SSH keys".into()));
        }
        let key = parse_public_key(key_text)?;
        let account_id = self.account_of(role, email).await?;
        let fp = fingerprint(&key);
        let openssh = key
            .to_openssh()
            .map_err(|e| ServiceError::Invalid(format!("The key cannot be encoded ({e}).")))?;
        let comment: String = key.comment().to_string().chars().take(200).collect();
        match ssh_keys::insert(
            &self.db,
            role.account_kind(),
            account_id,
            &fp,
            &openssh,
            &comment,
        )
        .await
        {
            Ok(id) => {
                self.audit(event.entity_id(id).detail(format!(
                    "{fp} for {} {}",
                    role.as_str(),
                    email.trim()
                )))
                .await?;
                Ok(fp)
            }
            Err(e) if is_unique_violation(&e) => Err(ServiceError::Conflict(format!(
                "The key {fp} is already registered (to this or another account)."
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// The keys registered to an account. The operator or an admin.
    pub async fn list_ssh_keys(
        &self,
        actor: &Actor,
        role: Role,
        email: &str,
    ) -> Result<Vec<SshKey>, ServiceError> {
        if !operator_only(actor) {
            return Err(ServiceError::Forbidden("list SSH keys".into()));
        }
        let account_id = self.account_of(role, email).await?;
        Ok(ssh_keys::list_for(&self.db, role.account_kind(), account_id).await?)
    }

    /// Removes one key (by fingerprint) from an account. The operator or an admin.
    pub async fn remove_ssh_key(
        &self,
        actor: &Actor,
        role: Role,
        email: &str,
        fingerprint: &str,
    ) -> Result<(), ServiceError> {
        let event = AuditEvent::by(actor, ssh_actions::SSH_KEY_REMOVE, "ssh_key");
        if !operator_only(actor) {
            self.audit(event.outcome(Outcome::Denied)).await?;
            return Err(ServiceError::Forbidden("remove SSH keys".into()));
        }
        let account_id = self.account_of(role, email).await?;
        let fingerprint = fingerprint.trim();
        if !ssh_keys::delete(&self.db, role.account_kind(), account_id, fingerprint).await? {
            return Err(ServiceError::NotFound(format!(
                "A key {fingerprint} of {}",
                email.trim()
            )));
        }
        self.audit(event.detail(format!(
            "{fingerprint} of {} {}",
            role.as_str(),
            email.trim()
        )))
        .await?;
        Ok(())
    }

    /// Whether `key` is registered to an account with this email (before its signature
    /// is checked: nothing is written).
    pub async fn ssh_key_known(&self, email: &str, key: &PublicKey) -> Result<bool, ServiceError> {
        let Some(row) = ssh_keys::find_by_fingerprint(&self.db, &fingerprint(key)).await? else {
            return Ok(false);
        };
        let Some(kind) = kind_of(&row.account_kind) else {
            return Ok(false);
        };
        let creds = accounts::find_by_email(&self.db, kind, &normal_email(email)).await?;
        Ok(creds.is_some_and(|c| c.id == row.account_id))
    }

    /// Signs in with a public key whose signature was verified: the session of the
    /// account it is registered to, when that account has this email and is active.
    /// An audit row either way, with the remote address and the fingerprint.
    pub async fn ssh_key_sign_in(
        &self,
        email: &str,
        key: &PublicKey,
        remote: &str,
    ) -> Result<Session, LoginError> {
        let email = normal_email(email);
        let fp = fingerprint(key);
        let row = ssh_keys::find_by_fingerprint(&self.db, &fp).await?;
        let creds = match row.as_ref().and_then(|r| kind_of(&r.account_kind)) {
            Some(kind) => accounts::find_by_email(&self.db, kind, &email)
                .await?
                .filter(|c| row.as_ref().is_some_and(|r| r.account_id == c.id)),
            None => None,
        };
        let detail = format!("public key {fp}, ssh {remote}");
        let Some(c) = creds.filter(|c| c.is_active) else {
            self.audit(
                AuditEvent {
                    actor_id: None,
                    actor_email: Some(email.clone()),
                    ..AuditEvent::by(&Actor::System, actions::LOGIN, "session")
                }
                .outcome(Outcome::Denied)
                .detail(format!("{detail}: no active account with this key")),
            )
            .await?;
            return Err(LoginError::WrongCredentials);
        };
        let role = Role::parse(&c.role).ok_or_else(|| {
            ServiceError::Internal(format!("account {} has an unknown role {:?}", c.id, c.role))
        })?;
        let actor = Actor::User {
            role,
            id: c.id,
            name: c.full_name,
            email: c.email,
        };
        self.audit(AuditEvent::by(&actor, actions::LOGIN, "session").detail(detail))
            .await?;
        Ok(Session {
            actor,
            started_at: self.clock.now(),
        })
    }

    /// Signs in with a password over SSH: every kind of account this email has is tried
    /// with [`login_from`](Self::login_from) (same verification, throttle and lock as the
    /// sign-in screen); the sessions that matched (several when one person has accounts
    /// of several kinds with this password). An email with no account is still checked
    /// and counted as the doctor kind, so the answer and the time do not tell.
    pub async fn ssh_password_sign_in(
        &self,
        email: &str,
        password: &str,
        remote: &str,
    ) -> Result<Vec<Session>, LoginError> {
        let normal = normal_email(email);
        let mut kinds = Vec::new();
        for kind in AccountKind::ALL {
            if accounts::find_by_email(&self.db, kind, &normal)
                .await?
                .is_some()
            {
                kinds.push(kind);
            }
        }
        if kinds.is_empty() {
            kinds.push(AccountKind::Doctor);
        }
        let via = format!("ssh {remote}");
        let mut sessions = Vec::new();
        let mut refusal = None;
        for kind in kinds {
            match self.login_from(kind, &normal, password, Some(&via)).await {
                Ok(s) => sessions.push(s),
                Err(e) => {
                    // A lock says more than a plain "wrong password".
                    let keep = matches!(refusal, None | Some(LoginError::WrongCredentials));
                    if keep {
                        refusal = Some(e);
                    }
                }
            }
        }
        if sessions.is_empty() {
            return Err(refusal.unwrap_or(LoginError::WrongCredentials));
        }
        Ok(sessions)
    }

    /// An audit row for something the SSH server refused (a connection over the rate,
    /// the session limit, an exec or forwarding request, too many sign-in attempts).
    pub async fn ssh_refused(
        &self,
        email: Option<&str>,
        remote: &str,
        what: &str,
    ) -> Result<(), ServiceError> {
        self.audit(
            AuditEvent {
                actor_id: None,
                actor_email: email.map(normal_email),
                ..AuditEvent::by(&Actor::System, ssh_actions::SSH_REFUSED, "ssh")
            }
            .outcome(Outcome::Denied)
            .detail(format!("{what}; ssh {remote}")),
        )
        .await
    }
}

fn kind_of(s: &str) -> Option<AccountKind> {
    AccountKind::ALL.into_iter().find(|k| k.as_str() == s)
}
