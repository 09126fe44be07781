//! One theme for every pane, in a dark and a light palette, and its
//! `NO_COLOR` twin. Nothing depends on colour alone: changes also carry
//! `+ ~ -`, met conditions `✓`/`✗`, code its backticks; nothing needed to
//! read the screen is dim, yellow or cyan without bold.

use ratatui::style::{Color, Modifier, Style};

use crate::runner::ChangeKind;

/// The styles the panes use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub text: Style,
    pub dim: Style,
    pub title: Style,
    pub border: Style,
    pub border_focus: Style,
    pub heading: Style,
    pub code: Style,
    pub prompt: Style,
    pub error: Style,
    pub ok: Style,
    pub missing: Style,
    pub added: Style,
    pub changed: Style,
    pub removed: Style,
    pub key: Style,
    pub selected: Style,
}

impl Theme {
    /// The colour theme for a dark background.
    pub fn color() -> Self {
        let bold = Modifier::BOLD;
        Self {
            color: true,
            text: Style::new(),
            dim: Style::new().fg(Color::Gray),
            title: Style::new().add_modifier(bold),
            border: Style::new().fg(Color::DarkGray),
            border_focus: Style::new().fg(Color::Cyan).add_modifier(bold),
            heading: Style::new().fg(Color::Cyan).add_modifier(bold),
            code: Style::new().fg(Color::Yellow).add_modifier(bold),
            prompt: Style::new().fg(Color::Cyan).add_modifier(bold),
            error: Style::new().fg(Color::Red),
            ok: Style::new().fg(Color::Green).add_modifier(bold),
            missing: Style::new().fg(Color::Red),
            added: Style::new().fg(Color::Green).add_modifier(bold),
            changed: Style::new().fg(Color::Yellow).add_modifier(bold),
            removed: Style::new()
                .fg(Color::Red)
                .add_modifier(Modifier::CROSSED_OUT),
            key: Style::new().fg(Color::Black).bg(Color::Cyan),
            selected: Style::new().add_modifier(Modifier::REVERSED),
        }
    }

    /// The colour theme for a light background: no yellow or cyan, the
    /// terminal's own foreground for secondary text.
    pub fn light() -> Self {
        let bold = Modifier::BOLD;
        Self {
            color: true,
            text: Style::new(),
            dim: Style::new(),
            title: Style::new().add_modifier(bold),
            border: Style::new(),
            border_focus: Style::new().fg(Color::Blue).add_modifier(bold),
            heading: Style::new().fg(Color::Blue).add_modifier(bold),
            code: Style::new().fg(Color::Magenta).add_modifier(bold),
            prompt: Style::new().fg(Color::Blue).add_modifier(bold),
            error: Style::new().fg(Color::Red).add_modifier(bold),
            ok: Style::new().fg(Color::Green).add_modifier(bold),
            missing: Style::new().fg(Color::Red),
            added: Style::new().fg(Color::Green).add_modifier(bold),
            changed: Style::new().fg(Color::Magenta).add_modifier(bold),
            removed: Style::new()
                .fg(Color::Red)
                .add_modifier(Modifier::CROSSED_OUT),
            key: Style::new().fg(Color::White).bg(Color::Blue),
            selected: Style::new().add_modifier(Modifier::REVERSED),
        }
    }

    /// No colour at all (`NO_COLOR`): emphasis by bold, underline and reverse.
    pub fn mono() -> Self {
        let plain = Style::new();
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Self {
            color: false,
            text: plain,
            dim: plain,
            title: bold,
            border: plain,
            border_focus: bold,
            heading: bold.add_modifier(Modifier::UNDERLINED),
            code: plain,
            prompt: bold,
            error: bold,
            ok: bold,
            missing: plain,
            added: bold,
            changed: bold,
            removed: Style::new().add_modifier(Modifier::CROSSED_OUT),
            key: Style::new().add_modifier(Modifier::REVERSED),
            selected: Style::new().add_modifier(Modifier::REVERSED),
        }
    }

    /// `NO_COLOR` set to anything non-empty means no colour; otherwise the
    /// theme asked for (`--theme`, then `SESSIONLAB_THEME`: `light`, `dark`
    /// or `mono`), or the one that suits the background the terminal reports:
    /// in `COLORFGBG`, else in its answer to a colour query (dark when it
    /// says nothing). Call it before the terminal is in raw mode.
    pub fn from_env(asked: Option<&str>) -> Self {
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            return Self::mono();
        }
        let env = std::env::var("SESSIONLAB_THEME").ok();
        if let Some(theme) = asked.or(env.as_deref()).and_then(|n| Self::named(n.trim())) {
            return theme;
        }
        let light = match std::env::var("COLORFGBG") {
            Ok(v) => light_background(&v),
            Err(_) => asks_light_background(),
        };
        if light { Self::light() } else { Self::color() }
    }

    /// The theme by name, for `--theme`.
    pub fn named(name: &str) -> Option<Self> {
        match name {
            "light" => Some(Self::light()),
            "dark" => Some(Self::color()),
            "mono" => Some(Self::mono()),
            _ => None,
        }
    }

    /// The style of a changed row.
    pub fn change(&self, kind: ChangeKind) -> Style {
        match kind {
            ChangeKind::Added => self.added,
            ChangeKind::Changed => self.changed,
            ChangeKind::Removed => self.removed,
        }
    }
}

/// Whether the terminal answers its colour query (OSC 10/11) with a light
/// background. A terminal that does not support the query answers the
/// device-attributes query sent with it, so the wait is one round trip;
/// one that answers nothing is given a quarter of a second.
fn asks_light_background() -> bool {
    let mut options = terminal_colorsaurus::QueryOptions::default();
    options.timeout = std::time::Duration::from_millis(250);
    matches!(
        terminal_colorsaurus::theme_mode(options),
        Ok(terminal_colorsaurus::ThemeMode::Light)
    )
}

/// Whether `COLORFGBG` (`fg;bg`, as rxvt, Konsole and others set it) names a
/// light background: ANSI 7 (light grey) or 9 to 15.
fn light_background(colorfgbg: &str) -> bool {
    colorfgbg
        .rsplit(';')
        .next()
        .and_then(|bg| bg.parse::<u8>().ok())
        .is_some_and(|bg| bg == 7 || (9..=15).contains(&bg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colorfgbg_names_light_and_dark_backgrounds() {
        assert!(light_background("0;15"));
        assert!(light_background("0;default;7"));
        assert!(!light_background("15;0"));
        assert!(!light_background("garbage"));
    }

    #[test]
    fn no_needed_style_is_yellow_or_cyan_without_bold() {
        for theme in [Theme::color(), Theme::light()] {
            for style in [
                theme.code,
                theme.heading,
                theme.prompt,
                theme.changed,
                theme.dim,
            ] {
                if matches!(
                    style.fg,
                    Some(Color::Yellow | Color::Cyan | Color::DarkGray)
                ) {
                    assert!(style.add_modifier.contains(Modifier::BOLD), "{style:?}");
                }
            }
        }
    }
}
