//! The screen contract. A screen is a component: it owns its state, turns keys and the
//! replies to its own requests into [`Action`]s, draws itself, and says which commands it
//! offers *now* ([`Screen::commands`]), from which the footer and the help overlay are
//! both built. It never touches the app state: one generic place (`update::apply`)
//! carries its actions out, and one runtime runs its [`Operation`]s.
//!
//! Adding a screen: write the type and its `impl Screen` (its `Op` with `run` beside it),
//! then register it in `routes.rs` (one line) and, if the home menu opens it, in
//! `screens/home.rs`.

use std::future::Future;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::drafts::DraftOp;
use super::keymap::{Command, Context, Keymap};
use super::routes::Route;
use super::state::ClinicInfo;
use super::theme::Theme;
use crate::domain::{Actor, Role};
use crate::service::{ServiceError, Services, Session};

/// A request a screen makes of the services. It runs next to its type: `run` is the only
/// code that awaits on the screen's behalf, spawned by the runtime, which turns a panic
/// into a failure the screen is told about.
pub trait Operation: Clone + PartialEq + std::fmt::Debug + Send + 'static {
    type Reply: Clone + std::fmt::Debug + Send + 'static;

    /// What the spinner says while it runs ("Loading the week").
    fn busy_text(&self) -> &'static str;

    fn run(self, services: &Services, actor: &Actor) -> impl Future<Output = Self::Reply> + Send;
}

/// The request type of a screen that asks nothing of the services (the home menu).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoOp {}

impl Operation for NoOp {
    type Reply = NoOp;

    fn busy_text(&self) -> &'static str {
        match *self {}
    }

    async fn run(self, _services: &Services, _actor: &Actor) -> NoOp {
        match self {}
    }
}

/// The reply type of screen `S`.
pub type ReplyOf<S> = <<S as Screen>::Op as Operation>::Reply;

/// What a screen asks the app to do.
#[derive(Debug, Clone)]
pub enum Action<Op> {
    /// Run an operation; its reply comes back to this screen's `on_reply`.
    Request(Op),
    /// Open a screen on top of this one; Esc on it comes back here, state intact.
    Open(Route),
    /// Replace this screen by another (the way back stays where it was).
    Replace(Route),
    /// Close this screen and return to the one it was opened from.
    Back,
    /// Close every screen down to the home menu.
    Home,
    /// A sentence for the message line.
    Info(String),
    /// A refusal or a problem, as a sentence.
    Error(String),
    /// A request failed: its sentence is shown, and an outage is remembered as one (it is
    /// cleared once a request goes through again).
    Failed(ServiceError),
    /// Clear the message line.
    ClearStatus,
    /// Quit the app (asks first if any open screen holds unsaved work).
    Quit,
    /// End the session and return to the sign-in screen (asks first).
    LogOut,
    /// The sign-in screen's only job: a session was opened.
    SignedIn(Session),
    /// Write or delete a local prescription draft file.
    Draft(DraftOp),
}

impl<Op> Action<Op> {
    /// The same action for another request type (the routes wrap each screen's `Op`).
    pub fn map<P>(self, f: impl FnOnce(Op) -> P) -> Action<P> {
        match self {
            Action::Request(op) => Action::Request(f(op)),
            Action::Open(r) => Action::Open(r),
            Action::Replace(r) => Action::Replace(r),
            Action::Back => Action::Back,
            Action::Home => Action::Home,
            Action::Info(t) => Action::Info(t),
            Action::Error(t) => Action::Error(t),
            Action::Failed(e) => Action::Failed(e),
            Action::ClearStatus => Action::ClearStatus,
            Action::Quit => Action::Quit,
            Action::LogOut => Action::LogOut,
            Action::SignedIn(s) => Action::SignedIn(s),
            Action::Draft(d) => Action::Draft(d),
        }
    }

    /// A reply's error as the action that shows it.
    pub fn failed(e: ServiceError) -> Action<Op> {
        Action::Failed(e)
    }
}

pub type Actions<Op> = Vec<Action<Op>>;

/// Shows `result`'s error, or `ok`'s sentence.
pub fn settle<T, Op>(
    result: &Result<T, ServiceError>,
    ok: impl FnOnce(&T) -> String,
) -> Action<Op> {
    match result {
        Ok(v) => Action::Info(ok(v)),
        Err(e) => Action::Failed(e.clone()),
    }
}

/// What a screen may read: who is signed in, the clinic, the clock, the terminal, the
/// keymap and the theme. Handed to every screen call; never changed by a screen.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub session: Option<&'a Session>,
    pub clinic: &'a ClinicInfo,
    pub theme: &'a Theme,
    pub keymap: &'a Keymap,
    pub now: DateTime<Utc>,
    /// Terminal columns and rows.
    pub size: (u16, u16),
}

/// What `render` reads: the same facts as the handlers.
pub type RenderCtx<'a> = Ctx<'a>;

impl Ctx<'_> {
    /// The signed-in role (a patient when nobody is: the least privileged).
    pub fn role(&self) -> Role {
        self.session.map_or(Role::Patient, |s| s.role())
    }

    pub fn actor(&self) -> Actor {
        self.session.map_or(Actor::System, |s| s.actor.clone())
    }

    pub fn actor_id(&self) -> Option<i32> {
        self.session.and_then(|s| s.actor.id())
    }

    pub fn tz(&self) -> Tz {
        self.clinic.time_zone
    }

    /// Today in the clinic's time zone.
    pub fn today(&self) -> NaiveDate {
        self.now.with_timezone(&self.clinic.time_zone).date_naive()
    }

    /// Now as a wall-clock time in the clinic's time zone.
    pub fn local_now(&self) -> NaiveDateTime {
        self.now.with_timezone(&self.clinic.time_zone).naive_local()
    }
}

/// One command a screen offers: its key comes from the keymap (so a remapped key shows
/// as remapped), its label is short for the footer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandInfo {
    pub command: Command,
    /// Further commands shown as one entry ("[]" for previous and next week).
    pub with: Vec<Command>,
    pub label: &'static str,
    /// Offered but not possible now (e.g. "cancel" on a cancelled appointment).
    pub enabled: bool,
    /// Shown in the footer (otherwise only in the help overlay).
    pub footer: bool,
    /// Where its keys are bound, when not in the screen's context now (the sign-in
    /// screen's role keys, listed in help while the email field has focus).
    pub context: Option<Context>,
}

/// The commands of a screen, most important first: the footer drops from the end when it
/// does not fit, and always ends with help.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Commands {
    pub items: Vec<CommandInfo>,
}

impl Commands {
    /// A command in the footer and the help overlay.
    pub fn add(&mut self, command: Command, label: &'static str, enabled: bool) -> &mut Self {
        self.items.push(CommandInfo {
            command,
            with: Vec::new(),
            label,
            enabled,
            footer: true,
            context: None,
        });
        self
    }

    /// A pair or group shown as one footer entry ("↑↓ move").
    pub fn group(&mut self, commands: &[Command], label: &'static str, enabled: bool) -> &mut Self {
        if let Some((first, rest)) = commands.split_first() {
            self.items.push(CommandInfo {
                command: *first,
                with: rest.to_vec(),
                label,
                enabled,
                footer: true,
                context: None,
            });
        }
        self
    }

    /// A command listed only in the help overlay.
    pub fn more(&mut self, command: Command, label: &'static str, enabled: bool) -> &mut Self {
        self.items.push(CommandInfo {
            command,
            with: Vec::new(),
            label,
            enabled,
            footer: false,
            context: None,
        });
        self
    }

    /// A command listed only in the help overlay, with its keys as bound in `context`
    /// (a field with keys of its own that has no focus now).
    pub fn more_in(
        &mut self,
        context: Context,
        command: Command,
        label: &'static str,
    ) -> &mut Self {
        self.items.push(CommandInfo {
            command,
            with: Vec::new(),
            label,
            enabled: true,
            footer: false,
            context: Some(context),
        });
        self
    }

    pub fn contains(&self, command: Command) -> bool {
        self.items
            .iter()
            .any(|c| c.enabled && (c.command == command || c.with.contains(&command)))
    }
}

/// A screen. See the module documentation.
pub trait Screen: Clone + std::fmt::Debug {
    type Op: Operation;

    /// The keymap context its keys are looked up in (it may change with focus).
    fn context(&self) -> Context;

    /// Just opened: its first requests.
    fn on_enter(&mut self, _cx: &Ctx) -> Actions<Self::Op> {
        Vec::new()
    }

    /// Back on top after the screen opened from it closed (e.g. reload what may have
    /// changed there).
    fn on_resume(&mut self, _cx: &Ctx) -> Actions<Self::Op> {
        Vec::new()
    }

    /// A key, with the command the keymap gives it in `context()`.
    fn on_key(&mut self, key: KeyEvent, command: Option<Command>, cx: &Ctx) -> Actions<Self::Op>;

    /// Request `request` for `op` has been started (to tell later replies from stale ones).
    fn started(&mut self, _request: u64, _op: &Self::Op) {}

    /// The reply to request `request`.
    fn on_reply(&mut self, request: u64, reply: ReplyOf<Self>, cx: &Ctx) -> Actions<Self::Op>;

    /// Request `request` failed without a reply (its task panicked): stop waiting for it.
    fn abandon(&mut self, _request: u64) {}

    /// A clock tick (about four a second).
    fn on_tick(&mut self, _cx: &Ctx) -> Actions<Self::Op> {
        Vec::new()
    }

    /// The terminal changed size.
    fn on_resize(&mut self, _cx: &Ctx) {}

    fn render(&self, frame: &mut Frame, area: Rect, cx: &RenderCtx);

    /// The commands offered now, for this role; the footer and help are built from them.
    fn commands(&self, cx: &Ctx, out: &mut Commands);

    /// A local draft file was written (its path) or could not be (why).
    fn on_draft_written(
        &mut self,
        _appointment_id: i32,
        _result: &Result<String, String>,
    ) -> Actions<Self::Op> {
        Vec::new()
    }

    /// Whether closing this screen now would lose typed work that is not saved.
    fn has_unsaved_work(&self, _now: DateTime<Utc>) -> bool {
        false
    }

    /// The session is about to end or lock (Ctrl-C, idle lock, a dropped connection):
    /// keep a local copy of unsaved work.
    fn preserve(&mut self, _cx: &Ctx) -> Actions<Self::Op> {
        Vec::new()
    }
}
