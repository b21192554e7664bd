//! Writing the audit trail. Every read or write of medical or financial data and every
//! login attempt goes through here; the store only appends.

use crate::domain::Actor;
use crate::domain::audit::{AuditEvent, Outcome};
use crate::store::mysql::audit as store;

use super::{ServiceError, Services};

/// Action names as they appear in `audit_log.action`.
pub mod actions {
    pub const LOGIN: &str = "LOGIN";
    pub const USER_CREATE: &str = "USER_CREATE";
    pub const DEMO_SEED: &str = "DEMO_SEED";
    pub const AUDIT_READ: &str = "AUDIT_READ";
    pub const APPOINTMENT_BOOK: &str = "APPOINTMENT_BOOK";
    pub const APPOINTMENT_CANCEL: &str = "APPOINTMENT_CANCEL";
    pub const APPOINTMENT_RESCHEDULE: &str = "APPOINTMENT_RESCHEDULE";
    pub const APPOINTMENT_OUTCOME: &str = "APPOINTMENT_OUTCOME";
    pub const APPOINTMENT_HISTORY: &str = "APPOINTMENT_HISTORY";
    pub const APPOINTMENT_LIST: &str = "APPOINTMENT_LIST";
    pub const PAYMENT_CREATE: &str = "PAYMENT_CREATE";
    pub const PAYMENT_STATUS: &str = "PAYMENT_STATUS";
    pub const PAYMENT_READ: &str = "PAYMENT_READ";
    pub const PAYMENT_RECEIPT: &str = "PAYMENT_RECEIPT";
    pub const REPORT_READ: &str = "REPORT_READ";
    /// A report was exported as a file (CSV).
    pub const REPORT_EXPORT: &str = "REPORT_EXPORT";
    /// The audit trail was exported as a file (CSV).
    pub const AUDIT_EXPORT: &str = "AUDIT_EXPORT";
    pub const ADMIN_READ: &str = "ADMIN_READ";
    pub const ACCOUNT_UPDATE: &str = "ACCOUNT_UPDATE";
    pub const ACCOUNT_ACTIVATE: &str = "ACCOUNT_ACTIVATE";
    pub const ACCOUNT_DEACTIVATE: &str = "ACCOUNT_DEACTIVATE";
    pub const PASSWORD_RESET: &str = "PASSWORD_RESET";
    pub const PASSWORD_CHANGE: &str = "PASSWORD_CHANGE";
    pub const LOCATION_CHANGE: &str = "LOCATION_CHANGE";
    pub const SPECIALIZATION_CREATE: &str = "SPECIALIZATION_CREATE";
    pub const AVAILABILITY_ADD: &str = "AVAILABILITY_ADD";
    pub const AVAILABILITY_UPDATE: &str = "AVAILABILITY_UPDATE";
    pub const AVAILABILITY_DELETE: &str = "AVAILABILITY_DELETE";
    pub const TIME_OFF_ADD: &str = "TIME_OFF_ADD";
    pub const TIME_OFF_DELETE: &str = "TIME_OFF_DELETE";
    pub const EXTRA_HOURS_ADD: &str = "EXTRA_HOURS_ADD";
    pub const EXTRA_HOURS_DELETE: &str = "EXTRA_HOURS_DELETE";
    /// A recurring series was booked (each occurrence also has its APPOINTMENT_BOOK row).
    pub const SERIES_BOOK: &str = "SERIES_BOOK";
    /// An appointment and the later ones of its series were cancelled.
    pub const SERIES_CANCEL: &str = "SERIES_CANCEL";
    /// An appointment and the later ones of its series were moved.
    pub const SERIES_RESCHEDULE: &str = "SERIES_RESCHEDULE";
    pub const SERIES_READ: &str = "SERIES_READ";
    pub const WAITLIST_ADD: &str = "WAITLIST_ADD";
    pub const WAITLIST_READ: &str = "WAITLIST_READ";
    pub const WAITLIST_COUNT: &str = "WAITLIST_COUNT";
    /// Freed time was offered to a waiting entry.
    pub const WAITLIST_OFFER: &str = "WAITLIST_OFFER";
    /// An offer was booked (the appointment also has its APPOINTMENT_BOOK row).
    pub const WAITLIST_BOOK: &str = "WAITLIST_BOOK";
    /// An offer was declined, lapsed or was taken by someone else: the entry waits again.
    pub const WAITLIST_RELEASE: &str = "WAITLIST_RELEASE";
    pub const WAITLIST_REMOVE: &str = "WAITLIST_REMOVE";
    pub const WAITLIST_EXPIRE: &str = "WAITLIST_EXPIRE";
    /// Appointments were exported as an iCalendar file.
    pub const CALENDAR_EXPORT: &str = "CALENDAR_EXPORT";
    /// A doctor's week with the patients booked in it was read.
    pub const SCHEDULE_READ: &str = "SCHEDULE_READ";
    pub const DOCTOR_LIST: &str = "DOCTOR_LIST";
    pub const PRESCRIPTION_READ: &str = "PRESCRIPTION_READ";
    /// Whether a prescription exists (all the front desk may learn).
    pub const PRESCRIPTION_EXISTS: &str = "PRESCRIPTION_EXISTS";
    pub const PRESCRIPTION_CREATE: &str = "PRESCRIPTION_CREATE";
    pub const PRESCRIPTION_UPDATE: &str = "PRESCRIPTION_UPDATE";
    pub const PRESCRIPTION_HISTORY: &str = "PRESCRIPTION_HISTORY";
    pub const PRESCRIPTION_TIMELINE: &str = "PRESCRIPTION_TIMELINE";
    pub const PRESCRIPTION_EXPORT: &str = "PRESCRIPTION_EXPORT";
    pub const PRESCRIPTION_INSIGHT: &str = "PRESCRIPTION_INSIGHT";
    pub const PRESCRIPTION_ATTACH: &str = "PRESCRIPTION_ATTACH";
    /// A reminder or notice was emailed to a patient (or the attempt failed).
    pub const NOTIFICATION_SEND: &str = "NOTIFICATION_SEND";
    /// A prescription was exported as a PDF.
    pub const PRESCRIPTION_PDF: &str = "PRESCRIPTION_PDF";
    /// A payment receipt was exported as a PDF.
    pub const RECEIPT_PDF: &str = "RECEIPT_PDF";
    pub const PATIENT_SEARCH: &str = "PATIENT_SEARCH";
    pub const PATIENT_CREATE: &str = "PATIENT_CREATE";
    pub const PATIENT_READ: &str = "PATIENT_READ";
    pub const PATIENT_UPDATE: &str = "PATIENT_UPDATE";
    /// A patient's appointment and payment history was read.
    pub const PATIENT_HISTORY: &str = "PATIENT_HISTORY";
}

impl AuditEvent {
    /// An event by `actor` on `entity`, outcome OK; refine with the setters.
    pub fn by(actor: &Actor, action: &'static str, entity: &'static str) -> AuditEvent {
        let actor_email = match actor {
            Actor::User { email, .. } => Some(email.clone()),
            Actor::System => None,
        };
        AuditEvent {
            actor_kind: actor.kind_str().to_string(),
            actor_id: actor.id(),
            actor_email,
            action,
            entity,
            entity_id: None,
            patient_id: None,
            outcome: Outcome::Ok,
            detail: None,
        }
    }

    pub fn entity_id(mut self, id: impl ToString) -> Self {
        self.entity_id = Some(id.to_string());
        self
    }

    pub fn patient(mut self, patient_id: i32) -> Self {
        self.patient_id = Some(patient_id);
        self
    }

    pub fn outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        let d: String = detail.into();
        self.detail = (!d.is_empty()).then(|| d.chars().take(500).collect());
        self
    }
}

impl Services {
    /// Appends one audit row, timestamped by the service clock.
    pub async fn audit(&self, event: AuditEvent) -> Result<(), ServiceError> {
        store::append(&self.db, self.clock.now_naive(), &event).await?;
        Ok(())
    }
}
