//! Drawing the editor: the appointment line, the medications table, the three notes,
//! tags and attachments, the line saying why a save failed, and the box open over it.

use chrono_tz::Tz;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Conflict, EditorState, Modal, Section};
use crate::domain::prescription as rx;
use crate::tui::screens::prescription::view::{
    boxed, describe_lines, diff_line, header_line, render_confirm,
};
use crate::tui::theme::Theme;
use crate::tui::widgets::table::{Column, DataTable};
use crate::tui::widgets::text::truncate;
use crate::tui::widgets::{popup, text_field};

/// Draws an open editor over `area`.
pub fn render_editor(frame: &mut Frame, area: Rect, e: &EditorState, tz: Tz, theme: &Theme) {
    let notes_h: u16 = if area.height >= 30 {
        area.height.saturating_sub(6) / 2
    } else {
        7
    };
    let rows = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(4),
        Constraint::Length(notes_h),
        Constraint::Length(4),
        Constraint::Length(1),
    ])
    .split(area);
    let status = match (&e.stored, e.is_dirty(), &e.offline) {
        (_, _, Some(o)) => format!("unsaved · store unreachable, retry {}", o.attempts),
        (None, _, None) => "new prescription".to_string(),
        (Some(p), true, None) => format!("v{} · modified", p.version),
        (Some(p), false, None) => format!("v{} · saved", p.version),
    };
    frame.render_widget(
        Paragraph::new(header_line(&e.brief, tz, status, theme)),
        rows[0],
    );

    // Medications table.
    let focused = e.section == Section::Medications && e.modal.is_none();
    let block = boxed(
        format!(" Medications ({}) ", e.draft.medications.len()),
        focused,
        theme,
    );
    let inner = block.inner(rows[1]);
    frame.render_widget(block, rows[1]);
    DataTable::new(vec![
        Column::new("#", Constraint::Length(3)).right(),
        Column::new("Name", Constraint::Fill(2)),
        Column::new("Dosage", Constraint::Length(10)),
        Column::new("Frequency", Constraint::Length(16)),
        Column::new("Days", Constraint::Length(4)).right(),
        Column::new("Notes", Constraint::Fill(1)),
    ])
    .empty("No medication yet: a adds one.")
    .active(focused)
    .render_with(
        frame,
        inner,
        &e.meds,
        e.draft.medications.len(),
        |i| {
            let m = &e.draft.medications[i];
            vec![
                Span::raw((i + 1).to_string()),
                Span::raw(m.name.as_str()),
                Span::raw(m.dosage.as_str()),
                Span::raw(m.frequency.as_str()),
                Span::raw(m.duration_days.map_or(String::new(), |d| d.to_string())),
                Span::raw(m.notes.replace('\n', " ")),
            ]
        },
        theme,
    );

    // Notes.
    let cols = Layout::horizontal([
        Constraint::Ratio(1, 3),
        Constraint::Ratio(1, 3),
        Constraint::Ratio(1, 3),
    ])
    .split(rows[2]);
    for (i, section) in [
        Section::ChiefComplaint,
        Section::Diagnosis,
        Section::Recommendations,
    ]
    .into_iter()
    .enumerate()
    {
        let focused = e.section == section && e.modal.is_none();
        let block = boxed(format!(" {} ", section.label()), focused, theme);
        let inner = block.inner(cols[i]);
        frame.render_widget(block, cols[i]);
        e.notes[i].render(frame, inner, focused, theme);
    }

    // Tags and attachments.
    let bottom =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).split(rows[3]);
    let tags_focused = e.section == Section::Tags && e.modal.is_none();
    let block = boxed(" Tags ".into(), tags_focused, theme);
    let inner = block.inner(bottom[0]);
    frame.render_widget(block, bottom[0]);
    if inner.height >= 1 {
        let tags = if e.draft.tags.is_empty() {
            Span::styled("none", theme.dim())
        } else {
            Span::raw(format!("#{}", e.draft.tags.join(" #")))
        };
        frame.render_widget(
            Paragraph::new(Line::from(tags)),
            Rect { height: 1, ..inner },
        );
    }
    if inner.height >= 2 {
        let line = Rect {
            y: inner.y + 1,
            height: 1,
            ..inner
        };
        let label = Rect { width: 2, ..line };
        frame.render_widget(Paragraph::new(Span::styled("+ ", theme.dim())), label);
        let field_w = 14.min(line.width.saturating_sub(2));
        let field = Rect {
            x: line.x + 2,
            width: field_w,
            ..line
        };
        if let Some(pos) = text_field(frame, field, &e.tag_input, None, tags_focused, theme) {
            frame.set_cursor_position(pos);
        }
        if tags_focused {
            let suggestions = e.suggestions();
            let mut spans = vec![Span::raw(" ")];
            for (i, s) in suggestions.iter().enumerate() {
                let style = if Some(i) == e.suggestion {
                    theme.focus()
                } else {
                    theme.dim()
                };
                spans.push(Span::styled(s.to_string(), style));
                spans.push(Span::raw(" "));
            }
            frame.render_widget(
                Paragraph::new(Line::from(spans)),
                Rect {
                    x: field.x + field_w,
                    width: line.width.saturating_sub(field_w + 2),
                    ..line
                },
            );
        }
    }
    let att_focused = e.section == Section::Attachments && e.modal.is_none();
    let block = boxed(
        format!(" Attachments ({}) ", e.draft.attachments.len()),
        att_focused,
        theme,
    );
    let inner = block.inner(bottom[1]);
    frame.render_widget(block, bottom[1]);
    let lines: Vec<Line> = if e.draft.attachments.is_empty() {
        vec![Line::from(Span::styled(
            "none: a adds a link or a file",
            theme.dim(),
        ))]
    } else {
        let visible = usize::from(inner.height).max(1);
        let start = e.attach_row.saturating_sub(visible.saturating_sub(1));
        e.draft
            .attachments
            .iter()
            .enumerate()
            .skip(start)
            .take(visible)
            .map(|(i, a)| {
                let text = truncate(
                    &format!("{} ({})", a.file_name, a.kind),
                    usize::from(inner.width),
                )
                .into_owned();
                if i == e.attach_row && att_focused {
                    Line::from(Span::styled(text, theme.focus()))
                } else {
                    Line::raw(text)
                }
            })
            .collect()
    };
    frame.render_widget(Paragraph::new(lines), inner);

    // Error line.
    let width = usize::from(rows[4].width);
    let undo = if e.section.note_index().is_some() {
        " · Ctrl-Z undo"
    } else {
        ""
    };
    let line = match (&e.error, e.saving) {
        (_, Some(_)) => Line::from(Span::styled(" Saving…", theme.info())),
        (Some(err), None) => Line::from(Span::styled(
            truncate(&format!(" {err}"), width).into_owned(),
            theme.error(),
        )),
        (None, None) => Line::from(Span::styled(
            truncate(
                &format!(
                    " {} · Tab next section · Ctrl-S save{undo}",
                    e.section.label()
                ),
                width,
            )
            .into_owned(),
            theme.dim(),
        )),
    };
    frame.render_widget(Paragraph::new(line), rows[4]);

    match &e.modal {
        Some(Modal::Medication { form, .. }) => form.render_popup(frame, area, theme),
        Some(Modal::Attachment(form)) => form.render_popup(frame, area, theme),
        Some(Modal::Export(form)) => form.render_popup(frame, area, theme),
        Some(Modal::ConfirmLeave) => render_confirm(
            frame,
            area,
            if e.offline.is_some() {
                "Discard changes? The draft file stays and is offered next time. y discard · n keep editing"
            } else {
                "Discard changes? Unsaved changes will be lost. y discard · n keep editing"
            },
            theme,
        ),
        Some(Modal::RestoreDraft(file)) => render_confirm(
            frame,
            area,
            &format!(
                "An unsaved draft from {} was found ({} medications). Restore it? y restore · n discard it",
                file.written_at.format("%-d %b %H:%M UTC"),
                file.draft.medications.len()
            ),
            theme,
        ),
        Some(Modal::Conflict(c)) => render_conflict(frame, area, e, c, theme),
        None => {}
    }
}

fn render_conflict(frame: &mut Frame, area: Rect, e: &EditorState, c: &Conflict, theme: &Theme) {
    let outer = popup(
        frame,
        area,
        area.width.saturating_sub(2),
        area.height.saturating_sub(1),
    );
    let block = boxed(
        format!(
            " Conflict: version {} was saved meanwhile ",
            c.theirs.version
        ),
        true,
        theme,
    );
    let inner = block.inner(outer);
    frame.render_widget(block, outer);
    let rows = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .split(inner);
    frame.render_widget(
        Paragraph::new(Span::styled(c.message.clone(), theme.error())).wrap(Wrap { trim: true }),
        rows[0],
    );
    let cols =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).split(rows[1]);
    let mine = e.current();
    let w = usize::from(cols[0].width.saturating_sub(2));
    frame.render_widget(
        Paragraph::new(describe_lines(&mine, w, theme)).block(boxed(
            " Yours (unsaved) ".into(),
            false,
            theme,
        )),
        cols[0],
    );
    let changes = rx::diff(&c.theirs, &mine);
    let mut lines = vec![Line::from(Span::styled(
        "Saving yours over theirs would change:",
        theme.title(),
    ))];
    if changes.is_empty() {
        lines.push(Line::from(Span::styled("  nothing", theme.dim())));
    }
    for d in &changes {
        lines.push(diff_line(d, w, theme));
    }
    lines.push(Line::raw(""));
    lines.extend(describe_lines(&c.theirs, w, theme));
    frame.render_widget(
        Paragraph::new(lines).block(boxed(
            format!(" Theirs: version {} ", c.theirs.version),
            false,
            theme,
        )),
        cols[1],
    );
    frame.render_widget(
        Paragraph::new(Span::styled(
            "r reload theirs (drop mine) · m keep mine on top of theirs · Esc decide later",
            theme.key(),
        )),
        rows[2],
    );
}
