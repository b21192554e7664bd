//! The small forms over the prescription screens: a medication row, an attachment, an
//! admin's patient id. One-line fields, Tab between them, Enter or Ctrl-S to apply, Esc
//! to cancel; a sentence says what to fix and what was typed stays.

use crossterm::event::{Event, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::widgets::Wrap;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::view::boxed;
use crate::domain::prescription::Medication;
use crate::tui::keymap::Command;
use crate::tui::screen::Commands;
use crate::tui::theme::Theme;
use crate::tui::widgets::{popup, text_field};

/// A form of one-line fields (medication row, attachment).
#[derive(Debug, Clone)]
pub struct Form {
    pub title: String,
    pub labels: Vec<&'static str>,
    pub hints: Vec<&'static str>,
    pub inputs: Vec<Input>,
    pub focus: usize,
    pub error: Option<String>,
    pub kind: FormKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    /// Editing row `Some(i)` or adding (`None`).
    Medication(Option<usize>),
    Attachment,
    /// Admin: a patient's timeline by id.
    PatientId,
}

impl Form {
    pub fn value(&self, i: usize) -> &str {
        self.inputs.get(i).map_or("", |x| x.value())
    }

    pub fn medication(row: Option<usize>, m: &Medication) -> Form {
        Form {
            title: if row.is_some() {
                " Edit medication ".into()
            } else {
                " Add medication ".into()
            },
            labels: vec!["Name", "Dosage", "Frequency", "Days", "Notes"],
            hints: vec![
                "required",
                "required, e.g. 500mg",
                "e.g. 3 times a day",
                "whole number",
                "",
            ],
            inputs: vec![
                Input::new(m.name.clone()),
                Input::new(m.dosage.clone()),
                Input::new(m.frequency.clone()),
                Input::new(m.duration_days.map_or(String::new(), |d| d.to_string())),
                Input::new(m.notes.clone()),
            ],
            focus: 0,
            error: None,
            kind: FormKind::Medication(row),
        }
    }

    pub fn attachment() -> Form {
        Form {
            title: " Add attachment ".into(),
            labels: vec!["Link/file", "Name"],
            hints: vec!["https://… or a local path", "optional"],
            inputs: vec![Input::default(), Input::default()],
            focus: 0,
            error: None,
            kind: FormKind::Attachment,
        }
    }

    pub fn patient_id() -> Form {
        Form {
            title: " Patient's prescriptions ".into(),
            labels: vec!["Patient id"],
            hints: vec!["a number"],
            inputs: vec![Input::default()],
            focus: 0,
            error: None,
            kind: FormKind::PatientId,
        }
    }
}

/// What a key did to a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKey {
    /// Typed, or moved between fields.
    Edited,
    Apply,
    Cancel,
}

impl Form {
    /// Moves between fields or types into the focused one; says when to apply or cancel.
    pub fn handle(&mut self, key: KeyEvent, command: Option<Command>) -> FormKey {
        let n = self.inputs.len().max(1);
        match command {
            Some(Command::NextField) => self.focus = (self.focus + 1) % n,
            Some(Command::PrevField) => self.focus = (self.focus + n - 1) % n,
            Some(Command::Cancel) => return FormKey::Cancel,
            Some(Command::Save) => return FormKey::Apply,
            _ => {
                if let Some(input) = self.inputs.get_mut(self.focus) {
                    input.handle_event(&Event::Key(key));
                }
            }
        }
        FormKey::Edited
    }
}

/// Draws `form` in a box over `area`.
pub fn render_form(frame: &mut Frame, area: Rect, form: &Form, theme: &Theme) {
    let n = u16::try_from(form.inputs.len()).unwrap_or(5);
    let outer = popup(frame, area, 66, n + 5);
    let block = boxed(form.title.clone(), true, theme);
    let inner = block.inner(outer);
    frame.render_widget(block, outer);
    let label_w: u16 = 11;
    let field_w: u16 = 28.min(inner.width.saturating_sub(label_w + 2));
    for (i, input) in form.inputs.iter().enumerate() {
        let y = inner.y + u16::try_from(i).unwrap_or(0);
        if y >= inner.y + inner.height {
            break;
        }
        let focused = i == form.focus;
        let r = Rect {
            x: inner.x + 1,
            y,
            width: inner.width.saturating_sub(2),
            height: 1,
        };
        let label = format!(
            "{}{}",
            if focused { "▶" } else { " " },
            form.labels.get(i).copied().unwrap_or("")
        );
        frame.render_widget(
            Paragraph::new(Span::styled(
                label,
                if focused { theme.title() } else { Style::new() },
            )),
            Rect {
                width: label_w,
                ..r
            },
        );
        let f = Rect {
            x: r.x + label_w,
            width: field_w,
            ..r
        };
        if let Some(pos) = text_field(frame, f, input, None, focused, theme) {
            frame.set_cursor_position(pos);
        }
        frame.render_widget(
            Paragraph::new(Span::styled(
                form.hints.get(i).copied().unwrap_or(""),
                theme.dim(),
            )),
            Rect {
                x: f.x + field_w + 1,
                width: r.width.saturating_sub(label_w + field_w + 1),
                ..r
            },
        );
    }
    let msg_y = inner.y + n + 1;
    if msg_y < inner.y + inner.height {
        let line = match &form.error {
            Some(e) => Line::from(Span::styled(e.clone(), theme.error())),
            None => Line::from(Span::styled(
                "Enter/Ctrl-S ok · Tab next field · Esc cancel",
                theme.dim(),
            )),
        };
        frame.render_widget(
            Paragraph::new(line).wrap(Wrap { trim: true }),
            Rect {
                x: inner.x + 1,
                y: msg_y,
                width: inner.width.saturating_sub(2),
                height: 2.min(inner.y + inner.height - msg_y),
            },
        );
    }
}

/// The keys a form offers (keymap context `form`).
pub fn commands(out: &mut Commands) {
    out.add(Command::Save, "ok", true)
        .add(Command::NextField, "next", true)
        .add(Command::Cancel, "cancel", true)
        .more(Command::PrevField, "previous field", true);
}
