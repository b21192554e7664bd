//! The doctor's prescription editor: medications table, three notes, tags with
//! suggestions, attachments. Saves carry the version they are based on: a newer stored
//! version is a conflict (reload theirs or keep mine on top); an unreachable store keeps
//! the draft here and in a local draft file and retries on ticks; a draft file left by an
//! earlier session is offered when the editor opens. Leaving with unsaved changes asks.
//!
//! Opened with [`EditorScreen::for_appointment`] (from the agenda or the prescriptions
//! list); Esc returns there. Only the appointment's doctor gets the editor: a patient or
//! an admin gets the read-only viewer in its place, the front desk a sentence, and a
//! refused or failed open goes back with the reason.

mod keys;
mod view;

use std::fmt;
use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use tui_input::Input;

use super::RETRY_SECONDS;
use super::forms::{self, AttachmentField, AttachmentForm, MedicationForm};
use super::ops::{self, EditorData};
use super::viewer::ViewerScreen;
use crate::domain::prescription::{self as rx, Attachment, Prescription};
use crate::domain::{Actor, Role};
use crate::service::prescription_files::DraftFile;
use crate::service::prescriptions::{AppointmentBrief, SaveError};
use crate::service::{ServiceError, Services};
use crate::tui::drafts::DraftOp;
use crate::tui::export::ExportError;
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Action, Actions, Commands, Ctx, Operation, Screen};
use crate::tui::screens::abandon::forget;
use crate::tui::widgets::editor::Editor;
use crate::tui::widgets::table::TableView;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Medications,
    ChiefComplaint,
    Diagnosis,
    Recommendations,
    Tags,
    Attachments,
}

impl Section {
    pub const ALL: [Section; 6] = [
        Section::Medications,
        Section::ChiefComplaint,
        Section::Diagnosis,
        Section::Recommendations,
        Section::Tags,
        Section::Attachments,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Section::Medications => "Medications",
            Section::ChiefComplaint => "Chief complaint",
            Section::Diagnosis => "Diagnosis",
            Section::Recommendations => "Recommendations",
            Section::Tags => "Tags",
            Section::Attachments => "Attachments",
        }
    }

    /// Whether typing goes into this section.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Section::ChiefComplaint | Section::Diagnosis | Section::Recommendations | Section::Tags
        )
    }

    fn note_index(self) -> Option<usize> {
        match self {
            Section::ChiefComplaint => Some(0),
            Section::Diagnosis => Some(1),
            Section::Recommendations => Some(2),
            _ => None,
        }
    }
}

/// The two ways out of a stale save.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub theirs: Box<Prescription>,
    pub message: String,
}

#[derive(Debug, Clone)]
pub enum Modal {
    /// Adding a medication (`row` None) or editing row `row`.
    Medication {
        row: Option<usize>,
        form: MedicationForm,
    },
    /// Adding a link or a local file (pending while the file uploads).
    Attachment(AttachmentForm),
    /// "Discard changes? y/n" when leaving with unsaved changes.
    ConfirmLeave,
    /// "Restore the unsaved draft from the last session? y/n".
    RestoreDraft(Box<DraftFile>),
    Conflict(Conflict),
    /// `x`'s question: PDF or Markdown.
    Export(crate::tui::widgets::form::Form<&'static str>),
}

/// The save loop while the prescription store is unreachable.
#[derive(Debug, Clone, PartialEq)]
pub struct Offline {
    pub retry_at: DateTime<Utc>,
    pub attempts: u32,
    /// Where the draft file was written, once the runtime says so.
    pub draft_path: Option<String>,
}

/// An open editor: the appointment, what is stored and what is being edited.
#[derive(Debug, Clone)]
pub struct EditorState {
    pub brief: AppointmentBrief,
    /// The last stored version this editor knows.
    pub stored: Option<Prescription>,
    /// The version the draft is based on (`None`: a new prescription).
    pub expected_version: Option<i64>,
    /// Medications, tags and attachments as edited; notes live in `notes`.
    pub draft: Prescription,
    /// Chief complaint, diagnosis, recommendations.
    pub notes: [Editor; 3],
    pub section: Section,
    /// The medications table's selected row and scroll position.
    pub meds: TableView,
    pub attach_row: usize,
    pub tag_input: Input,
    pub known_tags: Vec<String>,
    pub suggestion: Option<usize>,
    pub modal: Option<Modal>,
    pub saving: Option<u64>,
    pub offline: Option<Offline>,
    /// Why the last save (or a check before it) failed.
    pub error: Option<String>,
}

impl EditorState {
    pub fn new(data: EditorData, now: DateTime<Utc>) -> EditorState {
        let draft = data.stored.clone().unwrap_or_else(|| {
            Prescription::new_draft(
                data.brief.appointment_id,
                data.brief.doctor_id,
                data.brief.patient_id,
                now,
            )
        });
        let mut editor = EditorState {
            expected_version: data.stored.as_ref().map(|p| p.version),
            stored: data.stored.clone(),
            brief: data.brief,
            notes: Default::default(),
            draft: draft.clone(),
            section: Section::Medications,
            meds: TableView::new(),
            attach_row: 0,
            tag_input: Input::default(),
            known_tags: data.known_tags,
            suggestion: None,
            modal: None,
            saving: None,
            offline: None,
            error: None,
        };
        editor.load(&draft);
        if let Some(file) = data.draft_file
            && !file.draft.same_content(&editor.baseline())
        {
            editor.modal = Some(Modal::RestoreDraft(Box::new(file)));
        }
        editor
    }

    /// Replaces the edited content with `p` (keeps the section).
    fn load(&mut self, p: &Prescription) {
        self.draft = p.clone();
        self.notes = [
            Editor::new(&p.notes.chief_complaint),
            Editor::new(&p.notes.diagnosis),
            Editor::new(&p.notes.recommendations),
        ];
        self.meds.clamp(p.medications.len());
        self.attach_row = self.attach_row.min(p.attachments.len().saturating_sub(1));
    }

    /// What is being edited, as a prescription.
    pub fn current(&self) -> Prescription {
        let mut p = self.draft.clone();
        p.notes.chief_complaint = self.notes[0].text();
        p.notes.diagnosis = self.notes[1].text();
        p.notes.recommendations = self.notes[2].text();
        p
    }

    /// The content the draft is compared with to know whether it changed.
    fn baseline(&self) -> Prescription {
        self.stored.clone().unwrap_or_else(|| {
            Prescription::new_draft(
                self.brief.appointment_id,
                self.brief.doctor_id,
                self.brief.patient_id,
                self.draft.created_at,
            )
        })
    }

    /// Whether there are changes not yet stored.
    pub fn is_dirty(&self) -> bool {
        !self.current().same_content(&self.baseline())
    }

    /// The selected medication row.
    pub fn med_row(&self) -> usize {
        self.meds.selected()
    }

    pub fn context(&self) -> Context {
        match &self.modal {
            Some(Modal::Medication { form, .. }) => form.context(),
            Some(Modal::Attachment(form)) => form.context(),
            Some(Modal::ConfirmLeave | Modal::RestoreDraft(_)) => Context::Confirm,
            Some(Modal::Conflict(_)) => Context::PrescriptionView,
            Some(Modal::Export(form)) => form.context(),
            None if self.section.is_text() => Context::PrescriptionText,
            None => Context::PrescriptionEditor,
        }
    }

    /// The draft file for this editor's current content.
    pub fn draft_file(&self, now: DateTime<Utc>) -> DraftFile {
        DraftFile {
            appointment_id: self.brief.appointment_id,
            expected_version: self.expected_version,
            written_at: now,
            draft: self.current(),
        }
    }

    /// Known tags that start with what is typed and are not on the draft yet.
    pub fn suggestions(&self) -> Vec<&str> {
        let typed = self.tag_input.value().trim().to_lowercase();
        self.known_tags
            .iter()
            .filter(|t| t.starts_with(&typed) && !self.draft.tags.contains(t))
            .map(String::as_str)
            .take(6)
            .collect()
    }

    fn delete_draft_file(&self) -> Action<EditorOp> {
        Action::Draft(DraftOp::Delete {
            appointment_id: self.brief.appointment_id,
        })
    }

    /// Starts a save of the current draft, after the checks the service would make.
    fn save(&mut self) -> Actions<EditorOp> {
        if self.saving.is_some() {
            return vec![Action::Info("Already saving…".into())];
        }
        let mut draft = self.current();
        if let Err(message) = rx::normalise_and_validate(&mut draft) {
            self.error = Some(message.clone());
            return vec![Action::Error(message)];
        }
        if self.stored.is_some() && !self.is_dirty() {
            return vec![Action::Info("Nothing to save: no changes.".into())];
        }
        self.error = None;
        vec![Action::Request(EditorOp::Save {
            draft: Box::new(draft),
            expected_version: self.expected_version,
        })]
    }

    /// A save finished.
    fn on_saved(
        &mut self,
        result: Result<Box<Prescription>, SaveError>,
        now: DateTime<Utc>,
    ) -> Actions<EditorOp> {
        self.saving = None;
        match result {
            Ok(saved) => {
                let saved = *saved;
                let edited_meanwhile = !self.current().same_content(&self.draft_sent_or(&saved));
                self.expected_version = Some(saved.version);
                self.stored = Some(saved.clone());
                if !edited_meanwhile {
                    self.load(&saved);
                }
                self.error = None;
                let was_offline = self.offline.take().is_some();
                let mut out = vec![
                    self.delete_draft_file(),
                    Action::Info(if was_offline {
                        format!(
                            "The prescription store is back: saved version {}; the draft file was removed.",
                            saved.version
                        )
                    } else {
                        format!("Saved version {}.", saved.version)
                    }),
                ];
                if edited_meanwhile {
                    out.push(Action::Info(format!(
                        "Saved version {}; changes made while saving are not saved yet.",
                        saved.version
                    )));
                }
                out
            }
            Err(e) => {
                let message = e.to_string();
                self.error = Some(message.clone());
                match e {
                    SaveError::Stale { current } | SaveError::AlreadyExists { current } => {
                        self.modal = Some(Modal::Conflict(Conflict {
                            theirs: current,
                            message: message.clone(),
                        }));
                        vec![Action::Error(message)]
                    }
                    // The prescription store cannot be reached: keep the draft (here and
                    // in its file) and try again shortly.
                    SaveError::Service(ServiceError::DocumentStoreUnavailable(_)) => {
                        let attempts = self.offline.as_ref().map_or(0, |o| o.attempts) + 1;
                        let draft_path = self.offline.as_ref().and_then(|o| o.draft_path.clone());
                        self.offline = Some(Offline {
                            retry_at: now + Duration::seconds(RETRY_SECONDS),
                            attempts,
                            draft_path,
                        });
                        vec![
                            Action::Draft(DraftOp::Write(Box::new(self.draft_file(now)))),
                            Action::Error(format!(
                                "The prescription store cannot be reached. Your draft is kept here and in a local draft file; retrying every {RETRY_SECONDS} s (attempt {attempts})."
                            )),
                        ]
                    }
                    SaveError::Service(e) => vec![Action::Failed(e)],
                }
            }
        }
    }

    /// The content that was sent in the save that returned `saved` (normalised the
    /// same way), to tell whether the user typed meanwhile.
    fn draft_sent_or(&self, saved: &Prescription) -> Prescription {
        let mut mine = self.current();
        if rx::normalise_and_validate(&mut mine).is_err() {
            return mine;
        }
        if mine.same_content(saved) {
            saved.clone()
        } else {
            mine
        }
    }

    /// A tick: retry an offline save when it is time.
    pub fn on_tick(&mut self, now: DateTime<Utc>) -> Actions<EditorOp> {
        match &self.offline {
            Some(o) if self.saving.is_none() && now >= o.retry_at => {
                let mut draft = self.current();
                if rx::normalise_and_validate(&mut draft).is_err() {
                    return Vec::new();
                }
                vec![Action::Request(EditorOp::Save {
                    draft: Box::new(draft),
                    expected_version: self.expected_version,
                })]
            }
            _ => Vec::new(),
        }
    }

    fn on_draft_written(&mut self, result: &Result<String, String>) -> Actions<EditorOp> {
        match result {
            Ok(path) => {
                if let Some(o) = &mut self.offline {
                    o.draft_path = Some(path.clone());
                    return vec![Action::Error(format!(
                        "The prescription store cannot be reached. Draft kept in memory and in {path}; retrying every {RETRY_SECONDS} s."
                    ))];
                }
                Vec::new()
            }
            Err(e) => vec![Action::Error(format!(
                "The prescription store cannot be reached and the draft file could not be written ({e}); keep this screen open, saving is retried."
            ))],
        }
    }

    /// The attachment form waiting for its upload, if it is still open.
    fn uploading_form(&mut self) -> Option<&mut AttachmentForm> {
        match &mut self.modal {
            Some(Modal::Attachment(form)) if form.is_pending() => Some(form),
            _ => None,
        }
    }

    /// An upload's answer: the file onto the draft's attachments (the form closes), or
    /// why not, under the file's field when it is about the file (the form stays, with
    /// what was typed).
    fn attached(&mut self, result: Result<Attachment, ServiceError>) -> Actions<EditorOp> {
        match result {
            Ok(a) => {
                if self.uploading_form().is_some() {
                    self.modal = None;
                }
                let name = a.file_name.clone();
                self.draft.attachments.push(a);
                self.attach_row = self.draft.attachments.len() - 1;
                vec![Action::Info(format!(
                    "{name} uploaded; Ctrl-S saves the prescription with it."
                ))]
            }
            Err(ServiceError::Invalid(why)) if self.uploading_form().is_some() => {
                if let Some(form) = self.uploading_form() {
                    form.set_pending(false);
                    form.set_errors([(AttachmentField::Target, why)]);
                }
                Vec::new()
            }
            Err(e) => {
                if let Some(form) = self.uploading_form() {
                    form.set_pending(false);
                    form.set_form_error(e.to_string());
                }
                vec![Action::Failed(e)]
            }
        }
    }

    /// The upload's task failed: the form (if still open) can be sent again.
    fn upload_abandoned(&mut self) {
        if let Some(form) = self.uploading_form() {
            form.set_pending(false);
        }
    }
}

/// The editor screen: opening (waiting for its data), then an open [`EditorState`].
#[derive(Debug, Clone)]
pub struct EditorScreen {
    pub appointment_id: i32,
    /// The editor once its data arrived.
    pub open: Option<Box<EditorState>>,
    opening: Option<u64>,
    exporting: Option<u64>,
    attaching: Option<u64>,
    /// The open request failed without an answer.
    unavailable: bool,
}

impl EditorScreen {
    /// The editor of one appointment's prescription (its doctor; see the module notes
    /// for everyone else). Its data loads when the screen opens.
    pub fn for_appointment(appointment_id: i32) -> EditorScreen {
        EditorScreen {
            appointment_id,
            open: None,
            opening: None,
            exporting: None,
            attaching: None,
            unavailable: false,
        }
    }

    /// The open editor, once loaded.
    pub fn editor(&self) -> Option<&EditorState> {
        self.open.as_deref()
    }
}

/// What the editor asks of the services.
#[derive(Clone, PartialEq)]
pub enum EditorOp {
    /// The appointment, its prescription, tag suggestions and any local draft file.
    Open { appointment_id: i32 },
    Save {
        draft: Box<Prescription>,
        expected_version: Option<i64>,
    },
    /// Export the stored version as a PDF or Markdown to a file.
    Export {
        appointment_id: i32,
        format: super::ops::ExportFormat,
    },
    /// Upload a local file and attach it.
    AttachFile {
        appointment_id: i32,
        path: String,
        name: String,
    },
}

/// Which request, for which appointment; never the clinical text or a file path.
impl fmt::Debug for EditorOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditorOp::Open { appointment_id } => f
                .debug_struct("Open")
                .field("appointment_id", appointment_id)
                .finish(),
            EditorOp::Save {
                draft,
                expected_version,
            } => f
                .debug_struct("Save")
                .field("appointment_id", &draft.appointment_id)
                .field("expected_version", expected_version)
                .finish_non_exhaustive(),
            EditorOp::Export {
                appointment_id,
                format,
            } => f
                .debug_struct("Export")
                .field("appointment_id", appointment_id)
                .field("format", format)
                .finish(),
            EditorOp::AttachFile { appointment_id, .. } => f
                .debug_struct("AttachFile")
                .field("appointment_id", appointment_id)
                .finish_non_exhaustive(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum EditorReply {
    Opened(Result<Box<EditorData>, ServiceError>),
    Saved(Result<Box<Prescription>, SaveError>),
    /// Where the file went.
    Exported(Result<String, ExportError>),
    Attached(Result<Attachment, ServiceError>),
}

impl Operation for EditorOp {
    type Reply = EditorReply;

    fn busy_text(&self) -> &'static str {
        match self {
            EditorOp::Open { .. } => "Opening the prescription",
            EditorOp::Save { .. } => "Saving the prescription",
            EditorOp::Export { .. } => "Exporting",
            EditorOp::AttachFile { .. } => "Uploading the file",
        }
    }

    async fn run(self, services: &Services, actor: &Actor) -> EditorReply {
        match self {
            EditorOp::Open { appointment_id } => EditorReply::Opened(
                ops::open_editor(services, actor, appointment_id)
                    .await
                    .map(Box::new),
            ),
            EditorOp::Save {
                draft,
                expected_version,
            } => EditorReply::Saved(
                services
                    .save_prescription(actor, *draft, expected_version)
                    .await
                    .map(Box::new),
            ),
            EditorOp::Export {
                appointment_id,
                format,
            } => EditorReply::Exported(ops::export(services, actor, appointment_id, format).await),
            EditorOp::AttachFile {
                appointment_id,
                path,
                name,
            } => EditorReply::Attached(
                services
                    .attach_file_from_path(actor, appointment_id, Path::new(&path), &name)
                    .await,
            ),
        }
    }
}

/// The front desk's answer when it opens an appointment's prescription.
pub const FRONT_DESK_NOTE: &str = "Only the doctor and the patient can read a prescription; Prescriptions on the home screen shows whether this appointment has one.";

impl Screen for EditorScreen {
    type Op = EditorOp;

    fn context(&self) -> Context {
        match &self.open {
            Some(e) => e.context(),
            None => Context::PrescriptionView,
        }
    }

    fn on_enter(&mut self, cx: &Ctx) -> Actions<EditorOp> {
        match cx.role() {
            Role::Doctor => vec![Action::Request(EditorOp::Open {
                appointment_id: self.appointment_id,
            })],
            // Everyone else who may read it reads it.
            Role::Patient | Role::Admin => vec![Action::Replace(
                ViewerScreen::for_appointment(self.appointment_id).into(),
            )],
            // The message after `Back`: going back clears the message line.
            Role::FrontDesk => vec![Action::Back, Action::Info(FRONT_DESK_NOTE.into())],
        }
    }

    fn on_key(&mut self, key: KeyEvent, command: Option<Command>, _cx: &Ctx) -> Actions<EditorOp> {
        match &mut self.open {
            Some(e) => e.handle(key, command),
            None if command == Some(Command::Back) => vec![Action::Back],
            None => Vec::new(),
        }
    }

    fn started(&mut self, request: u64, op: &EditorOp) {
        match op {
            EditorOp::Open { .. } => self.opening = Some(request),
            EditorOp::Save { .. } => {
                if let Some(e) = &mut self.open {
                    e.saving = Some(request);
                }
            }
            EditorOp::Export { .. } => self.exporting = Some(request),
            EditorOp::AttachFile { .. } => self.attaching = Some(request),
        }
    }

    fn on_reply(&mut self, request: u64, reply: EditorReply, cx: &Ctx) -> Actions<EditorOp> {
        match reply {
            EditorReply::Opened(result) if self.opening == Some(request) => {
                self.opening = None;
                match result {
                    Ok(data) => {
                        let editor = EditorState::new(*data, cx.now);
                        let offer = matches!(editor.modal, Some(Modal::RestoreDraft(_)));
                        self.open = Some(Box::new(editor));
                        if offer {
                            vec![Action::Info(
                                "An unsaved draft of this prescription was found.".into(),
                            )]
                        } else {
                            Vec::new()
                        }
                    }
                    // A refusal or a failure: back where it was opened, with the reason
                    // (after `Back`, which clears the message line).
                    Err(e) => vec![Action::Back, Action::Failed(e)],
                }
            }
            EditorReply::Saved(result) => match &mut self.open {
                Some(e) if e.saving == Some(request) => e.on_saved(result, cx.now),
                _ => Vec::new(),
            },
            EditorReply::Exported(result) if self.exporting == Some(request) => {
                self.exporting = None;
                vec![ops::exported(result)]
            }
            EditorReply::Attached(result) if self.attaching == Some(request) => {
                self.attaching = None;
                match (result, &mut self.open) {
                    (result, Some(e)) => e.attached(result),
                    (Ok(_), None) => Vec::new(),
                    (Err(e), None) => vec![Action::Failed(e)],
                }
            }
            _ => Vec::new(),
        }
    }

    /// Stops waiting for a request whose task failed: every unsaved change stays and
    /// Save works again.
    fn abandon(&mut self, request: u64) {
        forget(&mut self.exporting, request);
        if forget(&mut self.attaching, request)
            && let Some(e) = &mut self.open
        {
            e.upload_abandoned();
        }
        if forget(&mut self.opening, request) {
            self.unavailable = true;
        }
        if let Some(e) = &mut self.open {
            forget(&mut e.saving, request);
        }
    }

    fn on_tick(&mut self, cx: &Ctx) -> Actions<EditorOp> {
        match &mut self.open {
            Some(e) => e.on_tick(cx.now),
            None => Vec::new(),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        match &self.open {
            Some(e) => view::render_editor(frame, area, e, cx.tz(), cx.theme),
            None => super::view::render_opening(
                frame,
                area,
                self.appointment_id,
                self.unavailable,
                cx.theme,
            ),
        }
    }

    fn commands(&self, _cx: &Ctx, out: &mut Commands) {
        match &self.open {
            Some(e) => e.commands(out),
            None => {
                out.add(Command::Back, "back", true);
            }
        }
    }

    fn on_draft_written(
        &mut self,
        appointment_id: i32,
        result: &Result<String, String>,
    ) -> Actions<EditorOp> {
        match &mut self.open {
            Some(e) if e.brief.appointment_id == appointment_id => e.on_draft_written(result),
            _ => Vec::new(),
        }
    }

    fn has_unsaved_work(&self, _now: DateTime<Utc>) -> bool {
        self.open.as_ref().is_some_and(|e| e.is_dirty())
    }

    fn preserve(&mut self, cx: &Ctx) -> Actions<EditorOp> {
        match &self.open {
            Some(e) if e.is_dirty() => vec![Action::Draft(DraftOp::Write(Box::new(
                e.draft_file(cx.now),
            )))],
            _ => Vec::new(),
        }
    }
}

impl EditorState {
    /// The keys offered now: by section, or by the box open over the editor.
    fn commands(&self, out: &mut Commands) {
        match &self.modal {
            Some(Modal::Medication { form, .. }) => forms::commands(out, form.is_pending()),
            Some(Modal::Attachment(form)) => forms::commands(out, form.is_pending()),
            Some(Modal::ConfirmLeave) => {
                out.add(Command::Yes, "discard", true)
                    .add(Command::No, "keep editing", true);
            }
            Some(Modal::RestoreDraft(_)) => {
                out.add(Command::Yes, "restore", true)
                    .add(Command::No, "discard it", true);
            }
            Some(Modal::Conflict(_)) => {
                out.add(Command::ReloadTheirs, "reload theirs", true)
                    .add(Command::KeepMine, "keep mine", true)
                    .add(Command::Back, "later", true);
            }
            Some(Modal::Export(_)) => {
                out.add(Command::Save, "export", true)
                    .add(Command::Cancel, "cancel", true);
            }
            None if self.section.is_text() => {
                let note = self.section.note_index().is_some();
                out.add(Command::NextField, "section", true)
                    .add(Command::Save, "save", self.saving.is_none())
                    .add(Command::Back, "back", true)
                    .more(Command::PrevField, "previous section", true);
                if note {
                    out.more(Command::Undo, "undo", true)
                        .more(Command::Redo, "redo", true);
                }
            }
            None => {
                let n = match self.section {
                    Section::Attachments => self.draft.attachments.len(),
                    _ => self.draft.medications.len(),
                };
                let saved = self.stored.is_some();
                out.add(Command::NextField, "section", true)
                    .add(Command::AddItem, "add", true)
                    .add(Command::EditItem, "edit", n > 0)
                    .add(Command::DeleteItem, "remove", n > 0)
                    .add(Command::Save, "save", self.saving.is_none())
                    .add(Command::Back, "back", true)
                    .add(Command::History, "versions", saved)
                    .group(&[Command::MoveUp, Command::MoveDown], "reorder", n > 1)
                    .add(Command::Export, "export", saved)
                    .more(Command::PrevField, "previous section", true)
                    .more(Command::Up, "previous row", n > 1)
                    .more(Command::Down, "next row", n > 1);
            }
        }
    }
}
