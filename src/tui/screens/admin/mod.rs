//! Administration (admins only): three tabs, Doctors, Staff and Locations, each a list
//! with `n` new, `e` edit and `x` deactivate/reactivate (locations: close/reopen), and
//! `p` to reset a doctor's or staff member's password (masked, typed twice). A doctor's
//! specialization is picked from the clinic's list (type-ahead); saving with "New
//! specialization…" chosen opens a small form that adds one (normalised; a name already
//! there in another case is refused, naming it). The consultation fee is a field (empty:
//! none). Refusals from the service are shown as sentences; forms keep what was typed.

mod forms;
mod ops;
mod view;

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::domain::AccountKind;
use crate::domain::person::{Doctor, Location, Specialization, StaffMember};
use crate::service::ServiceError;
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Action, Actions, Commands, Ctx, Screen};
use crate::tui::widgets::confirm::Confirm;
use crate::tui::widgets::form::{Form, FormOutcome};
use crate::tui::widgets::refusal;
use crate::tui::widgets::table::TableView;

pub use forms::{AdminField, CHOOSE_SPECIALIZATION, NEW_SPECIALIZATION, parse_staff_role};
pub use ops::{AdminOp, AdminReply};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Doctors,
    Staff,
    Locations,
}

impl Tab {
    pub const ALL: [Tab; 3] = [Tab::Doctors, Tab::Staff, Tab::Locations];

    pub fn label(self) -> &'static str {
        match self {
            Tab::Doctors => "Doctors",
            Tab::Staff => "Staff",
            Tab::Locations => "Locations",
        }
    }

    fn index(self) -> usize {
        match self {
            Tab::Doctors => 0,
            Tab::Staff => 1,
            Tab::Locations => 2,
        }
    }
}

/// Which form is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    NewDoctor,
    EditDoctor(i32),
    NewStaff,
    EditStaff(i32),
    NewLocation,
    EditLocation(i32),
    ResetPassword(AccountKind, i32),
}

impl FormKind {
    /// The tab whose list the form's save changes.
    fn tab(self) -> Tab {
        match self {
            FormKind::NewDoctor
            | FormKind::EditDoctor(_)
            | FormKind::ResetPassword(AccountKind::Doctor, _) => Tab::Doctors,
            FormKind::NewStaff | FormKind::EditStaff(_) | FormKind::ResetPassword(..) => Tab::Staff,
            FormKind::NewLocation | FormKind::EditLocation(_) => Tab::Locations,
        }
    }
}

#[derive(Debug, Clone)]
pub struct AdminForm {
    pub kind: FormKind,
    pub form: Form<AdminField>,
    /// The save in flight.
    pub pending: Option<u64>,
}

impl AdminForm {
    fn new(kind: FormKind, form: Form<AdminField>) -> AdminForm {
        AdminForm {
            kind,
            form,
            pending: None,
        }
    }
}

/// What a y/n question would change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Toggle {
    Account {
        kind: AccountKind,
        id: i32,
        active: bool,
    },
    Location {
        id: i32,
        active: bool,
    },
}

impl Toggle {
    fn op(self) -> AdminOp {
        match self {
            Toggle::Account { kind, id, active } => AdminOp::SetAccountActive { kind, id, active },
            Toggle::Location { id, active } => AdminOp::SetLocationActive { id, active },
        }
    }
}

#[derive(Debug, Clone)]
pub struct AdminScreen {
    pub tab: Tab,
    pub doctors: Vec<Doctor>,
    pub staff: Vec<StaffMember>,
    pub locations: Vec<Location>,
    /// Selection and scroll per tab.
    pub views: [TableView; 3],
    /// Load request in flight per tab.
    pub loading: [Option<u64>; 3],
    /// Whether each tab has been loaded once.
    pub loaded: [bool; 3],
    pub form: Option<AdminForm>,
    /// The clinic's specializations, which a doctor's is picked from.
    pub specializations: Vec<Specialization>,
    pub specializations_request: Option<u64>,
    /// The "new specialization" form over a doctor form, and its save in flight.
    pub new_specialization: Option<(Form<AdminField>, Option<u64>)>,
    pub confirm: Option<Confirm<Toggle>>,
    /// The id of the signed-in admin (so that their own row can be marked).
    pub own_id: Option<i32>,
}

impl AdminScreen {
    /// The screen for the admin with account id `own_id`; it loads its lists on opening.
    pub fn new(own_id: Option<i32>) -> AdminScreen {
        AdminScreen {
            tab: Tab::Doctors,
            doctors: Vec::new(),
            staff: Vec::new(),
            locations: Vec::new(),
            views: Default::default(),
            loading: [None; 3],
            loaded: [false; 3],
            form: None,
            specializations: Vec::new(),
            specializations_request: None,
            new_specialization: None,
            confirm: None,
            own_id,
        }
    }

    fn rows(&self) -> usize {
        match self.tab {
            Tab::Doctors => self.doctors.len(),
            Tab::Staff => self.staff.len(),
            Tab::Locations => self.locations.len(),
        }
    }

    /// The selected row of the current tab.
    pub fn selected(&self) -> usize {
        self.views[self.tab.index()].selected()
    }

    /// What a key does on the list, in a form or at a question.
    pub fn handle(&mut self, key: KeyEvent, command: Option<Command>) -> Actions<AdminOp> {
        if let Some(c) = &self.confirm {
            return match command {
                Some(Command::Yes) if c.pending.is_none() => vec![Action::Request(c.target.op())],
                Some(Command::No) => {
                    self.confirm = None;
                    vec![Action::Info("Nothing was changed.".into())]
                }
                _ => Vec::new(),
            };
        }
        if let Some((form, pending)) = &mut self.new_specialization {
            return match form.on_key(&key, command) {
                FormOutcome::Cancel => {
                    self.new_specialization = None;
                    vec![Action::Info("No specialization was added.".into())]
                }
                FormOutcome::Submit if pending.is_none() => {
                    let name = form.value(AdminField::Specialization).trim().to_string();
                    if name.is_empty() {
                        form.set_errors([(
                            AdminField::Specialization,
                            "Type the name of the specialization.".to_string(),
                        )]);
                        Vec::new()
                    } else {
                        vec![
                            Action::ClearStatus,
                            Action::Request(AdminOp::NewSpecialization(name)),
                        ]
                    }
                }
                _ => Vec::new(),
            };
        }
        if let Some(af) = &mut self.form {
            // Saving with "New specialization…" chosen adds one first, deliberately.
            if af.form.value(AdminField::Specialization) == NEW_SPECIALIZATION
                && matches!(command, Some(Command::Save | Command::Submit))
                && !af.form.is_pending()
            {
                self.new_specialization = Some((forms::new_specialization(), None));
                return Vec::new();
            }
            return match af.form.on_key(&key, command) {
                FormOutcome::Cancel => {
                    self.form = None;
                    vec![Action::Info("Nothing was changed.".into())]
                }
                FormOutcome::Submit => {
                    let kind = af.kind;
                    if af.form.validate(|f| forms::check(kind, f)) {
                        vec![Action::ClearStatus, Action::Request(forms::form_op(af))]
                    } else {
                        Vec::new()
                    }
                }
                FormOutcome::Nothing | FormOutcome::Edited | FormOutcome::Yes | FormOutcome::No => {
                    Vec::new()
                }
            };
        }
        let tab_index = self.tab.index();
        let len = self.rows();
        match command {
            Some(c @ (Command::Up | Command::Down | Command::PageUp | Command::PageDown)) => {
                self.views[tab_index].on_command(c, len);
            }
            Some(Command::NextTab | Command::Right) => self.tab = Tab::ALL[(tab_index + 1) % 3],
            Some(Command::PrevTab | Command::Left) => self.tab = Tab::ALL[(tab_index + 2) % 3],
            Some(Command::Tab1) => self.tab = Tab::Doctors,
            Some(Command::Tab2) => self.tab = Tab::Staff,
            Some(Command::Tab3) => self.tab = Tab::Locations,
            Some(Command::NewRecord) => {
                self.form = Some(match self.tab {
                    Tab::Doctors => forms::new_doctor(&self.specializations),
                    Tab::Staff => forms::new_staff(),
                    Tab::Locations => forms::new_location(),
                });
            }
            Some(Command::EditRecord) => return self.open_edit(),
            Some(Command::ToggleActive) => return self.ask_toggle(),
            Some(Command::ResetPassword) => return self.open_reset(),
            Some(Command::Reload) => return vec![Action::Request(AdminOp::load(self.tab))],
            Some(Command::Back) => return vec![Action::Back],
            _ => {}
        }
        Vec::new()
    }

    fn open_edit(&mut self) -> Actions<AdminOp> {
        let i = self.selected();
        let made = match self.tab {
            Tab::Doctors => self
                .doctors
                .get(i)
                .map(|d| forms::edit_doctor(d, &self.specializations)),
            Tab::Staff => self.staff.get(i).map(forms::edit_staff),
            Tab::Locations => self.locations.get(i).map(forms::edit_location),
        };
        match made {
            Some(f) => {
                self.form = Some(f);
                Vec::new()
            }
            None => vec![Action::Info("Nothing to edit here yet: n adds one.".into())],
        }
    }

    /// The question `x` asks about the selected row, and what a yes changes.
    fn toggle_question(&self) -> Option<(String, Toggle)> {
        let i = self.selected();
        match self.tab {
            Tab::Doctors => self.doctors.get(i).map(|d| {
                let q = if d.is_active {
                    format!(
                        "Deactivate Dr {}? They can no longer sign in or be booked; their \
                         appointments and prescriptions stay.",
                        d.full_name
                    )
                } else {
                    format!("Reactivate Dr {}? They can sign in again.", d.full_name)
                };
                let target = Toggle::Account {
                    kind: AccountKind::Doctor,
                    id: d.id,
                    active: !d.is_active,
                };
                (q, target)
            }),
            Tab::Staff => self.staff.get(i).map(|s| {
                let q = if s.is_active {
                    format!(
                        "Deactivate {} ({})? They can no longer sign in.",
                        s.full_name,
                        s.role.label()
                    )
                } else {
                    format!("Reactivate {}? They can sign in again.", s.full_name)
                };
                let target = Toggle::Account {
                    kind: AccountKind::Staff,
                    id: s.id,
                    active: !s.is_active,
                };
                (q, target)
            }),
            Tab::Locations => self.locations.get(i).map(|l| {
                let q = if l.is_active {
                    format!(
                        "Close {}? No new availability can use it; past appointments stay.",
                        l.name
                    )
                } else {
                    format!("Reopen {}?", l.name)
                };
                let target = Toggle::Location {
                    id: l.id,
                    active: !l.is_active,
                };
                (q, target)
            }),
        }
    }

    fn ask_toggle(&mut self) -> Actions<AdminOp> {
        match self.toggle_question() {
            Some((question, target)) => {
                self.confirm = Some(Confirm::new(question, target));
                Vec::new()
            }
            None => vec![Action::Info("Nothing selected.".into())],
        }
    }

    /// The account whose password `p` resets: (kind, id, name).
    fn reset_target(&self) -> Option<(AccountKind, i32, String)> {
        let i = self.selected();
        match self.tab {
            Tab::Doctors => self
                .doctors
                .get(i)
                .map(|d| (AccountKind::Doctor, d.id, d.full_name.clone())),
            Tab::Staff => self
                .staff
                .get(i)
                .map(|s| (AccountKind::Staff, s.id, s.full_name.clone())),
            Tab::Locations => None,
        }
    }

    fn open_reset(&mut self) -> Actions<AdminOp> {
        if self.tab == Tab::Locations {
            return vec![Action::Info("Locations have no password.".into())];
        }
        let Some((kind, id, name)) = self.reset_target() else {
            return vec![Action::Info("Nothing selected.".into())];
        };
        self.form = Some(forms::reset_password(kind, id, &name));
        Vec::new()
    }

    /// The answer to request `request`: what to show, and the list to reload after a
    /// change. A stale answer changes nothing.
    pub fn answer(&mut self, request: u64, reply: AdminReply) -> Actions<AdminOp> {
        match reply {
            AdminReply::Doctors(r) => {
                self.loaded_list(Tab::Doctors, request, r, |s, l| s.doctors = l)
            }
            AdminReply::Staff(r) => self.loaded_list(Tab::Staff, request, r, |s, l| s.staff = l),
            AdminReply::Locations(r) => {
                self.loaded_list(Tab::Locations, request, r, |s, l| s.locations = l)
            }
            AdminReply::Specializations(r) => {
                if self.specializations_request != Some(request) {
                    return Vec::new();
                }
                self.specializations_request = None;
                match r {
                    Ok(list) => {
                        self.specializations = list;
                        Vec::new()
                    }
                    Err(e) => vec![Action::Failed(e)],
                }
            }
            AdminReply::SpecializationAdded(r) => self.specialization_added(request, r),
            AdminReply::Done(result) => {
                let reload = if let Some(c) = &self.confirm
                    && c.pending == Some(request)
                {
                    let tab = match c.target {
                        Toggle::Account {
                            kind: AccountKind::Doctor,
                            ..
                        } => Tab::Doctors,
                        Toggle::Account { .. } => Tab::Staff,
                        Toggle::Location { .. } => Tab::Locations,
                    };
                    self.confirm = None;
                    tab
                } else if let Some(f) = &mut self.form
                    && f.pending == Some(request)
                {
                    f.pending = None;
                    f.form.set_pending(false);
                    let tab = f.kind.tab();
                    if let Err(e) = &result {
                        // The form stays as typed, with the reason under its field.
                        refusal::show(&mut f.form, e, AdminField::label);
                    } else {
                        self.form = None;
                    }
                    tab
                } else {
                    return Vec::new();
                };
                match result {
                    Ok(text) => vec![Action::Info(text), Action::Request(AdminOp::load(reload))],
                    Err(e) => vec![Action::Failed(e)],
                }
            }
        }
    }

    /// The answer to "add this specialization": on the list and chosen in the doctor
    /// form, or the refusal under the name as typed.
    fn specialization_added(
        &mut self,
        request: u64,
        result: Result<Specialization, ServiceError>,
    ) -> Actions<AdminOp> {
        let Some((form, pending)) = &mut self.new_specialization else {
            return Vec::new();
        };
        if *pending != Some(request) {
            return Vec::new();
        }
        *pending = None;
        form.set_pending(false);
        match result {
            Ok(spec) => {
                self.new_specialization = None;
                if !self.specializations.iter().any(|s| s.id == spec.id) {
                    self.specializations.push(spec.clone());
                    self.specializations.sort_by(|a, b| a.name.cmp(&b.name));
                }
                if let Some(af) = &mut self.form {
                    let keep_choose = af.form.selected(AdminField::Specialization) == Some(0)
                        && af.kind == FormKind::NewDoctor;
                    let (mut options, _) =
                        forms::specialization_options(&self.specializations, Some(&spec.name));
                    if keep_choose {
                        options.insert(0, CHOOSE_SPECIALIZATION.to_string());
                    }
                    let selected = options.iter().position(|o| *o == spec.name).unwrap_or(0);
                    af.form
                        .set_options(AdminField::Specialization, options, selected);
                }
                vec![Action::Info(format!(
                    "Specialization {} added and chosen.",
                    spec.name
                ))]
            }
            Err(e) => {
                refusal::show_at(form, &e, Some(AdminField::Specialization));
                vec![Action::Failed(e)]
            }
        }
    }

    fn loaded_list<T>(
        &mut self,
        tab: Tab,
        request: u64,
        result: Result<Vec<T>, ServiceError>,
        store: impl FnOnce(&mut AdminScreen, Vec<T>),
    ) -> Actions<AdminOp> {
        let slot = &mut self.loading[tab.index()];
        if *slot != Some(request) {
            return Vec::new();
        }
        *slot = None;
        self.loaded[tab.index()] = true;
        let actions = match result {
            Ok(list) => {
                store(self, list);
                Vec::new()
            }
            Err(e) => vec![Action::Failed(e)],
        };
        self.clamp();
        actions
    }

    fn clamp(&mut self) {
        let lens = [self.doctors.len(), self.staff.len(), self.locations.len()];
        for (view, len) in self.views.iter_mut().zip(lens) {
            view.clamp(len);
        }
    }

    /// Whether anything is still loading.
    pub fn any_loading(&self) -> bool {
        self.loading.iter().any(Option::is_some)
    }
}

impl Screen for AdminScreen {
    type Op = AdminOp;

    fn context(&self) -> Context {
        if self.new_specialization.is_some() {
            Context::Form
        } else if self.confirm.is_some() {
            Context::Confirm
        } else if self.form.is_some() {
            Context::Form
        } else {
            Context::Admin
        }
    }

    /// The three lists are loaded when the screen opens.
    fn on_enter(&mut self, _cx: &Ctx) -> Actions<AdminOp> {
        Tab::ALL
            .iter()
            .map(|t| Action::Request(AdminOp::load(*t)))
            .chain([Action::Request(AdminOp::LoadSpecializations)])
            .collect()
    }

    fn on_key(&mut self, key: KeyEvent, command: Option<Command>, _cx: &Ctx) -> Actions<AdminOp> {
        self.handle(key, command)
    }

    fn started(&mut self, request: u64, op: &AdminOp) {
        if let AdminOp::LoadSpecializations = op {
            self.specializations_request = Some(request);
        } else if let AdminOp::NewSpecialization(_) = op {
            if let Some((form, pending)) = &mut self.new_specialization {
                *pending = Some(request);
                form.set_pending(true);
            }
        } else if op.is_load() {
            self.loading[op.tab().index()] = Some(request);
        } else if op.is_toggle() {
            if let Some(c) = &mut self.confirm {
                c.pending = Some(request);
            }
        } else if let Some(f) = &mut self.form {
            f.pending = Some(request);
            f.form.set_pending(true);
        }
    }

    fn on_reply(&mut self, request: u64, reply: AdminReply, _cx: &Ctx) -> Actions<AdminOp> {
        self.answer(request, reply)
    }

    fn abandon(&mut self, request: u64) {
        for slot in &mut self.loading {
            super::abandon::forget(slot, request);
        }
        if let Some(f) = &mut self.form
            && super::abandon::forget(&mut f.pending, request)
        {
            f.form.set_pending(false);
        }
        if let Some(c) = &mut self.confirm {
            super::abandon::forget(&mut c.pending, request);
        }
        super::abandon::forget(&mut self.specializations_request, request);
        if let Some((form, pending)) = &mut self.new_specialization
            && super::abandon::forget(pending, request)
        {
            form.set_pending(false);
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        view::render(frame, area, self, cx.theme);
    }

    fn commands(&self, _cx: &Ctx, out: &mut Commands) {
        if let Some((_, pending)) = &self.new_specialization {
            out.add(Command::Save, "add", pending.is_none())
                .add(Command::Cancel, "cancel", true);
            return;
        }
        if let Some(c) = &self.confirm {
            out.add(Command::Yes, "yes", c.pending.is_none())
                .add(Command::No, "no", true);
            return;
        }
        if let Some(f) = &self.form {
            out.add(Command::Save, "save", f.pending.is_none())
                .add(Command::NextField, "next", true)
                .add(Command::Cancel, "cancel", true)
                .more(Command::PrevField, "previous field", true);
            return;
        }
        let any = self.rows() > 0;
        let toggle = match self.toggle_question().map(|(_, t)| t) {
            Some(Toggle::Account { active: false, .. }) => "deactivate",
            Some(Toggle::Account { active: true, .. }) => "reactivate",
            Some(Toggle::Location { active: false, .. }) => "close",
            Some(Toggle::Location { active: true, .. }) => "reopen",
            None => "(de)activate",
        };
        out.add(Command::NewRecord, "new", true)
            .add(Command::EditRecord, "edit", any)
            .add(Command::ToggleActive, toggle, any);
        // Locations have no password.
        if self.tab != Tab::Locations {
            out.add(Command::ResetPassword, "password", any);
        }
        out.add(Command::NextTab, "tab", true)
            .group(&[Command::Up, Command::Down], "move", any)
            .add(Command::Back, "back", true)
            .add(
                Command::Reload,
                "reload",
                self.loading[self.tab.index()].is_none(),
            )
            .more(Command::PrevTab, "previous tab", true)
            .more(Command::Tab1, "doctors", true)
            .more(Command::Tab2, "staff", true)
            .more(Command::Tab3, "locations", true)
            .more(Command::PageUp, "page up", any)
            .more(Command::PageDown, "page down", any);
    }
}
