//! The editor's keys: the box open over it first (a form, a question, a conflict), then
//! the focused section (typing goes into notes and tags).

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::{EditorOp, EditorState, Form, FormKind, Modal, Section};
use crate::domain::prescription::{
    self as rx, Medication, normalise_tag, parse_duration_days, tag_problem,
};
use crate::service::prescriptions::link_attachment;
use crate::tui::keymap::Command;
use crate::tui::screen::{Action, Actions};
use crate::tui::screens::prescription::form::FormKey;
use crate::tui::screens::prescription::history::HistoryScreen;

impl EditorState {
    /// A key: to the box open over the editor, else to the focused section.
    pub fn handle(&mut self, key: KeyEvent, command: Option<Command>) -> Actions<EditorOp> {
        match self.modal.take() {
            Some(Modal::Form(form)) => self.on_form_key(form, key, command),
            Some(Modal::ConfirmLeave) => match command {
                Some(Command::Yes) => vec![Action::Back],
                Some(Command::No) => Vec::new(),
                _ => {
                    self.modal = Some(Modal::ConfirmLeave);
                    Vec::new()
                }
            },
            Some(Modal::RestoreDraft(file)) => match command {
                Some(Command::Yes) => {
                    let file = *file;
                    self.load(&file.draft);
                    // Keep the stored version as the base: a newer one shows as a conflict.
                    vec![Action::Info(format!(
                        "Draft from {} restored; Ctrl-S saves it.",
                        file.written_at.format("%-d %b %H:%M UTC")
                    ))]
                }
                Some(Command::No) => vec![
                    self.delete_draft_file(),
                    Action::Info("The old draft was discarded.".into()),
                ],
                _ => {
                    self.modal = Some(Modal::RestoreDraft(file));
                    Vec::new()
                }
            },
            Some(Modal::Conflict(c)) => match command {
                Some(Command::ReloadTheirs) => {
                    let theirs = *c.theirs;
                    self.stored = Some(theirs.clone());
                    self.expected_version = Some(theirs.version);
                    self.load(&theirs);
                    self.error = None;
                    let mut out = vec![Action::Info(format!(
                        "Version {} loaded; your changes were dropped.",
                        theirs.version
                    ))];
                    if self.offline.take().is_some() {
                        out.push(self.delete_draft_file());
                    }
                    out
                }
                Some(Command::KeepMine) => {
                    let theirs = *c.theirs;
                    self.expected_version = Some(theirs.version);
                    self.stored = Some(theirs.clone());
                    self.error = None;
                    vec![Action::Info(format!(
                        "Your changes now apply on top of version {}; Ctrl-S saves them.",
                        theirs.version
                    ))]
                }
                Some(Command::Back) => vec![Action::Info(
                    "Still editing an old version: saving will report the conflict again.".into(),
                )],
                _ => {
                    self.modal = Some(Modal::Conflict(c));
                    Vec::new()
                }
            },
            None => self.on_main_key(key, command),
        }
    }

    fn leave(&mut self) -> Actions<EditorOp> {
        if self.is_dirty() {
            self.modal = Some(Modal::ConfirmLeave);
            Vec::new()
        } else {
            vec![Action::Back]
        }
    }

    fn move_section(&mut self, forward: bool) {
        let n = Section::ALL.len();
        let i = Section::ALL
            .iter()
            .position(|s| *s == self.section)
            .unwrap_or(0);
        let next = if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        };
        self.section = Section::ALL[next];
        self.suggestion = None;
    }

    fn on_main_key(&mut self, key: KeyEvent, command: Option<Command>) -> Actions<EditorOp> {
        match command {
            Some(Command::NextField) => {
                self.move_section(true);
                return Vec::new();
            }
            Some(Command::PrevField) => {
                self.move_section(false);
                return Vec::new();
            }
            Some(Command::Save) => return self.save(),
            Some(Command::Back) => return self.leave(),
            Some(Command::History) => {
                if self.stored.is_none() {
                    return vec![Action::Info("No saved version yet.".into())];
                }
                return vec![Action::Open(HistoryScreen::new(self.brief.clone()).into())];
            }
            Some(Command::Export) => {
                if self.stored.is_none() {
                    return vec![Action::Info(
                        "Save the prescription before exporting it.".into(),
                    )];
                }
                let mut out = vec![Action::Request(EditorOp::Export {
                    appointment_id: self.brief.appointment_id,
                })];
                if self.is_dirty() {
                    out.push(Action::Info(
                        "Exporting the saved version; your unsaved changes are not in it.".into(),
                    ));
                }
                return out;
            }
            _ => {}
        }
        if let Some(i) = self.section.note_index() {
            if let Some(area) = self.notes.get_mut(i) {
                area.handle_key(&key);
            }
            return Vec::new();
        }
        match self.section {
            Section::Tags => self.on_tags_key(key),
            Section::Medications => self.on_meds_key(command),
            Section::Attachments => self.on_attachments_key(command),
            _ => Vec::new(),
        }
    }

    fn on_tags_key(&mut self, key: KeyEvent) -> Actions<EditorOp> {
        let n = self.suggestions().len();
        match key.code {
            KeyCode::Down if n > 0 => {
                self.suggestion = Some(self.suggestion.map_or(0, |i| (i + 1) % n));
            }
            KeyCode::Up if n > 0 => {
                self.suggestion = Some(self.suggestion.map_or(n - 1, |i| (i + n - 1) % n));
            }
            KeyCode::Enter => {
                let picked = self
                    .suggestion
                    .and_then(|i| self.suggestions().get(i).map(|s| s.to_string()));
                let raw = picked.unwrap_or_else(|| self.tag_input.value().to_string());
                let Some(tag) = normalise_tag(&raw) else {
                    return vec![Action::Info("Type a tag, then Enter adds it.".into())];
                };
                if let Some(problem) = tag_problem(&tag) {
                    return vec![Action::Error(problem)];
                }
                if self.draft.tags.len() >= rx::MAX_TAGS {
                    return vec![Action::Error(format!(
                        "A prescription carries at most {} tags.",
                        rx::MAX_TAGS
                    ))];
                }
                if !self.draft.tags.contains(&tag) {
                    self.draft.tags.push(tag);
                }
                self.tag_input = Input::default();
                self.suggestion = None;
            }
            KeyCode::Backspace if self.tag_input.value().is_empty() => {
                self.draft.tags.pop();
            }
            _ => {
                self.tag_input.handle_event(&Event::Key(key));
                self.suggestion = None;
            }
        }
        Vec::new()
    }

    fn on_meds_key(&mut self, command: Option<Command>) -> Actions<EditorOp> {
        let n = self.draft.medications.len();
        match command {
            Some(Command::Up) => self.med_row = self.med_row.saturating_sub(1),
            Some(Command::Down) => self.med_row = (self.med_row + 1).min(n.saturating_sub(1)),
            Some(Command::AddItem) => {
                if n >= rx::MAX_MEDICATIONS {
                    return vec![Action::Error(format!(
                        "A prescription lists at most {} medications.",
                        rx::MAX_MEDICATIONS
                    ))];
                }
                self.modal = Some(Modal::Form(Form::medication(None, &Medication::default())));
            }
            Some(Command::EditItem | Command::Open) => {
                let Some(m) = self.draft.medications.get(self.med_row) else {
                    return vec![Action::Info(
                        "No medication yet. Press a to add one.".into(),
                    )];
                };
                self.modal = Some(Modal::Form(Form::medication(Some(self.med_row), m)));
            }
            Some(Command::DeleteItem) if self.med_row < n => {
                let m = self.draft.medications.remove(self.med_row);
                self.med_row = self.med_row.min(n.saturating_sub(2));
                return vec![Action::Info(format!(
                    "{} removed (Esc without saving brings it back).",
                    m.name
                ))];
            }
            Some(Command::MoveUp) if self.med_row > 0 && self.med_row < n => {
                self.draft.medications.swap(self.med_row, self.med_row - 1);
                self.med_row -= 1;
            }
            Some(Command::MoveDown) if self.med_row + 1 < n => {
                self.draft.medications.swap(self.med_row, self.med_row + 1);
                self.med_row += 1;
            }
            _ => {}
        }
        Vec::new()
    }

    fn on_attachments_key(&mut self, command: Option<Command>) -> Actions<EditorOp> {
        let n = self.draft.attachments.len();
        match command {
            Some(Command::Up) => self.attach_row = self.attach_row.saturating_sub(1),
            Some(Command::Down) => self.attach_row = (self.attach_row + 1).min(n.saturating_sub(1)),
            Some(Command::AddItem | Command::EditItem | Command::Open) => {
                self.modal = Some(Modal::Form(Form::attachment()));
            }
            Some(Command::DeleteItem) if self.attach_row < n => {
                let a = self.draft.attachments.remove(self.attach_row);
                self.attach_row = self.attach_row.min(n.saturating_sub(2));
                return vec![Action::Info(format!(
                    "{} removed from the list.",
                    a.file_name
                ))];
            }
            Some(Command::MoveUp) if self.attach_row > 0 && self.attach_row < n => {
                self.draft
                    .attachments
                    .swap(self.attach_row, self.attach_row - 1);
                self.attach_row -= 1;
            }
            Some(Command::MoveDown) if self.attach_row + 1 < n => {
                self.draft
                    .attachments
                    .swap(self.attach_row, self.attach_row + 1);
                self.attach_row += 1;
            }
            _ => {}
        }
        Vec::new()
    }

    fn on_form_key(
        &mut self,
        mut form: Form,
        key: KeyEvent,
        command: Option<Command>,
    ) -> Actions<EditorOp> {
        match form.handle(key, command) {
            FormKey::Cancel => return Vec::new(),
            FormKey::Apply => match self.apply_form(&form) {
                Ok(out) => return out,
                Err(message) => form.error = Some(message),
            },
            FormKey::Edited => {}
        }
        self.modal = Some(Modal::Form(form));
        Vec::new()
    }

    /// Applies a filled form to the draft, or says what to fix.
    fn apply_form(&mut self, form: &Form) -> Result<Actions<EditorOp>, String> {
        match form.kind {
            FormKind::Medication(row) => {
                let m = Medication {
                    name: form.value(0).trim().to_string(),
                    dosage: form.value(1).trim().to_string(),
                    frequency: form.value(2).trim().to_string(),
                    duration_days: parse_duration_days(form.value(3))?,
                    notes: form.value(4).trim().to_string(),
                };
                let number = row.map_or(self.draft.medications.len() + 1, |r| r + 1);
                if let Some(problem) = rx::medication_problem(number, &m) {
                    return Err(problem);
                }
                match row {
                    Some(r) if r < self.draft.medications.len() => {
                        self.draft.medications[r] = m;
                        self.med_row = r;
                    }
                    _ => {
                        self.draft.medications.push(m);
                        self.med_row = self.draft.medications.len() - 1;
                    }
                }
                Ok(Vec::new())
            }
            FormKind::Attachment => {
                let target = form.value(0).trim();
                if target.is_empty() {
                    return Err("Give a web link (https://…) or the path of a local file.".into());
                }
                if target.starts_with("http://") || target.starts_with("https://") {
                    let a = link_attachment(target, form.value(1))?;
                    self.draft.attachments.push(a);
                    self.attach_row = self.draft.attachments.len() - 1;
                    Ok(Vec::new())
                } else {
                    Ok(vec![Action::Request(EditorOp::AttachFile {
                        appointment_id: self.brief.appointment_id,
                        path: target.to_string(),
                        name: form.value(1).trim().to_string(),
                    })])
                }
            }
            FormKind::PatientId => Ok(Vec::new()),
        }
    }
}
