//! The command line: `sessionlab run`, and the entry to everything else.

use std::io::{Read as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand};

use crate::safe_text::escape;

mod lessons;
use crate::scenario::Scenario;
use crate::transcript::{JsonTranscript, readable};
use crate::tui::Start;

/// Learn how web sessions and cookies work, the way Django 5.2 does them.
///
/// With no subcommand, opens the course menu (it resumes where you left off).
/// Progress and prompt history are kept in the platform's data directory
/// (override it with SESSIONLAB_DATA_DIR). NO_COLOR turns colour off.
#[derive(Debug, Parser)]
#[command(name = "sessionlab", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub lessons: LessonsArg,
    #[command(flatten)]
    pub classroom: ClassroomArgs,
    /// Colours for a `light` or `dark` background, or `mono` (default: from
    /// SESSIONLAB_THEME, else what the terminal reports in COLORFGBG, else dark).
    #[arg(long, global = true, value_name = "THEME", value_parser = ["light", "dark", "mono"])]
    pub theme: Option<String>,
}

/// `--lang` and `--profile`, on every command.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ClassroomArgs {
    /// The language of the lessons and the interface (`fr`); default: the
    /// locale (LC_ALL, LANG), English where there is no translation.
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<String>,
    /// A teacher profile of the course (`exam`: no solutions, no hints,
    /// predictions count; a course.toml may define more).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario file (one command a line; `-` reads standard input) and
    /// print its transcript.
    #[command(after_long_help = crate::script::commands::help_text())]
    Run {
        /// The scenario file, or `-` for standard input.
        scenario: PathBuf,
        /// Print one JSON object a command (line, input, outcome, browser, request,
        /// set_cookies, jar, store; session keys written <key1>, <key2>…) instead
        /// of the readable form.
        #[arg(long)]
        json: bool,
        /// Seed of the session key generator (the same seed gives the same keys).
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// Open a lesson (at the step where you stopped).
    Learn {
        /// The lesson's id, as the course menu lists them.
        id: String,
        /// One line at a time, for screen readers and plain terminals (also
        /// chosen when TERM=dumb or standard output is not a terminal).
        #[arg(long)]
        plain: bool,
        #[command(flatten)]
        lessons: LessonsArg,
    },
    /// The playground: no lesson, the world and the prompt.
    Sandbox {
        #[command(flatten)]
        lessons: LessonsArg,
    },
    /// Presenter mode for a classroom: step through a lesson's solutions,
    /// typing each command out (Space/→ next, ← back, z enlarges a pane).
    Demo {
        /// The lesson's id.
        id: String,
        /// Run the commands by themselves, one every --delay seconds.
        #[arg(long)]
        autoplay: bool,
        /// Seconds between commands with --autoplay.
        #[arg(long, default_value_t = 3.0, value_name = "SECONDS")]
        delay: f64,
        #[command(flatten)]
        lessons: LessonsArg,
    },
    /// Prove lessons: their format, their commands, and that each step's
    /// solution reaches its goal (default: the embedded course).
    Check {
        /// Lesson files or folders to check instead of the course.
        paths: Vec<PathBuf>,
        /// Also print each step's prediction answer and teacher notes.
        #[arg(long)]
        notes: bool,
        #[command(flatten)]
        lessons: LessonsArg,
    },
    /// List the course's lessons with their step counts.
    Lessons {
        #[command(flatten)]
        lessons: LessonsArg,
    },
    /// Print the report card, or export or import progress.
    Progress {
        #[command(subcommand)]
        action: Option<crate::classroom::cli::ProgressAction>,
        #[command(flatten)]
        lessons: LessonsArg,
    },
    /// Write one student's results for a grading tool (Gradescope's
    /// results.json, JSON or CSV), from progress or a submitted transcript.
    Grade(crate::classroom::cli::GradeArgs),
}

/// `--lessons DIR`, on every command that reads lessons.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct LessonsArg {
    /// Use the lessons in this folder instead of the embedded course.
    #[arg(long = "lessons", value_name = "DIR", global = true)]
    pub dir: Option<PathBuf>,
}

impl LessonsArg {
    /// This subcommand's `--lessons`, or the one written before the subcommand.
    pub fn or(&self, global: &LessonsArg) -> LessonsArg {
        LessonsArg {
            dir: self.dir.clone().or_else(|| global.dir.clone()),
        }
    }

    /// The exact command that checks these lessons.
    pub fn check_command(&self) -> String {
        match &self.dir {
            Some(dir) => format!("sessionlab check --lessons {}", dir.display()),
            None => "sessionlab check".into(),
        }
    }

    /// The course: the folder's lessons, or the embedded ones.
    pub fn course(&self) -> Result<crate::lesson::Course, Vec<crate::lesson::Finding>> {
        crate::lesson::Course::open(self.dir.as_deref())
    }
}

/// Run the command line; the exit code says whether it worked.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    crate::i18n::choose(cli.classroom.lang.as_deref());
    crate::lesson::profile::choose(cli.classroom.profile.clone());
    let global = &cli.lessons;
    let theme = cli.theme.as_deref();
    let result = match cli.command {
        Some(Command::Run {
            scenario,
            json,
            seed,
        }) => run(&scenario, json, seed),
        Some(Command::Check {
            paths,
            notes,
            lessons,
        }) => Ok(lessons::check(&paths, &lessons.or(global), notes)),
        Some(Command::Lessons { lessons }) => Ok(lessons::list(&lessons.or(global))),
        Some(Command::Learn { id, plain, lessons }) if plain || crate::plain::wanted() => {
            plain_learn(&id, &lessons.or(global))
        }
        Some(Command::Learn { id, lessons, .. }) => {
            interactive(&Start::Learn(id), &lessons.or(global), theme)
        }
        Some(Command::Progress { action, lessons }) => Ok(crate::classroom::cli::progress(
            action.as_ref(),
            &lessons.or(global),
        )),
        Some(Command::Grade(args)) => Ok(crate::classroom::cli::grade(&args)),
        Some(Command::Sandbox { lessons }) => {
            interactive(&Start::Sandbox, &lessons.or(global), theme)
        }
        Some(Command::Demo {
            id,
            autoplay,
            delay,
            lessons,
        }) => {
            let delay = Duration::try_from_secs_f64(delay).unwrap_or(Duration::from_secs(3));
            interactive(
                &Start::Demo {
                    id,
                    autoplay,
                    delay,
                },
                &lessons.or(global),
                theme,
            )
        }
        None => interactive(&Start::Menu, global, theme),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            say_error(&format!("{e:#}"));
            ExitCode::from(2)
        }
    }
}

/// An error on standard error, escaped; if standard error is gone (the
/// terminal closed), there is no one to tell.
fn say_error(message: &str) {
    let _ = writeln!(std::io::stderr(), "sessionlab: {}", escape(message));
}

fn interactive(start: &Start, lessons: &LessonsArg, theme: Option<&str>) -> Result<ExitCode> {
    let lessons = lessons.clone();
    let load = move || load_course(&lessons);
    crate::tui::main(start, load, theme).map_err(anyhow::Error::msg)?;
    Ok(ExitCode::SUCCESS)
}

/// The course, or the words for why it cannot be loaded.
pub fn load_course(lessons: &LessonsArg) -> Result<crate::lesson::Course, String> {
    lessons.course().map_err(|findings| {
        let mut text: Vec<String> = findings.iter().map(ToString::to_string).collect();
        text.push(format!(
            "the lessons have problems; `{}` lists them",
            lessons.check_command()
        ));
        text.join("\n")
    })
}

fn plain_learn(id: &str, lessons: &LessonsArg) -> Result<ExitCode> {
    use std::io::IsTerminal as _;
    let course = load_course(lessons).map_err(anyhow::Error::msg)?;
    let (store, messages) = crate::progress::Store::open(crate::progress::data_dir());
    for message in messages {
        eprintln!("sessionlab: {}", escape(&message));
    }
    let prompt = std::io::stdin().is_terminal();
    crate::plain::learn(
        &course,
        id,
        store,
        std::io::stdin().lock(),
        std::io::stdout().lock(),
        prompt,
    )
    .map_err(anyhow::Error::msg)?;
    Ok(ExitCode::SUCCESS)
}

/// The largest scenario file read.
const MAX_SCENARIO_BYTES: u64 = 64 << 20;

fn run(path: &std::path::Path, json: bool, seed: u64) -> Result<ExitCode> {
    let bytes = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(MAX_SCENARIO_BYTES + 1)
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
        if bytes.len() as u64 > MAX_SCENARIO_BYTES {
            anyhow::bail!("standard input holds more than a scenario may (64 MB)");
        }
        bytes
    } else {
        crate::files::read_capped(path, MAX_SCENARIO_BYTES)
            .with_context(|| format!("cannot read scenario {}", path.display()))?
    };
    let scenario = match Scenario::parse(&bytes) {
        Ok(s) => s,
        Err(e) => {
            say_error(&format!("{}:{e}", path.display()));
            return Ok(ExitCode::from(2));
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut transcript = JsonTranscript::new();
    let mut write_error = None;
    scenario.run(seed, |line, step, runner| {
        if write_error.is_some() {
            return;
        }
        let text = if json {
            let server = &runner.world.server;
            transcript.line(line, step, server) + "\n"
        } else {
            // Lines, names and values come from the scenario: keep them from
            // acting on the terminal.
            escape(&readable(step)).into_owned() + "\n"
        };
        if let Err(e) = out.write_all(text.as_bytes()) {
            write_error = Some(e);
        }
    });
    if let Some(e) = write_error.or_else(|| out.flush().err()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Ok(ExitCode::SUCCESS);
        }
        return Err(e).context("writing the transcript");
    }
    Ok(ExitCode::SUCCESS)
}
