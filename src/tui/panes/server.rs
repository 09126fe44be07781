//! The Server pane: the engine, its settings, the store as the engine keeps it, and the console.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use std::borrow::Cow;

use super::{
    Changes, Framing, Part, draw_parts, find, first_changed_part, iso, marker, row_style, width,
};
use crate::runner::ChangeKind;
use crate::sim::World;
use crate::sim::session::CACHED_DB_PREFIX;
use crate::sim::settings::Engine;
use crate::sim::shared::Rows;
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
    pub framing: Framing<'a>,
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

impl<'a> ServerPane<'a> {
    /// The pane's content: each session made only when it is shown.
    fn parts(&self) -> Vec<Part<'a>> {
        let t = self.framing.theme;
        let world = self.world;
        let server = &world.server;
        let s = &server.settings;
        let holders = Holders::of_world(world);
        let mut lines: Vec<Part<'a>> = vec![Part::from(Line::from(vec![
            Span::styled("SESSION_ENGINE ", t.dim),
            Span::styled(s.engine.short_name().to_string(), t.title),
        ]))];
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
            lines.push(Line::styled(format!("✗ {error}"), t.error).into());
            lines.extend(settings.into_iter().map(Part::from));
            return lines;
        }
        let store = self.store;
        let changes = self.changes.store();
        let removed: Vec<_> = changes
            .iter()
            .filter(|c| c.kind == ChangeKind::Removed)
            .filter_map(|c| {
                let rank = server.key_rank(&c.name);
                self.changes.before.session(rank, &c.name)
            })
            .collect();
        let heading = |text: String| Line::styled(text, t.heading);
        match s.engine {
            Engine::Db | Engine::CachedDb if server.db.is_none() => {
                lines.push(heading("django_session table".into()).into());
                lines.push(
                    Line::styled(
                        "  ✗ no such table: django_session (run manage.py migrate)",
                        t.error,
                    )
                    .into(),
                );
            }
            Engine::Db | Engine::CachedDb => {
                lines.push(
                    heading(format!(
                        "django_session table · {}",
                        count(store.len(), "row")
                    ))
                    .into(),
                );
                let now = world.now();
                for row in store.iter() {
                    let kind = find(changes, &row.key);
                    lines.push(session_part(
                        kind,
                        format!("session_key  {}", row.key).into(),
                        holders.of(&row.key),
                        vec![
                            ("   session_data ", Shown::Text(&row.raw), t.code),
                            ("   ↳ decoded    ", Shown::Data(row), row_style(kind, t)),
                            (
                                "   expire_date  ",
                                Shown::Expiry(now, row.expires_in),
                                t.dim,
                            ),
                        ],
                        t,
                    ));
                }
                if s.engine == Engine::CachedDb {
                    lines
                        .push(heading("cache (local memory), in front of the table".into()).into());
                    let cached = world.cached_sessions(CACHED_DB_PREFIX);
                    for entry in &cached {
                        let kind = find(changes, &entry.key);
                        lines.push(Part::Line(Line::from(vec![
                            marker(kind, t),
                            Span::styled(entry.location.clone(), t.dim),
                            Span::styled(format!(" = {}", entry.raw), row_style(kind, t)),
                        ])));
                    }
                    if cached.is_empty() {
                        lines.push(Line::styled("  (empty)", t.dim).into());
                    }
                }
            }
            Engine::Cache => {
                lines.push(
                    heading(format!(
                        "cache (local memory) · {}",
                        count(store.len(), "session")
                    ))
                    .into(),
                );
                for entry in store.iter() {
                    let kind = find(changes, &entry.key);
                    let expiry = if entry.expires_in == i64::MAX {
                        "never".into()
                    } else {
                        duration_text(entry.expires_in)
                    };
                    lines.push(session_part(
                        kind,
                        entry.location.as_str().into(),
                        holders.of(&entry.key),
                        vec![
                            ("   = ", Shown::Text(&entry.raw), row_style(kind, t)),
                            ("   timeout: expires in ", Shown::Plain(expiry), t.dim),
                        ],
                        t,
                    ));
                }
            }
            Engine::File => {
                lines.push(
                    heading(format!(
                        "session files in {} · {}",
                        s.file_dir(),
                        count(store.len(), "file")
                    ))
                    .into(),
                );
                for file in store.iter() {
                    let kind = find(changes, &file.key);
                    lines.push(session_part(
                        kind,
                        file.location.as_str().into(),
                        holders.of(&file.key),
                        vec![
                            ("   content   ", Shown::Text(&file.raw), t.code),
                            ("   ↳ decoded ", Shown::Data(file), row_style(kind, t)),
                        ],
                        t,
                    ));
                }
            }
            Engine::SignedCookies => {
                lines.push(heading("nothing stored on the server".into()).into());
                lines.push(
                    Line::styled(
                        "  The data is in the cookie, signed with SECRET_KEY (not encrypted).",
                        t.text,
                    )
                    .into(),
                );
                let name = &s.cookie_name;
                for cookie in world.jar().iter().filter(|c| *c.name == **name) {
                    let kind = find(self.changes.jar(), &cookie.name);
                    let data = match world.signed_session_data(&cookie.value) {
                        Some(v) => v.repr(),
                        None => "rejected: bad signature or too old → empty session".into(),
                    };
                    lines.push(Part::Line(Line::from(vec![
                        marker(kind, t),
                        Span::styled(format!("{name} cookie ↳ "), t.dim),
                        Span::styled(data, row_style(kind, t)),
                    ])));
                }
            }
        }
        if store.is_empty()
            && !matches!(s.engine, Engine::SignedCookies)
            && (server.db.is_some() || !s.engine.uses_db())
        {
            lines.push(Line::styled("  (no sessions yet)", t.dim).into());
        }
        for gone in removed {
            lines.push(Part::Line(Line::from(vec![
                marker(Some(ChangeKind::Removed), t),
                Span::styled(format!("{} {}", gone.key, gone.data_repr()), t.removed),
                Span::styled("  (deleted)", t.dim),
            ])));
        }
        lines.extend(settings.into_iter().map(Part::from));
        lines
    }
}

impl Widget for &ServerPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let mut parts = self.parts();
        let mut anchor = first_changed_part(&parts);
        if !self.console.is_empty() {
            parts.push(Line::raw("").into());
            parts.push(Line::styled("Console (print output)", self.framing.theme.heading).into());
            let start: usize = parts.iter().map(Part::len).sum();
            parts.extend(
                self.console
                    .iter()
                    .map(|l| Part::from(Line::raw(format!("  {l}")))),
            );
            anchor = anchor.or(Some((start, start + self.console.len())));
        }
        draw_parts(parts, self.framing.frame("Server", true, anchor), area, buf);
    }
}

/// What a line of a session shows after its label.
enum Shown<'a> {
    Text(&'a str),
    /// The session's data, as its repr (made only when in view).
    Data(&'a StoredSession),
    /// An expiry: now, and the seconds left (`2026-01-15 00:00:00 (14d)`).
    Expiry(i64, i64),
    Plain(String),
}

impl<'a> Shown<'a> {
    /// Its width, without making it (an expiry counts as the longest).
    fn width(&self) -> usize {
        match self {
            Shown::Text(text) => width(text),
            Shown::Data(session) => session.repr_chars(),
            Shown::Expiry(..) => 19 + 2 + 16,
            Shown::Plain(text) => width(text),
        }
    }

    fn text(self) -> Cow<'a, str> {
        match self {
            Shown::Text(text) => text.into(),
            Shown::Data(session) => session.data_repr().into(),
            Shown::Expiry(now, left) => {
                format!("{} ({})", iso(now + left), duration_text(left)).into()
            }
            Shown::Plain(text) => text.into(),
        }
    }
}

/// A session of the store as a part of the pane: its first line (the change
/// marker, `head`, the browsers holding it), then each of `rest` (a label and
/// what it shows), made only when in view.
fn session_part<'a>(
    kind: Option<ChangeKind>,
    head: Cow<'a, str>,
    held: String,
    rest: Vec<(&'static str, Shown<'a>, Style)>,
    t: &'a Theme,
) -> Part<'a> {
    let mut widths = vec![2 + width(&head) + width(&held)];
    widths.extend(
        rest.iter()
            .map(|(label, shown, _)| width(label) + shown.width()),
    );
    Part::Lazy {
        widths,
        changed: kind.is_some(),
        make: Box::new(move || {
            let mut lines = vec![Line::from(vec![
                marker(kind, t),
                Span::styled(head, row_style(kind, t)),
                Span::styled(held, t.title),
            ])];
            lines.extend(rest.into_iter().map(|(label, shown, style)| {
                Line::from(vec![
                    Span::styled(label, t.dim),
                    Span::styled(shown.text(), style),
                ])
            }));
            lines
        }),
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
            for cookie in browser.jar(now).into_iter().filter(|c| *c.name == **name) {
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
