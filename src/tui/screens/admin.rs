//! Administration (admins only): three tabs, Doctors, Staff and Locations, each a list
//! with `n` new, `e` edit and `x` deactivate/reactivate (locations: close/reopen), and
//! `p` to reset a doctor's or staff member's password (masked, typed twice). Refusals
//! from the service are shown as sentences; forms keep what was typed.

use std::fmt;

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::form::{Confirm, Form, FormKey, field, fit, render_confirm, render_form, secret};
use crate::domain::person::{Doctor, Location, StaffMember};
use crate::domain::{AccountKind, Role};
use crate::service::admin::{DoctorInput, LocationInput};
use crate::tui::effect::Effect;
use crate::tui::keymap::{Command, Context};
use crate::tui::state::{AppState, Screen};
use crate::tui::theme::Theme;

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

/// What the administration screen asks of the admin service. Passwords are never
/// printed by `Debug`.
#[derive(Clone, PartialEq)]
pub enum AdminOp {
    LoadDoctors,
    LoadStaff,
    LoadLocations,
    /// `add_user`, then `update_doctor` for the phone and bio.
    NewDoctor {
        input: DoctorInput,
        password: String,
    },
    UpdateDoctor {
        id: i32,
        input: DoctorInput,
    },
    NewStaff {
        full_name: String,
        email: String,
        role: Role,
        password: String,
    },
    UpdateStaff {
        id: i32,
        full_name: String,
        email: String,
        role: Role,
    },
    SetAccountActive {
        kind: AccountKind,
        id: i32,
        active: bool,
    },
    ResetPassword {
        kind: AccountKind,
        id: i32,
        password: String,
    },
    NewLocation(LocationInput),
    UpdateLocation {
        id: i32,
        input: LocationInput,
    },
    SetLocationActive {
        id: i32,
        active: bool,
    },
}

impl fmt::Debug for AdminOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AdminOp::NewDoctor { input, .. } => f
                .debug_struct("NewDoctor")
                .field("email", &input.email)
                .field("password", &"<redacted>")
                .finish(),
            AdminOp::NewStaff { email, role, .. } => f
                .debug_struct("NewStaff")
                .field("email", email)
                .field("role", role)
                .field("password", &"<redacted>")
                .finish(),
            AdminOp::ResetPassword { kind, id, .. } => f
                .debug_struct("ResetPassword")
                .field("kind", kind)
                .field("id", id)
                .field("password", &"<redacted>")
                .finish(),
            AdminOp::LoadDoctors => f.write_str("LoadDoctors"),
            AdminOp::LoadStaff => f.write_str("LoadStaff"),
            AdminOp::LoadLocations => f.write_str("LoadLocations"),
            AdminOp::UpdateDoctor { id, .. } => write!(f, "UpdateDoctor({id})"),
            AdminOp::UpdateStaff { id, role, .. } => write!(f, "UpdateStaff({id}, {role:?})"),
            AdminOp::SetAccountActive { kind, id, active } => {
                write!(f, "SetAccountActive({kind:?}, {id}, {active})")
            }
            AdminOp::NewLocation(l) => write!(f, "NewLocation({:?})", l.name),
            AdminOp::UpdateLocation { id, .. } => write!(f, "UpdateLocation({id})"),
            AdminOp::SetLocationActive { id, active } => {
                write!(f, "SetLocationActive({id}, {active})")
            }
        }
    }
}

impl AdminOp {
    pub fn busy_text(&self) -> &'static str {
        match self {
            AdminOp::LoadDoctors => "Loading doctors",
            AdminOp::LoadStaff => "Loading staff",
            AdminOp::LoadLocations => "Loading locations",
            AdminOp::ResetPassword { .. } => "Resetting the password",
            AdminOp::SetAccountActive { .. } | AdminOp::SetLocationActive { .. } => "Saving",
            _ => "Saving",
        }
    }

    /// The tab whose list this changes or loads.
    pub fn tab(&self) -> Tab {
        match self {
            AdminOp::LoadDoctors | AdminOp::NewDoctor { .. } | AdminOp::UpdateDoctor { .. } => {
                Tab::Doctors
            }
            AdminOp::LoadStaff | AdminOp::NewStaff { .. } | AdminOp::UpdateStaff { .. } => {
                Tab::Staff
            }
            AdminOp::SetAccountActive { kind, .. } | AdminOp::ResetPassword { kind, .. } => {
                if *kind == AccountKind::Doctor {
                    Tab::Doctors
                } else {
                    Tab::Staff
                }
            }
            AdminOp::LoadLocations
            | AdminOp::NewLocation(_)
            | AdminOp::UpdateLocation { .. }
            | AdminOp::SetLocationActive { .. } => Tab::Locations,
        }
    }

    fn is_load(&self) -> bool {
        matches!(
            self,
            AdminOp::LoadDoctors | AdminOp::LoadStaff | AdminOp::LoadLocations
        )
    }
}

/// Answers to [`AdminOp`]s; errors are sentences.
#[derive(Debug, Clone)]
pub enum AdminReply {
    Doctors(Result<Vec<Doctor>, String>),
    Staff(Result<Vec<StaffMember>, String>),
    Locations(Result<Vec<Location>, String>),
    /// A change finished: what to tell the user, or why it was refused.
    Done(Result<String, String>),
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

#[derive(Debug, Clone)]
pub struct AdminForm {
    pub kind: FormKind,
    pub form: Form,
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

#[derive(Debug, Clone)]
pub struct AdminState {
    pub tab: Tab,
    pub doctors: Vec<Doctor>,
    pub staff: Vec<StaffMember>,
    pub locations: Vec<Location>,
    /// Selected row per tab.
    pub selected: [usize; 3],
    /// Load request in flight per tab.
    pub loading: [Option<u64>; 3],
    /// Whether each tab has been loaded once.
    pub loaded: [bool; 3],
    pub form: Option<AdminForm>,
    pub confirm: Option<Confirm<Toggle>>,
    /// The id of the signed-in admin (so that their own row can be marked).
    pub own_id: Option<i32>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    Back,
    Request(AdminOp),
    Info(String),
    Error(String),
}

/// What a reply changed, for the app (see [`super::Outcome`]).
pub type ReplyOutcome = super::Outcome<AdminOp>;

/// "admin", "a", "front desk", "f", "FRONT_DESK" → role.
pub fn parse_staff_role(text: &str) -> Option<Role> {
    let t = text.trim().to_ascii_lowercase().replace(['_', '-'], " ");
    match t.as_str() {
        "a" | "admin" | "administrator" => Some(Role::Admin),
        "f" | "front desk" | "frontdesk" | "desk" => Some(Role::FrontDesk),
        _ => None,
    }
}

impl AdminState {
    pub fn new(own_id: Option<i32>) -> AdminState {
        AdminState {
            tab: Tab::Doctors,
            doctors: Vec::new(),
            staff: Vec::new(),
            locations: Vec::new(),
            selected: [0; 3],
            loading: [None; 3],
            loaded: [false; 3],
            form: None,
            confirm: None,
            own_id,
        }
    }

    /// The three lists are loaded when the screen opens.
    pub fn initial_requests(&self) -> Vec<AdminOp> {
        vec![
            AdminOp::LoadDoctors,
            AdminOp::LoadStaff,
            AdminOp::LoadLocations,
        ]
    }

    pub fn context(&self) -> Context {
        if self.confirm.is_some() {
            Context::Confirm
        } else if self.form.is_some() {
            Context::Form
        } else {
            Context::Admin
        }
    }

    fn rows(&self) -> usize {
        match self.tab {
            Tab::Doctors => self.doctors.len(),
            Tab::Staff => self.staff.len(),
            Tab::Locations => self.locations.len(),
        }
    }

    pub fn selected(&self) -> usize {
        self.selected[self.tab.index()]
    }

    pub fn on_key(&mut self, key: KeyEvent, command: Option<Command>) -> Action {
        if let Some(c) = &self.confirm {
            return match command {
                Some(Command::Yes) if c.pending.is_none() => Action::Request(match c.target {
                    Toggle::Account { kind, id, active } => {
                        AdminOp::SetAccountActive { kind, id, active }
                    }
                    Toggle::Location { id, active } => AdminOp::SetLocationActive { id, active },
                }),
                Some(Command::No) => {
                    self.confirm = None;
                    Action::Info("Nothing was changed.".into())
                }
                _ => Action::None,
            };
        }
        if let Some(af) = &mut self.form {
            return match af.form.on_key(key, command) {
                FormKey::Cancel => {
                    self.form = None;
                    Action::Info("Nothing was changed.".into())
                }
                FormKey::Save => match form_op(af) {
                    Ok(op) => {
                        af.form.error = None;
                        Action::Request(op)
                    }
                    Err((i, message)) => {
                        af.form.refuse(i, message);
                        Action::None
                    }
                },
                FormKey::None | FormKey::Yes | FormKey::No => Action::None,
            };
        }
        let tab_index = self.tab.index();
        let last = self.rows().saturating_sub(1);
        let sel = &mut self.selected[tab_index];
        match command {
            Some(Command::Up) => *sel = sel.saturating_sub(1),
            Some(Command::Down) => *sel = (*sel + 1).min(last),
            Some(Command::PageUp) => *sel = sel.saturating_sub(10),
            Some(Command::PageDown) => *sel = (*sel + 10).min(last),
            Some(Command::NextTab | Command::Right) => self.tab = Tab::ALL[(tab_index + 1) % 3],
            Some(Command::PrevTab | Command::Left) => self.tab = Tab::ALL[(tab_index + 2) % 3],
            Some(Command::Tab1) => self.tab = Tab::Doctors,
            Some(Command::Tab2) => self.tab = Tab::Staff,
            Some(Command::Tab3) => self.tab = Tab::Locations,
            Some(Command::NewRecord) => self.open_new(),
            Some(Command::EditRecord) => return self.open_edit(),
            Some(Command::ToggleActive) => return self.ask_toggle(),
            Some(Command::ResetPassword) => return self.open_reset(),
            Some(Command::Reload) => {
                return Action::Request(match self.tab {
                    Tab::Doctors => AdminOp::LoadDoctors,
                    Tab::Staff => AdminOp::LoadStaff,
                    Tab::Locations => AdminOp::LoadLocations,
                });
            }
            Some(Command::Back) => return Action::Back,
            _ => {}
        }
        Action::None
    }

    fn open_new(&mut self) {
        let (kind, form) = match self.tab {
            Tab::Doctors => (
                FormKind::NewDoctor,
                Form::new(
                    "New doctor",
                    vec![
                        field("Name", "", "full name"),
                        field("Email", "", "sign-in email"),
                        field("Specialization", "", "e.g. Cardiology"),
                        secret("Password", "8+ characters"),
                        secret("Repeat", "the same again"),
                        field("Phone", "", "optional"),
                        field("Bio", "", "optional"),
                    ],
                ),
            ),
            Tab::Staff => (
                FormKind::NewStaff,
                Form::new(
                    "New staff member",
                    vec![
                        field("Name", "", "full name"),
                        field("Email", "", "sign-in email"),
                        field("Role", "front desk", "admin or front desk"),
                        secret("Password", "8+ characters"),
                        secret("Repeat", "the same again"),
                    ],
                ),
            ),
            Tab::Locations => (
                FormKind::NewLocation,
                Form::new("New location", location_fields(None)),
            ),
        };
        self.form = Some(AdminForm { kind, form });
    }

    fn open_edit(&mut self) -> Action {
        let i = self.selected();
        let made = match self.tab {
            Tab::Doctors => self.doctors.get(i).map(|d| AdminForm {
                kind: FormKind::EditDoctor(d.id),
                form: Form::new(
                    format!("Edit {}", d.full_name),
                    vec![
                        field("Name", d.full_name.clone(), "full name"),
                        field("Email", d.email.clone(), "sign-in email"),
                        field(
                            "Specialization",
                            d.specialization.clone(),
                            "e.g. Cardiology",
                        ),
                        field(
                            "Phone",
                            d.phone_number.clone().unwrap_or_default(),
                            "optional",
                        ),
                        field("Bio", d.bio.clone().unwrap_or_default(), "optional"),
                    ],
                ),
            }),
            Tab::Staff => self.staff.get(i).map(|s| AdminForm {
                kind: FormKind::EditStaff(s.id),
                form: Form::new(
                    format!("Edit {}", s.full_name),
                    vec![
                        field("Name", s.full_name.clone(), "full name"),
                        field("Email", s.email.clone(), "sign-in email"),
                        field("Role", s.role.label().to_lowercase(), "admin or front desk"),
                    ],
                ),
            }),
            Tab::Locations => self.locations.get(i).map(|l| AdminForm {
                kind: FormKind::EditLocation(l.id),
                form: Form::new(format!("Edit {}", l.name), location_fields(Some(l))),
            }),
        };
        match made {
            Some(f) => {
                self.form = Some(f);
                Action::None
            }
            None => Action::Info("Nothing to edit here yet: n adds one.".into()),
        }
    }

    fn ask_toggle(&mut self) -> Action {
        let i = self.selected();
        let made = match self.tab {
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
                (
                    q,
                    Toggle::Account {
                        kind: AccountKind::Doctor,
                        id: d.id,
                        active: !d.is_active,
                    },
                )
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
                (
                    q,
                    Toggle::Account {
                        kind: AccountKind::Staff,
                        id: s.id,
                        active: !s.is_active,
                    },
                )
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
                (
                    q,
                    Toggle::Location {
                        id: l.id,
                        active: !l.is_active,
                    },
                )
            }),
        };
        match made {
            Some((question, target)) => {
                self.confirm = Some(Confirm {
                    question,
                    target,
                    pending: None,
                });
                Action::None
            }
            None => Action::Info("Nothing selected.".into()),
        }
    }

    fn open_reset(&mut self) -> Action {
        let i = self.selected();
        let target = match self.tab {
            Tab::Doctors => self
                .doctors
                .get(i)
                .map(|d| (AccountKind::Doctor, d.id, d.full_name.clone())),
            Tab::Staff => self
                .staff
                .get(i)
                .map(|s| (AccountKind::Staff, s.id, s.full_name.clone())),
            Tab::Locations => {
                return Action::Info("Locations have no password.".into());
            }
        };
        let Some((kind, id, name)) = target else {
            return Action::Info("Nothing selected.".into());
        };
        self.form = Some(AdminForm {
            kind: FormKind::ResetPassword(kind, id),
            form: Form::new(
                format!("New password for {name}"),
                vec![
                    secret("New password", "8+ characters"),
                    secret("Repeat", "the same again"),
                ],
            ),
        });
        Action::None
    }

    pub fn started(&mut self, op: &AdminOp, request: u64) {
        if op.is_load() {
            self.loading[op.tab().index()] = Some(request);
        } else if matches!(
            op,
            AdminOp::SetAccountActive { .. } | AdminOp::SetLocationActive { .. }
        ) {
            if let Some(c) = &mut self.confirm {
                c.pending = Some(request);
            }
        } else if let Some(f) = &mut self.form {
            f.form.pending = Some(request);
        }
    }

    pub fn on_reply(&mut self, request: u64, reply: AdminReply) -> ReplyOutcome {
        let mut out = ReplyOutcome::default();
        match reply {
            AdminReply::Doctors(r) => {
                if !self.load_current(Tab::Doctors, request) {
                    return out;
                }
                out.current = true;
                match r {
                    Ok(list) => self.doctors = list,
                    Err(e) => out.error = Some(e),
                }
                self.clamp();
            }
            AdminReply::Staff(r) => {
                if !self.load_current(Tab::Staff, request) {
                    return out;
                }
                out.current = true;
                match r {
                    Ok(list) => self.staff = list,
                    Err(e) => out.error = Some(e),
                }
                self.clamp();
            }
            AdminReply::Locations(r) => {
                if !self.load_current(Tab::Locations, request) {
                    return out;
                }
                out.current = true;
                match r {
                    Ok(list) => self.locations = list,
                    Err(e) => out.error = Some(e),
                }
                self.clamp();
            }
            AdminReply::Done(result) => {
                let reload_tab;
                if let Some(c) = &self.confirm
                    && c.pending == Some(request)
                {
                    reload_tab = match c.target {
                        Toggle::Account {
                            kind: AccountKind::Doctor,
                            ..
                        } => Tab::Doctors,
                        Toggle::Account { .. } => Tab::Staff,
                        Toggle::Location { .. } => Tab::Locations,
                    };
                    self.confirm = None;
                    out.current = true;
                    match result {
                        Ok(text) => out.info = Some(text),
                        Err(e) => {
                            out.error = Some(e);
                            return out;
                        }
                    }
                } else if let Some(f) = &mut self.form
                    && f.form.pending == Some(request)
                {
                    f.form.pending = None;
                    out.current = true;
                    reload_tab = match f.kind {
                        FormKind::NewDoctor
                        | FormKind::EditDoctor(_)
                        | FormKind::ResetPassword(AccountKind::Doctor, _) => Tab::Doctors,
                        FormKind::NewStaff
                        | FormKind::EditStaff(_)
                        | FormKind::ResetPassword(..) => Tab::Staff,
                        FormKind::NewLocation | FormKind::EditLocation(_) => Tab::Locations,
                    };
                    match result {
                        Ok(text) => {
                            self.form = None;
                            out.info = Some(text);
                        }
                        Err(e) => {
                            f.form.error = Some(e.clone());
                            out.error = Some(e);
                            return out;
                        }
                    }
                } else {
                    return out;
                }
                out.then = Some(match reload_tab {
                    Tab::Doctors => AdminOp::LoadDoctors,
                    Tab::Staff => AdminOp::LoadStaff,
                    Tab::Locations => AdminOp::LoadLocations,
                });
            }
        }
        out
    }

    fn load_current(&mut self, tab: Tab, request: u64) -> bool {
        let slot = &mut self.loading[tab.index()];
        if *slot != Some(request) {
            return false;
        }
        *slot = None;
        self.loaded[tab.index()] = true;
        true
    }

    fn clamp(&mut self) {
        let lens = [self.doctors.len(), self.staff.len(), self.locations.len()];
        for (sel, len) in self.selected.iter_mut().zip(lens) {
            *sel = (*sel).min(len.saturating_sub(1));
        }
    }

    /// Whether anything is still loading (for the spinner).
    pub fn any_loading(&self) -> bool {
        self.loading.iter().any(Option::is_some)
    }
}

fn location_fields(l: Option<&Location>) -> Vec<super::form::Field> {
    vec![
        field(
            "Name",
            l.map(|l| l.name.clone()).unwrap_or_default(),
            "e.g. Main clinic",
        ),
        field(
            "Address",
            l.map(|l| l.address.clone()).unwrap_or_default(),
            "street, city",
        ),
        field(
            "Phone",
            l.and_then(|l| l.phone_number.clone()).unwrap_or_default(),
            "optional",
        ),
        field(
            "Hours",
            l.and_then(|l| l.operating_hours.clone())
                .unwrap_or_default(),
            "e.g. Mon–Fri 8–18",
        ),
    ]
}

/// The request a form's save sends, or the field to fix and why.
fn form_op(af: &AdminForm) -> Result<AdminOp, (usize, String)> {
    let f = &af.form;
    let v = |i: usize| f.value(i).to_string();
    let required = |i: usize, what: &str| {
        if f.value(i).trim().is_empty() {
            Err((i, format!("{what} is required.")))
        } else {
            Ok(())
        }
    };
    let passwords = |a: usize, b: usize| {
        if f.value(a).is_empty() {
            Err((a, "Type the new password.".to_string()))
        } else if f.value(a) != f.value(b) {
            Err((b, "The two passwords are not the same.".to_string()))
        } else {
            Ok(())
        }
    };
    let role = |i: usize| {
        parse_staff_role(f.value(i)).ok_or_else(|| {
            (
                i,
                format!(
                    "\"{}\" is not a staff role; type admin or front desk.",
                    f.value(i).trim()
                ),
            )
        })
    };
    match af.kind {
        FormKind::NewDoctor => {
            required(0, "Name")?;
            required(1, "Email")?;
            required(2, "Specialization")?;
            passwords(3, 4)?;
            Ok(AdminOp::NewDoctor {
                input: DoctorInput {
                    full_name: v(0),
                    email: v(1),
                    specialization: v(2),
                    phone_number: v(5),
                    bio: v(6),
                },
                password: v(3),
            })
        }
        FormKind::EditDoctor(id) => {
            required(0, "Name")?;
            required(1, "Email")?;
            required(2, "Specialization")?;
            Ok(AdminOp::UpdateDoctor {
                id,
                input: DoctorInput {
                    full_name: v(0),
                    email: v(1),
                    specialization: v(2),
                    phone_number: v(3),
                    bio: v(4),
                },
            })
        }
        FormKind::NewStaff => {
            required(0, "Name")?;
            required(1, "Email")?;
            let role = role(2)?;
            passwords(3, 4)?;
            Ok(AdminOp::NewStaff {
                full_name: v(0),
                email: v(1),
                role,
                password: v(3),
            })
        }
        FormKind::EditStaff(id) => {
            required(0, "Name")?;
            required(1, "Email")?;
            Ok(AdminOp::UpdateStaff {
                id,
                full_name: v(0),
                email: v(1),
                role: role(2)?,
            })
        }
        FormKind::NewLocation | FormKind::EditLocation(_) => {
            required(0, "Name")?;
            required(1, "Address")?;
            let input = LocationInput {
                name: v(0),
                address: v(1),
                phone_number: v(2),
                operating_hours: v(3),
            };
            Ok(match af.kind {
                FormKind::EditLocation(id) => AdminOp::UpdateLocation { id, input },
                _ => AdminOp::NewLocation(input),
            })
        }
        FormKind::ResetPassword(kind, id) => {
            passwords(0, 1)?;
            Ok(AdminOp::ResetPassword {
                kind,
                id,
                password: v(0),
            })
        }
    }
}

// ---------------------------------------------------------------------------------------
// Wiring into the app (called from `update`).

pub fn open(state: &mut AppState) -> Vec<Effect> {
    let own = state.session.as_ref().and_then(|s| s.actor.id());
    let admin = AdminState::new(own);
    let first = admin.initial_requests();
    state.screen = Screen::Admin(Box::new(admin));
    state.status = None;
    first
        .into_iter()
        .flat_map(|op| request(state, op))
        .collect()
}

fn request(state: &mut AppState, op: AdminOp) -> Vec<Effect> {
    let Some(actor) = state.session.as_ref().map(|s| s.actor.clone()) else {
        return Vec::new();
    };
    let request = state.next_request();
    let Screen::Admin(a) = &mut state.screen else {
        return Vec::new();
    };
    a.started(&op, request);
    state.busy = Some(op.busy_text().to_string());
    vec![Effect::Admin { request, actor, op }]
}

pub fn on_key(state: &mut AppState, key: KeyEvent, command: Option<Command>) -> Vec<Effect> {
    let Screen::Admin(a) = &mut state.screen else {
        return Vec::new();
    };
    match a.on_key(key, command) {
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

pub fn on_reply(state: &mut AppState, request_id: u64, reply: AdminReply) -> Vec<Effect> {
    let Screen::Admin(a) = &mut state.screen else {
        return Vec::new();
    };
    let outcome = a.on_reply(request_id, reply);
    if !outcome.current {
        return Vec::new();
    }
    if !a.any_loading() {
        state.busy = None;
    }
    state.settle(outcome.info, outcome.error);
    match outcome.then {
        Some(op) => request(state, op),
        None => Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------
// Rendering

pub fn render(frame: &mut Frame, area: Rect, state: &AdminState, theme: &Theme) {
    let rows = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).split(area);
    let mut tabs = vec![Span::raw(" ")];
    for (i, t) in Tab::ALL.iter().enumerate() {
        let text = format!(" {} {} ", i + 1, t.label());
        tabs.push(if *t == state.tab {
            Span::styled(format!("[{text}]"), theme.focus())
        } else {
            Span::raw(format!(" {text} "))
        });
        tabs.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(tabs)), rows[0]);

    let b = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(
            format!(" Administration · {} ", state.tab.label()),
            theme.title(),
        ));
    let inner = b.inner(rows[1]);
    frame.render_widget(b, rows[1]);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };
    let w = usize::from(inner.width).saturating_sub(2);
    let wide = w >= 100;
    let (header, lines, active): (String, Vec<String>, Vec<bool>) = match state.tab {
        Tab::Doctors => {
            let cols = if wide {
                [28, 22, 32, 18]
            } else {
                [17, 13, 21, 14]
            };
            let row = |a: &str, b: &str, c: &str, d: &str, e: &str| {
                format!(
                    "{} {} {} {} {}",
                    fit(a, cols[0] - 1),
                    fit(b, cols[1] - 1),
                    fit(c, cols[2] - 1),
                    fit(d, cols[3] - 1),
                    e
                )
            };
            (
                row("Name", "Specialty", "Email", "Phone", "Status"),
                state
                    .doctors
                    .iter()
                    .map(|d| {
                        row(
                            &d.full_name,
                            &d.specialization,
                            &d.email,
                            d.phone_number.as_deref().unwrap_or(""),
                            status(d.is_active),
                        )
                    })
                    .collect(),
                state.doctors.iter().map(|d| d.is_active).collect(),
            )
        }
        Tab::Staff => {
            let cols = if wide { [30, 40, 14] } else { [24, 30, 12] };
            let row = |a: &str, b: &str, c: &str, d: &str| {
                format!(
                    "{}{}{}{}",
                    fit(a, cols[0]),
                    fit(b, cols[1]),
                    fit(c, cols[2]),
                    d
                )
            };
            (
                row("Name", "Email", "Role", "Status"),
                state
                    .staff
                    .iter()
                    .map(|s| {
                        let name = if Some(s.id) == state.own_id {
                            format!("{} (you)", s.full_name)
                        } else {
                            s.full_name.clone()
                        };
                        row(&name, &s.email, s.role.label(), status(s.is_active))
                    })
                    .collect(),
                state.staff.iter().map(|s| s.is_active).collect(),
            )
        }
        Tab::Locations => {
            let cols = if wide {
                [24, 36, 16, 22]
            } else {
                [18, 24, 0, 16]
            };
            let row = |a: &str, b: &str, c: &str, d: &str, e: &str| {
                format!(
                    "{}{}{}{}{}",
                    fit(a, cols[0]),
                    fit(b, cols[1]),
                    if cols[2] > 0 {
                        fit(c, cols[2])
                    } else {
                        String::new()
                    },
                    fit(d, cols[3]),
                    e
                )
            };
            (
                row("Name", "Address", "Phone", "Hours", "Status"),
                state
                    .locations
                    .iter()
                    .map(|l| {
                        row(
                            &l.name,
                            &l.address,
                            l.phone_number.as_deref().unwrap_or(""),
                            l.operating_hours.as_deref().unwrap_or(""),
                            if l.is_active { "open" } else { "CLOSED" },
                        )
                    })
                    .collect(),
                state.locations.iter().map(|l| l.is_active).collect(),
            )
        }
    };
    let mut out = vec![Line::from(Span::styled(
        fit(&format!("  {header}"), w + 2),
        theme.dim(),
    ))];
    let ti = state.tab.index();
    if lines.is_empty() {
        let text = if state.loading[ti].is_some() || !state.loaded[ti] {
            "  Loading…"
        } else {
            "  None yet: n adds one."
        };
        out.push(Line::from(Span::styled(text, theme.dim())));
    }
    let room = usize::from(inner.height).saturating_sub(1).max(1);
    let sel = state.selected();
    let first = sel.saturating_sub(room.saturating_sub(1));
    for (i, text) in lines.iter().enumerate().skip(first).take(room) {
        let mut style = if i == sel {
            theme.focus()
        } else {
            Style::new()
        };
        if !active.get(i).copied().unwrap_or(true) {
            style = style.add_modifier(Modifier::DIM);
        }
        let marker = if i == sel { "▶ " } else { "  " };
        out.push(Line::from(Span::styled(
            fit(&format!("{marker}{text}"), w + 2),
            style,
        )));
    }
    frame.render_widget(Paragraph::new(out), inner);

    if let Some(f) = &state.form {
        render_form(frame, area, &f.form, theme);
    }
    if let Some(c) = &state.confirm {
        render_confirm(frame, area, &c.question, c.pending.is_some(), theme);
    }
}

fn status(active: bool) -> &'static str {
    if active { "active" } else { "INACTIVE" }
}
