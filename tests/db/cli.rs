//! The `clinic` binary's subcommands, run as processes against the real servers.

use crate::common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use clinic::domain::AccountKind;
use common::TestEnv;

fn clinic(env: &TestEnv, args: &[&str], stdin: Option<&str>) -> Output {
    let state = std::env::temp_dir().join(format!("clinic-cli-{}", env.db_name));
    let mut child = Command::new(env!("CARGO_BIN_EXE_clinic"))
        .args(args)
        .env("DATABASE_URL", common::mysql_url_for(&env.db_name))
        .env("MONGODB_URI", common::base_mongo_uri())
        .env("MONGODB_DATABASE", &env.db_name)
        .env("CLINIC_TZ", "Europe/London")
        .env("XDG_CONFIG_HOME", &state)
        .env("XDG_STATE_HOME", &state)
        .env_remove("CLINIC_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start clinic");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write stdin");
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().expect("clinic ran")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn migrate_is_idempotent_and_user_add_reads_the_password_from_stdin() {
    let env = TestEnv::new().await;
    let out = clinic(&env, &["migrate"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Migrations applied"));

    let out = clinic(
        &env,
        &[
            "user",
            "add",
            "--role",
            "front-desk",
            "--email",
            "Desk@X.org",
            "--name",
            "Dee Desk",
            "--password-stdin",
        ],
        Some("a long secret\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Created Front desk account"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        !text(&out.stdout).contains("a long secret"),
        "password never echoed"
    );
    let session = env
        .services
        .login(AccountKind::Staff, "desk@x.org", "a long secret")
        .await
        .expect("the new account logs in");
    assert_eq!(session.actor.display_name(), "Dee Desk");

    // Refusals are one line and a non-zero exit.
    let out = clinic(
        &env,
        &[
            "user",
            "add",
            "--role",
            "doctor",
            "--email",
            "doc@x.org",
            "--name",
            "Doc",
            "--password-stdin",
        ],
        Some("a long secret\n"),
    );
    assert!(!out.status.success());
    assert_eq!(
        text(&out.stderr).trim(),
        "clinic: Specialization is required."
    );
    let out = clinic(
        &env,
        &[
            "user",
            "add",
            "--role",
            "admin",
            "--email",
            "a@x.org",
            "--name",
            "A",
            "--password-stdin",
        ],
        Some("short\n"),
    );
    assert!(!out.status.success());
    assert_eq!(
        text(&out.stderr).trim(),
        "clinic: Passwords need at least 8 characters."
    );
}

#[tokio::test]
async fn an_unreachable_database_is_one_clear_line_and_a_failure_exit() {
    let env = TestEnv::new().await;
    let out = Command::new(env!("CARGO_BIN_EXE_clinic"))
        .arg("migrate")
        .env("DATABASE_URL", "mysql://root:hunter2@127.0.0.1:1/clinic")
        .env("MONGODB_URI", common::base_mongo_uri())
        .env("XDG_CONFIG_HOME", std::env::temp_dir().join(&env.db_name))
        .env("XDG_STATE_HOME", std::env::temp_dir().join(&env.db_name))
        .env_remove("CLINIC_CONFIG")
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(
        err.contains("cannot reach MySQL at mysql://root:***@127.0.0.1:1/clinic"),
        "{err}"
    );
    assert!(err.contains("DATABASE_URL"), "{err}");
    assert!(!err.contains("hunter2"), "password hidden: {err}");

    let out = Command::new(env!("CARGO_BIN_EXE_clinic"))
        .arg("migrate")
        .env_remove("DATABASE_URL")
        .env("MONGODB_URI", common::base_mongo_uri())
        .env("XDG_CONFIG_HOME", std::env::temp_dir().join(&env.db_name))
        .env_remove("CLINIC_CONFIG")
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("set DATABASE_URL"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test]
async fn demo_seed_is_realistic_complete_and_idempotent() {
    let env = TestEnv::new().await;
    let out = clinic(&env, &["seed", "--demo"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for account in [
        "admin@demo.clinic",
        "frontdesk@demo.clinic",
        "doctor@demo.clinic",
        "patient@demo.clinic",
    ] {
        assert!(stdout.contains(account), "prints {account}: {stdout}");
    }
    assert!(stdout.contains("clinic-demo"));

    let db = &env.pool;
    let count = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(db)
            .await
            .expect(sql)
    };
    assert_eq!(count("SELECT COUNT(*) FROM clinic_locations").await, 3);
    assert!(count("SELECT COUNT(*) FROM doctors").await >= 10);
    assert!(count("SELECT COUNT(DISTINCT specialization) FROM doctors").await >= 5);
    assert!(count("SELECT COUNT(*) FROM patients").await >= 200);
    // Every doctor has weekly windows, with a break on some day (two windows that day).
    assert_eq!(
        count("SELECT COUNT(*) FROM doctors d WHERE NOT EXISTS (SELECT 1 FROM doctor_availability a WHERE a.doctor_id = d.id)").await,
        0
    );
    assert!(count("SELECT COUNT(*) FROM (SELECT doctor_id, day_of_week FROM doctor_availability GROUP BY doctor_id, day_of_week HAVING COUNT(*) >= 2) x").await >= 10);
    // Every status, in the past and the future.
    for status in ["COMPLETED", "NO_SHOW", "CANCELLED"] {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM appointments WHERE status = ? AND appointment_time < UTC_TIMESTAMP()")
            .bind(status)
            .fetch_one(db)
            .await
            .expect("count");
        assert!(n > 0, "past {status}");
    }
    for status in ["BOOKED", "CANCELLED"] {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM appointments WHERE status = ? AND appointment_time > UTC_TIMESTAMP()")
            .bind(status)
            .fetch_one(db)
            .await
            .expect("count");
        assert!(n > 0, "future {status}");
    }
    // No doctor is double-booked, and no patient either.
    assert_eq!(
        count("SELECT COUNT(*) FROM appointments a JOIN appointments b ON a.doctor_id = b.doctor_id AND a.id < b.id AND a.status <> 'CANCELLED' AND b.status <> 'CANCELLED' AND a.appointment_time < b.appointment_time + INTERVAL b.duration_minutes MINUTE AND b.appointment_time < a.appointment_time + INTERVAL a.duration_minutes MINUTE").await,
        0
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM appointments a JOIN appointments b ON a.patient_id = b.patient_id AND a.id < b.id AND a.appointment_time < b.appointment_time + INTERVAL b.duration_minutes MINUTE AND b.appointment_time < a.appointment_time + INTERVAL a.duration_minutes MINUTE").await,
        0
    );
    // The demo doctor works this week and next.
    let demo_doctor_upcoming = count(
        "SELECT COUNT(*) FROM appointments a JOIN doctors d ON d.id = a.doctor_id WHERE d.email = 'doctor@demo.clinic' \
         AND a.appointment_time >= UTC_TIMESTAMP() - INTERVAL 7 DAY AND a.appointment_time < UTC_TIMESTAMP() + INTERVAL 14 DAY",
    )
    .await;
    assert!(demo_doctor_upcoming >= 10, "{demo_doctor_upcoming}");
    assert!(count("SELECT COUNT(DISTINCT payment_status) FROM payments").await == 4);
    assert_eq!(count("SELECT COUNT(*) FROM payments p JOIN appointments a ON a.id = p.appointment_id WHERE a.status <> 'COMPLETED'").await, 0);
    let status_history = count("SELECT COUNT(*) FROM appointment_status_history").await;
    assert!(status_history > count("SELECT COUNT(*) FROM appointments").await);

    let prescriptions = clinic::store::mongo::prescriptions::count(&env.mongo)
        .await
        .expect("count");
    assert!(prescriptions > 50, "{prescriptions}");

    // All four demo accounts log in.
    for (kind, email) in [
        (AccountKind::Staff, "admin@demo.clinic"),
        (AccountKind::Staff, "frontdesk@demo.clinic"),
        (AccountKind::Doctor, "doctor@demo.clinic"),
        (AccountKind::Patient, "patient@demo.clinic"),
    ] {
        env.services
            .login(kind, email, "clinic-demo")
            .await
            .expect(email);
    }

    // Twice: no failure, no duplicates.
    let before = count("SELECT COUNT(*) FROM appointments").await;
    let out = clinic(&env, &["seed", "--demo"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("already present"));
    assert_eq!(count("SELECT COUNT(*) FROM appointments").await, before);
    assert_eq!(
        clinic::store::mongo::prescriptions::count(&env.mongo)
            .await
            .expect("count"),
        prescriptions
    );
    let out = clinic(&env, &["seed", "--demo", "--if-empty"], None);
    assert!(out.status.success());
}

#[tokio::test]
async fn seed_if_empty_leaves_a_database_with_accounts_alone() {
    let env = TestEnv::new().await;
    let out = clinic(
        &env,
        &[
            "user",
            "add",
            "--role",
            "admin",
            "--email",
            "a@x.org",
            "--name",
            "A",
            "--password-stdin",
        ],
        Some("long enough pw\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = clinic(&env, &["seed", "--demo", "--if-empty"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("not loaded"));
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM doctors")
        .fetch_one(&env.pool)
        .await
        .expect("count");
    assert_eq!(n, 0);
}
