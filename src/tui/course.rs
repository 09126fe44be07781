//! The course as the interface sees it: a thin adapter over `crate::lesson`,
//! so the screens do not depend on how lessons are stored (tests build
//! courses of their own).

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
}

impl From<crate::lesson::Course> for Course {
    fn from(course: crate::lesson::Course) -> Self {
        let lessons = course
            .lessons
            .into_iter()
            .map(|l| {
                let start = l.clone();
                let steps = l
                    .steps
                    .into_iter()
                    .map(|s| {
                        let goal = s.goal;
                        let mut step =
                            LessonStep::new(s.instruction_markdown, move |runner, last| {
                                goal.evaluate(runner, last)
                                    .into_iter()
                                    .map(|c| Condition {
                                        holds: c.holds,
                                        label: c.label,
                                        now: c.now,
                                    })
                                    .collect()
                            });
                        step.hints = s.hints;
                        step.solution = s.solution;
                        step.explanation_markdown = s.explanation_markdown;
                        step
                    })
                    .collect();
                let mut lesson = Lesson::new(&l.id, &l.title, move |seed| start.world(seed));
                lesson.summary = l.summary;
                lesson.body_markdown = l.body_markdown;
                lesson.steps = steps;
                lesson
            })
            .collect();
        Self { lessons }
    }
}
