//! Change your own password (every signed-in role): the current password, the new one
//! and the new one again, all masked. Ctrl-S or Enter saves; a refusal is a sentence;
//! the fields are emptied after a change and whenever the screen is left.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::form::{Form, FormKey, render_form, secret};
use crate::domain::validation::MIN_PASSWORD_LEN;
use crate::tui::effect::Effect;
use crate::tui::keymap::{Command, Context};
use crate::tui::state::{AppState, Screen};
use crate::tui::theme::Theme;

#[derive(Debug, Clone)]
pub struct PasswordState {
    pub form: Form,
    /// Set after a successful change, shown under the form.
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    Back,
    /// Send the change: (current, new).
    Save(String, String),
}

impl Default for PasswordState {
    fn default() -> Self {
        PasswordState::new()
    }
}

impl PasswordState {
    pub fn new() -> PasswordState {
        PasswordState {
            form: Form::new(
                "Change your password",
                vec![
                    secret("Current", "your password now"),
                    secret("New", "at least 8 characters"),
                    secret("Repeat", "the new one again"),
                ],
            ),
            done: false,
        }
    }

    pub fn context(&self) -> Context {
        Context::Form
    }

    pub fn on_key(&mut self, key: KeyEvent, command: Option<Command>) -> Action {
        match self.form.on_key(key, command) {
            FormKey::Cancel => {
                self.form.clear();
                Action::Back
            }
            FormKey::Save => {
                self.done = false;
                let f = &mut self.form;
                if f.value(0).is_empty() {
                    f.refuse(0, "Type your current password.");
                } else if f.value(1).chars().count() < MIN_PASSWORD_LEN {
                    f.refuse(
                        1,
                        format!("The new password needs at least {MIN_PASSWORD_LEN} characters."),
                    );
                } else if f.value(1) != f.value(2) {
                    f.refuse(2, "The two new passwords are not the same.");
                } else if f.value(0) == f.value(1) {
                    f.refuse(1, "The new password must differ from the current one.");
                } else {
                    f.error = None;
                    return Action::Save(f.value(0).to_string(), f.value(1).to_string());
                }
                Action::None
            }
            _ => {
                if key.code != crossterm::event::KeyCode::Tab {
                    self.done = false;
                }
                Action::None
            }
        }
    }

    /// The answer to the request `request`; `Some` when it was current.
    pub fn on_reply(
        &mut self,
        request: u64,
        result: Result<(), String>,
    ) -> Option<Result<(), String>> {
        if self.form.pending != Some(request) {
            return None;
        }
        self.form.pending = None;
        match &result {
            Ok(()) => {
                self.form.clear();
                self.form.error = None;
                self.done = true;
            }
            Err(e) => {
                // The current password is typed again: it is the usual mistake.
                self.form.error = Some(e.clone());
            }
        }
        Some(result)
    }
}

// ---------------------------------------------------------------------------------------
// Wiring into the app (called from `update`).

pub fn open(state: &mut AppState) -> Vec<Effect> {
    state.screen = Screen::Password(Box::default());
    state.status = None;
    Vec::new()
}

pub fn on_key(state: &mut AppState, key: KeyEvent, command: Option<Command>) -> Vec<Effect> {
    let Screen::Password(p) = &mut state.screen else {
        return Vec::new();
    };
    match p.on_key(key, command) {
        Action::None => Vec::new(),
        Action::Back => {
            super::booking::go_home(state);
            Vec::new()
        }
        Action::Save(current, new_password) => {
            let Some(actor) = state.session.as_ref().map(|s| s.actor.clone()) else {
                return Vec::new();
            };
            let request = state.next_request();
            if let Screen::Password(p) = &mut state.screen {
                p.form.pending = Some(request);
            }
            state.busy = Some("Changing the password".into());
            state.status = None;
            vec![Effect::ChangePassword {
                request,
                actor,
                current,
                new_password,
            }]
        }
    }
}

pub fn on_reply(state: &mut AppState, request: u64, result: Result<(), String>) -> Vec<Effect> {
    let Screen::Password(p) = &mut state.screen else {
        return Vec::new();
    };
    match p.on_reply(request, result) {
        None => {}
        Some(Ok(())) => {
            state.busy = None;
            state.info("Your password was changed. Use the new one next time you sign in.");
        }
        Some(Err(e)) => {
            state.busy = None;
            state.error(e);
        }
    }
    Vec::new()
}

// ---------------------------------------------------------------------------------------
// Rendering

pub fn render(frame: &mut Frame, area: Rect, state: &PasswordState, theme: &Theme) {
    let note = if state.done {
        Span::styled(
            " Your password was changed. Esc goes back to the menu.",
            theme.info(),
        )
    } else {
        Span::styled(
            " Passwords are never shown. Other sessions stay signed in until they end.",
            theme.dim(),
        )
    };
    frame.render_widget(Paragraph::new(Line::from(note)), Rect { height: 1, ..area });
    render_form(frame, area, &state.form, theme);
}
