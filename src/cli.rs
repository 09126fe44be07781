//! The command line: `sessionlab run`, and the entry to everything else.

use std::io::{Read as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand};

use crate::scenario::Scenario;
use crate::transcript::{JsonTranscript, readable};

/// Learn how web sessions and cookies work, the way Django 5.2 does them.
#[derive(Debug, Parser)]
#[command(name = "sessionlab", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario file (one command a line; `-` reads standard input) and
    /// print its transcript.
    Run {
        /// The scenario file, or `-` for standard input.
        scenario: PathBuf,
        /// Print JSON lines (spec/transcript.md) instead of the readable form.
        #[arg(long)]
        json: bool,
        /// Seed of the session key generator (the same seed gives the same keys).
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// Prove lessons: their format, their commands, and that each step's
    /// solution reaches its goal (default: the embedded course).
    Check {
        /// Lesson files or folders to check instead of the course.
        paths: Vec<PathBuf>,
        #[command(flatten)]
        lessons: LessonsArg,
    },
    /// List the course's lessons with their step counts.
    Lessons {
        #[command(flatten)]
        lessons: LessonsArg,
    },
}

/// `--lessons DIR`, on every command that reads lessons.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct LessonsArg {
    /// Use the lessons in this folder instead of the embedded course.
    #[arg(long = "lessons", value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

impl LessonsArg {
    /// The course: the folder's lessons, or the embedded ones.
    pub fn course(&self) -> Result<crate::lesson::Course, Vec<crate::lesson::Finding>> {
        match &self.dir {
            Some(dir) => crate::lesson::Course::load_dir(dir),
            None => crate::lesson::Course::embedded(),
        }
    }
}

/// Run the command line; the exit code says whether it worked.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Run {
            scenario,
            json,
            seed,
        }) => run(&scenario, json, seed),
        Some(Command::Check { paths, lessons }) => Ok(crate::lesson::cli::check(&paths, &lessons)),
        Some(Command::Lessons { lessons }) => Ok(crate::lesson::cli::list(&lessons)),
        None => {
            eprintln!(
                "sessionlab: the interactive course is not built yet; use `sessionlab run SCENARIO`"
            );
            Ok(ExitCode::from(2))
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sessionlab: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(path: &PathBuf, json: bool, seed: u64) -> Result<ExitCode> {
    let bytes = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
        bytes
    } else {
        std::fs::read(path).with_context(|| format!("cannot read scenario {}", path.display()))?
    };
    let scenario = match Scenario::parse(&bytes) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sessionlab: {}:{e}", path.display());
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
            transcript.line(line, step, &server.created_keys, &server.auth_hashes) + "\n"
        } else {
            readable(step) + "\n"
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
