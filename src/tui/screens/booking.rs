//! Booking an appointment in four steps: find (or register) the patient, choose a
//! specialization and a doctor (or "any doctor"), pick one of the next free times, and
//! confirm. Patients booking for themselves start at step 2. A refused booking (the time
//! was just taken) shows the service's sentence and reloads the times, keeping the choices.
//!
//! Pure: keys and replies change [`BookingState`] and return requests; nothing here does
//! I/O or reads the clock (the date comes from `AppState::now`).

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use crossterm::event::{Event, KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::domain::Role;
use crate::domain::local_time::label;
use crate::domain::person::Patient;
use crate::service::availability::DoctorSummary;
use crate::service::patients::NewPatientInput;
use crate::tui::effect::{BookingOp, Effect};
use crate::tui::keymap::{Command, Context};
use crate::tui::msg::BookingReply;
use crate::tui::screens::form::{Form, FormKey, field, render_form};
use crate::tui::screens::home::HomeState;
use crate::tui::state::{AppState, Screen};
use crate::tui::theme::Theme;
use crate::tui::widgets::{popup, text_field};

/// How many days of free times are offered.
pub const DAYS: u32 = 14;

/// A free time to offer: whose, and when (UTC).
#[derive(Debug, Clone, PartialEq)]
pub struct SlotChoice {
    pub doctor_id: i32,
    pub doctor_name: String,
    pub start_utc: NaiveDateTime,
    pub end_utc: NaiveDateTime,
    pub location_id: Option<i32>,
}

impl SlotChoice {
    pub fn minutes(&self) -> i64 {
        (self.end_utc - self.start_utc).num_minutes()
    }
}

/// What the summary after a booking shows.
#[derive(Debug, Clone, PartialEq)]
pub struct BookedSummary {
    pub appointment_id: i32,
    pub patient_name: String,
    pub doctor_name: String,
    pub specialization: String,
    pub start_utc: NaiveDateTime,
    pub duration_minutes: i32,
    pub location: Option<String>,
}

/// A refused registration: the sentence, and whether it is a duplicate warning to confirm.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisterFailure {
    pub message: String,
    pub duplicate: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PatientPick {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DoctorChoice {
    Doctor(DoctorSummary),
    /// The first free time of any doctor of this specialization.
    Any {
        specialization: String,
    },
}

impl DoctorChoice {
    pub fn label(&self) -> String {
        match self {
            DoctorChoice::Doctor(d) => format!("{} ({})", d.full_name, d.specialization),
            DoctorChoice::Any { specialization } => format!("any {specialization} doctor"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Patient,
    Doctor,
    Slot,
    Confirm,
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Specialization,
    Doctor,
}

/// The "register a new patient" form, starting with `name`.
fn register_form(name: String) -> Form {
    Form::new(
        "Register a new patient",
        vec![
            field("Name", name, "full name"),
            field("Email", "", "name@example.com"),
            field("Phone", "", "optional"),
            field("Born", "", "YYYY-MM-DD, optional"),
            field("Gender", "", "M, F, O or empty"),
        ],
    )
}

/// What the registration form sends.
pub fn register_input(form: &Form, confirm_duplicate: bool) -> NewPatientInput {
    NewPatientInput {
        full_name: form.value(0).to_string(),
        email: form.value(1).to_string(),
        phone: form.value(2).to_string(),
        date_of_birth: form.value(3).to_string(),
        gender: form.value(4).to_string(),
        confirm_duplicate,
    }
}

#[derive(Debug, Clone)]
pub struct BookingState {
    /// A patient booking for themselves: no patient step.
    pub for_self: bool,
    pub step: Step,
    pub query: Input,
    pub results: Vec<Patient>,
    /// In `results`, plus one row for "register a new patient".
    pub selected: usize,
    pub search_request: Option<u64>,
    pub register: Option<Form>,
    pub patient: Option<PatientPick>,
    pub doctors: Vec<DoctorSummary>,
    pub doctors_request: Option<u64>,
    /// Open clinic locations (id, name) for the optional filter.
    pub locations: Vec<(i32, String)>,
    /// The location filter: None = every location.
    pub location: Option<i32>,
    pub pane: Pane,
    pub spec_selected: usize,
    /// 0 = any doctor, then the doctors of the specialization.
    pub doctor_selected: usize,
    pub choice: Option<DoctorChoice>,
    pub slots: Vec<SlotChoice>,
    pub slots_loaded: bool,
    pub slot_selected: usize,
    pub slots_request: Option<u64>,
    pub chosen: Option<SlotChoice>,
    pub book_request: Option<u64>,
    pub booked: Option<BookedSummary>,
    /// Why the last booking was refused, shown above the times.
    pub notice: Option<String>,
    /// The clinic's date when the screen opened: free times start there.
    pub today: NaiveDate,
}

/// What the app should do after a key on this screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    Back,
    Request(BookingOp),
    Info(String),
    Error(String),
}

/// What a reply changed, for the app (see [`super::Outcome`]).
pub type ReplyOutcome = super::Outcome<BookingOp>;

impl BookingState {
    /// Staff start by finding the patient; a patient (`own`) starts at the doctor step.
    pub fn new(own: Option<PatientPick>, today: NaiveDate) -> BookingState {
        let for_self = own.is_some();
        BookingState {
            for_self,
            step: if for_self {
                Step::Doctor
            } else {
                Step::Patient
            },
            query: Input::default(),
            results: Vec::new(),
            selected: 0,
            search_request: None,
            register: None,
            patient: own,
            doctors: Vec::new(),
            doctors_request: None,
            locations: Vec::new(),
            location: None,
            pane: Pane::Specialization,
            spec_selected: 0,
            doctor_selected: 0,
            choice: None,
            slots: Vec::new(),
            slots_loaded: false,
            slot_selected: 0,
            slots_request: None,
            chosen: None,
            book_request: None,
            booked: None,
            notice: None,
            today,
        }
    }

    /// The first request when the screen opens.
    pub fn initial_request(&self) -> Option<BookingOp> {
        (self.step == Step::Doctor).then_some(BookingOp::LoadDoctors)
    }

    pub fn context(&self) -> Context {
        match self.step {
            Step::Patient => match &self.register {
                Some(f) if f.question.is_some() => Context::Confirm,
                Some(_) => Context::Form,
                None => Context::PatientSearch,
            },
            Step::Confirm => Context::Confirm,
            Step::Doctor | Step::Slot | Step::Done => Context::Booking,
        }
    }

    /// The specializations of the loaded doctors, sorted, without repeats.
    pub fn specializations(&self) -> Vec<&str> {
        let mut specs: Vec<&str> = self
            .doctors
            .iter()
            .map(|d| d.specialization.as_str())
            .collect();
        specs.sort_unstable();
        specs.dedup();
        specs
    }

    pub fn current_specialization(&self) -> Option<&str> {
        self.specializations().get(self.spec_selected).copied()
    }

    /// The doctors of the selected specialization.
    pub fn doctors_in_spec(&self) -> Vec<&DoctorSummary> {
        let Some(spec) = self.current_specialization() else {
            return Vec::new();
        };
        self.doctors
            .iter()
            .filter(|d| d.specialization == spec)
            .collect()
    }

    /// Handles a key; `command` is what the keymap made of it in [`Self::context`].
    pub fn on_key(&mut self, key: KeyEvent, command: Option<Command>) -> Action {
        match self.step {
            Step::Patient => match self.register.take() {
                Some(form) => self.on_register_key(form, key, command),
                None => self.on_search_key(key, command),
            },
            Step::Doctor => self.on_doctor_key(command),
            Step::Slot => self.on_slot_key(command),
            Step::Confirm => self.on_confirm_key(key, command),
            Step::Done => match command {
                Some(Command::Open) => {
                    let own = self.patient.clone().filter(|_| self.for_self);
                    let doctors = std::mem::take(&mut self.doctors);
                    *self = BookingState::new(own, self.today);
                    self.doctors = doctors;
                    Action::Info("Book another appointment.".into())
                }
                Some(Command::Back) => Action::Back,
                _ => Action::None,
            },
        }
    }

    fn on_search_key(&mut self, key: KeyEvent, command: Option<Command>) -> Action {
        let rows = self.results.len() + 1;
        match command {
            Some(Command::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Command::Down) => self.selected = (self.selected + 1).min(rows - 1),
            Some(Command::Back) => return Action::Back,
            Some(Command::NewPatient) => self.open_register(),
            Some(Command::Open) => {
                if let Some(p) = self.results.get(self.selected) {
                    self.patient = Some(PatientPick {
                        id: p.id,
                        name: p.full_name.clone(),
                    });
                    return self.enter_doctor_step();
                }
                self.open_register();
            }
            _ => {
                let before = self.query.value().to_string();
                self.query.handle_event(&Event::Key(key));
                if self.query.value() != before {
                    self.selected = 0;
                    let q = self.query.value().trim().to_string();
                    if q.is_empty() {
                        self.results.clear();
                        self.search_request = None;
                        return Action::None;
                    }
                    return Action::Request(BookingOp::SearchPatients { query: q });
                }
            }
        }
        Action::None
    }

    fn open_register(&mut self) {
        // What was typed becomes the name, unless it looks like an email or a phone.
        let q = self.query.value().trim();
        let name = if q.contains('@') || q.chars().any(|c| c.is_ascii_digit()) {
            String::new()
        } else {
            q.to_string()
        };
        self.register = Some(register_form(name));
    }

    fn on_register_key(
        &mut self,
        mut form: Form,
        key: KeyEvent,
        command: Option<Command>,
    ) -> Action {
        let action = match form.on_key(key, command) {
            FormKey::None => Action::None,
            FormKey::Yes => Action::Request(BookingOp::Register(register_input(&form, true))),
            FormKey::No => {
                Action::Info("Not registered. Change the details, or Esc to leave.".into())
            }
            FormKey::Cancel => return Action::Info("Nobody was registered.".into()),
            FormKey::Save => {
                if form.value(0).trim().is_empty() {
                    form.refuse(0, "Name is required.");
                    Action::None
                } else if form.value(1).trim().is_empty() {
                    form.refuse(1, "Email is required.");
                    Action::None
                } else {
                    form.error = None;
                    Action::Request(BookingOp::Register(register_input(&form, false)))
                }
            }
        };
        self.register = Some(form);
        action
    }

    fn enter_doctor_step(&mut self) -> Action {
        self.step = Step::Doctor;
        self.pane = Pane::Specialization;
        if self.doctors.is_empty() && self.doctors_request.is_none() {
            return Action::Request(BookingOp::LoadDoctors);
        }
        Action::None
    }

    fn on_doctor_key(&mut self, command: Option<Command>) -> Action {
        let specs = self.specializations().len();
        let in_spec = self.doctors_in_spec().len();
        match (self.pane, command) {
            (_, Some(Command::NextField | Command::PrevField)) => {
                self.pane = match self.pane {
                    Pane::Specialization => Pane::Doctor,
                    Pane::Doctor => Pane::Specialization,
                };
            }
            (Pane::Specialization, Some(Command::Up)) => {
                self.spec_selected = self.spec_selected.saturating_sub(1);
                self.doctor_selected = 0;
            }
            (Pane::Specialization, Some(Command::Down)) => {
                self.spec_selected = (self.spec_selected + 1).min(specs.saturating_sub(1));
                self.doctor_selected = 0;
            }
            (Pane::Specialization, Some(Command::Open | Command::Right)) => {
                if specs == 0 {
                    return Action::Info("There are no doctors to book with yet.".into());
                }
                self.pane = Pane::Doctor;
            }
            (Pane::Specialization, Some(Command::Back)) => {
                if self.for_self {
                    return Action::Back;
                }
                self.step = Step::Patient;
            }
            (Pane::Doctor, Some(Command::Up)) => {
                self.doctor_selected = self.doctor_selected.saturating_sub(1);
            }
            (Pane::Doctor, Some(Command::Down)) => {
                self.doctor_selected = (self.doctor_selected + 1).min(in_spec);
            }
            (Pane::Doctor, Some(Command::Back | Command::Left)) => {
                self.pane = Pane::Specialization;
            }
            (Pane::Doctor, Some(Command::Open)) => {
                let Some(spec) = self.current_specialization().map(str::to_string) else {
                    return Action::Info("There are no doctors to book with yet.".into());
                };
                let choice = match self.doctor_selected {
                    0 => DoctorChoice::Any {
                        specialization: spec,
                    },
                    i => match self.doctors_in_spec().get(i - 1) {
                        Some(d) => DoctorChoice::Doctor((*d).clone()),
                        None => return Action::None,
                    },
                };
                self.choice = Some(choice);
                self.step = Step::Slot;
                self.slots.clear();
                self.slots_loaded = false;
                self.slot_selected = 0;
                self.notice = None;
                return self.slots_op().map_or(Action::None, Action::Request);
            }
            (_, Some(Command::Location)) => {
                self.cycle_location();
                return Action::Info(format!("Free times at {}.", self.location_label()));
            }
            _ => {}
        }
        Action::None
    }

    /// The location filter's next value: every location, then each open one in turn.
    fn cycle_location(&mut self) {
        let ids: Vec<i32> = self.locations.iter().map(|(id, _)| *id).collect();
        self.location = match self.location.and_then(|l| ids.iter().position(|i| *i == l)) {
            None => ids.first().copied(),
            Some(i) => ids.get(i + 1).copied(),
        };
    }

    /// "every location" or the chosen location's name.
    pub fn location_label(&self) -> String {
        self.location
            .and_then(|l| self.locations.iter().find(|(id, _)| *id == l))
            .map_or_else(|| "every location".to_string(), |(_, name)| name.clone())
    }

    /// The request that loads the free times for the current choice.
    pub fn slots_op(&self) -> Option<BookingOp> {
        Some(match self.choice.as_ref()? {
            DoctorChoice::Doctor(d) => BookingOp::LoadSlots {
                doctor: d.clone(),
                from: self.today,
                days: DAYS,
                location: self.location,
            },
            DoctorChoice::Any { specialization } => BookingOp::FirstAvailable {
                specialization: specialization.clone(),
                from: self.today,
                days: DAYS,
                location: self.location,
            },
        })
    }

    fn on_slot_key(&mut self, command: Option<Command>) -> Action {
        match command {
            Some(Command::Location) => {
                self.cycle_location();
                self.slots.clear();
                self.slots_loaded = false;
                self.slot_selected = 0;
                return self.slots_op().map_or(Action::None, Action::Request);
            }
            Some(Command::Up) => self.slot_selected = self.slot_selected.saturating_sub(1),
            Some(Command::Down) => {
                self.slot_selected =
                    (self.slot_selected + 1).min(self.slots.len().saturating_sub(1));
            }
            Some(Command::Back) => {
                self.step = Step::Doctor;
                self.pane = Pane::Doctor;
            }
            Some(Command::Open) => match self.slots.get(self.slot_selected) {
                Some(s) => {
                    self.chosen = Some(s.clone());
                    self.step = Step::Confirm;
                }
                None if self.slots_request.is_some() => {
                    return Action::Info("The free times are still loading.".into());
                }
                None => return Action::Info("No free time to pick; go back with Esc.".into()),
            },
            _ => {}
        }
        Action::None
    }

    fn on_confirm_key(&mut self, key: KeyEvent, command: Option<Command>) -> Action {
        let yes =
            command == Some(Command::Yes) || (command.is_none() && key.code == KeyCode::Enter);
        if yes {
            if self.book_request.is_some() {
                return Action::None;
            }
            let (Some(patient), Some(slot)) = (&self.patient, &self.chosen) else {
                return Action::None;
            };
            return Action::Request(BookingOp::Book {
                patient_id: patient.id,
                doctor_id: slot.doctor_id,
                start_utc: slot.start_utc,
            });
        }
        if command == Some(Command::No) && self.book_request.is_none() {
            self.step = Step::Slot;
            self.chosen = None;
            return Action::Info("Not booked. Pick another time or press Enter.".into());
        }
        Action::None
    }

    /// Records the id of a request this screen started.
    pub fn started(&mut self, op: &BookingOp, request: u64) {
        match op {
            BookingOp::SearchPatients { .. } => self.search_request = Some(request),
            BookingOp::Register(_) => {
                if let Some(f) = &mut self.register {
                    f.pending = Some(request);
                }
            }
            BookingOp::LoadDoctors => self.doctors_request = Some(request),
            BookingOp::LoadSlots { .. } | BookingOp::FirstAvailable { .. } => {
                self.slots_request = Some(request)
            }
            BookingOp::Book { .. } => self.book_request = Some(request),
        }
    }

    /// A result came back; stale ones (not the latest of their kind) are dropped.
    pub fn on_reply(&mut self, request: u64, reply: BookingReply) -> ReplyOutcome {
        let mut out = ReplyOutcome::default();
        match reply {
            BookingReply::Patients(result) => {
                if self.search_request != Some(request) {
                    return out;
                }
                self.search_request = None;
                out.current = true;
                match result {
                    Ok(list) => {
                        self.results = list;
                        self.selected = 0;
                    }
                    Err(e) => out.error = Some(e),
                }
            }
            BookingReply::Registered(result) => {
                let Some(form) = &mut self.register else {
                    return out;
                };
                if form.pending != Some(request) {
                    return out;
                }
                form.pending = None;
                out.current = true;
                match result {
                    Ok(p) => {
                        out.info = Some(format!("Registered {} (patient {}).", p.full_name, p.id));
                        self.patient = Some(PatientPick {
                            id: p.id,
                            name: p.full_name,
                        });
                        self.register = None;
                        if let Action::Request(op) = self.enter_doctor_step() {
                            out.then = Some(op);
                        }
                    }
                    Err(f) if f.duplicate => form.question = Some(f.message),
                    Err(f) => {
                        form.question = None;
                        form.error = Some(f.message.clone());
                        out.error = Some(f.message);
                    }
                }
            }
            BookingReply::Locations(result) => {
                // Sent just before the doctors, under their request id.
                if self.doctors_request != Some(request) {
                    return out;
                }
                match result {
                    Ok(list) => {
                        if self
                            .location
                            .is_some_and(|l| !list.iter().any(|(id, _)| *id == l))
                        {
                            self.location = None;
                        }
                        self.locations = list;
                    }
                    Err(e) => out.error = Some(e),
                }
            }
            BookingReply::Doctors(result) => {
                if self.doctors_request != Some(request) {
                    return out;
                }
                self.doctors_request = None;
                out.current = true;
                match result {
                    Ok(list) => {
                        if list.is_empty() {
                            out.info = Some("There are no doctors to book with yet.".into());
                        }
                        self.doctors = list;
                        self.spec_selected = 0;
                        self.doctor_selected = 0;
                    }
                    Err(e) => out.error = Some(e),
                }
            }
            BookingReply::Slots(result) => {
                if self.slots_request != Some(request) {
                    return out;
                }
                self.slots_request = None;
                out.current = true;
                match result {
                    Ok(list) => {
                        self.slot_selected = self.slot_selected.min(list.len().saturating_sub(1));
                        self.slots = list;
                        self.slots_loaded = true;
                    }
                    Err(e) => out.error = Some(e),
                }
            }
            BookingReply::Booked(result) => {
                if self.book_request != Some(request) {
                    return out;
                }
                self.book_request = None;
                out.current = true;
                match result {
                    Ok(summary) => {
                        out.info = Some(format!(
                            "Booked: appointment {} with {}.",
                            summary.appointment_id, summary.doctor_name
                        ));
                        self.booked = Some(summary);
                        self.step = Step::Done;
                        self.notice = None;
                    }
                    Err(e) => {
                        // Keep the patient and doctor; show why and offer fresh times.
                        self.step = Step::Slot;
                        self.chosen = None;
                        self.notice = Some(e.clone());
                        out.error = Some(e);
                        out.then = self.slots_op();
                    }
                }
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------
// Wiring into the app (called from `update`).

/// Back to the home menu of the signed-in role.
pub fn go_home(state: &mut AppState) {
    let role = state.session.as_ref().map_or(Role::Patient, |s| s.role());
    state.screen = Screen::Home(HomeState::for_role(role));
    state.status = None;
    // Answers still in flight are dropped on arrival: stop the spinner now.
    state.busy = None;
}

/// Opens the booking screen for the signed-in user.
pub fn open(state: &mut AppState) -> Vec<Effect> {
    let Some(session) = &state.session else {
        return Vec::new();
    };
    let own = match (session.role(), session.actor.id()) {
        (Role::Patient, Some(id)) => Some(PatientPick {
            id,
            name: session.actor.display_name().to_string(),
        }),
        _ => None,
    };
    let today = state
        .now
        .with_timezone(&state.clinic.time_zone)
        .date_naive();
    let booking = BookingState::new(own, today);
    let first = booking.initial_request();
    state.screen = Screen::Booking(Box::new(booking));
    state.status = None;
    match first {
        Some(op) => request(state, op),
        None => Vec::new(),
    }
}

fn request(state: &mut AppState, op: BookingOp) -> Vec<Effect> {
    let Some(actor) = state.session.as_ref().map(|s| s.actor.clone()) else {
        return Vec::new();
    };
    let request = state.next_request();
    let Screen::Booking(b) = &mut state.screen else {
        return Vec::new();
    };
    b.started(&op, request);
    state.busy = Some(op.busy_text().to_string());
    vec![Effect::Booking { request, actor, op }]
}

pub fn on_key(state: &mut AppState, key: KeyEvent, command: Option<Command>) -> Vec<Effect> {
    let Screen::Booking(b) = &mut state.screen else {
        return Vec::new();
    };
    match b.on_key(key, command) {
        Action::None => Vec::new(),
        Action::Back => {
            go_home(state);
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

pub fn on_reply(state: &mut AppState, request_id: u64, reply: BookingReply) -> Vec<Effect> {
    let Screen::Booking(b) = &mut state.screen else {
        return Vec::new(); // the screen was left: stale
    };
    let outcome = b.on_reply(request_id, reply);
    super::settle_reply(state, outcome, request)
}

// ---------------------------------------------------------------------------------------
// Rendering

fn fit(text: &str, width: usize) -> String {
    let mut s: String = text.chars().take(width).collect();
    let n = s.chars().count();
    s.extend(std::iter::repeat_n(' ', width.saturating_sub(n)));
    s
}

fn local(tz: Tz, utc: NaiveDateTime) -> NaiveDateTime {
    tz.from_utc_datetime(&utc).naive_local()
}

/// "Mon 12 Jan 2026, 09:00–10:00" in the clinic's time zone.
pub fn when_label(tz: Tz, start_utc: NaiveDateTime, minutes: i64) -> String {
    let s = local(tz, start_utc);
    let end_utc = start_utc + Duration::minutes(minutes);
    format!(
        "{}, {}–{}",
        s.format("%a %-d %b %Y"),
        label(tz, start_utc, "%H:%M"),
        label(tz, end_utc, "%H:%M")
    )
}

/// Free times grouped by local day, `height` lines, keeping `selected` in view. The day
/// of the first visible time is always shown at the top.
pub fn slot_lines<'a>(
    slots: &[SlotChoice],
    tz: Tz,
    selected: usize,
    show_doctor: bool,
    height: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let day_header = |d: NaiveDate| {
        Line::from(Span::styled(
            d.format("%A %-d %B").to_string(),
            Style::new().add_modifier(Modifier::BOLD),
        ))
    };
    let mut lines: Vec<(Line, Option<NaiveDate>)> = Vec::new();
    let mut selected_line = 0;
    let mut last_day = None;
    for (i, s) in slots.iter().enumerate() {
        let start = local(tz, s.start_utc);
        let day = start.date();
        if last_day != Some(day) {
            lines.push((day_header(day), None));
            last_day = Some(day);
        }
        let mut text = format!(
            "{}–{}",
            label(tz, s.start_utc, "%H:%M"),
            label(tz, s.end_utc, "%H:%M")
        );
        if show_doctor {
            text.push_str(&format!("  {}", s.doctor_name));
        }
        let line = if i == selected {
            selected_line = lines.len();
            Line::from(Span::styled(format!("▶ {text}"), theme.focus()))
        } else {
            Line::raw(format!("  {text}"))
        };
        lines.push((line, Some(day)));
    }
    let height = height.max(1);
    let first = (selected_line + 1).saturating_sub(height);
    let mut out: Vec<(Line, Option<NaiveDate>)> =
        lines.into_iter().skip(first).take(height).collect();
    if let Some((_, Some(day))) = out.first().map(|(l, d)| (l.clone(), *d)) {
        // Scrolled into a day: show which one.
        out[0] = (day_header(day), None);
    }
    out.into_iter().map(|(l, _)| l).collect()
}

fn steps_line<'a>(state: &BookingState, theme: &Theme) -> Line<'a> {
    let steps: &[(Step, &str)] = &[
        (Step::Patient, "Patient"),
        (Step::Doctor, "Doctor"),
        (Step::Slot, "Time"),
        (Step::Confirm, "Confirm"),
    ];
    let mut spans = vec![Span::styled(" Book an appointment ", theme.title())];
    let mut n = 0;
    for (step, label) in steps {
        if *step == Step::Patient && state.for_self {
            continue;
        }
        n += 1;
        let current = state.step == *step || (state.step == Step::Done && *step == Step::Confirm);
        let style = if current { theme.focus() } else { theme.dim() };
        spans.push(Span::raw(if n == 1 { " " } else { " › " }));
        spans.push(Span::styled(format!("{n} {label}"), style));
    }
    Line::from(spans)
}

fn choices_line<'a>(state: &BookingState, theme: &Theme) -> Line<'a> {
    let mut spans = Vec::new();
    if let Some(p) = &state.patient {
        spans.push(Span::styled(" Patient ", theme.dim()));
        spans.push(Span::raw(p.name.clone()));
    }
    if let Some(c) = &state.choice
        && matches!(state.step, Step::Slot | Step::Confirm | Step::Done)
    {
        spans.push(Span::styled("  Doctor ", theme.dim()));
        spans.push(Span::raw(c.label()));
    }
    Line::from(spans)
}

fn block<'a>(title: String, focused: bool, theme: &Theme) -> Block<'a> {
    let style = if focused { theme.title() } else { theme.dim() };
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(title, style))
}

pub fn render(frame: &mut Frame, area: Rect, state: &BookingState, tz: Tz, theme: &Theme) {
    if area.height < 6 || area.width < 40 {
        return;
    }
    let rows = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
    ])
    .split(area);
    frame.render_widget(Paragraph::new(steps_line(state, theme)), rows[0]);
    frame.render_widget(Paragraph::new(choices_line(state, theme)), rows[1]);
    let body = rows[2];
    match state.step {
        Step::Patient => {
            render_search(frame, body, state, theme);
            if let Some(form) = &state.register {
                render_form(frame, body, form, theme);
            }
        }
        Step::Doctor => render_doctors(frame, body, state, theme),
        Step::Slot => render_slots(frame, body, state, tz, theme),
        Step::Confirm => {
            render_slots(frame, body, state, tz, theme);
            render_confirm(frame, body, state, tz, theme);
        }
        Step::Done => render_done(frame, body, state, tz, theme),
    }
}

fn render_search(frame: &mut Frame, area: Rect, state: &BookingState, theme: &Theme) {
    let b = block(" Find the patient ".into(), true, theme);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    if inner.height < 3 || inner.width < 20 {
        return;
    }
    let top = Rect {
        x: inner.x + 1,
        width: inner.width - 2,
        height: 1,
        ..inner
    };
    frame.render_widget(Paragraph::new("Find:"), Rect { width: 6, ..top });
    let field = Rect {
        x: top.x + 6,
        width: top.width.saturating_sub(6).min(40),
        ..top
    };
    let cursor = text_field(
        frame,
        field,
        &state.query,
        None,
        state.register.is_none(),
        theme,
    );
    if let Some(pos) = cursor {
        frame.set_cursor_position(pos);
    }
    let hint_x = field.x + field.width + 1;
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
    let w = usize::from(list.width);
    let wide = w >= 100;
    let name_w = if wide { 30 } else { 24 };
    let mut lines = Vec::new();
    let header = if wide {
        format!(
            "  {}{}{}{}",
            fit("Name", name_w),
            fit("Born", 12),
            fit("Email", 34),
            "Phone"
        )
    } else {
        format!(
            "  {}{}{}",
            fit("Name", name_w),
            fit("Born", 11),
            "Email / phone"
        )
    };
    lines.push(Line::from(Span::styled(header, theme.dim())));
    if state.query.value().trim().is_empty() {
        lines.push(Line::from(Span::styled(
            "  Type to search: the start of a name, an email, or phone digits.",
            theme.dim(),
        )));
    } else if state.results.is_empty() && state.search_request.is_none() {
        lines.push(Line::from(Span::styled(
            "  No patient matches.",
            theme.dim(),
        )));
    }
    let room = usize::from(list.height)
        .saturating_sub(lines.len() + 1)
        .max(1);
    let first = state.selected.saturating_sub(room.saturating_sub(1));
    for (i, p) in state.results.iter().enumerate().skip(first).take(room) {
        let born = p
            .date_of_birth
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        let text = if wide {
            format!(
                "{}{}{}{}",
                fit(&p.full_name, name_w),
                fit(&born, 12),
                fit(&p.email, 34),
                p.phone_number.as_deref().unwrap_or("")
            )
        } else {
            let contact = match &p.phone_number {
                Some(ph) if state.query.value().chars().any(|c| c.is_ascii_digit()) => ph.clone(),
                _ => p.email.clone(),
            };
            format!("{}{}{}", fit(&p.full_name, name_w), fit(&born, 11), contact)
        };
        let text: String = text.chars().take(w.saturating_sub(2)).collect();
        lines.push(if i == state.selected {
            Line::from(Span::styled(format!("▶ {text}"), theme.focus()))
        } else {
            Line::raw(format!("  {text}"))
        });
    }
    let register = "+ Register a new patient";
    lines.push(if state.selected == state.results.len() {
        Line::from(Span::styled(format!("▶ {register}"), theme.focus()))
    } else {
        Line::from(Span::styled(format!("  {register}"), theme.key()))
    });
    frame.render_widget(Paragraph::new(lines), list);
}

fn render_doctors(frame: &mut Frame, area: Rect, state: &BookingState, theme: &Theme) {
    let cols =
        Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)]).split(area);
    let spec_focus = state.pane == Pane::Specialization;
    let pick = |selected: bool, focused: bool, text: String| {
        if selected && focused {
            Line::from(Span::styled(format!("▶ {text}"), theme.focus()))
        } else if selected {
            Line::from(Span::styled(
                format!("› {text}"),
                Style::new().add_modifier(Modifier::BOLD),
            ))
        } else {
            Line::raw(format!("  {text}"))
        }
    };
    let left = block(" Specialization ".into(), spec_focus, theme);
    let inner = left.inner(cols[0]);
    frame.render_widget(left, cols[0]);
    let room = usize::from(inner.height).max(1);
    let specs = state.specializations();
    let mut lines = Vec::new();
    if specs.is_empty() {
        let text = if state.doctors_request.is_some() {
            "Loading…"
        } else {
            "No doctors yet."
        };
        lines.push(Line::from(Span::styled(text, theme.dim())));
    }
    let first = state.spec_selected.saturating_sub(room.saturating_sub(1));
    for (i, s) in specs.iter().enumerate().skip(first).take(room) {
        lines.push(pick(i == state.spec_selected, spec_focus, (*s).to_string()));
    }
    frame.render_widget(Paragraph::new(lines), inner);

    let right = block(
        format!(" Doctor · {} (o) ", state.location_label()),
        !spec_focus,
        theme,
    );
    let inner = right.inner(cols[1]);
    frame.render_widget(right, cols[1]);
    let mut entries = Vec::new();
    if let Some(spec) = state.current_specialization() {
        entries.push(format!("Any {spec} doctor (first free)"));
        entries.extend(state.doctors_in_spec().iter().map(|d| d.full_name.clone()));
    }
    let room = usize::from(inner.height).max(1);
    let first = state.doctor_selected.saturating_sub(room.saturating_sub(1));
    let lines: Vec<Line> = entries
        .into_iter()
        .enumerate()
        .skip(first)
        .take(room)
        .map(|(i, text)| pick(i == state.doctor_selected, !spec_focus, text))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn render_slots(frame: &mut Frame, area: Rect, state: &BookingState, tz: Tz, theme: &Theme) {
    let any = matches!(state.choice, Some(DoctorChoice::Any { .. }));
    let title = if any {
        format!(" First free time per doctor · next {DAYS} days ")
    } else {
        format!(" Free times · next {DAYS} days · {} ", tz.name())
    };
    let b = block(title, true, theme);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let mut top = Vec::new();
    if let Some(n) = &state.notice {
        top.push(Line::from(Span::styled(n.clone(), theme.error())));
    }
    if state.slots.is_empty() {
        let text = if state.slots_request.is_some() || !state.slots_loaded {
            "Loading free times…".to_string()
        } else {
            format!("No free time in the next {DAYS} days. Esc to choose another doctor.")
        };
        top.push(Line::from(Span::styled(text, theme.dim())));
    }
    let used = u16::try_from(top.len()).unwrap_or(0);
    frame.render_widget(
        Paragraph::new(top).wrap(Wrap { trim: true }),
        Rect {
            x: inner.x + 1,
            width: inner.width.saturating_sub(2),
            height: used.min(inner.height),
            ..inner
        },
    );
    let list = Rect {
        x: inner.x + 1,
        y: inner.y + used,
        width: inner.width.saturating_sub(2),
        height: inner.height.saturating_sub(used),
    };
    let lines = slot_lines(
        &state.slots,
        tz,
        state.slot_selected,
        any,
        usize::from(list.height),
        theme,
    );
    frame.render_widget(Paragraph::new(lines), list);
}

fn summary_lines<'a>(rows: &[(&str, String)], theme: &Theme) -> Vec<Line<'a>> {
    rows.iter()
        .map(|(k, v)| {
            Line::from(vec![
                Span::styled(format!("{k:<10}"), theme.dim()),
                Span::raw(v.clone()),
            ])
        })
        .collect()
}

fn render_confirm(frame: &mut Frame, area: Rect, state: &BookingState, tz: Tz, theme: &Theme) {
    let Some(slot) = &state.chosen else {
        return;
    };
    let boxed = popup(frame, area, 64, 8);
    let mut lines = summary_lines(
        &[
            (
                "Patient",
                state
                    .patient
                    .as_ref()
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
            ),
            ("Doctor", slot.doctor_name.clone()),
            ("When", when_label(tz, slot.start_utc, slot.minutes())),
            ("Duration", format!("{} minutes", slot.minutes())),
        ],
        theme,
    );
    lines.push(Line::raw(""));
    lines.push(if state.book_request.is_some() {
        Line::from(Span::styled("Booking…", theme.info()))
    } else {
        Line::from(vec![
            Span::styled("y", theme.key()),
            Span::raw("/"),
            Span::styled("Enter", theme.key()),
            Span::raw(" book   "),
            Span::styled("n", theme.key()),
            Span::raw("/"),
            Span::styled("Esc", theme.key()),
            Span::raw(" pick another time"),
        ])
    });
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(block(
            " Book this appointment? ".into(),
            true,
            theme,
        )),
        boxed,
    );
}

fn render_done(frame: &mut Frame, area: Rect, state: &BookingState, tz: Tz, theme: &Theme) {
    let Some(s) = &state.booked else {
        return;
    };
    let mut lines = vec![
        Line::from(Span::styled("The appointment is booked.", theme.title())),
        Line::raw(""),
    ];
    lines.extend(summary_lines(
        &[
            ("Patient", s.patient_name.clone()),
            (
                "Doctor",
                format!("{} ({})", s.doctor_name, s.specialization),
            ),
            (
                "When",
                when_label(tz, s.start_utc, i64::from(s.duration_minutes)),
            ),
            ("Duration", format!("{} minutes", s.duration_minutes)),
            (
                "Location",
                s.location.clone().unwrap_or_else(|| "not set".into()),
            ),
            ("Number", s.appointment_id.to_string()),
            ("Time zone", tz.name().to_string()),
        ],
        theme,
    ));
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("Enter", theme.key()),
        Span::raw(" book another   "),
        Span::styled("Esc", theme.key()),
        Span::raw(" home"),
    ]));
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(block(
            " Booked ".into(),
            true,
            theme,
        )),
        area,
    );
}
