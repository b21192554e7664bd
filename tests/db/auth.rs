//! Login: success per account kind, one generic failure message, a growing lock after
//! five failures that survives a restart, and an audit row for every attempt.

use crate::common;

use chrono::{Duration, TimeZone, Utc};
use clinic::domain::{AccountKind, Actor, Role};
use clinic::service::users::NewAccount;
use clinic::service::{Clock, LoginError};
use common::TestEnv;

async fn add(env: &TestEnv, role: Role, email: &str, password: &str) -> i32 {
    env.services
        .add_user(
            &Actor::System,
            NewAccount {
                role,
                email: email.into(),
                full_name: format!("{} Person", role.label()),
                specialization: (role == Role::Doctor).then(|| "General Practice".to_string()),
                password: password.into(),
            },
        )
        .await
        .expect("add user")
}

async fn login_rows(env: &TestEnv) -> Vec<(String, String, Option<String>)> {
    sqlx::query_as::<_, (String, String, Option<String>)>(
        "SELECT outcome, actor_kind, actor_email FROM audit_log WHERE action = 'LOGIN' ORDER BY id",
    )
    .fetch_all(&env.pool)
    .await
    .expect("audit rows")
}

#[tokio::test]
async fn each_kind_of_account_logs_in_and_is_audited() {
    let env = TestEnv::new().await;
    let staff = add(&env, Role::FrontDesk, "desk@x.org", "kettle-amber-quartz").await;
    let admin = add(&env, Role::Admin, "boss@x.org", "harbour-violet-sleet").await;
    let doctor = add(&env, Role::Doctor, "doc@x.org", "maple-orbit-tundra").await;
    let patient = add(&env, Role::Patient, "pat@x.org", "lantern-fjord-pebble").await;

    for (kind, email, password, role, id) in [
        (
            AccountKind::Staff,
            "desk@x.org",
            "kettle-amber-quartz",
            Role::FrontDesk,
            staff,
        ),
        (
            AccountKind::Staff,
            " Boss@X.org ",
            "harbour-violet-sleet",
            Role::Admin,
            admin,
        ),
        (
            AccountKind::Doctor,
            "doc@x.org",
            "maple-orbit-tundra",
            Role::Doctor,
            doctor,
        ),
        (
            AccountKind::Patient,
            "pat@x.org",
            "lantern-fjord-pebble",
            Role::Patient,
            patient,
        ),
    ] {
        let session = env
            .services
            .login(kind, email, password)
            .await
            .expect("login");
        assert_eq!(
            (session.actor.role(), session.actor.id()),
            (Some(role), Some(id)),
            "{email}"
        );
    }
    // The right email under the wrong kind is just a wrong login.
    let err = env
        .services
        .login(AccountKind::Doctor, "desk@x.org", "kettle-amber-quartz")
        .await
        .expect_err("staff account is not a doctor");
    assert_eq!(err, LoginError::WrongCredentials);

    let rows = login_rows(&env).await;
    assert_eq!(rows.len(), 5, "one audit row per attempt: {rows:?}");
    assert_eq!(rows.iter().filter(|r| r.0 == "OK").count(), 4);
    assert_eq!(
        rows[4],
        (
            "FAILED".to_string(),
            "DOCTOR".to_string(),
            Some("desk@x.org".to_string())
        )
    );
}

#[tokio::test]
async fn unknown_email_and_wrong_password_read_the_same() {
    let env = TestEnv::new().await;
    add(&env, Role::FrontDesk, "desk@x.org", "kettle-amber-quartz").await;
    let wrong_pw = env
        .services
        .login(AccountKind::Staff, "desk@x.org", "nope-nope")
        .await
        .expect_err("wrong password");
    let unknown = env
        .services
        .login(AccountKind::Staff, "ghost@x.org", "nope-nope")
        .await
        .expect_err("unknown email");
    assert_eq!(wrong_pw, unknown);
    assert_eq!(wrong_pw.to_string(), "Wrong email or password.");
    // A password is never written anywhere in the audit trail.
    let details: Vec<Option<String>> = sqlx::query_scalar("SELECT detail FROM audit_log")
        .fetch_all(&env.pool)
        .await
        .expect("details");
    assert!(
        details.iter().flatten().all(|d| !d.contains("nope")),
        "{details:?}"
    );
}

#[tokio::test]
async fn deactivated_accounts_cannot_log_in() {
    let env = TestEnv::new().await;
    let id = add(&env, Role::Patient, "pat@x.org", "lantern-fjord-pebble").await;
    clinic::store::mysql::patients::set_active(&env.pool, id, false)
        .await
        .expect("deactivate");
    let err = env
        .services
        .login(AccountKind::Patient, "pat@x.org", "lantern-fjord-pebble")
        .await
        .expect_err("inactive");
    assert_eq!(err, LoginError::WrongCredentials);
}

#[tokio::test]
async fn five_failures_lock_the_account_with_a_growing_delay_that_survives_a_restart() {
    let env = TestEnv::new().await;
    add(&env, Role::FrontDesk, "desk@x.org", "kettle-amber-quartz").await;
    let t0 = Utc
        .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .expect("time");
    let services = env.services.clone().with_clock(Clock::Fixed(t0));

    for attempt in 1..=4 {
        let err = services
            .login(AccountKind::Staff, "desk@x.org", "wrong")
            .await
            .expect_err("wrong");
        assert_eq!(err, LoginError::WrongCredentials, "attempt {attempt}");
    }
    let fifth = services
        .login(AccountKind::Staff, "desk@x.org", "wrong")
        .await
        .expect_err("fifth");
    assert_eq!(
        fifth,
        LoginError::LockedNow {
            wait: "30 s".into()
        }
    );

    // Locked: even the right password is refused, also by a restarted application.
    let restarted = env
        .restarted()
        .await
        .with_clock(Clock::Fixed(t0 + Duration::seconds(10)));
    let locked = restarted
        .login(AccountKind::Staff, "desk@x.org", "kettle-amber-quartz")
        .await
        .expect_err("locked");
    assert_eq!(
        locked,
        LoginError::Locked {
            wait: "20 s".into()
        }
    );

    // After the lock, one more failure doubles it.
    let later = restarted
        .clone()
        .with_clock(Clock::Fixed(t0 + Duration::seconds(31)));
    let sixth = later
        .login(AccountKind::Staff, "desk@x.org", "wrong")
        .await
        .expect_err("sixth");
    assert_eq!(
        sixth,
        LoginError::LockedNow {
            wait: "1 min".into()
        }
    );

    // When it expires the right password works and the count starts again.
    let much_later = restarted.with_clock(Clock::Fixed(t0 + Duration::seconds(200)));
    much_later
        .login(AccountKind::Staff, "desk@x.org", "kettle-amber-quartz")
        .await
        .expect("login after the lock");
    let err = much_later
        .login(AccountKind::Staff, "desk@x.org", "wrong")
        .await
        .expect_err("wrong again");
    assert_eq!(
        err,
        LoginError::WrongCredentials,
        "count was reset by the success"
    );

    let rows = login_rows(&env).await;
    let outcomes: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        outcomes,
        [
            "FAILED", "FAILED", "FAILED", "FAILED", "FAILED", "DENIED", "FAILED", "OK", "FAILED"
        ]
    );
}

#[tokio::test]
async fn add_user_validates_and_refuses_duplicates_and_non_admins() {
    let env = TestEnv::new().await;
    add(&env, Role::Doctor, "doc@x.org", "maple-orbit-tundra").await;
    let dup = env
        .services
        .add_user(
            &Actor::System,
            NewAccount {
                role: Role::Doctor,
                email: "DOC@x.org".into(),
                full_name: "Another".into(),
                specialization: Some("GP".into()),
                password: "fjord-lantern-plum".into(),
            },
        )
        .await
        .expect_err("duplicate email");
    assert!(dup.to_string().contains("already exists"), "{dup}");

    let no_spec = env
        .services
        .add_user(
            &Actor::System,
            NewAccount {
                role: Role::Doctor,
                email: "new@x.org".into(),
                full_name: "New".into(),
                specialization: None,
                password: "fjord-lantern-plum".into(),
            },
        )
        .await
        .expect_err("doctor needs a specialization");
    assert_eq!(no_spec.to_string(), "Specialization is required.");

    let desk = Actor::User {
        role: Role::FrontDesk,
        id: 1,
        name: "Desk".into(),
        email: "d@x.org".into(),
    };
    let refused = env
        .services
        .add_user(
            &desk,
            NewAccount {
                role: Role::Admin,
                email: "evil@x.org".into(),
                full_name: "Evil".into(),
                specialization: None,
                password: "fjord-lantern-plum".into(),
            },
        )
        .await
        .expect_err("front desk cannot create accounts");
    assert_eq!(
        refused.to_string(),
        "You are not allowed to create accounts."
    );
    let denied: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'USER_CREATE' AND outcome = 'DENIED'",
    )
    .fetch_one(&env.pool)
    .await
    .expect("count");
    assert_eq!(denied, 1);
}
