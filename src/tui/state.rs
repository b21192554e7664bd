//! The whole UI state. `render` reads it; only `update` changes it.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::keymap::Context;
use super::screens::agenda::AgendaState;
use super::screens::booking::BookingState;
use super::screens::calendar::CalendarState;
use super::screens::home::HomeState;
use super::screens::login::LoginState;
use super::screens::prescription::RxState;
use super::theme::Theme;
use crate::service::Session;

/// Fixed facts about this installation that screens show.
#[derive(Debug, Clone, PartialEq)]
pub struct ClinicInfo {
    pub name: String,
    pub time_zone: Tz,
}

#[derive(Debug, Clone)]
pub enum Screen {
    Login(LoginState),
    Home(HomeState),
    Calendar(Box<CalendarState>),
    Booking(Box<BookingState>),
    Agenda(Box<AgendaState>),
    Prescription(Box<RxState>),
    /// The payments of one appointment, over the screen it was opened from.
    Payments {
        state: Box<crate::tui::screens::payments::PaymentsState>,
        back: Box<Screen>,
    },
    Reports(Box<crate::tui::screens::reports::ReportsState>),
    Patients(Box<crate::tui::screens::patients::PatientsState>),
    Admin(Box<crate::tui::screens::admin::AdminState>),
    Audit(Box<crate::tui::screens::audit::AuditState>),
    Password(Box<crate::tui::screens::password::PasswordState>),
}

impl Screen {
    /// Whether leaving this screen now would lose typed work that is not saved (an
    /// edited prescription).
    pub fn has_unsaved_work(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        match self {
            Screen::Prescription(rx) => rx.unsaved_draft(now).is_some(),
            Screen::Payments { back, .. } => back.has_unsaved_work(now),
            _ => false,
        }
    }

    pub fn context(&self) -> Context {
        match self {
            Screen::Login(s) => s.context(),
            Screen::Home(_) => Context::Home,
            Screen::Calendar(s) => s.context(),
            Screen::Booking(s) => s.context(),
            Screen::Agenda(s) => s.context(),
            Screen::Prescription(s) => s.context(),
            Screen::Payments { state, .. } => state.context(),
            Screen::Reports(s) => s.context(),
            Screen::Patients(s) => s.context(),
            Screen::Admin(s) => s.context(),
            Screen::Audit(s) => s.context(),
            Screen::Password(s) => s.context(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Error,
}

/// A one-line message under the screen.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusLine {
    pub text: String,
    pub tone: Tone,
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub clinic: ClinicInfo,
    pub theme: Theme,
    pub session: Option<Session>,
    pub screen: Screen,
    pub help_open: bool,
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
    /// The session and screen put aside by an idle lock, restored for the same user.
    pub locked: Option<Box<LockedSession>>,
}

/// What an idle lock keeps: the signed-in user and their screen with its unsaved work.
#[derive(Debug, Clone)]
pub struct LockedSession {
    pub session: Session,
    pub screen: Screen,
}

impl AppState {
    pub fn new(clinic: ClinicInfo, theme: Theme, now: DateTime<Utc>) -> AppState {
        AppState {
            clinic,
            theme,
            session: None,
            screen: Screen::Login(LoginState::default()),
            help_open: false,
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

    /// The keymap context keys are looked up in.
    pub fn context(&self) -> Context {
        if self.help_open {
            Context::Help
        } else {
            self.screen.context()
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

    /// Shows the outcome of a finished request: its message or its error. A request that
    /// went through clears an earlier "cannot be reached" error: the server is back.
    /// Other errors stay until replaced (a refusal is followed by a reload, and the
    /// reason must stay on screen).
    pub fn settle(&mut self, info: Option<String>, error: Option<String>) {
        match (info, error) {
            (_, Some(e)) => self.error(e),
            (Some(i), None) => self.info(i),
            (None, None) => {
                if self.status.as_ref().is_some_and(|s| {
                    s.tone == Tone::Error && s.text.contains(crate::service::OUTAGE_PHRASE)
                }) {
                    self.status = None;
                }
            }
        }
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.status = Some(StatusLine {
            text: text.into(),
            tone: Tone::Info,
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.status = Some(StatusLine {
            text: text.into(),
            tone: Tone::Error,
        });
    }
}
