//! Drawing a [`Form`]: a row per field (marker, label, value, hint), each field's error
//! under it, the form's sentence, the keys line.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use tui_input::Input;

use super::{DEFAULT_FOOTER, Field, Form, MAX_FIELD_WIDTH, Value};
use crate::tui::theme::Theme;
use crate::tui::widgets::popup;
use crate::tui::widgets::text::{pad, truncate, width, window, wrap};

impl<K: Copy + Eq> Form<K> {
    /// The label column: the widest label, a marker and a space.
    fn label_width(&self) -> u16 {
        let w = self
            .fields
            .iter()
            .map(|f| width(&f.label))
            .max()
            .unwrap_or(0);
        u16::try_from(w + 2).unwrap_or(u16::MAX)
    }

    /// Rows of the error under each field, at an inner `area_width`.
    fn error_rows(&self, field: &Field<K>, area_width: u16) -> Vec<String> {
        let room = usize::from(area_width.saturating_sub(self.label_width() + 2)).max(8);
        field
            .error
            .as_deref()
            .map(|e| wrap(e, room))
            .unwrap_or_default()
    }

    /// The sentence under the fields and its style.
    fn message(&self, theme: &Theme) -> Option<(&str, Style)> {
        if self.pending {
            Some(("Saving…", theme.info()))
        } else if let Some(q) = &self.question {
            Some((q, theme.error()))
        } else {
            self.error.as_deref().map(|e| (e, theme.error()))
        }
    }

    /// Rows [`Form::render`] needs at `area_width` columns: the fields with their errors,
    /// a gap, the message (if any) and a gap after it, and the keys line.
    pub fn height(&self, area_width: u16) -> u16 {
        let fields: usize = self
            .fields
            .iter()
            .map(|f| 1 + self.error_rows(f, area_width).len())
            .sum();
        let message = self.message(&Theme { color: false }).map_or(0, |(m, _)| {
            wrap(m, usize::from(area_width.max(1))).len() + 1
        });
        u16::try_from(fields + message + 2).unwrap_or(u16::MAX)
    }

    /// Draws the fields, errors, message and keys line inside `area` (no border) and puts
    /// the terminal cursor in the focused text field.
    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        if area.width < 8 || area.height == 0 {
            return;
        }
        let bottom = area.y + area.height;
        let label_w = self.label_width().min(area.width / 2);
        let value_w = MAX_FIELD_WIDTH.min(area.width.saturating_sub(label_w + 1));
        let row = |y: u16, x: u16, w: u16| Rect {
            x,
            y,
            width: w.min(area.x + area.width - x.min(area.x + area.width)),
            height: 1,
        };
        let mut y = area.y;
        for (i, field) in self.fields.iter().enumerate() {
            if y >= bottom {
                return;
            }
            let focused = i == self.focus && self.question.is_none() && !self.pending;
            let errored = field.error.is_some();
            let marker = if focused {
                "▶"
            } else if errored {
                "✗"
            } else {
                " "
            };
            let label_style = match (focused, errored) {
                (_, true) => theme.error(),
                (true, false) => theme.title(),
                (false, false) => Style::new(),
            };
            let label = pad(
                &format!("{marker}{}", field.label),
                usize::from(label_w.saturating_sub(1)),
            );
            frame.render_widget(
                Paragraph::new(Span::styled(label, label_style)),
                row(y, area.x, label_w),
            );
            let value_area = row(y, area.x + label_w, value_w);
            if let Some(pos) = draw_value(frame, value_area, &field.value, focused, errored, theme)
            {
                frame.set_cursor_position(pos);
            }
            let hint_x = value_area.x + value_area.width + 1;
            let hint_w = (area.x + area.width).saturating_sub(hint_x);
            if hint_w >= 4 && !field.hint.is_empty() {
                let hint = truncate(&field.hint, usize::from(hint_w)).into_owned();
                frame.render_widget(
                    Paragraph::new(Span::styled(hint, theme.dim())),
                    row(y, hint_x, hint_w),
                );
            }
            y += 1;
            for (n, text) in self.error_rows(field, area.width).into_iter().enumerate() {
                if y >= bottom {
                    return;
                }
                let lead = if n == 0 { "✗ " } else { "  " };
                frame.render_widget(
                    Paragraph::new(Span::styled(format!("{lead}{text}"), theme.error())),
                    row(y, area.x + label_w, area.width.saturating_sub(label_w)),
                );
                y += 1;
            }
        }
        y += 1;
        if let Some((message, style)) = self.message(theme) {
            for text in wrap(message, usize::from(area.width)) {
                if y >= bottom {
                    return;
                }
                frame.render_widget(
                    Paragraph::new(Span::styled(text, style)),
                    row(y, area.x, area.width),
                );
                y += 1;
            }
            y += 1;
        }
        if y < bottom {
            let keys = if self.question.is_some() {
                Line::from(vec![
                    Span::styled("y", theme.key()),
                    Span::raw(" yes   "),
                    Span::styled("n", theme.key()),
                    Span::raw("/"),
                    Span::styled("Esc", theme.key()),
                    Span::raw(" no, go back to the form"),
                ])
            } else {
                let text = self.footer.as_deref().unwrap_or(DEFAULT_FOOTER);
                let text = truncate(text, usize::from(area.width)).into_owned();
                Line::from(Span::styled(text, theme.dim()))
            };
            frame.render_widget(Paragraph::new(keys), row(y, area.x, area.width));
        }
    }

    /// Draws the form in a bordered box with its title, centred over `area`.
    pub fn render_popup(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let w = if area.width >= 100 { 76 } else { 70 };
        let w = w.min(area.width);
        let inner_w = w.saturating_sub(4);
        let h = self.height(inner_w).saturating_add(2);
        let boxed = popup(frame, area, w, h);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border())
            .title(Span::styled(format!(" {} ", self.title), theme.title()));
        let inner = block.inner(boxed);
        frame.render_widget(block, boxed);
        let inner = Rect {
            x: inner.x + 1,
            width: inner.width.saturating_sub(2),
            ..inner
        };
        self.render(frame, inner, theme);
    }
}

/// Draws one field's value; returns where the cursor goes when it has focus.
fn draw_value(
    frame: &mut Frame,
    area: Rect,
    value: &Value,
    focused: bool,
    errored: bool,
    theme: &Theme,
) -> Option<Position> {
    if area.width == 0 {
        return None;
    }
    let w = usize::from(area.width);
    let mut style = theme.field();
    if errored {
        style = style.patch(theme.error());
    }
    if focused {
        style = style.add_modifier(Modifier::BOLD);
    }
    let (text, cursor) = match value {
        Value::Text(input) => shown(input, w),
        Value::Masked(input) => {
            let bullets: String = std::iter::repeat_n('•', input.value().chars().count()).collect();
            shown(&Input::new(bullets).with_cursor(input.cursor()), w)
        }
        Value::Choice { options, selected } => {
            let option = options.get(*selected).map_or("", String::as_str);
            let text = if options.len() > super::POSITION_AFTER {
                let at = format!(" {}/{}", selected + 1, options.len());
                let room = w.saturating_sub(width(&at) + 4);
                format!("◀ {} ▶{at}", truncate(option, room))
            } else {
                format!("◀ {option} ▶")
            };
            let text = pad(&text, w);
            let style = if focused { theme.focus() } else { Style::new() };
            frame.render_widget(Paragraph::new(Span::styled(text, style)), area);
            return None;
        }
    };
    frame.render_widget(Paragraph::new(Span::styled(text, style)), area);
    focused.then(|| {
        let x = u16::try_from(cursor).unwrap_or(u16::MAX);
        Position::new(area.x + x.min(area.width - 1), area.y)
    })
}

/// The visible part of a one-line input `w` columns wide, padded, and the cursor's column
/// in it. One column stays free at the right for the cursor after the last character.
fn shown(input: &Input, w: usize) -> (String, usize) {
    let room = w.saturating_sub(1).max(1);
    let scroll = input.visual_scroll(room);
    let text = pad(&window(input.value(), scroll, room), w);
    (text, input.visual_cursor().saturating_sub(scroll))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::widgets::form::tests::{F, form};

    #[test]
    fn height_grows_with_wrapped_errors() {
        let mut f = form();
        let plain = f.height(60);
        assert_eq!(plain, 4 + 2, "four fields, a gap and the keys line");
        f.set_errors(vec![
            (F::Name, "Short.".into()),
            (F::Email, "word ".repeat(20)),
        ]);
        let with_errors = f.height(60);
        assert!(with_errors >= plain + 3, "{with_errors}");
        // A one-row form-level sentence and the gap after it.
        f.set_form_error("Could not save: the server did not answer.");
        assert_eq!(f.height(60), with_errors + 2);
    }

    #[test]
    fn a_long_choice_shows_its_position() {
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;
        let options: Vec<String> = (1..=12).map(|i| format!("Option {i}")).collect();
        let f = Form::new("t").choice(F::Method, "Pick", options, 2, "");
        let mut term = Terminal::new(TestBackend::new(60, 6)).expect("terminal");
        term.draw(|frame| f.render(frame, frame.area(), &Theme { color: false }))
            .expect("draw");
        let row: String = (0..60)
            .map(|x| term.backend().buffer()[(x, 0)].symbol().to_string())
            .collect();
        assert!(row.contains("◀ Option 3 ▶ 3/12"), "{row}");
    }

    #[test]
    fn the_visible_part_of_a_field_follows_the_cursor_by_width() {
        let input = Input::new("山田太郎花子".into());
        let (text, cursor) = shown(&input, 7);
        assert_eq!(width(&text), 7);
        assert!(text.contains("花子"), "{text:?}");
        assert!(cursor <= 6);
        let (text, cursor) = shown(&Input::new("Zoë".into()), 10);
        assert_eq!((text.as_str(), cursor), ("Zoë       ", 3));
    }
}
