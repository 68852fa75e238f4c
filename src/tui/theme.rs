//! Colours and emphasis. `NO_COLOR` turns colour off (the selection stays visible as reverse
//! video); terminals without truecolor get the 256-colour palette.

use ratatui::style::{Color, Modifier, Style};

/// The styles the views draw with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    pub color: bool,
    pub truecolor: bool,
}

impl Theme {
    /// Reads `NO_COLOR` and `COLORTERM` from the environment.
    pub fn from_env() -> Theme {
        let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let truecolor = std::env::var("COLORTERM")
            .is_ok_and(|v| v.contains("truecolor") || v.contains("24bit"));
        Theme { color, truecolor }
    }

    /// No colour at all (tests, `NO_COLOR`).
    pub fn plain() -> Theme {
        Theme {
            color: false,
            truecolor: false,
        }
    }

    fn pick(&self, rgb: (u8, u8, u8), indexed: u8) -> Option<Color> {
        match (self.color, self.truecolor) {
            (false, _) => None,
            (true, true) => Some(Color::Rgb(rgb.0, rgb.1, rgb.2)),
            (true, false) => Some(Color::Indexed(indexed)),
        }
    }

    fn fg(&self, rgb: (u8, u8, u8), indexed: u8) -> Style {
        self.pick(rgb, indexed)
            .map_or(Style::default(), |c| Style::default().fg(c))
    }

    pub fn title(&self) -> Style {
        self.fg((120, 180, 255), 75).add_modifier(Modifier::BOLD)
    }
    pub fn header(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }
    /// The selected row: reverse video, which stays visible without colour.
    pub fn selected(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }
    pub fn dim(&self) -> Style {
        self.fg((140, 140, 140), 245)
    }
    pub fn bad(&self) -> Style {
        self.fg((235, 100, 90), 203)
    }
    pub fn good(&self) -> Style {
        self.fg((110, 200, 120), 114)
    }
    pub fn accent(&self) -> Style {
        self.fg((240, 200, 90), 221)
    }
    pub fn key(&self) -> Style {
        self.accent().add_modifier(Modifier::BOLD)
    }
}
