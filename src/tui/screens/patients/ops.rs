//! What the patients screen asks of the patient service, the code that asks it, and what
//! the screen makes of the answers (stale ones are dropped).

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent};

use super::{Focus, PatientField, PatientsScreen};
use crate::domain::Actor;
use crate::domain::person::Patient;
use crate::service::patients::{MAX_RESULTS, NewPatientInput, PatientHistory, RegisterError};
use crate::service::{ServiceError, Services};
use crate::tui::keymap::Command;
use crate::tui::screen::{Action, Actions, Operation};
use crate::tui::widgets::form::Form;
use crate::tui::widgets::refusal;

/// What the patients screen asks of the patient service.
#[derive(Clone, PartialEq)]
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

/// Ids only: what was searched for and a patient's details are patient data, and
/// requests are logged.
impl fmt::Debug for PatientsOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatientsOp::Search { .. } => f.write_str("Search(<redacted>)"),
            PatientsOp::History { patient_id } => write!(f, "History({patient_id})"),
            PatientsOp::Register(input) => write!(
                f,
                "Register(<redacted>, confirm_duplicate: {})",
                input.confirm_duplicate
            ),
            PatientsOp::Update { patient_id, .. } => write!(f, "Update({patient_id}, <redacted>)"),
            PatientsOp::SetActive { patient_id, active } => {
                write!(f, "SetActive({patient_id}, {active})")
            }
        }
    }
}

/// Answers to [`PatientsOp`]s.
#[derive(Debug, Clone)]
pub enum PatientsReply {
    Found(Result<Vec<Patient>, ServiceError>),
    History(Result<PatientHistory, ServiceError>),
    /// A registration or an edit: a possible duplicate is asked about, anything else
    /// refused is shown.
    Saved(Result<Patient, RegisterError>),
    ActiveSet(Result<Patient, ServiceError>),
}

impl Operation for PatientsOp {
    type Reply = PatientsReply;

    fn busy_text(&self) -> &'static str {
        match self {
            PatientsOp::Search { .. } => "Searching",
            PatientsOp::History { .. } => "Loading the patient's history",
            PatientsOp::Register(_) => "Registering the patient",
            PatientsOp::Update { .. } => "Saving the patient",
            PatientsOp::SetActive { active: true, .. } => "Reactivating",
            PatientsOp::SetActive { active: false, .. } => "Deactivating",
        }
    }

    async fn run(self, services: &Services, actor: &Actor) -> PatientsReply {
        match self {
            PatientsOp::Search { query } => {
                PatientsReply::Found(services.find_patients(actor, &query, MAX_RESULTS).await)
            }
            PatientsOp::History { patient_id } => {
                PatientsReply::History(services.patient_history(actor, patient_id).await)
            }
            PatientsOp::Register(input) => {
                PatientsReply::Saved(services.register_patient(actor, input).await)
            }
            PatientsOp::Update { patient_id, input } => PatientsReply::Saved(
                services
                    .update_patient(actor, patient_id, &input)
                    .await
                    .map_err(RegisterError::Failed),
            ),
            PatientsOp::SetActive { patient_id, active } => PatientsReply::ActiveSet(
                services.set_patient_active(actor, patient_id, active).await,
            ),
        }
    }
}

impl PatientsScreen {
    /// Remembers the id of a request that has just started.
    pub(super) fn remember(&mut self, request: u64, op: &PatientsOp) {
        match op {
            PatientsOp::Search { .. } => self.search_request = Some(request),
            PatientsOp::History { .. } => {
                if let Some(v) = &mut self.view {
                    v.request = Some(request);
                }
            }
            PatientsOp::Register(_) | PatientsOp::Update { .. } => {
                if let Some(f) = &mut self.form {
                    f.pending = Some(request);
                    f.form.set_pending(true);
                }
            }
            PatientsOp::SetActive { .. } => {
                if let Some(c) = &mut self.confirm {
                    c.pending = Some(request);
                }
            }
        }
    }

    /// A result came back; stale ones are dropped.
    pub fn answer(&mut self, request: u64, reply: PatientsReply) -> Actions<PatientsOp> {
        match reply {
            PatientsReply::Found(result) => {
                if self.search_request != Some(request) {
                    return Vec::new();
                }
                self.search_request = None;
                match result {
                    Ok(mut list) => {
                        if let Some(p) = &self.registered
                            && !list.iter().any(|r| r.id == p.id)
                        {
                            list.insert(0, p.clone());
                        }
                        self.results = list;
                        self.list.select(0, 0);
                        self.searched = Some(self.query.value().trim().to_string());
                        Vec::new()
                    }
                    Err(e) => vec![Action::Failed(e)],
                }
            }
            PatientsReply::History(result) => {
                let Some(view) = &mut self.view else {
                    return Vec::new();
                };
                if view.request != Some(request) {
                    return Vec::new();
                }
                view.request = None;
                match result {
                    Ok(h) => {
                        view.appointments.clamp(h.appointments.len());
                        view.payments.clamp(h.payments.len());
                        let p = h.patient.clone();
                        view.history = Some(h);
                        self.replace_patient(&p);
                        Vec::new()
                    }
                    Err(e) => {
                        if view.history.is_none() {
                            self.view = None;
                        }
                        vec![Action::Failed(e)]
                    }
                }
            }
            PatientsReply::Saved(result) => self.saved(request, result),
            PatientsReply::ActiveSet(result) => {
                let Some(c) = &self.confirm else {
                    return Vec::new();
                };
                if c.pending != Some(request) {
                    return Vec::new();
                }
                self.confirm = None;
                match result {
                    Ok(p) => {
                        let text = if p.is_active {
                            format!("{} is active again.", p.full_name)
                        } else {
                            format!("{} is deactivated; their history stays.", p.full_name)
                        };
                        self.replace_patient(&p);
                        vec![Action::Info(text)]
                    }
                    Err(e) => vec![Action::Failed(e)],
                }
            }
        }
    }

    fn saved(
        &mut self,
        request: u64,
        result: Result<Patient, RegisterError>,
    ) -> Actions<PatientsOp> {
        let Some(pf) = &mut self.form else {
            return Vec::new();
        };
        if pf.pending != Some(request) {
            return Vec::new();
        }
        pf.pending = None;
        pf.form.set_pending(false);
        match result {
            Ok(p) => {
                let edited = pf.editing.is_some();
                self.form = None;
                if edited {
                    self.replace_patient(&p);
                    return vec![Action::Info(format!("Saved {}.", p.full_name))];
                }
                let text = format!("Registered {} (patient {}).", p.full_name, p.id);
                let id = p.id;
                // A search still in flight was asked before the registration: its answer
                // would not have them.
                self.search_request = None;
                self.registered = Some(p.clone());
                self.results.retain(|r| r.id != id);
                self.results.insert(0, p);
                self.list.select(0, self.results.len());
                self.focus = Focus::List;
                let mut actions = vec![Action::Info(text)];
                actions.extend(self.open_view(id));
                actions
            }
            Err(RegisterError::PossibleDuplicate { message, .. }) => {
                pf.form.ask(message);
                Vec::new()
            }
            Err(RegisterError::Failed(e)) => {
                dismiss_question(&mut pf.form);
                refusal::show(&mut pf.form, &e, PatientField::label);
                vec![Action::Failed(e)]
            }
        }
    }
}

/// Takes the y/n question off the form: the widget drops it only on a "no" key, so one
/// is given to it.
fn dismiss_question(form: &mut Form<PatientField>) {
    if form.question().is_some() {
        form.on_key(&KeyEvent::from(KeyCode::Esc), Some(Command::No));
    }
}
