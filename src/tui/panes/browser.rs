//! The Browser pane: the current jar as devtools shows it, and the other browsers' jars.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::{Changes, Framing, cut, draw, find, first_change, iso, marker, row_style};
use crate::runner::ChangeKind;
use crate::sim::World;
use crate::sim::value::str_repr;
use crate::sim::world::JarEntry;
use crate::transcript::duration_text;

/// The browser pane: the current browser's cookies as devtools shows them.
pub struct BrowserPane<'a> {
    pub world: &'a World,
    pub changes: Changes<'a>,
    pub framing: Framing<'a>,
}

impl BrowserPane<'_> {
    /// The pane's lines for an inner width of `width`.
    pub fn lines(&self, width: u16) -> Vec<Line<'static>> {
        let t = self.framing.theme;
        let world = self.world;
        let browser = world.browser();
        let now = world.now();
        let mut lines = Vec::new();
        let others: Vec<&str> = world
            .browsers
            .iter()
            .filter(|b| b.name != browser.name)
            .map(|b| b.name.as_str())
            .collect();
        let mut head = vec![
            Span::styled("Browser ", t.dim),
            Span::styled(browser.name.clone(), t.title),
            Span::styled(" (current)", t.dim),
        ];
        if !others.is_empty() {
            head.push(Span::styled(
                format!(" · others: {}", others.join(", ")),
                t.dim,
            ));
        }
        lines.push(Line::from(head));
        let cookies = if browser.cookies_enabled {
            "on"
        } else {
            "OFF (blocked)"
        };
        lines.push(Line::from(vec![
            Span::styled("site ", t.dim),
            Span::styled(format!("{}{}", world.site, world.path), t.text),
            Span::styled(" · cookies ", t.dim),
            Span::styled(cookies, t.text),
            Span::styled(format!(" · {}", iso(now)), t.dim),
        ]));
        let host = &world.site.host;
        let jar = world.jar();
        let (live, elsewhere): (Vec<&JarEntry>, Vec<&JarEntry>) =
            jar.iter().partition(|c| c.sent_to(host));
        let removed: Vec<&JarEntry> = self
            .changes
            .jar()
            .iter()
            .filter(|c| c.kind == ChangeKind::Removed)
            .filter_map(|c| self.changes.before.jar.iter().find(|j| j.id() == c.name))
            .collect();
        if live.is_empty() && removed.is_empty() {
            lines.push(Line::styled(format!("  (no cookies for {host})"), t.dim));
        }
        let width = usize::from(width);
        let name_w = live
            .iter()
            .chain(&removed)
            .map(|c| c.name.chars().count())
            .max()
            .unwrap_or(4)
            .clamp(4, 18);
        let expires = |c: &JarEntry| match c.expires_in {
            None => "Session".to_string(),
            Some(left) => format!("{} ({})", iso(now + left), duration_text(left)),
        };
        let tick = |b: bool| if b { "✓" } else { "✗" };
        let samesite = |c: &JarEntry| c.samesite.map_or("·", |s| s.as_str());
        let value_text = |c: &JarEntry| {
            if c.raw == c.value {
                c.raw.clone()
            } else {
                format!("{} (Django reads {})", c.raw, str_repr(&c.value))
            }
        };
        if width >= 100 && !live.is_empty() {
            // Name, Value, Domain, Path, Expires, Size, flags: the value takes what is left.
            let domain_w = live
                .iter()
                .map(|c| c.domain.len())
                .max()
                .unwrap_or(6)
                .clamp(6, 16);
            let fixed = 2 + name_w + 2 + 1 + domain_w + 1 + 6 + 1 + 32 + 1 + 5 + 9 + 7 + 8;
            let value_w = width.saturating_sub(fixed).max(8);
            lines.push(Line::styled(
                format!(
                    "  {}  {} {} {} {} Size HttpOnly Secure SameSite",
                    cut("Name", name_w),
                    cut("Value", value_w),
                    cut("Domain", domain_w),
                    cut("Path", 6),
                    cut("Expires", 32),
                ),
                t.heading,
            ));
            for c in &live {
                let kind = find(self.changes.jar(), &c.id());
                let style = row_style(kind, t);
                lines.push(Line::from(vec![
                    marker(kind, t),
                    Span::styled(
                        format!(
                            "{}  {} ",
                            cut(&c.name, name_w),
                            cut(&value_text(c), value_w)
                        ),
                        style,
                    ),
                    Span::styled(
                        format!(
                            "{} {} {} {:<4} {:<9}{:<7}{}",
                            cut(&c.domain, domain_w),
                            cut(&c.path, 6),
                            cut(&expires(c), 32),
                            c.size(),
                            tick(c.httponly),
                            tick(c.secure),
                            samesite(c)
                        ),
                        t.text,
                    ),
                ]));
            }
        } else {
            for c in &live {
                let kind = find(self.changes.jar(), &c.id());
                lines.push(Line::from(vec![
                    marker(kind, t),
                    Span::styled(
                        format!("{} = {}", c.name, value_text(c)),
                        row_style(kind, t),
                    ),
                ]));
                lines.push(Line::styled(
                    format!(
                        "    {} · Path {} · Expires {} · Size {}",
                        c.domain,
                        c.path,
                        expires(c),
                        c.size()
                    ),
                    t.dim,
                ));
                lines.push(Line::styled(
                    format!(
                        "    HttpOnly {} · Secure {} · SameSite {}",
                        tick(c.httponly),
                        tick(c.secure),
                        c.samesite.map_or("(not set)", |s| s.as_str())
                    ),
                    t.dim,
                ));
            }
        }
        for c in removed {
            lines.push(Line::from(vec![
                marker(Some(ChangeKind::Removed), t),
                Span::styled(format!("{} = {}", c.name, c.raw), t.removed),
                Span::styled(format!("  ({} {}, gone)", c.domain, c.path), t.dim),
            ]));
        }
        if !elsewhere.is_empty() {
            let mut hosts: Vec<(&str, usize)> = Vec::new();
            for c in &elsewhere {
                match hosts.iter_mut().find(|(d, _)| *d == c.domain) {
                    Some((_, n)) => *n += 1,
                    None => hosts.push((&c.domain, 1)),
                }
            }
            lines.push(Line::styled(
                format!(
                    "  + {} of other sites, not sent to {host}:",
                    plural(elsewhere.len(), "cookie", "cookies")
                ),
                t.dim,
            ));
            for (domain, n) in hosts {
                lines.push(Line::styled(
                    format!("    {domain}: {}", plural(n, "cookie", "cookies")),
                    t.dim,
                ));
            }
        }
        // The other browsers' jars, a line each (a hijack is seen, not inferred).
        let others: Vec<_> = world
            .browsers
            .iter()
            .filter(|b| b.name != browser.name)
            .collect();
        for other in others.iter().take(OTHER_JARS) {
            let cookies: Vec<String> = other
                .jar(now)
                .into_iter()
                .map(|c| format!("{}={}", c.name, cut(&c.value(), 12).trim_end()))
                .collect();
            let jar = if cookies.is_empty() {
                "(no cookies)".to_string()
            } else {
                cookies.join("; ")
            };
            let text = format!("  {}: {jar}", other.name);
            lines.push(Line::styled(
                cut(&text, width).trim_end().to_string(),
                t.text,
            ));
        }
        if others.len() > OTHER_JARS {
            lines.push(Line::styled(
                format!(
                    "  … {} more browsers (`browser open NAME` shows one)",
                    others.len() - OTHER_JARS
                ),
                t.text,
            ));
        }
        lines
    }
}

/// How many other browsers' jars the pane lists, a line each.
const OTHER_JARS: usize = 6;

/// `1 cookie`, `2 cookies`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Widget for &BrowserPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let lines = self.lines(area.width.saturating_sub(2));
        let anchor = first_change(&lines);
        draw(
            lines,
            self.framing.frame("Browser", false, anchor),
            area,
            buf,
        );
    }
}
