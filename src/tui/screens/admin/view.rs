//! Drawing the administration screen: the tabs, the list of the current tab, and the
//! form or question over it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{AdminScreen, Tab};
use crate::tui::screens::form::{fit, render_confirm, render_form};
use crate::tui::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, state: &AdminScreen, theme: &Theme) {
    let rows = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).split(area);
    let mut tabs = vec![Span::raw(" ")];
    for (i, t) in Tab::ALL.iter().enumerate() {
        let text = format!(" {} {} ", i + 1, t.label());
        tabs.push(if *t == state.tab {
            Span::styled(format!("[{text}]"), theme.focus())
        } else {
            Span::raw(format!(" {text} "))
        });
        tabs.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(tabs)), rows[0]);

    let b = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(
            format!(" Administration · {} ", state.tab.label()),
            theme.title(),
        ));
    let inner = b.inner(rows[1]);
    frame.render_widget(b, rows[1]);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };
    let w = usize::from(inner.width).saturating_sub(2);
    let wide = w >= 100;
    let (header, lines, active): (String, Vec<String>, Vec<bool>) = match state.tab {
        Tab::Doctors => {
            let cols = if wide {
                [28, 22, 32, 18]
            } else {
                [17, 13, 21, 14]
            };
            let row = |a: &str, b: &str, c: &str, d: &str, e: &str| {
                format!(
                    "{} {} {} {} {}",
                    fit(a, cols[0] - 1),
                    fit(b, cols[1] - 1),
                    fit(c, cols[2] - 1),
                    fit(d, cols[3] - 1),
                    e
                )
            };
            (
                row("Name", "Specialty", "Email", "Phone", "Status"),
                state
                    .doctors
                    .iter()
                    .map(|d| {
                        row(
                            &d.full_name,
                            &d.specialization,
                            &d.email,
                            d.phone_number.as_deref().unwrap_or(""),
                            status(d.is_active),
                        )
                    })
                    .collect(),
                state.doctors.iter().map(|d| d.is_active).collect(),
            )
        }
        Tab::Staff => {
            let cols = if wide { [30, 40, 14] } else { [24, 30, 12] };
            let row = |a: &str, b: &str, c: &str, d: &str| {
                format!(
                    "{}{}{}{}",
                    fit(a, cols[0]),
                    fit(b, cols[1]),
                    fit(c, cols[2]),
                    d
                )
            };
            (
                row("Name", "Email", "Role", "Status"),
                state
                    .staff
                    .iter()
                    .map(|s| {
                        let name = if Some(s.id) == state.own_id {
                            format!("{} (you)", s.full_name)
                        } else {
                            s.full_name.clone()
                        };
                        row(&name, &s.email, s.role.label(), status(s.is_active))
                    })
                    .collect(),
                state.staff.iter().map(|s| s.is_active).collect(),
            )
        }
        Tab::Locations => {
            let cols = if wide {
                [24, 36, 16, 22]
            } else {
                [18, 24, 0, 16]
            };
            let row = |a: &str, b: &str, c: &str, d: &str, e: &str| {
                format!(
                    "{}{}{}{}{}",
                    fit(a, cols[0]),
                    fit(b, cols[1]),
                    if cols[2] > 0 {
                        fit(c, cols[2])
                    } else {
                        String::new()
                    },
                    fit(d, cols[3]),
                    e
                )
            };
            (
                row("Name", "Address", "Phone", "Hours", "Status"),
                state
                    .locations
                    .iter()
                    .map(|l| {
                        row(
                            &l.name,
                            &l.address,
                            l.phone_number.as_deref().unwrap_or(""),
                            l.operating_hours.as_deref().unwrap_or(""),
                            if l.is_active { "open" } else { "CLOSED" },
                        )
                    })
                    .collect(),
                state.locations.iter().map(|l| l.is_active).collect(),
            )
        }
    };
    let mut out = vec![Line::from(Span::styled(
        fit(&format!("  {header}"), w + 2),
        theme.dim(),
    ))];
    let ti = state.tab.index();
    if lines.is_empty() {
        let text = if state.loading[ti].is_some() || !state.loaded[ti] {
            "  Loading…"
        } else {
            "  None yet: n adds one."
        };
        out.push(Line::from(Span::styled(text, theme.dim())));
    }
    let room = usize::from(inner.height).saturating_sub(1).max(1);
    let sel = state.selected();
    let first = sel.saturating_sub(room.saturating_sub(1));
    for (i, text) in lines.iter().enumerate().skip(first).take(room) {
        let mut style = if i == sel {
            theme.focus()
        } else {
            Style::new()
        };
        if !active.get(i).copied().unwrap_or(true) {
            style = style.add_modifier(Modifier::DIM);
        }
        let marker = if i == sel { "▶ " } else { "  " };
        out.push(Line::from(Span::styled(
            fit(&format!("{marker}{text}"), w + 2),
            style,
        )));
    }
    frame.render_widget(Paragraph::new(out), inner);

    if let Some(f) = &state.form {
        render_form(frame, area, &f.form, theme);
    }
    if let Some(c) = &state.confirm {
        render_confirm(frame, area, &c.question, c.pending.is_some(), theme);
    }
}

fn status(active: bool) -> &'static str {
    if active { "active" } else { "INACTIVE" }
}
