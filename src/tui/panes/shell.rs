//! The Shell pane: the output and the prompt.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::block;
use crate::runner::{Outcome, Step};
use crate::tui::theme::Theme;

/// One line of the shell's output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    Input(String),
    Value(String),
    Error {
        message: String,
        col: Option<usize>,
    },
    /// The app's own words (a goal met, a file moved aside).
    Note(String),
    /// A tutor's line under an error: what the beginner probably meant.
    Tutor(String),
    /// What the view printed (it also shows in the server's console).
    Printed(String),
}

impl Output {
    /// The output lines of one step.
    pub fn of(step: &Step) -> Vec<Output> {
        let mut out = vec![Output::Input(step.input.clone())];
        out.extend(step.printed.iter().map(|p| Output::Printed(p.clone())));
        match &step.outcome {
            Outcome::Ok => {}
            Outcome::Value(v) => out.push(Output::Value(v.clone())),
            Outcome::Error { message, col } => out.push(Output::Error {
                message: message.clone(),
                col: *col,
            }),
            Outcome::Text(text) => out.extend(text.lines().map(|l| Output::Note(l.to_string()))),
        }
        out
    }
}

/// The shell pane: the output above, the prompt on its last line.
pub struct ShellPane<'a> {
    pub output: &'a [Output],
    pub prompt: &'a str,
    /// The cursor, in characters.
    pub cursor: usize,
    pub focused: bool,
    /// Lines scrolled back from the bottom.
    pub scroll: u16,
    pub theme: &'a Theme,
    pub title: &'a str,
}

impl ShellPane<'_> {
    /// The last lines, wrapped to `width`: at least `need` of them when the
    /// output has that many (only the tail is laid out, however long the
    /// session has been).
    fn tail(&self, width: usize, need: usize) -> Vec<Line<'static>> {
        let mut tail = Vec::new();
        for o in self.output.iter().rev() {
            let mut lines = wrap(self.entry(o), width);
            lines.reverse();
            tail.extend(lines);
            if tail.len() >= need {
                break;
            }
        }
        tail.reverse();
        tail
    }

    fn entry(&self, o: &Output) -> Vec<Line<'static>> {
        let t = self.theme;
        let mut lines = Vec::new();
        {
            match o {
                Output::Input(text) => lines.push(Line::from(vec![
                    Span::styled(">>> ", t.prompt),
                    Span::raw(text.clone()),
                ])),
                Output::Value(v) => lines.extend(v.lines().map(|l| Line::raw(l.to_string()))),
                Output::Error { message, col } => {
                    if let Some(col) = col {
                        lines.push(Line::styled(
                            format!("    {}^", " ".repeat(col.saturating_sub(1))),
                            t.error,
                        ));
                    }
                    lines.extend(
                        message
                            .lines()
                            .map(|l| Line::styled(l.to_string(), t.error)),
                    );
                }
                Output::Note(text) => lines.push(Line::styled(format!("# {text}"), t.dim)),
                Output::Tutor(text) => lines.push(Line::from(vec![
                    Span::styled("# hint: ", t.title),
                    Span::styled(text.clone(), t.dim),
                ])),
                Output::Printed(text) => lines.push(Line::from(vec![
                    Span::styled("[console] ", t.title),
                    Span::raw(text.clone()),
                ])),
            }
        }
        lines
    }
}

impl Widget for &ShellPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let block = block(self.title, self.focused, self.theme);
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.height == 0 {
            return;
        }
        let out_h = inner.height - 1;
        let lines = self.tail(
            usize::from(inner.width),
            usize::from(out_h) + usize::from(self.scroll),
        );
        let total = lines.len() as u16;
        let back = self.scroll.min(total.saturating_sub(out_h));
        let top = total.saturating_sub(out_h).saturating_sub(back);
        let shown: Vec<Line> = lines
            .into_iter()
            .skip(usize::from(top))
            .take(usize::from(out_h))
            .collect();
        // The output sits right above the prompt, as in a terminal.
        let rows = u16::try_from(shown.len()).unwrap_or(out_h).min(out_h);
        Paragraph::new(shown).render(
            Rect {
                y: inner.y + out_h - rows,
                height: rows,
                ..inner
            },
            buf,
        );
        self.render_prompt(area, buf);
    }
}

impl ShellPane<'_> {
    /// Draw only the prompt line of a shell pane that fills `area` (typing
    /// changes nothing else, so the rest can come from the pane cache).
    pub fn render_prompt(&self, area: Rect, buf: &mut Buffer) {
        let inner = block(self.title, self.focused, self.theme).inner(area);
        if inner.height == 0 {
            return;
        }
        let prompt_area = Rect {
            y: inner.bottom() - 1,
            height: 1,
            ..inner
        };
        let (start, _) = prompt_window(self.prompt, self.cursor, prompt_area.width);
        let visible: String = self.prompt.chars().skip(start).collect();
        Paragraph::new(Line::from(vec![
            Span::styled(">>> ", self.theme.prompt),
            Span::raw(visible),
        ]))
        .render(prompt_area, buf);
    }
}

/// Break lines wider than `width` columns into several, at a space when
/// the line has one (wide characters count twice).
fn wrap(lines: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    use unicode_width::UnicodeWidthChar as _;
    let width = width.max(1);
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        if line.width() <= width {
            out.push(line);
            continue;
        }
        let cells: Vec<(char, Style)> = line
            .spans
            .iter()
            .flat_map(|span| span.content.chars().map(move |c| (c, span.style)))
            .collect();
        let mut begin = 0;
        while begin < cells.len() {
            let mut used = 0;
            let mut end = begin;
            let mut space = None;
            while end < cells.len() {
                let w = cells[end].0.width().unwrap_or(0);
                if used + w > width {
                    break;
                }
                if cells[end].0 == ' ' {
                    space = Some(end);
                }
                used += w;
                end += 1;
            }
            if end == begin {
                end += 1; // a character wider than the pane
            } else if end < cells.len()
                && let Some(at) = space.filter(|at| *at > begin)
            {
                end = at + 1;
            }
            let mut spans: Vec<Span<'static>> = Vec::new();
            for &(c, style) in &cells[begin..end] {
                match spans.last_mut() {
                    Some(last) if last.style == style => last.content.to_mut().push(c),
                    _ => spans.push(Span::styled(c.to_string(), style)),
                }
            }
            out.push(Line::from(spans));
            begin = end;
        }
    }
    out
}

/// The first character shown and the cursor column, so the cursor stays
/// visible in a prompt `width` wide. Columns count display width: `日` takes two.
pub fn prompt_window(text: &str, cursor: usize, width: u16) -> (usize, u16) {
    use unicode_width::UnicodeWidthChar as _;
    let room = usize::from(width.saturating_sub(5)).max(1);
    let widths: Vec<usize> = text
        .chars()
        .take(cursor)
        .map(|c| c.width().unwrap_or(0))
        .collect();
    // Drop characters from the left until the ones before the cursor fit.
    let mut start = 0;
    let mut used: usize = widths.iter().sum();
    while used > room && start < widths.len() {
        used -= widths[start];
        start += 1;
    }
    (start, 4 + u16::try_from(used).unwrap_or(u16::MAX))
}

#[cfg(test)]
mod tests {
    use super::prompt_window;

    #[test]
    fn the_cursor_column_counts_wide_characters_twice() {
        assert_eq!(prompt_window("'日本語'", 5, 80), (0, 4 + 8));
        assert_eq!(prompt_window("abc", 3, 80), (0, 7));
        // Scrolled: the cursor stays inside the prompt.
        let (start, col) = prompt_window(&"日".repeat(100), 100, 40);
        assert!(start > 0 && col < 40, "{start} {col}");
    }
}
