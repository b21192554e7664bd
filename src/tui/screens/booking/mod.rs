//! Booking an appointment in four steps: find (or register) the patient, choose a
//! specialization and a doctor (or "any doctor"), pick one of the next free times, and
//! confirm. Patients booking for themselves start at step 2. A refused booking (the time
//! was just taken) shows the service's sentence and reloads the times, keeping the choices.
//! Opened from the home menu or on top of the agenda; Esc from its first step, or after
//! a booking, goes back there.
//!
//! Pure: keys and replies change [`BookingScreen`] and return actions; nothing here does
//! I/O or reads the clock (the date comes from the app's clock, through `Ctx`).

mod keys;
mod ops;
mod view;

use chrono::{NaiveDate, NaiveDateTime};
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use tui_input::Input;

pub use ops::{BookingChoices, BookingOp, BookingReply};
pub use view::{slot_lines, when_label};

use crate::domain::Role;
use crate::domain::person::Patient;
use crate::service::availability::DoctorSummary;
use crate::service::patients::{NewPatientInput, RegisterError};
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Action, Actions, Commands, Ctx, Screen};
use crate::tui::screens::form::{Form, field};

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
pub struct BookingScreen {
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

/// What a key on the booking screen asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum BookingKey {
    None,
    Back,
    Request(BookingOp),
    Info(String),
    Error(String),
}

impl BookingScreen {
    /// Staff start by finding the patient; a patient (`own`) starts at the doctor step.
    pub fn new(own: Option<PatientPick>, today: NaiveDate) -> BookingScreen {
        let for_self = own.is_some();
        BookingScreen {
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

    /// The booking screen for the signed-in user: a patient books for themselves (from
    /// the doctor step); staff start by finding the patient. Free times start today.
    pub fn for_user(cx: &Ctx) -> BookingScreen {
        let own = match (cx.role(), cx.session) {
            (Role::Patient, Some(session)) => session.actor.id().map(|id| PatientPick {
                id,
                name: session.actor.display_name().to_string(),
            }),
            _ => None,
        };
        BookingScreen::new(own, cx.today())
    }

    /// Records the id of a request this screen started.
    pub fn record(&mut self, op: &BookingOp, request: u64) {
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
    pub fn answer(&mut self, request: u64, reply: BookingReply) -> Actions<BookingOp> {
        let mut out = Vec::new();
        match reply {
            BookingReply::Patients(result) => {
                if self.search_request != Some(request) {
                    return out;
                }
                self.search_request = None;
                match result {
                    Ok(list) => {
                        self.results = list;
                        self.selected = 0;
                    }
                    Err(e) => out.push(Action::Failed(e)),
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
                match result {
                    Ok(p) => {
                        out.push(Action::Info(format!(
                            "Registered {} (patient {}).",
                            p.full_name, p.id
                        )));
                        self.patient = Some(PatientPick {
                            id: p.id,
                            name: p.full_name,
                        });
                        self.register = None;
                        if let BookingKey::Request(op) = self.enter_doctor_step() {
                            out.push(Action::Request(op));
                        }
                    }
                    Err(RegisterError::PossibleDuplicate { message, .. }) => {
                        form.question = Some(message);
                    }
                    Err(RegisterError::Failed(e)) => {
                        form.question = None;
                        form.error = Some(e.to_string());
                        out.push(Action::Failed(e));
                    }
                }
            }
            BookingReply::Doctors(result) => {
                if self.doctors_request != Some(request) {
                    return out;
                }
                self.doctors_request = None;
                match result {
                    Ok(BookingChoices { doctors, locations }) => {
                        if doctors.is_empty() {
                            out.push(Action::Info(
                                "There are no doctors to book with yet.".into(),
                            ));
                        }
                        self.doctors = doctors;
                        self.spec_selected = 0;
                        self.doctor_selected = 0;
                        if self
                            .location
                            .is_some_and(|l| !locations.iter().any(|(id, _)| *id == l))
                        {
                            self.location = None;
                        }
                        self.locations = locations;
                    }
                    Err(e) => out.push(Action::Failed(e)),
                }
            }
            BookingReply::Slots(result) => {
                if self.slots_request != Some(request) {
                    return out;
                }
                self.slots_request = None;
                match result {
                    Ok(list) => {
                        self.slot_selected = self.slot_selected.min(list.len().saturating_sub(1));
                        self.slots = list;
                        self.slots_loaded = true;
                    }
                    Err(e) => out.push(Action::Failed(e)),
                }
            }
            BookingReply::Booked(result) => {
                if self.book_request != Some(request) {
                    return out;
                }
                self.book_request = None;
                match result {
                    Ok(summary) => {
                        out.push(Action::Info(format!(
                            "Booked: appointment {} with {}.",
                            summary.appointment_id, summary.doctor_name
                        )));
                        self.booked = Some(summary);
                        self.step = Step::Done;
                        self.notice = None;
                    }
                    Err(e) => {
                        // Keep the patient and doctor; show why and offer fresh times.
                        self.step = Step::Slot;
                        self.chosen = None;
                        self.notice = Some(e.to_string());
                        out.push(Action::Failed(e));
                        out.extend(self.slots_op().map(Action::Request));
                    }
                }
            }
        }
        out
    }
}

impl Screen for BookingScreen {
    type Op = BookingOp;

    fn context(&self) -> Context {
        BookingScreen::context(self)
    }

    fn on_enter(&mut self, _cx: &Ctx) -> Actions<BookingOp> {
        self.initial_request()
            .map(Action::Request)
            .into_iter()
            .collect()
    }

    fn on_key(&mut self, key: KeyEvent, command: Option<Command>, _cx: &Ctx) -> Actions<BookingOp> {
        match self.handle(key, command) {
            BookingKey::None => Vec::new(),
            BookingKey::Back => vec![Action::Back],
            BookingKey::Request(op) => vec![Action::Request(op)],
            BookingKey::Info(text) => vec![Action::Info(text)],
            BookingKey::Error(text) => vec![Action::Error(text)],
        }
    }

    fn started(&mut self, request: u64, op: &BookingOp) {
        self.record(op, request);
    }

    fn on_reply(&mut self, request: u64, reply: BookingReply, _cx: &Ctx) -> Actions<BookingOp> {
        self.answer(request, reply)
    }

    fn abandon(&mut self, request: u64) {
        use super::abandon::forget;
        forget(&mut self.search_request, request);
        forget(&mut self.doctors_request, request);
        forget(&mut self.slots_request, request);
        forget(&mut self.book_request, request);
        if let Some(f) = &mut self.register {
            forget(&mut f.pending, request);
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        view::render(frame, area, self, cx.tz(), cx.theme);
    }

    fn commands(&self, _cx: &Ctx, out: &mut Commands) {
        let moves = [Command::Up, Command::Down];
        match self.step {
            Step::Patient => match &self.register {
                Some(f) if f.question.is_some() => {
                    out.add(Command::Yes, "register anyway", true).add(
                        Command::No,
                        "change details",
                        true,
                    );
                }
                Some(f) => {
                    out.add(Command::NextField, "next", true)
                        .add(Command::Save, "register", f.pending.is_none())
                        .add(Command::Cancel, "cancel", true)
                        .more(Command::PrevField, "previous field", true);
                }
                None => {
                    out.group(&moves, "move", true)
                        .add(Command::Open, "pick", true)
                        .add(Command::NewPatient, "new patient", true)
                        .add(Command::Back, "back", true);
                }
            },
            Step::Doctor => {
                let any = !self.doctors.is_empty();
                out.group(&moves, "move", any)
                    .add(Command::NextField, "pane", any)
                    .add(Command::Open, "choose", any)
                    .add(Command::Location, "location", !self.locations.is_empty())
                    .add(Command::Back, "back", true)
                    .more(Command::PrevField, "previous pane", any)
                    .more(Command::Left, "specializations", any)
                    .more(Command::Right, "doctors", any);
            }
            Step::Slot => {
                let any = !self.slots.is_empty();
                out.group(&moves, "move", any)
                    .add(Command::Open, "choose", any)
                    .add(Command::Location, "location", !self.locations.is_empty())
                    .add(Command::Back, "back", true);
            }
            Step::Confirm => {
                out.add(Command::Yes, "book", self.book_request.is_none())
                    .add(Command::No, "other time", self.book_request.is_none());
            }
            Step::Done => {
                out.add(Command::Open, "book another", true)
                    .add(Command::Back, "back", true);
            }
        }
    }
}
