//! Drawing the patients screen: the search with its results, or one patient with their
//! appointments and payments; the form or the question over them.

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Focus, PatientView, PatientsScreen};
use crate::domain::money::format_amount;
use crate::domain::person::Patient;
use crate::tui::theme::Theme;
use crate::tui::widgets::confirm::render_confirm;
use crate::tui::widgets::table::{Column, DataTable};
use crate::tui::widgets::text_field;

fn local(tz: Tz, utc: NaiveDateTime) -> NaiveDateTime {
    tz.from_utc_datetime(&utc).naive_local()
}

fn block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(title, theme.title()))
}

fn born(p: &Patient) -> String {
    p.date_of_birth
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

pub fn render(frame: &mut Frame, area: Rect, state: &PatientsScreen, tz: Tz, theme: &Theme) {
    match &state.view {
        Some(view) => render_view(frame, area, view, tz, theme),
        None => render_list(frame, area, state, theme),
    }
    if let Some(pf) = &state.form {
        pf.form.render_popup(frame, area, theme);
    }
    if let Some(c) = &state.confirm {
        render_confirm(frame, area, &c.question, c.pending.is_some(), theme);
    }
}

fn render_list(frame: &mut Frame, area: Rect, state: &PatientsScreen, theme: &Theme) {
    let b = block(" Patients ".into(), theme);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    if inner.height < 4 || inner.width < 30 {
        return;
    }
    let top = Rect {
        x: inner.x + 1,
        width: inner.width - 2,
        height: 1,
        ..inner
    };
    frame.render_widget(Paragraph::new("Find:"), Rect { width: 6, ..top });
    let field_rect = Rect {
        x: top.x + 6,
        width: top.width.saturating_sub(6).min(36),
        ..top
    };
    let in_search = state.focus == Focus::Search && state.form.is_none() && state.confirm.is_none();
    if let Some(pos) = text_field(frame, field_rect, &state.query, None, in_search, theme) {
        frame.set_cursor_position(pos);
    }
    let hint_x = field_rect.x + field_rect.width + 1;
    if hint_x + 10 < top.x + top.width {
        frame.render_widget(
            Paragraph::new(Span::styled("name, email, phone, #id, born", theme.dim())),
            Rect {
                x: hint_x,
                width: top.x + top.width - hint_x,
                ..top
            },
        );
    }
    let list = Rect {
        y: inner.y + 2,
        height: inner.height - 2,
        ..top
    };
    let wide = list.width >= 100;
    let columns = vec![
        Column::new("Name", Constraint::Fill(3)),
        Column::new("Email", Constraint::Fill(4)),
        Column::new("Phone", Constraint::Length(if wide { 20 } else { 16 })),
        Column::new("Born", Constraint::Length(10)),
        Column::new("Status", Constraint::Length(8)),
    ];
    let blank = state.query.value().trim().is_empty();
    let empty = if blank {
        "Type to search: any part of a name, email or phone; #42 for an id; a birth date as 1980-03-14 or 14.03.1980."
    } else if state.search_request.is_some() {
        "Searching…"
    } else {
        "No patient matches."
    };
    let row = |i: usize| -> Vec<Span<'static>> {
        let p = &state.results[i];
        let style = if p.is_active {
            Style::new()
        } else {
            theme.dim()
        };
        [
            p.full_name.clone(),
            p.email.clone(),
            p.phone_number.clone().unwrap_or_default(),
            born(p),
            if p.is_active { "active" } else { "INACTIVE" }.to_string(),
        ]
        .into_iter()
        .map(|c| Span::styled(c, style))
        .collect()
    };
    DataTable::new(columns)
        .empty(empty)
        .active(state.focus == Focus::List)
        .render_with(frame, list, &state.list, state.results.len(), row, theme);
    if blank && state.results.is_empty() && list.height > 2 {
        frame.render_widget(
            Paragraph::new(Span::styled(
                "  n (Ctrl-N while typing) registers a new patient.",
                theme.dim(),
            )),
            Rect {
                y: list.y + 2,
                height: 1,
                ..list
            },
        );
    }
}

fn render_view(frame: &mut Frame, area: Rect, view: &PatientView, tz: Tz, theme: &Theme) {
    let Some(h) = &view.history else {
        let b = block(format!(" Patient {} ", view.patient_id), theme);
        frame.render_widget(
            Paragraph::new(Span::styled(" Loading…", theme.dim())).block(b),
            area,
        );
        return;
    };
    let p = &h.patient;
    let status = if p.is_active {
        ""
    } else {
        " · INACTIVE (cannot be booked)"
    };
    let b = block(
        format!(" {} · patient {}{status} ", p.full_name, p.id),
        theme,
    );
    let inner = b.inner(area);
    frame.render_widget(b, area);
    if inner.height < 6 || inner.width < 30 {
        return;
    }
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };
    let w = usize::from(inner.width);
    let label = |t: &'static str| Span::styled(t, theme.dim());
    let gender = p.gender.map_or("—", |g| g.as_str());
    let portal = if p.has_portal_access { "yes" } else { "no" };
    let header = vec![
        Line::from(vec![
            label("Email "),
            Span::raw(p.email.clone()),
            label("   Phone "),
            Span::raw(p.phone_number.clone().unwrap_or_else(|| "—".into())),
        ]),
        Line::from(vec![
            label("Born "),
            Span::raw(if born(p).is_empty() {
                "—".to_string()
            } else {
                born(p)
            }),
            label("   Gender "),
            Span::raw(gender),
            label("   Portal access "),
            Span::raw(portal),
            label("   Status "),
            Span::raw(if p.is_active { "active" } else { "INACTIVE" }),
        ]),
    ];
    let rows = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Percentage(60),
        Constraint::Percentage(40),
    ])
    .split(inner);
    frame.render_widget(Paragraph::new(header), rows[0]);

    // Appointments, newest first.
    let wide = w >= 100;
    frame.render_widget(
        section_title(
            format!("Appointments ({})", h.appointments.len()),
            !view.on_payments,
            theme,
        ),
        Rect {
            height: 1,
            ..rows[2]
        },
    );
    let mut columns = vec![
        Column::new("When (clinic time)", Constraint::Length(22)),
        Column::new("Doctor", Constraint::Fill(2)),
    ];
    if wide {
        columns.push(Column::new("Specialization", Constraint::Fill(1)));
    }
    columns.push(Column::new("Status", Constraint::Fill(2)));
    let appointment = |i: usize| -> Vec<Span<'static>> {
        let a = &h.appointments[i];
        let when =
            crate::domain::local_time::label(tz, a.appointment.start_utc, "%a %d %b %Y %H:%M");
        let mut status = a.appointment.status.label().to_string();
        if let Some(reason) = &a.appointment.cancel_reason {
            status.push_str(&format!(" ({reason})"));
        }
        let mut cells = vec![Span::raw(when), Span::raw(a.doctor_name.clone())];
        if wide {
            cells.push(Span::raw(a.specialization.clone()));
        }
        cells.push(Span::raw(status));
        cells
    };
    DataTable::new(columns)
        .empty("No appointments.")
        .active(!view.on_payments)
        .render_with(
            frame,
            below_title(rows[2]),
            &view.appointments,
            h.appointments.len(),
            appointment,
            theme,
        );

    // Payments, newest first.
    frame.render_widget(
        section_title(
            format!("Payments ({})", h.payments.len()),
            view.on_payments,
            theme,
        ),
        Rect {
            height: 1,
            ..rows[3]
        },
    );
    let columns = vec![
        Column::new("Date", Constraint::Length(10)),
        Column::new("Amount", Constraint::Length(10)).right(),
        Column::new("Method", Constraint::Length(14)),
        Column::new("Status", Constraint::Length(10)),
        Column::new("Appointment", Constraint::Fill(1)),
    ];
    let payment = |i: usize| -> Vec<Span<'static>> {
        let pay = &h.payments[i];
        let date = pay
            .created_at
            .with_timezone(&tz)
            .format("%Y-%m-%d")
            .to_string();
        let appt = h
            .appointments
            .iter()
            .find(|a| a.appointment.id == pay.appointment_id)
            .map(|a| {
                local(tz, a.appointment.start_utc)
                    .format("%d %b %Y")
                    .to_string()
            })
            .unwrap_or_else(|| format!("#{}", pay.appointment_id));
        vec![
            Span::raw(date),
            Span::raw(format_amount(pay.amount)),
            Span::raw(words(pay.method.as_str())),
            Span::raw(words(pay.status.as_str())),
            Span::raw(appt),
        ]
    };
    DataTable::new(columns)
        .empty("No payments.")
        .active(view.on_payments)
        .render_with(
            frame,
            below_title(rows[3]),
            &view.payments,
            h.payments.len(),
            payment,
            theme,
        );
}

/// `area` less its first row (the section's title).
fn below_title(area: Rect) -> Rect {
    Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    }
}

/// "BANK_TRANSFER" → "bank transfer".
fn words(code: &str) -> String {
    code.replace('_', " ").to_lowercase()
}

fn section_title<'a>(text: String, focused: bool, theme: &Theme) -> Paragraph<'a> {
    let marker = if focused { "▶ " } else { "  " };
    Paragraph::new(Line::from(Span::styled(
        format!("{marker}{text}"),
        theme.title(),
    )))
}
