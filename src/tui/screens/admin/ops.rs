//! What the administration screen asks of the admin service, and the code that runs it.
//! Passwords are passed on to the service and dropped; `Debug` never prints them.

use std::fmt;

use super::Tab;
use crate::domain::person::{Doctor, Location, Specialization, StaffMember};
use crate::domain::{AccountKind, Actor, Role};
use crate::service::admin::{DoctorInput, LocationInput};
use crate::service::users::NewAccount;
use crate::service::{ServiceError, Services};
use crate::tui::screen::Operation;

#[derive(Clone, PartialEq)]
pub enum AdminOp {
    LoadDoctors,
    LoadStaff,
    LoadLocations,
    LoadSpecializations,
    /// Add a specialization to the list (normalised by the service).
    NewSpecialization(String),
    /// A doctor with every detail and their password, saved in one transaction.
    NewDoctor {
        /// Boxed: a doctor's details are the largest request of all.
        input: Box<DoctorInput>,
        password: String,
    },
    UpdateDoctor {
        id: i32,
        input: Box<DoctorInput>,
    },
    NewStaff {
        full_name: String,
        email: String,
        role: Role,
        password: String,
    },
    UpdateStaff {
        id: i32,
        full_name: String,
        email: String,
        role: Role,
    },
    SetAccountActive {
        kind: AccountKind,
        id: i32,
        active: bool,
    },
    ResetPassword {
        kind: AccountKind,
        id: i32,
        password: String,
    },
    NewLocation(LocationInput),
    UpdateLocation {
        id: i32,
        input: LocationInput,
    },
    SetLocationActive {
        id: i32,
        active: bool,
    },
}

impl fmt::Debug for AdminOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AdminOp::NewDoctor { input, .. } => f
                .debug_struct("NewDoctor")
                .field("email", &input.email)
                .field("password", &"<redacted>")
                .finish(),
            AdminOp::NewStaff { email, role, .. } => f
                .debug_struct("NewStaff")
                .field("email", email)
                .field("role", role)
                .field("password", &"<redacted>")
                .finish(),
            AdminOp::ResetPassword { kind, id, .. } => f
                .debug_struct("ResetPassword")
                .field("kind", kind)
                .field("id", id)
                .field("password", &"<redacted>")
                .finish(),
            AdminOp::LoadDoctors => f.write_str("LoadDoctors"),
            AdminOp::LoadStaff => f.write_str("LoadStaff"),
            AdminOp::LoadLocations => f.write_str("LoadLocations"),
            AdminOp::LoadSpecializations => f.write_str("LoadSpecializations"),
            AdminOp::NewSpecialization(name) => write!(f, "NewSpecialization({name:?})"),
            AdminOp::UpdateDoctor { id, .. } => write!(f, "UpdateDoctor({id})"),
            AdminOp::UpdateStaff { id, role, .. } => write!(f, "UpdateStaff({id}, {role:?})"),
            AdminOp::SetAccountActive { kind, id, active } => {
                write!(f, "SetAccountActive({kind:?}, {id}, {active})")
            }
            AdminOp::NewLocation(l) => write!(f, "NewLocation({:?})", l.name),
            AdminOp::UpdateLocation { id, .. } => write!(f, "UpdateLocation({id})"),
            AdminOp::SetLocationActive { id, active } => {
                write!(f, "SetLocationActive({id}, {active})")
            }
        }
    }
}

impl AdminOp {
    /// The load of a tab's list.
    pub fn load(tab: Tab) -> AdminOp {
        match tab {
            Tab::Doctors => AdminOp::LoadDoctors,
            Tab::Staff => AdminOp::LoadStaff,
            Tab::Locations => AdminOp::LoadLocations,
        }
    }

    /// The tab whose list this changes or loads.
    pub fn tab(&self) -> Tab {
        match self {
            AdminOp::LoadDoctors
            | AdminOp::NewDoctor { .. }
            | AdminOp::UpdateDoctor { .. }
            | AdminOp::LoadSpecializations
            | AdminOp::NewSpecialization(_) => Tab::Doctors,
            AdminOp::LoadStaff | AdminOp::NewStaff { .. } | AdminOp::UpdateStaff { .. } => {
                Tab::Staff
            }
            AdminOp::SetAccountActive { kind, .. } | AdminOp::ResetPassword { kind, .. } => {
                if *kind == AccountKind::Doctor {
                    Tab::Doctors
                } else {
                    Tab::Staff
                }
            }
            AdminOp::LoadLocations
            | AdminOp::NewLocation(_)
            | AdminOp::UpdateLocation { .. }
            | AdminOp::SetLocationActive { .. } => Tab::Locations,
        }
    }

    pub fn is_load(&self) -> bool {
        matches!(
            self,
            AdminOp::LoadDoctors | AdminOp::LoadStaff | AdminOp::LoadLocations
        )
    }

    /// Whether this answers a y/n question (deactivate, close, …) rather than a form.
    pub fn is_toggle(&self) -> bool {
        matches!(
            self,
            AdminOp::SetAccountActive { .. } | AdminOp::SetLocationActive { .. }
        )
    }
}

/// Answers to [`AdminOp`]s.
#[derive(Debug, Clone, PartialEq)]
pub enum AdminReply {
    Doctors(Result<Vec<Doctor>, ServiceError>),
    Staff(Result<Vec<StaffMember>, ServiceError>),
    Locations(Result<Vec<Location>, ServiceError>),
    Specializations(Result<Vec<Specialization>, ServiceError>),
    SpecializationAdded(Result<Specialization, ServiceError>),
    /// A change finished: what to tell the user, or why it was refused.
    Done(Result<String, ServiceError>),
}

impl Operation for AdminOp {
    type Reply = AdminReply;

    fn busy_text(&self) -> &'static str {
        match self {
            AdminOp::LoadDoctors => "Loading doctors",
            AdminOp::LoadStaff => "Loading staff",
            AdminOp::LoadLocations => "Loading locations",
            AdminOp::LoadSpecializations => "Loading specializations",
            AdminOp::ResetPassword { .. } => "Resetting the password",
            _ => "Saving",
        }
    }

    async fn run(self, services: &Services, actor: &Actor) -> AdminReply {
        let done = AdminReply::Done;
        match self {
            AdminOp::LoadDoctors => AdminReply::Doctors(services.admin_list_doctors(actor).await),
            AdminOp::LoadStaff => AdminReply::Staff(services.list_staff(actor).await),
            AdminOp::LoadLocations => AdminReply::Locations(services.list_locations().await),
            AdminOp::LoadSpecializations => {
                AdminReply::Specializations(services.list_specializations().await)
            }
            AdminOp::NewSpecialization(name) => {
                AdminReply::SpecializationAdded(services.add_specialization(actor, &name).await)
            }
            AdminOp::NewDoctor { input, password } => done(
                services
                    .create_doctor(actor, &input, &password)
                    .await
                    .map(|d| format!("Dr {} added.", d.full_name)),
            ),
            AdminOp::UpdateDoctor { id, input } => done(
                services
                    .update_doctor(actor, id, &input)
                    .await
                    .map(|d| format!("Saved Dr {}.", d.full_name)),
            ),
            AdminOp::NewStaff {
                full_name,
                email,
                role,
                password,
            } => {
                let account = NewAccount {
                    role,
                    email,
                    full_name: full_name.clone(),
                    specialization: None,
                    password,
                };
                done(
                    services
                        .add_user(actor, account)
                        .await
                        .map(|_| format!("{} added ({}).", full_name.trim(), role.label())),
                )
            }
            AdminOp::UpdateStaff {
                id,
                full_name,
                email,
                role,
            } => done(
                services
                    .update_staff(actor, id, &full_name, &email, role)
                    .await
                    .map(|s| format!("Saved {}.", s.full_name)),
            ),
            AdminOp::SetAccountActive { kind, id, active } => done(
                services
                    .set_account_active(actor, kind, id, active)
                    .await
                    .map(|()| {
                        let who = match kind {
                            AccountKind::Doctor => "The doctor",
                            AccountKind::Staff => "The staff member",
                            AccountKind::Patient => "The patient",
                        };
                        if active {
                            format!("{who} can sign in again.")
                        } else {
                            format!("{who} is deactivated; their history stays.")
                        }
                    }),
            ),
            AdminOp::ResetPassword { kind, id, password } => done(
                services
                    .reset_password(actor, kind, id, &password)
                    .await
                    .map(|()| "Password reset; any sign-in lock was lifted.".to_string()),
            ),
            AdminOp::NewLocation(input) => done(
                services
                    .add_location(actor, &input)
                    .await
                    .map(|l| format!("Location {} added.", l.name)),
            ),
            AdminOp::UpdateLocation { id, input } => done(
                services
                    .update_location(actor, id, &input)
                    .await
                    .map(|l| format!("Saved {}.", l.name)),
            ),
            AdminOp::SetLocationActive { id, active } => done(
                services
                    .set_location_active(actor, id, active)
                    .await
                    .map(|()| {
                        if active {
                            "The location is open again.".to_string()
                        } else {
                            "The location is closed.".to_string()
                        }
                    }),
            ),
        }
    }
}
