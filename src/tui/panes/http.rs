//! The HTTP pane: the flow list and one exchange in full.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::{Framing, draw, marker};
use crate::runner::ChangeKind;
use crate::sim::request::{Exchange, path_only};
use crate::transcript::reason;
use crate::workbench::{Flow, Workbench};

/// One row of the flow list: number, sender, request, status, and what
/// the browser left out or refused.
fn flow_line(flow: &Flow) -> String {
    let x = &flow.exchange;
    let mut line = format!(
        "#{} {} {} {} → {}",
        flow.number,
        x.sender.as_deref().unwrap_or("workbench"),
        x.method,
        x.url(),
        x.status
    );
    if let Some(from) = &x.initiator {
        line.push_str(&format!(" (from {})", from.origin));
    }
    if !x.not_sent.is_empty() {
        line.push_str(&format!(" · {} left out", x.not_sent.len()));
    }
    let refused = x.set_cookies.iter().filter(|s| s.blocked.is_some()).count();
    if refused > 0 {
        line.push_str(&format!(" · {refused} refused"));
    }
    line
}

/// A header cut to a few lines: a 5 kB cookie would fill the pane.
fn elide(header: &str) -> String {
    const KEEP: usize = 160;
    if header.len() <= KEEP {
        return header.to_string();
    }
    let cut: String = header.chars().take(KEEP).collect();
    format!("{cut}… ({} bytes)", header.len())
}

/// The HTTP pane: the last request and its response.
pub struct HttpPane<'a> {
    pub bench: &'a Workbench,
    /// The exchange shown in detail, by number (`None`: the newest).
    pub selected: Option<usize>,
    /// Whether the newest exchange came from the last command.
    pub fresh: bool,
    pub framing: Framing<'a>,
}

/// How many exchanges the HTTP pane lists above the detail, at least.
const FLOWS_LISTED: usize = 5;

impl HttpPane<'_> {
    /// The pane's lines for an inner height of `height`: what the workbench
    /// holds, the last exchanges (a flow list, newest last), and the selected
    /// one in detail.
    pub fn lines(&self, height: u16) -> Vec<Line<'static>> {
        let listed = FLOWS_LISTED.max(usize::from(height) / 2);
        let t = self.framing.theme;
        let mut lines = Vec::new();
        if let Some(pending) = &self.bench.pending {
            lines.push(Line::styled("⏸ held by the workbench", t.error));
            for l in pending.describe().lines() {
                lines.push(Line::styled(format!("  {l}"), t.changed));
            }
            lines.push(Line::raw(""));
        }
        let flows = &self.bench.flows;
        let Some(newest) = flows.len().checked_sub(1) else {
            lines.push(Line::styled(
                "No request yet: view code and `visit /path` make one.",
                t.dim,
            ));
            return lines;
        };
        let selected = self
            .selected
            .and_then(|n| flows.iter().position(|f| f.number == n))
            .unwrap_or(newest);
        let end = (selected + listed / 2).clamp(listed - 1, newest.max(listed - 1));
        // A short pane shows the exchange itself: the list would hide it.
        let list = height >= 10 && flows.len() > 1;
        let start = if list {
            (end + 1).saturating_sub(listed)
        } else {
            end + 1
        };
        if start > 0 && list {
            lines.push(Line::styled(
                format!("  … {start} earlier (`history` lists every one)"),
                t.dim,
            ));
        }
        for (i, flow) in flows.iter().enumerate().take(end + 1).skip(start) {
            let line = flow_line(flow);
            lines.push(if i == selected {
                Line::from(vec![
                    Span::styled("▶ ", t.title),
                    Span::styled(line, t.title),
                ])
            } else {
                Line::styled(format!("  {line}"), t.text)
            });
        }
        if list {
            lines.push(Line::raw(""));
        }
        // A workbench replay reaches no browser: nothing it sets is new there.
        let x = &flows[selected].exchange;
        let fresh = self.fresh && selected == newest && x.sender.is_some();
        if selected != newest {
            lines.push(Line::styled(
                format!(
                    "(exchange #{}: p/n with this pane focused pick another)",
                    flows[selected].number
                ),
                t.dim,
            ));
        } else if !self.fresh {
            lines.push(Line::styled(
                "(from an earlier command: the last one made no request)",
                t.dim,
            ));
        }
        lines.extend(self.detail(x, fresh));
        lines
    }

    /// One exchange in full: the request with its Cookie header and what the
    /// browser left out, the response with each Set-Cookie and what the
    /// browser refused.
    fn detail(&self, x: &Exchange, fresh: bool) -> Vec<Line<'static>> {
        let t = self.framing.theme;
        let mut lines = Vec::new();
        let new = |text: String| {
            if fresh {
                Line::from(vec![
                    marker(Some(ChangeKind::Added), t),
                    Span::styled(text, t.added),
                ])
            } else {
                Line::styled(format!("  {text}"), t.text)
            }
        };
        lines.push(Line::from(vec![
            Span::styled("→ ", t.dim),
            Span::styled(format!("{} {}", x.method, x.url()), t.title),
            Span::styled(
                match &x.sender {
                    Some(b) => format!("   (browser {b})"),
                    None => "   (sent by the workbench: no browser reads the response)".into(),
                },
                t.dim,
            ),
        ]));
        if let Some(from) = &x.initiator {
            lines.push(Line::styled(
                format!("  made by a {} on {}", from.via.as_str(), from.origin),
                t.dim,
            ));
        }
        if x.sent.is_empty() {
            lines.push(Line::styled("  (no Cookie header)", t.dim));
        } else {
            let header: Vec<String> = x.sent.iter().map(|(n, v)| format!("{n}={v}")).collect();
            lines.push(Line::from(vec![
                Span::styled("  Cookie: ", t.heading),
                Span::raw(elide(&header.join("; "))),
            ]));
        }
        let request_path = path_only(&x.path);
        for n in &x.not_sent {
            lines.push(Line::styled(
                format!(
                    "  not sent: {} ({})",
                    n.name,
                    n.reason.not_sent_words(&n.path, request_path)
                ),
                t.changed,
            ));
        }
        lines.push(Line::from(vec![
            Span::styled("← ", t.dim),
            Span::styled(
                format!("HTTP/1.1 {} {}", x.status, reason(x.status)),
                if x.status == 200 { t.title } else { t.error },
            ),
        ]));
        for set in &x.set_cookies {
            let text = format!("Set-Cookie: {}", elide(&set.morsel.header_value()));
            if let Some(why) = set.blocked {
                lines.push(Line::from(vec![marker(None, t), Span::styled(text, t.dim)]));
                lines.push(Line::styled(
                    format!("    refused: {}", why.refusal_words()),
                    t.error,
                ));
            } else if fresh && set.morsel.is_deletion() {
                lines.push(Line::from(vec![
                    marker(Some(ChangeKind::Removed), t),
                    Span::styled(text, t.changed),
                ]));
            } else {
                lines.push(new(text));
            }
        }
        if x.set_cookies.is_empty() {
            lines.push(Line::styled("  (no Set-Cookie)", t.dim));
        }
        if x.vary_cookie {
            lines.push(Line::styled("  Vary: Cookie", t.text));
        }
        lines
    }
}

impl Widget for &HttpPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let lines = self.lines(area.height.saturating_sub(2));
        // Follow the response and its Set-Cookie headers.
        let response = lines
            .iter()
            .rposition(|l| l.spans.iter().any(|s| s.content.starts_with("HTTP/1.1 ")));
        let anchor = response.map(|start| {
            let end = lines
                .iter()
                .rposition(|l| l.spans.iter().any(|s| s.content.starts_with("Set-Cookie")))
                .filter(|&e| e > start)
                .map_or(start + 1, |e| e + 1);
            (start, end)
        });
        draw(lines, self.framing.frame("HTTP", true, anchor), area, buf);
    }
}
