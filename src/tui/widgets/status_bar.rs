//! The bottom line: the keys that work here, from the keymap.

use ratatui::text::{Line, Span};

use crate::tui::keymap::{Command, Context, Keymap};
use crate::tui::theme::Theme;

/// How many rows `line` takes when wrapped at words to `width` columns (display width,
/// so wide characters count double); a word longer than a row is broken across rows.
pub fn wrapped_rows(line: &Line<'_>, width: u16) -> u16 {
    let width = usize::from(width.max(1));
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let mut rows = 1usize;
    let mut used = 0usize;
    for word in text.split_whitespace() {
        let w = Span::raw(word).width();
        let needed = if used == 0 { w } else { used + 1 + w };
        if needed <= width {
            used = needed;
        } else if w <= width {
            rows += 1;
            used = w;
        } else {
            // A word wider than the row fills rows of its own.
            if used > 0 {
                rows += 1;
            }
            rows += (w - 1) / width;
            used = (w - 1) % width + 1;
        }
    }
    u16::try_from(rows).unwrap_or(u16::MAX)
}

/// The commands worth listing in the bar for a context, in order of importance.
fn shown(ctx: Context) -> &'static [Command] {
    match ctx {
        Context::Login => &[
            Command::NextField,
            Command::Submit,
            Command::Help,
            Command::Quit,
        ],
        Context::LoginRole => &[
            Command::NextRole,
            Command::NextField,
            Command::Submit,
            Command::Help,
            Command::Quit,
        ],
        Context::Home => &[
            Command::Down,
            Command::Open,
            Command::Help,
            Command::Logout,
            Command::Quit,
        ],
        Context::Help => &[Command::Back],
        // Moves (arrows/hjkl) are left to the help overlay so that the rest fits 80 columns.
        Context::Calendar => &[
            Command::Help,
            Command::NextWeek,
            Command::ThisWeek,
            Command::AddWindow,
            Command::Edit,
            Command::Delete,
            Command::AddTimeOff,
            Command::Search,
            Command::Back,
        ],
        Context::Form => &[Command::NextField, Command::Save, Command::Cancel],
        Context::Search => &[Command::Down, Command::Open, Command::Cancel],
        Context::Confirm => &[Command::Yes, Command::No],
        Context::PatientSearch => &[
            Command::Down,
            Command::Open,
            Command::NewPatient,
            Command::Back,
        ],
        Context::Booking => &[
            Command::Down,
            Command::NextField,
            Command::Open,
            Command::Help,
            Command::Back,
        ],
        // t today, / doctor and b book are in the help overlay and the agenda's header.
        Context::Agenda => &[
            Command::NextWeek,
            Command::ToggleWeek,
            Command::CancelAppointment,
            Command::Reschedule,
            Command::MarkCompleted,
            Command::MarkNoShow,
            Command::History,
            Command::OpenPrescription,
            Command::Payments,
            Command::Back,
        ],
        Context::Payments => &[
            Command::Down,
            Command::NewPayment,
            Command::PaymentStatus,
            Command::Receipt,
            Command::Help,
            Command::Back,
        ],
        Context::Reports => &[
            Command::NextField,
            Command::NextPeriod,
            Command::Today,
            Command::DateRange,
            Command::ExportCsv,
            Command::Help,
            Command::Back,
        ],
        Context::PrescriptionList => &[
            Command::Down,
            Command::Open,
            Command::Timeline,
            Command::Insight,
            Command::Help,
            Command::Back,
        ],
        Context::PrescriptionEditor => &[
            Command::NextField,
            Command::AddItem,
            Command::EditItem,
            Command::DeleteItem,
            Command::MoveDown,
            Command::Save,
            Command::History,
            Command::Back,
        ],
        Context::PrescriptionText => &[Command::NextField, Command::Save, Command::Back],
        Context::PrescriptionView => &[
            Command::Down,
            Command::History,
            Command::Export,
            Command::Mark,
            Command::Back,
        ],
        Context::Patients => &[
            Command::Open,
            Command::Find,
            Command::NewPatient,
            Command::EditRecord,
            Command::ToggleActive,
            Command::Back,
        ],
        Context::PatientsSearch => &[
            Command::Down,
            Command::Open,
            Command::FocusList,
            Command::NewPatient,
            Command::Back,
        ],
        Context::PatientView => &[
            Command::Down,
            Command::NextField,
            Command::EditRecord,
            Command::ToggleActive,
            Command::Back,
        ],
        Context::Admin => &[
            Command::NextTab,
            Command::NewRecord,
            Command::EditRecord,
            Command::ToggleActive,
            Command::ResetPassword,
            Command::Back,
        ],
        Context::Audit => &[
            Command::Filter,
            Command::PageDown,
            Command::ExportCsv,
            Command::Reload,
            Command::Help,
            Command::Back,
        ],
        Context::Global => &[Command::Help],
    }
}

/// "Tab next field  Enter sign in  F1 help …", built from the actual bindings.
pub fn keys_line<'a>(keymap: &Keymap, ctx: Context, theme: &Theme) -> Line<'a> {
    let mut spans = Vec::new();
    for command in shown(ctx) {
        let Some(key) = keymap.key_for(ctx, *command) else {
            continue;
        };
        let label = match (ctx, command) {
            (_, Command::Down) => "move",
            (_, Command::NextRole) => "change role",
            (Context::Patients | Context::PatientsSearch, Command::NewPatient) => "new",
            (Context::PatientsSearch, Command::FocusList) => "list",
            (Context::PatientView, Command::NextField) => "pane",
            (Context::Patients | Context::PatientView | Context::Admin, Command::ToggleActive) => {
                "(de)activate"
            }
            (Context::Admin, Command::NextTab) => "tab",
            (Context::Admin, Command::NewRecord) => "new",
            (Context::Admin, Command::ResetPassword) => "password",
            (Context::Audit, Command::PageDown) => "page",
            (Context::Audit, Command::Filter) => "filters",
            (Context::Audit, Command::ExportCsv) => "CSV",
            // The calendar has many keys: short labels so that they fit 80 columns.
            (Context::Calendar, Command::Right) => "move",
            (Context::Calendar, Command::NextWeek) => "week",
            (Context::Calendar, Command::ThisWeek) => "today",
            (Context::Calendar, Command::AddWindow) => "add",
            (Context::Calendar, Command::Edit) => "edit",
            (Context::Calendar, Command::Delete) => "del",
            (Context::Calendar, Command::AddTimeOff) => "off",
            (Context::Calendar, Command::Search) => "doctor",
            (Context::Form, Command::NextField) => "next",
            (Context::PatientSearch, Command::Open) => "pick",
            (Context::PatientSearch, Command::NewPatient) => "new patient",
            (Context::Booking, Command::NextField) => "pane",
            (Context::Booking, Command::Open) => "choose",
            (Context::Agenda, Command::NextWeek) => "date",
            (Context::Agenda, Command::ToggleWeek) => "week",
            (Context::Agenda, Command::CancelAppointment) => "cancel",
            (Context::Agenda, Command::Reschedule) => "move",
            (Context::Agenda, Command::MarkCompleted) => "done",
            (Context::Agenda, Command::MarkNoShow) => "no-show",
            (Context::Agenda, Command::History) => "hist",
            (Context::Agenda, Command::OpenPrescription) => "rx",
            (Context::Agenda, Command::Payments) => "pay",
            (Context::PrescriptionList, Command::Open) => "open",
            (Context::PrescriptionList, Command::Timeline) => "timeline",
            (Context::PrescriptionList, Command::Insight) => "insight",
            (Context::PrescriptionEditor | Context::PrescriptionText, Command::NextField) => {
                "section"
            }
            (Context::PrescriptionEditor, Command::MoveDown) => "reorder",
            (Context::PrescriptionEditor, Command::History) => "versions",
            (Context::PrescriptionView, Command::History) => "versions",
            (Context::PrescriptionView, Command::Export) => "export",
            (Context::PrescriptionView, Command::Mark) => "compare",
            (_, other) => other.help(),
        };
        let key = match command {
            Command::Down => format!(
                "{}{key}",
                keymap.key_for(ctx, Command::Up).unwrap_or_default()
            ),
            // "hjkl": the four moves in one.
            Command::Right if ctx == Context::Calendar => {
                [Command::Left, Command::Down, Command::Up, Command::Right]
                    .iter()
                    .filter_map(|c| keymap.key_for(ctx, *c))
                    .collect::<String>()
            }
            // "←→": previous and next role in one.
            Command::NextRole => format!(
                "{}{key}",
                keymap.key_for(ctx, Command::PrevRole).unwrap_or_default()
            ),
            Command::MoveDown => format!(
                "{}{key}",
                keymap.key_for(ctx, Command::MoveUp).unwrap_or_default()
            ),
            // "[]": previous and next week in one.
            Command::PageDown => format!(
                "{}/{key}",
                keymap.key_for(ctx, Command::PageUp).unwrap_or_default()
            ),
            Command::NextWeek => format!(
                "{}{key}",
                keymap.key_for(ctx, Command::PrevWeek).unwrap_or_default()
            ),
            _ => key,
        };
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    // The calendar's bar is full at 80 columns; Ctrl-C is listed in its help overlay.
    if matches!(
        ctx,
        Context::Calendar | Context::Agenda | Context::PrescriptionEditor
    ) {
        return Line::from(spans);
    }
    if let Some(key) = keymap.key_for(Context::Global, Command::ForceQuit) {
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(" exit"));
    }
    Line::from(spans)
}
