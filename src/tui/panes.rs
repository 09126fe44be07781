//! The panes: read-only widgets over borrowed state. Each marks what the last
//! command added, changed or removed with `+ ~ -` as well as colour.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Widget, Wrap};

use super::theme::Theme;
use crate::runner::{Change, ChangeKind, Snapshot, Step};
use crate::sim::value::civil;

/// The block around a pane.
pub fn block<'a>(title: &'a str, focused: bool, theme: &Theme) -> Block<'a> {
    let (style, kind) = if focused {
        (theme.border_focus, BorderType::Thick)
    } else {
        (theme.border, BorderType::Plain)
    };
    let title = if focused {
        format!("▶ {title} ")
    } else {
        format!(" {title} ")
    };
    Block::new()
        .borders(Borders::ALL)
        .border_type(kind)
        .border_style(style)
        .title(Span::styled(title, theme.title))
}

/// How a pane is framed: its title, focus and scroll.
struct Frame<'a> {
    title: &'a str,
    focused: bool,
    /// Rows scrolled from the anchor, biased by [`FOLLOW`].
    scroll: u16,
    wrap: bool,
    theme: &'a Theme,
    /// The lines `[start, end)` the pane follows: shown without scrolling,
    /// with as much as fits above them.
    anchor: Option<(usize, usize)>,
}

/// A pane's scroll when it follows its anchor (what changed, the current
/// step); scrolling moves from there.
pub const FOLLOW: u16 = 1 << 15;

/// The first changed row (`+`, `~` or `-` marker) of `lines`, as an anchor.
fn first_change(lines: &[Line<'_>]) -> Option<(usize, usize)> {
    lines
        .iter()
        .position(|l| {
            l.spans
                .first()
                .is_some_and(|s| matches!(s.content.as_ref(), "+ " | "~ " | "- "))
        })
        .map(|i| (i, i + 1))
}

/// Draw `lines` in a pane block, scrolled (clamped to the content): the
/// anchor in view with as much above it as fits, moved by the learner's
/// scrolling. Lines above the first row shown are counted by their width,
/// not laid out, so a pane deep in a long store costs what it shows.
fn draw(lines: Vec<Line<'_>>, f: Frame<'_>, area: Rect, buf: &mut Buffer) {
    let Frame {
        title,
        focused,
        scroll,
        wrap,
        theme,
        anchor,
    } = f;
    let mut block = block(title, focused, theme);
    let inner = block.inner(area);
    let width = usize::from(inner.width.max(1));
    let height = usize::from(inner.height.max(1));
    let rows = |l: &Line<'_>| {
        if wrap {
            l.width().div_ceil(width).max(1)
        } else {
            1
        }
    };
    let rows_before = |n: usize| lines[..n.min(lines.len())].iter().map(rows).sum::<usize>();
    let top = anchor.map_or(0, |(start, end)| {
        rows_before(end)
            .saturating_sub(height)
            .min(rows_before(start))
    });
    let last_top = rows_before(lines.len()).saturating_sub(height);
    let wanted =
        ((top as i64 + i64::from(scroll) - i64::from(FOLLOW)).max(0) as usize).min(last_top);
    // Whole lines above the row wanted are skipped without laying them out.
    let (mut skip, mut skipped) = (0, 0);
    while skip < lines.len() && skipped + rows(&lines[skip]) <= wanted {
        skipped += rows(&lines[skip]);
        skip += 1;
    }
    let mut paragraph = Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>());
    if wrap {
        paragraph = paragraph.wrap(Wrap { trim: false });
    }
    let rest = paragraph.line_count(inner.width.max(1));
    let max = (skipped + rest).saturating_sub(height);
    let scroll = wanted.min(max);
    if scroll < max {
        block = block.title_bottom(Line::styled(" ↓ more ", theme.title).right_aligned());
    }
    if scroll > 0 {
        block = block.title_bottom(Line::styled(" ↑ ", theme.title).right_aligned());
    }
    let within = u16::try_from(scroll.saturating_sub(skipped)).unwrap_or(u16::MAX);
    paragraph.block(block).scroll((within, 0)).render(area, buf);
}

fn find(changes: &[Change], name: &str) -> Option<ChangeKind> {
    changes.iter().find(|c| c.name == name).map(|c| c.kind)
}

/// `+ `, `~ `, `- ` or two spaces, styled.
fn marker(kind: Option<ChangeKind>, theme: &Theme) -> Span<'static> {
    match kind {
        Some(k) => Span::styled(format!("{} ", k.symbol()), theme.change(k)),
        None => Span::raw("  "),
    }
}

fn row_style(kind: Option<ChangeKind>, theme: &Theme) -> Style {
    kind.map_or(theme.text, |k| theme.change(k))
}

/// Seconds since the epoch as `2026-01-15 00:00:00`.
pub fn iso(t: i64) -> String {
    let c = civil(t);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        format!("{text:width$}")
    } else if width == 0 {
        String::new()
    } else {
        let mut s: String = text.chars().take(width - 1).collect();
        s.push('…');
        s
    }
}

/// The changes the last command made (none before the first).
pub struct Changes<'a> {
    pub last: Option<&'a Step>,
    /// The snapshot before the last command (for removed rows).
    pub before: &'a Snapshot,
}

impl Changes<'_> {
    fn jar(&self) -> &[Change] {
        self.last.map_or(&[], |s| &s.jar_changes)
    }

    fn store(&self) -> &[Change] {
        self.last.map_or(&[], |s| &s.store_changes)
    }
}

mod browser;
mod http;
mod lesson;
mod server;
mod shell;

pub use browser::BrowserPane;
pub use http::HttpPane;
pub use lesson::{LessonLines, LessonPane, condition_lines, lesson_lines};
pub use server::ServerPane;
pub use shell::{Output, ShellPane, prompt_window};
