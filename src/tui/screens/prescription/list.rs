//! The home menu's "Prescriptions": the last fortnight's appointments with whether each
//! has a prescription. A doctor opens the editor of their own (Enter) and anyone but the
//! front desk opens a patient's timeline (t) or a prescription read-only; the front desk
//! only learns that one exists. Doctors and admins see the top medications and tags (i);
//! an admin opens any patient's timeline by id (/). Reloaded when a screen opened from
//! here closes, keeping the selection.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::RECENT_DAYS;
use super::editor::EditorScreen;
use super::forms::{self, PatientIdForm};
use super::timeline::TimelineScreen;
use super::view::{boxed, local};
use super::viewer::ViewerScreen;
use crate::domain::{Actor, Role};
use crate::service::prescriptions::{AppointmentBrief, Insight};
use crate::service::{ServiceError, Services};
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Action, Actions, Commands, Ctx, Operation, Screen};
use crate::tui::screens::abandon::forget;
use crate::tui::widgets::form::FormOutcome;
use crate::tui::widgets::table::{Column, DataTable, TableView};
use crate::tui::widgets::text::{pad_left, truncate};

/// How many days the insight panel counts.
pub const INSIGHT_DAYS: i64 = 90;

#[derive(Debug, Clone)]
pub struct RxListScreen {
    pub items: Vec<AppointmentBrief>,
    /// The selected row and the scroll position.
    pub view: TableView,
    pub loaded: bool,
    pub insight: Option<Insight>,
    /// An admin's "a patient by id" form.
    pub form: Option<PatientIdForm>,
    loading: Option<u64>,
    counting: Option<u64>,
}

impl RxListScreen {
    /// The list for the signed-in user (loaded when the screen opens).
    pub fn new(_cx: &Ctx) -> RxListScreen {
        RxListScreen {
            items: Vec::new(),
            view: TableView::new(),
            loaded: false,
            insight: None,
            form: None,
            loading: None,
            counting: None,
        }
    }

    /// The selected row.
    pub fn selected(&self) -> usize {
        self.view.selected()
    }

    fn open(&self, cx: &Ctx) -> Actions<ListOp> {
        let Some(item) = self.items.get(self.selected()) else {
            return vec![Action::Info("No appointments in this period.".into())];
        };
        match cx.role() {
            Role::Doctor if Some(item.doctor_id) == cx.actor_id() => vec![Action::Open(
                EditorScreen::for_appointment(item.appointment_id).into(),
            )],
            Role::FrontDesk => vec![Action::Info(match item.prescription_version {
                Some(_) => format!(
                    "{} has a prescription for this appointment; only the doctor and the patient can read it.",
                    item.patient_name
                ),
                None => "No prescription for this appointment yet.".into(),
            })],
            _ if item.prescription_version.is_none() => {
                vec![Action::Info(
                    "No prescription for this appointment yet.".into(),
                )]
            }
            _ => vec![Action::Open(
                ViewerScreen::for_appointment(item.appointment_id).into(),
            )],
        }
    }

    fn on_form_key(
        &mut self,
        mut form: PatientIdForm,
        key: KeyEvent,
        command: Option<Command>,
    ) -> Actions<ListOp> {
        match form.on_key(&key, command) {
            FormOutcome::Cancel => return Vec::new(),
            FormOutcome::Submit => {
                if let Some(id) = forms::patient_id_from(&mut form) {
                    return vec![Action::Open(TimelineScreen::for_patient(id).into())];
                }
            }
            _ => {}
        }
        self.form = Some(form);
        Vec::new()
    }
}

/// What the list asks of the services.
#[derive(Debug, Clone, PartialEq)]
pub enum ListOp {
    /// Appointments from `from` to `to` (UTC) with their prescription flags.
    Load {
        from: NaiveDateTime,
        to: NaiveDateTime,
    },
    /// The top medications and tags of the last `days` days.
    Insight { days: i64 },
}

#[derive(Debug, Clone, PartialEq)]
pub enum ListReply {
    Loaded(Result<Vec<AppointmentBrief>, ServiceError>),
    Insight(Result<Insight, ServiceError>),
}

impl ListOp {
    /// The last fortnight and today, as of `now`.
    pub fn recent(now: DateTime<Utc>) -> ListOp {
        let today = now.date_naive();
        let from = (today - Duration::days(RECENT_DAYS))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default();
        let to = (today + Duration::days(1))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default();
        ListOp::Load { from, to }
    }
}

impl Operation for ListOp {
    type Reply = ListReply;

    fn busy_text(&self) -> &'static str {
        match self {
            ListOp::Load { .. } => "Loading appointments",
            ListOp::Insight { .. } => "Counting",
        }
    }

    async fn run(self, services: &Services, actor: &Actor) -> ListReply {
        match self {
            ListOp::Load { from, to } => {
                ListReply::Loaded(services.recent_for_prescriptions(actor, from, to).await)
            }
            ListOp::Insight { days } => ListReply::Insight(services.insight(actor, days, 8).await),
        }
    }
}

impl Screen for RxListScreen {
    type Op = ListOp;

    fn context(&self) -> Context {
        if self.form.is_some() {
            Context::Form
        } else {
            Context::PrescriptionList
        }
    }

    fn on_enter(&mut self, cx: &Ctx) -> Actions<ListOp> {
        vec![Action::Request(ListOp::recent(cx.now))]
    }

    /// Back from an editor, a viewer or a timeline: a prescription may have changed.
    fn on_resume(&mut self, cx: &Ctx) -> Actions<ListOp> {
        vec![Action::Request(ListOp::recent(cx.now))]
    }

    fn on_key(&mut self, key: KeyEvent, command: Option<Command>, cx: &Ctx) -> Actions<ListOp> {
        if let Some(form) = self.form.take() {
            return self.on_form_key(form, key, command);
        }
        let role = cx.role();
        if self.view.on_key(&key, command, self.items.len()) {
            return Vec::new();
        }
        match command {
            Some(Command::Back) => return vec![Action::Back],
            Some(Command::Open) => return self.open(cx),
            Some(Command::Timeline) if role != Role::FrontDesk => {
                if let Some(item) = self.items.get(self.selected()) {
                    let timeline = TimelineScreen::for_patient(item.patient_id);
                    return vec![Action::Open(timeline.into())];
                }
            }
            Some(Command::FindPatient) if role == Role::Admin => {
                self.form = Some(forms::patient_id());
            }
            Some(Command::Insight) if matches!(role, Role::Doctor | Role::Admin) => {
                // Toggles the panel: a second press hides it.
                let was_shown = self.insight.take().is_some();
                return if was_shown {
                    Vec::new()
                } else {
                    vec![Action::Request(ListOp::Insight { days: INSIGHT_DAYS })]
                };
            }
            _ => {}
        }
        Vec::new()
    }

    fn started(&mut self, request: u64, op: &ListOp) {
        match op {
            ListOp::Load { .. } => self.loading = Some(request),
            ListOp::Insight { .. } => self.counting = Some(request),
        }
    }

    fn on_reply(&mut self, request: u64, reply: ListReply, _cx: &Ctx) -> Actions<ListOp> {
        match reply {
            ListReply::Loaded(result) if self.loading == Some(request) => {
                self.loading = None;
                match result {
                    Ok(items) => {
                        self.view.clamp(items.len());
                        self.items = items;
                        self.loaded = true;
                        Vec::new()
                    }
                    Err(e) => vec![Action::Failed(e)],
                }
            }
            ListReply::Insight(result) if self.counting == Some(request) => {
                self.counting = None;
                match result {
                    Ok(insight) => {
                        self.insight = Some(insight);
                        Vec::new()
                    }
                    Err(e) => vec![Action::Failed(e)],
                }
            }
            _ => Vec::new(),
        }
    }

    fn abandon(&mut self, request: u64) {
        forget(&mut self.loading, request);
        forget(&mut self.counting, request);
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        render_list(frame, area, self, cx);
        if let Some(form) = &self.form {
            form.render_popup(frame, area, cx.theme);
        }
    }

    fn commands(&self, cx: &Ctx, out: &mut Commands) {
        if self.form.is_some() {
            forms::commands(out, false);
            return;
        }
        let role = cx.role();
        let any = !self.items.is_empty();
        out.group(&[Command::Up, Command::Down], "move", any)
            .add(Command::Open, "open", any);
        if role != Role::FrontDesk {
            out.add(Command::Timeline, "timeline", any);
        }
        if matches!(role, Role::Doctor | Role::Admin) {
            out.add(Command::Insight, "insight", true);
        }
        if role == Role::Admin {
            out.add(Command::FindPatient, "patient", true);
        }
        out.add(Command::Back, "back", true);
    }
}

fn render_list(frame: &mut Frame, area: Rect, list: &RxListScreen, cx: &Ctx) {
    let theme = cx.theme;
    let tz = cx.tz();
    let role = cx.role();
    let (main, side) = if list.insight.is_some() && area.width >= 70 {
        let cols = Layout::horizontal([Constraint::Min(40), Constraint::Length(30)]).split(area);
        (cols[0], Some(cols[1]))
    } else {
        (area, None)
    };
    let staff = role != Role::Doctor;
    let title = match role {
        Role::Doctor => format!(" Your appointments, last {RECENT_DAYS} days "),
        _ => format!(" Appointments, last {RECENT_DAYS} days "),
    };
    let block = boxed(title, true, theme);
    let inner = block.inner(main);
    frame.render_widget(block, main);
    let mut columns = vec![
        Column::new("When", Constraint::Length(16)),
        Column::new("Patient", Constraint::Fill(1)),
    ];
    if staff {
        columns.push(Column::new("Doctor", Constraint::Fill(1)));
    }
    columns.extend([
        Column::new("Status", Constraint::Length(9)),
        Column::new("Rx", Constraint::Length(9)),
    ]);
    let table = DataTable::new(columns).empty(if list.loaded {
        "No appointments in this period."
    } else {
        "Loading…"
    });
    table.render_with(
        frame,
        inner,
        &list.view,
        list.items.len(),
        |i| {
            let a = &list.items[i];
            let rx_mark = match (a.prescription_version, role) {
                (Some(_), Role::FrontDesk) => "✓ exists".to_string(),
                (Some(v), _) => format!("✓ v{v}"),
                (None, _) => "—".to_string(),
            };
            let mut cells = vec![
                Span::raw(local(tz, a.start_utc)),
                Span::raw(a.patient_name.as_str()),
            ];
            if staff {
                cells.push(Span::raw(a.doctor_name.as_str()));
            }
            cells.push(Span::raw(a.status.label()));
            cells.push(Span::raw(rx_mark));
            cells
        },
        theme,
    );
    if let (Some(side), Some(insight)) = (side, &list.insight) {
        let mut lines = vec![Line::from(Span::styled("Top medications", theme.title()))];
        if insight.medications.is_empty() {
            lines.push(Line::from(Span::styled(" none", theme.dim())));
        }
        let count = |name: &str, n: &i64| {
            Line::raw(format!(
                " {}  {}",
                pad_left(&n.to_string(), 3),
                truncate(name, 22)
            ))
        };
        for (name, n) in &insight.medications {
            lines.push(count(name, n));
        }
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled("Top tags", theme.title())));
        if insight.tags.is_empty() {
            lines.push(Line::from(Span::styled(" none", theme.dim())));
        }
        for (tag, n) in &insight.tags {
            lines.push(count(tag, n));
        }
        frame.render_widget(
            Paragraph::new(lines).block(boxed(format!(" Last {INSIGHT_DAYS} days "), false, theme)),
            side,
        );
    }
}
