//! Drawing the administration screen: the tabs, the current tab's list as a table, and
//! the form or question over it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{AdminScreen, Tab};
use crate::tui::theme::Theme;
use crate::tui::widgets::confirm::render_confirm;
use crate::tui::widgets::table::{Column, DataTable};

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
    render_list(frame, inner, state, theme);

    // The "new specialization" form stands in for the doctor form it was opened from.
    if let Some((form, _)) = &state.new_specialization {
        form.render_popup(frame, area, theme);
    } else if let Some(f) = &state.form {
        f.form.render_popup(frame, area, theme);
    }
    if let Some(c) = &state.confirm {
        render_confirm(frame, area, &c.question, c.pending.is_some(), theme);
    }
}

/// The current tab's rows as a table; inactive rows are dimmed.
fn render_list(frame: &mut Frame, area: Rect, state: &AdminScreen, theme: &Theme) {
    let ti = state.tab.index();
    let empty = if state.loading[ti].is_some() || !state.loaded[ti] {
        "Loading…"
    } else {
        "None yet: n adds one."
    };
    let wide = area.width >= 100;
    let col = Column::new;
    let status = col("Status", Constraint::Length(8));
    let (columns, len) = match state.tab {
        Tab::Doctors => (
            vec![
                col("Name", Constraint::Fill(3)),
                col("Specialty", Constraint::Fill(2)),
                col("Email", Constraint::Fill(3)),
                col("Phone", Constraint::Length(if wide { 18 } else { 13 })),
                col("Fee", Constraint::Length(9)).right(),
                status,
            ],
            state.doctors.len(),
        ),
        Tab::Staff => (
            vec![
                col("Name", Constraint::Fill(3)),
                col("Email", Constraint::Fill(4)),
                col("Role", Constraint::Length(11)),
                status,
            ],
            state.staff.len(),
        ),
        Tab::Locations => {
            let mut columns = vec![
                col("Name", Constraint::Fill(2)),
                col("Address", Constraint::Fill(3)),
            ];
            if wide {
                columns.push(col("Phone", Constraint::Length(16)));
            }
            columns.push(col("Hours", Constraint::Fill(2)));
            columns.push(status);
            (columns, state.locations.len())
        }
    };
    let row = |i: usize| -> Vec<Span<'static>> {
        let (cells, active): (Vec<String>, bool) = match state.tab {
            Tab::Doctors => {
                let d = &state.doctors[i];
                (
                    vec![
                        d.full_name.clone(),
                        d.specialization.clone(),
                        d.email.clone(),
                        d.phone_number.clone().unwrap_or_default(),
                        d.consultation_fee
                            .map(crate::domain::money::format_amount)
                            .unwrap_or_else(|| "-".into()),
                        account_status(d.is_active).into(),
                    ],
                    d.is_active,
                )
            }
            Tab::Staff => {
                let s = &state.staff[i];
                let name = if Some(s.id) == state.own_id {
                    format!("{} (you)", s.full_name)
                } else {
                    s.full_name.clone()
                };
                (
                    vec![
                        name,
                        s.email.clone(),
                        s.role.label().into(),
                        account_status(s.is_active).into(),
                    ],
                    s.is_active,
                )
            }
            Tab::Locations => {
                let l = &state.locations[i];
                let mut cells = vec![l.name.clone(), l.address.clone()];
                if wide {
                    cells.push(l.phone_number.clone().unwrap_or_default());
                }
                cells.push(l.operating_hours.clone().unwrap_or_default());
                cells.push(if l.is_active { "open" } else { "CLOSED" }.into());
                (cells, l.is_active)
            }
        };
        let style = if active { Style::new() } else { theme.dim() };
        cells.into_iter().map(|c| Span::styled(c, style)).collect()
    };
    DataTable::new(columns).empty(empty).render_with(
        frame,
        area,
        &state.views[ti],
        len,
        row,
        theme,
    );
}

fn account_status(active: bool) -> &'static str {
    if active { "active" } else { "INACTIVE" }
}
