//! The classroom end to end with the real binary: a teacher's course folder
//! with an exam profile, students learning in the plain line mode on two
//! machines, exported progress collected and graded into a spreadsheet,
//! progress carried between machines, and a submitted transcript graded.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Run the binary with its data directory in `data`, `stdin` piped in.
/// `sessionlab ARGS --lessons COURSE` (the option is read anywhere on the line).
fn in_course(data: &Path, course: &str, args: &[&str], stdin: &str) -> Output {
    sessionlab(data, &[args, &["--lessons", course]].concat(), stdin)
}

fn sessionlab(data: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sessionlab"))
        .args(args)
        .env("SESSIONLAB_DATA_DIR", data)
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn lessons_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons")
}

/// Each step's solution lines followed by `:next`, as a learner would type them.
fn solutions(id: &str, steps: usize) -> String {
    let lesson = std::fs::read_to_string(lessons_dir().join(format!("{id}.md"))).unwrap();
    let mut out = String::new();
    for block in lesson.split("```solution\n").skip(1).take(steps) {
        let body = block.split("```").next().unwrap();
        for line in body
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        {
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(":next\n");
    }
    out
}

/// A teacher's course folder: two lessons, an exam profile by default.
fn course(dir: &Path, id: &str) -> PathBuf {
    let course = dir.join(id);
    std::fs::create_dir_all(&course).unwrap();
    for lesson in ["01-what-is-a-cookie", "02-what-is-a-session"] {
        std::fs::copy(
            lessons_dir().join(format!("{lesson}.md")),
            course.join(format!("{lesson}.md")),
        )
        .unwrap();
    }
    std::fs::write(
        course.join("course.toml"),
        format!(
            "id = \"{id}\"\ntitle = \"Web sessions\"\norder = [\"01-what-is-a-cookie\", \"02-what-is-a-session\"]\nrequired = [\"01-what-is-a-cookie\", \"02-what-is-a-session\"]\nprofile = \"exam\"\n"
        ),
    )
    .unwrap();
    course
}

#[test]
fn plain_mode_completes_the_first_lesson_from_piped_input_without_escape_sequences() {
    let data = tempfile::tempdir().unwrap();
    let input = format!(
        ":hint\nshow browser\n{}show server\nshow http\n:quit\n",
        solutions("01-what-is-a-cookie", 99)
    );
    let out = sessionlab(data.path(), &["learn", "01-what-is-a-cookie"], &input);
    assert!(out.status.success(), "{out:?}");
    let shown = text(&out);
    assert!(!shown.contains('\x1b'), "an escape sequence: {shown:?}");
    says(
        &shown,
        &[
            "Hint 1 of 2",
            "browser default stored cookie theme, until the browser closes",
            "Lesson complete: What a cookie is.",
        ],
    );
    assert_eq!(shown.matches("Goal met.").count(), 7, "{shown}");
    let report = text(&sessionlab(data.path(), &["progress"], ""));
    says(
        &report,
        &[
            "What a cookie is [01-what-is-a-cookie]: done",
            "step 1: Set a cookie (done) 1 commands · 1 hints",
        ],
    );
}

#[test]
fn plain_mode_keeps_a_met_goal_met_like_the_full_screen_app() {
    let data = tempfile::tempdir().unwrap();
    let input = "response.set_cookie('theme', 'dark')\nresponse.delete_cookie('theme')\n\n:quit\n";
    let out = sessionlab(data.path(), &["learn", "01-what-is-a-cookie"], input);
    let shown = text(&out);
    assert!(shown.contains("Goal met."), "{shown}");
    assert!(
        shown.contains("The goal no longer holds (") && shown.contains("but the step stays done"),
        "{shown}"
    );
    // Enter on an empty line still goes on to step 2.
    assert!(shown.contains("Step 2 of "), "{shown}");
}

#[test]
fn plain_mode_says_sessions_in_words() {
    let data = tempfile::tempdir().unwrap();
    let input = "request.session['name'] = 'Ada'\n:quit\n";
    let out = sessionlab(
        data.path(),
        &["learn", "05-reading-and-writing", "--plain"],
        input,
    );
    let shown = text(&out);
    says(
        &shown,
        &[
            "browser default stored cookie sessionid, expires in 14d; server created session ",
            ", data {'name': 'Ada'}.",
        ],
    );
}

#[test]
fn plain_mode_undo_takes_back_the_request_show_http_shows() {
    let data = tempfile::tempdir().unwrap();
    let input = "visit /first\nvisit /second\n:undo\nshow http\n:quit\n";
    let out = sessionlab(
        data.path(),
        &["learn", "05-reading-and-writing", "--plain"],
        input,
    );
    let shown = text(&out);
    let after_undo = &shown[shown.find("Undone.").expect("undone")..];
    assert!(
        after_undo.contains("GET http://127.0.0.1:8000/first"),
        "{after_undo}"
    );
    assert!(!after_undo.contains("/second"), "{after_undo}");
}

#[test]
fn a_teacher_gives_an_exam_collects_grades_and_reads_them_as_a_spreadsheet() {
    let root = tempfile::tempdir().unwrap();
    let course = course(root.path(), "web-101");
    let course_arg = course.to_str().unwrap();
    let (ada, bob) = (root.path().join("ada"), root.path().join("bob"));

    let checked = sessionlab(&ada, &["check", course_arg], "");
    assert!(checked.status.success(), "{checked:?}");

    // Ada does both lessons in the exam profile: no hints, no solutions.
    let input = format!(
        ":hint\n:solution\n{}{}",
        solutions("01-what-is-a-cookie", 99),
        solutions("02-what-is-a-session", 99)
    );
    let out = in_course(
        &ada,
        course_arg,
        &["learn", "01-what-is-a-cookie", "--plain"],
        &format!("{input}:next\n{}", solutions("02-what-is-a-session", 99)),
    );
    let shown = text(&out);
    says(
        &shown,
        &[
            "Profile: exam (solutions hidden, 0 hints a step, predictions count).",
            "No hints in the exam profile.",
            "The exam profile does not show solutions.",
            "Lesson complete: What a session is.",
        ],
    );

    // Bob does two steps of the first lesson.
    let out = in_course(
        &bob,
        course_arg,
        &["learn", "01-what-is-a-cookie", "--plain"],
        &solutions("01-what-is-a-cookie", 2),
    );
    assert!(out.status.success(), "{out:?}");

    // Each exports a file; the teacher collects them.
    let files = root.path().join("collected");
    for (who, data) in [("ada", &ada), ("bob", &bob)] {
        let file = files.join(format!("{who}.json"));
        let out = in_course(
            data,
            course_arg,
            &[
                "progress",
                "export",
                file.to_str().unwrap(),
                "--student",
                who,
            ],
            "",
        );
        assert!(out.status.success(), "{out:?}");
    }
    let (a, b) = (files.join("ada.json"), files.join("bob.json"));
    let out = in_course(
        root.path(),
        course_arg,
        &[
            "grade",
            "--format",
            "csv",
            "--progress",
            a.to_str().unwrap(),
            "--progress",
            b.to_str().unwrap(),
        ],
        "",
    );
    assert!(out.status.success(), "{out:?}");
    let csv = text(&out);
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(
        rows[0],
        [
            "student",
            "course",
            "profile",
            "score",
            "max_score",
            "01-what-is-a-cookie",
            "02-what-is-a-session"
        ]
    );
    assert_eq!(rows[1], ["ada", "web-101", "exam", "12", "12", "7", "5"]);
    assert_eq!(rows[2], ["bob", "web-101", "exam", "2", "12", "2", "0"]);

    // Gradescope's results.json for one student.
    let out = in_course(
        root.path(),
        course_arg,
        &["grade", "--progress", b.to_str().unwrap()],
        "",
    );
    assert!(out.status.success(), "{out:?}");
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results["score"], 2.0);
    assert_eq!(results["max_score"], 12.0);
    let first = &results["tests"][0];
    assert_eq!(first["status"], "failed");
    assert_eq!(first["max_score"], 7.0);
    assert!(
        first["name"]
            .as_str()
            .unwrap()
            .contains("01-what-is-a-cookie")
    );
    assert!(
        first["output"]
            .as_str()
            .unwrap()
            .contains("2 of 7 steps done")
    );
}

#[test]
fn progress_moves_between_machines_merging_and_refusing_another_course() {
    let root = tempfile::tempdir().unwrap();
    let other = course(root.path(), "web-202");
    let course = course(root.path(), "web-101");
    let course_arg = course.to_str().unwrap();
    let (home, school) = (root.path().join("home"), root.path().join("school"));
    // Three steps at home, two at school (with a hint there).
    in_course(
        &home,
        course_arg,
        &["learn", "01-what-is-a-cookie", "--profile", "practice"],
        &solutions("01-what-is-a-cookie", 3),
    );
    in_course(
        &school,
        course_arg,
        &["learn", "01-what-is-a-cookie", "--profile", "practice"],
        &format!(":hint\n{}", solutions("01-what-is-a-cookie", 2)),
    );
    let from_home = root.path().join("home.json");
    let out = in_course(
        &home,
        course_arg,
        &["progress", "export", from_home.to_str().unwrap()],
        "",
    );
    assert!(out.status.success(), "{out:?}");
    let exported: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&from_home).unwrap()).unwrap();
    assert_eq!(exported["format"], "sessionlab-progress");
    assert_eq!(exported["version"], 2);
    assert_eq!(exported["course"], "web-101");

    // Importing twice changes nothing; the school's hint and the home's steps both stay.
    for _ in 0..2 {
        let out = in_course(
            &school,
            course_arg,
            &["progress", "import", from_home.to_str().unwrap()],
            "",
        );
        assert!(out.status.success(), "{out:?}");
    }
    let report = text(&in_course(
        &school,
        course_arg,
        &["progress", "--profile", "practice"],
        "",
    ));
    says(
        &report,
        &[
            "What a cookie is [01-what-is-a-cookie]: 3/7 steps",
            "step 1: Set a cookie (done) 1 commands · 1 hints",
            "step 3: Read one cookie with a default (done)",
        ],
    );

    let out = in_course(
        &school,
        other.to_str().unwrap(),
        &["progress", "import", from_home.to_str().unwrap()],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    let error = String::from_utf8_lossy(&out.stderr);
    assert!(
        error.contains("holds progress for the course 'web-101', not 'web-202'"),
        "{error}"
    );
}

#[test]
fn a_submitted_transcript_is_graded_against_the_exercise_goals() {
    let root = tempfile::tempdir().unwrap();
    let commands: String = solutions("01-what-is-a-cookie", 99).replace(":next\n", "");
    let scenario = root.path().join("answer.txt");
    std::fs::write(&scenario, &commands).unwrap();
    let run = sessionlab(
        root.path(),
        &["run", scenario.to_str().unwrap(), "--json"],
        "",
    );
    assert!(run.status.success(), "{run:?}");
    let transcript = root.path().join("answer.jsonl");
    std::fs::write(&transcript, &run.stdout).unwrap();
    let grade = |file: &Path| {
        sessionlab(
            root.path(),
            &[
                "grade",
                "--transcript",
                file.to_str().unwrap(),
                "--exercise",
                "01-what-is-a-cookie",
            ],
            "",
        )
    };
    let out = grade(&transcript);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (results["score"].as_f64(), results["max_score"].as_f64()),
        (Some(7.0), Some(7.0))
    );

    // Half the answer: the exit code says so, and the results say what is missing.
    let half: String = String::from_utf8_lossy(&run.stdout)
        .lines()
        .take(3)
        .map(|l| format!("{l}\n"))
        .collect();
    let partial = root.path().join("partial.jsonl");
    std::fs::write(&partial, half).unwrap();
    let out = grade(&partial);
    assert_eq!(out.status.code(), Some(1));
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results["score"], 3.0);
    assert!(
        results["tests"][3]["output"]
            .as_str()
            .unwrap()
            .contains("not reached"),
        "{results}"
    );

    // An edited transcript is not what its commands do.
    let edited = String::from_utf8_lossy(&run.stdout)
        .replace(r#"{"value": "'en'"}"#, r#"{"value": "'fr'"}"#);
    let forged = root.path().join("forged.jsonl");
    std::fs::write(&forged, edited).unwrap();
    let out = grade(&forged);
    assert_eq!(out.status.code(), Some(1));
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results["score"], 2.0);
    let why = results["tests"][2]["output"].as_str().unwrap();
    assert!(
        why.starts_with("line 3 of the transcript is not what its command does"),
        "{why}"
    );
}

#[test]
fn check_names_course_file_and_translation_problems_with_their_line() {
    let root = tempfile::tempdir().unwrap();
    let course = course(root.path(), "web-101");
    std::fs::write(
        course.join("course.toml"),
        "id = \"web-101\"\nrequired = [\n  \"01-what-is-a-cookie\",\n  \"99-missing\",\n]\n",
    )
    .unwrap();
    std::fs::create_dir(course.join("fr")).unwrap();
    let original = std::fs::read_to_string(course.join("01-what-is-a-cookie.md")).unwrap();
    std::fs::write(
        course.join("fr/01-what-is-a-cookie.md"),
        original.replace(
            "request.COOKIES.get('lang', 'en')\n```",
            "request.COOKIES.get('lang', 'fr')\n```",
        ),
    )
    .unwrap();
    let out = sessionlab(root.path(), &["check", course.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    let found = text(&out);
    assert!(
        found.contains("course.toml:4:3: required names '99-missing'"),
        "{found}"
    );
    std::fs::write(course.join("course.toml"), "id = \"web-101\"\n").unwrap();
    let out = sessionlab(root.path(), &["check", course.to_str().unwrap()], "");
    let found = text(&out);
    let line = original
        .lines()
        .position(|l| l == "request.COOKIES.get('lang', 'en')")
        .unwrap()
        + 1;
    assert!(
        found.contains(&format!(
            "fr/01-what-is-a-cookie.md:{line}:1: step 3's solution differs"
        )),
        "{found}"
    );
}

#[test]
fn the_first_lessons_speak_french() {
    let data = tempfile::tempdir().unwrap();
    let out = sessionlab(
        data.path(),
        &["learn", "01-what-is-a-cookie", "--plain", "--lang", "fr"],
        &solutions("01-what-is-a-cookie", 1),
    );
    let shown = text(&out);
    says(&shown, &["Étape 1 sur 7 : Poser un cookie", "But atteint."]);
    let checked = sessionlab(data.path(), &["check"], "");
    assert!(checked.status.success(), "{checked:?}");
}

/// Assert that `text` says each of `parts`.
fn says(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "{part:?} is missing from:\n{text}");
    }
}
