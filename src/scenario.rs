//! Scenario files: one command a line, `#` comments, blank lines skipped, and
//! an optional first line `# world: unmigrated`.

use crate::runner::{Runner, Step, is_command};
use crate::sim::World;
use crate::sim::server::Server;
use crate::sim::world::START_TIME;

/// A scenario read from text.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// The commands with their 1-based line numbers.
    pub lines: Vec<(usize, String)>,
    pub migrated: bool,
    /// `# world: csrf`: `CsrfViewMiddleware` is installed.
    pub csrf: bool,
}

/// Why a scenario file cannot be run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

impl Scenario {
    /// Read a scenario from raw bytes: it must be UTF-8 text without NUL bytes.
    pub fn parse(bytes: &[u8]) -> Result<Self, ScenarioError> {
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let (line, col) = position(bytes, e.valid_up_to());
                return Err(ScenarioError {
                    line,
                    col,
                    message:
                        "this is not UTF-8 text; a scenario is a text file of commands, one a line"
                            .into(),
                });
            }
        };
        if let Some(at) = text.find('\0') {
            let (line, col) = position(bytes, at);
            return Err(ScenarioError {
                line,
                col,
                message: "a NUL byte: this looks like a binary file, not a scenario of commands"
                    .into(),
            });
        }
        let mut scenario = Scenario {
            lines: Vec::new(),
            migrated: true,
            csrf: false,
        };
        for (i, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if i == 0
                && let Some(world) = trimmed.strip_prefix("# world:")
            {
                match world.trim() {
                    "unmigrated" => scenario.migrated = false,
                    "csrf" => scenario.csrf = true,
                    "migrated" | "" => {}
                    other => {
                        return Err(ScenarioError {
                            line: 1,
                            col: line.find(other).map_or(1, |c| c + 1),
                            message: format!(
                                "unknown world '{other}'; the first line may say '# world: unmigrated'"
                            ),
                        });
                    }
                }
            }
            if is_command(trimmed) {
                scenario.lines.push((i + 1, trimmed.to_string()));
            }
        }
        Ok(scenario)
    }

    /// The world the scenario starts from, with keys drawn from `seed`.
    pub fn world(&self, seed: u64) -> World {
        let mut world = World::new(seed);
        world.server = Server::new(START_TIME, seed, self.migrated);
        world.server.csrf_middleware = self.csrf;
        world
    }

    /// Run every line, calling `each` with the line number and its step.
    pub fn run(&self, seed: u64, mut each: impl FnMut(usize, &Step, &Runner)) {
        let mut runner = Runner::new(self.world(seed));
        for (number, line) in &self.lines {
            let step = runner.step(line);
            each(*number, &step, &runner);
        }
    }
}

fn position(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, col)
}
