//! The whole UI state. `render` reads it; only `update` changes it.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::keymap::{Context, Keymap};
use super::routes::Route;
use super::screen::Ctx;
use super::screens::login::LoginScreen;
use super::theme::Theme;
use super::widgets::help_overlay::HelpOverlay;
use crate::service::Session;

/// Fixed facts about this installation that screens show.
#[derive(Debug, Clone, PartialEq)]
pub struct ClinicInfo {
    pub name: String,
    pub time_zone: Tz,
}

/// One open screen on the navigation stack, with the requests it is waiting for (a
/// reply goes to the page that asked; a page that was closed drops its replies).
#[derive(Debug, Clone)]
pub struct Page {
    pub route: Route,
    pub requests: Vec<u64>,
}

impl Page {
    pub fn new(route: impl Into<Route>) -> Page {
        Page {
            route: route.into(),
            requests: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Error,
}

/// A message under the screen.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusLine {
    pub text: String,
    pub tone: Tone,
    /// A server could not be reached: cleared once a request goes through again.
    pub outage: bool,
}

/// What a yes/no question over every screen leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leave {
    Quit,
    LogOut,
}

/// A question the app asks before leaving (quit, log out).
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub text: String,
    pub leave: Leave,
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub clinic: ClinicInfo,
    pub theme: Theme,
    pub session: Option<Session>,
    /// The navigation stack: the bottom is the sign-in screen or the home menu; the top
    /// is what is shown. Never empty.
    pub stack: Vec<Page>,
    /// The help overlay, when open (it keeps its scroll position).
    pub help: Option<HelpOverlay>,
    pub question: Option<Question>,
    pub status: Option<StatusLine>,
    /// What is running in the background, for the spinner.
    pub busy: Option<String>,
    pub spinner_frame: usize,
    pub now: DateTime<Utc>,
    pub size: (u16, u16),
    next_request: u64,
    pub should_quit: bool,
    /// When the user last pressed a key (from ticks, so `update` stays pure).
    pub last_input: DateTime<Utc>,
    /// Idle time after which the session locks back to the sign-in screen.
    pub idle_lock: chrono::Duration,
    /// The session and screens put aside by an idle lock, restored for the same user.
    pub locked: Option<Box<LockedSession>>,
}

/// What an idle lock keeps: the signed-in user and their screens with unsaved work.
#[derive(Debug, Clone)]
pub struct LockedSession {
    pub session: Session,
    pub stack: Vec<Page>,
}

impl AppState {
    pub fn new(clinic: ClinicInfo, theme: Theme, now: DateTime<Utc>) -> AppState {
        AppState {
            clinic,
            theme,
            session: None,
            stack: vec![Page::new(LoginScreen::default())],
            help: None,
            question: None,
            status: None,
            busy: None,
            spinner_frame: 0,
            now,
            size: (80, 24),
            next_request: 0,
            should_quit: false,
            last_input: now,
            idle_lock: chrono::Duration::minutes(10),
            locked: None,
        }
    }

    /// The screen on top.
    pub fn screen(&self) -> &Route {
        &self.stack.last().expect("the stack is never empty").route
    }

    pub fn screen_mut(&mut self) -> &mut Route {
        &mut self
            .stack
            .last_mut()
            .expect("the stack is never empty")
            .route
    }

    /// The screens from the bottom of the stack to the top.
    pub fn routes(&self) -> impl Iterator<Item = &Route> {
        self.stack.iter().map(|p| &p.route)
    }

    /// Whether any open screen (or a locked session's) holds unsaved work.
    pub fn has_unsaved_work(&self) -> bool {
        let locked = self.locked.iter().flat_map(|l| l.stack.iter());
        self.stack
            .iter()
            .chain(locked)
            .any(|p| p.route.has_unsaved_work(self.now))
    }

    /// What screens read.
    pub fn ctx<'a>(&'a self, keymap: &'a Keymap) -> Ctx<'a> {
        Ctx {
            session: self.session.as_ref(),
            clinic: &self.clinic,
            theme: &self.theme,
            keymap,
            now: self.now,
            size: self.size,
        }
    }

    /// The keymap context keys are looked up in.
    pub fn context(&self) -> Context {
        if self.help.is_some() {
            Context::Help
        } else if self.question.is_some() {
            Context::Confirm
        } else {
            self.screen().context()
        }
    }

    /// The id of the most recent request (0 before the first).
    pub fn latest_request(&self) -> u64 {
        self.next_request
    }

    /// A fresh id for an async request; results carrying an older id are stale.
    pub fn next_request(&mut self) -> u64 {
        self.next_request += 1;
        self.next_request
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.status = Some(StatusLine {
            text: text.into(),
            tone: Tone::Info,
            outage: false,
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.status = Some(StatusLine {
            text: text.into(),
            tone: Tone::Error,
            outage: false,
        });
    }

    /// A request went through: a standing "cannot be reached" message is out of date.
    pub fn reached(&mut self) {
        if self.status.as_ref().is_some_and(|s| s.outage) {
            self.status = None;
        }
    }
}
