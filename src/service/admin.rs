//! Administration: doctors, staff, clinic locations, password resets, account
//! deactivation, and the audit viewer. Admins only (DESIGN.md §3), except changing
//! one's own password.

use chrono::{NaiveDate, NaiveDateTime};

use super::audit::actions;
use super::{ServiceError, Services, password};
use crate::domain::audit::AuditFilter;
use crate::domain::audit::{AuditEntry, AuditEvent, Outcome};
use crate::domain::money::{format_amount, parse_amount};
use crate::domain::permission::{Access, Action, access};
use crate::domain::person::{
    Doctor, Location, NewDoctor, NewLocation, Specialization, StaffMember, normalise_specialization,
};
use crate::domain::report::csv;
use crate::domain::validation;
use crate::domain::{AccountKind, Actor, Role};
use crate::store::mysql::audit as audit_store;
use crate::store::mysql::people::PersonMatch;
use crate::store::mysql::{
    accounts, is_unique_violation, locations, patients, people, specializations, throttle,
};

/// A doctor's editable details.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DoctorInput {
    pub full_name: String,
    pub email: String,
    pub specialization: String,
    pub phone_number: String,
    pub bio: String,
    /// As typed: "60.00"; empty for no fee.
    pub consultation_fee: String,
}

/// A location's editable details.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LocationInput {
    pub name: String,
    pub address: String,
    pub phone_number: String,
    pub operating_hours: String,
}

impl DoctorInput {
    pub(crate) fn validate(&self) -> Result<NewDoctor, ServiceError> {
        let bio = validation::optional_text("Bio", &self.bio, 2000)?;
        Ok(NewDoctor {
            full_name: validation::required_text("Name", &self.full_name, 100)?,
            email: validation::email(&self.email)?,
            specialization: validation::required_text(
                "Specialization",
                &normalise_specialization(&self.specialization),
                100,
            )?,
            phone_number: validation::phone(&self.phone_number)?,
            bio,
        })
    }
}

impl DoctorInput {
    /// The consultation fee typed (None when the field is empty).
    pub fn fee(&self) -> Result<Option<rust_decimal::Decimal>, ServiceError> {
        if self.consultation_fee.trim().is_empty() {
            return Ok(None);
        }
        parse_amount(&self.consultation_fee)
            .map(Some)
            .map_err(|e| ServiceError::Invalid(format!("Fee: {e}")))
    }
}

impl LocationInput {
    fn validate(&self) -> Result<NewLocation, ServiceError> {
        let operating_hours =
            validation::optional_text("Operating hours", &self.operating_hours, 100)?;
        Ok(NewLocation {
            name: validation::required_text("Name", &self.name, 100)?,
            address: validation::required_text("Address", &self.address, 500)?,
            phone_number: validation::phone(&self.phone_number)?,
            operating_hours,
        })
    }
}

fn duplicate_email(e: &sqlx::Error, email: &str) -> Option<ServiceError> {
    is_unique_violation(e).then(|| {
        ServiceError::Conflict(format!("An account with the email {email} already exists."))
    })
}

impl Services {
    /// Refuses (and audits) anyone who is not an admin or the system operator.
    async fn require_admin(&self, actor: &Actor, event: &AuditEvent) -> Result<(), ServiceError> {
        let ok = match actor {
            Actor::System => true,
            Actor::User { role, .. } => access(*role, Action::ManagePeople) == Access::All,
        };
        if ok {
            return Ok(());
        }
        self.audit(event.clone().outcome(Outcome::Denied)).await?;
        Err(ServiceError::Forbidden(
            Action::ManagePeople.phrase().into(),
        ))
    }

    pub async fn admin_list_doctors(&self, actor: &Actor) -> Result<Vec<Doctor>, ServiceError> {
        let event = AuditEvent::by(actor, actions::ADMIN_READ, "doctor");
        self.require_admin(actor, &event).await?;
        Ok(people::list_doctors(&self.db).await?)
    }

    pub async fn update_doctor(
        &self,
        actor: &Actor,
        id: i32,
        input: &DoctorInput,
    ) -> Result<Doctor, ServiceError> {
        let event = AuditEvent::by(actor, actions::ACCOUNT_UPDATE, "doctor").entity_id(id);
        self.require_admin(actor, &event).await?;
        let d = input.validate()?;
        let fee = input.fee()?;
        let Some(before) = people::get_doctor(&self.db, id).await? else {
            return Err(ServiceError::NotFound(format!("Doctor {id}")));
        };
        let mut tx = self.db.begin().await?;
        if let Err(e) = people::update_doctor(&mut *tx, id, &d).await {
            return Err(duplicate_email(&e, &d.email).unwrap_or_else(|| e.into()));
        }
        people::set_doctor_fee(&mut *tx, id, fee).await?;
        let event = if before.consultation_fee != fee {
            event.detail(format!(
                "fee {} -> {}",
                fee_text(before.consultation_fee),
                fee_text(fee)
            ))
        } else {
            event
        };
        audit_store::append(&mut *tx, self.clock.now_naive(), &event).await?;
        tx.commit().await?;
        people::get_doctor(&self.db, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("Doctor {id}")))
    }

    /// The specializations a doctor can have, by name.
    pub async fn list_specializations(&self) -> Result<Vec<Specialization>, ServiceError> {
        Ok(specializations::list(&self.db).await?)
    }

    /// Adds a specialization to the list, deliberately (admins): the name is normalised
    /// ("  cardiology " → "Cardiology"), and one that is already there in another case
    /// is refused with the existing name.
    pub async fn add_specialization(
        &self,
        actor: &Actor,
        name: &str,
    ) -> Result<Specialization, ServiceError> {
        let event = AuditEvent::by(actor, actions::SPECIALIZATION_CREATE, "specialization");
        self.require_admin(actor, &event).await?;
        let name =
            validation::required_text("Specialization", &normalise_specialization(name), 100)?;
        let taken = |existing: &str| {
            ServiceError::Conflict(format!(
                "Specialization \"{existing}\" is already in the list; pick it there."
            ))
        };
        if let Some(existing) = specializations::find(&self.db, &name).await? {
            return Err(taken(&existing.name));
        }
        let mut tx = self.db.begin().await?;
        let id = match specializations::insert(&mut *tx, &name).await {
            Ok(id) => id,
            Err(e) if is_unique_violation(&e) => {
                drop(tx);
                let existing = specializations::find(&self.db, &name)
                    .await?
                    .map_or(name.clone(), |s| s.name);
                return Err(taken(&existing));
            }
            Err(e) => return Err(e.into()),
        };
        audit_store::append(
            &mut *tx,
            self.clock.now_naive(),
            &event.entity_id(id).detail(name.clone()),
        )
        .await?;
        tx.commit().await?;
        Ok(Specialization { id, name })
    }

    /// Staff, doctors and patients (or patients only) whose name or email contains
    /// `query`, for the audit viewer's filters (admins). At most 50.
    pub async fn find_people(
        &self,
        actor: &Actor,
        query: &str,
        patients_only: bool,
    ) -> Result<Vec<PersonMatch>, ServiceError> {
        let event = AuditEvent::by(actor, actions::ADMIN_READ, "person");
        self.require_admin(actor, &event).await?;
        Ok(people::find_people(&self.db, query, patients_only, 50).await?)
    }

    pub async fn list_staff(&self, actor: &Actor) -> Result<Vec<StaffMember>, ServiceError> {
        let event = AuditEvent::by(actor, actions::ADMIN_READ, "staff");
        self.require_admin(actor, &event).await?;
        Ok(people::list_staff(&self.db).await?)
    }

    pub async fn update_staff(
        &self,
        actor: &Actor,
        id: i32,
        full_name: &str,
        email: &str,
        role: Role,
    ) -> Result<StaffMember, ServiceError> {
        let event = AuditEvent::by(actor, actions::ACCOUNT_UPDATE, "staff").entity_id(id);
        self.require_admin(actor, &event).await?;
        if !matches!(role, Role::Admin | Role::FrontDesk) {
            return Err(ServiceError::Invalid(
                "Staff are admins or front desk.".into(),
            ));
        }
        let name = validation::required_text("Name", full_name, 100)?;
        let email = validation::email(email)?;
        let Some(current) = people::get_staff(&self.db, id).await? else {
            return Err(ServiceError::NotFound(format!("Staff member {id}")));
        };
        if actor.id() == Some(id) && actor.role() == Some(Role::Admin) && role != Role::Admin {
            return Err(ServiceError::Invalid(
                "You cannot remove your own admin role.".into(),
            ));
        }
        if let Err(e) = people::update_staff(&self.db, id, &name, &email, role).await {
            return Err(duplicate_email(&e, &email).unwrap_or_else(|| e.into()));
        }
        self.audit(event.detail(format!("{} -> {}", current.role.as_str(), role.as_str())))
            .await?;
        people::get_staff(&self.db, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("Staff member {id}")))
    }

    /// Deactivates or reactivates a staff, doctor or patient account. A deactivated
    /// account cannot sign in; its history stays.
    pub async fn set_account_active(
        &self,
        actor: &Actor,
        kind: AccountKind,
        id: i32,
        active: bool,
    ) -> Result<(), ServiceError> {
        let action = if active {
            actions::ACCOUNT_ACTIVATE
        } else {
            actions::ACCOUNT_DEACTIVATE
        };
        let event =
            AuditEvent::by(actor, action, "account").entity_id(format!("{}:{id}", kind.as_str()));
        self.require_admin(actor, &event).await?;
        if !active
            && kind == AccountKind::Staff
            && actor.id() == Some(id)
            && actor.role().map(Role::account_kind) == Some(AccountKind::Staff)
        {
            return Err(ServiceError::Invalid(
                "You cannot deactivate your own account.".into(),
            ));
        }
        let exists = match kind {
            AccountKind::Staff => people::get_staff(&self.db, id).await?.is_some(),
            AccountKind::Doctor => people::get_doctor(&self.db, id).await?.is_some(),
            AccountKind::Patient => patients::get(&self.db, id).await?.is_some(),
        };
        if !exists {
            return Err(ServiceError::NotFound(format!("Account {id}")));
        }
        match kind {
            AccountKind::Staff => people::set_active(&self.db, false, id, active).await?,
            AccountKind::Doctor => people::set_active(&self.db, true, id, active).await?,
            AccountKind::Patient => {
                patients::set_active(&self.db, id, active).await?;
            }
        }
        let event = if kind == AccountKind::Patient {
            event.patient(id)
        } else {
            event
        };
        self.audit(event).await?;
        Ok(())
    }

    /// Sets a new password for someone else's account and lifts any login lock.
    pub async fn reset_password(
        &self,
        actor: &Actor,
        kind: AccountKind,
        id: i32,
        new_password: &str,
    ) -> Result<(), ServiceError> {
        let event = AuditEvent::by(actor, actions::PASSWORD_RESET, "account")
            .entity_id(format!("{}:{id}", kind.as_str()));
        self.require_admin(actor, &event).await?;
        let account = match kind {
            AccountKind::Staff => people::get_staff(&self.db, id)
                .await?
                .map(|s| (s.email, s.full_name)),
            AccountKind::Doctor => people::get_doctor(&self.db, id)
                .await?
                .map(|d| (d.email, d.full_name)),
            AccountKind::Patient => patients::get(&self.db, id)
                .await?
                .map(|p| (p.email, p.full_name)),
        };
        let Some((email, name)) = account else {
            return Err(ServiceError::NotFound(format!("Account {id}")));
        };
        validation::new_password(new_password, &[&email, &name])?;
        let hash = password::hash(new_password).await?;
        accounts::set_password_hash(&self.db, kind, id, &hash).await?;
        throttle::reset(&self.db, kind, &email).await?;
        self.audit(event).await?;
        Ok(())
    }

    /// Changes the signed-in user's own password, after checking the current one.
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        current: &str,
        new_password: &str,
    ) -> Result<(), ServiceError> {
        let Actor::User {
            role,
            id,
            email,
            name,
        } = actor
        else {
            return Err(ServiceError::Invalid(
                "Only a signed-in user has a password to change.".into(),
            ));
        };
        let event = AuditEvent::by(actor, actions::PASSWORD_CHANGE, "account").entity_id(id);
        let kind = role.account_kind();
        let creds = accounts::find_by_email(&self.db, kind, email).await?;
        let ok = password::verify(creds.as_ref().map(|c| c.password_hash.clone()), current).await?;
        if !ok {
            self.audit(
                event
                    .outcome(Outcome::Failed)
                    .detail("current password did not match"),
            )
            .await?;
            return Err(ServiceError::Invalid(
                "The current password is not right.".into(),
            ));
        }
        validation::new_password(new_password, &[email, name])?;
        if new_password == current {
            return Err(ServiceError::Invalid(
                "The new password must differ from the current one.".into(),
            ));
        }
        let hash = password::hash(new_password).await?;
        accounts::set_password_hash(&self.db, kind, *id, &hash).await?;
        self.audit(event).await?;
        Ok(())
    }

    pub async fn list_locations(&self) -> Result<Vec<Location>, ServiceError> {
        Ok(locations::list(&self.db).await?)
    }

    pub async fn add_location(
        &self,
        actor: &Actor,
        input: &LocationInput,
    ) -> Result<Location, ServiceError> {
        let event = AuditEvent::by(actor, actions::LOCATION_CHANGE, "location");
        self.require_admin(actor, &event).await?;
        let l = input.validate()?;
        let id = match locations::insert(&self.db, &l).await {
            Ok(id) => id,
            Err(e) if is_unique_violation(&e) => {
                return Err(ServiceError::Conflict(format!(
                    "A location named {} already exists.",
                    l.name
                )));
            }
            Err(e) => return Err(e.into()),
        };
        self.audit(event.entity_id(id).detail("created")).await?;
        locations::get(&self.db, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("Location {id}")))
    }

    pub async fn update_location(
        &self,
        actor: &Actor,
        id: i32,
        input: &LocationInput,
    ) -> Result<Location, ServiceError> {
        let event = AuditEvent::by(actor, actions::LOCATION_CHANGE, "location").entity_id(id);
        self.require_admin(actor, &event).await?;
        let l = input.validate()?;
        if locations::get(&self.db, id).await?.is_none() {
            return Err(ServiceError::NotFound(format!("Location {id}")));
        }
        if let Err(e) = locations::update(&self.db, id, &l).await {
            if is_unique_violation(&e) {
                return Err(ServiceError::Conflict(format!(
                    "A location named {} already exists.",
                    l.name
                )));
            }
            return Err(e.into());
        }
        self.audit(event.detail("updated")).await?;
        locations::get(&self.db, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("Location {id}")))
    }

    pub async fn set_location_active(
        &self,
        actor: &Actor,
        id: i32,
        active: bool,
    ) -> Result<(), ServiceError> {
        let event = AuditEvent::by(actor, actions::LOCATION_CHANGE, "location")
            .entity_id(id)
            .detail(if active { "reopened" } else { "closed" });
        self.require_admin(actor, &event).await?;
        if locations::get(&self.db, id).await?.is_none() {
            return Err(ServiceError::NotFound(format!("Location {id}")));
        }
        locations::set_active(&self.db, id, active).await?;
        self.audit(event).await?;
        Ok(())
    }

    /// The audit trail, filtered; admins only, and the read is itself audited.
    pub async fn search_audit(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
    ) -> Result<Vec<AuditEntry>, ServiceError> {
        let event =
            AuditEvent::by(actor, actions::AUDIT_READ, "audit_log").detail(format!("{filter:?}"));
        let ok = match actor {
            Actor::System => true,
            Actor::User { role, .. } => access(*role, Action::ReadAudit) == Access::All,
        };
        if !ok {
            self.audit(event.outcome(Outcome::Denied)).await?;
            return Err(ServiceError::Forbidden(Action::ReadAudit.phrase().into()));
        }
        for at in [filter.from, filter.to].into_iter().flatten() {
            validation::datetime_in_range(at)?;
        }
        let rows = audit_store::search(&self.db, filter).await?;
        self.audit(event).await?;
        Ok(rows)
    }

    /// UTC bounds for local dates `from..=to`, for audit filters.
    pub fn local_day_bounds(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> (Option<NaiveDateTime>, Option<NaiveDateTime>) {
        let tz = self.config.time_zone;
        let start = from.and_then(|d| {
            crate::domain::availability::local_to_utc(
                tz,
                d.and_hms_opt(0, 0, 0).unwrap_or_default(),
            )
        });
        let end = to.and_then(|d| {
            d.succ_opt().and_then(|n| {
                crate::domain::availability::local_to_utc(
                    tz,
                    n.and_hms_opt(0, 0, 0).unwrap_or_default(),
                )
            })
        });
        (start, end)
    }
}

/// The audit entries as CSV (times in UTC, ISO 8601).
pub fn audit_csv(entries: &[AuditEntry]) -> String {
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                e.id.to_string(),
                format!("{}Z", e.occurred_at.format("%Y-%m-%dT%H:%M:%S%.3f")),
                e.actor_kind.clone(),
                e.actor_id.map(|i| i.to_string()).unwrap_or_default(),
                e.actor_email.clone().unwrap_or_default(),
                e.action.clone(),
                e.entity.clone(),
                e.entity_id.clone().unwrap_or_default(),
                e.patient_id.map(|i| i.to_string()).unwrap_or_default(),
                e.outcome.as_str().to_string(),
                e.detail.clone().unwrap_or_default(),
            ]
        })
        .collect();
    csv(
        &[
            "id",
            "occurred_at_utc",
            "actor_kind",
            "actor_id",
            "actor_email",
            "action",
            "entity",
            "entity_id",
            "patient_id",
            "outcome",
            "detail",
        ],
        &rows,
    )
}

/// "60.00", or "none".
fn fee_text(fee: Option<rust_decimal::Decimal>) -> String {
    fee.map_or_else(|| "none".to_string(), format_amount)
}
