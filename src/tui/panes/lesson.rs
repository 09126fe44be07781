//! The Lesson pane: the step, its goal, and once met, its explanation.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::{Framing, draw};
use crate::lesson::ConditionStatus;
use crate::lesson::play::Playthrough;
use crate::tui::markdown;
use crate::tui::theme::Theme;
use crate::tui::{App, Work};

/// The lesson pane's content, ready to draw.
pub struct LessonPane<'a> {
    pub lines: Vec<Line<'a>>,
    /// The lines the pane follows: the step's instruction and goal, or the
    /// goal met and its explanation.
    pub anchor: Option<(usize, usize)>,
    pub title: String,
    pub framing: Framing<'a>,
}

impl Widget for &LessonPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        draw(
            self.lines.clone(),
            self.framing.frame(&self.title, true, self.anchor),
            area,
            buf,
        );
    }
}

/// A goal's conditions as lines: `✓ label` or `✗ label`, and under each
/// that does not hold, what the world shows now.
pub fn condition_lines(conditions: &[ConditionStatus], theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for c in conditions {
        if c.holds {
            lines.push(Line::from(vec![
                Span::styled("✓ ", theme.ok),
                Span::raw(c.label.clone()),
            ]));
        } else {
            lines.push(Line::from(vec![
                Span::styled("✗ ", theme.missing),
                Span::raw(c.label.clone()),
            ]));
            if !c.now.is_empty() {
                lines.push(Line::styled(format!("  now: {}", c.now), theme.missing));
            }
        }
    }
    lines
}

/// The step's question: its choices and where the learner stands; in
/// presenter mode, the answer and the teacher's notes instead.
fn predict_lines(
    predict: &crate::lesson::predict::Predict,
    state: &Playthrough,
    presenter: bool,
    t: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = vec![Line::raw(""), Line::styled("Predict", t.heading)];
    lines.extend(markdown::render(&predict.question, t));
    lines.extend(
        predict
            .choices
            .iter()
            .map(|(key, text)| Line::raw(format!("  {key}) {text}"))),
    );
    let status = if presenter {
        format!("Answer: {}", predict.answer_text())
    } else {
        state.predicted.status(predict)
    };
    lines.push(Line::styled(status, t.title));
    lines
}

/// The lesson pane's title, lines, and the lines it follows.
pub fn lesson_lines(app: &App, work: &Work) -> LessonLines {
    let t = &app.theme;
    let Some(state) = &work.lesson else {
        return ("Lesson".into(), Vec::new(), None);
    };
    let lesson = &app.course.lessons[state.lesson];
    let total = lesson.steps.len();
    let title = format!(
        // The step count first: a long title is cut at its end.
        "Step {}/{} · {}",
        (state.step + 1).min(total),
        total,
        lesson.title
    );
    let mut lines = Vec::new();
    if state.finished && work.demo.is_none() {
        lines.extend(finished_lines(app, state.lesson));
        return (title, lines, None);
    }
    let Some(step) = lesson.steps.get(state.step) else {
        return (title, lines, None);
    };
    if state.step == 0 && !lesson.body_markdown.is_empty() {
        lines.extend(markdown::render(&lesson.body_markdown, t));
        lines.push(Line::raw(""));
    }
    let step_start = lines.len();
    let heading = if step.title.is_empty() {
        format!("Step {} of {total}", state.step + 1)
    } else {
        format!("Step {} of {total}: {}", state.step + 1, step.title)
    };
    lines.push(Line::styled(heading, t.heading));
    lines.extend(markdown::render(&step.instruction_markdown, t));
    if let Some(predict) = &step.predict {
        lines.extend(predict_lines(predict, state, work.demo.is_some(), t));
    }
    lines.push(Line::raw(""));
    let goal_start = lines.len();
    lines.push(Line::styled("Goal", t.heading));
    lines.extend(condition_lines(&state.conditions, t));
    if work.demo.is_some() && !step.notes_markdown.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Notes (presenter only)", t.heading));
        lines.extend(markdown::render(&step.notes_markdown, t));
    }
    let mut met_end = None;
    if state.met {
        lines.push(Line::raw(""));
        lines.push(Line::styled("✓ Goal met!", t.ok));
        if let Some((verdict, feedback)) = step
            .predict
            .as_ref()
            .and_then(|p| state.predicted.verdict(p, &step.feedback))
        {
            lines.push(Line::styled(verdict, t.heading));
            lines.extend(feedback.into_iter().flat_map(|f| markdown::render(f, t)));
            lines.push(Line::raw(""));
        }
        lines.extend(markdown::render(&step.explanation_markdown, t));
        if work.demo.is_none() {
            lines.push(Line::styled(
                "Press Enter on the empty prompt (or F4) to go on.",
                t.title,
            ));
        }
        met_end = Some(lines.len());
    }
    for (i, hint) in step.hints.iter().take(state.hints).enumerate() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("Hint {}/{}", i + 1, step.hints.len()),
            t.heading,
        ));
        lines.extend(markdown::render(hint, t));
    }
    if state.solution_shown && work.demo.is_none() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Solution", t.heading));
        lines.extend(step.solution.iter().map(|s| {
            Line::from(vec![
                Span::styled(">>> ", t.prompt),
                Span::styled(s.clone(), t.code),
            ])
        }));
    }
    let anchor = match met_end {
        Some(end) => (goal_start, end),
        None => (step_start, lines.len()),
    };
    (title, lines, Some(anchor))
}

/// A lesson pane's title, lines, and the lines it follows.
pub type LessonLines = (String, Vec<Line<'static>>, Option<(usize, usize)>);

/// The end of a lesson: what it taught (each step's heading), where the
/// course stands, and what comes next.
fn finished_lines(app: &App, index: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let lesson = &app.course.lessons[index];
    let mut lines = vec![
        Line::styled(format!("✓ Lesson complete: {}", lesson.title), t.ok),
        Line::raw(""),
        Line::styled("What you did", t.heading),
    ];
    for (i, step) in lesson.steps.iter().enumerate() {
        let name = if step.title.is_empty() {
            format!("step {}", i + 1)
        } else {
            step.title.clone()
        };
        lines.push(Line::raw(format!("  {}. {name}", i + 1)));
    }
    lines.push(Line::raw(""));
    let done = app.lessons_done();
    let total = app.course.lessons.len();
    lines.push(Line::raw(format!(
        "Course: {done} of {total} lessons done."
    )));
    let next = if index + 1 < total {
        "Enter (on an empty prompt): next lesson · F9: reread the last explanation · F10: course menu. The world stays yours to play with."
    } else {
        "That was the last lesson: the course is complete. F10: course menu (lessons can be replayed) · s there: the sandbox."
    };
    lines.push(Line::raw(next));
    lines
}
