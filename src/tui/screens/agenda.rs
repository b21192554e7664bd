//! The agenda: one day or one week (`w`) of appointments, for one doctor or all of them
//! (staff pick with `/`), in the clinic's time zone. On the selected row: `c` cancel (a
//! reason is asked), `r` reschedule (free times of the same doctor for 14 days), `m`
//! completed, `n` no-show, `h`/Enter the status history. Doctors see their own agenda;
//! patients see all their appointments, past and upcoming, and can cancel or book.
//!
//! Pure: keys and replies change [`AgendaState`] and return requests; nothing here does
//! I/O or reads the clock (`now` is passed in from `AppState::now`).

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use crossterm::event::{Event, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Cell, HighlightSpacing, Paragraph, Row, Table, TableState, Wrap,
};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::domain::Role;
use crate::domain::appointment::ListFilter;
use crate::domain::appointment::{AppointmentStatus, AppointmentView, StatusChange};
use crate::domain::local_time::label;
use crate::service::availability::{DoctorSummary, monday_of};
use crate::tui::effect::{AgendaOp, Effect};
use crate::tui::keymap::{Command, Context};
use crate::tui::msg::AgendaReply;
use crate::tui::screens::booking::{self, DAYS, SlotChoice, slot_lines, when_label};
use crate::tui::state::{AppState, Screen};
use crate::tui::theme::Theme;
use crate::tui::widgets::{popup, text_field};

/// Whose agenda this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// Admin or front desk: any doctor, or all.
    Staff,
    Doctor(i32),
    /// A patient: all their own appointments.
    Patient(i32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day,
    Week,
}

/// The cancel-reason prompt.
#[derive(Debug, Clone)]
pub struct ReasonPrompt {
    pub appointment_id: i32,
    pub label: String,
    pub input: Input,
    pub error: Option<String>,
    pub pending: bool,
}

#[derive(Debug, Clone)]
pub struct HistoryPopup {
    pub appointment_id: i32,
    pub label: String,
    pub rows: Option<Vec<StatusChange>>,
}

#[derive(Debug, Clone)]
pub struct ReschedulePicker {
    pub appointment_id: i32,
    pub doctor_id: i32,
    pub doctor_name: String,
    pub duration_minutes: u32,
    pub label: String,
    pub slots: Vec<SlotChoice>,
    pub loaded: bool,
    pub selected: usize,
    pub pending: bool,
    pub error: Option<String>,
}

/// The `/` doctor picker; row 0 is "All doctors".
#[derive(Debug, Clone, Default)]
pub struct DoctorPicker {
    pub query: Input,
    pub selected: usize,
}

#[derive(Debug, Clone)]
pub enum Modal {
    Reason(ReasonPrompt),
    History(HistoryPopup),
    Reschedule(Box<ReschedulePicker>),
    Doctors(DoctorPicker),
}

#[derive(Debug, Clone)]
pub struct AgendaState {
    pub viewer: Viewer,
    pub period: Period,
    /// The day shown (or a day of the week shown).
    pub date: NaiveDate,
    /// Staff: the doctor shown, None = all.
    pub doctor: Option<DoctorSummary>,
    pub rows: Vec<AppointmentView>,
    pub loaded: bool,
    pub selected: usize,
    pub doctors: Vec<DoctorSummary>,
    pub modal: Option<Modal>,
    pub load_request: Option<u64>,
    pub doctors_request: Option<u64>,
    pub action_request: Option<u64>,
    pub history_request: Option<u64>,
    pub slots_request: Option<u64>,
    /// A patient's list jumps to the first upcoming appointment once.
    pub jumped: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    Back,
    OpenBooking,
    /// The payments of the selected appointment.
    OpenPayments(Box<AppointmentView>),
    /// The prescription of the selected appointment (editor for its doctor).
    OpenPrescription(i32),
    Request(AgendaOp),
    Info(String),
    Error(String),
}

/// What a reply changed, for the app (see [`super::Outcome`]).
pub type ReplyOutcome = super::Outcome<AgendaOp>;

/// The UTC instant of local midnight starting `date`.
fn midnight_utc(tz: Tz, date: NaiveDate) -> NaiveDateTime {
    let local = date.and_time(NaiveTime::MIN);
    tz.from_local_datetime(&local)
        .earliest()
        .map_or(local, |t| t.naive_utc())
}

fn local(tz: Tz, utc: NaiveDateTime) -> NaiveDateTime {
    tz.from_utc_datetime(&utc).naive_local()
}

/// "Tue 13 Jan 10:00" (local) for prompts.
fn short_label(tz: Tz, v: &AppointmentView) -> String {
    format!(
        "{} · {} with {}",
        label(tz, v.appointment.start_utc, "%a %-d %b %H:%M"),
        v.patient_name,
        v.doctor_name
    )
}

impl AgendaState {
    pub fn new(viewer: Viewer, today: NaiveDate) -> AgendaState {
        AgendaState {
            viewer,
            period: Period::Day,
            date: today,
            doctor: None,
            rows: Vec::new(),
            loaded: false,
            selected: 0,
            doctors: Vec::new(),
            modal: None,
            load_request: None,
            doctors_request: None,
            action_request: None,
            history_request: None,
            slots_request: None,
            jumped: false,
        }
    }

    pub fn context(&self) -> Context {
        match &self.modal {
            None | Some(Modal::History(_)) => Context::Agenda,
            Some(Modal::Reason(_)) => Context::Form,
            Some(Modal::Reschedule(_)) => Context::Booking,
            Some(Modal::Doctors(_)) => Context::Search,
        }
    }

    /// The first local date and the day after the last one shown.
    pub fn range(&self) -> (NaiveDate, NaiveDate) {
        match self.period {
            Period::Day => (self.date, self.date + Days::new(1)),
            Period::Week => {
                let monday = monday_of(self.date);
                (monday, monday + Days::new(7))
            }
        }
    }

    /// What to load for the current view.
    pub fn load_op(&self, tz: Tz) -> AgendaOp {
        let mut filter = ListFilter {
            include_cancelled: true,
            limit: Some(1000),
            ..ListFilter::default()
        };
        match self.viewer {
            Viewer::Patient(id) => filter.patient_id = Some(id),
            Viewer::Doctor(id) => filter.doctor_id = Some(id),
            Viewer::Staff => filter.doctor_id = self.doctor.as_ref().map(|d| d.id),
        }
        if !matches!(self.viewer, Viewer::Patient(_)) {
            let (from, to) = self.range();
            filter.from = Some(midnight_utc(tz, from));
            filter.to = Some(midnight_utc(tz, to));
        }
        AgendaOp::Load(filter)
    }

    pub fn selected_row(&self) -> Option<&AppointmentView> {
        self.rows.get(self.selected)
    }

    /// Doctors matching the picker's text (name or specialization).
    pub fn filtered_doctors(&self, query: &str) -> Vec<&DoctorSummary> {
        crate::tui::widgets::picker::filter_doctors(&self.doctors, query)
    }

    /// Handles a key; `now` is the app's current instant, `tz` the clinic's zone.
    pub fn on_key(
        &mut self,
        key: KeyEvent,
        command: Option<Command>,
        now: DateTime<Utc>,
        tz: Tz,
    ) -> Action {
        match self.modal.take() {
            None => self.on_list_key(command, now, tz),
            Some(Modal::History(h)) => {
                if !matches!(
                    command,
                    Some(Command::Back | Command::History | Command::Open)
                ) {
                    self.modal = Some(Modal::History(h));
                }
                Action::None
            }
            Some(Modal::Reason(mut p)) => {
                let action = match command {
                    Some(Command::Cancel) => return Action::Info("Nothing was cancelled.".into()),
                    Some(Command::Save) if !p.pending => {
                        let reason = p.input.value().trim().to_string();
                        if reason.is_empty() {
                            p.error = Some(
                                "A reason is required to cancel; it is kept with the appointment."
                                    .into(),
                            );
                            Action::None
                        } else {
                            p.error = None;
                            Action::Request(AgendaOp::Cancel {
                                appointment_id: p.appointment_id,
                                reason,
                            })
                        }
                    }
                    Some(Command::Save | Command::NextField | Command::PrevField) => Action::None,
                    _ => {
                        if !p.pending {
                            p.input.handle_event(&Event::Key(key));
                        }
                        Action::None
                    }
                };
                self.modal = Some(Modal::Reason(p));
                action
            }
            Some(Modal::Reschedule(mut r)) => {
                let action = match command {
                    Some(Command::Back) => return Action::Info("Nothing was moved.".into()),
                    Some(Command::Up) => {
                        r.selected = r.selected.saturating_sub(1);
                        Action::None
                    }
                    Some(Command::Down) => {
                        r.selected = (r.selected + 1).min(r.slots.len().saturating_sub(1));
                        Action::None
                    }
                    Some(Command::Open) if !r.pending => match r.slots.get(r.selected) {
                        Some(s) => Action::Request(AgendaOp::Reschedule {
                            appointment_id: r.appointment_id,
                            start_utc: s.start_utc,
                        }),
                        None => Action::Info("No free time to pick.".into()),
                    },
                    _ => Action::None,
                };
                self.modal = Some(Modal::Reschedule(r));
                action
            }
            Some(Modal::Doctors(mut picker)) => {
                let count = self.filtered_doctors(picker.query.value()).len() + 1;
                match command {
                    Some(Command::Cancel) => return Action::None,
                    Some(Command::Up) => picker.selected = picker.selected.saturating_sub(1),
                    Some(Command::Down) => picker.selected = (picker.selected + 1).min(count - 1),
                    Some(Command::Open) => {
                        self.doctor = match picker.selected {
                            0 => None,
                            i => self
                                .filtered_doctors(picker.query.value())
                                .get(i - 1)
                                .map(|d| (*d).clone()),
                        };
                        self.selected = 0;
                        return Action::Request(self.load_op(tz));
                    }
                    _ => {
                        picker.query.handle_event(&Event::Key(key));
                        picker.selected = 0;
                    }
                }
                self.modal = Some(Modal::Doctors(picker));
                Action::None
            }
        }
    }

    fn on_list_key(&mut self, command: Option<Command>, now: DateTime<Utc>, tz: Tz) -> Action {
        let today = now.with_timezone(&tz).date_naive();
        let patient = matches!(self.viewer, Viewer::Patient(_));
        let step = match self.period {
            Period::Day => 1,
            Period::Week => 7,
        };
        match command {
            Some(Command::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Command::Down) => {
                self.selected = (self.selected + 1).min(self.rows.len().saturating_sub(1));
            }
            Some(Command::Back) => return Action::Back,
            Some(
                Command::PrevWeek | Command::NextWeek | Command::ThisWeek | Command::ToggleWeek,
            ) if patient => {
                return Action::Info("All your appointments are listed, past and upcoming.".into());
            }
            Some(Command::PrevWeek) => {
                self.date = self.date - Days::new(step);
                return self.reload(tz);
            }
            Some(Command::NextWeek) => {
                self.date = self.date + Days::new(step);
                return self.reload(tz);
            }
            Some(Command::ThisWeek) => {
                self.date = today;
                return self.reload(tz);
            }
            Some(Command::ToggleWeek) => {
                self.period = match self.period {
                    Period::Day => Period::Week,
                    Period::Week => Period::Day,
                };
                return self.reload(tz);
            }
            Some(Command::Search) => {
                if self.viewer != Viewer::Staff {
                    return Action::Info("This agenda shows your own appointments.".into());
                }
                self.modal = Some(Modal::Doctors(DoctorPicker::default()));
                if self.doctors.is_empty() && self.doctors_request.is_none() {
                    return Action::Request(AgendaOp::LoadDoctors);
                }
            }
            Some(Command::OpenPrescription) => {
                return match self.selected_row() {
                    Some(v) => Action::OpenPrescription(v.appointment.id),
                    None => Action::Info("No appointment selected.".into()),
                };
            }
            Some(Command::Payments) => {
                if matches!(self.viewer, Viewer::Doctor(_)) {
                    return Action::Info("Payments are handled at the front desk.".into());
                }
                return match self.selected_row() {
                    Some(v) => Action::OpenPayments(Box::new(v.clone())),
                    None => Action::Info("No appointment selected.".into()),
                };
            }
            Some(Command::Book) => {
                if matches!(self.viewer, Viewer::Doctor(_)) {
                    return Action::Info("The front desk books appointments.".into());
                }
                return Action::OpenBooking;
            }
            Some(Command::History | Command::Open) => {
                let Some(v) = self.selected_row() else {
                    return Action::Info("No appointment selected.".into());
                };
                let (id, label) = (v.appointment.id, short_label(tz, v));
                self.modal = Some(Modal::History(HistoryPopup {
                    appointment_id: id,
                    label,
                    rows: None,
                }));
                return Action::Request(AgendaOp::History { appointment_id: id });
            }
            Some(Command::CancelAppointment) => {
                let Some(v) = self.booked_row("cancelled") else {
                    return self.not_booked("cancelled");
                };
                let (id, label) = (v.appointment.id, short_label(tz, v));
                self.modal = Some(Modal::Reason(ReasonPrompt {
                    appointment_id: id,
                    label,
                    input: Input::default(),
                    error: None,
                    pending: false,
                }));
            }
            Some(Command::Reschedule) => {
                let Some(v) = self.booked_row("rescheduled") else {
                    return self.not_booked("rescheduled");
                };
                if v.appointment.start_utc <= now.naive_utc() {
                    return Action::Info(
                        "This appointment has already started; it cannot be moved.".into(),
                    );
                }
                let duration = u32::try_from(v.appointment.duration_minutes).unwrap_or(60);
                let picker = ReschedulePicker {
                    appointment_id: v.appointment.id,
                    doctor_id: v.appointment.doctor_id,
                    doctor_name: v.doctor_name.clone(),
                    duration_minutes: duration,
                    label: short_label(tz, v),
                    slots: Vec::new(),
                    loaded: false,
                    selected: 0,
                    pending: false,
                    error: None,
                };
                let op = AgendaOp::Slots {
                    doctor_id: picker.doctor_id,
                    from: today,
                    days: DAYS,
                    duration_minutes: duration,
                };
                self.modal = Some(Modal::Reschedule(Box::new(picker)));
                return Action::Request(op);
            }
            Some(Command::MarkCompleted) => {
                return self.mark(AppointmentStatus::Completed, now);
            }
            Some(Command::MarkNoShow) => return self.mark(AppointmentStatus::NoShow, now),
            _ => {}
        }
        Action::None
    }

    fn reload(&mut self, tz: Tz) -> Action {
        self.selected = 0;
        Action::Request(self.load_op(tz))
    }

    fn booked_row(&self, _what: &str) -> Option<&AppointmentView> {
        self.selected_row()
            .filter(|v| v.appointment.status == AppointmentStatus::Booked)
    }

    fn not_booked(&self, what: &str) -> Action {
        match self.selected_row() {
            None => Action::Info("No appointment selected.".into()),
            Some(v) => Action::Info(format!(
                "This appointment is {}; only booked appointments can be {what}.",
                v.appointment.status.label().to_lowercase()
            )),
        }
    }

    fn mark(&mut self, status: AppointmentStatus, now: DateTime<Utc>) -> Action {
        if matches!(self.viewer, Viewer::Patient(_)) {
            return Action::Error(
                "Only the clinic marks appointments completed or no-show.".into(),
            );
        }
        let Some(v) = self.booked_row("marked") else {
            return self.not_booked("marked");
        };
        if v.appointment.start_utc > now.naive_utc() {
            return Action::Info(
                "This appointment has not started yet; it can be cancelled, not marked.".into(),
            );
        }
        Action::Request(AgendaOp::Mark {
            appointment_id: v.appointment.id,
            status,
        })
    }

    /// Records the id of a request this screen started.
    pub fn started(&mut self, op: &AgendaOp, request: u64) {
        match op {
            AgendaOp::Load(_) => self.load_request = Some(request),
            AgendaOp::LoadDoctors => self.doctors_request = Some(request),
            AgendaOp::History { .. } => self.history_request = Some(request),
            AgendaOp::Slots { .. } => self.slots_request = Some(request),
            AgendaOp::Cancel { .. } | AgendaOp::Mark { .. } | AgendaOp::Reschedule { .. } => {
                self.action_request = Some(request);
                match &mut self.modal {
                    Some(Modal::Reason(p)) => p.pending = true,
                    Some(Modal::Reschedule(r)) => r.pending = true,
                    _ => {}
                }
            }
        }
    }

    /// A result came back; stale ones (not the latest of their kind) are dropped.
    pub fn on_reply(
        &mut self,
        request: u64,
        reply: AgendaReply,
        now: DateTime<Utc>,
        tz: Tz,
    ) -> ReplyOutcome {
        let mut out = ReplyOutcome::default();
        match reply {
            AgendaReply::Appointments(result) => {
                if self.load_request != Some(request) {
                    return out;
                }
                self.load_request = None;
                out.current = true;
                match result {
                    Ok(rows) => {
                        self.rows = rows;
                        self.loaded = true;
                        if matches!(self.viewer, Viewer::Patient(_)) && !self.jumped {
                            self.jumped = true;
                            let now = now.naive_utc();
                            self.selected = self
                                .rows
                                .iter()
                                .position(|v| v.appointment.end_utc() > now)
                                .unwrap_or(self.rows.len().saturating_sub(1));
                        }
                        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
                    }
                    Err(e) => out.error = Some(e),
                }
            }
            AgendaReply::Doctors(result) => {
                if self.doctors_request != Some(request) {
                    return out;
                }
                self.doctors_request = None;
                out.current = true;
                match result {
                    Ok(list) => self.doctors = list,
                    Err(e) => out.error = Some(e),
                }
            }
            AgendaReply::History(result) => {
                if self.history_request != Some(request) {
                    return out;
                }
                self.history_request = None;
                out.current = true;
                match result {
                    Ok(rows) => {
                        if let Some(Modal::History(h)) = &mut self.modal {
                            h.rows = Some(rows);
                        }
                    }
                    Err(e) => {
                        if matches!(self.modal, Some(Modal::History(_))) {
                            self.modal = None;
                        }
                        out.error = Some(e);
                    }
                }
            }
            AgendaReply::Slots(result) => {
                if self.slots_request != Some(request) {
                    return out;
                }
                self.slots_request = None;
                out.current = true;
                match (result, &mut self.modal) {
                    (Ok(slots), Some(Modal::Reschedule(r))) => {
                        r.slots = slots
                            .into_iter()
                            .map(|s| SlotChoice {
                                doctor_id: r.doctor_id,
                                doctor_name: r.doctor_name.clone(),
                                start_utc: s.start_utc,
                                end_utc: s.end_utc,
                                location_id: s.location_id,
                            })
                            .collect();
                        r.loaded = true;
                        r.selected = r.selected.min(r.slots.len().saturating_sub(1));
                    }
                    (Ok(_), _) => {}
                    (Err(e), _) => out.error = Some(e),
                }
            }
            AgendaReply::Done(result) => {
                if self.action_request != Some(request) {
                    return out;
                }
                self.action_request = None;
                out.current = true;
                match result {
                    Ok(message) => {
                        if matches!(self.modal, Some(Modal::Reason(_) | Modal::Reschedule(_))) {
                            self.modal = None;
                        }
                        out.info = Some(message);
                        out.then = Some(self.load_op(tz));
                    }
                    Err(e) => {
                        match &mut self.modal {
                            Some(Modal::Reason(p)) => {
                                p.pending = false;
                                p.error = Some(e.clone());
                            }
                            Some(Modal::Reschedule(r)) => {
                                // Someone took that time: show why and offer fresh times.
                                r.pending = false;
                                r.error = Some(e.clone());
                                out.then = Some(AgendaOp::Slots {
                                    doctor_id: r.doctor_id,
                                    from: now.with_timezone(&tz).date_naive(),
                                    days: DAYS,
                                    duration_minutes: r.duration_minutes,
                                });
                            }
                            _ => {}
                        }
                        out.error = Some(e);
                    }
                }
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------
// Wiring into the app (called from `update`).

/// Opens the agenda on today for the signed-in user.
pub fn open(state: &mut AppState) -> Vec<Effect> {
    let Some(session) = &state.session else {
        return Vec::new();
    };
    let viewer = match (session.role(), session.actor.id()) {
        (Role::Doctor, Some(id)) => Viewer::Doctor(id),
        (Role::Patient, Some(id)) => Viewer::Patient(id),
        _ => Viewer::Staff,
    };
    let tz = state.clinic.time_zone;
    let today = state.now.with_timezone(&tz).date_naive();
    let agenda = AgendaState::new(viewer, today);
    let first = agenda.load_op(tz);
    state.screen = Screen::Agenda(Box::new(agenda));
    state.status = None;
    request(state, first)
}

fn request(state: &mut AppState, op: AgendaOp) -> Vec<Effect> {
    let Some(actor) = state.session.as_ref().map(|s| s.actor.clone()) else {
        return Vec::new();
    };
    let request = state.next_request();
    let Screen::Agenda(a) = &mut state.screen else {
        return Vec::new();
    };
    a.started(&op, request);
    state.busy = Some(op.busy_text().to_string());
    vec![Effect::Agenda { request, actor, op }]
}

pub fn on_key(state: &mut AppState, key: KeyEvent, command: Option<Command>) -> Vec<Effect> {
    let (now, tz) = (state.now, state.clinic.time_zone);
    let Screen::Agenda(a) = &mut state.screen else {
        return Vec::new();
    };
    match a.on_key(key, command, now, tz) {
        Action::None => Vec::new(),
        Action::Back => {
            booking::go_home(state);
            Vec::new()
        }
        Action::OpenBooking => booking::open(state),
        Action::OpenPayments(v) => crate::tui::screens::payments::open(state, *v),
        Action::OpenPrescription(id) => {
            crate::tui::update::open_prescription_for_appointment(state, id)
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

pub fn on_reply(state: &mut AppState, request_id: u64, reply: AgendaReply) -> Vec<Effect> {
    let (now, tz) = (state.now, state.clinic.time_zone);
    let Screen::Agenda(a) = &mut state.screen else {
        return Vec::new(); // the screen was left: stale
    };
    let outcome = a.on_reply(request_id, reply, now, tz);
    super::settle_reply(state, outcome, request)
}

// ---------------------------------------------------------------------------------------
// Rendering

fn block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(title, theme.title()))
}

fn status_style(status: AppointmentStatus, theme: &Theme) -> Style {
    match status {
        AppointmentStatus::Booked => Style::new(),
        AppointmentStatus::Cancelled => theme.dim().add_modifier(Modifier::CROSSED_OUT),
        AppointmentStatus::Completed => theme.dim(),
        AppointmentStatus::NoShow => theme.error(),
    }
}

fn header_line<'a>(state: &AgendaState, width: usize, theme: &Theme) -> Line<'a> {
    let (title, who) = match state.viewer {
        Viewer::Patient(_) => ("My appointments".to_string(), String::new()),
        _ => {
            let title = match state.period {
                Period::Day => state.date.format("%A %-d %B %Y").to_string(),
                Period::Week => {
                    let monday = monday_of(state.date);
                    format!(
                        "Week of {} (W{:02})",
                        monday.format("%a %-d %b %Y"),
                        monday.iso_week().week()
                    )
                }
            };
            let who = match (&state.viewer, &state.doctor) {
                (Viewer::Doctor(_), _) => "my appointments".to_string(),
                (_, Some(d)) => format!("{} ({})", d.full_name, d.specialization),
                (_, None) => "all doctors".to_string(),
            };
            (title, who)
        }
    };
    let mut spans = vec![Span::styled(format!(" {title} "), theme.title())];
    if !who.is_empty() {
        spans.push(Span::raw(format!("· {who}")));
    }
    let hint = match state.viewer {
        Viewer::Staff => "t today · / doctor · b book",
        Viewer::Doctor(_) => "t today",
        Viewer::Patient(_) => "b book",
    };
    let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    if used + hint.chars().count() + 3 <= width {
        let pad = width - used - hint.chars().count() - 1;
        spans.push(Span::raw(" ".repeat(pad)));
        spans.push(Span::styled(hint, theme.dim()));
    }
    Line::from(spans)
}

pub fn render(frame: &mut Frame, area: Rect, state: &AgendaState, tz: Tz, theme: &Theme) {
    if area.height < 5 || area.width < 40 {
        return;
    }
    let width = usize::from(area.width);
    frame.render_widget(
        Paragraph::new(header_line(state, width, theme)),
        Rect { height: 1, ..area },
    );
    let table_area = Rect {
        y: area.y + 1,
        height: area.height - 2,
        ..area
    };
    let wide = width >= 110;
    let patient_view = matches!(state.viewer, Viewer::Patient(_));
    let time_w: u16 = match (patient_view, state.period) {
        (true, _) => 21,
        (false, Period::Day) => 11,
        (false, Period::Week) => 16,
    };
    let time_text = |v: &AppointmentView| {
        let (s, e) = (v.appointment.start_utc, v.appointment.end_utc());
        match (patient_view, state.period) {
            (true, _) => label(tz, s, "%a %-d %b %Y %H:%M"),
            (false, Period::Day) => format!("{}–{}", label(tz, s, "%H:%M"), label(tz, e, "%H:%M")),
            (false, Period::Week) => label(tz, s, "%a %-d %b %H:%M"),
        }
    };
    // Only the rows that fit are built: a chain's day can hold thousands.
    let visible = usize::from(table_area.height.saturating_sub(1)).max(1);
    let first = (state.selected + 1).saturating_sub(visible);
    // A time in the repeated hour of a fall-back night carries its zone: make room.
    let time_w = state
        .rows
        .iter()
        .skip(first)
        .take(visible)
        .map(|v| u16::try_from(time_text(v).chars().count()).unwrap_or(u16::MAX))
        .fold(time_w, u16::max);
    let mut header = vec!["Time", "Doctor"];
    if !patient_view {
        header.push("Patient");
    }
    header.extend(["Status", "Min"]);
    if wide {
        header.push("Location");
    }
    let mut widths = vec![
        Constraint::Length(time_w),
        Constraint::Length(if wide { 24 } else { 18 }),
    ];
    if !patient_view {
        widths.push(Constraint::Fill(1));
    }
    widths.extend([Constraint::Length(9), Constraint::Length(4)]);
    if wide {
        widths.push(Constraint::Length(20));
    }
    if patient_view {
        widths[1] = Constraint::Fill(1);
    }
    let rows: Vec<Row> = state
        .rows
        .iter()
        .skip(first)
        .take(visible)
        .map(|v| {
            let a = &v.appointment;
            let mut cells = vec![Cell::from(time_text(v)), Cell::from(v.doctor_name.clone())];
            if !patient_view {
                cells.push(Cell::from(v.patient_name.clone()));
            }
            cells.push(Cell::from(Span::styled(
                a.status.label(),
                status_style(a.status, theme),
            )));
            cells.push(Cell::from(a.duration_minutes.to_string()));
            if wide {
                cells.push(Cell::from(v.location_name.clone().unwrap_or_default()));
            }
            Row::new(cells)
        })
        .collect();
    let empty = rows.is_empty();
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(Style::new().add_modifier(Modifier::BOLD)))
        .row_highlight_style(theme.focus())
        .highlight_symbol("▶")
        .highlight_spacing(HighlightSpacing::Always)
        .column_spacing(1);
    let mut ts = TableState::default().with_selected((!empty).then_some(state.selected - first));
    frame.render_stateful_widget(table, table_area, &mut ts);
    if empty {
        let text = if state.load_request.is_some() && !state.loaded {
            "Loading…".to_string()
        } else {
            match (state.viewer, state.period) {
                (Viewer::Patient(_), _) => {
                    "You have no appointments yet. Press b to book one.".into()
                }
                (_, Period::Day) => "No appointments on this day.".to_string(),
                (_, Period::Week) => "No appointments in this week.".to_string(),
            }
        };
        frame.render_widget(
            Paragraph::new(Span::styled(format!("  {text}"), theme.dim())),
            Rect {
                y: table_area.y + 2,
                height: 1,
                ..table_area
            },
        );
    }
    // The selected appointment in one line.
    let detail = state.selected_row().map(|v| {
        let a = &v.appointment;
        let mut parts = vec![format!("#{} {}", a.id, v.specialization)];
        if let Some(l) = &v.location_name {
            parts.push(l.clone());
        }
        if let Some(r) = &a.cancel_reason {
            parts.push(format!("cancelled: {r}"));
        }
        if patient_view {
            parts.push(when_label(tz, a.start_utc, i64::from(a.duration_minutes)));
        } else {
            parts.push(v.patient_email.clone());
        }
        parts.join(" · ")
    });
    frame.render_widget(
        Paragraph::new(Span::styled(
            format!(" {}", detail.unwrap_or_default()),
            theme.info(),
        )),
        Rect {
            y: area.y + area.height - 1,
            height: 1,
            ..area
        },
    );

    match &state.modal {
        None => {}
        Some(Modal::Reason(p)) => render_reason(frame, area, p, theme),
        Some(Modal::History(h)) => render_history(frame, area, h, tz, theme),
        Some(Modal::Reschedule(r)) => render_reschedule(frame, area, r, tz, theme),
        Some(Modal::Doctors(p)) => render_picker(frame, area, state, p, theme),
    }
}

fn render_reason(frame: &mut Frame, area: Rect, p: &ReasonPrompt, theme: &Theme) {
    let boxed = popup(frame, area, 70, 8);
    let b = block(" Cancel the appointment ".into(), theme);
    let inner = b.inner(boxed);
    frame.render_widget(b, boxed);
    if inner.height < 4 || inner.width < 20 {
        return;
    }
    let row = |i: u16| Rect {
        x: inner.x + 1,
        y: inner.y + i,
        width: inner.width - 2,
        height: 1,
    };
    frame.render_widget(Paragraph::new(p.label.clone()), row(0));
    frame.render_widget(Paragraph::new("Reason:"), Rect { width: 8, ..row(1) });
    let f = Rect {
        x: row(1).x + 8,
        width: row(1).width.saturating_sub(8),
        ..row(1)
    };
    if let Some(pos) = text_field(frame, f, &p.input, None, true, theme) {
        frame.set_cursor_position(pos);
    }
    let (msg, style) = if p.pending {
        ("Cancelling…".to_string(), theme.info())
    } else if let Some(e) = &p.error {
        (e.clone(), theme.error())
    } else {
        (String::new(), Style::new())
    };
    frame.render_widget(
        Paragraph::new(Span::styled(msg, style)).wrap(Wrap { trim: true }),
        Rect {
            height: 2.min(inner.height - 2),
            ..row(2)
        },
    );
    if inner.height > 4 {
        frame.render_widget(
            Paragraph::new(Span::styled(
                "Enter cancel the appointment · Esc keep it",
                theme.dim(),
            )),
            row(inner.height - 1),
        );
    }
}

fn by_whom(c: &StatusChange) -> String {
    let kind = match c.changed_by_kind.as_str() {
        "FRONT_DESK" => "front desk",
        "ADMIN" => "admin",
        "DOCTOR" => "doctor",
        "PATIENT" => "patient",
        "SYSTEM" => "system",
        other => other,
    };
    match c.changed_by_id {
        Some(id) => format!("{kind} #{id}"),
        None => kind.to_string(),
    }
}

fn render_history(frame: &mut Frame, area: Rect, h: &HistoryPopup, tz: Tz, theme: &Theme) {
    let mut lines = vec![
        Line::from(Span::styled(
            h.label.clone(),
            Style::new().add_modifier(Modifier::BOLD),
        )),
        Line::raw(""),
    ];
    match &h.rows {
        None => lines.push(Line::from(Span::styled("Loading…", theme.dim()))),
        Some(rows) if rows.is_empty() => lines.push(Line::from(Span::styled(
            "No changes recorded.",
            theme.dim(),
        ))),
        Some(rows) => {
            for c in rows {
                let from = c.from_status.map_or("new", |s| s.label());
                let text = format!(
                    "{}  {} → {}  by {}",
                    local(tz, c.changed_at).format("%-d %b %Y %H:%M"),
                    from,
                    c.to_status.label(),
                    by_whom(c)
                );
                lines.push(Line::raw(text));
                let at = |t: NaiveDateTime| label(tz, t, "%a %-d %b %H:%M");
                match (c.old_time, c.new_time) {
                    (Some(old), Some(new)) => lines.push(Line::from(Span::styled(
                        format!("    moved {} → {}", at(old), at(new)),
                        theme.dim(),
                    ))),
                    (None, Some(new)) => lines.push(Line::from(Span::styled(
                        format!("    for {}", at(new)),
                        theme.dim(),
                    ))),
                    _ => {}
                }
                if let Some(r) = c.reason.as_deref().filter(|r| !r.is_empty()) {
                    lines.push(Line::from(Span::styled(
                        format!("    reason: {r}"),
                        theme.dim(),
                    )));
                }
            }
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled("Esc close", theme.dim())));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let boxed = popup(frame, area, 78, height);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(" Status history ".into(), theme)),
        boxed,
    );
}

fn render_reschedule(frame: &mut Frame, area: Rect, r: &ReschedulePicker, tz: Tz, theme: &Theme) {
    let boxed = popup(frame, area, 60, area.height);
    let b = block(format!(" Move to · next {DAYS} days "), theme);
    let inner = b.inner(boxed);
    frame.render_widget(b, boxed);
    if inner.height < 4 || inner.width < 20 {
        return;
    }
    let mut top = vec![Line::raw(r.label.clone())];
    if r.pending {
        top.push(Line::from(Span::styled("Rescheduling…", theme.info())));
    } else if let Some(e) = &r.error {
        top.push(Line::from(Span::styled(e.clone(), theme.error())));
    }
    if r.slots.is_empty() {
        let text = if r.loaded {
            format!("No free time in the next {DAYS} days.")
        } else {
            "Loading free times…".to_string()
        };
        top.push(Line::from(Span::styled(text, theme.dim())));
    }
    let used = u16::try_from(top.len()).unwrap_or(1).min(inner.height);
    let rect = |y: u16, h: u16| Rect {
        x: inner.x + 1,
        y,
        width: inner.width - 2,
        height: h,
    };
    frame.render_widget(
        Paragraph::new(top).wrap(Wrap { trim: true }),
        rect(inner.y, used),
    );
    let list_h = inner.height.saturating_sub(used + 1);
    let lines = slot_lines(&r.slots, tz, r.selected, false, usize::from(list_h), theme);
    frame.render_widget(Paragraph::new(lines), rect(inner.y + used, list_h));
    frame.render_widget(
        Paragraph::new(Span::styled(
            "Enter move here · Esc keep the time",
            theme.dim(),
        )),
        rect(inner.y + inner.height - 1, 1),
    );
}

fn render_picker(
    frame: &mut Frame,
    area: Rect,
    state: &AgendaState,
    p: &DoctorPicker,
    theme: &Theme,
) {
    use crate::tui::widgets::picker;
    let mut entries = vec!["All doctors".to_string()];
    entries.extend(
        state
            .filtered_doctors(p.query.value())
            .into_iter()
            .map(picker::doctor_entry),
    );
    let loading = state.doctors_request.is_some() && state.doctors.is_empty();
    let note = loading.then_some("Loading…");
    picker::render(
        frame,
        area,
        &picker::Picker {
            title: "Whose agenda",
            query: &p.query,
            entries: &entries,
            selected: p.selected,
            note,
        },
        theme,
    );
}
