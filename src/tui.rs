//! The interactive app: a small Elm architecture. One [`App`] model, keys
//! mapped to [`Action`]s by one table ([`keymap`]), [`App::update`], and a
//! view drawn from borrowed state ([`view`]). The loop is generic over the
//! backend, so tests drive the whole app on ratatui's `TestBackend`.

pub mod history;
pub mod keymap;
pub mod markdown;
pub mod panes;
pub mod prompt;
pub mod theme;
pub mod view;

use std::cell::Cell;
use std::io::IsTerminal as _;
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyEvent, KeyEventKind, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::layout::{Position, Rect};

use crate::lesson::Course;
use crate::lesson::play::{Advance, Hint, Played, Playthrough};
use crate::progress::{self, Store};
use crate::runner::{Runner, Snapshot, Step, is_command};
use crate::sim::World;
use crate::sim::request::Exchange;
use history::{History, Undo};
use keymap::{Action, Context};
use panes::{FOLLOW, Output, Reach};
use prompt::Prompt;
use theme::Theme;

/// Every pane following what it shows (the shell at its bottom).
const FOLLOW_ALL: [u16; 5] = [FOLLOW, FOLLOW, FOLLOW, FOLLOW, 0];

/// The panes that can take focus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Lesson,
    Browser,
    Server,
    Http,
    /// The shell output and the prompt: focused means typing goes to the prompt.
    Shell,
}

impl Pane {
    fn index(self) -> usize {
        self as usize
    }
}

/// The world panes, in the order F7 steps through them, with their names.
pub const WORLD_PANES: [(Pane, &str); 3] = [
    (Pane::Browser, "Browser"),
    (Pane::Server, "Server"),
    (Pane::Http, "HTTP"),
];

/// Which screen is up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Menu,
    Work,
}

/// A question waiting for y/n.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Question {
    ShowSolution,
    ResetStep,
    ResetLesson,
}

impl Question {
    /// The question's words.
    pub fn text(self) -> &'static str {
        match self {
            Question::ShowSolution => "Show the solution? Trying first teaches more. (y/n)",
            Question::ResetStep => "Reset this step: take back every command since it began? (y/n)",
            Question::ResetLesson => "Start the whole lesson again from a fresh world? (y/n)",
        }
    }
}

/// Something drawn over the screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlay {
    Help { scroll: u16 },
    Confirm(Question),
}

/// Presenter mode: the lesson's solutions, typed out one by one.
#[derive(Clone, Debug)]
pub struct DemoState {
    /// (step index, command) in order.
    pub commands: Vec<(usize, String)>,
    /// How many commands have run.
    pub pos: usize,
    /// Characters of the next command typed so far, while typing.
    pub typing: Option<usize>,
    pub autoplay: bool,
    pub delay: Duration,
    /// When the next character appears or the next command starts.
    pub due: Option<Instant>,
}

/// How many printed lines the server's console keeps.
const CONSOLE_LINES: usize = 20;

/// How fast presenter mode types.
pub const TYPING: Duration = Duration::from_millis(30);

/// The lesson or sandbox being worked in.
#[derive(Clone, Debug)]
pub struct Work {
    pub runner: Runner,
    /// The state before each command, for undo.
    undo: History,
    pub last: Option<Step>,
    /// The snapshot before the last command.
    pub before: Snapshot,
    /// The last exchange, and whether the last command made it.
    pub exchange: Option<(Exchange, bool)>,
    /// The exchange the HTTP pane shows in detail (`None`: the newest).
    pub flow: Option<usize>,
    /// When the current step began, for the report card's time.
    pub began: Instant,
    pub output: Vec<Output>,
    /// What views printed, newest last (the Server pane's console).
    pub console: Vec<String>,
    pub lesson: Option<Playthrough>,
    pub demo: Option<DemoState>,
}

/// The whole model.
pub struct App {
    pub screen: Screen,
    pub course: Course,
    pub menu_selected: usize,
    pub work: Option<Work>,
    pub prompt: Prompt,
    pub focus: Pane,
    /// The world pane the compact layout shows.
    pub world_pane: Pane,
    pub zoom: bool,
    /// Each pane's scroll: the shell's back from the bottom, the others'
    /// from what they follow ([`FOLLOW`] is "at it").
    pub scroll: [u16; 5],
    /// Where scrolling still moves each pane, as it was last drawn.
    pub reach: [Cell<Reach>; 5],
    pub overlay: Option<Overlay>,
    pub theme: Theme,
    pub store: Store,
    /// Messages to show once (a file moved aside, a save that failed).
    pub messages: Vec<String>,
    pub seed: u64,
    /// The terminal size at the last draw.
    pub size: Rect,
    pub quit: bool,
    /// How to load the lessons, while they are not loaded yet (the sandbox
    /// starts without them, and reads them when the menu opens).
    loading: Option<Loader>,
    /// Bumped whenever what the panes show may have changed (not by typing).
    generation: u64,
    /// Panes drawn at the current generation, reused while only the prompt changes.
    pub(crate) cache: std::cell::RefCell<Vec<view::CachedPane>>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("screen", &self.screen)
            .field("focus", &self.focus)
            .field("overlay", &self.overlay)
            .field("work", &self.work)
            .finish_non_exhaustive()
    }
}

/// Reads the lessons.
pub type Loader = Box<dyn FnOnce() -> Result<crate::lesson::Course, String>>;

impl App {
    /// An app on the course menu.
    pub fn new(
        course: Course,
        store: Store,
        messages: Vec<String>,
        theme: Theme,
        seed: u64,
    ) -> Self {
        let history = store.history();
        let mut app = Self {
            screen: Screen::Menu,
            course,
            menu_selected: 0,
            work: None,
            prompt: Prompt::with_history(history),
            focus: Pane::Shell,
            world_pane: Pane::Http,
            zoom: false,
            scroll: FOLLOW_ALL,
            reach: Default::default(),
            overlay: None,
            theme,
            store,
            messages,
            seed,
            size: Rect::new(0, 0, 80, 24),
            quit: false,
            loading: None,
            generation: 0,
            cache: Default::default(),
        };
        app.menu_selected = app.resume_index().unwrap_or(0);
        app
    }

    /// How many lessons of the course are finished.
    pub fn lessons_done(&self) -> usize {
        self.course
            .lessons
            .iter()
            .filter(|l| self.store.lesson(&l.id).finished)
            .count()
    }

    /// The lesson to resume: the last one opened while it is unfinished,
    /// then the first unfinished one after it (rustlings' "continue").
    pub fn resume_index(&self) -> Option<usize> {
        let lessons = &self.course.lessons;
        let unfinished = |i: &usize| !self.store.lesson(&lessons[*i].id).finished;
        let last = self
            .store
            .progress
            .last
            .as_deref()
            .and_then(|id| self.course.find(id));
        let from = last.unwrap_or(0);
        (from..lessons.len())
            .chain(0..from)
            .find(unfinished)
            .or(last)
    }

    /// Take the course from `loader` once it is needed.
    pub fn load_course_later(&mut self, loader: Loader) {
        self.loading = Some(loader);
    }

    /// Wait for the course if it is still loading.
    pub fn ensure_course(&mut self) {
        let Some(loader) = self.loading.take() else {
            return;
        };
        match loader() {
            Ok(course) => self.course = course,
            Err(message) => self.messages.push(message),
        }
    }

    fn start_work(&mut self, world: World) -> Work {
        let runner = Runner::new(world);
        let mut output = Vec::new();
        for m in self.messages.drain(..) {
            output.push(Output::Note(m));
        }
        Work {
            before: runner.snapshot().clone(),
            runner,
            undo: History::default(),
            last: None,
            exchange: None,
            flow: None,
            began: wall_clock(),
            output,
            console: Vec::new(),
            lesson: None,
            demo: None,
        }
    }

    /// Open the sandbox: the default world, no lesson.
    pub fn open_sandbox(&mut self) {
        let mut work = self.start_work(World::new(self.seed));
        work.output.push(Output::Note(
            "Sandbox: type view code (request.session['name'] = 'Ada') or a world command (browser close, clock +2w). F1: help".into(),
        ));
        self.enter(work, Pane::Shell);
    }

    fn enter(&mut self, work: Work, focus: Pane) {
        self.touch();
        self.work = Some(work);
        self.screen = Screen::Work;
        self.focus = focus;
        self.zoom = false;
        self.scroll = FOLLOW_ALL;
        self.overlay = None;
    }

    /// Open lesson `index`, resuming at the first unfinished step (earlier
    /// steps are replayed from their solutions).
    pub fn open_lesson(&mut self, index: usize) {
        let Some(lesson) = self.course.lessons.get(index) else {
            return;
        };
        let resume = self.store.lesson(&lesson.id).resume_at(lesson.steps.len());
        self.open_lesson_at(index, resume);
    }

    /// Open lesson `index` at step `at`.
    pub fn open_lesson_at(&mut self, index: usize, at: usize) {
        let Some(lesson) = self.course.lessons.get(index).cloned() else {
            return;
        };
        let mut work = self.start_work(lesson.world(self.seed));
        let play = Playthrough::open(&lesson, index, &mut work.runner, at);
        work.before = work.runner.snapshot().clone();
        if play.step > 0 {
            work.output.push(Output::Note(format!(
                "Resumed at step {} (earlier steps replayed from their solutions).",
                play.step + 1
            )));
        }
        work.lesson = Some(play);
        work.began = wall_clock();
        self.store.progress.last = Some(lesson.id.clone());
        if let Err(e) = self.store.save() {
            work.output.push(Output::Note(e));
        }
        self.menu_selected = index;
        self.enter(work, Pane::Shell);
    }

    /// Open presenter mode for lesson `index`.
    pub fn open_demo(&mut self, index: usize, autoplay: bool, delay: Duration, now: Instant) {
        let Some(lesson) = self.course.lessons.get(index).cloned() else {
            return;
        };
        let mut work = self.start_work(lesson.world(self.seed));
        let commands: Vec<(usize, String)> = lesson
            .steps
            .iter()
            .enumerate()
            .flat_map(|(i, s)| s.solution.iter().map(move |c| (i, c.clone())))
            .collect();
        let mut play = Playthrough::open(&lesson, index, &mut work.runner, 0);
        play.solution_shown = true;
        play.met = false;
        work.lesson = Some(play);
        work.demo = Some(DemoState {
            commands,
            pos: 0,
            typing: None,
            autoplay,
            delay,
            due: autoplay.then_some(now + delay),
        });
        self.enter(work, Pane::Browser);
    }

    /// The key contexts active now, most specific first.
    pub fn contexts(&self) -> Vec<Context> {
        match self.overlay {
            Some(Overlay::Help { .. }) => return vec![Context::HelpOverlay],
            Some(Overlay::Confirm(_)) => return vec![Context::Confirm],
            None => {}
        }
        self.contexts_under_overlay()
    }

    /// The key contexts of the screen under any overlay.
    pub fn contexts_under_overlay(&self) -> Vec<Context> {
        match self.screen {
            Screen::Menu => vec![Context::Menu],
            Screen::Work => {
                let work = self.work.as_ref();
                if work.is_some_and(|w| w.demo.is_some()) {
                    return vec![Context::Demo];
                }
                let mut out = vec![if self.focus == Pane::Shell {
                    Context::Prompt
                } else {
                    Context::Pane
                }];
                if work.is_some_and(|w| w.lesson.is_some()) {
                    out.push(Context::Lesson);
                }
                out.push(Context::Work);
                out
            }
        }
    }

    /// The panes on screen now, in focus order.
    pub fn panes(&self) -> Vec<Pane> {
        let lesson = self.work.as_ref().is_some_and(|w| w.lesson.is_some());
        let mut panes = Vec::new();
        if lesson {
            panes.push(Pane::Lesson);
        }
        if view::is_compact(self.size) && !self.zoom {
            panes.extend([self.world_pane, Pane::Shell]);
        } else {
            panes.extend([Pane::Browser, Pane::Server, Pane::Http, Pane::Shell]);
        }
        panes
    }

    /// Handle one terminal event at `now`.
    pub fn handle(&mut self, event: &Event, now: Instant) {
        match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => self.key(key, now),
            Event::Paste(text) => self.paste(text),
            Event::Mouse(mouse) => {
                let delta: i32 = match mouse.kind {
                    MouseEventKind::ScrollUp => -3,
                    MouseEventKind::ScrollDown => 3,
                    _ => return,
                };
                if let Some(Overlay::Help { scroll }) = &mut self.overlay {
                    *scroll = scroll.saturating_add_signed(delta as i16);
                    return;
                }
                let at = Position::new(mouse.column, mouse.row);
                if self.screen == Screen::Work
                    && let Some((pane, _)) = view::work_layout(self, self.size)
                        .panes
                        .into_iter()
                        .find(|(_, r)| r.contains(at))
                {
                    self.scroll_pane(pane, delta);
                }
            }
            Event::Resize(w, h) => self.size = Rect::new(0, 0, *w, *h),
            _ => {}
        }
    }

    fn key(&mut self, key: &KeyEvent, now: Instant) {
        let contexts = self.contexts();
        match keymap::lookup(&contexts, key) {
            Some(action) => self.update(action, now),
            None => {
                if contexts.first() == Some(&Context::Prompt)
                    && let crossterm::event::KeyCode::Char(c) = key.code
                    && !key.modifiers.intersects(
                        crossterm::event::KeyModifiers::CONTROL
                            | crossterm::event::KeyModifiers::ALT,
                    )
                {
                    self.prompt.insert(&c.to_string());
                } else if contexts.first() == Some(&Context::Pane)
                    && let crossterm::event::KeyCode::Char(c) = key.code
                    && !key.modifiers.intersects(
                        crossterm::event::KeyModifiers::CONTROL
                            | crossterm::event::KeyModifiers::ALT,
                    )
                {
                    // Typing while a pane has focus goes to the prompt.
                    self.focus = Pane::Shell;
                    self.prompt.insert(&c.to_string());
                }
            }
        }
    }

    /// Pasted text: each complete line runs, the rest stays in the prompt.
    pub fn paste(&mut self, text: &str) {
        if self.screen != Screen::Work
            || self.overlay.is_some()
            || self.work.as_ref().is_some_and(|w| w.demo.is_some())
        {
            return;
        }
        self.focus = Pane::Shell;
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let mut parts: Vec<&str> = text.split('\n').collect();
        let rest = parts.pop().unwrap_or_default();
        for line in parts {
            self.prompt.insert(line);
            self.submit();
        }
        self.prompt.insert(rest);
    }

    fn scroll_pane(&mut self, pane: Pane, delta: i32) {
        let s = &mut self.scroll[pane.index()];
        // The shell scrolls back from the bottom.
        let delta = if pane == Pane::Shell { -delta } else { delta };
        // Past either end of what the pane showed, scrolling stops there.
        let (low, high) = self.reach[pane.index()]
            .get()
            .unwrap_or((0, FOLLOW + 10_000));
        *s = s
            .saturating_add_signed(delta.clamp(-1000, 1000) as i16)
            .clamp(low, high.max(low));
    }

    /// Show the exchange before or after the one the HTTP pane shows.
    fn pick_flow(&mut self, forward: bool) {
        if self.focus != Pane::Http {
            return;
        }
        let Some(work) = self.work.as_mut() else {
            return;
        };
        let numbers: Vec<usize> = work.runner.bench.flows.iter().map(|f| f.number).collect();
        let Some(&newest) = numbers.last() else {
            return;
        };
        let at = work
            .flow
            .and_then(|n| numbers.iter().position(|m| *m == n))
            .unwrap_or(numbers.len() - 1);
        let at = if forward {
            (at + 1).min(numbers.len() - 1)
        } else {
            at.saturating_sub(1)
        };
        work.flow = Some(numbers[at]).filter(|n| *n != newest);
        self.scroll[Pane::Http.index()] = FOLLOW;
    }

    fn focus_step(&mut self, forward: bool) {
        let panes = self.panes();
        let i = panes.iter().position(|p| *p == self.focus).unwrap_or(0);
        let n = panes.len();
        self.focus = panes[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }];
    }

    fn page(&self) -> i32 {
        i32::from(self.size.height / 2).max(1)
    }

    /// What the panes show may have changed: draw them afresh.
    pub fn touch(&mut self) {
        self.generation = self.generation.wrapping_add(1);
    }

    /// The generation the pane cache is keyed by.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Apply one action.
    pub fn update(&mut self, action: Action, now: Instant) {
        let page = self.page();
        let editing = matches!(
            action,
            Action::Left
                | Action::Right
                | Action::Home
                | Action::End
                | Action::Backspace
                | Action::Delete
                | Action::KillLine
                | Action::KillWord
                | Action::HistoryPrev
                | Action::HistoryNext
                | Action::ScrollUp
                | Action::ScrollDown
                | Action::PageUp
                | Action::PageDown
                | Action::FocusNext
                | Action::FocusPrev
        );
        if !editing {
            self.touch();
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.overlay = Some(Overlay::Help { scroll: 0 }),
            Action::Close => match self.overlay {
                Some(_) => self.overlay = None,
                None => self.focus = Pane::Shell,
            },
            Action::Yes => {
                let question = self.overlay.take();
                if let Some(Overlay::Confirm(q)) = question {
                    self.answer(q);
                }
            }
            Action::No => self.overlay = None,
            Action::FocusNext => self.focus_step(true),
            Action::FocusPrev => self.focus_step(false),
            Action::TabKey => {
                if self.focus == Pane::Shell
                    && !self.prompt.is_empty()
                    && let Some(candidates) = self.prompt.complete()
                {
                    if candidates.len() > 1
                        && let Some(work) = &mut self.work
                    {
                        work.output.push(Output::Note(candidates.join("  ")));
                        self.scroll[Pane::Shell.index()] = 0;
                    }
                    return;
                }
                self.focus_step(true);
            }
            Action::Submit => self.submit(),
            Action::HistoryPrev => self.prompt.history_prev(),
            Action::HistoryNext => self.prompt.history_next(),
            Action::Left => self.prompt.left(),
            Action::Right => self.prompt.right(),
            Action::Home => self.prompt.home(),
            Action::End => self.prompt.end(),
            Action::Backspace => self.prompt.backspace(),
            Action::Delete => self.prompt.delete(),
            Action::KillLine => self.prompt.kill_line(),
            Action::KillWord => self.prompt.kill_word(),
            Action::ScrollUp | Action::ScrollDown | Action::PageUp | Action::PageDown => {
                let delta = match action {
                    Action::ScrollUp => -1,
                    Action::ScrollDown => 1,
                    Action::PageUp => -page,
                    _ => page,
                };
                if let Some(Overlay::Help { scroll }) = &mut self.overlay {
                    *scroll = scroll.saturating_add_signed(delta as i16);
                } else {
                    self.scroll_pane(self.focus, delta);
                }
            }
            Action::Hint => self.hint(),
            Action::Solution => {
                let open = self
                    .work
                    .as_ref()
                    .and_then(|w| w.lesson.as_ref())
                    .is_some_and(|l| !l.solution_shown);
                let profile = &self.course.profile;
                if open && profile.solutions {
                    self.overlay = Some(Overlay::Confirm(Question::ShowSolution));
                } else if open && let Some(work) = self.work.as_mut() {
                    // Classroom: this profile hides solutions; nothing to ask.
                    let note = crate::i18n::trf("profile.no-solution", &[&profile.name]);
                    work.output.push(Output::Note(note));
                }
            }
            Action::NextStep => self.next_step(),
            Action::Undo => self.undo(),
            Action::ResetStep => {
                if self.work.as_ref().is_some_and(|w| w.lesson.is_some()) {
                    self.overlay = Some(Overlay::Confirm(Question::ResetStep));
                }
            }
            Action::Why => self.why(),
            Action::PrevStep => self.back_step(),
            Action::NextPane => {
                self.world_pane = match self.world_pane {
                    Pane::Browser => Pane::Server,
                    Pane::Server => Pane::Http,
                    _ => Pane::Browser,
                };
                if matches!(self.focus, Pane::Browser | Pane::Server | Pane::Http) {
                    self.focus = self.world_pane;
                }
            }
            Action::ResetLesson => self.overlay = Some(Overlay::Confirm(Question::ResetLesson)),
            Action::Zoom => self.zoom = !self.zoom,
            Action::FlowPrev | Action::FlowNext => self.pick_flow(action == Action::FlowNext),
            Action::Menu => {
                self.ensure_course();
                self.screen = Screen::Menu;
                self.overlay = None;
            }
            Action::MenuUp => self.menu_selected = self.menu_selected.saturating_sub(1),
            Action::MenuDown => {
                self.menu_selected = (self.menu_selected + 1).min(self.course.lessons.len());
            }
            Action::Open => {
                if self.menu_selected >= self.course.lessons.len() {
                    self.open_sandbox();
                } else {
                    self.open_lesson(self.menu_selected);
                }
            }
            Action::Sandbox => self.open_sandbox(),
            Action::DemoNext => self.demo_next(now),
            Action::DemoBack => self.demo_back(now),
            Action::DemoPause => {
                if let Some(demo) = self.work.as_mut().and_then(|w| w.demo.as_mut()) {
                    demo.autoplay = !demo.autoplay;
                    demo.due = if demo.autoplay && demo.typing.is_none() {
                        Some(now + demo.delay)
                    } else {
                        demo.due.filter(|_| demo.typing.is_some())
                    };
                }
            }
        }
    }

    fn answer(&mut self, question: Question) {
        match question {
            Question::ShowSolution => {
                if let Some(work) = self.work.as_mut()
                    && let Some(lesson) = work.lesson.as_mut()
                {
                    // Classroom: the report card counts the solutions shown.
                    let id = &self.course.lessons[lesson.lesson].id;
                    self.store.step_mut(id, lesson.step).solution = true;
                    lesson.solution_shown = true;
                    self.focus = Pane::Shell;
                    if let Some(step) = self.course.lessons[lesson.lesson].steps.get(lesson.step) {
                        work.output.push(Output::Note(format!(
                            "Solution: {}",
                            step.solution.join("  then  ")
                        )));
                    }
                }
            }
            Question::ResetStep => self.reset_step(),
            Question::ResetLesson => {
                let Some(index) = self
                    .work
                    .as_ref()
                    .and_then(|w| w.lesson.as_ref())
                    .map(|l| l.lesson)
                else {
                    return;
                };
                self.open_lesson_at(index, 0);
            }
        }
    }

    fn hint(&mut self) {
        let Some(work) = &mut self.work else { return };
        let Some(state) = &mut work.lesson else {
            return;
        };
        let lesson = &self.course.lessons[state.lesson];
        // Also under the prompt, where the learner is looking.
        let profile = &self.course.profile;
        let note = match state.reveal_hint(lesson, profile) {
            Hint::Shown {
                number, of, text, ..
            } => {
                // Classroom: the report card counts them.
                self.store
                    .step_mut(&lesson.id, state.step)
                    .hints_shown(number);
                format!("Hint {number}/{of}: {text}")
            }
            Hint::Withheld { none } => {
                let key = if none {
                    "profile.no-hints"
                } else {
                    "profile.no-more-hints"
                };
                crate::i18n::trf(key, &[&profile.name])
            }
            Hint::NoHints => crate::i18n::tr("plain.no-hints").to_string(),
            Hint::NoMore => "No more hints: F3 shows the solution.".to_string(),
        };
        work.output.push(Output::Note(note));
    }

    /// Enter: run the prompt's line (or, on an empty prompt with the goal met, go on).
    pub fn submit(&mut self) {
        let line = self.prompt.take();
        if self.take_prediction(&line) {
            return;
        }
        if !is_command(&line) {
            if line.trim().is_empty()
                && self
                    .work
                    .as_ref()
                    .is_some_and(|w| w.lesson.is_some() && w.demo.is_none())
            {
                self.next_step();
            }
            return;
        }
        self.store.add_history(&line);
        if self.shell_command(line.trim()) {
            return;
        }
        self.run_line(&line);
    }

    /// The shell's own words (`help`, `why`, `clear`, `exit`, `show`): true when
    /// `line` was one. Python would raise NameError for them; a learner who
    /// types them wants the app.
    fn shell_command(&mut self, line: &str) -> bool {
        let Some(work) = &mut self.work else {
            return false;
        };
        match line {
            "help" | "help()" | "?" => self.overlay = Some(Overlay::Help { scroll: 0 }),
            "why" | "why()" => self.why(),
            "back" | "back()" => self.back_step(),
            "hint" | "hint()" => self.hint(),
            "clear" | "clear()" | "cls" => {
                work.output.clear();
                self.scroll[Pane::Shell.index()] = 0;
            }
            "exit" | "exit()" | "quit" | "quit()" | "q" => {
                work.output.push(Output::Input(line.to_string()));
                work.output.push(Output::Note(
                    "F10 goes back to the course menu; Ctrl-C quits (progress is saved).".into(),
                ));
            }
            // The linear mode's `show`: here it picks the world pane a small
            // window shows, as F7 does.
            "show browser" | "show server" | "show http" => {
                let (pane, name) = WORLD_PANES
                    .into_iter()
                    .find(|(_, name)| name.eq_ignore_ascii_case(&line[5..]))
                    .expect("a world pane's name");
                self.world_pane = pane;
                work.output.push(Output::Input(line.to_string()));
                work.output.push(Output::Note(format!(
                    "The {name} pane is shown (F7 moves between Browser, Server and HTTP)."
                )));
            }
            _ => return false,
        }
        self.touch();
        true
    }

    /// Back one step: the lesson reopened there, with that step's solution
    /// replayed so its goal is met and its explanation shows.
    fn back_step(&mut self) {
        let Some(work) = &mut self.work else { return };
        let Some(state) = work.lesson.as_ref().filter(|_| work.demo.is_none()) else {
            return;
        };
        let (index, step) = match (state.finished, state.step) {
            (true, step) => (state.lesson, step),
            (false, 0) => {
                work.output
                    .push(Output::Note("This is the first step.".into()));
                return;
            }
            (false, step) => (state.lesson, step - 1),
        };
        self.open_lesson_at(index, step);
        let solution = self.course.lessons[index].steps[step].solution.clone();
        for line in &solution {
            self.run_line(line);
        }
        if let Some(work) = &mut self.work {
            work.output.push(Output::Note(format!(
                "Back at step {} (the world rebuilt from the solutions, this one included): its explanation is in the lesson pane. Enter goes on.",
                step + 1
            )));
        }
    }

    /// Show the last explanation again: the current step's once its goal
    /// is met, or the step before's.
    fn why(&mut self) {
        let Some(work) = &mut self.work else { return };
        let Some(state) = &work.lesson else {
            work.output.push(Output::Note(
                "`why` explains a lesson step: there is none in the sandbox.".into(),
            ));
            return;
        };
        let lesson = &self.course.lessons[state.lesson];
        let index = state.explained_step();
        let Some(step) = index.and_then(|i| lesson.steps.get(i)) else {
            work.output.push(Output::Note(
                "No explanation yet: it appears once this step's goal is met.".into(),
            ));
            return;
        };
        let heading = format!("Why (step {}):", index.unwrap_or(0) + 1);
        work.output.push(Output::Note(heading));
        for paragraph in step.explanation_markdown.split("\n\n") {
            let joined = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
            if !joined.is_empty() {
                work.output.push(Output::Value(joined));
            }
        }
        self.scroll[Pane::Shell.index()] = 0;
    }

    /// While the step's question is open, the prompt takes the prediction.
    fn take_prediction(&mut self, line: &str) -> bool {
        let Some(work) = &mut self.work else {
            return false;
        };
        let Some(state) = &mut work.lesson else {
            return false;
        };
        let step = self.course.lessons[state.lesson].steps.get(state.step);
        if state.finished || work.demo.is_some() {
            return false;
        }
        let Some(note) = state
            .predicted
            .take(step.and_then(|s| s.predict.as_ref()), line)
        else {
            return false;
        };
        let id = &self.course.lessons[state.lesson].id;
        self.store
            .step_mut(id, state.step)
            .predicted(&state.predicted);
        work.output.push(Output::Note(note));
        true
    }

    /// Run one command in the world, mark what changed, check the goal.
    pub fn run_line(&mut self, line: &str) {
        self.touch();
        let Some(work) = &mut self.work else { return };
        let mut undo = Undo {
            checkpoint: work.runner.checkpoint(),
            last: work.last.take(),
            before: work.before.clone(),
            exchange: work.exchange.clone(),
            output_len: work.output.len(),
            bytes: 0,
        };
        work.before = work.runner.snapshot().clone();
        let step = work.runner.step(line);
        undo.bytes = history::entry_bytes(&work.before, &step, &work.runner.world);
        work.undo.push(undo);
        if let Some(state) = work.lesson.as_ref().filter(|s| !s.finished)
            && work.demo.is_none()
        {
            let id = &self.course.lessons[state.lesson].id;
            self.store.step_mut(id, state.step).attempts += 1;
        }
        work.flow = None;
        work.output.extend(Output::of(&step));
        work.console.extend(step.printed.iter().cloned());
        let excess = work.console.len().saturating_sub(CONSOLE_LINES);
        work.console.drain(..excess);
        work.output.extend(
            crate::tutor::notes(line, &step)
                .into_iter()
                .map(Output::Tutor),
        );
        work.output
            .extend(self.messages.drain(..).map(Output::Note));
        match &step.exchange {
            Some(x) => work.exchange = Some((x.clone(), true)),
            None => {
                if let Some((_, fresh)) = &mut work.exchange {
                    *fresh = false;
                }
            }
        }
        work.last = Some(step);
        self.scroll = FOLLOW_ALL;
        self.check_goal();
    }

    /// Evaluate the step's goal; record the step when it is newly met. A
    /// goal once met stays met until the learner moves on; the shell says
    /// when a later command undoes what it asked for.
    fn check_goal(&mut self) {
        let Some(work) = &mut self.work else { return };
        let Some(state) = &mut work.lesson else {
            return;
        };
        let lesson = &self.course.lessons[state.lesson];
        if work.demo.is_some() {
            state.recheck(lesson, &work.runner, work.last.as_ref());
            return;
        }
        match state.check(lesson, &work.runner, work.last.as_ref()) {
            Played::Met => {
                let next = if state.step + 1 == lesson.steps.len() {
                    "Enter (on an empty prompt): finish the lesson"
                } else {
                    "Enter (on an empty prompt) or F4: next step"
                };
                let why = lesson
                    .steps
                    .get(state.step)
                    .map(|s| first_sentence(&s.explanation_markdown))
                    .unwrap_or_default();
                work.output
                    .push(Output::Note(format!("✓ Goal met! {why} {next}.")));
                if let Err(e) = self.store.step_met(
                    &lesson.id,
                    state.step,
                    lesson.steps.len(),
                    work.began.elapsed().as_secs(),
                ) {
                    work.output.push(Output::Note(e));
                }
                self.scroll[Pane::Lesson.index()] = FOLLOW;
            }
            Played::Broken(labels) => work.output.push(Output::Note(format!(
                "The goal no longer holds ({}), but the step stays done: Enter or F4 goes on, Ctrl-Z takes the command back.",
                labels.join("; ")
            ))),
            Played::Same => {}
        }
    }

    fn next_step(&mut self) {
        let Some(work) = &mut self.work else { return };
        let Some(state) = &mut work.lesson else {
            return;
        };
        let lesson = &self.course.lessons[state.lesson];
        match state.advance(lesson, &work.runner) {
            Advance::Beyond => {
                let next = state.lesson + 1;
                if next < self.course.lessons.len() {
                    self.open_lesson(next);
                } else {
                    self.ensure_course();
                    self.menu_selected = self.resume_index().unwrap_or(0);
                    self.screen = Screen::Menu;
                }
                return;
            }
            Advance::NotYet(missing) => {
                work.output.push(Output::Note(format!(
                    "Not yet: still missing {}. F2 gives a hint.",
                    missing.join("; ")
                )));
                self.scroll[Pane::Shell.index()] = 0;
                return;
            }
            Advance::Finished => {
                let next = if state.lesson + 1 < self.course.lessons.len() {
                    "Enter: next lesson · F10: menu"
                } else {
                    "That was the last lesson: the course is complete. F10: menu"
                };
                work.output.push(Output::Note(format!(
                    "Lesson \"{}\" complete. {next}",
                    lesson.title
                )));
            }
            Advance::Step(step) => {
                work.began = wall_clock();
                work.output.push(Output::Note(format!(
                    "── Step {} of {} ──",
                    step + 1,
                    lesson.steps.len()
                )));
            }
        }
        self.scroll = FOLLOW_ALL;
    }

    fn undo(&mut self) {
        let Some(work) = &mut self.work else { return };
        let Some(undo) = work.undo.pop() else {
            work.output.push(Output::Note("Nothing to undo.".into()));
            return;
        };
        work.runner.restore(undo.checkpoint);
        work.last = undo.last;
        work.before = undo.before;
        work.exchange = undo.exchange;
        work.flow = None;
        work.output.truncate(undo.output_len);
        work.output.push(Output::Note("Undone.".into()));
        if let Some(state) = &mut work.lesson {
            state.recheck(
                &self.course.lessons[state.lesson],
                &work.runner,
                work.last.as_ref(),
            );
        }
    }

    fn reset_step(&mut self) {
        let Some(work) = &mut self.work else { return };
        let Some(state) = &mut work.lesson else {
            return;
        };
        work.runner = state.reset(&self.course.lessons[state.lesson]);
        work.before = work.runner.snapshot().clone();
        work.last = None;
        work.exchange = None;
        work.flow = None;
        work.undo.clear();
        work.output
            .push(Output::Note(format!("Step {} reset.", state.step + 1)));
    }

    /// Space in presenter mode: finish typing and run; or show the next
    /// step's instruction first (the class sees the question before the
    /// answer); or type the next command, which runs once typed.
    fn demo_next(&mut self, now: Instant) {
        let Some(work) = self.work.as_mut() else {
            return;
        };
        let Some(demo) = work.demo.as_mut() else {
            return;
        };
        match demo.typing {
            Some(_) => self.demo_run(now),
            None if demo.pos < demo.commands.len() => {
                let next_step = demo.commands[demo.pos].0;
                if work.lesson.as_ref().is_some_and(|l| l.step != next_step) {
                    self.demo_show_step(next_step);
                } else {
                    demo.typing = Some(0);
                    demo.due = Some(now + TYPING);
                }
            }
            None => {}
        }
    }

    /// Presenter mode: show step `index`'s instruction and goal, before its
    /// commands run.
    fn demo_show_step(&mut self, index: usize) {
        let Some(work) = &mut self.work else { return };
        let Some(state) = &mut work.lesson else {
            return;
        };
        state.show(&self.course.lessons[state.lesson], &work.runner, index);
        state.solution_shown = true;
        self.scroll = FOLLOW_ALL;
        self.touch();
    }

    fn demo_run(&mut self, now: Instant) {
        let Some(work) = &mut self.work else { return };
        let Some(demo) = &mut work.demo else { return };
        let Some((step, line)) = demo.commands.get(demo.pos).cloned() else {
            return;
        };
        demo.typing = None;
        demo.pos += 1;
        // A step's last command: give the class time to read the explanation.
        let step_done = demo.commands.get(demo.pos).is_none_or(|(s, _)| *s != step);
        let reading = if step_done {
            let words = self.course.lessons[work.lesson.as_ref().map_or(0, |l| l.lesson)]
                .steps
                .get(step)
                .map_or(0, |s| s.explanation_markdown.split_whitespace().count());
            Duration::from_millis(250 * words as u64)
        } else {
            Duration::ZERO
        };
        demo.due = demo.autoplay.then_some(now + demo.delay + reading);
        let finished = demo.pos == demo.commands.len();
        if let Some(state) = &mut work.lesson {
            state.step = step;
        }
        self.run_line(&line);
        self.demo_sync_step();
        if finished && let Some(work) = &mut self.work {
            let title = self.course.lessons[work.lesson.as_ref().map_or(0, |l| l.lesson)]
                .title
                .clone();
            work.output.push(Output::Note(format!(
                "End of the demo: every step of \"{title}\" has run. ← steps back, q quits."
            )));
        }
    }

    /// In presenter mode the lesson pane follows the command about to run.
    fn demo_sync_step(&mut self) {
        let Some(work) = &mut self.work else { return };
        let (Some(demo), Some(state)) = (&work.demo, &mut work.lesson) else {
            return;
        };
        let lesson = &self.course.lessons[state.lesson];
        // Stay on the step just run until its explanation has been seen.
        let current = demo
            .pos
            .checked_sub(1)
            .and_then(|i| demo.commands.get(i))
            .map_or(0, |c| c.0);
        state.step = current;
        state.recheck(lesson, &work.runner, work.last.as_ref());
        state.finished = demo.pos == demo.commands.len();
    }

    fn demo_back(&mut self, now: Instant) {
        let Some(work) = &mut self.work else { return };
        let Some(demo) = &mut work.demo else { return };
        if demo.typing.take().is_some() {
            demo.due = demo.autoplay.then_some(now + demo.delay);
            return;
        }
        if demo.pos == 0 {
            return;
        }
        demo.pos -= 1;
        demo.due = demo.autoplay.then_some(now + demo.delay);
        self.undo();
        if let Some(work) = &mut self.work {
            // "Undone." is for learners; the presenter's shell stays clean.
            if matches!(work.output.last(), Some(Output::Note(n)) if n == "Undone.") {
                work.output.pop();
            }
        }
        self.demo_sync_step();
    }

    /// When the app next wants to wake up without a key (presenter mode).
    pub fn deadline(&self) -> Option<Instant> {
        self.work
            .as_ref()
            .and_then(|w| w.demo.as_ref())
            .and_then(|d| d.due)
    }

    /// Time passed: type the next character, or start the next command.
    pub fn tick(&mut self, now: Instant) {
        let Some(demo) = self.work.as_mut().and_then(|w| w.demo.as_mut()) else {
            return;
        };
        let Some(due) = demo.due else { return };
        if now < due {
            return;
        }
        match demo.typing {
            Some(n) => {
                let len = demo
                    .commands
                    .get(demo.pos)
                    .map_or(0, |c| c.1.chars().count());
                if n < len {
                    demo.typing = Some(n + 1);
                    demo.due = Some(now + TYPING);
                } else {
                    // One key types and runs.
                    self.demo_run(now);
                }
            }
            None if demo.autoplay && demo.pos < demo.commands.len() => {
                let delay = demo.delay;
                let next_step = demo.commands[demo.pos].0;
                let shown = self
                    .work
                    .as_ref()
                    .and_then(|w| w.lesson.as_ref())
                    .map(|l| l.step);
                if shown != Some(next_step) {
                    self.demo_show_step(next_step);
                    if let Some(demo) = self.work.as_mut().and_then(|w| w.demo.as_mut()) {
                        demo.due = Some(now + delay);
                    }
                } else if let Some(demo) = self.work.as_mut().and_then(|w| w.demo.as_mut()) {
                    demo.typing = Some(0);
                    demo.due = Some(now + TYPING);
                }
            }
            None => demo.due = None,
        }
    }

    /// Write the typed history out now.
    pub fn flush_history(&mut self) {
        if let Err(e) = self.store.flush_history() {
            self.note(e);
        }
    }

    /// Write everything that waits to be written (on quit, suspend or a signal).
    pub fn save_all(&mut self) {
        self.flush_history();
        if self.store.dir.is_some()
            && let Err(e) = self.store.save()
        {
            self.note(e);
        }
    }

    fn note(&mut self, message: String) {
        match &mut self.work {
            Some(work) => work.output.push(Output::Note(message)),
            None => self.messages.push(message),
        }
    }

    /// The text in the prompt line: what is typed, or in presenter mode what
    /// has been typed out so far.
    pub fn prompt_text(&self) -> (String, usize) {
        if let Some(demo) = self.work.as_ref().and_then(|w| w.demo.as_ref()) {
            let text: String = match (demo.typing, demo.commands.get(demo.pos)) {
                (Some(n), Some((_, line))) => line.chars().take(n).collect(),
                _ => String::new(),
            };
            let n = text.chars().count();
            return (text, n);
        }
        (self.prompt.text(), self.prompt.cursor())
    }
}

/// The wall clock, read only by the event loop (presenter mode's typing and
/// autoplay); the world keeps its own clock.
#[allow(clippy::disallowed_methods)]
pub fn wall_clock() -> Instant {
    Instant::now()
}

/// What wakes the event loop.
#[derive(Debug)]
pub enum Input {
    Event(Event),
    /// A signal: to stop (TERM, HUP, INT, QUIT), suspend (TSTP) or resize.
    Signal(i32),
    /// The terminal is gone (end of input or hang-up).
    Closed,
}

/// What the loop asks of the terminal around the app.
pub trait Host<B: Backend> {
    /// Give the terminal back (raw mode, alternate screen and mouse off).
    fn leave(&mut self, terminal: &mut Terminal<B>);
    /// Take the terminal again after a suspension, and redraw all of it.
    fn enter(&mut self, terminal: &mut Terminal<B>);
    /// Stop the process until it is continued (SIGTSTP's default).
    fn suspend(&mut self);
}

/// Lesson text, cookie values and typed lines may hold characters that
/// reorder a line on a bidi-aware terminal; none is drawn.
pub fn drop_bidi_controls(buffer: &mut ratatui::buffer::Buffer) {
    for cell in &mut buffer.content {
        if cell.symbol().chars().any(crate::safe_text::is_bidi_control) {
            let clean = crate::safe_text::without_bidi_controls(cell.symbol()).into_owned();
            cell.set_symbol(if clean.is_empty() { " " } else { &clean });
        }
    }
}

/// How often typed history is written out while the app runs.
const HISTORY_FLUSH: Duration = Duration::from_secs(2);

/// Run the app on `terminal` until it quits. `next` waits up to the given
/// time (forever for `None`) for input. Every input is handled, in order,
/// before the next draw. Returns the signal that ended the app, if one did.
/// Progress and history are saved however it ends, a terminal error included.
pub fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    host: &mut impl Host<B>,
    next: impl FnMut(Option<Duration>) -> std::io::Result<Option<Input>>,
) -> std::io::Result<Option<i32>> {
    let result = run_until_quit(terminal, app, host, next);
    app.save_all();
    result
}

fn run_until_quit<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    host: &mut impl Host<B>,
    mut next: impl FnMut(Option<Duration>) -> std::io::Result<Option<Input>>,
) -> std::io::Result<Option<i32>> {
    let error = |e: B::Error| std::io::Error::other(e.to_string());
    let mut flushed = wall_clock();
    let mut ended_by = None;
    while !app.quit {
        terminal
            .draw(|frame| {
                app.size = frame.area();
                view::draw(app, frame);
                drop_bidi_controls(frame.buffer_mut());
            })
            .map_err(error)?;
        let now = wall_clock();
        let flush_due = app.store.history_pending().then(|| flushed + HISTORY_FLUSH);
        let due = match (app.deadline(), flush_due) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let mut wait = due.map(|d| d.saturating_duration_since(now));
        // Take whatever is already waiting before drawing again.
        while !app.quit {
            let Some(input) = next(wait)? else { break };
            wait = Some(Duration::ZERO);
            match input {
                Input::Event(event) => app.handle(&event, wall_clock()),
                Input::Signal(signal) => match signal {
                    signal_hook::consts::SIGTSTP => {
                        app.save_all();
                        host.leave(terminal);
                        host.suspend();
                        host.enter(terminal);
                        break;
                    }
                    // Continued after a stop we did not ask for (`kill -STOP`):
                    // the shell may have reset the terminal meanwhile.
                    signal_hook::consts::SIGCONT => {
                        host.enter(terminal);
                        break;
                    }
                    signal_hook::consts::SIGWINCH => {
                        terminal.autoresize().map_err(error)?;
                        break;
                    }
                    other => {
                        ended_by = Some(other);
                        app.quit = true;
                    }
                },
                Input::Closed => app.quit = true,
            }
        }
        let now = wall_clock();
        app.tick(now);
        if app.store.history_pending() && now >= flushed + HISTORY_FLUSH {
            app.flush_history();
            flushed = now;
        }
    }
    Ok(ended_by)
}

/// What to open.
#[derive(Clone, Debug)]
pub enum Start {
    Menu,
    Learn(String),
    Sandbox,
    Demo {
        id: String,
        autoplay: bool,
        delay: Duration,
    },
}

/// The app for `start`, or the words for why it cannot start. `load` reads
/// the lessons; the sandbox starts at once and reads them when the menu opens.
pub fn app_for<F>(start: &Start, load: F, theme: Theme, now: Instant) -> Result<App, String>
where
    F: FnOnce() -> Result<crate::lesson::Course, String> + 'static,
{
    let (course, loader) = match start {
        Start::Sandbox => (Course::default(), Some(Box::new(load) as Loader)),
        _ => (load()?, None),
    };
    let (store, messages) = Store::open(progress::data_dir());
    let mut app = App::new(course, store, messages, theme, 0);
    if let Some(loader) = loader {
        app.load_course_later(loader);
    }
    match start {
        Start::Menu => {}
        Start::Sandbox => app.open_sandbox(),
        Start::Learn(id) => {
            let i = app.course.find_or_explain(id)?;
            app.open_lesson(i);
        }
        Start::Demo {
            id,
            autoplay,
            delay,
        } => {
            let i = app.course.find_or_explain(id)?;
            app.open_demo(i, *autoplay, *delay, now);
        }
    }
    Ok(app)
}

/// The first sentence of a Markdown explanation, without its marks, for
/// the shell's "goal met" line.
fn first_sentence(markdown: &str) -> String {
    let text = markdown.split_whitespace().collect::<Vec<_>>().join(" ");
    let end = text
        .match_indices(". ")
        .map(|(i, _)| i + 1)
        .next()
        .unwrap_or(text.len());
    let sentence: String = text[..end]
        .chars()
        .filter(|c| !matches!(c, '*' | '_'))
        .collect();
    if sentence.chars().count() > 160 {
        String::new()
    } else {
        sentence
    }
}

/// Run the interactive app in the real terminal.
pub fn main<F>(start: &Start, load: F, theme: Option<&str>) -> Result<(), String>
where
    F: FnOnce() -> Result<crate::lesson::Course, String> + 'static,
{
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(
            "the interactive course needs a terminal (standard input and output are not one). \
To run commands without the interface, use `sessionlab run FILE` (or `-` for standard input)."
                .into(),
        );
    }
    let mut app = app_for(start, load, Theme::from_env(theme), wall_clock())?;
    let (sender, inputs) = std::sync::mpsc::channel();
    let signals = live::watch_signals(sender.clone())
        .map_err(|e| format!("cannot watch for signals: {e}"))?;
    let mut terminal =
        ratatui::try_init().map_err(|e| format!("cannot set up the terminal: {e}"))?;
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        live::release_extras();
        hook(info);
    }));
    live::enable_extras();
    live::read_keys(sender);
    let result = run(&mut terminal, &mut app, &mut live::Live, |wait| {
        Ok(match wait {
            Some(d) => inputs.recv_timeout(d).ok(),
            None => inputs.recv().ok().or(Some(Input::Closed)),
        })
    });
    live::restore();
    signals.close();
    match result {
        // Die of the signal, as the shell expects, now that all is saved.
        Ok(Some(signal)) => {
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            std::process::exit(128 + signal);
        }
        Ok(None) => Ok(()),
        // The terminal went away mid-draw: everything is saved; nothing to say.
        Err(_) if rustix::termios::tcgetattr(std::io::stdin()).is_err() => Ok(()),
        Err(e) => Err(format!("terminal error: {e}")),
    }
}

/// The real terminal: the threads that read keys and signals, and what the
/// app turns on beyond ratatui's raw mode and alternate screen.
mod live {
    use std::sync::mpsc::Sender;
    use std::time::Duration;

    use crossterm::event::{Event, KeyCode, KeyModifiers};
    use ratatui::DefaultTerminal;
    use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP, SIGWINCH};
    use signal_hook::iterator::{Handle, Signals};

    use super::{Host, Input};
    use crate::sim::budget;

    /// Mouse scrolling and bracketed paste.
    pub fn enable_extras() {
        let _ = crossterm::execute!(
            std::io::stdout(),
            crossterm::event::EnableMouseCapture,
            crossterm::event::EnableBracketedPaste
        );
    }

    /// Give the terminal back. Unlike `ratatui::restore`, this says nothing
    /// when the terminal is already gone (printing then would abort).
    pub fn restore() {
        release_extras();
        let _ = crossterm::terminal::disable_raw_mode();
        let _ = crossterm::execute!(
            std::io::stdout(),
            crossterm::terminal::LeaveAlternateScreen,
            crossterm::cursor::Show
        );
    }

    pub fn release_extras() {
        let _ = crossterm::execute!(
            std::io::stdout(),
            crossterm::event::DisableMouseCapture,
            crossterm::event::DisableBracketedPaste
        );
    }

    /// Forward signals to the loop. The ones that end the app also stop a
    /// command that is running, so that the loop sees them at once.
    pub fn watch_signals(sender: Sender<Input>) -> std::io::Result<Handle> {
        let mut signals =
            Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGTSTP, SIGCONT, SIGWINCH])?;
        let handle = signals.handle();
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                for signal in signals.forever() {
                    if matches!(signal, SIGTERM | SIGHUP | SIGINT | SIGQUIT) {
                        budget::interrupt();
                    }
                    if sender.send(Input::Signal(signal)).is_err() {
                        break;
                    }
                }
            })?;
        Ok(handle)
    }

    /// Read terminal events on their own thread, so that none is lost while a
    /// command runs, and Ctrl-C can stop the command.
    pub fn read_keys(sender: Sender<Input>) {
        let _ = std::thread::Builder::new()
            .name("keys".into())
            .spawn(move || {
                loop {
                    match wait_for_input() {
                        Ready::Idle => continue,
                        Ready::Closed => {
                            let _ = sender.send(Input::Closed);
                            return;
                        }
                        Ready::Bytes => {}
                    }
                    // (crossterm reads nothing for a zero timeout.)
                    while let Ok(true) = crossterm::event::poll(Duration::from_millis(1)) {
                        let Ok(event) = crossterm::event::read() else {
                            let _ = sender.send(Input::Closed);
                            return;
                        };
                        if let Event::Key(key) = &event
                            && key.code == KeyCode::Char('c')
                            && key.modifiers.contains(KeyModifiers::CONTROL)
                        {
                            budget::interrupt();
                        }
                        if sender.send(Input::Event(event)).is_err() {
                            return;
                        }
                    }
                }
            });
    }

    enum Ready {
        Bytes,
        Idle,
        Closed,
    }

    /// Wait (a while) for bytes on the terminal. crossterm reads a closed
    /// terminal's end of input forever at full speed, so it is only asked
    /// once there are bytes to read.
    fn wait_for_input() -> Ready {
        use rustix::event::{PollFd, PollFlags, Timespec, poll};
        let stdin = std::io::stdin();
        let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
        let timeout = Timespec {
            tv_sec: 0,
            tv_nsec: 250_000_000,
        };
        match poll(&mut fds, Some(&timeout)) {
            Ok(0) => Ready::Idle,
            Ok(_) => {
                let revents = fds[0].revents();
                if revents.intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL) {
                    return Ready::Closed;
                }
                match rustix::io::ioctl_fionread(&stdin) {
                    Ok(0) | Err(_) => Ready::Closed,
                    Ok(_) => Ready::Bytes,
                }
            }
            Err(rustix::io::Errno::INTR) => Ready::Idle,
            Err(_) => Ready::Closed,
        }
    }

    /// The terminal the app runs in.
    pub struct Live;

    impl Host<ratatui::backend::CrosstermBackend<std::io::Stdout>> for Live {
        fn leave(&mut self, _terminal: &mut DefaultTerminal) {
            restore();
        }

        fn enter(&mut self, terminal: &mut DefaultTerminal) {
            let _ = crossterm::terminal::enable_raw_mode();
            let _ =
                crossterm::execute!(std::io::stdout(), crossterm::terminal::EnterAlternateScreen);
            enable_extras();
            // Draw everything afresh; `Terminal::clear` would ask the
            // terminal where its cursor is and wait for the answer.
            let _ = crossterm::execute!(
                std::io::stdout(),
                crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
            );
            terminal.swap_buffers();
        }

        fn suspend(&mut self) {
            let _ = signal_hook::low_level::emulate_default_handler(SIGTSTP);
        }
    }
}
