//! Change your own password (every signed-in role): the current password, the new one
//! and the new one again, all masked. Ctrl-S or Enter saves; a refusal is a sentence;
//! the fields are emptied after a change and whenever the screen is left.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::form::{Form, FormKey, render_form, secret};
use crate::domain::Actor;
use crate::domain::validation::MIN_PASSWORD_LEN;
use crate::service::{ServiceError, Services};
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Action, Actions, Commands, Ctx, Operation, Screen};
use crate::tui::theme::Theme;

#[derive(Debug, Clone)]
pub struct PasswordScreen {
    pub form: Form,
    /// Set after a successful change, shown under the form.
    pub done: bool,
}

/// What a key on the form asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum PasswordKey {
    None,
    Back,
    /// Send the change: (current, new).
    Save(String, String),
}

impl Default for PasswordScreen {
    fn default() -> Self {
        PasswordScreen::new()
    }
}

impl PasswordScreen {
    pub fn new() -> PasswordScreen {
        PasswordScreen {
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

    pub fn handle(&mut self, key: KeyEvent, command: Option<Command>) -> PasswordKey {
        match self.form.on_key(key, command) {
            FormKey::Cancel => {
                self.form.clear();
                PasswordKey::Back
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
                    return PasswordKey::Save(f.value(0).to_string(), f.value(1).to_string());
                }
                PasswordKey::None
            }
            _ => {
                if key.code != crossterm::event::KeyCode::Tab {
                    self.done = false;
                }
                PasswordKey::None
            }
        }
    }

    /// The answer to the request `request`; `Some` when it was current.
    pub fn answer(
        &mut self,
        request: u64,
        result: Result<(), ServiceError>,
    ) -> Option<Result<(), ServiceError>> {
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
                self.form.error = Some(e.to_string());
            }
        }
        Some(result)
    }
}

/// Changing one's own password; never printed.
#[derive(Clone, PartialEq)]
pub struct ChangePassword {
    current: String,
    new_password: String,
}

impl std::fmt::Debug for ChangePassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChangePassword(<redacted>)")
    }
}

impl Operation for ChangePassword {
    type Reply = Result<(), ServiceError>;

    fn busy_text(&self) -> &'static str {
        "Changing the password"
    }

    async fn run(self, services: &Services, actor: &Actor) -> Self::Reply {
        services
            .change_own_password(actor, &self.current, &self.new_password)
            .await
    }
}

impl Screen for PasswordScreen {
    type Op = ChangePassword;

    fn context(&self) -> Context {
        Context::Form
    }

    fn on_key(
        &mut self,
        key: KeyEvent,
        command: Option<Command>,
        _cx: &Ctx,
    ) -> Actions<ChangePassword> {
        match self.handle(key, command) {
            PasswordKey::None => Vec::new(),
            PasswordKey::Back => vec![Action::Back],
            PasswordKey::Save(current, new_password) => vec![
                Action::ClearStatus,
                Action::Request(ChangePassword {
                    current,
                    new_password,
                }),
            ],
        }
    }

    fn started(&mut self, request: u64, _op: &ChangePassword) {
        self.form.pending = Some(request);
    }

    fn on_reply(
        &mut self,
        request: u64,
        reply: Result<(), ServiceError>,
        _cx: &Ctx,
    ) -> Actions<ChangePassword> {
        match self.answer(request, reply) {
            None => Vec::new(),
            Some(Ok(())) => vec![Action::Info(
                "Your password was changed. Use the new one next time you sign in.".into(),
            )],
            Some(Err(e)) => vec![Action::Failed(e)],
        }
    }

    fn abandon(&mut self, request: u64) {
        super::abandon::forget(&mut self.form.pending, request);
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        draw(frame, area, self, cx.theme);
    }

    fn commands(&self, _cx: &Ctx, out: &mut Commands) {
        out.add(Command::NextField, "next field", true)
            .add(Command::Save, "save", self.form.pending.is_none())
            .add(Command::Cancel, "back", true)
            .more(Command::PrevField, "previous field", true);
    }
}

// ---------------------------------------------------------------------------------------
// Rendering

fn draw(frame: &mut Frame, area: Rect, state: &PasswordScreen, theme: &Theme) {
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
