//! One theme for every pane, and its `NO_COLOR` twin. Nothing depends on
//! colour alone: changes also carry `+ ~ -`, met conditions `✓`/`✗`.

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
    /// The colour theme.
    pub fn color() -> Self {
        let bold = Modifier::BOLD;
        Self {
            color: true,
            text: Style::new(),
            dim: Style::new().fg(Color::DarkGray),
            title: Style::new().add_modifier(bold),
            border: Style::new().fg(Color::DarkGray),
            border_focus: Style::new().fg(Color::Cyan).add_modifier(bold),
            heading: Style::new().fg(Color::Cyan).add_modifier(bold),
            code: Style::new().fg(Color::Yellow),
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

    /// `NO_COLOR` set to anything non-empty means no colour.
    pub fn from_env() -> Self {
        match std::env::var_os("NO_COLOR") {
            Some(v) if !v.is_empty() => Self::mono(),
            _ => Self::color(),
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
