//! The audit trail's vocabulary.

use chrono::NaiveDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Denied,
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "OK",
            Outcome::Denied => "DENIED",
            Outcome::Failed => "FAILED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "OK" => Some(Outcome::Ok),
            "DENIED" => Some(Outcome::Denied),
            "FAILED" => Some(Outcome::Failed),
            _ => None,
        }
    }
}

/// One audit row to write. `actor_*` come from the acting `Actor`.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub actor_kind: String,
    pub actor_id: Option<i32>,
    pub actor_email: Option<String>,
    pub action: &'static str,
    pub entity: &'static str,
    pub entity_id: Option<String>,
    pub patient_id: Option<i32>,
    pub outcome: Outcome,
    pub detail: Option<String>,
}

/// One audit row as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    pub occurred_at: NaiveDateTime,
    pub actor_kind: String,
    pub actor_id: Option<i32>,
    pub actor_email: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub patient_id: Option<i32>,
    pub outcome: Outcome,
    pub detail: Option<String>,
}

/// What the audit viewer filters on; every field optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    /// ADMIN, FRONT_DESK, DOCTOR, PATIENT, STAFF, SYSTEM.
    pub actor_kind: Option<String>,
    pub actor_id: Option<i32>,
    /// Prefix of the actor's email.
    pub actor_email: Option<String>,
    pub patient_id: Option<i32>,
    /// Prefix of the action, e.g. "APPOINTMENT_" or "LOGIN".
    pub action: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub limit: u32,
}
