//! The versions of one prescription, opened from the editor or the viewer (h): pick two
//! and see what changed between them. Esc goes back to where it was opened.

use chrono_tz::Tz;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::view::{boxed, diff_line, header_line};
use crate::domain::Actor;
use crate::domain::prescription::{self as rx, DiffLine, Prescription};
use crate::service::prescriptions::AppointmentBrief;
use crate::service::{ServiceError, Services};
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Action, Actions, Commands, Ctx, Operation, Screen};
use crate::tui::theme::Theme;
use crate::tui::widgets::table::{Column, DataTable, TableView};

/// Versions side by side: pick two, see what changed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HistoryView {
    pub versions: Vec<Prescription>,
    /// The version with the cursor (B) and the list's scroll position.
    pub table: TableView,
    /// The version compared against; the one before the cursor when `None`.
    pub marked: Option<usize>,
    pub loading: bool,
}

impl HistoryView {
    /// The version with the cursor.
    pub fn cursor(&self) -> usize {
        self.table.selected()
    }

    /// The pair compared: (older, newer) indexes.
    pub fn pair(&self) -> Option<(usize, usize)> {
        let b = self.cursor();
        let a = match self.marked {
            Some(m) if m != b => m,
            _ => b.checked_sub(1)?,
        };
        Some(if a <= b { (a, b) } else { (b, a) })
    }

    pub fn diff(&self) -> Vec<DiffLine> {
        self.pair()
            .and_then(|(a, b)| Some(rx::diff(self.versions.get(a)?, self.versions.get(b)?)))
            .unwrap_or_default()
    }

    /// Moves the cursor or marks a version; false for "close".
    pub fn on_command(&mut self, command: Option<Command>) -> bool {
        let n = self.versions.len();
        match command {
            Some(c @ (Command::Up | Command::Down)) => {
                self.table.on_command(c, n);
            }
            Some(Command::Mark) => {
                let cursor = self.cursor();
                self.marked = if self.marked == Some(cursor) {
                    None
                } else {
                    Some(cursor)
                };
            }
            Some(Command::Back) => return false,
            _ => {}
        }
        true
    }
}

/// The versions page of one appointment's prescription.
#[derive(Debug, Clone)]
pub struct HistoryScreen {
    pub brief: AppointmentBrief,
    pub view: HistoryView,
    pending: Option<u64>,
}

impl HistoryScreen {
    /// The versions of `brief`'s prescription (loaded when the page opens).
    pub fn new(brief: AppointmentBrief) -> HistoryScreen {
        HistoryScreen {
            brief,
            view: HistoryView {
                loading: true,
                ..HistoryView::default()
            },
            pending: None,
        }
    }
}

/// Every stored version of an appointment's prescription, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadHistory {
    pub appointment_id: i32,
}

impl Operation for LoadHistory {
    type Reply = Result<Vec<Prescription>, ServiceError>;

    fn busy_text(&self) -> &'static str {
        "Loading versions"
    }

    async fn run(self, services: &Services, actor: &Actor) -> Self::Reply {
        services
            .prescription_history(actor, self.appointment_id)
            .await
    }
}

impl Screen for HistoryScreen {
    type Op = LoadHistory;

    fn context(&self) -> Context {
        Context::PrescriptionView
    }

    fn on_enter(&mut self, _cx: &Ctx) -> Actions<LoadHistory> {
        vec![Action::Request(LoadHistory {
            appointment_id: self.brief.appointment_id,
        })]
    }

    fn on_key(
        &mut self,
        _key: KeyEvent,
        command: Option<Command>,
        _cx: &Ctx,
    ) -> Actions<LoadHistory> {
        if self.view.on_command(command) {
            Vec::new()
        } else {
            vec![Action::Back]
        }
    }

    fn started(&mut self, request: u64, _op: &LoadHistory) {
        self.pending = Some(request);
    }

    fn on_reply(
        &mut self,
        request: u64,
        reply: Result<Vec<Prescription>, ServiceError>,
        _cx: &Ctx,
    ) -> Actions<LoadHistory> {
        if self.pending != Some(request) {
            return Vec::new();
        }
        self.pending = None;
        match reply {
            Ok(versions) => {
                let h = &mut self.view;
                h.table
                    .select(versions.len().saturating_sub(1), versions.len());
                h.versions = versions;
                h.marked = None;
                h.loading = false;
                Vec::new()
            }
            // Back where it was opened, with the reason (after `Back`: going back clears
            // the message line).
            Err(e) => vec![Action::Back, Action::Failed(e)],
        }
    }

    fn abandon(&mut self, request: u64) {
        if crate::tui::screens::abandon::forget(&mut self.pending, request) {
            self.view.loading = false;
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let rows = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).split(area);
        let count = self.view.versions.len();
        let text = match count {
            _ if self.view.loading => "versions".to_string(),
            1 => "1 version".to_string(),
            n => format!("{n} versions"),
        };
        frame.render_widget(
            Paragraph::new(header_line(&self.brief, cx.tz(), text, cx.theme)),
            rows[0],
        );
        render_history(frame, rows[1], &self.view, cx.tz(), cx.theme);
    }

    fn commands(&self, _cx: &Ctx, out: &mut Commands) {
        let several = self.view.versions.len() > 1;
        out.group(&[Command::Up, Command::Down], "version", several)
            .add(Command::Mark, "compare", several)
            .add(Command::Back, "back", true);
    }
}

/// The versions list and the changes between the pair compared.
pub fn render_history(frame: &mut Frame, area: Rect, h: &HistoryView, tz: Tz, theme: &Theme) {
    let block = boxed(" Versions ".into(), true, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if h.loading {
        frame.render_widget(Paragraph::new(Span::styled("Loading…", theme.dim())), inner);
        return;
    }
    let rows = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).split(inner);
    let cols = Layout::horizontal([Constraint::Length(26), Constraint::Min(20)]).split(rows[0]);
    let pair = h.pair();
    let table = DataTable::new(vec![
        Column::new("", Constraint::Length(1)),
        Column::new("Version", Constraint::Length(7)),
        Column::new("Saved", Constraint::Fill(1)),
    ]);
    table.render_with(
        frame,
        cols[0],
        &h.table,
        h.versions.len(),
        |i| {
            let v = &h.versions[i];
            let mark = match pair {
                Some((a, _)) if a == i => "A",
                Some((_, b)) if b == i => "B",
                _ => "",
            };
            vec![
                Span::styled(mark, theme.title()),
                Span::raw(format!("v{}", v.version)),
                Span::raw(
                    v.last_updated
                        .with_timezone(&tz)
                        .format("%-d %b %H:%M")
                        .to_string(),
                ),
            ]
        },
        theme,
    );
    let w = usize::from(cols[1].width);
    let mut lines = Vec::new();
    match pair.and_then(|(a, b)| Some((h.versions.get(a)?, h.versions.get(b)?))) {
        Some((a, b)) => {
            lines.push(Line::from(Span::styled(
                format!("From v{} to v{}:", a.version, b.version),
                theme.title(),
            )));
            let d = h.diff();
            if d.is_empty() {
                lines.push(Line::from(Span::styled("  no changes", theme.dim())));
            }
            for l in &d {
                lines.push(diff_line(l, w, theme));
            }
        }
        None => lines.push(Line::from(Span::styled(
            "The first version: nothing to compare with. Move down, or mark another with Space.",
            theme.dim(),
        ))),
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), cols[1]);
    frame.render_widget(
        Paragraph::new(Span::styled(
            "↑↓ version B · Space mark version A · Esc close",
            theme.key(),
        )),
        rows[1],
    );
}
