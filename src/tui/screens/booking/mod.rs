//! Booking an appointment in four steps: find (or register) the patient, choose a
//! specialization and a doctor (or "any doctor": every free time of every doctor of the
//! specialization), pick a free time on a day-by-day grid (see `grid.rs`), and confirm
//! (doctor, location with its address, local time, length), optionally as a series
//! repeated every K weeks (see `repeat.rs`). The agenda opens it pre-filled with a
//! patient and a doctor ([`BookingScreen::prefilled`]). Patients booking for themselves start at step 2. A refused booking (the time
//! was just taken) shows the service's sentence and reloads the times, keeping the choices.
//! Opened from the home menu or on top of the agenda; Esc from its first step, or after
//! a booking, goes back there.
//!
//! Pure: keys and replies change [`BookingScreen`] and return actions; nothing here does
//! I/O or reads the clock (the date comes from the app's clock, through `Ctx`).

mod grid;
mod keys;
mod ops;
mod repeat;
mod view;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use tui_input::Input;

pub use grid::{PartOfDay, parse_go_to};
pub use ops::{BookingChoices, BookingOp, BookingReply};
pub use repeat::{RepeatField, RepeatState, SeriesDone};
pub use view::{slot_lines, when_label};

use crate::domain::person::Patient;
use crate::domain::{Gender, Role, validation};
use crate::service::ServiceError;
use crate::service::availability::DoctorSummary;
use crate::service::patients::{NewPatientInput, RegisterError};
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Action, Actions, Commands, Ctx, Screen};
use crate::tui::widgets::form::Form;
use crate::tui::widgets::table::TableView;

/// How many days of free times are read at once (the grid reads further days when a
/// date past them is asked for).
pub const DAYS: u32 = 14;

/// What the agenda hands over when it opens booking on a row: that row's patient and
/// doctor.
#[derive(Debug, Clone, PartialEq)]
pub struct Prefill {
    pub patient: PatientPick,
    pub doctor: DoctorSummary,
}

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
    /// Every free time of every doctor of this specialization.
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

/// The fields of the "register a new patient" form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegField {
    Name,
    Email,
    Phone,
    Born,
    Gender,
}

/// The "register a new patient" form, starting with `name`.
fn register_form(name: String) -> Form<RegField> {
    Form::new("Register a new patient")
        .text(RegField::Name, "Name", name, "full name")
        .text(RegField::Email, "Email", "", "name@example.com")
        .text(RegField::Phone, "Phone", "", "optional")
        .text(RegField::Born, "Born", "", "YYYY-MM-DD, optional")
        .text(RegField::Gender, "Gender", "", "M, F, O or empty")
}

/// What the registration form sends.
pub fn register_input(form: &Form<RegField>, confirm_duplicate: bool) -> NewPatientInput {
    NewPatientInput {
        full_name: form.value(RegField::Name).to_string(),
        email: form.value(RegField::Email).to_string(),
        phone: form.value(RegField::Phone).to_string(),
        date_of_birth: form.value(RegField::Born).to_string(),
        gender: form.value(RegField::Gender).to_string(),
        confirm_duplicate,
    }
}

/// Every problem with the registration form at once, each with its field, checked with
/// the domain's validators (the ones the patients service applies, so the sentences are
/// the service's). `today` is the clinic's date, for a birth date in the future.
pub fn check_registration(form: &Form<RegField>, today: NaiveDate) -> Vec<(RegField, String)> {
    let mut errors = Vec::new();
    let mut check = |field, result: Result<(), validation::ValidationError>| {
        if let Err(e) = result {
            errors.push((field, e.to_string()));
        }
    };
    check(
        RegField::Name,
        validation::required_text("Name", form.value(RegField::Name), 100).map(drop),
    );
    check(
        RegField::Email,
        validation::email(form.value(RegField::Email)).map(drop),
    );
    check(
        RegField::Phone,
        validation::phone(form.value(RegField::Phone)).map(drop),
    );
    check(
        RegField::Born,
        validation::date_of_birth(form.value(RegField::Born), today).map(drop),
    );
    let gender = form.value(RegField::Gender).trim();
    if !gender.is_empty() && Gender::parse(gender).is_none() {
        errors.push((
            RegField::Gender,
            format!("\"{gender}\" is not a gender; type M, F or O, or leave it empty."),
        ));
    }
    errors
}

#[derive(Debug, Clone)]
pub struct BookingScreen {
    /// A patient booking for themselves: no patient step.
    pub for_self: bool,
    pub step: Step,
    pub query: Input,
    pub results: Vec<Patient>,
    /// The selected row of `results`, plus one row for "register a new patient".
    pub results_view: TableView,
    pub search_request: Option<u64>,
    pub register: Option<Form<RegField>>,
    /// The registration in flight.
    pub register_request: Option<u64>,
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
    /// What was typed on the doctor step: it moves the lists to the first doctor or
    /// specialization it names (`oka` → Dr. Maya Okafor, `card` → any Cardiology doctor).
    pub doctor_find: String,
    pub choice: Option<DoctorChoice>,
    pub slots: Vec<SlotChoice>,
    pub slots_loaded: bool,
    pub slots_request: Option<u64>,
    pub chosen: Option<SlotChoice>,
    pub book_request: Option<u64>,
    pub booked: Option<BookedSummary>,
    /// Why the last booking was refused, shown above the times.
    pub notice: Option<String>,
    /// The clinic's date when the screen opened: free times start there.
    pub today: NaiveDate,
    /// The clinic's time zone: the grid's days are local dates.
    pub tz: Tz,
    /// The first date of the free times loaded (`DAYS` dates from here).
    pub from: NaiveDate,
    /// The day the grid's cursor is on, and the row (time) within that day.
    pub day: NaiveDate,
    pub row: usize,
    /// Morning, afternoon or all day.
    pub part: PartOfDay,
    /// The `g` date field, while open.
    pub go_to: Option<Input>,
    /// When the free times arrive, put the cursor on the first free one.
    pub jump_first: bool,
    /// Open locations' addresses (id, address), for the confirmation.
    pub addresses: Vec<(i32, String)>,
    /// The confirmation's "repeat" (a series), while open.
    pub repeat: Option<RepeatState>,
    /// A booked series, for the summary.
    pub series_done: Option<SeriesDone>,
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
            results_view: TableView::new(),
            search_request: None,
            register: None,
            register_request: None,
            patient: own,
            doctors: Vec::new(),
            doctors_request: None,
            locations: Vec::new(),
            location: None,
            pane: Pane::Specialization,
            spec_selected: 0,
            doctor_selected: 0,
            doctor_find: String::new(),
            choice: None,
            slots: Vec::new(),
            slots_loaded: false,
            slots_request: None,
            chosen: None,
            book_request: None,
            booked: None,
            notice: None,
            today,
            tz: chrono_tz::UTC,
            from: today,
            day: today,
            row: 0,
            part: PartOfDay::All,
            go_to: None,
            jump_first: true,
            addresses: Vec::new(),
            repeat: None,
            series_done: None,
        }
    }

    /// Booking with a patient and a doctor already chosen (the agenda's `b` on a row):
    /// it opens on that doctor's free times, at the first free one.
    pub fn prefilled(patient: PatientPick, doctor: DoctorSummary, today: NaiveDate) -> Self {
        let mut s = BookingScreen::new(None, today);
        s.patient = Some(patient);
        s.choice = Some(DoctorChoice::Doctor(doctor));
        s.step = Step::Slot;
        s
    }

    /// The booking screen for the signed-in user, pre-filled when `prefill` says so.
    /// Patients always book for themselves (a pre-filled doctor is still chosen).
    pub fn open_with(cx: &Ctx, prefill: Option<Prefill>) -> BookingScreen {
        let mut s = match prefill {
            Some(p) if cx.role() != Role::Patient => {
                BookingScreen::prefilled(p.patient, p.doctor, cx.today())
            }
            Some(p) => {
                let mut s = BookingScreen::for_user(cx);
                if s.patient.is_some() {
                    s.choice = Some(DoctorChoice::Doctor(p.doctor));
                    s.step = Step::Slot;
                }
                s
            }
            None => BookingScreen::for_user(cx),
        };
        s.tz = cx.tz();
        s
    }

    /// The first request when the screen opens.
    pub fn initial_request(&self) -> Option<BookingOp> {
        (self.step == Step::Doctor).then_some(BookingOp::LoadDoctors)
    }

    /// Every request when the screen opens: the doctors, and (pre-filled) the times.
    pub fn initial_requests(&self) -> Vec<BookingOp> {
        match self.step {
            Step::Doctor => vec![BookingOp::LoadDoctors],
            Step::Slot => std::iter::once(BookingOp::LoadDoctors)
                .chain(self.slots_op())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The selected row of the patient search (`results.len()` is "register").
    pub fn selected(&self) -> usize {
        self.results_view.selected()
    }

    pub fn context(&self) -> Context {
        match self.step {
            Step::Patient => match &self.register {
                Some(f) => f.context(),
                None => Context::PatientSearch,
            },
            Step::Slot if self.go_to.is_some() => Context::Search,
            Step::Confirm => match &self.repeat {
                Some(r) if r.editing => r.form.context(),
                _ => Context::Booking,
            },
            Step::Doctor => Context::BookingDoctor,
            Step::Slot | Step::Done => Context::Booking,
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
        let mut s = BookingScreen::new(own, cx.today());
        s.tz = cx.tz();
        s
    }

    /// Records the id of a request this screen started.
    pub fn record(&mut self, op: &BookingOp, request: u64) {
        match op {
            BookingOp::SearchPatients { .. } => self.search_request = Some(request),
            BookingOp::Register(_) => {
                if let Some(f) = &mut self.register {
                    f.set_pending(true);
                    self.register_request = Some(request);
                }
            }
            BookingOp::LoadDoctors => self.doctors_request = Some(request),
            BookingOp::LoadSlots { .. } | BookingOp::AnyDoctor { .. } => {
                self.slots_request = Some(request)
            }
            BookingOp::Book { .. } | BookingOp::BookSeries(_) => self.book_request = Some(request),
            BookingOp::PlanSeries(_) => {
                if let Some(r) = &mut self.repeat {
                    r.request = Some(request);
                }
            }
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
                        // The patient chosen before (a fresh registration too) stays
                        // selected when the search is run again.
                        let keep = self
                            .patient
                            .as_ref()
                            .and_then(|p| list.iter().position(|x| x.id == p.id))
                            .unwrap_or(0);
                        self.results = list;
                        // One more row than results: "register a new patient".
                        self.results_view.select(keep, self.results.len() + 1);
                    }
                    Err(e) => out.push(Action::Failed(e)),
                }
            }
            BookingReply::Registered(result) => {
                let Some(form) = &mut self.register else {
                    return out;
                };
                if self.register_request != Some(request) {
                    return out;
                }
                self.register_request = None;
                form.set_pending(false);
                match result {
                    Ok(p) => {
                        out.push(Action::Info(format!(
                            "Registered {} (patient {}).",
                            p.full_name, p.id
                        )));
                        // Back on the search, the new patient is listed and selected,
                        // not an old "No patient matches".
                        self.results.retain(|x| x.id != p.id);
                        self.results.insert(0, p.clone());
                        self.results_view.select(0, 0);
                        self.search_request = None;
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
                        form.ask(message);
                    }
                    Err(RegisterError::Failed(e)) => {
                        // The one refusal about one field: the email is someone else's.
                        // Anything else (a rule, an outage) is about the whole form.
                        if matches!(e, ServiceError::Conflict(_)) {
                            form.set_errors([(RegField::Email, e.to_string())]);
                        } else {
                            form.clear_errors();
                            form.set_form_error(e.to_string());
                        }
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
                    Ok(BookingChoices {
                        doctors,
                        locations,
                        addresses,
                    }) => {
                        if doctors.is_empty() {
                            out.push(Action::Info(
                                "There are no doctors to book with yet.".into(),
                            ));
                        }
                        self.doctors = doctors;
                        self.spec_selected = 0;
                        self.doctor_selected = 0;
                        self.addresses = addresses;
                        self.select_choice();
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
                        self.slots = list;
                        self.slots_loaded = true;
                        if std::mem::take(&mut self.jump_first) {
                            self.jump_to_first();
                        } else {
                            self.clamp_row();
                        }
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
                        self.series_done = None;
                        self.step = Step::Done;
                        self.notice = None;
                    }
                    Err(e) => {
                        // Keep the patient and doctor; show why and offer fresh times.
                        self.step = Step::Slot;
                        self.chosen = None;
                        self.notice = Some(e.to_string());
                        out.push(Action::Failed(e));
                        self.jump_first = false;
                        out.extend(self.slots_op().map(Action::Request));
                    }
                }
            }
            BookingReply::Planned(result) => out.extend(self.answer_plan(request, result)),
            BookingReply::SeriesBooked(result) => {
                if self.book_request != Some(request) {
                    return out;
                }
                self.book_request = None;
                out.extend(self.answer_series(result));
            }
        }
        out
    }

    /// With the doctors loaded, the lists point at the doctor already chosen (a
    /// pre-filled booking), so that Esc from the times lands on it.
    fn select_choice(&mut self) {
        let Some(DoctorChoice::Doctor(d)) = self.choice.clone() else {
            return;
        };
        if let Some(i) = self
            .specializations()
            .iter()
            .position(|s| *s == d.specialization)
        {
            self.spec_selected = i;
            if let Some(j) = self.doctors_in_spec().iter().position(|x| x.id == d.id) {
                self.doctor_selected = j + 1;
                self.pane = Pane::Doctor;
            }
        }
    }

    /// "Main building, 1 High Street" for a location id: its name and address.
    pub fn location_text(&self, id: Option<i32>) -> String {
        let Some(id) = id else {
            return "not set".into();
        };
        let name = self
            .locations
            .iter()
            .find(|(l, _)| *l == id)
            .map_or_else(|| format!("location {id}"), |(_, n)| n.clone());
        match self.addresses.iter().find(|(l, _)| *l == id) {
            Some((_, a)) if !a.trim().is_empty() => format!("{name}, {a}"),
            _ => name,
        }
    }
}

impl Screen for BookingScreen {
    type Op = BookingOp;

    fn context(&self) -> Context {
        BookingScreen::context(self)
    }

    fn on_enter(&mut self, cx: &Ctx) -> Actions<BookingOp> {
        self.tz = cx.tz();
        self.initial_requests()
            .into_iter()
            .map(Action::Request)
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
        if let Some(r) = &mut self.repeat {
            forget(&mut r.request, request);
        }
        if forget(&mut self.register_request, request)
            && let Some(f) = &mut self.register
        {
            f.set_pending(false);
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        view::render(frame, area, self, cx.tz(), cx.theme);
    }

    fn commands(&self, _cx: &Ctx, out: &mut Commands) {
        let moves = [Command::Up, Command::Down];
        match self.step {
            Step::Patient => match &self.register {
                Some(f) if f.question().is_some() => {
                    out.add(Command::Yes, "register anyway", true).add(
                        Command::No,
                        "change details",
                        true,
                    );
                }
                Some(f) => {
                    out.add(Command::NextField, "next", true)
                        .add(Command::Save, "register", !f.is_pending())
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
                    .add(
                        Command::Back,
                        if self.doctor_find.is_empty() {
                            "back"
                        } else {
                            "clear"
                        },
                        true,
                    )
                    .more(Command::PrevField, "previous pane", any)
                    .more(Command::Left, "specializations", any)
                    .more(Command::Right, "doctors", any);
            }
            Step::Slot if self.go_to.is_some() => {
                out.add(Command::Open, "go", true)
                    .add(Command::Cancel, "cancel", true);
            }
            Step::Slot => self.grid_commands(out),
            Step::Confirm => self.confirm_commands(out),
            Step::Done => {
                out.add(Command::Open, "book another", true)
                    .add(Command::Back, "back", true);
            }
        }
    }
}
