//! Issue 18 item 3: `clinic seed --demo` judges MySQL and MongoDB apart, recreating the
//! demo's MongoDB part when it is missing and leaving a real clinic alone.

use crate::common;

use std::collections::HashMap;

use clinic::domain::prescription::Prescription;
use clinic::domain::{Actor, Role};

// ---------------------------------------------------------------------------------------
// Item 3: `clinic seed --demo` judges MySQL and MongoDB apart
// ---------------------------------------------------------------------------------------

use clinic::store::mongo::prescriptions as rx_store;
use common::TestEnv;
use futures::TryStreamExt;
use mongodb::bson::{Document, doc};
use std::process::{Command, Output, Stdio};

fn clinic_cli(env: &TestEnv, args: &[&str]) -> Output {
    let state = std::env::temp_dir().join(format!("clinic-newcomer-{}", env.db_name));
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

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every prescription but its `_id`, by appointment.
async fn prescriptions(env: &TestEnv) -> Vec<Document> {
    let mut docs: Vec<Document> = env
        .mongo
        .collection::<Document>("prescriptions")
        .find(doc! {})
        .projection(doc! { "_id": 0 })
        .await
        .expect("find")
        .try_collect()
        .await
        .expect("read");
    docs.sort_by_key(|d| d.get_i32("appointment_id").unwrap_or(i32::MAX));
    docs
}

/// Every appointment: id -> (doctor, patient, status).
async fn appointments(env: &TestEnv) -> HashMap<i32, (i32, i32, String)> {
    let rows: Vec<(i32, i32, i32, String)> =
        sqlx::query_as("SELECT id, doctor_id, patient_id, status FROM appointments")
            .fetch_all(&env.pool)
            .await
            .expect("appointments");
    rows.into_iter()
        .map(|(id, d, p, s)| (id, (d, p, s)))
        .collect()
}

async fn count(env: &TestEnv, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&env.pool)
        .await
        .expect("count")
}

/// The number in "Demo data loaded: …, 412 prescriptions." of the first seed.
fn seeded_prescriptions(stdout: &str) -> usize {
    stdout
        .lines()
        .find(|l| l.starts_with("Demo data loaded"))
        .and_then(|l| l.rsplit(", ").next())
        .and_then(|last| last.strip_suffix(" prescriptions."))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no prescription count in {stdout:?}"))
}

#[tokio::test]
async fn seed_if_empty_recreates_the_prescriptions_a_new_mongo_database_lacks() {
    let env = TestEnv::new().await;
    let first = clinic_cli(&env, &["seed", "--demo", "--if-empty"]);
    assert!(first.status.success(), "{}", err(&first));
    assert!(out(&first).contains("Demo data loaded"), "{}", out(&first));
    let loaded = seeded_prescriptions(&out(&first));
    assert!(loaded > 50, "{loaded}");
    let before = prescriptions(&env).await;
    assert_eq!(before.len(), loaded);
    let appointments_before = appointments(&env).await;
    let audit_before = count(&env, "SELECT COUNT(*) FROM audit_log").await;

    // A second clone on the same MySQL, with a MongoDB of its own: nothing in it.
    env.mongo.drop().await.expect("drop the MongoDB database");
    assert_eq!(rx_store::count(&env.mongo).await.expect("count"), 0);

    let again = clinic_cli(&env, &["seed", "--demo", "--if-empty"]);
    assert!(again.status.success(), "{}", err(&again));
    assert!(
        out(&again).contains(&format!(
            "MySQL demo data present; recreated {loaded} demo prescriptions in MongoDB (database {}).",
            env.db_name
        )),
        "{}",
        out(&again)
    );
    assert!(out(&again).contains("admin@demo.clinic"), "accounts listed");

    // The same prescriptions as the first time, each linked to a completed demo visit of
    // the same doctor and patient; MySQL untouched.
    let after = prescriptions(&env).await;
    assert_eq!(after, before);
    assert_eq!(appointments(&env).await, appointments_before);
    for p in &after {
        let id = p.get_i32("appointment_id").expect("appointment_id");
        let (doctor, patient, status) = appointments_before
            .get(&id)
            .unwrap_or_else(|| panic!("appointment {id} is not in MySQL"));
        assert_eq!(p.get_i32("doctor_id").ok(), Some(*doctor), "{id}");
        assert_eq!(p.get_i32("patient_id").ok(), Some(*patient), "{id}");
        assert_eq!(status, "COMPLETED", "{id}");
    }
    // The new database got its indexes: a second prescription for a visit is refused.
    let mut duplicate =
        rx_store::find_by_appointment(&env.mongo, after[0].get_i32("appointment_id").expect("id"))
            .await
            .expect("read")
            .expect("present");
    duplicate.id = None;
    let refused = rx_store::insert(&env.mongo, &duplicate)
        .await
        .expect_err("unique appointment_id");
    assert!(rx_store::is_duplicate_key(&refused), "{refused}");
    // What was recreated is in the audit trail.
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'DEMO_SEED' AND detail LIKE ?",
    )
    .bind(format!("recreated {loaded} demo prescriptions%"))
    .fetch_one(&env.pool)
    .await
    .expect("audit");
    assert_eq!(audited, 1);

    // Twice: nothing to do, and nothing changes.
    let third = clinic_cli(&env, &["seed", "--demo", "--if-empty"]);
    assert!(third.status.success(), "{}", err(&third));
    assert!(
        out(&third).contains("Demo data is already present in MySQL and MongoDB; nothing changed."),
        "{}",
        out(&third)
    );
    assert_eq!(prescriptions(&env).await, before);
    assert_eq!(appointments(&env).await, appointments_before);
    assert_eq!(
        count(&env, "SELECT COUNT(*) FROM audit_log").await,
        audit_before + 1
    );
}

#[tokio::test]
async fn mongo_only_fills_a_partial_mongo_part_and_keeps_what_is_there() {
    let env = TestEnv::new().await;
    let seeded = env
        .services
        .seed_demo(&Actor::System, false)
        .await
        .expect("seed");
    let clinic::service::demo::SeedOutcome::Seeded(counts) = seeded else {
        panic!("{seeded:?}")
    };
    let full = prescriptions(&env).await;
    assert_eq!(full.len(), counts.prescriptions);
    let ids: Vec<i32> = full
        .iter()
        .map(|p| p.get_i32("appointment_id").expect("id"))
        .collect();
    // Ten go missing; one is edited by hand.
    let gone: Vec<i32> = ids.iter().copied().step_by(7).take(10).collect();
    let collection = env.mongo.collection::<Document>("prescriptions");
    collection
        .delete_many(doc! { "appointment_id": { "$in": gone.clone() } })
        .await
        .expect("delete");
    let edited = ids[1];
    assert!(!gone.contains(&edited));
    collection
        .update_one(
            doc! { "appointment_id": edited },
            doc! { "$set": { "notes.diagnosis": "Edited by hand", "version": 2_i64 } },
        )
        .await
        .expect("edit");

    let o = clinic_cli(&env, &["seed", "--demo", "--mongo-only"]);
    assert!(o.status.success(), "{}", err(&o));
    let kept = full.len() - gone.len();
    assert!(
        out(&o).contains(&format!(
            "MySQL demo data present; recreated 10 missing demo prescriptions in MongoDB (database {}); {kept} were there already and were kept.",
            env.db_name
        )),
        "{}",
        out(&o)
    );
    let after = prescriptions(&env).await;
    assert_eq!(after.len(), full.len());
    for (a, b) in after.iter().zip(&full) {
        let id = a.get_i32("appointment_id").expect("id");
        if id == edited {
            let notes = a.get_document("notes").expect("notes");
            assert_eq!(notes.get_str("diagnosis").ok(), Some("Edited by hand"));
            assert_eq!(a.get_i64("version").ok(), Some(2));
        } else {
            assert_eq!(a, b, "appointment {id} is back as it was");
        }
    }

    let o = clinic_cli(&env, &["seed", "--demo", "--mongo-only"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("already present"), "{}", out(&o));
    assert_eq!(prescriptions(&env).await, after);
}

#[tokio::test]
async fn mongo_only_without_the_mysql_demo_says_so_and_writes_nothing() {
    let env = TestEnv::new().await;
    let o = clinic_cli(&env, &["seed", "--demo", "--mongo-only"]);
    assert!(!o.status.success());
    assert!(
        err(&o).contains("MySQL holds no demo data (no admin@demo.clinic account)")
            && err(&o).contains("run `clinic seed --demo` first"),
        "{}",
        err(&o)
    );
    assert_eq!(rx_store::count(&env.mongo).await.expect("count"), 0);
    assert_eq!(count(&env, "SELECT COUNT(*) FROM doctors").await, 0);

    let o = clinic_cli(&env, &["seed", "--demo", "--mongo-only", "--if-empty"]);
    assert!(!o.status.success(), "the two flags do not go together");
    assert!(err(&o).contains("cannot be used with"), "{}", err(&o));
}

#[tokio::test]
async fn seed_refuses_to_link_the_demo_to_prescriptions_mysql_knows_nothing_of() {
    let env = TestEnv::new().await;
    // A MongoDB left over from another MySQL database: prescriptions for visits 1 and 2.
    for appointment_id in [1, 2] {
        let mut p = Prescription::new_draft(appointment_id, 3, 3, chrono::Utc::now());
        p.version = 1;
        rx_store::insert(&env.mongo, &p).await.expect("insert");
    }
    let o = clinic_cli(&env, &["seed", "--demo", "--if-empty"]);
    assert!(!o.status.success(), "{}", out(&o));
    assert!(
        err(&o).contains(&format!(
            "MongoDB database {} already holds 2 prescriptions for appointments this MySQL database does not have",
            env.db_name
        )) && err(&o).contains("Nothing was loaded"),
        "{}",
        err(&o)
    );
    assert_eq!(count(&env, "SELECT COUNT(*) FROM doctors").await, 0);
    assert_eq!(count(&env, "SELECT COUNT(*) FROM appointments").await, 0);
    assert_eq!(rx_store::count(&env.mongo).await.expect("count"), 2);
}

#[tokio::test]
async fn seed_if_empty_leaves_a_real_clinic_and_its_mongo_database_alone() {
    let env = TestEnv::new().await;
    env.services
        .add_user(
            &Actor::System,
            clinic::service::users::NewAccount {
                role: Role::Admin,
                email: "boss@harbour.example".into(),
                full_name: "Harbour Boss".into(),
                specialization: None,
                password: "correct horse battery staple".into(),
            },
        )
        .await
        .expect("a real admin");
    let o = clinic_cli(&env, &["seed", "--demo", "--if-empty"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("not loaded"), "{}", out(&o));
    assert_eq!(count(&env, "SELECT COUNT(*) FROM doctors").await, 0);
    assert_eq!(rx_store::count(&env.mongo).await.expect("count"), 0);
    let o = clinic_cli(&env, &["seed", "--demo", "--mongo-only"]);
    assert!(!o.status.success(), "no demo to build prescriptions from");
    assert_eq!(rx_store::count(&env.mongo).await.expect("count"), 0);
}
