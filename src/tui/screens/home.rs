//! The home screen after login: the screens this role can open (each with its own key,
//! shown beside it), who is signed in, and for the front desk how many waitlist entries
//! have time offered, ready to book (asked on opening and on coming back).

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};

use crate::domain::{Actor, Role};
use crate::service::waitlist::WaitlistCounts;
use crate::service::{ServiceError, Services, Session};
use crate::tui::keymap::{Command, Context, Keymap};
use crate::tui::routes::Route;
use crate::tui::screen::{Action, Actions, Commands, Ctx, Operation, Screen};
use crate::tui::state::ClinicInfo;
use crate::tui::theme::Theme;

/// An entry of the home menu. Only what exists is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HomeItem {
    /// A doctor's or admin's availability calendar.
    Availability,
    /// Front desk: any doctor's calendar, read-only.
    DoctorsCalendars,
    /// Book an appointment (front desk, admin, a patient for themselves).
    Book,
    /// A day or week of appointments.
    Agenda,
    /// A patient's own appointments, past and upcoming (the agenda screen).
    MyAppointments,
    /// Doctors: recent appointments and their prescriptions; admins and the front desk:
    /// which appointments have one.
    Prescriptions,
    /// A patient's own prescriptions, newest first.
    MyPrescriptions,
    /// Front desk and admin: day schedule, revenue, outstanding, as CSV too.
    Reports,
    /// Front desk, admins: find, register, edit, deactivate patients; their history.
    Patients,
    /// Admins: doctors, staff, locations.
    Administration,
    /// Admins: who did what, when.
    AuditTrail,
    /// Everyone: change one's own password.
    ChangePassword,
    LogOut,
    Quit,
}

impl HomeItem {
    pub fn label(self) -> &'static str {
        match self {
            HomeItem::Availability => "Weekly availability",
            HomeItem::DoctorsCalendars => "Doctors' calendars",
            HomeItem::Book => "Book appointment",
            HomeItem::Agenda => "Agenda",
            HomeItem::MyAppointments => "My appointments",
            HomeItem::Prescriptions => "Prescriptions",
            HomeItem::MyPrescriptions => "My prescriptions",
            HomeItem::Reports => "Reports",
            HomeItem::Patients => "Patients",
            HomeItem::Administration => "Administration",
            HomeItem::AuditTrail => "Audit trail",
            HomeItem::ChangePassword => "Change password",
            HomeItem::LogOut => "Log out",
            HomeItem::Quit => "Quit",
        }
    }

    /// The command that opens this item straight from the menu.
    pub fn shortcut(self) -> Command {
        match self {
            HomeItem::Availability | HomeItem::DoctorsCalendars => Command::OpenCalendar,
            HomeItem::Book => Command::Book,
            HomeItem::Agenda | HomeItem::MyAppointments => Command::OpenAgenda,
            HomeItem::Prescriptions | HomeItem::MyPrescriptions => Command::OpenPrescriptions,
            HomeItem::Reports => Command::OpenReports,
            HomeItem::Patients => Command::OpenPatients,
            HomeItem::Administration => Command::OpenAdmin,
            HomeItem::AuditTrail => Command::OpenAudit,
            HomeItem::ChangePassword => Command::ChangePassword,
            HomeItem::LogOut => Command::Logout,
            HomeItem::Quit => Command::Quit,
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            HomeItem::Availability => {
                "Weekly windows, time off and booked appointments, week by week."
            }
            HomeItem::DoctorsCalendars => {
                "Each doctor's week: when they see patients, time off and bookings."
            }
            HomeItem::Book => {
                "Find the patient, choose a doctor and one of the next free times, confirm."
            }
            HomeItem::Agenda => {
                "A day or week of appointments: cancel, reschedule, mark, see the history."
            }
            HomeItem::MyAppointments => {
                "Your appointments, past and upcoming: cancel one, or book a new one."
            }
            HomeItem::Prescriptions => {
                "Recent appointments and their prescriptions: write, revise, compare versions."
            }
            HomeItem::MyPrescriptions => {
                "Your prescriptions, newest first: medications, notes, versions, export."
            }
            HomeItem::Reports => {
                "A day's schedule per doctor, revenue by day, method and doctor, unpaid visits; CSV export."
            }
            HomeItem::Patients => {
                "Find a patient, see their appointments and payments; register, edit, deactivate."
            }
            HomeItem::Administration => {
                "Doctors, staff and clinic locations: add, edit, deactivate, reset passwords."
            }
            HomeItem::AuditTrail => {
                "Who read or changed what, and when: filter by person, patient, action, dates."
            }
            HomeItem::ChangePassword => "Change the password you sign in with.",
            HomeItem::LogOut => "End this session and return to the sign-in screen.",
            HomeItem::Quit => "Close Smart Clinic.",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct HomeScreen {
    pub items: Vec<HomeItem>,
    pub selected: usize,
    /// The front desk's waitlist counts, once they came (`Err`: a sentence why not).
    pub waitlist: Option<Result<WaitlistCounts, String>>,
    /// The count request in flight.
    pub counts_request: Option<u64>,
    /// Whether the counts were asked for since the screen was made.
    pub asked: bool,
}

/// What the home screen asks of the services.
#[derive(Debug, Clone, PartialEq)]
pub enum HomeOp {
    /// How many waitlist entries wait and how many have time offered.
    WaitlistCounts,
}

#[derive(Debug, Clone, PartialEq)]
pub enum HomeReply {
    Counts(Result<WaitlistCounts, ServiceError>),
}

impl Operation for HomeOp {
    type Reply = HomeReply;

    fn busy_text(&self) -> &'static str {
        match self {
            HomeOp::WaitlistCounts => "Counting the waitlist",
        }
    }

    async fn run(self, services: &Services, actor: &Actor) -> HomeReply {
        match self {
            HomeOp::WaitlistCounts => HomeReply::Counts(services.waitlist_counts(actor).await),
        }
    }
}

/// What a key on the menu asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuKey {
    None,
    Open(HomeItem),
    Logout,
    Quit,
}

impl HomeScreen {
    /// The menu for a role.
    pub fn for_role(role: Role) -> HomeScreen {
        let mut items = match role {
            Role::Admin => vec![HomeItem::Availability, HomeItem::Book, HomeItem::Agenda],
            Role::FrontDesk => vec![HomeItem::DoctorsCalendars, HomeItem::Book, HomeItem::Agenda],
            Role::Doctor => vec![HomeItem::Availability, HomeItem::Agenda],
            Role::Patient => vec![HomeItem::MyAppointments, HomeItem::Book],
        };
        items.push(match role {
            Role::Patient => HomeItem::MyPrescriptions,
            _ => HomeItem::Prescriptions,
        });
        if matches!(role, Role::Admin | Role::FrontDesk) {
            items.push(HomeItem::Reports);
            items.push(HomeItem::Patients);
        }
        if role == Role::Admin {
            items.extend([HomeItem::Administration, HomeItem::AuditTrail]);
        }
        items.extend([HomeItem::ChangePassword, HomeItem::LogOut, HomeItem::Quit]);
        HomeScreen {
            items,
            selected: 0,
            waitlist: None,
            counts_request: None,
            asked: false,
        }
    }

    /// The waitlist count request, for the roles whose Home shows it (the front desk).
    fn count_request(&mut self, role: Role) -> Actions<HomeOp> {
        if role != Role::FrontDesk || self.counts_request.is_some() {
            return Vec::new();
        }
        self.asked = true;
        vec![Action::Request(HomeOp::WaitlistCounts)]
    }

    pub fn on_command(&mut self, command: Option<Command>) -> MenuKey {
        match command {
            Some(Command::Up) => {
                self.selected = self.selected.saturating_sub(1);
                MenuKey::None
            }
            Some(Command::Down) => {
                self.selected = (self.selected + 1).min(self.items.len().saturating_sub(1));
                MenuKey::None
            }
            Some(Command::Open) => self
                .items
                .get(self.selected)
                .map_or(MenuKey::None, |i| MenuKey::Open(*i)),
            Some(Command::Logout) => MenuKey::Logout,
            Some(Command::Quit) => MenuKey::Quit,
            // An item's own key opens it (and selects it, for when the user comes back).
            Some(command) => match self.items.iter().position(|i| i.shortcut() == command) {
                Some(index) => {
                    self.selected = index;
                    MenuKey::Open(self.items[index])
                }
                None => MenuKey::None,
            },
            None => MenuKey::None,
        }
    }
}

/// The key shown beside an item: its single key (a character) where it has one.
fn menu_key(keymap: &Keymap, command: Command) -> Option<String> {
    let chords = keymap
        .describe(Context::Home)
        .into_iter()
        .find(|(c, _)| *c == command)?
        .1;
    chords
        .iter()
        .find(|c| c.is_text())
        .or(chords.first())
        .map(ToString::to_string)
}

/// The menu's lines: each item's key (from the keymap) beside its label.
fn menu_lines<'a>(state: &HomeScreen, keymap: &Keymap, theme: &Theme) -> Vec<ListItem<'a>> {
    state
        .items
        .iter()
        .map(|i| {
            let key = menu_key(keymap, i.shortcut()).unwrap_or_default();
            ListItem::new(Line::from(vec![
                Span::styled(format!(" {key:<2}"), theme.key()),
                Span::raw(format!(" {}", i.label())),
            ]))
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn draw(
    frame: &mut Frame,
    area: Rect,
    state: &HomeScreen,
    session: &Session,
    clinic: &ClinicInfo,
    now: DateTime<Utc>,
    keymap: &Keymap,
    theme: &Theme,
) {
    let cols = Layout::horizontal([Constraint::Length(29), Constraint::Min(20)]).split(area);

    let items = menu_lines(state, keymap, theme);
    let list = List::new(items)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border())
                .title(Span::styled(" Menu ", theme.title())),
        )
        .highlight_style(theme.focus())
        .highlight_symbol("▶");
    let mut list_state = ListState::default().with_selected(Some(state.selected));
    frame.render_stateful_widget(list, cols[0], &mut list_state);

    let local = now.with_timezone(&clinic.time_zone);
    let since = session.started_at.with_timezone(&clinic.time_zone);
    let role = session.role();
    let mut lines = vec![
        Line::from(Span::styled(
            format!("Welcome, {}", session.actor.display_name()),
            theme.title(),
        )),
        Line::raw(""),
        Line::from(vec![
            Span::styled("Role        ", theme.dim()),
            Span::raw(role.label()),
        ]),
        Line::from(vec![
            Span::styled("Clinic      ", theme.dim()),
            Span::raw(clinic.name.clone()),
        ]),
        Line::from(vec![
            Span::styled("Today       ", theme.dim()),
            Span::raw(local.format("%A %-d %B %Y, %H:%M").to_string()),
        ]),
        Line::from(vec![
            Span::styled("Time zone   ", theme.dim()),
            Span::raw(clinic.time_zone.name()),
        ]),
        Line::from(vec![
            Span::styled("Signed in   ", theme.dim()),
            Span::raw(since.format("%H:%M").to_string()),
        ]),
    ];
    if role == Role::FrontDesk {
        let text = match &state.waitlist {
            None => Span::styled("counting…", theme.dim()),
            Some(Ok(c)) => Span::raw(waitlist_text(c)),
            Some(Err(why)) => Span::styled(why.clone(), theme.error()),
        };
        lines.push(Line::from(vec![
            Span::styled("Waitlist    ", theme.dim()),
            text,
        ]));
    }
    lines.push(Line::raw(""));
    if let Some(item) = state.items.get(state.selected) {
        lines.push(Line::from(Span::styled(item.description(), theme.dim())));
    }
    let panel = Paragraph::new(lines).wrap(Wrap { trim: false }).block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border())
            .title(Span::styled(format!(" {} ", role.label()), theme.title())),
    );
    frame.render_widget(panel, cols[1]);
}

/// "2 offered, ready to book · 3 waiting".
pub fn waitlist_text(c: &WaitlistCounts) -> String {
    let offered = match c.offered {
        0 => "no time offered".to_string(),
        n => format!("{n} offered, ready to book"),
    };
    format!("{offered} · {} waiting", c.waiting)
}

impl HomeItem {
    /// The screen this item opens, for the signed-in user (`None` for leaving).
    pub fn route(self, cx: &Ctx) -> Option<Route> {
        use super::admin::AdminScreen;
        use super::agenda::AgendaScreen;
        use super::audit::AuditScreen;
        use super::booking::BookingScreen;
        use super::calendar::CalendarScreen;
        use super::password::PasswordScreen;
        use super::patients::PatientsScreen;
        use super::prescription::{list::RxListScreen, timeline::TimelineScreen};
        use super::reports::ReportsScreen;
        match self {
            HomeItem::ChangePassword => Some(PasswordScreen::new().into()),
            HomeItem::Availability | HomeItem::DoctorsCalendars => {
                Some(CalendarScreen::for_user(cx).into())
            }
            HomeItem::Patients => Some(PatientsScreen::new().into()),
            HomeItem::Administration => Some(AdminScreen::new(cx.actor_id()).into()),
            HomeItem::AuditTrail => Some(AuditScreen::new().into()),
            HomeItem::Reports => Some(ReportsScreen::new(cx.today()).into()),
            HomeItem::Agenda | HomeItem::MyAppointments => Some(AgendaScreen::for_user(cx).into()),
            HomeItem::Book => Some(BookingScreen::for_user(cx).into()),
            HomeItem::Prescriptions => Some(RxListScreen::new(cx).into()),
            // A patient's own prescriptions.
            HomeItem::MyPrescriptions => cx
                .actor_id()
                .map(|id| TimelineScreen::for_patient(id).into()),
            HomeItem::LogOut | HomeItem::Quit => None,
        }
    }
}

impl Screen for HomeScreen {
    type Op = HomeOp;

    fn context(&self) -> Context {
        Context::Home
    }

    fn on_enter(&mut self, cx: &Ctx) -> Actions<HomeOp> {
        self.count_request(cx.role())
    }

    fn on_resume(&mut self, cx: &Ctx) -> Actions<HomeOp> {
        self.count_request(cx.role())
    }

    /// A Home made without being entered (an SSH session that opens signed in) asks on
    /// its first tick.
    fn on_tick(&mut self, cx: &Ctx) -> Actions<HomeOp> {
        if self.asked {
            return Vec::new();
        }
        self.count_request(cx.role())
    }

    fn started(&mut self, request: u64, op: &HomeOp) {
        match op {
            HomeOp::WaitlistCounts => self.counts_request = Some(request),
        }
    }

    fn abandon(&mut self, request: u64) {
        super::abandon::forget(&mut self.counts_request, request);
    }

    fn on_key(
        &mut self,
        _key: crossterm::event::KeyEvent,
        command: Option<Command>,
        cx: &Ctx,
    ) -> Actions<HomeOp> {
        match self.on_command(command) {
            MenuKey::None => Vec::new(),
            MenuKey::Open(HomeItem::Quit) | MenuKey::Quit => vec![Action::Quit],
            MenuKey::Open(HomeItem::LogOut) | MenuKey::Logout => vec![Action::LogOut],
            MenuKey::Open(item) => item.route(cx).map(Action::Open).into_iter().collect(),
        }
    }

    fn on_reply(&mut self, request: u64, reply: HomeReply, _cx: &Ctx) -> Actions<HomeOp> {
        match reply {
            HomeReply::Counts(result) if self.counts_request == Some(request) => {
                self.counts_request = None;
                // Not worth a status-line alarm: the panel says it could not count.
                self.waitlist = Some(result.map_err(|e| {
                    if e.is_outage() {
                        "not reachable just now".to_string()
                    } else {
                        e.to_string()
                    }
                }));
                Vec::new()
            }
            HomeReply::Counts(_) => Vec::new(),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        if let Some(session) = cx.session {
            draw(
                frame, area, self, session, cx.clinic, cx.now, cx.keymap, cx.theme,
            );
        }
    }

    fn commands(&self, _cx: &Ctx, out: &mut Commands) {
        out.group(&[Command::Up, Command::Down], "move", true)
            .add(Command::Open, "open", true)
            .add(Command::Logout, "log out", true)
            .add(Command::Quit, "quit", true);
        // Each item's own key (shown beside it on the menu), in the help.
        for item in &self.items {
            if !matches!(item, HomeItem::LogOut | HomeItem::Quit) {
                out.more(item.shortcut(), item.label(), true);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_within_bounds_and_opens_the_selection() {
        let mut s = HomeScreen::for_role(Role::FrontDesk);
        assert_eq!(s.on_command(Some(Command::Up)), MenuKey::None);
        assert_eq!(s.selected, 0);
        for _ in 0..s.items.len() + 2 {
            s.on_command(Some(Command::Down));
        }
        assert_eq!(s.selected, s.items.len() - 1);
        assert_eq!(
            s.on_command(Some(Command::Open)),
            MenuKey::Open(HomeItem::Quit)
        );
        assert_eq!(s.on_command(Some(Command::Logout)), MenuKey::Logout);
        assert_eq!(s.on_command(None), MenuKey::None);
    }
}
