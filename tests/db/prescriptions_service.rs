//! Prescriptions against the MongoDB-wire server and MariaDB: versions and history, the
//! stale-editor conflict, one per appointment, permissions with audit, round trips,
//! the unreachable-store path, aggregation insight, attachments and the Markdown export.

use crate::common;

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use clinic::config::{Config, FileSettings, Overrides};
use clinic::domain::appointment::{AppointmentStatus, NewAppointment};
use clinic::domain::audit::Outcome;
use clinic::domain::prescription::{Medication, Prescription};
use clinic::domain::{Actor, Role};
use clinic::service::prescriptions::SaveError;
use clinic::service::{Clock, ServiceError, Services};
use clinic::store::mysql::{appointments, audit};
use clinic::tui::drafts::DraftOp;
use clinic::tui::effect::Effect;
use clinic::tui::msg::Msg;
use clinic::tui::routes::{Op, Reply, Route};
use clinic::tui::screen::Action;
use clinic::tui::screens::prescription::editor::{EditorOp, EditorReply, EditorScreen};
use clinic::tui::screens::prescription::ops::EditorData;
use common::TestEnv;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Monday 12 January 2026, 10:00 UTC.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 12, 10, 0, 0)
        .single()
        .expect("time")
}

fn past(hours: i64) -> NaiveDateTime {
    (now() - Duration::hours(hours)).naive_utc()
}

struct Clinic {
    env: TestEnv,
    services: Services,
    doctor: i32,
    other_doctor: i32,
    patient: i32,
    other_patient: i32,
    /// doctor + patient
    appt: i32,
    /// other doctor + other patient
    other_appt: i32,
}

fn user(role: Role, id: i32) -> Actor {
    Actor::User {
        role,
        id,
        name: format!("{role} {id}"),
        email: format!("{}{id}@x.org", role.as_str().to_lowercase()),
    }
}

async fn doctor(env: &TestEnv, email: &str, name: &str) -> i32 {
    env.insert_doctor(email, name).await
}

async fn patient(env: &TestEnv, email: &str, name: &str) -> i32 {
    env.insert_patient(email, name).await
}

async fn appointment(env: &TestEnv, doctor: i32, patient: i32, start: NaiveDateTime) -> i32 {
    appointments::insert(
        &env.pool,
        &NewAppointment {
            patient_id: patient,
            doctor_id: doctor,
            location_id: None,
            start_utc: start,
            duration_minutes: 30,
        },
        AppointmentStatus::Completed,
        "SYSTEM",
        None,
    )
    .await
    .expect("appointment")
}

async fn clinic() -> Clinic {
    let env = TestEnv::new().await;
    let d = doctor(&env, "house@x.org", "Dr. Gregory House").await;
    let d2 = doctor(&env, "wilson@x.org", "Dr. James Wilson").await;
    let p = patient(&env, "zoe@x.org", "Zoë Ångström").await;
    let p2 = patient(&env, "bob@x.org", "Bob Other").await;
    let appt = appointment(&env, d, p, past(2)).await;
    let other_appt = appointment(&env, d2, p2, past(3)).await;
    let services = env.services.clone().with_clock(Clock::Fixed(now()));
    Clinic {
        env,
        services,
        doctor: d,
        other_doctor: d2,
        patient: p,
        other_patient: p2,
        appt,
        other_appt,
    }
}

fn med(name: &str, dosage: &str) -> Medication {
    Medication {
        name: name.into(),
        dosage: dosage.into(),
        frequency: "3 times a day".into(),
        duration_days: Some(7),
        notes: String::new(),
    }
}

fn draft(c: &Clinic, meds: &[(&str, &str)]) -> Prescription {
    let mut p = Prescription::new_draft(c.appt, 0, 0, now());
    p.medications = meds.iter().map(|(n, d)| med(n, d)).collect();
    p.notes.diagnosis = "Suspected bacterial pharyngitis.".into();
    p.tags = vec!["infection".into()];
    p
}

async fn audit_rows(c: &Clinic, action: &str) -> Vec<clinic::domain::audit::AuditEntry> {
    audit::recent(&c.env.pool, Some(action), 100)
        .await
        .expect("audit rows")
}

#[tokio::test]
async fn create_edit_bumps_the_version_and_keeps_history() {
    let c = clinic().await;
    let doc = user(Role::Doctor, c.doctor);
    let v1 = c
        .services
        .save_prescription(&doc, draft(&c, &[("Amoxicillin", "500mg")]), None)
        .await
        .expect("create");
    assert_eq!(v1.version, 1);
    assert_eq!(
        v1.patient_id, c.patient,
        "owner ids come from the appointment"
    );
    assert_eq!(v1.doctor_id, c.doctor);

    let mut edit = v1.clone();
    edit.medications.push(med("Ibuprofen", "200mg"));
    edit.notes.recommendations = "Rest.".into();
    let v2 = c
        .services
        .save_prescription(&doc, edit, Some(1))
        .await
        .expect("update");
    assert_eq!(v2.version, 2);
    assert_eq!(v2.created_at, v1.created_at);

    let mut edit = v2.clone();
    edit.medications.remove(0);
    let v3 = c
        .services
        .save_prescription(&doc, edit, Some(2))
        .await
        .expect("update again");
    assert_eq!(v3.version, 3);

    let loaded = c
        .services
        .load_for_appointment(&doc, c.appt)
        .await
        .expect("load")
        .expect("exists");
    assert_eq!(loaded, v3);

    let history = c
        .services
        .prescription_history(&doc, c.appt)
        .await
        .expect("history");
    let versions: Vec<i64> = history.iter().map(|p| p.version).collect();
    assert_eq!(versions, vec![1, 2, 3]);
    assert_eq!(history[0].medications, v1.medications);
    assert_eq!(history[2], v3);
    let lines: Vec<String> = clinic::service::prescriptions::diff(&history[0], &history[2])
        .iter()
        .map(|l| l.text())
        .collect();
    assert!(lines.contains(&"- medication Amoxicillin: 500mg, 3 times a day, 7 days".into()));
    assert!(lines.contains(&"+ medication Ibuprofen: 200mg, 3 times a day, 7 days".into()));

    let creates = audit_rows(&c, "PRESCRIPTION_CREATE").await;
    assert_eq!(creates.len(), 1);
    assert_eq!(creates[0].patient_id, Some(c.patient));
    assert_eq!(audit_rows(&c, "PRESCRIPTION_UPDATE").await.len(), 2);
    assert!(!audit_rows(&c, "PRESCRIPTION_READ").await.is_empty());
    assert_eq!(audit_rows(&c, "PRESCRIPTION_HISTORY").await.len(), 1);
}

#[tokio::test]
async fn two_stale_editors_one_wins_the_other_sees_the_newer_version() {
    let c = clinic().await;
    let doc = user(Role::Doctor, c.doctor);
    let v1 = c
        .services
        .save_prescription(&doc, draft(&c, &[("Amoxicillin", "500mg")]), None)
        .await
        .expect("create");
    let mut mine = v1.clone();
    mine.notes.diagnosis = "Mine".into();
    let mut theirs = v1.clone();
    theirs.notes.diagnosis = "Theirs".into();
    let restarted = c.env.restarted().await.with_clock(Clock::Fixed(now()));
    let (a, b) = tokio::join!(
        c.services.save_prescription(&doc, mine, Some(1)),
        restarted.save_prescription(&doc, theirs, Some(1)),
    );
    let (winner, loser) = match (a, b) {
        (Ok(w), Err(l)) | (Err(l), Ok(w)) => (w, l),
        other => panic!("exactly one save must win: {other:?}"),
    };
    assert_eq!(winner.version, 2);
    match &loser {
        SaveError::Stale { current } => {
            assert_eq!(current.version, 2);
            assert_eq!(current.notes.diagnosis, winner.notes.diagnosis);
        }
        other => panic!("expected a stale conflict, got {other:?}"),
    }
    assert!(loser.to_string().contains("version 2"));
    // Re-based on theirs, mine goes through as version 3.
    let mut rebased = loser.current().expect("current").clone();
    rebased.notes.recommendations = "Mine, on top of theirs".into();
    let v3 = c
        .services
        .save_prescription(&doc, rebased, Some(2))
        .await
        .expect("rebased save");
    assert_eq!(v3.version, 3);
    let versions: Vec<i64> = c
        .services
        .prescription_history(&doc, c.appt)
        .await
        .expect("history")
        .iter()
        .map(|p| p.version)
        .collect();
    assert_eq!(versions, vec![1, 2, 3], "version 1 archived once");

    // Many concurrent editors on the same version: exactly one wins.
    let mut tasks = Vec::new();
    for i in 0..8 {
        let s = c.services.clone();
        let doc = doc.clone();
        let mut p = v3.clone();
        p.notes.chief_complaint = format!("editor {i}");
        tasks.push(tokio::spawn(async move {
            s.save_prescription(&doc, p, Some(3)).await
        }));
    }
    let mut wins = 0;
    let mut stale = 0;
    for t in tasks {
        match t.await.expect("join") {
            Ok(p) => {
                assert_eq!(p.version, 4);
                wins += 1;
            }
            Err(SaveError::Stale { current }) => {
                assert_eq!(current.version, 4);
                stale += 1;
            }
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert_eq!((wins, stale), (1, 7));
}

#[tokio::test]
async fn one_prescription_per_appointment() {
    let c = clinic().await;
    let doc = user(Role::Doctor, c.doctor);
    c.services
        .save_prescription(&doc, draft(&c, &[("Amoxicillin", "500mg")]), None)
        .await
        .expect("create");
    let err = c
        .services
        .save_prescription(&doc, draft(&c, &[("Other", "1g")]), None)
        .await
        .expect_err("second create");
    match &err {
        SaveError::AlreadyExists { current } => assert_eq!(current.version, 1),
        other => panic!("expected AlreadyExists, got {other:?}"),
    }
    assert!(
        err.to_string()
            .contains("This appointment already has a prescription")
    );
}

#[tokio::test]
async fn validation_messages_are_sentences() {
    let c = clinic().await;
    let doc = user(Role::Doctor, c.doctor);
    let err = c
        .services
        .save_prescription(&doc, draft(&c, &[("Amoxicillin", "")]), None)
        .await
        .expect_err("no dosage");
    assert_eq!(
        err,
        SaveError::Service(ServiceError::Invalid(
            "Medication 1 (Amoxicillin) needs a dosage, for example 500mg.".into()
        ))
    );
    let mut bad_tag = draft(&c, &[("Amoxicillin", "5mg")]);
    bad_tag.tags = vec!["no/slash".into()];
    let err = c
        .services
        .save_prescription(&doc, bad_tag, None)
        .await
        .expect_err("tag");
    assert!(err.to_string().contains("may only contain letters"));
}

#[tokio::test]
async fn only_the_appointments_doctor_writes_and_refusals_are_audited() {
    let c = clinic().await;
    for actor in [
        user(Role::Doctor, c.other_doctor),
        user(Role::Admin, 1),
        user(Role::FrontDesk, 1),
        user(Role::Patient, c.patient),
        Actor::System,
    ] {
        let err = c
            .services
            .save_prescription(&actor, draft(&c, &[("Amoxicillin", "500mg")]), None)
            .await
            .expect_err("refused");
        assert!(
            matches!(err, SaveError::Service(ServiceError::Forbidden(_))),
            "{actor:?}: {err:?}"
        );
    }
    let denied = audit_rows(&c, "PRESCRIPTION_CREATE").await;
    assert_eq!(denied.len(), 5);
    assert!(denied.iter().all(|r| r.outcome == Outcome::Denied));
    assert!(denied.iter().all(|r| r.patient_id == Some(c.patient)));
    assert!(
        c.services
            .load_for_appointment(&user(Role::Doctor, c.doctor), c.appt)
            .await
            .expect("load")
            .is_none(),
        "nothing was written"
    );
}

#[tokio::test]
async fn readers_follow_the_role_table() {
    let c = clinic().await;
    let doc = user(Role::Doctor, c.doctor);
    c.services
        .save_prescription(&doc, draft(&c, &[("Amoxicillin", "500mg")]), None)
        .await
        .expect("create");
    let s = &c.services;

    // Front desk: existence only.
    let desk = user(Role::FrontDesk, 5);
    assert!(s.prescription_exists(&desk, c.appt).await.expect("exists"));
    assert!(
        !s.prescription_exists(&desk, c.other_appt)
            .await
            .expect("exists")
    );
    assert!(matches!(
        s.load_for_appointment(&desk, c.appt).await,
        Err(ServiceError::Forbidden(_))
    ));
    assert!(s.timeline_for_patient(&desk, c.patient).await.is_err());
    assert!(s.export_markdown(&desk, c.appt).await.is_err());

    // Patient: own only.
    let own = user(Role::Patient, c.patient);
    let other = user(Role::Patient, c.other_patient);
    assert!(
        s.load_for_appointment(&own, c.appt)
            .await
            .expect("own")
            .is_some()
    );
    assert!(matches!(
        s.load_for_appointment(&other, c.appt).await,
        Err(ServiceError::Forbidden(_))
    ));
    let timeline = s
        .timeline_for_patient(&own, c.patient)
        .await
        .expect("timeline");
    assert_eq!(timeline.len(), 1);
    assert_eq!(timeline[0].doctor_name, "Dr. Gregory House");
    assert_eq!(timeline[0].appointment_time, Some(past(2)));
    assert!(s.timeline_for_patient(&own, c.other_patient).await.is_err());

    // Another doctor who never saw this patient: refused; once they do, allowed.
    let wilson = user(Role::Doctor, c.other_doctor);
    assert!(matches!(
        s.load_for_appointment(&wilson, c.appt).await,
        Err(ServiceError::Forbidden(_))
    ));
    appointment(&c.env, c.other_doctor, c.patient, past(30)).await;
    assert!(
        s.load_for_appointment(&wilson, c.appt)
            .await
            .expect("now their patient")
            .is_some()
    );
    // Admin: everything.
    let admin = user(Role::Admin, 1);
    assert!(
        s.load_for_appointment(&admin, c.appt)
            .await
            .expect("admin")
            .is_some()
    );
    assert_eq!(
        s.timeline_for_patient(&admin, c.patient)
            .await
            .expect("admin timeline")
            .len(),
        1
    );

    let denied: Vec<_> = audit_rows(&c, "PRESCRIPTION_READ")
        .await
        .into_iter()
        .filter(|r| r.outcome == Outcome::Denied)
        .collect();
    assert_eq!(denied.len(), 3, "desk, other patient, other doctor");
    assert!(denied.iter().all(|r| r.patient_id == Some(c.patient)));
    assert_eq!(audit_rows(&c, "PRESCRIPTION_EXISTS").await.len(), 2);
}

#[tokio::test]
async fn unicode_and_fifty_medications_round_trip() {
    let c = clinic().await;
    let doc = user(Role::Doctor, c.doctor);
    let mut p = Prescription::new_draft(c.appt, 0, 0, now());
    p.medications = (0..50)
        .map(|i| Medication {
            name: format!("Médicament {i} — 药 {i} 💊"),
            dosage: format!("{}mg", 10 * (i + 1)),
            frequency: "toutes les 8 h".into(),
            duration_days: Some(i + 1),
            notes: "À prendre après le repas.\nNe pas dépasser la dose.".into(),
        })
        .collect();
    p.notes.chief_complaint = "Кашель и температура\nдва дня".into();
    p.notes.diagnosis = "Ἀσθένεια 🤒".into();
    p.notes.recommendations = "休息 | 多喝水".into();
    p.tags = vec!["grippe".into(), "суставы".into()];
    let saved = c
        .services
        .save_prescription(&doc, p.clone(), None)
        .await
        .expect("save");
    let loaded = c
        .services
        .load_for_appointment(&doc, c.appt)
        .await
        .expect("load")
        .expect("exists");
    assert_eq!(loaded, saved);
    assert_eq!(loaded.medications, p.medications);
    assert_eq!(loaded.notes, p.notes);
    assert_eq!(loaded.tags, p.tags);
    assert_eq!(loaded.medications.len(), 50);
}

#[tokio::test]
async fn an_unreachable_store_is_reported_as_unavailable() {
    let c = clinic().await;
    let overrides = Overrides {
        database_url: Some(common::mysql_url_for(&c.env.db_name)),
        mongodb_uri: Some("mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500".into()),
        mongodb_database: Some(c.env.db_name.clone()),
        time_zone: Some("Europe/London".into()),
        config_file: None,
    };
    let config = Arc::new(Config::resolve(FileSettings::default(), &overrides).expect("config"));
    let pool = clinic::store::mysql::connect(&common::mysql_url_for(&c.env.db_name), 2)
        .await
        .expect("pool");
    // The driver's own parsing keeps serverSelectionTimeoutMS=500 from the URI.
    let opts = mongodb::options::ClientOptions::parse(
        "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500",
    )
    .await
    .expect("parse");
    let mongo = mongodb::Client::with_options(opts)
        .expect("client")
        .database(&c.env.db_name);
    let down = Services::new(pool, mongo, config).with_clock(Clock::Fixed(now()));
    let doc = user(Role::Doctor, c.doctor);
    let started = std::time::Instant::now();
    let err = down
        .save_prescription(&doc, draft(&c, &[("Amoxicillin", "500mg")]), None)
        .await
        .expect_err("store down");
    assert!(err.is_unavailable(), "{err:?}");
    assert!(err.to_string().contains("cannot be reached"));
    assert!(started.elapsed() < std::time::Duration::from_secs(10));

    // The editor, fed this very error, keeps the draft and asks for the draft file.
    let mut state = clinic::tui::AppState::new(
        clinic::tui::state::ClinicInfo {
            name: "Smart Clinic".into(),
            time_zone: chrono_tz::Europe::London,
        },
        clinic::tui::theme::Theme { color: false },
        now(),
    );
    state.session = Some(clinic::service::Session {
        actor: doc.clone(),
        started_at: now(),
    });
    state.stack = vec![clinic::tui::state::Page::new(
        clinic::tui::screens::home::HomeScreen::for_role(Role::Doctor),
    )];
    let keymap = clinic::tui::keymap::Keymap::defaults();
    // As the agenda opens it.
    let effects = clinic::tui::update::apply(
        &mut state,
        0,
        vec![Action::Open(EditorScreen::for_appointment(c.appt).into())],
        &keymap,
    );
    let [
        Effect::Run {
            request,
            op: Op::RxEditor(EditorOp::Open { .. }),
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("expected the editor to load: {effects:?}");
    };
    let brief = c
        .services
        .appointment_brief(&doc, c.appt)
        .await
        .expect("brief from MySQL");
    let mut effects = clinic::tui::update(
        &mut state,
        Msg::Reply {
            request: *request,
            reply: Reply::RxEditor(EditorReply::Opened(Ok(Box::new(EditorData {
                brief,
                stored: None,
                known_tags: Vec::new(),
                draft_file: None,
            })))),
        },
        &keymap,
    );
    effects.extend(clinic::tui::update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE)),
        &keymap,
    ));
    for k in "Amoxicillin"
        .chars()
        .map(KeyCode::Char)
        .chain([KeyCode::Tab])
        .chain("500mg".chars().map(KeyCode::Char))
        .chain([KeyCode::Enter])
    {
        effects.extend(clinic::tui::update(
            &mut state,
            Msg::Key(KeyEvent::new(k, KeyModifiers::NONE)),
            &keymap,
        ));
    }
    let effects = clinic::tui::update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
        &keymap,
    );
    let [
        Effect::Run {
            request,
            op: op @ Op::RxEditor(EditorOp::Save { draft, .. }),
            actor,
        },
    ] = effects.as_slice()
    else {
        panic!("expected a save: {effects:?}");
    };
    assert_eq!(draft.medications[0].name, "Amoxicillin");
    // Run the save as the runtime would, against the unreachable store.
    let reply = op.clone().run(&down, actor).await;
    assert!(
        matches!(
            &reply,
            Reply::RxEditor(EditorReply::Saved(Err(e))) if e.is_unavailable()
        ),
        "still down: {reply:?}"
    );
    let effects = clinic::tui::update(
        &mut state,
        Msg::Reply {
            request: *request,
            reply,
        },
        &keymap,
    );
    match effects.as_slice() {
        [Effect::DraftFile(DraftOp::Write(file))] => {
            assert_eq!(file.appointment_id, c.appt);
            assert_eq!(file.draft.medications[0].name, "Amoxicillin");
        }
        other => panic!("expected the draft file to be written: {other:?}"),
    }
    let Route::RxEditor(screen) = state.screen() else {
        panic!("still in the editor");
    };
    let editor = screen.editor().expect("editor");
    assert_eq!(
        editor.draft.medications.len(),
        1,
        "the draft stays in memory"
    );
    assert!(editor.offline.is_some());
    let status = state
        .status
        .as_ref()
        .map(|l| l.text.clone())
        .unwrap_or_default();
    assert!(status.contains("cannot be reached"), "{status}");
    assert!(matches!(
        down.load_for_appointment(&doc, c.appt).await,
        Err(ServiceError::DocumentStoreUnavailable(_))
    ));
    let failed = audit_rows(&c, "PRESCRIPTION_CREATE").await;
    assert_eq!(failed.len(), 2, "both attempts");
    assert!(failed.iter().all(|r| r.outcome == Outcome::Failed));
}

#[tokio::test]
async fn insight_counts_match_the_documents() {
    let c = clinic().await;
    let doc = user(Role::Doctor, c.doctor);
    let wilson = user(Role::Doctor, c.other_doctor);
    let sets: [&[(&str, &str)]; 3] = [
        &[("Amoxicillin", "500mg"), ("Ibuprofen", "200mg")],
        &[("Amoxicillin", "250mg")],
        &[("Paracetamol", "1g"), ("Amoxicillin", "1g")],
    ];
    for (i, meds) in sets.iter().enumerate() {
        let appt = if i == 0 {
            c.appt
        } else {
            appointment(&c.env, c.doctor, c.patient, past(10 + i as i64)).await
        };
        let mut p = draft(&c, meds);
        p.appointment_id = appt;
        if i == 2 {
            p.tags.push("follow-up".into());
        }
        c.services
            .save_prescription(&doc, p, None)
            .await
            .expect("save");
    }
    let mut p = Prescription::new_draft(c.other_appt, 0, 0, now());
    p.medications = vec![med("Ibuprofen", "400mg")];
    p.tags = vec!["sports".into()];
    c.services
        .save_prescription(&wilson, p, None)
        .await
        .expect("wilson");

    let from = now() - Duration::days(30);
    let to = now() + Duration::days(1);
    let mine = c
        .services
        .top_medications(&doc, from, to, 10)
        .await
        .expect("top");
    assert_eq!(
        mine,
        vec![
            ("Amoxicillin".to_string(), 3),
            ("Ibuprofen".to_string(), 1),
            ("Paracetamol".to_string(), 1)
        ]
    );
    let admin = user(Role::Admin, 1);
    let all = c
        .services
        .top_medications(&admin, from, to, 2)
        .await
        .expect("top all");
    assert_eq!(
        all,
        vec![("Amoxicillin".to_string(), 3), ("Ibuprofen".to_string(), 2)]
    );
    let tags = c
        .services
        .top_tags(&admin, from, to, 10)
        .await
        .expect("tags");
    assert_eq!(
        tags,
        vec![
            ("infection".to_string(), 3),
            ("follow-up".to_string(), 1),
            ("sports".to_string(), 1)
        ]
    );
    // Outside the range: nothing.
    let none = c
        .services
        .top_tags(&doc, from - Duration::days(60), from, 10)
        .await
        .expect("empty");
    assert!(none.is_empty());
    assert!(
        c.services
            .top_tags(&user(Role::FrontDesk, 1), from, to, 10)
            .await
            .is_err()
    );
    let suggestions = c.services.tag_suggestions(&doc, "f").await.expect("tags");
    assert_eq!(suggestions, vec!["follow-up".to_string()]);
    assert!(audit_rows(&c, "PRESCRIPTION_INSIGHT").await.len() >= 4);
}

#[tokio::test]
async fn markdown_export_and_attachments() {
    let c = clinic().await;
    let doc = user(Role::Doctor, c.doctor);
    let bytes: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let file = c
        .services
        .attach_file(&doc, c.appt, "throat scan.PDF", &bytes)
        .await
        .expect("attach");
    assert_eq!(file.kind, "pdf");
    assert!(file.url.starts_with("gridfs:"));
    let link = clinic::service::prescriptions::link_attachment(
        "https://labs.example.org/results/1025.pdf",
        "",
    )
    .expect("link");
    assert_eq!(link.file_name, "1025.pdf");
    let mut p = draft(&c, &[("Amoxicillin", "500mg"), ("Ibu|profen", "200mg")]);
    p.notes.chief_complaint = "Sore throat".into();
    p.attachments = vec![file.clone(), link];
    c.services
        .save_prescription(&doc, p, None)
        .await
        .expect("save");
    let back = c
        .services
        .attachment_bytes(&user(Role::Patient, c.patient), c.appt, &file)
        .await
        .expect("download");
    assert_eq!(back, bytes);
    assert!(
        c.services
            .attach_file(&user(Role::Doctor, c.other_doctor), c.appt, "x.png", b"x")
            .await
            .is_err()
    );

    let md = c
        .services
        .export_markdown(&user(Role::Patient, c.patient), c.appt)
        .await
        .expect("export");
    let clinic_name = c.services.config().clinic_name.clone();
    assert!(md.starts_with(&format!("# {clinic_name}\n")));
    assert!(md.contains("- **Patient:** Zoë Ångström"));
    assert!(md.contains("- **Doctor:** Dr. Gregory House (General Practice)"));
    assert!(md.contains("- **Date issued:** 12 January 2026 (version 1)"));
    assert!(md.contains("| 1 | Amoxicillin | 500mg | 3 times a day | 7 days |  |"));
    assert!(md.contains("| 2 | Ibu\\|profen | 200mg |"));
    assert!(md.contains("### Chief complaint\n\nSore throat"));
    assert!(md.contains("### Diagnosis\n\nSuspected bacterial pharyngitis."));
    assert!(md.contains("[1025.pdf](https://labs.example.org/results/1025.pdf)"));
    assert!(md.contains("throat scan.PDF (pdf, stored in the clinic)"));
    let exports = audit_rows(&c, "PRESCRIPTION_EXPORT").await;
    assert_eq!(exports.len(), 1);
    assert_eq!(exports[0].patient_id, Some(c.patient));
    assert!(
        c.services
            .export_markdown(&user(Role::Doctor, c.doctor), c.other_appt)
            .await
            .is_err()
    );
}
