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
    s.stack = vec![clinic::tui::state::Page::new(
        clinic::tui::screens::home::HomeScreen::for_role(role),
    )];
    s
}

/// The screen on top, as its type: panics (failing the test) when another is shown.
#[macro_export]
macro_rules! top {
    ($state:expr, $variant:ident) => {
        match $state.screen() {
            clinic::tui::routes::Route::$variant(screen) => &**screen,
            other => panic!(
                "expected the {} screen, {} is shown",
                stringify!($variant),
                other.name()
            ),
        }
    };
}

/// The request and op of the last effect that runs a request of `$variant`'s screen.
#[macro_export]
macro_rules! last_op {
    ($effects:expr, $variant:ident) => {
        $effects
            .iter()
            .rev()
            .find_map(|e| match e {
                clinic::tui::effect::Effect::Run {
                    request,
                    op: clinic::tui::routes::Op::$variant(op),
                    ..
                } => Some((*request, op.clone())),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no {} request in {:?}", stringify!($variant), $effects))
    };
}

/// The reply message to `request` of `$variant`'s screen.
pub fn reply(request: u64, reply: clinic::tui::routes::Reply) -> Msg {
    Msg::Reply { request, reply }
}

/// Opens a home menu item by moving to it and pressing Enter.
pub fn open_item(s: &mut AppState, item: clinic::tui::screens::home::HomeItem) -> Vec<Effect> {
    let clinic::tui::routes::Route::Home(home) = s.screen() else {
        panic!("not on the home screen: {}", s.screen().name())
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

/// The screen as text with its styles: each run of cells with the same modifiers is
/// wrapped in `[B]` bold, `[R]` reversed, `[U]` underlined, `[D]` dim markers (e.g.
/// `[RB]▶ Agenda[/]`), so a snapshot shows focus, selection and errors, not text only.
/// Colour is left out (the tests draw without colour, as `NO_COLOR` users see it).
pub fn styled(state: &AppState, width: u16, height: u16) -> String {
    use ratatui::style::Modifier;
    let terminal = draw(state, width, height);
    let buffer = terminal.backend().buffer();
    let marks = |m: Modifier| {
        let mut s = String::new();
        for (flag, c) in [
            (Modifier::REVERSED, 'R'),
            (Modifier::BOLD, 'B'),
            (Modifier::UNDERLINED, 'U'),
            (Modifier::DIM, 'D'),
        ] {
            if m.contains(flag) {
                s.push(c);
            }
        }
        s
    };
    let mut out = String::new();
    for y in 0..height {
        let mut line = String::new();
        let mut open = String::new();
        for x in 0..width {
            let cell = &buffer[(x, y)];
            let m = marks(cell.modifier);
            if m != open {
                if !open.is_empty() {
                    line.push_str("[/]");
                }
                if !m.is_empty() {
                    line.push_str(&format!("[{m}]"));
                }
                open = m;
            }
            line.push_str(cell.symbol());
        }
        if !open.is_empty() {
            line.push_str("[/]");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
