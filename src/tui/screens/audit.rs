//! The audit viewer (admins only): filters for the person (email prefix), the patient id,
//! the action (prefix) and local dates, the results newest first, and `x` to export the
//! shown search as CSV (written to the export folder; the message says where).

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::form::{Form, FormKey, field, fit};
use crate::domain::Actor;
use crate::domain::audit::{AuditEntry, Outcome};
use crate::service::{ServiceError, Services};
use crate::tui::export::{ExportError, write_file};
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Action, Actions, Commands, Ctx, Operation, Screen};
use crate::tui::theme::Theme;
use crate::tui::widgets::text_field;

/// At most this many entries per search.
pub const LIMIT: u32 = 1000;

/// The filters as the service needs them (dates are local, converted by the service).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditQuery {
    pub actor_email: Option<String>,
    pub patient_id: Option<i32>,
    pub action: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AuditOp {
    Search(AuditQuery),
    /// The entries `query` finds, as CSV in a file called `file_name` in the export
    /// folder; answered with the path and the number of entries.
    Export {
        query: AuditQuery,
        file_name: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum AuditReply {
    Entries(Result<Vec<AuditEntry>, ServiceError>),
    /// Where the file went and how many entries it holds, or why there is none.
    Exported(Result<(String, usize), ExportError>),
}

/// The store's filter for `q`. MERGE: `AuditFilter` moves to `domain::audit` (branch
/// `rules`); only the import changes.
fn filter(services: &Services, q: AuditQuery) -> crate::domain::audit::AuditFilter {
    let (from, to) = services.local_day_bounds(q.from, q.to);
    crate::domain::audit::AuditFilter {
        actor_email: q.actor_email,
        patient_id: q.patient_id,
        action: q.action,
        from,
        to,
        limit: q.limit,
        ..Default::default()
    }
}

impl Operation for AuditOp {
    type Reply = AuditReply;

    fn busy_text(&self) -> &'static str {
        match self {
            AuditOp::Search(_) => "Searching the audit trail",
            AuditOp::Export { .. } => "Writing the CSV file",
        }
    }

    async fn run(self, services: &Services, actor: &Actor) -> AuditReply {
        match self {
            AuditOp::Search(q) => {
                AuditReply::Entries(services.search_audit(actor, &filter(services, q)).await)
            }
            AuditOp::Export { query, file_name } => {
                AuditReply::Exported(export(services, actor, query, file_name).await)
            }
        }
    }
}

/// MERGE: with branch `rules`, the CSV (and its audit row) comes from
/// `services.audit_csv(actor, &filter)`: write its `contents`, answer its `rows`.
async fn export(
    services: &Services,
    actor: &Actor,
    query: AuditQuery,
    file_name: String,
) -> Result<(String, usize), ExportError> {
    let entries = services
        .search_audit(actor, &filter(services, query))
        .await?;
    let csv = crate::service::admin::audit_csv(&entries);
    let path = write_file(file_name, csv).await?;
    Ok((path, entries.len()))
}

#[derive(Debug, Clone)]
pub struct AuditScreen {
    /// Person, patient id, action, from, to.
    pub filters: Form,
    /// Whether keys go into the filter fields.
    pub editing: bool,
    pub entries: Vec<AuditEntry>,
    /// The query of the entries shown (what an export covers).
    pub shown: Option<AuditQuery>,
    /// The query of the search in flight; shown once it answers.
    pub searching: Option<AuditQuery>,
    pub selected: usize,
    pub request: Option<u64>,
    pub export_request: Option<u64>,
}

const F_PERSON: usize = 0;
const F_PATIENT: usize = 1;
const F_ACTION: usize = 2;
const F_FROM: usize = 3;
const F_TO: usize = 4;

impl Default for AuditScreen {
    fn default() -> Self {
        AuditScreen::new()
    }
}

impl AuditScreen {
    pub fn new() -> AuditScreen {
        AuditScreen {
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
            searching: None,
            selected: 0,
            request: None,
            export_request: None,
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

    /// What a key does; `cx.now` names the export file (`audit-YYYYMMDD-HHMMSS.csv`,
    /// clinic time).
    pub fn handle(
        &mut self,
        key: KeyEvent,
        command: Option<Command>,
        cx: &Ctx,
    ) -> Actions<AuditOp> {
        if self.editing {
            return match self.filters.on_key(key, command) {
                FormKey::Cancel => {
                    self.editing = false;
                    self.filters.error = None;
                    Vec::new()
                }
                FormKey::Save => match self.query() {
                    Ok(q) => {
                        self.editing = false;
                        self.filters.error = None;
                        vec![Action::Request(AuditOp::Search(q))]
                    }
                    Err((i, message)) => {
                        self.filters.refuse(i, message);
                        Vec::new()
                    }
                },
                _ => Vec::new(),
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
                    Ok(q) => vec![Action::Request(AuditOp::Search(q))],
                    Err((i, message)) => {
                        self.editing = true;
                        self.filters.refuse(i, message.clone());
                        vec![Action::Error(message)]
                    }
                };
            }
            Some(Command::ExportCsv) => {
                if self.export_request.is_some() {
                    return Vec::new();
                }
                let Some(query) = self.shown.clone().filter(|_| !self.entries.is_empty()) else {
                    return vec![Action::Info(
                        "Nothing to export: no entries are shown.".into(),
                    )];
                };
                let local = cx.now.with_timezone(&cx.tz());
                return vec![Action::Request(AuditOp::Export {
                    query,
                    file_name: format!("audit-{}.csv", local.format("%Y%m%d-%H%M%S")),
                })];
            }
            Some(Command::Back) => return vec![Action::Back],
            _ => {}
        }
        Vec::new()
    }

    /// The answer to request `request`; a stale one changes nothing.
    pub fn answer(&mut self, request: u64, reply: AuditReply) -> Actions<AuditOp> {
        match reply {
            AuditReply::Entries(r) => {
                if self.request != Some(request) {
                    return Vec::new();
                }
                self.request = None;
                match r {
                    Ok(list) => {
                        let n = list.len();
                        self.entries = list;
                        self.shown = self.searching.take();
                        self.selected = 0;
                        let info = if n == 0 {
                            "No audit entries match these filters.".to_string()
                        } else if n >= LIMIT as usize {
                            format!("The newest {n} entries; narrow the filters to see older ones.")
                        } else {
                            format!("{n} entries.")
                        };
                        vec![Action::Info(info)]
                    }
                    Err(e) => vec![Action::Failed(e)],
                }
            }
            AuditReply::Exported(r) => {
                if self.export_request != Some(request) {
                    return Vec::new();
                }
                self.export_request = None;
                match r {
                    Ok((path, rows)) => {
                        vec![Action::Info(format!("{rows} entries exported to {path}"))]
                    }
                    Err(e) => vec![e.action()],
                }
            }
        }
    }
}

impl Screen for AuditScreen {
    type Op = AuditOp;

    fn context(&self) -> Context {
        if self.editing {
            Context::Form
        } else {
            Context::Audit
        }
    }

    /// The first search, with no filters.
    fn on_enter(&mut self, _cx: &Ctx) -> Actions<AuditOp> {
        vec![Action::Request(AuditOp::Search(AuditQuery {
            limit: LIMIT,
            ..AuditQuery::default()
        }))]
    }

    fn on_key(&mut self, key: KeyEvent, command: Option<Command>, cx: &Ctx) -> Actions<AuditOp> {
        self.handle(key, command, cx)
    }

    fn started(&mut self, request: u64, op: &AuditOp) {
        match op {
            AuditOp::Search(q) => {
                self.request = Some(request);
                self.searching = Some(q.clone());
            }
            AuditOp::Export { .. } => self.export_request = Some(request),
        }
    }

    fn on_reply(&mut self, request: u64, reply: AuditReply, _cx: &Ctx) -> Actions<AuditOp> {
        self.answer(request, reply)
    }

    fn abandon(&mut self, request: u64) {
        super::abandon::forget(&mut self.request, request);
        super::abandon::forget(&mut self.export_request, request);
        super::abandon::forget(&mut self.filters.pending, request);
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        draw(frame, area, self, cx.tz(), cx.theme);
    }

    fn commands(&self, _cx: &Ctx, out: &mut Commands) {
        if self.editing {
            out.add(Command::Save, "search", true)
                .add(Command::NextField, "next", true)
                .add(Command::Cancel, "close", true)
                .more(Command::PrevField, "previous field", true);
            return;
        }
        let any = !self.entries.is_empty();
        out.add(Command::Filter, "filters", true)
            .add(
                Command::ExportCsv,
                "CSV",
                any && self.export_request.is_none(),
            )
            .group(&[Command::Up, Command::Down], "move", any)
            .group(&[Command::PageUp, Command::PageDown], "page", any)
            .add(Command::Back, "back", true)
            .add(Command::Reload, "reload", true);
    }
}

// ---------------------------------------------------------------------------------------
// Rendering

fn outcome_text(o: Outcome) -> &'static str {
    o.as_str()
}

fn draw(frame: &mut Frame, area: Rect, state: &AuditScreen, tz: Tz, theme: &Theme) {
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
