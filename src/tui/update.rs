//! `update`: the only place the UI state changes. Pure: no I/O, no awaiting, no clock.

use super::effect::Effect;
use super::keymap::{Command, Keymap};
use super::msg::Msg;
use super::screens::{home, login};
use super::state::{AppState, Screen};

pub fn update(state: &mut AppState, msg: Msg, keymap: &Keymap) -> Vec<Effect> {
    match msg {
        Msg::Tick(now) => {
            state.now = now;
            if state.busy.is_some() {
                state.spinner_frame = state.spinner_frame.wrapping_add(1);
            }
            Vec::new()
        }
        Msg::Resize(w, h) => {
            state.size = (w, h);
            Vec::new()
        }
        Msg::Key(key) => on_key(state, key, keymap),
        Msg::LoginFinished { request, result } => {
            let Screen::Login(login) = &mut state.screen else {
                return Vec::new();
            };
            if login.pending != Some(request) {
                return Vec::new(); // stale
            }
            state.busy = None;
            match result {
                Ok(session) => {
                    state.status = None;
                    state.screen = Screen::Home(home::HomeState::for_role(session.role()));
                    state.info(format!("Signed in as {}.", session.actor.display_name()));
                    state.session = Some(session);
                }
                Err(message) => login.failed(message),
            }
            Vec::new()
        }
    }
}

fn on_key(state: &mut AppState, key: crossterm::event::KeyEvent, keymap: &Keymap) -> Vec<Effect> {
    use crossterm::event::KeyEventKind;
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    let command = keymap.lookup(state.context(), &key);
    if command == Some(Command::ForceQuit) {
        state.should_quit = true;
        return Vec::new();
    }
    if state.help_open {
        if matches!(command, Some(Command::Back) | Some(Command::Help)) {
            state.help_open = false;
        }
        return Vec::new();
    }
    if command == Some(Command::Help) {
        state.help_open = true;
        return Vec::new();
    }
    match &mut state.screen {
        Screen::Login(login) => match login.on_key(key, command) {
            login::Action::None => Vec::new(),
            login::Action::Quit => {
                state.should_quit = true;
                Vec::new()
            }
            login::Action::Submit {
                kind,
                email,
                password,
            } => {
                let request = state.next_request();
                if let Screen::Login(login) = &mut state.screen {
                    login.pending = Some(request);
                }
                state.busy = Some("Signing in".into());
                state.status = None;
                vec![Effect::Login {
                    request,
                    kind,
                    email,
                    password,
                }]
            }
        },
        Screen::Home(home) => match home.on_command(command) {
            home::Action::None => Vec::new(),
            home::Action::Open(home::HomeItem::Quit) | home::Action::Quit => {
                state.should_quit = true;
                Vec::new()
            }
            home::Action::Open(home::HomeItem::LogOut) | home::Action::Logout => {
                log_out(state);
                Vec::new()
            }
        },
    }
}

/// Back to the login screen, keeping the email for convenience.
fn log_out(state: &mut AppState) {
    if let Some(session) = state.session.take() {
        let email = match &session.actor {
            crate::domain::Actor::User { email, .. } => email.clone(),
            crate::domain::Actor::System => String::new(),
        };
        let mut login = login::LoginState::with_email(&email, session.role().account_kind());
        login.focus = login::Field::Password;
        state.screen = Screen::Login(login);
        state.info("Signed out.");
    }
}
