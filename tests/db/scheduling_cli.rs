//! The scheduling subcommands as processes against the real servers (the processes use
//! the system clock, so every date here is some weeks ahead of today).

use crate::common;

use std::process::{Command, Output, Stdio};

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use clinic::domain::availability::Window;
use clinic::store::mysql::availability;
use common::TestEnv;

fn run(env: &TestEnv, args: &[&str]) -> Output {
    let state = std::env::temp_dir().join(format!("clinic-sched-{}", env.db_name));
    Command::new(env!("CARGO_BIN_EXE_clinic"))
        .args(args)
        .env("DATABASE_URL", common::mysql_url_for(&env.db_name))
        .env("MONGODB_URI", common::base_mongo_uri())
        .env("MONGODB_DATABASE", &env.db_name)
        .env("CLINIC_TZ", "Europe/London")
        .env("XDG_CONFIG_HOME", &state)
        .env("XDG_STATE_HOME", &state)
        .env_remove("CLINIC_CONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("clinic ran")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(env: &TestEnv, args: &[&str]) -> String {
    let out = run(env, args);
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The Monday at least three weeks from today.
fn monday_ahead() -> NaiveDate {
    let mut d = Utc::now().date_naive() + Duration::days(21);
    while d.weekday() != Weekday::Mon {
        d += Duration::days(1);
    }
    d
}

#[tokio::test]
async fn series_waitlist_extra_hours_and_calendar_from_the_command_line() {
    let env = TestEnv::new().await;
    let doctor = env.insert_doctor("doc@x.org", "Dr. Ada Wells").await;
    for weekday in [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ] {
        availability::insert_window(
            &env.pool,
            doctor,
            &Window::new(
                weekday,
                NaiveTime::from_hms_opt(9, 0, 0).expect("time"),
                NaiveTime::from_hms_opt(17, 0, 0).expect("time"),
                None,
            ),
        )
        .await
        .expect("window");
    }
    for (email, name) in [
        ("p1@x.org", "Pia One"),
        ("p2@x.org", "Pat Two"),
        ("p3@x.org", "Pam Three"),
    ] {
        env.insert_patient(email, name).await;
    }
    let monday = monday_ahead();
    let at = |d: NaiveDate, hm: &str| format!("{} {hm}", d.format("%Y-%m-%d"));
    let book = |patient: &str, when: &str| {
        vec![
            "appointments".to_string(),
            "book".into(),
            "--patient".into(),
            patient.into(),
            "--doctor".into(),
            "doc@x.org".into(),
            "--at".into(),
            when.into(),
        ]
    };

    // Three Mondays at 10:00: one line per appointment.
    let mut first = book("p1@x.org", &at(monday, "10:00"));
    first.extend(["--repeat-weeks", "1", "--count", "3"].map(String::from));
    let out = ok(&env, &args(&first));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("Booked appointment ") && l.contains("10:00"))
    );
    let ids: Vec<String> = lines
        .iter()
        .map(|l| l.split_whitespace().nth(2).expect("id").to_string())
        .collect();

    // The same dates for someone else: all or nothing, refused with every date.
    let mut clash = book("p2@x.org", &at(monday, "10:30"));
    clash.extend(["--repeat-weeks", "1", "--count", "4"].map(String::from));
    let out = run(&env, &args(&clash));
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("3 of the 4 dates cannot be booked, so none was"),
        "{err}"
    );
    assert_eq!(
        err.matches("the doctor is already booked").count(),
        3,
        "{err}"
    );
    // Skipping them books the fourth, reported as JSON; the skipped dates go to stderr.
    clash.extend(["--skip-conflicts", "--json"].map(String::from));
    let out = run(&env, &args(&clash));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let booked: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object per line"))
        .collect();
    assert_eq!(booked.len(), 1);
    assert!(booked[0]["series_id"].as_i64().is_some());
    assert_eq!(booked[0]["status"], "BOOKED");
    assert_eq!(text(&out.stderr).matches("clinic: skipped ").count(), 3);

    // Cancel the second Monday and the later one.
    let out = ok(
        &env,
        &[
            "appointments",
            "cancel",
            &ids[1],
            "--series",
            "--reason",
            "Course ended",
        ],
    );
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.lines().all(|l| l.starts_with("Cancelled appointment ")));

    // Saturday hours, then the slots they give.
    let saturday = monday + Duration::days(5);
    let date = saturday.format("%Y-%m-%d").to_string();
    let out = ok(
        &env,
        &[
            "availability",
            "open",
            "--doctor",
            "doc@x.org",
            "--date",
            &date,
            "--from",
            "10:00",
            "--to",
            "12:00",
        ],
    );
    assert!(out.starts_with("Opened Sat "), "{out}");
    let out = ok(
        &env,
        &[
            "appointments",
            "slots",
            "--doctor",
            "doc@x.org",
            "--date",
            &date,
        ],
    );
    assert_eq!(
        out.lines().next(),
        Some(at(saturday, "10:00").as_str()),
        "{out}"
    );
    let out = run(
        &env,
        &[
            "availability",
            "open",
            "--doctor",
            "doc@x.org",
            "--date",
            &monday.format("%Y-%m-%d").to_string(),
            "--from",
            "16:00",
            "--to",
            "18:00",
        ],
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("overlaps the weekly hours 09:00–17:00"));
    let listed = ok(
        &env,
        &[
            "availability",
            "extra",
            "--doctor",
            "doc@x.org",
            "--from",
            &monday.format("%Y-%m-%d").to_string(),
            "--days",
            "14",
            "--json",
        ],
    );
    let listed: serde_json::Value = serde_json::from_str(&listed).expect("json");
    assert_eq!(listed.as_array().map(Vec::len), Some(1));

    // A morning waitlist entry for that Saturday is offered 10:00 at once and booked.
    let out = ok(
        &env,
        &[
            "waitlist",
            "add",
            "--patient",
            "p3@x.org",
            "--doctor",
            "doc@x.org",
            "--from",
            &date,
            "--to",
            &date,
            "--part",
            "morning",
        ],
    );
    assert!(out.contains("Offered at once: Sat "), "{out}");
    let list: serde_json::Value =
        serde_json::from_str(&ok(&env, &["waitlist", "list", "--json"])).expect("json");
    let entry = &list[0];
    assert_eq!(entry["status"], "OFFERED");
    assert_eq!(entry["offer"]["start_local"], at(saturday, "10:00"));
    let id = entry["id"].to_string();
    let out = ok(&env, &["waitlist", "book", &id]);
    assert!(out.starts_with("Booked appointment "), "{out}");
    assert_eq!(ok(&env, &["waitlist", "list"]).trim(), "Nobody is waiting.");
    let out = run(
        &env,
        &[
            "waitlist",
            "add",
            "--patient",
            "p3@x.org",
            "--doctor",
            "doc@x.org",
            "--specialization",
            "GP",
            "--from",
            &date,
            "--to",
            &date,
        ],
    );
    assert!(
        !out.status.success(),
        "a doctor or a specialization, not both"
    );

    // The doctor's calendar: to a file, and to standard output.
    let path = std::env::temp_dir().join(format!("clinic-{}.ics", env.db_name));
    let path_text = path.display().to_string();
    let from = monday.format("%Y-%m-%d").to_string();
    let out = ok(
        &env,
        &[
            "agenda",
            "ics",
            "--doctor",
            "doc@x.org",
            "--from",
            &from,
            "--days",
            "30",
            "--out",
            &path_text,
        ],
    );
    assert!(out.starts_with("Wrote 5 events to "), "{out}");
    let file = std::fs::read_to_string(&path).expect("the file");
    let _ = std::fs::remove_file(&path);
    assert!(file.starts_with("BEGIN:VCALENDAR\r\n"));
    assert_eq!(file.matches("STATUS:CANCELLED").count(), 2);
    let stdout = ok(
        &env,
        &[
            "agenda",
            "ics",
            "--doctor",
            "doc@x.org",
            "--from",
            &from,
            "--days",
            "30",
        ],
    );
    assert_eq!(stdout.matches("BEGIN:VEVENT").count(), 5);
}
