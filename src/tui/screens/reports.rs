//! Reports (front desk, admin): a day's schedule per doctor, revenue by day, method and
//! doctor over a date range, and outstanding (completed but unpaid) appointments, each a
//! table. Any report exports as the service's CSV (audited as an export).

use chrono::{Datelike, Duration, NaiveDate};
use chrono_tz::Tz;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Tabs};

use crate::domain::Actor;
use crate::domain::appointment::AppointmentView;
use crate::domain::money::format_amount;
use crate::domain::payment::PaymentMethod;
use crate::domain::report::RevenueReport;
use crate::service::payments::Outstanding;
use crate::service::reports::ReportCsv;
use crate::service::{ServiceError, Services};
use crate::tui::export::{ExportError, write_file};
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Action, Actions, Commands, Ctx, Operation, Screen};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Form, FormOutcome};
use crate::tui::widgets::table::{Column, DataTable, TableView};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Schedule,
    Revenue,
    Outstanding,
}

const TABS: [Tab; 3] = [Tab::Schedule, Tab::Revenue, Tab::Outstanding];

impl Tab {
    fn title(self) -> &'static str {
        match self {
            Tab::Schedule => "1 Day schedule",
            Tab::Revenue => "2 Revenue",
            Tab::Outstanding => "3 Outstanding",
        }
    }

    fn index(self) -> usize {
        TABS.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// Requests carry dates only: no report contents (patient names) in logs.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportsOp {
    Schedule(NaiveDate),
    Revenue(NaiveDate, NaiveDate),
    Outstanding(NaiveDate, NaiveDate),
    /// The service's CSV of the report (audited as an export), written to the export
    /// folder; answered with the path.
    Export(ReportCsv),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReportsReply {
    Schedule(Result<Vec<(String, Vec<AppointmentView>)>, ServiceError>),
    Revenue(Result<RevenueReport, ServiceError>),
    Outstanding(Result<Vec<Outstanding>, ServiceError>),
    Exported(Result<String, ExportError>),
}

impl Operation for ReportsOp {
    type Reply = ReportsReply;

    fn busy_text(&self) -> &'static str {
        match self {
            ReportsOp::Export(_) => "Saving the report",
            _ => "Loading the report",
        }
    }

    async fn run(self, services: &Services, actor: &Actor) -> ReportsReply {
        match self {
            ReportsOp::Schedule(day) => {
                ReportsReply::Schedule(services.day_schedule(actor, day).await)
            }
            ReportsOp::Revenue(from, to) => {
                ReportsReply::Revenue(services.revenue_report(actor, from, to).await)
            }
            ReportsOp::Outstanding(from, to) => {
                ReportsReply::Outstanding(services.outstanding(actor, from, to).await)
            }
            ReportsOp::Export(report) => {
                ReportsReply::Exported(export(services, actor, report).await)
            }
        }
    }
}

/// The service's CSV of `report`, written where exports go; the path.
async fn export(
    services: &Services,
    actor: &Actor,
    report: ReportCsv,
) -> Result<String, ExportError> {
    let file = services.report_csv(actor, report).await?;
    write_file(file.file_name, file.contents).await
}

/// MERGE: the payments screen's `method_label` once it is converted.
fn method_label(m: PaymentMethod) -> &'static str {
    match m {
        PaymentMethod::Cash => "Cash",
        PaymentMethod::Card => "Card",
        PaymentMethod::Insurance => "Insurance",
        PaymentMethod::BankTransfer => "Bank transfer",
        PaymentMethod::Other => "Other",
    }
}

/// A field of the date range form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeField {
    From,
    To,
}

/// The range the form describes, or every field to fix and why.
fn check_range(f: &Form<RangeField>) -> Result<(NaiveDate, NaiveDate), Vec<(RangeField, String)>> {
    let day = |key| crate::domain::validation::date(f.value(key)).map_err(|e| (key, e.to_string()));
    match (day(RangeField::From), day(RangeField::To)) {
        (Ok(from), Ok(to)) if from <= to => Ok((from, to)),
        (Ok(_), Ok(_)) => Err(vec![(
            RangeField::To,
            "The end date is before the start date.".into(),
        )]),
        (from, to) => Err([from.err(), to.err()].into_iter().flatten().collect()),
    }
}

#[derive(Debug, Clone)]
pub struct ReportsScreen {
    pub tab: Tab,
    pub day: NaiveDate,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub schedule: Option<Vec<(String, Vec<AppointmentView>)>>,
    pub revenue: Option<RevenueReport>,
    pub outstanding: Option<Vec<Outstanding>>,
    /// The date range form, open over the report.
    pub form: Option<Form<RangeField>>,
    /// Each tab's table: selection and scroll.
    pub views: [TableView; 3],
    /// The load in flight (a newer one makes older answers stale).
    pub pending: Option<u64>,
    /// The export in flight (one at a time).
    pub exporting: Option<u64>,
}

impl ReportsScreen {
    /// Today's schedule; revenue and outstanding for this month so far.
    pub fn new(today: NaiveDate) -> ReportsScreen {
        ReportsScreen {
            tab: Tab::Schedule,
            day: today,
            from: today.with_day(1).unwrap_or(today),
            to: today,
            schedule: None,
            revenue: None,
            outstanding: None,
            form: None,
            views: Default::default(),
            pending: None,
            exporting: None,
        }
    }

    /// The request for the current tab's data.
    pub fn load(&self) -> ReportsOp {
        match self.tab {
            Tab::Schedule => ReportsOp::Schedule(self.day),
            Tab::Revenue => ReportsOp::Revenue(self.from, self.to),
            Tab::Outstanding => ReportsOp::Outstanding(self.from, self.to),
        }
    }

    /// The current tab's report to export, once it is shown.
    pub fn export(&self) -> Option<ReportCsv> {
        let (from, to) = (self.from, self.to);
        match self.tab {
            Tab::Schedule => self
                .schedule
                .as_ref()
                .map(|_| ReportCsv::Schedule { day: self.day }),
            Tab::Revenue => self
                .revenue
                .as_ref()
                .map(|_| ReportCsv::Revenue { from, to }),
            Tab::Outstanding => self
                .outstanding
                .as_ref()
                .map(|_| ReportCsv::Outstanding { from, to }),
        }
    }

    /// Rows of the current tab's table.
    fn row_count(&self) -> usize {
        match self.tab {
            Tab::Schedule => self
                .schedule
                .as_ref()
                .map_or(0, |s| s.iter().map(|(_, l)| l.len()).sum()),
            Tab::Revenue => self.revenue.as_ref().map_or(0, |r| revenue_rows(r).len()),
            Tab::Outstanding => self.outstanding.as_ref().map_or(0, Vec::len),
        }
    }

    fn show(&mut self, tab: Tab) -> Actions<ReportsOp> {
        self.tab = tab;
        self.views[tab.index()] = TableView::new();
        vec![Action::Request(self.load())]
    }

    fn range_form(&mut self, key: KeyEvent, command: Option<Command>) -> Actions<ReportsOp> {
        let Some(form) = &mut self.form else {
            return Vec::new();
        };
        match form.on_key(&key, command) {
            FormOutcome::Cancel => self.form = None,
            FormOutcome::Submit => {
                let mut range = None;
                let ok = form.validate(|f| match check_range(f) {
                    Ok(r) => {
                        range = Some(r);
                        Vec::new()
                    }
                    Err(errors) => errors,
                });
                if let Some((from, to)) = range.filter(|_| ok) {
                    self.from = from;
                    self.to = to;
                    self.form = None;
                    self.views[self.tab.index()] = TableView::new();
                    return vec![Action::Request(self.load())];
                }
            }
            FormOutcome::Nothing | FormOutcome::Edited | FormOutcome::Yes | FormOutcome::No => {}
        }
        Vec::new()
    }

    pub fn handle(
        &mut self,
        key: KeyEvent,
        command: Option<Command>,
        today: NaiveDate,
    ) -> Actions<ReportsOp> {
        if self.form.is_some() {
            return self.range_form(key, command);
        }
        let i = self.tab.index();
        match (command, key.code) {
            (Some(Command::Back), _) => vec![Action::Back],
            (_, KeyCode::Char(c @ '1'..='3')) => self.show(TABS[(c as usize) - ('1' as usize)]),
            (Some(Command::NextField | Command::Right), _) => self.show(TABS[(i + 1) % TABS.len()]),
            (Some(Command::PrevField | Command::Left), _) => {
                self.show(TABS[(i + TABS.len() - 1) % TABS.len()])
            }
            (Some(Command::PrevPeriod | Command::NextPeriod), _) => {
                let forward = command == Some(Command::NextPeriod);
                match self.tab {
                    Tab::Schedule => {
                        self.day += Duration::days(if forward { 1 } else { -1 });
                    }
                    _ => {
                        let len = (self.to - self.from).num_days() + 1;
                        let shift = Duration::days(if forward { len } else { -len });
                        self.from += shift;
                        self.to += shift;
                    }
                }
                self.views[i] = TableView::new();
                vec![Action::Request(self.load())]
            }
            (Some(Command::Today), _) => {
                self.day = today;
                self.from = today.with_day(1).unwrap_or(today);
                self.to = today;
                vec![Action::Request(self.load())]
            }
            (Some(Command::DateRange), _) if self.tab != Tab::Schedule => {
                self.form = Some(
                    Form::new("Date range")
                        .text(
                            RangeField::From,
                            "From",
                            self.from.to_string(),
                            "YYYY-MM-DD",
                        )
                        .text(RangeField::To, "To", self.to.to_string(), "YYYY-MM-DD")
                        .with_footer("Enter/Ctrl-S apply · Tab next field · Esc cancel"),
                );
                Vec::new()
            }
            (Some(c @ (Command::Up | Command::Down | Command::PageUp | Command::PageDown)), _) => {
                let len = self.row_count();
                self.views[i].on_command(c, len);
                Vec::new()
            }
            (Some(Command::ExportCsv), _) if self.exporting.is_some() => Vec::new(),
            (Some(Command::ExportCsv), _) => match self.export() {
                Some(report) => vec![Action::Request(ReportsOp::Export(report))],
                None => vec![Action::Error("The report is still loading.".into())],
            },
            _ => Vec::new(),
        }
    }

    /// The answer to request `request`; a stale one changes nothing.
    pub fn answer(&mut self, request: u64, reply: ReportsReply) -> Actions<ReportsOp> {
        if let ReportsReply::Exported(result) = reply {
            if self.exporting != Some(request) {
                return Vec::new();
            }
            self.exporting = None;
            return match result {
                Ok(path) => vec![Action::Info(format!("Report saved to {path}"))],
                Err(e) => vec![e.action()],
            };
        }
        if self.pending != Some(request) {
            return Vec::new();
        }
        self.pending = None;
        let failed = match reply {
            ReportsReply::Schedule(r) => r.map(|s| self.schedule = Some(s)),
            ReportsReply::Revenue(r) => r.map(|s| self.revenue = Some(s)),
            ReportsReply::Outstanding(r) => r.map(|s| self.outstanding = Some(s)),
            ReportsReply::Exported(_) => Ok(()),
        };
        let len = self.row_count();
        self.views[self.tab.index()].clamp(len);
        match failed {
            Ok(()) => Vec::new(),
            Err(e) => vec![Action::Failed(e)],
        }
    }
}

/// The revenue breakdown as table rows: a section title (no amount), then its items.
fn revenue_rows(r: &RevenueReport) -> Vec<(String, Option<String>)> {
    let mut rows = Vec::new();
    rows.push(("By method".to_string(), None));
    for (m, a) in &r.by_method {
        let label = PaymentMethod::parse(m).map_or(*m, method_label);
        rows.push((format!("  {label}"), Some(format_amount(*a))));
    }
    rows.push(("By doctor".to_string(), None));
    for (d, a) in &r.by_doctor {
        rows.push((format!("  {d}"), Some(format_amount(*a))));
    }
    rows.push(("By day".to_string(), None));
    for (d, a) in &r.by_day {
        rows.push((format!("  {d} {}", d.format("%a")), Some(format_amount(*a))));
    }
    rows
}

/// The day's schedule: row `i` as (doctor and count on the first of theirs, the
/// appointment), found without building the other rows (a chain has thousands).
fn schedule_row(
    schedule: &[(String, Vec<AppointmentView>)],
    mut i: usize,
) -> Option<(Option<String>, &AppointmentView)> {
    for (doctor, list) in schedule {
        if i < list.len() {
            let first = (i == 0).then(|| format!("{doctor} ({})", list.len()));
            return list.get(i).map(|v| (first, v));
        }
        i -= list.len();
    }
    None
}

fn draw(frame: &mut Frame, area: Rect, state: &ReportsScreen, tz: Tz, theme: &Theme) {
    let rows = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .split(area);
    let selected = state.tab.index();
    frame.render_widget(
        Tabs::new(TABS.iter().map(|t| t.title()))
            .select(selected)
            .highlight_style(theme.focus())
            .divider(" │ "),
        rows[0],
    );
    let period = match state.tab {
        Tab::Schedule => format!(
            "{} ({})   [ ] day · t today · x export CSV",
            state.day,
            state.day.format("%A")
        ),
        _ => format!(
            "{} to {}   [ ] shift · e dates · t this month · x export CSV",
            state.from, state.to
        ),
    };
    frame.render_widget(Paragraph::new(Span::styled(period, theme.dim())), rows[1]);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border());
    let inner = block.inner(rows[2]);
    frame.render_widget(block, rows[2]);
    let view = &state.views[selected];
    match state.tab {
        Tab::Schedule => {
            let columns = vec![
                Column::new("Doctor", Constraint::Fill(2)),
                Column::new("Time", Constraint::Length(5)),
                Column::new("Min", Constraint::Length(4)).right(),
                Column::new("Patient", Constraint::Fill(3)),
                Column::new("Status", Constraint::Length(10)),
            ];
            let schedule = state.schedule.as_deref().unwrap_or_default();
            let empty = if state.schedule.is_none() {
                "Loading…"
            } else {
                "No appointments that day."
            };
            let len = state.row_count();
            let row = |i: usize| -> Vec<Span<'static>> {
                let Some((doctor, v)) = schedule_row(schedule, i) else {
                    return Vec::new();
                };
                let time = crate::domain::local_time::label(tz, v.appointment.start_utc, "%H:%M");
                vec![
                    Span::styled(doctor.unwrap_or_default(), theme.title()),
                    Span::raw(time),
                    Span::raw(v.appointment.duration_minutes.to_string()),
                    Span::raw(v.patient_name.clone()),
                    Span::raw(v.appointment.status.label().to_string()),
                ]
            };
            DataTable::new(columns)
                .empty(empty)
                .render_with(frame, inner, view, len, row, theme);
        }
        Tab::Revenue => {
            let parts = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).split(inner);
            if let Some(r) = &state.revenue {
                frame.render_widget(
                    Paragraph::new(Line::from(vec![
                        Span::styled("Paid ", theme.dim()),
                        Span::styled(format_amount(r.total), theme.title()),
                        Span::styled(format!("  in {} payments", r.paid_count), theme.dim()),
                        Span::styled("   Refunded ", theme.dim()),
                        Span::raw(format_amount(r.refunded)),
                        Span::styled("   Pending ", theme.dim()),
                        Span::raw(format_amount(r.pending)),
                    ])),
                    parts[0],
                );
            }
            let rows = state.revenue.as_ref().map(revenue_rows).unwrap_or_default();
            let columns = vec![
                Column::new("Breakdown", Constraint::Max(40)),
                Column::new("Amount", Constraint::Length(14)).right(),
            ];
            let row = |i: usize| -> Vec<Span<'static>> {
                match &rows[i] {
                    (title, None) => vec![Span::styled(title.clone(), theme.title())],
                    (label, Some(amount)) => {
                        vec![Span::raw(label.clone()), Span::raw(amount.clone())]
                    }
                }
            };
            DataTable::new(columns).empty("Loading…").render_with(
                frame,
                parts[1],
                view,
                rows.len(),
                row,
                theme,
            );
        }
        Tab::Outstanding => {
            let columns = vec![
                Column::new("#", Constraint::Length(6)),
                Column::new("When", Constraint::Length(16)),
                Column::new("Patient", Constraint::Fill(1)),
                Column::new("Doctor", Constraint::Fill(1)),
                Column::new("Pending", Constraint::Length(10)).right(),
            ];
            let list = state.outstanding.as_deref().unwrap_or_default();
            let empty = if state.outstanding.is_none() {
                "Loading…"
            } else {
                "Every completed appointment in this range is paid."
            };
            let row = |i: usize| -> Vec<Span<'static>> {
                let x = &list[i];
                vec![
                    Span::raw(x.appointment_id.to_string()),
                    Span::raw(crate::domain::local_time::label(
                        tz,
                        x.start_utc,
                        "%Y-%m-%d %H:%M",
                    )),
                    Span::raw(x.patient.clone()),
                    Span::raw(x.doctor.clone()),
                    Span::raw(format_amount(x.pending)),
                ]
            };
            DataTable::new(columns).empty(empty).render_with(
                frame,
                inner,
                view,
                list.len(),
                row,
                theme,
            );
        }
    }
    if let Some(form) = &state.form {
        form.render_popup(frame, area, theme);
    }
}

impl Screen for ReportsScreen {
    type Op = ReportsOp;

    fn context(&self) -> Context {
        if self.form.is_some() {
            Context::Form
        } else {
            Context::Reports
        }
    }

    fn on_enter(&mut self, _cx: &Ctx) -> Actions<ReportsOp> {
        vec![Action::Request(self.load())]
    }

    fn on_key(&mut self, key: KeyEvent, command: Option<Command>, cx: &Ctx) -> Actions<ReportsOp> {
        self.handle(key, command, cx.today())
    }

    fn started(&mut self, request: u64, op: &ReportsOp) {
        match op {
            ReportsOp::Export(_) => self.exporting = Some(request),
            _ => self.pending = Some(request),
        }
    }

    fn on_reply(&mut self, request: u64, reply: ReportsReply, _cx: &Ctx) -> Actions<ReportsOp> {
        self.answer(request, reply)
    }

    fn abandon(&mut self, request: u64) {
        super::abandon::forget(&mut self.pending, request);
        super::abandon::forget(&mut self.exporting, request);
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        draw(frame, area, self, cx.tz(), cx.theme);
    }

    fn commands(&self, _cx: &Ctx, out: &mut Commands) {
        if self.form.is_some() {
            out.add(Command::Save, "apply", true)
                .add(Command::NextField, "next", true)
                .add(Command::Cancel, "cancel", true)
                .more(Command::PrevField, "previous field", true);
            return;
        }
        let schedule = self.tab == Tab::Schedule;
        out.add(
            Command::ExportCsv,
            "CSV",
            self.export().is_some() && self.exporting.is_none(),
        )
        .group(
            &[Command::PrevPeriod, Command::NextPeriod],
            if schedule { "day" } else { "shift" },
            true,
        )
        .add(
            Command::Today,
            if schedule { "today" } else { "this month" },
            true,
        );
        if !schedule {
            out.add(Command::DateRange, "dates", true);
        }
        out.add(Command::NextField, "tab", true)
            .group(&[Command::Up, Command::Down], "scroll", true)
            .add(Command::Back, "back", true)
            .more(Command::PrevField, "previous tab", true);
    }
}
