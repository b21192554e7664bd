//! Drawing the patients screen: the search with its results, or one patient with their
//! appointments and payments; the form or the question over them.

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Focus, PatientView, PatientsScreen};
use crate::domain::money::format_amount;
use crate::domain::person::Patient;
use crate::tui::screens::form::{fit, render_confirm, render_form};
use crate::tui::theme::Theme;
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
        render_form(frame, area, &pf.form, theme);
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
            Paragraph::new(Span::styled("name, email or phone", theme.dim())),
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
    let w = usize::from(list.width).saturating_sub(2);
    let wide = w >= 100;
    let (name_w, email_w, phone_w, born_w) = if wide {
        (30, 36, 20, 12)
    } else {
        (17, 21, 17, 11)
    };
    // Each column keeps one space before the next.
    let col = |text: &str, width: usize| format!("{} ", fit(text, width - 1));
    let row_text = |name: &str, email: &str, phone: &str, born: &str, active: &str| {
        let text = format!(
            "{}{}{}{}{}",
            col(name, name_w),
            col(email, email_w),
            col(phone, phone_w),
            col(born, born_w),
            active
        );
        fit(&text, w)
    };
    let mut lines = vec![Line::from(Span::styled(
        format!("  {}", row_text("Name", "Email", "Phone", "Born", "Status")),
        theme.dim(),
    ))];
    if state.query.value().trim().is_empty() {
        lines.push(Line::from(Span::styled(
            "  Type to search: the start of a name or an email, or phone digits.",
            theme.dim(),
        )));
        lines.push(Line::from(Span::styled(
            "  n (Ctrl-N while typing) registers a new patient.",
            theme.dim(),
        )));
    } else if state.results.is_empty() && state.search_request.is_none() {
        lines.push(Line::from(Span::styled(
            "  No patient matches.",
            theme.dim(),
        )));
    }
    let room = usize::from(list.height).saturating_sub(lines.len()).max(1);
    let first = state.selected.saturating_sub(room.saturating_sub(1));
    for (i, p) in state.results.iter().enumerate().skip(first).take(room) {
        let status = if p.is_active { "active" } else { "INACTIVE" };
        let text = row_text(
            &p.full_name,
            &p.email,
            p.phone_number.as_deref().unwrap_or(""),
            &born(p),
            status,
        );
        let selected = i == state.selected;
        let mut style = if selected {
            if state.focus == Focus::List {
                theme.focus()
            } else {
                ratatui::style::Style::new().add_modifier(Modifier::BOLD)
            }
        } else {
            ratatui::style::Style::new()
        };
        if !p.is_active {
            style = style.add_modifier(Modifier::DIM);
        }
        let marker = if selected { "▶ " } else { "  " };
        lines.push(Line::from(Span::styled(format!("{marker}{text}"), style)));
    }
    frame.render_widget(Paragraph::new(lines), list);
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
    let (when_w, doc_w, spec_w) = if wide { (24, 26, 22) } else { (23, 22, 0) };
    let mut lines = vec![section_title(
        format!("Appointments ({})", h.appointments.len()),
        !view.on_payments,
        theme,
    )];
    let head = format!(
        "  {}{}{}{}",
        fit("When (clinic time)", when_w),
        fit("Doctor", doc_w),
        if wide {
            fit("Specialization", spec_w)
        } else {
            String::new()
        },
        "Status"
    );
    lines.push(Line::from(Span::styled(fit(&head, w), theme.dim())));
    if h.appointments.is_empty() {
        lines.push(Line::from(Span::styled("  No appointments.", theme.dim())));
    }
    let room = usize::from(rows[2].height).saturating_sub(2).max(1);
    let first = view.scroll.min(h.appointments.len().saturating_sub(room));
    for (i, a) in h.appointments.iter().enumerate().skip(first).take(room) {
        let when =
            crate::domain::local_time::label(tz, a.appointment.start_utc, "%a %d %b %Y %H:%M");
        let mut status = a.appointment.status.label().to_string();
        if let Some(reason) = &a.appointment.cancel_reason {
            status.push_str(&format!(" ({reason})"));
        }
        let text = format!(
            "{}{}{}{}",
            fit(&when, when_w),
            fit(&a.doctor_name, doc_w),
            if wide {
                fit(&a.specialization, spec_w)
            } else {
                String::new()
            },
            status
        );
        let focus = !view.on_payments && i == view.scroll;
        lines.push(row_line(&text, focus, w, theme));
    }
    frame.render_widget(Paragraph::new(lines), rows[2]);

    // Payments, newest first.
    let mut lines = vec![section_title(
        format!("Payments ({})", h.payments.len()),
        view.on_payments,
        theme,
    )];
    let head = format!(
        "  {}{}{}{}{}",
        fit("Date", 12),
        fit("Amount", 12),
        fit("Method", 15),
        fit("Status", 11),
        "Appointment"
    );
    lines.push(Line::from(Span::styled(fit(&head, w), theme.dim())));
    if h.payments.is_empty() {
        lines.push(Line::from(Span::styled("  No payments.", theme.dim())));
    }
    let room = usize::from(rows[3].height).saturating_sub(2).max(1);
    let first = view.pay_scroll.min(h.payments.len().saturating_sub(room));
    for (i, pay) in h.payments.iter().enumerate().skip(first).take(room) {
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
        let text = format!(
            "{}{}{}{}{}",
            fit(&date, 12),
            fit(&format!("{:>10}", format_amount(pay.amount)), 12),
            fit(&words(pay.method.as_str()), 15),
            fit(&words(pay.status.as_str()), 11),
            appt
        );
        let focus = view.on_payments && i == view.pay_scroll;
        lines.push(row_line(&text, focus, w, theme));
    }
    frame.render_widget(Paragraph::new(lines), rows[3]);
}

/// "BANK_TRANSFER" → "bank transfer".
fn words(code: &str) -> String {
    code.replace('_', " ").to_lowercase()
}

fn section_title<'a>(text: String, focused: bool, theme: &Theme) -> Line<'a> {
    let marker = if focused { "▶ " } else { "  " };
    Line::from(Span::styled(format!("{marker}{text}"), theme.title()))
}

fn row_line<'a>(text: &str, focus: bool, w: usize, theme: &Theme) -> Line<'a> {
    if focus {
        Line::from(Span::styled(fit(&format!("▶ {text}"), w), theme.focus()))
    } else {
        Line::raw(fit(&format!("  {text}"), w))
    }
}
