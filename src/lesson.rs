//! Lessons: Markdown files with TOML front matter and steps, each step with
//! a goal over the world, hints, a solution and an explanation. The course is
//! embedded in the binary; `sessionlab check` proves every lesson by running
//! its solutions through the [`Runner`](crate::runner::Runner).
//!
//! The format is documented for teachers in `lessons/README.md`.

pub mod check;
pub mod embedded;
pub mod goal;
pub mod load;
pub mod play;
pub mod predict;
pub mod profile;
pub mod translate;

use std::fmt;
use std::path::Path;

use crate::runner::{Runner, Step};
use crate::sim::World;
use crate::sim::world::StartWorld;

pub use check::check_course;
pub use goal::{Condition, ConditionStatus, Goal};

/// A problem found in a lesson file, at `file:line:column`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Finding {
    /// A finding at a place in `file`.
    pub fn new(file: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// One lesson.
#[derive(Clone, Debug)]
pub struct Lesson {
    /// The file stem, e.g. `01-what-is-a-cookie`.
    pub id: String,
    pub title: String,
    pub summary: String,
    /// The prose before the first step.
    pub body_markdown: String,
    /// The world the lesson starts from.
    pub start: StartWorld,
    pub steps: Vec<LessonStep>,
    /// Where the lesson came from, as findings name it (`lessons/01-x.md`).
    pub path: String,
}

/// One step of a lesson.
#[derive(Clone, Debug)]
pub struct LessonStep {
    /// The text after `## Step:`.
    pub title: String,
    pub instruction_markdown: String,
    pub goal: Goal,
    /// Hints, each more concrete than the one before.
    pub hints: Vec<String>,
    /// Commands that reach the goal, one a line.
    pub solution: Vec<String>,
    /// Shown once the goal is met: why it happened.
    pub explanation_markdown: String,
    /// The question asked before the step's command, if any.
    pub predict: Option<predict::Predict>,
    /// `### If you predicted KEY` sections, by key (a choice, `right`, `wrong`).
    pub feedback: std::collections::BTreeMap<String, String>,
    /// `### Notes`: for the teacher only (presenter mode, `check --notes`).
    pub notes_markdown: String,
    /// Where the pieces are in the file (1-based lines).
    pub lines: StepLines,
}

/// Line numbers of a step's pieces, for findings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepLines {
    /// The `## Step:` heading.
    pub heading: usize,
    /// The ```` ```goal ```` fence.
    pub goal: usize,
    /// Each hint's opening fence.
    pub hints: Vec<usize>,
    /// Each solution command's line and the column where it starts.
    pub solution: Vec<(usize, usize)>,
    /// The `### Why` heading.
    pub explanation: usize,
    /// Each `### If you predicted KEY` heading.
    pub feedback: Vec<(String, usize)>,
}

impl LessonStep {
    /// The goal's conditions in the world as it stands.
    pub fn evaluate(&self, runner: &Runner, last: Option<&Step>) -> Vec<ConditionStatus> {
        self.goal.evaluate(runner, last)
    }
}

impl Lesson {
    /// The world the lesson starts from, keys drawn from `seed`. Loading
    /// checked that it can be built; should it fail, a default world is used.
    pub fn world(&self, seed: u64) -> World {
        World::build(&self.start, seed).unwrap_or_else(|_| World::new(seed))
    }
}

/// The lessons, in order.
#[derive(Clone, Debug, Default)]
pub struct Course {
    pub lessons: Vec<Lesson>,
    /// What `course.toml` says (id, title, required lessons, profiles).
    pub info: profile::CourseInfo,
    /// The profile in force.
    pub profile: profile::Profile,
    /// Translated lessons by language (`lessons/fr/*.md`).
    pub translations: std::collections::BTreeMap<String, Vec<Lesson>>,
}

impl Course {
    /// The course a command works on: the folder's (with its `course.toml`)
    /// or the embedded one, in the chosen language, with the chosen profile.
    pub fn open(dir: Option<&Path>) -> Result<Course, Vec<Finding>> {
        let mut course = match dir {
            Some(dir) => Course::load_dir(dir)?,
            None => Course::embedded()?,
        };
        profile::apply_choice(&mut course)?;
        Ok(translate::localized(course, crate::i18n::current()))
    }

    /// [`Course::find`], or what to say when no lesson answers to `id`.
    pub fn find_or_explain(&self, id: &str) -> Result<usize, String> {
        self.find(id).ok_or_else(|| {
            let ids: Vec<&str> = self.lessons.iter().map(|l| l.id.as_str()).collect();
            format!(
                "there is no lesson {id:?}; the lessons are: {}",
                ids.join(", ")
            )
        })
    }

    /// Where the lesson with this id stands in the course.
    /// A lesson by id, by its number in the menu (`7`, `07`), by a prefix
    /// that names one lesson (`07-when`), or by its file name (`….md`).
    pub fn find(&self, id: &str) -> Option<usize> {
        let id = id.trim();
        let id = id.strip_suffix(".md").unwrap_or(id);
        if let Some(i) = self.lessons.iter().position(|l| l.id == id) {
            return Some(i);
        }
        if let Ok(n) = id.parse::<usize>() {
            return n.checked_sub(1).filter(|&i| i < self.lessons.len());
        }
        let mut matches = self
            .lessons
            .iter()
            .enumerate()
            .filter(|(_, l)| l.id.starts_with(id));
        match (matches.next(), matches.next()) {
            (Some((i, _)), None) if !id.is_empty() => Some(i),
            _ => None,
        }
    }

    /// The course compiled into the binary.
    pub fn embedded() -> Result<Course, Vec<Finding>> {
        let mut course = Course::from_files(
            embedded::FILES
                .iter()
                .map(|(name, text)| (format!("lessons/{name}"), text.to_string())),
        )?;
        for (lang, name, text) in embedded::TRANSLATIONS {
            let lesson = load::parse_lesson(&format!("lessons/{lang}/{name}"), text)?;
            course
                .translations
                .entry((*lang).to_string())
                .or_default()
                .push(lesson);
        }
        Ok(course)
    }

    /// Every lesson file (`*.md` except `README.md`) in a folder, in file-name order.
    pub fn load_dir(path: impl AsRef<Path>) -> Result<Course, Vec<Finding>> {
        let path = path.as_ref();
        let files = lesson_files(path)
            .map_err(|message| vec![Finding::new(&path.display().to_string(), 1, 1, message)])?;
        let mut course = Course::load_files(&files)?;
        profile::attach(&mut course, path)?;
        translate::load_dir(&mut course, path)?;
        Ok(course)
    }

    /// Lesson files read from disk, in the order given.
    pub fn load_files(paths: &[impl AsRef<Path>]) -> Result<Course, Vec<Finding>> {
        let mut files = Vec::new();
        let mut findings = Vec::new();
        for path in paths {
            let path = path.as_ref();
            let name = path.display().to_string();
            match crate::files::read_capped(path, MAX_LESSON_BYTES) {
                Err(e) => findings.push(Finding::new(
                    &name,
                    1,
                    1,
                    format!("cannot read this lesson: {e}"),
                )),
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => files.push((name, text)),
                    Err(e) => {
                        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
                        findings.push(Finding::new(
                            &name,
                            line,
                            1,
                            "this is not UTF-8 text; save the lesson as UTF-8",
                        ));
                    }
                },
            }
        }
        match Course::from_files(files) {
            Ok(course) if findings.is_empty() => Ok(course),
            Ok(_) => Err(findings),
            Err(more) => {
                findings.extend(more);
                Err(findings)
            }
        }
    }

    /// Lessons from (display name, text) pairs: every file is read, and all
    /// findings come back together.
    pub fn from_files(
        files: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Course, Vec<Finding>> {
        let mut lessons = Vec::new();
        let mut findings = Vec::new();
        for (name, text) in files {
            match load::parse_lesson(&name, &text) {
                Ok(lesson) => lessons.push(lesson),
                Err(mut f) => findings.append(&mut f),
            }
        }
        if findings.is_empty() {
            Ok(Course {
                lessons,
                ..Course::default()
            })
        } else {
            Err(findings)
        }
    }

    /// The lesson with this id.
    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }
}

/// The largest lesson file read.
pub const MAX_LESSON_BYTES: u64 = 1 << 20;

/// The lesson files of a folder, sorted by name: regular files, or links to
/// regular files inside the folder (a link out of it is not followed).
pub fn lesson_files(dir: &Path) -> Result<Vec<std::path::PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read the lesson folder: {e}"))?;
    let inside = dir.canonicalize().ok();
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .filter(|e| match e.file_type() {
            Ok(t) if t.is_file() => true,
            Ok(t) if t.is_symlink() => e.path().canonicalize().is_ok_and(|target| {
                target.is_file() && inside.as_ref().is_some_and(|d| target.starts_with(d))
            }),
            _ => false,
        })
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "md")
                && p.file_name().is_some_and(|n| n != "README.md")
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err("no lesson files (*.md other than README.md) in this folder".into());
    }
    Ok(files)
}
