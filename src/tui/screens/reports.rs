//! Reports (front desk, admin): a day's schedule per doctor, revenue by day, method and
//! doctor over a date range, and outstanding (completed but unpaid) appointments. Any
//! report exports as CSV.
//!
//! Pure: keys return [`Action`]s; results arrive through [`ReportsState::on_reply`].

use chrono::{Datelike, Duration, NaiveDate};
use chrono_tz::Tz;
use crossterm::event::{Event, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Tabs, Wrap};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::domain::appointment::AppointmentView;
use crate::domain::money::{format_amount, plain_amount};
use crate::domain::payment::PaymentMethod;
use crate::domain::report::{RevenueReport, csv};
use crate::service::payments::Outstanding;
use crate::tui::keymap::{Command, Context};
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

#[derive(Debug, Clone, PartialEq)]
pub enum ReportsOp {
    Schedule(NaiveDate),
    Revenue(NaiveDate, NaiveDate),
    Outstanding(NaiveDate, NaiveDate),
    /// Write `content` to a file named `file_name` in the export folder.
    Export {
        file_name: String,
        content: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReportsReply {
    Schedule(Result<Vec<(String, Vec<AppointmentView>)>, String>),
    Revenue(Result<RevenueReport, String>),
    Outstanding(Result<Vec<Outstanding>, String>),
    Exported(Result<String, String>),
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
pub struct ReportsState {
    pub tab: Tab,
    pub day: NaiveDate,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub schedule: Option<Vec<(String, Vec<AppointmentView>)>>,
    pub revenue: Option<RevenueReport>,
    pub outstanding: Option<Vec<Outstanding>>,
    pub form: Option<RangeForm>,
    pub scroll: usize,
    pub pending: Option<u64>,
    pub tz: Tz,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    Back,
    Request(ReportsOp),
    Error(String),
}

/// What a reply changed, for the app (see [`super::Outcome`]).
pub type ReplyOutcome = super::Outcome<ReportsOp>;

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    crate::domain::validation::date(text).map_err(|e| e.to_string())
}

impl ReportsState {
    /// Today's schedule; revenue and outstanding for this month so far.
    pub fn new(today: NaiveDate, tz: Tz) -> ReportsState {
        ReportsState {
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
            tz,
        }
    }

    pub fn context(&self) -> Context {
        if self.form.is_some() {
            Context::Form
        } else {
            Context::Reports
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

    pub fn started(&mut self, request: u64) {
        self.pending = Some(request);
    }

    /// The current tab as CSV, if loaded.
    pub fn csv(&self) -> Option<(String, String)> {
        match self.tab {
            Tab::Schedule => {
                let rows: Vec<Vec<String>> = self
                    .schedule
                    .as_ref()?
                    .iter()
                    .flat_map(|(doctor, list)| {
                        list.iter().map(move |v| {
                            vec![
                                doctor.clone(),
                                v.appointment
                                    .start_utc
                                    .and_utc()
                                    .with_timezone(&self.tz)
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
                Some((
                    format!("schedule-{}.csv", self.day),
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
                    ),
                ))
            }
            Tab::Revenue => Some((
                format!("revenue-{}-{}.csv", self.from, self.to),
                self.revenue.as_ref()?.to_csv(),
            )),
            Tab::Outstanding => {
                let rows: Vec<Vec<String>> = self
                    .outstanding
                    .as_ref()?
                    .iter()
                    .map(|o| {
                        vec![
                            o.appointment_id.to_string(),
                            o.start_utc
                                .and_utc()
                                .with_timezone(&self.tz)
                                .format("%Y-%m-%d %H:%M")
                                .to_string(),
                            o.patient.clone(),
                            o.doctor.clone(),
                            plain_amount(o.pending),
                        ]
                    })
                    .collect();
                Some((
                    format!("outstanding-{}-{}.csv", self.from, self.to),
                    csv(
                        &[
                            "appointment_id",
                            "start_local",
                            "patient",
                            "doctor",
                            "pending",
                        ],
                        &rows,
                    ),
                ))
            }
        }
    }

    pub fn on_key(&mut self, key: KeyEvent, command: Option<Command>, today: NaiveDate) -> Action {
        if let Some(form) = &mut self.form {
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
                            return Action::Request(self.load());
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
            return Action::None;
        }
        use crossterm::event::KeyCode;
        match (command, key.code) {
            (Some(Command::Back), _) => Action::Back,
            (_, KeyCode::Char(c @ '1'..='3')) => {
                self.tab = TABS[(c as usize) - ('1' as usize)];
                self.scroll = 0;
                Action::Request(self.load())
            }
            (Some(Command::NextField), _) | (Some(Command::Right), _) => {
                let i = TABS.iter().position(|t| *t == self.tab).unwrap_or(0);
                self.tab = TABS[(i + 1) % TABS.len()];
                self.scroll = 0;
                Action::Request(self.load())
            }
            (Some(Command::PrevField), _) | (Some(Command::Left), _) => {
                let i = TABS.iter().position(|t| *t == self.tab).unwrap_or(0);
                self.tab = TABS[(i + TABS.len() - 1) % TABS.len()];
                self.scroll = 0;
                Action::Request(self.load())
            }
            (Some(Command::PrevPeriod), _) | (Some(Command::NextPeriod), _) => {
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
                Action::Request(self.load())
            }
            (Some(Command::Today), _) => {
                self.day = today;
                self.from = today.with_day(1).unwrap_or(today);
                self.to = today;
                Action::Request(self.load())
            }
            (Some(Command::DateRange), _) if self.tab != Tab::Schedule => {
                self.form = Some(RangeForm {
                    from: Input::new(self.from.to_string()),
                    to: Input::new(self.to.to_string()),
                    ..RangeForm::default()
                });
                Action::None
            }
            (Some(Command::Down), _) => {
                self.scroll = self.scroll.saturating_add(1);
                Action::None
            }
            (Some(Command::Up), _) => {
                self.scroll = self.scroll.saturating_sub(1);
                Action::None
            }
            (Some(Command::ExportCsv), _) => match self.csv() {
                Some((file_name, content)) => {
                    Action::Request(ReportsOp::Export { file_name, content })
                }
                None => Action::Error("The report is still loading.".into()),
            },
            _ => Action::None,
        }
    }

    pub fn on_reply(&mut self, request: u64, reply: ReportsReply) -> ReplyOutcome {
        if self.pending != Some(request) {
            return ReplyOutcome::default();
        }
        self.pending = None;
        let mut out = ReplyOutcome {
            current: true,
            ..ReplyOutcome::default()
        };
        match reply {
            ReportsReply::Schedule(Ok(s)) => self.schedule = Some(s),
            ReportsReply::Revenue(Ok(r)) => self.revenue = Some(r),
            ReportsReply::Outstanding(Ok(o)) => self.outstanding = Some(o),
            ReportsReply::Exported(Ok(path)) => out.info = Some(format!("Report saved to {path}")),
            ReportsReply::Schedule(Err(e))
            | ReportsReply::Revenue(Err(e))
            | ReportsReply::Outstanding(Err(e))
            | ReportsReply::Exported(Err(e)) => out.error = Some(e),
        }
        out
    }

    /// The report's lines from `skip`, at most `take` of them; only those are built
    /// (a chain's day schedule has thousands).
    fn lines(&self, theme: &Theme, skip: usize, take: usize) -> Vec<Line<'static>> {
        let all = self.all_lines(theme, skip, take);
        all.into_iter().skip(skip).take(take).collect()
    }

    /// Every line, except that schedule rows outside `skip..skip + take` are left empty
    /// rather than formatted.
    fn all_lines(&self, theme: &Theme, skip: usize, take: usize) -> Vec<Line<'static>> {
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
                                self.tz,
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
                        let label = PaymentMethod::parse(m)
                            .map_or(*m, crate::tui::screens::payments::method_label);
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
                        let local = crate::domain::local_time::label(
                            self.tz,
                            x.start_utc,
                            "%Y-%m-%d %H:%M",
                        );
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

pub fn render(frame: &mut Frame, area: Rect, state: &ReportsState, theme: &Theme) {
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
    let lines = state.lines(theme, state.scroll, room);
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

impl ReportsOp {
    /// The operation's name, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            ReportsOp::Schedule(_) => "schedule",
            ReportsOp::Revenue(..) => "revenue",
            ReportsOp::Outstanding(..) => "outstanding",
            ReportsOp::Export { .. } => "export",
        }
    }

    pub fn busy_text(&self) -> &'static str {
        match self {
            ReportsOp::Export { .. } => "Saving the report",
            _ => "Loading the report",
        }
    }
}

// ---- Routing: how the app opens this screen, feeds it keys and replies.

use crate::tui::effect::Effect;
use crate::tui::state::{AppState, Screen};

pub fn open(state: &mut AppState) -> Vec<Effect> {
    let tz = state.clinic.time_zone;
    let today = state.now.with_timezone(&tz).date_naive();
    let reports = ReportsState::new(today, tz);
    let first = reports.load();
    state.screen = Screen::Reports(Box::new(reports));
    state.status = None;
    request(state, first)
}

fn request(state: &mut AppState, op: ReportsOp) -> Vec<Effect> {
    let Some(actor) = state.session.as_ref().map(|s| s.actor.clone()) else {
        return Vec::new();
    };
    let request = state.next_request();
    let Screen::Reports(r) = &mut state.screen else {
        return Vec::new();
    };
    r.started(request);
    state.busy = Some(op.busy_text().to_string());
    vec![Effect::Reports { request, actor, op }]
}

pub fn on_key(state: &mut AppState, key: KeyEvent, command: Option<Command>) -> Vec<Effect> {
    let today = state
        .now
        .with_timezone(&state.clinic.time_zone)
        .date_naive();
    let Screen::Reports(r) = &mut state.screen else {
        return Vec::new();
    };
    match r.on_key(key, command, today) {
        Action::None => Vec::new(),
        Action::Back => {
            crate::tui::screens::booking::go_home(state);
            Vec::new()
        }
        Action::Error(text) => {
            state.error(text);
            Vec::new()
        }
        Action::Request(op) => request(state, op),
    }
}

pub fn on_reply(state: &mut AppState, request_id: u64, reply: ReportsReply) -> Vec<Effect> {
    let Screen::Reports(r) = &mut state.screen else {
        return Vec::new();
    };
    let outcome = r.on_reply(request_id, reply);
    super::settle_reply(state, outcome, request)
}
