//! A small form over a screen, shared by the patients, administration, audit and
//! password screens: labelled one-line fields (optionally masked), Tab/Shift-Tab between
//! them, Ctrl-S (or Enter) to save, Esc to cancel, a sentence saying why the last save
//! was refused, and a y/n question. What was typed stays until the form is closed.
//!
//! Masked fields never show what was typed, not even in `Debug` output.

use std::fmt;

use crossterm::event::{Event, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::tui::keymap::Command;
use crate::tui::theme::Theme;
use crate::tui::widgets::{popup, text_field};

/// One labelled field.
#[derive(Clone)]
pub struct Field {
    pub label: &'static str,
    pub input: Input,
    pub hint: &'static str,
    /// A password: shown as `•`, never printed.
    pub masked: bool,
}

impl fmt::Debug for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = if self.masked {
            "<redacted>".to_string()
        } else {
            self.input.value().to_string()
        };
        f.debug_struct("Field")
            .field("label", &self.label)
            .field("value", &value)
            .finish()
    }
}

/// A visible field with a starting value.
pub fn field(label: &'static str, value: impl Into<String>, hint: &'static str) -> Field {
    Field {
        label,
        input: Input::new(value.into()),
        hint,
        masked: false,
    }
}

/// An empty masked field (a password).
pub fn secret(label: &'static str, hint: &'static str) -> Field {
    Field {
        label,
        input: Input::default(),
        hint,
        masked: true,
    }
}

#[derive(Debug, Clone)]
pub struct Form {
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Why the last save was refused (a sentence); what was typed stays.
    pub error: Option<String>,
    /// The request id of a save in flight; keys are ignored meanwhile.
    pub pending: Option<u64>,
    /// A y/n question about the save (e.g. a possible duplicate).
    pub question: Option<String>,
}

/// What a key did to the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKey {
    /// Nothing for the screen to do (typing, moving between fields).
    None,
    Save,
    Cancel,
    /// The answer to [`Form::question`].
    Yes,
    No,
}

impl Form {
    pub fn new(title: impl Into<String>, fields: Vec<Field>) -> Form {
        Form {
            title: title.into(),
            fields,
            focus: 0,
            error: None,
            pending: None,
            question: None,
        }
    }

    /// What was typed in field `i` (empty when there is no such field).
    pub fn value(&self, i: usize) -> &str {
        self.fields.get(i).map_or("", |f| f.input.value())
    }

    /// Empties every field (after a password change, say).
    pub fn clear(&mut self) {
        for f in &mut self.fields {
            f.input.reset();
        }
        self.focus = 0;
    }

    /// Shows a refusal and puts the cursor on field `i`.
    pub fn refuse(&mut self, i: usize, message: impl Into<String>) {
        self.focus = i.min(self.fields.len().saturating_sub(1));
        self.error = Some(message.into());
    }

    /// Handles a key; `command` is what the keymap made of it (Form or Confirm context).
    pub fn on_key(&mut self, key: KeyEvent, command: Option<Command>) -> FormKey {
        if self.question.is_some() {
            return match command {
                Some(Command::Yes) if self.pending.is_none() => FormKey::Yes,
                Some(Command::No) => {
                    self.question = None;
                    FormKey::No
                }
                _ => FormKey::None,
            };
        }
        let n = self.fields.len().max(1);
        match command {
            Some(Command::NextField) => self.focus = (self.focus + 1) % n,
            Some(Command::PrevField) => self.focus = (self.focus + n - 1) % n,
            Some(Command::Cancel) => return FormKey::Cancel,
            Some(Command::Save) if self.pending.is_none() => return FormKey::Save,
            Some(Command::Save) => {}
            _ => {
                if self.pending.is_none()
                    && let Some(f) = self.fields.get_mut(self.focus)
                {
                    f.input.handle_event(&Event::Key(key));
                }
            }
        }
        FormKey::None
    }
}

/// Draws the form as a centred box over `area`. The box grows to show a long refusal in
/// full, wrapped at words.
pub fn render_form(frame: &mut Frame, area: Rect, form: &Form, theme: &Theme) {
    let n = u16::try_from(form.fields.len()).unwrap_or(8);
    let width = if area.width >= 100 { 76 } else { 70 };
    let (message, style) = if form.pending.is_some() {
        ("Saving…".to_string(), theme.info())
    } else if let Some(q) = &form.question {
        (q.clone(), theme.error())
    } else if let Some(e) = &form.error {
        (e.clone(), theme.error())
    } else {
        (String::new(), Style::new())
    };
    // The message row is the box's width less its borders and a margin each side.
    let message_width = width.min(area.width).saturating_sub(4);
    let message_rows =
        crate::tui::widgets::status_bar::wrapped_rows(&Line::raw(message.as_str()), message_width)
            .max(2);
    let boxed = popup(frame, area, width, n + 5 + message_rows);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(format!(" {} ", form.title), theme.title()));
    let inner = block.inner(boxed);
    frame.render_widget(block, boxed);
    if inner.width < 24 || inner.height < 3 {
        return;
    }
    let label_w: u16 = form
        .fields
        .iter()
        .map(|f| u16::try_from(f.label.chars().count()).unwrap_or(10) + 2)
        .max()
        .unwrap_or(10);
    let field_w: u16 = 34.min(inner.width.saturating_sub(label_w + 3));
    let row = |i: u16| Rect {
        x: inner.x + 1,
        y: inner.y + i,
        width: inner.width.saturating_sub(2),
        height: 1,
    };
    for (i, field) in form.fields.iter().enumerate() {
        let r = row(u16::try_from(i).unwrap_or(0));
        if r.y >= inner.y + inner.height {
            break;
        }
        let focused = i == form.focus && form.question.is_none();
        let marker = if focused { "▶" } else { " " };
        let label_style = if focused { theme.title() } else { Style::new() };
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!("{marker}{}", field.label),
                label_style,
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
        let mask = field.masked.then_some('•');
        if let Some(pos) = text_field(frame, f, &field.input, mask, focused, theme) {
            frame.set_cursor_position(pos);
        }
        frame.render_widget(
            Paragraph::new(Span::styled(field.hint, theme.dim())),
            Rect {
                x: f.x + field_w + 1,
                width: r.width.saturating_sub(label_w + field_w + 1),
                ..r
            },
        );
    }
    let msg_rect = Rect {
        height: message_rows.min(inner.height.saturating_sub(n + 1)),
        ..row(n + 1)
    };
    frame.render_widget(
        Paragraph::new(Span::styled(message, style)).wrap(Wrap { trim: true }),
        msg_rect,
    );
    if n + 1 + message_rows < inner.height {
        let help = if form.question.is_some() {
            Line::from(vec![
                Span::styled("y", theme.key()),
                Span::raw(" yes   "),
                Span::styled("n", theme.key()),
                Span::raw("/"),
                Span::styled("Esc", theme.key()),
                Span::raw(" no, go back to the form"),
            ])
        } else {
            Line::from(Span::styled(
                "Ctrl-S/Enter save · Tab next field · Esc cancel",
                theme.dim(),
            ))
        };
        frame.render_widget(Paragraph::new(help), row(n + 1 + message_rows));
    }
}

/// A y/n question about something to change (deactivate, close, …).
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm<T> {
    pub question: String,
    pub target: T,
    /// The request id of the change in flight.
    pub pending: Option<u64>,
}

/// Draws a y/n question as a centred box over `area`.
pub fn render_confirm(frame: &mut Frame, area: Rect, question: &str, pending: bool, theme: &Theme) {
    let boxed = popup(frame, area, 62, 7);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(" Please confirm ", theme.title()));
    let last = if pending {
        Line::from(Span::styled("Saving…", theme.info()))
    } else {
        Line::from(vec![
            Span::styled("y", theme.key()),
            Span::raw(" yes   "),
            Span::styled("n", theme.key()),
            Span::raw("/"),
            Span::styled("Esc", theme.key()),
            Span::raw(" no"),
        ])
    };
    let text = vec![Line::raw(question.to_string()), Line::raw(""), last];
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: true }).block(block),
        boxed,
    );
}

/// `text` cut or padded to `width` characters.
pub fn fit(text: &str, width: usize) -> String {
    let mut s: String = text.chars().take(width).collect();
    let n = s.chars().count();
    if n == width && text.chars().count() > width && width > 1 {
        s.pop();
        s.push('…');
    }
    s.extend(std::iter::repeat_n(' ', width.saturating_sub(n)));
    s
}
