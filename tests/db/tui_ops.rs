//! The requests of the administration, audit and reports screens run against MariaDB:
//! a new doctor is saved with their phone and bio in one go, and a refused one leaves
//! nothing behind; the audit and report exports are the services' CSV files (each
//! audited as an export), written where exports go; refusals write nothing.

use crate::common;

use chrono::{Duration, NaiveDate};
use clinic::domain::{Actor, Role};
use clinic::service::ServiceError;
use clinic::service::admin::DoctorInput;
use clinic::service::reports::ReportCsv;
use clinic::service::users::NewAccount;
use clinic::tui::export::ExportError;
use clinic::tui::screen::Operation;
use clinic::tui::screens::admin::{AdminOp, AdminReply};
use clinic::tui::screens::audit::{AuditOp, AuditQuery, AuditReply, LIMIT};
use clinic::tui::screens::reports::{ReportsOp, ReportsReply};
use common::TestEnv;

async fn account(env: &TestEnv, role: Role, email: &str) -> Actor {
    let id = env
        .services
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

/// A day no other test run picks, so that its export file is this test's alone.
fn unique_day() -> NaiveDate {
    let name = common::unique_name("day");
    let n = name
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % 20_000;
    NaiveDate::from_ymd_opt(1990, 1, 1).expect("date") + Duration::days(i64::from(n))
}

#[tokio::test]
async fn a_new_doctor_is_saved_with_phone_and_bio_and_a_refusal_saves_nothing() {
    let env = TestEnv::new().await;
    let admin = account(&env, Role::Admin, "admin@x.org").await;
    let desk = account(&env, Role::FrontDesk, "desk@x.org").await;
    let s = &env.services;
    let input = DoctorInput {
        full_name: "Ada Lovelace".into(),
        email: "ada@x.org".into(),
        specialization: "Oncology".into(),
        phone_number: "+44 20 7946 1234".into(),
        bio: "Engines and numbers.".into(),
        consultation_fee: String::new(),
    };
    let op = |input: &DoctorInput| AdminOp::NewDoctor {
        input: Box::new(input.clone()),
        password: "a-long-password-1".into(),
    };
    let refused = op(&input).run(s, &desk).await;
    assert!(
        matches!(refused, AdminReply::Done(Err(ServiceError::Forbidden(_)))),
        "{refused:?}"
    );
    let added = op(&input).run(s, &admin).await;
    assert_eq!(added, AdminReply::Done(Ok("Dr Ada Lovelace added.".into())));
    let AdminReply::Doctors(Ok(doctors)) = AdminOp::LoadDoctors.run(s, &admin).await else {
        panic!("doctors")
    };
    let ada: Vec<_> = doctors.iter().filter(|d| d.email == "ada@x.org").collect();
    assert_eq!(ada.len(), 1, "one doctor, not two");
    assert_eq!(ada[0].phone_number.as_deref(), Some("+44 20 7946 1234"));
    assert_eq!(ada[0].bio.as_deref(), Some("Engines and numbers."));
    let again = op(&input).run(s, &admin).await;
    assert!(
        matches!(again, AdminReply::Done(Err(ServiceError::Conflict(_)))),
        "{again:?}"
    );
    // A bad phone number refuses the whole doctor: no account without its details (the
    // old two-call path saved the account, then failed on the phone: "partly saved").
    let bad = DoctorInput {
        email: "grace@x.org".into(),
        phone_number: "call reception".into(),
        ..input.clone()
    };
    let refused = op(&bad).run(s, &admin).await;
    assert!(
        matches!(&refused, AdminReply::Done(Err(ServiceError::Invalid(m))) if m.contains("phone")),
        "{refused:?}"
    );
    let AdminReply::Doctors(Ok(doctors)) = AdminOp::LoadDoctors.run(s, &admin).await else {
        panic!("doctors")
    };
    assert!(
        doctors.iter().all(|d| d.email != "grace@x.org"),
        "nothing was saved: {doctors:?}"
    );
}

#[tokio::test]
async fn the_audit_export_writes_what_the_search_finds_and_says_how_many() {
    let env = TestEnv::new().await;
    let admin = account(&env, Role::Admin, "admin@x.org").await;
    let desk = account(&env, Role::FrontDesk, "desk@x.org").await;
    let s = &env.services;
    let query = AuditQuery {
        action: Some("USER_".into()),
        limit: LIMIT,
        ..AuditQuery::default()
    };
    let AuditReply::Entries(Ok(shown)) = AuditOp::Search(query.clone()).run(s, &admin).await else {
        panic!("search")
    };
    assert_eq!(shown.len(), 2, "the two accounts created");
    let refused = AuditOp::Export(query.clone()).run(s, &desk).await;
    assert!(
        matches!(
            refused,
            AuditReply::Exported(Err(ExportError::Service(ServiceError::Forbidden(_))))
        ),
        "{refused:?}"
    );
    let reply = AuditOp::Export(query).run(s, &admin).await;
    let AuditReply::Exported(Ok((path, rows))) = reply else {
        panic!("export: {reply:?}")
    };
    let text = std::fs::read_to_string(&path).expect("the file is there");
    let _ = std::fs::remove_file(&path);
    let name = std::path::Path::new(&path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    assert!(
        name.starts_with("audit-") && name.ends_with(".csv"),
        "named by the service: {path}"
    );
    assert_eq!(rows, 2);
    let exports = s
        .search_audit(
            &Actor::System,
            &clinic::domain::audit::AuditFilter {
                action: Some("AUDIT_EXPORT".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .expect("audit");
    assert!(
        exports
            .iter()
            .any(|e| e.actor_email.as_deref() == Some("admin@x.org")
                && e.outcome == clinic::domain::audit::Outcome::Ok),
        "the export is audited: {exports:?}"
    );
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("id,occurred_at_utc,"), "{text}");
    assert_eq!(lines.len(), rows + 1, "{text}");
    assert!(
        lines[1..].iter().all(|l| l.contains("USER_CREATE")),
        "{text}"
    );
}

#[tokio::test]
async fn a_report_export_is_the_services_csv_audited_as_an_export() {
    let env = TestEnv::new().await;
    let desk = account(&env, Role::FrontDesk, "desk@x.org").await;
    let patient = account(&env, Role::Patient, "pat@x.org").await;
    let s = &env.services;
    let day = unique_day();
    let report = ReportCsv::Schedule { day };
    let refused = ReportsOp::Export(report).run(s, &patient).await;
    assert!(
        matches!(
            refused,
            ReportsReply::Exported(Err(ExportError::Service(ServiceError::Forbidden(_))))
        ),
        "{refused:?}"
    );
    let reply = ReportsOp::Export(report).run(s, &desk).await;
    let ReportsReply::Exported(Ok(path)) = reply else {
        panic!("export: {reply:?}")
    };
    let text = std::fs::read_to_string(&path).expect("the file is there");
    let _ = std::fs::remove_file(&path);
    assert!(path.ends_with(&format!("schedule-{day}.csv")), "{path}");
    assert_eq!(
        text, "doctor,start_local,minutes,patient,status,location\r\n",
        "a day without appointments"
    );
    let exports = s
        .search_audit(
            &Actor::System,
            &clinic::domain::audit::AuditFilter {
                action: Some("REPORT_EXPORT".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .expect("audit");
    assert!(
        exports.iter().any(
            |e| e.detail.as_deref() == Some(&format!("schedule {day}: 0 rows"))
                && e.actor_email.as_deref() == Some("desk@x.org")
        ),
        "the export is audited with what it covered: {exports:?}"
    );
}
