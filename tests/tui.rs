//! The interactive app on ratatui's TestBackend: snapshots of the main
//! screens, every size without a panic, and the lesson flow.

use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sessionlab::lesson::Course;
use sessionlab::lesson::predict::{Answer, Asked, Predict};
use sessionlab::progress::Store;
use sessionlab::sim::settings::Engine;
use sessionlab::tui::theme::Theme;
use sessionlab::tui::{App, Overlay, Pane, Screen, view};

const COOKIE_BASICS: &str = r#"+++
id = "cookie-basics"
title = "Cookie basics"
summary = "Set a value, then look at the cookie."
+++

Sessions keep data **on the server**.

## Step: Store a name

Store a name: `request.session['name'] = 'Ada'`

```goal
cookie sessionid  # a sessionid cookie
```

```hint
Assign to `request.session['name']`.
```

```hint
Type it exactly.
```

```solution
request.session['name'] = 'Ada'
```

### Why

The middleware saved the session.

## Step: Let it expire

Let it expire: `clock +3w`

```goal
not cookie sessionid  # the cookie expired
sessions = 1          # the row is still stored
```

```hint
`clock +3w`
```

```solution
clock +3w
```

### Why

Expired cookies are dropped by the browser.
"#;

const SECOND: &str = r#"+++
id = "second"
title = "A second lesson"
summary = "Anything."
+++

## Step: Anything

Anything

```goal
cookies on
```

```hint
Nothing to do.
```

```solution
browser cookies on
```

### Why

Cookies are on by default.
"#;

fn fake_course() -> Course {
    Course::from_files([
        ("cookie-basics.md".to_string(), COOKIE_BASICS.to_string()),
        ("second.md".to_string(), SECOND.to_string()),
    ])
    .expect("the test lessons load")
}

fn app_with(dir: Option<std::path::PathBuf>) -> App {
    let store = Store::in_dir(dir);
    App::new(fake_course(), store, Vec::new(), Theme::mono(), 0)
}

fn app() -> App {
    app_with(None)
}

fn now() -> Instant {
    sessionlab::tui::wall_clock()
}

fn key(app: &mut App, code: KeyCode) {
    app.handle(&Event::Key(KeyEvent::new(code, KeyModifiers::NONE)), now());
}

fn ctrl(app: &mut App, c: char) {
    app.handle(
        &Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
        now(),
    );
}

fn type_line(app: &mut App, line: &str) {
    for c in line.chars() {
        key(app, KeyCode::Char(c));
    }
    key(app, KeyCode::Enter);
}

fn render(app: &mut App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    app.size = ratatui::layout::Rect::new(0, 0, w, h);
    terminal.draw(|f| view::draw(app, f)).unwrap();
    terminal
}

fn screen(app: &mut App, w: u16, h: u16) -> String {
    render(app, w, h).backend().to_string()
}

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

#[test]
fn menu() {
    let mut app = app();
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("menu_{w}x{h}"), screen(&mut app, w, h));
    }
}

fn lesson_midway() -> App {
    let mut app = app();
    app.open_lesson(0);
    type_line(&mut app, "request.session['name'] = 'Ada'");
    key(&mut app, KeyCode::Enter); // goal met: on to step 2
    type_line(&mut app, "clock +1w");
    key(&mut app, KeyCode::F(2));
    app
}

#[test]
fn lesson_mid_way() {
    let mut app = lesson_midway();
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("lesson_{w}x{h}"), screen(&mut app, w, h));
    }
}

#[test]
fn sandbox_every_engine() {
    for engine in Engine::ALL {
        let mut app = app();
        app.open_sandbox();
        type_line(
            &mut app,
            &format!("settings.SESSION_ENGINE = '{}'", engine.module()),
        );
        type_line(&mut app, "request.session['name'] = 'Ada'");
        for (w, h) in SIZES {
            let text = screen(&mut app, w, h);
            assert!(
                text.contains("+ sessionid") || text.contains("+ "),
                "{engine:?}\n{text}"
            );
            insta::assert_snapshot!(format!("sandbox_{}_{w}x{h}", engine.short_name()), text);
        }
    }
}

#[test]
fn help() {
    let mut app = app();
    app.open_sandbox();
    key(&mut app, KeyCode::F(1));
    assert!(matches!(app.overlay, Some(Overlay::Help { .. })));
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("help_{w}x{h}"), screen(&mut app, w, h));
    }
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay, None);
}

#[test]
fn demo() {
    let mut app = app();
    let t = now();
    app.open_demo(0, false, Duration::from_secs(1), t);
    key(&mut app, KeyCode::Char(' ')); // start typing
    // The typing animation, driven by ticks.
    let mut at = t;
    for _ in 0..10 {
        at += Duration::from_millis(40);
        app.tick(at);
    }
    let typing = screen(&mut app, 80, 24);
    assert!(typing.contains(">>> request.s"), "{typing}");
    key(&mut app, KeyCode::Char(' ')); // finish and run
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("demo_{w}x{h}"), screen(&mut app, w, h));
    }
    key(&mut app, KeyCode::Char('z'));
    let zoomed = screen(&mut app, 80, 24);
    assert!(zoomed.contains("sessionid ="), "{zoomed}");
    key(&mut app, KeyCode::Left);
    assert!(app.work.as_ref().unwrap().runner.world.jar().is_empty());
}

#[test]
fn demo_autoplay_runs_by_itself() {
    let mut app = app();
    let t = now();
    app.open_demo(0, true, Duration::from_millis(100), t);
    let mut at = t;
    for _ in 0..400 {
        at += Duration::from_millis(50);
        app.tick(at);
    }
    let demo = app.work.as_ref().unwrap().demo.as_ref().unwrap();
    assert_eq!(demo.pos, demo.commands.len());
}

#[test]
fn every_size_renders() {
    let widths = [
        1, 2, 3, 7, 20, 40, 59, 60, 61, 75, 76, 80, 100, 109, 110, 120, 160, 240, 300,
    ];
    let heights = [1, 2, 3, 5, 10, 15, 16, 17, 20, 24, 40, 60, 100];
    let mut apps = vec![app(), lesson_midway()];
    let mut sandbox = app();
    sandbox.open_sandbox();
    type_line(&mut sandbox, "request.session['name'] = 'Ada' * 50");
    apps.push(sandbox);
    let mut help = lesson_midway();
    key(&mut help, KeyCode::F(1));
    apps.push(help);
    let mut zoomed = lesson_midway();
    key(&mut zoomed, KeyCode::Tab);
    ctrl(&mut zoomed, 'f');
    apps.push(zoomed);
    let mut demo = app();
    demo.open_demo(0, false, Duration::from_secs(1), now());
    apps.push(demo);
    for app in &mut apps {
        for w in widths {
            for h in heights {
                let text = screen(app, w, h);
                if w < view::MIN_WIDTH || h < view::MIN_HEIGHT {
                    assert!(w < 10 || text.contains("Make"), "{w}x{h}: {text}");
                }
            }
        }
    }
}

#[test]
fn lesson_flow_hints_solution_undo_reset() {
    let dir = std::env::temp_dir().join(format!("sessionlab-tui-flow-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut app = app_with(Some(dir.clone()));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Work);
    let state = |app: &App| app.work.as_ref().unwrap().lesson.clone().unwrap();
    assert_eq!(state(&app).step, 0);
    // Hints one at a time.
    key(&mut app, KeyCode::F(2));
    key(&mut app, KeyCode::F(2));
    key(&mut app, KeyCode::F(2));
    assert_eq!(state(&app).hints, 2);
    // The solution only after a confirmation.
    key(&mut app, KeyCode::F(3));
    assert!(!state(&app).solution_shown);
    key(&mut app, KeyCode::Char('n'));
    assert!(!state(&app).solution_shown);
    key(&mut app, KeyCode::F(3));
    key(&mut app, KeyCode::Char('y'));
    assert!(state(&app).solution_shown);
    // An unmet condition is marked while unmet.
    assert!(screen(&mut app, 120, 40).contains("✗ a sessionid"));
    type_line(&mut app, "request.session['name'] = 'Ada'");
    assert!(state(&app).met);
    assert!(screen(&mut app, 120, 40).contains("The middleware saved the session."));
    // Undo takes the command back.
    ctrl(&mut app, 'z');
    assert!(!state(&app).met);
    type_line(&mut app, "request.session['name'] = 'Ada'");
    key(&mut app, KeyCode::F(4));
    assert_eq!(state(&app).step, 1);
    type_line(&mut app, "clock +1w");
    key(&mut app, KeyCode::F(5)); // reset the step, after a confirmation
    key(&mut app, KeyCode::Char('y'));
    assert_eq!(app.work.as_ref().unwrap().runner.world.jar().len(), 1);
    assert_eq!(
        app.work.as_ref().unwrap().runner.world.now(),
        sessionlab::sim::world::START_TIME
    );
    // Progress was saved; a new app resumes at step 2 with the world replayed.
    let (store, messages) = Store::open(Some(dir.clone()));
    assert!(messages.is_empty());
    assert_eq!(store.lesson("cookie-basics").done, 1);
    let mut again = App::new(fake_course(), store, Vec::new(), Theme::mono(), 0);
    assert!(screen(&mut again, 80, 24).contains("1/2 steps"));
    key(&mut again, KeyCode::Enter);
    assert_eq!(state(&again).step, 1);
    assert_eq!(again.work.as_ref().unwrap().runner.world.jar().len(), 1);
    // Reset the whole lesson, after a confirmation.
    key(&mut again, KeyCode::F(6));
    key(&mut again, KeyCode::Char('y'));
    assert_eq!(state(&again).step, 0);
    assert!(again.work.as_ref().unwrap().runner.world.jar().is_empty());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn prompt_editing_history_completion_and_paste() {
    let mut app = app();
    app.size = ratatui::layout::Rect::new(0, 0, 120, 40);
    app.open_sandbox();
    for c in "request.session.fl".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.prompt.text(), "request.session.flush()");
    ctrl(&mut app, 'u');
    assert_eq!(app.prompt.text(), "");
    // Tab on an empty prompt moves focus.
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Pane::Browser);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.focus, Pane::Shell);
    app.handle(
        &Event::Paste(
            "request.session['a'] = 1\nrequest.session['b'] = 2\nrequest.session.ke".into(),
        ),
        now(),
    );
    assert_eq!(app.prompt.text(), "request.session.ke");
    assert_eq!(
        app.work.as_ref().unwrap().runner.world.store()[0]
            .data
            .len(),
        2
    );
    ctrl(&mut app, 'u');
    key(&mut app, KeyCode::Up);
    assert_eq!(app.prompt.text(), "request.session['b'] = 2");
    // Errors show a caret under the column.
    ctrl(&mut app, 'u');
    type_line(&mut app, "request.session[");
    let text = screen(&mut app, 120, 40);
    assert!(text.contains(">>> request.session["), "{text}");
    assert!(text.contains("SyntaxError"), "{text}");
    assert!(text.contains("^"), "{text}");
    // Garbage input never panics.
    for line in [
        "\u{7}",
        "))))",
        "browser copy x from nobody",
        "clock -5",
        "settings.X = (",
        "é",
    ] {
        type_line(&mut app, line);
    }
    // The mouse wheel scrolls the pane under the pointer (the Server pane,
    // long enough to scroll back from the session just made).
    for i in 0..8 {
        type_line(&mut app, "browser clear");
        type_line(&mut app, &format!("request.session['n'] = {i}"));
    }
    let _ = screen(&mut app, 120, 40);
    let wheel = MouseEvent {
        kind: MouseEventKind::ScrollUp,
        column: 100,
        row: 20,
        modifiers: KeyModifiers::NONE,
    };
    app.handle(&Event::Mouse(wheel), now());
    assert_eq!(
        app.scroll[Pane::Server as usize],
        sessionlab::tui::panes::FOLLOW - 3
    );
    ctrl(&mut app, 'c');
    assert!(app.quit);
}

#[test]
fn changes_are_marked_by_symbols() {
    let mut app = app();
    app.open_sandbox();
    type_line(&mut app, "request.session['name'] = 'Ada'");
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("+ sessionid"), "{text}");
    assert!(text.contains("+ session_key"), "{text}");
    assert!(text.contains("+ Set-Cookie: sessionid="), "{text}");
    type_line(&mut app, "request.session['name'] = 'Bob'");
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("~ session_key"), "{text}");
    type_line(&mut app, "request.session.flush()");
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("- sessionid"), "{text}");
    assert!(text.contains("(deleted)"), "{text}");
}

#[test]
fn embedded_course_plays_through_in_the_app() {
    let course = Course::embedded().expect("the embedded course loads");
    let store = Store::default();
    let mut app = App::new(course, store, Vec::new(), Theme::mono(), 0);
    for index in 0..app.course.lessons.len() {
        app.open_lesson_at(index, 0);
        let steps = app.course.lessons[index].steps.clone();
        for (i, step) in steps.iter().enumerate() {
            if let Some(predict) = &step.predict {
                type_line(&mut app, &right_answer(predict));
            }
            for line in &step.solution {
                type_line(&mut app, line);
            }
            let state = app.work.as_ref().unwrap().lesson.clone().unwrap();
            if step.predict.is_some() {
                assert!(
                    matches!(&state.predicted, Asked::Answered(p) if p.right),
                    "{} step {}: {:?}",
                    app.course.lessons[index].id,
                    i + 1,
                    state.predicted
                );
            }
            assert!(
                state.met,
                "{} step {}: {:?}",
                app.course.lessons[index].id,
                i + 1,
                state.conditions
            );
            key(&mut app, KeyCode::Enter);
        }
        assert!(app.work.as_ref().unwrap().lesson.as_ref().unwrap().finished);
        let _ = screen(&mut app, 80, 24);
    }
}

/// The app on the embedded course, saving progress in `dir`.
fn course_app(dir: &std::path::Path) -> App {
    let course = Course::embedded().expect("the embedded course loads");
    let (store, _) = Store::open(Some(dir.to_path_buf()));
    App::new(course, store, Vec::new(), Theme::mono(), 0)
}

fn solve_step(app: &mut App) {
    let work = app.work.as_ref().unwrap();
    let state = work.lesson.as_ref().unwrap();
    let lines = app.course.lessons[state.lesson].steps[state.step]
        .solution
        .clone();
    for line in &lines {
        type_line(app, line);
    }
    assert!(app.work.as_ref().unwrap().lesson.as_ref().unwrap().met);
}

#[test]
fn starting_a_lesson_again_never_lowers_its_progress() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = course_app(dir.path());
    app.open_lesson(0);
    for _ in 0..3 {
        solve_step(&mut app);
        key(&mut app, KeyCode::Enter);
    }
    let id = app.course.lessons[0].id.clone();
    assert_eq!(app.store.lesson(&id).done, 3);
    // F6, y: the whole lesson again, then step 1 once more.
    key(&mut app, KeyCode::F(6));
    key(&mut app, KeyCode::Char('y'));
    solve_step(&mut app);
    assert_eq!(app.store.lesson(&id).done, 3);
    let (again, _) = Store::open(Some(dir.path().to_path_buf()));
    assert_eq!(again.lesson(&id).done, 3);
}

#[test]
fn the_next_lesson_resumes_where_it_was_left() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = course_app(dir.path());
    let next = app.course.lessons[1].id.clone();
    app.store
        .record(&next, 2, app.course.lessons[1].steps.len())
        .unwrap();
    app.open_lesson(0);
    let steps = app.course.lessons[0].steps.len();
    for _ in 0..steps {
        solve_step(&mut app);
        key(&mut app, KeyCode::Enter);
    }
    assert!(app.work.as_ref().unwrap().lesson.as_ref().unwrap().finished);
    key(&mut app, KeyCode::Enter);
    let state = app.work.as_ref().unwrap().lesson.as_ref().unwrap();
    assert_eq!((state.lesson, state.step), (1, 2));
    assert_eq!(app.store.lesson(&next).done, 2);
}

#[test]
fn a_long_value_kept_through_many_writes_does_not_shorten_undo() {
    let mut app = app();
    app.open_sandbox();
    type_line(&mut app, "request.session['a'] = 'x' * 999999");
    for i in 0..40 {
        type_line(&mut app, &format!("request.session['n'] = {i}"));
    }
    // Every state shares the one long string: all 41 commands can be undone
    // (the undo history's 64 MB would hold 32 copies of it).
    let mut undone = 0;
    loop {
        ctrl(&mut app, 'z');
        let work = app.work.as_ref().unwrap();
        if matches!(work.output.last(), Some(sessionlab::tui::panes::Output::Note(n)) if n == "Nothing to undo.")
        {
            break;
        }
        undone += 1;
    }
    assert_eq!(undone, 41);
}

#[test]
fn the_http_pane_lists_ten_exchanges() {
    let mut app = app();
    app.open_sandbox();
    for line in [
        "login(request, 'alice')",
        "request.session['cart'] = ['apple']",
        "visit /shop",
        "site https://shop.example",
        "response.set_cookie('theme', 'dark', secure=True)",
        "visit /transfer from https://evil.example via form",
        "site http://shop.example",
        "response.set_cookie('theme', 'light')",
        "replay 2",
        "request.COOKIES",
        "visit /pixel.gif from https://evil.example via image",
        "replay 1 with Cookie: sessionid=forged123",
    ] {
        type_line(&mut app, line);
    }
    assert_eq!(app.work.as_ref().unwrap().runner.bench.flows.len(), 10);
    // Focus the HTTP pane and enlarge it, as a learner reading the flows would.
    key(&mut app, KeyCode::Tab);
    while app.focus != Pane::Http {
        key(&mut app, KeyCode::Tab);
    }
    key(&mut app, KeyCode::F(8));
    for (w, h) in SIZES {
        let text = screen(&mut app, w, h);
        assert!(text.contains("#10 workbench GET"), "{text}");
        assert!(text.contains("refused"), "{text}");
        insta::assert_snapshot!(format!("flows_{w}x{h}"), text);
    }
    // `p` shows an earlier exchange in detail.
    key(&mut app, KeyCode::Char('p'));
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("▶ #9"), "{text}");
}

/// What a learner types to give the right answer.
fn right_answer(predict: &Predict) -> String {
    match &predict.answer {
        Answer::Choice(key) => key.clone(),
        Answer::Value(value) => value.repr(),
    }
}

#[test]
fn a_prediction_is_asked_first_and_answered_after_the_goal() {
    let course = Course::embedded().expect("the embedded course loads");
    let store = Store::default();
    let mut app = App::new(course, store, Vec::new(), Theme::mono(), 0);
    let index = app.course.find("07-when-django-saves").expect("lesson 7");
    let step = app.course.lessons[index]
        .steps
        .iter()
        .position(|s| s.predict.is_some())
        .expect("a step with a prediction");
    app.open_lesson_at(index, step);
    let text = screen(&mut app, 120, 60);
    assert!(text.contains("Predict"), "{text}");
    assert!(text.contains("Type your prediction (a or b)"), "{text}");
    type_line(&mut app, "request.session['cart']");
    let text = screen(&mut app, 120, 60);
    assert!(text.contains("Predict first: answer a or b"), "{text}");
    type_line(&mut app, "a");
    type_line(&mut app, "request.session['cart'].append('pear')");
    let text = screen(&mut app, 120, 60);
    assert!(text.contains("You predicted a; the answer is b)"), "{text}");
    assert!(
        text.contains("The list in memory did get the pear"),
        "{text}"
    );
}

#[test]
fn no_bidi_override_is_ever_drawn() {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    let mut buffer = Buffer::empty(Rect::new(0, 0, 20, 1));
    buffer.set_string(
        0,
        0,
        "a\u{202e}oll\u{202c}b\u{2066}c",
        ratatui::style::Style::default(),
    );
    sessionlab::tui::drop_bidi_controls(&mut buffer);
    let text: String = buffer.content.iter().map(|c| c.symbol()).collect();
    assert!(
        !text.chars().any(sessionlab::safe_text::is_bidi_control),
        "{text:?}"
    );
    assert!(text.starts_with('a') && text.contains("oll"), "{text:?}");
}

/// The first lesson of the real course in `theme`.
fn first_lesson(theme: Theme) -> App {
    let course = Course::embedded().expect("the course loads");
    let mut app = App::new(course, Store::in_dir(None), Vec::new(), theme, 0);
    app.open_lesson(0);
    app
}

#[test]
fn small_windows_show_the_step_goal_and_set_cookie_without_scrolling() {
    for (w, h) in [(80, 24), (60, 16)] {
        let mut app = first_lesson(Theme::mono());
        let first = screen(&mut app, w, h);
        for want in [
            "Step 1 of",
            "response.set_cookie('theme', 'dark')",
            "Goal",
            "✗ the browser keeps theme=dark",
        ] {
            assert!(
                first.contains(want),
                "{w}x{h} first screen lacks {want:?}:\n{first}"
            );
        }
        insta::assert_snapshot!(format!("first_lesson_start_{w}x{h}"), first);
        type_line(&mut app, "response.set_cookie('theme', 'dark')");
        let after = screen(&mut app, w, h);
        for want in ["Set-Cookie: theme=dark", "✓ Goal met!", "[HTTP]"] {
            assert!(
                after.contains(want),
                "{w}x{h} after the command lacks {want:?}:\n{after}"
            );
        }
        insta::assert_snapshot!(format!("first_lesson_met_{w}x{h}"), after);
    }
}

#[test]
fn the_key_bar_fits_eighty_columns() {
    let mut app = first_lesson(Theme::mono());
    let text = screen(&mut app, 80, 24);
    let bar = text.lines().last().unwrap();
    for want in ["F1Help", "F4Next", "F5Reset", "F8Zoom", "F10Menu", "^ZUndo"] {
        assert!(bar.contains(want), "{bar}");
    }
}

#[test]
fn both_colour_themes() {
    for (name, theme) in [("dark", Theme::color()), ("light", Theme::light())] {
        let mut app = first_lesson(theme);
        type_line(&mut app, "response.set_cookie('theme', 'dark')");
        let terminal = render(&mut app, 60, 16);
        insta::assert_debug_snapshot!(format!("theme_{name}_60x16"), terminal.backend().buffer());
    }
}

#[test]
fn a_met_goal_stays_met_and_enter_says_what_is_missing() {
    let mut app = first_lesson(Theme::mono());
    let state = |app: &App| app.work.as_ref().unwrap().lesson.clone().unwrap();
    let shell = |app: &App| format!("{:?}", app.work.as_ref().unwrap().output);
    // Enter on an unmet goal says what is missing.
    key(&mut app, KeyCode::Enter);
    assert!(shell(&app).contains("Not yet: still missing the browser keeps theme=dark"));
    type_line(&mut app, "response.set_cookie('theme', 'dark')");
    assert!(state(&app).met);
    type_line(&mut app, "response.delete_cookie('theme')");
    assert!(state(&app).met, "the goal stays met");
    assert!(shell(&app).contains("The goal no longer holds"));
    key(&mut app, KeyCode::F(9));
    assert!(shell(&app).contains("Why (step 1)"));
    key(&mut app, KeyCode::Enter);
    assert_eq!(state(&app).step, 1);
    // print() shows its output, in the shell and the server's console.
    type_line(&mut app, "print(request.COOKIES)");
    assert!(shell(&app).contains("Printed"));
    assert!(shell(&app).contains("console"));
    assert!(screen(&mut app, 120, 40).contains("Console (print output)"));
    // help, exit and clear are the app's.
    type_line(&mut app, "exit");
    assert!(shell(&app).contains("Ctrl-C quits"));
    type_line(&mut app, "clear");
    assert!(app.work.as_ref().unwrap().output.is_empty());
    // `show server`, as in the linear mode, picks the pane a small window shows.
    type_line(&mut app, "show server");
    assert!(shell(&app).contains("The Server pane is shown"));
    assert!(screen(&mut app, 80, 24).contains("[Server]"));
    type_line(&mut app, "show browser");
    assert!(screen(&mut app, 80, 24).contains("[Browser]"));
    // Back a step: its solution replayed, its goal met, its explanation shown.
    type_line(&mut app, "back");
    assert_eq!(state(&app).step, 0);
    assert!(state(&app).met);
    assert!(screen(&mut app, 80, 24).contains("✓ Goal met!"));
}

#[test]
fn a_profile_without_solutions_says_so_instead_of_asking() {
    let mut course = fake_course();
    course.profile = sessionlab::lesson::profile::Profile::exam();
    let mut app = App::new(course, Store::in_dir(None), Vec::new(), Theme::mono(), 0);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::F(3));
    assert!(app.overlay.is_none(), "no question is asked");
    let work = app.work.as_ref().unwrap();
    assert!(!work.lesson.as_ref().unwrap().solution_shown);
    assert!(screen(&mut app, 120, 40).contains("does not show solutions"));
}

#[test]
fn lessons_open_by_number() {
    let course = Course::embedded().expect("the course loads");
    assert_eq!(course.find("7"), Some(6));
    assert_eq!(course.find("07"), Some(6));
    assert_eq!(course.find("01-what-is-a-cookie.md"), Some(0));
    assert_eq!(course.find("99"), None);
}

#[test]
fn presenter_mode_shows_each_step_before_its_command_and_runs_on_one_key() {
    let mut app = app();
    let t = now();
    app.open_demo(0, false, Duration::from_secs(1), t);
    let step = |app: &App| app.work.as_ref().unwrap().lesson.as_ref().unwrap().step;
    let pos = |app: &App| app.work.as_ref().unwrap().demo.as_ref().unwrap().pos;
    let mut at = t;
    let mut settle = |app: &mut App| {
        for _ in 0..200 {
            at += Duration::from_millis(40);
            app.tick(at);
        }
    };
    // One key types the command, and it runs once typed.
    key(&mut app, KeyCode::Char(' '));
    settle(&mut app);
    assert_eq!(pos(&app), 1);
    assert_eq!(step(&app), 0, "the explanation of step 1 stays up");
    // The next key shows step 2's instruction, before its command.
    key(&mut app, KeyCode::Char(' '));
    assert_eq!((step(&app), pos(&app)), (1, 1));
    assert!(!app.work.as_ref().unwrap().lesson.as_ref().unwrap().met);
    key(&mut app, KeyCode::Char(' '));
    settle(&mut app);
    let demo = app.work.as_ref().unwrap().demo.as_ref().unwrap();
    assert_eq!(demo.pos, demo.commands.len());
    assert!(screen(&mut app, 120, 40).contains("End of the demo"));
}

#[test]
fn scrolling_past_the_end_of_a_pane_stops_there() {
    let mut app = app();
    app.open_sandbox();
    for i in 0..20 {
        type_line(&mut app, "browser clear");
        type_line(&mut app, &format!("request.session['n'] = {i}"));
    }
    let first = screen(&mut app, 120, 40);
    assert!(first.contains("'n': 19"), "{first}");
    let server = Pane::Server as usize;
    app.focus = Pane::Server;
    for _ in 0..60 {
        key(&mut app, KeyCode::PageDown);
        let _ = screen(&mut app, 120, 40);
    }
    let bottom = app.scroll[server];
    let at_bottom = screen(&mut app, 120, 40);
    assert!(at_bottom.contains("save every request"), "{at_bottom}");
    // One page back up shows other rows at once.
    key(&mut app, KeyCode::PageUp);
    assert!(app.scroll[server] < bottom);
    assert_ne!(screen(&mut app, 120, 40), at_bottom);
    for _ in 0..60 {
        key(&mut app, KeyCode::PageUp);
        let _ = screen(&mut app, 120, 40);
    }
    let top = screen(&mut app, 120, 40);
    assert!(top.contains("django_session table · 20 rows"), "{top}");
    key(&mut app, KeyCode::PageDown);
    assert_ne!(screen(&mut app, 120, 40), top);
}
