//! The patients screen (front desk, admins): an incremental search over the register
//! (deactivated patients included and marked), a patient view with the appointment and
//! payment history, registration and editing in a form, and deactivate / reactivate
//! after a y/n question.
//!
//! Focus is either in the search field (typing searches; Tab goes to the list) or on the
//! results list (`n` new, `e` edit, `x` deactivate/reactivate, Enter open, `/` back to
//! the field). Keys are handled in `keys`, requests and replies in `ops`, drawing in
//! `view`. Pure: keys and replies change the state and return actions.

mod keys;
mod ops;
mod view;

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use tui_input::Input;

pub use ops::{PatientsOp, PatientsReply};

use crate::domain::person::Patient;
use crate::service::patients::PatientHistory;
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Actions, Commands, Ctx, Screen};
use crate::tui::widgets::confirm::Confirm;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::table::TableView;

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
    /// The appointments table's selection and scroll.
    pub appointments: TableView,
    /// The payments table's selection and scroll.
    pub payments: TableView,
    /// Whether the payments table (rather than the appointments) has the keys.
    pub on_payments: bool,
}

/// A field of the patient form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatientField {
    Name,
    Email,
    Phone,
    Born,
    Gender,
}

impl PatientField {
    /// The label, as the service names the field in its refusals.
    pub fn label(self) -> &'static str {
        match self {
            PatientField::Name => "Name",
            PatientField::Email => "Email",
            PatientField::Phone => "Phone",
            PatientField::Born => "Born",
            PatientField::Gender => "Gender",
        }
    }
}

/// The new / edit patient form.
#[derive(Debug, Clone)]
pub struct PatientForm {
    pub form: Form<PatientField>,
    /// `None`: register a new patient.
    pub editing: Option<i32>,
    /// The save in flight.
    pub pending: Option<u64>,
}

/// Deactivate or reactivate this patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActiveTarget {
    pub patient_id: i32,
    pub active: bool,
}

#[derive(Debug, Clone)]
pub struct PatientsScreen {
    pub query: Input,
    pub focus: Focus,
    pub results: Vec<Patient>,
    /// The results table's selection and scroll.
    pub list: TableView,
    pub search_request: Option<u64>,
    /// The query of the results shown (None before the first search).
    pub searched: Option<String>,
    pub view: Option<PatientView>,
    pub form: Option<PatientForm>,
    pub confirm: Option<Confirm<ActiveTarget>>,
    /// The patient just registered here: kept at the top of the results when the search
    /// re-runs, until the query changes (they may not match what was typed).
    pub registered: Option<Patient>,
}

impl Default for PatientsScreen {
    fn default() -> Self {
        PatientsScreen::new()
    }
}

impl PatientsScreen {
    /// The screen with the focus in an empty search field.
    pub fn new() -> PatientsScreen {
        PatientsScreen {
            query: Input::default(),
            focus: Focus::Search,
            results: Vec::new(),
            list: TableView::new(),
            search_request: None,
            searched: None,
            view: None,
            form: None,
            confirm: None,
            registered: None,
        }
    }

    /// Runs the search for what is typed again (after a registration, an edit, or
    /// coming back from another screen), so the list is what the register holds now.
    pub(super) fn search_again(&mut self) -> Actions<PatientsOp> {
        let q = self.query.value().trim().to_string();
        if q.is_empty() {
            return Vec::new();
        }
        vec![crate::tui::screen::Action::Request(PatientsOp::Search {
            query: q,
        })]
    }

    pub fn context(&self) -> Context {
        if self.confirm.is_some() {
            return Context::Confirm;
        }
        if let Some(f) = &self.form {
            return f.form.context();
        }
        if self.view.is_some() {
            return Context::PatientView;
        }
        match self.focus {
            Focus::Search => Context::PatientsSearch,
            Focus::List => Context::Patients,
        }
    }

    /// The selected row of the results.
    pub fn selected(&self) -> usize {
        self.list.selected()
    }

    /// The patient the next `e` / `x` acts on: the open one, else the selected result.
    pub fn current_patient(&self) -> Option<&Patient> {
        match &self.view {
            Some(v) => v.history.as_ref().map(|h| &h.patient),
            None => self.results.get(self.selected()),
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

    /// "deactivate" or "reactivate", for the patient `x` acts on.
    fn toggle_label(&self) -> &'static str {
        match self.current_patient() {
            Some(p) if !p.is_active => "reactivate",
            _ => "deactivate",
        }
    }
}

impl Screen for PatientsScreen {
    type Op = PatientsOp;

    fn context(&self) -> Context {
        PatientsScreen::context(self)
    }

    fn on_key(
        &mut self,
        key: KeyEvent,
        command: Option<Command>,
        _cx: &Ctx,
    ) -> Actions<PatientsOp> {
        self.handle(key, command)
    }

    fn started(&mut self, request: u64, op: &PatientsOp) {
        self.remember(request, op);
    }

    fn on_resume(&mut self, _cx: &Ctx) -> Actions<PatientsOp> {
        if self.view.is_some() || self.form.is_some() {
            return Vec::new();
        }
        self.search_again()
    }

    fn on_reply(&mut self, request: u64, reply: PatientsReply, _cx: &Ctx) -> Actions<PatientsOp> {
        self.answer(request, reply)
    }

    fn abandon(&mut self, request: u64) {
        use super::abandon::forget;
        forget(&mut self.search_request, request);
        if let Some(v) = &mut self.view {
            forget(&mut v.request, request);
        }
        if let Some(f) = &mut self.form
            && forget(&mut f.pending, request)
        {
            f.form.set_pending(false);
        }
        if let Some(c) = &mut self.confirm {
            forget(&mut c.pending, request);
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        view::render(frame, area, self, cx.tz(), cx.theme);
    }

    fn commands(&self, _cx: &Ctx, out: &mut Commands) {
        if let Some(c) = &self.confirm {
            let free = c.pending.is_none();
            out.add(Command::Yes, "yes", free)
                .add(Command::No, "no", free);
            return;
        }
        if let Some(pf) = &self.form {
            let free = pf.pending.is_none();
            if pf.form.question().is_some() {
                out.add(Command::Yes, "register anyway", free).add(
                    Command::No,
                    "back to the form",
                    true,
                );
            } else {
                out.add(Command::NextField, "next field", true)
                    .add(Command::Save, "save", free)
                    .add(Command::Cancel, "cancel", true)
                    .more(Command::PrevField, "previous field", true);
            }
            return;
        }
        let chosen = self.current_patient().is_some();
        if let Some(v) = &self.view {
            let rows = v.history.as_ref().is_some_and(|h| {
                if v.on_payments {
                    !h.payments.is_empty()
                } else {
                    !h.appointments.is_empty()
                }
            });
            out.group(&[Command::Up, Command::Down], "move", rows)
                .add(Command::NextField, "pane", v.history.is_some())
                .add(Command::EditRecord, "edit", chosen)
                .add(Command::ToggleActive, self.toggle_label(), chosen)
                .add(Command::Back, "back", true)
                .more(Command::Reload, "reload", v.request.is_none());
            help_only(out, &[Command::PageUp, Command::PageDown], "page", rows);
            return;
        }
        let listed = !self.results.is_empty();
        match self.focus {
            Focus::Search => {
                out.group(&[Command::Up, Command::Down], "move", listed)
                    .add(Command::Open, "open", listed)
                    .add(Command::FocusList, "list", listed)
                    .add(Command::NewPatient, "new", true)
                    .add(Command::Back, "back", true);
            }
            Focus::List => {
                out.add(Command::Open, "open", chosen)
                    .add(Command::Find, "search", true)
                    .add(Command::NewPatient, "new", true)
                    .add(Command::EditRecord, "edit", chosen)
                    .add(Command::ToggleActive, self.toggle_label(), chosen)
                    .add(Command::Back, "back", true);
                help_only(out, &[Command::Up, Command::Down], "move", listed);
            }
        }
        help_only(out, &[Command::PageUp, Command::PageDown], "page", listed);
    }
}

/// A pair of commands listed only in the help overlay (`Commands::more` takes one).
fn help_only(out: &mut Commands, commands: &[Command], label: &'static str, enabled: bool) {
    out.group(commands, label, enabled);
    if let Some(last) = out.items.last_mut() {
        last.footer = false;
    }
}
