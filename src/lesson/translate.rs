//! Translated lessons: `lessons/LANG/ID.md` beside the course (`fr/`, `de/`),
//! the same lesson with its prose in another language. A translation keeps
//! the original's steps, goals, solutions and questions' answers (`check`
//! holds it to that, file:line); the original fills in for a missing lesson
//! or step.

use std::path::Path;

use super::{Course, Finding, Lesson};

/// Whether a folder name is a language code (`fr`, `pt`, `de`).
pub fn is_language(name: &str) -> bool {
    (2..=3).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_lowercase())
}

/// Load `dir/LANG/*.md` for every language folder in `dir`.
pub fn load_dir(course: &mut Course, dir: &Path) -> Result<(), Vec<Finding>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    let mut findings = Vec::new();
    let mut languages: Vec<_> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path())))
        .filter(|(name, _)| is_language(name))
        .collect();
    languages.sort();
    for (lang, path) in languages {
        let Ok(files) = super::lesson_files(&path) else {
            continue;
        };
        match Course::load_files(&files) {
            Ok(translated) => {
                course.translations.insert(lang, translated.lessons);
            }
            Err(mut more) => findings.append(&mut more),
        }
    }
    if findings.is_empty() {
        Ok(())
    } else {
        Err(findings)
    }
}

/// The course in `lang`: each lesson replaced by its translation where there
/// is one, step by step (a step the translation lacks stays in English).
pub fn localized(mut course: Course, lang: &str) -> Course {
    let Some(translated) = course.translations.get(lang) else {
        return course;
    };
    for lesson in &mut course.lessons {
        let Some(t) = translated.iter().find(|t| t.id == lesson.id) else {
            continue;
        };
        let start = std::mem::take(&mut lesson.start);
        let steps = std::mem::take(&mut lesson.steps);
        let mut new = t.clone();
        new.start = start;
        new.steps = steps
            .into_iter()
            .enumerate()
            .map(|(i, original)| t.steps.get(i).cloned().unwrap_or(original))
            .collect();
        *lesson = new;
    }
    course
}

/// Every way a translation departs from its original, at the translation's
/// file and line.
pub fn check(course: &Course) -> Vec<Finding> {
    let mut findings = Vec::new();
    for translated in course.translations.values() {
        for t in translated {
            let Some(original) = course.lesson(&t.id) else {
                findings.push(Finding::new(
                    &t.path,
                    1,
                    1,
                    format!(
                        "a translation of '{}', but the course has no lesson with that id",
                        t.id
                    ),
                ));
                continue;
            };
            findings.extend(compare(original, t));
        }
    }
    findings
}

fn compare(original: &Lesson, t: &Lesson) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut at =
        |line: usize, message: String| findings.push(Finding::new(&t.path, line, 1, message));
    if t.start != original.start {
        at(
            1,
            format!(
                "the [start] world differs from {}'s: a translation keeps it as it is",
                original.path
            ),
        );
    }
    for (n, step) in t.steps.iter().enumerate().skip(original.steps.len()) {
        at(
            step.lines.heading,
            format!(
                "step {} is not in {} ({} steps): a translation keeps the original's steps",
                n + 1,
                original.path,
                original.steps.len()
            ),
        );
    }
    for (n, (o, s)) in original.steps.iter().zip(&t.steps).enumerate() {
        let n = n + 1;
        let conditions = |step: &super::LessonStep| -> Vec<String> {
            step.goal
                .conditions
                .iter()
                .map(|c| format!("{}{:?}{:?}", c.negated, c.browser, c.kind))
                .collect()
        };
        if conditions(o) != conditions(s) {
            at(
                s.lines.goal.max(s.lines.heading),
                format!(
                    "step {n}'s goal differs from the original's ({}:{}): keep its conditions and translate only the labels after #",
                    original.path, o.lines.goal
                ),
            );
        }
        if o.solution != s.solution {
            let line = s
                .solution
                .iter()
                .zip(&s.lines.solution)
                .zip(o.solution.iter().map(Some).chain(std::iter::repeat(None)))
                .find(|((command, _), theirs)| Some(*command) != *theirs)
                .map_or(s.lines.heading, |((_, (line, _)), _)| *line);
            at(
                line,
                format!(
                    "step {n}'s solution differs from the original's ({}): keep the commands exactly",
                    o.solution.join(" then ")
                ),
            );
        }
        match (&o.predict, &s.predict) {
            (None, None) => {}
            (Some(op), Some(sp)) => {
                let keys = |p: &super::predict::Predict| -> Vec<String> {
                    p.choices.iter().map(|(k, _)| k.clone()).collect()
                };
                if op.answer_text() != sp.answer_text()
                    || keys(op) != keys(sp)
                    || op.proof.len() != sp.proof.len()
                {
                    at(
                        sp.line,
                        format!(
                            "step {n}'s question differs from the original's ({}:{}): keep its choice keys, answer and proof",
                            original.path, op.line
                        ),
                    );
                }
            }
            _ => at(
                s.lines.heading,
                format!(
                    "step {n} {} a ```predict block and the original does not match: keep the question",
                    if s.predict.is_some() { "has" } else { "lacks" }
                ),
            ),
        }
    }
    findings
}
