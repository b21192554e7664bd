//! End-to-end journeys of the real `clinic` binary in pseudo-terminals at 80x24, against
//! the real servers: the front desk registers a patient and books; the doctor, in a
//! second session, sees it and writes a prescription; the front desk takes the payment
//! and saves the receipt; the patient signs in (without colour) and sees all of it.
//! Every step is checked on screen and in the databases.

use crate::common;

use std::time::Duration;

use chrono::Weekday;
use clinic::domain::availability::Window;
use clinic::domain::{AccountKind, Actor, Role};
use clinic::service::users::NewAccount;
use clinic::store::mysql::{availability, people};
use clinic::tui::screens::home::{HomeItem, HomeScreen};
use common::TestEnv;
use common::pty::PtyApp;

const WAIT: Duration = Duration::from_secs(25);
const UP: &str = "\x1b[A";
const DOWN: &str = "\x1b[B";
const RIGHT: &str = "\x1b[C";
const ESC: &str = "\x1b";

pub(crate) fn app_env(
    env: &TestEnv,
    tz: &str,
    export_dir: &std::path::Path,
    no_color: bool,
) -> Vec<(&'static str, String)> {
    let state = std::env::temp_dir().join(format!("clinic-journey-{}", env.db_name));
    std::fs::create_dir_all(&state).expect("state dir");
    let mut vars = vec![
        ("DATABASE_URL", common::mysql_url_for(&env.db_name)),
        ("MONGODB_URI", common::base_mongo_uri()),
        ("MONGODB_DATABASE", env.db_name.clone()),
        ("CLINIC_TZ", tz.to_string()),
        ("XDG_CONFIG_HOME", state.display().to_string()),
        ("XDG_STATE_HOME", state.display().to_string()),
        ("HOME", state.display().to_string()),
        ("CLINIC_EXPORT_DIR", export_dir.display().to_string()),
    ];
    if no_color {
        vars.push(("NO_COLOR", "1".into()));
    }
    vars
}

/// Signs in: email, password, and `right` presses on the account kind.
pub(crate) fn sign_in(app: &mut PtyApp, email: &str, password: &str, right: usize) {
    app.wait_for("Sign in", WAIT);
    app.send(email);
    app.send("\t");
    app.send(password);
    app.send("\t");
    for _ in 0..right {
        app.send(RIGHT);
    }
    app.send("\r");
    app.wait_for("Welcome,", WAIT);
}

/// Opens a home menu item by walking down to it from the top (Home remembers where
/// its cursor was, so it goes to the top first).
fn open(app: &mut PtyApp, role: Role, item: HomeItem) {
    let items = HomeScreen::for_role(role).items;
    let index = items
        .iter()
        .position(|i| *i == item)
        .expect("menu item for the role");
    app.send(&UP.repeat(items.len()));
    app.send(&DOWN.repeat(index));
    app.send("\r");
}

#[tokio::test(flavor = "multi_thread")]
async fn register_book_prescribe_pay_and_the_patient_sees_it_all() {
    let tz = common::mid_morning_zone();
    let env = TestEnv::with_tz(&tz).await;
    let export_dir = std::env::temp_dir().join(format!("clinic-exports-{}", env.db_name));
    for (role, email, name) in [
        (Role::FrontDesk, "frontdesk@journey.test", "Fran Desk"),
        (Role::Doctor, "doctor@journey.test", "Dr. Maya Okafor"),
    ] {
        env.services
            .add_user(
                &Actor::System,
                NewAccount {
                    role,
                    email: email.into(),
                    full_name: name.into(),
                    specialization: (role == Role::Doctor).then(|| "General Practice".to_string()),
                    password: "journey-password".into(),
                },
            )
            .await
            .expect("account");
    }
    let doctor_id = people::list_doctors(&env.pool).await.expect("doctors")[0].id;
    for day in [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ] {
        availability::insert_window(
            &env.pool,
            doctor_id,
            &Window {
                weekday: day,
                start: chrono::NaiveTime::MIN,
                end: chrono::NaiveTime::from_hms_opt(23, 45, 0).expect("time"),
                location_id: None,
            },
        )
        .await
        .expect("window");
    }

    // 1. The front desk registers a new patient and books the first free time.
    let mut desk = PtyApp::spawn(&[], &app_env(&env, &tz, &export_dir, false), 80, 24);
    sign_in(&mut desk, "frontdesk@journey.test", "journey-password", 0);
    open(&mut desk, Role::FrontDesk, HomeItem::Book);
    desk.send("Zoë O'Neill");
    desk.send("\x0e"); // Ctrl-N: register a new patient
    desk.wait_for("Email", WAIT);
    desk.send("\t");
    desk.send("zoe.oneill@journey.test");
    desk.send("\t");
    desk.send("+1 555 0142");
    desk.send("\x13"); // Ctrl-S
    desk.wait_for("General Practice", WAIT);
    desk.send("\t");
    desk.send(DOWN); // past "any doctor"
    desk.send("\r");
    desk.wait_for("Dr. Maya Okafor", WAIT);
    // The free times have loaded: the first one is selected in the grid ("▶11:00"),
    // and the line under the grid names it ("Wed 2 Dec 2026, 11:00–12:00 · Dr. …").
    desk.wait_until_screen("a selected free time", WAIT, |s| {
        s.lines().any(|l| l.contains("│ ▶")) && s.lines().any(|l| l.contains("· Dr. Maya Okafor"))
    });
    desk.send("\r"); // the first free time
    desk.send("y");
    desk.wait_for("The appointment is booked.", WAIT);
    let (appointment_id, patient_id): (i32, i32) = sqlx::query_as(
        "SELECT a.id, a.patient_id FROM appointments a JOIN patients p ON p.id = a.patient_id \
         WHERE p.email = 'zoe.oneill@journey.test' AND a.status = 'BOOKED'",
    )
    .fetch_one(&env.pool)
    .await
    .expect("the booking is in the database");
    let stored_name: String = sqlx::query_scalar("SELECT full_name FROM patients WHERE id = ?")
        .bind(patient_id)
        .fetch_one(&env.pool)
        .await
        .expect("name");
    assert_eq!(
        stored_name, "Zoë O'Neill",
        "unicode and quotes stored verbatim"
    );

    // 2. The doctor, in a second session, sees it on the agenda and writes a prescription.
    let mut doctor = PtyApp::spawn(&[], &app_env(&env, &tz, &export_dir, false), 80, 24);
    sign_in(&mut doctor, "doctor@journey.test", "journey-password", 1);
    open(&mut doctor, Role::Doctor, HomeItem::Agenda);
    doctor.wait_for("Zoë O'Neill", WAIT);
    doctor.send("e");
    doctor.wait_for("Medications (0)", WAIT);
    doctor.send("a");
    doctor.send("Amoxicillin");
    doctor.send("\t");
    doctor.send("500mg");
    doctor.send("\r");
    doctor.wait_for("Medications (1)", WAIT);
    doctor.send("\x13");
    doctor.wait_for("Saved version 1.", WAIT);
    let rx = clinic::store::mongo::prescriptions::find_by_appointment(&env.mongo, appointment_id)
        .await
        .expect("mongo")
        .expect("the prescription is stored");
    assert_eq!(
        (rx.version, rx.medications[0].name.as_str(), rx.doctor_id),
        (1, "Amoxicillin", doctor_id)
    );

    // 3. The front desk takes the payment from the agenda and saves the receipt.
    desk.send("\r"); // leave the summary
    desk.send(ESC);
    desk.wait_for("Welcome,", WAIT);
    open(&mut desk, Role::FrontDesk, HomeItem::Agenda);
    desk.wait_for("Zoë O'Neill", WAIT);
    desk.send("p");
    desk.wait_for("No payments yet.", WAIT);
    desk.send("n");
    desk.send("80");
    desk.send("\x13");
    desk.wait_for("Payment of 80.00 recorded", WAIT);
    desk.send("r");
    desk.wait_for("Receipt saved to", WAIT);
    let paid: String = sqlx::query_scalar("SELECT CAST(SUM(amount) AS CHAR) FROM payments WHERE appointment_id = ? AND payment_status = 'PAID'")
        .bind(appointment_id)
        .fetch_one(&env.pool)
        .await
        .expect("payment");
    assert_eq!(paid, "80.00");
    let receipts: Vec<_> = std::fs::read_dir(&export_dir)
        .expect("export dir")
        .flatten()
        .collect();
    assert_eq!(receipts.len(), 1);
    let receipt = std::fs::read_to_string(receipts[0].path()).expect("receipt");
    assert!(
        receipt.contains("| Patient | Zoë O'Neill |") && receipt.contains("| Amount | 80.00 |"),
        "{receipt}"
    );

    // 4. The patient is given portal access and sees the appointment, payment and
    //    prescription, without colour.
    env.services
        .reset_password(
            &Actor::System,
            AccountKind::Patient,
            patient_id,
            "patient-password",
        )
        .await
        .expect("portal access");
    let mut patient = PtyApp::spawn(&[], &app_env(&env, &tz, &export_dir, true), 80, 24);
    sign_in(
        &mut patient,
        "zoe.oneill@journey.test",
        "patient-password",
        2,
    );
    open(&mut patient, Role::Patient, HomeItem::MyAppointments);
    patient.wait_for("Dr. Maya Okafor", WAIT);
    patient.send("p");
    patient.wait_for("80.00", WAIT);
    patient.send(ESC);
    patient.send(ESC);
    patient.wait_for("Welcome,", WAIT);
    open(&mut patient, Role::Patient, HomeItem::MyPrescriptions);
    patient.wait_for("Amoxicillin", WAIT);

    for app in [&mut desk, &mut doctor, &mut patient] {
        app.send("\x03");
        assert!(app.wait_exit(WAIT), "clean exit");
    }
    // Every one of those reads and writes left an audit row.
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT action FROM audit_log ORDER BY action")
            .fetch_all(&env.pool)
            .await
            .expect("audit");
    for expected in [
        "APPOINTMENT_BOOK",
        "PATIENT_CREATE",
        "PAYMENT_CREATE",
        "PAYMENT_RECEIPT",
        "PRESCRIPTION_CREATE",
        "LOGIN",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected} missing from {actions:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&export_dir);
}
