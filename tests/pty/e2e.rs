//! End to end: the real `clinic` binary in a pseudo-terminal against the real servers.

use crate::common;

use std::time::Duration;

use clinic::domain::{Actor, Role};
use clinic::service::users::NewAccount;
use common::TestEnv;
use common::pty::PtyApp;

const WAIT: Duration = Duration::from_secs(20);

fn app_env(env: &TestEnv) -> Vec<(&'static str, String)> {
    let state = std::env::temp_dir().join(format!("clinic-e2e-{}", env.db_name));
    std::fs::create_dir_all(&state).expect("state dir");
    vec![
        ("DATABASE_URL", common::mysql_url_for(&env.db_name)),
        ("MONGODB_URI", common::base_mongo_uri()),
        ("MONGODB_DATABASE", env.db_name.clone()),
        ("CLINIC_TZ", "Europe/London".into()),
        ("XDG_CONFIG_HOME", state.display().to_string()),
        ("XDG_STATE_HOME", state.display().to_string()),
        ("HOME", state.display().to_string()),
    ]
}

async fn front_desk(env: &TestEnv) {
    env.services
        .add_user(
            &Actor::System,
            NewAccount {
                role: Role::FrontDesk,
                email: "frontdesk@demo.clinic".into(),
                full_name: "Fran Desk".into(),
                specialization: None,
                password: "harbour-violet-sleet".into(),
            },
        )
        .await
        .expect("front desk account");
}

#[tokio::test(flavor = "multi_thread")]
async fn front_desk_logs_in_and_sees_home_then_quits() {
    let env = TestEnv::new().await;
    front_desk(&env).await;
    let mut app = PtyApp::spawn(&[], &app_env(&env), 80, 24);
    app.wait_for("Sign in", WAIT);
    app.wait_for("Tab next field", WAIT);

    // A wrong password first: the generic message, the email kept.
    app.send("frontdesk@demo.clinic");
    app.send("\t");
    app.send("not-it");
    app.send("\r");
    app.wait_for("Wrong email or password.", WAIT);
    assert!(!app.contents().contains("not-it"), "password never shown");

    app.send("harbour-violet-sleet");
    app.send("\r");
    app.wait_for("Welcome, Fran Desk", WAIT);
    // A frame reaches the terminal in pieces: wait for the whole panel.
    app.wait_for("Europe/London", WAIT);
    let screen = app.contents();
    assert!(screen.contains("Front desk"), "{screen}");
    assert!(screen.contains("Europe/London"), "{screen}");

    app.send("q");
    app.wait_for("Quit Smart Clinic and end this session? y yes, n no", WAIT);
    app.send("y");
    assert!(app.wait_exit(WAIT), "clean exit");

    let outcomes: Vec<String> =
        sqlx::query_scalar("SELECT outcome FROM audit_log WHERE action = 'LOGIN' ORDER BY id")
            .fetch_all(&env.pool)
            .await
            .expect("audit");
    assert_eq!(outcomes, ["FAILED", "OK"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn too_small_a_terminal_shows_a_message_and_ctrl_c_quits() {
    let env = TestEnv::new().await;
    let mut app = PtyApp::spawn(&[], &app_env(&env), 40, 10);
    app.wait_for("Terminal too small", WAIT);
    app.send("\u{3}");
    assert!(app.wait_exit(WAIT), "clean exit on Ctrl-C");
}
