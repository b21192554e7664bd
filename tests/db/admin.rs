//! Administration against MariaDB: only admins manage people and locations and read the
//! audit trail; deactivation, password reset and change; the audit viewer's filters and
//! CSV; the audit table is append-only.

use crate::common;

use chrono::{Duration, TimeZone, Utc};
use clinic::domain::audit::AuditFilter;
use clinic::domain::{AccountKind, Actor, Role};
use clinic::service::admin::{DoctorInput, LocationInput, audit_csv};
use clinic::service::users::NewAccount;
use clinic::service::{Clock, LoginError, ServiceError, Services};
use common::TestEnv;

struct People {
    env: TestEnv,
    admin: Actor,
    desk: Actor,
    doctor: Actor,
    patient: Actor,
}

async fn account(s: &Services, role: Role, email: &str) -> Actor {
    let id = s
        .add_user(
            &Actor::System,
            NewAccount {
                role,
                email: email.into(),
                full_name: format!("{} {email}", role.label()),
                specialization: (role == Role::Doctor).then(|| "Neurology".to_string()),
                password: "initial-password".into(),
            },
        )
        .await
        .expect("account");
    Actor::User {
        role,
        id,
        name: format!("{} {email}", role.label()),
        email: email.into(),
    }
}

async fn people() -> People {
    let env = TestEnv::new().await;
    let s = &env.services;
    let admin = account(s, Role::Admin, "admin@x.org").await;
    let desk = account(s, Role::FrontDesk, "desk@x.org").await;
    let doctor = account(s, Role::Doctor, "doc@x.org").await;
    let patient = account(s, Role::Patient, "pat@x.org").await;
    People {
        env,
        admin,
        desk,
        doctor,
        patient,
    }
}

fn doctor_input(email: &str) -> DoctorInput {
    DoctorInput {
        full_name: "Dr. Renamed".into(),
        email: email.into(),
        specialization: "Neurology".into(),
        phone_number: "+1 555 0101".into(),
        bio: "Headaches and more.".into(),
        consultation_fee: String::new(),
    }
}

#[tokio::test]
async fn only_admins_manage_people_locations_and_the_audit_trail() {
    let p = people().await;
    let s = &p.env.services;
    let doc_id = p.doctor.id().expect("id");
    for who in [&p.desk, &p.doctor, &p.patient] {
        let refusals = [
            s.admin_list_doctors(who).await.map(|_| ()),
            s.update_doctor(who, doc_id, &doctor_input("doc@x.org"))
                .await
                .map(|_| ()),
            s.list_staff(who).await.map(|_| ()),
            s.set_account_active(who, AccountKind::Doctor, doc_id, false)
                .await,
            s.reset_password(who, AccountKind::Doctor, doc_id, "another-password")
                .await,
            s.add_location(
                who,
                &LocationInput {
                    name: "X".into(),
                    address: "Y".into(),
                    ..LocationInput::default()
                },
            )
            .await
            .map(|_| ()),
            s.search_audit(
                who,
                &AuditFilter {
                    limit: 10,
                    ..AuditFilter::default()
                },
            )
            .await
            .map(|_| ()),
        ];
        for (i, r) in refusals.into_iter().enumerate() {
            assert!(
                matches!(r, Err(ServiceError::Forbidden(_))),
                "{who:?} action {i}: {r:?}"
            );
        }
    }
    let denied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE outcome = 'DENIED'")
        .fetch_one(&p.env.pool)
        .await
        .expect("count");
    assert_eq!(denied, 21, "every refusal is audited");

    // The admin can do all of it.
    let updated = s
        .update_doctor(&p.admin, doc_id, &doctor_input("doc@x.org"))
        .await
        .expect("update");
    assert_eq!(
        (updated.full_name.as_str(), updated.phone_number.as_deref()),
        ("Dr. Renamed", Some("+1 555 0101"))
    );
    assert_eq!(s.admin_list_doctors(&p.admin).await.expect("list").len(), 1);
    assert_eq!(s.list_staff(&p.admin).await.expect("staff").len(), 2);
}

#[tokio::test]
async fn doctor_and_staff_edits_validate_and_refuse_duplicates() {
    let p = people().await;
    let s = &p.env.services;
    let err = s
        .update_doctor(
            &p.admin,
            p.doctor.id().expect("id"),
            &doctor_input("desk@x.org"),
        )
        .await;
    assert!(
        err.is_ok(),
        "doctors and staff are separate tables: {err:?}"
    );
    let err = s
        .update_doctor(
            &p.admin,
            p.doctor.id().expect("id"),
            &DoctorInput {
                phone_number: "call me".into(),
                ..doctor_input("d@x.org")
            },
        )
        .await
        .expect_err("bad phone");
    assert!(err.to_string().contains("is not a phone number"), "{err}");

    let other = account(s, Role::FrontDesk, "other@x.org").await;
    let err = s
        .update_staff(
            &p.admin,
            other.id().expect("id"),
            "Other",
            "desk@x.org",
            Role::FrontDesk,
        )
        .await
        .expect_err("duplicate email");
    assert_eq!(
        err.to_string(),
        "An account with the email desk@x.org already exists."
    );
    let promoted = s
        .update_staff(
            &p.admin,
            other.id().expect("id"),
            "Other Person",
            "other@x.org",
            Role::Admin,
        )
        .await
        .expect("promote");
    assert_eq!(promoted.role, Role::Admin);
    let err = s
        .update_staff(
            &p.admin,
            p.admin.id().expect("id"),
            "Me",
            "admin@x.org",
            Role::FrontDesk,
        )
        .await
        .expect_err("own admin role");
    assert_eq!(err.to_string(), "You cannot remove your own admin role.");
}

#[tokio::test]
async fn deactivated_accounts_cannot_sign_in_until_reactivated() {
    let p = people().await;
    let s = &p.env.services;
    let err = s
        .set_account_active(
            &p.admin,
            AccountKind::Staff,
            p.admin.id().expect("id"),
            false,
        )
        .await
        .expect_err("not yourself");
    assert_eq!(err.to_string(), "You cannot deactivate your own account.");
    for (kind, actor, email) in [
        (AccountKind::Staff, &p.desk, "desk@x.org"),
        (AccountKind::Doctor, &p.doctor, "doc@x.org"),
        (AccountKind::Patient, &p.patient, "pat@x.org"),
    ] {
        let id = actor.id().expect("id");
        s.set_account_active(&p.admin, kind, id, false)
            .await
            .expect("deactivate");
        assert_eq!(
            s.login(kind, email, "initial-password")
                .await
                .expect_err("inactive"),
            LoginError::WrongCredentials
        );
        s.set_account_active(&p.admin, kind, id, true)
            .await
            .expect("reactivate");
        s.login(kind, email, "initial-password")
            .await
            .expect("active again");
    }
}

#[tokio::test]
async fn password_reset_lifts_the_lock_and_own_change_checks_the_current_one() {
    let p = people().await;
    let t0 = Utc
        .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .expect("time");
    let s = p.env.services.clone().with_clock(Clock::Fixed(t0));
    for _ in 0..5 {
        let _ = s.login(AccountKind::Doctor, "doc@x.org", "guess").await;
    }
    assert!(matches!(
        s.login(AccountKind::Doctor, "doc@x.org", "initial-password")
            .await,
        Err(LoginError::Locked { .. })
    ));
    let err = s
        .reset_password(
            &p.admin,
            AccountKind::Doctor,
            p.doctor.id().expect("id"),
            "short",
        )
        .await
        .expect_err("too short");
    assert_eq!(err.to_string(), "Passwords need at least 8 characters.");
    s.reset_password(
        &p.admin,
        AccountKind::Doctor,
        p.doctor.id().expect("id"),
        "brand-new-password",
    )
    .await
    .expect("reset");
    s.login(AccountKind::Doctor, "doc@x.org", "brand-new-password")
        .await
        .expect("new password works and the lock is gone");

    let err = s
        .change_own_password(&p.patient, "wrong-current", "plum-sleet-harbour")
        .await
        .expect_err("wrong current");
    assert_eq!(err.to_string(), "The current password is not right.");
    s.change_own_password(&p.patient, "initial-password", "plum-sleet-harbour")
        .await
        .expect("change");
    assert!(
        s.login(AccountKind::Patient, "pat@x.org", "initial-password")
            .await
            .is_err()
    );
    s.login(AccountKind::Patient, "pat@x.org", "plum-sleet-harbour")
        .await
        .expect("new one");
}

#[tokio::test]
async fn locations_are_created_renamed_and_closed() {
    let p = people().await;
    let s = &p.env.services;
    let input = LocationInput {
        name: "Harbour".into(),
        address: "1 Quay".into(),
        phone_number: "+1 555 0199".into(),
        operating_hours: "Mon-Fri 8-6".into(),
    };
    let loc = s.add_location(&p.admin, &input).await.expect("add");
    let err = s
        .add_location(&p.admin, &input)
        .await
        .expect_err("same name");
    assert_eq!(err.to_string(), "A location named Harbour already exists.");
    let renamed = s
        .update_location(
            &p.admin,
            loc.id,
            &LocationInput {
                name: "Harbour Street".into(),
                ..input.clone()
            },
        )
        .await
        .expect("rename");
    assert_eq!(renamed.name, "Harbour Street");
    s.set_location_active(&p.admin, loc.id, false)
        .await
        .expect("close");
    let all = s.list_locations().await.expect("list");
    assert_eq!((all.len(), all[0].is_active), (1, false));
    let err = s
        .add_location(
            &p.admin,
            &LocationInput {
                address: " ".into(),
                ..input
            },
        )
        .await
        .expect_err("address required");
    assert_eq!(err.to_string(), "Address is required.");
}

#[tokio::test]
async fn the_audit_viewer_filters_and_exports() {
    let p = people().await;
    let s = &p.env.services;
    s.login(AccountKind::Staff, "desk@x.org", "initial-password")
        .await
        .expect("login");
    let _ = s.login(AccountKind::Staff, "desk@x.org", "nope").await;
    let _ = s.login(AccountKind::Doctor, "doc@x.org", "nope").await;
    let logins = s
        .search_audit(
            &p.admin,
            &AuditFilter {
                action: Some("LOGIN".into()),
                limit: 100,
                ..AuditFilter::default()
            },
        )
        .await
        .expect("search");
    assert_eq!(logins.len(), 3);
    assert!(logins[0].id > logins[1].id, "newest first");
    let desk_only = s
        .search_audit(
            &p.admin,
            &AuditFilter {
                action: Some("LOGIN".into()),
                actor_email: Some("desk@".into()),
                limit: 100,
                ..AuditFilter::default()
            },
        )
        .await
        .expect("search");
    assert_eq!(desk_only.len(), 2);
    let wildcard = s
        .search_audit(
            &p.admin,
            &AuditFilter {
                actor_email: Some("%".into()),
                limit: 100,
                ..AuditFilter::default()
            },
        )
        .await
        .expect("search");
    assert!(
        wildcard.is_empty(),
        "LIKE wildcards in the filter match literally"
    );
    let day = Utc::now().date_naive();
    let (from, to) =
        s.local_day_bounds(Some(day - Duration::days(1)), Some(day + Duration::days(1)));
    let dated = s
        .search_audit(
            &p.admin,
            &AuditFilter {
                from,
                to,
                action: Some("LOGIN".into()),
                limit: 100,
                ..AuditFilter::default()
            },
        )
        .await
        .expect("search");
    assert_eq!(dated.len(), 3);
    let csv = audit_csv(&desk_only);
    let mut lines = csv.split("\r\n");
    assert_eq!(
        lines.next(),
        Some(
            "id,occurred_at_utc,actor_kind,actor_id,actor_email,action,entity,entity_id,patient_id,outcome,detail"
        )
    );
    assert!(
        csv.contains(",LOGIN,session,,,FAILED,failed attempt 1\r\n"),
        "{csv}"
    );
    // The read itself was audited.
    let reads: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'AUDIT_READ'")
            .fetch_one(&p.env.pool)
            .await
            .expect("count");
    assert_eq!(reads, 4);
}

#[test]
fn no_code_path_updates_or_deletes_the_audit_trail() {
    fn scan(dir: &std::path::Path, hits: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                scan(&path, hits);
            } else if path.extension().is_some_and(|e| e == "rs" || e == "sql") {
                let text = std::fs::read_to_string(&path).expect("read").to_uppercase();
                let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
                for bad in [
                    "UPDATE AUDIT_LOG",
                    "DELETE FROM AUDIT_LOG",
                    "TRUNCATE AUDIT_LOG",
                    "DROP TABLE AUDIT_LOG",
                ] {
                    if flat.contains(bad) {
                        hits.push(format!("{}: {bad}", path.display()));
                    }
                }
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut hits = Vec::new();
    scan(&root.join("src"), &mut hits);
    scan(&root.join("migrations"), &mut hits);
    assert!(hits.is_empty(), "{hits:?}");
}
