//! Lesson Markdown as styled lines: headings, emphasis, inline code, code
//! blocks, lists and tables (a row a line, cells split by `│`). Wrapping is left to the paragraph that shows them.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::theme::Theme;

/// The deepest list indent drawn (in steps of two columns).
const MAX_INDENT: usize = 8;

/// `markdown` as lines styled with `theme`.
pub fn render(markdown: &str, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut current: Vec<Span<'static>> = Vec::new();
    let mut styles: Vec<Style> = vec![theme.text];
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut in_code_block = false;
    let flush = |current: &mut Vec<Span<'static>>, lines: &mut Vec<Line<'static>>| {
        if !current.is_empty() {
            lines.push(Line::from(std::mem::take(current)));
        }
    };
    let blank = |lines: &mut Vec<Line<'static>>| {
        if lines.last().is_some_and(|l| !l.spans.is_empty()) {
            lines.push(Line::default());
        }
    };
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        let style = *styles.last().unwrap_or(&theme.text);
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                flush(&mut current, &mut lines);
                blank(&mut lines);
                let mut heading = theme.heading;
                if level == HeadingLevel::H1 {
                    heading = heading.add_modifier(Modifier::UNDERLINED);
                }
                styles.push(heading);
            }
            Event::End(TagEnd::Heading(_)) => {
                styles.pop();
                flush(&mut current, &mut lines);
            }
            Event::Start(Tag::Paragraph) if lists.is_empty() => {
                flush(&mut current, &mut lines);
                blank(&mut lines);
            }
            Event::End(TagEnd::Paragraph) => flush(&mut current, &mut lines),
            Event::Start(Tag::Emphasis) => styles.push(style.add_modifier(Modifier::ITALIC)),
            Event::Start(Tag::Strong) => styles.push(style.add_modifier(Modifier::BOLD)),
            Event::End(TagEnd::Emphasis | TagEnd::Strong) => {
                styles.pop();
            }
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut current, &mut lines);
                blank(&mut lines);
                in_code_block = true;
            }
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Start(Tag::List(start)) => {
                flush(&mut current, &mut lines);
                if lists.is_empty() {
                    blank(&mut lines);
                }
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                flush(&mut current, &mut lines);
                // Capped, so that deep nesting cannot cost quadratic space.
                let indent = "  ".repeat(lists.len().saturating_sub(1).min(MAX_INDENT));
                let bullet = match lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{indent}{}. ", *n - 1)
                    }
                    _ => format!("{indent}• "),
                };
                current.push(Span::styled(bullet, theme.text));
            }
            Event::End(TagEnd::Item) => flush(&mut current, &mut lines),
            Event::Text(text) if in_code_block => {
                for line in text.lines() {
                    lines.push(Line::from(Span::styled(format!("    {line}"), theme.code)));
                }
            }
            Event::Text(text) => current.push(Span::styled(text.into_string(), style)),
            Event::Code(code) => {
                // The backticks stay: colour alone would be the only mark.
                let code = format!("`{code}`");
                current.push(Span::styled(code, theme.code));
            }
            Event::SoftBreak => current.push(Span::styled(" ", style)),
            Event::HardBreak => flush(&mut current, &mut lines),
            Event::Start(Tag::Table(_)) => {
                flush(&mut current, &mut lines);
                blank(&mut lines);
            }
            Event::Start(Tag::TableHead) => styles.push(theme.heading),
            Event::End(TagEnd::TableHead) => {
                styles.pop();
                flush(&mut current, &mut lines);
                lines.push(Line::styled("────────", theme.dim));
            }
            Event::Start(Tag::TableCell) if !current.is_empty() => {
                current.push(Span::styled(" │ ", theme.dim));
            }
            Event::End(TagEnd::TableRow) => flush(&mut current, &mut lines),
            Event::Rule => {
                flush(&mut current, &mut lines);
                lines.push(Line::styled("────────", theme.dim));
            }
            _ => {}
        }
    }
    flush(&mut current, &mut lines);
    while lines.first().is_some_and(|l| l.spans.is_empty()) {
        lines.remove(0);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_rows_of_cells() {
        let lines = render(
            "| engine | data |\n|---|---|\n| db | the table |\n| cache | memory |",
            &Theme::mono(),
        );
        assert_eq!(
            plain(&lines),
            [
                "engine │ data",
                "────────",
                "db │ the table",
                "cache │ memory"
            ]
        );
    }

    fn plain(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn renders_blocks() {
        let md = "# Title\n\nSome *text* with `code`.\n\n- one\n- two\n\n```\nx = 1\n```\n";
        let lines = render(md, &Theme::mono());
        assert_eq!(
            plain(&lines),
            vec![
                "Title",
                "",
                "Some text with `code`.",
                "",
                "• one",
                "• two",
                "",
                "    x = 1"
            ]
        );
    }
}
