//! The panes: read-only widgets over borrowed state. Each marks what the last
//! command added, changed or removed with `+ ~ -` as well as colour.

use std::cell::Cell;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Widget, Wrap};

use super::theme::Theme;
use crate::runner::{Change, ChangeKind, Snapshot, Step};
use crate::sim::dates::civil;

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

/// What every pane is drawn with: the theme, whether it has the focus, and
/// the learner's scroll.
#[derive(Clone, Copy)]
pub struct Framing<'a> {
    pub theme: &'a Theme,
    pub focused: bool,
    /// Rows scrolled from the anchor, biased by [`FOLLOW`].
    pub scroll: u16,
    /// Where the learner's scrolling still moves the pane: set when drawn.
    pub reach: &'a Cell<Reach>,
}

impl<'a> Framing<'a> {
    /// The frame of a pane titled `title` that follows `anchor`.
    fn frame(self, title: &'a str, wrap: bool, anchor: Option<(usize, usize)>) -> Frame<'a> {
        Frame {
            title,
            framing: self,
            wrap,
            anchor,
        }
    }
}

/// How a pane is framed: its title, focus and scroll.
struct Frame<'a> {
    title: &'a str,
    framing: Framing<'a>,
    wrap: bool,
    /// The lines `[start, end)` the pane follows: shown without scrolling,
    /// with as much as fits above them.
    anchor: Option<(usize, usize)>,
}

/// A pane's scroll when it follows its anchor (what changed, the current
/// step); scrolling moves from there.
pub const FOLLOW: u16 = 1 << 15;

/// The lowest and the highest scroll that show a different part of a pane
/// (as drawn last), so that scrolling past the end does not pile up.
pub type Reach = Option<(u16, u16)>;

/// Part of a pane's content: a line, or lines made only when they are
/// shown (a session in a long store), whose widths are known beforehand.
pub(super) enum Part<'a> {
    Line(Line<'a>),
    Lazy {
        /// The display width of each line it makes.
        widths: Vec<usize>,
        /// Whether its first line carries a change marker.
        changed: bool,
        make: Box<dyn FnOnce() -> Vec<Line<'a>> + 'a>,
    },
}

impl<'a> From<Line<'a>> for Part<'a> {
    fn from(line: Line<'a>) -> Self {
        Part::Line(line)
    }
}

impl Part<'_> {
    /// How many lines it holds.
    fn len(&self) -> usize {
        match self {
            Part::Line(_) => 1,
            Part::Lazy { widths, .. } => widths.len(),
        }
    }
}

/// The display width of `text`.
fn width(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        unicode_width::UnicodeWidthStr::width(text)
    }
}

/// Whether `line` starts with a change marker (`+`, `~` or `-`).
fn marked(line: &Line<'_>) -> bool {
    line.spans
        .first()
        .is_some_and(|s| matches!(s.content.as_ref(), "+ " | "~ " | "- "))
}

/// The first changed row (`+`, `~` or `-` marker) of `lines`, as an anchor.
fn first_change(lines: &[Line<'_>]) -> Option<(usize, usize)> {
    lines.iter().position(marked).map(|i| (i, i + 1))
}

/// [`first_change`] over parts (in lines); a changed part is followed whole.
fn first_changed_part(parts: &[Part<'_>]) -> Option<(usize, usize)> {
    let mut at = 0;
    for part in parts {
        match part {
            Part::Line(line) if marked(line) => return Some((at, at + 1)),
            // A changed row is followed whole (a session's data and expiry).
            Part::Lazy { changed: true, .. } => return Some((at, at + part.len())),
            _ => at += part.len(),
        }
    }
    None
}

/// Draw `lines` in a pane block, scrolled (clamped to the content): the
/// anchor in view with as much above it as fits, moved by the learner's
/// scrolling.
fn draw(lines: Vec<Line<'_>>, f: Frame<'_>, area: Rect, buf: &mut Buffer) {
    draw_parts(lines.into_iter().map(Part::Line).collect(), f, area, buf);
}

/// [`draw`] over parts: only the lines in view (and a screenful below) are
/// made and laid out; lines above and below are counted by their width, so
/// a pane deep in a long store costs what it shows.
fn draw_parts(parts: Vec<Part<'_>>, f: Frame<'_>, area: Rect, buf: &mut Buffer) {
    let Frame {
        title,
        framing:
            Framing {
                theme,
                focused,
                scroll,
                reach,
            },
        wrap,
        anchor,
    } = f;
    let mut block = block(title, focused, theme);
    let inner = block.inner(area);
    let width = usize::from(inner.width.max(1));
    let height = usize::from(inner.height.max(1));
    let rows_of = |w: usize| if wrap { w.div_ceil(width).max(1) } else { 1 };
    let rows: Vec<usize> = parts
        .iter()
        .flat_map(|part| match part {
            Part::Line(line) => vec![rows_of(line.width())],
            Part::Lazy { widths, .. } => widths.iter().map(|&w| rows_of(w)).collect(),
        })
        .collect();
    let rows_before = |n: usize| rows[..n.min(rows.len())].iter().sum::<usize>();
    let top = anchor.map_or(0, |(start, end)| {
        rows_before(end)
            .saturating_sub(height)
            .min(rows_before(start))
    });
    let last_top = rows_before(rows.len()).saturating_sub(height);
    let wanted =
        ((top as i64 + i64::from(scroll) - i64::from(FOLLOW)).max(0) as usize).min(last_top);
    // Whole lines above the row wanted are skipped without making them.
    let (mut skip, mut skipped) = (0, 0);
    while skip < rows.len() && skipped + rows[skip] <= wanted {
        skipped += rows[skip];
        skip += 1;
    }
    // Lines from there to a screenful past the view are made.
    let (mut take, mut taken) = (0, 0);
    while skip + take < rows.len() && taken < wanted - skipped + 2 * height {
        taken += rows[skip + take];
        take += 1;
    }
    let to_end = skip + take == rows.len();
    let mut shown = Vec::with_capacity(take);
    let mut at = 0;
    for part in parts {
        let len = part.len();
        if at + len > skip && at < skip + take {
            let lines = match part {
                Part::Line(line) => vec![line],
                Part::Lazy { make, .. } => make(),
            };
            let from = skip.saturating_sub(at);
            shown.extend(lines.into_iter().skip(from).take(skip + take - at - from));
        }
        at += len;
        if at >= skip + take {
            break;
        }
    }
    let mut paragraph = Paragraph::new(shown);
    if wrap {
        paragraph = paragraph.wrap(Wrap { trim: false });
    }
    let rest = paragraph.line_count(inner.width.max(1));
    let max = if to_end {
        (skipped + rest).saturating_sub(height)
    } else {
        usize::MAX
    };
    let scroll = wanted.min(max);
    let last = if to_end { max.min(last_top) } else { last_top };
    let at =
        |row: usize| u16::try_from(row as i64 - top as i64 + i64::from(FOLLOW)).unwrap_or(u16::MAX);
    reach.set(Some((at(0), at(last.max(scroll)))));
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
