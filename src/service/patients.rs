//! Patients at the front desk: incremental search, registration with a duplicate check,
//! reading one record, and the doctor directory a booking starts from. Every read and
//! write of a patient record is audited.

use std::fmt;

use super::audit::actions;
use super::availability::DoctorSummary;
use super::{ServiceError, Services};
use crate::domain::audit::{AuditEvent, Outcome};
use crate::domain::permission::{Access, Action, access};
use crate::domain::person::{NewPatient, Patient};
use crate::domain::{Actor, Gender, Role, validation};
use crate::store::mysql::patient_search::{self as search_store, PatientQuery, digits};
use crate::store::mysql::{is_unique_violation, patients, people};

/// At most this many search results.
pub const MAX_RESULTS: u32 = 50;

/// What a patient search understands, for hints beside search fields.
pub const SEARCH_HINT: &str =
    "any part of a name, email or phone; #id; birth date 1980-03-14 or 14.03.1980";

/// What the registration form sends; the service validates every field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewPatientInput {
    pub full_name: String,
    pub email: String,
    /// Optional; digits, spaces, `+`, `-`, `( )`.
    pub phone: String,
    /// `YYYY-MM-DD`, optional.
    pub date_of_birth: String,
    /// `M`, `F`, `O` or empty.
    pub gender: String,
    /// Register even though a similar patient exists (the user said yes to the warning).
    pub confirm_duplicate: bool,
}

/// Why a registration did not happen.
#[derive(Debug, Clone, PartialEq)]
pub enum RegisterError {
    /// A patient with the same name and date of birth, or the same phone, exists; ask
    /// the user and send again with `confirm_duplicate` to register anyway.
    PossibleDuplicate {
        message: String,
        existing: Vec<Patient>,
    },
    /// Refused (validation, permission, email taken) or failed.
    Failed(ServiceError),
}

impl fmt::Display for RegisterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegisterError::PossibleDuplicate { message, .. } => f.write_str(message),
            RegisterError::Failed(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for RegisterError {}

impl From<ServiceError> for RegisterError {
    fn from(e: ServiceError) -> Self {
        RegisterError::Failed(e)
    }
}

/// Whether `actor` may search and register patients (front desk and admins).
fn may_manage(actor: &Actor) -> bool {
    match actor {
        Actor::System => true,
        Actor::User { role, .. } => access(*role, Action::EditPatients) == Access::All,
    }
}

/// "Ana Lima, born 1990-02-28" for warnings.
fn describe(p: &Patient) -> String {
    match p.date_of_birth {
        Some(d) => format!("{}, born {}", p.full_name, d.format("%Y-%m-%d")),
        None => p.full_name.clone(),
    }
}

impl Services {
    /// Active patients matching `query` (see [`SEARCH_HINT`]): any part of the name or
    /// the email, phone digits (spaces, dashes, `+` and brackets ignored), the id (`#42`,
    /// or digits typed alone) or the date of birth (`1980-03-14` or `14.03.1980`); the
    /// exact id first, then names that start with the text, then the rest, by name; at
    /// most `limit` (capped at [`MAX_RESULTS`]). Front desk and admins. One audit row per
    /// search, with the number of records returned.
    pub async fn search_patients(
        &self,
        actor: &Actor,
        query: &str,
        limit: u32,
    ) -> Result<Vec<Patient>, ServiceError> {
        let event = AuditEvent::by(actor, actions::PATIENT_SEARCH, "patient");
        if !may_manage(actor) {
            self.audit(event.outcome(Outcome::Denied)).await?;
            return Err(ServiceError::Forbidden(
                "search the patient register".into(),
            ));
        }
        let query = PatientQuery::parse(query);
        if query.is_empty() {
            return Ok(Vec::new());
        }
        let rows = search_store::search(&self.db, &query, limit.clamp(1, MAX_RESULTS)).await?;
        self.audit(event.detail(format!("{} records", rows.len())))
            .await?;
        Ok(rows)
    }

    /// Registers a patient without portal access. Refuses invalid fields with a sentence,
    /// an email that is already registered with a conflict, and warns with
    /// [`RegisterError::PossibleDuplicate`] about a same-name-and-birth-date or same-phone
    /// patient unless `confirm_duplicate` is set.
    pub async fn register_patient(
        &self,
        actor: &Actor,
        input: NewPatientInput,
    ) -> Result<Patient, RegisterError> {
        let event = AuditEvent::by(actor, actions::PATIENT_CREATE, "patient");
        if !may_manage(actor) {
            self.audit(event.outcome(Outcome::Denied)).await?;
            return Err(ServiceError::Forbidden("register patients".into()).into());
        }
        let patient = match self.validate_new_patient(&input) {
            Ok(p) => p,
            Err(e) => {
                self.audit(event.outcome(Outcome::Failed).detail("invalid input"))
                    .await?;
                return Err(e.into());
            }
        };
        let phone_digits = patient.phone_number.as_deref().map(digits);
        let similar = search_store::possible_duplicates(
            &self.db,
            &patient.full_name,
            patient.date_of_birth,
            &patient.email,
            phone_digits.as_deref().filter(|d| !d.is_empty()),
        )
        .await
        .map_err(ServiceError::from)?;
        if let Some(same_email) = similar.iter().find(|p| p.email == patient.email) {
            self.audit(
                event
                    .outcome(Outcome::Failed)
                    .entity_id(same_email.id)
                    .detail("email already registered"),
            )
            .await?;
            return Err(ServiceError::Conflict(format!(
                "A patient with the email {} is already registered ({}).",
                patient.email,
                describe(same_email)
            ))
            .into());
        }
        if !similar.is_empty() && !input.confirm_duplicate {
            let first = &similar[0];
            let same_person = first.full_name.to_lowercase() == patient.full_name.to_lowercase()
                && first.date_of_birth.is_some()
                && first.date_of_birth == patient.date_of_birth;
            let message = if same_person {
                format!(
                    "A patient named {} exists. Register anyway?",
                    describe(first)
                )
            } else {
                format!(
                    "{} already has the phone number {}. Register anyway?",
                    describe(first),
                    first.phone_number.as_deref().unwrap_or_default()
                )
            };
            return Err(RegisterError::PossibleDuplicate {
                message,
                existing: similar,
            });
        }
        match patients::insert(&self.db, &patient, patients::NO_PORTAL_ACCESS).await {
            Ok(id) => {
                let detail = if similar.is_empty() {
                    String::new()
                } else {
                    "registered despite a possible duplicate".to_string()
                };
                self.audit(event.entity_id(id).patient(id).detail(detail))
                    .await?;
                let stored = patients::get(&self.db, id)
                    .await
                    .map_err(ServiceError::from)?;
                stored.ok_or_else(|| {
                    ServiceError::Internal("the new patient could not be read back".into()).into()
                })
            }
            Err(e) if is_unique_violation(&e) => Err(ServiceError::Conflict(format!(
                "A patient with the email {} is already registered.",
                patient.email
            ))
            .into()),
            Err(e) => Err(ServiceError::from(e).into()),
        }
    }

    fn validate_new_patient(&self, input: &NewPatientInput) -> Result<NewPatient, ServiceError> {
        let today = self
            .clock
            .now()
            .with_timezone(&self.config.time_zone)
            .date_naive();
        let full_name = validation::required_text("Name", &input.full_name, 100)?;
        let email = validation::email(&input.email)?;
        let phone_number = validation::phone(&input.phone)?;
        let date_of_birth = validation::date_of_birth(&input.date_of_birth, today)?;
        let gender = match input.gender.trim() {
            "" => None,
            g => Some(Gender::parse(g).ok_or_else(|| {
                ServiceError::Invalid(format!(
                    "\"{g}\" is not a gender; type M, F or O, or leave it empty."
                ))
            })?),
        };
        Ok(NewPatient {
            full_name,
            email,
            phone_number,
            date_of_birth,
            gender,
        })
    }

    /// One patient's record: front desk and admins any, a patient their own. Audited.
    pub async fn get_patient(&self, actor: &Actor, id: i32) -> Result<Patient, ServiceError> {
        let event = AuditEvent::by(actor, actions::PATIENT_READ, "patient")
            .entity_id(id)
            .patient(id);
        let allowed = match actor {
            Actor::System => true,
            Actor::User { role, id: own, .. } => match access(*role, Action::EditPatients) {
                Access::All => true,
                Access::Own => *own == id,
                Access::Denied => false,
            },
        };
        if !allowed {
            self.audit(event.outcome(Outcome::Denied)).await?;
            return Err(ServiceError::Forbidden("read this patient's record".into()));
        }
        match patients::get(&self.db, id).await? {
            Some(p) => {
                self.audit(event).await?;
                Ok(p)
            }
            None => {
                self.audit(event.outcome(Outcome::Failed).detail("not found"))
                    .await?;
                Err(ServiceError::NotFound("That patient".into()))
            }
        }
    }

    /// Active doctors, by name, for choosing whom to book with. Unlike the calendar's
    /// doctor list, patients may read it too (they book for themselves).
    pub async fn doctors_to_book(&self, actor: &Actor) -> Result<Vec<DoctorSummary>, ServiceError> {
        if actor.role() == Some(Role::Doctor) {
            return self.list_doctors(actor).await;
        }
        let doctors = people::list_doctors(&self.db).await?;
        Ok(doctors
            .into_iter()
            .filter(|d| d.is_active)
            .map(|d| DoctorSummary {
                id: d.id,
                full_name: d.full_name,
                specialization: d.specialization,
            })
            .collect())
    }
}

// ---------------------------------------------------------------------------------------
// The patients screen: finding patients active or not, editing contact details,
// deactivating and reactivating, and a patient's appointment and payment history.

/// A patient's appointments (newest first, cancelled ones included) and payments
/// (newest first), for the patient view.
#[derive(Debug, Clone, PartialEq)]
pub struct PatientHistory {
    pub patient: Patient,
    pub appointments: Vec<crate::domain::appointment::AppointmentView>,
    pub payments: Vec<crate::domain::payment::Payment>,
}

/// At most this many appointments and payments in a history.
pub const MAX_HISTORY: u32 = 500;

/// Whether `actor` may act on patient `id`'s record: front desk and admins any, a
/// patient their own (`Some(true)` when only their own).
fn record_access(actor: &Actor, id: i32) -> Option<bool> {
    match actor {
        Actor::System => Some(false),
        Actor::User { role, id: own, .. } => match access(*role, Action::EditPatients) {
            Access::All => Some(false),
            Access::Own if *own == id => Some(true),
            Access::Own | Access::Denied => None,
        },
    }
}

impl Services {
    /// Patients matching `query` like [`Services::search_patients`], deactivated ones
    /// included (listed after the active ones). Front desk and admins; audited.
    pub async fn find_patients(
        &self,
        actor: &Actor,
        query: &str,
        limit: u32,
    ) -> Result<Vec<Patient>, ServiceError> {
        let event = AuditEvent::by(actor, actions::PATIENT_SEARCH, "patient");
        if !may_manage(actor) {
            self.audit(event.outcome(Outcome::Denied)).await?;
            return Err(ServiceError::Forbidden(
                "search the patient register".into(),
            ));
        }
        let query = PatientQuery::parse(query);
        if query.is_empty() {
            return Ok(Vec::new());
        }
        let rows = crate::store::mysql::patient_records::search_all(
            &self.db,
            &query,
            limit.clamp(1, MAX_RESULTS),
        )
        .await?;
        self.audit(event.detail(format!("{} records, inactive included", rows.len())))
            .await?;
        Ok(rows)
    }

    /// Changes a patient's details. Front desk and admins may change every field; a
    /// patient only their own email and phone number (their contact details). An email
    /// that belongs to another patient is refused. Audited with the changed field names.
    pub async fn update_patient(
        &self,
        actor: &Actor,
        id: i32,
        input: &NewPatientInput,
    ) -> Result<Patient, ServiceError> {
        let event = AuditEvent::by(actor, actions::PATIENT_UPDATE, "patient")
            .entity_id(id)
            .patient(id);
        let Some(own_only) = record_access(actor, id) else {
            self.audit(event.outcome(Outcome::Denied)).await?;
            return Err(ServiceError::Forbidden(
                "change this patient's details".into(),
            ));
        };
        let Some(current) = patients::get(&self.db, id).await? else {
            return Err(ServiceError::NotFound("That patient".into()));
        };
        let new = self.validate_new_patient(input)?;
        let mut changed = Vec::new();
        if new.full_name != current.full_name {
            changed.push("name");
        }
        if new.date_of_birth != current.date_of_birth {
            changed.push("date of birth");
        }
        if new.gender != current.gender {
            changed.push("gender");
        }
        if own_only && !changed.is_empty() {
            self.audit(
                event
                    .outcome(Outcome::Denied)
                    .detail(format!("own record: {}", changed.join(", "))),
            )
            .await?;
            return Err(ServiceError::Forbidden(
                "change your name, date of birth or gender here; the front desk can".into(),
            ));
        }
        if new.email != current.email {
            changed.push("email");
        }
        if new.phone_number != current.phone_number {
            changed.push("phone");
        }
        if changed.is_empty() {
            return Ok(current);
        }
        let taken = || {
            ServiceError::Conflict(format!(
                "Another patient already uses the email {}.",
                new.email
            ))
        };
        if new.email != current.email
            && patients::find_by_email(&self.db, &new.email)
                .await?
                .is_some_and(|p| p.id != id)
        {
            return Err(taken());
        }
        match crate::store::mysql::patient_records::update(&self.db, id, &new).await {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Err(taken()),
            Err(e) => return Err(e.into()),
        }
        self.audit(event.detail(changed.join(", "))).await?;
        patients::get(&self.db, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound("That patient".into()))
    }

    /// Deactivates or reactivates a patient (front desk and admins). A deactivated
    /// patient cannot be booked or sign in; their history stays. Returns the record.
    pub async fn set_patient_active(
        &self,
        actor: &Actor,
        id: i32,
        active: bool,
    ) -> Result<Patient, ServiceError> {
        let action = if active {
            actions::ACCOUNT_ACTIVATE
        } else {
            actions::ACCOUNT_DEACTIVATE
        };
        let event = AuditEvent::by(actor, action, "patient")
            .entity_id(id)
            .patient(id);
        if !may_manage(actor) {
            self.audit(event.outcome(Outcome::Denied)).await?;
            return Err(ServiceError::Forbidden(if active {
                "reactivate patients".into()
            } else {
                "deactivate patients".into()
            }));
        }
        if patients::get(&self.db, id).await?.is_none() {
            return Err(ServiceError::NotFound("That patient".into()));
        }
        patients::set_active(&self.db, id, active).await?;
        self.audit(event).await?;
        patients::get(&self.db, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound("That patient".into()))
    }

    /// A patient's record with their appointments and payments: front desk and admins
    /// any patient, a patient their own. Audited as one read of the patient's record.
    pub async fn patient_history(
        &self,
        actor: &Actor,
        id: i32,
    ) -> Result<PatientHistory, ServiceError> {
        let event = AuditEvent::by(actor, actions::PATIENT_HISTORY, "patient")
            .entity_id(id)
            .patient(id);
        if record_access(actor, id).is_none() {
            self.audit(event.outcome(Outcome::Denied)).await?;
            return Err(ServiceError::Forbidden(
                "read this patient's history".into(),
            ));
        }
        let Some(patient) = patients::get(&self.db, id).await? else {
            return Err(ServiceError::NotFound("That patient".into()));
        };
        let filter = crate::domain::appointment::ListFilter {
            patient_id: Some(id),
            include_cancelled: true,
            limit: Some(MAX_HISTORY),
            ..Default::default()
        };
        let mut appointments = crate::store::mysql::booking::list_views(&self.db, &filter).await?;
        appointments.reverse();
        let payments =
            crate::store::mysql::patient_records::payments_of_patient(&self.db, id, MAX_HISTORY)
                .await?;
        self.audit(event.detail(format!(
            "{} appointments, {} payments",
            appointments.len(),
            payments.len()
        )))
        .await?;
        Ok(PatientHistory {
            patient,
            appointments,
            payments,
        })
    }
}
