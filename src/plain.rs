//! The linear mode, for screen readers and plain terminals: no full-screen
//! drawing, one line at a time. It reads commands as lines from standard
//! input (so any line editor, `rlwrap` or a screen reader's own, works),
//! and after each command says in words what changed, then the goal's
//! status. Commands of its own start with `:` (`:hint`, `:solution`, `:why`,
//! `:next`, `:undo`, `:quit`), which no Python line or world command does;
//! `show browser|server|http` tells what a pane would show.
//!
//! It plays a lesson through the same [`Runner`], goals and questions as the
//! TUI, and records the same report card.

use std::collections::VecDeque;
use std::io::{self, BufRead, Write};
use std::time::Instant;

use crate::i18n::{tr, trf};
use crate::lesson::play::{Advance, Hint, Played, Playthrough, unmet_labels};
use crate::lesson::{Course, Lesson, LessonStep};
use crate::progress::Store;
use crate::runner::{ChangeKind, Checkpoint, Outcome, Runner, Step, is_command};
use crate::safe_text::escape;
use crate::sim::Value;
use crate::transcript::{expiry_text, readable};
use crate::tui::history::DEPTH;

/// Whether `learn` should use the linear mode without being asked: a dumb
/// terminal, or standard output that is not a terminal.
pub fn wanted() -> bool {
    use std::io::IsTerminal as _;
    std::env::var("TERM").is_ok_and(|t| t == "dumb") || !io::stdout().is_terminal()
}

/// What the caller should do after a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

/// A lesson being played line by line.
pub struct Plain<'c> {
    course: &'c Course,
    /// Where the learner is; the same step flow as the full-screen app.
    play: Playthrough,
    runner: Runner,
    /// The state before each of the last [`DEPTH`] commands, newest last:
    /// the world, the last step and the last step that made a request.
    undo: VecDeque<(Checkpoint, Option<Step>, Option<Step>)>,
    last: Option<Step>,
    /// The last step that made a request, for `show http`.
    last_exchange: Option<Step>,
    began: Instant,
    store: Store,
}

impl<'c> Plain<'c> {
    /// Open lesson `index`, resuming where the store says the learner stopped.
    pub fn new(
        course: &'c Course,
        index: usize,
        store: Store,
        out: &mut impl Write,
    ) -> io::Result<Self> {
        let lesson = &course.lessons[index];
        let at = store.lesson(&lesson.id).resume_at(lesson.steps.len());
        let mut runner = Runner::new(lesson.world(0));
        let play = Playthrough::open(lesson, index, &mut runner, at);
        let mut plain = Plain {
            course,
            play,
            runner,
            undo: VecDeque::new(),
            last: None,
            last_exchange: None,
            began: crate::tui::wall_clock(),
            store,
        };
        say(out, &trf("plain.welcome", &[&lesson.id, &lesson.title]))?;
        if course.profile.is_notable() {
            say(out, &course.profile.describe())?;
        }
        say(out, &lesson.body_markdown)?;
        plain.store.progress.last = Some(lesson.id.clone());
        plain.introduce(out)?;
        Ok(plain)
    }

    fn lesson(&self) -> &'c Lesson {
        &self.course.lessons[self.play.lesson]
    }

    fn current(&self) -> Option<&'c LessonStep> {
        self.lesson().steps.get(self.play.step)
    }

    /// Say the step's title, instruction and question.
    fn introduce(&mut self, out: &mut impl Write) -> io::Result<()> {
        let lesson = self.lesson();
        let Some(step) = self.current() else {
            return Ok(());
        };
        say(
            out,
            &trf(
                "plain.step",
                &[
                    &(self.play.step + 1).to_string(),
                    &lesson.steps.len().to_string(),
                    &step.title,
                ],
            ),
        )?;
        say(out, &step.instruction_markdown)?;
        if let Some(predict) = &step.predict {
            say(out, tr("plain.question"))?;
            say(out, &predict.question)?;
            for (key, text) in &predict.choices {
                say(out, &format!("{key}) {text}"))?;
            }
            let keys = if predict.choices.is_empty() {
                "Python".to_string()
            } else {
                predict
                    .choices
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            say(out, &trf("plain.answer-prompt", &[&keys]))?;
        }
        Ok(())
    }

    /// Take one line of input.
    pub fn line(&mut self, line: &str, out: &mut impl Write) -> io::Result<Flow> {
        let trimmed = line.trim();
        if let Some(meta) = trimmed.strip_prefix(':') {
            return self.meta(meta.trim(), out);
        }
        if let Some(what) = trimmed.strip_prefix("show ")
            && matches!(what.trim(), "browser" | "server" | "http")
        {
            return self.meta(trimmed, out);
        }
        if !self.play.finished {
            let predict = self.current().and_then(|s| s.predict.as_ref());
            if let Some(note) = self.play.predicted.take(predict, line) {
                let asked = self.play.predicted.clone();
                self.record().predicted(&asked);
                say(out, &note)?;
                return Ok(Flow::Continue);
            }
        }
        if !is_command(trimmed) {
            if trimmed.is_empty() && self.play.met {
                return self.meta("next", out);
            }
            return Ok(Flow::Continue);
        }
        self.run(trimmed, out)?;
        Ok(Flow::Continue)
    }

    fn record(&mut self) -> &mut crate::classroom::report::StepRecord {
        let id = self.lesson().id.clone();
        self.store.step_mut(&id, self.play.step)
    }

    fn run(&mut self, line: &str, out: &mut impl Write) -> io::Result<()> {
        self.undo.push_back((
            self.runner.checkpoint(),
            self.last.take(),
            self.last_exchange.clone(),
        ));
        if self.undo.len() > DEPTH {
            self.undo.pop_front();
        }
        let step = self.runner.step(line);
        if !self.play.finished {
            self.record().attempts += 1;
        }
        match &step.outcome {
            Outcome::Ok => {}
            Outcome::Value(v) | Outcome::Text(v) => say(out, v)?,
            Outcome::Error { message, col } => match col {
                Some(col) => say(out, &format!("{message} (column {col})"))?,
                None => say(out, message)?,
            },
        }
        say(out, &changes_in_words(&step))?;
        if step.exchange.is_some() {
            self.last_exchange = Some(step.clone());
        }
        self.last = Some(step);
        self.check_goal(out)
    }

    /// Check the goal after a command, with the full-screen app's rules:
    /// a goal once met stays met until the learner moves on.
    fn check_goal(&mut self, out: &mut impl Write) -> io::Result<()> {
        if self.play.finished {
            return Ok(());
        }
        let lesson = self.lesson();
        let Some(step) = self.current() else {
            return Ok(());
        };
        match self.play.check(lesson, &self.runner, self.last.as_ref()) {
            Played::Met => {
                say(out, tr("plain.goal-met"))?;
                if let Some(predict) = &step.predict
                    && let Some((verdict, feedback)) =
                        self.play.predicted.verdict(predict, &step.feedback)
                {
                    say(out, &verdict)?;
                    if let Some(feedback) = feedback {
                        say(out, feedback)?;
                    }
                }
                let seconds = self.began.elapsed().as_secs();
                self.began = crate::tui::wall_clock();
                if let Err(e) =
                    self.store
                        .step_met(&lesson.id, self.play.step, lesson.steps.len(), seconds)
                {
                    say(out, &e)?;
                }
                Ok(())
            }
            Played::Broken(labels) => say(out, &trf("plain.goal-broken", &[&labels.join("; ")])),
            Played::Same if self.play.met => Ok(()),
            Played::Same => {
                let missing = unmet_labels(&self.play.conditions);
                say(out, &trf("plain.goal-missing", &[&missing.join("; ")]))
            }
        }
    }

    fn meta(&mut self, command: &str, out: &mut impl Write) -> io::Result<Flow> {
        let profile = &self.course.profile;
        let (word, rest) = command.split_once(' ').unwrap_or((command, ""));
        match (word, self.current()) {
            ("quit" | "q" | "exit", _) => {
                self.save(out)?;
                say(out, tr("plain.bye"))?;
                return Ok(Flow::Quit);
            }
            ("help" | "h", _) => say(out, tr("plain.help"))?,
            ("show", _) => self.show(rest.trim(), out)?,
            ("report", _) => say(
                out,
                &crate::classroom::report::card(self.course, &self.store.progress),
            )?,
            ("hint", Some(_)) => {
                let note = match self.play.reveal_hint(self.lesson(), profile) {
                    Hint::Shown {
                        number,
                        allowed,
                        text,
                        ..
                    } => {
                        self.record().hints_shown(number);
                        trf(
                            "plain.hint",
                            &[&number.to_string(), &allowed.to_string(), &text],
                        )
                    }
                    Hint::Withheld { none: true } => trf("profile.no-hints", &[&profile.name]),
                    Hint::Withheld { none: false } => {
                        trf("profile.no-more-hints", &[&profile.name])
                    }
                    Hint::NoHints => tr("plain.no-hints").to_string(),
                    Hint::NoMore => tr("plain.no-more-hints").to_string(),
                };
                say(out, &note)?;
            }
            ("solution", Some(step)) => {
                if profile.solutions {
                    self.record().solution = true;
                    say(
                        out,
                        &trf("plain.solution", &[&step.solution.join("  then  ")]),
                    )?;
                } else {
                    say(out, &trf("profile.no-solution", &[&profile.name]))?;
                }
            }
            ("why", Some(step)) => {
                if self.play.met || self.play.finished {
                    say(out, &step.explanation_markdown)?;
                } else {
                    say(out, tr("plain.why-later"))?;
                }
            }
            ("goal", Some(step)) => {
                let statuses = step.evaluate(&self.runner, self.last.as_ref());
                let parts: Vec<String> = statuses
                    .iter()
                    .map(|s| {
                        let state = if s.holds {
                            tr("plain.holds")
                        } else {
                            tr("plain.not-yet")
                        };
                        format!("{} ({state}; {})", s.label, s.now)
                    })
                    .collect();
                say(out, &trf("plain.goal", &[&parts.join("; ")]))?;
            }
            ("undo", _) => match self.undo.pop_back() {
                Some((checkpoint, last, last_exchange)) => {
                    self.runner.restore(checkpoint);
                    self.last = last;
                    self.last_exchange = last_exchange;
                    self.play
                        .recheck(self.lesson(), &self.runner, self.last.as_ref());
                    say(out, tr("plain.undone"))?;
                }
                None => say(out, tr("plain.nothing-to-undo"))?,
            },
            ("reset", Some(_)) => {
                self.runner = self.play.reset(self.lesson());
                self.undo.clear();
                self.last = None;
                say(
                    out,
                    &trf("plain.reset", &[&(self.play.step + 1).to_string()]),
                )?;
            }
            ("next" | "n", _) => self.next(out)?,
            _ => say(out, &trf("plain.unknown", &[&format!(":{command}")]))?,
        }
        Ok(Flow::Continue)
    }

    fn next(&mut self, out: &mut impl Write) -> io::Result<()> {
        match self.play.advance(self.lesson(), &self.runner) {
            Advance::Beyond => {
                let next = self.play.lesson + 1;
                if next < self.course.lessons.len() {
                    let store = std::mem::take(&mut self.store);
                    *self = Plain::new(self.course, next, store, out)?;
                }
                Ok(())
            }
            Advance::NotYet(_) => say(out, tr("plain.not-yet-next")),
            Advance::Finished => say(out, &trf("plain.lesson-done", &[&self.lesson().title])),
            Advance::Step(_) => {
                self.undo.clear();
                self.last = None;
                self.began = crate::tui::wall_clock();
                self.introduce(out)
            }
        }
    }

    fn show(&self, what: &str, out: &mut impl Write) -> io::Result<()> {
        let snapshot = self.runner.snapshot();
        match what {
            "browser" if snapshot.jar.is_empty() => {
                say(out, &trf("plain.jar-empty", &[&snapshot.browser]))
            }
            "browser" => {
                say(
                    out,
                    &trf(
                        "plain.jar",
                        &[&snapshot.browser, &snapshot.jar.len().to_string()],
                    ),
                )?;
                for c in snapshot.jar.iter() {
                    let mut flags =
                        vec![format!("domain {}", c.domain), format!("path {}", c.path)];
                    if c.httponly {
                        flags.push("HttpOnly".into());
                    }
                    if c.secure {
                        flags.push("Secure".into());
                    }
                    if let Some(s) = c.samesite {
                        flags.push(format!("SameSite {s:?}"));
                    }
                    say(
                        out,
                        &format!(
                            "  {} = {}, {}, {}",
                            c.name,
                            c.raw,
                            expiry_text(c.expires_in),
                            flags.join(", ")
                        ),
                    )?;
                }
                Ok(())
            }
            "server" if snapshot.store.is_empty() => say(out, tr("plain.store-empty")),
            "server" => {
                say(
                    out,
                    &trf("plain.store", &[&snapshot.store.len().to_string()]),
                )?;
                for s in snapshot.store.iter() {
                    say(
                        out,
                        &format!(
                            "  {}: data {}, {}, in {}, stored as {}",
                            s.key,
                            Value::dict(s.data.clone()).repr(),
                            expiry_text(Some(s.expires_in)),
                            s.location,
                            s.raw
                        ),
                    )?;
                }
                Ok(())
            }
            "http" => match &self.last_exchange {
                Some(step) => say(out, readable(step).trim_end()),
                None => say(out, tr("plain.no-exchange")),
            },
            _ => say(out, &trf("plain.unknown", &[&format!(":show {what}")])),
        }
    }

    /// Save the progress and the report card.
    pub fn save(&mut self, out: &mut impl Write) -> io::Result<()> {
        if let Err(e) = self.store.save() {
            say(out, &e)?;
        }
        Ok(())
    }
}

/// Print text safely: control characters escaped, one line at a time.
fn say(out: &mut impl Write, text: &str) -> io::Result<()> {
    let text = text.trim_end();
    if text.is_empty() {
        return Ok(());
    }
    writeln!(out, "{}", escape(text))
}

/// What a step changed, in one sentence: the request and response, each
/// cookie stored, changed or removed, each session created, changed or
/// deleted (`browser default stored cookie sessionid, expires in 14d;
/// server created session 3f2a9c1e..., data {'name': 'Ada'}`).
pub fn changes_in_words(step: &Step) -> String {
    let mut parts = Vec::new();
    if let Some(x) = &step.exchange {
        let who = x.sender.as_deref().unwrap_or("workbench");
        let request = format!("{} {}", x.method, x.url());
        if x.sent.is_empty() {
            parts.push(trf("change.request-none", &[who, &request]));
        } else {
            let sent: Vec<String> = x.sent.iter().map(|(n, v)| format!("{n}={v}")).collect();
            parts.push(trf("change.request", &[who, &request, &sent.join("; ")]));
        }
        parts.push(trf(
            "change.response",
            &[&x.status.to_string(), crate::transcript::reason(x.status)],
        ));
    }
    for change in &step.jar_changes {
        let entry = step.after.jar.iter().find(|j| j.id() == change.name);
        let name = change.name.split(' ').next().unwrap_or_default();
        parts.push(match (change.kind, entry) {
            (ChangeKind::Added, Some(j)) => trf(
                "change.stored",
                &[&step.browser, &j.name, &expiry_text(j.expires_in)],
            ),
            (ChangeKind::Changed, Some(j)) => trf(
                "change.changed",
                &[&step.browser, &j.name, &j.raw, &expiry_text(j.expires_in)],
            ),
            _ => trf("change.removed", &[&step.browser, name]),
        });
    }
    for change in &step.store_changes {
        let key = short_key(&change.name);
        let data = step
            .after
            .store
            .iter()
            .find(|s| s.key == change.name)
            .map(|s| Value::dict(s.data.clone()).repr());
        parts.push(match (change.kind, data) {
            (ChangeKind::Added, Some(d)) => trf("change.created", &[&key, &d]),
            (ChangeKind::Changed, Some(d)) => trf("change.updated", &[&key, &d]),
            _ => trf("change.deleted", &[&key]),
        });
    }
    if parts.is_empty() {
        return tr("plain.nothing-changed").to_string();
    }
    let mut text = parts.join("; ");
    text.push('.');
    text
}

/// A session key cut to its first characters, as a person would say it.
fn short_key(key: &str) -> String {
    match key.char_indices().nth(8) {
        Some((at, _)) => format!("{}...", &key[..at]),
        None => key.to_string(),
    }
}

/// Play lesson `id` from `input` to `output` until `:quit` or the end of input.
pub fn learn(
    course: &Course,
    id: &str,
    store: Store,
    input: impl BufRead,
    mut output: impl Write,
    prompt: bool,
) -> Result<(), String> {
    let index = course.find_or_explain(id)?;
    let io_error = |e: io::Error| format!("cannot write: {e}");
    let mut plain = Plain::new(course, index, store, &mut output).map_err(io_error)?;
    for line in input.lines() {
        let line = line.map_err(|e| format!("cannot read standard input: {e}"))?;
        if plain.line(&line, &mut output).map_err(io_error)? == Flow::Quit {
            return Ok(());
        }
        if prompt {
            write!(output, "> ")
                .and_then(|()| output.flush())
                .map_err(io_error)?;
        }
    }
    plain.save(&mut output).map_err(io_error)?;
    output.flush().map_err(io_error)
}
