//! One patient's prescriptions, newest first: a patient's own "My prescriptions", or a
//! doctor's or admin's look at a patient. Enter opens one read-only; Esc on it comes back
//! here with the same one selected.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::view::{boxed, local};
use super::viewer::ViewerScreen;
use crate::domain::{Actor, Role};
use crate::service::prescriptions::TimelineEntry;
use crate::service::{ServiceError, Services};
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Action, Actions, Commands, Ctx, Operation, Screen};
use crate::tui::screens::abandon::forget;
use crate::tui::widgets::text::truncate;

#[derive(Debug, Clone, PartialEq)]
pub struct TimelineScreen {
    pub patient_id: i32,
    pub entries: Vec<TimelineEntry>,
    pub selected: usize,
    pub loaded: bool,
    pending: Option<u64>,
}

impl TimelineScreen {
    /// The prescriptions of `patient_id` (loaded when the screen opens).
    pub fn for_patient(patient_id: i32) -> TimelineScreen {
        TimelineScreen {
            patient_id,
            entries: Vec::new(),
            selected: 0,
            loaded: false,
            pending: None,
        }
    }
}

/// A patient's prescriptions, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadTimeline {
    pub patient_id: i32,
}

impl Operation for LoadTimeline {
    type Reply = Result<Vec<TimelineEntry>, ServiceError>;

    fn busy_text(&self) -> &'static str {
        "Loading prescriptions"
    }

    async fn run(self, services: &Services, actor: &Actor) -> Self::Reply {
        services.timeline_for_patient(actor, self.patient_id).await
    }
}

impl Screen for TimelineScreen {
    type Op = LoadTimeline;

    fn context(&self) -> Context {
        Context::PrescriptionList
    }

    fn on_enter(&mut self, _cx: &Ctx) -> Actions<LoadTimeline> {
        vec![Action::Request(LoadTimeline {
            patient_id: self.patient_id,
        })]
    }

    fn on_key(
        &mut self,
        _key: KeyEvent,
        command: Option<Command>,
        _cx: &Ctx,
    ) -> Actions<LoadTimeline> {
        let n = self.entries.len();
        match command {
            Some(Command::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Command::Down) => self.selected = (self.selected + 1).min(n.saturating_sub(1)),
            Some(Command::Back) => return vec![Action::Back],
            Some(Command::Open) => {
                let Some(e) = self.entries.get(self.selected) else {
                    return vec![Action::Info("No prescriptions yet.".into())];
                };
                let viewer = ViewerScreen::for_appointment(e.summary.appointment_id);
                return vec![Action::Open(viewer.into())];
            }
            _ => {}
        }
        Vec::new()
    }

    fn started(&mut self, request: u64, _op: &LoadTimeline) {
        self.pending = Some(request);
    }

    fn on_reply(
        &mut self,
        request: u64,
        reply: Result<Vec<TimelineEntry>, ServiceError>,
        _cx: &Ctx,
    ) -> Actions<LoadTimeline> {
        if self.pending != Some(request) {
            return Vec::new();
        }
        self.pending = None;
        match reply {
            Ok(entries) => {
                self.selected = self.selected.min(entries.len().saturating_sub(1));
                self.entries = entries;
                self.loaded = true;
                Vec::new()
            }
            Err(e) => vec![Action::Failed(e)],
        }
    }

    fn abandon(&mut self, request: u64) {
        forget(&mut self.pending, request);
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let theme = cx.theme;
        let title = if cx.role() == Role::Patient {
            " My prescriptions ".to_string()
        } else {
            format!(" Prescriptions of patient {} ", self.patient_id)
        };
        let block = boxed(title, true, theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if !self.loaded {
            frame.render_widget(Paragraph::new(Span::styled("Loading…", theme.dim())), inner);
            return;
        }
        if self.entries.is_empty() {
            frame.render_widget(
                Paragraph::new(Span::styled("No prescriptions yet.", theme.dim())),
                inner,
            );
            return;
        }
        let width = usize::from(inner.width);
        let mut lines = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            let when = e
                .appointment_time
                .map_or_else(|| "—".to_string(), |at| local(cx.tz(), at));
            let head = format!(
                "{} {when} · {} · v{}",
                if i == self.selected { "▶" } else { " " },
                e.doctor_name,
                e.summary.version
            );
            let style = if i == self.selected {
                theme.focus()
            } else {
                Style::new()
            };
            lines.push(Line::from(Span::styled(
                truncate(&head, width).into_owned(),
                style,
            )));
            let mut detail = format!("   {}", e.summary.medications_line(3));
            if !e.summary.diagnosis.is_empty() {
                detail.push_str(&format!(" · {}", e.summary.diagnosis.replace('\n', " ")));
            }
            if !e.summary.tags.is_empty() {
                detail.push_str(&format!(" · #{}", e.summary.tags.join(" #")));
            }
            lines.push(Line::from(Span::styled(
                truncate(&detail, width).into_owned(),
                theme.dim(),
            )));
        }
        let visible = usize::from(inner.height).max(2);
        let first = (self.selected * 2).saturating_sub(visible.saturating_sub(2));
        let shown: Vec<Line> = lines.into_iter().skip(first).collect();
        frame.render_widget(Paragraph::new(shown), inner);
    }

    fn commands(&self, _cx: &Ctx, out: &mut Commands) {
        let any = !self.entries.is_empty();
        out.group(&[Command::Up, Command::Down], "move", any)
            .add(Command::Open, "open", any)
            .add(Command::Back, "back", true);
    }
}
