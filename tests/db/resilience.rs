//! Outages: the MySQL server goes away during a session and comes back. Services answer
//! with a sentence instead of failing hard, and work again once it is back.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use clinic::config::{Config, FileSettings, Overrides};
use clinic::domain::{AccountKind, Actor, Role};
use clinic::service::users::NewAccount;
use clinic::service::{LoginError, ServiceError, Services};
use common::TestEnv;
use common::proxy::{Proxy, target_of, via};

async fn through_proxy(env: &TestEnv, proxy: &Proxy) -> Services {
    let overrides = Overrides {
        database_url: Some(via(&common::mysql_url_for(&env.db_name), proxy.addr)),
        mongodb_uri: Some(common::base_mongo_uri()),
        mongodb_database: Some(env.db_name.clone()),
        time_zone: Some("UTC".into()),
        config_file: None,
    };
    let config = Arc::new(Config::resolve(FileSettings::default(), &overrides).expect("config"));
    Services::connect(config)
        .await
        .expect("connect through the proxy")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mysql_outage_is_reported_as_a_sentence_and_recovered_from() {
    let env = TestEnv::new().await;
    env.services
        .add_user(
            &Actor::System,
            NewAccount {
                role: Role::FrontDesk,
                email: "desk@x.org".into(),
                full_name: "Desk".into(),
                specialization: None,
                password: "kettle-amber-quartz".into(),
            },
        )
        .await
        .expect("account");
    let proxy = Proxy::start(target_of(&common::mysql_url_for(&env.db_name))).await;
    let services = through_proxy(&env, &proxy).await;
    let session = services
        .login(AccountKind::Staff, "desk@x.org", "kettle-amber-quartz")
        .await
        .expect("login while the server is up");

    proxy.cut();
    let err = services
        .login(AccountKind::Staff, "desk@x.org", "kettle-amber-quartz")
        .await
        .expect_err("server away");
    match &err {
        LoginError::Service(ServiceError::DatabaseUnavailable(_)) => {}
        other => panic!("expected an outage, got {other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("The clinic database cannot be reached right now"),
        "{err}"
    );
    let err = services
        .search_patients(&session.actor, "Ana", 10)
        .await
        .expect_err("server away");
    assert!(
        matches!(err, ServiceError::DatabaseUnavailable(_)),
        "{err:?}"
    );

    proxy.restore();
    let mut recovered = false;
    for _ in 0..50 {
        if services
            .login(AccountKind::Staff, "desk@x.org", "kettle-amber-quartz")
            .await
            .is_ok()
        {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(recovered, "the pool reconnects once the server is back");
    services
        .search_patients(&session.actor, "Ana", 10)
        .await
        .expect("searching works again");
}

fn app_env(env: &TestEnv, database_url: String) -> Vec<(&'static str, String)> {
    let state = std::env::temp_dir().join(format!("clinic-resilience-{}", env.db_name));
    std::fs::create_dir_all(&state).expect("state dir");
    vec![
        ("DATABASE_URL", database_url),
        ("MONGODB_URI", common::base_mongo_uri()),
        ("MONGODB_DATABASE", env.db_name.clone()),
        ("CLINIC_TZ", "UTC".into()),
        ("XDG_CONFIG_HOME", state.display().to_string()),
        ("XDG_STATE_HOME", state.display().to_string()),
        ("HOME", state.display().to_string()),
    ]
}

async fn desk_account(env: &TestEnv) {
    env.services
        .add_user(
            &Actor::System,
            NewAccount {
                role: Role::FrontDesk,
                email: "desk@x.org".into(),
                full_name: "Desk".into(),
                specialization: None,
                password: "kettle-amber-quartz".into(),
            },
        )
        .await
        .expect("account");
}

const WAIT: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread")]
async fn the_tui_shows_a_mysql_outage_keeps_what_was_typed_and_recovers() {
    use clinic::tui::screens::home::{HomeItem, HomeScreen};
    use common::pty::PtyApp;
    let env = TestEnv::new().await;
    desk_account(&env).await;
    let proxy = Proxy::start(target_of(&common::mysql_url_for(&env.db_name))).await;
    let url = via(&common::mysql_url_for(&env.db_name), proxy.addr);
    let mut app = PtyApp::spawn(&[], &app_env(&env, url), 80, 24);
    app.wait_for("Sign in", WAIT);
    app.send("desk@x.org");
    app.send("\t");
    app.send("kettle-amber-quartz");
    app.send("\r");
    app.wait_for("Welcome, Desk", WAIT);
    let index = HomeScreen::for_role(Role::FrontDesk)
        .items
        .iter()
        .position(|i| *i == HomeItem::Book)
        .expect("book");
    for _ in 0..index {
        app.send("\x1b[B");
    }
    app.send("\r");
    // SQL-looking text is only ever a parameter: searched for and shown verbatim.
    app.send("Robert'); DROP TABLE patients;--");
    app.wait_for("Robert'); DROP TABLE patients;--", WAIT);

    proxy.cut();
    // Each keystroke searches; once the server is gone one of them must say so.
    let mut shown = false;
    for _ in 0..40 {
        app.send(" x");
        std::thread::sleep(Duration::from_millis(100));
        if app.contents().contains("cannot be reached") {
            shown = true;
            break;
        }
        app.send("\x7f\x7f");
    }
    assert!(shown, "the outage is shown:\n{}", app.contents());
    assert!(app.is_running(), "an outage is shown, not crashed on");
    assert!(
        app.contents()
            .contains("Robert'); DROP TABLE patients;-- x"),
        "what was typed stays: {}",
        app.contents()
    );

    proxy.restore();
    // The next keystroke searches again and the error goes away.
    let mut recovered = false;
    for _ in 0..40 {
        app.send("\x7f");
        app.send("x");
        std::thread::sleep(Duration::from_millis(100));
        if !app.contents().contains("cannot be reached") {
            recovered = true;
            break;
        }
    }
    assert!(
        recovered,
        "recovers once the server is back:\n{}",
        app.contents()
    );
    app.send("\x03");
    assert!(app.wait_exit(WAIT));
    let tables: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM patients")
        .fetch_one(&env.pool)
        .await
        .expect("the patients table is still there");
    assert_eq!(tables, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resize_storm_never_crashes_the_tui() {
    use common::pty::PtyApp;
    let env = TestEnv::new().await;
    let mut app = PtyApp::spawn(
        &[],
        &app_env(&env, common::mysql_url_for(&env.db_name)),
        80,
        24,
    );
    app.wait_for("Sign in", WAIT);
    let mut seed: u32 = 12345;
    for _ in 0..60 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let cols = 1 + (seed >> 8) % 220;
        let rows = 1 + (seed >> 20) % 70;
        app.resize(
            u16::try_from(cols).unwrap_or(80),
            u16::try_from(rows).unwrap_or(24),
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    app.resize(20, 5);
    app.wait_for("too small", WAIT);
    app.resize(80, 24);
    std::thread::sleep(Duration::from_millis(500));
    assert!(app.is_running(), "still running after the storm");
    app.send("\x03");
    assert!(app.wait_exit(WAIT), "clean exit after the storm");
}
