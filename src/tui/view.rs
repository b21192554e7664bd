//! `render`: draws the state. Reads `&AppState` only.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::keymap::Keymap;
use super::screens::{agenda, booking, calendar, home, login, payments, reports};
use super::state::{AppState, Screen, Tone};
use super::widgets::{help, status_bar};
use super::{MIN_HEIGHT, MIN_WIDTH};

const SPINNER: [&str; 4] = ["-", "\\", "|", "/"];

/// The most lines a message may take under the screen.
pub const MAX_MESSAGE_ROWS: u16 = 3;

pub fn render(frame: &mut Frame, state: &AppState, keymap: &Keymap) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        render_too_small(frame, area);
        return;
    }
    let theme = &state.theme;
    // Message line: work in progress first, then the last message. A long message wraps
    // at words onto up to three lines rather than being cut mid-sentence.
    let message = if let Some(busy) = &state.busy {
        let frame_ch = SPINNER[state.spinner_frame % SPINNER.len()];
        Line::from(Span::styled(format!("{frame_ch} {busy}…"), theme.info()))
    } else if let Some(status) = &state.status {
        let style = match status.tone {
            Tone::Info => theme.info(),
            Tone::Error => theme.error(),
        };
        Line::from(Span::styled(status.text.clone(), style))
    } else {
        Line::raw("")
    };
    // One column of margin on the left, as the key line has.
    let message_rows =
        status_bar::wrapped_rows(&message, area.width.saturating_sub(1)).clamp(1, MAX_MESSAGE_ROWS);
    let rows = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(message_rows),
        Constraint::Length(1),
    ])
    .split(area);

    // Title bar.
    let who = match &state.session {
        Some(s) => format!("{} · {}", s.role().label(), s.actor.display_name()),
        None => "not signed in".to_string(),
    };
    let title = Line::from(vec![
        Span::styled(format!(" {} ", state.clinic.name), theme.focus()),
        Span::raw(" "),
        Span::styled(who, theme.dim()),
    ]);
    frame.render_widget(Paragraph::new(title), rows[0]);

    match &state.screen {
        Screen::Login(s) => login::render(frame, rows[1], s, &state.clinic.name, keymap, theme),
        Screen::Home(s) => {
            if let Some(session) = &state.session {
                home::render(frame, rows[1], s, session, &state.clinic, state.now, theme);
            }
        }
        Screen::Calendar(s) => {
            let today = state
                .now
                .with_timezone(&state.clinic.time_zone)
                .date_naive();
            calendar::render(frame, rows[1], s, today, theme);
        }
        Screen::Booking(s) => booking::render(frame, rows[1], s, state.clinic.time_zone, theme),
        Screen::Agenda(s) => agenda::render(frame, rows[1], s, state.clinic.time_zone, theme),
        Screen::Payments { state: s, .. } => payments::render(frame, rows[1], s, theme),
        Screen::Reports(s) => reports::render(frame, rows[1], s, theme),
        Screen::Patients(s) => {
            super::screens::patients::render(frame, rows[1], s, state.clinic.time_zone, theme)
        }
        Screen::Admin(s) => super::screens::admin::render(frame, rows[1], s, theme),
        Screen::Audit(s) => {
            super::screens::audit::render(frame, rows[1], s, state.clinic.time_zone, theme)
        }
        Screen::Password(s) => super::screens::password::render(frame, rows[1], s, theme),
        Screen::Prescription(s) => {
            super::screens::prescription::render(frame, rows[1], s, state.clinic.time_zone, theme)
        }
    }

    let message_area = Rect {
        x: rows[2].x.saturating_add(1),
        width: rows[2].width.saturating_sub(1),
        ..rows[2]
    };
    frame.render_widget(
        Paragraph::new(message).wrap(Wrap { trim: true }),
        message_area,
    );
    frame.render_widget(
        Paragraph::new(status_bar::keys_line(keymap, state.context(), theme)),
        rows[3],
    );

    if state.help_open {
        help::render(frame, rows[1], keymap, state.screen.context(), theme);
    }
}

fn render_too_small(frame: &mut Frame, area: Rect) {
    let text = format!(
        "Terminal too small ({}x{}). Smart Clinic needs at least {MIN_WIDTH}x{MIN_HEIGHT}. Enlarge the window; Ctrl-C quits.",
        area.width, area.height
    );
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .alignment(Alignment::Center),
        area,
    );
}
