//! The editor's keys: the box open over it first (a form, a question, a conflict), then
//! the focused section (typing goes into notes and tags).

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::{EditorOp, EditorState, Modal, Section};
use crate::domain::prescription::{self as rx, Medication, normalise_tag, tag_problem};
use crate::tui::keymap::Command;
use crate::tui::screen::{Action, Actions};
use crate::tui::screens::prescription::forms::{
    self, AttachmentForm, AttachmentRequest, MedicationForm,
};
use crate::tui::screens::prescription::history::HistoryScreen;
use crate::tui::screens::prescription::ops;
use crate::tui::widgets::form::FormOutcome;

impl EditorState {
    /// A key: to the box open over the editor, else to the focused section.
    pub fn handle(&mut self, key: KeyEvent, command: Option<Command>) -> Actions<EditorOp> {
        match self.modal.take() {
            Some(Modal::Medication { row, form }) => {
                self.on_medication_key(row, form, key, command)
            }
            Some(Modal::Attachment(form)) => self.on_attachment_key(form, key, command),
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
            Some(Modal::Export(mut form)) => match form.on_key(&key, command) {
                FormOutcome::Cancel => Vec::new(),
                FormOutcome::Submit => {
                    let mut out = vec![Action::Request(EditorOp::Export {
                        appointment_id: self.brief.appointment_id,
                        format: ops::chosen_format(&form),
                    })];
                    if self.is_dirty() {
                        out.push(Action::Info(
                            "Exporting the saved version; your unsaved changes are not in it."
                                .into(),
                        ));
                    }
                    out
                }
                _ => {
                    self.modal = Some(Modal::Export(form));
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
                self.modal = Some(Modal::Export(ops::export_form()));
                return Vec::new();
            }
            _ => {}
        }
        if let Some(i) = self.section.note_index() {
            if let Some(note) = self.notes.get_mut(i) {
                note.on_key(&key);
            }
            return Vec::new();
        }
        match self.section {
            Section::Tags => self.on_tags_key(key),
            Section::Medications => self.on_meds_key(key, command),
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

    fn on_meds_key(&mut self, key: KeyEvent, command: Option<Command>) -> Actions<EditorOp> {
        let n = self.draft.medications.len();
        let row = self.med_row();
        match command {
            Some(Command::AddItem) => {
                if n >= rx::MAX_MEDICATIONS {
                    return vec![Action::Error(format!(
                        "A prescription lists at most {} medications.",
                        rx::MAX_MEDICATIONS
                    ))];
                }
                self.modal = Some(Modal::Medication {
                    row: None,
                    form: forms::medication(None, &Medication::default()),
                });
            }
            Some(Command::EditItem | Command::Open) => {
                let Some(m) = self.draft.medications.get(row) else {
                    return vec![Action::Info(
                        "No medication yet. Press a to add one.".into(),
                    )];
                };
                self.modal = Some(Modal::Medication {
                    row: Some(row),
                    form: forms::medication(Some(row), m),
                });
            }
            Some(Command::DeleteItem) if row < n => {
                let m = self.draft.medications.remove(row);
                self.meds.clamp(n - 1);
                return vec![Action::Info(format!(
                    "{} removed (Esc without saving brings it back).",
                    m.name
                ))];
            }
            Some(Command::MoveUp) if row > 0 && row < n => {
                self.draft.medications.swap(row, row - 1);
                self.meds.select(row - 1, n);
            }
            Some(Command::MoveDown) if row + 1 < n => {
                self.draft.medications.swap(row, row + 1);
                self.meds.select(row + 1, n);
            }
            _ => {
                self.meds.on_key(&key, command, n);
            }
        }
        Vec::new()
    }

    fn on_attachments_key(&mut self, command: Option<Command>) -> Actions<EditorOp> {
        let n = self.draft.attachments.len();
        match command {
            Some(Command::Up) => self.attach_row = self.attach_row.saturating_sub(1),
            Some(Command::Down) => self.attach_row = (self.attach_row + 1).min(n.saturating_sub(1)),
            Some(Command::AddItem | Command::EditItem | Command::Open) => {
                self.modal = Some(Modal::Attachment(forms::attachment()));
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

    /// A key in the medication form: applied to the draft when it has no problem, else
    /// every problem shows under its field.
    fn on_medication_key(
        &mut self,
        row: Option<usize>,
        mut form: MedicationForm,
        key: KeyEvent,
        command: Option<Command>,
    ) -> Actions<EditorOp> {
        match form.on_key(&key, command) {
            FormOutcome::Cancel => return Vec::new(),
            FormOutcome::Submit => {
                let n = self.draft.medications.len();
                let number = row.map_or(n + 1, |r| r + 1);
                if let Some(m) = forms::medication_from(&mut form, number) {
                    match row {
                        Some(r) if r < n => {
                            self.draft.medications[r] = m;
                            self.meds.select(r, n);
                        }
                        _ => {
                            self.draft.medications.push(m);
                            self.meds.select(n, n + 1);
                        }
                    }
                    return Vec::new();
                }
            }
            _ => {}
        }
        self.modal = Some(Modal::Medication { row, form });
        Vec::new()
    }

    /// A key in the attachment form: a link goes on the draft at once; a local file is
    /// uploaded while the form waits (see `EditorState::attached`).
    fn on_attachment_key(
        &mut self,
        mut form: AttachmentForm,
        key: KeyEvent,
        command: Option<Command>,
    ) -> Actions<EditorOp> {
        let mut out = Vec::new();
        match form.on_key(&key, command) {
            // Esc while a file uploads closes the form; the upload still lands.
            FormOutcome::Cancel => return out,
            FormOutcome::Submit => match forms::attachment_from(&mut form) {
                Some(AttachmentRequest::Link(a)) => {
                    self.draft.attachments.push(a);
                    self.attach_row = self.draft.attachments.len() - 1;
                    return out;
                }
                Some(AttachmentRequest::File { path, name }) => {
                    form.set_pending(true);
                    out.push(Action::Request(EditorOp::AttachFile {
                        appointment_id: self.brief.appointment_id,
                        path,
                        name,
                    }));
                }
                None => {}
            },
            _ => {}
        }
        self.modal = Some(Modal::Attachment(form));
        out
    }
}
