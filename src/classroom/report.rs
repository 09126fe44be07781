//! The report card: per lesson and step, whether it is done, the commands
//! typed, hints revealed, whether the solution was shown, the prediction and
//! whether it was right, and the time spent. The records live in the progress
//! file (version 2) and merge the way the file does: nothing ever goes down.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::i18n::{tr, trf};
use crate::lesson::Course;
use crate::progress::{LessonProgress, Progress};

/// What the learner did in one step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StepRecord {
    pub done: bool,
    /// Commands typed in the step.
    pub attempts: u32,
    /// Hints revealed (the most at once).
    pub hints: u32,
    /// The solution was shown.
    pub solution: bool,
    /// The first prediction made for the step's question.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prediction: Option<PredictionRecord>,
    /// Seconds spent in the step.
    pub seconds: u64,
}

/// A prediction as recorded: what was guessed and whether it was right.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PredictionRecord {
    pub guess: String,
    pub right: bool,
}

impl StepRecord {
    /// Note that `shown` hints of the step have been revealed.
    pub fn hints_shown(&mut self, shown: usize) {
        self.hints = self.hints.max(u32::try_from(shown).unwrap_or(u32::MAX));
    }

    /// Keep the step's first prediction.
    pub fn predicted(&mut self, asked: &crate::lesson::predict::Asked) {
        if let crate::lesson::predict::Asked::Answered(p) = asked {
            self.prediction.get_or_insert_with(|| PredictionRecord {
                guess: p.guess.clone(),
                right: p.right,
            });
        }
    }

    /// Take in another copy of the same step (another window, another
    /// machine): the larger count, either flag, the first prediction. Merging
    /// the same file twice changes nothing.
    pub fn merge(&mut self, theirs: &StepRecord) {
        self.done |= theirs.done;
        self.attempts = self.attempts.max(theirs.attempts);
        self.hints = self.hints.max(theirs.hints);
        self.solution |= theirs.solution;
        if self.prediction.is_none() {
            self.prediction.clone_from(&theirs.prediction);
        }
        self.seconds = self.seconds.max(theirs.seconds);
    }
}

/// Merge step records position by position.
pub fn merge_steps(ours: &mut Vec<StepRecord>, theirs: &[StepRecord]) {
    if ours.len() < theirs.len() {
        ours.resize_with(theirs.len(), StepRecord::default);
    }
    for (o, t) in ours.iter_mut().zip(theirs) {
        o.merge(t);
    }
}

/// The sums over a lesson's steps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub done: usize,
    pub steps: usize,
    pub attempts: u64,
    pub hints: u64,
    pub solutions: usize,
    pub predictions: usize,
    pub predictions_right: usize,
    pub seconds: u64,
}

impl Totals {
    /// A lesson's totals from its progress (`steps` is the lesson's length).
    pub fn of(progress: &LessonProgress, steps: usize) -> Self {
        let records = &progress.steps;
        let done_records = records.iter().take(steps).filter(|s| s.done).count();
        Totals {
            done: progress.done.min(steps).max(done_records),
            steps,
            attempts: records.iter().map(|s| u64::from(s.attempts)).sum(),
            hints: records.iter().map(|s| u64::from(s.hints)).sum(),
            solutions: records.iter().filter(|s| s.solution).count(),
            predictions: records.iter().filter(|s| s.prediction.is_some()).count(),
            predictions_right: records
                .iter()
                .filter(|s| s.prediction.as_ref().is_some_and(|p| p.right))
                .count(),
            seconds: records.iter().map(|s| s.seconds).sum(),
        }
    }

    /// One line of figures: `4 commands · 1 hint · 0 solutions · ...`.
    pub fn figures(&self) -> String {
        let mut out = trf(
            "report.figures",
            &[
                &self.attempts.to_string(),
                &self.hints.to_string(),
                &self.solutions.to_string(),
            ],
        );
        if self.predictions > 0 {
            out.push_str(" · ");
            out.push_str(&trf(
                "report.predictions",
                &[
                    &self.predictions_right.to_string(),
                    &self.predictions.to_string(),
                ],
            ));
        }
        if self.seconds > 0 {
            out.push_str(" · ");
            out.push_str(&crate::transcript::duration_text(
                i64::try_from(self.seconds).unwrap_or(i64::MAX),
            ));
        }
        out
    }
}

/// The short mark the course menu shows beside a lesson with any record.
pub fn menu_mark(progress: &LessonProgress, steps: usize) -> Option<String> {
    if progress.steps.is_empty() {
        return None;
    }
    Some(Totals::of(progress, steps).figures())
}

/// The report card as text, one lesson a line and its steps under it.
pub fn card(course: &Course, progress: &Progress) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        trf(
            "report.heading",
            &[&course.info.title, &course.profile.name]
        )
    );
    for (i, lesson) in course.lessons.iter().enumerate() {
        let p = progress.lesson(&lesson.id);
        let totals = Totals::of(&p, lesson.steps.len());
        let state = if totals.done >= totals.steps {
            tr("report.done").to_string()
        } else {
            trf(
                "report.steps",
                &[&totals.done.to_string(), &totals.steps.to_string()],
            )
        };
        let required = if course.info.is_required(&lesson.id) {
            ""
        } else {
            tr("report.optional")
        };
        let _ = writeln!(
            out,
            "{:>2}. {} [{}]{required}: {state}",
            i + 1,
            lesson.title,
            lesson.id
        );
        if p.steps.is_empty() {
            continue;
        }
        let _ = writeln!(out, "    {}", totals.figures());
        for (n, (step, record)) in lesson.steps.iter().zip(&p.steps).enumerate() {
            let mut line = format!("    {} {}: {}", tr("report.step"), n + 1, step.title);
            let one = Totals::of(
                &LessonProgress {
                    done: usize::from(record.done),
                    finished: record.done,
                    steps: vec![record.clone()],
                },
                1,
            );
            let _ = write!(
                line,
                " ({}) {}",
                if record.done {
                    tr("report.step-done")
                } else {
                    tr("report.step-open")
                },
                one.figures()
            );
            if let Some(p) = &record.prediction {
                let _ = write!(
                    line,
                    " · {}",
                    trf(
                        if p.right {
                            "report.predicted-right"
                        } else {
                            "report.predicted-wrong"
                        },
                        &[&p.guess]
                    )
                );
            }
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_keeps_the_most_and_is_idempotent() {
        let mut ours = vec![StepRecord {
            done: true,
            attempts: 3,
            hints: 1,
            ..StepRecord::default()
        }];
        let theirs = vec![
            StepRecord {
                attempts: 5,
                solution: true,
                prediction: Some(PredictionRecord {
                    guess: "b".into(),
                    right: true,
                }),
                ..StepRecord::default()
            },
            StepRecord {
                seconds: 40,
                ..StepRecord::default()
            },
        ];
        merge_steps(&mut ours, &theirs);
        let once = ours.clone();
        merge_steps(&mut ours, &theirs);
        assert_eq!(ours, once);
        assert!(ours[0].done && ours[0].solution);
        assert_eq!(
            (ours[0].attempts, ours[0].hints, ours[1].seconds),
            (5, 1, 40)
        );
        assert_eq!(ours[0].prediction.as_ref().unwrap().guess, "b");
    }
}
