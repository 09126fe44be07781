//! The course proves itself, broken lessons are rejected with pinned
//! messages, `sessionlab lessons` lists the course, and the loader never
//! panics.

use std::process::Command;

use proptest::prelude::*;
use sessionlab::lesson::{Course, check_course, load::parse_lesson};
use sessionlab::runner::Runner;

fn sessionlab(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sessionlab"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run sessionlab");
    (
        out.status.success(),
        String::from_utf8(out.stdout).expect("UTF-8 output"),
    )
}

#[test]
fn the_embedded_course_proves_itself() {
    let course = Course::embedded().unwrap_or_else(|f| panic!("{f:#?}"));
    let findings = check_course(&course);
    assert!(
        findings.is_empty(),
        "{}",
        findings
            .iter()
            .map(|f| f.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(course.lessons.len() >= 20, "at least 20 lessons");
    let capstones = course
        .lessons
        .iter()
        .filter(|l| l.id.contains("capstone"))
        .count();
    assert!(capstones >= 2, "two capstones");
    for lesson in &course.lessons {
        let n = lesson.steps.len();
        assert!(
            (5..=10).contains(&n),
            "{} has {n} steps; a lesson has 5 to 10",
            lesson.id
        );
    }
    assert!(
        course
            .lessons
            .last()
            .is_some_and(|l| l.id.contains("capstone")),
        "the course ends with the capstone"
    );
}

#[test]
fn the_lessons_folder_is_the_embedded_course() {
    let embedded = Course::embedded().expect("embedded course loads");
    let folder =
        Course::load_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/lessons")).expect("lessons/ loads");
    let ids = |c: &Course| c.lessons.iter().map(|l| l.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&embedded), ids(&folder));
    let (ok, out) = sessionlab(&["check", "--lessons", "lessons"]);
    assert!(ok, "{out}");
    assert!(out.contains("21 lessons"), "{out}");
}

#[test]
fn check_passes_on_the_embedded_course() {
    let (ok, out) = sessionlab(&["check"]);
    assert!(ok, "{out}");
    assert!(out.starts_with("sessionlab check: 21 lessons, "), "{out}");
}

#[test]
fn lessons_lists_every_lesson_with_its_step_count() {
    let course = Course::embedded().expect("embedded course loads");
    let (ok, out) = sessionlab(&["lessons"]);
    assert!(ok);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), course.lessons.len());
    for (line, lesson) in lines.iter().zip(&course.lessons) {
        assert!(
            line.contains(&lesson.id) && line.contains(&lesson.title),
            "{line}"
        );
        assert!(
            line.ends_with(&format!("({} steps)", lesson.steps.len())),
            "{line}"
        );
    }
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>().join(" "),
        "1. 01-what-is-a-cookie What a cookie is (7 steps)"
    );
}

const BROKEN: &[(&str, &str)] = &[
    (
        "already-met",
        "tests/fixtures/lessons/broken/already-met.md:31:1: step 2's goal is already met before its solution: add a condition that only the solution makes true",
    ),
    (
        "bad-command",
        "tests/fixtures/lessons/broken/bad-command.md:20:20: this command does not parse: SyntaxError: '(' was never closed",
    ),
    (
        "bad-condition",
        "tests/fixtures/lessons/broken/bad-condition.md:12:16: 'dark' is not a Python literal; write strings in quotes ('dark'), numbers, True/False/None, lists or dicts",
    ),
    (
        "bad-setting",
        "tests/fixtures/lessons/broken/bad-setting.md:7:1: the starting world cannot be built: SESSION_COOKIE_AGE takes a whole number of seconds, not 'two weeks'",
    ),
    (
        "empty-hint",
        "tests/fixtures/lessons/broken/empty-hint.md:15:1: this hint of step 1 is empty: write the hint or remove the block",
    ),
    (
        "no-front-matter",
        "tests/fixtures/lessons/broken/no-front-matter.md:1:1: a lesson starts with TOML front matter: a line `+++`, then id, title and summary, then `+++`",
    ),
    (
        "no-why",
        "tests/fixtures/lessons/broken/no-why.md:7:1: this step has no `### Why` section: explain what happened once the goal is met",
    ),
    (
        "not-reached",
        "tests/fixtures/lessons/broken/not-reached.md:12:1: step 1's solution does not reach this condition (the browser keeps the cookie theme = 'light'): now theme = 'dark' (until the browser closes); fix the solution or the condition",
    ),
    (
        "unclosed-fence",
        "tests/fixtures/lessons/broken/unclosed-fence.md:11:1: this ``` block is never closed: add a closing ```",
    ),
    (
        "unknown-block",
        "tests/fixtures/lessons/broken/unknown-block.md:15:4: unknown block 'hints': use hint",
    ),
    (
        "unknown-field",
        "tests/fixtures/lessons/broken/unknown-field.md:5:1: front matter: unknown field `level`, expected one of `id`, `title`, `summary`, `start`",
    ),
    (
        "wrong-prediction",
        "tests/fixtures/lessons/broken/wrong-prediction.md:16:1: step 1's predicted answer (b) {}) is not what the simulation shows: after the solution, the browser's session data is {} is false (now browser 'default's session holds {'name': 'Ada'}); fix the answer or the proof",
    ),
    (
        "wrong-id",
        "tests/fixtures/lessons/broken/wrong-id.md:2:1: the id 'wrong-id-x' must be the file name without .md ('wrong-id'): rename the file or change the id",
    ),
];

#[test]
fn each_broken_lesson_is_rejected_with_its_pinned_message() {
    for (name, message) in BROKEN {
        let path = format!("tests/fixtures/lessons/broken/{name}.md");
        let (ok, out) = sessionlab(&["check", &path]);
        assert!(!ok, "{name} must be rejected");
        assert_eq!(out.trim_end(), *message, "{name}");
    }
    let listed = std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/lessons/broken"
    ))
    .expect("fixture folder")
    .count();
    assert_eq!(
        listed,
        BROKEN.len(),
        "every broken fixture has a pinned message"
    );
}

#[test]
fn the_broken_folder_is_rejected_as_a_whole() {
    let (ok, out) = sessionlab(&["check", "--lessons", "tests/fixtures/lessons/broken"]);
    assert!(!ok);
    assert!(out.contains("no-front-matter.md:1:1:"), "{out}");
}

#[test]
fn duplicate_ids_are_rejected() {
    let (ok, out) = sessionlab(&[
        "check",
        "tests/fixtures/lessons/duplicate-a",
        "tests/fixtures/lessons/duplicate-b",
    ]);
    assert!(!ok);
    assert_eq!(
        out.trim_end(),
        "tests/fixtures/lessons/duplicate-b/same-id.md:1:1: the id 'same-id' is already used by \
         tests/fixtures/lessons/duplicate-a/same-id.md: give each lesson its own id and file name"
    );
}

#[test]
fn goals_report_each_condition_for_the_tui() {
    let course = Course::embedded().expect("embedded course loads");
    let lesson = course.lesson("02-what-is-a-session").expect("lesson 2");
    let goal = &lesson.steps[0].goal;
    let mut runner = Runner::new(lesson.world(7));
    let before = goal.evaluate(&runner, None);
    assert_eq!(before.len(), 2);
    assert!(before.iter().all(|s| !s.holds));
    assert_eq!(before[0].label, "the server holds name = 'Ada'");
    assert_eq!(before[0].now, "browser 'default' has no sessionid cookie");
    // Another way to the same state passes too: the checker never reads the text typed.
    let step = runner.step("request.session.update({'name': 'Ada'})");
    assert!(goal.met(&runner, Some(&step)));
    let after = goal.evaluate(&runner, Some(&step));
    assert_eq!(
        after[0].now,
        "browser 'default's session holds {'name': 'Ada'}"
    );
}

#[test]
fn the_readme_example_lesson_passes_check() {
    let readme = include_str!("../lessons/README.md");
    let start = readme.find("````markdown\n").expect("example in README") + "````markdown\n".len();
    let end = start
        + readme[start..]
            .find("\n````\n")
            .expect("end of the example");
    let lesson =
        parse_lesson("01-remember-a-theme.md", &readme[start..end]).expect("the example loads");
    assert_eq!(lesson.steps.len(), 2);
    let findings = check_course(&Course {
        lessons: vec![lesson],
        ..Course::default()
    });
    assert!(findings.is_empty(), "{findings:?}");
}

proptest! {
    #[test]
    fn the_loader_never_panics(text in "\\PC*(\n\\PC*){0,12}") {
        let _ = parse_lesson("x.md", &text);
        let with_front = format!("+++\nid = \"x\"\ntitle = \"t\"\nsummary = \"s\"\n+++\n{text}");
        let result = parse_lesson("x.md", &with_front);
        if let Err(findings) = result {
            prop_assert!(findings.iter().all(|f| f.line >= 1 && f.column >= 1));
        }
    }

    #[test]
    fn step_sections_never_panic(lines in proptest::collection::vec(
        prop_oneof![
            Just("## Step: S".to_string()), Just("```goal".to_string()), Just("```hint".to_string()),
            Just("```solution".to_string()), Just("```".to_string()), Just("### Why".to_string()),
            Just("cookie theme = 'dark'".to_string()), Just("not in b: session has x".to_string()),
            "\\PC{0,20}",
        ], 0..30)) {
        let text = format!("+++\nid = \"x\"\ntitle = \"t\"\nsummary = \"s\"\n+++\n{}", lines.join("\n"));
        if let Ok(lesson) = parse_lesson("x.md", &text) {
            let course = Course {
                lessons: vec![lesson],
                ..Course::default()
            };
            let _ = check_course(&course);
        }
        prop_assert!(true);
    }
}

/// From lesson 8 on the scaffolding fades: no last hint spells out a line of
/// the solution (F3 still shows it).
#[test]
fn from_lesson_8_no_last_hint_spells_the_solution() {
    let course = Course::embedded().expect("embedded course loads");
    let mut offenders = Vec::new();
    for lesson in &course.lessons {
        let number: u32 = lesson.id[..2].parse().expect("lesson ids start with NN");
        if number < 8 {
            continue;
        }
        for (n, step) in lesson.steps.iter().enumerate() {
            let last = step.hints.last().expect("every step has a hint");
            if let Some(line) = step
                .solution
                .iter()
                .find(|line| last.contains(line.as_str()))
            {
                offenders.push(format!("{} step {}: {line}", lesson.id, n + 1));
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
}

/// The steps where something surprising happens ask for a prediction first.
#[test]
fn the_surprises_are_predicted_first() {
    let course = Course::embedded().expect("embedded course loads");
    for (id, title) in [
        (
            "05-reading-and-writing",
            "Delete everything, keep the session",
        ),
        ("07-when-django-saves", "The nested-list trap"),
        ("09-expiry-and-time", "Two weeks pass"),
        ("10-browser-close", "Close the browser"),
        ("12-stealing-a-session", "Logging out ends it"),
        ("13-fixation-and-tampering", "Logout cannot revoke it"),
    ] {
        let lesson = course.lesson(id).expect(id);
        let step = lesson.steps.iter().find(|s| s.title == title).expect(title);
        assert!(
            step.predict.is_some(),
            "{id}: {title} asks for a prediction"
        );
    }
}

#[test]
fn check_notes_prints_the_answers_and_the_teachers_notes() {
    let (ok, out) = sessionlab(&["check", "--notes", "lessons/16-password-change.md"]);
    assert!(ok, "{out}");
    assert!(out.contains("predict: "), "{out}");
    assert!(out.contains("-> b) No: her session was flushed"), "{out}");
    assert!(out.contains("    | Ask the class"), "{out}");
    let (_, plain) = sessionlab(&["check", "lessons/16-password-change.md"]);
    assert!(!plain.contains("Ask the class"), "{plain}");
}
