//! Small reusable drawing pieces.

pub mod confirm;
pub mod editor;
pub mod form;
pub mod help_overlay;
pub mod picker;
pub mod refusal;
pub mod status_bar;
pub mod table;
pub mod text;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Clear, Paragraph};
use tui_input::Input;

use super::theme::Theme;

/// A `width` x `height` rectangle centred in `area` (clipped to it).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Makes room for a popup of `width` x `height` centred over `area` (clipped to it) and
/// returns where it goes. The popup's cells are cleared, and so is a one-cell ring around
/// it (inside `area`): a border underneath then never touches the popup's border, so
/// no corner is drawn beside another ("└└", "┐┐") and no edge doubles ("││").
pub fn popup(frame: &mut Frame, area: Rect, width: u16, height: u16) -> Rect {
    let rect = centered(area, width, height);
    let ring = Rect {
        x: rect.x.saturating_sub(1),
        y: rect.y.saturating_sub(1),
        width: rect.width.saturating_add(2),
        height: rect.height.saturating_add(2),
    }
    .intersection(area);
    frame.render_widget(Clear, ring);
    rect
}

/// Draws a one-line text field; `mask` hides what was typed (passwords). Returns where
/// the cursor goes when the field has focus.
pub fn text_field(
    frame: &mut Frame,
    area: Rect,
    input: &Input,
    mask: Option<char>,
    focused: bool,
    theme: &Theme,
) -> Option<Position> {
    if area.width == 0 {
        return None;
    }
    let width = usize::from(area.width.saturating_sub(1)).max(1);
    let scroll = input.visual_scroll(width);
    let shown: String = match mask {
        Some(m) => std::iter::repeat_n(m, input.value().chars().count()).collect(),
        None => input.value().to_string(),
    };
    let visible: String = shown.chars().skip(scroll).take(width).collect();
    let padded = format!("{visible:<width$}");
    let style = if focused {
        theme.field().add_modifier(ratatui::style::Modifier::BOLD)
    } else {
        theme.field()
    };
    frame.render_widget(Paragraph::new(Span::styled(padded, style)), area);
    focused.then(|| {
        let offset = input.visual_cursor().saturating_sub(scroll);
        Position::new(
            area.x
                + u16::try_from(offset)
                    .unwrap_or(u16::MAX)
                    .min(area.width.saturating_sub(1)),
            area.y,
        )
    })
}
