//! The command line: `sessionlab run`, and the entry to everything else.

use std::io::{Read as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::safe_text::escape;

mod args;
mod lessons;
pub use args::{Parsed, parse};

use crate::scenario::Scenario;
use crate::transcript::{JsonTranscript, readable};
use crate::tui::Start;

/// What the command line asks for (`sessionlab --help` describes it).
#[derive(Debug)]
pub struct Cli {
    pub command: Option<Command>,
    /// `--lessons`, written before or after the subcommand.
    pub lessons: LessonsArg,
    pub classroom: ClassroomArgs,
    /// `--theme`: `light`, `dark` or `mono`.
    pub theme: Option<String>,
}

/// `--lang` and `--profile`, on every command.
#[derive(Debug, Clone, Default)]
pub struct ClassroomArgs {
    /// The language of the lessons and the interface (`fr`).
    pub lang: Option<String>,
    /// A teacher profile of the course (`exam`).
    pub profile: Option<String>,
}

/// The subcommands.
#[derive(Debug)]
pub enum Command {
    /// Run a scenario file (`-`: standard input) and print its transcript.
    Run {
        scenario: PathBuf,
        json: bool,
        seed: u64,
    },
    /// Open a lesson.
    Learn { id: String, plain: bool },
    /// The playground.
    Sandbox,
    /// Presenter mode.
    Demo {
        id: String,
        autoplay: bool,
        delay: f64,
    },
    /// Prove lessons (default: the course).
    Check { paths: Vec<PathBuf>, notes: bool },
    /// List the course's lessons.
    Lessons,
    /// Print the report card, or export or import progress.
    Progress {
        action: Option<crate::classroom::cli::ProgressAction>,
    },
    /// Write one student's results for a grading tool.
    Grade(crate::classroom::cli::GradeArgs),
}

/// `--lessons DIR`, on every command that reads lessons.
#[derive(Debug, Clone, Default)]
pub struct LessonsArg {
    /// Use the lessons in this folder instead of the embedded course.
    pub dir: Option<PathBuf>,
}

impl LessonsArg {
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
    let cli = match parse(std::env::args_os().skip(1)) {
        Parsed::Run(cli) => cli,
        Parsed::Print(text) => {
            // A closed standard output (`sessionlab --help | head`) is fine.
            let _ = std::io::stdout().write_all(text.as_bytes());
            return ExitCode::SUCCESS;
        }
        Parsed::Fail(text) => {
            let _ = std::io::stderr().write_all(text.as_bytes());
            return ExitCode::from(2);
        }
    };
    crate::i18n::choose(cli.classroom.lang.as_deref());
    crate::lesson::profile::choose(cli.classroom.profile.clone());
    let lessons = &cli.lessons;
    let theme = cli.theme.as_deref();
    let result = match cli.command {
        Some(Command::Run {
            scenario,
            json,
            seed,
        }) => run(&scenario, json, seed),
        Some(Command::Check { paths, notes }) => Ok(lessons::check(&paths, lessons, notes)),
        Some(Command::Lessons) => Ok(lessons::list(lessons)),
        Some(Command::Learn { id, plain }) if plain || crate::plain::wanted() => {
            plain_learn(&id, lessons)
        }
        Some(Command::Learn { id, .. }) => interactive(&Start::Learn(id), lessons, theme),
        Some(Command::Progress { action }) => {
            Ok(crate::classroom::cli::progress(action.as_ref(), lessons))
        }
        Some(Command::Grade(args)) => Ok(crate::classroom::cli::grade(&args, lessons)),
        Some(Command::Sandbox) => interactive(&Start::Sandbox, lessons, theme),
        Some(Command::Demo {
            id,
            autoplay,
            delay,
        }) => {
            let delay = Duration::try_from_secs_f64(delay).unwrap_or(Duration::from_secs(3));
            interactive(
                &Start::Demo {
                    id,
                    autoplay,
                    delay,
                },
                lessons,
                theme,
            )
        }
        None => interactive(&Start::Menu, lessons, theme),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            say_error(&e);
            ExitCode::from(2)
        }
    }
}

/// An error on standard error, escaped; if standard error is gone (the
/// terminal closed), there is no one to tell.
pub(crate) fn say_error(message: &str) {
    let _ = writeln!(std::io::stderr(), "sessionlab: {}", escape(message));
}

/// The progress store in the data directory, its messages (a file kept
/// aside, a newer version) said on standard error.
pub(crate) fn open_store() -> crate::progress::Store {
    let (store, messages) = crate::progress::Store::open(crate::progress::data_dir());
    for message in messages {
        say_error(&message);
    }
    store
}

/// What a command reports when it cannot finish: a message for standard error.
type Result<T, E = String> = std::result::Result<T, E>;

fn interactive(start: &Start, lessons: &LessonsArg, theme: Option<&str>) -> Result<ExitCode> {
    let lessons = lessons.clone();
    let load = move || load_course(&lessons);
    crate::tui::main(start, load, theme)?;
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
    let course = load_course(lessons)?;
    let store = open_store();
    let prompt = std::io::stdin().is_terminal();
    crate::plain::learn(
        &course,
        id,
        store,
        std::io::stdin().lock(),
        std::io::stdout().lock(),
        prompt,
    )?;
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
            .map_err(|e| format!("reading standard input: {e}"))?;
        if bytes.len() as u64 > MAX_SCENARIO_BYTES {
            return Err("standard input holds more than a scenario may (64 MB)".into());
        }
        bytes
    } else {
        crate::files::read_capped(path, MAX_SCENARIO_BYTES)
            .map_err(|e| format!("cannot read scenario {}: {e}", path.display()))?
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
        return Err(format!("writing the transcript: {e}"));
    }
    Ok(ExitCode::SUCCESS)
}
