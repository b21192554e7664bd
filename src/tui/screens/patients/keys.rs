//! The patients screen's keys: the search field's, the results list's, one patient's,
//! and those of the form and the question over them. Each returns what the app should do.

use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use super::{ActiveTarget, Focus, PatientForm, PatientView, PatientsOp, PatientsScreen};
use crate::domain::person::Patient;
use crate::service::patients::NewPatientInput;
use crate::tui::keymap::Command;
use crate::tui::screen::{Action, Actions};
use crate::tui::screens::form::{Confirm, Form, FormKey, field};

fn info(text: &str) -> Actions<PatientsOp> {
    vec![Action::Info(text.into())]
}

fn request(op: PatientsOp) -> Actions<PatientsOp> {
    vec![Action::Request(op)]
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

impl PatientsScreen {
    pub fn handle(&mut self, key: KeyEvent, command: Option<Command>) -> Actions<PatientsOp> {
        if let Some(confirm) = &mut self.confirm {
            return match command {
                Some(Command::Yes) if confirm.pending.is_none() => {
                    let t = confirm.target;
                    request(PatientsOp::SetActive {
                        patient_id: t.patient_id,
                        active: t.active,
                    })
                }
                Some(Command::No) if confirm.pending.is_none() => {
                    self.confirm = None;
                    info("Nothing was changed.")
                }
                _ => Vec::new(),
            };
        }
        if let Some(pf) = &mut self.form {
            return match pf.form.on_key(key, command) {
                FormKey::None => Vec::new(),
                FormKey::Cancel => {
                    let editing = pf.editing.is_some();
                    self.form = None;
                    info(if editing {
                        "Nothing was changed."
                    } else {
                        "Nobody was registered."
                    })
                }
                FormKey::No => info("Not registered. Change the details, or Esc to leave."),
                FormKey::Yes => request(PatientsOp::Register(pf.input(true))),
                FormKey::Save => {
                    if !pf.precheck() {
                        return Vec::new();
                    }
                    match pf.editing {
                        Some(id) => request(PatientsOp::Update {
                            patient_id: id,
                            input: pf.input(false),
                        }),
                        None => request(PatientsOp::Register(pf.input(false))),
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

    fn on_search_key(&mut self, key: KeyEvent, command: Option<Command>) -> Actions<PatientsOp> {
        match command {
            Some(c @ (Command::Up | Command::Down | Command::PageUp | Command::PageDown)) => {
                self.move_selection(Some(c))
            }
            Some(Command::Back) => return vec![Action::Back],
            Some(Command::FocusList) => {
                if self.results.is_empty() {
                    return info("No patients listed yet: type to search.");
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
                        return Vec::new();
                    }
                    return request(PatientsOp::Search { query: q });
                }
            }
        }
        Vec::new()
    }

    fn on_list_key(&mut self, command: Option<Command>) -> Actions<PatientsOp> {
        match command {
            Some(c @ (Command::Up | Command::Down | Command::PageUp | Command::PageDown)) => {
                self.move_selection(Some(c))
            }
            Some(Command::Find) => self.focus = Focus::Search,
            Some(Command::Open) => return self.open_selected(),
            Some(Command::NewPatient) => self.open_new(),
            Some(Command::EditRecord) => return self.open_edit(),
            Some(Command::ToggleActive) => return self.ask_toggle(),
            Some(Command::Back) => return vec![Action::Back],
            _ => {}
        }
        Vec::new()
    }

    fn on_view_key(&mut self, command: Option<Command>) -> Actions<PatientsOp> {
        let Some(view) = &mut self.view else {
            return Vec::new();
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
                return request(PatientsOp::History {
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
        Vec::new()
    }

    fn open_selected(&mut self) -> Actions<PatientsOp> {
        let Some(p) = self.results.get(self.selected) else {
            return info("No patient selected: type a name, an email or a phone.");
        };
        let id = p.id;
        self.open_view(id)
    }

    pub(super) fn open_view(&mut self, patient_id: i32) -> Actions<PatientsOp> {
        self.view = Some(PatientView {
            patient_id,
            history: None,
            request: None,
            scroll: 0,
            pay_scroll: 0,
            on_payments: false,
        });
        request(PatientsOp::History { patient_id })
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

    fn open_edit(&mut self) -> Actions<PatientsOp> {
        match self.current_patient() {
            Some(p) => {
                self.form = Some(PatientForm::new(Some(p), String::new()));
                Vec::new()
            }
            None => info("Choose a patient first."),
        }
    }

    fn ask_toggle(&mut self) -> Actions<PatientsOp> {
        let Some(p) = self.current_patient() else {
            return info("Choose a patient first.");
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
        Vec::new()
    }
}
