//! The login screen: email, masked password and the kind of account. It is also the
//! idle lock screen (the app puts the session aside and shows it with the email kept).

use crossterm::event::{Event, KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::domain::{AccountKind, Actor};
use crate::service::{ServiceError, Services, Session};
use crate::tui::keymap::{Command, Context, Keymap};
use crate::tui::screen::{Action, Actions, Commands, Ctx, Operation, Screen};
use crate::tui::theme::Theme;
use crate::tui::widgets::{centered, text_field};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Field {
    #[default]
    Email,
    Password,
    Kind,
    Submit,
}

const FIELDS: [Field; 4] = [Field::Email, Field::Password, Field::Kind, Field::Submit];

#[derive(Debug, Clone)]
pub struct LoginScreen {
    pub email: Input,
    pub password: Input,
    pub kind: AccountKind,
    pub focus: Field,
    pub error: Option<String>,
    /// The request id of a login in flight.
    pub pending: Option<u64>,
}

impl Default for LoginScreen {
    fn default() -> Self {
        LoginScreen {
            email: Input::default(),
            password: Input::default(),
            kind: AccountKind::Staff,
            focus: Field::Email,
            error: None,
            pending: None,
        }
    }
}

/// What the app should do after a key on this screen.
#[derive(Debug, Clone, PartialEq)]
pub enum LoginKey {
    None,
    Quit,
    Submit {
        kind: AccountKind,
        email: String,
        password: String,
    },
}

impl LoginScreen {
    /// A login screen that keeps the email of someone whose session ended.
    pub fn with_email(email: &str, kind: AccountKind) -> LoginScreen {
        LoginScreen {
            email: Input::new(email.to_string()),
            kind,
            focus: Field::Password,
            ..LoginScreen::default()
        }
    }

    fn move_focus(&mut self, forward: bool) {
        let i = FIELDS.iter().position(|f| *f == self.focus).unwrap_or(0);
        let n = FIELDS.len();
        self.focus = FIELDS[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }];
    }

    fn cycle_kind(&mut self, forward: bool) {
        let all = AccountKind::ALL;
        let i = all.iter().position(|k| *k == self.kind).unwrap_or(0);
        let n = all.len();
        self.kind = all[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }];
    }

    fn submit(&mut self) -> LoginKey {
        if self.pending.is_some() {
            return LoginKey::None;
        }
        let email = self.email.value().trim().to_string();
        if email.is_empty() {
            self.error = Some("Enter your email.".into());
            self.focus = Field::Email;
            return LoginKey::None;
        }
        if self.password.value().is_empty() {
            self.error = Some("Enter your password.".into());
            self.focus = Field::Password;
            return LoginKey::None;
        }
        self.error = None;
        LoginKey::Submit {
            kind: self.kind,
            email,
            password: self.password.value().to_string(),
        }
    }

    /// The keymap context: the role field has its own (arrows change the role there,
    /// while in the text fields they move the cursor).
    pub fn context(&self) -> Context {
        if self.focus == Field::Kind {
            Context::LoginRole
        } else {
            Context::Login
        }
    }

    /// Handles a key; `command` is what the keymap made of it in [`Self::context`].
    pub fn handle(&mut self, key: KeyEvent, command: Option<Command>) -> LoginKey {
        match command {
            Some(Command::NextField) => self.move_focus(true),
            Some(Command::PrevField) => self.move_focus(false),
            Some(Command::Quit) => return LoginKey::Quit,
            Some(Command::PrevRole) if self.focus == Field::Kind => self.cycle_kind(false),
            Some(Command::NextRole) if self.focus == Field::Kind => self.cycle_kind(true),
            Some(Command::Submit) => {
                return match self.focus {
                    Field::Email if self.password.value().is_empty() => {
                        self.focus = Field::Password;
                        LoginKey::None
                    }
                    _ => self.submit(),
                };
            }
            _ => match self.focus {
                Field::Email => {
                    self.email.handle_event(&Event::Key(key));
                }
                Field::Password => {
                    self.password.handle_event(&Event::Key(key));
                }
                // The first letter of a role picks it.
                Field::Kind => match key.code {
                    KeyCode::Char('s') | KeyCode::Char('S') => self.kind = AccountKind::Staff,
                    KeyCode::Char('d') | KeyCode::Char('D') => self.kind = AccountKind::Doctor,
                    KeyCode::Char('p') | KeyCode::Char('P') => self.kind = AccountKind::Patient,
                    _ => {}
                },
                Field::Submit => {
                    if key.code == KeyCode::Char(' ') {
                        return self.submit();
                    }
                }
            },
        }
        LoginKey::None
    }

    /// A failed login: say why, keep the email, clear the password.
    pub fn failed(&mut self, message: String) {
        self.pending = None;
        self.error = Some(message);
        self.password = Input::default();
        self.focus = Field::Password;
    }
}

/// How to change the role, from the keymap: "←/→ change the role (or s, d, p)" when the
/// field has focus, "Tab here, then ←/→ to change" when it has not.
fn role_hint(keymap: &Keymap, focused: bool) -> String {
    let key = |c| keymap.key_for(Context::LoginRole, c).unwrap_or_default();
    let arrows = match (key(Command::PrevRole), key(Command::NextRole)) {
        (p, n) if p.is_empty() && n.is_empty() => return "s, d, p pick the role".into(),
        (p, n) if p.is_empty() || n.is_empty() => format!("{p}{n}"),
        (p, n) => format!("{p}/{n}"),
    };
    if focused {
        format!("{arrows} change the role (or s, d, p)")
    } else {
        format!("Tab here, then {arrows} to change")
    }
}

fn draw(
    frame: &mut Frame,
    area: Rect,
    state: &LoginScreen,
    clinic_name: &str,
    keymap: &Keymap,
    theme: &Theme,
) {
    let boxed = centered(area, 58, 15);
    frame.render_widget(Clear, boxed);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(
            format!(" {clinic_name} · Sign in "),
            theme.title(),
        ));
    let inner = block.inner(boxed);
    frame.render_widget(block, boxed);

    let rows = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .split(inner.inner(ratatui::layout::Margin::new(2, 0)));

    let label_w = 12;
    let field_row = |row: Rect| {
        let cols =
            Layout::horizontal([Constraint::Length(label_w), Constraint::Min(10)]).split(row);
        (cols[0], cols[1])
    };
    let label = |text: &str, focused: bool| {
        let style = if focused {
            theme.title()
        } else {
            ratatui::style::Style::new()
        };
        Paragraph::new(Span::styled(text.to_string(), style))
    };

    let (l, f) = field_row(rows[1]);
    frame.render_widget(label("Email", state.focus == Field::Email), l);
    if let Some(pos) = text_field(
        frame,
        f,
        &state.email,
        None,
        state.focus == Field::Email,
        theme,
    ) {
        frame.set_cursor_position(pos);
    }

    let (l, f) = field_row(rows[3]);
    frame.render_widget(label("Password", state.focus == Field::Password), l);
    if let Some(pos) = text_field(
        frame,
        f,
        &state.password,
        Some('•'),
        state.focus == Field::Password,
        theme,
    ) {
        frame.set_cursor_position(pos);
    }

    let (l, f) = field_row(rows[5]);
    frame.render_widget(label("Sign in as", state.focus == Field::Kind), l);
    let mut spans = Vec::new();
    for kind in AccountKind::ALL {
        let selected = kind == state.kind;
        let mark = if selected { "(•) " } else { "( ) " };
        let style = if selected && state.focus == Field::Kind {
            theme.focus()
        } else if selected {
            ratatui::style::Style::new().add_modifier(ratatui::style::Modifier::BOLD)
        } else {
            ratatui::style::Style::new()
        };
        spans.push(Span::styled(format!("{mark}{}", kind.label()), style));
        spans.push(Span::raw("  "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), f);
    let (_, f) = field_row(rows[6]);
    let focused = state.focus == Field::Kind;
    let hint_style = if focused { theme.key() } else { theme.dim() };
    frame.render_widget(
        Paragraph::new(Span::styled(role_hint(keymap, focused), hint_style)),
        f,
    );

    let button_style = if state.focus == Field::Submit {
        theme.focus()
    } else {
        theme.key()
    };
    let button = if state.pending.is_some() {
        "[ Signing in… ]"
    } else {
        "[ Sign in ]"
    };
    frame.render_widget(
        Paragraph::new(Span::styled(button, button_style))
            .alignment(ratatui::layout::Alignment::Center),
        rows[8],
    );

    if let Some(err) = &state.error {
        frame.render_widget(
            Paragraph::new(Span::styled(err.clone(), theme.error()))
                .wrap(ratatui::widgets::Wrap { trim: true }),
            rows[10],
        );
    }
}

/// Signing in: checked by the auth service (argon2id, lockout).
#[derive(Clone, PartialEq)]
pub struct LoginOp {
    pub kind: AccountKind,
    pub email: String,
    pub password: String,
}

/// Never prints the password.
impl std::fmt::Debug for LoginOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginOp")
            .field("kind", &self.kind)
            .field("email", &self.email)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl Operation for LoginOp {
    type Reply = Result<Session, ServiceError>;

    fn busy_text(&self) -> &'static str {
        "Signing in"
    }

    async fn run(self, services: &Services, _actor: &Actor) -> Self::Reply {
        services
            .login(self.kind, &self.email, &self.password)
            .await
            .map_err(|e| match e {
                crate::service::LoginError::Service(e) => e,
                refused => ServiceError::Invalid(refused.to_string()),
            })
    }
}

impl Screen for LoginScreen {
    type Op = LoginOp;

    fn context(&self) -> Context {
        LoginScreen::context(self)
    }

    fn on_key(&mut self, key: KeyEvent, command: Option<Command>, _cx: &Ctx) -> Actions<LoginOp> {
        match LoginScreen::handle(self, key, command) {
            LoginKey::None => Vec::new(),
            LoginKey::Quit => vec![Action::Quit],
            LoginKey::Submit {
                kind,
                email,
                password,
            } => vec![
                Action::ClearStatus,
                Action::Request(LoginOp {
                    kind,
                    email,
                    password,
                }),
            ],
        }
    }

    fn started(&mut self, request: u64, _op: &LoginOp) {
        self.pending = Some(request);
    }

    fn on_reply(
        &mut self,
        request: u64,
        reply: Result<Session, ServiceError>,
        _cx: &Ctx,
    ) -> Actions<LoginOp> {
        if self.pending != Some(request) {
            return Vec::new();
        }
        match reply {
            Ok(session) => {
                self.pending = None;
                vec![Action::SignedIn(session)]
            }
            Err(e) => {
                let outage = e.is_outage();
                self.failed(e.to_string());
                // An outage also shows on the message line, where it clears once the
                // server answers again.
                if outage {
                    vec![Action::Failed(e)]
                } else {
                    Vec::new()
                }
            }
        }
    }

    fn abandon(&mut self, request: u64) {
        super::abandon::forget(&mut self.pending, request);
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        draw(frame, area, self, &cx.clinic.name, cx.keymap, cx.theme);
    }

    fn commands(&self, _cx: &Ctx, out: &mut Commands) {
        if self.focus == Field::Kind {
            out.group(&[Command::PrevRole, Command::NextRole], "change role", true);
        } else {
            out.more_in(Context::LoginRole, Command::PrevRole, "previous role")
                .more_in(Context::LoginRole, Command::NextRole, "next role");
        }
        out.add(Command::NextField, "next field", true)
            .add(Command::Submit, "sign in", self.pending.is_none())
            .add(Command::Quit, "quit", true)
            .more(Command::PrevField, "previous field", true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn type_text(s: &mut LoginScreen, text: &str) {
        for c in text.chars() {
            s.handle(key(KeyCode::Char(c)), None);
        }
    }

    #[test]
    fn typing_fills_the_focused_field_and_tab_moves() {
        let mut s = LoginScreen::default();
        type_text(&mut s, "a@b.co");
        s.handle(key(KeyCode::Tab), Some(Command::NextField));
        type_text(&mut s, "pw q");
        assert_eq!(s.email.value(), "a@b.co");
        assert_eq!(s.password.value(), "pw q");
        assert_eq!(s.focus, Field::Password);
        s.handle(key(KeyCode::BackTab), Some(Command::PrevField));
        s.handle(key(KeyCode::BackTab), Some(Command::PrevField));
        assert_eq!(s.focus, Field::Submit, "focus wraps around");
    }

    /// What the default keymap makes of a key on this screen now.
    fn press(s: &mut LoginScreen, code: KeyCode) -> LoginKey {
        let k = key(code);
        let command = Keymap::defaults().lookup(s.context(), &k);
        s.handle(k, command)
    }

    #[test]
    fn kind_cycles_with_arrows_and_letters() {
        let mut s = LoginScreen {
            focus: Field::Kind,
            ..LoginScreen::default()
        };
        assert_eq!(s.context(), Context::LoginRole);
        press(&mut s, KeyCode::Right);
        assert_eq!(s.kind, AccountKind::Doctor);
        press(&mut s, KeyCode::Left);
        press(&mut s, KeyCode::Left);
        assert_eq!(s.kind, AccountKind::Patient);
        press(&mut s, KeyCode::Char('s'));
        assert_eq!(s.kind, AccountKind::Staff);
        press(&mut s, KeyCode::Char('l'));
        press(&mut s, KeyCode::Char(' '));
        assert_eq!(s.kind, AccountKind::Patient);
    }

    #[test]
    fn arrows_move_the_cursor_in_the_email_field_and_never_change_the_role() {
        let mut s = LoginScreen::default();
        assert_eq!(s.context(), Context::Login);
        type_text(&mut s, "ab");
        press(&mut s, KeyCode::Left);
        press(&mut s, KeyCode::Right);
        press(&mut s, KeyCode::Left);
        type_text(&mut s, "x");
        assert_eq!(s.email.value(), "axb");
        assert_eq!(s.kind, AccountKind::Staff);
    }

    #[test]
    fn the_role_hint_follows_the_keymap() {
        assert_eq!(
            role_hint(&Keymap::defaults(), true),
            "←/→ change the role (or s, d, p)"
        );
        assert_eq!(
            role_hint(&Keymap::defaults(), false),
            "Tab here, then ←/→ to change"
        );
        let rebound = Keymap::with_overrides(
            "[login_role]\n\"left\" = \"none\"\n\"h\" = \"none\"\n\"ctrl+n\" = \"next_role\"\n\"right\" = \"none\"\n\"l\" = \"none\"\n\"space\" = \"none\"\n",
        )
        .expect("valid override");
        assert_eq!(
            role_hint(&rebound, true),
            "Ctrl-N change the role (or s, d, p)"
        );
    }

    #[test]
    fn submit_needs_both_fields_and_keeps_what_was_typed() {
        let mut s = LoginScreen::default();
        assert_eq!(
            s.handle(key(KeyCode::Enter), Some(Command::Submit)),
            LoginKey::None
        );
        assert_eq!(
            s.focus,
            Field::Password,
            "Enter on an email moves on to the password"
        );
        s.focus = Field::Submit;
        assert_eq!(
            s.handle(key(KeyCode::Enter), Some(Command::Submit)),
            LoginKey::None
        );
        assert_eq!(s.error.as_deref(), Some("Enter your email."));
        type_text(&mut s, "ana@x.org");
        s.focus = Field::Password;
        type_text(&mut s, "secret");
        let action = s.handle(key(KeyCode::Enter), Some(Command::Submit));
        assert_eq!(
            action,
            LoginKey::Submit {
                kind: AccountKind::Staff,
                email: "ana@x.org".into(),
                password: "secret".into()
            }
        );
        s.pending = Some(1);
        assert_eq!(
            s.handle(key(KeyCode::Enter), Some(Command::Submit)),
            LoginKey::None,
            "no double submit"
        );
        s.failed("Wrong email or password.".into());
        assert_eq!(s.email.value(), "ana@x.org");
        assert_eq!(s.password.value(), "");
        assert_eq!(s.pending, None);
    }
}
