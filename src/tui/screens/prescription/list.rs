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
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::RECENT_DAYS;
use super::editor::EditorScreen;
use super::form::{self, Form, FormKey, render_form};
use super::timeline::TimelineScreen;
use super::view::{boxed, fit, local};
use super::viewer::ViewerScreen;
use crate::domain::{Actor, Role};
use crate::service::prescriptions::{AppointmentBrief, Insight};
use crate::service::{ServiceError, Services};
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Action, Actions, Commands, Ctx, Operation, Screen};
use crate::tui::screens::abandon::forget;

/// How many days the insight panel counts.
pub const INSIGHT_DAYS: i64 = 90;

#[derive(Debug, Clone)]
pub struct RxListScreen {
    pub items: Vec<AppointmentBrief>,
    pub selected: usize,
    pub loaded: bool,
    pub insight: Option<Insight>,
    /// An admin's "a patient by id" form.
    pub form: Option<Form>,
    loading: Option<u64>,
    counting: Option<u64>,
}

impl RxListScreen {
    /// The list for the signed-in user (loaded when the screen opens).
    pub fn new(_cx: &Ctx) -> RxListScreen {
        RxListScreen {
            items: Vec::new(),
            selected: 0,
            loaded: false,
            insight: None,
            form: None,
            loading: None,
            counting: None,
        }
    }

    fn open(&self, cx: &Ctx) -> Actions<ListOp> {
        let Some(item) = self.items.get(self.selected) else {
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
        mut form: Form,
        key: KeyEvent,
        command: Option<Command>,
    ) -> Actions<ListOp> {
        match form.handle(key, command) {
            FormKey::Cancel => return Vec::new(),
            FormKey::Apply => match form.value(0).trim().parse::<i32>() {
                Ok(id) if id > 0 => {
                    return vec![Action::Open(TimelineScreen::for_patient(id).into())];
                }
                _ => form.error = Some("A patient id is a positive number, e.g. 42.".into()),
            },
            FormKey::Edited => {}
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
        let n = self.items.len();
        match command {
            Some(Command::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Command::Down) => self.selected = (self.selected + 1).min(n.saturating_sub(1)),
            Some(Command::Back) => return vec![Action::Back],
            Some(Command::Open) => return self.open(cx),
            Some(Command::Timeline) if role != Role::FrontDesk => {
                if let Some(item) = self.items.get(self.selected) {
                    let timeline = TimelineScreen::for_patient(item.patient_id);
                    return vec![Action::Open(timeline.into())];
                }
            }
            Some(Command::FindPatient) if role == Role::Admin => {
                self.form = Some(Form::patient_id());
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
                        self.selected = self.selected.min(items.len().saturating_sub(1));
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
            render_form(frame, area, form, cx.theme);
        }
    }

    fn commands(&self, cx: &Ctx, out: &mut Commands) {
        if self.form.is_some() {
            form::commands(out);
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
    if !list.loaded {
        frame.render_widget(Paragraph::new(Span::styled("Loading…", theme.dim())), inner);
    } else if list.items.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled("No appointments in this period.", theme.dim())),
            inner,
        );
    } else {
        let visible = usize::from(inner.height.saturating_sub(1)).max(1);
        let start = list.selected.saturating_sub(visible.saturating_sub(1));
        let rows: Vec<Row> = list
            .items
            .iter()
            .enumerate()
            .skip(start)
            .take(visible)
            .map(|(i, a)| {
                let rx_mark = match (a.prescription_version, role) {
                    (Some(_), Role::FrontDesk) => "✓ exists".to_string(),
                    (Some(v), _) => format!("✓ v{v}"),
                    (None, _) => "—".to_string(),
                };
                let mut cells = vec![
                    Cell::from(local(tz, a.start_utc)),
                    Cell::from(a.patient_name.clone()),
                ];
                if staff {
                    cells.push(Cell::from(a.doctor_name.clone()));
                }
                cells.push(Cell::from(a.status.label()));
                cells.push(Cell::from(rx_mark));
                let row = Row::new(cells);
                if i == list.selected {
                    row.style(theme.focus())
                } else {
                    row
                }
            })
            .collect();
        let mut widths = vec![Constraint::Length(16), Constraint::Min(12)];
        let mut header = vec!["When", "Patient"];
        if staff {
            widths.push(Constraint::Min(10));
            header.push("Doctor");
        }
        widths.extend([Constraint::Length(9), Constraint::Length(9)]);
        header.extend(["Status", "Rx"]);
        let table = Table::new(rows, widths)
            .header(Row::new(header).style(theme.dim().add_modifier(Modifier::BOLD)));
        frame.render_widget(table, inner);
    }
    if let (Some(side), Some(insight)) = (side, &list.insight) {
        let mut lines = vec![Line::from(Span::styled("Top medications", theme.title()))];
        if insight.medications.is_empty() {
            lines.push(Line::from(Span::styled(" none", theme.dim())));
        }
        for (name, n) in &insight.medications {
            lines.push(Line::raw(format!(" {n:>3}  {}", fit(name, 22))));
        }
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled("Top tags", theme.title())));
        if insight.tags.is_empty() {
            lines.push(Line::from(Span::styled(" none", theme.dim())));
        }
        for (tag, n) in &insight.tags {
            lines.push(Line::raw(format!(" {n:>3}  {}", fit(tag, 22))));
        }
        frame.render_widget(
            Paragraph::new(lines).block(boxed(format!(" Last {INSIGHT_DAYS} days "), false, theme)),
            side,
        );
    }
}
