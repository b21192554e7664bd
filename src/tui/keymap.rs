//! Key chords -> commands, per context. The defaults live in `assets/keymap.toml`; a
//! user file overrides them entry by entry. Parsing never panics: a bad entry is an
//! error that names it.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use thiserror::Error;

pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

/// Where a key is pressed. Screens map to one context each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Context {
    Global,
    Login,
    /// The login screen with the "Sign in as" field focused (arrows change the role).
    LoginRole,
    Home,
    Help,
    /// The weekly availability grid.
    Calendar,
    /// The calendar's question about booked appointments inside new time off.
    CalendarConflict,
    /// A form with text fields over a screen (typing goes into the fields).
    Form,
    /// A filter-as-you-type list (typing goes into the filter).
    Search,
    /// A yes/no question.
    Confirm,
    /// Booking, step 1: the incremental patient search (typing goes into the field).
    PatientSearch,
    /// Booking, step 2: specializations and doctors (typing finds one).
    BookingDoctor,
    /// Booking, steps 3 and 4: the grid of free times, the confirmation, the summary.
    Booking,
    /// The appointments of a day or a week.
    Agenda,
    /// Prescriptions: appointment lists and timelines.
    PrescriptionList,
    /// The prescription editor on its medications table or attachments list.
    PrescriptionEditor,
    /// The prescription editor in a text area or the tag field (typing goes in).
    PrescriptionText,
    /// A read-only prescription, its versions, or a save conflict.
    PrescriptionView,
    /// The payments of one appointment.
    Payments,
    /// The reports screen.
    Reports,
    /// Patients: the results list (keys are commands).
    Patients,
    /// Patients: the search field (typing searches).
    PatientsSearch,
    /// One patient's record and history.
    PatientView,
    /// Administration: doctors, staff, locations.
    Admin,
    /// The audit trail.
    Audit,
    /// The waitlist (opened from the agenda).
    Waitlist,
}

impl Context {
    pub const ALL: &'static [Context] = &[
        Context::Global,
        Context::Login,
        Context::LoginRole,
        Context::Home,
        Context::Help,
        Context::Calendar,
        Context::CalendarConflict,
        Context::Form,
        Context::Search,
        Context::Confirm,
        Context::PatientSearch,
        Context::BookingDoctor,
        Context::Booking,
        Context::Agenda,
        Context::PrescriptionList,
        Context::PrescriptionEditor,
        Context::PrescriptionText,
        Context::PrescriptionView,
        Context::Payments,
        Context::Reports,
        Context::Patients,
        Context::PatientsSearch,
        Context::PatientView,
        Context::Admin,
        Context::Audit,
        Context::Waitlist,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Login => "login",
            Context::LoginRole => "login_role",
            Context::Home => "home",
            Context::Help => "help",
            Context::Calendar => "calendar",
            Context::CalendarConflict => "calendar_conflict",
            Context::Form => "form",
            Context::Search => "search",
            Context::Confirm => "confirm",
            Context::PatientSearch => "patient_search",
            Context::BookingDoctor => "booking_doctor",
            Context::Booking => "booking",
            Context::Agenda => "agenda",
            Context::PrescriptionList => "prescription_list",
            Context::PrescriptionEditor => "prescription",
            Context::PrescriptionText => "prescription_text",
            Context::PrescriptionView => "prescription_view",
            Context::Payments => "payments",
            Context::Reports => "reports",
            Context::Patients => "patients",
            Context::PatientsSearch => "patients_search",
            Context::PatientView => "patient_view",
            Context::Admin => "admin",
            Context::Audit => "audit",
            Context::Waitlist => "waitlist",
        }
    }
}

macro_rules! commands {
    ($($variant:ident = $name:literal, $help:literal;)*) => {
        /// Everything a key can ask for.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Command { $($variant,)* }

        impl Command {
            pub const ALL: &'static [Command] = &[$(Command::$variant,)*];

            pub fn name(self) -> &'static str {
                match self { $(Command::$variant => $name,)* }
            }

            /// What the help overlay and the status bar say it does.
            pub fn help(self) -> &'static str {
                match self { $(Command::$variant => $help,)* }
            }
        }
    };
}

commands! {
    ForceQuit = "force_quit", "quit now";
    Quit = "quit", "quit";
    Help = "help", "help";
    Back = "back", "back";
    NextField = "next_field", "next field";
    PrevField = "prev_field", "previous field";
    Submit = "submit", "sign in";
    PrevRole = "prev_role", "previous role";
    NextRole = "next_role", "next role";
    Up = "up", "up";
    Down = "down", "down";
    Open = "open", "open";
    Logout = "logout", "log out";
    Left = "left", "left";
    Right = "right", "right";
    PrevWeek = "prev_week", "previous week";
    NextWeek = "next_week", "next week";
    ThisWeek = "this_week", "this week";
    AddWindow = "add_window", "add a window";
    Edit = "edit", "edit the window";
    Delete = "delete", "delete window or time off";
    AddTimeOff = "add_time_off", "add time off";
    Search = "search", "choose a doctor";
    Save = "save", "save";
    Cancel = "cancel", "cancel";
    Yes = "yes", "yes";
    No = "no", "no";
    NewPatient = "new_patient", "register a new patient";
    ToggleWeek = "toggle_week", "day or week";
    Reschedule = "reschedule", "reschedule";
    MarkCompleted = "mark_completed", "mark completed";
    MarkNoShow = "mark_no_show", "mark no-show";
    History = "history", "status history";
    Book = "book", "book an appointment";
    CancelAppointment = "cancel_appointment", "cancel the appointment";
    FindInView = "find_in_view", "find a patient in the list";
    ToggleCancelled = "toggle_cancelled", "hide or show cancelled";
    Waitlist = "waitlist", "the waitlist";
    ExportCalendar = "export_calendar", "export as a calendar file (.ics)";
    Decline = "decline", "decline the offer";
    AddItem = "add_item", "add";
    EditItem = "edit_item", "edit";
    DeleteItem = "delete_item", "remove";
    MoveUp = "move_up", "move up";
    MoveDown = "move_down", "move down";
    Export = "export", "export as PDF or Markdown";
    Timeline = "timeline", "patient's prescriptions";
    Insight = "insight", "top medications and tags";
    Mark = "mark", "mark for comparison";
    ReloadTheirs = "reload_theirs", "reload theirs (drop mine)";
    KeepMine = "keep_mine", "keep mine on top of theirs";
    FindPatient = "find_patient", "a patient by id";
    Payments = "payments", "payments of the appointment";
    NewPayment = "new_payment", "take payment";
    PaymentStatus = "payment_status", "status";
    Receipt = "receipt", "receipt";
    ReceiptPdf = "receipt_pdf", "receipt as PDF";
    DateRange = "date_range", "dates";
    ExportCsv = "export_csv", "CSV";
    PrevPeriod = "prev_period", "previous period";
    NextPeriod = "next_period", "next period";
    Today = "today", "today";
    OpenPrescription = "open_prescription", "prescription";
    Location = "location", "location filter";
    PrevDay = "prev_day", "previous day";
    NextDay = "next_day", "next day";
    GoToDate = "go_to_date", "go to a date";
    FirstFree = "first_free", "first free time";
    PartOfDay = "part_of_day", "morning, afternoon or all day";
    First = "first", "first";
    Last = "last", "last";
    Repeat = "repeat", "repeat every K weeks";
    SkipConflicts = "skip_conflicts", "book, skipping conflicting dates";
    NewRecord = "new_record", "add new";
    EditRecord = "edit_record", "edit";
    ToggleActive = "toggle_active", "deactivate or reactivate";
    ResetPassword = "reset_password", "reset the password";
    NextTab = "next_tab", "next tab";
    PrevTab = "prev_tab", "previous tab";
    Tab1 = "tab_1", "first tab";
    Tab2 = "tab_2", "second tab";
    Tab3 = "tab_3", "third tab";
    PageUp = "page_up", "page up";
    PageDown = "page_down", "page down";
    Filter = "filter", "change the filters";
    Find = "find", "search";
    Reload = "reload", "reload";
    FocusList = "focus_list", "go to the list";
    Undo = "undo", "undo";
    Redo = "redo", "redo";
    // The calendar: split a window, extra hours, booked appointments inside time off.
    SplitWindow = "split_window", "split the window for a break";
    AddExtraHours = "add_extra_hours", "open extra hours on a date";
    CancelBooked = "cancel_booked", "cancel them (with a reason)";
    KeepBooked = "keep_booked", "keep them booked";
    // Home: one key per menu item.
    OpenCalendar = "open_calendar", "open the calendar";
    OpenAgenda = "open_agenda", "open the agenda";
    OpenPrescriptions = "open_prescriptions", "open prescriptions";
    OpenReports = "open_reports", "open reports";
    OpenPatients = "open_patients", "open patients";
    OpenAdmin = "open_admin", "open administration";
    OpenAudit = "open_audit", "open the audit trail";
    ChangePassword = "change_password", "change your password";
}

impl FromStr for Command {
    type Err = KeymapError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Command::ALL
            .iter()
            .copied()
            .find(|c| c.name() == s)
            .ok_or_else(|| KeymapError::UnknownCommand(s.to_string()))
    }
}

/// A key with its modifiers, normalised so that lookups match what terminals send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Chord {
    code: ChordKey,
    ctrl: bool,
    alt: bool,
    shift: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum ChordKey {
    Char(char),
    F(u8),
    Named(&'static str),
}

const NAMED: [&str; 15] = [
    "enter",
    "esc",
    "tab",
    "backtab",
    "space",
    "backspace",
    "delete",
    "up",
    "down",
    "left",
    "right",
    "home",
    "end",
    "pageup",
    "pagedown",
];

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeymapError {
    #[error("\"{0}\" is not a key chord (try \"q\", \"ctrl+s\", \"f1\", \"pagedown\")")]
    BadChord(String),
    #[error("\"{0}\" is not a command; known commands: {list}", list = Command::ALL.iter().map(|c| c.name()).collect::<Vec<_>>().join(", "))]
    UnknownCommand(String),
    #[error(
        "[{0}] is not a keymap context (global, login, login_role, home, help, calendar, calendar_conflict, form, search, confirm, patient_search, booking_doctor, booking, agenda, prescription_list, prescription, prescription_text, prescription_view, payments, reports, patients, patients_search, patient_view, admin, audit, waitlist)"
    )]
    UnknownContext(String),
    #[error("the keymap is not valid TOML: {0}")]
    Toml(String),
    #[error("keymap entry {0} must be a string")]
    NotAString(String),
}

impl FromStr for Chord {
    type Err = KeymapError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || KeymapError::BadChord(s.to_string());
        let mut chord = Chord {
            code: ChordKey::Named("esc"),
            ctrl: false,
            alt: false,
            shift: false,
        };
        let mut rest = s;
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.chars().count() > 1 && lower.starts_with("ctrl+") {
                chord.ctrl = true;
                rest = &rest[5..];
            } else if rest.chars().count() > 1 && lower.starts_with("alt+") {
                chord.alt = true;
                rest = &rest[4..];
            } else if rest.chars().count() > 1 && lower.starts_with("shift+") {
                chord.shift = true;
                rest = &rest[6..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        chord.code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() => ChordKey::Char(c),
            (Some(_), Some(_)) => {
                let lower = rest.to_ascii_lowercase();
                if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                    if !(1..=12).contains(&n) {
                        return Err(bad());
                    }
                    ChordKey::F(n)
                } else {
                    let name = NAMED.iter().find(|n| **n == lower).ok_or_else(bad)?;
                    ChordKey::Named(name)
                }
            }
            _ => return Err(bad()),
        };
        Ok(chord.normalised())
    }
}

impl Chord {
    /// Terminals report Shift on characters inconsistently: an upper-case `A` arrives
    /// with or without SHIFT, `?` with SHIFT on some. Characters therefore never carry
    /// shift; letters keep their case. `shift+tab` is `backtab`.
    fn normalised(mut self) -> Chord {
        match self.code {
            ChordKey::Char(c) => {
                if self.shift && c.is_ascii_alphabetic() {
                    self.code = ChordKey::Char(c.to_ascii_uppercase());
                }
                self.shift = false;
                if self.ctrl
                    && let ChordKey::Char(c) = self.code
                {
                    self.code = ChordKey::Char(c.to_ascii_lowercase());
                }
            }
            ChordKey::Named("tab") if self.shift => {
                self.code = ChordKey::Named("backtab");
                self.shift = false;
            }
            ChordKey::Named("backtab") => self.shift = false,
            _ => {}
        }
        self
    }

    /// The chord a key event stands for, if it is one we can bind.
    pub fn from_event(key: &KeyEvent) -> Option<Chord> {
        let code = match key.code {
            KeyCode::Char(' ') => ChordKey::Named("space"),
            KeyCode::Char(c) => ChordKey::Char(c),
            KeyCode::F(n) => ChordKey::F(n),
            KeyCode::Enter => ChordKey::Named("enter"),
            KeyCode::Esc => ChordKey::Named("esc"),
            KeyCode::Tab => ChordKey::Named("tab"),
            KeyCode::BackTab => ChordKey::Named("backtab"),
            KeyCode::Backspace => ChordKey::Named("backspace"),
            KeyCode::Delete => ChordKey::Named("delete"),
            KeyCode::Up => ChordKey::Named("up"),
            KeyCode::Down => ChordKey::Named("down"),
            KeyCode::Left => ChordKey::Named("left"),
            KeyCode::Right => ChordKey::Named("right"),
            KeyCode::Home => ChordKey::Named("home"),
            KeyCode::End => ChordKey::Named("end"),
            KeyCode::PageUp => ChordKey::Named("pageup"),
            KeyCode::PageDown => ChordKey::Named("pagedown"),
            _ => return None,
        };
        Some(
            Chord {
                code,
                ctrl: key.modifiers.contains(KeyModifiers::CONTROL),
                alt: key.modifiers.contains(KeyModifiers::ALT),
                shift: key.modifiers.contains(KeyModifiers::SHIFT),
            }
            .normalised(),
        )
    }

    /// Lower is shown first: Esc, then Tab and Enter, arrows, plain characters, other
    /// named and function keys, and chords with modifiers last.
    fn prominence(&self) -> u8 {
        match self.code {
            _ if self.ctrl || self.alt => 5,
            ChordKey::Named("esc") => 0,
            ChordKey::Named("tab" | "enter" | "backtab") => 1,
            ChordKey::Named("up" | "down" | "left" | "right") => 2,
            ChordKey::Char(_) => 3,
            ChordKey::F(_) | ChordKey::Named(_) => 4,
        }
    }

    /// Whether this chord would type a character into a text field.
    pub fn is_text(&self) -> bool {
        matches!(self.code, ChordKey::Char(_) | ChordKey::Named("space")) && !self.ctrl && !self.alt
    }
}

impl fmt::Display for Chord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        if self.shift {
            f.write_str("Shift-")?;
        }
        match self.code {
            ChordKey::Char(c) if self.ctrl || self.alt => write!(f, "{}", c.to_ascii_uppercase()),
            ChordKey::Char(c) => write!(f, "{c}"),
            ChordKey::F(n) => write!(f, "F{n}"),
            ChordKey::Named(n) => f.write_str(match n {
                "enter" => "Enter",
                "esc" => "Esc",
                "tab" => "Tab",
                "backtab" => "Shift-Tab",
                "space" => "Space",
                "backspace" => "Backspace",
                "delete" => "Del",
                "up" => "↑",
                "down" => "↓",
                "left" => "←",
                "right" => "→",
                "home" => "Home",
                "end" => "End",
                "pageup" => "PgUp",
                "pagedown" => "PgDn",
                other => other,
            }),
        }
    }
}

/// The bindings of every context.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Keymap {
    bindings: BTreeMap<Context, BTreeMap<Chord, Command>>,
}

impl Keymap {
    /// The built-in bindings.
    pub fn defaults() -> Keymap {
        let mut map = Keymap::default();
        // The asset ships with the binary and is covered by a test; an error here is a
        // build defect, so fall back to an empty map rather than panic.
        if let Err(e) = map.merge_toml(DEFAULT_KEYMAP) {
            tracing::error!(error = %e, "default keymap is invalid");
        }
        map
    }

    /// Defaults overridden by a user file's text.
    pub fn with_overrides(text: &str) -> Result<Keymap, KeymapError> {
        let mut map = Keymap::defaults();
        map.merge_toml(text)?;
        Ok(map)
    }

    fn merge_toml(&mut self, text: &str) -> Result<(), KeymapError> {
        let table: toml::Table =
            toml::from_str(text).map_err(|e| KeymapError::Toml(e.message().to_string()))?;
        for (ctx_name, entries) in table {
            let ctx = Context::ALL
                .iter()
                .copied()
                .find(|c| c.name() == ctx_name)
                .ok_or_else(|| KeymapError::UnknownContext(ctx_name.clone()))?;
            let entries = entries
                .as_table()
                .ok_or_else(|| KeymapError::UnknownContext(ctx_name.clone()))?;
            let target = self.bindings.entry(ctx).or_default();
            for (chord, command) in entries {
                let chord: Chord = chord.parse()?;
                let command = command
                    .as_str()
                    .ok_or_else(|| KeymapError::NotAString(format!("[{ctx_name}] {chord}")))?;
                if command == "none" {
                    target.remove(&chord);
                } else {
                    target.insert(chord, command.parse()?);
                }
            }
        }
        Ok(())
    }

    /// The command for a key in a context; the global context is consulted last.
    pub fn lookup(&self, ctx: Context, key: &KeyEvent) -> Option<Command> {
        let chord = Chord::from_event(key)?;
        self.bindings
            .get(&ctx)
            .and_then(|m| m.get(&chord))
            .or_else(|| {
                self.bindings
                    .get(&Context::Global)
                    .and_then(|m| m.get(&chord))
            })
            .copied()
    }

    /// Each command of a context with the chords bound to it, in a stable order:
    /// what the help overlay and the status bar show.
    pub fn describe(&self, ctx: Context) -> Vec<(Command, Vec<Chord>)> {
        let mut out: BTreeMap<Command, Vec<Chord>> = BTreeMap::new();
        for (chord, cmd) in self.bindings.get(&ctx).into_iter().flatten() {
            out.entry(*cmd).or_default().push(*chord);
        }
        out.into_iter().collect()
    }

    /// The chord to advertise for a command in a context (or globally), as text: the
    /// screen's own bindings first, and among them the most conventional key.
    pub fn key_for(&self, ctx: Context, command: Command) -> Option<String> {
        [ctx, Context::Global]
            .iter()
            .filter_map(|c| self.bindings.get(c))
            .find_map(|m| {
                m.iter()
                    .filter(|(_, c)| **c == command)
                    .map(|(chord, _)| *chord)
                    .min_by_key(Chord::prominence)
            })
            .map(|chord| chord.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn default_keymap_parses_and_binds_the_conventions() {
        let mut map = Keymap::default();
        map.merge_toml(DEFAULT_KEYMAP)
            .expect("default keymap is valid");
        let none = KeyModifiers::NONE;
        assert_eq!(
            map.lookup(Context::Home, &key(KeyCode::Char('q'), none)),
            Some(Command::Quit)
        );
        assert_eq!(
            map.lookup(Context::Home, &key(KeyCode::Char('?'), KeyModifiers::SHIFT)),
            Some(Command::Help)
        );
        assert_eq!(
            map.lookup(
                Context::Login,
                &key(KeyCode::Char('c'), KeyModifiers::CONTROL)
            ),
            Some(Command::ForceQuit)
        );
        assert_eq!(
            map.lookup(Context::Login, &key(KeyCode::Char('q'), none)),
            None,
            "typing is not a command"
        );
        assert_eq!(
            map.lookup(Context::Login, &key(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Command::PrevField)
        );
    }

    #[test]
    fn chords_parse_and_print() {
        for (text, shown) in [
            ("q", "q"),
            ("ctrl+s", "Ctrl-S"),
            ("Ctrl+S", "Ctrl-S"),
            ("f1", "F1"),
            ("shift+tab", "Shift-Tab"),
            ("pagedown", "PgDn"),
            ("alt+x", "Alt-X"),
            ("+", "+"),
            ("ctrl++", "Ctrl-+"),
        ] {
            let chord: Chord = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(chord.to_string(), shown, "{text}");
        }
        for bad in ["", "ctrl+", "f13", "f0", "hyper+x", "enterr", "\u{7}"] {
            assert!(bad.parse::<Chord>().is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn overrides_replace_and_remove() {
        let map = Keymap::with_overrides("[home]\n\"x\" = \"quit\"\n\"q\" = \"none\"\n")
            .expect("valid override");
        let none = KeyModifiers::NONE;
        assert_eq!(
            map.lookup(Context::Home, &key(KeyCode::Char('x'), none)),
            Some(Command::Quit)
        );
        assert_eq!(
            map.lookup(Context::Home, &key(KeyCode::Char('q'), none)),
            None
        );
        let err =
            Keymap::with_overrides("[home]\n\"x\" = \"explode\"\n").expect_err("unknown command");
        assert!(err.to_string().contains("explode"));
        assert!(Keymap::with_overrides("[nowhere]\n").is_err());
    }
}
