//! The patients screen (front desk, admins): an incremental search over the register
//! (deactivated patients included and marked), a patient view with the appointment and
//! payment history, registration and editing in a form, and deactivate / reactivate
//! after a y/n question.
//!
//! Focus is either in the search field (typing searches; Tab goes to the list) or on the
//! results list (`n` new, `e` edit, `x` deactivate/reactivate, Enter open, `/` back to
//! the field). Pure: keys and replies change the state and return effects.

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use crossterm::event::{Event, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::form::{Confirm, Form, FormKey, field, fit, render_confirm, render_form};
use crate::domain::money::format_amount;
use crate::domain::person::Patient;
use crate::service::patients::{NewPatientInput, PatientHistory};
use crate::tui::effect::Effect;
use crate::tui::keymap::{Command, Context};
use crate::tui::state::{AppState, Screen};
use crate::tui::theme::Theme;
use crate::tui::widgets::text_field;

/// What the patients screen asks of the patient service.
#[derive(Debug, Clone, PartialEq)]
pub enum PatientsOp {
    Search {
        query: String,
    },
    History {
        patient_id: i32,
    },
    Register(NewPatientInput),
    Update {
        patient_id: i32,
        input: NewPatientInput,
    },
    SetActive {
        patient_id: i32,
        active: bool,
    },
}

impl PatientsOp {
    pub fn busy_text(&self) -> &'static str {
        match self {
            PatientsOp::Search { .. } => "Searching",
            PatientsOp::History { .. } => "Loading the patient's history",
            PatientsOp::Register(_) => "Registering the patient",
            PatientsOp::Update { .. } => "Saving the patient",
            PatientsOp::SetActive { active: true, .. } => "Reactivating",
            PatientsOp::SetActive { active: false, .. } => "Deactivating",
        }
    }
}

/// Why a registration or an edit did not happen.
#[derive(Debug, Clone, PartialEq)]
pub struct SaveFailure {
    /// A possible duplicate: ask, and send again with `confirm_duplicate` on yes.
    pub duplicate: bool,
    pub message: String,
}

/// Answers to [`PatientsOp`]s; errors are sentences.
#[derive(Debug, Clone)]
pub enum PatientsReply {
    Found(Result<Vec<Patient>, String>),
    History(Result<PatientHistory, String>),
    Saved(Result<Patient, SaveFailure>),
    ActiveSet(Result<Patient, String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// Typing goes into the search field.
    Search,
    /// Keys are commands on the results list.
    List,
}

/// The open patient: their record and history.
#[derive(Debug, Clone)]
pub struct PatientView {
    pub patient_id: i32,
    pub history: Option<PatientHistory>,
    pub request: Option<u64>,
    /// First visible appointment row.
    pub scroll: usize,
    /// First visible payment row.
    pub pay_scroll: usize,
    /// Whether the payments table (rather than the appointments) scrolls.
    pub on_payments: bool,
}

/// The new / edit patient form.
#[derive(Debug, Clone)]
pub struct PatientForm {
    pub form: Form,
    /// `None`: register a new patient.
    pub editing: Option<i32>,
}

impl PatientForm {
    fn new(existing: Option<&Patient>, name: String) -> PatientForm {
        let (title, p) = match existing {
            Some(p) => (format!("Edit {}", p.full_name), Some(p)),
            None => ("Register a new patient".to_string(), None),
        };
        let born = p
            .and_then(|p| p.date_of_birth)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        let form = Form::new(
            title,
            vec![
                field("Name", p.map_or(name, |p| p.full_name.clone()), "full name"),
                field(
                    "Email",
                    p.map(|p| p.email.clone()).unwrap_or_default(),
                    "name@example.com",
                ),
                field(
                    "Phone",
                    p.and_then(|p| p.phone_number.clone()).unwrap_or_default(),
                    "optional",
                ),
                field("Born", born, "YYYY-MM-DD, optional"),
                field(
                    "Gender",
                    p.and_then(|p| p.gender)
                        .map(|g| g.as_str().to_string())
                        .unwrap_or_default(),
                    "M, F, O or empty",
                ),
            ],
        );
        PatientForm {
            form,
            editing: existing.map(|p| p.id),
        }
    }

    pub fn input(&self, confirm_duplicate: bool) -> NewPatientInput {
        NewPatientInput {
            full_name: self.form.value(0).to_string(),
            email: self.form.value(1).to_string(),
            phone: self.form.value(2).to_string(),
            date_of_birth: self.form.value(3).to_string(),
            gender: self.form.value(4).to_string(),
            confirm_duplicate,
        }
    }

    /// Checks what can be checked here, so that the obvious mistakes are named at once;
    /// the service checks everything again.
    fn precheck(&mut self) -> bool {
        let f = &mut self.form;
        if f.value(0).trim().is_empty() {
            f.refuse(0, "Name is required.");
        } else if f.value(1).trim().is_empty() {
            f.refuse(1, "Email is required.");
        } else if !f.value(1).contains('@') {
            f.refuse(
                1,
                format!("\"{}\" is not an email address.", f.value(1).trim()),
            );
        } else if !f.value(3).trim().is_empty()
            && chrono::NaiveDate::parse_from_str(f.value(3).trim(), "%Y-%m-%d").is_err()
        {
            f.refuse(
                3,
                format!(
                    "\"{}\" is not a date; type it as YYYY-MM-DD, e.g. 1990-02-28.",
                    f.value(3).trim()
                ),
            );
        } else if !matches!(
            f.value(4).trim().to_ascii_uppercase().as_str(),
            "" | "M" | "F" | "O"
        ) {
            f.refuse(
                4,
                format!(
                    "\"{}\" is not a gender; type M, F or O, or leave it empty.",
                    f.value(4).trim()
                ),
            );
        } else {
            f.error = None;
            return true;
        }
        false
    }
}

/// Deactivate or reactivate this patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActiveTarget {
    pub patient_id: i32,
    pub active: bool,
}

#[derive(Debug, Clone)]
pub struct PatientsState {
    pub query: Input,
    pub focus: Focus,
    pub results: Vec<Patient>,
    pub selected: usize,
    pub search_request: Option<u64>,
    /// The query of the results shown (None before the first search).
    pub searched: Option<String>,
    pub view: Option<PatientView>,
    pub form: Option<PatientForm>,
    pub confirm: Option<Confirm<ActiveTarget>>,
}

/// What the app should do after a key or a reply.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    Back,
    Request(PatientsOp),
    Info(String),
    Error(String),
}

/// What a reply changed, for the app (see [`super::Outcome`]).
pub type ReplyOutcome = super::Outcome<PatientsOp>;

impl Default for PatientsState {
    fn default() -> Self {
        PatientsState::new()
    }
}

impl PatientsState {
    pub fn new() -> PatientsState {
        PatientsState {
            query: Input::default(),
            focus: Focus::Search,
            results: Vec::new(),
            selected: 0,
            search_request: None,
            searched: None,
            view: None,
            form: None,
            confirm: None,
        }
    }

    pub fn context(&self) -> Context {
        if self.confirm.is_some() {
            return Context::Confirm;
        }
        if let Some(f) = &self.form {
            return if f.form.question.is_some() {
                Context::Confirm
            } else {
                Context::Form
            };
        }
        if self.view.is_some() {
            return Context::PatientView;
        }
        match self.focus {
            Focus::Search => Context::PatientsSearch,
            Focus::List => Context::Patients,
        }
    }

    /// The patient the next `e` / `x` acts on: the open one, else the selected result.
    pub fn current_patient(&self) -> Option<&Patient> {
        match &self.view {
            Some(v) => v.history.as_ref().map(|h| &h.patient),
            None => self.results.get(self.selected),
        }
    }

    pub fn on_key(&mut self, key: KeyEvent, command: Option<Command>) -> Action {
        if let Some(confirm) = &mut self.confirm {
            return match command {
                Some(Command::Yes) if confirm.pending.is_none() => {
                    let t = confirm.target;
                    Action::Request(PatientsOp::SetActive {
                        patient_id: t.patient_id,
                        active: t.active,
                    })
                }
                Some(Command::No) => {
                    self.confirm = None;
                    Action::Info("Nothing was changed.".into())
                }
                _ => Action::None,
            };
        }
        if let Some(pf) = &mut self.form {
            return match pf.form.on_key(key, command) {
                FormKey::None => Action::None,
                FormKey::Cancel => {
                    let editing = pf.editing.is_some();
                    self.form = None;
                    Action::Info(if editing {
                        "Nothing was changed.".into()
                    } else {
                        "Nobody was registered.".into()
                    })
                }
                FormKey::No => {
                    Action::Info("Not registered. Change the details, or Esc to leave.".into())
                }
                FormKey::Yes => Action::Request(PatientsOp::Register(pf.input(true))),
                FormKey::Save => {
                    if !pf.precheck() {
                        return Action::None;
                    }
                    match pf.editing {
                        Some(id) => Action::Request(PatientsOp::Update {
                            patient_id: id,
                            input: pf.input(false),
                        }),
                        None => Action::Request(PatientsOp::Register(pf.input(false))),
                    }
                }
            };
        }
        if self.view.is_some() {
            return self.on_view_key(command);
        }
        match self.focus {
            Focus::Search => self.on_search_key(key, command),
            Focus::List => self.on_list_key(command),
        }
    }

    fn move_selection(&mut self, command: Option<Command>) {
        let last = self.results.len().saturating_sub(1);
        match command {
            Some(Command::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Command::Down) => self.selected = (self.selected + 1).min(last),
            Some(Command::PageUp) => self.selected = self.selected.saturating_sub(10),
            Some(Command::PageDown) => self.selected = (self.selected + 10).min(last),
            _ => {}
        }
    }

    fn on_search_key(&mut self, key: KeyEvent, command: Option<Command>) -> Action {
        match command {
            Some(c @ (Command::Up | Command::Down | Command::PageUp | Command::PageDown)) => {
                self.move_selection(Some(c))
            }
            Some(Command::Back) => return Action::Back,
            Some(Command::FocusList) => {
                if self.results.is_empty() {
                    return Action::Info("No patients listed yet: type to search.".into());
                }
                self.focus = Focus::List;
            }
            Some(Command::Open) => return self.open_selected(),
            Some(Command::NewPatient) => self.open_new(),
            _ => {
                let before = self.query.value().to_string();
                self.query.handle_event(&Event::Key(key));
                if self.query.value() != before {
                    self.selected = 0;
                    let q = self.query.value().trim().to_string();
                    if q.is_empty() {
                        self.results.clear();
                        self.searched = None;
                        self.search_request = None;
                        return Action::None;
                    }
                    return Action::Request(PatientsOp::Search { query: q });
                }
            }
        }
        Action::None
    }

    fn on_list_key(&mut self, command: Option<Command>) -> Action {
        match command {
            Some(c @ (Command::Up | Command::Down | Command::PageUp | Command::PageDown)) => {
                self.move_selection(Some(c))
            }
            Some(Command::Find) => self.focus = Focus::Search,
            Some(Command::Open) => return self.open_selected(),
            Some(Command::NewPatient) => self.open_new(),
            Some(Command::EditRecord) => return self.open_edit(),
            Some(Command::ToggleActive) => return self.ask_toggle(),
            Some(Command::Back) => return Action::Back,
            _ => {}
        }
        Action::None
    }

    fn on_view_key(&mut self, command: Option<Command>) -> Action {
        let Some(view) = &mut self.view else {
            return Action::None;
        };
        let (appts, pays) = view
            .history
            .as_ref()
            .map_or((0, 0), |h| (h.appointments.len(), h.payments.len()));
        let (scroll, len) = if view.on_payments {
            (&mut view.pay_scroll, pays)
        } else {
            (&mut view.scroll, appts)
        };
        let last = len.saturating_sub(1);
        match command {
            Some(Command::Up) => *scroll = scroll.saturating_sub(1),
            Some(Command::Down) => *scroll = (*scroll + 1).min(last),
            Some(Command::PageUp) => *scroll = scroll.saturating_sub(10),
            Some(Command::PageDown) => *scroll = (*scroll + 10).min(last),
            Some(Command::NextField) => view.on_payments = !view.on_payments,
            Some(Command::EditRecord) => return self.open_edit(),
            Some(Command::ToggleActive) => return self.ask_toggle(),
            Some(Command::Reload) => {
                return Action::Request(PatientsOp::History {
                    patient_id: view.patient_id,
                });
            }
            Some(Command::Back) => {
                self.view = None;
                self.focus = Focus::List;
                if self.results.is_empty() {
                    self.focus = Focus::Search;
                }
            }
            _ => {}
        }
        Action::None
    }

    fn open_selected(&mut self) -> Action {
        let Some(p) = self.results.get(self.selected) else {
            return Action::Info("No patient selected: type a name, an email or a phone.".into());
        };
        let id = p.id;
        self.open_view(id)
    }

    fn open_view(&mut self, patient_id: i32) -> Action {
        self.view = Some(PatientView {
            patient_id,
            history: None,
            request: None,
            scroll: 0,
            pay_scroll: 0,
            on_payments: false,
        });
        Action::Request(PatientsOp::History { patient_id })
    }

    fn open_new(&mut self) {
        // What was typed becomes the name, unless it looks like an email or a phone.
        let q = self.query.value().trim();
        let name = if q.contains('@') || q.chars().any(|c| c.is_ascii_digit()) {
            String::new()
        } else {
            q.to_string()
        };
        self.form = Some(PatientForm::new(None, name));
    }

    fn open_edit(&mut self) -> Action {
        match self.current_patient() {
            Some(p) => {
                self.form = Some(PatientForm::new(Some(p), String::new()));
                Action::None
            }
            None => Action::Info("Choose a patient first.".into()),
        }
    }

    fn ask_toggle(&mut self) -> Action {
        let Some(p) = self.current_patient() else {
            return Action::Info("Choose a patient first.".into());
        };
        let question = if p.is_active {
            format!(
                "Deactivate {}? They can no longer be booked or sign in; their appointments, \
                 payments and prescriptions stay.",
                p.full_name
            )
        } else {
            format!("Reactivate {}? They can be booked again.", p.full_name)
        };
        self.confirm = Some(Confirm {
            question,
            target: ActiveTarget {
                patient_id: p.id,
                active: !p.is_active,
            },
            pending: None,
        });
        Action::None
    }

    /// Remembers the id of a request that has just started.
    pub fn started(&mut self, op: &PatientsOp, request: u64) {
        match op {
            PatientsOp::Search { .. } => self.search_request = Some(request),
            PatientsOp::History { .. } => {
                if let Some(v) = &mut self.view {
                    v.request = Some(request);
                }
            }
            PatientsOp::Register(_) | PatientsOp::Update { .. } => {
                if let Some(f) = &mut self.form {
                    f.form.pending = Some(request);
                }
            }
            PatientsOp::SetActive { .. } => {
                if let Some(c) = &mut self.confirm {
                    c.pending = Some(request);
                }
            }
        }
    }

    /// Puts a changed patient into the results and the open view.
    fn replace_patient(&mut self, p: &Patient) {
        if let Some(r) = self.results.iter_mut().find(|r| r.id == p.id) {
            *r = p.clone();
        }
        if let Some(h) = self.view.as_mut().and_then(|v| v.history.as_mut())
            && h.patient.id == p.id
        {
            h.patient = p.clone();
        }
    }

    /// A result came back; stale ones are dropped.
    pub fn on_reply(&mut self, request: u64, reply: PatientsReply) -> ReplyOutcome {
        let mut out = ReplyOutcome::default();
        match reply {
            PatientsReply::Found(result) => {
                if self.search_request != Some(request) {
                    return out;
                }
                self.search_request = None;
                out.current = true;
                match result {
                    Ok(list) => {
                        self.results = list;
                        self.selected = 0;
                        self.searched = Some(self.query.value().trim().to_string());
                    }
                    Err(e) => out.error = Some(e),
                }
            }
            PatientsReply::History(result) => {
                let Some(view) = &mut self.view else {
                    return out;
                };
                if view.request != Some(request) {
                    return out;
                }
                view.request = None;
                out.current = true;
                match result {
                    Ok(h) => {
                        view.scroll = view.scroll.min(h.appointments.len().saturating_sub(1));
                        view.pay_scroll = view.pay_scroll.min(h.payments.len().saturating_sub(1));
                        let p = h.patient.clone();
                        view.history = Some(h);
                        self.replace_patient(&p);
                    }
                    Err(e) => {
                        if view.history.is_none() {
                            self.view = None;
                        }
                        out.error = Some(e);
                    }
                }
            }
            PatientsReply::Saved(result) => {
                let Some(pf) = &mut self.form else {
                    return out;
                };
                if pf.form.pending != Some(request) {
                    return out;
                }
                pf.form.pending = None;
                out.current = true;
                match result {
                    Ok(p) => {
                        let edited = pf.editing.is_some();
                        self.form = None;
                        if edited {
                            out.info = Some(format!("Saved {}.", p.full_name));
                            self.replace_patient(&p);
                        } else {
                            out.info =
                                Some(format!("Registered {} (patient {}).", p.full_name, p.id));
                            self.results.insert(0, p.clone());
                            self.selected = 0;
                            self.focus = Focus::List;
                            if let Action::Request(op) = self.open_view(p.id) {
                                out.then = Some(op);
                            }
                        }
                    }
                    Err(f) if f.duplicate => pf.form.question = Some(f.message),
                    Err(f) => {
                        pf.form.question = None;
                        pf.form.error = Some(f.message.clone());
                        out.error = Some(f.message);
                    }
                }
            }
            PatientsReply::ActiveSet(result) => {
                let Some(c) = &self.confirm else {
                    return out;
                };
                if c.pending != Some(request) {
                    return out;
                }
                self.confirm = None;
                out.current = true;
                match result {
                    Ok(p) => {
                        out.info = Some(if p.is_active {
                            format!("{} is active again.", p.full_name)
                        } else {
                            format!("{} is deactivated; their history stays.", p.full_name)
                        });
                        self.replace_patient(&p);
                    }
                    Err(e) => out.error = Some(e),
                }
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------
// Wiring into the app (called from `update`).

/// Opens the patients screen with the focus in the search field.
pub fn open(state: &mut AppState) -> Vec<Effect> {
    state.screen = Screen::Patients(Box::default());
    state.status = None;
    Vec::new()
}

fn request(state: &mut AppState, op: PatientsOp) -> Vec<Effect> {
    let Some(actor) = state.session.as_ref().map(|s| s.actor.clone()) else {
        return Vec::new();
    };
    let request = state.next_request();
    let Screen::Patients(p) = &mut state.screen else {
        return Vec::new();
    };
    p.started(&op, request);
    state.busy = Some(op.busy_text().to_string());
    vec![Effect::Patients { request, actor, op }]
}

pub fn on_key(state: &mut AppState, key: KeyEvent, command: Option<Command>) -> Vec<Effect> {
    let Screen::Patients(p) = &mut state.screen else {
        return Vec::new();
    };
    match p.on_key(key, command) {
        Action::None => Vec::new(),
        Action::Back => {
            super::booking::go_home(state);
            Vec::new()
        }
        Action::Info(text) => {
            state.info(text);
            Vec::new()
        }
        Action::Error(text) => {
            state.error(text);
            Vec::new()
        }
        Action::Request(op) => request(state, op),
    }
}

pub fn on_reply(state: &mut AppState, request_id: u64, reply: PatientsReply) -> Vec<Effect> {
    let Screen::Patients(p) = &mut state.screen else {
        return Vec::new(); // the screen was left: stale
    };
    let outcome = p.on_reply(request_id, reply);
    super::settle_reply(state, outcome, request)
}

// ---------------------------------------------------------------------------------------
// Rendering

fn local(tz: Tz, utc: NaiveDateTime) -> NaiveDateTime {
    tz.from_utc_datetime(&utc).naive_local()
}

fn block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(title, theme.title()))
}

fn born(p: &Patient) -> String {
    p.date_of_birth
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

pub fn render(frame: &mut Frame, area: Rect, state: &PatientsState, tz: Tz, theme: &Theme) {
    match &state.view {
        Some(view) => render_view(frame, area, view, tz, theme),
        None => render_list(frame, area, state, theme),
    }
    if let Some(pf) = &state.form {
        render_form(frame, area, &pf.form, theme);
    }
    if let Some(c) = &state.confirm {
        render_confirm(frame, area, &c.question, c.pending.is_some(), theme);
    }
}

fn render_list(frame: &mut Frame, area: Rect, state: &PatientsState, theme: &Theme) {
    let b = block(" Patients ".into(), theme);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    if inner.height < 4 || inner.width < 30 {
        return;
    }
    let top = Rect {
        x: inner.x + 1,
        width: inner.width - 2,
        height: 1,
        ..inner
    };
    frame.render_widget(Paragraph::new("Find:"), Rect { width: 6, ..top });
    let field_rect = Rect {
        x: top.x + 6,
        width: top.width.saturating_sub(6).min(36),
        ..top
    };
    let in_search = state.focus == Focus::Search && state.form.is_none() && state.confirm.is_none();
    if let Some(pos) = text_field(frame, field_rect, &state.query, None, in_search, theme) {
        frame.set_cursor_position(pos);
    }
    let hint_x = field_rect.x + field_rect.width + 1;
    if hint_x + 10 < top.x + top.width {
        frame.render_widget(
            Paragraph::new(Span::styled("name, email or phone", theme.dim())),
            Rect {
                x: hint_x,
                width: top.x + top.width - hint_x,
                ..top
            },
        );
    }
    let list = Rect {
        y: inner.y + 2,
        height: inner.height - 2,
        ..top
    };
    let w = usize::from(list.width).saturating_sub(2);
    let wide = w >= 100;
    let (name_w, email_w, phone_w, born_w) = if wide {
        (30, 36, 20, 12)
    } else {
        (17, 21, 17, 11)
    };
    // Each column keeps one space before the next.
    let col = |text: &str, width: usize| format!("{} ", fit(text, width - 1));
    let row_text = |name: &str, email: &str, phone: &str, born: &str, active: &str| {
        let text = format!(
            "{}{}{}{}{}",
            col(name, name_w),
            col(email, email_w),
            col(phone, phone_w),
            col(born, born_w),
            active
        );
        fit(&text, w)
    };
    let mut lines = vec![Line::from(Span::styled(
        format!("  {}", row_text("Name", "Email", "Phone", "Born", "Status")),
        theme.dim(),
    ))];
    if state.query.value().trim().is_empty() {
        lines.push(Line::from(Span::styled(
            "  Type to search: the start of a name or an email, or phone digits.",
            theme.dim(),
        )));
        lines.push(Line::from(Span::styled(
            "  n (Ctrl-N while typing) registers a new patient.",
            theme.dim(),
        )));
    } else if state.results.is_empty() && state.search_request.is_none() {
        lines.push(Line::from(Span::styled(
            "  No patient matches.",
            theme.dim(),
        )));
    }
    let room = usize::from(list.height).saturating_sub(lines.len()).max(1);
    let first = state.selected.saturating_sub(room.saturating_sub(1));
    for (i, p) in state.results.iter().enumerate().skip(first).take(room) {
        let status = if p.is_active { "active" } else { "INACTIVE" };
        let text = row_text(
            &p.full_name,
            &p.email,
            p.phone_number.as_deref().unwrap_or(""),
            &born(p),
            status,
        );
        let selected = i == state.selected;
        let mut style = if selected {
            if state.focus == Focus::List {
                theme.focus()
            } else {
                ratatui::style::Style::new().add_modifier(Modifier::BOLD)
            }
        } else {
            ratatui::style::Style::new()
        };
        if !p.is_active {
            style = style.add_modifier(Modifier::DIM);
        }
        let marker = if selected { "▶ " } else { "  " };
        lines.push(Line::from(Span::styled(format!("{marker}{text}"), style)));
    }
    frame.render_widget(Paragraph::new(lines), list);
}

fn render_view(frame: &mut Frame, area: Rect, view: &PatientView, tz: Tz, theme: &Theme) {
    let Some(h) = &view.history else {
        let b = block(format!(" Patient {} ", view.patient_id), theme);
        frame.render_widget(
            Paragraph::new(Span::styled(" Loading…", theme.dim())).block(b),
            area,
        );
        return;
    };
    let p = &h.patient;
    let status = if p.is_active {
        ""
    } else {
        " · INACTIVE (cannot be booked)"
    };
    let b = block(
        format!(" {} · patient {}{status} ", p.full_name, p.id),
        theme,
    );
    let inner = b.inner(area);
    frame.render_widget(b, area);
    if inner.height < 6 || inner.width < 30 {
        return;
    }
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };
    let w = usize::from(inner.width);
    let label = |t: &'static str| Span::styled(t, theme.dim());
    let gender = p.gender.map_or("—", |g| g.as_str());
    let portal = if p.has_portal_access { "yes" } else { "no" };
    let header = vec![
        Line::from(vec![
            label("Email "),
            Span::raw(p.email.clone()),
            label("   Phone "),
            Span::raw(p.phone_number.clone().unwrap_or_else(|| "—".into())),
        ]),
        Line::from(vec![
            label("Born "),
            Span::raw(if born(p).is_empty() {
                "—".to_string()
            } else {
                born(p)
            }),
            label("   Gender "),
            Span::raw(gender),
            label("   Portal access "),
            Span::raw(portal),
            label("   Status "),
            Span::raw(if p.is_active { "active" } else { "INACTIVE" }),
        ]),
    ];
    let rows = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Percentage(60),
        Constraint::Percentage(40),
    ])
    .split(inner);
    frame.render_widget(Paragraph::new(header), rows[0]);

    // Appointments, newest first.
    let wide = w >= 100;
    let (when_w, doc_w, spec_w) = if wide { (24, 26, 22) } else { (23, 22, 0) };
    let mut lines = vec![section_title(
        format!("Appointments ({})", h.appointments.len()),
        !view.on_payments,
        theme,
    )];
    let head = format!(
        "  {}{}{}{}",
        fit("When (clinic time)", when_w),
        fit("Doctor", doc_w),
        if wide {
            fit("Specialization", spec_w)
        } else {
            String::new()
        },
        "Status"
    );
    lines.push(Line::from(Span::styled(fit(&head, w), theme.dim())));
    if h.appointments.is_empty() {
        lines.push(Line::from(Span::styled("  No appointments.", theme.dim())));
    }
    let room = usize::from(rows[2].height).saturating_sub(2).max(1);
    let first = view.scroll.min(h.appointments.len().saturating_sub(room));
    for (i, a) in h.appointments.iter().enumerate().skip(first).take(room) {
        let when =
            crate::domain::local_time::label(tz, a.appointment.start_utc, "%a %d %b %Y %H:%M");
        let mut status = a.appointment.status.label().to_string();
        if let Some(reason) = &a.appointment.cancel_reason {
            status.push_str(&format!(" ({reason})"));
        }
        let text = format!(
            "{}{}{}{}",
            fit(&when, when_w),
            fit(&a.doctor_name, doc_w),
            if wide {
                fit(&a.specialization, spec_w)
            } else {
                String::new()
            },
            status
        );
        let focus = !view.on_payments && i == view.scroll;
        lines.push(row_line(&text, focus, w, theme));
    }
    frame.render_widget(Paragraph::new(lines), rows[2]);

    // Payments, newest first.
    let mut lines = vec![section_title(
        format!("Payments ({})", h.payments.len()),
        view.on_payments,
        theme,
    )];
    let head = format!(
        "  {}{}{}{}{}",
        fit("Date", 12),
        fit("Amount", 12),
        fit("Method", 15),
        fit("Status", 11),
        "Appointment"
    );
    lines.push(Line::from(Span::styled(fit(&head, w), theme.dim())));
    if h.payments.is_empty() {
        lines.push(Line::from(Span::styled("  No payments.", theme.dim())));
    }
    let room = usize::from(rows[3].height).saturating_sub(2).max(1);
    let first = view.pay_scroll.min(h.payments.len().saturating_sub(room));
    for (i, pay) in h.payments.iter().enumerate().skip(first).take(room) {
        let date = pay
            .created_at
            .with_timezone(&tz)
            .format("%Y-%m-%d")
            .to_string();
        let appt = h
            .appointments
            .iter()
            .find(|a| a.appointment.id == pay.appointment_id)
            .map(|a| {
                local(tz, a.appointment.start_utc)
                    .format("%d %b %Y")
                    .to_string()
            })
            .unwrap_or_else(|| format!("#{}", pay.appointment_id));
        let text = format!(
            "{}{}{}{}{}",
            fit(&date, 12),
            fit(&format!("{:>10}", format_amount(pay.amount)), 12),
            fit(&words(pay.method.as_str()), 15),
            fit(&words(pay.status.as_str()), 11),
            appt
        );
        let focus = view.on_payments && i == view.pay_scroll;
        lines.push(row_line(&text, focus, w, theme));
    }
    frame.render_widget(Paragraph::new(lines), rows[3]);
}

/// "BANK_TRANSFER" → "bank transfer".
fn words(code: &str) -> String {
    code.replace('_', " ").to_lowercase()
}

fn section_title<'a>(text: String, focused: bool, theme: &Theme) -> Line<'a> {
    let marker = if focused { "▶ " } else { "  " };
    Line::from(Span::styled(format!("{marker}{text}"), theme.title()))
}

fn row_line<'a>(text: &str, focus: bool, w: usize, theme: &Theme) -> Line<'a> {
    if focus {
        Line::from(Span::styled(fit(&format!("▶ {text}"), w), theme.focus()))
    } else {
        Line::raw(fit(&format!("  {text}"), w))
    }
}
