//! The booking screen's keys, step by step. Pure.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;

use super::{
    BookingKey, BookingOp, BookingScreen, DAYS, DoctorChoice, Pane, PatientPick, RegField, Step,
    check_registration, register_form, register_input,
};
use crate::service::availability::DoctorSummary;
use crate::tui::keymap::Command;
use crate::tui::widgets::form::{Form, FormOutcome};

impl BookingScreen {
    /// Handles a key; `command` is what the keymap made of it in `context()`.
    pub fn handle(&mut self, key: KeyEvent, command: Option<Command>) -> BookingKey {
        match self.step {
            Step::Patient => match self.register.take() {
                Some(form) => self.on_register_key(form, key, command),
                None => self.on_search_key(key, command),
            },
            Step::Doctor => self.on_doctor_key(key, command),
            Step::Slot => match self.go_to.take() {
                Some(field) => self.on_go_to_key(field, key, command),
                None => self.on_slot_key(command),
            },
            Step::Confirm => self.on_confirm_key(key, command),
            Step::Done => match command {
                Some(Command::Open) => {
                    let own = self.patient.clone().filter(|_| self.for_self);
                    let doctors = std::mem::take(&mut self.doctors);
                    let locations = std::mem::take(&mut self.locations);
                    let location = self.location;
                    let (addresses, tz) = (std::mem::take(&mut self.addresses), self.tz);
                    *self = BookingScreen::new(own, self.today);
                    self.addresses = addresses;
                    self.tz = tz;
                    self.doctors = doctors;
                    self.locations = locations;
                    self.location = location;
                    BookingKey::Info("Book another appointment.".into())
                }
                Some(Command::Back) => BookingKey::Back,
                _ => BookingKey::None,
            },
        }
    }

    fn on_search_key(&mut self, key: KeyEvent, command: Option<Command>) -> BookingKey {
        let rows = self.results.len() + 1;
        // Up and Down only: Home and End move in the search field.
        if let Some(c) = command
            && self.results_view.on_command(c, rows)
        {
            return BookingKey::None;
        }
        match command {
            Some(Command::Back) => return BookingKey::Back,
            Some(Command::NewPatient) => self.open_register(),
            Some(Command::Open) => {
                if let Some(p) = self.results.get(self.selected()) {
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
                    self.results_view.select(0, 0);
                    let q = self.query.value().trim().to_string();
                    if q.is_empty() {
                        self.results.clear();
                        self.search_request = None;
                        return BookingKey::None;
                    }
                    return BookingKey::Request(BookingOp::SearchPatients { query: q });
                }
            }
        }
        BookingKey::None
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
        mut form: Form<RegField>,
        key: KeyEvent,
        command: Option<Command>,
    ) -> BookingKey {
        let action = match form.on_key(&key, command) {
            FormOutcome::Nothing | FormOutcome::Edited => BookingKey::None,
            FormOutcome::Yes => {
                // Answered: the question goes, "Saving…" shows until the reply.
                dismiss_question(&mut form);
                BookingKey::Request(BookingOp::Register(register_input(&form, true)))
            }
            FormOutcome::No => {
                BookingKey::Info("Not registered. Change the details, or Esc to leave.".into())
            }
            FormOutcome::Cancel => {
                // Left while saving: a late answer no longer has a form to land in.
                self.register_request = None;
                return BookingKey::Info("Nobody was registered.".into());
            }
            FormOutcome::Submit => {
                let today = self.today;
                if form.validate(|f| check_registration(f, today)) {
                    BookingKey::Request(BookingOp::Register(register_input(&form, false)))
                } else {
                    BookingKey::None
                }
            }
        };
        self.register = Some(form);
        action
    }

    pub(super) fn enter_doctor_step(&mut self) -> BookingKey {
        self.step = Step::Doctor;
        self.pane = Pane::Specialization;
        if self.doctors.is_empty() && self.doctors_request.is_none() {
            return BookingKey::Request(BookingOp::LoadDoctors);
        }
        BookingKey::None
    }

    fn on_doctor_key(&mut self, key: KeyEvent, command: Option<Command>) -> BookingKey {
        let specs = self.specializations().len();
        let in_spec = self.doctors_in_spec().len();
        if command.is_none() {
            return self.on_doctor_find_key(key);
        }
        if command == Some(Command::Back) && !self.doctor_find.is_empty() {
            self.doctor_find.clear();
            return BookingKey::None;
        }
        if matches!(
            command,
            Some(Command::Up | Command::Down | Command::Left | Command::Right)
        ) {
            // Moving by hand: what was typed no longer describes the selection.
            self.doctor_find.clear();
        }
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
                self.doctor_find.clear();
                if specs == 0 {
                    return BookingKey::Info("There are no doctors to book with yet.".into());
                }
                self.pane = Pane::Doctor;
            }
            (Pane::Specialization, Some(Command::Back)) => {
                if self.for_self {
                    return BookingKey::Back;
                }
                self.step = Step::Patient;
                // Run the search again: what it found may have changed (a patient
                // registered meanwhile), and the chosen one stays selected.
                let q = self.query.value().trim().to_string();
                if !q.is_empty() {
                    return BookingKey::Request(BookingOp::SearchPatients { query: q });
                }
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
                    return BookingKey::Info("There are no doctors to book with yet.".into());
                };
                let choice = match self.doctor_selected {
                    0 => DoctorChoice::Any {
                        specialization: spec,
                    },
                    i => match self.doctors_in_spec().get(i - 1) {
                        Some(d) => DoctorChoice::Doctor((*d).clone()),
                        None => return BookingKey::None,
                    },
                };
                self.choice = Some(choice);
                self.doctor_find.clear();
                self.step = Step::Slot;
                self.slots.clear();
                self.slots_loaded = false;
                self.from = self.today;
                self.day = self.today;
                self.row = 0;
                self.jump_first = true;
                self.notice = None;
                return self
                    .slots_op()
                    .map_or(BookingKey::None, BookingKey::Request);
            }
            (_, Some(Command::Location)) => {
                self.cycle_location();
                return BookingKey::Info(format!("Free times at {}.", self.location_label()));
            }
            _ => {}
        }
        BookingKey::None
    }

    /// A letter typed on the doctor step (or Backspace): finds the doctor or the
    /// specialization typed so far.
    fn on_doctor_find_key(&mut self, key: KeyEvent) -> BookingKey {
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match key.code {
            KeyCode::Backspace => {
                self.doctor_find.pop();
            }
            KeyCode::Char(c) if plain && !c.is_control() => {
                if self.doctor_find.chars().count() >= 40 {
                    return BookingKey::None;
                }
                self.doctor_find.push(c);
            }
            _ => return BookingKey::None,
        }
        if self.doctor_find.trim().is_empty() {
            return BookingKey::None;
        }
        match find_doctor(&self.specializations(), &self.doctors, &self.doctor_find) {
            Some(Found::Specialization(i)) => {
                self.spec_selected = i;
                self.doctor_selected = 0;
                self.pane = Pane::Doctor;
                BookingKey::None
            }
            Some(Found::Doctor(i, j)) => {
                self.spec_selected = i;
                self.doctor_selected = j + 1;
                self.pane = Pane::Doctor;
                BookingKey::None
            }
            None => BookingKey::Info(format!(
                "No doctor or specialization matches \"{}\".",
                self.doctor_find.trim()
            )),
        }
    }

    /// The location filter's next value: every location, then each open one in turn.
    pub(super) fn cycle_location(&mut self) {
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
                from: self.from,
                days: DAYS,
                location: self.location,
            },
            DoctorChoice::Any { specialization } => BookingOp::AnyDoctor {
                specialization: specialization.clone(),
                from: self.from,
                days: DAYS,
                location: self.location,
            },
        })
    }
}

/// What the doctor step's typing found: a specialization (its index: "any doctor" of
/// it), or a doctor (the specialization's index and the doctor's within it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    Specialization(usize),
    Doctor(usize, usize),
}

/// The first match for `typed` among `specs` (sorted, as the left list shows them) and
/// `doctors`: a specialization starting with it, else a doctor whose name has a word
/// starting with it, else a doctor or a specialization containing it anywhere. Case and
/// accents of ASCII letters aside; "dr." is not needed.
pub fn find_doctor(specs: &[&str], doctors: &[DoctorSummary], typed: &str) -> Option<Found> {
    let q = typed.trim().to_lowercase();
    if q.is_empty() {
        return None;
    }
    let doctor_at = |d: &DoctorSummary| {
        let i = specs.iter().position(|s| *s == d.specialization)?;
        let j = doctors
            .iter()
            .filter(|x| x.specialization == d.specialization)
            .position(|x| x.id == d.id)?;
        Some(Found::Doctor(i, j))
    };
    // Doctors in the order the lists show them: by specialization, then as loaded.
    let mut ordered: Vec<&DoctorSummary> = doctors.iter().collect();
    ordered.sort_by_key(|d| specs.iter().position(|s| *s == d.specialization));
    let name = |d: &DoctorSummary| d.full_name.to_lowercase();
    if let Some(i) = specs.iter().position(|s| s.to_lowercase().starts_with(&q)) {
        return Some(Found::Specialization(i));
    }
    if let Some(d) = ordered
        .iter()
        .find(|d| name(d).split_whitespace().any(|w| w.starts_with(&q)))
    {
        return doctor_at(d);
    }
    if let Some(d) = ordered.iter().find(|d| name(d).contains(&q)) {
        return doctor_at(d);
    }
    specs
        .iter()
        .position(|s| s.to_lowercase().contains(&q))
        .map(Found::Specialization)
}

/// Takes an answered y/n question off the form. `Form` has no call for it; a "no"
/// clears the question and changes nothing else.
fn dismiss_question(form: &mut Form<RegField>) {
    if form.question().is_some() {
        form.on_key(&KeyEvent::from(KeyCode::Esc), Some(Command::No));
    }
}
