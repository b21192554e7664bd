//! Drawing the payments screen: the appointment, the fee, paid and due, the list, the
//! open form or question.

use super::*;

pub fn render(frame: &mut Frame, area: Rect, state: &PaymentsScreen, tz: Tz, theme: &Theme) {
    let v = &state.appointment;
    let when = v
        .appointment
        .start_utc
        .and_utc()
        .with_timezone(&tz)
        .format("%a %-d %b %Y %H:%M")
        .to_string();
    let rows = Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).split(area);
    let header = vec![
        Line::from(Span::styled(
            format!("Payments · appointment #{} · {}", v.appointment.id, when),
            theme.title(),
        )),
        Line::from(vec![
            Span::styled("Patient ", theme.dim()),
            Span::raw(v.patient_name.clone()),
            Span::styled("   Doctor ", theme.dim()),
            Span::raw(format!("{} ({})", v.doctor_name, v.specialization)),
        ]),
        Line::from(vec![
            Span::styled("Status ", theme.dim()),
            Span::raw(v.appointment.status.label()),
            Span::styled("   Fee ", theme.dim()),
            Span::raw(
                state
                    .fee
                    .map_or_else(|| "none set".to_string(), format_amount),
            ),
            Span::styled("   Paid ", theme.dim()),
            Span::raw(format_amount(state.paid_total())),
            Span::styled("   Due ", theme.dim()),
            Span::raw(state.due().map_or_else(|| "-".to_string(), format_amount)),
        ]),
    ];
    frame.render_widget(Paragraph::new(header), rows[0]);

    // Why the selected payment was refunded, on the box's bottom line.
    let reason = state
        .selected_payment()
        .and_then(|p| state.refund_reason(p.id))
        .map(|r| format!(" Refund reason: {r} "));
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border());
    if let Some(reason) = reason {
        let width = usize::from(rows[1].width.saturating_sub(4));
        block = block.title_bottom(Span::raw(
            crate::tui::widgets::text::truncate(&reason, width).into_owned(),
        ));
    }
    let inner = block.inner(rows[1]);
    frame.render_widget(block, rows[1]);
    let columns = vec![
        Column::new("Taken", Constraint::Length(16)),
        Column::new("Amount", Constraint::Length(12)).right(),
        Column::new("Method", Constraint::Length(13)),
        Column::new("Status", Constraint::Length(9)),
        Column::new("Transaction", Constraint::Fill(1)),
    ];
    DataTable::new(columns)
        .empty(if state.loaded {
            "No payments yet."
        } else {
            "Loading…"
        })
        .active(state.modal.is_none())
        .render_with(
            frame,
            inner,
            &state.view,
            state.payments.len(),
            |i| {
                let p = &state.payments[i];
                vec![
                    Span::raw(
                        p.created_at
                            .with_timezone(&tz)
                            .format("%Y-%m-%d %H:%M")
                            .to_string(),
                    ),
                    Span::raw(format_amount(p.amount)),
                    Span::raw(method_label(p.method)),
                    Span::raw(status_label(p.status)),
                    Span::raw(p.transaction_id.clone()),
                ]
            },
            theme,
        );

    match &state.modal {
        Some(Modal::Form(form)) => form.render_popup(frame, area, theme),
        Some(Modal::RefundReason { form, .. }) => form.render_popup(frame, area, theme),
        Some(Modal::RefundConfirm {
            question, pending, ..
        }) => render_confirm(frame, area, question, *pending, theme),
        Some(Modal::Status { choices, selected }) => {
            let boxed = popup(
                frame,
                area,
                36,
                u16::try_from(choices.len()).unwrap_or(4) + 2,
            );
            let lines: Vec<Line> = choices
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let style = if i == *selected {
                        theme.focus()
                    } else {
                        ratatui::style::Style::new()
                    };
                    Line::from(Span::styled(format!(" {} ", status_label(*s)), style))
                })
                .collect();
            frame.render_widget(
                Paragraph::new(lines).block(
                    Block::default()
                        .borders(Borders::ALL)
                        .border_style(theme.border())
                        .title(Span::styled(" New status · Enter ", theme.title())),
                ),
                boxed,
            );
        }
        None => {}
    }
}
