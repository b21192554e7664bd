//! The calendar and patients screens in the real binary against the real servers: their
//! requests run through the services (an audit row each) and come back on screen.

use crate::common;

use std::time::Duration;

use clinic::domain::{Actor, Role};
use clinic::service::users::NewAccount;
use clinic::tui::screens::home::{HomeItem, HomeScreen};
use common::TestEnv;
use common::pty::PtyApp;

const WAIT: Duration = Duration::from_secs(25);
const DOWN: &str = "\x1b[B";
const RIGHT: &str = "\x1b[C";
const ESC: &str = "\x1b";

fn app_env(env: &TestEnv) -> Vec<(&'static str, String)> {
    let state = std::env::temp_dir().join(format!("clinic-calpat-{}", env.db_name));
    std::fs::create_dir_all(&state).expect("state dir");
    vec![
        ("DATABASE_URL", common::mysql_url_for(&env.db_name)),
        ("MONGODB_URI", common::base_mongo_uri()),
        ("MONGODB_DATABASE", env.db_name.clone()),
        ("CLINIC_TZ", "Europe/London".into()),
        ("XDG_CONFIG_HOME", state.display().to_string()),
        ("XDG_STATE_HOME", state.display().to_string()),
        ("HOME", state.display().to_string()),
        ("NO_COLOR", "1".into()),
    ]
}

fn sign_in(app: &mut PtyApp, email: &str, right: usize) {
    app.wait_for("Sign in", WAIT);
    app.send(email);
    app.send("\t");
    app.send("calpat-password");
    app.send("\t");
    for _ in 0..right {
        app.send(RIGHT);
    }
    app.send("\r");
    app.wait_for("Welcome,", WAIT);
}

fn open(app: &mut PtyApp, role: Role, item: HomeItem) {
    let index = HomeScreen::for_role(role)
        .items
        .iter()
        .position(|i| *i == item)
        .expect("menu item for the role");
    for _ in 0..index {
        app.send(DOWN);
    }
    app.send("\r");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_doctor_adds_a_window_the_front_desk_reads_it_and_finds_a_patient() {
    let env = TestEnv::new().await;
    for (role, email, name) in [
        (Role::FrontDesk, "desk@calpat.test", "Fran Desk"),
        (Role::Doctor, "doctor@calpat.test", "Maya Okafor"),
    ] {
        env.services
            .add_user(
                &Actor::System,
                NewAccount {
                    role,
                    email: email.into(),
                    full_name: name.into(),
                    specialization: (role == Role::Doctor).then(|| "Cardiology".to_string()),
                    password: "calpat-password".into(),
                },
            )
            .await
            .expect("account");
    }
    env.insert_patient("ana.lima@calpat.test", "Ana Lima").await;

    // The doctor adds a window on the cell under the cursor (now, on today's column).
    let mut doctor = PtyApp::spawn(&[], &app_env(&env), 80, 24);
    sign_in(&mut doctor, "doctor@calpat.test", 1);
    open(&mut doctor, Role::Doctor, HomeItem::Availability);
    doctor.wait_for("free slots", WAIT); // the week has loaded
    doctor.wait_for("? help", WAIT);
    doctor.send("a");
    doctor.wait_for("Add window", WAIT);
    doctor.send("\r");
    doctor.wait_for("Window added.", WAIT);
    let windows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM doctor_availability")
        .fetch_one(&env.pool)
        .await
        .expect("windows");
    assert_eq!(windows, 1);
    doctor.send("\x03");
    assert!(doctor.wait_exit(WAIT), "clean exit");

    // The front desk reads that week and cannot change it.
    let mut desk = PtyApp::spawn(&[], &app_env(&env), 80, 24);
    sign_in(&mut desk, "desk@calpat.test", 0);
    open(&mut desk, Role::FrontDesk, HomeItem::DoctorsCalendars);
    desk.wait_for("[read-only]", WAIT); // the first doctor's week has loaded
    desk.wait_for("Maya Okafor ·", WAIT);
    let footer = desk.contents();
    assert!(!footer.contains("a add"), "{footer}");
    desk.send(ESC);
    desk.wait_for("Welcome,", WAIT);

    // Patients: search, open the history; Esc twice back to the menu on the same item.
    open(&mut desk, Role::FrontDesk, HomeItem::Patients);
    desk.wait_for("name, email or phone", WAIT);
    desk.send("ana");
    desk.wait_for("ana.lima@calpat.test", WAIT);
    desk.send("\r");
    desk.wait_for("Appointments (0)", WAIT);
    desk.send(ESC);
    desk.wait_for("Find:", WAIT);
    desk.send(ESC);
    desk.wait_for("Welcome,", WAIT);
    desk.wait_for("Find a patient", WAIT);
    desk.send("\x03");
    assert!(desk.wait_exit(WAIT), "clean exit");

    let actions: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT action FROM audit_log ORDER BY action")
            .fetch_all(&env.pool)
            .await
            .expect("audit");
    for expected in ["AVAILABILITY_ADD", "PATIENT_SEARCH", "PATIENT_HISTORY"] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected} missing from {actions:?}"
        );
    }
}
