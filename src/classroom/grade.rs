//! Grades in the formats teachers' tools read: Gradescope's `results.json`
//! (`score`, `max_score`, `tests` with `name`, `score`, `max_score`,
//! `status`, `output`), plain JSON, and CSV (one row a student, for a
//! spreadsheet). A grade comes from a learner's progress (a step is a point;
//! with a profile where predictions count, a right prediction is one more),
//! or from a submitted transcript replayed against an exercise's goals.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Value as Json, json};

use super::portable::Exported;
use super::report::Totals;
use crate::i18n::trf;
use crate::lesson::play::unmet_labels;
use crate::lesson::{Course, Lesson};
use crate::runner::Runner;
use crate::transcript::JsonTranscript;

/// One graded item: a lesson, or an exercise's step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Test {
    pub name: String,
    pub score: f64,
    pub max_score: f64,
    /// `passed` or `failed`, as Gradescope reads it.
    pub status: &'static str,
    pub output: String,
    /// The lesson's figures (for JSON and CSV; not in Gradescope's file).
    #[serde(skip)]
    pub id: String,
}

impl Test {
    fn new(id: &str, name: String, score: f64, max_score: f64, output: String) -> Self {
        Test {
            name,
            score,
            max_score,
            status: if score >= max_score {
                "passed"
            } else {
                "failed"
            },
            output,
            id: id.to_string(),
        }
    }
}

/// One student's results.
#[derive(Clone, Debug, PartialEq)]
pub struct Grade {
    pub student: String,
    pub course: String,
    pub profile: String,
    pub tests: Vec<Test>,
}

impl Grade {
    /// `student`'s grade in `course` under its profile.
    fn new(course: &Course, student: &str, tests: Vec<Test>) -> Self {
        Self {
            student: student.to_string(),
            course: course.info.id.clone(),
            profile: course.profile.name.clone(),
            tests,
        }
    }

    pub fn score(&self) -> f64 {
        self.tests.iter().map(|t| t.score).sum()
    }

    pub fn max_score(&self) -> f64 {
        self.tests.iter().map(|t| t.max_score).sum()
    }

    /// Whether every test passed.
    pub fn passed(&self) -> bool {
        self.tests.iter().all(|t| t.status == "passed")
    }

    /// Gradescope's `results.json`.
    pub fn gradescope(&self) -> Json {
        json!({
            "score": self.score(),
            "max_score": self.max_score(),
            "output": format!("{} · {} · profile {}", self.student, self.course, self.profile),
            "tests": self.tests,
        })
    }

    /// The plain JSON form: the Gradescope fields with the student, course,
    /// profile and each test's lesson id.
    pub fn json(&self) -> Json {
        let tests: Vec<Json> = self
            .tests
            .iter()
            .map(|t| {
                json!({"id": t.id, "name": t.name, "score": t.score,
                       "max_score": t.max_score, "status": t.status, "output": t.output})
            })
            .collect();
        json!({
            "student": self.student,
            "course": self.course,
            "profile": self.profile,
            "score": self.score(),
            "max_score": self.max_score(),
            "tests": tests,
        })
    }
}

/// The grade of a learner's progress in `course`: one test per required lesson.
pub fn from_progress(course: &Course, progress: &Exported, student: &str) -> Grade {
    let tests = course
        .lessons
        .iter()
        .filter(|l| course.info.is_required(&l.id))
        .map(|lesson| {
            let p = progress
                .lessons
                .get(&lesson.id)
                .cloned()
                .unwrap_or_default();
            let totals = Totals::of(&p, lesson.steps.len());
            let questions = lesson.steps.iter().filter(|s| s.predict.is_some()).count();
            let (bonus, bonus_max) = if course.profile.predictions_count {
                (totals.predictions_right, questions)
            } else {
                (0, 0)
            };
            let output = format!(
                "{}; {}",
                trf(
                    "grade.lesson",
                    &[
                        &lesson.title,
                        &totals.done.to_string(),
                        &totals.steps.to_string()
                    ]
                ),
                trf(
                    "grade.extra",
                    &[
                        &totals.hints.to_string(),
                        &totals.solutions.to_string(),
                        &totals.predictions_right.to_string(),
                        &totals.predictions.to_string()
                    ]
                )
            );
            Test::new(
                &lesson.id,
                format!("{} ({})", lesson.title, lesson.id),
                count(totals.done + bonus),
                count(totals.steps + bonus_max),
                output,
            )
        })
        .collect();
    Grade::new(course, student, tests)
}

#[allow(clippy::cast_precision_loss)]
fn count(n: usize) -> f64 {
    n as f64
}

/// Grade a transcript (`sessionlab run --json` output) of `lesson`: its
/// commands are replayed from the lesson's starting world, each line must be
/// what its command does there, and each step's goal must be met in order
/// (one step a command, as in the app). One test a step.
pub fn from_transcript(lesson: &Lesson, text: &str, student: &str, course: &Course) -> Grade {
    let mut runner = Runner::new(lesson.world(0));
    let mut transcript = JsonTranscript::new();
    let mut reached = 0;
    let mut problem: Option<String> = None;
    let mut last = None;
    for (n, raw) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let theirs: Json = match serde_json::from_str(raw) {
            Ok(v) => v,
            Err(e) => {
                problem = Some(format!("line {} is not JSON: {e}", n + 1));
                break;
            }
        };
        let Some(input) = theirs.get("input").and_then(Json::as_str) else {
            problem = Some(format!("line {} has no \"input\"", n + 1));
            break;
        };
        let number = theirs
            .get("line")
            .and_then(Json::as_u64)
            .and_then(|l| usize::try_from(l).ok())
            .unwrap_or(n + 1);
        let step = runner.step(input);
        let ours: Json =
            serde_json::from_str(&transcript.line(number, &step, &runner.world.server))
                .unwrap_or(Json::Null);
        if ours != theirs {
            problem = Some(trf(
                "grade.transcript-differs",
                &[&number.to_string(), input],
            ));
            break;
        }
        if let Some(goal) = lesson.steps.get(reached).map(|s| &s.goal)
            && goal.met(&runner, Some(&step))
        {
            reached += 1;
        }
        last = Some(step);
    }
    let tests = lesson
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let name = format!("{} {}: {}", lesson.id, i + 1, step.title);
            let output = if i < reached {
                String::new()
            } else if let Some(problem) = problem.as_ref().filter(|_| i == reached) {
                problem.clone()
            } else {
                let missing = unmet_labels(&step.evaluate(&runner, last.as_ref()));
                trf(
                    "grade.transcript-missing",
                    &[&(i + 1).to_string(), &step.title, &missing.join("; ")],
                )
            };
            Test::new(
                &lesson.id,
                name,
                count(usize::from(i < reached)),
                1.0,
                output,
            )
        })
        .collect();
    Grade::new(course, student, tests)
}

/// Several students as CSV, one row each: student, course, profile, score,
/// max_score, then each test's score under its id.
pub fn csv(grades: &[Grade]) -> String {
    let mut ids: Vec<&str> = Vec::new();
    for g in grades {
        for t in &g.tests {
            if !ids.contains(&t.id.as_str()) {
                ids.push(&t.id);
            }
        }
    }
    let mut out = String::from("student,course,profile,score,max_score");
    for id in &ids {
        out.push(',');
        out.push_str(&field(id));
    }
    out.push('\n');
    for g in grades {
        let _ = write!(
            out,
            "{},{},{},{},{}",
            field(&g.student),
            field(&g.course),
            field(&g.profile),
            g.score(),
            g.max_score()
        );
        for id in &ids {
            let score: f64 = g
                .tests
                .iter()
                .filter(|t| t.id == *id)
                .map(|t| t.score)
                .sum();
            let _ = write!(out, ",{score}");
        }
        out.push('\n');
    }
    out
}

/// A CSV field, quoted when it must be; a leading `=`, `+`, `-` or `@` is
/// kept from being read as a spreadsheet formula.
fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("=1+1"), "'=1+1");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
