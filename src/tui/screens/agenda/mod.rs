//! The agenda: one day or one week (`w`) of appointments, for one doctor or all of them
//! (staff pick with `d`), in the clinic's time zone; the hub of the front desk. Enter
//! opens the selected appointment ([`appointment`]: patient, doctor, place, status and
//! history, payments, whether a prescription exists, its series). On the selected row
//! or the open appointment: `c` cancel (a reason is asked), `r` reschedule (free times
//! of the same doctor for 14 days), for an appointment of a series either this one or
//! this and every later one; `m` completed, `n` no-show, `h` the status history, `p`
//! its payments, `e` its prescription, `b` books with its patient and doctor chosen.
//! `/` finds patients in the list as you type (name or email), `v` hides or shows the
//! cancelled ones, `o` opens the waitlist (the header counts its offers), `x` writes the
//! doctor's (or the selected patient's) appointments as a calendar file.
//! Doctors see their own agenda; patients see all their appointments, past and
//! upcoming, and can cancel, move or book.
//!
//! Payments, booking and the waitlist open on top of the agenda: Esc there comes back
//! here with the day, week, doctor and cursor as they were.

pub mod appointment;
mod keys;
mod ops;
mod replies;
mod view;

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use tui_input::Input;

pub use appointment::{AppointmentPage, DetailData};
pub use ops::{AgendaOp, AgendaReply};

use crate::domain::Role;
use crate::domain::appointment::{
    Allowed, AppointmentStatus, AppointmentView, ListFilter, Refusal, StatusChange,
};
use crate::domain::local_time::label;
use crate::service::availability::{DoctorSummary, monday_of};
use crate::service::waitlist::WaitlistCounts;
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Action, Actions, Commands, Ctx, Screen};
use crate::tui::screens::booking::{BookingScreen, DAYS, SlotChoice};
use crate::tui::screens::payments::PaymentsScreen;
use crate::tui::screens::prescription::editor::EditorScreen;
use crate::tui::screens::waitlist::WaitlistScreen;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::table::TableView;

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

/// The one field of the cancel-reason prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonField {
    Reason,
    /// For an appointment of a series with later ones: this one, or this and all later.
    Scope,
}

/// The cancel-reason prompt: the appointment it is about, and a one-field form (its
/// error under the field, "Saving…" while the cancellation is in flight).
#[derive(Debug, Clone)]
pub struct ReasonPrompt {
    pub appointment_id: i32,
    pub label: String,
    pub form: Form<ReasonField>,
    /// How many booked appointments of its series come after it (0: none, or not one
    /// of a series); with some, the form asks which to cancel.
    pub later: usize,
}

fn reason_form() -> Form<ReasonField> {
    Form::new("Cancel the appointment")
        .text(ReasonField::Reason, "Reason", "", "stays on record")
        .with_footer("Enter cancel the appointment · Esc keep it")
}

impl ReasonPrompt {
    pub fn new(appointment_id: i32, label: String) -> ReasonPrompt {
        ReasonPrompt {
            appointment_id,
            label,
            form: reason_form(),
            later: 0,
        }
    }

    /// The appointment turned out to have `later` booked ones after it in its series:
    /// ask which to cancel (this one stays the default), keeping what was typed.
    pub fn set_later(&mut self, later: usize) {
        if later == self.later || self.form.is_pending() {
            return;
        }
        self.later = later;
        let reason = self.reason().to_string();
        let focus = self.form.focus();
        let mut form = reason_form();
        if later > 0 {
            let all = match later {
                1 => "This and the 1 later one".to_string(),
                n => format!("This and the {n} later ones"),
            };
            form = Form::new("Cancel the appointment")
                .text(ReasonField::Reason, "Reason", "", "stays on record")
                .choice(
                    ReasonField::Scope,
                    "Which",
                    ["This one only".to_string(), all],
                    0,
                    match later {
                        1 => "←→ or also the later one".to_string(),
                        n => format!("←→ or also the {n} later"),
                    },
                )
                .with_footer("Enter cancel · Tab next field · Esc keep it");
        }
        form.set(ReasonField::Reason, reason);
        if let Some(f) = focus.filter(|f| later > 0 || *f == ReasonField::Reason) {
            form.set_focus(f);
        }
        self.form = form;
    }

    /// Whether this and every later appointment of the series are to be cancelled.
    pub fn all_later(&self) -> bool {
        self.later > 0 && self.form.selected(ReasonField::Scope) == Some(1)
    }

    /// What was typed, as typed.
    pub fn reason(&self) -> &str {
        self.form.value(ReasonField::Reason)
    }

    pub fn pending(&self) -> bool {
        self.form.is_pending()
    }
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
    /// Booked appointments of its series after it (0: none or no series).
    pub later: usize,
    /// Move this and every later one (←→ change it when there are later ones).
    pub all_later: bool,
}

/// The `d` doctor picker; row 0 is "All doctors".
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

/// A screen the agenda opened on top of itself: on coming back, whether what it lists
/// may have changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    /// A booking may have added an appointment: reload.
    Booking,
    /// A payment changes nothing the agenda lists (time, people, place, status): the
    /// rows stay as they are (and no needless read is audited).
    Payments,
    /// Neither does a prescription (but the open appointment shows whether one exists).
    Prescription,
    /// An offer may have been booked: reload, and count the waitlist again.
    Waitlist,
}

#[derive(Debug, Clone)]
pub struct AgendaScreen {
    pub viewer: Viewer,
    pub period: Period,
    /// The day shown (or a day of the week shown).
    pub date: NaiveDate,
    /// Staff: the doctor shown, None = all.
    pub doctor: Option<DoctorSummary>,
    pub rows: Vec<AppointmentView>,
    pub loaded: bool,
    /// The selected row and the table's scroll position.
    pub view: TableView,
    pub doctors: Vec<DoctorSummary>,
    pub modal: Option<Modal>,
    pub load_request: Option<u64>,
    pub doctors_request: Option<u64>,
    pub action_request: Option<u64>,
    pub history_request: Option<u64>,
    pub slots_request: Option<u64>,
    /// A patient's list jumps to the first upcoming appointment once.
    pub jumped: bool,
    /// The screen opened from here that is (or was last) on top.
    pub opened: Option<Opened>,
    /// The appointment the cursor was on when the same view was reloaded: the cursor
    /// stays on it wherever it is listed now.
    pub keep: Option<i32>,
    /// `v`: cancelled appointments are left out of the list.
    pub hide_cancelled: bool,
    /// `/`: only patients whose name or email contains this are listed.
    pub find: Input,
    /// Typing goes into the find field.
    pub finding: bool,
    /// The indexes into `rows` of the rows listed (after the find and the cancelled
    /// filter); the table's selection is a position in this.
    pub visible: Vec<usize>,
    /// The open appointment view (Enter).
    pub detail: Option<AppointmentPage>,
    pub detail_request: Option<u64>,
    pub series_request: Option<u64>,
    pub counts_request: Option<u64>,
    pub export_request: Option<u64>,
    /// Staff: the waitlist's counts, for the header.
    pub waitlist: Option<WaitlistCounts>,
}

/// What a key on the agenda asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum AgendaKey {
    None,
    Back,
    /// Booking, pre-filled with the selected row's patient and doctor when there is one.
    OpenBooking(Option<Box<crate::tui::screens::booking::Prefill>>),
    /// The payments of the selected appointment.
    OpenPayments(Box<AppointmentView>),
    /// The prescription of the selected appointment.
    OpenPrescription(i32),
    OpenWaitlist,
    Request(AgendaOp),
    /// Several requests at once (in this order).
    Requests(Vec<AgendaOp>),
    Info(String),
    Error(String),
}

// ---------------------------------------------------------------------------------------
// The state

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

/// "Tue 13 Jan 10:00 · patient with doctor" (local) for prompts.
fn short_label(tz: Tz, v: &AppointmentView) -> String {
    format!(
        "{} · {} with {}",
        label(tz, v.appointment.start_utc, "%a %-d %b %H:%M"),
        v.patient_name,
        v.doctor_name
    )
}

impl AgendaScreen {
    pub fn new(viewer: Viewer, today: NaiveDate) -> AgendaScreen {
        AgendaScreen {
            viewer,
            period: Period::Day,
            date: today,
            doctor: None,
            rows: Vec::new(),
            loaded: false,
            view: TableView::new(),
            doctors: Vec::new(),
            modal: None,
            load_request: None,
            doctors_request: None,
            action_request: None,
            history_request: None,
            slots_request: None,
            jumped: false,
            opened: None,
            keep: None,
            hide_cancelled: false,
            find: Input::default(),
            finding: false,
            visible: Vec::new(),
            detail: None,
            detail_request: None,
            series_request: None,
            counts_request: None,
            export_request: None,
            waitlist: None,
        }
    }

    /// The agenda of the signed-in user, on today: a doctor's own, a patient's own, or
    /// (staff) every doctor's.
    pub fn for_user(cx: &Ctx) -> AgendaScreen {
        let viewer = match (cx.role(), cx.actor_id()) {
            (Role::Doctor, Some(id)) => Viewer::Doctor(id),
            (Role::Patient, Some(id)) => Viewer::Patient(id),
            _ => Viewer::Staff,
        };
        AgendaScreen::new(viewer, cx.today())
    }

    pub fn context(&self) -> Context {
        match &self.modal {
            None if self.finding => Context::Search,
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

    /// Loads the same view again, the cursor staying on the selected appointment.
    pub fn refresh(&mut self, tz: Tz) -> AgendaOp {
        self.keep = self.target().map(|v| v.appointment.id);
        self.load_op(tz)
    }

    /// The position of the selected row among those listed (0 in an empty list).
    pub fn selected(&self) -> usize {
        self.view.selected()
    }

    pub fn selected_row(&self) -> Option<&AppointmentView> {
        self.visible
            .get(self.selected())
            .and_then(|i| self.rows.get(*i))
    }

    /// The appointment the keys act on: the open one, else the selected row.
    pub fn target(&self) -> Option<&AppointmentView> {
        self.detail
            .as_ref()
            .map(|d| &d.view)
            .or_else(|| self.selected_row())
    }

    /// The rows listed, in order.
    pub fn listed(&self) -> impl Iterator<Item = &AppointmentView> {
        self.visible.iter().filter_map(|i| self.rows.get(*i))
    }

    /// Whether a row passes the find text and the cancelled filter.
    pub fn shows(&self, v: &AppointmentView) -> bool {
        if self.hide_cancelled && v.appointment.status == AppointmentStatus::Cancelled {
            return false;
        }
        let q = self.find.value().trim().to_lowercase();
        q.is_empty()
            || v.patient_name.to_lowercase().contains(&q)
            || v.patient_email.to_lowercase().contains(&q)
    }

    /// Lists the rows that pass the filters again; the cursor stays on appointment
    /// `keep` when it is still listed (else on the same position, within the list).
    pub fn refilter(&mut self, keep: Option<i32>) {
        let visible: Vec<usize> = (0..self.rows.len())
            .filter(|i| self.shows(&self.rows[*i]))
            .collect();
        self.visible = visible;
        let len = self.visible.len();
        if let Some(id) = keep
            && let Some(pos) = self
                .visible
                .iter()
                .position(|i| self.rows[*i].appointment.id == id)
        {
            self.view.select(pos, len);
        }
        self.view.clamp(len);
    }

    /// The doctor column is left out when one doctor's agenda is shown.
    pub fn shows_doctor_column(&self) -> bool {
        match self.viewer {
            Viewer::Patient(_) => true,
            Viewer::Doctor(_) => false,
            Viewer::Staff => self.doctor.is_none(),
        }
    }

    /// What the signed-in `cx.actor()` may do to `v` now: the domain's rule, the one the
    /// booking service enforces, so a key refuses with the service's own sentence.
    pub fn allowed(v: &AppointmentView, cx: &Ctx) -> Allowed {
        crate::domain::appointment::allowed(&v.appointment, &cx.actor(), cx.now.naive_utc())
    }

    /// Doctors matching the picker's text (name or specialization).
    pub fn filtered_doctors(&self, query: &str) -> Vec<&DoctorSummary> {
        crate::tui::widgets::picker::filter_doctors(&self.doctors, query)
    }

    /// Records the id of a request this screen started.
    pub fn record(&mut self, op: &AgendaOp, request: u64) {
        match op {
            AgendaOp::Load(_) => self.load_request = Some(request),
            AgendaOp::LoadDoctors => self.doctors_request = Some(request),
            AgendaOp::History { .. } => self.history_request = Some(request),
            AgendaOp::Slots { .. } => self.slots_request = Some(request),
            AgendaOp::SeriesOf { .. } => self.series_request = Some(request),
            AgendaOp::Detail { .. } => self.detail_request = Some(request),
            AgendaOp::WaitlistCounts => self.counts_request = Some(request),
            AgendaOp::ExportCalendar { .. } => self.export_request = Some(request),
            AgendaOp::Cancel { .. }
            | AgendaOp::Mark { .. }
            | AgendaOp::Reschedule { .. }
            | AgendaOp::CancelSeries { .. }
            | AgendaOp::RescheduleSeries { .. } => {
                self.action_request = Some(request);
                match &mut self.modal {
                    Some(Modal::Reason(p)) => p.form.set_pending(true),
                    Some(Modal::Reschedule(r)) => r.pending = true,
                    _ => {}
                }
            }
        }
    }

    /// The request that loads the open appointment's view.
    pub fn detail_op(&self) -> Option<AgendaOp> {
        self.detail.as_ref().map(|d| AgendaOp::Detail {
            appointment_id: d.id(),
            patient_id: d.view.appointment.patient_id,
            location_id: d.view.appointment.location_id,
        })
    }

    /// The changes to the appointment the keys act on, greyed out when it does not
    /// allow them now (shared by the list and the appointment view).
    fn change_commands(&self, cx: &Ctx, out: &mut Commands) {
        let patient = matches!(self.viewer, Viewer::Patient(_));
        let doctor = matches!(self.viewer, Viewer::Doctor(_));
        let row = self.target();
        let rules = row.map(|v| AgendaScreen::allowed(v, cx));
        let may = |rule: fn(&Allowed) -> &Result<(), Refusal>| {
            rules.as_ref().is_some_and(|a| rule(a).is_ok())
        };
        out.add(Command::CancelAppointment, "cancel", may(|a| &a.cancel))
            .add(Command::Reschedule, "move", may(|a| &a.reschedule));
        // Marking is the clinic's: a patient is not offered it at all.
        if !patient {
            out.add(Command::MarkCompleted, "done", may(|a| &a.complete))
                .add(Command::MarkNoShow, "no-show", may(|a| &a.no_show));
        }
        if !doctor {
            out.add(Command::Payments, "pay", row.is_some());
        }
        // The front desk may only know that a prescription exists (the appointment
        // view shows it).
        if cx.role() != Role::FrontDesk {
            out.add(Command::OpenPrescription, "rx", row.is_some());
        }
        out.add(Command::History, "hist", row.is_some());
        if !doctor {
            out.add(Command::Book, "book", true);
        }
    }

    /// The commands of the list (no popup open), for this viewer and row.
    fn list_commands(&self, cx: &Ctx, out: &mut Commands) {
        let patient = matches!(self.viewer, Viewer::Patient(_));
        let row = self.selected_row();
        out.add(Command::Open, "open", row.is_some());
        if !patient {
            let toggle = match self.period {
                Period::Day => "week",
                Period::Week => "day",
            };
            out.group(&[Command::PrevWeek, Command::NextWeek], "date", true)
                .add(Command::ToggleWeek, toggle, true);
        }
        self.change_commands(cx, out);
        if !patient {
            out.add(Command::FindInView, "find", true);
        }
        if self.viewer == Viewer::Staff {
            out.add(Command::Search, "doctor", true);
        }
        out.add(
            Command::ToggleCancelled,
            if self.hide_cancelled {
                "show cancelled"
            } else {
                "hide cancelled"
            },
            true,
        );
        if self.viewer == Viewer::Staff {
            out.add(Command::Waitlist, "waitlist", true);
        }
        out.add(
            Command::ExportCalendar,
            ".ics",
            self.viewer != Viewer::Staff || self.doctor.is_some() || row.is_some(),
        );
        if !patient {
            out.add(Command::ThisWeek, "today", true);
        }
        out.add(Command::Back, "back", true)
            .more(Command::Up, "up", true)
            .more(Command::Down, "down", true);
    }

    /// The commands of the open appointment.
    fn detail_commands(&self, cx: &Ctx, out: &mut Commands) {
        out.add(Command::Back, "list", true);
        self.change_commands(cx, out);
        out.group(
            &[Command::Up, Command::Down],
            "prev/next",
            self.visible.len() > 1,
        );
    }
}

impl Screen for AgendaScreen {
    type Op = AgendaOp;

    fn context(&self) -> Context {
        AgendaScreen::context(self)
    }

    fn on_enter(&mut self, cx: &Ctx) -> Actions<AgendaOp> {
        let mut out = Vec::new();
        if self.viewer == Viewer::Staff {
            out.push(Action::Request(AgendaOp::WaitlistCounts));
        }
        out.push(Action::Request(self.load_op(cx.tz())));
        out
    }

    fn on_resume(&mut self, cx: &Ctx) -> Actions<AgendaOp> {
        let mut out = Vec::new();
        match self.opened.take() {
            Some(Opened::Booking) => out.push(Action::Request(self.refresh(cx.tz()))),
            Some(Opened::Waitlist) => {
                out.push(Action::Request(AgendaOp::WaitlistCounts));
                out.push(Action::Request(self.refresh(cx.tz())));
            }
            Some(Opened::Payments | Opened::Prescription) | None => {}
        }
        // The open appointment shows payments and the prescription: read them again.
        if let Some(op) = self.detail_op() {
            out.push(Action::Request(op));
        }
        out
    }

    fn on_key(&mut self, key: KeyEvent, command: Option<Command>, cx: &Ctx) -> Actions<AgendaOp> {
        match self.handle(key, command, cx) {
            AgendaKey::None => Vec::new(),
            AgendaKey::Back => vec![Action::Back],
            AgendaKey::OpenBooking(prefill) => {
                self.opened = Some(Opened::Booking);
                let screen = BookingScreen::open_with(cx, prefill.map(|p| *p));
                vec![Action::Open(screen.into())]
            }
            AgendaKey::OpenPayments(v) => {
                self.opened = Some(Opened::Payments);
                vec![Action::Open(PaymentsScreen::new(*v).into())]
            }
            // The editor for its doctor; a patient or an admin reads it instead (the
            // editor screen hands over to the viewer), and a refusal comes back here.
            AgendaKey::OpenPrescription(id) => {
                self.opened = Some(Opened::Prescription);
                vec![Action::Open(EditorScreen::for_appointment(id).into())]
            }
            AgendaKey::OpenWaitlist => {
                self.opened = Some(Opened::Waitlist);
                vec![Action::Open(WaitlistScreen::new().into())]
            }
            AgendaKey::Request(op) => vec![Action::Request(op)],
            AgendaKey::Requests(ops) => ops.into_iter().map(Action::Request).collect(),
            AgendaKey::Info(text) => vec![Action::Info(text)],
            AgendaKey::Error(text) => vec![Action::Error(text)],
        }
    }

    fn started(&mut self, request: u64, op: &AgendaOp) {
        self.record(op, request);
    }

    fn on_reply(&mut self, request: u64, reply: AgendaReply, cx: &Ctx) -> Actions<AgendaOp> {
        self.answer(request, reply, cx.now.naive_utc(), cx.today(), cx.tz())
    }

    fn abandon(&mut self, request: u64) {
        use super::abandon::forget;
        forget(&mut self.load_request, request);
        forget(&mut self.doctors_request, request);
        forget(&mut self.history_request, request);
        forget(&mut self.slots_request, request);
        forget(&mut self.series_request, request);
        // The appointment that never loaded closes (the failure is said by the runtime).
        if forget(&mut self.detail_request, request)
            && self.detail.as_ref().is_some_and(|d| d.data.is_none())
        {
            self.detail = None;
        }
        forget(&mut self.counts_request, request);
        forget(&mut self.export_request, request);
        if forget(&mut self.action_request, request) {
            match &mut self.modal {
                Some(Modal::Reason(r)) => r.form.set_pending(false),
                Some(Modal::Reschedule(r)) => r.pending = false,
                _ => {}
            }
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        view::render(
            frame,
            area,
            self,
            cx.role() == Role::FrontDesk,
            cx.tz(),
            cx.theme,
        );
    }

    fn commands(&self, cx: &Ctx, out: &mut Commands) {
        match &self.modal {
            None if self.finding => {
                out.group(&[Command::Up, Command::Down], "move", true)
                    .add(Command::Open, "done", true)
                    .add(Command::Cancel, "clear", true);
            }
            None if self.detail.is_some() => self.detail_commands(cx, out),
            None => self.list_commands(cx, out),
            Some(Modal::History(_)) => {
                out.add(Command::Back, "close", true);
            }
            Some(Modal::Reason(p)) => {
                out.add(Command::Save, "cancel it", !p.pending()).add(
                    Command::Cancel,
                    "keep it",
                    true,
                );
            }
            Some(Modal::Reschedule(r)) => {
                out.group(&[Command::Up, Command::Down], "time", true);
                if r.later > 0 {
                    out.group(&[Command::Left, Command::Right], "this/all later", true);
                }
                out.add(
                    Command::Open,
                    "move here",
                    !r.pending && !r.slots.is_empty(),
                )
                .add(Command::Back, "keep the time", true);
            }
            Some(Modal::Doctors(_)) => {
                out.group(&[Command::Up, Command::Down], "move", true)
                    .add(Command::Open, "pick", true)
                    .add(Command::Cancel, "cancel", true);
            }
        }
    }
}
