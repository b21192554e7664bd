//! Change your own password (every signed-in role): the current password, the new one
//! and the new one again, all masked. Ctrl-S or Enter saves; every mistake is named at
//! once under its field (a refusal of the service too); the fields are emptied after a
//! change and whenever the screen is left.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::domain::Actor;
use crate::domain::validation::MIN_PASSWORD_LEN;
use crate::service::{ServiceError, Services};
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Action, Actions, Commands, Ctx, Operation, Screen};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Form, FormOutcome};
use crate::tui::widgets::refusal;

/// The fields of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordField {
    Current,
    New,
    Repeat,
}

#[derive(Debug, Clone)]
pub struct PasswordScreen {
    pub form: Form<PasswordField>,
    /// The change in flight.
    pub pending: Option<u64>,
    /// Set after a successful change, shown above the form.
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

/// What is wrong with the form, every field at once.
fn check(f: &Form<PasswordField>) -> Vec<(PasswordField, String)> {
    use PasswordField::{Current, New, Repeat};
    let mut errors = Vec::new();
    if f.value(Current).is_empty() {
        errors.push((Current, "Type your current password.".to_string()));
    }
    if f.value(New).chars().count() < MIN_PASSWORD_LEN {
        errors.push((
            New,
            format!("The new password needs at least {MIN_PASSWORD_LEN} characters."),
        ));
    } else if f.value(New) == f.value(Current) {
        errors.push((
            New,
            "The new password must differ from the current one.".to_string(),
        ));
    }
    if f.value(New) != f.value(Repeat) {
        errors.push((
            Repeat,
            "The two new passwords are not the same.".to_string(),
        ));
    }
    errors
}

/// The field a refusal of the service is about: the current password is the usual
/// mistake; a weak or short new one the next.
fn refused_field(sentence: &str) -> Option<PasswordField> {
    let s = sentence.to_lowercase();
    if s.contains("current password") {
        Some(PasswordField::Current)
    } else if s.contains("password") {
        Some(PasswordField::New)
    } else {
        None
    }
}

impl PasswordScreen {
    pub fn new() -> PasswordScreen {
        PasswordScreen {
            form: Form::new("Change your password")
                .masked(PasswordField::Current, "Current", "your password now")
                .masked(PasswordField::New, "New", "at least 8 characters")
                .masked(PasswordField::Repeat, "Repeat", "the new one again"),
            pending: None,
            done: false,
        }
    }

    pub fn handle(&mut self, key: KeyEvent, command: Option<Command>) -> PasswordKey {
        match self.form.on_key(&key, command) {
            FormOutcome::Cancel => {
                self.form.clear();
                PasswordKey::Back
            }
            FormOutcome::Submit => {
                self.done = false;
                if !self.form.validate(check) {
                    return PasswordKey::None;
                }
                PasswordKey::Save(
                    self.form.value(PasswordField::Current).to_string(),
                    self.form.value(PasswordField::New).to_string(),
                )
            }
            FormOutcome::Edited => {
                self.done = false;
                PasswordKey::None
            }
            FormOutcome::Nothing | FormOutcome::Yes | FormOutcome::No => PasswordKey::None,
        }
    }

    /// The answer to the request `request`; `Some` when it was current.
    pub fn answer(
        &mut self,
        request: u64,
        result: Result<(), ServiceError>,
    ) -> Option<Result<(), ServiceError>> {
        if self.pending != Some(request) {
            return None;
        }
        self.pending = None;
        self.form.set_pending(false);
        match &result {
            Ok(()) => {
                self.form.clear();
                self.done = true;
            }
            Err(e) => refusal::show_at(&mut self.form, e, refused_field(&e.to_string())),
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
        self.pending = Some(request);
        self.form.set_pending(true);
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
        if super::abandon::forget(&mut self.pending, request) {
            self.form.set_pending(false);
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        draw(frame, area, self, cx.theme);
    }

    fn commands(&self, _cx: &Ctx, out: &mut Commands) {
        out.add(Command::NextField, "next field", true)
            .add(Command::Save, "save", self.pending.is_none())
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
    state.form.render_popup(frame, area, theme);
}
