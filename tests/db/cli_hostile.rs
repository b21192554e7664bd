//! Hostile input to the `clinic` binary (issue 11, items 1 and 3): dates at the edges
//! of the calendar, absurd durations and day counts, and names carrying terminal escape
//! codes. Every refusal is one line on stderr and a failure exit, never a panic (exit
//! 101 with a backtrace); nothing stored can drive the terminal that prints it.

use crate::common;

use std::process::{Command, Output, Stdio};

use chrono::{Duration, Utc};
use common::TestEnv;

fn clinic(env: &TestEnv, args: &[&str]) -> Output {
    let state = std::env::temp_dir().join(format!("clinic-hostile-{}", env.db_name));
    Command::new(env!("CARGO_BIN_EXE_clinic"))
        .args(args)
        .env("DATABASE_URL", common::mysql_url_for(&env.db_name))
        .env("MONGODB_URI", common::base_mongo_uri())
        .env("MONGODB_DATABASE", &env.db_name)
        .env("CLINIC_TZ", "Europe/London")
        .env("XDG_CONFIG_HOME", &state)
        .env("XDG_STATE_HOME", &state)
        .env("RUST_BACKTRACE", "0")
        .env_remove("CLINIC_CONFIG")
        .stdin(Stdio::null())
        .output()
        .expect("clinic ran")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A refusal: exit code 1, one line on stderr that says `why`, no panic.
fn refused(out: &Output, why: &str, what: &str) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{what}: {err}");
    assert!(!err.contains("panicked"), "{what} panicked: {err}");
    assert_eq!(err.lines().count(), 1, "{what}: one line: {err}");
    assert!(
        err.starts_with("clinic: ") && err.contains(why),
        "{what}: {err}"
    );
}

async fn clinic_with_people(env: &TestEnv) {
    env.insert_doctor("doc@x.org", "Dr. Maya Okafor").await;
    env.insert_patient("pat@x.org", "Zoë O'Neill").await;
}

#[tokio::test]
async fn dates_and_durations_at_the_edges_are_refused_not_panicked_on() {
    let env = TestEnv::new().await;
    clinic_with_people(&env).await;
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "appointments",
                "list",
                "--date",
                "2027-03-01",
                "--days",
                "100000000",
            ],
            "number of days",
        ),
        (
            &["appointments", "list", "--date", "+262142-12-31"],
            "outside the dates",
        ),
        (
            &[
                "appointments",
                "list",
                "--date",
                "9999-12-31",
                "--days",
                "5",
            ],
            "past the last date",
        ),
        (
            &[
                "appointments",
                "slots",
                "--doctor",
                "doc@x.org",
                "--date",
                "+262142-12-31",
            ],
            "outside the dates",
        ),
        (
            &[
                "appointments",
                "slots",
                "--doctor",
                "doc@x.org",
                "--date",
                "0000-01-01",
            ],
            "outside the dates",
        ),
        (
            &[
                "appointments",
                "slots",
                "--doctor",
                "doc@x.org",
                "--date",
                "2027-03-01",
                "--minutes",
                "0",
            ],
            "5 to 480 minutes",
        ),
        (
            &[
                "appointments",
                "slots",
                "--doctor",
                "doc@x.org",
                "--date",
                "2027-03-01",
                "--minutes",
                "100000",
            ],
            "5 to 480 minutes",
        ),
        (
            &[
                "appointments",
                "slots",
                "--doctor",
                "doc@x.org",
                "--date",
                "2027-03-01",
                "--days",
                "0",
            ],
            "number of days",
        ),
        (
            &[
                "appointments",
                "book",
                "--patient",
                "pat@x.org",
                "--doctor",
                "doc@x.org",
                "--at",
                "+262142-12-31 23:00",
                "--minutes",
                "480",
            ],
            "outside the dates",
        ),
        (
            &[
                "appointments",
                "book",
                "--patient",
                "pat@x.org",
                "--doctor",
                "doc@x.org",
                "--at",
                "2027-03-01 10:00",
                "--minutes",
                "100000",
            ],
            "5 to 480 minutes",
        ),
    ];
    for (args, why) in cases {
        refused(&clinic(&env, args), why, &args.join(" "));
    }
    // The last recordable day itself still works.
    let out = clinic(
        &env,
        &[
            "appointments",
            "list",
            "--date",
            "9999-12-30",
            "--days",
            "1",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // And so does an ordinary query.
    let day = (Utc::now() + Duration::days(3))
        .format("%Y-%m-%d")
        .to_string();
    let out = clinic(
        &env,
        &[
            "appointments",
            "slots",
            "--doctor",
            "doc@x.org",
            "--date",
            &day,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[tokio::test]
async fn names_with_control_characters_are_refused_and_never_printed_raw() {
    let env = TestEnv::new().await;
    clinic_with_people(&env).await;
    let red = "\u{1b}[31mRed\u{1b}[0m\u{7}";
    let mut child = Command::new(env!("CARGO_BIN_EXE_clinic"))
        .args([
            "user",
            "add",
            "--role",
            "admin",
            "--email",
            "red@x.org",
            "--name",
            red,
        ])
        .arg("--password-stdin")
        .env("DATABASE_URL", common::mysql_url_for(&env.db_name))
        .env("MONGODB_URI", common::base_mongo_uri())
        .env("MONGODB_DATABASE", &env.db_name)
        .env_remove("CLINIC_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn clinic");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(b"correct horse battery staple 1987\n")
            .expect("write password");
    }
    let out = child.wait_with_output().expect("clinic ran");
    refused(&out, "control characters", "user add with an escape code");
    assert!(
        !text(&out.stderr).contains('\u{1b}'),
        "the message escapes it"
    );
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM admins WHERE email = 'red@x.org'")
        .fetch_one(&env.pool)
        .await
        .expect("count");
    assert_eq!(stored, 0);

    // A name that reached the database some other way (an older version, a script) is
    // printed with its escape codes made visible, on one row.
    sqlx::query("UPDATE patients SET full_name = ? WHERE email = 'pat@x.org'")
        .bind(format!("{red}\nsecond line"))
        .execute(&env.pool)
        .await
        .expect("legacy name");
    let at = (Utc::now() + Duration::days(7))
        .format("%Y-%m-%d")
        .to_string();
    sqlx::query(
        "INSERT INTO appointments (patient_id, doctor_id, appointment_time, duration_minutes) \
         SELECT p.id, d.id, ?, 30 FROM patients p, doctors d",
    )
    .bind(format!("{at} 10:00:00"))
    .execute(&env.pool)
    .await
    .expect("appointment");
    let out = clinic(&env, &["appointments", "list", "--date", &at]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
        "{stdout:?}"
    );
    assert_eq!(stdout.lines().count(), 1, "{stdout:?}");
    assert!(
        stdout.contains("\\e[31mRed\\e[0m\\u{7}\\nsecond line"),
        "{stdout:?}"
    );
}

/// The services refuse the same dates themselves (the TUI and any other caller go
/// through them): a sentence, never a panic in a spawned task.
#[tokio::test]
async fn services_refuse_dates_at_the_edges_of_the_calendar() {
    use chrono::NaiveDate;
    use clinic::domain::Actor;
    use clinic::domain::appointment::ListFilter;
    use clinic::service::ServiceError;

    let env = TestEnv::new().await;
    clinic_with_people(&env).await;
    let s = &env.services;
    let doctor = s.id_by_email(true, "doc@x.org").await.expect("doctor");
    let far = NaiveDate::MAX;
    let zero = NaiveDate::from_ymd_opt(0, 1, 1).expect("year 0");
    let sys = Actor::System;
    let invalid = |r: Result<(), ServiceError>, what: &str| {
        assert!(
            matches!(&r, Err(ServiceError::Invalid(m)) if m.contains("outside the dates") || m.contains("number of days")),
            "{what}: {r:?}"
        );
    };
    invalid(
        s.revenue_report(&sys, far, far).await.map(drop),
        "revenue, far",
    );
    invalid(
        s.revenue_report(&sys, zero, zero).await.map(drop),
        "revenue, year 0",
    );
    invalid(
        s.outstanding(&sys, zero, far).await.map(drop),
        "outstanding",
    );
    invalid(
        s.free_slots(doctor, far, 1, None).await.map(drop),
        "slots, far",
    );
    invalid(
        s.free_slots(doctor, zero, 1, None).await.map(drop),
        "slots, year 0",
    );
    invalid(
        s.free_slots(
            doctor,
            NaiveDate::from_ymd_opt(2027, 3, 1).expect("date"),
            100_000_000,
            None,
        )
        .await
        .map(drop),
        "slots, days",
    );
    invalid(
        s.doctor_week(&sys, doctor, far).await.map(drop),
        "week, far",
    );
    let filter = ListFilter {
        from: zero.and_hms_opt(0, 0, 0),
        ..ListFilter::default()
    };
    invalid(
        s.list_appointments(&sys, filter).await.map(drop),
        "list, year 0",
    );
}
