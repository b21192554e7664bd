//! Creating accounts of every kind.

use super::admin::DoctorInput;
use super::audit::actions;
use super::{ServiceError, Services, password};
use crate::domain::audit::{AuditEvent, Outcome};
use crate::domain::person::{Doctor, NewDoctor, NewPatient};
use crate::domain::validation;
use crate::domain::{Actor, Role};
use crate::store::mysql::{audit, is_unique_violation, patients, people};

/// A new account as an operator or admin describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAccount {
    pub role: Role,
    pub email: String,
    pub full_name: String,
    /// Required for doctors, ignored otherwise.
    pub specialization: Option<String>,
    pub password: String,
}

impl Services {
    /// Creates an account and returns its id. Admins and the system operator only.
    pub async fn add_user(&self, actor: &Actor, account: NewAccount) -> Result<i32, ServiceError> {
        let allowed = matches!(actor, Actor::System) || actor.role() == Some(Role::Admin);
        let event =
            AuditEvent::by(actor, actions::USER_CREATE, "account").detail(account.role.as_str());
        if !allowed {
            self.audit(event.outcome(Outcome::Denied)).await?;
            return Err(ServiceError::Forbidden("create accounts".into()));
        }
        let email = validation::email(&account.email)?;
        let full_name = validation::required_text("Name", &account.full_name, 100)?;
        validation::new_password(&account.password, &[&email, &full_name])?;
        let hash = password::hash(&account.password).await?;
        let result = match account.role {
            Role::Admin | Role::FrontDesk => {
                people::insert_staff(&self.db, &full_name, &email, account.role, &hash).await
            }
            Role::Doctor => {
                let specialization = validation::required_text(
                    "Specialization",
                    &crate::domain::person::normalise_specialization(
                        account.specialization.as_deref().unwrap_or_default(),
                    ),
                    100,
                )?;
                let doctor = NewDoctor {
                    full_name,
                    email: email.clone(),
                    specialization,
                    ..NewDoctor::default()
                };
                people::insert_doctor(&self.db, &doctor, &hash).await
            }
            Role::Patient => {
                let patient = NewPatient {
                    full_name,
                    email: email.clone(),
                    ..NewPatient::default()
                };
                patients::insert(&self.db, &patient, &hash).await
            }
        };
        match result {
            Ok(id) => {
                self.audit(event.entity_id(id)).await?;
                Ok(id)
            }
            Err(e) if is_unique_violation(&e) => Err(ServiceError::Conflict(format!(
                "An account with the email {email} already exists."
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// Creates a doctor's account with every detail (name, email, specialization, phone,
    /// bio) and its password, admins and the system operator only. Everything is validated
    /// first; the row and its audit entry are then written in one transaction, so a refusal
    /// or a failure leaves no doctor behind and a success leaves a complete one.
    pub async fn create_doctor(
        &self,
        actor: &Actor,
        input: &DoctorInput,
        password: &str,
    ) -> Result<Doctor, ServiceError> {
        let allowed = matches!(actor, Actor::System) || actor.role() == Some(Role::Admin);
        let event =
            AuditEvent::by(actor, actions::USER_CREATE, "account").detail(Role::Doctor.as_str());
        if !allowed {
            self.audit(event.outcome(Outcome::Denied)).await?;
            return Err(ServiceError::Forbidden("create accounts".into()));
        }
        let doctor = input.validate()?;
        let fee = input.fee()?;
        validation::new_password(password, &[&doctor.email, &doctor.full_name])?;
        let hash = password::hash(password).await?;
        let mut tx = self.db.begin().await?;
        let written = async {
            let id = people::insert_doctor(&mut *tx, &doctor, &hash).await?;
            if fee.is_some() {
                people::set_doctor_fee(&mut *tx, id, fee).await?;
            }
            audit::append(&mut *tx, self.clock.now_naive(), &event.entity_id(id)).await?;
            people::get_doctor(&mut *tx, id).await
        }
        .await;
        match written {
            Ok(Some(saved)) => {
                tx.commit().await?;
                Ok(saved)
            }
            Ok(None) => Err(ServiceError::Internal(
                "the new doctor could not be read back".into(),
            )),
            Err(e) => {
                // Rolled back now rather than when the connection is next used, so the
                // failed insert holds no lock on `doctors` meanwhile.
                if let Err(rollback) = tx.rollback().await {
                    tracing::warn!(error = %rollback, "could not roll back a doctor creation");
                }
                Err(if is_unique_violation(&e) {
                    ServiceError::Conflict(format!(
                        "An account with the email {} already exists.",
                        doctor.email
                    ))
                } else {
                    e.into()
                })
            }
        }
    }
}
