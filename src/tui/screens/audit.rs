//! The audit viewer (admins only): filters for the person (email prefix), the patient id,
//! the action (prefix) and local dates, the results newest first, and `x` to export the
//! shown result as CSV (the runtime writes the file and says where).

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::form::{Form, FormKey, field, fit};
use crate::domain::audit::{AuditEntry, Outcome};
use crate::tui::effect::Effect;
use crate::tui::keymap::{Command, Context};
use crate::tui::state::{AppState, Screen};
use crate::tui::theme::Theme;
use crate::tui::widgets::text_field;

/// At most this many entries per search.
pub const LIMIT: u32 = 1000;

/// The filters as the runtime needs them (dates are local, converted by the service).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditQuery {
    pub actor_email: Option<String>,
    pub patient_id: Option<i32>,
    pub action: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub limit: u32,
}

#[derive(Clone, PartialEq)]
pub enum AuditOp {
    Search(AuditQuery),
    /// Write these entries as CSV to a file called `file_name` (the runtime picks the
    /// folder) and answer with the path.
    Export {
        entries: Vec<AuditEntry>,
        file_name: String,
    },
}

/// No audit contents in logs: the operation and the row count only.
impl std::fmt::Debug for AuditOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuditOp::Search(q) => f.debug_tuple("Search").field(q).finish(),
            AuditOp::Export { entries, file_name } => f
                .debug_struct("Export")
                .field("rows", &entries.len())
                .field("file_name", file_name)
                .finish(),
        }
    }
}

impl AuditOp {
    pub fn busy_text(&self) -> &'static str {
        match self {
            AuditOp::Search(_) => "Searching the audit trail",
            AuditOp::Export { .. } => "Writing the CSV file",
        }
    }
}

#[derive(Debug, Clone)]
pub enum AuditReply {
    Entries(Result<Vec<AuditEntry>, String>),
    /// Where the file went, or why it could not be written.
    Exported(Result<String, String>),
}

#[derive(Debug, Clone)]
pub struct AuditState {
    /// Person, patient id, action, from, to.
    pub filters: Form,
    /// Whether keys go into the filter fields.
    pub editing: bool,
    pub entries: Vec<AuditEntry>,
    /// The query of the entries shown.
    pub shown: Option<AuditQuery>,
    pub selected: usize,
    pub request: Option<u64>,
    pub export_request: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    Back,
    Request(AuditOp),
    Info(String),
    Error(String),
}

const F_PERSON: usize = 0;
const F_PATIENT: usize = 1;
const F_ACTION: usize = 2;
const F_FROM: usize = 3;
const F_TO: usize = 4;

impl Default for AuditState {
    fn default() -> Self {
        AuditState::new()
    }
}

impl AuditState {
    pub fn new() -> AuditState {
        AuditState {
            filters: Form::new(
                "Filters",
                vec![
                    field("Person", "", "email prefix"),
                    field("Patient", "", "id"),
                    field("Action", "", "prefix, e.g. LOGIN"),
                    field("From", "", "YYYY-MM-DD"),
                    field("To", "", "YYYY-MM-DD"),
                ],
            ),
            editing: false,
            entries: Vec::new(),
            shown: None,
            selected: 0,
            request: None,
            export_request: None,
        }
    }

    pub fn context(&self) -> Context {
        if self.editing {
            Context::Form
        } else {
            Context::Audit
        }
    }

    /// The query the filter fields describe, or the field to fix and why.
    pub fn query(&self) -> Result<AuditQuery, (usize, String)> {
        let text = |i: usize| {
            let t = self.filters.value(i).trim();
            (!t.is_empty()).then(|| t.to_string())
        };
        let date = |i: usize, what: &str| -> Result<Option<NaiveDate>, (usize, String)> {
            match text(i) {
                None => Ok(None),
                Some(t) => match crate::domain::validation::date(&t) {
                    Ok(d) => Ok(Some(d)),
                    Err(crate::domain::validation::ValidationError::Date(_)) => Err((
                        i,
                        format!("\"{t}\" is not a {what} date; type it as YYYY-MM-DD."),
                    )),
                    Err(e) => Err((i, e.to_string())),
                },
            }
        };
        let patient_id = match text(F_PATIENT) {
            None => None,
            Some(t) => Some(t.parse::<i32>().ok().filter(|n| *n > 0).ok_or_else(|| {
                (
                    F_PATIENT,
                    format!("\"{t}\" is not a patient id; type a number such as 42."),
                )
            })?),
        };
        let from = date(F_FROM, "from")?;
        let to = date(F_TO, "to")?;
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err((F_TO, "The \"to\" date is before the \"from\" date.".into()));
        }
        Ok(AuditQuery {
            actor_email: text(F_PERSON).map(|e| e.to_lowercase()),
            patient_id,
            action: text(F_ACTION).map(|a| a.to_uppercase()),
            from,
            to,
            limit: LIMIT,
        })
    }

    /// The first search, with no filters.
    pub fn initial_request(&self) -> AuditOp {
        AuditOp::Search(AuditQuery {
            limit: LIMIT,
            ..AuditQuery::default()
        })
    }

    /// `now` names the export file (`audit-YYYYMMDD-HHMMSS.csv`, clinic time).
    pub fn on_key(
        &mut self,
        key: KeyEvent,
        command: Option<Command>,
        now: DateTime<Utc>,
        tz: Tz,
    ) -> Action {
        if self.editing {
            return match self.filters.on_key(key, command) {
                FormKey::Cancel => {
                    self.editing = false;
                    self.filters.error = None;
                    Action::None
                }
                FormKey::Save => match self.query() {
                    Ok(q) => {
                        self.editing = false;
                        self.filters.error = None;
                        Action::Request(AuditOp::Search(q))
                    }
                    Err((i, message)) => {
                        self.filters.refuse(i, message);
                        Action::None
                    }
                },
                _ => Action::None,
            };
        }
        let last = self.entries.len().saturating_sub(1);
        match command {
            Some(Command::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Command::Down) => self.selected = (self.selected + 1).min(last),
            Some(Command::PageUp) => self.selected = self.selected.saturating_sub(10),
            Some(Command::PageDown) => self.selected = (self.selected + 10).min(last),
            Some(Command::Filter) => self.editing = true,
            Some(Command::Reload) => {
                return match self.query() {
                    Ok(q) => Action::Request(AuditOp::Search(q)),
                    Err((i, message)) => {
                        self.editing = true;
                        self.filters.refuse(i, message.clone());
                        Action::Error(message)
                    }
                };
            }
            Some(Command::ExportCsv) => {
                if self.export_request.is_some() {
                    return Action::None;
                }
                if self.entries.is_empty() {
                    return Action::Info("Nothing to export: no entries are shown.".into());
                }
                let local = now.with_timezone(&tz);
                return Action::Request(AuditOp::Export {
                    entries: self.entries.clone(),
                    file_name: format!("audit-{}.csv", local.format("%Y%m%d-%H%M%S")),
                });
            }
            Some(Command::Back) => return Action::Back,
            _ => {}
        }
        Action::None
    }

    pub fn started(&mut self, op: &AuditOp, request: u64) {
        match op {
            AuditOp::Search(q) => {
                self.request = Some(request);
                self.shown = Some(q.clone());
            }
            AuditOp::Export { .. } => self.export_request = Some(request),
        }
    }

    /// Returns (current, info, error).
    pub fn on_reply(
        &mut self,
        request: u64,
        reply: AuditReply,
    ) -> (bool, Option<String>, Option<String>) {
        match reply {
            AuditReply::Entries(r) => {
                if self.request != Some(request) {
                    return (false, None, None);
                }
                self.request = None;
                match r {
                    Ok(list) => {
                        let n = list.len();
                        self.entries = list;
                        self.selected = 0;
                        let info = if n == 0 {
                            "No audit entries match these filters.".to_string()
                        } else if n >= LIMIT as usize {
                            format!("The newest {n} entries; narrow the filters to see older ones.")
                        } else {
                            format!("{n} entries.")
                        };
                        (true, Some(info), None)
                    }
                    Err(e) => (true, None, Some(e)),
                }
            }
            AuditReply::Exported(r) => {
                if self.export_request != Some(request) {
                    return (false, None, None);
                }
                self.export_request = None;
                match r {
                    Ok(path) => (
                        true,
                        Some(format!("{} entries exported to {path}", self.entries.len())),
                        None,
                    ),
                    Err(e) => (true, None, Some(e)),
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Wiring into the app (called from `update`).

pub fn open(state: &mut AppState) -> Vec<Effect> {
    let audit = AuditState::new();
    let first = audit.initial_request();
    state.screen = Screen::Audit(Box::new(audit));
    state.status = None;
    request(state, first)
}

fn request(state: &mut AppState, op: AuditOp) -> Vec<Effect> {
    let Some(actor) = state.session.as_ref().map(|s| s.actor.clone()) else {
        return Vec::new();
    };
    let request = state.next_request();
    let Screen::Audit(a) = &mut state.screen else {
        return Vec::new();
    };
    a.started(&op, request);
    state.busy = Some(op.busy_text().to_string());
    vec![Effect::Audit { request, actor, op }]
}

pub fn on_key(state: &mut AppState, key: KeyEvent, command: Option<Command>) -> Vec<Effect> {
    let (now, tz) = (state.now, state.clinic.time_zone);
    let Screen::Audit(a) = &mut state.screen else {
        return Vec::new();
    };
    match a.on_key(key, command, now, tz) {
        Action::None => Vec::new(),
        Action::Back => {
            super::booking::go_home(state);
            Vec::new()
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

pub fn on_reply(state: &mut AppState, request_id: u64, reply: AuditReply) -> Vec<Effect> {
    let Screen::Audit(a) = &mut state.screen else {
        return Vec::new();
    };
    let (current, info, error) = a.on_reply(request_id, reply);
    if !current {
        return Vec::new();
    }
    if a.request.is_none() && a.export_request.is_none() {
        state.busy = None;
    }
    if let Some(text) = info {
        state.info(text);
    }
    if let Some(text) = error {
        state.error(text);
    }
    Vec::new()
}

// ---------------------------------------------------------------------------------------
// Rendering

fn outcome_text(o: Outcome) -> &'static str {
    o.as_str()
}

pub fn render(frame: &mut Frame, area: Rect, state: &AuditState, tz: Tz, theme: &Theme) {
    let wide = area.width >= 100;
    let filter_rows: u16 = if wide { 3 } else { 4 };
    let rows = Layout::vertical([
        Constraint::Length(filter_rows + 1),
        Constraint::Min(3),
        Constraint::Length(2),
    ])
    .split(area);

    // Filters.
    let b = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.border())
        .title(Span::styled(
            if state.editing {
                " Filters · Enter applies, Esc leaves "
            } else {
                " Filters · / to change "
            },
            theme.title(),
        ));
    let inner = b.inner(rows[0]);
    frame.render_widget(b, rows[0]);
    let per_row = if wide { 3 } else { 2 };
    let cell_w = inner.width / per_row;
    for (i, f) in state.filters.fields.iter().enumerate() {
        let r = u16::try_from(i).unwrap_or(0) / per_row;
        let c = u16::try_from(i).unwrap_or(0) % per_row;
        let y = inner.y + r;
        if y >= inner.y + inner.height {
            break;
        }
        let x = inner.x + c * cell_w;
        let focused = state.editing && state.filters.focus == i;
        let label_style = if focused { theme.title() } else { theme.dim() };
        let label = format!("{}{:<8}", if focused { "▶" } else { " " }, f.label);
        frame.render_widget(
            Paragraph::new(Span::styled(label, label_style)),
            Rect {
                x,
                y,
                width: 9,
                height: 1,
            },
        );
        let fw = cell_w.saturating_sub(11).min(24);
        let rect = Rect {
            x: x + 9,
            y,
            width: fw,
            height: 1,
        };
        if let Some(pos) = text_field(frame, rect, &f.input, None, focused, theme) {
            frame.set_cursor_position(pos);
        }
    }
    if let Some(e) = &state.filters.error {
        let y = inner.y + inner.height.saturating_sub(1);
        frame.render_widget(
            Paragraph::new(Span::styled(e.clone(), theme.error())),
            Rect {
                x: inner.x + 1,
                y,
                width: inner.width.saturating_sub(1),
                height: 1,
            },
        );
    }

    // Results.
    let title = format!(
        " Audit trail · {} entries, newest first ",
        state.entries.len()
    );
    let b = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.border())
        .title(Span::styled(title, theme.title()));
    let list = b.inner(rows[1]);
    frame.render_widget(b, rows[1]);
    let w = usize::from(list.width);
    let cols: [usize; 5] = if wide {
        [20, 34, 22, 18, 8]
    } else {
        [13, 21, 18, 12, 7]
    };
    // Each column keeps one space before the next.
    let col = |text: &str, i: usize| format!("{} ", fit(text, cols[i] - 1));
    let row_text =
        |when: &str, who: &str, action: &str, entity: &str, outcome: &str, detail: &str| {
            fit(
                &format!(
                    "{}{}{}{}{}{}",
                    col(when, 0),
                    col(who, 1),
                    col(action, 2),
                    col(entity, 3),
                    col(outcome, 4),
                    detail
                ),
                w.saturating_sub(2),
            )
        };
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "  {}",
            row_text(
                "When",
                "Who",
                "Action",
                "Entity",
                "Result",
                "Patient · detail"
            )
        ),
        theme.dim(),
    ))];
    if state.entries.is_empty() {
        let text = if state.request.is_some() {
            "  Loading…"
        } else {
            "  No entries."
        };
        lines.push(Line::from(Span::styled(text, theme.dim())));
    }
    let room = usize::from(list.height).saturating_sub(1).max(1);
    let first = state.selected.saturating_sub(room.saturating_sub(1));
    let time_format = if wide {
        "%Y-%m-%d %H:%M:%S"
    } else {
        "%d %b %H:%M"
    };
    for (i, e) in state.entries.iter().enumerate().skip(first).take(room) {
        let when = tz
            .from_utc_datetime(&e.occurred_at)
            .format(time_format)
            .to_string();
        let who = format!(
            "{} {}",
            kind_short(&e.actor_kind),
            e.actor_email.as_deref().unwrap_or("-")
        );
        let entity = match &e.entity_id {
            Some(id) => format!("{} {id}", e.entity),
            None => e.entity.clone(),
        };
        let mut detail = String::new();
        if let Some(p) = e.patient_id {
            detail.push_str(&format!("p{p} "));
        }
        if let Some(d) = &e.detail {
            detail.push_str(d);
        }
        let text = row_text(
            &when,
            &who,
            &e.action,
            &entity,
            outcome_text(e.outcome),
            &detail,
        );
        let mut style = if i == state.selected {
            theme.focus()
        } else {
            Style::new()
        };
        if e.outcome != Outcome::Ok && i != state.selected {
            style = style.add_modifier(Modifier::BOLD);
        }
        let marker = if i == state.selected { "▶ " } else { "  " };
        lines.push(Line::from(Span::styled(format!("{marker}{text}"), style)));
    }
    frame.render_widget(Paragraph::new(lines), list);

    // The selected entry in full.
    let detail = state.entries.get(state.selected).map(|e| {
        format!(
            "#{} {} · {} {} · {} · {}{} · {}",
            e.id,
            tz.from_utc_datetime(&e.occurred_at)
                .format("%Y-%m-%d %H:%M:%S %Z"),
            e.actor_kind,
            e.actor_email.as_deref().unwrap_or("-"),
            e.action,
            e.entity,
            e.entity_id
                .as_deref()
                .map(|i| format!(" {i}"))
                .unwrap_or_default(),
            e.outcome.as_str()
        ) + &e
            .patient_id
            .map(|p| format!(" · patient {p}"))
            .unwrap_or_default()
            + &e.detail
                .as_deref()
                .map(|d| format!(" · {d}"))
                .unwrap_or_default()
    });
    frame.render_widget(
        Paragraph::new(Span::styled(detail.unwrap_or_default(), theme.dim()))
            .wrap(Wrap { trim: true }),
        rows[2],
    );
}

/// "FRONT_DESK" → "DESK" and so on, to save columns.
fn kind_short(kind: &str) -> &str {
    match kind {
        "FRONT_DESK" => "DESK",
        "PATIENT" => "PAT",
        "DOCTOR" => "DOC",
        "SYSTEM" => "SYS",
        other => other,
    }
}
