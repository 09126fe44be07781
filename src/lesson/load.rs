//! Reading a lesson file: TOML front matter between `+++` lines, prose, then
//! `## Step: TITLE` sections holding the instruction, ```` ```goal ````,
//! ```` ```hint ```` and ```` ```solution ```` blocks, and a `### Why` section.
//!
//! The loader never panics and reports every structural problem it meets as
//! a [`Finding`]; whether the lesson is *right* is [`super::check`]'s job.

use serde::Deserialize;

use super::goal::{Condition, Goal};
use super::predict::Predict;
use super::{Finding, Lesson, LessonStep, StepLines};
use crate::sim::World;
use crate::sim::dates::{MAX_TIME, MIN_TIME};
use crate::sim::world::StartWorld;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: String,
    title: String,
    summary: String,
    #[serde(default)]
    start: Option<StartWorld>,
}

/// Fence info strings that look like a step block but are not one.
const NEAR_MISSES: &[(&str, &str)] = &[
    ("goals", "goal"),
    ("hints", "hint"),
    ("solutions", "solution"),
    ("answer", "solution"),
    ("explain", "a `### Why` section"),
    ("explanation", "a `### Why` section"),
    ("why", "a `### Why` section"),
];

/// Which part of a step a line belongs to.
#[derive(Clone, PartialEq, Eq)]
enum Part {
    Instruction,
    Explanation,
    /// `### Notes`: for the teacher (presenter mode, `check --notes`).
    Notes,
    /// `### If you predicted KEY`: feedback to a prediction.
    Feedback(String),
}

/// An open fenced block.
struct Fence {
    marker: char,
    len: usize,
    info: String,
    line: usize,
    lines: Vec<(usize, String)>,
}

struct StepBuilder {
    step: LessonStep,
    part: Part,
    instruction: Vec<String>,
    explanation: Vec<String>,
    notes: Vec<String>,
    feedback: Vec<(String, Vec<String>)>,
    has_goal: bool,
    has_solution: bool,
}

/// Read one lesson. `file` is its display name, `text` its content.
pub fn parse_lesson(file: &str, text: &str) -> Result<Lesson, Vec<Finding>> {
    let mut findings = Vec::new();
    let at = |line: usize, col: usize, message: String| Finding::new(file, line, col, message);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    findings.extend(unsafe_characters(file, &lines));
    findings.extend(too_deep(file, text));

    // Front matter.
    if lines.first().map(|l| l.trim_end()) != Some("+++") {
        return Err(vec![at(1, 1, "a lesson starts with TOML front matter: a line `+++`, then id, title and summary, then `+++`".into())]);
    }
    let Some(close) = lines
        .iter()
        .skip(1)
        .position(|l| l.trim_end() == "+++")
        .map(|i| i + 1)
    else {
        return Err(vec![at(
            1,
            1,
            "the front matter is not closed: add a line `+++` after it".into(),
        )]);
    };
    let front_text = lines[1..close].join("\n");
    let front: FrontMatter = match toml::from_str(&front_text) {
        Ok(front) => front,
        Err(e) => {
            let (line, col) = e
                .span()
                .map_or((1, 1), |span| position(&front_text, span.start));
            let mut message = e.message().trim().replace('\n', " ");
            // Say what a field wants in the teacher's words, not Rust's.
            if message.contains("expected i64") {
                message = format!(
                    "{message}: a whole number is expected here (for `clock`, unix seconds, e.g. clock = 1767225600 for 2026-01-01)"
                );
            }
            return Err(vec![at(line + 1, col, format!("front matter: {message}"))]);
        }
    };
    let front_line = |key: &str| {
        lines[1..close]
            .iter()
            .position(|l| {
                let l = l.trim_start();
                l.starts_with(key) && l[key.len()..].trim_start().starts_with(['=', ']', '.'])
            })
            .map_or(1, |i| i + 2)
    };
    let stem = std::path::Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if front.id != stem {
        findings.push(at(
            front_line("id"),
            1,
            format!("the id '{}' must be the file name without .md ('{stem}'): rename the file or change the id", front.id),
        ));
    }
    for (key, value) in [("title", &front.title), ("summary", &front.summary)] {
        if value.trim().is_empty() {
            findings.push(at(
                front_line(key),
                1,
                format!("the {key} is empty: write one"),
            ));
        }
    }
    let start = front.start.unwrap_or_default();
    let start_line = if lines[1..close]
        .iter()
        .any(|l| l.trim_start().starts_with("[start"))
    {
        front_line("[start")
    } else {
        1
    };
    if let Err(e) = World::build(&start, 0) {
        let line = start
            .settings
            .keys()
            .find(|k| e.message.contains(k.as_str()))
            .map_or(start_line, |k| front_line(k));
        findings.push(at(
            line,
            1,
            format!("the starting world cannot be built: {e}"),
        ));
    }
    for (key, value) in [
        ("id", &front.id),
        ("title", &front.title),
        ("summary", &front.summary),
    ] {
        if let Some(c) = value.chars().find(|c| crate::safe_text::is_unsafe(*c)) {
            findings.push(at(
                front_line(key),
                1,
                format!(
                    "control character U+{:04X} in the {key}: remove it",
                    c as u32
                ),
            ));
        }
    }
    if !(MIN_TIME..=MAX_TIME).contains(&start.clock) {
        findings.push(at(
            front_line("clock"),
            1,
            "the starting clock must be a time between the years 1 and 9999 (seconds since 1970)"
                .into(),
        ));
    }
    if start
        .browsers
        .iter()
        .any(|b| b.is_empty() || b.contains(char::is_whitespace))
    {
        findings.push(at(
            front_line("browsers"),
            1,
            "a browser name is one word, e.g. \"alice\"".into(),
        ));
    }

    // Body and steps.
    let mut body = Vec::new();
    let mut steps: Vec<StepBuilder> = Vec::new();
    let mut fence: Option<Fence> = None;
    for (i, raw) in lines.iter().enumerate().skip(close + 1) {
        let line_no = i + 1;
        if let Some(open) = &mut fence {
            if closes(raw, open.marker, open.len) {
                let done = fence.take().expect("open fence");
                finish_fence(
                    file,
                    done,
                    steps.last_mut(),
                    &mut body,
                    start.clock,
                    &mut findings,
                );
            } else {
                open.lines.push((line_no, raw.to_string()));
            }
            continue;
        }
        if let Some((marker, len, info)) = opens(raw) {
            let word = info
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
            if let Some((_, fix)) = NEAR_MISSES.iter().find(|(bad, _)| *bad == word) {
                findings.push(at(
                    line_no,
                    indent(raw) + len + 1,
                    format!("unknown block '{word}': use {fix}"),
                ));
            }
            if matches!(word.as_str(), "goal" | "hint" | "solution") && steps.is_empty() {
                findings.push(at(line_no, indent(raw) + 1, format!("a ```{word} block belongs to a step: put it after a `## Step: TITLE` heading")));
            }
            fence = Some(Fence {
                marker,
                len,
                info: word,
                line: line_no,
                lines: vec![(line_no, raw.to_string())],
            });
            continue;
        }
        let trimmed = raw.trim();
        if let Some(title) = trimmed.strip_prefix("## ") {
            if let Some(title) = title.trim().strip_prefix("Step:") {
                let title = title.trim();
                if title.is_empty() {
                    findings.push(at(
                        line_no,
                        1,
                        "this step has no title: write `## Step: TITLE`".into(),
                    ));
                }
                steps.push(StepBuilder {
                    step: LessonStep {
                        title: title.to_string(),
                        instruction_markdown: String::new(),
                        goal: Goal {
                            conditions: Vec::new(),
                            start_clock: start.clock,
                        },
                        hints: Vec::new(),
                        solution: Vec::new(),
                        explanation_markdown: String::new(),
                        predict: None,
                        feedback: Default::default(),
                        notes_markdown: String::new(),
                        lines: StepLines {
                            heading: line_no,
                            ..StepLines::default()
                        },
                    },
                    part: Part::Instruction,
                    instruction: Vec::new(),
                    explanation: Vec::new(),
                    notes: Vec::new(),
                    feedback: Vec::new(),
                    has_goal: false,
                    has_solution: false,
                });
                continue;
            }
            if !steps.is_empty() {
                findings.push(at(line_no, 1, "a level-2 heading after the first step must be `## Step: TITLE` (use ### for sections inside a step)".into()));
                continue;
            }
        }
        if let Some(step) = steps.last_mut() {
            if trimmed.trim_start_matches('#').trim() == "Why" && trimmed.starts_with("### ") {
                if step.part == Part::Explanation {
                    findings.push(at(
                        line_no,
                        1,
                        "a second `### Why` in this step: keep one".into(),
                    ));
                }
                step.part = Part::Explanation;
                step.step.lines.explanation = line_no;
                continue;
            }
            if let Some(part) = section(trimmed) {
                if let Part::Feedback(key) = &part {
                    step.feedback.push((key.clone(), Vec::new()));
                    step.step.lines.feedback.push((key.clone(), line_no));
                }
                step.part = part;
                continue;
            }
            match &step.part {
                Part::Instruction => step.instruction.push(raw.to_string()),
                Part::Explanation => step.explanation.push(raw.to_string()),
                Part::Notes => step.notes.push(raw.to_string()),
                Part::Feedback(_) => {
                    if let Some((_, text)) = step.feedback.last_mut() {
                        text.push(raw.to_string());
                    }
                }
            }
        } else {
            body.push(raw.to_string());
        }
    }
    let unclosed = fence.is_some();
    if let Some(open) = fence {
        findings.push(at(
            open.line,
            1,
            format!(
                "this ``` block is never closed: add a closing {}",
                open.marker.to_string().repeat(open.len)
            ),
        ));
    }

    let count = steps.len();
    if count > MAX_STEPS {
        findings.push(at(
            steps[MAX_STEPS].step.lines.heading,
            1,
            format!("a lesson has at most {MAX_STEPS} steps: split it into several lessons"),
        ));
        return Err(findings);
    }
    let steps = steps
        .into_iter()
        .enumerate()
        .map(|(i, mut b)| {
            let lines = &b.step.lines;
            // An unclosed block swallowed the rest of the last step: say only that.
            if unclosed && i + 1 == count {
            } else if !b.has_goal {
                findings.push(at(lines.heading, 1, "this step has no ```goal block: add one with the conditions the learner must reach".into()));
            }
            if !(b.has_solution || unclosed && i + 1 == count) {
                findings.push(at(lines.heading, 1, "this step has no ```solution block: add the commands that reach the goal".into()));
            }
            if lines.explanation == 0 && !(unclosed && i + 1 == count) {
                findings.push(at(lines.heading, 1, "this step has no `### Why` section: explain what happened once the goal is met".into()));
            }
            b.step.instruction_markdown = b.instruction.join("\n").trim().to_string();
            b.step.explanation_markdown = b.explanation.join("\n").trim().to_string();
            b.step.notes_markdown = b.notes.join("\n").trim().to_string();
            for (key, text) in b.feedback {
                b.step
                    .feedback
                    .insert(key, text.join("\n").trim().to_string());
            }
            b.step
        })
        .collect();

    if !findings.is_empty() {
        return Err(findings);
    }
    Ok(Lesson {
        id: front.id,
        title: front.title.trim().to_string(),
        summary: front.summary.trim().to_string(),
        body_markdown: body.join("\n").trim().to_string(),
        start,
        steps,
        path: file.to_string(),
    })
}

/// A closed fence: a step block goes into the step, anything else is prose.
fn finish_fence(
    file: &str,
    fence: Fence,
    step: Option<&mut StepBuilder>,
    body: &mut Vec<String>,
    start_clock: i64,
    findings: &mut Vec<Finding>,
) {
    let Fence {
        marker,
        len,
        info,
        line,
        mut lines,
    } = fence;
    let closing = marker.to_string().repeat(len);
    let step = match step {
        Some(step) if matches!(info.as_str(), "goal" | "hint" | "solution" | "predict") => step,
        Some(step) => {
            let target = match &step.part {
                Part::Instruction => &mut step.instruction,
                Part::Explanation => &mut step.explanation,
                Part::Notes => &mut step.notes,
                Part::Feedback(_) => match step.feedback.last_mut() {
                    Some((_, text)) => text,
                    None => &mut step.explanation,
                },
            };
            target.extend(lines.into_iter().map(|(_, l)| l));
            target.push(closing);
            return;
        }
        None => {
            body.extend(lines.into_iter().map(|(_, l)| l));
            body.push(closing);
            return;
        }
    };
    lines.remove(0);
    if step.part != Part::Instruction {
        findings.push(Finding::new(
            file,
            line,
            1,
            format!("the ```{info} block is inside `### Why`: move it above the `### Why` heading"),
        ));
    }
    match info.as_str() {
        "predict" => {
            if step.step.predict.is_some() {
                findings.push(Finding::new(
                    file,
                    line,
                    1,
                    "a second ```predict block in this step: ask one question a step",
                ));
            }
            match Predict::parse(line, &lines) {
                Ok(p) => step.step.predict = Some(p),
                Err(errors) => findings.extend(
                    errors
                        .into_iter()
                        .map(|(l, c, m)| Finding::new(file, l, c, m)),
                ),
            }
        }
        "goal" => {
            if step.has_goal {
                findings.push(Finding::new(
                    file,
                    line,
                    1,
                    "a second ```goal block in this step: put every condition in one block"
                        .to_string(),
                ));
            }
            step.has_goal = true;
            step.step.lines.goal = line;
            step.step.goal.start_clock = start_clock;
            for (line_no, text) in lines {
                let trimmed = text.trim();
                if trimmed.is_empty() || trimmed.starts_with('#') {
                    continue;
                }
                let lead = text[..text.len() - text.trim_start().len()].chars().count();
                match Condition::parse(trimmed, line_no) {
                    Ok(c) => step.step.goal.conditions.push(c),
                    Err(e) => findings.push(Finding::new(file, line_no, lead + e.col, e.message)),
                }
            }
        }
        "hint" => {
            step.step.lines.hints.push(line);
            let text: Vec<String> = lines.into_iter().map(|(_, l)| l).collect();
            step.step.hints.push(text.join("\n").trim().to_string());
        }
        _ => {
            if step.has_solution {
                findings.push(Finding::new(
                    file,
                    line,
                    1,
                    "a second ```solution block in this step: put every command in one block"
                        .to_string(),
                ));
            }
            step.has_solution = true;
            for (line_no, text) in lines {
                let trimmed = text.trim();
                if trimmed.is_empty() || trimmed.starts_with('#') {
                    continue;
                }
                let lead = text[..text.len() - text.trim_start().len()].chars().count();
                step.step.solution.push(trimmed.to_string());
                step.step.lines.solution.push((line_no, lead + 1));
            }
        }
    }
}

/// A `### Notes` or `### If you predicted KEY` heading.
fn section(line: &str) -> Option<Part> {
    let title = line.strip_prefix("### ")?.trim();
    if title == "Notes" {
        return Some(Part::Notes);
    }
    let key = title.strip_prefix("If you predicted ")?.trim();
    Some(Part::Feedback(key.to_lowercase()))
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// An opening fence: up to three spaces, then three or more ` or ~.
fn opens(line: &str) -> Option<(char, usize, String)> {
    let lead = indent(line);
    if lead > 3 {
        return None;
    }
    let rest = &line[lead..];
    let marker = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.chars().take_while(|c| *c == marker).count();
    if len < 3 {
        return None;
    }
    let info = rest[len..].trim();
    if marker == '`' && info.contains('`') {
        return None;
    }
    Some((marker, len, info.to_string()))
}

fn closes(line: &str, marker: char, len: usize) -> bool {
    let lead = indent(line);
    if lead > 3 {
        return false;
    }
    let rest = line[lead..].trim_end();
    rest.len() >= len && rest.chars().all(|c| c == marker)
}

/// 1-based line and column of a byte offset.
pub(super) fn position(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let offset = (0..=offset)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .chars()
        .count()
        + 1;
    (line, col)
}

/// The most steps a lesson may have.
pub const MAX_STEPS: usize = 100;
/// The deepest nesting of lists and quotes in a lesson's Markdown.
pub const MAX_NESTING: usize = 16;
/// The most findings of one kind reported for a lesson.
const MAX_REPORTED: usize = 20;

/// A finding for each control or bidi character: lesson text must not act on
/// the terminal it is printed on.
fn unsafe_characters(file: &str, lines: &[&str]) -> Vec<Finding> {
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        for (col, c) in line.chars().enumerate() {
            if crate::safe_text::is_unsafe(c) {
                found.push(Finding::new(
                    file,
                    i + 1,
                    col + 1,
                    format!(
                        "control character U+{:04X} in lesson text: remove it (it could act on the learner's terminal)",
                        c as u32
                    ),
                ));
                if found.len() == MAX_REPORTED {
                    return found;
                }
            }
        }
    }
    found
}

/// A finding where lists and quotes nest deeper than [`MAX_NESTING`].
fn too_deep(file: &str, text: &str) -> Option<Finding> {
    use pulldown_cmark::{Event, Parser, Tag};
    let mut depth = 0usize;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::List(_) | Tag::BlockQuote(_) | Tag::Item) => {
                depth += 1;
                if depth > MAX_NESTING {
                    let line = text[..range.start].matches('\n').count() + 1;
                    return Some(Finding::new(
                        file,
                        line,
                        1,
                        format!("lists and quotes nest at most {MAX_NESTING} deep in a lesson"),
                    ));
                }
            }
            Event::End(
                pulldown_cmark::TagEnd::List(_)
                | pulldown_cmark::TagEnd::BlockQuote(_)
                | pulldown_cmark::TagEnd::Item,
            ) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}
