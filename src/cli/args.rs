//! Reading the command line: the subcommands and their options, `--help`,
//! `--version`, and an error that names what did not fit (with a "did you
//! mean" for a misspelled subcommand or option).
//!
//! Every command is described once, in [`ROOT`]: the parser and the help
//! text both read that table.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

use super::{ClassroomArgs, Cli, Command, LessonsArg};
use crate::classroom::cli::{Format, GradeArgs, ProgressAction};

/// The width help text is wrapped to.
const WIDTH: usize = 80;

/// What the command line asks for.
#[derive(Debug)]
pub enum Parsed {
    /// Run this.
    Run(Box<Cli>),
    /// Print this on standard output and stop (help, version): exit code 0.
    Print(String),
    /// Print this on standard error and stop: exit code 2.
    Fail(String),
}

/// An option (`--name` or `--name VALUE`).
struct Opt {
    name: &'static str,
    /// The value's name in help (`DIR`); `None` for a flag.
    value: Option<&'static str>,
    help: &'static str,
    /// May be given more than once (each value is kept).
    repeats: bool,
    /// The only values accepted, if not any.
    choices: &'static [&'static str],
    /// What is used when the option is not given, for help.
    default: Option<&'static str>,
}

impl Opt {
    const fn flag(name: &'static str, help: &'static str) -> Opt {
        Opt {
            name,
            value: None,
            help,
            repeats: false,
            choices: &[],
            default: None,
        }
    }

    const fn value(name: &'static str, value: &'static str, help: &'static str) -> Opt {
        Opt {
            name,
            value: Some(value),
            help,
            repeats: false,
            choices: &[],
            default: None,
        }
    }

    const fn default(self, default: &'static str) -> Opt {
        Opt {
            default: Some(default),
            ..self
        }
    }

    const fn choices(self, choices: &'static [&'static str]) -> Opt {
        Opt { choices, ..self }
    }

    const fn repeats(self) -> Opt {
        Opt {
            repeats: true,
            ..self
        }
    }

    /// `--name <VALUE>`, as help and errors write it.
    fn shown(&self) -> String {
        match self.value {
            Some(v) => format!("--{} <{v}>", self.name),
            None => format!("--{}", self.name),
        }
    }
}

/// A positional argument.
struct Arg {
    name: &'static str,
    help: &'static str,
    required: bool,
    /// Takes every remaining positional argument.
    many: bool,
}

impl Arg {
    /// `<NAME>`, `[NAME]...`, as help and errors write it.
    fn shown(&self) -> String {
        match (self.required, self.many) {
            (true, false) => format!("<{}>", self.name),
            (true, true) => format!("<{}>...", self.name),
            (false, false) => format!("[{}]", self.name),
            (false, true) => format!("[{}]...", self.name),
        }
    }
}

/// A command: the program itself, a subcommand, or a subcommand's.
struct Cmd {
    name: &'static str,
    /// One line, for the list of commands and the top of help.
    about: &'static str,
    /// More, for the command's own help.
    more: &'static str,
    args: &'static [Arg],
    opts: &'static [Opt],
    subs: &'static [Cmd],
    /// Text after the options in help.
    after: Option<fn() -> String>,
}

impl Cmd {
    const fn new(name: &'static str, about: &'static str) -> Cmd {
        Cmd {
            name,
            about,
            more: "",
            args: &[],
            opts: &[],
            subs: &[],
            after: None,
        }
    }

    fn sub(&self, name: &str) -> Option<&'static Cmd> {
        self.subs.iter().find(|c| c.name == name)
    }
}

/// Options every command takes, before or after its name.
const GLOBAL: &[Opt] = &[
    Opt::value(
        "lessons",
        "DIR",
        "Use the lessons in this folder instead of the embedded course",
    ),
    Opt::value(
        "lang",
        "LANG",
        "The language of the lessons and the interface (`fr`); default: the locale \
         (LC_ALL, LANG), English where there is no translation",
    ),
    Opt::value(
        "profile",
        "NAME",
        "A teacher profile of the course (`exam`: no solutions, no hints, predictions \
         count; a course.toml may define more)",
    ),
    Opt::value(
        "theme",
        "THEME",
        "Colours for a `light` or `dark` background, or `mono` (default: from \
         SESSIONLAB_THEME, else what the terminal reports in COLORFGBG, else dark)",
    )
    .choices(THEMES),
];

const THEMES: &[&str] = &["light", "dark", "mono"];
const FORMATS: &[&str] = &["gradescope", "json", "csv"];

fn world_commands() -> String {
    crate::script::commands::help_text()
}

/// The program and its subcommands.
static ROOT: Cmd = Cmd {
    more: "With no subcommand, opens the course menu (it resumes where you left off). \
           Progress and prompt history are kept in the platform's data directory \
           (override it with SESSIONLAB_DATA_DIR). NO_COLOR turns colour off.",
    subs: &[
        Cmd {
            args: &[Arg {
                name: "SCENARIO",
                help: "The scenario file, or `-` for standard input",
                required: true,
                many: false,
            }],
            opts: &[
                Opt::flag(
                    "json",
                    "Print one JSON object a command (line, input, outcome, browser, \
                     request, set_cookies, jar, store; session keys written <key1>, \
                     <key2>…) instead of the readable form",
                ),
                Opt::value(
                    "seed",
                    "SEED",
                    "Seed of the session key generator (the same seed gives the same keys)",
                )
                .default("0"),
            ],
            after: Some(world_commands),
            ..Cmd::new(
                "run",
                "Run a scenario file (one command a line; `-` reads standard input) and \
                 print its transcript",
            )
        },
        Cmd {
            args: &[Arg {
                name: "ID",
                help: "The lesson's id, as the course menu lists them (or its number)",
                required: true,
                many: false,
            }],
            opts: &[Opt::flag(
                "plain",
                "One line at a time, for screen readers and plain terminals (also chosen \
                 when TERM=dumb or standard output is not a terminal)",
            )],
            ..Cmd::new("learn", "Open a lesson (at the step where you stopped)")
        },
        Cmd::new(
            "sandbox",
            "The playground: no lesson, the world and the prompt",
        ),
        Cmd {
            args: &[Arg {
                name: "ID",
                help: "The lesson's id",
                required: true,
                many: false,
            }],
            opts: &[
                Opt::flag(
                    "autoplay",
                    "Run the commands by themselves, one every --delay seconds",
                ),
                Opt::value(
                    "delay",
                    "SECONDS",
                    "Seconds between commands with --autoplay",
                )
                .default("3"),
            ],
            ..Cmd::new(
                "demo",
                "Presenter mode for a classroom: step through a lesson's solutions, typing \
                 each command out (Space/→ next, ← back, z enlarges a pane)",
            )
        },
        Cmd {
            args: &[Arg {
                name: "PATHS",
                help: "Lesson files or folders to check instead of the course",
                required: false,
                many: true,
            }],
            opts: &[Opt::flag(
                "notes",
                "Also print each step's prediction answer and teacher notes",
            )],
            ..Cmd::new(
                "check",
                "Prove lessons: their format, their commands, and that each step's \
                 solution reaches its goal (default: the embedded course)",
            )
        },
        Cmd::new(
            "lessons",
            "List the course's lessons with their step counts",
        ),
        Cmd {
            more: "With no subcommand, prints the report card: per lesson and step, \
                   done or not, commands typed, hints revealed, solution shown, the \
                   prediction and the time spent.",
            subs: &[
                Cmd {
                    args: &[Arg {
                        name: "FILE",
                        help: "The file to write (JSON)",
                        required: true,
                        many: false,
                    }],
                    opts: &[Opt::value(
                        "student",
                        "NAME",
                        "The student's name, recorded in the file (for `grade`)",
                    )],
                    ..Cmd::new(
                        "export",
                        "Write this course's progress to FILE, to import on another \
                         machine or hand to a teacher",
                    )
                },
                Cmd {
                    args: &[Arg {
                        name: "FILE",
                        help: "A file written by `sessionlab progress export`",
                        required: true,
                        many: false,
                    }],
                    ..Cmd::new(
                        "import",
                        "Merge progress exported on another machine (a step is never \
                         lowered)",
                    )
                },
            ],
            ..Cmd::new(
                "progress",
                "Print the report card, or export or import progress",
            )
        },
        Cmd {
            opts: &[
                Opt::value(
                    "progress",
                    "FILE",
                    "A student's progress file (`progress export`, or a `progress.json`); \
                     repeat for several students (CSV). Default: this machine's progress",
                )
                .repeats(),
                Opt::value(
                    "format",
                    "FORMAT",
                    "What to write: gradescope (Gradescope's results.json), json, or \
                     csv (one row a student, for a spreadsheet)",
                )
                .choices(FORMATS)
                .default("gradescope"),
                Opt::value(
                    "transcript",
                    "FILE",
                    "Grade a submitted `sessionlab run --json` transcript of an exercise \
                     instead; the exit code is 0 only if every goal is met",
                ),
                Opt::value(
                    "exercise",
                    "ID",
                    "The exercise (a lesson id) the transcript answers; default: the \
                     course's only lesson",
                ),
                Opt::value(
                    "student",
                    "NAME",
                    "The student's name (default: the file's, or its name)",
                ),
            ],
            ..Cmd::new(
                "grade",
                "Write one student's results for a grading tool (Gradescope's \
                 results.json, JSON or CSV), from progress or a submitted transcript",
            )
        },
    ],
    ..Cmd::new(
        "sessionlab",
        "Learn how web sessions and cookies work, the way Django 5.2 does them, in \
         your terminal.",
    )
};

/// The options given to one command, in order.
#[derive(Default)]
struct Given {
    opts: Vec<(&'static str, OsString)>,
    args: Vec<OsString>,
}

impl Given {
    fn flag(&self, name: &str) -> bool {
        self.opts.iter().any(|(n, _)| *n == name)
    }

    fn value(&self, name: &str) -> Option<&OsString> {
        self.opts.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    fn values(&self, name: &str) -> impl Iterator<Item = &OsString> {
        self.opts
            .iter()
            .filter(move |(n, _)| *n == name)
            .map(|(_, v)| v)
    }
}

/// Read the command line (without the program's name).
pub fn parse<I>(args: I) -> Parsed
where
    I: IntoIterator,
    I::Item: Into<OsString>,
{
    match read(args.into_iter().map(Into::into).collect()) {
        Ok(parsed) => parsed,
        Err(message) => Parsed::Fail(message),
    }
}

fn read(args: Vec<OsString>) -> Result<Parsed, String> {
    // The commands named so far, and what each was given.
    let mut path: Vec<&'static Cmd> = vec![&ROOT];
    let mut given: Vec<Given> = vec![Given::default()];
    // Options every command takes: (name, depth given at, value); one
    // given after a subcommand's name wins over one given before it.
    let mut global: Vec<(&'static str, usize, OsString)> = Vec::new();
    let mut only_args = false;
    let mut tokens = args.into_iter();
    while let Some(token) = tokens.next() {
        let cmd = *path.last().expect("the program is on the path");
        let depth = path.len() - 1;
        let text = token.to_str();
        if !only_args && text == Some("--") {
            only_args = true;
            continue;
        }
        let dashed = !only_args && token.as_encoded_bytes().starts_with(b"-") && token != "-";
        if !dashed {
            if !cmd.subs.is_empty() {
                let name = text.unwrap_or_default();
                if name == "help" {
                    return help_for(&path, tokens.collect());
                }
                match cmd.sub(name) {
                    Some(sub) => {
                        path.push(sub);
                        given.push(Given::default());
                    }
                    None => return Err(unknown_command(&path, &token)),
                }
                continue;
            }
            let taken = &mut given[depth].args;
            if taken.len() >= cmd.args.len() && !cmd.args.last().is_some_and(|a| a.many) {
                return Err(error(
                    &path,
                    &format!("unexpected argument '{}' found", token.to_string_lossy()),
                    None,
                ));
            }
            taken.push(token);
            continue;
        }
        let Some(text) = text else {
            return Err(error(
                &path,
                &format!(
                    "unexpected argument '{}' found (it is not UTF-8)",
                    token.to_string_lossy()
                ),
                None,
            ));
        };
        if text == "-h" || text == "--help" {
            return Ok(Parsed::Print(help(&path)));
        }
        if depth == 0 && (text == "-V" || text == "--version") {
            return Ok(Parsed::Print(format!(
                "sessionlab {}\n",
                env!("CARGO_PKG_VERSION")
            )));
        }
        let Some(long) = text.strip_prefix("--") else {
            return Err(unknown_short(&path, text));
        };
        let (name, inline) = match long.split_once('=') {
            Some((name, value)) => (name, Some(OsString::from(value))),
            None => (long, None),
        };
        let (opt, is_global) = match cmd.opts.iter().find(|o| o.name == name) {
            Some(opt) => (opt, false),
            None => match GLOBAL.iter().find(|o| o.name == name) {
                Some(opt) => (opt, true),
                None => return Err(unknown_option(&path, name)),
            },
        };
        let value = match (opt.value, inline) {
            (None, None) => OsString::new(),
            (None, Some(value)) => {
                return Err(error(
                    &path,
                    &format!(
                        "'--{name}' takes no value, but '{}' was given",
                        value.to_string_lossy()
                    ),
                    Some(&format!("write '--{name}' alone")),
                ));
            }
            (Some(_), Some(value)) => value,
            (Some(_), None) => match tokens.next() {
                Some(next) if !next.as_encoded_bytes().starts_with(b"--") => next,
                _ => {
                    return Err(error(
                        &path,
                        &format!(
                            "a value is required for '{}' but none was supplied",
                            opt.shown()
                        ),
                        None,
                    ));
                }
            },
        };
        check_choice(&path, opt, &value)?;
        let again = if is_global {
            global.iter().any(|(n, d, _)| *n == opt.name && *d == depth)
        } else {
            given[depth].flag(opt.name)
        };
        if again && !opt.repeats {
            return Err(error(
                &path,
                &format!(
                    "the argument '{}' cannot be used multiple times",
                    opt.shown()
                ),
                None,
            ));
        }
        if is_global {
            global.push((opt.name, depth, value));
        } else {
            given[depth].opts.push((opt.name, value));
        }
    }
    let cmd = *path.last().expect("the program is on the path");
    let last = given.last().expect("one for each command");
    let missing: Vec<String> = cmd
        .args
        .iter()
        .skip(last.args.len())
        .filter(|a| a.required)
        .map(|a| format!("{}  {}", a.shown(), a.help))
        .collect();
    if !missing.is_empty() {
        return Err(error(
            &path,
            &format!(
                "the following required arguments were not provided:\n  {}",
                missing.join("\n  ")
            ),
            None,
        ));
    }
    // The deepest, then the latest, of each global option.
    global.sort_by_key(|(_, depth, _)| *depth);
    let global_value = |name: &str| {
        global
            .iter()
            .rev()
            .find(|(n, _, _)| *n == name)
            .map(|(_, _, v)| v.clone())
    };
    let lessons = LessonsArg {
        dir: global_value("lessons").map(PathBuf::from),
    };
    let classroom = ClassroomArgs {
        lang: text_value(&path, "--lang <LANG>", global_value("lang"))?,
        profile: text_value(&path, "--profile <NAME>", global_value("profile"))?,
    };
    let theme = text_value(&path, "--theme <THEME>", global_value("theme"))?;
    let command = build(&path, &given)?;
    Ok(Parsed::Run(Box::new(Cli {
        command,
        lessons,
        classroom,
        theme,
    })))
}

/// The command the path and its options name.
fn build(path: &[&Cmd], given: &[Given]) -> Result<Option<Command>, String> {
    let Some(sub) = path.get(1) else {
        return Ok(None);
    };
    let g = &given[1];
    let first = || PathBuf::from(g.args.first().cloned().unwrap_or_default());
    let id = || text_value(path, "<ID>", g.args.first().cloned());
    let command = match sub.name {
        "run" => Command::Run {
            scenario: first(),
            json: g.flag("json"),
            seed: number(
                path,
                sub,
                g,
                "seed",
                (0u64, |_| true),
                "a whole number from 0 to 18446744073709551615",
            )?,
        },
        "learn" => Command::Learn {
            id: id()?.unwrap_or_default(),
            plain: g.flag("plain"),
        },
        "sandbox" => Command::Sandbox,
        "demo" => Command::Demo {
            id: id()?.unwrap_or_default(),
            autoplay: g.flag("autoplay"),
            delay: number(
                path,
                sub,
                g,
                "delay",
                (3.0f64, |d| d.is_finite() && *d >= 0.0),
                "a number of seconds, like 2 or 0.5,",
            )?,
        },
        "check" => Command::Check {
            paths: g.args.iter().cloned().map(PathBuf::from).collect(),
            notes: g.flag("notes"),
        },
        "lessons" => Command::Lessons,
        "progress" => Command::Progress {
            action: match (path.get(2), given.get(2)) {
                (Some(action), Some(a)) if action.name == "export" => {
                    Some(ProgressAction::Export {
                        file: PathBuf::from(a.args.first().cloned().unwrap_or_default()),
                        student: text_value(path, "--student <NAME>", a.value("student").cloned())?,
                    })
                }
                (Some(_), Some(a)) => Some(ProgressAction::Import {
                    file: PathBuf::from(a.args.first().cloned().unwrap_or_default()),
                }),
                _ => None,
            },
        },
        _ => Command::Grade(GradeArgs {
            progress: g.values("progress").cloned().map(PathBuf::from).collect(),
            format: match g.value("format").and_then(|f| f.to_str()) {
                Some("json") => Format::Json,
                Some("csv") => Format::Csv,
                _ => Format::Gradescope,
            },
            transcript: g.value("transcript").cloned().map(PathBuf::from),
            exercise: text_value(path, "--exercise <ID>", g.value("exercise").cloned())?,
            student: text_value(path, "--student <NAME>", g.value("student").cloned())?,
        }),
    };
    Ok(Some(command))
}

/// A value that must be text (UTF-8); `shown` names it (`--lang <LANG>`).
fn text_value(
    path: &[&Cmd],
    shown: &str,
    value: Option<OsString>,
) -> Result<Option<String>, String> {
    value
        .map(|v| {
            v.into_string().map_err(|v| {
                error(
                    path,
                    &format!(
                        "invalid value '{}' for '{shown}': it is not UTF-8 text",
                        v.to_string_lossy()
                    ),
                    None,
                )
            })
        })
        .transpose()
}

/// A number option's value (one `valid` accepts), or its default.
fn number<T: std::str::FromStr>(
    path: &[&Cmd],
    cmd: &Cmd,
    given: &Given,
    name: &str,
    (default, valid): (T, fn(&T) -> bool),
    expected: &str,
) -> Result<T, String> {
    let Some(value) = given.value(name) else {
        return Ok(default);
    };
    let shown = cmd
        .opts
        .iter()
        .find(|o| o.name == name)
        .map_or_else(|| format!("--{name}"), Opt::shown);
    value
        .to_str()
        .and_then(|v| v.trim().parse().ok())
        .filter(valid)
        .ok_or_else(|| {
            error(
                path,
                &format!(
                    "invalid value '{}' for '{shown}': {expected} is expected",
                    value.to_string_lossy()
                ),
                None,
            )
        })
}

fn check_choice(path: &[&Cmd], opt: &Opt, value: &OsStr) -> Result<(), String> {
    if opt.choices.is_empty() || opt.choices.iter().any(|c| value == *c) {
        return Ok(());
    }
    let text = value.to_string_lossy();
    let tip = match similar(&text, opt.choices.iter().copied()).as_slice() {
        [] => None,
        names => Some(did_you_mean(names)),
    };
    Err(error(
        path,
        &format!(
            "invalid value '{text}' for '{}'\n  [possible values: {}]",
            opt.shown(),
            opt.choices.join(", ")
        ),
        tip.as_deref(),
    ))
}

/// `help [COMMAND]...`: the help of the command named after it.
fn help_for(path: &[&'static Cmd], names: Vec<OsString>) -> Result<Parsed, String> {
    let mut path = path.to_vec();
    for name in names {
        if name.as_encoded_bytes().starts_with(b"-") {
            continue;
        }
        let cmd = *path.last().expect("the program is on the path");
        match cmd.sub(name.to_str().unwrap_or_default()) {
            Some(sub) => path.push(sub),
            None => return Err(unknown_command(&path, &name)),
        }
    }
    Ok(Parsed::Print(help(&path)))
}

fn unknown_command(path: &[&Cmd], token: &OsStr) -> String {
    let cmd = path.last().expect("the program is on the path");
    let word = token.to_string_lossy();
    let names = cmd.subs.iter().map(|c| c.name).chain(["help"]);
    let close = similar(&word, names);
    let tip = if !close.is_empty() {
        Some(did_you_mean(&close))
    } else if path.len() == 1 && std::path::Path::new(token).is_file() {
        Some(format!(
            "to run a scenario file, write 'sessionlab run {word}'"
        ))
    } else if path.len() == 1 && word.starts_with(|c: char| c.is_ascii_digit()) {
        Some(format!("to open a lesson, write 'sessionlab learn {word}'"))
    } else {
        None
    };
    error(
        path,
        &format!("unrecognized subcommand '{word}'"),
        tip.as_deref(),
    )
}

fn unknown_option(path: &[&Cmd], name: &str) -> String {
    let cmd = path.last().expect("the program is on the path");
    let mut names: Vec<&str> = cmd.opts.iter().chain(GLOBAL).map(|o| o.name).collect();
    names.push("help");
    if path.len() == 1 {
        names.push("version");
    }
    let close = similar(name, names.iter().copied());
    let tip = if !close.is_empty() {
        let dashed: Vec<String> = close.iter().map(|n| format!("--{n}")).collect();
        let dashed: Vec<&str> = dashed.iter().map(String::as_str).collect();
        Some(did_you_mean(&dashed))
    } else {
        // An option of another command: say which.
        let mut owners = Vec::new();
        owners_of(&ROOT, "sessionlab", name, &mut owners);
        match owners.as_slice() {
            [] => None,
            owners => Some(format!(
                "'--{name}' is an option of '{}'",
                owners.join("' and '")
            )),
        }
    };
    error(
        path,
        &format!("unexpected argument '--{name}' found"),
        tip.as_deref(),
    )
}

/// The commands (`sessionlab learn`) that have the option `name`.
fn owners_of(cmd: &Cmd, shown: &str, name: &str, out: &mut Vec<String>) {
    if cmd.opts.iter().any(|o| o.name == name) {
        out.push(shown.to_string());
    }
    for sub in cmd.subs {
        owners_of(sub, &format!("{shown} {}", sub.name), name, out);
    }
}

fn unknown_short(path: &[&Cmd], text: &str) -> String {
    let cmd = path.last().expect("the program is on the path");
    let word = &text[1..];
    let tip = if text.parse::<f64>().is_ok() {
        Some(format!(
            "to pass '{text}' as a value, write it after '--' ('-- {text}')"
        ))
    } else if cmd.opts.iter().chain(GLOBAL).any(|o| o.name == word) || word == "help" {
        Some(did_you_mean(&[&format!("--{word}")]))
    } else {
        None
    };
    error(
        path,
        &format!("unexpected argument '{text}' found"),
        tip.as_deref(),
    )
}

/// `did you mean 'a'?`, `did you mean 'a' or 'b'?`
fn did_you_mean(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match quoted.split_last() {
        Some((last, [])) => format!("did you mean {last}?"),
        Some((last, rest)) => format!("did you mean {} or {last}?", rest.join(", ")),
        None => String::new(),
    }
}

/// The names closest to `word` (a typo away, or the only one it starts).
fn similar<'a>(word: &str, names: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let word = word.to_lowercase();
    let limit = match word.chars().count() {
        0 => return Vec::new(),
        1..=4 => 1,
        5..=8 => 2,
        _ => 3,
    };
    let names: Vec<&str> = names.collect();
    let scored: Vec<(usize, &str)> = names
        .iter()
        .map(|n| (distance(&word, n), *n))
        .filter(|(d, _)| *d <= limit)
        .collect();
    if let Some(best) = scored.iter().map(|(d, _)| *d).min() {
        return scored
            .into_iter()
            .filter(|(d, _)| *d == best)
            .map(|(_, n)| n)
            .collect();
    }
    let starting: Vec<&str> = names
        .into_iter()
        .filter(|n| word.chars().count() >= 3 && n.starts_with(&word))
        .collect();
    if starting.len() == 1 {
        starting
    } else {
        Vec::new()
    }
}

/// The edit distance between two words (insertions, deletions,
/// substitutions, and swaps of two neighbours).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * width + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best = (d[(i - 1) * width + j] + 1)
                    .min(d[i * width + j - 1] + 1)
                    .min(d[(i - 1) * width + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(d[(i - 2) * width + j - 2] + 1);
                }
                best
            };
        }
    }
    d[a.len() * width + b.len()]
}

/// `sessionlab progress export`
fn command_name(path: &[&Cmd]) -> String {
    path.iter().map(|c| c.name).collect::<Vec<_>>().join(" ")
}

fn usage(path: &[&Cmd]) -> String {
    let cmd = path.last().expect("the program is on the path");
    let mut out = format!("Usage: {} [OPTIONS]", command_name(path));
    if !cmd.subs.is_empty() {
        out.push_str(" [COMMAND]");
    }
    for arg in cmd.args {
        out.push(' ');
        out.push_str(&arg.shown());
    }
    out
}

/// An error about the command line, with a tip, the usage and where to read more.
fn error(path: &[&Cmd], message: &str, tip: Option<&str>) -> String {
    let mut out = format!("error: {message}\n\n");
    if let Some(tip) = tip {
        out.push_str(&format!("  tip: {tip}\n\n"));
    }
    out.push_str(&format!(
        "{}\n\nFor more information, try '{} --help'.\n",
        usage(path),
        command_name(path)
    ));
    out
}

/// The help of the last command of `path`.
fn help(path: &[&Cmd]) -> String {
    let cmd = path.last().expect("the program is on the path");
    let mut out = wrap(cmd.about, 0);
    if !cmd.more.is_empty() {
        out.push('\n');
        out.push_str(&wrap(cmd.more, 0));
    }
    out.push('\n');
    out.push_str(&usage(path));
    out.push('\n');
    if !cmd.subs.is_empty() {
        let mut rows: Vec<(String, String)> = cmd
            .subs
            .iter()
            .map(|c| (c.name.to_string(), c.about.to_string()))
            .collect();
        rows.push((
            "help".into(),
            format!(
                "Print this help, or a command's ({} help {})",
                command_name(path),
                cmd.subs[0].name
            ),
        ));
        out.push_str("\nCommands:\n");
        out.push_str(&table(&rows));
    }
    if !cmd.args.is_empty() {
        let rows: Vec<(String, String)> = cmd
            .args
            .iter()
            .map(|a| (a.shown(), a.help.to_string()))
            .collect();
        out.push_str("\nArguments:\n");
        out.push_str(&table(&rows));
    }
    let mut rows: Vec<(String, String)> = cmd
        .opts
        .iter()
        .chain(GLOBAL)
        .map(|o| {
            let mut text = o.help.to_string();
            if let Some(default) = o.default {
                text.push_str(&format!(" [default: {default}]"));
            }
            if !o.choices.is_empty() {
                text.push_str(&format!(" [possible values: {}]", o.choices.join(", ")));
            }
            (format!("    {}", o.shown()), text)
        })
        .collect();
    rows.push(("-h, --help".into(), "Print help".into()));
    if path.len() == 1 {
        rows.push(("-V, --version".into(), "Print version".into()));
    }
    out.push_str("\nOptions:\n");
    out.push_str(&table(&rows));
    if let Some(after) = cmd.after {
        out.push('\n');
        for line in after().lines() {
            let indent = line.len() - line.trim_start().len();
            out.push_str(&wrap(line, indent));
        }
    }
    out
}

/// Two columns, the second wrapped; a long first column puts the second
/// on the next line.
fn table(rows: &[(String, String)]) -> String {
    const MOST: usize = 26;
    let left = rows
        .iter()
        .map(|(l, _)| l.chars().count() + 4)
        .filter(|w| *w <= MOST)
        .max()
        .unwrap_or(MOST);
    let mut out = String::new();
    for (name, text) in rows {
        let head = format!("  {name}");
        let body = wrap(text, left);
        let body = body.trim_start();
        if head.chars().count() + 2 <= left {
            out.push_str(&format!("{head:<left$}{body}"));
        } else {
            out.push_str(&format!("{head}\n{:left$}{body}", ""));
        }
    }
    out
}

/// `text` wrapped to [`WIDTH`], each line indented by `indent`, with a
/// newline at the end.
fn wrap(text: &str, indent: usize) -> String {
    let room = WIDTH.saturating_sub(indent).max(20);
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > room {
            out.push_str(&format!("{:indent$}{line}\n", ""));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&format!("{:indent$}{line}\n", ""));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(args: &[&str]) -> Cli {
        match parse(args) {
            Parsed::Run(cli) => *cli,
            other => panic!("{args:?}: {other:?}"),
        }
    }

    fn printed(args: &[&str]) -> String {
        match parse(args) {
            Parsed::Print(text) => text,
            other => panic!("{args:?}: {other:?}"),
        }
    }

    fn failed(args: &[&str]) -> String {
        match parse(args) {
            Parsed::Fail(text) => text,
            other => panic!("{args:?}: {other:?}"),
        }
    }

    #[test]
    fn no_arguments_opens_the_menu() {
        let cli = ok(&[]);
        assert!(cli.command.is_none());
        assert!(cli.lessons.dir.is_none() && cli.theme.is_none());
    }

    #[test]
    fn run_takes_a_file_json_and_a_seed() {
        let cli = ok(&["run", "a.txt", "--json", "--seed", "7"]);
        match cli.command {
            Some(Command::Run {
                scenario,
                json,
                seed,
            }) => {
                assert_eq!(scenario, PathBuf::from("a.txt"));
                assert!(json);
                assert_eq!(seed, 7);
            }
            other => panic!("{other:?}"),
        }
        let cli = ok(&["run", "--seed=9", "-"]);
        assert!(matches!(
            cli.command,
            Some(Command::Run { seed: 9, json: false, ref scenario }) if scenario.as_os_str() == "-"
        ));
        assert!(matches!(
            ok(&["run", "-"]).command,
            Some(Command::Run { seed: 0, .. })
        ));
        assert!(matches!(
            ok(&["run", "--", "--odd-name"]).command,
            Some(Command::Run { ref scenario, .. }) if scenario.as_os_str() == "--odd-name"
        ));
    }

    #[test]
    fn global_options_go_before_or_after_the_subcommand() {
        for args in [
            &["--lessons", "d", "--lang", "fr", "check", "x"][..],
            &["check", "--lessons", "d", "x", "--lang=fr"],
        ] {
            let cli = ok(args);
            assert_eq!(cli.lessons.dir, Some(PathBuf::from("d")), "{args:?}");
            assert_eq!(cli.classroom.lang.as_deref(), Some("fr"));
            assert!(matches!(
                cli.command,
                Some(Command::Check { ref paths, notes: false }) if paths == &[PathBuf::from("x")]
            ));
        }
        // After the subcommand's name wins.
        let cli = ok(&["--lessons", "a", "lessons", "--lessons", "b"]);
        assert_eq!(cli.lessons.dir, Some(PathBuf::from("b")));
        let cli = ok(&[
            "progress",
            "--lessons",
            "d",
            "import",
            "f",
            "--profile",
            "exam",
        ]);
        assert_eq!(cli.lessons.dir, Some(PathBuf::from("d")));
        assert_eq!(cli.classroom.profile.as_deref(), Some("exam"));
        assert!(matches!(
            cli.command,
            Some(Command::Progress { action: Some(ProgressAction::Import { ref file }) }) if file == &PathBuf::from("f")
        ));
    }

    #[test]
    fn grade_takes_repeated_progress_files_and_a_format() {
        let cli = ok(&[
            "grade",
            "--lessons",
            "c",
            "--format",
            "csv",
            "--progress",
            "a.json",
            "--progress",
            "b.json",
        ]);
        let Some(Command::Grade(args)) = cli.command else {
            panic!("not grade");
        };
        assert_eq!(args.format, Format::Csv);
        assert_eq!(args.progress.len(), 2);
        assert_eq!(cli.lessons.dir, Some(PathBuf::from("c")));
        let Some(Command::Grade(args)) = ok(&["grade"]).command else {
            panic!("not grade");
        };
        assert_eq!(args.format, Format::Gradescope);
    }

    #[test]
    fn demo_and_learn_and_export() {
        assert!(matches!(
            ok(&["demo", "x", "--autoplay", "--delay", "0.5"]).command,
            Some(Command::Demo { ref id, autoplay: true, delay }) if id == "x" && delay == 0.5
        ));
        assert!(matches!(
            ok(&["demo", "x"]).command,
            Some(Command::Demo { delay, autoplay: false, .. }) if delay == 3.0
        ));
        assert!(matches!(
            ok(&["learn", "--plain", "7"]).command,
            Some(Command::Learn { ref id, plain: true }) if id == "7"
        ));
        assert!(matches!(
            ok(&["progress", "export", "f", "--student", "Ada"]).command,
            Some(Command::Progress { action: Some(ProgressAction::Export { ref student, .. }) })
                if student.as_deref() == Some("Ada")
        ));
    }

    #[test]
    fn help_and_version_are_printed() {
        let top = printed(&["--help"]);
        for name in [
            "run", "learn", "sandbox", "demo", "check", "lessons", "progress", "grade",
        ] {
            assert!(top.contains(&format!("\n  {name} ")), "{name}: {top}");
            let own = printed(&[name, "--help"]);
            assert!(
                own.contains(&format!("Usage: sessionlab {name} [OPTIONS]")),
                "{own}"
            );
            assert_eq!(printed(&["help", name]), own);
        }
        assert_eq!(printed(&["-h"]), top);
        assert!(printed(&["run", "-h"]).contains("browser close"));
        let grade = printed(&["grade", "--help"]);
        assert!(grade.contains("[default: gradescope]"), "{grade}");
        assert_eq!(
            printed(&["progress", "help", "export"]),
            printed(&["progress", "export", "--help"])
        );
        assert_eq!(
            printed(&["-V"]),
            format!("sessionlab {}\n", env!("CARGO_PKG_VERSION"))
        );
        for text in [top, printed(&["grade", "-h"]), printed(&["run", "-h"])] {
            for line in text.lines() {
                assert!(line.chars().count() <= WIDTH, "too wide: {line}");
            }
        }
    }

    #[test]
    fn a_misspelled_subcommand_or_option_gets_a_suggestion() {
        let err = failed(&["lern", "x"]);
        assert!(
            err.starts_with("error: unrecognized subcommand 'lern'"),
            "{err}"
        );
        assert!(err.contains("did you mean 'learn'?"), "{err}");
        assert!(failed(&["Run", "x"]).contains("did you mean 'run'?"));
        assert!(failed(&["progress", "exprot", "f"]).contains("did you mean 'export'?"));
        let err = failed(&["run", "x", "--jsn"]);
        assert!(err.contains("unexpected argument '--jsn' found"), "{err}");
        assert!(err.contains("did you mean '--json'?"), "{err}");
        assert!(err.contains("try 'sessionlab run --help'"), "{err}");
        assert!(failed(&["grade", "--formt", "csv"]).contains("did you mean '--format'?"));
        let err = failed(&["--plain", "learn", "x"]);
        assert!(
            err.contains("'--plain' is an option of 'sessionlab learn'"),
            "{err}"
        );
        assert!(failed(&["--theme", "drak"]).contains("did you mean 'dark'?"));
        assert!(!failed(&["zzzzzz"]).contains("tip:"));
    }

    #[test]
    fn bad_values_and_missing_arguments_are_named() {
        let err = failed(&["run"]);
        assert!(
            err.contains("required arguments were not provided:\n  <SCENARIO>"),
            "{err}"
        );
        assert!(failed(&["progress", "export"]).contains("<FILE>"));
        assert!(
            failed(&["run", "x", "--seed", "abc"])
                .contains("invalid value 'abc' for '--seed <SEED>'")
        );
        assert!(failed(&["run", "x", "--seed", "-1"]).contains("invalid value '-1'"));
        assert!(failed(&["demo", "x", "--delay", "soon"]).contains("'--delay <SECONDS>'"));
        for bad in ["-1", "nan", "inf"] {
            assert!(failed(&["demo", "x", "--delay", bad]).contains("a number of seconds"));
        }
        assert!(
            failed(&["demo", "x", "--delay"])
                .contains("a value is required for '--delay <SECONDS>'")
        );
        assert!(
            failed(&["--lessons", "--lang", "fr"])
                .contains("a value is required for '--lessons <DIR>'")
        );
        assert!(
            failed(&["grade", "--format", "xml"])
                .contains("[possible values: gradescope, json, csv]")
        );
        assert!(
            failed(&["--theme", "blue"]).contains("invalid value 'blue' for '--theme <THEME>'")
        );
        assert!(failed(&["run", "a", "b"]).contains("unexpected argument 'b' found"));
        assert!(failed(&["lessons", "extra"]).contains("unexpected argument 'extra' found"));
        assert!(
            failed(&["run", "x", "--json", "--json"]).contains("cannot be used multiple times")
        );
        assert!(
            failed(&["--theme", "dark", "--theme", "mono"])
                .contains("cannot be used multiple times")
        );
        assert!(failed(&["run", "x", "--json=yes"]).contains("'--json' takes no value"));
        assert!(failed(&["run", "-V"]).contains("unexpected argument '-V' found"));
        assert!(failed(&["help", "nothing"]).contains("unrecognized subcommand 'nothing'"));
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStringExt as _;
            let bad = OsString::from_vec(vec![0xff]);
            let err = match parse([OsString::from("--lang"), bad]) {
                Parsed::Fail(text) => text,
                other => panic!("{other:?}"),
            };
            assert!(
                err.contains("for '--lang <LANG>': it is not UTF-8 text"),
                "{err}"
            );
        }
    }

    #[test]
    fn the_edit_distance_counts_typos() {
        assert_eq!(distance("learn", "learn"), 0);
        assert_eq!(distance("lern", "learn"), 1);
        assert_eq!(distance("ipmort", "import"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(
            similar("prog", ["progress", "profile"].into_iter()),
            vec!["progress"]
        );
    }
}
