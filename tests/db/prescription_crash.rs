//! A prescription save against a document store that dies between any two of its writes
//! (and, separately, right after receiving a write whose reply never comes back): no
//! version is ever lost, every version has one content, and a stale editor's draft is
//! never stored, neither as the current document nor in the history.
//!
//! The store "dies" through a proxy that reads the MongoDB wire protocol: it counts the
//! write commands passing through and, at the chosen one, drops every connection and
//! refuses new ones until the test brings it back.

use crate::common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{Duration as ChronoDuration, Utc};
use clinic::domain::appointment::{AppointmentStatus, NewAppointment};
use clinic::domain::person::{NewDoctor, NewPatient};
use clinic::domain::prescription::{Medication, Prescription};
use clinic::domain::{Actor, Role};
use clinic::service::Services;
use clinic::service::prescriptions::SaveError;
use clinic::store::mysql::{appointments, patients, people};
use common::TestEnv;
use mongodb::bson::{Document, doc};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// Where the proxied store dies.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kill {
    Never,
    /// After `n` write commands went through: the next one is not delivered.
    BeforeWrite(usize),
    /// The `n`-th write command is delivered, its reply is not.
    AfterWrite(usize),
}

struct State {
    writes: usize,
    kill: Kill,
    dead: bool,
}

/// A MongoDB wire-protocol proxy that can die at a chosen write.
struct FaultProxy {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    dead_tx: watch::Sender<bool>,
}

const OP_MSG: i32 = 2013;

/// The command name of an OP_MSG (the first key of its body document).
fn command_name(msg: &[u8]) -> Option<String> {
    let opcode = i32::from_le_bytes(msg.get(12..16)?.try_into().ok()?);
    if opcode != OP_MSG || *msg.get(20)? != 0 {
        return None;
    }
    // header (16), flag bits (4), section kind (1), document length (4), element type (1)
    let name = msg.get(26..)?;
    let end = name.iter().position(|b| *b == 0)?;
    String::from_utf8(name[..end].to_vec()).ok()
}

fn is_write(msg: &[u8]) -> bool {
    matches!(
        command_name(msg).as_deref(),
        Some("insert" | "update" | "delete" | "findAndModify")
    )
}

async fn read_message(stream: &mut (impl AsyncReadExt + Unpin)) -> Option<Vec<u8>> {
    let mut header = [0u8; 4];
    stream.read_exact(&mut header).await.ok()?;
    let len = usize::try_from(i32::from_le_bytes(header)).ok()?;
    if !(16..=48_000_000).contains(&len) {
        return None;
    }
    let mut msg = vec![0u8; len];
    msg[..4].copy_from_slice(&header);
    stream.read_exact(&mut msg[4..]).await.ok()?;
    Some(msg)
}

impl FaultProxy {
    async fn start(target: SocketAddr) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy addr");
        let state = Arc::new(Mutex::new(State {
            writes: 0,
            kill: Kill::Never,
            dead: false,
        }));
        let (dead_tx, dead_rx) = watch::channel(false);
        let accept_state = state.clone();
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                if accept_state.lock().map(|s| s.dead).unwrap_or(true) {
                    drop(inbound);
                    continue;
                }
                let Ok(outbound) = TcpStream::connect(target).await else {
                    continue;
                };
                tokio::spawn(relay(
                    inbound,
                    outbound,
                    accept_state.clone(),
                    dead_rx.clone(),
                ));
            }
        });
        FaultProxy {
            addr,
            state,
            dead_tx,
        }
    }

    fn arm(&self, kill: Kill) {
        if let Ok(mut s) = self.state.lock() {
            s.writes = 0;
            s.kill = kill;
        }
    }

    fn writes(&self) -> usize {
        self.state.lock().map(|s| s.writes).unwrap_or(0)
    }

    fn is_dead(&self) -> bool {
        self.state.lock().map(|s| s.dead).unwrap_or(true)
    }

    /// The store is back (and stays up).
    fn revive(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.dead = false;
            s.kill = Kill::Never;
        }
        let _ = self.dead_tx.send(false);
    }
}

async fn relay(
    inbound: TcpStream,
    outbound: TcpStream,
    state: Arc<Mutex<State>>,
    mut dead_rx: watch::Receiver<bool>,
) {
    let (mut client_rd, mut client_wr) = inbound.into_split();
    let (mut server_rd, mut server_wr) = outbound.into_split();
    let up_state = state.clone();
    let up = async move {
        while let Some(msg) = read_message(&mut client_rd).await {
            let deliver = {
                let Ok(mut s) = up_state.lock() else { return };
                if s.dead {
                    return;
                }
                if is_write(&msg) {
                    s.writes += 1;
                    match s.kill {
                        Kill::BeforeWrite(n) if s.writes > n => s.dead = true,
                        // Dead from now on, so that the reply is never relayed.
                        Kill::AfterWrite(n) if s.writes == n => s.dead = true,
                        _ => {}
                    }
                    !(s.dead && matches!(s.kill, Kill::BeforeWrite(_)))
                } else {
                    true
                }
            };
            if deliver && server_wr.write_all(&msg).await.is_err() {
                return;
            }
            if up_state.lock().map(|s| s.dead).unwrap_or(true) {
                return;
            }
        }
    };
    let down_state = state.clone();
    let down = async move {
        while let Some(msg) = read_message(&mut server_rd).await {
            if down_state.lock().map(|s| s.dead).unwrap_or(true) {
                return;
            }
            if client_wr.write_all(&msg).await.is_err() {
                return;
            }
        }
    };
    // Any relay that sees the store die drops both of its sockets.
    let dead = async move {
        loop {
            if state.lock().map(|s| s.dead).unwrap_or(true) {
                return;
            }
            if dead_rx.changed().await.is_err() {
                return;
            }
        }
    };
    tokio::select! {
        _ = up => {}
        _ = down => {}
        _ = dead => {}
    }
}

struct Rig {
    env: TestEnv,
    proxy: FaultProxy,
    /// Through the proxy.
    services: Services,
    doctor: i32,
    patient: i32,
    actor: Actor,
}

async fn rig() -> Rig {
    let env = TestEnv::new().await;
    let target = common::proxy::target_of(&common::base_mongo_uri());
    let proxy = FaultProxy::start(target).await;
    // Straight to the proxy (no discovery of the real address), failing fast while it is
    // down, noticing quickly when it is back.
    let uri = format!(
        "mongodb://{}/?directConnection=true&serverSelectionTimeoutMS=400&connectTimeoutMS=400&heartbeatFrequencyMS=500",
        proxy.addr
    );
    let options = mongodb::options::ClientOptions::parse(&uri)
        .await
        .expect("parse the proxy URI");
    let mongo = mongodb::Client::with_options(options)
        .expect("client")
        .database(&env.db_name);
    let pool = clinic::store::mysql::connect(&common::mysql_url_for(&env.db_name), 4)
        .await
        .expect("pool");
    let services = Services::new(pool, mongo, env.config.clone());
    let doctor = people::insert_doctor(
        &env.pool,
        &NewDoctor {
            full_name: "Dr. Gregory House".into(),
            email: "house@x.org".into(),
            specialization: "Diagnostics".into(),
            ..NewDoctor::default()
        },
        "!",
    )
    .await
    .expect("doctor");
    let patient = patients::insert(
        &env.pool,
        &NewPatient {
            full_name: "Zoë Ångström".into(),
            email: "zoe@x.org".into(),
            ..NewPatient::default()
        },
        "!",
    )
    .await
    .expect("patient");
    let actor = Actor::User {
        role: Role::Doctor,
        id: doctor,
        name: "Dr. Gregory House".into(),
        email: "house@x.org".into(),
    };
    Rig {
        env,
        proxy,
        services,
        doctor,
        patient,
        actor,
    }
}

impl Rig {
    async fn appointment(&self, hours_ago: i64) -> i32 {
        appointments::insert(
            &self.env.pool,
            &NewAppointment {
                patient_id: self.patient,
                doctor_id: self.doctor,
                location_id: None,
                start_utc: (Utc::now() - ChronoDuration::hours(hours_ago)).naive_utc(),
                duration_minutes: 30,
            },
            AppointmentStatus::Completed,
            "SYSTEM",
            None,
        )
        .await
        .expect("appointment")
    }

    /// A draft whose recommendations carry `mark`, so that each save's content is known.
    fn draft(
        &self,
        appointment_id: i32,
        based_on: Option<&Prescription>,
        mark: &str,
    ) -> Prescription {
        let mut p = based_on.cloned().unwrap_or_else(|| {
            Prescription::new_draft(appointment_id, self.doctor, self.patient, Utc::now())
        });
        p.medications = vec![Medication {
            name: "Amoxicillin".into(),
            dosage: "500mg".into(),
            frequency: "3 times a day".into(),
            duration_days: Some(7),
            notes: "Take after meals".into(),
        }];
        p.notes.recommendations = mark.to_string();
        p
    }

    async fn save(
        &self,
        appointment_id: i32,
        based_on: Option<&Prescription>,
        mark: &str,
    ) -> Result<Prescription, SaveError> {
        self.save_with(&self.services, appointment_id, based_on, mark)
            .await
    }

    async fn save_with(
        &self,
        services: &Services,
        appointment_id: i32,
        based_on: Option<&Prescription>,
        mark: &str,
    ) -> Result<Prescription, SaveError> {
        services
            .save_prescription(
                &self.actor,
                self.draft(appointment_id, based_on, mark),
                based_on.map(|p| p.version),
            )
            .await
    }

    /// Waits until the store answers through the proxy again.
    async fn until_back(&self, appointment_id: i32) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if self
                .services
                .load_for_appointment(&self.actor, appointment_id)
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the store did not come back through the proxy");
    }

    /// Every stored copy of every version (current document and history), read straight
    /// from the server: version -> the recommendations of each copy.
    async fn copies(&self, appointment_id: i32) -> BTreeMap<i64, Vec<String>> {
        use futures::TryStreamExt;
        let mut out: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for collection in ["prescriptions", "prescription_history"] {
            let docs: Vec<Document> = self
                .env
                .mongo
                .collection::<Document>(collection)
                .find(doc! { "appointment_id": appointment_id })
                .await
                .expect("find")
                .try_collect()
                .await
                .expect("collect");
            for d in docs {
                let version = d.get_i64("version").expect("version");
                let mark = d
                    .get_document("notes")
                    .and_then(|n| n.get_str("recommendations"))
                    .unwrap_or_default()
                    .to_string();
                out.entry(version).or_default().push(mark);
            }
        }
        out
    }

    async fn current(&self, appointment_id: i32) -> Prescription {
        clinic::store::mongo::prescriptions::find_by_appointment(&self.env.mongo, appointment_id)
            .await
            .expect("read")
            .expect("a prescription")
    }
}

/// No version missing from 1 to the current one, one content per version.
fn assert_whole(copies: &BTreeMap<i64, Vec<String>>, current: i64, context: &str) {
    let versions: Vec<i64> = copies.keys().copied().collect();
    assert_eq!(
        versions,
        (1..=current).collect::<Vec<_>>(),
        "{context}: versions stored {copies:?}"
    );
    for (v, marks) in copies {
        assert!(
            marks.windows(2).all(|w| w[0] == w[1]),
            "{context}: version {v} has different contents {marks:?}"
        );
    }
}

fn contains(copies: &BTreeMap<i64, Vec<String>>, mark: &str) -> bool {
    copies.values().flatten().any(|m| m == mark)
}

#[tokio::test(flavor = "multi_thread")]
async fn killing_the_store_between_any_two_writes_of_a_save_loses_nothing() {
    let rig = rig().await;

    // How many document writes an edit makes, counted on a clean run.
    let probe = rig.appointment(200).await;
    let v1 = rig.save(probe, None, "probe v1").await.expect("create");
    rig.proxy.arm(Kill::Never);
    rig.save(probe, Some(&v1), "probe v2").await.expect("edit");
    let writes = rig.proxy.writes();
    assert!(
        writes >= 2,
        "an edit writes the document and its history copy: {writes}"
    );

    let mut points: Vec<Kill> = (0..writes).map(Kill::BeforeWrite).collect();
    points.extend((1..=writes).map(Kill::AfterWrite));
    for (i, kill) in points.into_iter().enumerate() {
        let context = format!("store killed at {kill:?}");
        let appt = rig.appointment(i as i64 + 1).await;
        let v1 = rig.save(appt, None, "v1").await.expect("create");
        // Two editors opened version 1; A saves first, and the store dies during it.
        rig.proxy.arm(kill);
        let a = rig.save(appt, Some(&v1), &format!("A {i}")).await;
        assert!(rig.proxy.is_dead(), "{context}: the kill point was reached");
        rig.proxy.revive();
        rig.until_back(appt).await;
        if let Err(e) = &a {
            assert!(e.is_unavailable(), "{context}: A failed with {e:?}");
        }
        let stored = rig.current(appt).await;
        let a_landed = stored.notes.recommendations == format!("A {i}");
        assert!(
            a_landed || stored.version == 1,
            "{context}: the document holds {stored:?}"
        );
        if a.is_ok() {
            assert!(a_landed, "{context}: A was told its save succeeded");
        }

        // B, still on version 1, saves now.
        let b = rig.save(appt, Some(&v1), &format!("B {i}")).await;
        let after_b = rig.current(appt).await;
        if a_landed {
            match &b {
                Err(SaveError::Stale { current }) => {
                    assert_eq!(current.notes.recommendations, format!("A {i}"), "{context}")
                }
                other => panic!("{context}: B was stale but got {other:?}"),
            }
            assert_eq!(after_b.version, 2, "{context}");
        } else {
            // A never saved: B is not stale and wins version 2.
            let saved = b.as_ref().expect("B saves over version 1");
            assert_eq!(saved.version, 2, "{context}");
        }

        // One more edit on top of whatever is current (the next save repairs a missing
        // history copy), then the whole record must be there.
        let last = rig
            .save(appt, Some(&after_b), &format!("C {i}"))
            .await
            .expect("the next edit");
        assert_eq!(last.version, 3, "{context}");
        let copies = rig.copies(appt).await;
        assert_whole(&copies, 3, &context);
        assert_eq!(
            copies[&1],
            vec!["v1".to_string(); copies[&1].len()],
            "{context}"
        );
        if a_landed {
            assert!(
                !contains(&copies, &format!("B {i}")),
                "{context}: the stale editor's draft was stored: {copies:?}"
            );
            assert_eq!(copies[&2][0], format!("A {i}"), "{context}");
        } else {
            assert!(
                !contains(&copies, &format!("A {i}")),
                "{context}: a save that never reached the document was stored: {copies:?}"
            );
            assert_eq!(copies[&2][0], format!("B {i}"), "{context}");
        }

        // The history the service shows is the same, in order.
        let shown: Vec<(i64, String)> = rig
            .services
            .prescription_history(&rig.actor, appt)
            .await
            .expect("history")
            .into_iter()
            .map(|p| (p.version, p.notes.recommendations))
            .collect();
        let expected: Vec<(i64, String)> = copies
            .iter()
            .map(|(v, marks)| (*v, marks[0].clone()))
            .collect();
        assert_eq!(shown, expected, "{context}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_editors_of_one_version_store_exactly_one() {
    let rig = rig().await;
    let appt = rig.appointment(3).await;
    let mut base = rig.save(appt, None, "v1").await.expect("create");
    // The editors run in two processes' worth of services: each knows only the versions
    // it wrote itself.
    let other = rig.env.restarted().await;
    for round in 0..6 {
        let (mark_a, mark_b) = (format!("A {round}"), format!("B {round}"));
        let (a, b) = tokio::join!(
            rig.save(appt, Some(&base), &mark_a),
            rig.save_with(&other, appt, Some(&base), &mark_b)
        );
        let (winner, loser, loser_mark) = match (a, b) {
            (Ok(w), Err(l)) => (w, l, mark_b),
            (Err(l), Ok(w)) => (w, l, mark_a),
            other => panic!(
                "exactly one editor of version {} wins: {other:?}",
                base.version
            ),
        };
        assert!(matches!(loser, SaveError::Stale { .. }), "{loser:?}");
        let copies = rig.copies(appt).await;
        assert_whole(&copies, winner.version, &format!("round {round}"));
        assert!(!contains(&copies, &loser_mark), "{copies:?}");
        base = winner;
    }
}
