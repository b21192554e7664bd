//! Rules that used to live in the TUI, now enforced by the services against the real
//! servers: a doctor is created in one transaction with every field; report and audit
//! CSV exports are service calls that check the role and write an audit row; only an
//! appointment's doctor opens its prescription for writing or attaches a file, and a
//! file is checked (exists, is a file, is small enough) before it is read.

use crate::common;

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use clinic::domain::appointment::{AppointmentStatus, NewAppointment};
use clinic::domain::audit::{AuditEntry, AuditFilter, Outcome};
use clinic::domain::payment::{PaymentMethod, PaymentStatus};
use clinic::domain::prescription::Prescription;
use clinic::domain::{AccountKind, Actor, Role};
use clinic::service::admin::DoctorInput;
use clinic::service::payments::PaymentInput;
use clinic::service::prescriptions::MAX_ATTACHMENT_BYTES;
use clinic::service::reports::ReportCsv;
use clinic::service::users::NewAccount;
use clinic::service::{Clock, ServiceError, Services};
use clinic::store::mysql::{appointments, audit};
use common::TestEnv;

fn user(role: Role, id: i32) -> Actor {
    Actor::User {
        role,
        id,
        name: format!("{role} {id}"),
        email: format!("{}{id}@x.org", role.as_str().to_lowercase()),
    }
}

async fn audit_rows(env: &TestEnv, action: &str) -> Vec<AuditEntry> {
    audit::recent(&env.pool, Some(action), 100)
        .await
        .expect("audit rows")
}

async fn doctors_with_email(env: &TestEnv, email: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM doctors WHERE email = ?")
        .bind(email)
        .fetch_one(&env.pool)
        .await
        .expect("count")
}

async fn appointment(
    env: &TestEnv,
    doctor: i32,
    patient: i32,
    start: NaiveDateTime,
    status: AppointmentStatus,
) -> i32 {
    appointments::insert(
        &env.pool,
        &NewAppointment {
            patient_id: patient,
            doctor_id: doctor,
            location_id: None,
            start_utc: start,
            duration_minutes: 30,
        },
        status,
        "SYSTEM",
        None,
    )
    .await
    .expect("appointment")
}

fn good_doctor() -> DoctorInput {
    DoctorInput {
        full_name: "Dr. Imhotep Sesostris".into(),
        email: "imhotep@x.org".into(),
        specialization: "Neurology".into(),
        phone_number: "+44 20 7946 0958".into(),
        bio: "Thirty years of practice — 三十年。".into(),
        consultation_fee: String::new(),
    }
}

const PASSWORD: &str = "a sturdy pass phrase 42";

#[tokio::test]
async fn a_refused_doctor_leaves_no_row_and_a_created_one_has_every_field() {
    let env = TestEnv::new().await;
    let s = &env.services;
    let admin = user(Role::Admin, 1);
    let email = good_doctor().email;

    let refusals = [
        DoctorInput {
            phone_number: "call the front desk".into(),
            ..good_doctor()
        },
        DoctorInput {
            bio: "Kind\u{1b}[31m and red".into(),
            ..good_doctor()
        },
        DoctorInput {
            specialization: " ".into(),
            ..good_doctor()
        },
    ];
    for input in &refusals {
        let err = s
            .create_doctor(&admin, input, PASSWORD)
            .await
            .expect_err("refused");
        assert!(matches!(err, ServiceError::Invalid(_)), "{err}");
        assert_eq!(doctors_with_email(&env, &email).await, 0, "{err}");
    }
    let err = s
        .create_doctor(&admin, &good_doctor(), "short")
        .await
        .expect_err("weak password");
    assert!(matches!(err, ServiceError::Invalid(_)), "{err}");
    assert_eq!(doctors_with_email(&env, &email).await, 0);

    // Only admins (and the operator) create accounts; the refusal is audited.
    for actor in [
        user(Role::FrontDesk, 1),
        user(Role::Doctor, 1),
        user(Role::Patient, 1),
    ] {
        let err = s
            .create_doctor(&actor, &good_doctor(), PASSWORD)
            .await
            .expect_err("not an admin");
        assert!(matches!(err, ServiceError::Forbidden(_)), "{err}");
    }
    assert_eq!(doctors_with_email(&env, &email).await, 0);
    let denied = audit_rows(&env, "USER_CREATE").await;
    assert_eq!(denied.len(), 3);
    assert!(denied.iter().all(|e| e.outcome == Outcome::Denied));

    let d = s
        .create_doctor(&admin, &good_doctor(), PASSWORD)
        .await
        .expect("created");
    assert_eq!(
        (
            d.full_name.as_str(),
            d.email.as_str(),
            d.specialization.as_str(),
            d.phone_number.as_deref(),
            d.bio.as_deref(),
            d.is_active,
        ),
        (
            "Dr. Imhotep Sesostris",
            "imhotep@x.org",
            "Neurology",
            Some("+44 20 7946 0958"),
            Some("Thirty years of practice — 三十年。"),
            true,
        )
    );
    let listed = s.admin_list_doctors(&admin).await.expect("list");
    assert_eq!(
        listed,
        vec![d.clone()],
        "what was returned is what is stored"
    );
    let created: Vec<AuditEntry> = audit_rows(&env, "USER_CREATE")
        .await
        .into_iter()
        .filter(|e| e.outcome == Outcome::Ok)
        .collect();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].entity_id, Some(d.id.to_string()));
    assert_eq!(created[0].actor_kind, "ADMIN");
    // The password works.
    let session = s
        .login(AccountKind::Doctor, "imhotep@x.org", PASSWORD)
        .await
        .expect("the new doctor signs in");
    assert_eq!(session.actor.id(), Some(d.id));

    let err = s
        .create_doctor(
            &Actor::System,
            &DoctorInput {
                email: "IMHOTEP@x.org".into(),
                ..good_doctor()
            },
            PASSWORD,
        )
        .await
        .expect_err("same email");
    assert!(matches!(err, ServiceError::Conflict(_)), "{err}");
    assert_eq!(doctors_with_email(&env, &email).await, 1);
}

/// Monday 23 November 2026, 15:00 UTC (16:00 in Madrid).
fn afternoon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0)
        .single()
        .expect("time")
}

fn utc(h: u32) -> NaiveDateTime {
    afternoon().date_naive().and_hms_opt(h, 0, 0).expect("time")
}

#[tokio::test]
async fn report_csv_keeps_the_formats_and_every_export_is_audited() {
    let env = TestEnv::with_tz("Europe/Madrid").await;
    let s = env.services.clone().with_clock(Clock::Fixed(afternoon()));
    let ana = env.insert_doctor("ana@x.org", "Dr. Ana, MD").await;
    let bo = env.insert_doctor("bo@x.org", "Dr. Bo").await;
    let zoe = env.insert_patient("zoe@x.org", "Zoë Ångström").await;
    let eve = env.insert_patient("eve@x.org", "=Eve").await;
    let paid = appointment(&env, ana, zoe, utc(9), AppointmentStatus::Completed).await;
    let owed = appointment(&env, bo, eve, utc(11), AppointmentStatus::Completed).await;
    let desk = user(Role::FrontDesk, 1);
    for (appointment_id, amount, status) in [
        (paid, "60.10", PaymentStatus::Paid),
        (owed, "12", PaymentStatus::Pending),
    ] {
        s.take_payment(
            &desk,
            PaymentInput {
                appointment_id,
                amount: amount.into(),
                method: PaymentMethod::Card,
                status,
                transaction_id: None,
                confirm_amount: true,
            },
        )
        .await
        .expect("payment");
    }
    let day = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");

    let schedule = s
        .report_csv(&desk, ReportCsv::Schedule { day })
        .await
        .expect("schedule");
    assert_eq!(schedule.file_name, "schedule-2026-11-23.csv");
    assert_eq!(
        schedule.contents,
        "doctor,start_local,minutes,patient,status,location\r\n\
         \"Dr. Ana, MD\",2026-11-23 10:00,30,Zoë Ångström,COMPLETED,\r\n\
         Dr. Bo,2026-11-23 12:00,30,'=Eve,COMPLETED,\r\n"
    );
    assert_eq!(schedule.rows, 2);

    let range = ReportCsv::Outstanding { from: day, to: day };
    let outstanding = s.report_csv(&desk, range).await.expect("outstanding");
    assert_eq!(
        outstanding.file_name,
        "outstanding-2026-11-23-2026-11-23.csv"
    );
    assert_eq!(
        outstanding.contents,
        format!(
            "appointment_id,start_local,patient,doctor,pending\r\n\
             {owed},2026-11-23 12:00,'=Eve,Dr. Bo,12.00\r\n"
        )
    );

    let admin = user(Role::Admin, 1);
    let revenue = s
        .report_csv(&admin, ReportCsv::Revenue { from: day, to: day })
        .await
        .expect("revenue");
    assert_eq!(revenue.file_name, "revenue-2026-11-23-2026-11-23.csv");
    assert_eq!(
        revenue.contents,
        "kind,key,amount\r\nday,2026-11-23,60.10\r\nmethod,CARD,60.10\r\n\
         doctor,\"Dr. Ana, MD\",60.10\r\ntotal,paid,60.10\r\ntotal,refunded,0.00\r\n\
         total,pending,12.00\r\n"
    );
    assert_eq!(
        revenue.contents,
        s.revenue_report(&admin, day, day)
            .await
            .expect("report")
            .to_csv(),
        "the export is the report the screen shows"
    );
    assert_eq!(revenue.rows, 6);

    let exports = audit_rows(&env, "REPORT_EXPORT").await;
    let details: Vec<(&str, Outcome)> = exports
        .iter()
        .rev()
        .map(|e| (e.detail.as_deref().unwrap_or_default(), e.outcome))
        .collect();
    assert_eq!(
        details,
        vec![
            ("schedule 2026-11-23: 2 rows", Outcome::Ok),
            ("outstanding 2026-11-23..2026-11-23: 1 row", Outcome::Ok),
            ("revenue 2026-11-23..2026-11-23: 6 rows", Outcome::Ok),
        ]
    );
    assert_eq!(exports[0].actor_kind, "ADMIN");

    // Doctors and patients do not export the clinic's reports; the refusal is audited
    // and nothing is handed out.
    for actor in [user(Role::Doctor, ana), user(Role::Patient, zoe)] {
        let err = s
            .report_csv(&actor, ReportCsv::Revenue { from: day, to: day })
            .await
            .expect_err("not the desk");
        assert!(matches!(err, ServiceError::Forbidden(_)), "{err}");
    }
    let denied = audit_rows(&env, "REPORT_EXPORT")
        .await
        .into_iter()
        .filter(|e| e.outcome == Outcome::Denied)
        .count();
    assert_eq!(denied, 2);
    let err = s
        .report_csv(
            &desk,
            ReportCsv::Revenue {
                from: day,
                to: day - chrono::Duration::days(1),
            },
        )
        .await
        .expect_err("reversed");
    assert_eq!(err.to_string(), "The end date is before the start date.");
}

#[tokio::test]
async fn the_audit_csv_is_the_filtered_trail_and_its_export_is_audited() {
    let env = TestEnv::with_tz("Europe/Madrid").await;
    let s = env.services.clone().with_clock(Clock::Fixed(afternoon()));
    let id = s
        .add_user(
            &Actor::System,
            NewAccount {
                role: Role::FrontDesk,
                email: "desk@x.org".into(),
                full_name: "Desk Clerk".into(),
                specialization: None,
                password: PASSWORD.into(),
            },
        )
        .await
        .expect("account");
    s.login(AccountKind::Staff, "desk@x.org", PASSWORD)
        .await
        .expect("login");
    let _ = s.login(AccountKind::Staff, "desk@x.org", "wrong").await;
    let filter = AuditFilter {
        action: Some("LOGIN".into()),
        limit: 100,
        ..AuditFilter::default()
    };
    let admin = user(Role::Admin, 1);
    let file = s.audit_csv(&admin, &filter).await.expect("export");
    assert_eq!(file.file_name, "audit-20261123-160000.csv");
    assert_eq!(file.rows, 2);
    let lines: Vec<&str> = file.contents.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "id,occurred_at_utc,actor_kind,actor_id,actor_email,action,entity,entity_id,patient_id,outcome,detail"
    );
    assert_eq!(lines.len(), 4, "header, two logins, the final line end");
    // Newest first: the failed attempt, then the sign-in, at the service clock's time.
    for (line, outcome) in [(lines[1], ",FAILED,"), (lines[2], ",OK,")] {
        assert!(
            line.contains(",2026-11-23T15:00:00.000Z,")
                && line.contains(",LOGIN,session,")
                && line.contains(outcome),
            "{line}"
        );
    }
    assert!(
        !file.contents.contains("AUDIT_EXPORT"),
        "the export row follows the export"
    );

    let exports = audit_rows(&env, "AUDIT_EXPORT").await;
    assert_eq!(exports.len(), 1);
    assert_eq!(exports[0].outcome, Outcome::Ok);
    assert!(
        exports[0]
            .detail
            .as_deref()
            .is_some_and(|d| d.starts_with("2 rows; AuditFilter")),
        "{:?}",
        exports[0].detail
    );

    for actor in [user(Role::FrontDesk, id), user(Role::Doctor, 1)] {
        let err = s.audit_csv(&actor, &filter).await.expect_err("admins only");
        assert!(matches!(err, ServiceError::Forbidden(_)), "{err}");
    }
    let denied = audit_rows(&env, "AUDIT_EXPORT")
        .await
        .into_iter()
        .filter(|e| e.outcome == Outcome::Denied)
        .count();
    assert_eq!(denied, 2);
}

/// One doctor's appointment with a patient whose id equals the doctor's (ids are per
/// table), and a second doctor.
struct Rx {
    env: TestEnv,
    services: Services,
    doctor: i32,
    other_doctor: i32,
    patient: i32,
    appt: i32,
}

async fn rx() -> Rx {
    let env = TestEnv::new().await;
    let doctor = env.insert_doctor("house@x.org", "Dr. House").await;
    let other_doctor = env.insert_doctor("wilson@x.org", "Dr. Wilson").await;
    let patient = env.insert_patient("zoe@x.org", "Zoë").await;
    assert_eq!(doctor, patient, "fresh tables start at the same id");
    let appt = appointment(&env, doctor, patient, utc(9), AppointmentStatus::Completed).await;
    let services = env.services.clone().with_clock(Clock::Fixed(afternoon()));
    Rx {
        env,
        services,
        doctor,
        other_doctor,
        patient,
        appt,
    }
}

#[tokio::test]
async fn only_the_appointments_doctor_opens_its_prescription_for_writing() {
    let c = rx().await;
    let s = &c.services;
    for actor in [
        user(Role::Doctor, c.other_doctor),
        user(Role::Admin, c.doctor),
        user(Role::FrontDesk, c.doctor),
        user(Role::Patient, c.patient),
        Actor::System,
    ] {
        let err = s
            .open_prescription_for_edit(&actor, c.appt)
            .await
            .expect_err("not the appointment's doctor");
        assert!(matches!(err, ServiceError::Forbidden(_)), "{err}");
        assert!(
            err.to_string()
                .contains("only the appointment's doctor can"),
            "{err}"
        );
    }
    let denied = audit_rows(&c.env, "PRESCRIPTION_UPDATE").await;
    assert_eq!(denied.len(), 5);
    assert!(denied.iter().all(|e| e.outcome == Outcome::Denied));
    assert!(denied.iter().all(|e| e.patient_id == Some(c.patient)));
    assert!(
        audit_rows(&c.env, "PRESCRIPTION_READ").await.is_empty(),
        "nothing was read for them"
    );

    let doc = user(Role::Doctor, c.doctor);
    let opened = s
        .open_prescription_for_edit(&doc, c.appt)
        .await
        .expect("its doctor");
    assert_eq!(
        (
            opened.brief.appointment_id,
            opened.brief.doctor_id,
            opened.brief.patient_name.as_str()
        ),
        (c.appt, c.doctor, "Zoë")
    );
    assert_eq!(opened.stored, None);

    let mut p = Prescription::new_draft(c.appt, 0, 0, afternoon());
    p.notes.diagnosis = "Migraine.".into();
    p.tags = vec!["neurology".into()];
    s.save_prescription(&doc, p, None).await.expect("saved");
    let again = s
        .open_prescription_for_edit(&doc, c.appt)
        .await
        .expect("its doctor");
    assert_eq!(again.stored.map(|p| p.version), Some(1));
    assert_eq!(again.known_tags, vec!["neurology".to_string()]);

    let err = s
        .open_prescription_for_edit(&doc, c.appt + 100)
        .await
        .expect_err("no such appointment");
    assert!(matches!(err, ServiceError::NotFound(_)), "{err}");
}

/// A fresh folder for this test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(common::unique_name(name));
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

#[tokio::test]
async fn attaching_a_file_checks_the_doctor_then_the_file_before_reading_it() {
    let c = rx().await;
    let s = &c.services;
    let dir = scratch("attach");
    let scan = dir.join("throat scan.PDF");
    std::fs::write(&scan, b"%PDF-1.4 a small scan").expect("write");
    let doc = user(Role::Doctor, c.doctor);

    for actor in [
        user(Role::Doctor, c.other_doctor),
        user(Role::Patient, c.patient),
        user(Role::Admin, 1),
    ] {
        let err = s
            .attach_file_from_path(&actor, c.appt, &scan, "")
            .await
            .expect_err("not the appointment's doctor");
        assert!(matches!(err, ServiceError::Forbidden(_)), "{err}");
    }
    assert_eq!(audit_rows(&c.env, "PRESCRIPTION_ATTACH").await.len(), 3);

    let missing = dir.join("nothing-here.pdf");
    let err = s
        .attach_file_from_path(&doc, c.appt, &missing, "")
        .await
        .expect_err("missing");
    assert_eq!(
        err,
        ServiceError::Invalid(format!("There is no file at {}.", missing.display()))
    );
    let err = s
        .attach_file_from_path(&doc, c.appt, &dir, "")
        .await
        .expect_err("a folder");
    assert_eq!(
        err,
        ServiceError::Invalid(format!("{} is a folder, not a file.", dir.display()))
    );
    // A sparse file one byte over the limit: refused from its size, never read.
    let big = dir.join("huge.bin");
    std::fs::File::create(&big)
        .and_then(|f| f.set_len(MAX_ATTACHMENT_BYTES as u64 + 1))
        .expect("sparse file");
    let err = s
        .attach_file_from_path(&doc, c.appt, &big, "")
        .await
        .expect_err("too big");
    assert_eq!(
        err,
        ServiceError::Invalid(format!(
            "{} is 4096 KiB; attachments are at most 4 MiB.",
            big.display()
        ))
    );
    let err = s
        .attach_file_from_path(&doc, c.appt, &scan, "scan\u{7}")
        .await
        .expect_err("control character in the name");
    assert!(matches!(err, ServiceError::Invalid(_)), "{err}");

    let a = s
        .attach_file_from_path(&doc, c.appt, &scan, "  ")
        .await
        .expect("attached");
    assert_eq!(
        (a.kind.as_str(), a.file_name.as_str()),
        ("pdf", "throat scan.PDF")
    );
    assert!(a.url.starts_with("gridfs:"), "{}", a.url);
    let bytes = s
        .attachment_bytes(&doc, c.appt, &a)
        .await
        .expect("read back");
    assert_eq!(bytes, b"%PDF-1.4 a small scan");
    let named = s
        .attach_file_from_path(&doc, c.appt, &scan, "Lab results")
        .await
        .expect("attached");
    assert_eq!(named.file_name, "Lab results");
    let ok = audit_rows(&c.env, "PRESCRIPTION_ATTACH")
        .await
        .into_iter()
        .filter(|e| e.outcome == Outcome::Ok)
        .count();
    assert_eq!(ok, 2);
    let _ = std::fs::remove_dir_all(&dir);
}
