//! `sessionlab check` and `sessionlab lessons`.

use std::path::PathBuf;
use std::process::ExitCode;

use super::LessonsArg;
use crate::lesson::{Course, Finding, check_course, lesson_files};
use crate::safe_text::escape;

/// Load what `check` was asked to check: files and folders, or the course.
fn load(paths: &[PathBuf], lessons: &LessonsArg) -> Result<Course, Vec<Finding>> {
    if paths.is_empty() {
        return lessons.course();
    }
    if let [dir] = paths
        && dir.is_dir()
    {
        // A course folder: its course.toml and translations are checked too.
        return Course::load_dir(dir);
    }
    let mut files = Vec::new();
    let mut findings = Vec::new();
    for path in paths {
        if path.is_dir() {
            match lesson_files(path) {
                Ok(mut more) => files.append(&mut more),
                Err(message) => {
                    findings.push(Finding::new(&path.display().to_string(), 1, 1, message))
                }
            }
        } else {
            files.push(path.clone());
        }
    }
    match Course::load_files(&files) {
        Ok(course) if findings.is_empty() => Ok(course),
        Ok(_) => Err(findings),
        Err(more) => {
            findings.extend(more);
            Err(findings)
        }
    }
}

fn report(command: &str, findings: &[Finding]) -> ExitCode {
    for finding in findings {
        println!("{}", escape(&finding.to_string()));
    }
    let n = findings.len();
    eprintln!(
        "sessionlab {command}: {n} problem{}",
        if n == 1 { "" } else { "s" }
    );
    ExitCode::FAILURE
}

/// `sessionlab check [PATH...] [--notes] [--lessons DIR]`.
pub fn check(paths: &[PathBuf], lessons: &LessonsArg, notes: bool) -> ExitCode {
    let course = match load(paths, lessons) {
        Ok(course) => course,
        Err(findings) => return report("check", &findings),
    };
    let findings = check_course(&course);
    if !findings.is_empty() {
        return report("check", &findings);
    }
    if notes {
        for lesson in &course.lessons {
            println!("{}", escape(&crate::lesson::check::notes(lesson)));
        }
    }
    let steps: usize = course.lessons.iter().map(|l| l.steps.len()).sum();
    let predictions = course
        .lessons
        .iter()
        .flat_map(|l| &l.steps)
        .filter(|s| s.predict.is_some())
        .count();
    let n = course.lessons.len();
    println!(
        "sessionlab check: {n} lesson{}, {steps} step{}: every goal is unmet before its solution and met after it; {predictions} prediction{} proven",
        if n == 1 { "" } else { "s" },
        if steps == 1 { "" } else { "s" },
        if predictions == 1 { "" } else { "s" }
    );
    ExitCode::SUCCESS
}

/// `sessionlab lessons [--lessons DIR]`.
pub fn list(lessons: &LessonsArg) -> ExitCode {
    let course = match lessons.course() {
        Ok(course) => course,
        Err(findings) => {
            eprintln!("run `{}` for the details", lessons.check_command());
            return report("lessons", &findings);
        }
    };
    let width = course.lessons.iter().map(|l| l.id.len()).max().unwrap_or(0);
    for (i, lesson) in course.lessons.iter().enumerate() {
        let n = lesson.steps.len();
        println!(
            "{:>2}. {:<width$}  {} ({n} step{})",
            i + 1,
            escape(&lesson.id),
            escape(&lesson.title),
            if n == 1 { "" } else { "s" }
        );
    }
    ExitCode::SUCCESS
}
