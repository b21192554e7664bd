//! One appointment's prescription, read-only (patients, admins, doctors reading another
//! doctor's): scroll, its versions (h opens them), export as a PDF or Markdown (x asks
//! which).

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::history::HistoryScreen;
use super::ops::{self, ExportFormat};
use super::view::{boxed, describe_lines, header_line, render_opening};
use crate::domain::Actor;
use crate::domain::prescription::Prescription;
use crate::service::prescriptions::AppointmentBrief;
use crate::service::{ServiceError, Services};
use crate::tui::export::ExportError;
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Action, Actions, Commands, Ctx, Operation, Screen};
use crate::tui::screens::abandon::forget;
use crate::tui::widgets::form::{Form, FormOutcome};

/// A read-only prescription.
#[derive(Debug, Clone)]
pub struct ViewerScreen {
    pub appointment_id: i32,
    /// The appointment and its prescription once loaded.
    pub loaded: Option<(AppointmentBrief, Option<Prescription>)>,
    pub scroll: u16,
    opening: Option<u64>,
    exporting: Option<u64>,
    /// The open request failed without an answer.
    unavailable: bool,
    /// `x`'s question: which format.
    pub export_form: Option<Form<&'static str>>,
}

impl ViewerScreen {
    /// The prescription of one appointment (loaded when the screen opens).
    pub fn for_appointment(appointment_id: i32) -> ViewerScreen {
        ViewerScreen {
            appointment_id,
            loaded: None,
            scroll: 0,
            opening: None,
            exporting: None,
            unavailable: false,
            export_form: None,
        }
    }

    pub fn prescription(&self) -> Option<&Prescription> {
        self.loaded.as_ref().and_then(|(_, p)| p.as_ref())
    }
}

/// What the viewer asks of the services.
#[derive(Debug, Clone, PartialEq)]
pub enum ViewerOp {
    Open {
        appointment_id: i32,
    },
    /// Export the stored version as a PDF or Markdown to a file.
    Export {
        appointment_id: i32,
        format: ExportFormat,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum ViewerReply {
    Opened(Result<Box<(AppointmentBrief, Option<Prescription>)>, ServiceError>),
    /// Where the file went.
    Exported(Result<String, ExportError>),
}

impl Operation for ViewerOp {
    type Reply = ViewerReply;

    fn busy_text(&self) -> &'static str {
        match self {
            ViewerOp::Open { .. } => "Opening the prescription",
            ViewerOp::Export { .. } => "Exporting",
        }
    }

    async fn run(self, services: &Services, actor: &Actor) -> ViewerReply {
        match self {
            ViewerOp::Open { appointment_id } => ViewerReply::Opened(
                ops::open_viewer(services, actor, appointment_id)
                    .await
                    .map(Box::new),
            ),
            ViewerOp::Export {
                appointment_id,
                format,
            } => ViewerReply::Exported(ops::export(services, actor, appointment_id, format).await),
        }
    }
}

impl Screen for ViewerScreen {
    type Op = ViewerOp;

    fn context(&self) -> Context {
        match &self.export_form {
            Some(form) => form.context(),
            None => Context::PrescriptionView,
        }
    }

    fn on_enter(&mut self, _cx: &Ctx) -> Actions<ViewerOp> {
        vec![Action::Request(ViewerOp::Open {
            appointment_id: self.appointment_id,
        })]
    }

    fn on_key(&mut self, key: KeyEvent, command: Option<Command>, _cx: &Ctx) -> Actions<ViewerOp> {
        if let Some(mut form) = self.export_form.take() {
            return match form.on_key(&key, command) {
                FormOutcome::Cancel => Vec::new(),
                FormOutcome::Submit => vec![Action::Request(ViewerOp::Export {
                    appointment_id: self.appointment_id,
                    format: ops::chosen_format(&form),
                })],
                _ => {
                    self.export_form = Some(form);
                    Vec::new()
                }
            };
        }
        let has_one = self.prescription().is_some();
        match command {
            Some(Command::Back) => return vec![Action::Back],
            Some(Command::Up) => self.scroll = self.scroll.saturating_sub(1),
            Some(Command::Down) => self.scroll = self.scroll.saturating_add(1),
            Some(Command::History) if has_one => {
                if let Some((brief, _)) = &self.loaded {
                    return vec![Action::Open(HistoryScreen::new(brief.clone()).into())];
                }
            }
            Some(Command::Export) if has_one && self.exporting.is_none() => {
                self.export_form = Some(ops::export_form());
            }
            _ => {}
        }
        Vec::new()
    }

    fn started(&mut self, request: u64, op: &ViewerOp) {
        match op {
            ViewerOp::Open { .. } => self.opening = Some(request),
            ViewerOp::Export { .. } => self.exporting = Some(request),
        }
    }

    fn on_reply(&mut self, request: u64, reply: ViewerReply, _cx: &Ctx) -> Actions<ViewerOp> {
        match reply {
            ViewerReply::Opened(result) if self.opening == Some(request) => {
                self.opening = None;
                match result {
                    Ok(pair) => {
                        self.loaded = Some(*pair);
                        self.scroll = 0;
                        Vec::new()
                    }
                    // Back where it was opened from, with the reason (after `Back`, which
                    // clears the message line).
                    Err(e) => vec![Action::Back, Action::Failed(e)],
                }
            }
            ViewerReply::Exported(result) if self.exporting == Some(request) => {
                self.exporting = None;
                vec![ops::exported(result)]
            }
            _ => Vec::new(),
        }
    }

    fn abandon(&mut self, request: u64) {
        forget(&mut self.exporting, request);
        if forget(&mut self.opening, request) {
            self.unavailable = true;
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let theme = cx.theme;
        let Some((brief, prescription)) = &self.loaded else {
            render_opening(frame, area, self.appointment_id, self.unavailable, theme);
            return;
        };
        let tz = cx.tz();
        let rows = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).split(area);
        let state_text = prescription
            .as_ref()
            .map_or("no prescription".to_string(), |p| {
                format!(
                    "v{} · issued {}",
                    p.version,
                    p.date_issued.with_timezone(&tz).format("%-d %b %Y")
                )
            });
        frame.render_widget(
            Paragraph::new(header_line(brief, tz, state_text, theme)),
            rows[0],
        );
        let block = boxed(" Prescription (read-only) ".into(), true, theme);
        let inner = block.inner(rows[1]);
        let lines = match prescription {
            Some(p) => describe_lines(p, usize::from(inner.width), theme),
            None => vec![Line::from(Span::styled(
                "No prescription for this appointment.",
                theme.dim(),
            ))],
        };
        frame.render_widget(
            Paragraph::new(lines).scroll((self.scroll, 0)).block(block),
            rows[1],
        );
        if let Some(form) = &self.export_form {
            form.render_popup(frame, area, theme);
        }
    }

    fn commands(&self, _cx: &Ctx, out: &mut Commands) {
        if self.export_form.is_some() {
            out.add(Command::Save, "export", true)
                .add(Command::Cancel, "cancel", true);
            return;
        }
        let has_one = self.prescription().is_some();
        out.group(&[Command::Up, Command::Down], "scroll", has_one)
            .add(Command::History, "versions", has_one)
            .add(
                Command::Export,
                "export",
                has_one && self.exporting.is_none(),
            )
            .add(Command::Back, "back", true);
    }
}
