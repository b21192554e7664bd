//! Issue 12 item 5 on the prescription editor: its notes are the shared editor (word
//! wrap, undo), its forms the shared form (every error at once, under its field, the
//! cursor on the first), its medications the shared table.

use crate::prescription_ui::{APPT, ed, editor_with, request_of, stored};

use crate::common::ui::{ch, ctrl, draw, key, reply, send, type_text};
use clinic::domain::prescription::{Attachment, MedicationField};
use clinic::service::ServiceError;
use clinic::tui::keymap::Context;
use clinic::tui::routes::{Op, Reply};
use clinic::tui::screens::prescription::editor::{EditorOp, EditorReply, Modal, Section};
use clinic::tui::screens::prescription::forms::AttachmentField;
use clinic::tui::state::AppState;
use crossterm::event::KeyCode;

const LONG_NOTE: &str = "Suspected bacterial pharyngitis with tonsillar exudate; rapid streptococcal antigen test pending.";

/// The rows inside the box titled `title` on screen, trimmed.
fn box_rows(s: &AppState, title: &str, width: u16, height: u16) -> Vec<String> {
    let terminal = draw(s, width, height);
    let buffer = terminal.backend().buffer();
    let row = |y: u16| -> Vec<String> {
        (0..width)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect()
    };
    let wanted = format!(" {title} ");
    let (top, title_at) = (0..height)
        .find_map(|y| {
            let cells = row(y);
            let text: String = cells.concat();
            // Every cell on these rows holds one character.
            text.find(&wanted)
                .map(|byte| (y, text[..byte].chars().count()))
        })
        .expect("the box is on screen");
    let cells = row(top);
    let left = (0..title_at)
        .rev()
        .find(|x| cells[*x] == "┌")
        .expect("its left corner");
    let right = (title_at..usize::from(width))
        .find(|x| cells[*x] == "┐")
        .expect("its right corner");
    let mut rows = Vec::new();
    for y in top + 1..height {
        let cells = row(y);
        if cells[left] == "└" {
            break;
        }
        rows.push(cells[left + 1..right].concat().trim().to_string());
    }
    rows
}

#[test]
fn a_long_note_wraps_at_words() {
    let mut s = editor_with(None, None);
    send(&mut s, [key(KeyCode::Tab), key(KeyCode::Tab)]);
    assert_eq!(ed(&s).section, Section::Diagnosis);
    type_text(&mut s, LONG_NOTE);
    assert_eq!(ed(&s).current().notes.diagnosis, LONG_NOTE);
    let rows = box_rows(&s, "Diagnosis", 80, 24);
    let shown: Vec<&str> = rows
        .iter()
        .filter(|r| !r.is_empty())
        .map(String::as_str)
        .collect();
    assert!(shown.len() > 2, "the note takes several rows: {rows:?}");
    // Every row holds whole words: put back together, the rows are the note.
    assert_eq!(shown.join(" "), LONG_NOTE, "{rows:?}");
    s.status = None;
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}

#[test]
fn ctrl_z_undoes_in_a_note_and_ctrl_y_redoes() {
    let mut s = editor_with(Some(stored(1)), None);
    send(&mut s, [key(KeyCode::Tab), key(KeyCode::Tab)]);
    assert_eq!(s.context(), Context::PrescriptionText);
    let before = stored(1).notes.diagnosis;
    type_text(&mut s, " Viral, not bacterial.");
    assert!(ed(&s).is_dirty());
    // A word at a time, and Ctrl-Z is the note's, not a command.
    let effects = send(&mut s, [ctrl('z')]);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(
        ed(&s).current().notes.diagnosis,
        format!("{before} Viral, not ")
    );
    send(&mut s, std::iter::repeat_n(ctrl('z'), 6));
    assert_eq!(ed(&s).current().notes.diagnosis, before);
    assert!(!ed(&s).is_dirty(), "everything typed is undone");
    // A word and the space after it are one step.
    send(&mut s, [ctrl('y'), ctrl('y')]);
    assert_eq!(
        ed(&s).current().notes.diagnosis,
        format!("{before} Viral, ")
    );
    // Only the note in focus: the chief complaint is as stored.
    assert_eq!(
        ed(&s).current().notes.chief_complaint,
        stored(1).notes.chief_complaint
    );
}

fn medication_form(s: &AppState) -> &clinic::tui::screens::prescription::forms::MedicationForm {
    match &ed(s).modal {
        Some(Modal::Medication { form, .. }) => form,
        other => panic!("the medication form is open: {other:?}"),
    }
}

#[test]
fn the_medication_form_shows_every_error_at_once_under_its_field() {
    let mut s = editor_with(None, None);
    send(&mut s, [ch('a'), key(KeyCode::Tab)]);
    type_text(&mut s, "500mg");
    send(&mut s, [key(KeyCode::Tab), key(KeyCode::Tab)]);
    type_text(&mut s, "abc");
    send(&mut s, [key(KeyCode::Enter)]);
    let form = medication_form(&s);
    assert_eq!(
        form.error(MedicationField::Name),
        Some("Medication 1 needs a name.")
    );
    assert_eq!(
        form.error(MedicationField::Duration),
        Some("The duration \"abc\" is not a whole number of days (for example 7).")
    );
    assert_eq!(form.error(MedicationField::Dosage), None);
    assert_eq!(
        form.focus(),
        Some(MedicationField::Name),
        "the first bad field"
    );
    assert_eq!(
        form.value(MedicationField::Duration),
        "abc",
        "what was typed stays"
    );
    let text = format!("{:?}", draw(&s, 80, 24).backend());
    assert!(text.contains("Medication 1 needs a name."), "{text}");
    assert!(text.contains("is not a whole number"), "{text}");
    insta::assert_snapshot!(draw(&s, 80, 24).backend());

    // The name goes where the cursor is; the duration's error stays until it is fixed.
    type_text(&mut s, "Amoxicillin");
    assert_eq!(medication_form(&s).error(MedicationField::Name), None);
    send(&mut s, [key(KeyCode::Enter)]);
    let form = medication_form(&s);
    assert_eq!(form.value(MedicationField::Name), "Amoxicillin");
    assert_eq!(form.focus(), Some(MedicationField::Duration));
    send(&mut s, std::iter::repeat_n(key(KeyCode::Backspace), 3));
    type_text(&mut s, "7");
    send(&mut s, [key(KeyCode::Enter)]);
    assert!(ed(&s).modal.is_none());
    let m = &ed(&s).draft.medications[0];
    assert_eq!(
        (m.name.as_str(), m.dosage.as_str(), m.duration_days),
        ("Amoxicillin", "500mg", Some(7))
    );
}

fn attachment_form(s: &AppState) -> &clinic::tui::screens::prescription::forms::AttachmentForm {
    match &ed(s).modal {
        Some(Modal::Attachment(form)) => form,
        other => panic!("the attachment form is open: {other:?}"),
    }
}

/// The service's refusal of a file shows under the file's field, with what was typed.
#[test]
fn a_refused_file_shows_its_reason_under_the_field() {
    let mut s = editor_with(Some(stored(1)), None);
    send(&mut s, std::iter::repeat_n(key(KeyCode::Tab), 5));
    assert_eq!(ed(&s).section, Section::Attachments);
    send(&mut s, [ch('a')]);
    // Nothing typed: said under the field, no request.
    assert!(send(&mut s, [key(KeyCode::Enter)]).is_empty());
    assert!(attachment_form(&s).error(AttachmentField::Target).is_some());
    type_text(&mut s, "/nowhere/scan.pdf");
    let effects = send(&mut s, [key(KeyCode::Enter)]);
    let (request, op) = request_of(&effects);
    assert_eq!(
        op,
        Op::RxEditor(EditorOp::AttachFile {
            appointment_id: APPT,
            path: "/nowhere/scan.pdf".into(),
            name: String::new(),
        })
    );
    assert!(attachment_form(&s).is_pending());
    let why = "There is no file at /nowhere/scan.pdf.";
    send(
        &mut s,
        [reply(
            request,
            Reply::RxEditor(EditorReply::Attached(Err(ServiceError::Invalid(
                why.into(),
            )))),
        )],
    );
    let form = attachment_form(&s);
    assert!(!form.is_pending());
    assert_eq!(form.error(AttachmentField::Target), Some(why));
    assert_eq!(form.value(AttachmentField::Target), "/nowhere/scan.pdf");
    assert!(format!("{:?}", draw(&s, 80, 24).backend()).contains("There is no file at"));
    // Fixed and sent again: the file goes on the draft and the form closes.
    send(&mut s, std::iter::repeat_n(key(KeyCode::Backspace), 17));
    type_text(&mut s, "/tmp/scan.pdf");
    let effects = send(&mut s, [key(KeyCode::Enter)]);
    let (request, _) = request_of(&effects);
    let file = Attachment {
        kind: "pdf".into(),
        file_name: "scan.pdf".into(),
        url: "gridfs:1".into(),
    };
    send(
        &mut s,
        [reply(
            request,
            Reply::RxEditor(EditorReply::Attached(Ok(file.clone()))),
        )],
    );
    assert!(ed(&s).modal.is_none());
    assert_eq!(ed(&s).draft.attachments, [file]);
}

/// The versions page lists the versions as a table, the compared pair marked A and B,
/// the cursor's row selected.
#[test]
fn the_versions_are_a_table_with_the_pair_marked() {
    let mut s = editor_with(Some(stored(3)), None);
    let effects = send(&mut s, [ch('h')]);
    let (request, _) = request_of(&effects);
    let mut v2 = stored(2);
    v2.notes.diagnosis = "Viral pharyngitis.".into();
    let mut v3 = v2.clone();
    v3.version = 3;
    v3.tags.push("follow-up".into());
    send(
        &mut s,
        [reply(
            request,
            Reply::RxHistory(Ok(vec![stored(1), v2, v3])),
        )],
    );
    // Mark v1 (A); the cursor back on v3 (B).
    send(
        &mut s,
        [ch('k'), ch('k'), key(KeyCode::Char(' ')), ch('j'), ch('j')],
    );
    s.status = None;
    insta::assert_snapshot!(crate::common::ui::styled(&s, 80, 24));
}
