//! The prover behind `sessionlab check`: every lesson's content is complete,
//! every command parses, ids are unique, and, running each lesson from its
//! starting world through the [`Runner`], each step's goal is not met before
//! its solution and is met after it.

use std::collections::BTreeMap;

use super::play::Playthrough;
use super::{Course, Finding, Goal, Lesson, LessonStep};
use crate::runner::{Runner, Step, is_command};
use crate::script;

/// Steps a lesson must have at least (the most is `load::MAX_STEPS`; the
/// course's own 5-8 rule is checked in `tests/lessons.rs`).
pub const MIN_STEPS: usize = 1;

/// Every finding for the course, in file order.
pub fn check_course(course: &Course) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut seen: BTreeMap<&str, &Lesson> = BTreeMap::new();
    for lesson in &course.lessons {
        if let Some(first) = seen.get(lesson.id.as_str()) {
            findings.push(Finding::new(
                &lesson.path,
                1,
                1,
                format!(
                    "the id '{}' is already used by {}: give each lesson its own id and file name",
                    lesson.id, first.path
                ),
            ));
        } else {
            seen.insert(&lesson.id, lesson);
        }
        findings.extend(check_lesson(lesson));
    }
    findings.extend(super::translate::check(course));
    findings
}

/// Every finding for one lesson.
pub fn check_lesson(lesson: &Lesson) -> Vec<Finding> {
    let file = lesson.path.as_str();
    let mut findings = Vec::new();
    let mut at = |line: usize, col: usize, message: String| {
        findings.push(Finding::new(file, line, col, message))
    };
    if lesson.steps.len() < MIN_STEPS {
        at(
            1,
            1,
            "this lesson has no steps: add at least one `## Step: TITLE` section".into(),
        );
    }
    let mut parse_failed = false;
    for (n, step) in lesson.steps.iter().enumerate() {
        let n = n + 1;
        let heading = step.lines.heading;
        if step.instruction_markdown.trim().is_empty() {
            at(
                heading,
                1,
                format!(
                    "step {n} has no instruction: say what the learner should do, under the `## Step:` heading"
                ),
            );
        }
        if step.goal.conditions.is_empty() {
            at(
                step.lines.goal.max(heading),
                1,
                format!(
                    "step {n}'s goal has no condition: add at least one line to the ```goal block"
                ),
            );
        }
        if step.hints.is_empty() {
            at(
                heading,
                1,
                format!(
                    "step {n} has no hint: add ```hint blocks, each more concrete than the one before"
                ),
            );
        }
        for (hint, line) in step.hints.iter().zip(&step.lines.hints) {
            if hint.trim().is_empty() {
                at(
                    *line,
                    1,
                    format!("this hint of step {n} is empty: write the hint or remove the block"),
                );
            }
        }
        if step.solution.is_empty() && step.lines.goal != 0 {
            at(
                heading,
                1,
                format!(
                    "step {n}'s solution is empty: add the commands that reach the goal, one a line"
                ),
            );
        }
        if step.explanation_markdown.trim().is_empty() && step.lines.explanation != 0 {
            at(
                step.lines.explanation,
                1,
                format!("step {n}'s `### Why` section is empty: explain why the goal was reached"),
            );
        }
        check_feedback(step, n, &mut at);
        for (command, (line, col)) in step.solution.iter().zip(&step.lines.solution) {
            if let Err(e) = script::parse_command(command) {
                parse_failed = true;
                let col = col + e.col.map_or(0, |c| c.saturating_sub(1));
                at(
                    *line,
                    col,
                    format!("this command does not parse: {}", e.message),
                );
            }
        }
    }
    if parse_failed {
        return findings;
    }
    // Run the lesson: each goal is not met before its solution and is met after.
    // Through the same playthrough as the app, so the two cannot disagree.
    let mut runner = Runner::new(lesson.world(0));
    let mut play = Playthrough::open(lesson, 0, &mut runner, 0);
    let mut last: Option<Step> = None;
    for (n, step) in lesson.steps.iter().enumerate() {
        play.show(lesson, &runner, n);
        let n = n + 1;
        if step.goal.conditions.is_empty() {
            continue;
        }
        play.recheck(lesson, &runner, last.as_ref());
        if play.met {
            at(
                step.lines.goal,
                1,
                format!(
                    "step {n}'s goal is already met before its solution: add a condition that only the solution makes true"
                ),
            );
        }
        let commands: Vec<(&String, &(usize, usize))> = step
            .solution
            .iter()
            .zip(&step.lines.solution)
            .filter(|(c, _)| is_command(c))
            .collect();
        for (i, (command, (line, col))) in commands.iter().enumerate() {
            let ran = runner.step(command);
            // A line that raises before the last one is most often a typo
            // (the last may fail on purpose, for an `error` goal).
            if i + 1 < commands.len()
                && let crate::runner::Outcome::Error { message, .. } = &ran.outcome
            {
                at(
                    *line,
                    *col,
                    format!(
                        "step {n}'s solution line fails before the last one: {message}; fix it, or make it the last line if the failure is the point"
                    ),
                );
            }
            last = Some(ran);
        }
        if let Some(predict) = &step.predict {
            let proof = Goal {
                conditions: predict.proof.clone(),
                start_clock: step.goal.start_clock,
            };
            let statuses = proof.evaluate(&runner, last.as_ref());
            for (condition, status) in predict.proof.iter().zip(statuses) {
                if !status.holds {
                    at(
                        condition.line,
                        1,
                        format!(
                            "step {n}'s predicted answer ({}) is not what the simulation shows: after the solution, {} is false (now {}); fix the answer or the proof",
                            predict.answer_text(),
                            status.label,
                            status.now
                        ),
                    );
                }
            }
        }
        play.recheck(lesson, &runner, last.as_ref());
        for (condition, status) in step.goal.conditions.iter().zip(&play.conditions) {
            if !status.holds {
                at(
                    condition.line,
                    1,
                    format!(
                        "step {n}'s solution does not reach this condition ({}): now {}; fix the solution or the condition",
                        status.label, status.now
                    ),
                );
            }
        }
    }
    findings
}

/// `### If you predicted KEY` sections go with a ```predict block, name one of
/// its answers, and every wrong answer has one.
fn check_feedback(step: &LessonStep, n: usize, at: &mut impl FnMut(usize, usize, String)) {
    let Some(predict) = &step.predict else {
        for (_, line) in &step.lines.feedback {
            at(
                *line,
                1,
                format!(
                    "step {n} has an `### If you predicted` section but no ```predict block: add the question or remove the section"
                ),
            );
        }
        return;
    };
    for (key, line) in &step.lines.feedback {
        if !predict.knows_key(key) {
            at(
                *line,
                1,
                format!(
                    "'{key}' is not an answer of step {n}'s question: use a choice key, `right` or `wrong`"
                ),
            );
        }
    }
    for key in predict.missing_feedback(&step.feedback) {
        at(
            predict.line,
            1,
            format!(
                "step {n}'s question has no feedback for '{key}': add `### If you predicted {key}` (or `### If you predicted wrong`) after `### Why`"
            ),
        );
    }
}

/// The teacher's view of a lesson: each step's question, its answer, and its notes.
pub fn notes(lesson: &Lesson) -> String {
    let mut out = format!("{} ({})\n", lesson.title, lesson.id);
    for (n, step) in lesson.steps.iter().enumerate() {
        out.push_str(&format!("  step {}: {}\n", n + 1, step.title));
        if let Some(p) = &step.predict {
            out.push_str(&format!(
                "    predict: {} -> {}\n",
                p.question.replace('\n', " "),
                p.answer_text()
            ));
        }
        for line in step.notes_markdown.lines() {
            out.push_str(&format!("    | {line}\n"));
        }
    }
    out
}
