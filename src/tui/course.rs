//! The course as the interface sees it: a thin adapter, so the screens do not
//! depend on how lessons are stored. [`Course::builtin`] is a small built-in
//! course; lesson files convert into the same shapes.

use std::rc::Rc;

use crate::runner::{Runner, Step};
use crate::sim::World;

/// One condition of a goal, as the lesson pane shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub holds: bool,
    pub label: String,
    /// What the world shows now, for the "still missing" line.
    pub now: String,
}

type GoalFn = Rc<dyn Fn(&Runner, Option<&Step>) -> Vec<Condition>>;
type WorldFn = Rc<dyn Fn(u64) -> World>;

/// One step of a lesson.
#[derive(Clone)]
pub struct LessonStep {
    pub instruction_markdown: String,
    pub hints: Vec<String>,
    pub solution: Vec<String>,
    pub explanation_markdown: String,
    goal: GoalFn,
}

impl LessonStep {
    /// A step whose goal is `goal`.
    pub fn new(
        instruction_markdown: impl Into<String>,
        goal: impl Fn(&Runner, Option<&Step>) -> Vec<Condition> + 'static,
    ) -> Self {
        Self {
            instruction_markdown: instruction_markdown.into(),
            hints: Vec::new(),
            solution: Vec::new(),
            explanation_markdown: String::new(),
            goal: Rc::new(goal),
        }
    }

    /// The goal's conditions in the world as it stands.
    pub fn evaluate(&self, runner: &Runner, last: Option<&Step>) -> Vec<Condition> {
        (self.goal)(runner, last)
    }
}

impl std::fmt::Debug for LessonStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LessonStep")
            .field("instruction_markdown", &self.instruction_markdown)
            .finish_non_exhaustive()
    }
}

/// One lesson.
#[derive(Clone)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub steps: Vec<LessonStep>,
    world: WorldFn,
}

impl Lesson {
    /// A lesson starting from `world(seed)`.
    pub fn new(id: &str, title: &str, world: impl Fn(u64) -> World + 'static) -> Self {
        Self {
            id: id.into(),
            title: title.into(),
            summary: String::new(),
            body_markdown: String::new(),
            steps: Vec::new(),
            world: Rc::new(world),
        }
    }

    /// The world the lesson starts in.
    pub fn world(&self, seed: u64) -> World {
        (self.world)(seed)
    }
}

impl std::fmt::Debug for Lesson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lesson")
            .field("id", &self.id)
            .field("steps", &self.steps.len())
            .finish_non_exhaustive()
    }
}

/// The lessons, in order.
#[derive(Clone, Debug, Default)]
pub struct Course {
    pub lessons: Vec<Lesson>,
}

impl Course {
    /// The lesson with this id.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.lessons.iter().position(|l| l.id == id)
    }

    /// The course built into the binary.
    pub fn builtin() -> Self {
        Self {
            lessons: vec![first_session()],
        }
    }
}

/// The course: the built-in one, or the lessons in `dir`.
pub fn load(dir: Option<&std::path::Path>) -> Result<Course, String> {
    match dir {
        None => Ok(Course::builtin()),
        Some(dir) => Err(format!(
            "cannot load lessons from {}: this build reads only its built-in course",
            dir.display()
        )),
    }
}

fn cond(holds: bool, label: &str, now: impl Into<String>) -> Condition {
    Condition {
        holds,
        label: label.into(),
        now: now.into(),
    }
}

fn has_cookie(runner: &Runner, name: &str) -> bool {
    runner.world.jar().iter().any(|c| c.name == name)
}

fn first_session() -> Lesson {
    let mut lesson = Lesson::new("first-session", "Your first session", World::new);
    lesson.summary =
        "Store a value in the session and watch the cookie and the table row appear.".into();
    lesson.body_markdown =
        "A **session** keeps data on the server and gives the browser only a key, in a cookie \
named `sessionid`."
            .into();
    let mut store = LessonStep::new(
        "Store the visitor's name in the session:\n\n`request.session['name'] = 'Ada'`",
        |runner, _| {
            let stored = runner
                .world
                .store()
                .iter()
                .any(|s| s.data.get_str("name").is_some());
            let jar = runner.world.jar();
            vec![
                cond(
                    stored,
                    "a session in the store holds 'name'",
                    format!("{} sessions", runner.world.store().len()),
                ),
                cond(
                    has_cookie(runner, "sessionid"),
                    "the browser has a sessionid cookie",
                    format!("{} cookies", jar.len()),
                ),
            ]
        },
    );
    store.hints = vec![
        "View code reads and writes `request.session` like a dict.".into(),
        "Assign with `request.session['name'] = 'Ada'`.".into(),
    ];
    store.solution = vec!["request.session['name'] = 'Ada'".into()];
    store.explanation_markdown = "The middleware saved the session in `django_session` and sent \
`Set-Cookie: sessionid=…` with the new key. The cookie holds only the key; the name stays on the server."
        .into();
    let mut close = LessonStep::new(
        "Close the browser with `browser close`. Does the cookie survive?",
        |runner, last| {
            let closed = last.is_some_and(|s| s.input == "browser close");
            vec![
                cond(
                    closed,
                    "the browser was closed",
                    last.map_or("nothing run yet".into(), |s| s.input.clone()),
                ),
                cond(
                    has_cookie(runner, "sessionid"),
                    "the sessionid cookie is still there",
                    "",
                ),
            ]
        },
    );
    close.hints = vec!["Type `browser close`.".into()];
    close.solution = vec!["browser close".into()];
    close.explanation_markdown =
        "The cookie has `Max-Age=1209600` (two weeks), so closing the browser keeps it: \
only cookies without an expiry are dropped."
            .into();
    let mut expire = LessonStep::new("Let three weeks pass: `clock +3w`.", |runner, _| {
        vec![cond(
            !has_cookie(runner, "sessionid"),
            "the sessionid cookie has expired",
            "",
        )]
    });
    expire.hints = vec!["`clock +3w` moves the clock three weeks on.".into()];
    expire.solution = vec!["clock +3w".into()];
    expire.explanation_markdown =
        "The browser dropped the expired cookie; the row stays in `django_session` \
until `manage.py clearsessions` removes it."
            .into();
    lesson.steps = vec![store, close, expire];
    lesson
}
