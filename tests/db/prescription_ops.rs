//! The prescription screens' requests (`Operation::run`, as the runtime runs them)
//! against the real servers: only the appointment's doctor opens the editor, an
//! attachment is checked before it is read, and what the editor saves the list, the
//! timeline, the viewer and the versions page then read.

use crate::common;

use chrono::{Duration, Utc};
use clinic::domain::appointment::{AppointmentStatus, NewAppointment};
use clinic::domain::prescription::{Medication, Prescription};
use clinic::domain::{Actor, Role};
use clinic::service::ServiceError;
use clinic::service::prescriptions::MAX_ATTACHMENT_BYTES;
use clinic::store::mysql::appointments;
use clinic::tui::routes::{Op, Reply};
use clinic::tui::screens::prescription::editor::{EditorOp, EditorReply};
use clinic::tui::screens::prescription::history::LoadHistory;
use clinic::tui::screens::prescription::list::{ListOp, ListReply};
use clinic::tui::screens::prescription::timeline::LoadTimeline;
use clinic::tui::screens::prescription::viewer::{ViewerOp, ViewerReply};
use common::TestEnv;

fn user(role: Role, id: i32) -> Actor {
    Actor::User {
        role,
        id,
        name: format!("{role} {id}"),
        email: format!("{}{id}@x.org", role.as_str().to_lowercase()),
    }
}

/// A scratch file of `len` bytes, removed when dropped.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(name: &str, len: usize) -> Scratch {
        let dir = std::env::temp_dir().join(common::unique_name("rx_ops"));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        let path = dir.join(name);
        std::fs::write(&path, vec![b'x'; len]).expect("scratch file");
        Scratch(path)
    }

    fn path(&self) -> String {
        self.0.display().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn attach(appointment_id: i32, path: String) -> Op {
    Op::RxEditor(EditorOp::AttachFile {
        appointment_id,
        path,
        name: String::new(),
    })
}

#[tokio::test]
async fn the_prescription_requests_run_against_the_services() {
    let env = TestEnv::new().await;
    let house = env.insert_doctor("house@x.org", "Dr. Gregory House").await;
    let wilson = env.insert_doctor("wilson@x.org", "Dr. James Wilson").await;
    let zoe = env.insert_patient("zoe@x.org", "Zoë Ångström").await;
    let start = (Utc::now() - Duration::hours(2)).naive_utc();
    let appt = appointments::insert(
        &env.pool,
        &NewAppointment {
            patient_id: zoe,
            doctor_id: house,
            location_id: None,
            start_utc: start,
            duration_minutes: 30,
        },
        AppointmentStatus::Completed,
        "SYSTEM",
        None,
    )
    .await
    .expect("appointment");
    let services = &env.services;
    let doc = user(Role::Doctor, house);
    let open = || {
        Op::RxEditor(EditorOp::Open {
            appointment_id: appt,
        })
    };

    // Only the appointment's doctor opens the editor (the service's rule): not another
    // doctor, not its patient, not an admin with the doctor's number (ids are per table).
    for (other, because) in [
        (user(Role::Doctor, wilson), "only the appointment's doctor"),
        (user(Role::Patient, zoe), "only the appointment's doctor"),
        (user(Role::Admin, house), "only the appointment's doctor"),
    ] {
        match open().run(services, &other).await {
            Reply::RxEditor(EditorReply::Opened(Err(ServiceError::Forbidden(why)))) => {
                assert!(why.contains(because), "{other:?}: {why}")
            }
            reply => panic!("expected a refusal for {other:?}, got {reply:?}"),
        }
    }
    let Reply::RxEditor(EditorReply::Opened(Ok(data))) = open().run(services, &doc).await else {
        panic!("the doctor opens the editor");
    };
    assert_eq!(data.brief.patient_name, "Zoë Ångström");
    assert_eq!(data.stored, None);

    // Attachments: a missing file and one over the limit are refused before reading.
    let missing = std::env::temp_dir()
        .join(common::unique_name("rx_ops_missing"))
        .display()
        .to_string();
    match attach(appt, missing.clone()).run(services, &doc).await {
        Reply::RxEditor(EditorReply::Attached(Err(ServiceError::Invalid(why)))) => {
            assert_eq!(why, format!("There is no file at {missing}."))
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let big = Scratch::new("scan.pdf", MAX_ATTACHMENT_BYTES + 1);
    match attach(appt, big.path()).run(services, &doc).await {
        Reply::RxEditor(EditorReply::Attached(Err(ServiceError::Invalid(why)))) => {
            assert!(why.ends_with("attachments are at most 4 MiB."), "{why}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let small = Scratch::new("throat scan.pdf", 1000);
    let Reply::RxEditor(EditorReply::Attached(Ok(file))) =
        attach(appt, small.path()).run(services, &doc).await
    else {
        panic!("a small file is attached");
    };
    assert_eq!(file.file_name, "throat scan.pdf");

    // Save as the editor does; the other screens read what was saved.
    let mut p = Prescription::new_draft(appt, house, zoe, Utc::now());
    p.medications = vec![Medication {
        name: "Amoxicillin".into(),
        dosage: "500mg".into(),
        frequency: "3 times a day".into(),
        duration_days: Some(7),
        notes: String::new(),
    }];
    p.attachments = vec![file];
    let save = Op::RxEditor(EditorOp::Save {
        draft: Box::new(p),
        expected_version: None,
    });
    let Reply::RxEditor(EditorReply::Saved(Ok(saved))) = save.run(services, &doc).await else {
        panic!("saved");
    };
    assert_eq!(saved.version, 1);

    let recent = ListOp::recent(Utc::now());
    let Reply::RxList(ListReply::Loaded(Ok(items))) = Op::RxList(recent).run(services, &doc).await
    else {
        panic!("the list loads");
    };
    assert!(
        items
            .iter()
            .any(|a| a.appointment_id == appt && a.prescription_version == Some(1)),
        "{items:?}"
    );
    let patient = user(Role::Patient, zoe);
    let Reply::RxTimeline(Ok(entries)) = Op::RxTimeline(LoadTimeline { patient_id: zoe })
        .run(services, &patient)
        .await
    else {
        panic!("the timeline loads");
    };
    assert_eq!(entries.len(), 1);
    let viewer = Op::RxViewer(ViewerOp::Open {
        appointment_id: appt,
    });
    let Reply::RxViewer(ViewerReply::Opened(Ok(pair))) = viewer.run(services, &patient).await
    else {
        panic!("the patient reads it");
    };
    assert_eq!(pair.1.map(|p| p.version), Some(1));
    let Reply::RxHistory(Ok(versions)) = Op::RxHistory(LoadHistory {
        appointment_id: appt,
    })
    .run(services, &patient)
    .await
    else {
        panic!("the versions load");
    };
    assert_eq!(versions.len(), 1);
    // A patient's request for someone else's timeline is refused by the service.
    let other = user(Role::Patient, zoe + 1000);
    assert!(matches!(
        Op::RxTimeline(LoadTimeline { patient_id: zoe })
            .run(services, &other)
            .await,
        Reply::RxTimeline(Err(_))
    ));
}
