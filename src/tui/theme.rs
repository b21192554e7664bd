//! Styles. Focus and selection always use reverse/bold, so the app reads the same
//! without colour (`NO_COLOR`) as with it.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to anything non-empty (no-color.org).
    pub fn from_env() -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme { color: !no_color }
    }

    fn tint(&self, style: Style, color: Color) -> Style {
        if self.color { style.fg(color) } else { style }
    }

    pub fn title(&self) -> Style {
        self.tint(Style::new().add_modifier(Modifier::BOLD), Color::Cyan)
    }

    pub fn focus(&self) -> Style {
        let s = Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD);
        if self.color {
            s.fg(Color::LightCyan)
        } else {
            s
        }
    }

    pub fn field(&self) -> Style {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }

    pub fn error(&self) -> Style {
        self.tint(Style::new().add_modifier(Modifier::BOLD), Color::LightRed)
    }

    pub fn info(&self) -> Style {
        self.tint(Style::new(), Color::LightGreen)
    }

    pub fn key(&self) -> Style {
        self.tint(Style::new().add_modifier(Modifier::BOLD), Color::Yellow)
    }

    pub fn dim(&self) -> Style {
        self.tint(Style::new().add_modifier(Modifier::DIM), Color::Gray)
    }

    pub fn border(&self) -> Style {
        self.tint(Style::new(), Color::DarkGray)
    }
}
