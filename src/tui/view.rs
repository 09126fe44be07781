//! Drawing: the layouts for narrow and wide windows, the screens, the
//! overlays and the footer. Everything here reads the model; nothing changes it.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::keymap::{self, Context, KEYMAP};
use super::markdown;
use super::panes::{self, BrowserPane, Changes, HttpPane, LessonPane, ServerPane, ShellPane};
use super::{App, Overlay, Pane, Screen, Work};
use crate::script::table;

/// The smallest window the app draws in.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// A pane drawn once, reused until the world, the lesson, the layout, the
/// focus or the scroll changes (typing in the prompt redraws only the shell).
#[derive(Debug)]
pub struct CachedPane {
    key: (Pane, u64, Rect, bool, u16),
    cells: Buffer,
}

/// Copy the cached pane for `key` into `buf`; false when there is none.
fn restore(app: &App, key: (Pane, u64, Rect, bool, u16), buf: &mut Buffer) -> bool {
    let cache = app.cache.borrow();
    let Some(hit) = cache.iter().find(|c| c.key == key) else {
        return false;
    };
    copy(&hit.cells, buf, key.2);
    true
}

fn remember(app: &App, key: (Pane, u64, Rect, bool, u16), buf: &Buffer) {
    let mut cells = Buffer::empty(key.2);
    copy(buf, &mut cells, key.2);
    let mut cache = app.cache.borrow_mut();
    cache.retain(|c| c.key.0 != key.0 && c.key.1 == key.1);
    cache.push(CachedPane { key, cells });
}

fn copy(from: &Buffer, to: &mut Buffer, area: Rect) {
    let area = area.intersection(from.area).intersection(to.area);
    if area.is_empty() {
        return;
    }
    let width = usize::from(area.width);
    for y in area.top()..area.bottom() {
        let src = from.index_of(area.x, y);
        let dst = to.index_of(area.x, y);
        to.content[dst..dst + width].clone_from_slice(&from.content[src..src + width]);
    }
}

/// Where each pane goes.
#[derive(Debug, Default)]
pub struct WorkLayout {
    pub panes: Vec<(Pane, Rect)>,
    pub footer: Rect,
}

/// Whether a window this size gets the compact layout: the lesson and the
/// shell, and one world pane at a time (F7 picks it).
pub fn is_compact(area: Rect) -> bool {
    area.width < 110 && (area.width < 100 || area.height < 30)
}

/// The work screen's layout in `area`.
pub fn work_layout(app: &App, area: Rect) -> WorkLayout {
    let has_lesson = app.work.as_ref().is_some_and(|w| w.lesson.is_some());
    let [body, footer] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    let mut panes = Vec::new();
    if app.zoom && app.focus != Pane::Shell {
        let [big, shell] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(5)]).areas(body);
        panes.push((app.focus, big));
        panes.push((Pane::Shell, shell));
        return WorkLayout { panes, footer };
    }
    if is_compact(area) {
        let h = body.height;
        // The shell keeps room for an error and its hint under the prompt's line.
        let shell = if h < 20 { 5 } else { (h / 4 + 1).clamp(5, 10) };
        // In a tiny window the world pane waits for the first command: the
        // step's instruction and goal need the rows until then.
        let started = app
            .work
            .as_ref()
            .is_some_and(|w| w.last.is_some() || !w.runner.bench.flows.is_empty());
        let world = if h < 20 && has_lesson && !started {
            0
        } else {
            (h * 3 / 10).clamp(4, 14)
        };
        let rows = if has_lesson {
            [
                Constraint::Min(0),
                Constraint::Length(world),
                Constraint::Length(shell),
            ]
        } else {
            [
                Constraint::Length(0),
                Constraint::Percentage(60),
                Constraint::Min(shell),
            ]
        };
        let [lesson, world, shell] = Layout::vertical(rows).areas(body);
        if has_lesson {
            panes.push((Pane::Lesson, lesson));
        }
        if world.height > 0 {
            panes.push((app.world_pane, world));
        }
        panes.push((Pane::Shell, shell));
        return WorkLayout { panes, footer };
    }
    if body.width >= 110 {
        let left_share = if has_lesson { 42 } else { 38 };
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(left_share), Constraint::Min(0)])
                .areas(body);
        if has_lesson {
            let [lesson, shell] =
                Layout::vertical([Constraint::Percentage(68), Constraint::Min(6)]).areas(left);
            panes.push((Pane::Lesson, lesson));
            panes.push((Pane::Shell, shell));
        } else {
            panes.push((Pane::Shell, left));
        }
        let [browser, server, http] = Layout::vertical([
            Constraint::Percentage(30),
            Constraint::Percentage(40),
            Constraint::Min(0),
        ])
        .areas(right);
        panes.extend([
            (Pane::Browser, browser),
            (Pane::Server, server),
            (Pane::Http, http),
        ]);
    } else if body.width >= 76 {
        let rows = if has_lesson {
            [
                Constraint::Percentage(40),
                Constraint::Percentage(30),
                Constraint::Percentage(13),
                Constraint::Min(4),
            ]
        } else {
            [
                Constraint::Length(0),
                Constraint::Percentage(45),
                Constraint::Percentage(22),
                Constraint::Min(5),
            ]
        };
        let [lesson, world, http, shell] = Layout::vertical(rows).areas(body);
        let [browser, server] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(world);
        if has_lesson {
            panes.push((Pane::Lesson, lesson));
        }
        panes.extend([
            (Pane::Browser, browser),
            (Pane::Server, server),
            (Pane::Http, http),
            (Pane::Shell, shell),
        ]);
    } else {
        let rows = if has_lesson {
            [
                Constraint::Percentage(24),
                Constraint::Percentage(20),
                Constraint::Percentage(20),
                Constraint::Percentage(12),
                Constraint::Min(4),
            ]
        } else {
            [
                Constraint::Length(0),
                Constraint::Percentage(26),
                Constraint::Percentage(26),
                Constraint::Percentage(18),
                Constraint::Min(4),
            ]
        };
        let [lesson, browser, server, http, shell] = Layout::vertical(rows).areas(body);
        if has_lesson {
            panes.push((Pane::Lesson, lesson));
        }
        panes.extend([
            (Pane::Browser, browser),
            (Pane::Server, server),
            (Pane::Http, http),
            (Pane::Shell, shell),
        ]);
    }
    WorkLayout { panes, footer }
}

/// Draw the whole app.
pub fn draw(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let buf = frame.buffer_mut();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(area, buf);
        return;
    }
    match (app.screen, &app.work) {
        (Screen::Work, Some(work)) => {
            let cursor = draw_work(app, work, area, buf);
            if let (Some(position), None) = (cursor, app.overlay) {
                frame.set_cursor_position(position);
            }
        }
        _ => draw_menu(app, area, buf),
    }
    let buf = frame.buffer_mut();
    match app.overlay {
        Some(Overlay::Help { scroll }) => draw_help(app, scroll, area, buf),
        Some(Overlay::Confirm(q)) => draw_confirm(app, q.text(), area, buf),
        None => {}
    }
}

fn too_small(area: Rect, buf: &mut Buffer) {
    let text = format!(
        "Make the window at least {MIN_WIDTH}×{MIN_HEIGHT} (it is {}×{}). Ctrl-C quits.",
        area.width, area.height
    );
    Paragraph::new(text)
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

fn draw_footer(app: &App, compact: bool, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let mut spans = Vec::new();
    if let Some(demo) = app
        .work
        .as_ref()
        .and_then(|w| w.demo.as_ref())
        .filter(|_| app.screen == Screen::Work)
    {
        let state = if demo.pos == demo.commands.len() {
            "demo finished"
        } else if demo.autoplay {
            "autoplay"
        } else {
            "paused"
        };
        spans.push(Span::styled(
            format!("{}/{} {state} ", demo.pos, demo.commands.len()),
            t.title,
        ));
    }
    let mut entries: Vec<(String, &str, keymap::Action)> = keymap::footer(&app.contexts())
        .into_iter()
        .filter(|b| b.action != keymap::Action::NextPane || compact)
        .map(|b| {
            let word = keymap::short(b.action)
                .unwrap_or_else(|| b.doc.split([',', '(', ';']).next().unwrap_or(b.doc).trim());
            (b.label.replace("Ctrl-", "^"), word, b.action)
        })
        .collect();
    // htop's order: the F keys by number, then the Ctrl keys.
    entries.sort_by_key(|(label, _, _)| {
        label
            .strip_prefix('F')
            .and_then(|n| n.parse::<u8>().ok())
            .unwrap_or(u8::MAX)
    });
    // When the window is narrow, the keys F1 also lists go first.
    let width = |entries: &[(String, &str, keymap::Action)]| {
        entries
            .iter()
            .map(|(l, w, _)| l.chars().count() + w.chars().count() + 1)
            .sum::<usize>()
    };
    for spare in [
        keymap::Action::Why,
        keymap::Action::Quit,
        keymap::Action::Zoom,
        keymap::Action::NextPane,
        keymap::Action::Undo,
    ] {
        if width(&entries) <= usize::from(area.width) {
            break;
        }
        entries.retain(|(_, _, a)| *a != spare);
    }
    for (label, word, _) in entries {
        if !spans.is_empty() {
            spans.push(Span::raw(" "));
        }
        spans.push(Span::styled(label, t.title));
        spans.push(Span::styled(word, t.key));
    }
    Paragraph::new(Line::from(spans)).render(area, buf);
}

/// Draw the lesson or sandbox screen; returns where the cursor goes.
fn draw_work(app: &App, work: &Work, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let layout = work_layout(app, area);
    let t = &app.theme;
    let changes = || Changes {
        last: work.last.as_ref(),
        before: &work.before,
    };
    let mut cursor = None;
    for &(pane, rect) in &layout.panes {
        let focused = app.focus == pane;
        let scroll = app.scroll[pane as usize];
        let key = (pane, app.generation(), rect, focused, scroll);
        if pane != Pane::Shell && restore(app, key, buf) {
            continue;
        }
        if pane == Pane::Shell {
            // The output comes from the cache (drawn with an empty prompt);
            // only the prompt line is drawn for every key.
            let (text, at) = app.prompt_text();
            let title = if work.demo.is_some() {
                "Shell (presenter)"
            } else {
                "Shell"
            };
            let mut shell = ShellPane {
                output: &work.output,
                prompt: "",
                cursor: 0,
                focused,
                scroll,
                theme: t,
                title,
            };
            if !restore(app, key, buf) {
                (&shell).render(rect, buf);
                remember(app, key, buf);
            }
            shell.prompt = &text;
            shell.cursor = at;
            shell.render_prompt(rect, buf);
            if focused || work.demo.is_some() {
                let inner = Block::new().borders(Borders::ALL).inner(rect);
                if inner.height > 0 && inner.width > 0 {
                    let (_, col) = panes::prompt_window(&text, at, inner.width);
                    let x = (inner.x + col).min(inner.right().saturating_sub(1));
                    cursor = Some(Position::new(x, inner.bottom() - 1));
                }
            }
            continue;
        }
        let framing = panes::Framing {
            theme: t,
            focused,
            scroll,
            reach: &app.reach[pane as usize],
        };
        match pane {
            Pane::Lesson => {
                let (title, lines, anchor) = panes::lesson_lines(app, work);
                LessonPane {
                    lines,
                    anchor,
                    title,
                    framing,
                }
                .render(rect, buf);
            }
            Pane::Browser => {
                (&BrowserPane {
                    world: &work.runner.world,
                    changes: changes(),
                    framing,
                })
                    .render(rect, buf);
            }
            Pane::Server => {
                (&ServerPane {
                    world: &work.runner.world,
                    store: &work.runner.snapshot().store,
                    console: &work.console,
                    changes: changes(),
                    framing,
                })
                    .render(rect, buf);
            }
            Pane::Http => {
                (&HttpPane {
                    bench: &work.runner.bench,
                    selected: work.flow,
                    fresh: work.exchange.as_ref().is_some_and(|(_, f)| *f),
                    framing,
                })
                    .render(rect, buf);
            }
            Pane::Shell => {}
        }
        remember(app, key, buf);
    }
    if is_compact(area)
        && !app.zoom
        && let Some(&(pane, rect)) = layout.panes.iter().find(|(p, _)| *p == app.world_pane)
    {
        draw_tabs(app, pane, rect, buf);
    }
    draw_footer(app, is_compact(area) && !app.zoom, layout.footer, buf);
    cursor
}

/// The compact layout's world pane names on its top border, the one shown
/// marked, and the key that switches.
fn draw_tabs(app: &App, shown: Pane, rect: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let mut spans = Vec::new();
    for (pane, name) in crate::tui::WORLD_PANES {
        if pane == shown {
            spans.push(Span::styled(format!("[{name}]"), t.key));
        } else {
            spans.push(Span::styled(format!(" {name} "), t.text));
        }
    }
    spans.push(Span::styled(" F7 ", t.title));
    let line = Line::from(spans);
    let width = u16::try_from(line.width()).unwrap_or(u16::MAX);
    if rect.width > width + 14 {
        let x = rect.right() - width - 2;
        buf.set_line(x, rect.y, &line, width);
    }
}

fn draw_menu(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let [body, footer] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    let mut title =
        "sessionlab · how web sessions and cookies work, the Django 5.2 way".to_string();
    if app.course.profile.is_notable() {
        title = format!("{title} · {}", app.course.profile.describe());
    }
    let block = panes::block(&title, true, t);
    let inner = block.inner(body);
    block.render(body, buf);
    let done = app.lessons_done();
    let mut lines = vec![
        Line::styled(
            format!(
                "Choose a lesson ({done} of {} done; Enter opens it where you left off):",
                app.course.lessons.len()
            ),
            t.title,
        ),
        Line::raw(""),
    ];
    let resume_at = app.resume_index();
    for (i, lesson) in app.course.lessons.iter().enumerate() {
        let p = app.store.lesson(&lesson.id);
        let total = lesson.steps.len();
        let mark = if p.finished {
            "✓ done      ".to_string()
        } else if p.done > 0 {
            format!("◐ {}/{} steps", p.done, total)
        } else {
            "· new       ".to_string()
        };
        let selected = i == app.menu_selected;
        let style = if selected { t.selected } else { t.text };
        let resume = if resume_at == Some(i) {
            "  ← resume here"
        } else {
            ""
        };
        lines.push(Line::from(vec![
            Span::styled(if selected { "▸ " } else { "  " }, t.title),
            Span::styled(format!("{mark}  {:>2}. {}", i + 1, lesson.title), style),
            Span::styled(resume, t.dim),
            // The report card's figures, once the lesson has any.
            Span::styled(
                crate::classroom::report::menu_mark(&p, total)
                    .map(|m| format!("  {m}"))
                    .unwrap_or_default(),
                t.dim,
            ),
        ]));
    }
    let selected = app.menu_selected >= app.course.lessons.len();
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(if selected { "▸ " } else { "  " }, t.title),
        Span::styled(
            "Sandbox: no lesson, just the browser and the server (s)",
            if selected { t.selected } else { t.text },
        ),
    ]));
    if let Some(lesson) = app.course.lessons.get(app.menu_selected) {
        lines.push(Line::raw(""));
        lines.push(Line::styled(lesson.title.clone(), t.heading));
        lines.extend(markdown::render(&lesson.summary, t));
    }
    // Messages (a progress file moved aside) go first, where they are seen.
    let mut shown: Vec<Line> = Vec::new();
    for message in &app.messages {
        shown.push(Line::styled(format!("! {message}"), t.error));
        shown.push(Line::raw(""));
    }
    let message_rows = Paragraph::new(shown.clone())
        .wrap(Wrap { trim: false })
        .line_count(inner.width.max(1));
    shown.extend(lines);
    let paragraph = Paragraph::new(shown).wrap(Wrap { trim: false });
    // Keep the selected lesson in view on short windows.
    let selected = app.menu_selected.min(app.course.lessons.len() + 1);
    let selected_row = u16::try_from(message_rows + 2 + selected + 1).unwrap_or(u16::MAX);
    let scroll = selected_row.saturating_add(2).saturating_sub(inner.height);
    paragraph.scroll((scroll, 0)).render(inner, buf);
    draw_footer(app, false, footer, buf);
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn draw_help(app: &App, scroll: u16, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let rect = centered(
        area,
        area.width.saturating_sub(4).min(100),
        area.height.saturating_sub(2),
    );
    Clear.render(rect, buf);
    let mut lines = Vec::new();
    // The keys of the screen the help was opened from come first.
    let active = app.contexts_under_overlay();
    let mut order: Vec<Context> = active.clone();
    order.extend(
        [
            Context::Global,
            Context::Prompt,
            Context::Work,
            Context::Lesson,
            Context::Pane,
            Context::Menu,
            Context::Demo,
            Context::Confirm,
            Context::HelpOverlay,
        ]
        .into_iter()
        .filter(|c| !active.contains(c)),
    );
    for context in order {
        lines.push(Line::styled(context.title(), t.heading));
        for b in KEYMAP
            .iter()
            .filter(|b| b.context == context && !b.label.is_empty())
        {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<14}", b.label), t.title),
                Span::raw(b.doc),
            ]));
        }
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled(
        "Mouse: the wheel scrolls the pane under the pointer.",
        t.text,
    ));
    lines.push(Line::raw(""));
    lines.push(Line::styled("World commands", t.heading));
    for e in table::WORLD_COMMANDS {
        lines.push(Line::from(vec![
            Span::styled(format!("  {}{}", e.name, e.args), t.code),
            Span::styled(format!("  {}", e.doc), t.text),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "request.session (Tab completes these)",
        t.heading,
    ));
    for e in table::SESSION {
        lines.push(Line::from(vec![
            Span::styled(format!("  .{}{}", e.name, e.args), t.code),
            Span::styled(format!("  {}", e.doc), t.text),
        ]));
    }
    let max = (lines.len() as u16).saturating_sub(rect.height.saturating_sub(2));
    Paragraph::new(lines)
        .block(panes::block(
            "Help · Esc closes · ↑/↓ PgUp/PgDn scroll",
            true,
            t,
        ))
        .scroll((scroll.min(max), 0))
        .render(rect, buf);
}

fn draw_confirm(app: &App, question: &str, area: Rect, buf: &mut Buffer) {
    let rect = centered(area, 50, 5);
    Clear.render(rect, buf);
    Paragraph::new(question)
        .wrap(Wrap { trim: true })
        .block(panes::block("Are you sure?", true, &app.theme))
        .render(rect, buf);
}
