//! `render`: draws the state. Reads `&AppState` only.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::keymap::Keymap;
use super::state::{AppState, Tone};
use super::widgets::{help_overlay, popup, status_bar};
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
    let cx = state.ctx(keymap);
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

    let screen = state.screen();
    screen.render(frame, rows[1], &cx);

    let message_area = Rect {
        x: rows[2].x.saturating_add(1),
        width: rows[2].width.saturating_sub(1),
        ..rows[2]
    };
    frame.render_widget(
        Paragraph::new(message).wrap(Wrap { trim: true }),
        message_area,
    );
    let commands = screen.commands(&cx);
    let footer = if state.question.is_some() {
        status_bar::question_footer(keymap, theme)
    } else if state.help.is_some() {
        status_bar::help_footer(keymap, theme)
    } else {
        status_bar::footer(keymap, screen.context(), &commands, rows[3].width, theme)
    };
    frame.render_widget(Paragraph::new(footer), rows[3]);

    if let Some(help) = &state.help {
        let sections = help_overlay::sections_for(keymap, screen.context(), &commands);
        help.render(frame, rows[1], &sections, theme);
    }
    if let Some(question) = &state.question {
        let width = 60.min(rows[1].width);
        let inner = usize::from(width.saturating_sub(4)).max(1);
        let lines = textwrap_rows(&question.text, inner);
        let boxed = popup(frame, rows[1], width, lines + 2);
        frame.render_widget(Clear, boxed);
        frame.render_widget(
            Paragraph::new(question.text.clone())
                .wrap(Wrap { trim: true })
                .block(
                    Block::default()
                        .borders(Borders::ALL)
                        .border_style(theme.border())
                        .title(Span::styled(" Are you sure? ", theme.title())),
                ),
            boxed,
        );
    }
}

/// Rows a sentence takes wrapped at `width` columns.
fn textwrap_rows(text: &str, width: usize) -> u16 {
    let rows = status_bar::wrapped_rows(&Line::raw(text.to_string()), width as u16);
    rows.max(1)
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
