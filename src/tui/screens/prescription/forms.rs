//! The small forms over the prescription screens, on the shared [`Form`]: a medication
//! row, an attachment, an admin's patient id. Each has its own key type (named fields);
//! its check finds every problem at once, each shown under its field with the cursor on
//! the first.

use crate::domain::prescription::{
    self as rx, Attachment, Medication, MedicationField, parse_duration_days,
};
use crate::service::prescriptions::link_attachment;
use crate::tui::keymap::Command;
use crate::tui::screen::Commands;
use crate::tui::widgets::form::Form;

/// The medication form's fields are the medication's.
pub type MedicationForm = Form<MedicationField>;

/// A medication row to add (`row` None) or edit, filled with `m`.
pub fn medication(row: Option<usize>, m: &Medication) -> MedicationForm {
    let title = if row.is_some() {
        "Edit medication"
    } else {
        "Add medication"
    };
    Form::new(title)
        .text(MedicationField::Name, "Name", m.name.clone(), "required")
        .text(
            MedicationField::Dosage,
            "Dosage",
            m.dosage.clone(),
            "required, e.g. 500mg",
        )
        .text(
            MedicationField::Frequency,
            "Frequency",
            m.frequency.clone(),
            "e.g. 3 times a day",
        )
        .text(
            MedicationField::Duration,
            "Days",
            m.duration_days.map_or(String::new(), |d| d.to_string()),
            "whole number",
        )
        .text(MedicationField::Notes, "Notes", m.notes.clone(), "")
}

/// The medication a filled form describes as row `number` (1-based) of the
/// prescription, or every problem with it (shown on the form, the cursor on the first).
pub fn medication_from(form: &mut MedicationForm, number: usize) -> Option<Medication> {
    let mut problems = Vec::new();
    let duration_days =
        parse_duration_days(form.value(MedicationField::Duration)).unwrap_or_else(|e| {
            problems.push((MedicationField::Duration, e));
            None
        });
    let m = Medication {
        name: form.value(MedicationField::Name).trim().to_string(),
        dosage: form.value(MedicationField::Dosage).trim().to_string(),
        frequency: form.value(MedicationField::Frequency).trim().to_string(),
        duration_days,
        notes: form.value(MedicationField::Notes).trim().to_string(),
    };
    problems.extend(rx::medication_problems(number, &m));
    form.validate(|_| problems).then_some(m)
}

/// The attachment form's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentField {
    /// A web link or the path of a local file.
    Target,
    Name,
}

pub type AttachmentForm = Form<AttachmentField>;

pub fn attachment() -> AttachmentForm {
    Form::new("Add attachment")
        .text(
            AttachmentField::Target,
            "Link/file",
            "",
            "https://… or a local path",
        )
        .text(AttachmentField::Name, "Name", "", "optional")
}

/// What a filled attachment form asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum AttachmentRequest {
    /// A web link, ready to go on the draft.
    Link(Attachment),
    /// A local file to upload: its path and the name to give it ("" for the file's).
    File { path: String, name: String },
}

/// The attachment a filled form asks for, or its problem (shown under the field).
pub fn attachment_from(form: &mut AttachmentForm) -> Option<AttachmentRequest> {
    let target = form.value(AttachmentField::Target).trim().to_string();
    let name = form.value(AttachmentField::Name).trim().to_string();
    let request = if target.is_empty() {
        Err("Give a web link (https://…) or the path of a local file.".to_string())
    } else if target.starts_with("http://") || target.starts_with("https://") {
        link_attachment(&target, &name).map(AttachmentRequest::Link)
    } else {
        Ok(AttachmentRequest::File { path: target, name })
    };
    match request {
        Ok(r) => {
            form.clear_errors();
            Some(r)
        }
        Err(e) => {
            form.set_errors([(AttachmentField::Target, e)]);
            None
        }
    }
}

/// An admin's "a patient by id" form has one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatientIdField {
    Id,
}

pub type PatientIdForm = Form<PatientIdField>;

pub fn patient_id() -> PatientIdForm {
    Form::new("Patient's prescriptions").text(PatientIdField::Id, "Patient id", "", "a number")
}

/// The patient id typed, or the problem (shown under the field).
pub fn patient_id_from(form: &mut PatientIdForm) -> Option<i32> {
    match form.value(PatientIdField::Id).trim().parse::<i32>() {
        Ok(id) if id > 0 => Some(id),
        _ => {
            form.set_errors([(
                PatientIdField::Id,
                "A patient id is a positive number, e.g. 42.".to_string(),
            )]);
            None
        }
    }
}

/// The keys a form offers (keymap context `form`).
pub fn commands(out: &mut Commands, saving: bool) {
    out.add(Command::Save, "ok", !saving)
        .add(Command::NextField, "next", !saving)
        .add(Command::Cancel, "cancel", true)
        .more(Command::PrevField, "previous field", !saving);
}
