//! Reaching patients: reminders and notices delivered to the local SMTP server
//! (scripts/services starts aiosmtpd, which stores each message as a file), and PDF
//! prescriptions and receipts read back with pdftotext.

use crate::common;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use chrono::{Duration, NaiveDateTime, Utc};
use clinic::domain::Actor;
use clinic::domain::prescription::{Medication, Prescription};
use common::TestEnv;

fn smtp_port() -> String {
    std::env::var("CLINIC_TEST_SMTP_PORT")
        .expect("CLINIC_TEST_SMTP_PORT: the local SMTP server (./scripts/services up sets it)")
}

fn smtp_dir() -> PathBuf {
    PathBuf::from(
        std::env::var("CLINIC_TEST_SMTP_DIR")
            .expect("CLINIC_TEST_SMTP_DIR (./scripts/services up sets it)"),
    )
}

fn clinic(env: &TestEnv, args: &[&str]) -> Output {
    let state = std::env::temp_dir().join(format!("clinic-reach-{}", env.db_name));
    Command::new(env!("CARGO_BIN_EXE_clinic"))
        .args(args)
        .env("DATABASE_URL", common::mysql_url_for(&env.db_name))
        .env("MONGODB_URI", common::base_mongo_uri())
        .env("MONGODB_DATABASE", &env.db_name)
        .env("CLINIC_TZ", "Europe/London")
        .env(
            "CLINIC_SMTP_URL",
            format!("smtp://127.0.0.1:{}", smtp_port()),
        )
        .env("CLINIC_MAIL_FROM", "Smart Clinic <reminders@clinic.test>")
        .env("XDG_CONFIG_HOME", &state)
        .env("XDG_STATE_HOME", &state)
        .env_remove("CLINIC_CONFIG")
        .env_remove("CLINIC_REMINDER_HOURS")
        .stdin(Stdio::null())
        .output()
        .expect("run clinic")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "clinic failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every message the server stored for `to`.
fn delivered(to: &str) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir(smtp_dir()) else {
        return out;
    };
    for entry in dir.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json")
            && let Ok(text) = std::fs::read_to_string(&path)
            && let Ok(v) = serde_json::from_str::<serde_json::Value>(&text)
            && v["rcpt_tos"]
                .as_array()
                .is_some_and(|r| r.iter().any(|x| x.as_str() == Some(to)))
        {
            out.push(v);
        }
    }
    out
}

struct World {
    doctor: i32,
    location: i32,
}

async fn world(env: &TestEnv, doctor_name: &str) -> World {
    let doctor = env
        .insert_doctor(
            &common::unique_name("doc").to_lowercase().replace('_', ""),
            doctor_name,
        )
        .await;
    let done =
        sqlx::query("INSERT INTO clinic_locations (name, address, phone_number) VALUES (?, ?, ?)")
            .bind(common::unique_name("Riverside"))
            .bind("12 Quay Street, Bristol BS1 4DJ")
            .bind("+44 117 496 0000")
            .execute(&env.pool)
            .await
            .expect("location");
    World {
        doctor,
        location: i32::try_from(done.last_insert_id()).expect("id"),
    }
}

fn email(prefix: &str) -> String {
    format!(
        "{}@patients.test",
        common::unique_name(prefix).to_lowercase().replace('_', ".")
    )
}

async fn appointment(
    env: &TestEnv,
    w: &World,
    patient: i32,
    at: NaiveDateTime,
    status: &str,
) -> i32 {
    let reason = (status == "CANCELLED").then_some("test");
    let done = sqlx::query(
        "INSERT INTO appointments (patient_id, doctor_id, location_id, appointment_time, duration_minutes, status, cancel_reason)
         VALUES (?, ?, ?, ?, 30, ?, ?)",
    )
    .bind(patient)
    .bind(w.doctor)
    .bind(w.location)
    .bind(at)
    .bind(status)
    .bind(reason)
    .execute(&env.pool)
    .await
    .expect("appointment");
    i32::try_from(done.last_insert_id()).expect("id")
}

fn now() -> NaiveDateTime {
    let t = Utc::now().naive_utc() + Duration::minutes(1);
    t.date()
        .and_hms_opt(chrono::Timelike::hour(&t), chrono::Timelike::minute(&t), 0)
        .expect("time")
}

async fn claimed_row(
    env: &TestEnv,
    appointment_id: i32,
    at: NaiveDateTime,
    claimed: NaiveDateTime,
) {
    sqlx::query(
        "INSERT INTO notifications (appointment_id, kind, starts_at, status, attempts, claim_token, claimed_at, created_at)
         VALUES (?, 'REMINDER', ?, 'CLAIMED', 1, 'run-that-died', ?, ?)",
    )
    .bind(appointment_id)
    .bind(at)
    .bind(claimed)
    .bind(claimed)
    .execute(&env.pool)
    .await
    .expect("claimed row");
}

#[tokio::test]
async fn reminders_reach_the_smtp_server_once_across_runs_and_a_killed_run() {
    let env = TestEnv::new().await;
    let w = world(&env, "Dr Ana Lima").await;
    let (ea, eb, ec) = (email("a"), email("b"), email("c"));
    let pa = env.insert_patient(&ea, "Zoë O'Neill").await;
    let pb = env.insert_patient(&eb, "Пётр Иванов").await;
    let pc = env.insert_patient(&ec, "Carla Dias").await;
    let t = now();
    let due = appointment(&env, &w, pa, t + Duration::hours(2), "BOOKED").await;
    let _later = appointment(&env, &w, pa, t + Duration::hours(30), "BOOKED").await;
    let _past = appointment(&env, &w, pa, t - Duration::hours(2), "BOOKED").await;
    let _cancelled = appointment(&env, &w, pa, t + Duration::hours(3), "CANCELLED").await;
    // A run that claimed this one and died an hour ago: its lease has expired.
    let orphan_at = t + Duration::hours(4);
    let orphan = appointment(&env, &w, pb, orphan_at, "BOOKED").await;
    claimed_row(&env, orphan, orphan_at, t - Duration::hours(1)).await;
    // A run still working on this one (claimed a moment ago): not taken over.
    let busy_at = t + Duration::hours(5);
    let busy = appointment(&env, &w, pc, busy_at, "BOOKED").await;
    claimed_row(&env, busy, busy_at, Utc::now().naive_utc()).await;

    let dry = ok(&clinic(&env, &["reminders", "send", "--dry-run", "--json"]));
    let dry: serde_json::Value = serde_json::from_str(dry.trim()).expect("json");
    assert_eq!(dry["dry_run"], true);
    assert!(delivered(&ea).is_empty(), "a dry run sends nothing");

    let first = ok(&clinic(&env, &["reminders", "send", "--json"]));
    let first: serde_json::Value = serde_json::from_str(first.trim()).expect("json");
    assert_eq!(first["sent"], 2, "{first}");
    assert_eq!(first["failed"], 0, "{first}");

    let to_a = delivered(&ea);
    assert_eq!(
        to_a.len(),
        1,
        "exactly one reminder, only for the due appointment"
    );
    let m = &to_a[0];
    assert!(
        m["subject"]
            .as_str()
            .is_some_and(|s| s.starts_with("Reminder")),
        "{m}"
    );
    assert_eq!(m["content_type"], "multipart/alternative");
    let text = m["text"].as_str().expect("a plain-text part");
    let html = m["html"].as_str().expect("an HTML part");
    for needle in [
        "Zoë O'Neill",
        "Smart Clinic",
        "Dr Ana Lima",
        "12 Quay Street, Bristol BS1 4DJ",
        "+44 117 496 0000",
        &format!("reference #{due}"),
        "To cancel",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from {text}");
    }
    assert!(html.contains("Zoë O&#39;Neill"), "{html}");
    assert_eq!(
        delivered(&eb).len(),
        1,
        "the killed run's claim was retried"
    );
    assert!(
        delivered(&eb)[0]["text"]
            .as_str()
            .is_some_and(|t| t.contains("Пётр Иванов"))
    );
    assert!(delivered(&ec).is_empty(), "a live claim is left to its run");

    // The next cron run: nothing again.
    let second = ok(&clinic(&env, &["reminders", "send"]));
    assert!(second.contains("0 sent"), "{second}");
    assert_eq!(delivered(&ea).len(), 1);
    assert_eq!(delivered(&eb).len(), 1);

    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'NOTIFICATION_SEND' AND outcome = 'OK'",
    )
    .fetch_one(&env.pool)
    .await
    .expect("audit");
    assert_eq!(audited, 2);
    let detail: String = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'NOTIFICATION_SEND' AND patient_id = ?",
    )
    .bind(pa)
    .fetch_one(&env.pool)
    .await
    .expect("audit detail");
    assert!(
        detail.contains(&ea) && detail.contains("reminder"),
        "{detail}"
    );
}

#[tokio::test]
async fn a_cancellation_sends_one_notice_and_a_failed_send_is_retried() {
    let env = TestEnv::new().await;
    let w = world(&env, "Dr Bea Costa").await;
    let e = email("cancel");
    let p = env.insert_patient(&e, "Mia Wong").await;
    // Beyond the reminder window: only the notice goes out.
    let at = now() + Duration::hours(48);
    let id = appointment(&env, &w, p, at, "BOOKED").await;
    env.services
        .cancel(&Actor::System, id, "Doctor unwell")
        .await
        .expect("cancel");

    // The mail server is down for the first run: reported, exit 0, retried.
    let down = {
        let state = std::env::temp_dir().join(format!("clinic-reach-{}", env.db_name));
        Command::new(env!("CARGO_BIN_EXE_clinic"))
            .args(["reminders", "send", "--json"])
            .env("DATABASE_URL", common::mysql_url_for(&env.db_name))
            .env("MONGODB_URI", common::base_mongo_uri())
            .env("MONGODB_DATABASE", &env.db_name)
            .env("CLINIC_SMTP_URL", "smtp://127.0.0.1:9")
            .env("CLINIC_MAIL_FROM", "reminders@clinic.test")
            .env("XDG_CONFIG_HOME", &state)
            .env("XDG_STATE_HOME", &state)
            .env_remove("CLINIC_CONFIG")
            .output()
            .expect("run clinic")
    };
    let report: serde_json::Value = serde_json::from_str(ok(&down).trim()).expect("json");
    assert_eq!(report["failed"], 1, "{report}");
    assert!(delivered(&e).is_empty());

    ok(&clinic(&env, &["reminders", "send"]));
    ok(&clinic(&env, &["reminders", "send"]));
    let got = delivered(&e);
    assert_eq!(got.len(), 1, "one notice, after the retry");
    assert!(
        got[0]["subject"]
            .as_str()
            .is_some_and(|s| s.starts_with("Cancelled"))
    );
    let failed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'NOTIFICATION_SEND' AND outcome = 'FAILED'",
    )
    .fetch_one(&env.pool)
    .await
    .expect("audit");
    assert_eq!(failed, 1);
}

fn pdftotext(path: &std::path::Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils; ./scripts/services up installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn pages(path: &std::path::Path) -> usize {
    let out = Command::new("pdfinfo").arg(path).output().expect("pdfinfo");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a page count")
}

#[tokio::test]
async fn prescription_and_receipt_pdfs_print_every_field() {
    let env = TestEnv::new().await;
    let w = world(&env, "Dr Ана Петрова").await;
    let p = env.insert_patient(&email("pdf"), "Zoë O'Neill").await;
    sqlx::query("UPDATE patients SET date_of_birth = '1984-03-07' WHERE id = ?")
        .bind(p)
        .execute(&env.pool)
        .await
        .expect("dob");
    let id = appointment(&env, &w, p, now() - Duration::hours(1), "COMPLETED").await;
    let mut rx = Prescription::new_draft(id, w.doctor, p, Utc::now());
    rx.version = 3;
    rx.notes.diagnosis = "Hidden diagnosis".into();
    rx.notes.recommendations = "Rest, fluids; return if the fever lasts beyond 3 days.".into();
    rx.medications = (1..=12)
        .map(|i| Medication {
            name: format!("Medicine{i}"),
            dosage: format!("{i}00 mg"),
            frequency: "twice daily".into(),
            duration_days: Some(i),
            notes: format!("with food, note{i}"),
        })
        .collect();
    clinic::store::mongo::prescriptions::insert(&env.mongo, &rx)
        .await
        .expect("prescription");

    let dir = std::env::temp_dir().join(common::unique_name("pdf"));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("rx.pdf");
    let ids = id.to_string();
    let path_s = path.to_string_lossy().into_owned();
    ok(&clinic(
        &env,
        &[
            "prescriptions",
            "export",
            "--appointment",
            &ids,
            "--pdf",
            &path_s,
        ],
    ));
    let text = pdftotext(&path);
    for needle in [
        "PRESCRIPTION",
        "Riverside",
        "12 Quay Street, Bristol BS1 4DJ",
        "+44 117 496 0000",
        "Dr Ана Петрова",
        "General Practice",
        "Zoë O'Neill",
        "7 March 1984",
        "Medicine1 ",
        "Medicine12",
        "1200 mg",
        "twice daily",
        "12 days",
        "note12",
        "Rest, fluids",
        "Signature",
        "Version",
        "3",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    assert!(!text.contains("Hidden diagnosis"));
    assert_eq!(pages(&path), 1, "12 medications fit one page");

    let letter = dir.join("rx-letter.pdf");
    let letter_s = letter.to_string_lossy().into_owned();
    ok(&clinic(
        &env,
        &[
            "prescriptions",
            "export",
            "--appointment",
            &ids,
            "--pdf",
            &letter_s,
            "--paper",
            "letter",
        ],
    ));
    assert!(pdftotext(&letter).contains("Zoë O'Neill"));

    let done = sqlx::query(
        "INSERT INTO payments (appointment_id, amount, payment_method, payment_status, transaction_id) VALUES (?, 85.50, 'CARD', 'PAID', ?)",
    )
    .bind(id)
    .bind("TXN-ZOE-0001")
    .execute(&env.pool)
    .await
    .expect("payment");
    let pay = done.last_insert_id().to_string();
    let receipt = dir.join("receipt.pdf");
    let receipt_s = receipt.to_string_lossy().into_owned();
    ok(&clinic(
        &env,
        &["payments", "receipt", &pay, "--pdf", &receipt_s],
    ));
    let text = pdftotext(&receipt);
    for needle in [
        "RECEIPT",
        "TXN-ZOE-0001",
        "Card",
        "85.50",
        "Paid",
        "Zoë O'Neill",
        "Dr Ана Петрова",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('PRESCRIPTION_PDF', 'RECEIPT_PDF') AND patient_id = ?",
    )
    .bind(p)
    .fetch_one(&env.pool)
    .await
    .expect("audit");
    assert_eq!(audited, 3);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_patient_cannot_export_someone_elses_prescription() {
    let env = TestEnv::new().await;
    let w = world(&env, "Dr Cy").await;
    let p = env.insert_patient(&email("own"), "Own Patient").await;
    let other = env.insert_patient(&email("other"), "Other Patient").await;
    let id = appointment(&env, &w, p, now() - Duration::hours(1), "COMPLETED").await;
    let rx = Prescription::new_draft(id, w.doctor, p, Utc::now());
    clinic::store::mongo::prescriptions::insert(&env.mongo, &rx)
        .await
        .expect("prescription");
    let intruder = Actor::User {
        role: clinic::domain::Role::Patient,
        id: other,
        name: "Other Patient".into(),
        email: "other@x".into(),
    };
    let err = env
        .services
        .prescription_pdf(&intruder, id, clinic::service::pdf::Paper::A4)
        .await
        .expect_err("refused");
    assert!(
        matches!(err, clinic::service::ServiceError::Forbidden(_)),
        "{err}"
    );
}
