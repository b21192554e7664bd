//! The patients screen's keys: the search field's, the results list's, one patient's,
//! and those of the form and the question over them. Each returns what the app should do.

use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use super::{
    ActiveTarget, Focus, PatientField, PatientForm, PatientView, PatientsOp, PatientsScreen,
};
use crate::domain::person::Patient;
use crate::service::patients::NewPatientInput;
use crate::tui::keymap::Command;
use crate::tui::screen::{Action, Actions};
use crate::tui::widgets::confirm::Confirm;
use crate::tui::widgets::form::{Form, FormOutcome};
use crate::tui::widgets::table::TableView;

fn info(text: &str) -> Actions<PatientsOp> {
    vec![Action::Info(text.into())]
}

fn request(op: PatientsOp) -> Actions<PatientsOp> {
    vec![Action::Request(op)]
}

/// Everything that can be checked here, so that the obvious mistakes are named at once,
/// each under its field; the service checks everything again.
fn check(f: &Form<PatientField>) -> Vec<(PatientField, String)> {
    use PatientField as P;
    let mut errors = Vec::new();
    if f.value(P::Name).trim().is_empty() {
        errors.push((P::Name, "Name is required.".to_string()));
    }
    let email = f.value(P::Email).trim();
    if email.is_empty() {
        errors.push((P::Email, "Email is required.".to_string()));
    } else if !email.contains('@') {
        errors.push((P::Email, format!("\"{email}\" is not an email address.")));
    }
    let born = f.value(P::Born).trim();
    if !born.is_empty() && chrono::NaiveDate::parse_from_str(born, "%Y-%m-%d").is_err() {
        errors.push((
            P::Born,
            format!("\"{born}\" is not a date; type it as YYYY-MM-DD, e.g. 1990-02-28."),
        ));
    }
    let gender = f.value(P::Gender).trim();
    if !matches!(gender.to_ascii_uppercase().as_str(), "" | "M" | "F" | "O") {
        errors.push((
            P::Gender,
            format!("\"{gender}\" is not a gender; type M, F or O, or leave it empty."),
        ));
    }
    errors
}

impl PatientForm {
    fn new(existing: Option<&Patient>, name: String) -> PatientForm {
        use PatientField as P;
        let (title, p) = match existing {
            Some(p) => (format!("Edit {}", p.full_name), Some(p)),
            None => ("Register a new patient".to_string(), None),
        };
        let born = p
            .and_then(|p| p.date_of_birth)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        let field = |form: Form<P>, key: P, value: String, hint: &str| {
            form.text(key, key.label(), value, hint)
        };
        let form = Form::new(title);
        let form = field(
            form,
            P::Name,
            p.map_or(name, |p| p.full_name.clone()),
            "full name",
        );
        let form = field(
            form,
            P::Email,
            p.map(|p| p.email.clone()).unwrap_or_default(),
            "name@example.com",
        );
        let form = field(
            form,
            P::Phone,
            p.and_then(|p| p.phone_number.clone()).unwrap_or_default(),
            "optional",
        );
        let form = field(form, P::Born, born, "YYYY-MM-DD, optional");
        let form = field(
            form,
            P::Gender,
            p.and_then(|p| p.gender)
                .map(|g| g.as_str().to_string())
                .unwrap_or_default(),
            "M, F, O or empty",
        );
        PatientForm {
            form,
            editing: existing.map(|p| p.id),
            pending: None,
        }
    }

    pub fn input(&self, confirm_duplicate: bool) -> NewPatientInput {
        let v = |key: PatientField| self.form.value(key).to_string();
        NewPatientInput {
            full_name: v(PatientField::Name),
            email: v(PatientField::Email),
            phone: v(PatientField::Phone),
            date_of_birth: v(PatientField::Born),
            gender: v(PatientField::Gender),
            confirm_duplicate,
        }
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
            return match pf.form.on_key(&key, command) {
                FormOutcome::Nothing | FormOutcome::Edited => Vec::new(),
                FormOutcome::Cancel => {
                    let editing = pf.editing.is_some();
                    self.form = None;
                    info(if editing {
                        "Nothing was changed."
                    } else {
                        "Nobody was registered."
                    })
                }
                FormOutcome::No => info("Not registered. Change the details, or Esc to leave."),
                FormOutcome::Yes => request(PatientsOp::Register(pf.input(true))),
                FormOutcome::Submit => {
                    if !pf.form.validate(check) {
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
        if let Some(c) = command {
            self.list.on_command(c, self.results.len());
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
                    self.list.select(0, 0);
                    self.registered = None;
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
        let (table, len) = if view.on_payments {
            (&mut view.payments, pays)
        } else {
            (&mut view.appointments, appts)
        };
        match command {
            Some(c @ (Command::Up | Command::Down | Command::PageUp | Command::PageDown)) => {
                table.on_command(c, len);
            }
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
                // Registered or edited meanwhile: the list shows the register as it is.
                return self.search_again();
            }
            _ => {}
        }
        Vec::new()
    }

    fn open_selected(&mut self) -> Actions<PatientsOp> {
        let Some(p) = self.results.get(self.selected()) else {
            return info(
                "No patient selected: type part of a name, email or phone, #id or a birth date.",
            );
        };
        let id = p.id;
        self.open_view(id)
    }

    pub(super) fn open_view(&mut self, patient_id: i32) -> Actions<PatientsOp> {
        self.view = Some(PatientView {
            patient_id,
            history: None,
            request: None,
            appointments: TableView::new(),
            payments: TableView::new(),
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
        self.confirm = Some(Confirm::new(
            question,
            ActiveTarget {
                patient_id: p.id,
                active: !p.is_active,
            },
        ));
        Vec::new()
    }
}
