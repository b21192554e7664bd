//! Issue 12 on the prescription screens: each is a page on the navigation stack, so Esc
//! returns to the screen it was opened from as it was left (also after a refused or
//! failed open, or a discarded edit), and every footer at 80 columns ends with help.

use crate::prescription_ui::{
    APPT, HOUSE, ZOE, base, brief, draft_ops, ed, editor_with, now, open, request_of, status,
    stored,
};
use crate::{last_op, top};

use crate::common::ui::{ch, draw, key, open_item, reply, send};
use chrono::Duration;
use clinic::domain::Role;
use clinic::domain::prescription::PrescriptionSummary;
use clinic::service::ServiceError;
use clinic::service::prescription_edit::ONLY_ITS_DOCTOR;
use clinic::service::prescriptions::{AppointmentBrief, TimelineEntry};
use clinic::tui::keymap::{Command, Context, Keymap};
use clinic::tui::routes::{Op, Reply};
use clinic::tui::screens::home::HomeItem;
use clinic::tui::screens::prescription::editor::{EditorOp, EditorReply, EditorScreen};
use clinic::tui::screens::prescription::list::{ListOp, ListReply};
use clinic::tui::screens::prescription::timeline::TimelineScreen;
use clinic::tui::screens::prescription::viewer::{ViewerOp, ViewerReply};
use clinic::tui::state::{AppState, Tone};
use crossterm::event::KeyCode;

/// Three prescriptions of Zoë's, newest first, for appointments 1025, 1024, 1023.
fn entries() -> Vec<TimelineEntry> {
    (0..3)
        .map(|i| {
            let p = stored(1);
            TimelineEntry {
                summary: PrescriptionSummary {
                    appointment_id: APPT - i,
                    doctor_id: HOUSE,
                    patient_id: ZOE,
                    date_issued: p.date_issued,
                    version: 1,
                    medications: p.medications.iter().map(|m| m.name.clone()).collect(),
                    diagnosis: p.notes.diagnosis.clone(),
                    tags: p.tags.clone(),
                },
                appointment_time: Some((now() - Duration::days(i64::from(i) * 7)).naive_utc()),
                doctor_name: "Dr. Gregory House".into(),
            }
        })
        .collect()
}

/// A patient on their own timeline, loaded.
fn timeline() -> AppState {
    let mut s = base(Role::Patient, ZOE);
    let effects = open_item(&mut s, HomeItem::MyPrescriptions);
    let (request, _) = last_op!(effects, RxTimeline);
    send(&mut s, [reply(request, Reply::RxTimeline(Ok(entries())))]);
    s
}

/// A doctor on the prescriptions list, loaded with `items`.
fn list(items: Vec<AppointmentBrief>) -> AppState {
    let mut s = base(Role::Doctor, HOUSE);
    let effects = open_item(&mut s, HomeItem::Prescriptions);
    let (request, _) = last_op!(effects, RxList);
    send(
        &mut s,
        [reply(request, Reply::RxList(ListReply::Loaded(Ok(items))))],
    );
    s
}

/// The editor of `appointment_id` opened with version 1 stored.
fn opened(request: u64, appointment_id: i32) -> clinic::tui::msg::Msg {
    let data = clinic::tui::screens::prescription::ops::EditorData {
        brief: AppointmentBrief {
            appointment_id,
            ..brief(Some(1))
        },
        stored: Some(stored(1)),
        known_tags: Vec::new(),
        draft_file: None,
    };
    reply(
        request,
        Reply::RxEditor(EditorReply::Opened(Ok(Box::new(data)))),
    )
}

fn three_briefs() -> Vec<AppointmentBrief> {
    (0..3)
        .map(|i| AppointmentBrief {
            appointment_id: APPT + i,
            ..brief(Some(1))
        })
        .collect()
}

#[test]
fn esc_from_a_viewer_opened_from_a_timeline_returns_to_it_with_the_same_selection() {
    let mut s = timeline();
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Down)]);
    assert_eq!(top!(s, RxTimeline).selected, 2);
    let effects = send(&mut s, [key(KeyCode::Enter)]);
    let (request, op) = request_of(&effects);
    assert_eq!(
        op,
        Op::RxViewer(ViewerOp::Open {
            appointment_id: APPT - 2
        }),
        "the selected one opens"
    );
    let mut third = brief(Some(1));
    third.appointment_id = APPT - 2;
    send(
        &mut s,
        [reply(
            request,
            Reply::RxViewer(ViewerReply::Opened(Ok(Box::new((third, Some(stored(1))))))),
        )],
    );
    top!(s, RxViewer);
    // Its versions open on top of it, and Esc comes back to it.
    let effects = send(&mut s, [ch('h')]);
    last_op!(effects, RxHistory);
    send(&mut s, [key(KeyCode::Esc)]);
    assert_eq!(top!(s, RxViewer).appointment_id, APPT - 2);
    // Esc: the timeline as it was left, without loading it again.
    let effects = send(&mut s, [key(KeyCode::Esc)]);
    assert!(effects.is_empty(), "nothing reloads: {effects:?}");
    let t = top!(s, RxTimeline);
    assert_eq!(t.selected, 2);
    assert_eq!(t.entries.len(), 3);
    // And once more: the home menu, still on "My prescriptions".
    send(&mut s, [key(KeyCode::Esc)]);
    let home = top!(s, Home);
    assert_eq!(home.items[home.selected], HomeItem::MyPrescriptions);
}

#[test]
fn a_refused_editor_open_goes_back_to_the_screen_below_and_says_why() {
    let mut s = list(three_briefs());
    send(&mut s, [key(KeyCode::Down)]);
    let effects = send(&mut s, [key(KeyCode::Enter)]);
    let (request, op) = last_op!(effects, RxEditor);
    assert_eq!(
        op,
        EditorOp::Open {
            appointment_id: APPT + 1
        }
    );
    top!(s, RxEditor);
    let effects = send(
        &mut s,
        [reply(
            request,
            Reply::RxEditor(EditorReply::Opened(Err(ServiceError::Forbidden(
                ONLY_ITS_DOCTOR.into(),
            )))),
        )],
    );
    // Back on the list, same row, which reloads (a prescription may have changed) …
    assert_eq!(top!(s, RxList).selected(), 1);
    assert!(matches!(
        request_of(&effects).1,
        Op::RxList(ListOp::Load { .. })
    ));
    // … and the refusal is shown, as an error.
    assert_eq!(s.status.as_ref().map(|l| l.tone), Some(Tone::Error));
    assert!(
        status(&s).contains("only the appointment's doctor can"),
        "{}",
        status(&s)
    );
}

#[test]
fn a_failed_open_from_another_screen_goes_back_to_it_with_the_outage_shown() {
    // The agenda opens the editor this way; any screen below gets the user back. A
    // patient reads, never edits: the viewer takes the editor's place …
    let mut s = timeline();
    let effects = open(&mut s, EditorScreen::for_appointment(APPT).into());
    let (request, op) = last_op!(effects, RxViewer);
    assert_eq!(
        op,
        ViewerOp::Open {
            appointment_id: APPT
        }
    );
    // … and when it cannot open, Esc is not even needed: back on the timeline.
    send(
        &mut s,
        [reply(
            request,
            Reply::RxViewer(ViewerReply::Opened(Err(
                ServiceError::DocumentStoreUnavailable("timeout".into()),
            ))),
        )],
    );
    top!(s, RxTimeline);
    let line = s.status.as_ref().expect("a message");
    assert!(line.outage, "remembered as an outage");
    assert!(line.text.contains("cannot be reached"), "{}", line.text);

    // A doctor whose editor cannot open (the store is down) is back where they were.
    let mut s = list(three_briefs());
    let effects = send(&mut s, [key(KeyCode::Enter)]);
    let (request, _) = last_op!(effects, RxEditor);
    send(
        &mut s,
        [reply(
            request,
            Reply::RxEditor(EditorReply::Opened(Err(
                ServiceError::DocumentStoreUnavailable("timeout".into()),
            ))),
        )],
    );
    top!(s, RxList);
    assert!(status(&s).contains("cannot be reached"));
}

#[test]
fn a_discarded_edit_returns_to_the_list_it_was_opened_from() {
    let mut s = list(three_briefs());
    send(&mut s, [key(KeyCode::Down), key(KeyCode::Down)]);
    let effects = send(&mut s, [key(KeyCode::Enter)]);
    let (request, _) = last_op!(effects, RxEditor);
    send(&mut s, [opened(request, APPT + 2)]);
    send(&mut s, [ch('d')]);
    assert!(ed(&s).is_dirty());
    let effects = send(&mut s, [key(KeyCode::Esc), ch('y')]);
    assert!(
        draft_ops(&effects).is_empty(),
        "a discarded edit leaves no file"
    );
    assert_eq!(top!(s, RxList).selected(), 2);
    assert!(!s.has_unsaved_work());
}

/// The last row of the screen at 80x24, without trailing blanks.
fn footer(s: &AppState) -> String {
    let terminal = draw(s, 80, 24);
    let buffer = terminal.backend().buffer();
    (0..80)
        .map(|x| buffer[(x, 23)].symbol())
        .collect::<String>()
        .trim_end()
        .to_string()
}

fn assert_help_last(s: &AppState, what: &str) -> String {
    let line = footer(s);
    let help = Keymap::defaults()
        .key_for(s.context(), Command::Help)
        .expect("a help key");
    assert!(
        line.ends_with(&format!(" {help} help")),
        "{what}: the footer ends with help: {line:?}"
    );
    line
}

#[test]
fn every_prescription_footer_at_80_columns_ends_with_help() {
    // The list, for each role that has it: only keys the role can use.
    for role in [Role::Doctor, Role::Admin, Role::FrontDesk] {
        let mut s = base(role, HOUSE);
        let effects = open_item(&mut s, HomeItem::Prescriptions);
        let (request, _) = last_op!(effects, RxList);
        send(
            &mut s,
            [reply(
                request,
                Reply::RxList(ListReply::Loaded(Ok(three_briefs()))),
            )],
        );
        let line = assert_help_last(&s, &format!("{role:?} list"));
        assert!(line.ends_with("? help"), "{line}");
        if role == Role::FrontDesk {
            assert!(
                !line.contains("timeline") && !line.contains("insight"),
                "{line}"
            );
        } else {
            assert!(line.contains("timeline"), "{line}");
        }
    }

    // A patient's timeline, a prescription read-only, its versions.
    let mut s = timeline();
    assert!(assert_help_last(&s, "timeline").ends_with("? help"));
    let effects = send(&mut s, [key(KeyCode::Enter)]);
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
    let line = assert_help_last(&s, "viewer");
    assert!(
        line.ends_with("? help") && line.contains("export"),
        "{line}"
    );
    let effects = send(&mut s, [ch('h')]);
    let (request, _) = request_of(&effects);
    send(
        &mut s,
        [reply(
            request,
            Reply::RxHistory(Ok(vec![stored(1), stored(2)])),
        )],
    );
    top!(s, RxHistory);
    assert!(assert_help_last(&s, "versions").ends_with("? help"));

    // The editor on every section, and with each box open over it.
    let mut s = editor_with(Some(stored(1)), None);
    let line = assert_help_last(&s, "editor, medications");
    assert!(line.ends_with("? help") && line.contains("save"), "{line}");
    assert!(
        line.contains("Esc back"),
        "the way out always shows: {line}"
    );
    for section in 1..6 {
        send(&mut s, [key(KeyCode::Tab)]);
        let what = format!("editor, section {section}");
        let line = assert_help_last(&s, &what);
        assert!(line.contains("save"), "{what}: {line}");
        if s.context() == Context::PrescriptionText {
            // Typing goes in: help is F1 here, as the key line says.
            assert!(line.ends_with("F1 help"), "{what}: {line}");
        } else {
            assert!(line.ends_with("? help"), "{what}: {line}");
        }
    }
    send(&mut s, [key(KeyCode::Tab), ch('a')]);
    assert_eq!(s.context(), Context::Form);
    assert_help_last(&s, "medication form");
    send(&mut s, [key(KeyCode::Esc), ch('d'), key(KeyCode::Esc)]);
    assert_eq!(s.context(), Context::Confirm);
    assert!(assert_help_last(&s, "discard question").contains("discard"));
    // While it opens.
    let mut s = base(Role::Doctor, HOUSE);
    open(&mut s, EditorScreen::for_appointment(APPT).into());
    assert!(assert_help_last(&s, "opening editor").ends_with("? help"));
    let mut s = base(Role::Patient, ZOE);
    open(&mut s, TimelineScreen::for_patient(ZOE).into());
    assert!(assert_help_last(&s, "loading timeline").ends_with("? help"));
}

/// The list's selected row and the editor's focused box and row, with their styles.
#[test]
fn styles_of_the_list_selection_and_the_editor_focus() {
    let mut s = list(three_briefs());
    send(&mut s, [key(KeyCode::Down)]);
    insta::assert_snapshot!(
        "styles_prescription_list_selection",
        crate::common::ui::styled(&s, 80, 24)
    );
    let mut s = editor_with(Some(stored(1)), None);
    send(&mut s, [key(KeyCode::Down)]);
    s.status = None;
    insta::assert_snapshot!(
        "styles_prescription_editor_focus",
        crate::common::ui::styled(&s, 80, 24)
    );
}

/// Issue 12: an editor opened from the agenda returns to the agenda, as it was left,
/// after a discarded edit and after a refused open.
#[test]
fn an_editor_opened_from_the_agenda_returns_to_the_agenda() {
    let mut s = crate::agenda_ui::loaded(Role::Doctor, HOUSE);
    send(&mut s, [key(KeyCode::Down)]);
    let row = top!(s, Agenda).selected();
    let id = top!(s, Agenda)
        .selected_row()
        .expect("a row")
        .appointment
        .id;
    let effects = send(&mut s, [ch('e')]);
    let (request, _) = last_op!(effects, RxEditor);
    send(&mut s, [opened(request, id)]);
    send(&mut s, [ch('d'), key(KeyCode::Esc), ch('y')]);
    assert_eq!(top!(s, Agenda).selected(), row, "the same row");

    // Refused: back on the agenda with the reason.
    let effects = send(&mut s, [ch('e')]);
    let (request, _) = last_op!(effects, RxEditor);
    send(
        &mut s,
        [reply(
            request,
            Reply::RxEditor(EditorReply::Opened(Err(ServiceError::Forbidden(
                ONLY_ITS_DOCTOR.into(),
            )))),
        )],
    );
    assert_eq!(top!(s, Agenda).selected(), row);
    assert!(
        status(&s).contains("only the appointment's doctor"),
        "{}",
        status(&s)
    );
}
