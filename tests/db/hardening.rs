//! Hardening (issue 11) against the real servers: the sign-in lock cannot be raced, the
//! MongoDB database named in `MONGODB_URI` is honoured, a cancelled appointment grants no
//! access to records, the audit trail refuses changes in the database itself, weak
//! passwords are refused with the reason, and an ambiguous local time (the fall-back
//! night) is never guessed on the command line.

use crate::common;

use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use clinic::config::{Config, FileSettings, Overrides};
use clinic::domain::appointment::{AppointmentStatus, NewAppointment};
use clinic::domain::availability::Window;
use clinic::domain::prescription::{Medication, Prescription};
use clinic::domain::{AccountKind, Actor, Role};
use clinic::service::users::NewAccount;
use clinic::service::{Clock, LoginError, ServiceError, Services};
use clinic::store::mysql::{appointments, availability, people, throttle};
use common::TestEnv;

const STRONG: &str = "violet-kettle-harbour-93";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn account(role: Role, email: &str, name: &str, password: &str) -> NewAccount {
    NewAccount {
        role,
        email: email.into(),
        full_name: name.into(),
        specialization: (role == Role::Doctor).then(|| "General Practice".to_string()),
        password: password.into(),
    }
}

async fn login_outcomes(env: &TestEnv) -> Vec<String> {
    sqlx::query_scalar("SELECT outcome FROM audit_log WHERE action = 'LOGIN' ORDER BY id")
        .fetch_all(&env.pool)
        .await
        .expect("audit rows")
}

async fn doctor(env: &TestEnv, email: &str, name: &str) -> i32 {
    env.insert_doctor(email, name).await
}

async fn patient(env: &TestEnv, email: &str, name: &str) -> i32 {
    env.insert_patient(email, name).await
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

fn user(role: Role, id: i32, email: &str) -> Actor {
    Actor::User {
        role,
        id,
        name: format!("{role} {id}"),
        email: email.into(),
    }
}

fn prescription(appointment_id: i32, medication: &str) -> Prescription {
    let mut p = Prescription::new_draft(appointment_id, 0, 0, Utc::now());
    p.medications = vec![Medication {
        name: medication.into(),
        dosage: "500mg".into(),
        frequency: "3 times a day".into(),
        duration_days: Some(7),
        notes: String::new(),
    }];
    p.notes.diagnosis = "Suspected bacterial pharyngitis.".into();
    p
}

// ---------------------------------------------------------------------------------------
// Item 2: the sign-in lock holds under simultaneous attempts
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_simultaneous_wrong_passwords_check_at_most_five_and_lock_the_account() {
    let env = TestEnv::new().await;
    env.services
        .add_user(
            &Actor::System,
            account(Role::FrontDesk, "desk@x.org", "Dee Desk", STRONG),
        )
        .await
        .expect("account");
    // Enough connections that every attempt is in flight at once.
    let pool = clinic::store::mysql::connect(&common::mysql_url_for(&env.db_name), 30)
        .await
        .expect("pool");
    let services = Services::new(pool, env.mongo.clone(), env.config.clone());
    let start = Arc::new(tokio::sync::Barrier::new(20));
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let services = services.clone();
            let start = start.clone();
            tokio::spawn(async move {
                start.wait().await;
                services
                    .login(
                        AccountKind::Staff,
                        "desk@x.org",
                        &format!("guess number {i}"),
                    )
                    .await
            })
        })
        .collect();
    let mut locked = 0;
    for task in tasks {
        match task.await.expect("task") {
            Ok(_) => panic!("a wrong password signed in"),
            Err(LoginError::Locked { .. }) => locked += 1,
            Err(LoginError::WrongCredentials | LoginError::LockedNow { .. }) => {}
            Err(other) => panic!("unexpected failure: {other}"),
        }
    }
    let outcomes = login_outcomes(&env).await;
    let failed = outcomes.iter().filter(|o| *o == "FAILED").count();
    let denied = outcomes.iter().filter(|o| *o == "DENIED").count();
    assert!(
        (1..=5).contains(&failed),
        "{failed} passwords were checked: {outcomes:?}"
    );
    assert_eq!(denied, 20 - failed, "{outcomes:?}");
    assert_eq!(locked, denied);
    // Locked afterwards: even the right password is refused.
    let err = services
        .login(AccountKind::Staff, "desk@x.org", STRONG)
        .await
        .expect_err("locked");
    assert!(matches!(err, LoginError::Locked { .. }), "{err}");
    let state = throttle::get(&env.pool, AccountKind::Staff, "desk@x.org")
        .await
        .expect("throttle");
    assert!(
        state
            .locked_until
            .is_some_and(|u| u > Utc::now().naive_utc())
    );
}

#[tokio::test]
async fn a_right_password_within_the_free_attempts_signs_in_and_resets_the_count() {
    let env = TestEnv::new().await;
    env.services
        .add_user(
            &Actor::System,
            account(Role::FrontDesk, "desk@x.org", "Dee Desk", STRONG),
        )
        .await
        .expect("account");
    let t0 = Utc
        .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .expect("time");
    let s = env.services.clone().with_clock(Clock::Fixed(t0));
    for _ in 0..4 {
        let err = s
            .login(AccountKind::Staff, "desk@x.org", "wrong")
            .await
            .expect_err("wrong");
        assert_eq!(err, LoginError::WrongCredentials);
    }
    s.login(AccountKind::Staff, "desk@x.org", STRONG)
        .await
        .expect("the fifth attempt is right");
    // The count started again: four more failures lock nothing, the fifth does.
    for _ in 0..4 {
        let err = s
            .login(AccountKind::Staff, "desk@x.org", "wrong")
            .await
            .expect_err("wrong");
        assert_eq!(err, LoginError::WrongCredentials);
    }
    let err = s
        .login(AccountKind::Staff, "desk@x.org", "wrong")
        .await
        .expect_err("fifth");
    assert_eq!(
        err,
        LoginError::LockedNow {
            wait: "30 s".into()
        }
    );
    assert_eq!(
        login_outcomes(&env).await,
        [
            "FAILED", "FAILED", "FAILED", "FAILED", "OK", "FAILED", "FAILED", "FAILED", "FAILED",
            "FAILED"
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Item 4: the database in MONGODB_URI
// ---------------------------------------------------------------------------------------

/// The test server's URI with `db` as its path.
fn mongo_uri_for(db: &str) -> String {
    let base = common::base_mongo_uri();
    let (head, query) = match base.split_once('?') {
        Some((h, q)) => (h.to_string(), format!("?{q}")),
        None => (base.clone(), String::new()),
    };
    let scheme_end = head.find("://").map_or(0, |i| i + 3);
    let hosts_end = head[scheme_end..]
        .find('/')
        .map_or(head.len(), |i| scheme_end + i);
    format!("{}/{db}{query}", &head[..hosts_end])
}

#[tokio::test]
async fn two_uris_with_different_database_paths_keep_prescriptions_apart() {
    let env = TestEnv::new().await;
    let doc = doctor(&env, "house@x.org", "Dr. Gregory House").await;
    let pat = patient(&env, "zoe@x.org", "Zoe Adams").await;
    let appt = appointment(
        &env,
        doc,
        pat,
        (Utc::now() - Duration::hours(2)).naive_utc(),
        AppointmentStatus::Completed,
    )
    .await;
    let (db_a, db_b) = (format!("{}_a", env.db_name), format!("{}_b", env.db_name));
    let clinic = |db: &str| {
        let overrides = Overrides {
            database_url: Some(common::mysql_url_for(&env.db_name)),
            mongodb_uri: Some(mongo_uri_for(db)),
            mongodb_database: None,
            time_zone: Some("Europe/London".into()),
            config_file: None,
        };
        Arc::new(Config::resolve(FileSettings::default(), &overrides).expect("config"))
    };
    let (config_a, config_b) = (clinic(&db_a), clinic(&db_b));
    assert_eq!(config_a.mongodb_database, db_a);
    assert_eq!(config_b.mongodb_database, db_b);
    let a = Services::connect(config_a).await.expect("clinic a");
    let b = Services::connect(config_b).await.expect("clinic b");
    a.migrate().await.expect("migrate a");
    b.migrate().await.expect("migrate b");

    let house = user(Role::Doctor, doc, "house@x.org");
    a.save_prescription(&house, prescription(appt, "Amoxicillin"), None)
        .await
        .expect("saved in clinic a");
    assert!(
        b.load_for_appointment(&house, appt)
            .await
            .expect("load b")
            .is_none(),
        "clinic b must not see clinic a's prescription"
    );
    b.save_prescription(&house, prescription(appt, "Ibuprofen"), None)
        .await
        .expect("clinic b has its own");
    let in_a = a
        .load_for_appointment(&house, appt)
        .await
        .expect("load a")
        .expect("a has one");
    assert_eq!(in_a.medications[0].name, "Amoxicillin");
    assert_eq!(in_a.version, 1);

    // Each document is in the database its URI names.
    for (db, medication) in [(&db_a, "Amoxicillin"), (&db_b, "Ibuprofen")] {
        let handle = clinic::store::mongo::connect(&common::base_mongo_uri(), db)
            .await
            .expect("mongo");
        let docs: Vec<String> = {
            use futures::TryStreamExt;
            handle
                .collection::<mongodb::bson::Document>("prescriptions")
                .find(mongodb::bson::doc! {})
                .await
                .expect("find")
                .try_collect::<Vec<_>>()
                .await
                .expect("docs")
                .iter()
                .filter_map(|d| d.get_array("medications").ok()?.first().cloned())
                .filter_map(|m| Some(m.as_document()?.get_str("name").ok()?.to_string()))
                .collect()
        };
        assert_eq!(docs, [medication], "{db}");
        handle.drop().await.expect("drop");
    }
}

// ---------------------------------------------------------------------------------------
// Item 7: a cancelled appointment grants nothing; the audit trail refuses changes
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_doctor_with_only_a_cancelled_appointment_may_not_read_the_patients_prescriptions() {
    let env = TestEnv::new().await;
    let house = doctor(&env, "house@x.org", "Dr. Gregory House").await;
    let wilson = doctor(&env, "wilson@x.org", "Dr. James Wilson").await;
    let pat = patient(&env, "zoe@x.org", "Zoe Adams").await;
    let past = (Utc::now() - Duration::days(3)).naive_utc();
    let appt = appointment(&env, house, pat, past, AppointmentStatus::Completed).await;
    let s = &env.services;
    s.save_prescription(
        &user(Role::Doctor, house, "house@x.org"),
        prescription(appt, "Amoxicillin"),
        None,
    )
    .await
    .expect("saved");

    // Wilson books the patient and cancels at once.
    let booked = appointment(
        &env,
        wilson,
        pat,
        (Utc::now() + Duration::days(3)).naive_utc(),
        AppointmentStatus::Booked,
    )
    .await;
    s.cancel(&Actor::System, booked, "Booked by mistake")
        .await
        .expect("cancel");
    let dr_wilson = user(Role::Doctor, wilson, "wilson@x.org");
    let err = s
        .load_for_appointment(&dr_wilson, appt)
        .await
        .expect_err("refused");
    assert!(matches!(err, ServiceError::Forbidden(_)), "{err}");
    assert!(matches!(
        s.timeline_for_patient(&dr_wilson, pat).await,
        Err(ServiceError::Forbidden(_))
    ));
    assert!(matches!(
        s.export_markdown(&dr_wilson, appt).await,
        Err(ServiceError::Forbidden(_))
    ));
    let denied: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE actor_id = ? AND actor_kind = 'DOCTOR' \
         AND outcome = 'DENIED' AND patient_id = ?",
    )
    .bind(wilson)
    .bind(pat)
    .fetch_one(&env.pool)
    .await
    .expect("count");
    assert_eq!(denied, 3, "each refusal is audited");

    // A real (not cancelled) appointment makes Wilson the patient's doctor.
    appointment(
        &env,
        wilson,
        pat,
        (Utc::now() + Duration::days(5)).naive_utc(),
        AppointmentStatus::Booked,
    )
    .await;
    assert!(
        s.load_for_appointment(&dr_wilson, appt)
            .await
            .expect("allowed now")
            .is_some()
    );
}

#[tokio::test]
async fn the_audit_trail_refuses_update_and_delete_but_takes_new_rows() {
    let env = TestEnv::new().await;
    let s = &env.services;
    let event = clinic::domain::audit::AuditEvent::by(&Actor::System, "TEST", "audit_log");
    s.audit(event.clone()).await.expect("insert");

    let update = sqlx::query("UPDATE audit_log SET detail = 'rewritten' WHERE action = 'TEST'")
        .execute(&env.pool)
        .await
        .expect_err("update refused");
    assert!(
        update
            .to_string()
            .contains("The audit trail is append-only: its rows cannot be changed."),
        "{update}"
    );
    let delete = sqlx::query("DELETE FROM audit_log WHERE action = 'TEST'")
        .execute(&env.pool)
        .await
        .expect_err("delete refused");
    assert!(
        delete
            .to_string()
            .contains("The audit trail is append-only: its rows cannot be deleted."),
        "{delete}"
    );
    s.audit(event.detail("second")).await.expect("insert again");
    let rows: Vec<Option<String>> =
        sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = 'TEST' ORDER BY id")
            .fetch_all(&env.pool)
            .await
            .expect("rows");
    assert_eq!(rows, [None, Some("second".to_string())]);
}

// ---------------------------------------------------------------------------------------
// Item 8: weak passwords
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn weak_passwords_are_refused_on_every_path_with_the_reason() {
    let env = TestEnv::new().await;
    let s = &env.services;
    for weak in ["password", "12345678", "        "] {
        let err = s
            .add_user(
                &Actor::System,
                account(Role::Admin, "ana.smith@x.org", "Ana Smith", weak),
            )
            .await
            .expect_err("weak password refused");
        let sentence = err.to_string();
        assert!(matches!(err, ServiceError::Invalid(_)), "{sentence}");
        assert!(
            sentence.starts_with("This password is too easy to guess ("),
            "{weak:?}: {sentence}"
        );
    }
    let err = s
        .add_user(
            &Actor::System,
            account(Role::Admin, "ana.smith@x.org", "Ana Smith", "ana.smith2026"),
        )
        .await
        .expect_err("built from her name");
    assert!(
        err.to_string()
            .contains("(it is built from your name or email)"),
        "{err}"
    );
    let id = s
        .add_user(
            &Actor::System,
            account(Role::Admin, "ana.smith@x.org", "Ana Smith", STRONG),
        )
        .await
        .expect("a strong passphrase is accepted");

    // An admin's reset and one's own change check the same way.
    let admin = user(Role::Admin, id, "ana.smith@x.org");
    let doc = s
        .add_user(
            &admin,
            account(Role::Doctor, "doc@x.org", "Maya Okafor", STRONG),
        )
        .await
        .expect("doctor");
    let err = s
        .reset_password(&admin, AccountKind::Doctor, doc, "password1")
        .await
        .expect_err("weak reset");
    assert!(
        err.to_string().starts_with("This password is too easy"),
        "{err}"
    );
    let err = s
        .change_own_password(
            &Actor::User {
                role: Role::Admin,
                id,
                name: "Ana Smith".into(),
                email: "ana.smith@x.org".into(),
            },
            STRONG,
            "ana.smith2026",
        )
        .await
        .expect_err("weak change");
    assert!(
        err.to_string().starts_with("This password is too easy"),
        "{err}"
    );
    s.login(AccountKind::Staff, "ana.smith@x.org", STRONG)
        .await
        .expect("the password was left as it was");

    // The command line says the same sentence and creates nothing.
    let state = std::env::temp_dir().join(format!("clinic-harden-{}", env.db_name));
    let mut child = Command::new(env!("CARGO_BIN_EXE_clinic"))
        .args(["user", "add", "--role", "admin", "--email", "weak@x.org"])
        .args(["--name", "Wes Weak", "--password-stdin"])
        .env("DATABASE_URL", common::mysql_url_for(&env.db_name))
        .env("MONGODB_URI", common::base_mongo_uri())
        .env("MONGODB_DATABASE", &env.db_name)
        .env("XDG_CONFIG_HOME", &state)
        .env("XDG_STATE_HOME", &state)
        .env_remove("CLINIC_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start clinic");
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(b"12345678\n")
            .expect("write");
    }
    let out = child.wait_with_output().expect("ran");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr)
            .contains("This password is too easy to guess (this is a top-10 common password)"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        people::list_staff(&env.pool)
            .await
            .expect("staff")
            .iter()
            .all(|m| m.email != "weak@x.org")
    );
}

#[tokio::test]
async fn the_demo_seed_still_signs_in_with_the_documented_password() {
    let env = TestEnv::new().await;
    env.services
        .seed_demo(&Actor::System, false)
        .await
        .expect("seed");
    for (kind, email) in [
        (AccountKind::Staff, "admin@demo.clinic"),
        (AccountKind::Doctor, "doctor@demo.clinic"),
    ] {
        env.services
            .login(kind, email, clinic::service::demo::DEMO_PASSWORD)
            .await
            .expect("demo account signs in");
    }
}

// ---------------------------------------------------------------------------------------
// Item 9: the repeated hour of a fall-back night on the command line
// ---------------------------------------------------------------------------------------

/// The next Sunday from tomorrow on which 01:30 happens twice in London.
fn next_london_fall_back() -> NaiveDate {
    let tz = chrono_tz::Europe::London;
    let mut day = Utc::now().date_naive() + Duration::days(1);
    loop {
        let local = day.and_time(NaiveTime::from_hms_opt(1, 30, 0).expect("time"));
        if day.weekday() == Weekday::Sun
            && matches!(
                tz.from_local_datetime(&local),
                chrono::LocalResult::Ambiguous(..)
            )
        {
            return day;
        }
        day += Duration::days(1);
    }
}

fn clinic_cli(env: &TestEnv, args: &[&str]) -> Output {
    let state = std::env::temp_dir().join(format!("clinic-harden-{}", env.db_name));
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
        .output()
        .expect("run clinic")
}

#[tokio::test]
async fn the_cli_refuses_an_ambiguous_time_and_books_either_one_with_its_zone() {
    let env = TestEnv::new().await;
    let doc = doctor(&env, "night@x.org", "Dr. Night Owl").await;
    availability::insert_window(
        &env.pool,
        doc,
        &Window {
            weekday: Weekday::Sun,
            start: NaiveTime::from_hms_opt(0, 0, 0).expect("time"),
            end: NaiveTime::from_hms_opt(4, 0, 0).expect("time"),
            location_id: None,
        },
    )
    .await
    .expect("window");
    patient(&env, "pat@x.org", "Pat Doe").await;
    let night = next_london_fall_back();
    let day = night.format("%Y-%m-%d").to_string();
    let at_utc = |h: u32, m: u32| {
        night
            .and_hms_opt(h, m, 0)
            .expect("time")
            .and_utc()
            .to_rfc3339()
    };

    // Both 01:30s are offered, each with its zone.
    let out = clinic_cli(
        &env,
        &[
            "appointments",
            "slots",
            "--doctor",
            "night@x.org",
            "--date",
            &day,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed = text(&out.stdout);
    let lines: Vec<&str> = listed.lines().collect();
    let first = format!("{day} 01:30 BST");
    let second = format!("{day} 01:30 GMT");
    let (i, j) = (
        lines.iter().position(|l| *l == first).expect(&listed),
        lines.iter().position(|l| *l == second).expect(&listed),
    );
    assert!(i < j, "{listed}");
    assert!(lines.contains(&format!("{day} 00:30").as_str()), "{listed}");

    // Without a zone: refused, naming both choices.
    let book = |at: &str| {
        clinic_cli(
            &env,
            &[
                "appointments",
                "book",
                "--patient",
                "pat@x.org",
                "--doctor",
                "night@x.org",
                "--at",
                at,
                "--minutes",
                "30",
                "--json",
            ],
        )
    };
    let out = book(&format!("{day} 01:30"));
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "{day} 01:30 happens twice in Europe/London (the clocks go back): write \"{first}\" for the first time (00:30 UTC) or \"{second}\" for the second (01:30 UTC)"
        )),
        "{err}"
    );
    // With a zone (or an offset): that instant.
    let out = book(&second);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["start_utc"], at_utc(1, 30));
    assert_eq!(json["start_local"], second.as_str());
    let out = book(&format!("{day} 01:30 +01:00"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["start_utc"], at_utc(0, 30));
    assert_eq!(json["start_local"], first.as_str());

    // Listings tell the two apart.
    let out = clinic_cli(&env, &["appointments", "list", "--date", &day]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed = text(&out.stdout);
    let first_at = listed.find(&first).expect(&listed);
    let second_at = listed.find(&second).expect(&listed);
    assert!(first_at < second_at, "{listed}");
}

#[test]
fn the_booking_screen_lists_both_half_past_ones_with_their_zones() {
    use clinic::tui::screens::booking::{SlotChoice, slot_lines, when_label};
    let tz = chrono_tz::Europe::London;
    let utc = |h: u32, m: u32| {
        NaiveDate::from_ymd_opt(2027, 10, 31)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .expect("time")
    };
    let slot = |h: u32, m: u32| SlotChoice {
        doctor_id: 1,
        doctor_name: "Dr. Night Owl".into(),
        start_utc: utc(h, m),
        end_utc: utc(h, m) + Duration::minutes(60),
        location_id: None,
    };
    let slots = [slot(0, 0), slot(0, 30), slot(1, 30), slot(2, 0)];
    let theme = clinic::tui::theme::Theme { color: false };
    let lines: Vec<String> = slot_lines(&slots, tz, 0, false, 10, &theme)
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect();
    assert_eq!(
        lines,
        [
            "Sunday 31 October",
            "▶ 01:00 BST–01:00 GMT",
            "  01:30 BST–01:30 GMT",
            "  01:30 GMT–02:30",
            "  02:00–03:00",
        ]
    );
    assert_eq!(
        when_label(tz, utc(1, 30), 30),
        "Sun 31 Oct 2027, 01:30 GMT–02:00"
    );
    assert_eq!(
        clinic::service::booking::local_label(tz, utc(0, 30)),
        "Sun 31 Oct 01:30 BST"
    );
}
