//! The runtime side of the patients, administration, audit and password screens: each
//! effect runs as a tokio task against the services and answers with a `Msg`. Errors
//! travel as sentences. Passwords are passed on to the service and dropped, never logged.

use tokio::sync::mpsc::UnboundedSender;

use super::msg::Msg;
use super::screens::admin::{AdminOp, AdminReply};
use super::screens::audit::{AuditOp, AuditReply};
use super::screens::patients::{PatientsOp, PatientsReply, SaveFailure};
use super::task;
use crate::domain::{AccountKind, Actor, Role};
use crate::service::patients::{MAX_RESULTS, RegisterError};
use crate::service::users::NewAccount;
use crate::service::{ServiceError, Services};

fn text(e: ServiceError) -> String {
    e.to_string()
}

pub fn patients(
    services: Services,
    tx: UnboundedSender<Msg>,
    request: u64,
    actor: Actor,
    op: PatientsOp,
) {
    task::spawn(&tx, request, async move {
        let reply = match op {
            PatientsOp::Search { query } => PatientsReply::Found(
                services
                    .find_patients(&actor, &query, MAX_RESULTS)
                    .await
                    .map_err(text),
            ),
            PatientsOp::History { patient_id } => PatientsReply::History(
                services
                    .patient_history(&actor, patient_id)
                    .await
                    .map_err(text),
            ),
            PatientsOp::Register(input) => {
                PatientsReply::Saved(services.register_patient(&actor, input).await.map_err(|e| {
                    SaveFailure {
                        duplicate: matches!(e, RegisterError::PossibleDuplicate { .. }),
                        message: e.to_string(),
                    }
                }))
            }
            PatientsOp::Update { patient_id, input } => PatientsReply::Saved(
                services
                    .update_patient(&actor, patient_id, &input)
                    .await
                    .map_err(|e| SaveFailure {
                        duplicate: false,
                        message: e.to_string(),
                    }),
            ),
            PatientsOp::SetActive { patient_id, active } => PatientsReply::ActiveSet(
                services
                    .set_patient_active(&actor, patient_id, active)
                    .await
                    .map_err(text),
            ),
        };
        Msg::Patients { request, reply }
    });
}

pub fn admin(
    services: Services,
    tx: UnboundedSender<Msg>,
    request: u64,
    actor: Actor,
    op: AdminOp,
) {
    task::spawn(&tx, request, async move {
        let reply = admin_task(&services, &actor, op).await;
        Msg::Admin { request, reply }
    });
}

async fn admin_task(services: &Services, actor: &Actor, op: AdminOp) -> AdminReply {
    let done = |r: Result<String, ServiceError>| AdminReply::Done(r.map_err(text));
    match op {
        AdminOp::LoadDoctors => {
            AdminReply::Doctors(services.admin_list_doctors(actor).await.map_err(text))
        }
        AdminOp::LoadStaff => AdminReply::Staff(services.list_staff(actor).await.map_err(text)),
        AdminOp::LoadLocations => {
            AdminReply::Locations(services.list_locations().await.map_err(text))
        }
        AdminOp::NewDoctor { input, password } => {
            let account = NewAccount {
                role: Role::Doctor,
                email: input.email.clone(),
                full_name: input.full_name.clone(),
                specialization: Some(input.specialization.clone()),
                password,
            };
            let id = match services.add_user(actor, account).await {
                Ok(id) => id,
                Err(e) => return AdminReply::Done(Err(text(e))),
            };
            if input.phone_number.trim().is_empty() && input.bio.trim().is_empty() {
                return done(Ok(format!("Dr {} added.", input.full_name.trim())));
            }
            done(match services.update_doctor(actor, id, &input).await {
                Ok(d) => Ok(format!("Dr {} added.", d.full_name)),
                Err(e) => Ok(format!(
                    "Dr {} added, but the phone and bio were not saved: {e} Edit the doctor to add them.",
                    input.full_name.trim()
                )),
            })
        }
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

pub fn audit(
    services: Services,
    tx: UnboundedSender<Msg>,
    request: u64,
    actor: Actor,
    op: AuditOp,
) {
    task::spawn(&tx, request, async move {
        let reply = match op {
            AuditOp::Search(q) => {
                let (from, to) = services.local_day_bounds(q.from, q.to);
                let filter = crate::domain::audit::AuditFilter {
                    actor_email: q.actor_email,
                    patient_id: q.patient_id,
                    action: q.action,
                    from,
                    to,
                    limit: q.limit,
                    ..Default::default()
                };
                AuditReply::Entries(services.search_audit(&actor, &filter).await.map_err(text))
            }
            AuditOp::Export { entries, file_name } => {
                let csv = crate::service::admin::audit_csv(&entries);
                AuditReply::Exported(super::export::write(file_name, csv).await)
            }
        };
        Msg::Audit { request, reply }
    });
}

pub fn change_password(
    services: Services,
    tx: UnboundedSender<Msg>,
    request: u64,
    actor: Actor,
    current: String,
    new_password: String,
) {
    task::spawn(&tx, request, async move {
        let result = services
            .change_own_password(&actor, &current, &new_password)
            .await
            .map_err(text);
        drop((current, new_password));
        Msg::PasswordChanged { request, result }
    });
}
