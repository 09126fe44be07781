//! The Server pane: the engine, its settings, the store as the engine keeps it, and the console.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::{Changes, Frame, draw, find, first_change, iso, marker, row_style};
use crate::runner::ChangeKind;
use crate::sim::World;
use crate::sim::session::CACHED_DB_PREFIX;
use crate::sim::settings::Engine;
use crate::sim::shared::Rows;
use crate::sim::value::Value;
use crate::sim::world::StoredSession;
use crate::transcript::duration_text;
use crate::tui::theme::Theme;

/// The server pane: the engine, the key settings, and the store as the engine keeps it.
pub struct ServerPane<'a> {
    pub world: &'a World,
    /// The store as the runner's snapshot holds it (the world's, shared).
    pub store: &'a Rows<StoredSession>,
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
        let holders = Holders::of_world(world);
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
                for row in store.iter() {
                    let kind = find(changes, &row.key);
                    lines.push(Line::from(vec![
                        marker(kind, t),
                        Span::styled(format!("session_key  {}", row.key), row_style(kind, t)),
                        Span::styled(holders.of(&row.key), t.title),
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
                for entry in store.iter() {
                    let kind = find(changes, &entry.key);
                    lines.push(Line::from(vec![
                        marker(kind, t),
                        Span::styled(entry.location.clone(), row_style(kind, t)),
                        Span::styled(holders.of(&entry.key), t.title),
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
                for file in store.iter() {
                    let kind = find(changes, &file.key);
                    lines.push(Line::from(vec![
                        marker(kind, t),
                        Span::styled(file.location.clone(), row_style(kind, t)),
                        Span::styled(holders.of(&file.key), t.title),
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

/// `1 row`, `2 rows`.
fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// Which browsers hold each session key, read once per drawing (a hijack
/// shows as two names on one session).
struct Holders<'w>(std::collections::HashMap<String, Vec<&'w str>>);

impl<'w> Holders<'w> {
    fn of_world(world: &'w World) -> Self {
        let name = &world.server.settings.cookie_name;
        let now = world.now();
        let mut map: std::collections::HashMap<String, Vec<&'w str>> = Default::default();
        for browser in &world.browsers {
            for cookie in browser.jar(now).into_iter().filter(|c| c.name == *name) {
                map.entry(cookie.value()).or_default().push(&browser.name);
            }
        }
        Self(map)
    }

    /// ` ← default, mallory`, or nothing when no browser holds `key`.
    fn of(&self, key: &str) -> String {
        self.0
            .get(key)
            .map(|names| format!("  ← {}", names.join(", ")))
            .unwrap_or_default()
    }
}
