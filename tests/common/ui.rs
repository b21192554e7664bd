//! Driving the UI as pure functions: key messages, `update` with the default keymap, and
//! rendering on ratatui's TestBackend.

use clinic::tui::effect::Effect;
use clinic::tui::keymap::Keymap;
use clinic::tui::msg::Msg;
use clinic::tui::state::AppState;
use clinic::tui::{render, update};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Feeds messages through `update` with the default keymap; returns every effect.
pub fn send(state: &mut AppState, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    let keymap = Keymap::defaults();
    msgs.into_iter()
        .flat_map(|m| update(state, m, &keymap))
        .collect()
}

pub fn type_text(state: &mut AppState, text: &str) -> Vec<Effect> {
    send(state, text.chars().map(ch))
}

/// Renders the state once on a `width` x `height` TestBackend.
pub fn draw(state: &AppState, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    let keymap = Keymap::defaults();
    terminal
        .draw(|frame| render(frame, state, &keymap))
        .expect("draw");
    terminal
}

/// A clinic in London, without colour, at `now`; nobody signed in.
pub fn fresh(now: chrono::DateTime<chrono::Utc>) -> AppState {
    AppState::new(
        clinic::tui::state::ClinicInfo {
            name: "Smart Clinic".into(),
            time_zone: chrono_tz::Europe::London,
        },
        clinic::tui::theme::Theme { color: false },
        now,
    )
}

/// Account `id` of `role`, called `name`, signed in on the home screen.
pub fn signed_in_as(
    role: clinic::domain::Role,
    id: i32,
    name: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppState {
    let mut s = fresh(now);
    s.session = Some(clinic::service::Session {
        actor: clinic::domain::Actor::User {
            role,
            id,
            name: name.into(),
            email: "someone@clinic.test".into(),
        },
        started_at: now,
    });
    s.screen =
        clinic::tui::state::Screen::Home(clinic::tui::screens::home::HomeState::for_role(role));
    s
}

/// Opens a home menu item by moving to it and pressing Enter.
pub fn open_item(s: &mut AppState, item: clinic::tui::screens::home::HomeItem) -> Vec<Effect> {
    let clinic::tui::state::Screen::Home(home) = &s.screen else {
        panic!("not on the home screen: {:?}", s.screen.context())
    };
    let index = home
        .items
        .iter()
        .position(|i| *i == item)
        .unwrap_or_else(|| panic!("{item:?} is on the menu"));
    let mut msgs = vec![key(KeyCode::Down); index];
    msgs.push(key(KeyCode::Enter));
    send(s, msgs)
}
