//! `update`: the only place the UI state changes. Pure: no I/O, no awaiting, no clock.
//! Keys go to the screen on top; replies go to the screen that asked; what screens ask
//! for ([`Action`]s) is carried out here, in one place.

use crossterm::event::{KeyEvent, KeyEventKind};

use super::effect::Effect;
use super::keymap::{Command, Keymap};
use super::msg::Msg;
use super::routes::{Op, Route};
use super::screen::{Action, Ctx};
use super::screens::home::HomeScreen;
use super::screens::login::LoginScreen;
use super::state::{AppState, Leave, LockedSession, Page, Question, StatusLine, Tone};
use crate::domain::Actor;

pub fn update(state: &mut AppState, msg: Msg, keymap: &Keymap) -> Vec<Effect> {
    let answers = msg.answers().filter(|r| *r != 0);
    let effects = dispatch(state, msg, keymap);
    // The spinner stands for the most recent request: once that one has answered,
    // whether its screen still wanted the answer or not (it was closed, or the search
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
                return lock_idle_session(state, keymap);
            }
            let top = state.stack.len() - 1;
            let actions = call(state, top, keymap, |r, cx| r.on_tick(cx));
            apply(state, top, actions, keymap)
        }
        Msg::Resize(w, h) => {
            state.size = (w, h);
            let n = state.stack.len();
            for page in 0..n {
                call(state, page, keymap, |r, cx| r.on_resize(cx));
            }
            Vec::new()
        }
        Msg::Reply { request, reply } => {
            let Some(page) = owner(state, request) else {
                return reply_while_locked(state, request, reply, keymap);
            };
            state.stack[page].requests.retain(|r| *r != request);
            let actions = call(state, page, keymap, |r, cx| r.on_reply(request, reply, cx));
            if !actions
                .iter()
                .any(|a| matches!(a, Action::Failed(e) if e.is_outage()))
            {
                state.reached();
            }
            apply(state, page, actions, keymap)
        }
        Msg::TaskFailed { request, message } => {
            // A locked session's screen may be the one waiting.
            if let Some(page) = owner(state, request) {
                state.stack[page].requests.retain(|r| *r != request);
                state.stack[page].route.abandon(request);
            }
            if let Some(locked) = &mut state.locked {
                for page in &mut locked.stack {
                    if page.requests.contains(&request) {
                        page.requests.retain(|r| *r != request);
                        page.route.abandon(request);
                    }
                }
            }
            state.busy = None;
            state.error(message);
            Vec::new()
        }
        Msg::DraftWritten {
            appointment_id,
            result,
        } => {
            let mut effects = Vec::new();
            for page in 0..state.stack.len() {
                let actions = call(state, page, keymap, |r, _cx| {
                    r.on_draft_written(appointment_id, &result)
                });
                effects.extend(apply(state, page, actions, keymap));
            }
            effects
        }
        Msg::Key(key) => on_key(state, key, keymap),
    }
}

/// Calls the screen at `page` with the context it reads (the stack borrowed apart from
/// the fields the context lends).
fn call<R>(
    state: &mut AppState,
    page: usize,
    keymap: &Keymap,
    f: impl FnOnce(&mut Route, &Ctx) -> R,
) -> R {
    let AppState {
        stack,
        session,
        clinic,
        theme,
        now,
        size,
        ..
    } = state;
    let cx = Ctx {
        session: session.as_ref(),
        clinic,
        theme,
        keymap,
        now: *now,
        size: *size,
    };
    f(&mut stack[page].route, &cx)
}

/// A reply for a screen of a locked session: the screen takes it (a save that went
/// through is not lost), but nothing it asks for runs until its user is back, except
/// keeping drafts.
fn reply_while_locked(
    state: &mut AppState,
    request: u64,
    reply: super::routes::Reply,
    keymap: &Keymap,
) -> Vec<Effect> {
    let Some(locked) = state.locked.as_deref_mut() else {
        return Vec::new(); // its screen was closed: stale
    };
    let Some(page) = locked
        .stack
        .iter_mut()
        .find(|p| p.requests.contains(&request))
    else {
        return Vec::new();
    };
    page.requests.retain(|r| *r != request);
    let session = Some(&locked.session);
    let cx = Ctx {
        session,
        clinic: &state.clinic,
        theme: &state.theme,
        keymap,
        now: state.now,
        size: state.size,
    };
    drafts_only(page.route.on_reply(request, reply, &cx))
}

/// The page waiting for `request`.
fn owner(state: &AppState, request: u64) -> Option<usize> {
    state
        .stack
        .iter()
        .position(|p| p.requests.contains(&request))
}

fn on_key(state: &mut AppState, key: KeyEvent, keymap: &Keymap) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    state.last_input = state.now;
    let command = keymap.lookup(state.context(), &key);
    if command == Some(Command::ForceQuit) {
        // Unsaved work is kept locally (a prescription's draft file) before the app exits.
        state.should_quit = true;
        return preserve_all(state, keymap);
    }
    if let Some(help) = &mut state.help {
        if help.on_key(&key, command) {
            state.help = None;
        }
        return Vec::new();
    }
    if let Some(question) = state.question.take() {
        return match command {
            Some(Command::Yes) => leave(state, question.leave, keymap),
            Some(Command::No | Command::Back) => {
                state.status = None;
                Vec::new()
            }
            // Any other key keeps the question up.
            _ => {
                state.question = Some(question);
                Vec::new()
            }
        };
    }
    if command == Some(Command::Help) {
        state.help = Some(Default::default());
        return Vec::new();
    }
    let top = state.stack.len() - 1;
    let actions = call(state, top, keymap, |r, cx| r.on_key(key, command, cx));
    apply(state, top, actions, keymap)
}

/// Carries out what the screen at `page` asked for, in order.
pub fn apply(
    state: &mut AppState,
    page: usize,
    actions: Vec<Action<Op>>,
    keymap: &Keymap,
) -> Vec<Effect> {
    let mut effects = Vec::new();
    // The page the actions belong to; None once it was closed (later requests are void).
    let mut page = Some(page);
    for action in actions {
        match action {
            Action::Request(op) => {
                let Some(p) = page.filter(|p| *p < state.stack.len()) else {
                    continue;
                };
                let request = state.next_request();
                let actor = state
                    .session
                    .as_ref()
                    .map_or(Actor::System, |s| s.actor.clone());
                state.stack[p].route.started(request, &op);
                state.stack[p].requests.push(request);
                state.busy = Some(op.busy_text().to_string());
                effects.push(Effect::Run { request, actor, op });
            }
            Action::Open(route) => {
                state.stack.push(Page::new(route));
                state.status = None;
                let top = state.stack.len() - 1;
                page = Some(top);
                effects.extend(enter(state, top, keymap));
            }
            Action::Replace(route) => {
                let Some(p) = page else { continue };
                state.stack.truncate(p);
                state.stack.push(Page::new(route));
                state.status = None;
                effects.extend(enter(state, p, keymap));
            }
            Action::Back => {
                page = None;
                if state.stack.len() > 1 {
                    state.stack.pop();
                    effects.extend(resume(state, keymap));
                }
            }
            Action::Home => {
                page = None;
                if state.stack.len() > 1 {
                    state.stack.truncate(1);
                    effects.extend(resume(state, keymap));
                }
            }
            Action::Info(text) => state.info(text),
            Action::Error(text) => state.error(text),
            Action::Failed(e) => {
                state.status = Some(StatusLine {
                    text: e.to_string(),
                    tone: Tone::Error,
                    outage: e.is_outage(),
                })
            }
            Action::ClearStatus => state.status = None,
            Action::Quit => effects.extend(ask_to_leave(state, Leave::Quit)),
            Action::LogOut => effects.extend(ask_to_leave(state, Leave::LogOut)),
            Action::SignedIn(session) => {
                page = None;
                if signed_in(state, session) {
                    // A fresh Home: its first requests (the front desk's waitlist count).
                    effects.extend(enter(state, 0, keymap));
                }
            }
            Action::Draft(op) => effects.push(Effect::DraftFile(op)),
        }
    }
    effects
}

/// A screen was just opened at `page`: its first requests.
fn enter(state: &mut AppState, page: usize, keymap: &Keymap) -> Vec<Effect> {
    // Answers in flight for a screen below are still wanted; the spinner shows the
    // new screen's own work from here on.
    state.busy = None;
    let actions = call(state, page, keymap, |r, cx| r.on_enter(cx));
    apply(state, page, actions, keymap)
}

/// The screen below came back on top.
fn resume(state: &mut AppState, keymap: &Keymap) -> Vec<Effect> {
    state.status = None;
    state.busy = None;
    let top = state.stack.len() - 1;
    let actions = call(state, top, keymap, |r, cx| r.on_resume(cx));
    apply(state, top, actions, keymap)
}

/// What leaving asks: always once (a stray Esc or q must not end the session), and
/// says when unsaved work would be lost.
fn ask_to_leave(state: &mut AppState, leave: Leave) -> Vec<Effect> {
    let what = match (leave, state.session.is_some()) {
        (Leave::LogOut, _) => "Log out",
        (Leave::Quit, true) => "Quit Smart Clinic and end this session",
        (Leave::Quit, false) => "Quit Smart Clinic",
    };
    let text = if state.has_unsaved_work() {
        format!("{what}? Unsaved work would be lost (a copy stays in its draft file). y yes, n no")
    } else {
        format!("{what}? y yes, n no")
    };
    state.question = Some(Question { text, leave });
    Vec::new()
}

/// The user said yes to leaving.
fn leave(state: &mut AppState, leave: Leave, keymap: &Keymap) -> Vec<Effect> {
    let effects = preserve_all(state, keymap);
    match leave {
        Leave::Quit => state.should_quit = true,
        Leave::LogOut => log_out(state),
    }
    effects
}

/// The session ends without a word from the user (the terminal or connection closed,
/// the server stops): every open screen keeps a local copy of its unsaved work.
pub fn hang_up(state: &mut AppState, keymap: &Keymap) -> Vec<Effect> {
    state.should_quit = true;
    preserve_all(state, keymap)
}

/// Every open screen keeps a local copy of unsaved work.
fn preserve_all(state: &mut AppState, keymap: &Keymap) -> Vec<Effect> {
    let mut effects = Vec::new();
    for page in 0..state.stack.len() {
        let actions = call(state, page, keymap, |r, cx| r.preserve(cx));
        effects.extend(drafts_only(actions));
    }
    effects
}

/// Of a screen's actions on leaving, only the local draft writes count.
fn drafts_only(actions: Vec<Action<Op>>) -> Vec<Effect> {
    actions
        .into_iter()
        .filter_map(|a| match a {
            Action::Draft(op) => Some(Effect::DraftFile(op)),
            _ => None,
        })
        .collect()
}

/// A session that opens already signed in (SSH: the server checked the key or
/// password): straight to Home, or, where one email signed in to accounts of several
/// kinds, first the question which one to continue as.
pub fn start_signed_in(state: &mut AppState, mut sessions: Vec<crate::service::Session>) {
    if sessions.len() > 1 {
        state.stack = vec![Page::new(
            super::screens::account_choice::AccountChoiceScreen::new(sessions),
        )];
        state.last_input = state.now;
    } else if let Some(session) = sessions.pop() {
        // Its Home asks for what it shows on the first tick (no effects can run yet).
        signed_in(state, session);
    }
}

/// Shows the signed-in user's screens: true when that is a fresh Home (to be entered),
/// false when the screens of an idle-locked session came back as they were.
fn signed_in(state: &mut AppState, session: crate::service::Session) -> bool {
    state.status = None;
    state.last_input = state.now;
    // After an idle lock the same user gets their screens back as they were.
    if let Some(locked) = state.locked.take()
        && locked.session.actor == session.actor
    {
        state.stack = locked.stack;
        state.session = Some(session);
        state.info("Welcome back: everything is as you left it.");
        return false;
    }
    state.stack = vec![Page::new(HomeScreen::for_role(session.role()))];
    state.info(format!("Signed in as {}.", session.actor.display_name()));
    state.session = Some(session);
    true
}

fn sign_in_screen_for(session: &crate::service::Session) -> LoginScreen {
    let email = match &session.actor {
        Actor::User { email, .. } => email.clone(),
        Actor::System => String::new(),
    };
    LoginScreen::with_email(&email, session.role().account_kind())
}

/// Back to the sign-in screen, keeping the email for convenience.
fn log_out(state: &mut AppState) {
    if let Some(session) = state.session.take() {
        state.stack = vec![Page::new(sign_in_screen_for(&session))];
        state.help = None;
        state.busy = None;
        state.info("Signed out.");
    }
}

/// Puts the session and its screens aside after the idle time and shows the sign-in
/// screen with the user's email filled in. Nothing typed is lost: the same user signing
/// in gets the screens back; unsaved work is also kept locally first (as Ctrl-C does),
/// so neither quitting nor another user signing in loses it.
fn lock_idle_session(state: &mut AppState, keymap: &Keymap) -> Vec<Effect> {
    let drafts = preserve_all(state, keymap);
    let Some(session) = state.session.take() else {
        return Vec::new();
    };
    let login = sign_in_screen_for(&session);
    let stack = std::mem::replace(&mut state.stack, vec![Page::new(login)]);
    state.locked = Some(Box::new(LockedSession { session, stack }));
    state.help = None;
    state.question = None;
    state.busy = None;
    let minutes = state.idle_lock.num_minutes();
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    state.info(format!(
        "Locked after {minutes} {unit} without input. Sign in again to continue where you were."
    ));
    drafts
}
