//! The panes: read-only widgets over borrowed state. Each marks what the last
//! command added, changed or removed with `+ ~ -` as well as colour.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Widget, Wrap};

use super::theme::Theme;
use crate::lesson::ConditionStatus;
use crate::runner::{Change, ChangeKind, Outcome, Snapshot, Step};
use crate::sim::World;
use crate::sim::request::{Exchange, path_only};
use crate::sim::session::CACHED_DB_PREFIX;
use crate::sim::settings::Engine;
use crate::sim::value::str_repr;
use crate::sim::value::{Value, civil};
use crate::sim::world::{JarEntry, StoredSession};
use crate::transcript::{duration_text, reason};
use crate::workbench::{Flow, Workbench};

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

/// The row the pane starts at so that `anchor` is in view, and as much
/// above it as fits.
fn anchor_row(lines: &[Line<'_>], anchor: (usize, usize), wrap: bool, inner: Rect) -> u16 {
    let rows = |n: usize| {
        let lines = lines[..n.min(lines.len())].to_vec();
        let mut p = Paragraph::new(lines);
        if wrap {
            p = p.wrap(Wrap { trim: false });
        }
        u16::try_from(p.line_count(inner.width.max(1))).unwrap_or(u16::MAX)
    };
    let start = rows(anchor.0);
    rows(anchor.1)
        .saturating_sub(inner.height.max(1))
        .min(start)
}

/// Draw `lines` in a pane block, scrolled (clamped to the content).
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
    let top = anchor.map_or(0, |a| anchor_row(&lines, a, wrap, inner));
    let mut paragraph = Paragraph::new(lines);
    if wrap {
        paragraph = paragraph.wrap(Wrap { trim: false });
    }
    let rows = u16::try_from(paragraph.line_count(inner.width.max(1))).unwrap_or(u16::MAX);
    let max = rows.saturating_sub(inner.height.max(1));
    let scroll = (i32::from(top) + i32::from(scroll) - i32::from(FOLLOW))
        .clamp(0, i32::from(max)) as u16;
    if scroll < max {
        block = block.title_bottom(Line::styled(" ↓ more ", theme.title).right_aligned());
    }
    if scroll > 0 {
        block = block.title_bottom(Line::styled(" ↑ ", theme.title).right_aligned());
    }
    paragraph.block(block).scroll((scroll, 0)).render(area, buf);
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

/// The browsers whose session cookie holds `key`, as ` ← default, mallory`
/// (empty when none does): who a stored session belongs to, at a glance.
fn holders(world: &World, key: &str) -> String {
    let name = &world.server.settings.cookie_name;
    let now = world.now();
    let names: Vec<&str> = world
        .browsers
        .iter()
        .filter(|b| {
            b.jar(now)
                .into_iter()
                .any(|c| c.name == *name && c.value() == key)
        })
        .map(|b| b.name.as_str())
        .collect();
    if names.is_empty() {
        String::new()
    } else {
        format!("  ← {}", names.join(", "))
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

/// The browser pane: the current browser's cookies as devtools shows them.
pub struct BrowserPane<'a> {
    pub world: &'a World,
    pub changes: Changes<'a>,
    pub theme: &'a Theme,
    pub focused: bool,
    pub scroll: u16,
}

impl BrowserPane<'_> {
    /// The pane's lines for an inner width of `width`.
    pub fn lines(&self, width: u16) -> Vec<Line<'static>> {
        let t = self.theme;
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
        for other in world.browsers.iter().filter(|b| b.name != browser.name) {
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
            lines.push(Line::styled(cut(&text, usize::from(width)).trim_end().to_string(), t.text));
        }
        lines
    }
}

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
            Frame {
                title: "Browser",
                focused: self.focused,
                scroll: self.scroll,
                wrap: false,
                theme: self.theme,
                anchor,
            },
            area,
            buf,
        );
    }
}

/// The server pane: the engine, the key settings, and the store as the engine keeps it.
pub struct ServerPane<'a> {
    pub world: &'a World,
    /// The store as the runner's snapshot holds it (the world's, shared).
    pub store: &'a [StoredSession],
    /// What views printed (a real view's print() goes to the server's console).
    pub console: &'a [String],
    pub changes: Changes<'a>,
    pub theme: &'a Theme,
    pub focused: bool,
    pub scroll: u16,
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

impl ServerPane<'_> {
    /// The pane's lines.
    pub fn lines(&self) -> Vec<Line<'static>> {
        let t = self.theme;
        let world = self.world;
        let server = &world.server;
        let s = &server.settings;
        let mut lines = vec![Line::from(vec![
            Span::styled("SESSION_ENGINE ", t.dim),
            Span::styled(s.engine.short_name().to_string(), t.title),
        ])];
        let settings = vec![
            Line::raw(""),
            Line::styled(format!("SESSION_ENGINE = '{}'", s.engine_path), t.dim),
            Line::styled(
                format!(
                    "cookie {} · age {} · HttpOnly {} · Secure {} · SameSite {}",
                    s.cookie_name,
                    duration_text(s.cookie_age),
                    yes_no(s.cookie_httponly),
                    yes_no(s.cookie_secure),
                    s.cookie_samesite.as_deref().unwrap_or("None")
                ),
                t.dim,
            ),
            Line::styled(
                format!(
                    "save every request {} · expire at browser close {}",
                    yes_no(s.save_every_request),
                    yes_no(s.expire_at_browser_close)
                ),
                t.dim,
            ),
        ];
        if let Some(error) = s.engine_error() {
            lines.push(Line::styled(format!("✗ {error}"), t.error));
            lines.extend(settings);
            return lines;
        }
        let store = self.store;
        let changes = self.changes.store();
        let removed: Vec<_> = changes
            .iter()
            .filter(|c| c.kind == ChangeKind::Removed)
            .filter_map(|c| self.changes.before.store.iter().find(|s| s.key == c.name))
            .collect();
        let heading = |text: String| Line::styled(text, t.heading);
        match s.engine {
            Engine::Db | Engine::CachedDb if server.db.is_none() => {
                lines.push(heading("django_session table".into()));
                lines.push(Line::styled(
                    "  ✗ no such table: django_session (run manage.py migrate)",
                    t.error,
                ));
            }
            Engine::Db | Engine::CachedDb => {
                lines.push(heading(format!(
                    "django_session table · {}",
                    count(store.len(), "row")
                )));
                for row in store {
                    let kind = find(changes, &row.key);
                    lines.push(Line::from(vec![
                        marker(kind, t),
                        Span::styled(format!("session_key  {}", row.key), row_style(kind, t)),
                        Span::styled(holders(world, &row.key), t.title),
                    ]));
                    lines.push(Line::from(vec![
                        Span::styled("   session_data ", t.dim),
                        Span::styled(row.raw.clone(), t.code),
                    ]));
                    lines.push(Line::from(vec![
                        Span::styled("   ↳ decoded    ", t.dim),
                        Span::styled(Value::dict(row.data.clone()).repr(), row_style(kind, t)),
                    ]));
                    lines.push(Line::styled(
                        format!(
                            "   expire_date  {} ({})",
                            iso(world.now() + row.expires_in),
                            duration_text(row.expires_in)
                        ),
                        t.dim,
                    ));
                }
                if s.engine == Engine::CachedDb {
                    lines.push(heading(
                        "cache (local memory), in front of the table".into(),
                    ));
                    let cached = world.cached_sessions(CACHED_DB_PREFIX);
                    for entry in &cached {
                        let kind = find(changes, &entry.key);
                        lines.push(Line::from(vec![
                            marker(kind, t),
                            Span::styled(entry.location.clone(), t.dim),
                            Span::styled(format!(" = {}", entry.raw), row_style(kind, t)),
                        ]));
                    }
                    if cached.is_empty() {
                        lines.push(Line::styled("  (empty)", t.dim));
                    }
                }
            }
            Engine::Cache => {
                lines.push(heading(format!(
                    "cache (local memory) · {}",
                    count(store.len(), "session")
                )));
                for entry in store {
                    let kind = find(changes, &entry.key);
                    lines.push(Line::from(vec![
                        marker(kind, t),
                        Span::styled(entry.location.clone(), row_style(kind, t)),
                        Span::styled(holders(world, &entry.key), t.title),
                    ]));
                    lines.push(Line::from(vec![
                        Span::styled("   = ", t.dim),
                        Span::styled(entry.raw.clone(), row_style(kind, t)),
                    ]));
                    let expiry = if entry.expires_in == i64::MAX {
                        "never".into()
                    } else {
                        duration_text(entry.expires_in)
                    };
                    lines.push(Line::styled(
                        format!("   timeout: expires in {expiry}"),
                        t.dim,
                    ));
                }
            }
            Engine::File => {
                lines.push(heading(format!(
                    "session files in {} · {}",
                    s.file_dir(),
                    count(store.len(), "file")
                )));
                for file in store {
                    let kind = find(changes, &file.key);
                    lines.push(Line::from(vec![
                        marker(kind, t),
                        Span::styled(file.location.clone(), row_style(kind, t)),
                        Span::styled(holders(world, &file.key), t.title),
                    ]));
                    lines.push(Line::from(vec![
                        Span::styled("   content   ", t.dim),
                        Span::styled(file.raw.clone(), t.code),
                    ]));
                    lines.push(Line::from(vec![
                        Span::styled("   ↳ decoded ", t.dim),
                        Span::styled(Value::dict(file.data.clone()).repr(), row_style(kind, t)),
                    ]));
                }
            }
            Engine::SignedCookies => {
                lines.push(heading("nothing stored on the server".into()));
                lines.push(Line::styled(
                    "  The data is in the cookie, signed with SECRET_KEY (not encrypted).",
                    t.text,
                ));
                let name = &s.cookie_name;
                for cookie in world.jar().iter().filter(|c| c.name == *name) {
                    let kind = find(self.changes.jar(), &cookie.name);
                    let data = match world.signed_session_data(&cookie.value) {
                        Some(v) => v.repr(),
                        None => "rejected: bad signature or too old → empty session".into(),
                    };
                    lines.push(Line::from(vec![
                        marker(kind, t),
                        Span::styled(format!("{name} cookie ↳ "), t.dim),
                        Span::styled(data, row_style(kind, t)),
                    ]));
                }
            }
        }
        if store.is_empty()
            && !matches!(s.engine, Engine::SignedCookies)
            && (server.db.is_some() || !s.engine.uses_db())
        {
            lines.push(Line::styled("  (no sessions yet)", t.dim));
        }
        for gone in removed {
            lines.push(Line::from(vec![
                marker(Some(ChangeKind::Removed), t),
                Span::styled(
                    format!("{} {}", gone.key, Value::dict(gone.data.clone()).repr()),
                    t.removed,
                ),
                Span::styled("  (deleted)", t.dim),
            ]));
        }
        lines.extend(settings);
        lines
    }
}

impl Widget for &ServerPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let mut lines = self.lines();
        let mut anchor = first_change(&lines);
        if !self.console.is_empty() {
            lines.push(Line::raw(""));
            lines.push(Line::styled("Console (print output)", self.theme.heading));
            let start = lines.len();
            lines.extend(self.console.iter().map(|l| Line::raw(format!("  {l}"))));
            anchor = anchor.or(Some((start, lines.len())));
        }
        draw(
            lines,
            Frame {
                title: "Server",
                focused: self.focused,
                scroll: self.scroll,
                wrap: true,
                theme: self.theme,
                anchor,
            },
            area,
            buf,
        );
    }
}

/// The HTTP pane: the last request and its response.
pub struct HttpPane<'a> {
    pub bench: &'a Workbench,
    /// The exchange shown in detail, by number (`None`: the newest).
    pub selected: Option<usize>,
    /// Whether the newest exchange came from the last command.
    pub fresh: bool,
    pub theme: &'a Theme,
    pub focused: bool,
    pub scroll: u16,
}

/// How many exchanges the HTTP pane lists above the detail, at least.
const FLOWS_LISTED: usize = 5;

impl HttpPane<'_> {
    /// The pane's lines for an inner height of `height`: what the workbench
    /// holds, the last exchanges (a flow list, newest last), and the selected
    /// one in detail.
    pub fn lines(&self, height: u16) -> Vec<Line<'static>> {
        let listed = FLOWS_LISTED.max(usize::from(height) / 2);
        let t = self.theme;
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
        let t = self.theme;
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
        let response = lines.iter().rposition(|l| {
            l.spans
                .iter()
                .any(|s| s.content.starts_with("HTTP/1.1 "))
        });
        let anchor = response.map(|start| {
            let end = lines
                .iter()
                .rposition(|l| l.spans.iter().any(|s| s.content.starts_with("Set-Cookie")))
                .filter(|&e| e > start)
                .map_or(start + 1, |e| e + 1);
            (start, end)
        });
        draw(
            lines,
            Frame {
                title: "HTTP",
                focused: self.focused,
                scroll: self.scroll,
                wrap: true,
                theme: self.theme,
                anchor,
            },
            area,
            buf,
        );
    }
}

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
        Paragraph::new(shown).render(
            Rect {
                height: out_h,
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

/// `1 row`, `2 rows`.
fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
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

/// The lesson pane's content, ready to draw.
pub struct LessonPane<'a> {
    pub lines: Vec<Line<'a>>,
    /// The lines the pane follows: the step's instruction and goal, or the
    /// goal met and its explanation.
    pub anchor: Option<(usize, usize)>,
    pub title: String,
    pub theme: &'a Theme,
    pub focused: bool,
    pub scroll: u16,
}

impl Widget for &LessonPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        draw(
            self.lines.clone(),
            Frame {
                title: &self.title,
                focused: self.focused,
                scroll: self.scroll,
                wrap: true,
                theme: self.theme,
                anchor: self.anchor,
            },
            area,
            buf,
        );
    }
}

/// A goal's conditions as lines: `✓ label` or `✗ label`, and under each
/// that does not hold, what the world shows now.
pub fn condition_lines(conditions: &[ConditionStatus], theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for c in conditions {
        if c.holds {
            lines.push(Line::from(vec![
                Span::styled("✓ ", theme.ok),
                Span::raw(c.label.clone()),
            ]));
        } else {
            lines.push(Line::from(vec![
                Span::styled("✗ ", theme.missing),
                Span::raw(c.label.clone()),
            ]));
            if !c.now.is_empty() {
                lines.push(Line::styled(format!("  now: {}", c.now), theme.missing));
            }
        }
    }
    lines
}
