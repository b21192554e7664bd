//! `update`: the only place the UI state changes. Pure: no I/O, no awaiting, no clock.

use super::effect::{CalendarOp, Effect};
use super::keymap::{Command, Keymap};
use super::msg::Msg;
use super::screens::calendar::{self, CalendarState, Viewer};
use super::screens::{agenda, booking, home, login, payments, prescription, reports};
use super::state::{AppState, Screen};
use crate::domain::Role;

pub fn update(state: &mut AppState, msg: Msg, keymap: &Keymap) -> Vec<Effect> {
    let answers = msg.answers().filter(|r| *r != 0);
    let effects = dispatch(state, msg, keymap);
    // The spinner stands for the most recent request: once that one has answered,
    // whether its screen still wanted the answer or not (it was left, or the search
    // was cleared), nothing is running any more.
    if answers.is_some() && answers == Some(state.latest_request()) {
        state.busy = None;
    }
    effects
}

fn dispatch(state: &mut AppState, msg: Msg, keymap: &Keymap) -> Vec<Effect> {
    match msg {
        Msg::Tick(now) => {
            state.now = now;
            if state.busy.is_some() {
                state.spinner_frame = state.spinner_frame.wrapping_add(1);
            }
            if state.session.is_some() && now - state.last_input >= state.idle_lock {
                return lock_idle_session(state);
            }
            // A prescription that could not be saved is retried on later ticks.
            prescription::on_tick(state)
        }
        Msg::Resize(w, h) => {
            state.size = (w, h);
            if let Screen::Calendar(cal) = &mut state.screen {
                cal.keep_visible(calendar::visible_rows_for_screen(h));
            }
            Vec::new()
        }
        Msg::Calendar { request, reply } => {
            let Screen::Calendar(cal) = &mut state.screen else {
                return Vec::new(); // the screen was left: stale
            };
            let outcome = cal.on_reply(request, reply);
            super::screens::settle_reply(state, outcome, calendar_request)
        }
        Msg::Booking { request, reply } => booking::on_reply(state, request, reply),
        Msg::Agenda { request, reply } => agenda::on_reply(state, request, reply),
        Msg::Payments { request, reply } => payments::on_reply(state, request, reply),
        Msg::Reports { request, reply } => reports::on_reply(state, request, reply),
        Msg::Patients { request, reply } => {
            super::screens::patients::on_reply(state, request, reply)
        }
        Msg::Admin { request, reply } => super::screens::admin::on_reply(state, request, reply),
        Msg::Audit { request, reply } => super::screens::audit::on_reply(state, request, reply),
        Msg::PasswordChanged { request, result } => {
            super::screens::password::on_reply(state, request, result)
        }
        Msg::Prescription { request, reply } => prescription::on_reply(state, request, reply),
        Msg::TaskFailed { request, message } => {
            // A locked session's screen may be the one waiting.
            state.screen.abandon(request);
            if let Some(locked) = &mut state.locked {
                locked.screen.abandon(request);
            }
            state.busy = None;
            state.error(message);
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
                    state.last_input = state.now;
                    // After an idle lock the same user gets their screen back as it was.
                    if let Some(locked) = state.locked.take()
                        && locked.session.actor == session.actor
                    {
                        state.screen = locked.screen;
                        state.session = Some(session);
                        state.info("Welcome back: everything is as you left it.");
                        return Vec::new();
                    }
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
    state.last_input = state.now;
    let command = keymap.lookup(state.context(), &key);
    if command == Some(Command::ForceQuit) {
        state.should_quit = true;
        // An unsaved prescription is written to its draft file before the app exits.
        return prescription::draft_on_quit(state).into_iter().collect();
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
                // Quitting from the lock screen drops the locked session: ask once first
                // when it holds unsaved work (its draft file is already written).
                let unsaved = state
                    .locked
                    .as_ref()
                    .is_some_and(|l| l.screen.has_unsaved_work(state.now));
                if unsaved && !login.quit_asked {
                    login.quit_asked = true;
                    state.error(QUIT_LOCKED_QUESTION);
                } else {
                    state.should_quit = true;
                }
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
            home::Action::Open(home::HomeItem::Availability | home::HomeItem::DoctorsCalendars) => {
                open_calendar(state)
            }
            home::Action::Open(home::HomeItem::Book) => booking::open(state),
            home::Action::Open(home::HomeItem::Agenda | home::HomeItem::MyAppointments) => {
                agenda::open(state)
            }
            home::Action::Open(home::HomeItem::Prescriptions) => prescription::open_list(state),
            home::Action::Open(home::HomeItem::Reports) => reports::open(state),
            home::Action::Open(home::HomeItem::Patients) => super::screens::patients::open(state),
            home::Action::Open(home::HomeItem::Administration) => {
                super::screens::admin::open(state)
            }
            home::Action::Open(home::HomeItem::AuditTrail) => super::screens::audit::open(state),
            home::Action::Open(home::HomeItem::ChangePassword) => {
                super::screens::password::open(state)
            }
            home::Action::Open(home::HomeItem::MyPrescriptions) => {
                let own = state.session.as_ref().and_then(|s| s.actor.id());
                own.map_or_else(Vec::new, |id| prescription::open_timeline(state, id))
            }
        },
        Screen::Booking(_) => booking::on_key(state, key, command),
        Screen::Agenda(_) => agenda::on_key(state, key, command),
        Screen::Payments { .. } => payments::on_key(state, key, command),
        Screen::Reports(_) => reports::on_key(state, key, command),
        Screen::Patients(_) => super::screens::patients::on_key(state, key, command),
        Screen::Admin(_) => super::screens::admin::on_key(state, key, command),
        Screen::Audit(_) => super::screens::audit::on_key(state, key, command),
        Screen::Password(_) => super::screens::password::on_key(state, key, command),
        Screen::Prescription(_) => prescription::on_key(state, key, command),
        Screen::Calendar(cal) => {
            let tz = state.clinic.time_zone;
            let today = state.now.with_timezone(&tz).date_naive();
            let action = cal.on_key(key, command, today);
            cal.keep_visible(calendar::visible_rows_for_screen(state.size.1));
            match action {
                calendar::Action::None => Vec::new(),
                calendar::Action::Back => {
                    let role = state.session.as_ref().map_or(Role::Patient, |s| s.role());
                    state.screen = Screen::Home(home::HomeState::for_role(role));
                    state.status = None;
                    // Answers still in flight are dropped on arrival: stop the spinner now.
                    state.busy = None;
                    Vec::new()
                }
                calendar::Action::Info(text) => {
                    state.info(text);
                    Vec::new()
                }
                calendar::Action::Error(text) => {
                    state.error(text);
                    Vec::new()
                }
                calendar::Action::Request(op) => calendar_request(state, op),
            }
        }
    }
}

/// Opens the availability calendar on this week and asks for its first data.
fn open_calendar(state: &mut AppState) -> Vec<Effect> {
    let Some(session) = &state.session else {
        return Vec::new();
    };
    let viewer = match (session.role(), session.actor.id()) {
        (Role::Doctor, Some(id)) => Viewer::Doctor(id),
        (role, _) => Viewer::Staff(role),
    };
    let now = state.now.with_timezone(&state.clinic.time_zone);
    let mut cal = CalendarState::new(viewer, now.date_naive(), now.time());
    cal.keep_visible(calendar::visible_rows_for_screen(state.size.1));
    let first = cal.initial_request();
    state.screen = Screen::Calendar(Box::new(cal));
    state.status = None;
    calendar_request(state, first)
}

/// Starts a calendar request: a fresh id, remembered by the screen, and the effect.
fn calendar_request(state: &mut AppState, op: CalendarOp) -> Vec<Effect> {
    let Some(actor) = state.session.as_ref().map(|s| s.actor.clone()) else {
        return Vec::new();
    };
    let request = state.next_request();
    let Screen::Calendar(cal) = &mut state.screen else {
        return Vec::new();
    };
    cal.started(&op, request);
    state.busy = Some(op.busy_text().to_string());
    vec![Effect::Calendar { request, actor, op }]
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

/// Opens the prescription editor of an appointment (for its doctor), e.g. from the
/// agenda. Returns the effects that load it; a draft left by an unfinished save is
/// offered for restoring once it has loaded.
pub fn open_prescription_for_appointment(state: &mut AppState, appointment_id: i32) -> Vec<Effect> {
    prescription::open_for_appointment(state, appointment_id)
}

/// What quitting from the lock screen asks when the locked session has unsaved work.
pub const QUIT_LOCKED_QUESTION: &str = "The locked session has unsaved work (a copy is kept in its draft file). \
     Press Esc again to quit anyway, or sign in to carry on.";

/// Puts the session and its screen aside after the idle time and shows the sign-in
/// screen with the user's email filled in. Nothing typed is lost: the same user signing
/// in gets the screen back; an unsaved prescription is also written to its draft file
/// first (as Ctrl-C does), so neither quitting nor another user signing in loses it.
fn lock_idle_session(state: &mut AppState) -> Vec<Effect> {
    let draft = prescription::draft_on_quit(state);
    let Some(session) = state.session.take() else {
        return Vec::new();
    };
    let email = match &session.actor {
        crate::domain::Actor::User { email, .. } => email.clone(),
        crate::domain::Actor::System => String::new(),
    };
    let minutes = state.idle_lock.num_minutes();
    let login = login::LoginState::with_email(&email, session.role().account_kind());
    let screen = std::mem::replace(&mut state.screen, Screen::Login(login));
    state.locked = Some(Box::new(super::state::LockedSession { session, screen }));
    state.help_open = false;
    state.busy = None;
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    state.info(format!(
        "Locked after {minutes} {unit} without input. Sign in again to continue where you were."
    ));
    draft.into_iter().collect()
}
