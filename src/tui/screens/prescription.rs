//! Prescriptions: the doctor's editor (medications table, notes, tags, attachments) with
//! versions, conflicts and history; read-only views and timelines for admins, doctors
//! and patients; the front desk's "a prescription exists" list.
//!
//! Pure: keys and replies change the state and return [`Out`]s; `update` turns requests
//! into effects with request ids. Nothing here does I/O.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use chrono_tz::Tz;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::domain::prescription::{
    self as rx, Attachment, DiffLine, Medication, Prescription, normalise_tag, parse_duration_days,
    tag_problem,
};
use crate::domain::{Actor, Role};
use crate::service::ServiceError;
use crate::service::prescription_files::DraftFile;
use crate::service::prescriptions::{
    AppointmentBrief, Insight, SaveError, TimelineEntry, link_attachment,
};
use crate::tui::effect::Effect;
use crate::tui::keymap::{Command, Context};
use crate::tui::screens::home::HomeState;
use crate::tui::state::{AppState, Screen};
use crate::tui::theme::Theme;
use crate::tui::widgets::{popup, text_field};

/// How often a save is retried while the prescription store is unreachable.
pub const RETRY_SECONDS: i64 = 5;
/// How far back the doctor's list of appointments goes.
pub const RECENT_DAYS: i64 = 14;

// ---------------------------------------------------------------------------------
// Requests and replies

/// What the prescription screens ask of the services (run by the runtime).
#[derive(Debug, Clone, PartialEq)]
pub enum RxOp {
    /// Appointments from `from` to `to` (UTC) with their prescription flags.
    LoadList {
        from: NaiveDateTime,
        to: NaiveDateTime,
    },
    LoadTimeline {
        patient_id: i32,
    },
    /// The appointment, its prescription, tag suggestions and any local draft file.
    OpenEditor {
        appointment_id: i32,
    },
    OpenViewer {
        appointment_id: i32,
    },
    Save {
        draft: Box<Prescription>,
        expected_version: Option<i64>,
    },
    LoadHistory {
        appointment_id: i32,
    },
    /// Export the stored version as Markdown to a file.
    Export {
        appointment_id: i32,
    },
    /// Upload a local file and attach it.
    AttachFile {
        appointment_id: i32,
        path: String,
        name: String,
    },
    Insight {
        days: i64,
    },
}

impl RxOp {
    /// What the spinner says; also what a log line shows (never patient data).
    pub fn busy_text(&self) -> &'static str {
        match self {
            RxOp::LoadList { .. } => "Loading appointments",
            RxOp::LoadTimeline { .. } => "Loading prescriptions",
            RxOp::OpenEditor { .. } | RxOp::OpenViewer { .. } => "Opening the prescription",
            RxOp::Save { .. } => "Saving the prescription",
            RxOp::LoadHistory { .. } => "Loading versions",
            RxOp::Export { .. } => "Exporting",
            RxOp::AttachFile { .. } => "Uploading the file",
            RxOp::Insight { .. } => "Counting",
        }
    }

    fn slot(&self) -> Slot {
        match self {
            RxOp::Save { .. } => Slot::Save,
            RxOp::LoadList { .. }
            | RxOp::LoadTimeline { .. }
            | RxOp::OpenEditor { .. }
            | RxOp::OpenViewer { .. } => Slot::Load,
            _ => Slot::Side,
        }
    }
}

/// Local draft files, written and deleted by the runtime.
#[derive(Debug, Clone, PartialEq)]
pub enum DraftOp {
    Write(Box<DraftFile>),
    Delete { appointment_id: i32 },
}

/// Everything an editor needs when it opens.
#[derive(Debug, Clone, PartialEq)]
pub struct EditorData {
    pub brief: AppointmentBrief,
    pub stored: Option<Prescription>,
    pub known_tags: Vec<String>,
    /// A draft left by an earlier session that could not save.
    pub draft_file: Option<DraftFile>,
}

/// Why a save failed, as the editor needs to know it.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveFailure {
    /// A newer version is stored (or the appointment already has one).
    Conflict {
        current: Box<Prescription>,
        message: String,
    },
    /// The prescription store cannot be reached: keep the draft, retry later.
    Unavailable(String),
    /// Anything else (validation, permission): a sentence.
    Other(String),
}

impl From<SaveError> for SaveFailure {
    fn from(e: SaveError) -> SaveFailure {
        match e {
            SaveError::Stale { ref current } | SaveError::AlreadyExists { ref current } => {
                SaveFailure::Conflict {
                    current: current.clone(),
                    message: e.to_string(),
                }
            }
            SaveError::Service(ServiceError::DocumentStoreUnavailable(m)) => {
                SaveFailure::Unavailable(ServiceError::DocumentStoreUnavailable(m).to_string())
            }
            SaveError::Service(other) => SaveFailure::Other(other.to_string()),
        }
    }
}

/// Answers to [`RxOp`]s and [`DraftOp`]s; errors are sentences.
#[derive(Debug, Clone, PartialEq)]
pub enum RxReply {
    List(Result<Vec<AppointmentBrief>, String>),
    Timeline(Result<Vec<TimelineEntry>, String>),
    Editor(Result<Box<EditorData>, String>),
    Viewer(Result<Box<(AppointmentBrief, Option<Prescription>)>, String>),
    Saved(Result<Box<Prescription>, SaveFailure>),
    History(Result<Vec<Prescription>, String>),
    Exported(Result<String, String>),
    Attached(Result<Attachment, String>),
    Insight(Result<Insight, String>),
    /// A draft file was written (its path) or could not be.
    DraftWritten {
        appointment_id: i32,
        result: Result<String, String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Load,
    Save,
    Side,
}

/// What the app should do after a key or a reply.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    Request(RxOp),
    File(DraftOp),
    Info(String),
    Error(String),
    /// Leave the prescription screens.
    Home,
}

// ---------------------------------------------------------------------------------
// A small multi-line text editor

/// Multi-line text with a cursor (line, character). Enter inserts a newline.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TextArea {
    lines: Vec<String>,
    row: usize,
    col: usize,
}

impl TextArea {
    pub fn new(text: &str) -> TextArea {
        let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let row = lines.len().saturating_sub(1);
        let col = lines.last().map_or(0, |l| l.chars().count());
        TextArea { lines, row, col }
    }

    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.col)
    }

    fn line_len(&self, row: usize) -> usize {
        self.lines.get(row).map_or(0, |l| l.chars().count())
    }

    fn byte_at(&self, row: usize, col: usize) -> usize {
        self.lines
            .get(row)
            .map_or(0, |l| l.char_indices().nth(col).map_or(l.len(), |(i, _)| i))
    }

    /// Applies an editing key; returns whether it was one.
    pub fn handle_key(&mut self, key: &KeyEvent) -> bool {
        if self.lines.is_empty() {
            self.lines.push(String::new());
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Char(c) if !ctrl && !alt => {
                let at = self.byte_at(self.row, self.col);
                if let Some(line) = self.lines.get_mut(self.row) {
                    line.insert(at, c);
                    self.col += 1;
                }
            }
            KeyCode::Enter => {
                let at = self.byte_at(self.row, self.col);
                let rest = self
                    .lines
                    .get_mut(self.row)
                    .map(|l| l.split_off(at))
                    .unwrap_or_default();
                self.lines.insert(self.row + 1, rest);
                self.row += 1;
                self.col = 0;
            }
            KeyCode::Backspace => {
                if self.col > 0 {
                    let at = self.byte_at(self.row, self.col - 1);
                    if let Some(line) = self.lines.get_mut(self.row) {
                        line.remove(at);
                    }
                    self.col -= 1;
                } else if self.row > 0 {
                    let line = self.lines.remove(self.row);
                    self.row -= 1;
                    self.col = self.line_len(self.row);
                    if let Some(prev) = self.lines.get_mut(self.row) {
                        prev.push_str(&line);
                    }
                }
            }
            KeyCode::Delete => {
                if self.col < self.line_len(self.row) {
                    let at = self.byte_at(self.row, self.col);
                    if let Some(line) = self.lines.get_mut(self.row) {
                        line.remove(at);
                    }
                } else if self.row + 1 < self.lines.len() {
                    let next = self.lines.remove(self.row + 1);
                    if let Some(line) = self.lines.get_mut(self.row) {
                        line.push_str(&next);
                    }
                }
            }
            KeyCode::Left => {
                if self.col > 0 {
                    self.col -= 1;
                } else if self.row > 0 {
                    self.row -= 1;
                    self.col = self.line_len(self.row);
                }
            }
            KeyCode::Right => {
                if self.col < self.line_len(self.row) {
                    self.col += 1;
                } else if self.row + 1 < self.lines.len() {
                    self.row += 1;
                    self.col = 0;
                }
            }
            KeyCode::Up if self.row > 0 => {
                self.row -= 1;
                self.col = self.col.min(self.line_len(self.row));
            }
            KeyCode::Down if self.row + 1 < self.lines.len() => {
                self.row += 1;
                self.col = self.col.min(self.line_len(self.row));
            }
            KeyCode::Home => self.col = 0,
            KeyCode::End => self.col = self.line_len(self.row),
            _ => return false,
        }
        true
    }
}

// ---------------------------------------------------------------------------------
// State

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

/// A form of one-line fields (medication row, attachment).
#[derive(Debug, Clone)]
pub struct Form {
    pub title: String,
    pub labels: Vec<&'static str>,
    pub hints: Vec<&'static str>,
    pub inputs: Vec<Input>,
    pub focus: usize,
    pub error: Option<String>,
    pub kind: FormKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    /// Editing row `Some(i)` or adding (`None`).
    Medication(Option<usize>),
    Attachment,
    /// Admin: a patient's timeline by id.
    PatientId,
}

impl Form {
    pub fn value(&self, i: usize) -> &str {
        self.inputs.get(i).map_or("", |x| x.value())
    }

    fn medication(row: Option<usize>, m: &Medication) -> Form {
        Form {
            title: if row.is_some() {
                " Edit medication ".into()
            } else {
                " Add medication ".into()
            },
            labels: vec!["Name", "Dosage", "Frequency", "Days", "Notes"],
            hints: vec![
                "required",
                "required, e.g. 500mg",
                "e.g. 3 times a day",
                "whole number",
                "",
            ],
            inputs: vec![
                Input::new(m.name.clone()),
                Input::new(m.dosage.clone()),
                Input::new(m.frequency.clone()),
                Input::new(m.duration_days.map_or(String::new(), |d| d.to_string())),
                Input::new(m.notes.clone()),
            ],
            focus: 0,
            error: None,
            kind: FormKind::Medication(row),
        }
    }

    fn attachment() -> Form {
        Form {
            title: " Add attachment ".into(),
            labels: vec!["Link/file", "Name"],
            hints: vec!["https://… or a local path", "optional"],
            inputs: vec![Input::default(), Input::default()],
            focus: 0,
            error: None,
            kind: FormKind::Attachment,
        }
    }

    fn patient_id() -> Form {
        Form {
            title: " Patient's prescriptions ".into(),
            labels: vec!["Patient id"],
            hints: vec!["a number"],
            inputs: vec![Input::default()],
            focus: 0,
            error: None,
            kind: FormKind::PatientId,
        }
    }
}

/// The two ways out of a stale save.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub theirs: Box<Prescription>,
    pub message: String,
}

/// Versions side by side: pick two, see what changed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HistoryView {
    pub versions: Vec<Prescription>,
    pub cursor: usize,
    /// The version compared against; the one before the cursor when `None`.
    pub marked: Option<usize>,
    pub loading: bool,
}

impl HistoryView {
    /// The pair compared: (older, newer) indexes.
    pub fn pair(&self) -> Option<(usize, usize)> {
        let b = self.cursor;
        let a = match self.marked {
            Some(m) if m != b => m,
            _ => b.checked_sub(1)?,
        };
        Some(if a <= b { (a, b) } else { (b, a) })
    }

    pub fn diff(&self) -> Vec<DiffLine> {
        self.pair()
            .and_then(|(a, b)| Some(rx::diff(self.versions.get(a)?, self.versions.get(b)?)))
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
pub enum Modal {
    Form(Form),
    /// "Discard changes? y/n" when leaving with unsaved changes.
    ConfirmLeave,
    /// "Restore the unsaved draft from the last session? y/n".
    RestoreDraft(Box<DraftFile>),
    Conflict(Conflict),
    History(HistoryView),
}

/// The save loop while the prescription store is unreachable.
#[derive(Debug, Clone, PartialEq)]
pub struct Offline {
    pub retry_at: DateTime<Utc>,
    pub attempts: u32,
    /// Where the draft file was written, once the runtime says so.
    pub draft_path: Option<String>,
}

#[derive(Debug, Clone)]
pub struct EditorState {
    pub brief: AppointmentBrief,
    /// The last stored version this editor knows.
    pub stored: Option<Prescription>,
    /// The version the draft is based on (`None`: a new prescription).
    pub expected_version: Option<i64>,
    /// Medications, tags and attachments as edited; notes live in `notes`.
    pub draft: Prescription,
    pub notes: [TextArea; 3],
    pub section: Section,
    pub med_row: usize,
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
            med_row: 0,
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
            TextArea::new(&p.notes.chief_complaint),
            TextArea::new(&p.notes.diagnosis),
            TextArea::new(&p.notes.recommendations),
        ];
        self.med_row = self.med_row.min(p.medications.len().saturating_sub(1));
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

    pub fn context(&self) -> Context {
        match &self.modal {
            Some(Modal::Form(_)) => Context::Form,
            Some(Modal::ConfirmLeave | Modal::RestoreDraft(_)) => Context::Confirm,
            Some(Modal::Conflict(_) | Modal::History(_)) => Context::PrescriptionView,
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

    /// Starts a save of the current draft, after the checks the service would make.
    fn save(&mut self) -> Vec<Out> {
        if self.saving.is_some() {
            return vec![Out::Info("Already saving…".into())];
        }
        let mut draft = self.current();
        if let Err(message) = rx::normalise_and_validate(&mut draft) {
            self.error = Some(message.clone());
            return vec![Out::Error(message)];
        }
        if self.stored.is_some() && !self.is_dirty() {
            return vec![Out::Info("Nothing to save: no changes.".into())];
        }
        self.error = None;
        vec![Out::Request(RxOp::Save {
            draft: Box::new(draft),
            expected_version: self.expected_version,
        })]
    }

    fn on_key(&mut self, key: KeyEvent, command: Option<Command>, now: DateTime<Utc>) -> Vec<Out> {
        match self.modal.take() {
            Some(Modal::Form(mut form)) => self.on_form_key(&mut form, key, command),
            Some(Modal::ConfirmLeave) => match command {
                Some(Command::Yes) => vec![Out::Home],
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
                    vec![Out::Info(format!(
                        "Draft from {} restored; Ctrl-S saves it.",
                        file.written_at.format("%-d %b %H:%M UTC")
                    ))]
                }
                Some(Command::No) => vec![
                    Out::File(DraftOp::Delete {
                        appointment_id: self.brief.appointment_id,
                    }),
                    Out::Info("The old draft was discarded.".into()),
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
                    let mut out = vec![Out::Info(format!(
                        "Version {} loaded; your changes were dropped.",
                        theirs.version
                    ))];
                    if self.offline.take().is_some() {
                        out.push(Out::File(DraftOp::Delete {
                            appointment_id: self.brief.appointment_id,
                        }));
                    }
                    out
                }
                Some(Command::KeepMine) => {
                    let theirs = *c.theirs;
                    self.expected_version = Some(theirs.version);
                    self.stored = Some(theirs.clone());
                    self.error = None;
                    vec![Out::Info(format!(
                        "Your changes now apply on top of version {}; Ctrl-S saves them.",
                        theirs.version
                    ))]
                }
                Some(Command::Back) => vec![Out::Info(
                    "Still editing an old version: saving will report the conflict again.".into(),
                )],
                _ => {
                    self.modal = Some(Modal::Conflict(c));
                    Vec::new()
                }
            },
            Some(Modal::History(mut h)) => {
                if on_history_key(&mut h, command) {
                    self.modal = Some(Modal::History(h));
                }
                Vec::new()
            }
            None => self.on_main_key(key, command, now),
        }
    }

    fn leave(&mut self) -> Vec<Out> {
        if self.is_dirty() {
            self.modal = Some(Modal::ConfirmLeave);
            Vec::new()
        } else {
            vec![Out::Home]
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

    fn on_main_key(
        &mut self,
        key: KeyEvent,
        command: Option<Command>,
        _now: DateTime<Utc>,
    ) -> Vec<Out> {
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
                    return vec![Out::Info("No saved version yet.".into())];
                }
                self.modal = Some(Modal::History(HistoryView {
                    loading: true,
                    ..HistoryView::default()
                }));
                return vec![Out::Request(RxOp::LoadHistory {
                    appointment_id: self.brief.appointment_id,
                })];
            }
            Some(Command::Export) => {
                if self.stored.is_none() {
                    return vec![Out::Info(
                        "Save the prescription before exporting it.".into(),
                    )];
                }
                let mut out = vec![Out::Request(RxOp::Export {
                    appointment_id: self.brief.appointment_id,
                })];
                if self.is_dirty() {
                    out.push(Out::Info(
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

    fn on_tags_key(&mut self, key: KeyEvent) -> Vec<Out> {
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
                    return vec![Out::Info("Type a tag, then Enter adds it.".into())];
                };
                if let Some(problem) = tag_problem(&tag) {
                    return vec![Out::Error(problem)];
                }
                if self.draft.tags.len() >= rx::MAX_TAGS {
                    return vec![Out::Error(format!(
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

    fn on_meds_key(&mut self, command: Option<Command>) -> Vec<Out> {
        let n = self.draft.medications.len();
        match command {
            Some(Command::Up) => self.med_row = self.med_row.saturating_sub(1),
            Some(Command::Down) => self.med_row = (self.med_row + 1).min(n.saturating_sub(1)),
            Some(Command::AddItem) => {
                if n >= rx::MAX_MEDICATIONS {
                    return vec![Out::Error(format!(
                        "A prescription lists at most {} medications.",
                        rx::MAX_MEDICATIONS
                    ))];
                }
                self.modal = Some(Modal::Form(Form::medication(None, &Medication::default())));
            }
            Some(Command::EditItem | Command::Open) => {
                let Some(m) = self.draft.medications.get(self.med_row) else {
                    return vec![Out::Info("No medication yet. Press a to add one.".into())];
                };
                self.modal = Some(Modal::Form(Form::medication(Some(self.med_row), m)));
            }
            Some(Command::DeleteItem) if self.med_row < n => {
                let m = self.draft.medications.remove(self.med_row);
                self.med_row = self.med_row.min(n.saturating_sub(2));
                return vec![Out::Info(format!(
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

    fn on_attachments_key(&mut self, command: Option<Command>) -> Vec<Out> {
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
                return vec![Out::Info(format!("{} removed from the list.", a.file_name))];
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
        form: &mut Form,
        key: KeyEvent,
        command: Option<Command>,
    ) -> Vec<Out> {
        let n = form.inputs.len().max(1);
        match command {
            Some(Command::NextField) => form.focus = (form.focus + 1) % n,
            Some(Command::PrevField) => form.focus = (form.focus + n - 1) % n,
            Some(Command::Cancel) => return Vec::new(),
            Some(Command::Save) => match self.apply_form(form) {
                Ok(out) => return out,
                Err(message) => form.error = Some(message),
            },
            _ => {
                if let Some(input) = form.inputs.get_mut(form.focus) {
                    input.handle_event(&Event::Key(key));
                }
            }
        }
        self.modal = Some(Modal::Form(form.clone()));
        Vec::new()
    }

    /// Applies a filled form to the draft, or says what to fix.
    fn apply_form(&mut self, form: &Form) -> Result<Vec<Out>, String> {
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
                    Ok(vec![Out::Request(RxOp::AttachFile {
                        appointment_id: self.brief.appointment_id,
                        path: target.to_string(),
                        name: form.value(1).trim().to_string(),
                    })])
                }
            }
            FormKind::PatientId => Ok(Vec::new()),
        }
    }

    /// A save finished.
    fn on_saved(
        &mut self,
        result: Result<Box<Prescription>, SaveFailure>,
        now: DateTime<Utc>,
    ) -> Vec<Out> {
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
                    Out::File(DraftOp::Delete {
                        appointment_id: self.brief.appointment_id,
                    }),
                    Out::Info(if was_offline {
                        format!(
                            "The prescription store is back: saved version {}; the draft file was removed.",
                            saved.version
                        )
                    } else {
                        format!("Saved version {}.", saved.version)
                    }),
                ];
                if edited_meanwhile {
                    out.push(Out::Info(format!(
                        "Saved version {}; changes made while saving are not saved yet.",
                        saved.version
                    )));
                }
                out
            }
            Err(SaveFailure::Conflict { current, message }) => {
                self.modal = Some(Modal::Conflict(Conflict {
                    theirs: current,
                    message: message.clone(),
                }));
                self.error = Some(message.clone());
                vec![Out::Error(message)]
            }
            Err(SaveFailure::Unavailable(message)) => {
                let attempts = self.offline.as_ref().map_or(0, |o| o.attempts) + 1;
                let draft_path = self.offline.as_ref().and_then(|o| o.draft_path.clone());
                self.offline = Some(Offline {
                    retry_at: now + Duration::seconds(RETRY_SECONDS),
                    attempts,
                    draft_path,
                });
                self.error = Some(message);
                vec![
                    Out::File(DraftOp::Write(Box::new(self.draft_file(now)))),
                    Out::Error(format!(
                        "The prescription store cannot be reached. Your draft is kept here and in a local draft file; retrying every {RETRY_SECONDS} s (attempt {attempts})."
                    )),
                ]
            }
            Err(SaveFailure::Other(message)) => {
                self.error = Some(message.clone());
                vec![Out::Error(message)]
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
    pub fn on_tick(&mut self, now: DateTime<Utc>) -> Vec<Out> {
        match &self.offline {
            Some(o) if self.saving.is_none() && now >= o.retry_at => {
                let mut draft = self.current();
                if rx::normalise_and_validate(&mut draft).is_err() {
                    return Vec::new();
                }
                vec![Out::Request(RxOp::Save {
                    draft: Box::new(draft),
                    expected_version: self.expected_version,
                })]
            }
            _ => Vec::new(),
        }
    }
}

fn on_history_key(h: &mut HistoryView, command: Option<Command>) -> bool {
    let n = h.versions.len();
    match command {
        Some(Command::Up) => h.cursor = h.cursor.saturating_sub(1),
        Some(Command::Down) => h.cursor = (h.cursor + 1).min(n.saturating_sub(1)),
        Some(Command::Mark) => {
            h.marked = if h.marked == Some(h.cursor) {
                None
            } else {
                Some(h.cursor)
            };
        }
        Some(Command::Back) => return false,
        _ => {}
    }
    true
}

/// A read-only prescription (admins, patients, doctors reading).
#[derive(Debug, Clone)]
pub struct ViewerState {
    pub brief: AppointmentBrief,
    pub prescription: Option<Prescription>,
    pub scroll: u16,
    pub history: Option<HistoryView>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListState {
    pub items: Vec<AppointmentBrief>,
    pub selected: usize,
    pub loaded: bool,
    pub insight: Option<Insight>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TimelineState {
    pub patient_id: i32,
    pub entries: Vec<TimelineEntry>,
    pub selected: usize,
    pub loaded: bool,
}

#[derive(Debug, Clone)]
pub enum Page {
    List,
    Timeline,
    /// Waiting for `OpenEditor` / `OpenViewer`.
    Opening(i32),
    Editor(Box<EditorState>),
    Viewer(Box<ViewerState>),
}

/// Who is looking, which decides what each key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub role: Role,
    pub id: i32,
}

impl Viewer {
    pub fn of(actor: &Actor) -> Viewer {
        Viewer {
            role: actor.role().unwrap_or(Role::Admin),
            id: actor.id().unwrap_or(0),
        }
    }
}

/// The prescription screens.
#[derive(Debug, Clone)]
pub struct RxState {
    pub viewer: Viewer,
    pub page: Page,
    pub list: Option<ListState>,
    pub timeline: Option<TimelineState>,
    pub form: Option<Form>,
    pending_load: Option<u64>,
    pending_side: Option<u64>,
}

impl RxState {
    fn with(viewer: Viewer, page: Page) -> RxState {
        RxState {
            viewer,
            page,
            list: None,
            timeline: None,
            form: None,
            pending_load: None,
            pending_side: None,
        }
    }

    /// The list of recent appointments (doctors, admins, front desk).
    pub fn list(viewer: Viewer, now: DateTime<Utc>) -> (RxState, RxOp) {
        let mut s = RxState::with(viewer, Page::List);
        s.list = Some(ListState::default());
        (s, list_request(now))
    }

    /// A patient's timeline (a patient's own "My prescriptions").
    pub fn timeline(viewer: Viewer, patient_id: i32) -> (RxState, RxOp) {
        let mut s = RxState::with(viewer, Page::Timeline);
        s.timeline = Some(TimelineState {
            patient_id,
            ..TimelineState::default()
        });
        (s, RxOp::LoadTimeline { patient_id })
    }

    /// One appointment's prescription, read-only (a patient, an admin).
    pub fn viewer(viewer: Viewer, appointment_id: i32) -> (RxState, RxOp) {
        (
            RxState::with(viewer, Page::Opening(appointment_id)),
            RxOp::OpenViewer { appointment_id },
        )
    }

    /// The editor of one appointment (its doctor), e.g. from the agenda.
    pub fn editor(viewer: Viewer, appointment_id: i32) -> (RxState, RxOp) {
        (
            RxState::with(viewer, Page::Opening(appointment_id)),
            RxOp::OpenEditor { appointment_id },
        )
    }

    pub fn context(&self) -> Context {
        if self.form.is_some() {
            return Context::Form;
        }
        match &self.page {
            Page::Editor(e) => e.context(),
            Page::Viewer(_) => Context::PrescriptionView,
            Page::List | Page::Timeline | Page::Opening(_) => Context::PrescriptionList,
        }
    }

    pub fn editor_state(&self) -> Option<&EditorState> {
        match &self.page {
            Page::Editor(e) => Some(e),
            _ => None,
        }
    }

    /// The unsaved draft to write on a forced quit, if any.
    pub fn unsaved_draft(&self, now: DateTime<Utc>) -> Option<DraftFile> {
        self.editor_state()
            .filter(|e| e.is_dirty())
            .map(|e| e.draft_file(now))
    }

    /// A request got its id.
    pub fn started(&mut self, op: &RxOp, request: u64) {
        match op.slot() {
            Slot::Load => self.pending_load = Some(request),
            Slot::Side => self.pending_side = Some(request),
            Slot::Save => {
                if let Page::Editor(e) = &mut self.page {
                    e.saving = Some(request);
                }
            }
        }
    }

    pub fn on_tick(&mut self, now: DateTime<Utc>) -> Vec<Out> {
        match &mut self.page {
            Page::Editor(e) => e.on_tick(now),
            _ => Vec::new(),
        }
    }

    /// Back from the current page: editor/viewer -> timeline or list -> home.
    fn back(&mut self, now: DateTime<Utc>) -> Vec<Out> {
        self.pending_load = None;
        self.pending_side = None;
        let from_timeline = matches!(self.page, Page::Viewer(_));
        if from_timeline && self.timeline.is_some() {
            self.page = Page::Timeline;
            return Vec::new();
        }
        if matches!(self.page, Page::Timeline) {
            self.timeline = None;
        }
        if self.list.is_some() && !matches!(self.page, Page::List) {
            self.page = Page::List;
            return vec![Out::Request(list_request(now))];
        }
        vec![Out::Home]
    }

    pub fn on_key(
        &mut self,
        key: KeyEvent,
        command: Option<Command>,
        now: DateTime<Utc>,
    ) -> Vec<Out> {
        if let Some(mut form) = self.form.take() {
            return self.on_patient_form(&mut form, key, command);
        }
        let out = match &mut self.page {
            Page::Editor(e) => e.on_key(key, command, now),
            Page::Viewer(v) => {
                let appointment_id = v.brief.appointment_id;
                return self.on_viewer_key(command, now, appointment_id);
            }
            Page::List => return self.on_list_key(command),
            Page::Timeline => return self.on_timeline_key(command, now),
            Page::Opening(_) => {
                return match command {
                    Some(Command::Back) => self.back(now),
                    _ => Vec::new(),
                };
            }
        };
        // The editor's "leave" goes back a page, not straight home.
        let mut result = Vec::new();
        for o in out {
            if o == Out::Home {
                result.extend(self.back(now));
            } else {
                result.push(o);
            }
        }
        result
    }

    fn on_patient_form(
        &mut self,
        form: &mut Form,
        key: KeyEvent,
        command: Option<Command>,
    ) -> Vec<Out> {
        match command {
            Some(Command::Cancel) => return Vec::new(),
            Some(Command::Save) => match form.value(0).trim().parse::<i32>() {
                Ok(id) if id > 0 => return self.open_timeline(id),
                _ => form.error = Some("A patient id is a positive number, e.g. 42.".into()),
            },
            _ => {
                if let Some(input) = form.inputs.get_mut(0) {
                    input.handle_event(&Event::Key(key));
                }
            }
        }
        self.form = Some(form.clone());
        Vec::new()
    }

    fn open_timeline(&mut self, patient_id: i32) -> Vec<Out> {
        self.timeline = Some(TimelineState {
            patient_id,
            ..TimelineState::default()
        });
        self.page = Page::Timeline;
        vec![Out::Request(RxOp::LoadTimeline { patient_id })]
    }

    fn on_list_key(&mut self, command: Option<Command>) -> Vec<Out> {
        let viewer = self.viewer;
        let Some(list) = &mut self.list else {
            return vec![Out::Home];
        };
        let n = list.items.len();
        match command {
            Some(Command::Up) => list.selected = list.selected.saturating_sub(1),
            Some(Command::Down) => list.selected = (list.selected + 1).min(n.saturating_sub(1)),
            Some(Command::Back) => return vec![Out::Home],
            Some(Command::Open) => {
                let Some(item) = list.items.get(list.selected).cloned() else {
                    return vec![Out::Info("No appointments in this period.".into())];
                };
                return match viewer.role {
                    Role::Doctor if item.doctor_id == viewer.id => {
                        self.page = Page::Opening(item.appointment_id);
                        vec![Out::Request(RxOp::OpenEditor {
                            appointment_id: item.appointment_id,
                        })]
                    }
                    Role::FrontDesk => vec![Out::Info(match item.prescription_version {
                        Some(_) => format!(
                            "{} has a prescription for this appointment; only the doctor and the patient can read it.",
                            item.patient_name
                        ),
                        None => "No prescription for this appointment yet.".into(),
                    })],
                    _ if item.prescription_version.is_none() => {
                        vec![Out::Info(
                            "No prescription for this appointment yet.".into(),
                        )]
                    }
                    _ => {
                        self.page = Page::Opening(item.appointment_id);
                        vec![Out::Request(RxOp::OpenViewer {
                            appointment_id: item.appointment_id,
                        })]
                    }
                };
            }
            Some(Command::Timeline) if viewer.role != Role::FrontDesk => {
                let Some(item) = list.items.get(list.selected) else {
                    return Vec::new();
                };
                let patient = item.patient_id;
                return self.open_timeline(patient);
            }
            Some(Command::FindPatient) if viewer.role == Role::Admin => {
                self.form = Some(Form::patient_id());
            }
            Some(Command::Insight) if matches!(viewer.role, Role::Doctor | Role::Admin) => {
                // Toggles the panel: a second press hides it.
                let was_shown = list.insight.take().is_some();
                if !was_shown {
                    return vec![Out::Request(RxOp::Insight { days: 90 })];
                }
            }
            _ => {}
        }
        Vec::new()
    }

    fn on_timeline_key(&mut self, command: Option<Command>, now: DateTime<Utc>) -> Vec<Out> {
        let Some(t) = &mut self.timeline else {
            return self.back(now);
        };
        let n = t.entries.len();
        match command {
            Some(Command::Up) => t.selected = t.selected.saturating_sub(1),
            Some(Command::Down) => t.selected = (t.selected + 1).min(n.saturating_sub(1)),
            Some(Command::Back) => return self.back(now),
            Some(Command::Open) => {
                let Some(e) = t.entries.get(t.selected) else {
                    return vec![Out::Info("No prescriptions yet.".into())];
                };
                let appointment_id = e.summary.appointment_id;
                self.page = Page::Opening(appointment_id);
                return vec![Out::Request(RxOp::OpenViewer { appointment_id })];
            }
            _ => {}
        }
        Vec::new()
    }

    fn on_viewer_key(
        &mut self,
        command: Option<Command>,
        now: DateTime<Utc>,
        appointment_id: i32,
    ) -> Vec<Out> {
        let Page::Viewer(v) = &mut self.page else {
            return Vec::new();
        };
        if let Some(h) = &mut v.history {
            if !on_history_key(h, command) {
                v.history = None;
            }
            return Vec::new();
        }
        match command {
            Some(Command::Up) => v.scroll = v.scroll.saturating_sub(1),
            Some(Command::Down) => v.scroll = v.scroll.saturating_add(1),
            Some(Command::Back) => return self.back(now),
            Some(Command::History) if v.prescription.is_some() => {
                v.history = Some(HistoryView {
                    loading: true,
                    ..HistoryView::default()
                });
                return vec![Out::Request(RxOp::LoadHistory { appointment_id })];
            }
            Some(Command::Export) if v.prescription.is_some() => {
                return vec![Out::Request(RxOp::Export { appointment_id })];
            }
            _ => {}
        }
        Vec::new()
    }

    /// Request `request` will never answer (its task failed): stop waiting for it. An
    /// editor keeps every unsaved change and may save again; a prescription that was
    /// being opened goes back to the list it was opened from.
    pub fn abandon(&mut self, request: u64) {
        use super::abandon::forget;
        forget(&mut self.pending_side, request);
        if forget(&mut self.pending_load, request) && matches!(self.page, Page::Opening(_)) {
            if self.timeline.is_some() {
                self.page = Page::Timeline;
            } else if self.list.is_some() {
                self.page = Page::List;
            }
        }
        if let Page::Editor(e) = &mut self.page {
            forget(&mut e.saving, request);
        }
    }

    /// A reply arrived; `request` is its id. Stale replies are ignored.
    pub fn on_reply(&mut self, request: u64, reply: RxReply, now: DateTime<Utc>) -> Vec<Out> {
        let slot = match &reply {
            RxReply::Saved(_) => Slot::Save,
            RxReply::List(_) | RxReply::Timeline(_) | RxReply::Editor(_) | RxReply::Viewer(_) => {
                Slot::Load
            }
            RxReply::DraftWritten {
                appointment_id,
                result,
            } => {
                return self.on_draft_written(*appointment_id, result.clone());
            }
            _ => Slot::Side,
        };
        let current = match slot {
            Slot::Load => self.pending_load == Some(request),
            Slot::Side => self.pending_side == Some(request),
            Slot::Save => self
                .editor_state()
                .is_some_and(|e| e.saving == Some(request)),
        };
        if !current {
            return Vec::new();
        }
        match slot {
            Slot::Load => self.pending_load = None,
            Slot::Side => self.pending_side = None,
            Slot::Save => {}
        }
        match reply {
            RxReply::List(Ok(items)) => {
                if let Some(list) = &mut self.list {
                    list.selected = list.selected.min(items.len().saturating_sub(1));
                    list.items = items;
                    list.loaded = true;
                }
                Vec::new()
            }
            RxReply::Timeline(Ok(entries)) => {
                if let Some(t) = &mut self.timeline {
                    t.selected = t.selected.min(entries.len().saturating_sub(1));
                    t.entries = entries;
                    t.loaded = true;
                }
                Vec::new()
            }
            RxReply::Editor(Ok(data)) => {
                let editor = EditorState::new(*data, now);
                let offer = matches!(editor.modal, Some(Modal::RestoreDraft(_)));
                self.page = Page::Editor(Box::new(editor));
                if offer {
                    vec![Out::Info(
                        "An unsaved draft of this prescription was found.".into(),
                    )]
                } else {
                    Vec::new()
                }
            }
            RxReply::Viewer(Ok(pair)) => {
                let (brief, prescription) = *pair;
                self.page = Page::Viewer(Box::new(ViewerState {
                    brief,
                    prescription,
                    scroll: 0,
                    history: None,
                }));
                Vec::new()
            }
            RxReply::List(Err(e))
            | RxReply::Timeline(Err(e))
            | RxReply::Editor(Err(e))
            | RxReply::Viewer(Err(e)) => {
                if matches!(self.page, Page::Opening(_)) {
                    self.page = if self.timeline.is_some() {
                        Page::Timeline
                    } else if self.list.is_some() {
                        Page::List
                    } else {
                        return vec![Out::Error(e), Out::Home];
                    };
                }
                vec![Out::Error(e)]
            }
            RxReply::Saved(result) => match &mut self.page {
                Page::Editor(ed) => ed.on_saved(result, now),
                _ => Vec::new(),
            },
            RxReply::History(result) => {
                let h = match &mut self.page {
                    Page::Editor(ed) => match &mut ed.modal {
                        Some(Modal::History(h)) => Some(h),
                        _ => None,
                    },
                    Page::Viewer(v) => v.history.as_mut(),
                    _ => None,
                };
                match (h, result) {
                    (Some(h), Ok(versions)) => {
                        h.cursor = versions.len().saturating_sub(1);
                        h.versions = versions;
                        h.marked = None;
                        h.loading = false;
                        Vec::new()
                    }
                    (_, Err(e)) => vec![Out::Error(e)],
                    (None, Ok(_)) => Vec::new(),
                }
            }
            RxReply::Exported(Ok(path)) => {
                vec![Out::Info(format!("Prescription exported to {path}"))]
            }
            RxReply::Attached(Ok(a)) => {
                if let Page::Editor(ed) = &mut self.page {
                    let name = a.file_name.clone();
                    ed.draft.attachments.push(a);
                    ed.attach_row = ed.draft.attachments.len() - 1;
                    return vec![Out::Info(format!(
                        "{name} uploaded; Ctrl-S saves the prescription with it."
                    ))];
                }
                Vec::new()
            }
            RxReply::Insight(Ok(insight)) => {
                if let Some(list) = &mut self.list {
                    list.insight = Some(insight);
                }
                Vec::new()
            }
            RxReply::Exported(Err(e)) | RxReply::Attached(Err(e)) | RxReply::Insight(Err(e)) => {
                vec![Out::Error(e)]
            }
            RxReply::DraftWritten { .. } => Vec::new(),
        }
    }

    fn on_draft_written(
        &mut self,
        appointment_id: i32,
        result: Result<String, String>,
    ) -> Vec<Out> {
        let Page::Editor(ed) = &mut self.page else {
            return Vec::new();
        };
        if ed.brief.appointment_id != appointment_id {
            return Vec::new();
        }
        match result {
            Ok(path) => {
                if let Some(o) = &mut ed.offline {
                    o.draft_path = Some(path.clone());
                    return vec![Out::Error(format!(
                        "The prescription store cannot be reached. Draft kept in memory and in {path}; retrying every {RETRY_SECONDS} s."
                    ))];
                }
                Vec::new()
            }
            Err(e) => vec![Out::Error(format!(
                "The prescription store cannot be reached and the draft file could not be written ({e}); keep this screen open, saving is retried."
            ))],
        }
    }
}

fn list_request(now: DateTime<Utc>) -> RxOp {
    let today = now.date_naive();
    let from = (today - Duration::days(RECENT_DAYS))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let to = (today + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    RxOp::LoadList { from, to }
}

// ---------------------------------------------------------------------------------
// Rendering

fn local(tz: Tz, utc: NaiveDateTime) -> String {
    crate::domain::local_time::label(tz, utc, "%a %-d %b %H:%M")
}

fn boxed<'a>(title: String, focused: bool, theme: &Theme) -> Block<'a> {
    let title_style = if focused {
        theme.focus()
    } else {
        theme.title()
    };
    Block::default()
        .borders(Borders::ALL)
        .border_style(if focused {
            theme.title()
        } else {
            theme.border()
        })
        .title(Span::styled(title, title_style))
}

fn fit(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width {
        text.to_string()
    } else if width == 0 {
        String::new()
    } else {
        let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

pub fn render(frame: &mut Frame, area: Rect, state: &RxState, tz: Tz, theme: &Theme) {
    match &state.page {
        Page::List => render_list(frame, area, state, tz, theme),
        Page::Timeline => render_timeline(frame, area, state, tz, theme),
        Page::Opening(id) => frame.render_widget(
            Paragraph::new(format!("Opening appointment {id}…")).block(boxed(
                " Prescription ".into(),
                false,
                theme,
            )),
            area,
        ),
        Page::Editor(e) => render_editor(frame, area, e, tz, theme),
        Page::Viewer(v) => render_viewer(frame, area, v, tz, theme),
    }
    if let Some(form) = &state.form {
        render_form(frame, area, form, theme);
    }
}

fn render_list(frame: &mut Frame, area: Rect, state: &RxState, tz: Tz, theme: &Theme) {
    let Some(list) = &state.list else {
        return;
    };
    let (main, side) = if list.insight.is_some() && area.width >= 70 {
        let cols = Layout::horizontal([Constraint::Min(40), Constraint::Length(30)]).split(area);
        (cols[0], Some(cols[1]))
    } else {
        (area, None)
    };
    let staff = state.viewer.role != Role::Doctor;
    let title = match state.viewer.role {
        Role::Doctor => format!(" Your appointments, last {RECENT_DAYS} days "),
        _ => format!(" Appointments, last {RECENT_DAYS} days "),
    };
    let block = boxed(title, true, theme);
    let inner = block.inner(main);
    frame.render_widget(block, main);
    if !list.loaded {
        frame.render_widget(Paragraph::new(Span::styled("Loading…", theme.dim())), inner);
    } else if list.items.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled("No appointments in this period.", theme.dim())),
            inner,
        );
    } else {
        let visible = usize::from(inner.height.saturating_sub(1)).max(1);
        let start = list.selected.saturating_sub(visible.saturating_sub(1));
        let rows: Vec<Row> = list
            .items
            .iter()
            .enumerate()
            .skip(start)
            .take(visible)
            .map(|(i, a)| {
                let rx_mark = match (a.prescription_version, state.viewer.role) {
                    (Some(_), Role::FrontDesk) => "✓ exists".to_string(),
                    (Some(v), _) => format!("✓ v{v}"),
                    (None, _) => "—".to_string(),
                };
                let mut cells = vec![
                    Cell::from(local(tz, a.start_utc)),
                    Cell::from(a.patient_name.clone()),
                ];
                if staff {
                    cells.push(Cell::from(a.doctor_name.clone()));
                }
                cells.push(Cell::from(a.status.label()));
                cells.push(Cell::from(rx_mark));
                let row = Row::new(cells);
                if i == list.selected {
                    row.style(theme.focus())
                } else {
                    row
                }
            })
            .collect();
        let mut widths = vec![Constraint::Length(16), Constraint::Min(12)];
        let mut header = vec!["When", "Patient"];
        if staff {
            widths.push(Constraint::Min(10));
            header.push("Doctor");
        }
        widths.extend([Constraint::Length(9), Constraint::Length(9)]);
        header.extend(["Status", "Rx"]);
        let table = Table::new(rows, widths)
            .header(Row::new(header).style(theme.dim().add_modifier(Modifier::BOLD)));
        frame.render_widget(table, inner);
    }
    if let (Some(side), Some(insight)) = (side, &list.insight) {
        let mut lines = vec![Line::from(Span::styled("Top medications", theme.title()))];
        if insight.medications.is_empty() {
            lines.push(Line::from(Span::styled(" none", theme.dim())));
        }
        for (name, n) in &insight.medications {
            lines.push(Line::raw(format!(" {n:>3}  {}", fit(name, 22))));
        }
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled("Top tags", theme.title())));
        if insight.tags.is_empty() {
            lines.push(Line::from(Span::styled(" none", theme.dim())));
        }
        for (tag, n) in &insight.tags {
            lines.push(Line::raw(format!(" {n:>3}  {}", fit(tag, 22))));
        }
        frame.render_widget(
            Paragraph::new(lines).block(boxed(" Last 90 days ".into(), false, theme)),
            side,
        );
    }
}

fn render_timeline(frame: &mut Frame, area: Rect, state: &RxState, tz: Tz, theme: &Theme) {
    let Some(t) = &state.timeline else {
        return;
    };
    let title = if state.viewer.role == Role::Patient {
        " My prescriptions ".to_string()
    } else {
        format!(" Prescriptions of patient {} ", t.patient_id)
    };
    let block = boxed(title, true, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if !t.loaded {
        frame.render_widget(Paragraph::new(Span::styled("Loading…", theme.dim())), inner);
        return;
    }
    if t.entries.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled("No prescriptions yet.", theme.dim())),
            inner,
        );
        return;
    }
    let width = usize::from(inner.width);
    let mut lines = Vec::new();
    for (i, e) in t.entries.iter().enumerate() {
        let when = e
            .appointment_time
            .map_or_else(|| "—".to_string(), |at| local(tz, at));
        let head = format!(
            "{} {when} · {} · v{}",
            if i == t.selected { "▶" } else { " " },
            e.doctor_name,
            e.summary.version
        );
        let style = if i == t.selected {
            theme.focus()
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(fit(&head, width), style)));
        let mut detail = format!("   {}", e.summary.medications_line(3));
        if !e.summary.diagnosis.is_empty() {
            detail.push_str(&format!(" · {}", e.summary.diagnosis.replace('\n', " ")));
        }
        if !e.summary.tags.is_empty() {
            detail.push_str(&format!(" · #{}", e.summary.tags.join(" #")));
        }
        lines.push(Line::from(Span::styled(fit(&detail, width), theme.dim())));
    }
    let visible = usize::from(inner.height).max(2);
    let first = (t.selected * 2).saturating_sub(visible.saturating_sub(2));
    let shown: Vec<Line> = lines.into_iter().skip(first).collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

fn header_line(
    brief: &AppointmentBrief,
    tz: Tz,
    state_text: String,
    theme: &Theme,
) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!(" {} ", brief.patient_name), theme.title()),
        Span::raw(format!(
            "· {} · {} · ",
            local(tz, brief.start_utc),
            brief.doctor_name
        )),
        Span::styled(state_text, theme.dim()),
    ])
}

fn render_editor(frame: &mut Frame, area: Rect, e: &EditorState, tz: Tz, theme: &Theme) {
    let notes_h: u16 = if area.height >= 30 {
        area.height.saturating_sub(6) / 2
    } else {
        7
    };
    let rows = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(4),
        Constraint::Length(notes_h),
        Constraint::Length(4),
        Constraint::Length(1),
    ])
    .split(area);
    let status = match (&e.stored, e.is_dirty(), &e.offline) {
        (_, _, Some(o)) => format!("unsaved · store unreachable, retry {}", o.attempts),
        (None, _, None) => "new prescription".to_string(),
        (Some(p), true, None) => format!("v{} · modified", p.version),
        (Some(p), false, None) => format!("v{} · saved", p.version),
    };
    frame.render_widget(
        Paragraph::new(header_line(&e.brief, tz, status, theme)),
        rows[0],
    );

    // Medications table.
    let focused = e.section == Section::Medications && e.modal.is_none();
    let block = boxed(
        format!(" Medications ({}) ", e.draft.medications.len()),
        focused,
        theme,
    );
    let inner = block.inner(rows[1]);
    frame.render_widget(block, rows[1]);
    if e.draft.medications.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled("No medication yet: a adds one.", theme.dim())),
            inner,
        );
    } else {
        let visible = usize::from(inner.height.saturating_sub(1)).max(1);
        let start = e.med_row.saturating_sub(visible.saturating_sub(1));
        let table_rows: Vec<Row> = e
            .draft
            .medications
            .iter()
            .enumerate()
            .skip(start)
            .take(visible)
            .map(|(i, m)| {
                let row = Row::new(vec![
                    Cell::from(format!("{}", i + 1)),
                    Cell::from(m.name.clone()),
                    Cell::from(m.dosage.clone()),
                    Cell::from(m.frequency.clone()),
                    Cell::from(m.duration_days.map_or(String::new(), |d| d.to_string())),
                    Cell::from(m.notes.replace('\n', " ")),
                ]);
                if i == e.med_row && focused {
                    row.style(theme.focus())
                } else if i == e.med_row {
                    row.style(Style::new().add_modifier(Modifier::BOLD))
                } else {
                    row
                }
            })
            .collect();
        let table = Table::new(
            table_rows,
            [
                Constraint::Length(3),
                Constraint::Min(12),
                Constraint::Length(10),
                Constraint::Length(16),
                Constraint::Length(4),
                Constraint::Min(8),
            ],
        )
        .header(
            Row::new(vec!["#", "Name", "Dosage", "Frequency", "Days", "Notes"])
                .style(theme.dim().add_modifier(Modifier::BOLD)),
        );
        frame.render_widget(table, inner);
    }

    // Notes.
    let cols = Layout::horizontal([
        Constraint::Ratio(1, 3),
        Constraint::Ratio(1, 3),
        Constraint::Ratio(1, 3),
    ])
    .split(rows[2]);
    for (i, section) in [
        Section::ChiefComplaint,
        Section::Diagnosis,
        Section::Recommendations,
    ]
    .into_iter()
    .enumerate()
    {
        let focused = e.section == section && e.modal.is_none();
        if let Some(pos) =
            render_text_area(frame, cols[i], section.label(), &e.notes[i], focused, theme)
        {
            frame.set_cursor_position(pos);
        }
    }

    // Tags and attachments.
    let bottom =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).split(rows[3]);
    let tags_focused = e.section == Section::Tags && e.modal.is_none();
    let block = boxed(" Tags ".into(), tags_focused, theme);
    let inner = block.inner(bottom[0]);
    frame.render_widget(block, bottom[0]);
    if inner.height >= 1 {
        let tags = if e.draft.tags.is_empty() {
            Span::styled("none", theme.dim())
        } else {
            Span::raw(format!("#{}", e.draft.tags.join(" #")))
        };
        frame.render_widget(
            Paragraph::new(Line::from(tags)),
            Rect { height: 1, ..inner },
        );
    }
    if inner.height >= 2 {
        let line = Rect {
            y: inner.y + 1,
            height: 1,
            ..inner
        };
        let label = Rect { width: 2, ..line };
        frame.render_widget(Paragraph::new(Span::styled("+ ", theme.dim())), label);
        let field_w = 14.min(line.width.saturating_sub(2));
        let field = Rect {
            x: line.x + 2,
            width: field_w,
            ..line
        };
        if let Some(pos) = text_field(frame, field, &e.tag_input, None, tags_focused, theme) {
            frame.set_cursor_position(pos);
        }
        if tags_focused {
            let suggestions = e.suggestions();
            let mut spans = vec![Span::raw(" ")];
            for (i, s) in suggestions.iter().enumerate() {
                let style = if Some(i) == e.suggestion {
                    theme.focus()
                } else {
                    theme.dim()
                };
                spans.push(Span::styled(s.to_string(), style));
                spans.push(Span::raw(" "));
            }
            frame.render_widget(
                Paragraph::new(Line::from(spans)),
                Rect {
                    x: field.x + field_w,
                    width: line.width.saturating_sub(field_w + 2),
                    ..line
                },
            );
        }
    }
    let att_focused = e.section == Section::Attachments && e.modal.is_none();
    let block = boxed(
        format!(" Attachments ({}) ", e.draft.attachments.len()),
        att_focused,
        theme,
    );
    let inner = block.inner(bottom[1]);
    frame.render_widget(block, bottom[1]);
    let lines: Vec<Line> = if e.draft.attachments.is_empty() {
        vec![Line::from(Span::styled(
            "none: a adds a link or a file",
            theme.dim(),
        ))]
    } else {
        let visible = usize::from(inner.height).max(1);
        let start = e.attach_row.saturating_sub(visible.saturating_sub(1));
        e.draft
            .attachments
            .iter()
            .enumerate()
            .skip(start)
            .take(visible)
            .map(|(i, a)| {
                let text = fit(
                    &format!("{} ({})", a.file_name, a.kind),
                    usize::from(inner.width),
                );
                if i == e.attach_row && att_focused {
                    Line::from(Span::styled(text, theme.focus()))
                } else {
                    Line::raw(text)
                }
            })
            .collect()
    };
    frame.render_widget(Paragraph::new(lines), inner);

    // Error line.
    let line = match (&e.error, e.saving) {
        (_, Some(_)) => Line::from(Span::styled(" Saving…", theme.info())),
        (Some(err), None) => Line::from(Span::styled(format!(" {err}"), theme.error())),
        (None, None) => Line::from(Span::styled(
            format!(" {} · Tab next section · Ctrl-S save", e.section.label()),
            theme.dim(),
        )),
    };
    frame.render_widget(Paragraph::new(line), rows[4]);

    match &e.modal {
        Some(Modal::Form(form)) => render_form(frame, area, form, theme),
        Some(Modal::ConfirmLeave) => render_confirm(
            frame,
            area,
            if e.offline.is_some() {
                "Discard changes? The draft file stays and is offered next time. y discard · n keep editing"
            } else {
                "Discard changes? Unsaved changes will be lost. y discard · n keep editing"
            },
            theme,
        ),
        Some(Modal::RestoreDraft(file)) => render_confirm(
            frame,
            area,
            &format!(
                "An unsaved draft from {} was found ({} medications). Restore it? y restore · n discard it",
                file.written_at.format("%-d %b %H:%M UTC"),
                file.draft.medications.len()
            ),
            theme,
        ),
        Some(Modal::Conflict(c)) => render_conflict(frame, area, e, c, theme),
        Some(Modal::History(h)) => render_history(frame, area, h, tz, theme),
        None => {}
    }
}

/// Draws a text area with its title; returns the cursor position when focused.
fn render_text_area(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    text: &TextArea,
    focused: bool,
    theme: &Theme,
) -> Option<Position> {
    let block = boxed(format!(" {title} "), focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return None;
    }
    let (row, col) = text.cursor();
    let height = usize::from(inner.height);
    let width = usize::from(inner.width).max(1);
    // Soft-wrap every line at the width (by characters); find the cursor's visual row.
    let mut visual: Vec<String> = Vec::new();
    let mut cursor = (0usize, 0usize);
    for (i, line) in text.lines().iter().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let first = visual.len();
        if chars.is_empty() {
            visual.push(String::new());
        } else {
            for chunk in chars.chunks(width) {
                visual.push(chunk.iter().collect());
            }
        }
        if i == row {
            // At the exact end of a full row the cursor goes to the start of the next.
            let r = col / width;
            if first + r >= visual.len() {
                visual.push(String::new());
            }
            cursor = (first + r, col % width);
        }
    }
    let top = if focused {
        cursor.0.saturating_sub(height.saturating_sub(1))
    } else {
        0
    };
    let lines: Vec<Line> = visual
        .into_iter()
        .skip(top)
        .take(height)
        .map(Line::raw)
        .collect();
    let style = if focused { theme.field() } else { Style::new() };
    frame.render_widget(Paragraph::new(lines).style(style), inner);
    focused.then(|| {
        Position::new(
            inner.x + u16::try_from(cursor.1).unwrap_or(0),
            inner.y + u16::try_from(cursor.0 - top).unwrap_or(0),
        )
    })
}

fn describe_lines(p: &Prescription, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled("Medications", theme.title()))];
    if p.medications.is_empty() {
        lines.push(Line::from(Span::styled("  none", theme.dim())));
    }
    for (i, m) in p.medications.iter().enumerate() {
        lines.push(Line::raw(fit(
            &format!("  {}. {} — {}", i + 1, m.name, m.describe()),
            width,
        )));
    }
    for (title, text) in [
        ("Chief complaint", &p.notes.chief_complaint),
        ("Diagnosis", &p.notes.diagnosis),
        ("Recommendations", &p.notes.recommendations),
    ] {
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled(title, theme.title())));
        if text.trim().is_empty() {
            lines.push(Line::from(Span::styled("  —", theme.dim())));
        }
        for l in text.lines() {
            lines.push(Line::raw(fit(&format!("  {l}"), width)));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("Tags ", theme.title()),
        Span::raw(if p.tags.is_empty() {
            "—".to_string()
        } else {
            format!("#{}", p.tags.join(" #"))
        }),
    ]));
    if !p.attachments.is_empty() {
        lines.push(Line::from(Span::styled("Attachments", theme.title())));
        for a in &p.attachments {
            lines.push(Line::raw(fit(
                &format!("  {} ({})", a.file_name, a.kind),
                width,
            )));
        }
    }
    lines
}

fn render_viewer(frame: &mut Frame, area: Rect, v: &ViewerState, tz: Tz, theme: &Theme) {
    let rows = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).split(area);
    let state_text = v
        .prescription
        .as_ref()
        .map_or("no prescription".to_string(), |p| {
            format!(
                "v{} · issued {}",
                p.version,
                p.date_issued.with_timezone(&tz).format("%-d %b %Y")
            )
        });
    frame.render_widget(
        Paragraph::new(header_line(&v.brief, tz, state_text, theme)),
        rows[0],
    );
    let block = boxed(" Prescription (read-only) ".into(), true, theme);
    let inner = block.inner(rows[1]);
    let lines = match &v.prescription {
        Some(p) => describe_lines(p, usize::from(inner.width), theme),
        None => vec![Line::from(Span::styled(
            "No prescription for this appointment.",
            theme.dim(),
        ))],
    };
    frame.render_widget(
        Paragraph::new(lines).scroll((v.scroll, 0)).block(block),
        rows[1],
    );
    if let Some(h) = &v.history {
        render_history(frame, area, h, tz, theme);
    }
}

fn render_conflict(frame: &mut Frame, area: Rect, e: &EditorState, c: &Conflict, theme: &Theme) {
    let outer = popup(
        frame,
        area,
        area.width.saturating_sub(2),
        area.height.saturating_sub(1),
    );
    let block = boxed(
        format!(
            " Conflict: version {} was saved meanwhile ",
            c.theirs.version
        ),
        true,
        theme,
    );
    let inner = block.inner(outer);
    frame.render_widget(block, outer);
    let rows = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .split(inner);
    frame.render_widget(
        Paragraph::new(Span::styled(c.message.clone(), theme.error())).wrap(Wrap { trim: true }),
        rows[0],
    );
    let cols =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).split(rows[1]);
    let mine = e.current();
    let w = usize::from(cols[0].width.saturating_sub(2));
    frame.render_widget(
        Paragraph::new(describe_lines(&mine, w, theme)).block(boxed(
            " Yours (unsaved) ".into(),
            false,
            theme,
        )),
        cols[0],
    );
    let changes = rx::diff(&c.theirs, &mine);
    let mut lines = vec![Line::from(Span::styled(
        "Saving yours over theirs would change:",
        theme.title(),
    ))];
    if changes.is_empty() {
        lines.push(Line::from(Span::styled("  nothing", theme.dim())));
    }
    for d in &changes {
        lines.push(diff_line(d, w, theme));
    }
    lines.push(Line::raw(""));
    lines.extend(describe_lines(&c.theirs, w, theme));
    frame.render_widget(
        Paragraph::new(lines).block(boxed(
            format!(" Theirs: version {} ", c.theirs.version),
            false,
            theme,
        )),
        cols[1],
    );
    frame.render_widget(
        Paragraph::new(Span::styled(
            "r reload theirs (drop mine) · m keep mine on top of theirs · Esc decide later",
            theme.key(),
        )),
        rows[2],
    );
}

fn diff_line(d: &DiffLine, width: usize, theme: &Theme) -> Line<'static> {
    let style = match d {
        DiffLine::Added { .. } => theme.info(),
        DiffLine::Removed { .. } => theme.error(),
        DiffLine::Changed { .. } => Style::new(),
    };
    Line::from(Span::styled(fit(&format!("  {}", d.text()), width), style))
}

fn render_history(frame: &mut Frame, area: Rect, h: &HistoryView, tz: Tz, theme: &Theme) {
    let outer = popup(
        frame,
        area,
        area.width.saturating_sub(2),
        area.height.saturating_sub(1),
    );
    let block = boxed(" Versions ".into(), true, theme);
    let inner = block.inner(outer);
    frame.render_widget(block, outer);
    if h.loading {
        frame.render_widget(Paragraph::new(Span::styled("Loading…", theme.dim())), inner);
        return;
    }
    let rows = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).split(inner);
    let cols = Layout::horizontal([Constraint::Length(26), Constraint::Min(20)]).split(rows[0]);
    let pair = h.pair();
    let list: Vec<Line> = h
        .versions
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let mark = match pair {
                Some((a, _)) if a == i => "A",
                Some((_, b)) if b == i => "B",
                _ => " ",
            };
            let text = format!(
                "{mark} v{} {}",
                v.version,
                v.last_updated.with_timezone(&tz).format("%-d %b %H:%M")
            );
            if i == h.cursor {
                Line::from(Span::styled(text, theme.focus()))
            } else {
                Line::raw(text)
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(list), cols[0]);
    let w = usize::from(cols[1].width);
    let mut lines = Vec::new();
    match pair.and_then(|(a, b)| Some((h.versions.get(a)?, h.versions.get(b)?))) {
        Some((a, b)) => {
            lines.push(Line::from(Span::styled(
                format!("From v{} to v{}:", a.version, b.version),
                theme.title(),
            )));
            let d = h.diff();
            if d.is_empty() {
                lines.push(Line::from(Span::styled("  no changes", theme.dim())));
            }
            for l in &d {
                lines.push(diff_line(l, w, theme));
            }
        }
        None => lines.push(Line::from(Span::styled(
            "The first version: nothing to compare with. Move down, or mark another with Space.",
            theme.dim(),
        ))),
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), cols[1]);
    frame.render_widget(
        Paragraph::new(Span::styled(
            "↑↓ version B · Space mark version A · Esc close",
            theme.key(),
        )),
        rows[1],
    );
}

fn render_confirm(frame: &mut Frame, area: Rect, text: &str, theme: &Theme) {
    let boxed_area = popup(frame, area, 60, 6);
    frame.render_widget(
        Paragraph::new(text.to_string())
            .wrap(Wrap { trim: true })
            .block(boxed(" Confirm ".into(), true, theme)),
        boxed_area,
    );
}

fn render_form(frame: &mut Frame, area: Rect, form: &Form, theme: &Theme) {
    let n = u16::try_from(form.inputs.len()).unwrap_or(5);
    let outer = popup(frame, area, 66, n + 5);
    let block = boxed(form.title.clone(), true, theme);
    let inner = block.inner(outer);
    frame.render_widget(block, outer);
    let label_w: u16 = 11;
    let field_w: u16 = 28.min(inner.width.saturating_sub(label_w + 2));
    for (i, input) in form.inputs.iter().enumerate() {
        let y = inner.y + u16::try_from(i).unwrap_or(0);
        if y >= inner.y + inner.height {
            break;
        }
        let focused = i == form.focus;
        let r = Rect {
            x: inner.x + 1,
            y,
            width: inner.width.saturating_sub(2),
            height: 1,
        };
        let label = format!(
            "{}{}",
            if focused { "▶" } else { " " },
            form.labels.get(i).copied().unwrap_or("")
        );
        frame.render_widget(
            Paragraph::new(Span::styled(
                label,
                if focused { theme.title() } else { Style::new() },
            )),
            Rect {
                width: label_w,
                ..r
            },
        );
        let f = Rect {
            x: r.x + label_w,
            width: field_w,
            ..r
        };
        if let Some(pos) = text_field(frame, f, input, None, focused, theme) {
            frame.set_cursor_position(pos);
        }
        frame.render_widget(
            Paragraph::new(Span::styled(
                form.hints.get(i).copied().unwrap_or(""),
                theme.dim(),
            )),
            Rect {
                x: f.x + field_w + 1,
                width: r.width.saturating_sub(label_w + field_w + 1),
                ..r
            },
        );
    }
    let msg_y = inner.y + n + 1;
    if msg_y < inner.y + inner.height {
        let line = match &form.error {
            Some(e) => Line::from(Span::styled(e.clone(), theme.error())),
            None => Line::from(Span::styled(
                "Enter/Ctrl-S ok · Tab next field · Esc cancel",
                theme.dim(),
            )),
        };
        frame.render_widget(
            Paragraph::new(line).wrap(Wrap { trim: true }),
            Rect {
                x: inner.x + 1,
                y: msg_y,
                width: inner.width.saturating_sub(2),
                height: 2.min(inner.y + inner.height - msg_y),
            },
        );
    }
}

// ---------------------------------------------------------------------------------
// Glue with the app: outs become effects with request ids.

/// Turns a screen's outs into effects (requests get fresh ids the screen remembers).
fn apply(state: &mut AppState, outs: Vec<Out>) -> Vec<Effect> {
    let Some(actor) = state.session.as_ref().map(|s| s.actor.clone()) else {
        return Vec::new();
    };
    let mut effects = Vec::new();
    for out in outs {
        match out {
            Out::Request(op) => {
                let request = state.next_request();
                let Screen::Prescription(rx) = &mut state.screen else {
                    return effects;
                };
                rx.started(&op, request);
                // Offline retries are quiet: the status line already explains them.
                let retrying = matches!(op, RxOp::Save { .. })
                    && rx.editor_state().is_some_and(|e| e.offline.is_some());
                if !retrying {
                    state.busy = Some(op.busy_text().to_string());
                }
                effects.push(Effect::Prescription {
                    request,
                    actor: actor.clone(),
                    op,
                });
            }
            Out::File(op) => effects.push(Effect::DraftFile(op)),
            Out::Info(text) => state.info(text),
            Out::Error(text) => state.error(text),
            Out::Home => {
                let role = state.session.as_ref().map_or(Role::Patient, |s| s.role());
                state.screen = Screen::Home(HomeState::for_role(role));
                state.busy = None;
            }
        }
    }
    effects
}

fn open(state: &mut AppState, make: impl FnOnce(Viewer) -> (RxState, RxOp)) -> Vec<Effect> {
    let Some(session) = &state.session else {
        return Vec::new();
    };
    let (rx, op) = make(Viewer::of(&session.actor));
    state.screen = Screen::Prescription(Box::new(rx));
    state.status = None;
    apply(state, vec![Out::Request(op)])
}

/// Home menu "Prescriptions": recent appointments (doctor: their own).
pub fn open_list(state: &mut AppState) -> Vec<Effect> {
    let now = state.now;
    open(state, |v| RxState::list(v, now))
}

/// Home menu "My prescriptions" (a patient), or an admin's look at one patient.
pub fn open_timeline(state: &mut AppState, patient_id: i32) -> Vec<Effect> {
    open(state, |v| RxState::timeline(v, patient_id))
}

/// The editor of one appointment's prescription (its doctor); for the agenda and lists.
/// Opens an appointment's prescription, e.g. from the agenda: the editor for a doctor,
/// read-only for a patient or an admin. The front desk may only know that one exists,
/// which the Prescriptions screen shows.
pub fn open_for_appointment(state: &mut AppState, appointment_id: i32) -> Vec<Effect> {
    let role = state.session.as_ref().map(|s| s.role());
    match role {
        Some(Role::Doctor) => open(state, |v| RxState::editor(v, appointment_id)),
        Some(Role::Patient | Role::Admin) => open(state, |v| RxState::viewer(v, appointment_id)),
        Some(Role::FrontDesk) => {
            state.info(
                "Only the doctor and the patient can read a prescription; Prescriptions on the home screen shows whether this appointment has one.",
            );
            Vec::new()
        }
        None => Vec::new(),
    }
}

pub fn on_key(state: &mut AppState, key: KeyEvent, command: Option<Command>) -> Vec<Effect> {
    let now = state.now;
    let Screen::Prescription(rx) = &mut state.screen else {
        return Vec::new();
    };
    let outs = rx.on_key(key, command, now);
    apply(state, outs)
}

pub fn on_reply(state: &mut AppState, request: u64, reply: RxReply) -> Vec<Effect> {
    let now = state.now;
    let Screen::Prescription(rx) = &mut state.screen else {
        return Vec::new(); // the screen was left: stale
    };
    let is_draft_note = matches!(reply, RxReply::DraftWritten { .. });
    let outs = rx.on_reply(request, reply, now);
    if !is_draft_note {
        state.busy = None;
    }
    apply(state, outs)
}

/// The clock ticked: retries an offline save when it is time.
pub fn on_tick(state: &mut AppState) -> Vec<Effect> {
    let now = state.now;
    let Screen::Prescription(rx) = &mut state.screen else {
        return Vec::new();
    };
    let outs = rx.on_tick(now);
    apply(state, outs)
}

/// Ctrl-C: the unsaved draft (if any) to write before quitting.
pub fn draft_on_quit(state: &AppState) -> Option<Effect> {
    let Screen::Prescription(rx) = &state.screen else {
        return None;
    };
    rx.unsaved_draft(state.now)
        .map(|f| Effect::DraftFile(DraftOp::Write(Box::new(f))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn text_area_edits_across_lines_with_unicode() {
        let mut t = TextArea::new("");
        for c in "Zoë".chars() {
            t.handle_key(&key(KeyCode::Char(c)));
        }
        t.handle_key(&key(KeyCode::Enter));
        for c in "布洛芬".chars() {
            t.handle_key(&key(KeyCode::Char(c)));
        }
        assert_eq!(t.text(), "Zoë\n布洛芬");
        t.handle_key(&key(KeyCode::Home));
        t.handle_key(&key(KeyCode::Backspace));
        assert_eq!(t.text(), "Zoë布洛芬");
        assert_eq!(t.cursor(), (0, 3));
        t.handle_key(&key(KeyCode::Delete));
        assert_eq!(t.text(), "Zoë洛芬");
        t.handle_key(&key(KeyCode::Left));
        t.handle_key(&key(KeyCode::Enter));
        assert_eq!(t.text(), "Zo\në洛芬");
        t.handle_key(&key(KeyCode::Up));
        t.handle_key(&key(KeyCode::End));
        assert_eq!(t.cursor(), (0, 2));
    }
}
