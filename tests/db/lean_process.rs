//! A command opens only what it needs: `--version` reads no configuration, a SQL-only
//! command never contacts MongoDB and uses one MySQL connection, which it closes
//! politely; free slots come in one statement, the doctor's email lookup included.

use crate::common;

use std::net::SocketAddr;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{Datelike, Days, NaiveTime, Utc, Weekday};
use clinic::config::{Config, FileSettings, Overrides};
use clinic::domain::availability::Window;
use clinic::domain::person::NewDoctor;
use clinic::service::{ServiceError, Services, Usage};
use clinic::store::mysql::{availability, people};
use common::TestEnv;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn clinic(args: &[&str], vars: &[(&str, String)]) -> Output {
    let state = std::env::temp_dir().join(format!("clinic-lean-{}", std::process::id()));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_clinic"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("XDG_CONFIG_HOME", &state)
        .env("XDG_STATE_HOME", &state)
        .env("HOME", &state)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().expect("run clinic")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A loopback proxy that counts the connections it carries and keeps the last bytes
/// each client sent before closing.
struct CountingProxy {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    last_client_bytes: Arc<std::sync::Mutex<Vec<Vec<u8>>>>,
}

impl CountingProxy {
    /// The last bytes of each finished connection, once `n` have finished.
    async fn tails(&self, n: usize) -> Vec<Vec<u8>> {
        let started = std::time::Instant::now();
        loop {
            let tails = self
                .last_client_bytes
                .lock()
                .map(|t| t.clone())
                .unwrap_or_default();
            if tails.len() >= n || started.elapsed() > std::time::Duration::from_secs(10) {
                return tails;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }

    async fn start(target: SocketAddr) -> CountingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let connections = Arc::new(AtomicUsize::new(0));
        let last_client_bytes = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (count, last) = (connections.clone(), last_client_bytes.clone());
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                let last = last.clone();
                tokio::spawn(async move {
                    let Ok(outbound) = TcpStream::connect(target).await else {
                        return;
                    };
                    let (mut c_rd, mut c_wr) = inbound.into_split();
                    let (mut s_rd, mut s_wr) = outbound.into_split();
                    let up = async move {
                        let mut buf = vec![0u8; 65536];
                        let mut tail = Vec::new();
                        while let Ok(n) = c_rd.read(&mut buf).await {
                            if n == 0 || s_wr.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                            tail = buf[..n].to_vec();
                        }
                        tail
                    };
                    let down = tokio::io::copy(&mut s_rd, &mut c_wr);
                    let (tail, _) = tokio::join!(up, down);
                    if let Ok(mut l) = last.lock() {
                        l.push(tail);
                    }
                });
            }
        });
        CountingProxy {
            addr,
            connections,
            last_client_bytes,
        }
    }
}

/// A doctor with Monday–Friday 09:00–12:00 windows and the next Monday's date.
async fn doctor_with_a_week(env: &TestEnv) -> (i32, String) {
    let id = people::insert_doctor(
        &env.pool,
        &NewDoctor {
            full_name: "Dr. Maya Okafor".into(),
            email: "okafor@x.org".into(),
            specialization: "General practice".into(),
            ..NewDoctor::default()
        },
        "!",
    )
    .await
    .expect("doctor");
    for day in [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ] {
        availability::insert_window(
            &env.pool,
            id,
            &Window::new(
                day,
                NaiveTime::from_hms_opt(9, 0, 0).expect("time"),
                NaiveTime::from_hms_opt(12, 0, 0).expect("time"),
                None,
            ),
        )
        .await
        .expect("window");
    }
    let mut date = Utc::now().date_naive() + Days::new(14);
    while date.weekday() != Weekday::Mon {
        date = date + Days::new(1);
    }
    (id, date.format("%Y-%m-%d").to_string())
}

#[test]
fn version_is_answered_before_any_configuration_is_read() {
    let broken =
        std::env::temp_dir().join(format!("clinic-lean-broken-{}.toml", std::process::id()));
    std::fs::write(&broken, "this is = = not toml").expect("write");
    let vars = [("CLINIC_CONFIG", broken.display().to_string())];
    for flag in ["--version", "-V"] {
        let out = clinic(&[flag], &vars);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(
            text(&out.stdout),
            format!("clinic {}\n", env!("CARGO_PKG_VERSION"))
        );
    }
    // Anything else does read it, and says what is wrong.
    let out = clinic(&["check"], &vars);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("not valid TOML"),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_file(broken);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sql_only_command_uses_one_mysql_connection_and_no_mongodb() {
    let env = TestEnv::new().await;
    let (_, date) = doctor_with_a_week(&env).await;
    let mysql = CountingProxy::start(common::proxy::target_of(&common::mysql_url_for(
        &env.db_name,
    )))
    .await;
    // A MongoDB "server" that counts anyone knocking.
    let mongo = CountingProxy::start(common::proxy::target_of(&common::base_mongo_uri())).await;
    let url = common::proxy::via(&common::mysql_url_for(&env.db_name), mysql.addr);
    let vars = [
        ("DATABASE_URL", url.clone()),
        ("CLINIC_TZ", "Europe/London".to_string()),
    ];
    let args = [
        "appointments",
        "slots",
        "--doctor",
        "okafor@x.org",
        "--date",
        &date,
        "--days",
        "7",
        "--minutes",
        "30",
    ];
    // Without any MongoDB setting at all.
    let out = clinic(&args, &vars);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<String> = text(&out.stdout).lines().map(str::to_string).collect();
    // Five mornings of 09:00–12:00, 30 minutes on a 15-minute step: 11 starts each.
    assert_eq!(lines.len(), 55, "{lines:?}");
    assert!(lines[0].ends_with("09:00"), "{lines:?}");
    assert_eq!(mysql.connections.load(Ordering::SeqCst), 1);
    // The connection ends with COM_QUIT (length 1, sequence 0, command 0x01), not a
    // dropped socket the server would log as aborted.
    assert_eq!(mysql.tails(1).await, vec![vec![1, 0, 0, 0, 1]]);

    // With MongoDB configured, a SQL-only command still never contacts it.
    let mut with_mongo = vars.to_vec();
    with_mongo.push((
        "MONGODB_URI",
        format!("mongodb://{}/?directConnection=true", mongo.addr),
    ));
    let out = clinic(&["appointments", "list", "--all"], &with_mongo);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "No appointments.");
    let out = clinic(&args, &with_mongo);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(mongo.connections.load(Ordering::SeqCst), 0);
    assert_eq!(mysql.connections.load(Ordering::SeqCst), 3);

    // A command that needs documents does contact it.
    let out = clinic(&["check"], &with_mongo);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(mongo.connections.load(Ordering::SeqCst) > 0);
}

#[tokio::test]
async fn an_unknown_doctor_email_is_a_sentence_from_the_same_statement() {
    let env = TestEnv::new().await;
    let (id, date) = doctor_with_a_week(&env).await;
    let from = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").expect("date");
    let by_email = env
        .services
        .free_slots_by_email("OKAFOR@x.org", from, 3, Some(30))
        .await
        .expect("slots by email");
    let by_id = env
        .services
        .free_slots(id, from, 3, Some(30))
        .await
        .expect("slots by id");
    assert_eq!(by_email, by_id);
    assert_eq!(by_id.len(), 33);
    let err = env
        .services
        .free_slots_by_email("nobody@x.org", from, 1, None)
        .await
        .expect_err("no such doctor");
    assert_eq!(
        err,
        ServiceError::NotFound("A doctor with the email nobody@x.org".into())
    );
    let err = env
        .services
        .free_slots_by_email("not an email", from, 1, None)
        .await
        .expect_err("not an email");
    assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
}

#[tokio::test]
async fn one_shot_services_open_mongodb_only_when_asked() {
    let env = TestEnv::new().await;
    let overrides = Overrides {
        database_url: Some(common::mysql_url_for(&env.db_name)),
        mongodb_uri: None,
        mongodb_database: Some(env.db_name.clone()),
        time_zone: Some("UTC".into()),
        config_file: None,
    };
    let config = Arc::new(Config::resolve(FileSettings::default(), &overrides).expect("config"));
    // The TUI and the commands that touch documents need a MongoDB URI up front.
    for usage in [Usage::Interactive, Usage::OneShot { documents: true }] {
        let err = Services::connect_for(config.clone(), usage)
            .await
            .err()
            .expect("no MongoDB configured");
        assert!(err.to_string().contains("MONGODB_URI"), "{err}");
    }
    // A SQL-only command does not; should it ever reach for documents, it is told why.
    let services = Services::connect_for(config, Usage::OneShot { documents: false })
        .await
        .expect("SQL only");
    let (doctor, _) = doctor_with_a_week(&env).await;
    let patient = clinic::store::mysql::patients::insert(
        &env.pool,
        &clinic::domain::person::NewPatient {
            full_name: "Ana Ribeiro".into(),
            email: "ana@x.org".into(),
            ..Default::default()
        },
        "!",
    )
    .await
    .expect("patient");
    let appointment = clinic::store::mysql::appointments::insert(
        &env.pool,
        &clinic::domain::appointment::NewAppointment {
            patient_id: patient,
            doctor_id: doctor,
            location_id: None,
            start_utc: (Utc::now() - chrono::Duration::hours(2)).naive_utc(),
            duration_minutes: 30,
        },
        clinic::domain::appointment::AppointmentStatus::Completed,
        "SYSTEM",
        None,
    )
    .await
    .expect("appointment");
    let err = services
        .prescription_exists(&clinic::domain::Actor::System, appointment)
        .await
        .expect_err("no document store configured");
    match &err {
        ServiceError::DocumentStoreUnavailable(why) => {
            assert!(why.contains("MONGODB_URI"), "{why}")
        }
        other => panic!("expected the missing store to be named, got {other:?}"),
    }
    services.close().await;
}
