//! Reports (front desk, admin): a day's schedule per doctor, revenue by day, method and
//! doctor over a date range, and outstanding (completed but unpaid) appointments. Any
//! report exports as CSV.

use chrono::{Datelike, Duration, NaiveDate};
use chrono_tz::Tz;
use crossterm::event::{Event, KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Tabs, Wrap};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::domain::Actor;
use crate::domain::appointment::AppointmentView;
use crate::domain::money::{format_amount, plain_amount};
use crate::domain::payment::PaymentMethod;
use crate::domain::report::{RevenueReport, csv};
use crate::service::payments::Outstanding;
use crate::service::{ServiceError, Services};
use crate::tui::export::{ExportError, write_file};
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Action, Actions, Commands, Ctx, Operation, Screen};
use crate::tui::theme::Theme;
use crate::tui::widgets::{popup, text_field};

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
}

/// A report to export, with what it covers (local dates, both ends included).
/// MERGE: branch `rules` has the same type as `service::reports::ReportCsv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportExport {
    Schedule { day: NaiveDate },
    Revenue { from: NaiveDate, to: NaiveDate },
    Outstanding { from: NaiveDate, to: NaiveDate },
}

impl ReportExport {
    /// "schedule-2026-11-23.csv", "revenue-2026-11-01-2026-11-23.csv".
    pub fn file_name(self) -> String {
        match self {
            ReportExport::Schedule { day } => format!("schedule-{day}.csv"),
            ReportExport::Revenue { from, to } => format!("revenue-{from}-{to}.csv"),
            ReportExport::Outstanding { from, to } => format!("outstanding-{from}-{to}.csv"),
        }
    }
}

/// Requests carry dates only: no report contents (patient names) in logs.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportsOp {
    Schedule(NaiveDate),
    Revenue(NaiveDate, NaiveDate),
    Outstanding(NaiveDate, NaiveDate),
    /// The report as CSV in the export folder; answered with the path.
    Export(ReportExport),
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

/// The report read again (an audited read) and written as CSV. MERGE: with branch
/// `rules` the CSV and its export audit row come from `services.report_csv(actor,
/// report)`: write its `file_name` and `contents`.
async fn export(
    services: &Services,
    actor: &Actor,
    report: ReportExport,
) -> Result<String, ExportError> {
    let tz = services.config().time_zone;
    let content = match report {
        ReportExport::Schedule { day } => {
            schedule_csv(&services.day_schedule(actor, day).await?, tz)
        }
        ReportExport::Revenue { from, to } => {
            services.revenue_report(actor, from, to).await?.to_csv()
        }
        ReportExport::Outstanding { from, to } => {
            outstanding_csv(&services.outstanding(actor, from, to).await?, tz)
        }
    };
    write_file(report.file_name(), content).await
}

/// A day's schedule as CSV, times local to `tz`.
pub fn schedule_csv(schedule: &[(String, Vec<AppointmentView>)], tz: Tz) -> String {
    let rows: Vec<Vec<String>> = schedule
        .iter()
        .flat_map(|(doctor, list)| {
            list.iter().map(move |v| {
                vec![
                    doctor.clone(),
                    v.appointment
                        .start_utc
                        .and_utc()
                        .with_timezone(&tz)
                        .format("%Y-%m-%d %H:%M")
                        .to_string(),
                    v.appointment.duration_minutes.to_string(),
                    v.patient_name.clone(),
                    v.appointment.status.as_str().to_string(),
                    v.location_name.clone().unwrap_or_default(),
                ]
            })
        })
        .collect();
    csv(
        &[
            "doctor",
            "start_local",
            "minutes",
            "patient",
            "status",
            "location",
        ],
        &rows,
    )
}

/// Unpaid completed appointments as CSV, times local to `tz`.
pub fn outstanding_csv(outstanding: &[Outstanding], tz: Tz) -> String {
    let rows: Vec<Vec<String>> = outstanding
        .iter()
        .map(|o| {
            vec![
                o.appointment_id.to_string(),
                o.start_utc
                    .and_utc()
                    .with_timezone(&tz)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
                o.patient.clone(),
                o.doctor.clone(),
                plain_amount(o.pending),
            ]
        })
        .collect();
    csv(
        &[
            "appointment_id",
            "start_local",
            "patient",
            "doctor",
            "pending",
        ],
        &rows,
    )
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

/// The from/to date form.
#[derive(Debug, Clone, Default)]
pub struct RangeForm {
    pub from: Input,
    pub to: Input,
    pub focus: usize,
    pub error: Option<String>,
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
    pub form: Option<RangeForm>,
    pub scroll: usize,
    /// The load in flight (a newer one makes older answers stale).
    pub pending: Option<u64>,
    /// The export in flight (one at a time).
    pub exporting: Option<u64>,
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    crate::domain::validation::date(text).map_err(|e| e.to_string())
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
            scroll: 0,
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
    pub fn export(&self) -> Option<ReportExport> {
        let (from, to) = (self.from, self.to);
        match self.tab {
            Tab::Schedule => self
                .schedule
                .as_ref()
                .map(|_| ReportExport::Schedule { day: self.day }),
            Tab::Revenue => self
                .revenue
                .as_ref()
                .map(|_| ReportExport::Revenue { from, to }),
            Tab::Outstanding => self
                .outstanding
                .as_ref()
                .map(|_| ReportExport::Outstanding { from, to }),
        }
    }

    fn show(&mut self, tab: Tab) -> Actions<ReportsOp> {
        self.tab = tab;
        self.scroll = 0;
        vec![Action::Request(self.load())]
    }

    fn range_form(&mut self, key: KeyEvent, command: Option<Command>) -> Actions<ReportsOp> {
        let Some(form) = &mut self.form else {
            return Vec::new();
        };
        match command {
            Some(Command::NextField) | Some(Command::PrevField) => {
                form.focus = 1 - form.focus.min(1)
            }
            Some(Command::Cancel) => self.form = None,
            Some(Command::Save) => {
                let (from, to) = (parse_day(form.from.value()), parse_day(form.to.value()));
                match (from, to) {
                    (Ok(f), Ok(t)) if f <= t => {
                        self.from = f;
                        self.to = t;
                        self.form = None;
                        return vec![Action::Request(self.load())];
                    }
                    (Ok(_), Ok(_)) => {
                        form.error = Some("The end date is before the start date.".into())
                    }
                    (Err(e), _) => {
                        form.focus = 0;
                        form.error = Some(format!("From: {e}"));
                    }
                    (_, Err(e)) => {
                        form.focus = 1;
                        form.error = Some(format!("To: {e}"));
                    }
                }
            }
            _ => {
                let input = if form.focus == 0 {
                    &mut form.from
                } else {
                    &mut form.to
                };
                input.handle_event(&Event::Key(key));
            }
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
        let i = TABS.iter().position(|t| *t == self.tab).unwrap_or(0);
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
                self.scroll = 0;
                vec![Action::Request(self.load())]
            }
            (Some(Command::Today), _) => {
                self.day = today;
                self.from = today.with_day(1).unwrap_or(today);
                self.to = today;
                vec![Action::Request(self.load())]
            }
            (Some(Command::DateRange), _) if self.tab != Tab::Schedule => {
                self.form = Some(RangeForm {
                    from: Input::new(self.from.to_string()),
                    to: Input::new(self.to.to_string()),
                    ..RangeForm::default()
                });
                Vec::new()
            }
            (Some(Command::Down), _) => {
                self.scroll = self.scroll.saturating_add(1);
                Vec::new()
            }
            (Some(Command::Up), _) => {
                self.scroll = self.scroll.saturating_sub(1);
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
        match failed {
            Ok(()) => Vec::new(),
            Err(e) => vec![Action::Failed(e)],
        }
    }

    /// The report's lines from `skip`, at most `take` of them; only those are built
    /// (a chain's day schedule has thousands).
    fn lines(&self, tz: Tz, theme: &Theme, skip: usize, take: usize) -> Vec<Line<'static>> {
        let all = self.all_lines(tz, theme, skip, take);
        all.into_iter().skip(skip).take(take).collect()
    }

    /// Every line, except that schedule rows outside `skip..skip + take` are left empty
    /// rather than formatted.
    fn all_lines(&self, tz: Tz, theme: &Theme, skip: usize, take: usize) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        match self.tab {
            Tab::Schedule => match &self.schedule {
                None => lines.push(Line::from(Span::styled("Loading…", theme.dim()))),
                Some(s) if s.is_empty() => lines.push(Line::from("No appointments that day.")),
                Some(s) => {
                    for (doctor, list) in s {
                        lines.push(Line::from(Span::styled(
                            format!("{doctor} ({})", list.len()),
                            theme.title(),
                        )));
                        for v in list {
                            if lines.len() < skip || lines.len() >= skip + take {
                                lines.push(Line::default());
                                continue;
                            }
                            let local = crate::domain::local_time::label(
                                tz,
                                v.appointment.start_utc,
                                "%H:%M",
                            );
                            lines.push(Line::from(format!(
                                "  {}  {:>3} min  {:<28} {}",
                                local,
                                v.appointment.duration_minutes,
                                v.patient_name,
                                v.appointment.status.label()
                            )));
                        }
                    }
                }
            },
            Tab::Revenue => match &self.revenue {
                None => lines.push(Line::from(Span::styled("Loading…", theme.dim()))),
                Some(r) => {
                    lines.push(Line::from(vec![
                        Span::styled("Paid ", theme.dim()),
                        Span::styled(format_amount(r.total), theme.title()),
                        Span::styled(format!("  in {} payments", r.paid_count), theme.dim()),
                        Span::styled("   Refunded ", theme.dim()),
                        Span::raw(format_amount(r.refunded)),
                        Span::styled("   Pending ", theme.dim()),
                        Span::raw(format_amount(r.pending)),
                    ]));
                    lines.push(Line::raw(""));
                    lines.push(Line::from(Span::styled("By method", theme.title())));
                    for (m, a) in &r.by_method {
                        let label = PaymentMethod::parse(m).map_or(*m, method_label);
                        lines.push(Line::from(format!(
                            "  {label:<16} {:>14}",
                            format_amount(*a)
                        )));
                    }
                    lines.push(Line::from(Span::styled("By doctor", theme.title())));
                    for (d, a) in &r.by_doctor {
                        lines.push(Line::from(format!("  {d:<28} {:>14}", format_amount(*a))));
                    }
                    lines.push(Line::from(Span::styled("By day", theme.title())));
                    for (d, a) in &r.by_day {
                        lines.push(Line::from(format!(
                            "  {} {:<3} {:>14}",
                            d,
                            d.format("%a"),
                            format_amount(*a)
                        )));
                    }
                }
            },
            Tab::Outstanding => match &self.outstanding {
                None => lines.push(Line::from(Span::styled("Loading…", theme.dim()))),
                Some(o) if o.is_empty() => lines.push(Line::from(
                    "Every completed appointment in this range is paid.",
                )),
                Some(o) => {
                    lines.push(Line::from(Span::styled(
                        format!(
                            "{:<6} {:<16} {:<26} {:<24} {:>10}",
                            "#", "When", "Patient", "Doctor", "Pending"
                        ),
                        theme.title(),
                    )));
                    for x in o {
                        let local =
                            crate::domain::local_time::label(tz, x.start_utc, "%Y-%m-%d %H:%M");
                        lines.push(Line::from(format!(
                            "{:<6} {:<16} {:<26} {:<24} {:>10}",
                            x.appointment_id,
                            local,
                            x.patient,
                            x.doctor,
                            format_amount(x.pending)
                        )));
                    }
                }
            },
        }
        lines
    }
}

fn draw(frame: &mut Frame, area: Rect, state: &ReportsScreen, tz: Tz, theme: &Theme) {
    let rows = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .split(area);
    let selected = TABS.iter().position(|t| *t == state.tab).unwrap_or(0);
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
    let room = usize::from(rows[2].height.saturating_sub(2));
    let lines = state.lines(tz, theme, state.scroll, room);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border()),
        ),
        rows[2],
    );
    if let Some(form) = &state.form {
        let boxed = popup(frame, area, 44, 7);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border())
            .title(Span::styled(" Date range · Enter applies ", theme.title()));
        let inner = block.inner(boxed);
        frame.render_widget(block, boxed);
        let r = Layout::vertical([Constraint::Length(1); 5]).split(inner);
        for (i, (label, input)) in [("From", &form.from), ("To", &form.to)]
            .into_iter()
            .enumerate()
        {
            let c = Layout::horizontal([Constraint::Length(8), Constraint::Min(4)]).split(r[i * 2]);
            frame.render_widget(Paragraph::new(format!(" {label}")), c[0]);
            if let Some(pos) = text_field(frame, c[1], input, None, form.focus == i, theme) {
                frame.set_cursor_position(pos);
            }
        }
        if let Some(e) = &form.error {
            frame.render_widget(
                Paragraph::new(Span::styled(e.clone(), theme.error())).wrap(Wrap { trim: true }),
                r[4],
            );
        }
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
