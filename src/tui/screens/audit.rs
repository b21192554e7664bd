//! The audit viewer (admins only): filters for the person who acted and the patient
//! concerned (each picked by name or email from a list the service finds as you type;
//! the search itself is by their ids), the action (prefix) and local dates (edited in a
//! form over the screen, every mistake under its field), the results newest first in a
//! table, and `x` to export the shown search as the service's CSV (written to the export
//! folder; the message says where).

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::domain::Actor;
use crate::domain::audit::{AuditEntry, Outcome};
use crate::service::{ServiceError, Services};
use crate::store::mysql::people::PersonMatch;
use crate::tui::export::{ExportError, write_file};
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Action, Actions, Commands, Ctx, Operation, Screen};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Form, FormOutcome};
use crate::tui::widgets::picker::{self, Picker};
use crate::tui::widgets::table::{Column, DataTable, TableView};
use crate::tui::widgets::text::{pad, truncate};

/// At most this many entries per search.
pub const LIMIT: u32 = 1000;

/// The filters as the service needs them (dates are local, converted by the service).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditQuery {
    /// Who acted: the audit trail's actor kind (STAFF for admins and front desk, whatever
    /// their role was then; DOCTOR; PATIENT) and id, as picked by name.
    pub actor_kind: Option<String>,
    pub actor_id: Option<i32>,
    pub patient_id: Option<i32>,
    pub action: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AuditOp {
    Search(AuditQuery),
    /// People whose name or email contains `query` (patients only for the patient
    /// filter), for the pickers.
    FindPeople {
        query: String,
        patients_only: bool,
    },
    /// The entries the filters find, as the service's CSV file (audited as an export),
    /// written to the export folder; answered with the path and the number of entries.
    Export(AuditQuery),
}

#[derive(Debug, Clone, PartialEq)]
pub enum AuditReply {
    Entries(Result<Vec<AuditEntry>, ServiceError>),
    People(Result<Vec<PersonMatch>, ServiceError>),
    /// Where the file went and how many entries it holds, or why there is none.
    Exported(Result<(String, usize), ExportError>),
}

/// The service's filter for `q` (local dates to UTC bounds in the clinic's zone).
fn filter(services: &Services, q: AuditQuery) -> crate::domain::audit::AuditFilter {
    let (from, to) = services.local_day_bounds(q.from, q.to);
    crate::domain::audit::AuditFilter {
        actor_kind: q.actor_kind,
        actor_id: q.actor_id,
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
            AuditOp::FindPeople { .. } => "Finding people",
            AuditOp::Export(_) => "Writing the CSV file",
        }
    }

    async fn run(self, services: &Services, actor: &Actor) -> AuditReply {
        match self {
            AuditOp::Search(q) => {
                AuditReply::Entries(services.search_audit(actor, &filter(services, q)).await)
            }
            AuditOp::Export(q) => AuditReply::Exported(export(services, actor, q).await),
            AuditOp::FindPeople {
                query,
                patients_only,
            } => AuditReply::People(services.find_people(actor, &query, patients_only).await),
        }
    }
}

/// The service's CSV of the entries `query` finds, written where exports go.
async fn export(
    services: &Services,
    actor: &Actor,
    query: AuditQuery,
) -> Result<(String, usize), ExportError> {
    let file = services.audit_csv(actor, &filter(services, query)).await?;
    let path = write_file(file.file_name, file.contents).await?;
    Ok((path, file.rows))
}

/// A filter field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditField {
    Person,
    Patient,
    Action,
    From,
    To,
}

impl AuditField {
    pub const ALL: [AuditField; 5] = [
        AuditField::Person,
        AuditField::Patient,
        AuditField::Action,
        AuditField::From,
        AuditField::To,
    ];

    pub fn label(self) -> &'static str {
        match self {
            AuditField::Person => "Person",
            AuditField::Patient => "Patient",
            AuditField::Action => "Action",
            AuditField::From => "From",
            AuditField::To => "To",
        }
    }
}

/// A person or patient picked for a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picked {
    /// The audit trail's actor kind the filter matches (STAFF, DOCTOR, PATIENT).
    pub kind: String,
    pub id: i32,
    /// "Sam Desk (front desk)", as the filter shows it.
    pub label: String,
}

impl Picked {
    pub fn of(p: &PersonMatch) -> Picked {
        let (kind, what) = match p.kind.as_str() {
            "ADMIN" => ("STAFF", "admin"),
            "FRONT_DESK" => ("STAFF", "front desk"),
            "DOCTOR" => ("DOCTOR", "doctor"),
            _ => ("PATIENT", "patient"),
        };
        Picked {
            kind: kind.to_string(),
            id: p.id,
            label: format!("{} ({what})", p.full_name),
        }
    }
}

/// The list that picks a person or a patient by name, over the filters.
#[derive(Debug, Clone)]
pub struct NamePicker {
    /// AuditField::Person or AuditField::Patient.
    pub target: AuditField,
    pub query: Input,
    pub found: Vec<PersonMatch>,
    /// 0 is "anyone"; then the people found.
    pub selected: usize,
    pub request: Option<u64>,
    /// Whether an answer for the query typed has come.
    pub answered: bool,
}

impl NamePicker {
    fn patients_only(&self) -> bool {
        self.target == AuditField::Patient
    }

    /// What the list shows: "anyone" first, then "Name · kind · email".
    pub fn entries(&self) -> Vec<String> {
        let any = if self.patients_only() {
            "Any patient"
        } else {
            "Anyone"
        };
        std::iter::once(any.to_string())
            .chain(self.found.iter().map(|p| {
                let kind = Picked::of(p).label;
                let what = kind
                    .rsplit_once('(')
                    .map_or("", |(_, w)| w.trim_end_matches(')'));
                format!("{} · {what} · {}", p.full_name, p.email)
            }))
            .collect()
    }

    fn request(&self) -> Option<AuditOp> {
        let q = self.query.value().trim();
        (!q.is_empty()).then(|| AuditOp::FindPeople {
            query: q.to_string(),
            patients_only: self.patients_only(),
        })
    }
}

#[derive(Debug, Clone)]
pub struct AuditScreen {
    /// Person, patient, action, from, to (person and patient show who was picked).
    pub filters: Form<AuditField>,
    /// The person picked for the Person filter.
    pub person: Option<Picked>,
    /// The patient picked for the Patient filter.
    pub patient: Option<Picked>,
    /// The name picker, open over the filters.
    pub picker: Option<NamePicker>,
    /// Whether keys go into the filter fields.
    pub editing: bool,
    pub entries: Vec<AuditEntry>,
    /// The query of the entries shown (what an export covers).
    pub shown: Option<AuditQuery>,
    /// The query of the search in flight; shown once it answers.
    pub searching: Option<AuditQuery>,
    /// The entries table's selection and scroll.
    pub view: TableView,
    pub request: Option<u64>,
    pub export_request: Option<u64>,
}

impl Default for AuditScreen {
    fn default() -> Self {
        AuditScreen::new()
    }
}

impl AuditScreen {
    pub fn new() -> AuditScreen {
        use AuditField as A;
        let hints = [
            (A::Person, "type a name to pick"),
            (A::Patient, "type a name to pick"),
            (A::Action, "prefix, e.g. LOGIN"),
            (A::From, "YYYY-MM-DD"),
            (A::To, "YYYY-MM-DD"),
        ];
        let filters = hints
            .into_iter()
            .fold(Form::new("Audit filters"), |form, (key, hint)| {
                form.text(key, key.label(), "", hint)
            })
            .with_footer("Enter/Ctrl-S search · Tab next field · Esc close");
        AuditScreen {
            filters,
            person: None,
            patient: None,
            picker: None,
            editing: false,
            entries: Vec::new(),
            shown: None,
            searching: None,
            view: TableView::new(),
            request: None,
            export_request: None,
        }
    }

    /// The selected entry's row.
    pub fn selected(&self) -> usize {
        self.view.selected()
    }

    /// The query the filter fields describe, or every field to fix and why.
    pub fn query(&self) -> Result<AuditQuery, Vec<(AuditField, String)>> {
        use AuditField as A;
        let mut errors = Vec::new();
        let text = |key: A| {
            let t = self.filters.value(key).trim();
            (!t.is_empty()).then(|| t.to_string())
        };
        let mut date = |key: A, what: &str| -> Option<NaiveDate> {
            let t = text(key)?;
            match crate::domain::validation::date(&t) {
                Ok(d) => Some(d),
                Err(crate::domain::validation::ValidationError::Date(_)) => {
                    errors.push((
                        key,
                        format!("\"{t}\" is not a {what} date; type it as YYYY-MM-DD."),
                    ));
                    None
                }
                Err(e) => {
                    errors.push((key, e.to_string()));
                    None
                }
            }
        };
        let from = date(A::From, "from");
        let to = date(A::To, "to");
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            errors.push((A::To, "The \"to\" date is before the \"from\" date.".into()));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(AuditQuery {
            actor_kind: self.person.as_ref().map(|p| p.kind.clone()),
            actor_id: self.person.as_ref().map(|p| p.id),
            patient_id: self.patient.as_ref().map(|p| p.id),
            action: text(A::Action).map(|a| a.to_uppercase()),
            from,
            to,
            limit: LIMIT,
        })
    }

    /// Shows every mistake in the filters under its field; the first one's sentence.
    fn refuse(&mut self, errors: Vec<(AuditField, String)>) -> Option<String> {
        let first = errors.first().map(|(_, m)| m.clone());
        self.filters.set_errors(errors);
        first
    }

    /// Sets (or clears) the person or patient filter and what its field shows.
    fn pick(&mut self, target: AuditField, picked: Option<Picked>) {
        self.filters.set(
            target,
            picked.as_ref().map(|p| p.label.clone()).unwrap_or_default(),
        );
        if target == AuditField::Patient {
            self.patient = picked;
        } else {
            self.person = picked;
        }
    }

    /// A key in the name picker.
    fn picker_key(&mut self, key: KeyEvent, command: Option<Command>) -> Actions<AuditOp> {
        let Some(p) = &mut self.picker else {
            return Vec::new();
        };
        let n = p.found.len() + 1;
        match command {
            Some(Command::Up) => p.selected = p.selected.saturating_sub(1),
            Some(Command::Down) => p.selected = (p.selected + 1).min(n - 1),
            Some(Command::Cancel | Command::Back) => self.picker = None,
            Some(Command::Open) => {
                let target = p.target;
                let picked = p
                    .selected
                    .checked_sub(1)
                    .and_then(|i| p.found.get(i))
                    .map(Picked::of);
                self.picker = None;
                self.pick(target, picked);
                self.filters.set_focus(target);
            }
            _ => {
                if let KeyCode::Char(c) = key.code
                    && crate::domain::text::is_unsafe(c)
                {
                    return Vec::new();
                }
                let changed = p
                    .query
                    .handle_event(&Event::Key(key))
                    .is_some_and(|c| c.value);
                if changed {
                    p.selected = 0;
                    p.answered = false;
                    match p.request() {
                        Some(op) => return vec![Action::Request(op)],
                        None => {
                            p.found.clear();
                            p.request = None;
                        }
                    }
                }
            }
        }
        Vec::new()
    }

    /// Opens the name picker for `target` with `first` typed.
    fn open_picker(&mut self, target: AuditField, first: char) -> Actions<AuditOp> {
        let picker = NamePicker {
            target,
            query: Input::new(first.to_string()),
            found: Vec::new(),
            selected: 0,
            request: None,
            answered: false,
        };
        let op = picker.request();
        self.picker = Some(picker);
        op.map(Action::Request).into_iter().collect()
    }

    /// What a key does.
    pub fn handle(&mut self, key: KeyEvent, command: Option<Command>) -> Actions<AuditOp> {
        if self.picker.is_some() {
            return self.picker_key(key, command);
        }
        // On the person or patient field, typing opens the picker and Backspace or
        // Delete clears the filter; nothing is typed into the field itself.
        if self.editing
            && let Some(target @ (AuditField::Person | AuditField::Patient)) = self.filters.focus()
            && command.is_none()
        {
            let plain = !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
            match key.code {
                KeyCode::Char(c) if plain && !c.is_control() && !c.is_whitespace() => {
                    return self.open_picker(target, c);
                }
                KeyCode::Backspace | KeyCode::Delete => {
                    self.pick(target, None);
                    return Vec::new();
                }
                _ => return Vec::new(),
            }
        }
        if self.editing {
            return match self.filters.on_key(&key, command) {
                FormOutcome::Cancel => {
                    self.editing = false;
                    self.filters.clear_errors();
                    Vec::new()
                }
                FormOutcome::Submit => match self.query() {
                    Ok(q) => {
                        self.editing = false;
                        self.filters.clear_errors();
                        vec![Action::Request(AuditOp::Search(q))]
                    }
                    Err(errors) => {
                        self.refuse(errors);
                        Vec::new()
                    }
                },
                _ => Vec::new(),
            };
        }
        let len = self.entries.len();
        match command {
            Some(c @ (Command::Up | Command::Down | Command::PageUp | Command::PageDown)) => {
                self.view.on_command(c, len);
            }
            Some(Command::Filter) => self.editing = true,
            Some(Command::Reload) => {
                return match self.query() {
                    Ok(q) => vec![Action::Request(AuditOp::Search(q))],
                    Err(errors) => {
                        self.editing = true;
                        self.refuse(errors).map(Action::Error).into_iter().collect()
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
                return vec![Action::Request(AuditOp::Export(query))];
            }
            Some(Command::Back) => return vec![Action::Back],
            _ => {}
        }
        Vec::new()
    }

    /// The answer to request `request`; a stale one changes nothing.
    pub fn answer(&mut self, request: u64, reply: AuditReply) -> Actions<AuditOp> {
        match reply {
            AuditReply::People(r) => {
                let Some(p) = &mut self.picker else {
                    return Vec::new();
                };
                if p.request != Some(request) {
                    return Vec::new();
                }
                p.request = None;
                p.answered = true;
                match r {
                    Ok(found) => {
                        p.found = found;
                        p.selected = usize::from(!p.found.is_empty());
                        Vec::new()
                    }
                    Err(e) => vec![Action::Failed(e)],
                }
            }
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
                        self.view.select(0, n);
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
        if self.picker.is_some() {
            Context::Search
        } else if self.editing {
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

    fn on_key(&mut self, key: KeyEvent, command: Option<Command>, _cx: &Ctx) -> Actions<AuditOp> {
        self.handle(key, command)
    }

    fn started(&mut self, request: u64, op: &AuditOp) {
        match op {
            AuditOp::Search(q) => {
                self.request = Some(request);
                self.searching = Some(q.clone());
            }
            AuditOp::Export(_) => self.export_request = Some(request),
            AuditOp::FindPeople { .. } => {
                if let Some(p) = &mut self.picker {
                    p.request = Some(request);
                }
            }
        }
    }

    fn on_reply(&mut self, request: u64, reply: AuditReply, _cx: &Ctx) -> Actions<AuditOp> {
        self.answer(request, reply)
    }

    fn abandon(&mut self, request: u64) {
        super::abandon::forget(&mut self.request, request);
        super::abandon::forget(&mut self.export_request, request);
        if let Some(p) = &mut self.picker {
            super::abandon::forget(&mut p.request, request);
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        draw(frame, area, self, cx.tz(), cx.theme);
    }

    fn commands(&self, _cx: &Ctx, out: &mut Commands) {
        if self.picker.is_some() {
            out.group(&[Command::Up, Command::Down], "move", true)
                .add(Command::Open, "pick", true)
                .add(Command::Cancel, "close", true);
            return;
        }
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
    let filter_rows: u16 = if wide { 2 } else { 3 };
    let rows = Layout::vertical([
        Constraint::Length(filter_rows + 1),
        Constraint::Min(3),
        Constraint::Length(2),
    ])
    .split(area);

    // The filters in force (edited in a form over the screen).
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
    let per_row: u16 = if wide { 3 } else { 2 };
    let cell_w = inner.width / per_row;
    for (i, key) in AuditField::ALL.iter().enumerate() {
        let i = u16::try_from(i).unwrap_or(0);
        let y = inner.y + i / per_row;
        if y >= inner.y + inner.height {
            break;
        }
        let value = state.filters.value(*key).trim();
        let shown = if value.is_empty() { "any" } else { value };
        let label = pad(&format!(" {}", key.label()), 9);
        let value_w = usize::from(cell_w.saturating_sub(10));
        let line = Line::from(vec![
            Span::styled(label, theme.dim()),
            Span::raw(truncate(shown, value_w).into_owned()),
        ]);
        frame.render_widget(
            Paragraph::new(line),
            Rect {
                x: inner.x + (i % per_row) * cell_w,
                y,
                width: cell_w,
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
    let widths: [u16; 5] = if wide {
        [19, 33, 21, 17, 7]
    } else {
        [12, 20, 17, 11, 6]
    };
    let mut columns: Vec<Column> = ["When", "Who", "Action", "Entity", "Result"]
        .into_iter()
        .zip(widths)
        .map(|(h, w)| Column::new(h, Constraint::Length(w)))
        .collect();
    columns.push(Column::new("Patient · detail", Constraint::Fill(1)));
    let time_format = if wide {
        "%Y-%m-%d %H:%M:%S"
    } else {
        "%d %b %H:%M"
    };
    let row = |i: usize| -> Vec<Span<'static>> {
        let e = &state.entries[i];
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
        // A refusal or failure stands out.
        let style = if e.outcome == Outcome::Ok {
            Style::new()
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        };
        [
            when,
            who,
            e.action.clone(),
            entity,
            outcome_text(e.outcome).to_string(),
            detail,
        ]
        .into_iter()
        .map(|c| Span::styled(c, style))
        .collect()
    };
    let empty = if state.request.is_some() {
        "Loading…"
    } else {
        "No entries."
    };
    DataTable::new(columns).empty(empty).render_with(
        frame,
        list,
        &state.view,
        state.entries.len(),
        row,
        theme,
    );

    // The selected entry in full.
    let detail = state.entries.get(state.selected()).map(|e| {
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

    if state.editing {
        state.filters.render_popup(frame, area, theme);
    }
    if let Some(p) = &state.picker {
        let entries = p.entries();
        let note = if p.query.value().trim().is_empty() {
            Some("Type a name or an email.")
        } else if p.request.is_some() {
            Some("Searching…")
        } else if p.answered && p.found.is_empty() {
            Some("Nobody matches.")
        } else {
            None
        };
        picker::render(
            frame,
            area,
            &Picker {
                title: if p.patients_only() {
                    "Patient · Enter picks"
                } else {
                    "Person · Enter picks"
                },
                query: &p.query,
                entries: &entries,
                selected: p.selected,
                note,
            },
            theme,
        );
    }
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
