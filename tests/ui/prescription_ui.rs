//! The prescription screens as pure functions: `update` driven by keys, replies and
//! ticks (no I/O), and rendered snapshots at 80x24 and 120x40.

use crate::common;
use crate::{last_op, top};

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use clinic::domain::Role;
use clinic::domain::appointment::AppointmentStatus;
use clinic::domain::prescription::{Medication, MedicationField, Prescription};
use clinic::service::ServiceError;
use clinic::service::prescription_files::DraftFile;
use clinic::service::prescriptions::{AppointmentBrief, SaveError};
use clinic::tui::drafts::DraftOp;
use clinic::tui::effect::Effect;
use clinic::tui::keymap::{Context, Keymap};
use clinic::tui::msg::Msg;
use clinic::tui::routes::{Op, Reply, Route};
use clinic::tui::screen::Action;
use clinic::tui::screens::home::HomeItem;
use clinic::tui::screens::prescription::editor::{
    EditorOp, EditorReply, EditorScreen, EditorState, Modal, Section,
};
use clinic::tui::screens::prescription::history::LoadHistory;
use clinic::tui::screens::prescription::list::{ListOp, ListReply};
use clinic::tui::screens::prescription::ops::EditorData;
use clinic::tui::screens::prescription::timeline::LoadTimeline;
use clinic::tui::screens::prescription::viewer::{ViewerOp, ViewerReply};
use clinic::tui::state::{AppState, Tone};
use common::ui::{ch, ctrl, draw, key, open_item, reply, send, type_text};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub const HOUSE: i32 = 7;
pub const ZOE: i32 = 78;
pub const APPT: i32 = 1025;

/// Monday 12 January 2026, 10:00 in London (UTC).
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 12, 10, 0, 0)
        .single()
        .expect("time")
}

fn appt_time() -> NaiveDateTime {
    (now() - Duration::hours(1)).naive_utc()
}

/// Account `id` of `role` signed in on the home screen.
pub fn base(role: Role, id: i32) -> AppState {
    common::ui::signed_in_as(role, id, "Gregory House", now())
}

pub fn brief(version: Option<i64>) -> AppointmentBrief {
    AppointmentBrief {
        appointment_id: APPT,
        patient_id: ZOE,
        patient_name: "Zoë Ångström".into(),
        doctor_id: HOUSE,
        doctor_name: "Dr. Gregory House".into(),
        start_utc: appt_time(),
        status: AppointmentStatus::Completed,
        prescription_version: version,
    }
}

fn med(name: &str, dosage: &str, freq: &str, days: Option<u32>) -> Medication {
    Medication {
        name: name.into(),
        dosage: dosage.into(),
        frequency: freq.into(),
        duration_days: days,
        notes: String::new(),
    }
}

pub fn stored(version: i64) -> Prescription {
    let mut p = Prescription::new_draft(APPT, HOUSE, ZOE, now() - Duration::minutes(30));
    p.id = Some("66572b3eaabd1f0024d2e0f3".into());
    p.version = version;
    p.medications = vec![
        med("Amoxicillin", "500mg", "3 times a day", Some(7)),
        med("Ibuprofen", "200mg", "As needed", Some(5)),
    ];
    p.notes.chief_complaint = "Persistent sore throat\nand mild fever.".into();
    p.notes.diagnosis = "Suspected bacterial pharyngitis.".into();
    p.notes.recommendations = "Increase fluid intake and rest.".into();
    p.tags = vec!["infection".into(), "antibiotics".into()];
    p
}

/// The one request among `effects`.
pub fn request_of(effects: &[Effect]) -> (u64, Op) {
    let found: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Run { request, op, .. } => Some((*request, op.clone())),
            _ => None,
        })
        .collect();
    match found.as_slice() {
        [one] => one.clone(),
        other => panic!("expected one request, got {other:?} in {effects:?}"),
    }
}

pub fn draft_ops(effects: &[Effect]) -> Vec<DraftOp> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::DraftFile(op) => Some(op.clone()),
            _ => None,
        })
        .collect()
}

/// Opens `route` on top of the screen shown, as another screen (the agenda) does.
pub fn open(s: &mut AppState, route: Route) -> Vec<Effect> {
    let top = s.stack.len() - 1;
    clinic::tui::update::apply(s, top, vec![Action::Open(route)], &Keymap::defaults())
}

/// A doctor in the editor of appointment 1025 with `stored` (None: a new one), opened
/// from the home screen.
pub fn editor_with(stored: Option<Prescription>, draft_file: Option<DraftFile>) -> AppState {
    let mut s = base(Role::Doctor, HOUSE);
    let effects = open(&mut s, EditorScreen::for_appointment(APPT).into());
    let (request, op) = last_op!(effects, RxEditor);
    assert_eq!(
        op,
        EditorOp::Open {
            appointment_id: APPT
        }
    );
    send(
        &mut s,
        [reply(
            request,
            Reply::RxEditor(EditorReply::Opened(Ok(Box::new(EditorData {
                brief: brief(stored.as_ref().map(|p| p.version)),
                stored,
                known_tags: vec!["follow-up".into(), "infection".into(), "fever".into()],
                draft_file,
            })))),
        )],
    );
    s
}

pub fn ed(s: &AppState) -> &EditorState {
    top!(s, RxEditor).editor().expect("the editor is open")
}

pub fn status(s: &AppState) -> String {
    s.status
        .as_ref()
        .map(|l| l.text.clone())
        .unwrap_or_default()
}

fn save_request(s: &mut AppState) -> (u64, Prescription, Option<i64>) {
    let effects = send(s, [ctrl('s')]);
    match request_of(&effects) {
        (
            request,
            Op::RxEditor(EditorOp::Save {
                draft,
                expected_version,
            }),
        ) => (request, *draft, expected_version),
        other => panic!("expected a save, got {other:?}"),
    }
}

fn saved_reply(request: u64, result: Result<Prescription, SaveError>) -> Msg {
    reply(
        request,
        Reply::RxEditor(EditorReply::Saved(result.map(Box::new))),
    )
}

pub fn screen_text(state: &AppState, width: u16, height: u16) -> String {
    format!("{:?}", draw(state, width, height).backend())
}

#[test]
fn doctors_open_the_list_from_home_and_the_editor_from_the_list() {
    let mut s = base(Role::Doctor, HOUSE);
    let effects = open_item(&mut s, HomeItem::Prescriptions);
    let (request, op) = request_of(&effects);
    let Op::RxList(ListOp::Load { from, to }) = op else {
        panic!("expected the list, got {op:?}");
    };
    assert_eq!(to - from, Duration::days(15), "14 days back plus today");
    assert_eq!(s.context(), Context::PrescriptionList);
    let mut other = brief(None);
    other.appointment_id = 1026;
    send(
        &mut s,
        [reply(
            request,
            Reply::RxList(ListReply::Loaded(Ok(vec![brief(Some(3)), other]))),
        )],
    );
    let text = screen_text(&s, 80, 24);
    assert!(text.contains("✓ v3"), "{text}");
    let effects = send(&mut s, [key(KeyCode::Enter)]);
    assert_eq!(
        request_of(&effects).1,
        Op::RxEditor(EditorOp::Open {
            appointment_id: APPT
        })
    );
}

#[test]
fn front_desk_sees_only_that_a_prescription_exists() {
    let mut s = base(Role::FrontDesk, 3);
    let effects = open_item(&mut s, HomeItem::Prescriptions);
    let (request, _) = last_op!(effects, RxList);
    send(
        &mut s,
        [reply(
            request,
            Reply::RxList(ListReply::Loaded(Ok(vec![brief(Some(2))]))),
        )],
    );
    let text = screen_text(&s, 80, 24);
    assert!(text.contains("✓ exists"), "{text}");
    assert!(
        !text.contains("v2"),
        "no version details for the front desk"
    );
    let effects = send(&mut s, [key(KeyCode::Enter), ch('t')]);
    assert!(effects.is_empty(), "nothing is loaded: {effects:?}");
    assert!(status(&s).contains("only the doctor and the patient can read it"));
}

#[test]
fn patients_open_their_own_timeline() {
    let mut s = base(Role::Patient, ZOE);
    let effects = open_item(&mut s, HomeItem::MyPrescriptions);
    assert_eq!(
        request_of(&effects).1,
        Op::RxTimeline(LoadTimeline { patient_id: ZOE })
    );
}

#[test]
fn medications_are_added_edited_reordered_and_removed() {
    let mut s = editor_with(None, None);
    assert_eq!(s.context(), Context::PrescriptionEditor);
    // Add: a form; a bad duration is refused with a sentence and keeps the form.
    send(&mut s, [ch('a')]);
    assert_eq!(s.context(), Context::Form);
    type_text(&mut s, "Amoxicillin");
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "500mg");
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "3 times a day");
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "1.5");
    send(&mut s, [key(KeyCode::Enter)]);
    match &ed(&s).modal {
        Some(Modal::Medication { form, .. }) => assert_eq!(
            form.error(MedicationField::Duration),
            Some("The duration \"1.5\" is not a whole number of days (for example 7).")
        ),
        other => panic!("the form stays open: {other:?}"),
    }
    send(&mut s, std::iter::repeat_n(key(KeyCode::Backspace), 3));
    type_text(&mut s, "7");
    send(&mut s, [key(KeyCode::Enter)]);
    assert!(ed(&s).modal.is_none());
    // A second one without a dosage is refused, the cursor on the dosage.
    send(&mut s, [ch('a')]);
    type_text(&mut s, "Ibuprofen");
    send(&mut s, [key(KeyCode::Enter)]);
    match &ed(&s).modal {
        Some(Modal::Medication { form, .. }) => {
            assert_eq!(
                form.error(MedicationField::Dosage),
                Some("Medication 2 (Ibuprofen) needs a dosage, for example 500mg.")
            );
            assert_eq!(form.focus(), Some(MedicationField::Dosage));
        }
        other => panic!("the form stays open: {other:?}"),
    }
    type_text(&mut s, "200mg");
    send(&mut s, [key(KeyCode::Enter)]);
    let names = |s: &AppState| -> Vec<String> {
        ed(s)
            .draft
            .medications
            .iter()
            .map(|m| m.name.clone())
            .collect()
    };
    assert_eq!(names(&s), ["Amoxicillin", "Ibuprofen"]);
    assert_eq!(ed(&s).med_row(), 1);
    // Reorder with K / J and Alt-↑.
    send(&mut s, [ch('K')]);
    assert_eq!(names(&s), ["Ibuprofen", "Amoxicillin"]);
    assert_eq!(ed(&s).med_row(), 0);
    send(&mut s, [ch('J')]);
    assert_eq!(names(&s), ["Amoxicillin", "Ibuprofen"]);
    send(
        &mut s,
        [Msg::Key(KeyEvent::new(KeyCode::Up, KeyModifiers::ALT))],
    );
    assert_eq!(names(&s), ["Ibuprofen", "Amoxicillin"]);
    // Edit with Enter: the form comes filled in.
    send(&mut s, [key(KeyCode::Enter)]);
    match &ed(&s).modal {
        Some(Modal::Medication { form, row }) => {
            assert_eq!(*row, Some(0));
            assert_eq!(form.value(MedicationField::Name), "Ibuprofen");
        }
        other => panic!("edit form: {other:?}"),
    }
    send(&mut s, [key(KeyCode::Tab)]);
    send(&mut s, std::iter::repeat_n(key(KeyCode::Backspace), 5));
    type_text(&mut s, "400mg");
    send(&mut s, [key(KeyCode::Enter)]);
    assert_eq!(ed(&s).draft.medications[0].dosage, "400mg");
    // Delete with d.
    send(&mut s, [ch('d')]);
    assert_eq!(names(&s), ["Amoxicillin"]);
    assert!(ed(&s).is_dirty());
}

#[test]
fn notes_are_multi_line_and_tags_come_from_suggestions() {
    let mut s = editor_with(None, None);
    send(&mut s, [key(KeyCode::Tab)]);
    assert_eq!(ed(&s).section, Section::ChiefComplaint);
    assert_eq!(s.context(), Context::PrescriptionText);
    // Letters that are commands elsewhere (a, d, q, h) are typed here.
    type_text(&mut s, "Sore throat, had");
    send(&mut s, [key(KeyCode::Enter)]);
    type_text(&mut s, "fever 38.5");
    assert_eq!(
        ed(&s).current().notes.chief_complaint,
        "Sore throat, had\nfever 38.5"
    );
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "Pharyngitis");
    send(&mut s, [key(KeyCode::Tab), key(KeyCode::Tab)]);
    assert_eq!(ed(&s).section, Section::Tags);
    // Typed and normalised.
    type_text(&mut s, "Sore Throat");
    send(&mut s, [key(KeyCode::Enter)]);
    // Picked from the suggestions for "f": follow-up, fever.
    type_text(&mut s, "f");
    assert_eq!(ed(&s).suggestions(), ["follow-up", "fever"]);
    send(
        &mut s,
        [key(KeyCode::Down), key(KeyCode::Down), key(KeyCode::Enter)],
    );
    assert_eq!(ed(&s).draft.tags, ["sore-throat", "fever"]);
    // A bad tag is refused with a sentence.
    type_text(&mut s, "a/b");
    send(&mut s, [key(KeyCode::Enter)]);
    assert_eq!(s.status.as_ref().map(|l| l.tone), Some(Tone::Error));
    assert!(status(&s).contains("may only contain letters"));
    // Backspace on an empty field removes the last tag.
    send(&mut s, std::iter::repeat_n(key(KeyCode::Backspace), 4));
    assert_eq!(ed(&s).draft.tags, ["sore-throat"]);
}

#[test]
fn save_creates_then_updates_with_the_version_and_deletes_the_draft_file() {
    let mut s = editor_with(None, None);
    send(&mut s, [ch('a')]);
    type_text(&mut s, "Amoxicillin");
    send(&mut s, [key(KeyCode::Tab)]);
    type_text(&mut s, "500mg");
    send(&mut s, [key(KeyCode::Enter)]);
    let (request, draft, expected) = save_request(&mut s);
    assert_eq!(expected, None, "a new prescription");
    assert_eq!(draft.medications[0].name, "Amoxicillin");
    assert_eq!(s.busy.as_deref(), Some("Saving the prescription"));
    let mut saved = draft.clone();
    saved.version = 1;
    saved.id = Some("66572b3eaabd1f0024d2e0f3".into());
    let effects = send(&mut s, [saved_reply(request, Ok(saved.clone()))]);
    assert_eq!(
        draft_ops(&effects),
        vec![DraftOp::Delete {
            appointment_id: APPT
        }]
    );
    assert_eq!(status(&s), "Saved version 1.");
    assert!(!ed(&s).is_dirty());
    assert_eq!(ed(&s).expected_version, Some(1));
    // Nothing changed: nothing to save.
    assert!(send(&mut s, [ctrl('s')]).is_empty());
    // An edit is saved against version 1.
    send(&mut s, [key(KeyCode::Tab), key(KeyCode::Tab)]);
    type_text(&mut s, "Pharyngitis");
    let (_, draft, expected) = save_request(&mut s);
    assert_eq!(expected, Some(1));
    assert_eq!(draft.notes.diagnosis, "Pharyngitis");
}

#[test]
fn a_failed_save_keeps_the_draft_and_says_why() {
    let mut s = editor_with(Some(stored(1)), None);
    send(&mut s, [ch('d')]);
    let (request, _, _) = save_request(&mut s);
    send(
        &mut s,
        [saved_reply(
            request,
            Err(SaveError::Service(ServiceError::Forbidden(
                "write this prescription".into(),
            ))),
        )],
    );
    assert_eq!(ed(&s).draft.medications.len(), 1, "the draft is kept");
    assert!(ed(&s).is_dirty());
    assert_eq!(
        ed(&s).error.as_deref(),
        Some("You are not allowed to write this prescription.")
    );
    assert_eq!(
        status(&s),
        "You are not allowed to write this prescription."
    );
    // A stale reply (an older request) is ignored.
    let before = ed(&s).draft.clone();
    send(&mut s, [saved_reply(request - 1, Ok(stored(9)))]);
    assert_eq!(ed(&s).draft, before);
}

#[test]
fn a_stale_save_shows_the_conflict_and_can_rebase_or_reload() {
    let mut s = editor_with(Some(stored(1)), None);
    send(&mut s, [key(KeyCode::Tab), key(KeyCode::Tab)]);
    send(&mut s, [key(KeyCode::End)]);
    type_text(&mut s, " Mine.");
    let (request, mine, expected) = save_request(&mut s);
    assert_eq!(expected, Some(1));
    let mut theirs = stored(2);
    theirs
        .medications
        .push(med("Paracetamol", "1g", "every 6 h", Some(3)));
    send(
        &mut s,
        [saved_reply(
            request,
            Err(SaveError::Stale {
                current: Box::new(theirs.clone()),
            }),
        )],
    );
    assert!(matches!(ed(&s).modal, Some(Modal::Conflict(_))));
    assert_eq!(s.context(), Context::PrescriptionView);
    assert!(
        status(&s).contains("Someone saved a newer version of this prescription (version 2)"),
        "{}",
        status(&s)
    );
    let text = screen_text(&s, 120, 40);
    assert!(text.contains("Theirs: version 2"), "{text}");
    assert!(text.contains("- medication Paracetamol"), "{text}");
    // Keep mine on top of theirs: the next save is based on version 2.
    send(&mut s, [ch('m')]);
    assert!(ed(&s).modal.is_none());
    assert_eq!(ed(&s).current().notes.diagnosis, mine.notes.diagnosis);
    let (request, _, expected) = save_request(&mut s);
    assert_eq!(expected, Some(2));
    // Another conflict; this time reload theirs.
    let mut theirs3 = theirs.clone();
    theirs3.version = 3;
    send(
        &mut s,
        [saved_reply(
            request,
            Err(SaveError::Stale {
                current: Box::new(theirs3.clone()),
            }),
        )],
    );
    send(&mut s, [ch('r')]);
    assert!(ed(&s).current().same_content(&theirs3));
    assert_eq!(ed(&s).expected_version, Some(3));
    assert!(!ed(&s).is_dirty());
}

#[test]
fn unreachable_store_keeps_the_draft_writes_the_file_and_retries() {
    let mut s = editor_with(Some(stored(1)), None);
    send(&mut s, [ch('d')]);
    let (request, _, _) = save_request(&mut s);
    let effects = send(
        &mut s,
        [saved_reply(
            request,
            Err(SaveError::Service(ServiceError::DocumentStoreUnavailable(
                "timeout".into(),
            ))),
        )],
    );
    let ops = draft_ops(&effects);
    let [DraftOp::Write(file)] = ops.as_slice() else {
        panic!("expected a draft file write, got {ops:?}");
    };
    assert_eq!(file.appointment_id, APPT);
    assert_eq!(file.expected_version, Some(1));
    assert_eq!(file.draft.medications.len(), 1);
    assert!(status(&s).contains("cannot be reached"));
    assert!(status(&s).contains("retrying every 5 s"));
    assert_eq!(ed(&s).draft.medications.len(), 1, "kept in memory");
    // The runtime reports where the file went.
    send(
        &mut s,
        [Msg::DraftWritten {
            appointment_id: APPT,
            result: Ok("/state/smart-clinic/drafts/appointment-1025.json".into()),
        }],
    );
    assert!(status(&s).contains("appointment-1025.json"));
    // Not yet time to retry; then it is.
    assert!(send(&mut s, [Msg::Tick(now() + Duration::seconds(2))]).is_empty());
    let effects = send(&mut s, [Msg::Tick(now() + Duration::seconds(6))]);
    let (request, op) = request_of(&effects);
    assert!(matches!(
        op,
        Op::RxEditor(EditorOp::Save {
            expected_version: Some(1),
            ..
        })
    ));
    // No second request while one is running.
    assert!(send(&mut s, [Msg::Tick(now() + Duration::seconds(20))]).is_empty());
    let mut saved = ed(&s).current();
    saved.version = 2;
    let effects = send(&mut s, [saved_reply(request, Ok(saved))]);
    assert_eq!(
        draft_ops(&effects),
        vec![DraftOp::Delete {
            appointment_id: APPT
        }]
    );
    assert!(status(&s).contains("back"));
    assert!(ed(&s).offline.is_none());
}

#[test]
fn leaving_or_quitting_with_unsaved_changes_never_drops_them_silently() {
    let mut s = editor_with(Some(stored(1)), None);
    send(&mut s, [ch('d')]);
    // Esc asks; n stays.
    assert!(send(&mut s, [key(KeyCode::Esc)]).is_empty());
    assert_eq!(s.context(), Context::Confirm);
    assert!(screen_text(&s, 80, 24).contains("Discard changes?"));
    send(&mut s, [ch('n')]);
    assert_eq!(ed(&s).draft.medications.len(), 1);
    // q asks too.
    send(&mut s, [ch('q')]);
    assert_eq!(s.context(), Context::Confirm);
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(s.has_unsaved_work());
    // Ctrl-C writes the draft file and quits.
    let effects = send(&mut s, [ctrl('c')]);
    assert!(s.should_quit);
    let ops = draft_ops(&effects);
    assert!(
        matches!(ops.as_slice(), [DraftOp::Write(f)] if f.draft.medications.len() == 1),
        "{ops:?}"
    );
    // Without changes, Ctrl-C writes nothing and Esc leaves at once.
    let mut clean = editor_with(Some(stored(1)), None);
    assert!(!clean.has_unsaved_work());
    assert!(draft_ops(&send(&mut clean, [ctrl('c')])).is_empty());
    let mut clean = editor_with(Some(stored(1)), None);
    send(&mut clean, [key(KeyCode::Esc)]);
    top!(clean, Home);
    // y discards and leaves.
    let mut s = editor_with(Some(stored(1)), None);
    send(&mut s, [ch('d'), key(KeyCode::Esc), ch('y')]);
    top!(s, Home);
    assert!(!s.has_unsaved_work());
}

#[test]
fn a_draft_file_is_offered_on_reopening() {
    let mut draft = stored(1);
    draft.medications.push(med("Paracetamol", "1g", "", None));
    let file = DraftFile {
        appointment_id: APPT,
        expected_version: Some(1),
        written_at: now() - Duration::minutes(5),
        draft,
    };
    let mut s = editor_with(Some(stored(1)), Some(file.clone()));
    assert_eq!(s.context(), Context::Confirm);
    assert!(screen_text(&s, 80, 24).contains("unsaved draft"));
    send(&mut s, [ch('y')]);
    assert_eq!(ed(&s).draft.medications.len(), 3);
    assert!(ed(&s).is_dirty());
    // Refusing deletes the file.
    let mut s = editor_with(Some(stored(1)), Some(file.clone()));
    let effects = send(&mut s, [ch('n')]);
    assert_eq!(
        draft_ops(&effects),
        vec![DraftOp::Delete {
            appointment_id: APPT
        }]
    );
    assert_eq!(ed(&s).draft.medications.len(), 2);
    // A draft equal to the stored version is not offered.
    let same = DraftFile {
        draft: stored(1),
        ..file
    };
    let s = editor_with(Some(stored(1)), Some(same));
    assert!(ed(&s).modal.is_none());
}

#[test]
fn history_lists_versions_and_diffs_two() {
    let mut s = editor_with(Some(stored(3)), None);
    let effects = send(&mut s, [ch('h')]);
    let (request, op) = request_of(&effects);
    assert_eq!(
        op,
        Op::RxHistory(LoadHistory {
            appointment_id: APPT
        })
    );
    let v1 = stored(1);
    let mut v2 = stored(2);
    v2.notes.diagnosis = "Viral pharyngitis.".into();
    let mut v3 = v2.clone();
    v3.version = 3;
    v3.tags.push("follow-up".into());
    send(
        &mut s,
        [reply(request, Reply::RxHistory(Ok(vec![v1, v2, v3])))],
    );
    assert_eq!(top!(s, RxHistory).view.pair(), Some((1, 2)));
    let text = screen_text(&s, 80, 24);
    assert!(text.contains("From v2 to v3"), "{text}");
    assert!(text.contains("+ tag: follow-up"), "{text}");
    // Mark v1 as A, B stays v3.
    send(
        &mut s,
        [ch('k'), ch('k'), key(KeyCode::Char(' ')), ch('j'), ch('j')],
    );
    let h = &top!(s, RxHistory).view;
    assert_eq!(h.pair(), Some((0, 2)));
    assert_eq!(h.diff().len(), 2);
    // Esc closes the versions: back in the editor as it was.
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(ed(&s).modal.is_none());
    assert_eq!(ed(&s).expected_version, Some(3));
}

fn filled_editor() -> AppState {
    let mut s = editor_with(Some(stored(2)), None);
    send(&mut s, [ch('j'), key(KeyCode::Tab)]);
    type_text(&mut s, " Since Monday.");
    s.status = None;
    s
}

#[test]
fn snapshot_editor_80x24() {
    insta::assert_snapshot!(draw(&filled_editor(), 80, 24).backend());
}

#[test]
fn snapshot_editor_120x40() {
    insta::assert_snapshot!(draw(&filled_editor(), 120, 40).backend());
}

#[test]
fn snapshot_medication_form_80x24() {
    let mut s = editor_with(Some(stored(2)), None);
    send(&mut s, [key(KeyCode::Enter)]);
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}

/// Issue 11.5: the idle lock writes the draft of an edited prescription, as Ctrl-C does;
/// quitting from the lock screen then asks first, saying that work would be lost; the
/// message counts minutes right.
#[test]
fn the_idle_lock_writes_the_draft_and_quitting_from_it_asks_first() {
    let mut s = editor_with(Some(stored(1)), None);
    s.idle_lock = Duration::minutes(1);
    send(&mut s, [ch('d')]);
    let effects = send(&mut s, [Msg::Tick(now() + Duration::minutes(2))]);
    top!(s, Login);
    let ops = draft_ops(&effects);
    assert!(
        matches!(ops.as_slice(), [DraftOp::Write(f)] if f.draft.medications.len() == 1),
        "the lock writes the edited draft: {ops:?}"
    );
    assert_eq!(
        status(&s),
        "Locked after 1 minute without input. Sign in again to continue where you were."
    );
    // Esc on the lock screen asks before dropping the locked session …
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(!s.should_quit);
    let question = s
        .question
        .as_ref()
        .map(|q| q.text.clone())
        .unwrap_or_default();
    assert!(
        question.contains("Unsaved work would be lost"),
        "{question}"
    );
    // … typing does not answer it …
    send(&mut s, [ch('x')]);
    assert!(s.question.is_some(), "the question is still up");
    assert!(!s.should_quit);
    // … n keeps the session, and yes quits.
    send(&mut s, [ch('n')]);
    assert!(s.question.is_none() && !s.should_quit);
    send(&mut s, [key(KeyCode::Esc), ch('y')]);
    assert!(s.should_quit);

    // Nothing edited: the lock writes nothing, and the question says nothing is lost.
    let mut clean = editor_with(Some(stored(1)), None);
    clean.idle_lock = Duration::minutes(10);
    let effects = send(&mut clean, [Msg::Tick(now() + Duration::minutes(11))]);
    assert!(draft_ops(&effects).is_empty());
    assert!(status(&clean).starts_with("Locked after 10 minutes"));
    send(&mut clean, [key(KeyCode::Esc)]);
    let question = clean
        .question
        .as_ref()
        .map(|q| q.text.clone())
        .unwrap_or_default();
    assert!(!question.contains("Unsaved"), "{question}");
    send(&mut clean, [ch('y')]);
    assert!(clean.should_quit);
}

/// Issue 11.6: patients and admins open an appointment's prescription read-only, even
/// when their account number is the doctor's; the front desk is told where existence
/// shows; only the doctor gets the editor.
#[test]
fn only_the_doctor_gets_the_editor_everyone_else_reads() {
    for role in [Role::Patient, Role::Admin] {
        // Same id as the doctor: ids are per table, so this must not make them the doctor.
        let mut s = base(role, HOUSE);
        let effects = open(&mut s, EditorScreen::for_appointment(APPT).into());
        let (request, op) = request_of(&effects);
        assert_eq!(
            op,
            Op::RxViewer(ViewerOp::Open {
                appointment_id: APPT
            }),
            "{role:?}"
        );
        send(
            &mut s,
            [reply(
                request,
                Reply::RxViewer(ViewerReply::Opened(Ok(Box::new((
                    brief(Some(1)),
                    Some(stored(1)),
                ))))),
            )],
        );
        assert_eq!(s.context(), Context::PrescriptionView, "{role:?}");
        // Typing changes nothing and saves nothing.
        let effects = send(&mut s, [ch('a'), ch('d'), ctrl('s')]);
        assert!(effects.is_empty(), "{role:?}: {effects:?}");
        let text = screen_text(&s, 80, 24);
        assert!(!text.contains("save"), "{role:?} sees no save key:\n{text}");
        // The viewer took the editor's place: Esc goes back to where it was opened.
        send(&mut s, [key(KeyCode::Esc)]);
        top!(s, Home);
    }
    let mut desk = base(Role::FrontDesk, HOUSE);
    let effects = open(&mut desk, EditorScreen::for_appointment(APPT).into());
    // Back on Home, which only counts the waitlist again.
    assert!(
        effects.iter().all(|e| matches!(
            e,
            Effect::Run {
                op: Op::Home(_),
                ..
            }
        )),
        "{effects:?}"
    );
    top!(desk, Home);
    assert!(status(&desk).contains("Only the doctor and the patient"));
}

/// Issue 11.1: a request whose task failed (a panic in the runtime) unblocks the editor:
/// the spinner stops, the draft stays, and Save works again.
#[test]
fn a_failed_save_task_unblocks_the_editor() {
    let mut s = editor_with(Some(stored(1)), None);
    send(&mut s, [ch('d')]);
    let (request, _, _) = save_request(&mut s);
    assert!(s.busy.is_some());
    send(
        &mut s,
        [Msg::TaskFailed {
            request,
            message: clinic::tui::task::FAILED_SENTENCE.into(),
        }],
    );
    assert!(s.busy.is_none());
    assert_eq!(status(&s), clinic::tui::task::FAILED_SENTENCE);
    assert_eq!(ed(&s).draft.medications.len(), 1, "the edit is kept");
    let (again, _, _) = save_request(&mut s);
    assert!(again > request, "a new save was sent");
}

/// Issue 16: `x` offers a PDF or Markdown (it wrote Markdown only); the status line says
/// where the file went.
#[test]
fn x_offers_pdf_or_markdown_and_says_where_the_file_went() {
    use clinic::service::pdf::Paper;
    use clinic::tui::screens::prescription::ops::ExportFormat;
    let mut s = editor_with(Some(stored(1)), None);
    assert!(send(&mut s, [ch('x')]).is_empty(), "x asks first");
    assert!(matches!(ed(&s).modal, Some(Modal::Export(_))));
    assert_eq!(s.context(), Context::Form);
    let text = screen_text(&s, 80, 24);
    assert!(
        text.contains("Export the prescription") && text.contains("PDF (A4)"),
        "{text}"
    );
    insta::assert_snapshot!("export_choice_80x24", draw(&s, 80, 24).backend());
    // Enter: a PDF on A4, the first choice.
    let (request, op) = request_of(&send(&mut s, [key(KeyCode::Enter)]));
    assert_eq!(
        op,
        Op::RxEditor(EditorOp::Export {
            appointment_id: APPT,
            format: ExportFormat::Pdf(Paper::A4),
        })
    );
    assert!(ed(&s).modal.is_none());
    send(
        &mut s,
        [reply(
            request,
            Reply::RxEditor(EditorReply::Exported(Ok(
                "/tmp/exports/prescription-appointment-1025.pdf".into(),
            ))),
        )],
    );
    assert_eq!(
        status(&s),
        "Prescription exported to /tmp/exports/prescription-appointment-1025.pdf"
    );
    // m picks Markdown; → the Letter paper; Esc asks for nothing.
    send(&mut s, [ch('x'), ch('m')]);
    let (_, op) = request_of(&send(&mut s, [key(KeyCode::Enter)]));
    assert!(matches!(
        op,
        Op::RxEditor(EditorOp::Export {
            format: ExportFormat::Markdown,
            ..
        })
    ));
    send(&mut s, [ch('x'), key(KeyCode::Right)]);
    let (_, op) = request_of(&send(&mut s, [key(KeyCode::Enter)]));
    assert!(matches!(
        op,
        Op::RxEditor(EditorOp::Export {
            format: ExportFormat::Pdf(Paper::Letter),
            ..
        })
    ));
    assert!(send(&mut s, [ch('x'), key(KeyCode::Esc)]).is_empty());
    assert!(ed(&s).modal.is_none());

    // The read-only viewer asks the same.
    let mut s = base(Role::Patient, ZOE);
    let effects = open(&mut s, EditorScreen::for_appointment(APPT).into());
    let (request, _) = request_of(&effects);
    send(
        &mut s,
        [reply(
            request,
            Reply::RxViewer(ViewerReply::Opened(Ok(Box::new((
                brief(Some(1)),
                Some(stored(1)),
            ))))),
        )],
    );
    assert!(send(&mut s, [ch('x')]).is_empty());
    assert_eq!(s.context(), Context::Form);
    assert!(screen_text(&s, 80, 24).contains("PDF (A4)"));
    let (request, op) = request_of(&send(&mut s, [ch('p'), key(KeyCode::Enter)]));
    assert_eq!(
        op,
        Op::RxViewer(ViewerOp::Export {
            appointment_id: APPT,
            format: ExportFormat::Pdf(Paper::Letter),
        }),
        "p moves to the next PDF"
    );
    send(
        &mut s,
        [reply(
            request,
            Reply::RxViewer(ViewerReply::Exported(Ok("/tmp/p.pdf".into()))),
        )],
    );
    assert_eq!(status(&s), "Prescription exported to /tmp/p.pdf");
    assert_eq!(s.context(), Context::PrescriptionView);
}
