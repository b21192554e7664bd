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
