//! Outages: the MySQL server goes away during a session and comes back. Services answer
//! with a sentence instead of failing hard, and work again once it is back.

mod common;

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
                password: "desk-password".into(),
            },
        )
        .await
        .expect("account");
    let proxy = Proxy::start(target_of(&common::mysql_url_for(&env.db_name))).await;
    let services = through_proxy(&env, &proxy).await;
    let session = services
        .login(AccountKind::Staff, "desk@x.org", "desk-password")
        .await
        .expect("login while the server is up");

    proxy.cut();
    let err = services
        .login(AccountKind::Staff, "desk@x.org", "desk-password")
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
            .login(AccountKind::Staff, "desk@x.org", "desk-password")
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
