//! `sessionlab progress [export FILE | import FILE]` and `sessionlab grade`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::grade::{self, Grade};
use super::portable;
use crate::cli::{LessonsArg, load_course, open_store, say_error};
use crate::i18n::trf;
use crate::lesson::Course;
use crate::progress::{Store, data_dir};
use crate::safe_text::escape;

/// What `sessionlab progress` does.
#[derive(Debug, Clone)]
pub enum ProgressAction {
    /// Write this course's progress to FILE, to import on another machine
    /// or hand to a teacher.
    Export {
        file: PathBuf,
        /// The student's name, recorded in the file (for `grade`).
        student: Option<String>,
    },
    /// Merge progress exported on another machine (a step is never lowered).
    Import { file: PathBuf },
}

/// The formats `grade` writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// Gradescope's results.json.
    #[default]
    Gradescope,
    Json,
    /// One row a student, for a spreadsheet.
    Csv,
}

/// `sessionlab grade`'s options.
#[derive(Debug, Clone)]
pub struct GradeArgs {
    /// A student's progress file (`progress export`, or a `progress.json`);
    /// repeat for several students (CSV). Default: this machine's progress.
    pub progress: Vec<PathBuf>,
    pub format: Format,
    /// Grade a submitted `sessionlab run --json` transcript of an exercise
    /// instead; the exit code is 0 only if every goal is met.
    pub transcript: Option<PathBuf>,
    /// The exercise (a lesson id) the transcript answers; default: the
    /// course's only lesson.
    pub exercise: Option<String>,
    /// The student's name (default: the file's, or its name).
    pub student: Option<String>,
}

fn fail(message: &str) -> ExitCode {
    say_error(message);
    ExitCode::from(2)
}

/// `sessionlab progress`: print the report card, or export or import.
pub fn progress(action: Option<&ProgressAction>, lessons: &LessonsArg) -> ExitCode {
    let course = match load_course(lessons) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let mut store = open_store();
    let result = match action {
        None => {
            print!("{}", escape(&super::report::card(&course, &store.progress)));
            Ok(())
        }
        Some(ProgressAction::Export { file, student }) => {
            let exported = portable::export(&course, &store.progress, student.clone());
            let text = serde_json::to_string_pretty(&exported).unwrap_or_default() + "\n";
            crate::progress::write_atomic(file, text.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", file.display()))
                .map(|()| {
                    println!(
                        "{}",
                        trf(
                            "export.done",
                            &[
                                &exported.lessons.len().to_string(),
                                &file.display().to_string()
                            ]
                        )
                    );
                })
        }
        Some(ProgressAction::Import { file }) => {
            portable::import(file, &course, &mut store).map(|n| {
                println!(
                    "{}",
                    trf(
                        "import.done",
                        &[&n.to_string(), &file.display().to_string()]
                    )
                );
            })
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn student_name(
    flag: Option<&String>,
    exported: Option<&portable::Exported>,
    path: Option<&Path>,
) -> String {
    flag.cloned()
        .or_else(|| exported.and_then(|e| e.student.clone()))
        .or_else(|| {
            path.and_then(Path::file_stem)
                .map(|s| s.to_string_lossy().into_owned())
        })
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "student".into())
}

/// `sessionlab grade`.
pub fn grade(args: &GradeArgs, lessons: &LessonsArg) -> ExitCode {
    let course = match load_course(lessons) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let grades = match grades(args, &course) {
        Ok(g) => g,
        Err(e) => return fail(&e),
    };
    let text = match args.format {
        Format::Csv => grade::csv(&grades),
        Format::Gradescope | Format::Json if grades.len() != 1 => {
            return fail(
                "Gradescope and JSON results are for one student: give one --progress, or use --format csv",
            );
        }
        Format::Gradescope => pretty(&grades[0].gradescope()),
        Format::Json => pretty(&grades[0].json()),
    };
    print!("{text}");
    if args.transcript.is_some() && !grades.iter().all(Grade::passed) {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn pretty(json: &serde_json::Value) -> String {
    serde_json::to_string_pretty(json).unwrap_or_default() + "\n"
}

fn grades(args: &GradeArgs, course: &Course) -> Result<Vec<Grade>, String> {
    if let Some(path) = &args.transcript {
        let lesson = match &args.exercise {
            Some(id) => course
                .lesson(id)
                .ok_or_else(|| format!("there is no exercise (lesson) {id:?} in the course"))?,
            None if course.lessons.len() == 1 => &course.lessons[0],
            None => return Err("name the exercise the transcript answers: --exercise ID".into()),
        };
        let bytes = crate::files::read_capped(path, 64 << 20)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let text = String::from_utf8_lossy(&bytes);
        let student = student_name(args.student.as_ref(), None, Some(path));
        return Ok(vec![grade::from_transcript(
            lesson, &text, &student, course,
        )]);
    }
    if args.progress.is_empty() {
        let (store, _) = Store::open(data_dir());
        let exported = portable::export(course, &store.progress, None);
        let student = student_name(args.student.as_ref(), None, None);
        return Ok(vec![grade::from_progress(course, &exported, &student)]);
    }
    args.progress
        .iter()
        .map(|path| {
            let exported = portable::read(path, course)?;
            let student = student_name(args.student.as_ref(), Some(&exported), Some(path));
            Ok(grade::from_progress(course, &exported, &student))
        })
        .collect()
}
