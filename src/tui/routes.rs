//! Every screen, registered once. The macro builds from this list the [`Route`] a
//! navigation stack holds, the [`Op`] and [`Reply`] the runtime carries, and the
//! dispatch from a route to its screen. A screen is added here with one line.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::keymap::{Command, Context};
use super::screen::{Action, Commands, Ctx, Operation, Screen};
use super::screens;
use crate::domain::Actor;
use crate::service::Services;

macro_rules! routes {
    ($($(#[$doc:meta])* $name:ident => $ty:ty,)*) => {
        /// An open screen.
        #[derive(Debug, Clone)]
        pub enum Route {
            $($(#[$doc])* $name(Box<$ty>),)*
        }

        /// A request of any screen.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Op {
            $($name(<$ty as Screen>::Op),)*
        }

        /// The reply to an [`Op`], for the screen that asked.
        #[derive(Debug, Clone)]
        pub enum Reply {
            $($name(<<$ty as Screen>::Op as Operation>::Reply),)*
        }

        $(impl From<$ty> for Route {
            fn from(screen: $ty) -> Route {
                Route::$name(Box::new(screen))
            }
        })*

        impl Op {
            pub fn busy_text(&self) -> &'static str {
                match self { $(Op::$name(op) => op.busy_text(),)* }
            }

            /// Runs the request against the services, as `actor`.
            pub async fn run(self, services: &Services, actor: &Actor) -> Reply {
                match self { $(Op::$name(op) => Reply::$name(op.run(services, actor).await),)* }
            }
        }

        impl Route {
            /// The name of the screen (for logs and tests).
            pub fn name(&self) -> &'static str {
                match self { $(Route::$name(_) => stringify!($name),)* }
            }

            pub fn context(&self) -> Context {
                match self { $(Route::$name(s) => s.context(),)* }
            }

            pub fn on_enter(&mut self, cx: &Ctx) -> Vec<Action<Op>> {
                match self { $(Route::$name(s) => wrap(s.on_enter(cx), Op::$name),)* }
            }

            pub fn on_resume(&mut self, cx: &Ctx) -> Vec<Action<Op>> {
                match self { $(Route::$name(s) => wrap(s.on_resume(cx), Op::$name),)* }
            }

            pub fn on_key(
                &mut self,
                key: KeyEvent,
                command: Option<Command>,
                cx: &Ctx,
            ) -> Vec<Action<Op>> {
                match self { $(Route::$name(s) => wrap(s.on_key(key, command, cx), Op::$name),)* }
            }

            /// Tells the screen that `op` now runs as `request`; false when `op` is not
            /// one of this screen's.
            pub fn started(&mut self, request: u64, op: &Op) -> bool {
                match (self, op) {
                    $((Route::$name(s), Op::$name(op)) => { s.started(request, op); true })*
                    #[allow(unreachable_patterns)]
                    _ => false,
                }
            }

            pub fn on_reply(&mut self, request: u64, reply: Reply, cx: &Ctx) -> Vec<Action<Op>> {
                match (self, reply) {
                    $((Route::$name(s), Reply::$name(r)) => wrap(s.on_reply(request, r, cx), Op::$name),)*
                    #[allow(unreachable_patterns)]
                    _ => Vec::new(),
                }
            }

            pub fn abandon(&mut self, request: u64) {
                match self { $(Route::$name(s) => s.abandon(request),)* }
            }

            pub fn on_tick(&mut self, cx: &Ctx) -> Vec<Action<Op>> {
                match self { $(Route::$name(s) => wrap(s.on_tick(cx), Op::$name),)* }
            }

            pub fn on_resize(&mut self, cx: &Ctx) {
                match self { $(Route::$name(s) => s.on_resize(cx),)* }
            }

            pub fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
                match self { $(Route::$name(s) => s.render(frame, area, cx),)* }
            }

            pub fn commands(&self, cx: &Ctx) -> Commands {
                let mut out = Commands::default();
                match self { $(Route::$name(s) => s.commands(cx, &mut out),)* }
                out
            }

            pub fn on_draft_written(
                &mut self,
                appointment_id: i32,
                result: &Result<String, String>,
            ) -> Vec<Action<Op>> {
                match self { $(Route::$name(s) => wrap(s.on_draft_written(appointment_id, result), Op::$name),)* }
            }

            pub fn has_unsaved_work(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
                match self { $(Route::$name(s) => s.has_unsaved_work(now),)* }
            }

            pub fn preserve(&mut self, cx: &Ctx) -> Vec<Action<Op>> {
                match self { $(Route::$name(s) => wrap(s.preserve(cx), Op::$name),)* }
            }
        }
    };
}

fn wrap<O, P>(actions: Vec<Action<O>>, f: impl Fn(O) -> P) -> Vec<Action<P>> {
    actions.into_iter().map(|a| a.map(&f)).collect()
}

routes! {
    /// Sign in (also the idle lock screen).
    Login => screens::login::LoginScreen,
    /// The menu of what this role can open.
    Home => screens::home::HomeScreen,
    /// Change one's own password.
    Password => screens::password::PasswordScreen,
    /// Administration (admins): doctors, staff and locations.
    Admin => screens::admin::AdminScreen,
    /// The audit trail (admins): who read or changed what, and when.
    Audit => screens::audit::AuditScreen,
    /// Reports (front desk, admins): day schedule, revenue, outstanding; CSV export.
    Reports => screens::reports::ReportsScreen,
    /// The weekly availability calendar (a doctor's own; admins and front desk choose).
    Calendar => screens::calendar::CalendarScreen,
    /// Find, register, edit and deactivate patients; their history.
    Patients => screens::patients::PatientsScreen,
    /// A day or week of appointments (a patient: all of theirs).
    Agenda => screens::agenda::AgendaScreen,
    /// The payments of one appointment.
    Payments => screens::payments::PaymentsScreen,
    /// Book an appointment: patient, doctor, time, confirm.
    Booking => screens::booking::BookingScreen,
    /// Recent appointments and their prescriptions.
    RxList => screens::prescription::list::RxListScreen,
    /// One patient's prescriptions, newest first.
    RxTimeline => screens::prescription::timeline::TimelineScreen,
    /// The doctor's prescription editor.
    RxEditor => screens::prescription::editor::EditorScreen,
    /// One prescription, read-only.
    RxViewer => screens::prescription::viewer::ViewerScreen,
    /// The versions of one prescription, two compared.
    RxHistory => screens::prescription::history::HistoryScreen,
    /// After an SSH sign-in to accounts of several kinds: which one to continue as.
    AccountChoice => screens::account_choice::AccountChoiceScreen,
    /// The waitlist (from the agenda): book an offered time in one step, decline, remove.
    Waitlist => screens::waitlist::WaitlistScreen,
}
